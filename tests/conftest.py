"""Shared test fixtures: the chapter notebooks and the book built once per session.

``chapter`` (a ``Path``) is parametrised over every notebook chapter: a
``chapters/*.md`` file whose front matter has a ``jupytext`` block. ``built_book``
builds the whole book once, with forced execution and ``-W -n --keep-going``, into a
temporary directory and returns the path of its ``html`` folder.
"""

from __future__ import annotations

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
# A Sphinx warning or error line ("file:line: WARNING: ..."); kernel log lines such as
# "[IPKernelApp] WARNING | ..." are not problems of the book.
_SPHINX_PROBLEM = re.compile(r"\b(WARNING|ERROR|CRITICAL|SEVERE):")


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


def pytest_generate_tests(metafunc):
    if "chapter" in metafunc.fixturenames:
        chapters = notebook_chapters()
        metafunc.parametrize("chapter", chapters, ids=[p.stem for p in chapters])


def _tool(name: str) -> str:
    """An executable of the running Python environment (the project's venv)."""
    return str(Path(sys.executable).parent / name)


@pytest.fixture(scope="session")
def built_book(tmp_path_factory) -> Path:
    """Build the book once (forced execution, warnings are errors); return its html dir.

    The vendored front-end assets are refreshed first with ``make vendor`` (a no-op when
    they are up to date). The build log is kept next to the output as ``build.log``
    and its tail is shown when the build fails or prints a warning.
    """
    vendor = subprocess.run(["make", "vendor"], cwd=ROOT, capture_output=True, text=True)
    if vendor.returncode != 0:
        pytest.fail(f"`make vendor` failed:\n{vendor.stdout}\n{vendor.stderr}")

    out = tmp_path_factory.mktemp("book")
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    config.setdefault("execute", {})["execute_notebooks"] = "force"
    config_path = out / "_config.yml"
    config_path.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")

    cmd = [_tool("jupyter-book"), "build", str(ROOT), "--path-output", str(out),
           "--config", str(config_path), "-W", "-n", "--keep-going"]
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True,
                          timeout=BUILD_TIMEOUT, env={**os.environ, "PYTHONUNBUFFERED": "1"})
    log = proc.stdout + proc.stderr
    (out / "build.log").write_text(log, encoding="utf-8")
    tail = "\n".join(log.splitlines()[-150:])
    if proc.returncode != 0:
        pytest.fail(f"book build failed (exit {proc.returncode}); full log in "
                    f"{out / 'build.log'}\n{tail}")
    warnings = [line for line in log.splitlines() if _SPHINX_PROBLEM.search(line)]
    if warnings:
        pytest.fail("book build printed warnings:\n" + "\n".join(warnings[:50]))
    html = out / "_build" / "html"
    if not (html / "index.html").is_file():
        pytest.fail(f"book build produced no index.html in {html}\n{tail}")
    return html
