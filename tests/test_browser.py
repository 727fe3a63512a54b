"""The built book in a real browser: offline, typeset, explorers alive, solutions hidden.

The last section checks the course kit: the student edition has exercises but no
solutions (on the pages and in the search), and figures stay readable in dark mode.

Drives Debian's Chromium (``/usr/bin/chromium``) through Playwright against the
HTML book (session fixture ``built_book``) served on 127.0.0.1. Without Chromium
or Playwright the tests are skipped, except with ``CI=true``, where they fail.
On failure a full-page screenshot is saved under ``tests/artifacts/``.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import io
import json
import os
import re
import threading
import time
import urllib.parse
from pathlib import Path

import pytest
import yaml
from helpers import (
    PROBES,
    search_terms,
    solution_regions,
    stems,
    text_outside_chapters,
)
from PIL import Image, ImageStat

try:
    from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
except ImportError:
    PlaywrightTimeoutError = None

pytestmark = pytest.mark.browser

BOOK = Path(__file__).resolve().parents[1]
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
#: Largest page (HTML with the embedded explorer frames) the book may ship.
PAGE_BYTES = 5_000_000
#: How long a page may take to render its widgets and math after loading.
RENDER_SECONDS = 20
#: How long a moved control may take to change its figure.
SWITCH_SECONDS = 5.0
_SOLUTION_DIRECTIVE = re.compile(r"\{solution(?:-start)?\}")
_RAW_TEX = re.compile(r"\\\(|\\\)|\\\[|\\\]|\$\$|\$[^\s$][^$\n]*\$")


def _toc_docnames(toc_file: Path) -> list[str]:
    """Document names (``chapters/intro``) of every page listed in ``_toc.yml``."""
    if not toc_file.exists():
        return []
    toc = yaml.safe_load(toc_file.read_text(encoding="utf-8"))
    names = []

    def walk(node):
        if isinstance(node, dict):
            for key in ("root", "file"):
                if key in node:
                    names.append(os.path.splitext(node[key])[0])
            for value in node.values():
                if isinstance(value, (list, dict)):
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(toc)
    return list(dict.fromkeys(names))


def _source(docname: str) -> str:
    for suffix in (".md", ".ipynb"):
        path = BOOK / f"{docname}{suffix}"
        if path.exists():
            return path.read_text(encoding="utf-8")
    return ""


PAGES = _toc_docnames(BOOK / "_toc.yml")
SOLUTION_PAGES = [d for d in PAGES if _SOLUTION_DIRECTIVE.search(_source(d))]


# --------------------------------------------------------------------------- fixtures


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


@contextlib.contextmanager
def _serve(directory):
    """Serve ``directory`` on 127.0.0.1 (random port); yields the base URL."""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.fixture(scope="session")
def site(chromium, built_book):
    """Base URL of the built book served on 127.0.0.1 (random port)."""
    with _serve(built_book) as url:
        yield url


class _RequestLog:
    """Every request a page makes, its failures and those leaving 127.0.0.1."""

    def __init__(self, page):
        self.urls, self.failed = [], []
        page.on("request", lambda r: self.urls.append(r.url))
        page.on("requestfailed", lambda r: self.failed.append(f"{r.url} ({r.failure})"))
        page.on(
            "response",
            lambda r: r.status >= 400 and self.failed.append(f"{r.url} (HTTP {r.status})"),
        )

    @property
    def outside(self):
        return [u for u in self.urls if not _is_local(u)]


def _is_local(url: str) -> bool:
    parts = urllib.parse.urlsplit(url)
    if parts.scheme == "data":
        return True
    if parts.scheme == "blob":
        return _is_local(parts.path)
    return parts.scheme in ("http", "https") and parts.hostname == "127.0.0.1"


def _log_page_errors(page, sink: list):
    """Append every uncaught exception and console error of ``page`` to ``sink``.

    Every browser test fails when its pages report one (``conftest.pytest_runtest_call``
    reads ``item.page_errors``): a page error is a broken page even where the test's
    own assertions hold.
    """

    def console(message):
        if message.type == "error":
            sink.append(f"console error: {message.text} ({message.location.get('url', '')})")

    page.on("pageerror", lambda error: sink.append(f"uncaught {error.name}: {error.message}"))
    page.on("console", console)


@contextlib.contextmanager
def _browser_page(chromium, base_url, request):
    """A fresh page on ``base_url`` with a request log; its errors fail the test.

    Page errors and console errors go to ``request.node.page_errors``, which the hook
    ``conftest.pytest_runtest_call`` checks once the test has run.
    """
    context = chromium.new_context(viewport={"width": 1280, "height": 1000})
    page = context.new_page()
    page.requests = _RequestLog(page)
    _log_page_errors(page, request.node.__dict__.setdefault("page_errors", []))
    page.base_url = base_url
    try:
        yield page
    finally:
        context.close()


@pytest.fixture
def page(chromium, site, request):
    """A fresh page of the book; a test fails on any page error or console error."""
    with _browser_page(chromium, site, request) as page:
        yield page


@contextlib.contextmanager
def _screenshot_on_failure(page, request):
    try:
        yield
    except BaseException:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.name)
        with contextlib.suppress(Exception):
            page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
        raise


# --------------------------------------------------------------------------- helpers

_WIDGETS_RENDERED = """() => [...document.querySelectorAll(
    'script[type="application/vnd.jupyter.widget-view+json"]')].every(tag => {
        const area = tag.previousElementSibling;
        return area && area.classList.contains('widget-subarea') && area.childElementCount > 0;
    })"""

_IMAGES_LOADED = """() => [...document.querySelectorAll('.collapse-explorer img')]
    .every(img => img.complete && img.naturalWidth > 0)"""

_MATHJAX_DONE = """async () => {
    if (!document.querySelector('.math')) return true;
    if (!(window.MathJax && MathJax.startup && MathJax.startup.promise)) return false;
    await MathJax.startup.promise;
    return true;
}"""

_PROSE_TEXT = """() => {
    const main = (document.querySelector('main article') || document.body).cloneNode(true);
    main.querySelectorAll('pre, code, .sig, script, style, mjx-container, .widget-subarea, '
                          + '.highlight, .headerlink').forEach(e => e.remove());
    return main.textContent;
}"""


_SEARCH_FINISHED = """() => {
    const summary = document.querySelector('#search-results .search-summary');
    return summary !== null && /found/.test(summary.textContent);
}"""


def _open(page, docname: str):
    """Load a page and wait until its widgets, frames and math are rendered."""
    page.goto(page.base_url + f"{docname}.html", wait_until="networkidle")
    for script, what in (
        (_WIDGETS_RENDERED, "widgets rendered"),
        (_IMAGES_LOADED, "explorer frames loaded"),
        (_MATHJAX_DONE, "math typeset"),
    ):
        try:
            page.wait_for_function(script, timeout=RENDER_SECONDS * 1000)
        except PlaywrightTimeoutError:
            done = False
        else:
            done = True
        if not done:
            pytest.fail(
                f"{docname}: not {what} within {RENDER_SECONDS} s (failed requests: "
                f"{page.requests.failed}; outside 127.0.0.1: {page.requests.outside})"
            )


def _explorers_in_state(html: str) -> int:
    """Number of explorers saved in a page's widget state."""
    match = re.search(
        r'<script type="application/vnd\.jupyter\.widget-state\+json">(.*?)'
        r"</script>",
        html,
        re.S,
    )
    if not match:
        return 0
    models = json.loads(match.group(1))["state"].values()
    return sum("collapse-explorer" in m["state"].get("_dom_classes", ()) for m in models)


