"""The course kit: student edition without solutions, hand-out notebooks, launch buttons.

* ``tools/student_edition.py`` strips solutions from MyST text and notebooks (fast unit
  tests on small examples and on every chapter);
* the student edition (session fixture ``built_student_book``, built after the
  instructor edition and from its execution cache) holds no solution text anywhere:
  pages, search index, ``_sources`` and downloadable notebooks. The probes are taken
  from the chapter sources by a scan independent of the tool, and each probe is first
  shown to be present in the instructor edition;
* every chapter page offers its ``.md`` and ``.ipynb``; launch buttons point Binder
  (JupyterLab) and Colab at the paired ``.ipynb`` in the configured repository;
* the notebook archive of ``make student-notebooks`` runs after installing the library;
* every image of the book has alt text, and raster figures are opaque, so that they
  keep their own light background in dark mode.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import jupytext
import nbformat
import pytest
import yaml
from bs4 import BeautifulSoup
from helpers import (
    PROBES,
    ROOT,
    notebook_chapters,
    outside_solutions,
    search_terms,
    solution_regions,
    squash,
    stems,
    student_edition,
)
from nbclient import NotebookClient
from PIL import Image

CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
_TEXT_SUFFIXES = {".html", ".js", ".json", ".md", ".txt", ".ipynb", ".inv", ".css"}


def _file_text(path: Path) -> str:
    """Whitespace-free readable text of a build file (page text, notebook cells, raw)."""
    raw = path.read_text(encoding="utf-8", errors="replace")
    if path.suffix == ".html":
        raw = BeautifulSoup(raw, "html.parser").get_text("")
    elif path.suffix == ".ipynb":
        nb = json.loads(raw)
        parts = []
        for cell in nb["cells"]:
            parts.append("".join(cell["source"]))
            for out in cell.get("outputs", []):
                parts.append("".join(out.get("text", "")))
                parts.append("".join(out.get("data", {}).get("text/plain", "")))
        raw = "\n".join(parts)
    return squash(raw)


def _build_texts(html: Path) -> dict[Path, str]:
    return {
        p: _file_text(p)
        for p in sorted(html.rglob("*"))
        if p.is_file() and p.suffix in _TEXT_SUFFIXES
    }


# --------------------------------------------------------------------------- the tool

_EXAMPLE = """\
# A chapter

```{exercise}
:label: ex-a

Show that one plus one is two.
```

```{solution} ex-a
:class: dropdown

Count on your fingers: PLAIN-SOLUTION-TEXT.
```

````{exercise-start}
:label: ex-b
````

Compute it.

````{exercise-end}
````

````{solution-start} ex-b
:class: dropdown
````

GATED-SOLUTION-TEXT

```{code-cell} ipython3
print("GATED-SOLUTION-CODE")
```

````{solution-end}
````

