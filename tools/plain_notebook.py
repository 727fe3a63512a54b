"""Chapters as plain Jupyter notebooks: MyST turned into Markdown that any Jupyter shows.

The hand-out notebooks (``tools/handout.py``) are read in JupyterLab or the classic
notebook without the MyST extension, so their Markdown cells must not hold MyST:

* theorem-like blocks (``prf:theorem``, ``prf:proposition``, ...) and exercises become
  quoted Markdown with a bold title numbered as in the book ("Theorem 1.2", "Exercise
  3.1": the chapter's number in a numbered part of ``_toc.yml``, then a counter per kind
  of block, as sphinx-proof and sphinx-exercise number them); proofs start with
  *Proof.*; admonitions become quoted blocks with their title;
* labelled equations get their number as a ``\\tag``, and ``{eq}``, ``{prf:ref}`` and
  ``{numref}`` references the number they point to, across chapters;
* ``{eval}`` numbers are replaced by their text in the book's build
  (:func:`collapse_lib.book.fill_published`); ``{term}``, ``{ref}`` and ``{doc}`` by their
  text, citations by their key;
* a figure's caption (``mystnb.figure`` in the code cell's metadata) becomes a Markdown
  cell "**Figure 1.3.** ..." under the figure's cell.

Why not sphinx-tojupyter (the Sphinx builder QuantEcon uses): it is a Sphinx builder,
so the hand-out build would need the whole toolchain of the book (Sphinx, Jupyter Book,
sphinx-proof, sphinx-exercise, myst-nb) and a complete Sphinx build of it, which the
hand-out deliberately avoids (it runs in a small environment of its own, see
``requirements/handout-build.txt``). The block structure here comes from markdown-it-py
(with the colon-fence plugin), the parser myst-parser itself uses, which jupytext
already brings; roles are matched with the name pattern of mdit-py-plugins' MyST role
plugin. The conversion is of the handful of directives and roles the chapters use; an
unknown directive keeps its body, an unknown role its content.

``make student-notebooks`` runs this script in the book's environment after ``make book``
(it reads the numbers of the build with :func:`collapse_lib.book.read_published`); the
hand-out build (``tools/handout.py --notebooks``, in its small environment) then packs
what it writes::

    python tools/plain_notebook.py _build/jupyter_execute OUT_DIR

``OUT_DIR/blank/`` gets one notebook per handed-out chapter, without outputs, and
``OUT_DIR/executed/`` the same notebooks with the outputs of the book's build, both with
the solutions removed and named in reading order (``01_intro.ipynb``, ...).
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import nbformat
import yaml
from markdown_it import MarkdownIt
from mdit_py_plugins.colon_fence import colon_fence_plugin

#: Theorem-like blocks of sphinx-proof and their titles (``prf:proof`` is not numbered).
PROOF_KINDS = {
    "theorem": "Theorem",
    "proposition": "Proposition",
    "lemma": "Lemma",
    "corollary": "Corollary",
    "definition": "Definition",
    "remark": "Remark",
    "example": "Example",
    "conjecture": "Conjecture",
    "axiom": "Axiom",
    "criterion": "Criterion",
    "algorithm": "Algorithm",
    "observation": "Observation",
    "property": "Property",
    "assumption": "Assumption",
    "notation": "Notation",
}
_TITLES = {**PROOF_KINDS, "exercise": "Exercise", "figure": "Figure"}
_ROLE = re.compile(r"\{([a-zA-Z0-9_\-+:]+)\}`([^`]*)`")
_EQUATION_END = re.compile(r"^\$\$\s*\(([^)\s]+)\)\s*$")
_OPTION = re.compile(r"^:([\w-]+):\s*(.*)$")
_PARSER = MarkdownIt("commonmark").use(colon_fence_plugin)


def _label(text: str) -> tuple[str, str]:
    """``text <label>`` -> (text, label); ``label`` -> ("", label)."""
    match = re.fullmatch(r"\s*(.*?)\s*<([^>]+)>\s*", text, flags=re.S)
    return (match[1], match[2]) if match else ("", text.strip())


def _options(body: str) -> tuple[dict[str, str], str]:
    """The ``:key: value`` lines opening a directive's body, and the rest."""
    lines = body.split("\n")
    options = {}
    while lines and (match := _OPTION.match(lines[0])):
        options[match[1]] = match[2]
        lines.pop(0)
    return options, "\n".join(lines).strip("\n")