def _move(control):
    """Move a slider one step (back at the right end) or press another toggle button."""
    handle = control.locator(".noUi-handle")
    if handle.count():
        at_end = handle.get_attribute("aria-valuenow") == handle.get_attribute("aria-valuemax")
        handle.focus()
        handle.press("ArrowLeft" if at_end else "ArrowRight")
    else:
        control.locator("button:not(.mod-active)").first.click()


def _changed_screenshot(element, before: bytes) -> bytes:
    deadline = time.monotonic() + SWITCH_SECONDS
    while True:
        after = element.screenshot()
        if after != before or time.monotonic() > deadline:
            return after
        time.sleep(0.1)


# --------------------------------------------------------------------------- tests


def test_page_errors_are_caught(chromium, tmp_path):
    """The error log of every test sees an uncaught exception and a console error."""
    (tmp_path / "broken.html").write_text(
        "<!DOCTYPE html><html><body><script>console.error('logged-error');</script>"
        "<script>const twice = 1;</script><script>const twice = 2;</script>"
        "</body></html>",
        encoding="utf-8",
    )
    errors = []
    with _serve(tmp_path) as url:
        context = chromium.new_context()
        page = context.new_page()
        _log_page_errors(page, errors)
        page.goto(url + "broken.html", wait_until="load")
        context.close()
    assert any("logged-error" in e for e in errors), errors
    assert any(e.startswith("uncaught") and "twice" in e for e in errors), errors