After the exercises.
"""


def test_strip_myst_removes_both_forms_and_keeps_the_rest():
    tool = student_edition()
    out = tool.strip_myst(_EXAMPLE)
    for gone in ("PLAIN-SOLUTION-TEXT", "GATED-SOLUTION", "{solution", "solution-end"):
        assert gone not in out
    for kept in (
        "Show that one plus one",
        ":label: ex-b",
        "Compute it.",
        "{exercise-end}",
        "After the exercises.",
    ):
        assert kept in out
    assert "\n\n\n" not in out


def test_strip_notebook_drops_gated_code_cells():
    tool = student_edition()
    nb = jupytext.reads(_EXAMPLE, fmt="md:myst")
    nb.cells[-2].outputs = [nbformat.v4.new_output("stream", text="out")]
    stripped = tool.strip_notebook(nb, clear_outputs=True)
    text = json.dumps(stripped)
    assert "GATED-SOLUTION" not in text and "PLAIN-SOLUTION" not in text
    assert "After the exercises." in text
    assert len(nb.cells) > len(stripped.cells)  # the input is not modified


@pytest.mark.parametrize(
    "bad",
    [
        "````{solution-start} ex\n````\nunfinished\n",
        "```{solution} ex\nnever closed\n",
        "````{solution-end}\n````\n",
        "````{solution-start} a\n````\n````{solution-start} b\n````\n",
    ],
)
def test_strip_myst_rejects_unbalanced_solutions(bad):
    with pytest.raises(ValueError, match="solution"):
        student_edition().strip_myst(bad, "example.md")


def test_strip_myst_rejects_non_text():
    with pytest.raises(TypeError, match="text"):
        student_edition().strip_myst(b"bytes")
    with pytest.raises(TypeError, match="nb"):
        student_edition().strip_notebook({"cells": []})


def test_every_chapter_strips_to_the_same_code_as_its_notebook(chapter):
    """Stripping the .md text and stripping the notebook keep the same code cells."""
    tool = student_edition()
    text = chapter.read_text(encoding="utf-8")
    from_text = jupytext.reads(tool.strip_myst(text, chapter.name), fmt="md:myst")
    from_nb = tool.strip_notebook(jupytext.read(chapter), chapter.name)
    code = [[c.source for c in nb.cells if c.cell_type == "code"] for nb in (from_text, from_nb)]
    assert code[0] == code[1]
    assert not re.search(r"\{solution", tool.strip_myst(text))
    assert text.count("{exercise") == tool.strip_myst(text).count("{exercise")


def test_probes_cover_every_chapter_with_solutions():
    chapters = {
        p.stem
        for p in (ROOT / "chapters").glob("*.md")
        if solution_regions(p.read_text(encoding="utf-8"))
    }
    assert len(chapters) >= 6
    thin = {c: PROBES.get(c, []) for c in chapters if len(PROBES.get(c, [])) < 4}
    assert not thin, f"too few distinctive solution probes: {thin}"


# --------------------------------------------------------------------------- the builds


@pytest.mark.book
def test_probes_are_found_in_the_instructor_edition(built_book):
    texts = _build_texts(built_book)
    pages = {name: texts[built_book / "chapters" / f"{name}.html"] for name in PROBES}
    missing = [
        (name, p) for name, probes in PROBES.items() for p in probes if squash(p) not in pages[name]
    ]
    assert not missing, f"probes not on the instructor pages (the probe scan is wrong): {missing}"


@pytest.mark.book
def test_no_solution_text_in_the_student_edition(built_student_book):
    texts = _build_texts(built_student_book)
    leaks = [
        (str(path.relative_to(built_student_book)), probe)
        for name, probes in PROBES.items()
        for probe in probes
        for path, text in texts.items()
        if squash(probe) in text
    ]
    assert not leaks, f"solution text in the student edition: {leaks[:20]}"
    assert 'class="solution' not in "".join(
        p.read_text(encoding="utf-8") for p in built_student_book.rglob("*.html")
    )


@pytest.mark.book
def test_search_index_has_no_solution_words(built_book, built_student_book):
    sources = [p.read_text(encoding="utf-8") for p in (ROOT / "chapters").glob("*.md")]
    solution_only = stems(" ".join(r for t in sources for r in solution_regions(t)), 6) - stems(
        " ".join(outside_solutions(t) for t in sources)
    )
    instructor = solution_only & search_terms(built_book)
    assert len(instructor) >= 20, f"few solution-only words indexed: {sorted(instructor)}"
    leaked = instructor & search_terms(built_student_book)
    assert not leaked, f"solution words in the student search index: {sorted(leaked)}"


@pytest.mark.book
def test_student_edition_keeps_exercises_and_figures(built_book, built_student_book):
    for chapter in notebook_chapters():
        name = f"chapters/{chapter.stem}.html"
        teacher, student = (
            BeautifulSoup((b / name).read_text(encoding="utf-8"), "html.parser")
            for b in (built_book, built_student_book)
        )
        assert len(student.select("div.exercise")) == len(teacher.select("div.exercise"))
        assert len(student.find_all("img")) == len(teacher.find_all("img"))
        assert not student.select("div.solution")


@pytest.mark.book
@pytest.mark.parametrize("edition", ["instructor", "student"])
def test_every_chapter_offers_md_and_ipynb(built_book, built_student_book, edition):
    html = built_book if edition == "instructor" else built_student_book
    for chapter in notebook_chapters():
        page = BeautifulSoup(
            (html / f"chapters/{chapter.stem}.html").read_text(encoding="utf-8"), "html.parser"
        )
        hrefs = {a["href"] for a in page.find_all("a", href=True)}
        for suffix in (".md", ".ipynb"):
            href = f"../_sources/chapters/{chapter.stem}{suffix}"
            assert href in hrefs, f"{chapter.stem}: no download link {href}"
            assert (html / "_sources" / "chapters" / f"{chapter.stem}{suffix}").is_file()
        nb = nbformat.read(html / "_sources" / "chapters" / f"{chapter.stem}.ipynb", as_version=4)
        solutions = sum("{solution" in c.source for c in nb.cells)
        assert (solutions > 0) == (edition == "instructor" and chapter.stem in PROBES)
        if edition == "student":  # handed out to be run: no outputs, like the archive
            assert not any(c.outputs for c in nb.cells if c.cell_type == "code")


@pytest.mark.book
def test_launch_buttons_open_the_paired_notebook(built_book):
    repo = CONFIG["repository"]["url"].rstrip("/")
    org_repo = repo.split("github.com/")[1]
    branch = CONFIG["repository"]["branch"]
    for chapter in notebook_chapters():
        page = (built_book / f"chapters/{chapter.stem}.html").read_text(encoding="utf-8")
        links = set(re.findall(r'href="(https://[^"]+)"', page))
        colab = (
            f"https://colab.research.google.com/github/{org_repo}/blob/{branch}/"
            f"chapters/{chapter.stem}.ipynb"
        )
        binder = (
            f"https://mybinder.org/v2/gh/{org_repo}/{branch}"
            f"?urlpath=lab/tree/chapters/{chapter.stem}.ipynb"
        )
        assert colab in links, f"{chapter.stem}: no Colab link to the .ipynb"
        assert binder in links, f"{chapter.stem}: no Binder (JupyterLab) link to the .ipynb"


@pytest.mark.book
def test_every_image_has_alt_text(built_book):
    problems = []
    for page in sorted(built_book.rglob("*.html")):
        if page.relative_to(built_book).parts[0] in ("_static", "_sources"):
            continue
        for img in BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser").find_all("img"):
            alt, src = (img.get("alt") or "").strip(), img.get("src", "")
            if not alt or alt == src or re.search(r"\.(png|svg|jpe?g|gif)$", alt):
                problems.append(f"{page.name}: {src[:60]} alt={alt[:60]!r}")
    assert not problems, "images without alt text:\n" + "\n".join(problems)


@pytest.mark.book
def test_figures_are_opaque(built_book):
    """Figures keep their own white face on a dark page (no transparent pixels)."""
    images = sorted((built_book / "_images").glob("*.png"))
    assert images
    transparent = []
    for path in images:
        with Image.open(path) as image:
            if image.mode in ("RGBA", "LA") and image.getchannel("A").getextrema()[0] < 255:
                transparent.append(path.name)
    assert not transparent, f"figures with transparent pixels: {transparent}"


# --------------------------------------------------------------------------- notebooks


@pytest.fixture(scope="module")
def student_notebooks(tmp_path_factory) -> Path:
    """The archive of `make student-notebooks`, unpacked into a folder of its own."""
    out = tmp_path_factory.mktemp("handout")
    archive = out / "student-notebooks.zip"
    subprocess.run(
        [sys.executable, str(ROOT / "tools" / "student_edition.py"), "notebooks", str(archive)],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    with zipfile.ZipFile(archive) as zf:
        zf.extractall(out)
    return out / "notebooks"


def test_student_notebooks_have_no_solutions_or_outputs(student_notebooks):
    names = sorted(p.stem for p in student_notebooks.glob("*.ipynb"))
    expected = sorted(
        p.stem
        for p in notebook_chapters()
        if p.stem != "benchmarks" and "{code-cell}" in p.read_text(encoding="utf-8")
    )
    assert names == expected
    readme = (student_notebooks / "README.txt").read_text(encoding="utf-8")
    assert "pip install -r requirements.txt" in readme
    requirements = (student_notebooks / "requirements.txt").read_text(encoding="utf-8")
    assert f"collapse_lib @ git+{CONFIG['repository']['url']}" in requirements
    for path in student_notebooks.glob("*.ipynb"):
        nb = nbformat.read(path, as_version=4)
        nbformat.validate(nb)
        text = squash(json.dumps([c.source for c in nb.cells]))
        assert "{solution" not in text
        assert not [p for p in PROBES.get(path.stem, []) if squash(p) in text]
        assert all(
            not c.outputs and c.execution_count is None for c in nb.cells if c.cell_type == "code"
        )


def test_notebook_requirements_are_pinned_as_in_the_lock():
    """binder/requirements.txt (Binder and the archive) pins what the lock file pins."""

    def pins(path):
        lines = (ROOT / path).read_text(encoding="utf-8").splitlines()
        return dict(line.split("==") for line in lines if "==" in line and not line.startswith("#"))

    lock, notebook = pins("requirements/lock.txt"), pins("binder/requirements.txt")
    assert {"numpy", "scipy", "matplotlib", "ipywidgets", "myst-nb"} <= set(notebook)
    assert {name: lock.get(name) for name in notebook} == notebook


@pytest.mark.slow
def test_student_notebook_runs_outside_the_repository(student_notebooks):
    """The Preface notebook, alone in a folder, runs with the installed library."""
    path = student_notebooks / "intro.ipynb"
    nb = nbformat.read(path, as_version=4)
    NotebookClient(
        nb,
        timeout=600,
        kernel_name="python3",
        resources={"metadata": {"path": str(student_notebooks)}},
    ).execute()
    errors = [o for c in nb.cells for o in c.get("outputs", []) if o.output_type == "error"]
    assert not errors
