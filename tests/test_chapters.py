"""Every notebook chapter runs from top to bottom, and its text shows the published numbers.

Each ``chapters/*.md`` notebook is read with jupytext and executed cell by cell with
nbclient in a fresh kernel whose working directory is the chapter's folder, as in the
book build. A cell that raises fails the test with the traceback. New chapters are
picked up automatically (see ``helpers.notebook_chapters``).

Some failures do not raise: an exception while a figure is drawn after its cell has
finished is stored as an error output, and a warning goes to stderr. Both would show
in the book, so both fail the test too.

The numbers of the prose (``{eval}`name``` roles, :mod:`collapse_lib.book`) are checked
as a reader of the notebook in JupyterLab would see them: when the run reaches a
Markdown cell, its roles are evaluated in the kernel as jupyterlab-myst does (an
``execute_request`` with ``user_expressions``, one per role), and each must give, as
plain text, exactly the text that an earlier code cell published for the book build.
So a number shown before the cell that computes it, a name the chapter later
overwrites, or a number published twice fails here. Figure captions (cell metadata,
not rendered by jupyterlab-myst) may only name numbers the notebook publishes.
"""

from __future__ import annotations

import jupytext
from helpers import front_matter
from nbclient import NotebookClient
from nbclient.util import run_sync

from collapse_lib.book import EVAL_ROLE, read_published

DEFAULT_CELL_TIMEOUT = 600  # seconds, as `execute.timeout` in _config.yml


def _user_expressions(client: NotebookClient, expressions: dict[str, str]) -> dict:
    """Evaluate ``expressions`` in the kernel as jupyterlab-myst does; return the results."""
    msg_id = client.kc.execute("", silent=True, store_history=False, user_expressions=expressions)
    while True:
        reply = run_sync(client.kc.get_shell_msg)(timeout=60)
        if reply["parent_header"].get("msg_id") == msg_id:
            break
    assert reply["content"]["status"] == "ok", reply["content"]
    return reply["content"]["user_expressions"]


def test_chapter_executes_and_shows_its_numbers(chapter):
    meta = front_matter(chapter)
    timeout = meta.get("mystnb", {}).get("execution_timeout", DEFAULT_CELL_TIMEOUT)
    nb = jupytext.read(chapter)
    client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_name="python3",
        resources={"metadata": {"path": str(chapter.parent)}},
    )
    problems, published, captions = [], {}, []
    with client.setup_kernel():
        for index, cell in enumerate(nb.cells):
            if cell.cell_type == "code":
                client.execute_cell(cell, index)
                cell_numbers = read_published({"cells": [cell]})
                twice = sorted(set(cell_numbers) & set(published))
                if twice:
                    problems.append(f"cell {index} publishes {twice} again")
                published.update(cell_numbers)
                caption = cell.metadata.get("mystnb", {}).get("figure", {}).get("caption", "")
                captions += [(index, name) for name in EVAL_ROLE.findall(caption)]
            elif cell.cell_type == "markdown":
                names = list(dict.fromkeys(EVAL_ROLE.findall(cell.source)))
                if not names:
                    continue
                results = _user_expressions(client, dict(zip(map(str, range(len(names))), names)))
                for key, name in enumerate(names):
                    result = results[str(key)]
                    if result["status"] != "ok":
                        problems.append(
                            f"cell {index} shows {{eval}}`{name}`, which the kernel cannot "
                            f"evaluate there ({result.get('ename')}: {result.get('evalue')}); "
                            "publish it in an earlier code cell"
                        )
                    elif name not in published:
                        problems.append(f"cell {index} shows {name!r}, which is not published")
                    elif result["data"] != {"text/plain": published[name]}:
                        problems.append(
                            f"cell {index}: {{eval}}`{name}` shows {result['data']!r} in the "
                            f"kernel, but {published[name]!r} was published"
                        )
    for index, cell in enumerate(nb.cells):
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                problems.append(f"cell {index}: {out.get('ename')}: {out.get('evalue')}")
            elif out.get("output_type") == "stream" and out.get("name") == "stderr":
                problems.append(f"cell {index} wrote to stderr: {out.get('text', '')[:500]}")
    problems += [
        f"the caption of cell {index} names {name!r}, which the notebook does not publish"
        for index, name in captions
        if name not in published
    ]
    assert not problems, "\n".join(problems)
