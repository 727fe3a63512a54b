"""Fixtures of the test suite (helpers shared by the test modules are in ``helpers``).

``chapter`` (a ``Path``) is parametrised over every notebook chapter: a
``chapters/*.md`` file whose front matter has a ``jupytext`` block. ``built_book``
builds the whole book once, executing every chapter (into a fresh execution cache) with
``-W -n --keep-going``, into a temporary directory and returns the path of its ``html``
folder. ``built_student_book`` does the same for the student edition, reusing that
cache, and ``built_pdf`` / ``built_student_pdf`` build the two PDF editions from it
(no chapter is executed again).

Browser tests record the errors of their pages in ``item.page_errors``; the hook
:func:`pytest_runtest_call` fails a test whose pages reported any.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from helpers import ROOT, build_book, notebook_chapters, student_edition, tool, unavailable
from hypothesis import settings

try:
    from playwright.sync_api import sync_playwright
except ImportError:
    sync_playwright = None

# Property tests draw new examples on every local run; in CI they are derandomized, so a
# CI run is reproducible (a failure found locally is replayed from the example database).
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI") == "true":
    settings.load_profile("ci")


#: Debian's Chromium, driven by Playwright (never a downloaded browser).
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-extensions",
]


@pytest.fixture(scope="session")
def chromium():
    """One headless Debian Chromium for every browser test of the session (book and Lab).

    Playwright's sync API runs one event loop per thread, so the session starts it once.
    """
    if sync_playwright is None:
        unavailable("playwright is not installed")
    if not CHROMIUM.exists():
        unavailable(f"{CHROMIUM} is missing (apt-get install chromium)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def pytest_generate_tests(metafunc):
    if "chapter" in metafunc.fixturenames:
        chapters = notebook_chapters()
        metafunc.parametrize("chapter", chapters, ids=[p.stem for p in chapters])


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    """Fail a browser test whose pages reported errors (``item.page_errors``)."""
    result = yield
    errors = list(getattr(item, "page_errors", None) or ())
    if errors:
        raise AssertionError(
            "errors in the browser (uncaught exceptions or console errors):\n  "
            + "\n  ".join(errors[:20])
        )
    return result


@pytest.fixture(scope="session")
def execution_cache(tmp_path_factory) -> Path:
    """An empty jupyter-cache folder shared by the session's book builds.

    The instructor build executes every chapter into it (an empty cache runs everything,
    as ``force`` would); the student build, whose code cells are the same, then reuses
    every result instead of executing the chapters again.
    """
    return tmp_path_factory.mktemp("jupyter_cache") / "cache"


@pytest.fixture(scope="session")
def built_book(tmp_path_factory, execution_cache) -> Path:
    """Build the book once (every chapter executed, warnings are errors); return its html dir.

    The vendored front-end assets are refreshed first with ``make vendor`` (a no-op when
    they are up to date). Chapters run into the fresh session cache ``execution_cache``.
    """
    vendor = subprocess.run(["make", "vendor"], cwd=ROOT, capture_output=True, text=True)
    if vendor.returncode != 0:
        pytest.fail(f"`make vendor` failed:\n{vendor.stdout}\n{vendor.stderr}")

    config = student_edition().book_config(ROOT)
    execute = config.setdefault("execute", {})
    execute["execute_notebooks"] = "cache"
    execute["cache"] = str(execution_cache)
    return build_book(tmp_path_factory.mktemp("book"), config)


@pytest.fixture(scope="session")
def built_student_book(tmp_path_factory, built_book, execution_cache) -> Path:
    """The student edition (``tools/student_edition.py``), built after ``built_book``.

    It executes through the instructor build's cache, so no chapter runs again; the
    build log (``build.log`` beside ``_build``) shows the cache hits.
    """
    config = student_edition().student_config(ROOT, execution_cache)
    return build_book(tmp_path_factory.mktemp("student_book"), config)


@pytest.fixture(scope="session")
def built_pdf(tmp_path_factory, built_book, execution_cache) -> Path:
    """The PDF edition (with solutions) built from the HTML build's execution cache.

    Returns the LaTeX output folder (the ``.tex``, its ``.log`` and the PDF).
    """
    _require_tex()
    config = student_edition().book_config(ROOT)
    config.setdefault("execute", {}).update(execute_notebooks="cache", cache=str(execution_cache))
    return build_book(tmp_path_factory.mktemp("pdf"), config, builder="pdflatex")


@pytest.fixture(scope="session")
def built_student_pdf(tmp_path_factory, built_book, execution_cache) -> Path:
    """The PDF of the student edition, from the same execution cache."""
    _require_tex()
    config = student_edition().student_config(ROOT, execution_cache)
    return build_book(tmp_path_factory.mktemp("student_pdf"), config, builder="pdflatex")


def _require_tex():
    missing = tool("check_tex").missing()
    if missing:
        unavailable("the PDF build needs " + "; ".join(missing))
