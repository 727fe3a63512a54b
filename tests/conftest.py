"""Shared test fixtures: the chapter notebooks and the book built once per session.

``chapter`` (a ``Path``) is parametrised over every notebook chapter: a
``chapters/*.md`` file whose front matter has a ``jupytext`` block. ``built_book``
builds the whole book once, executing every chapter (into a fresh execution cache) with
``-W -n --keep-going``, into a temporary directory and returns the path of its ``html``
folder. ``built_student_book`` does the same for the student edition, reusing that
cache, and ``built_pdf`` / ``built_student_pdf`` build the two PDF editions from it
(no chapter is executed again).
"""

from __future__ import annotations

import functools
import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = ROOT / "chapters"
BUILD_TIMEOUT = 1800  # seconds for the whole forced build
# A Sphinx warning or error line ("file:line: WARNING: ..."); log lines of the kernels
# the build starts are not problems of the book: "[IPKernelApp] WARNING | ..." and
# Python logging's "ERROR:tornado.general:..." (a message ipykernel logs when a kernel's
# socket closes during its shutdown, now and then on a loaded machine).
_SPHINX_PROBLEM = re.compile(r"\b(WARNING|ERROR|CRITICAL|SEVERE):\s")


def unavailable(reason: str):
    """Skip a test whose prerequisite (a system package, a tool) is missing; fail in CI.

    With ``CI=true`` a missing prerequisite is a failure, not a skip.
    """
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason}; required in CI", pytrace=False)
    pytest.skip(reason)


def front_matter(path: Path) -> dict:
    """The YAML front matter of a Markdown file (empty dict if there is none)."""
    text = path.read_text(encoding="utf-8")
    if not text.startswith("---\n"):
        return {}
    end = text.find("\n---", 4)
    if end < 0:
        return {}
    return yaml.safe_load(text[4:end]) or {}


def notebook_chapters() -> list[Path]:
    """Every ``chapters/*.md`` that is a MyST notebook (has a jupytext front matter)."""
    return sorted(p for p in CHAPTERS.glob("*.md") if "jupytext" in front_matter(p))


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


def pytest_generate_tests(metafunc):
    if "chapter" in metafunc.fixturenames:
        chapters = notebook_chapters()
        metafunc.parametrize("chapter", chapters, ids=[p.stem for p in chapters])


@functools.cache
def tool(name: str):
    """The module ``tools/NAME.py`` (tools/ is not a package)."""
    path = ROOT / "tools" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def student_edition():
    """The module ``tools/student_edition.py``."""
    return tool("student_edition")


def _tool(name: str) -> str:
    """An executable of the running Python environment (the project's venv)."""
    return str(Path(sys.executable).parent / name)


@pytest.fixture(scope="session")
def execution_cache(tmp_path_factory) -> Path:
    """An empty jupyter-cache folder shared by the session's book builds.

    The instructor build executes every chapter into it (an empty cache runs everything,
    as ``force`` would); the student build, whose code cells are the same, then reuses
    every result instead of executing the chapters again.
    """
    return tmp_path_factory.mktemp("jupyter_cache") / "cache"


def _build(out: Path, config: dict, builder: str = "html") -> Path:
    """Build the book with ``config`` into ``out`` (warnings are errors).

    Returns the output folder of the builder: ``out/_build/html`` for ``"html"``,
    ``out/_build/latex`` (holding the PDF) for ``"pdflatex"``. The build log is kept
    next to the output as ``build.log`` and its tail is shown when the build fails or
    prints a warning.
    """
    config_path = out / "_config.yml"
    config_path.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    cmd = [
        _tool("jupyter-book"),
        "build",
        str(ROOT),
        "--path-output",
        str(out),
        "--config",
        str(config_path),
        "--builder",
        builder,
        "-W",
        "-n",
        "--keep-going",
    ]
    proc = subprocess.run(
        cmd,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=BUILD_TIMEOUT,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    log = proc.stdout + proc.stderr
    (out / "build.log").write_text(log, encoding="utf-8")
    tail = "\n".join(log.splitlines()[-150:])
    if proc.returncode != 0:
        pytest.fail(
            f"book build failed (exit {proc.returncode}); full log in {out / 'build.log'}\n{tail}"
        )
    warnings = [line for line in log.splitlines() if _SPHINX_PROBLEM.search(line)]
    if warnings:
        pytest.fail("book build printed warnings:\n" + "\n".join(warnings[:50]))
    if builder == "pdflatex":
        latex = out / "_build" / "latex"
        if not list(latex.glob("*.pdf")):
            pytest.fail(f"PDF build produced no PDF in {latex}\n{tail}")
        return latex
    html = out / "_build" / "html"
    if not (html / "index.html").is_file():
        pytest.fail(f"book build produced no index.html in {html}\n{tail}")
    return html


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
    return _build(tmp_path_factory.mktemp("book"), config)


@pytest.fixture(scope="session")
def built_student_book(tmp_path_factory, built_book, execution_cache) -> Path:
    """The student edition (``tools/student_edition.py``), built after ``built_book``.

    It executes through the instructor build's cache, so no chapter runs again; the
    build log (``build.log`` beside ``_build``) shows the cache hits.
    """
    config = student_edition().student_config(ROOT, execution_cache)
    return _build(tmp_path_factory.mktemp("student_book"), config)


@pytest.fixture(scope="session")
def built_pdf(tmp_path_factory, built_book, execution_cache) -> Path:
    """The PDF edition (with solutions) built from the HTML build's execution cache.

    Returns the LaTeX output folder (the ``.tex``, its ``.log`` and the PDF).
    """
    _require_tex()
    config = student_edition().book_config(ROOT)
    config.setdefault("execute", {}).update(execute_notebooks="cache", cache=str(execution_cache))
    return _build(tmp_path_factory.mktemp("pdf"), config, builder="pdflatex")


@pytest.fixture(scope="session")
def built_student_pdf(tmp_path_factory, built_book, execution_cache) -> Path:
    """The PDF of the student edition, from the same execution cache."""
    _require_tex()
    config = student_edition().student_config(ROOT, execution_cache)
    return _build(tmp_path_factory.mktemp("student_pdf"), config, builder="pdflatex")


def _require_tex():
    missing = tool("check_tex").missing()
    if missing:
        unavailable("the PDF build needs " + "; ".join(missing))
