"""Helpers shared by the test modules (``from helpers import ...``); fixtures are in conftest.

* the book's files: :data:`ROOT`, :data:`CHAPTERS`, :func:`front_matter`,
  :func:`notebook_chapters`, :func:`toc_files` (the pages of ``_toc.yml``), :func:`tool`
  (a module of ``tools/``) and :func:`student_edition` (``tools/student_edition.py``);
* book builds (HTML and PDF): :func:`build_book`, used by the session fixtures of
  ``conftest``; :func:`unavailable` skips a test whose system prerequisite is missing,
  and fails it in CI;
* statistical assertions: a Monte Carlo average against its exact value within
  :data:`Z` standard errors estimated from the sample itself (never a tuned tolerance),
  computed by :func:`collapse_lib.book.mean_se` as in the chapters;
* the solutions of the chapters and the notes for instructors (removed from the student
  edition alike): :func:`solution_regions`, :func:`outside_solutions`, :data:`PROBES`,
  :data:`HIDDEN`, the words of the search index (:func:`search_terms`, :func:`stems`)
  and of the pages that are not chapters (:func:`text_outside_chapters`).
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


#: Titles of numbered statements in the HTML book: "Theorem 1.1", "Exercise 3.2", ...
NUMBERED = re.compile(r"^(Theorem|Proposition|Lemma|Corollary|Definition|Exercise) \d+(\.\d+)*$")


def html_numbered(html: Path, names: list[str]) -> dict[str, list[str]]:
    """Per page of ``names`` (``chapters/intro``), the numbered statements of the HTML
    book in ``html`` ("Theorem 1.1", ...), in page order."""
    from bs4 import BeautifulSoup

    found = {}
    for name in names:
        soup = BeautifulSoup((html / f"{name}.html").read_text(encoding="utf-8"), "html.parser")
        numbers = []
        for span in soup.select(".admonition-title .caption-number, .admonition-title"):
            text = " ".join(span.get_text(" ", strip=True).split())
            match = re.match(r"(\w+ \d+(?:\.\d+)*)", text)
            if match and NUMBERED.match(match[1]):
                numbers.append(match[1])
        found[name] = list(dict.fromkeys(numbers))
    return found


def toc_files(toc: dict) -> list[str]:
    """Every document named in a jb-book ``_toc.yml`` (root first)."""
    files = [toc["root"]]

    def walk(entries):
        for entry in entries or []:
            if "file" in entry:
                files.append(entry["file"])
            walk(entry.get("sections"))
            walk(entry.get("chapters"))

    for part in toc.get("parts", []):
        walk(part.get("chapters"))
    walk(toc.get("chapters"))
    return files


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


def unavailable(reason: str):
    """Skip a test whose prerequisite (a system package, a tool) is missing; fail in CI.

    With ``CI=true`` a missing prerequisite is a failure, not a skip.
    """
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason}; required in CI", pytrace=False)
    pytest.skip(reason)


# --------------------------------------------------------------------------- book builds

BUILD_TIMEOUT = 1800  # seconds for the whole forced build
# A Sphinx warning or error line ("file:line: WARNING: ..."); log lines of the kernels
# the build starts are not problems of the book: "[IPKernelApp] WARNING | ..." and
# Python logging's "ERROR:tornado.general:..." (a message ipykernel logs when a kernel's
# socket closes during its shutdown, now and then on a loaded machine).
_SPHINX_PROBLEM = re.compile(r"\b(WARNING|ERROR|CRITICAL|SEVERE):\s")


def _tool(name: str) -> str:
    """An executable of the running Python environment (the project's venv)."""
    return str(Path(sys.executable).parent / name)


def build_book(out: Path, config: dict, builder: str = "html") -> Path:
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
#: A solution block, or a note for instructors (removed from the student edition alike).
_PLAIN = re.compile(
    r"^" + _FENCE + r"\{(?:solution|instructor-only)\}[^\n]*\n(?P<body>.*?)^(?P=f)[ \t]*$",
    re.S | re.M,
)
#: The directives the student edition removes.
HIDDEN = re.compile(r"\{solution|\{instructor-only\}")
_CODE_CELL = re.compile(r"^(`{3,})\{code-cell\}[^\n]*\n(?P<code>.*?)^\1[ \t]*$", re.S | re.M)
#: Markup, math, quotes and list items (typeset differently in HTML) end a prose fragment.
_MARKUP = re.compile(r"[$`{}*\[\]_\\|\"'<>#~^]|\{[a-z:]+\}|\s:[a-z-]+:|\n\s*(?:-|\d+\.)\s")
PROBES_PER_CHAPTER = 8


def solution_regions(text: str) -> list[str]:
    """The text of every solution (both forms) and note for instructors of a MyST chapter."""
    return [m["body"] for m in _GATED.finditer(text)] + [m["body"] for m in _PLAIN.finditer(text)]


def outside_solutions(text: str) -> str:
    """A MyST chapter with its solutions and notes for instructors removed."""
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


def text_outside_chapters(html: Path) -> str:
    """The text of a built book's pages that are not chapters (the API reference, the
    indices): a word found there is not a solution word, even if no chapter uses it
    outside its solutions."""
    from bs4 import BeautifulSoup

    pages = [
        p
        for p in sorted(html.rglob("*.html"))
        if p.relative_to(html).parts[0] not in ("chapters", "_static", "_sources")
    ]
    return " ".join(
        BeautifulSoup(p.read_text(encoding="utf-8"), "html.parser").get_text(" ") for p in pages
    )


def search_terms(html: Path) -> set[str]:
    """The terms (and title terms) of a built book's search index."""
    text = (html / "searchindex.js").read_text(encoding="utf-8")
    index = json.loads(text[text.index("(") + 1 : text.rindex(")")])
    return set(index["terms"]) | set(index["titleterms"])


def stems(text: str, shortest: int = 1) -> set[str]:
    """Stems of the words of ``text`` (as the search index stores them)."""
    stemmer = SearchEnglish({})
    return {stemmer.stem(w.lower()) for w in re.findall(rf"[A-Za-z]{{{shortest},}}", text)}