@pytest.mark.parametrize("docname", PAGES)
def test_page_loads_offline(page, built_book, docname, request):
    """Every page loads with no failed request, none outside 127.0.0.1, within budget."""
    with _screenshot_on_failure(page, request):
        _open(page, docname)
        assert page.requests.failed == [], f"failed requests on {docname}"
        assert page.requests.outside == [], f"requests leaving 127.0.0.1 on {docname}"
        size = (built_book / f"{docname}.html").stat().st_size
        assert size <= PAGE_BYTES, f"{docname}.html is {size / 1e6:.2f} MB"


@pytest.mark.parametrize("docname", PAGES)
def test_math_is_typeset(page, docname, request):
    """MathJax typesets every math element and no raw TeX delimiter is left in the prose."""
    with _screenshot_on_failure(page, request):
        _open(page, docname)
        untypeset = page.locator(".math:not(:has(mjx-container))").count()
        assert untypeset == 0, f"{untypeset} math elements left untypeset on {docname}"
        raw = _RAW_TEX.findall(page.evaluate(_PROSE_TEXT))
        assert raw == [], f"raw TeX in the prose of {docname}: {raw[:5]}"


@pytest.mark.parametrize("docname", PAGES)
def test_explorers_respond(page, built_book, docname, request):
    """Every explorer shows a frame on load, and each of its controls changes the figure."""
    expected = _explorers_in_state((built_book / f"{docname}.html").read_text(encoding="utf-8"))
    with _screenshot_on_failure(page, request):
        _open(page, docname)
        explorers = page.locator(".collapse-explorer")
        assert explorers.count() == expected, (
            f"{docname}: {expected} explorers saved, {explorers.count()} rendered"
        )
        for i in range(expected):
            explorer = explorers.nth(i)
            figure = explorer.locator(".collapse-explorer-figure")
            assert explorer.locator("img").first.is_visible(), f"explorer {i} shows no frame"
            controls = explorer.locator(".collapse-explorer-control")
            for j in range(controls.count()):
                control = controls.nth(j)
                control.scroll_into_view_if_needed()
                before = figure.screenshot()
                _move(control)
                changed = _changed_screenshot(figure, before) != before
                name = control.locator(".widget-label").first.inner_text()
                assert changed, (
                    f"{docname}: explorer {i}, control {name!r} did not change the figure"
                )


def test_solution_pages_found():
    """The book has exercise solutions, and the sources list the pages that hold them."""
    assert SOLUTION_PAGES, "no page of _toc.yml has a {solution} directive"


@pytest.mark.parametrize("docname", SOLUTION_PAGES)
def test_solutions_hidden_until_opened(page, built_book, docname, request):
    """Each solution's body is hidden on load and shown once its dropdown is opened."""
    assert 'class="solution' in (built_book / f"{docname}.html").read_text(encoding="utf-8")
    with _screenshot_on_failure(page, request):
        _open(page, docname)
        solutions = page.locator("div.solution")
        assert solutions.count() > 0, f"no solution rendered on {docname}"
        for i in range(solutions.count()):
            solution = solutions.nth(i)
            body = solution.locator(":scope > :not(.admonition-title)")
            assert body.count() > 0, f"solution {i} on {docname} is empty"
            visible = [body.nth(k).is_visible() for k in range(body.count())]
            assert not any(visible), f"solution {i} on {docname} is shown before opening"
            solution.locator(".admonition-title").click()
            body.first.wait_for(state="visible", timeout=5000)


def _prose_words(html: str) -> list[str]:
    """Lower-case words of 7+ letters in a page's paragraphs, math left out."""
    html = re.sub(r'<span class="math[^"]*">.*?</span>', " ", html, flags=re.S)
    prose = " ".join(re.sub(r"<[^>]+>", " ", p) for p in re.findall(r"<p>(.*?)</p>", html, re.S))
    return re.findall(r"\b[a-z]{7,}\b", prose)


def test_search_finds_a_chapter_word(page, built_book, request):
    """The search page finds the commonest long word of the wordiest chapter."""
    if not PAGES:
        pytest.fail("_toc.yml lists no pages")
    words = {d: _prose_words((built_book / f"{d}.html").read_text(encoding="utf-8")) for d in PAGES}
    docname = max(PAGES, key=lambda d: len(words[d]))
    assert words[docname], f"no prose word of 7+ letters on {docname}"
    word = max(set(words[docname]), key=lambda w: (words[docname].count(w), w))
    with _screenshot_on_failure(page, request):
        page.goto(page.base_url + f"search.html?q={word}", wait_until="networkidle")
        page.wait_for_function(_SEARCH_FINISHED, timeout=RENDER_SECONDS * 1000)
        results = page.locator("#search-results ul.search li a")
        hrefs = [results.nth(i).get_attribute("href") for i in range(results.count())]
        assert any(h.split("?")[0].split("#")[0] == f"{docname}.html" for h in hrefs), (
            f"searching {word!r} did not find {docname}: {hrefs}"
        )


