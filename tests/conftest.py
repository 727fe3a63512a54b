"""Fixtures of the test suite (helpers shared by the test modules are in ``helpers``).

``chapter`` (a ``Path``) is parametrised over every notebook chapter: a
``chapters/*.md`` file whose front matter has a ``jupytext`` block. ``built_book``
builds the whole book once, executing every chapter (into a fresh execution cache) with
``-W -n --keep-going``, into a temporary directory and returns the path of its ``html``
folder. ``built_student_book`` does the same for the student edition, reusing that
cache.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
import yaml
from helpers import ROOT, build_book, notebook_chapters, student_edition


def pytest_generate_tests(metafunc):
    if "chapter" in metafunc.fixturenames:
        chapters = notebook_chapters()
        metafunc.parametrize("chapter", chapters, ids=[p.stem for p in chapters])


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

    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
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
