"""The student edition of the book: the same pages with every exercise solution removed.

A solution is written in one of two forms (sphinx-exercise):

* a ``{solution}`` directive, closed by its own fence;
* a gated region from a ``{solution-start}`` directive to the matching
  ``{solution-end}`` directive, which may contain text *and* code cells.

Notes for instructors (``{instructor-only}``, see ``tools/bookext.py``: where the
solutions are, how to mark) are removed like a ``{solution}`` block.

sphinx-exercise's ``hide_solutions`` option is not enough for a student edition: it
drops the ``{solution-start}`` directive itself but leaves the gated content (text,
code and outputs) in the page, and the downloadable sources still hold everything.
This module removes solutions at three levels:

* the built pages -- as a Sphinx extension (``setup``) it deletes the solution nodes
  from every resolved doctree, before the HTML and the search index are written, and
  at the end of the build it replaces the downloadable ``_sources/*.md`` and
  ``_sources/*.ipynb`` with stripped copies; it also takes the launch buttons (Binder,
  Colab) off every page, since they open the repository's notebooks, solutions and all;
* MyST Markdown text (:func:`strip_myst`) and notebooks (:func:`strip_notebook`, also
  used by the hand-out archive, ``tools/handout.py``).

The code cells of a chapter are the same in both editions, so the student build
reuses the execution cache of the instructor build: no chapter runs twice.

Command line (from the book's root folder)::

    python tools/student_edition.py config OUT.yml --cache DIR
        write the book configuration of the student edition to OUT.yml, executing
        through the jupyter-cache folder DIR (the instructor build's cache)
"""

from __future__ import annotations

import argparse
import copy
import re
import sys
from pathlib import Path

import nbformat
import yaml

ROOT = Path(__file__).resolve().parents[1]

#: Sphinx configuration value that switches the extension on.
CONFIG_FLAG = "student_edition"

# An opening fence of a directive: 3+ backticks or colons, then "{name}" and arguments.
_OPENING = re.compile(r"^(?P<fence>`{3,}|:{3,})\{(?P<name>[a-z-]+)\}")

#: File name of the student edition's PDF (``make student-pdf``); the instructor
#: edition's is ``book_pdf`` in ``_config.yml``.
STUDENT_PDF = "model-collapse-student.pdf"

#: Directive (and class of its node) of notes for instructors, removed with the solutions.
INSTRUCTOR_ONLY = "instructor-only"

#: Label of sphinx-book-theme's group of launch buttons (Binder, Colab) in a page header.
LAUNCH_BUTTONS = "launch-buttons"


class _Stripper:
    """Line-by-line filter that drops solution blocks, with state across cells.

    ``feed`` takes the lines of one piece of Markdown (a whole file, or one markdown
    cell of a notebook) and returns the lines to keep; ``in_gated_region`` tells
    whether the next code cell lies between a ``solution-start`` and its
    ``solution-end`` (and so must be dropped too).
    """

    def __init__(self, where: str):
        self.where = where
        self._block_fence: str | None = None  # inside a {solution} block closed by it
        self._gated = False  # between solution-start and solution-end
        self._after_removal = False  # drop blank lines a removed block leaves

    @property
    def in_gated_region(self) -> bool:
        return self._gated

    @staticmethod
    def _closes(line: str, fence: str) -> bool:
        stripped = line.strip()
        return len(stripped) >= len(fence) and set(stripped) == {fence[0]}

    def feed(self, lines: list[str]) -> list[str]:
        kept = []
        for line in lines:
            if self._block_fence is not None:  # inside a directive being dropped
                if self._closes(line, self._block_fence):
                    self._block_fence = None
                    self._after_removal = not self._gated
                continue
            opening = _OPENING.match(line.strip())
            name = opening["name"] if opening else None
            if self._gated:
                if name == "solution-end":
                    self._gated = False
                    self._block_fence = opening["fence"]
                elif name == "solution-start":
                    raise ValueError(
                        f"{self.where}: nested solution-start in a gated solution: {line.strip()!r}"
                    )
                continue
            if name in ("solution", "solution-start", INSTRUCTOR_ONLY):
                self._block_fence = opening["fence"]
                self._gated = name == "solution-start"
                continue
            if name == "solution-end":
                raise ValueError(f"{self.where}: solution-end without a solution-start")
            if self._after_removal and not line.strip() and (not kept or not kept[-1].strip()):
                continue
            self._after_removal = bool(self._after_removal and not line.strip())
            kept.append(line)
        return kept

    def finish(self):
        """Raise ValueError if the text ended inside a solution."""
        if self._gated or self._block_fence is not None:
            raise ValueError(f"{self.where}: a solution is not closed at the end of the text")


