"""Version, citation, licences and package metadata, and the Python version check.

* the version is written once (``collapse_lib.__version__``): pyproject reads it, the
  installed distribution, ``CITATION.cff`` and ``CHANGELOG.md`` agree with it;
* ``CITATION.cff`` is valid Citation File Format 1.2.0 (validated by cffconvert, in a
  virtual environment of its own: cffconvert 2.0.0 needs jsonschema<4, which the lock
  does not allow), and the BibTeX of the page "How to cite" agrees with cffconvert's;
* authors, year, repository and licences are the same everywhere, and not placeholders;
* ``pyproject.toml``: authors, URLs, classifiers, the real minimum Python, and a ``test``
  extra that lists every package the tests import;
* ``make setup`` stops on an interpreter older than ``requires-python``, naming both
  versions, before it creates anything.
"""

from __future__ import annotations

import ast
import importlib.metadata
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml
from helpers import ROOT, tool

import collapse_lib

PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
PROJECT = PYPROJECT["project"]
CITATION = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
YEAR = "2026"


def test_version_is_written_once():
    assert "version" not in PROJECT and "version" in PROJECT["dynamic"]
    attr = PYPROJECT["tool"]["setuptools"]["dynamic"]["version"]["attr"]
    assert attr == "collapse_lib.__version__"
    assert re.fullmatch(r"\d+\.\d+\.\d+", collapse_lib.__version__)
    assert importlib.metadata.version("collapse_lib") == collapse_lib.__version__
    others = [
        p.relative_to(ROOT)
        for p in [ROOT / "pyproject.toml", ROOT / "_config.yml", *ROOT.glob("tools/*.py")]
        if re.search(rf"\b{re.escape(collapse_lib.__version__)}\b", p.read_text(encoding="utf-8"))
    ]
    assert not others, f"the version is written again in {others}"


def test_citation_agrees_with_the_library_and_the_changelog():
    assert str(CITATION["version"]) == collapse_lib.__version__
    assert str(CITATION["date-released"]).startswith(YEAR)
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    latest = re.search(r"^## (\S+) \((\d{4}-\d{2}-\d{2})\)", changelog, re.M)
    assert latest, "CHANGELOG.md has no '## VERSION (YYYY-MM-DD)' entry"
    assert latest[1] == collapse_lib.__version__
    assert latest[2] == str(CITATION["date-released"])


def test_authors_year_repository_and_licences_agree():
    author = CONFIG["author"]
    assert "collapse_lib authors" not in author and author.strip()
    assert [a["name"] for a in CITATION["authors"]] == [author]
    assert [a["name"] for a in PROJECT["authors"]] == [author]
    assert str(CONFIG["copyright"]).startswith(YEAR)
    licence = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert licence.startswith("MIT License") and f"Copyright (c) {YEAR} {author}" in licence
    text_licence = (ROOT / "LICENSES" / "CC-BY-4.0.txt").read_text(encoding="utf-8")
    assert text_licence.startswith("Attribution 4.0 International")
    assert PROJECT["license"] == "MIT" and PROJECT["license-files"] == ["LICENSE"]
    assert set(CITATION["license"]) == {"MIT", "CC-BY-4.0"}
    repo = CONFIG["repository"]["url"]
    assert CITATION["repository-code"] == repo
    assert PROJECT["urls"]["Source"] == repo and PROJECT["urls"]["Homepage"] == repo


def test_package_metadata_is_complete():
    assert PROJECT["requires-python"] == ">=3.11.5"
    classifiers = PROJECT["classifiers"]
    versions = [c.rsplit(" ", 1)[1] for c in classifiers if re.search(r":: 3\.\d+$", c)]
    assert versions and min(versions, key=lambda v: int(v.split(".")[1])) == "3.11"
    assert any(c.startswith("Intended Audience :: Education") for c in classifiers)
    assert PROJECT["urls"] and PROJECT["authors"] and PROJECT["description"]
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "3.11.5" in readme and "3.10" not in readme


