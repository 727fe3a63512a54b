"""MyST chapters as plain Jupyter notebooks (``tools/plain_notebook.py``).

A small book of two chapters (an unnumbered preface, then a numbered part) is converted:
theorem-like blocks and exercises get the book's numbers ("Theorem 1.2", "Exercise 1.1";
the preface counts without a chapter number), proofs and admonitions become quoted
Markdown, labelled equations get their number as a tag and references show the numbers
across chapters, ``{eval}`` roles the published texts, figure captions a Markdown cell
under their figure; no MyST is left.
"""

from __future__ import annotations

import textwrap

import jupytext
import nbformat
import pytest
from helpers import tool

FRONT = textwrap.dedent(
    """\
    ---
    jupytext:
      formats: ipynb,md:myst
      text_representation:
        extension: .md
        format_name: myst
    ---
    """
)

PREFACE = FRONT + textwrap.dedent(
    """\
    # Preface

    ```{exercise}
    :label: pre-ex

    Warm up.
    ```
    """
)

CHAPTER = FRONT + textwrap.dedent(
    """\
    # Chapter

    ```{prf:lemma} Small
    :label: ch-lemma

    A lemma.
    ```

    ```{prf:theorem} Big
    :label: ch-thm

    By {prf:ref}`ch-lemma`,

    $$
    x = 1
    $$ (ch-eq)
    ```

    ```{prf:proof}
    Obvious from {eq}`ch-eq`.
    ```

    ```{prf:theorem}
    :label: ch-thm-2

    Another, with {eval}`ratio` and {cite:t}`doe2020`.
    ```

    ```{code-cell} ipython3
    ---
    mystnb:
      figure:
        caption: 'The ratio {eval}`ratio`, see {prf:ref}`ch-thm`.'
        name: fig-ch
    ---
    print(1)
    ```

    See {numref}`fig-ch`, {prf:ref}`ch-thm-2`, {prf:ref}`pre-ex` and {term}`the truth <truth>`.

    ```{exercise-start}
    :label: ch-ex
    ```

    Do it.

    ```{exercise-end}
    ```
    """
)


@pytest.fixture
def book(tmp_path):
    (tmp_path / "_toc.yml").write_text(
        "format: jb-book\nroot: chapters/pre\nparts:\n  - caption: Part\n    numbered: true\n"
        "    chapters:\n      - file: chapters/ch\n"
    )
    (tmp_path / "chapters").mkdir()
    (tmp_path / "chapters" / "pre.md").write_text(PREFACE)
    (tmp_path / "chapters" / "ch.md").write_text(CHAPTER)
    return tmp_path


def test_numbers_follow_the_book(book):
    numbers = tool("plain_notebook").BookNumbers(book)
    assert numbers.labels == {
        "pre-ex": "Exercise 1",
        "ch-lemma": "Lemma 1.1",
        "ch-thm": "Theorem 1.1",
        "ch-eq": "(1.1)",
        "ch-thm-2": "Theorem 1.2",
        "fig-ch": "Figure 1.1",
        "ch-ex": "Exercise 1.1",
    }


def test_chapter_becomes_plain_markdown(book):
    plain = tool("plain_notebook")
    numbers = plain.BookNumbers(book)
    nb = plain.convert_notebook(
        jupytext.read(book / "chapters" / "ch.md"), numbers, {"ratio": "0.667"}
    )
    nbformat.validate(nb)
    markdown = "\n\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    for raw in ("{", ":label:", "```"):
        assert raw not in markdown.replace("\\tag{1.1}", ""), markdown
    assert "> **Lemma 1.1 (Small).** A lemma." in markdown
    assert "> **Theorem 1.1 (Big).** By Lemma 1.1," in markdown
    assert "\\tag{1.1}\n> $$" in markdown
    assert "*Proof.* Obvious from (1.1). $\\square$" in markdown
    assert "> **Theorem 1.2.** Another, with 0.667 and doe2020." in markdown
    assert "See Figure 1.1, Theorem 1.2, Exercise 1 and the truth." in markdown
    assert "**Exercise 1.1.**\n\nDo it." in markdown
    code = next(i for i, c in enumerate(nb.cells) if c.cell_type == "code")
    caption = nb.cells[code + 1]
    assert caption.cell_type == "markdown"
    assert caption.source == "**Figure 1.1.** The ratio 0.667, see Theorem 1.1."


def test_a_missing_number_is_named(book):
    plain = tool("plain_notebook")
    with pytest.raises(KeyError, match="ratio"):
        plain.convert_notebook(
            jupytext.read(book / "chapters" / "ch.md"), plain.BookNumbers(book), {}
        )