# --------------------------------------------------------------------------- course kit
# The student edition (session fixture ``built_student_book``, see test_student.py) in the
# same browser: exercises without solutions, a search that finds no solution word; and the
# instructor edition's figures in the dark theme.

#: A figure is readable on the dark page when its own face stays light. The dark theme
#: dims images (CSS filter), so a white face renders at a grey level of about 220.
LIGHT_FACE = 180  # median grey level (0-255) of a rendered figure, at least
DARK_PAGE = 80  # grey level of the dark page background, at most
_SEARCH_DONE = """() => {
    const summary = document.querySelector('#search-results .search-summary');
    return summary !== null && summary.textContent.trim().length > 0;
}"""


@pytest.fixture(scope="session")
def student_site(chromium, built_student_book):
    """Base URL of the student edition served on 127.0.0.1 (random port)."""
    with _serve(built_student_book) as url:
        yield url


@pytest.fixture
def student_page(chromium, student_site, request):
    """A fresh page of the student edition; fails on page errors like ``page``."""
    with _browser_page(chromium, student_site, request) as page:
        yield page


@pytest.mark.parametrize("docname", [d for d in PAGES if d.split("/")[-1] in PROBES])
def test_student_page_has_exercises_and_no_solutions(student_page, docname, request):
    """Pages with solutions or notes for instructors show neither in the student edition."""
    page = student_page
    with _screenshot_on_failure(page, request):
        _open(page, docname)
        assert page.requests.failed == [] and page.requests.outside == []
        exercises = _source(docname).count("{exercise")
        assert (page.locator("div.exercise").count() > 0) == (exercises > 0)
        assert page.locator(".solution, .instructor-only").count() == 0


def _search_hits(page, word: str) -> int:
    page.goto(page.base_url + f"search.html?q={word}", wait_until="networkidle")
    page.wait_for_function(_SEARCH_DONE, timeout=20_000)
    return page.locator("#search-results ul.search li").count()


def test_student_search_finds_no_solution_word(page, student_page, built_book, request):
    """Words only solutions use: found by the instructor edition's search, not here.

    The search page also matches index terms that merely contain the query, so the
    words are those whose stem is part of no stem outside the solutions.
    """
    sources = [p.read_text(encoding="utf-8") for p in (BOOK / "chapters").glob("*.md")]
    outside = " ".join(sources)
    for text in sources:
        for region in solution_regions(text):
            outside = outside.replace(region, " ")
    elsewhere = stems(outside + " " + text_outside_chapters(built_book))
    indexed = search_terms(built_book)
    solution_words = {
        w.lower()
        for t in sources
        for r in solution_regions(t)
        for w in re.findall(r"[A-Za-z]{8,}", r)
    }
    words = sorted(
        w
        for w in solution_words
        if (stem := next(iter(stems(w)))) in indexed
        and stem not in elsewhere
        and not any(stem in other for other in elsewhere)
    )
    assert len(words) >= 3, f"too few solution-only words in the search index: {words}"
    with _screenshot_on_failure(student_page, request):
        for word in words[:3]:
            assert _search_hits(page, word) > 0, f"instructor search misses {word!r}"
            assert _search_hits(student_page, word) == 0, f"student search finds {word!r}"


def test_figures_readable_in_dark_mode(page, request):
    """In the dark theme the page turns dark and every figure keeps its light face."""
    with _screenshot_on_failure(page, request):
        _open(page, "chapters/intro")
        page.evaluate("document.documentElement.dataset.theme = 'dark'")
        page.wait_for_timeout(300)
        background = page.evaluate(
            "getComputedStyle(document.body).backgroundColor.match(/\\d+/g).slice(0, 3)"
        )
        assert max(int(c) for c in background) <= DARK_PAGE, background
        figures = page.locator("figure img, .cell_output img")
        assert figures.count() > 0
        for i in range(figures.count()):
            figure = figures.nth(i)
            figure.scroll_into_view_if_needed()
            shot = Image.open(io.BytesIO(figure.screenshot())).convert("L")
            face = ImageStat.Stat(shot).median[0]
            assert face >= LIGHT_FACE, f"figure {i}: its face renders at grey level {face}"
