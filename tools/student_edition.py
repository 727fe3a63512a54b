"""The student edition of the book: the same pages with every exercise solution removed.

A solution is written in one of two forms (sphinx-exercise):

* a ``{solution}`` directive, closed by its own fence;
* a gated region from a ``{solution-start}`` directive to the matching
  ``{solution-end}`` directive, which may contain text *and* code cells.

sphinx-exercise's ``hide_solutions`` option is not enough for a student edition: it
drops the ``{solution-start}`` directive itself but leaves the gated content (text,
code and outputs) in the page, and the downloadable sources still hold everything.
This module removes solutions at three levels:

* the built pages -- as a Sphinx extension (``setup``) it deletes the solution nodes
  from every resolved doctree, before the HTML and the search index are written, and
  at the end of the build it replaces the downloadable ``_sources/*.md`` and
  ``_sources/*.ipynb`` with stripped copies;
* MyST Markdown text (:func:`strip_myst`) and notebooks (:func:`strip_notebook`);
* the hand-out archive of notebooks (``notebooks`` command).

The code cells of a chapter are the same in both editions, so the student build
reuses the execution cache of the instructor build: no chapter runs twice.

Command line (from the book's root folder)::

    python tools/student_edition.py config OUT.yml --cache DIR
        write the book configuration of the student edition to OUT.yml, executing
        through the jupyter-cache folder DIR (the instructor build's cache)
    python tools/student_edition.py notebooks OUT.zip
        write the student notebooks (solutions removed, outputs cleared) to OUT.zip
"""

from __future__ import annotations

import argparse
import copy
import re
import sys
import zipfile
from pathlib import Path

import nbformat
import yaml

ROOT = Path(__file__).resolve().parents[1]

#: Sphinx configuration value that switches the extension on.
CONFIG_FLAG = "student_edition"

# An opening fence of a directive: 3+ backticks or colons, then "{name}" and arguments.
_OPENING = re.compile(r"^(?P<fence>`{3,}|:{3,})\{(?P<name>[a-z-]+)\}")

#: Chapters left out of the notebook archive: they read files of the repository that a
#: student's copy does not have (the appendix loads ../benchmarks/).
NOT_HANDED_OUT = ("benchmarks",)

#: Packages the notebooks need besides the library (also Binder's environment).
NOTEBOOK_REQUIREMENTS = ROOT / "binder" / "requirements.txt"

_README = """\
Model collapse -- student notebooks
===================================

One notebook per chapter of the book, with the exercise solutions removed and no
outputs. Install the book's library and the packages the notebooks use with

    pip install -r requirements.txt

(requirements.txt installs collapse_lib from {url}; from a clone of the repository,
`pip install .` installs it as well). Then open a notebook in JupyterLab and run it
from the top. Every simulation is seeded, so everyone in a class sees the same numbers.
"""


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
            if name in ("solution", "solution-start"):
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
    """Delete every solution (gated ones already merged) from a resolved doctree."""
    from sphinx_exercise.nodes import solution_end_node, solution_node, solution_start_node

    for node in list(doctree.findall(solution_node)):
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


def _activate(app, config):
    if config[CONFIG_FLAG]:
        app.connect("doctree-resolved", _remove_solution_nodes)
        app.connect("build-finished", _strip_downloads)


def setup(app):
    """Sphinx entry point: remove solutions when ``student_edition`` is true."""
    app.setup_extension("sphinx_exercise")
    app.add_config_value(CONFIG_FLAG, False, "env")
    app.connect("config-inited", _activate)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}


# --------------------------------------------------------------------------- commands


def student_config(book: Path, cache: Path) -> dict:
    """The book configuration of the student edition.

    The instructor configuration ``book/_config.yml`` with this extension switched on,
    a title that names the edition, and execution through the jupyter-cache folder
    ``cache`` (cached mode), so chapters executed by the instructor build are not run
    again.
    """
    config = yaml.safe_load((book / "_config.yml").read_text(encoding="utf-8"))
    config["title"] = f"{config.get('title', 'Book')} (student edition)"
    execute = config.setdefault("execute", {})
    execute["execute_notebooks"] = "cache"
    execute["cache"] = str(Path(cache).resolve())
    sphinx = config.setdefault("sphinx", {})
    sphinx.setdefault("local_extensions", {})["student_edition"] = str(Path(__file__).parent)
    sphinx.setdefault("config", {})[CONFIG_FLAG] = True
    return config


def notebook_chapters(book: Path) -> list[Path]:
    """The chapters of ``_toc.yml`` with code to run that can be handed out.

    Reference pages (notation, glossary, references, the course plan) are notebooks
    too, but have no code cell and are not handed out.
    """
    toc = yaml.safe_load((book / "_toc.yml").read_text(encoding="utf-8"))
    names = [toc["root"]] + [
        entry["file"] for part in toc.get("parts", []) for entry in part.get("chapters", [])
    ]
    chapters = []
    for name in names:
        path = book / f"{name}.md"
        text = path.read_text(encoding="utf-8")
        head = text.split("\n---", 1)[0]
        if "jupytext:" in head and "{code-cell}" in text and path.stem not in NOT_HANDED_OUT:
            chapters.append(path)
    return chapters


def write_student_notebooks(book: Path, out: Path) -> list[str]:
    """Write the student notebooks of the book to the zip archive ``out``.

    Each notebook chapter becomes ``notebooks/NAME.ipynb`` with its solutions removed
    and no outputs; ``notebooks/requirements.txt`` (``binder/requirements.txt`` plus the
    library from the repository of ``_config.yml``) and a README say how to install
    what they need. Returns the names of the archive's members.
    """
    import jupytext

    config = yaml.safe_load((book / "_config.yml").read_text(encoding="utf-8"))
    url = config.get("repository", {}).get("url", "")
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    members = []
    requirements = NOTEBOOK_REQUIREMENTS.read_text(encoding="utf-8") + f"collapse_lib @ git+{url}\n"
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, text in (
            ("README.txt", _README.format(url=url)),
            ("requirements.txt", requirements),
        ):
            archive.writestr(f"notebooks/{name}", text)
            members.append(f"notebooks/{name}")
        for chapter in notebook_chapters(book):
            nb = strip_notebook(jupytext.read(chapter), str(chapter), clear_outputs=True)
            name = f"notebooks/{chapter.stem}.ipynb"
            archive.writestr(name, nbformat.writes(nb))
            members.append(name)
    return members


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    config = commands.add_parser("config", help="write the student edition's _config.yml")
    config.add_argument("out", type=Path)
    config.add_argument(
        "--cache", type=Path, required=True, help="jupyter-cache folder of the instructor build"
    )
    notebooks = commands.add_parser("notebooks", help="write the student notebooks (zip)")
    notebooks.add_argument("out", type=Path)
    args = parser.parse_args(argv)
    if args.command == "config":
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(
            yaml.safe_dump(student_config(ROOT, args.cache), sort_keys=False), encoding="utf-8"
        )
    else:
        members = write_student_notebooks(ROOT, args.out)
        notebooks = [m for m in members if m.endswith(".ipynb")]
        print(f"{args.out}: {len(notebooks)} notebooks")
    return 0


if __name__ == "__main__":
    sys.exit(main())
