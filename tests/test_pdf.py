"""The PDF editions (``make pdf``, ``make student-pdf``), built with XeLaTeX from TeX Live.

Both are built from the execution cache of the HTML build (session fixtures
``built_pdf`` and ``built_student_pdf``): no chapter runs again. Checked:

* no chapter is executed again (every notebook comes from the cache);
* the LaTeX run ends without errors, missing characters or unresolved references
  and citations (the final ``.log``);
* every page of ``_toc.yml`` is a chapter of the PDF (its outline), in the book's parts;
* the text (pypdf) holds every numbered theorem, proposition, lemma, definition and
  exercise with the number the HTML book gives it, citations, figure captions, the
  version, and unicode characters of the text (en dash, Greek letters);
* each explorer appears as its starting frame with a caption pointing to its page of
  the HTML edition, and no widget's text representation leaks into the PDF;
* the instructor edition holds the solutions, the student edition none;
* the HTML pages link to the PDF under the name the PDF build writes;
* ``make pdf`` says which packages to install when a TeX tool is missing.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup
from helpers import PROBES, ROOT, html_numbered, toc_files, tool

pytestmark = pytest.mark.book

TOC = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))


def _pdf(latex: Path) -> Path:
    (pdf,) = latex.glob("*.pdf")
    return pdf


#: What the PDF adds to the text of a page: marks of a code line broken in two, and the
#: notes of a code block split across pages.
_TYPESET_MARKS = ("↪→", "(continuesonnextpage)", "(continuedfrompreviouspage)")


def _normalise(text: str) -> str:
    """Text without whitespace and hyphens, ligatures split, and without what typesetting
    adds (line breaks, hyphenation, marks of broken code lines), so that a sentence of the
    sources is found in the PDF wherever its lines and pages break."""
    text = re.sub(r"[\s\-\u00ad]+", "", unicodedata.normalize("NFKC", text))
    for mark in _TYPESET_MARKS:
        text = text.replace(mark, "")
    return text


#: A running footer: the page number before or after the section or chapter title.
_FOOTER = re.compile(r"^(\d+|[ivxlc]+)(\s.*)?$|^.*\s(\d+|[ivxlc]+)$")


def _pdf_text(latex: Path) -> str:
    """The normalised text of the PDF's pages without their running headers and footers.

    Left in, the header (book title and version) and footer (page number and section)
    would cut sentences at page breaks. They are the top and the bottom line of a page,
    when that line lies in the outer tenth of the page and reads as a header (the book's
    release) or a footer (a page number at one end).
    """
    from pypdf import PdfReader

    parts = []
    for page in PdfReader(_pdf(latex)).pages:
        items: list[tuple[float, str]] = []  # (height on the page, text), in reading order

        def collect(text, cm, tm, font, size, items=items):
            items.append((round(tm[5] * cm[3] + cm[5]), text))

        page.extract_text(visitor_text=collect)
        height = float(page.mediabox.height)
        lines = {y: "".join(s for h, s in items if h == y) for y, s in items if s.strip()}
        running = set()
        if lines:
            top, bottom = max(lines), min(lines)
            if top > 0.9 * height and "Release" in lines[top]:
                running.add(top)
            if bottom < 0.1 * height and _FOOTER.match(" ".join(lines[bottom].split())):
                running.add(bottom)
        parts.extend(s for y, s in items if y not in running)
    return _normalise("".join(parts))


@pytest.fixture(scope="module")
def instructor_text(built_pdf) -> str:
    return _pdf_text(built_pdf)


@pytest.fixture(scope="module")
def student_text(built_student_pdf) -> str:
    return _pdf_text(built_student_pdf)


def _outline_titles(latex: Path) -> list[str]:
    from pypdf import PdfReader

    reader = PdfReader(_pdf(latex))
    titles = []

    def walk(items):
        for item in items:
            if isinstance(item, list):
                walk(item)
            else:
                titles.append(item.title)

    walk(reader.outline)
    return titles


@pytest.mark.parametrize("edition", ["instructor", "student"])
def test_latex_log_is_clean(built_pdf, built_student_pdf, edition):
    latex = built_pdf if edition == "instructor" else built_student_pdf
    log = _pdf(latex).with_suffix(".log").read_text(encoding="utf-8", errors="replace")
    problems = [
        line
        for line in log.splitlines()
        if line.startswith("!")
        or "Missing character" in line
        or re.search(r"(Reference|Citation|Hyper reference) .* undefined", line)
        or "There were undefined references" in line
    ]
    assert not problems, "\n".join(problems[:30])


@pytest.mark.parametrize("edition", ["instructor", "student"])
def test_pdf_build_reuses_the_execution_cache(built_pdf, built_student_pdf, edition):
    latex = built_pdf if edition == "instructor" else built_student_pdf
    log = (latex.parents[1] / "build.log").read_text(encoding="utf-8")
    assert "Using cached notebook" in log
    assert "Executing notebook" not in log


@pytest.mark.parametrize("edition", ["instructor", "student"])
def test_every_chapter_is_in_the_pdf(built_book, built_pdf, built_student_pdf, edition):
    latex = built_pdf if edition == "instructor" else built_student_pdf
    outline = [" ".join(t.split()) for t in _outline_titles(latex)]
    for name in toc_files(TOC):
        title = BeautifulSoup(
            (built_book / f"{name}.html").read_text(encoding="utf-8"), "html.parser"
        ).find("h1")
        title = " ".join(title.get_text(" ", strip=True).rstrip("#").split())
        assert title in outline, f"{name}: chapter {title!r} not in the PDF outline"
    parts = [p["caption"] for p in TOC["parts"] if p.get("caption")]
    for part in parts:
        assert any(t.endswith(part) for t in outline), f"part {part!r} not in the PDF"


def test_numbered_statements_have_the_numbers_of_the_html_book(built_book, instructor_text):
    numbered = html_numbered(built_book, toc_files(TOC))
    assert sum(len(v) for v in numbered.values()) >= 40
    assert any(n.startswith("Theorem 1.") for n in numbered["chapters/random_walk"])
    missing = [
        n for names in numbered.values() for n in names if _normalise(n) not in instructor_text
    ]
    assert not missing, f"numbered statements missing from the PDF: {missing}"


def test_text_has_citations_figures_version_and_unicode(instructor_text):
    import collapse_lib

    for expected in (
        "Barzilai and Shamir",
        "Wright–Fisher",  # en dash
        "ε",
        "Fig. 1.1",
        "Proof.",
        f"Release {collapse_lib.__version__}",  # the title page
        "How to cite this book",
        "@book{model_collapse_book_",
    ):
        assert _normalise(expected) in instructor_text, expected
    assert "[?]" not in instructor_text and "??" not in instructor_text


def test_explorers_are_printed_as_their_starting_frame(built_book, instructor_text):
    assert "Explorer(children" not in instructor_text
    assert "IPython.core.display" not in instructor_text
    for name in toc_files(TOC):
        html = (built_book / f"{name}.html").read_text(encoding="utf-8")
        explorers = html.count('class="collapse-explorer-noscript"')
        caption = _normalise(
            f"In the HTML edition of this book its controls change the figure: {name}.html"
        )
        assert instructor_text.count(caption) == explorers, name
    assert _normalise("Explorer 'Fitted variance under replace' at its starting values") in (
        instructor_text
    )


def test_solutions_only_in_the_instructor_pdf(instructor_text, student_text):
    probes = [p for probes in PROBES.values() for p in probes]
    missing = [p for p in probes if _normalise(p) not in instructor_text]
    assert not missing, f"solution probes missing from the instructor PDF: {missing}"
    leaked = [p for p in probes if _normalise(p) in student_text]
    assert not leaked, f"solution text in the student PDF: {leaked[:10]}"
    assert _normalise("For instructors") in instructor_text
    assert _normalise("For instructors") not in student_text
    assert _normalise("Exercise 1.1") in student_text


def test_html_pages_link_to_the_pdf_by_its_name(
    built_book, built_pdf, built_student_book, built_student_pdf
):
    for html, latex in ((built_book, built_pdf), (built_student_book, built_student_pdf)):
        page = BeautifulSoup(
            (html / "chapters" / "random_walk.html").read_text(encoding="utf-8"), "html.parser"
        )
        links = [a["href"] for a in page.select(".extra_footer a") if a["href"].endswith(".pdf")]
        assert links == [f"../{_pdf(latex).name}"]
    assert _pdf(built_pdf).name != _pdf(built_student_pdf).name


@pytest.mark.parametrize("edition", ["instructor", "student"])
def test_pdf_title_page_names_the_edition(built_pdf, built_student_pdf, edition):
    latex = built_pdf if edition == "instructor" else built_student_pdf
    tex = _pdf(latex).with_suffix(".tex").read_text(encoding="utf-8")
    title = re.search(r"\\title\{(.*?)\}", tex)[1]
    assert ("student edition" in title) == (edition == "student")


def test_tex_check_names_what_to_install(tmp_path):
    """Without xelatex on the PATH, `make tex-check` fails and says what to install."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for command in ("make", "sed", "latexmk", "makeindex", "kpsewhich", "fc-list"):
        found = shutil.which(command)
        if found:
            (bin_dir / command).symlink_to(found)
    (bin_dir / "python3").symlink_to(os.path.realpath(sys.executable))  # not a shell shim
    proc = subprocess.run(
        ["make", "tex-check"],
        cwd=ROOT,
        env={**os.environ, "PATH": str(bin_dir)},
        capture_output=True,
        text=True,
    )
    assert proc.returncode != 0
    assert "command xelatex (package texlive-xetex)" in proc.stderr
    for package in tool("check_tex").DEBIAN_PACKAGES:
        assert package in proc.stderr
