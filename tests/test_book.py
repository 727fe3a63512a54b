"""Checks on the built HTML book (one forced build per session, see ``conftest.built_book``).

* every page listed in ``_toc.yml`` exists;
* mathematics is present as MathJax markup and MathJax is served from the book;
* no page or stylesheet points a script, stylesheet, image, frame or font at a URL
  outside the book, and every local reference resolves to a file of the build.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
import yaml
from bs4 import BeautifulSoup
from helpers import ROOT, toc_files

pytestmark = pytest.mark.book

# (tag, attribute) pairs that make the browser fetch something when the page loads.
_FETCHING = [
    ("script", "src"),
    ("link", "href"),
    ("img", "src"),
    ("iframe", "src"),
    ("source", "src"),
    ("source", "srcset"),
    ("img", "srcset"),
    ("video", "src"),
    ("audio", "src"),
    ("embed", "src"),
    ("object", "data"),
    ("track", "src"),
    ("input", "src"),
]
_CSS_URL = re.compile(r"""url\(\s*(['"]?)(.*?)\1\s*\)|@import\s+(['"])(.*?)\3""", re.I)


def _pages(html: Path) -> list[Path]:
    """The HTML pages of the book (not the theme's Jinja templates under _static/)."""
    return sorted(
        p
        for p in html.rglob("*.html")
        if p.relative_to(html).parts[0] not in ("_static", "_sources")
    )


def _soup(page: Path) -> BeautifulSoup:
    return BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")


def _is_external(url: str) -> bool:
    """True for a URL that leaves the book: a scheme (other than data:/blob:), //host or /path."""
    parts = urlsplit(url.strip())
    if parts.scheme in ("data", "blob", "about"):
        return False
    return bool(parts.scheme or parts.netloc or url.strip().startswith("/"))


def _local_target(base: Path, url: str) -> Path | None:
    """The file a relative URL points to, or None for data: URLs and pure fragments."""
    parts = urlsplit(url.strip())
    if parts.scheme in ("data", "blob", "about") or not parts.path:
        return None
    return (base.parent / unquote(parts.path)).resolve()


def _css_urls(text: str) -> list[str]:
    return [m.group(2) or m.group(4) for m in _CSS_URL.finditer(text) if m.group(2) or m.group(4)]


def _page_urls(page: Path) -> list[str]:
    """Every URL a page makes the browser fetch: tag attributes and inline CSS."""
    soup = _soup(page)
    urls = []
    for tag, attr in _FETCHING:
        for element in soup.find_all(tag):
            value = element.get(attr)
            if not value:
                continue
            if attr == "srcset":
                urls += [item.split()[0] for item in value.split(",") if item.strip()]
            else:
                urls.append(value)
    for style in soup.find_all("style"):
        urls += _css_urls(style.get_text())
    for element in soup.find_all(style=True):
        urls += _css_urls(element["style"])
    return urls


def test_every_toc_page_exists(built_book):
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    files = toc_files(toc)
    assert files[0] == "chapters/intro"
    missing = [f for f in files if not (built_book / f"{f}.html").is_file()]
    assert not missing, f"pages of _toc.yml missing from the build: {missing}"
    for f in files:
        assert (ROOT / f"{f}.md").is_file(), f"_toc.yml names {f} but {f}.md does not exist"


def test_math_is_mathjax_markup(built_book):
    page = built_book / "chapters" / "intro.html"
    soup = _soup(page)
    inline = soup.select("span.math")
    display = soup.select("div.math")
    assert inline and display, "the introduction has no MathJax math markup"
    assert all(s.get_text().startswith(r"\(") for s in inline)
    assert all(r"\[" in d.get_text() for d in display)  # labelled ones start with (N)
    scripts = [s["src"] for s in soup.find_all("script", src=True)]
    mathjax = [s for s in scripts if "tex-mml-chtml.js" in s]
    assert mathjax, f"no MathJax script on the page: {scripts}"
    assert all(not _is_external(s) for s in mathjax)
    assert _local_target(page, mathjax[0]).is_file()


def test_mathjax_and_widget_assets_are_in_the_book(built_book):
    static = built_book / "_static"
    assert (static / "mathjax" / "tex-mml-chtml.js").is_file()
    assert list((static / "mathjax" / "output" / "chtml" / "fonts" / "woff-v2").glob("*.woff"))
    assert (static / "mathjax" / "input" / "tex" / "extensions").is_dir()
    assert (static / "widgets" / "embed.js").is_file()
    assert list((static / "widgets").glob("*.woff2")), "embed.js needs its fonts beside it"


def test_widget_pages_load_the_local_manager(built_book):
    pages = [
        p
        for p in _pages(built_book)
        if "application/vnd.jupyter.widget-state+json" in p.read_text(encoding="utf-8")
    ]
    for page in pages:
        scripts = [s["src"] for s in _soup(page).find_all("script", src=True)]
        managers = [
            s
            for s in scripts
            if urlsplit(s).path.endswith(("embed.js", "require.js")) or "html-manager" in s
        ]
        assert managers, f"{page.name} has widgets but no widget manager script"
        assert all(not _is_external(s) for s in managers), (page.name, managers)


def _reference_problems(book, source, urls):
    """External or dangling references among ``urls`` found in the file ``source``."""
    problems = []
    for url in urls:
        if _is_external(url):
            problems.append(f"{source.relative_to(book)}: external {url}")
            continue
        target = _local_target(source, url)
        if target is not None and not target.is_file():
            problems.append(f"{source.relative_to(book)}: missing {url}")
    return problems


def test_pages_request_nothing_outside_the_book(built_book):
    problems = [
        p
        for page in _pages(built_book)
        for p in _reference_problems(built_book, page, _page_urls(page))
    ]
    assert not problems, "\n".join(problems[:50])


def test_stylesheets_fetch_nothing_outside_the_book(built_book):
    problems = [
        p
        for css in sorted(built_book.rglob("*.css"))
        for p in _reference_problems(
            built_book, css, _css_urls(css.read_text(encoding="utf-8", errors="replace"))
        )
    ]
    assert not problems, "\n".join(problems[:50])


def test_intro_has_figure_citations_and_exercises(built_book):
    soup = _soup(built_book / "chapters" / "intro.html")
    figure = soup.find(id="fig-intro-variance")
    assert figure is not None and figure.find("img") is not None
    assert soup.select(".exercise") and soup.select(".solution")
    text = soup.get_text()
    assert "Cheng" in text and "Borkar" in text
    references = _soup(built_book / "chapters" / "references.html").get_text()
    for author in ("Cheng", "Barzilai", "Borkar", "Shumailov", "Kimura", "Wright"):
        assert author in references


def _scripts(page: Path) -> list[str]:
    """Every script of a page, as its source URL (without query) or its inline body."""
    return [
        urlsplit(s["src"]).path if s.get("src") else s.get_text()
        for s in _soup(page).find_all("script")
    ]


def test_every_script_is_on_a_page_once(built_book):
    """No script twice (Sphinx 7.4 would write THEBE_JS_URL's declaration twice)."""
    problems = []
    for page in _pages(built_book):
        scripts = [s for s in _scripts(page) if s.strip()]
        repeated = {s[:80] for s in scripts if scripts.count(s) > 1}
        if repeated:
            problems.append(f"{page.relative_to(built_book)}: {sorted(repeated)}")
    assert not problems, "\n".join(problems[:20])
    assert any("THEBE_JS_URL" in s for s in _scripts(built_book / "chapters" / "intro.html"))


def test_widget_manager_finds_mathjax2_api_after_mathjax(built_book):
    """Pages with math load the MathJax 2 shim right after MathJax 3, before widgets render."""
    for page in _pages(built_book):
        scripts = _scripts(page)
        mathjax = [i for i, s in enumerate(scripts) if s.endswith("tex-mml-chtml.js")]
        shim = [i for i, s in enumerate(scripts) if s.endswith("mathjax2-hub.js")]
        assert len(shim) == len(mathjax) <= 1, page.name
        if mathjax:
            assert shim[0] > mathjax[0], page.name
    shim_js = (built_book / "_static" / "mathjax2-hub.js").read_text(encoding="utf-8")
    assert "Hub" in shim_js and "typesetPromise" in shim_js


def test_footer_has_version_licences_pdf_and_citation(built_book):
    import collapse_lib

    pdf = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))["sphinx"]["config"][
        "book_pdf"
    ]
    for page in _pages(built_book):
        soup = _soup(page)
        if soup.find("meta", attrs={"http-equiv": "Refresh"}):  # index.html: a redirect
            continue
        footer = soup.select_one(".extra_footer")
        assert footer is not None, f"{page.name}: no footer"
        text = " ".join(footer.get_text(" ").split())
        assert f"Version {collapse_lib.__version__}" in text, page.name
        assert "CC BY 4.0" in text and "MIT" in text, page.name
        hrefs = {a.get_text(): a["href"] for a in footer.find_all("a")}
        assert hrefs["PDF edition"].endswith(pdf)
        assert (page.parent / hrefs["PDF edition"]).resolve() == (built_book / pdf).resolve()
        cite = hrefs["How to cite"].split("#")[0] or page.name  # "#" on the page itself
        assert (page.parent / cite).resolve() == built_book / "chapters" / "cite.html"