def _directives(text: str):
    """Top-level fenced directives of ``text``: (first line, end line, name, argument, body)."""
    for token in _PARSER.parse(text):
        if token.type in ("fence", "colon_fence") and token.level == 0 and token.map:
            match = re.match(r"\{([\w:-]+)\}\s*(.*)", token.info.strip())
            if match:
                yield token.map[0], token.map[1], match[1], match[2], token.content


class BookNumbers:
    """The numbers the book gives to labelled blocks, equations and figures, by label.

    Parameters
    ----------
    book : pathlib.Path
        The book's root folder (with ``_toc.yml``).
    """

    def __init__(self, book: Path):
        import jupytext

        toc = yaml.safe_load((book / "_toc.yml").read_text(encoding="utf-8"))
        #: label -> how a reference shows it: "Theorem 1.2", "Figure 1.3", "(1.4)"
        self.labels: dict[str, str] = {}
        #: label -> its number alone: "1.2"
        self.numbers: dict[str, str] = {}
        self.sequence: dict[str, list[str]] = {}
        chapter = 0
        entries = [(toc["root"], False)] + [
            (entry["file"], part.get("numbered", False))
            for part in toc.get("parts", [])
            for entry in part.get("chapters", [])
        ]
        for name, numbered in entries:
            path = book / f"{name}.md"
            if not path.is_file():
                continue
            if numbered:
                chapter += 1
            prefix = f"{chapter}." if numbered else ""
            nb = jupytext.read(path)
            self.sequence[Path(name).stem] = self._scan(nb, prefix)

    def _scan(self, nb, prefix: str) -> list[str]:
        counters: dict[str, int] = {}
        order = []

        def number(kind: str, label: str | None) -> str:
            counters[kind] = counters.get(kind, 0) + 1
            text = f"{prefix}{counters[kind]}"
            if label:
                self.numbers[label] = text
                self.labels[label] = (
                    f"({text})" if kind == "equation" else f"{_TITLES.get(kind, kind)} {text}"
                )
            order.append(text)
            return text

        for cell in nb.cells:
            if cell.cell_type == "code":
                figure = cell.metadata.get("mystnb", {}).get("figure", {})
                if "caption" in figure:
                    number("figure", figure.get("name"))
                continue
            self._scan_text(cell.source, number)
        return order

    def _scan_text(self, text: str, number) -> None:
        """Number the labelled equations and blocks of ``text`` in reading order."""
        lines = text.split("\n")
        blocks = {start: (end, name, body) for start, end, name, _arg, body in _directives(text)}
        i = 0
        while i < len(lines):
            if i in blocks:
                end, name, body = blocks[i]
                options, inner = _options(body)
                kind = name.split(":", 1)[1] if name.startswith("prf:") else name
                if kind in PROOF_KINDS or kind in ("exercise", "exercise-start"):
                    if "nonumber" not in options:
                        number(kind.replace("-start", ""), options.get("label"))
                self._scan_text(inner, number)
                i = end
                continue
            match = _EQUATION_END.match(lines[i])
            if match:
                number("equation", match[1])
            i += 1


def _quote(text: str) -> str:
    return "\n".join(f"> {line}" if line else ">" for line in text.split("\n"))


def convert_markdown(text: str, numbers: BookNumbers, published: dict[str, str]) -> str:
    """The Markdown of a cell with its MyST rewritten as plain Markdown (module docstring).

    Raises
    ------
    KeyError
        If an ``{eval}`` name is not among ``published`` (via ``fill_published``).
    """
    from collapse_lib.book import fill_published

    text = fill_published(text, published) if "{eval}" in text else text
    lines = text.split("\n")
    for start, end, name, argument, body in sorted(_directives(text), reverse=True):
        lines[start:end] = _convert_directive(name, argument, body, numbers, published).split("\n")
    text = "\n".join(lines)
    text = "\n".join(_tag_equation(line, numbers) for line in text.split("\n"))
    return _ROLE.sub(lambda m: _convert_role(m[1], m[2], numbers), text)


def _tag_equation(line: str, numbers: BookNumbers) -> str:
    match = _EQUATION_END.match(line)
    if not match:
        return line
    tag = numbers.numbers.get(match[1], "")
    return f"\\tag{{{tag}}}\n$$" if tag else "$$"