def strip_myst(text: str, where: str = "text") -> str:
    """Remove every exercise solution from MyST Markdown text.

    Parameters
    ----------
    text : str
        The content of a MyST Markdown file (a chapter, notebook or not).
    where : str
        Name of the source, used in error messages.

    Returns
    -------
    str
        The text without any ``{solution}`` block and without any region from a
        ``{solution-start}`` directive to its ``{solution-end}`` directive (code cells
        in it included), and without the blank lines that would pile up where a
        block was removed. Everything else is unchanged.

    Raises
    ------
    TypeError
        If ``text`` is not a string.
    ValueError
        If a solution is not closed, a ``solution-end`` has no ``solution-start``,
        or gated solutions are nested.
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, got {type(text).__name__}")
    stripper = _Stripper(where)
    kept = stripper.feed(text.split("\n"))
    stripper.finish()
    return "\n".join(kept)


def strip_notebook(
    nb: nbformat.NotebookNode, where: str = "notebook", clear_outputs: bool = False
) -> nbformat.NotebookNode:
    """A copy of a notebook with every exercise solution removed.

    Markdown cells lose their solution blocks (cells left empty are dropped); code cells
    between a ``{solution-start}`` and its ``{solution-end}`` are dropped.

    Parameters
    ----------
    nb : nbformat.NotebookNode
        A chapter as a notebook (read with jupytext, or executed by the build).
    where : str
        Name of the source, used in error messages.
    clear_outputs : bool
        Also remove all outputs, execution counts and saved widget state.

    Returns
    -------
    nbformat.NotebookNode
        The stripped copy; ``nb`` is not modified.

    Raises
    ------
    TypeError
        If ``nb`` is not a notebook.
    ValueError
        As :func:`strip_myst`, for solutions that do not open and close properly.
    """
    if not isinstance(nb, nbformat.NotebookNode) or "cells" not in nb:
        raise TypeError(f"nb must be an nbformat notebook, got {type(nb).__name__}")
    out = copy.deepcopy(nb)
    stripper = _Stripper(where)
    cells = []
    for cell in out.cells:
        if cell.cell_type == "markdown":
            text = "\n".join(stripper.feed(cell.source.split("\n"))).strip("\n")
            if not text.strip():
                continue
            cell.source = text
        elif stripper.in_gated_region:
            continue
        if clear_outputs and cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
        cells.append(cell)
    stripper.finish()
    out.cells = cells
    if clear_outputs:
        out.metadata.pop("widgets", None)
    return out


# --------------------------------------------------------------------------- the build


def _remove_solution_nodes(app, doctree, docname):
    """Delete every solution (gated ones already merged) and instructor note from a doctree."""
    from sphinx_exercise.nodes import solution_end_node, solution_node, solution_start_node

    for node in list(doctree.findall(solution_node)):
        node.parent.remove(node)
    from docutils import nodes

    for node in list(doctree.findall(nodes.Element)):
        if INSTRUCTOR_ONLY in node.get("classes", ()) and node.parent is not None:
            node.parent.remove(node)
    leftover = list(doctree.findall(solution_start_node)) + list(doctree.findall(solution_end_node))
    if leftover:
        raise ValueError(
            f"{docname}: {len(leftover)} gated solution markers were not "
            "merged; check the solution-start/solution-end pairs"
        )


def _strip_downloads(app, exception):
    """Replace the downloadable sources of every page with stripped copies.

    The notebooks lose their outputs as well, as in the hand-out archive: on a cache hit
    myst-nb saves the notebook for download without outputs anyway, so clearing them
    makes every student download the same whether or not its chapter ran in this build.
    """
    if exception is not None:
        return
    sources = Path(app.outdir) / "_sources"
    for path in sorted(sources.rglob("*.md")):
        path.write_text(strip_myst(path.read_text(encoding="utf-8"), str(path)), encoding="utf-8")
    for path in sorted(sources.rglob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        nbformat.write(strip_notebook(nb, str(path), clear_outputs=True), path)


def _drop_launch_buttons(app, pagename, templatename, context, doctree):
    """Remove the Binder and Colab buttons from a page of the student edition.

    They open the chapter's notebook in the book's repository, which holds every
    solution. The theme still offers the page's own notebook for download (solutions
    removed by :func:`_strip_downloads`); it writes that download only where launch
    buttons are configured, so they are configured and then taken off the page.
    """
    buttons = context.get("header_buttons")
    if buttons:
        buttons[:] = [b for b in buttons if b.get("label") != LAUNCH_BUTTONS]


def _activate(app, config):
    if config[CONFIG_FLAG]:
        app.connect("doctree-resolved", _remove_solution_nodes)
        app.connect("build-finished", _strip_downloads)
        # after sphinx-book-theme's add_launch_buttons (priority 501)
        app.connect("html-page-context", _drop_launch_buttons, priority=600)


def setup(app):
    """Sphinx entry point: remove solutions when ``student_edition`` is true."""
    app.setup_extension("sphinx_exercise")
    app.add_config_value(CONFIG_FLAG, False, "env")
    app.connect("config-inited", _activate)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}


# --------------------------------------------------------------------------- commands


def book_config(book: Path) -> dict:
    """The configuration ``book/_config.yml``, usable from any folder.

    Jupyter Book resolves the paths of ``sphinx: local_extensions`` relative to the
    configuration file; they are made absolute, so that a copy of the configuration
    written elsewhere (a build's own ``--config``) still finds the extensions.
    """
    config = yaml.safe_load((Path(book) / "_config.yml").read_text(encoding="utf-8"))
    local = config.get("sphinx", {}).get("local_extensions") or {}
    for name, path in local.items():
        local[name] = str((Path(book) / path).resolve())
    return config


def student_config(book: Path, cache: Path) -> dict:
    """The book configuration of the student edition.

    The instructor configuration ``book/_config.yml`` with this extension switched on,
    a title that names the edition, its own PDF (:data:`STUDENT_PDF`), and execution
    through the jupyter-cache folder ``cache`` (cached mode), so chapters executed by
    the instructor build are not run again.
    """
    config = book_config(book)
    config["title"] = f"{config.get('title', 'Book')} (student edition)"
    execute = config.setdefault("execute", {})
    execute["execute_notebooks"] = "cache"
    execute["cache"] = str(Path(cache).resolve())
    sphinx = config.setdefault("sphinx", {})
    sphinx.setdefault("local_extensions", {})["student_edition"] = str(Path(__file__).parent)
    sphinx.setdefault("config", {})[CONFIG_FLAG] = True
    sphinx["config"]["book_pdf"] = STUDENT_PDF
    return config


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    config = commands.add_parser("config", help="write the student edition's _config.yml")
    config.add_argument("out", type=Path)
    config.add_argument(
        "--cache", type=Path, required=True, help="jupyter-cache folder of the instructor build"
    )
    args = parser.parse_args(argv)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(
        yaml.safe_dump(student_config(ROOT, args.cache), sort_keys=False), encoding="utf-8"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
