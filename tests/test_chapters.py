"""Every notebook chapter runs from top to bottom without an error.

Each ``chapters/*.md`` notebook is read with jupytext and executed with nbclient in a
fresh kernel whose working directory is the chapter's folder, as in the book build. A
cell that raises fails the test with the traceback. New chapters are picked up
automatically (see ``conftest.notebook_chapters``).

Some failures do not raise: an exception while a figure is drawn after its cell has
finished is stored as an error output, and a warning goes to stderr. Both would show
in the book, so both fail the test too.
"""

from __future__ import annotations

import jupytext
from conftest import front_matter
from nbclient import NotebookClient

DEFAULT_CELL_TIMEOUT = 600  # seconds, as `execute.timeout` in _config.yml


def test_chapter_executes(chapter):
    meta = front_matter(chapter)
    timeout = meta.get("mystnb", {}).get("execution_timeout", DEFAULT_CELL_TIMEOUT)
    nb = jupytext.read(chapter)
    client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_name="python3",
        resources={"metadata": {"path": str(chapter.parent)}},
    )
    client.execute()
    problems = []
    for index, cell in enumerate(nb.cells):
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                problems.append(f"cell {index}: {out.get('ename')}: {out.get('evalue')}")
            elif out.get("output_type") == "stream" and out.get("name") == "stderr":
                problems.append(f"cell {index} wrote to stderr: {out.get('text', '')[:500]}")
    assert not problems, "\n".join(problems)
