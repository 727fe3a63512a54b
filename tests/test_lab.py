"""The chapters in JupyterLab, as a reader opens them with ``make lab``.

Starts JupyterLab from the project's venv with the book's Lab configuration
(``tools/lab.py``, ``jupyter/labconfig``) on a free port, on a copy of the chapters, and
drives it with Playwright in Debian's Chromium (``/usr/bin/chromium``):

* a double-click on ``chapters/NAME.md`` in the file browser opens a notebook (jupytext's
  notebook view is the default viewer of MyST files), not a text editor;
* after *Run All Cells*, jupyterlab-myst has rendered the MyST: no raw ``{eval}`` or
  ``{glue`` role, no raw directive fence (```` ```{prf:...` ````, ``:label:``) is visible,
  and the numbers the chapter publishes appear in the text with the book's formatting
  (the texts of the same chapter executed by nbclient);
* moving an explorer's slider one step and clicking its toggle buttons changes the figure.

Without the Lab extras (``make lab``), Playwright or Chromium the tests are skipped,
except with ``CI=true``, where they fail.
"""

from __future__ import annotations

import contextlib
import importlib.util
import re
import time

import jupytext
import pytest
from helpers import CHAPTERS, tool, unavailable
from nbclient import NotebookClient

from collapse_lib.book import EVAL_ROLE, read_published

pytestmark = pytest.mark.browser

#: intro: explorer with a slider and toggle buttons, exercises; random_walk: theorems.
LAB_CHAPTERS = ("intro", "random_walk")
#: Seconds the numbers may take to appear once every code cell has run.
NUMBERS_SECONDS = 60
_RAW_MYST = ("{eval}", "{glue", "```{", ":::{", "{prf:", ":label:", "{exercise", "{solution")
#: Console messages of jupyterlab-myst that are not page errors: a reference to a target
#: in another chapter (a glossary term, a figure named in cell metadata) that a single
#: notebook cannot resolve; the link text is shown instead.
_KNOWN_CONSOLE = re.compile(r"^Cross reference target was not found")


@pytest.fixture(scope="module")
def lab_page(chromium):
    """A Chromium page (the session's browser) on a running JupyterLab of the book."""
    for module in ("jupyterlab", "jupyterlab_myst", "jupytext"):
        if importlib.util.find_spec(module) is None:
            unavailable(f"{module} is not installed in this venv (make lab installs it)")
    lab = tool("lab")
    errors: list[str] = []
    with lab.running_lab(list(LAB_CHAPTERS)) as (url, _root):
        context = chromium.new_context(viewport={"width": 1400, "height": 1000})
        page = context.new_page()

        def console(message):
            if message.type == "error" and not _KNOWN_CONSOLE.match(message.text):
                errors.append(f"console error: {message.text}")

        page.on("console", console)
        page.on("pageerror", lambda error: errors.append(f"uncaught {error}"))
        driver = lab.LabPage(page, url)
        driver.errors = errors
        yield driver
        context.close()  # the session's browser stays open for the other tests


@contextlib.contextmanager
def _page_errors_checked(driver, request):
    """Fail the test on page errors collected while it ran; screenshot on failure."""
    del driver.errors[:]
    try:
        yield
    except BaseException:
        artifacts = CHAPTERS.parent / "tests" / "artifacts"
        artifacts.mkdir(parents=True, exist_ok=True)
        with contextlib.suppress(Exception):
            driver.page.screenshot(path=str(artifacts / f"lab_{request.node.name}.png"))
        raise
    request.node.page_errors = list(driver.errors)


def _shown_numbers(stem: str) -> dict[str, str]:
    """The numbers the Markdown cells of chapter ``stem`` show: ``name -> text``.

    The texts are those of the chapter executed by nbclient (as the book build executes
    it); numbers shown only in figure captions (cell metadata, which Lab does not show)
    are left out.
    """
    nb = jupytext.read(CHAPTERS / f"{stem}.md")
    names = {
        m[1]
        for cell in nb.cells
        if cell.cell_type == "markdown"
        for m in EVAL_ROLE.finditer(cell.source)
    }
    NotebookClient(nb, timeout=600, resources={"metadata": {"path": str(CHAPTERS)}}).execute()
    published = read_published(nb)
    return {name: published[name] for name in names}


@pytest.mark.parametrize("stem", LAB_CHAPTERS)
def test_chapter_reads_in_lab(lab_page, stem, request):
    with _page_errors_checked(lab_page, request):
        lab_page.open_by_double_click(f"{stem}.md")
        assert lab_page.page.locator(".jp-FileEditor:visible").count() == 0, (
            f"{stem}.md opened as text, not as a notebook"
        )
        lab_page.run_all()
        published = _shown_numbers(stem)
        assert published, f"{stem} shows no published number"
        # the Markdown cells' expressions are answered after the last code cell has run
        deadline = time.monotonic() + NUMBERS_SECONDS
        while True:
            text = lab_page.notebook().inner_text()
            missing = {n: t for n, t in published.items() if t not in text}
            if not missing or time.monotonic() > deadline:
                break
            time.sleep(1)
        raw = {s: text.count(s) for s in _RAW_MYST if s in text}
        assert not raw, f"raw MyST visible in {stem}.md after running it: {raw}"
        assert not missing, f"published numbers not shown in Lab: {missing}"
        if stem == "intro":
            _explorer_responds(lab_page)


def _explorer_responds(lab_page):
    explorers = lab_page.explorers()
    assert explorers.count() >= 1
    explorer = explorers.first
    explorer.scroll_into_view_if_needed()
    sliders = explorer.locator(".widget-slider .noUi-handle").count()
    toggles = explorer.locator(".widget-toggle-buttons").count()
    assert sliders and toggles
    # each call waits for the figure's picture to change, within Playwright's timeout
    assert lab_page.slider_step(explorer, 0, "ArrowRight") > 0
    assert lab_page.slider_step(explorer, 0, "ArrowLeft") > 0
    buttons = explorer.locator(".widget-toggle-buttons").first.locator("button")
    active = [
        i for i in range(buttons.count()) if "mod-active" in buttons.nth(i).get_attribute("class")
    ]
    other = next(i for i in range(buttons.count()) if i not in active)
    assert lab_page.toggle(explorer, 0, other) > 0
