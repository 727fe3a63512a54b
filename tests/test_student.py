"""The course kit: student edition without solutions, hand-out notebooks, launch buttons.

* ``tools/student_edition.py`` strips solutions from MyST text and notebooks (fast unit
  tests on small examples and on every chapter);
* the student edition (session fixture ``built_student_book``, built after the
  instructor edition and from its execution cache) holds no solution text anywhere:
  pages, search index, ``_sources`` and downloadable notebooks. The probes are taken
  from the chapter sources by a scan independent of the tool, and each probe is first
  shown to be present in the instructor edition;
* every chapter page offers its ``.md`` and ``.ipynb``; in the instructor edition launch
  buttons point Binder (JupyterLab) and Colab at the paired ``.ipynb`` in the configured
  repository; the student edition has no launch button and no link to a notebook or
  source that holds a solution (the leak test covers every link target);
* every image of the book has alt text, and raster figures are opaque, so that they
  keep their own light background in dark mode.

The hand-out archive is tested in ``test_handout.py``.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import jupytext
import nbformat
import pytest
import yaml
from bs4 import BeautifulSoup
from helpers import (
    HIDDEN,
    PROBES,
    ROOT,
    notebook_chapters,
    outside_solutions,
    search_terms,
    solution_regions,
    squash,
    stems,
    student_edition,
    text_outside_chapters,
)
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

:::{instructor-only}
INSTRUCTOR-NOTE-TEXT: the answer key.
:::

After the exercises.
"""


def test_strip_myst_removes_both_forms_and_keeps_the_rest():
    tool = student_edition()
    out = tool.strip_myst(_EXAMPLE)
    for gone in (
        "PLAIN-SOLUTION-TEXT",
        "GATED-SOLUTION",
        "{solution",
        "solution-end",
        "INSTRUCTOR-NOTE",
        "{instructor-only}",
    ):
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
    assert "INSTRUCTOR-NOTE" not in text
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
    assert not HIDDEN.search(tool.strip_myst(text))
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
    html = "".join(p.read_text(encoding="utf-8") for p in built_student_book.rglob("*.html"))
    assert 'class="solution' not in html and "instructor-only" not in html


@pytest.mark.book
def test_search_index_has_no_solution_words(built_book, built_student_book):
    sources = [p.read_text(encoding="utf-8") for p in (ROOT / "chapters").glob("*.md")]
    outside = " ".join(outside_solutions(t) for t in sources) + text_outside_chapters(built_book)
    solution_only = stems(" ".join(r for t in sources for r in solution_regions(t)), 6) - stems(
        outside
    )
    instructor = solution_only & search_terms(built_book)
    # enough words for the check to mean something (the API reference shares many words
    # with the solutions, which then do not count)
    assert len(instructor) >= 10, f"few solution-only words indexed: {sorted(instructor)}"
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
        assert len(student.select("article img")) == len(teacher.select("article img"))
        assert not student.select("div.solution, .instructor-only")


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
        solutions = sum(bool(HIDDEN.search(c.source)) for c in nb.cells)
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


#: Services that open a notebook of a repository (the launch buttons' targets).
LAUNCH_SERVICES = ("mybinder.org", "colab.research.google.com", "hub/user-redirect/git-pull")


@pytest.mark.book
def test_student_edition_links_to_no_solution(built_book, built_student_book):
    """No launch button, and every link of the student edition leads to no solution.

    The launch buttons open a chapter's notebook in the repository, which holds every
    solution, so the student edition has none; any other link that leaves the build for
    the repository's notebooks or sources, or for a launch service, is a leak too. Links
    inside the build must resolve to files of the student edition (whose texts the leak
    test ``test_no_solution_text_in_the_student_edition`` has checked).
    """
    assert "dropdown-launch-buttons" in (built_book / "chapters" / "random_walk.html").read_text(
        encoding="utf-8"
    ), "the instructor edition lost its launch buttons"
    repo = CONFIG["repository"]["url"].rstrip("/")
    org_repo = repo.split("github.com/")[1]
    # the PDFs are built separately (make student-pdf copies the student PDF here)
    student_pdf = student_edition().STUDENT_PDF
    instructor_pdf = CONFIG["sphinx"]["config"]["book_pdf"]
    problems = []
    for page in sorted(built_student_book.rglob("*.html")):
        if page.relative_to(built_student_book).parts[0] in ("_static", "_sources"):
            continue
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        if soup.select(".dropdown-launch-buttons"):
            problems.append(f"{page.name}: launch buttons")
        for a in soup.find_all("a", href=True):
            href = a["href"].split("#")[0].split("?")[0]
            if Path(href).name == instructor_pdf:
                problems.append(f"{page.name}: link to the instructor PDF {a['href']}")
            elif Path(href).name == student_pdf:
                continue
            elif any(s in a["href"] for s in LAUNCH_SERVICES):
                problems.append(f"{page.name}: launch link {a['href']}")
            elif org_repo in href and href.endswith((".ipynb", ".md", ".py", ".zip")):
                problems.append(f"{page.name}: link to the repository's file {a['href']}")
            elif href and "://" not in href and not href.startswith("mailto:"):
                if not (page.parent / href).resolve().exists():
                    problems.append(f"{page.name}: dangling link {a['href']}")
    assert not problems, "\n".join(problems[:30])


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