def test_cite_page_has_the_bibtex_of_this_version(built_book):
    import collapse_lib

    soup = _soup(built_book / "chapters" / "cite.html")
    bibtex = soup.select_one(".book-bibtex").get_text()
    assert bibtex.startswith("@book{") and f"Version {collapse_lib.__version__}" in bibtex
    assert "The Model Collapse Book project" in soup.select_one(".book-citation").get_text()


def _run_time_rows(html: Path) -> list[tuple[str, list[str]]]:
    table = _soup(html / "chapters" / "course.html").select_one("table.run-time-table")
    assert table is not None, "the course page has no run-time table"
    rows = []
    for row in table.select("tbody tr"):
        cells = row.find_all("td")
        href = cells[0].find("a")["href"]
        rows.append((href.split("#")[0], [c.get_text(" ", strip=True) for c in cells[1:]]))
    # what the table itself says is plain ASCII (no emoji or symbol that needs a font of
    # its own); the page titles are those of the book's headings
    said = [t.get_text() for t in table.select("thead th")] + [c for _, r in rows for c in r]
    assert "".join(said).isascii(), f"the table needs more than ASCII: {said}"
    return rows


def _pages_with_code() -> list[str]:
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    return [
        f"{Path(f).name}.html"
        for f in toc_files(toc)
        if "{code-cell}" in (ROOT / f"{f}.md").read_text(encoding="utf-8")
    ]


def test_run_time_table_reports_this_build(built_book, built_student_book):
    """The first build executed every page with code; the student build reused them all."""
    for html, status in (
        (built_book, "executed in this build"),
        (built_student_book, "reused from the execution cache"),
    ):
        rows = _run_time_rows(html)
        assert [href for href, _ in rows] == _pages_with_code()
        for href, (what, seconds, result) in rows:
            assert what == status, (href, what)
            assert float(seconds) > 0 and result == "ok", href