def _third_party_imports(folder: Path) -> set[str]:
    """Top-level modules imported by the Python files of ``folder`` (not stdlib, not local)."""
    local = {p.stem for p in folder.glob("*.py")} | {"collapse_lib"}
    names = set()
    for path in folder.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names |= {a.name.split(".")[0] for a in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module.split(".")[0])
    return names - set(sys.stdlib_module_names) - local - {"__future__"}


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _requirement_names(requirements: list[str]) -> set[str]:
    """The distributions a list of requirements installs, extras included.

    An extra of the package itself (``collapse_lib[book]``) adds that extra's list; an
    extra of another package (``dask[distributed]``) adds what that package's metadata
    requires for the extra.
    """
    names = set()
    for requirement in requirements:
        name = re.split(r"[\s\[<>=!~;]", requirement, maxsplit=1)[0]
        names.add(_normal(name))
        extras = re.search(r"\[(.*)\]", requirement)
        for extra in extras[1].split(",") if extras else ():
            extra = extra.strip()
            if name == "collapse_lib":
                names |= _requirement_names(PROJECT["optional-dependencies"][extra])
            else:
                for needed in importlib.metadata.requires(name) or []:
                    if re.search(rf"extra\s*==\s*['\"]{re.escape(extra)}['\"]", needed):
                        names.add(_normal(re.split(r"[\s\[<>=!~;(]", needed, maxsplit=1)[0]))
    return names


def test_the_test_extra_lists_everything_the_tests_import():
    declared = _requirement_names(
        PROJECT["dependencies"] + PROJECT["optional-dependencies"]["test"]
    )
    distributions = importlib.metadata.packages_distributions()
    missing = {}
    for module in sorted(_third_party_imports(ROOT / "tests")):
        dists = {_normal(d) for d in distributions.get(module, [module])}
        if not dists & declared:
            missing[module] = sorted(dists)
    assert not missing, f"imported by tests/ but not in the test extra: {missing}"


def test_python_check_names_both_versions():
    check = tool("check_python")
    assert check.needed_version() == (3, 11, 5)
    assert check.problem((3, 11, 5, "final", 0), (3, 11, 5)) is None
    assert check.problem((3, 13, 0), (3, 11, 5)) is None
    message = check.problem((3, 11, 4, "final", 0), (3, 11, 5), "/usr/bin/python3")
    assert "Python 3.11.4 (/usr/bin/python3) is too old" in message and "3.11.5" in message
    assert "PYTHON=" in message


def test_make_setup_stops_on_an_old_python(tmp_path):
    """``make setup`` with a Python that reports 3.10.12 stops first, creating nothing."""
    fake = tmp_path / "fake"
    fake.mkdir()
    (fake / "sitecustomize.py").write_text(
        "import sys\nsys.version_info = (3, 10, 12, 'final', 0)\n", encoding="utf-8"
    )
    python = tmp_path / "python3"
    python.write_text(f'#!/bin/sh\nPYTHONPATH={fake} exec {sys.executable} "$@"\n')
    python.chmod(0o755)
    venv = tmp_path / "venv"
    proc = subprocess.run(
        ["make", "setup", f"PYTHON={python}", f"VENV={venv}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode != 0
    assert f"Python 3.10.12 ({sys.executable}) is too old" in proc.stderr
    assert "Python 3.11.5 or newer" in proc.stderr
    assert not venv.exists()


# --------------------------------------------------------------------------- cffconvert


@pytest.fixture(scope="module")
def cffconvert(tmp_path_factory) -> Path:
    """cffconvert 2.0.0 in a virtual environment of its own (requirements/cffconvert.txt)."""
    venv = tmp_path_factory.mktemp("cffconvert") / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    subprocess.run(
        [
            *(str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet"),
            *("-r", str(ROOT / "requirements" / "cffconvert.txt")),
        ],
        check=True,
        timeout=600,
    )
    return venv / "bin" / "cffconvert"


@pytest.mark.slow
def test_citation_cff_is_valid(cffconvert):
    proc = subprocess.run(
        [str(cffconvert), "--validate", "-i", str(ROOT / "CITATION.cff")],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "valid according to schema version 1.2.0" in proc.stdout


@pytest.mark.slow
def test_book_bibtex_agrees_with_cffconvert(cffconvert):
    theirs = subprocess.run(
        [str(cffconvert), "-f", "bibtex", "-i", str(ROOT / "CITATION.cff")],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    bookext = tool("bookext")
    ours = bookext.bibtex(bookext.citation(ROOT))

    def fields(entry):
        found = dict(re.findall(r"^\s*(\w+) = \{(.*)\},?$", entry, re.M))
        return {k: v.replace("{", "").replace("}", "") for k, v in found.items()}

    theirs, ours_fields = fields(theirs), fields(ours)
    for key in ("author", "title", "year", "month", "url"):
        assert ours_fields[key] == theirs[key], key
    assert ours_fields["edition"] == f"Version {collapse_lib.__version__}"