def _convert_directive(name, argument, body, numbers, published) -> str:
    options, inner = _options(body)
    inner = convert_markdown(inner, numbers, published) if inner else ""
    kind = name.split(":", 1)[1] if name.startswith("prf:") else name
    title = f" ({argument})" if argument else ""
    if kind == "proof":
        return f"*Proof.* {inner} $\\square$" if inner else "*Proof.*"
    if kind in PROOF_KINDS or kind in ("exercise", "exercise-start"):
        label = options.get("label")
        number = numbers.numbers.get(label, "") if label else ""
        heading = PROOF_KINDS.get(kind, "Exercise")
        head = f"**{heading} {number}{title}.**".replace(" .**", ".**")
        return _quote(f"{head} {inner}".rstrip()) if kind != "exercise-start" else head
    if kind == "exercise-end":
        return ""
    if kind == "math":
        return f"$$\n{inner}\n$$"
    if kind == "admonition":
        return _quote(f"**{argument}**\n\n{inner}")
    return inner


def _convert_role(name: str, content: str, numbers: BookNumbers) -> str:
    text, label = _label(content)
    if name in ("prf:ref", "numref", "eq"):
        shown, number = numbers.labels.get(label), numbers.numbers.get(label)
        if shown is None:
            return text or label
        if text and name == "numref":
            return text.replace("%s", number).replace("{number}", number)
        return text or shown
    if name in ("cite:t", "cite:p", "cite"):
        keys = ", ".join(k.strip() for k in content.split(","))
        return f"[{keys}]" if name != "cite:t" else keys
    if name == "doc":
        return text or Path(label).stem.replace("_", " ")
    return text or label


def convert_notebook(nb, numbers: BookNumbers, published: dict[str, str]):
    """A copy of ``nb`` with plain Markdown cells and figure captions under their figures."""
    out = nbformat.from_dict(nb)
    cells = []
    for cell in out.cells:
        if cell.cell_type == "markdown":
            cell.source = convert_markdown(cell.source, numbers, published)
        cells.append(cell)
        figure = cell.metadata.get("mystnb", {}).get("figure", {})
        if cell.cell_type == "code" and "caption" in figure:
            number = numbers.numbers.get(figure.get("name"), "")
            caption = convert_markdown(figure["caption"], numbers, published)
            cells.append(nbformat.v4.new_markdown_cell(f"**Figure {number}.** {caption}"))
    out.cells = cells
    return out


def convert_book(book: Path, executed: Path, out: Path) -> list[str]:
    """Write the blank and executed plain notebooks of every handed-out chapter to ``out``.

    Returns the file names (``01_intro.ipynb``, ...).

    Raises
    ------
    FileNotFoundError
        If the build ``executed`` lacks a chapter's executed notebook (run ``make book``).
    """
    import jupytext
    from handout import handout_names, notebook_chapters
    from student_edition import strip_notebook

    from collapse_lib.book import read_published

    numbers = BookNumbers(book)
    chapters = notebook_chapters(book)
    names = handout_names(chapters)
    for kind in ("blank", "executed"):
        (out / kind).mkdir(parents=True, exist_ok=True)
    for chapter, name in zip(chapters, names):
        run = executed / "chapters" / f"{chapter.stem}.ipynb"
        if not run.is_file():
            raise FileNotFoundError(
                f"{run} is missing: the hand-out takes its numbers and outputs from the "
                "book's build; run `make book` first"
            )
        glue = run.with_suffix("").with_suffix(".glue.json")
        published = read_published(glue if glue.is_file() else run)
        blank = strip_notebook(jupytext.read(chapter), str(chapter), clear_outputs=True)
        ran = strip_notebook(nbformat.read(run, as_version=4), str(run))
        for kind, nb in (("blank", blank), ("executed", ran)):
            plain = convert_notebook(nb, numbers, published)
            nbformat.write(plain, out / kind / name)
    return names


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("executed", type=Path, help="the build's jupyter_execute folder")
    parser.add_argument("out", type=Path, help="folder for blank/ and executed/")
    args = parser.parse_args(argv)
    try:
        names = convert_book(Path(__file__).resolve().parents[1], args.executed, args.out)
    except FileNotFoundError as error:
        print(f"plain notebooks: {error}", file=sys.stderr)
        return 1
    print(f"{args.out}: {len(names)} plain notebooks, blank and executed")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    sys.exit(main())
