"""Helpers shared by the test modules (``from helpers import ...``); fixtures are in conftest.

* the book's files: :data:`ROOT`, :data:`CHAPTERS`, :func:`front_matter`,
  :func:`notebook_chapters`, :func:`student_edition` (the tool ``tools/student_edition.py``);
* book builds: :func:`build_book`, used by the session fixtures of ``conftest``;
* statistical assertions: a Monte Carlo average against its exact value within
  :data:`Z` standard errors estimated from the sample itself (never a tuned tolerance),
  computed by :func:`collapse_lib.book.mean_se` as in the chapters;
* the solutions of the chapters (for the student edition): :func:`solution_regions`,
  :func:`outside_solutions`, :data:`PROBES`, and the words of the search index
  (:func:`search_terms`, :func:`stems`).
"""

from __future__ import annotations

import functools
import importlib.util
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import yaml
from sphinx.search.en import SearchEnglish

from collapse_lib.book import mean_se

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = ROOT / "chapters"

# --------------------------------------------------------------------------- the book's files


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


@functools.cache
def student_edition():
    """The module ``tools/student_edition.py`` (tools/ is not a package)."""
    path = ROOT / "tools" / "student_edition.py"
    spec = importlib.util.spec_from_file_location("student_edition", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# --------------------------------------------------------------------------- book builds

BUILD_TIMEOUT = 1800  # seconds for the whole forced build
# A Sphinx warning or error line ("file:line: WARNING: ..."); kernel log lines such as
# "[IPKernelApp] WARNING | ..." are not problems of the book.
_SPHINX_PROBLEM = re.compile(r"\b(WARNING|ERROR|CRITICAL|SEVERE):")


def _tool(name: str) -> str:
    """An executable of the running Python environment (the project's venv)."""
    return str(Path(sys.executable).parent / name)


def build_book(out: Path, config: dict) -> Path:
    """Build the book with ``config`` into ``out`` (warnings are errors); return html dir.

    The build log is kept next to the output as ``build.log`` and its tail is shown
    when the build fails or prints a warning.
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
    html = out / "_build" / "html"
    if not (html / "index.html").is_file():
        pytest.fail(f"book build produced no index.html in {html}\n{tail}")
    return html


# --------------------------------------------------------------------------- statistics

Z = 4.0  # tolerance in standard errors


def assert_mean_matches(samples, expected, axis=0):
    """Sample mean along ``axis`` within Z standard errors of ``expected``."""
    mean, se = mean_se(np.asarray(samples, dtype=float), axis=axis)
    np.testing.assert_array_less(np.abs(mean - expected), Z * se + 1e-12)


def assert_variance_matches(samples, expected, axis=0):
    """Sample variance within Z standard errors (SE of the mean of squared deviations).

    The sample variance is :math:`R/(R-1)` times the mean of the squared deviations from
    the sample mean; its standard error is taken as that of this mean, scaled alike.
    """
    samples = np.asarray(samples, dtype=float)
    count = samples.shape[axis]
    dev2 = (samples - samples.mean(axis=axis, keepdims=True)) ** 2
    mean, se = mean_se(dev2, axis=axis)
    scale = count / (count - 1)
    np.testing.assert_array_less(np.abs(scale * mean - expected), Z * scale * se + 1e-12)


def assert_probability_matches(hits, p, axis=0):
    """Frequency of boolean ``hits`` within Z binomial standard errors of ``p``.

    The standard error is the exact one of a frequency of probability ``p``,
    :math:`\\sqrt{p(1-p)/R}`, not an estimate from the sample.
    """
    hits = np.asarray(hits, dtype=float)
    r = hits.shape[axis]
    se = np.sqrt(np.asarray(p) * (1 - np.asarray(p)) / r)
    np.testing.assert_array_less(np.abs(hits.mean(axis=axis) - p), Z * se + 1e-12)


# --------------------------------------------------------------------------- solutions

_FENCE = r"(?P<f>`{3,}|:{3,})"
_GATED = re.compile(
    _FENCE + r"\{solution-start\}.*?^(?P=f)[ \t]*$(?P<body>.*?)^"
    r"(`{3,}|:{3,})\{solution-end\}",
    re.S | re.M,
)
_PLAIN = re.compile(r"^" + _FENCE + r"\{solution\}[^\n]*\n(?P<body>.*?)^(?P=f)[ \t]*$", re.S | re.M)
_CODE_CELL = re.compile(r"^(`{3,})\{code-cell\}[^\n]*\n(?P<code>.*?)^\1[ \t]*$", re.S | re.M)
#: Markup, math and quotes (typeset differently in HTML) end a prose fragment.
_MARKUP = re.compile(r"[$`{}*\[\]_\\|\"'<>#~^]|\{[a-z:]+\}|\s:[a-z-]+:")
PROBES_PER_CHAPTER = 8


def solution_regions(text: str) -> list[str]:
    """The text of every solution of a MyST chapter (both forms)."""
    return [m["body"] for m in _GATED.finditer(text)] + [m["body"] for m in _PLAIN.finditer(text)]


def outside_solutions(text: str) -> str:
    """A MyST chapter with its solutions removed."""
    return _PLAIN.sub("", _GATED.sub("", text))


def squash(text: str) -> str:
    """Text without any whitespace (layout differs between source and HTML)."""
    return re.sub(r"\s+", "", text)


def _probes(region: str) -> list[str]:
    """Distinctive code lines and prose fragments of one solution."""
    code = [line.strip() for m in _CODE_CELL.finditer(region) for line in m["code"].splitlines()]
    prose = _CODE_CELL.sub(" ", region)
    fragments = [" ".join(f.split()) for f in _MARKUP.split(prose)]
    return [c for c in code if len(c) >= 30 and not c.startswith("#")] + [
        f for f in fragments if len(f) >= 40
    ]


def _chapter_probes() -> dict[str, list[str]]:
    """Per chapter with solutions: probes that occur nowhere outside the solutions."""
    sources = {p.stem: p.read_text(encoding="utf-8") for p in sorted(CHAPTERS.glob("*.md"))}
    outside = squash(" ".join(outside_solutions(t) for t in sources.values()))
    probes = {}
    for name, text in sources.items():
        regions = solution_regions(text)
        if not regions:
            continue
        found = [p for region in regions for p in _probes(region) if squash(p) not in outside]
        step = max(1, len(found) // PROBES_PER_CHAPTER)  # spread over all the solutions
        probes[name] = found[::step][:PROBES_PER_CHAPTER]
    return probes


#: Per chapter with solutions, up to eight fragments found only in its solutions.
PROBES = _chapter_probes()


def search_terms(html: Path) -> set[str]:
    """The terms (and title terms) of a built book's search index."""
    text = (html / "searchindex.js").read_text(encoding="utf-8")
    index = json.loads(text[text.index("(") + 1 : text.rindex(")")])
    return set(index["terms"]) | set(index["titleterms"])


def stems(text: str, shortest: int = 1) -> set[str]:
    """Stems of the words of ``text`` (as the search index stores them)."""
    stemmer = SearchEnglish({})
    return {stemmer.stem(w.lower()) for w in re.findall(rf"[A-Za-z]{{{shortest},}}", text)}
