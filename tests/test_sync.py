"""Every notebook chapter is paired with an output-free ``.ipynb`` that matches it.

The ``.md`` file is the source that the book builds; the ``.ipynb`` is for readers who
open the chapters as notebooks. ``jupytext --diff`` exits 0 even when the files differ,
so the check converts the notebook back to MyST Markdown and compares the text.
"""

from __future__ import annotations

import difflib

import jupytext
import nbformat
import pytest
from helpers import CHAPTERS, front_matter


def test_there_are_notebook_chapters():
    assert any(p.name == "intro.md" for p in CHAPTERS.glob("*.md"))


def test_chapter_is_paired(chapter):
    meta = front_matter(chapter)
    formats = meta["jupytext"].get("formats", "")
    assert set(formats.split(",")) == {"ipynb", "md:myst"}, (
        f"{chapter.name}: jupytext formats must be 'ipynb,md:myst', got {formats!r}"
    )
    assert meta["jupytext"]["text_representation"]["format_name"] == "myst"
    assert "kernelspec" in meta, f"{chapter.name} has no kernelspec"
    assert chapter.with_suffix(".ipynb").is_file(), (
        f"{chapter.name} has no paired notebook; run `jupytext --to ipynb chapters/{chapter.name}`"
    )


def test_notebook_matches_markdown(chapter):
    notebook = chapter.with_suffix(".ipynb")
    if not notebook.is_file():
        pytest.fail(f"missing {notebook.name}")
    converted = jupytext.writes(jupytext.read(notebook), fmt="md:myst")
    source = chapter.read_text(encoding="utf-8")
    if converted != source:
        diff = "".join(
            difflib.unified_diff(
                source.splitlines(keepends=True),
                converted.splitlines(keepends=True),
                fromfile=f"chapters/{chapter.name}",
                tofile=f"chapters/{notebook.name} as md:myst",
            )
        )
        pytest.fail(
            f"{notebook.name} is out of sync with {chapter.name}; run "
            f"`jupytext --sync chapters/{chapter.name}`:\n{diff[:6000]}"
        )


def test_notebook_has_no_outputs(chapter):
    notebook = chapter.with_suffix(".ipynb")
    if not notebook.is_file():
        pytest.fail(f"missing {notebook.name}")
    nb = nbformat.read(notebook, as_version=4)
    dirty = [
        i
        for i, cell in enumerate(nb.cells)
        if cell.cell_type == "code"
        and (cell.get("outputs") or cell.get("execution_count") is not None)
    ]
    assert not dirty, f"{notebook.name}: code cells {dirty} carry outputs; clear them"


def test_every_notebook_has_a_markdown_source():
    orphans = [p.name for p in CHAPTERS.glob("*.ipynb") if not p.with_suffix(".md").is_file()]
    assert not orphans, f"notebooks without a paired .md source: {orphans}"
