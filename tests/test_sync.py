"""Every notebook chapter is paired with an ``.ipynb`` that matches it, committed without outputs.

The ``.md`` file is the source that the book builds; the ``.ipynb`` is for readers who
open the chapters as notebooks. ``jupytext --diff`` exits 0 even when the files differ,
so the check converts the notebook back to MyST Markdown and compares the text (what
the pairing defines: cells, their sources and metadata; outputs are not part of it).

A reader who runs a chapter in JupyterLab and saves it writes outputs into the
``.ipynb``. That is fine where git commits the notebook without them: ``make setup``
installs the nbstripout filter that ``.gitattributes`` names for ``chapters/*.ipynb``.
The check therefore looks at what git would commit; without the filter, a notebook with
outputs fails with the command that fixes it.
"""

from __future__ import annotations

import difflib
import json
import os
import shlex
import shutil
import subprocess
import sys

import jupytext
import nbformat
import pytest
from helpers import CHAPTERS, ROOT, front_matter

#: The commands that fix a notebook saved with outputs (printed by the check).
FIX_FILTER = "make setup"
FIX_CLEAR = "{python} -m nbstripout --keep-id {path}"


def test_there_are_notebook_chapters():
    assert any(p.name == "intro.md" for p in CHAPTERS.glob("*.md"))


def test_chapter_is_paired(chapter):
    meta = front_matter(chapter)
    formats = meta["jupytext"].get("formats", "")
    assert set(formats.split(",")) == {"ipynb", "md:myst"}, (
        f"{chapter.name}: jupytext formats must be 'ipynb,md:myst', got {formats!r}"
    )
    assert meta["jupytext"]["text_representation"]["format_name"] == "myst"
    assert "kernelspec" in meta, f"{chapter.name} has no kernelspec"
    assert chapter.with_suffix(".ipynb").is_file(), (
        f"{chapter.name} has no paired notebook; run `jupytext --to ipynb chapters/{chapter.name}`"
    )


def test_notebook_matches_markdown(chapter):
    notebook = chapter.with_suffix(".ipynb")
    if not notebook.is_file():
        pytest.fail(f"missing {notebook.name}")
    converted = jupytext.writes(jupytext.read(notebook), fmt="md:myst")
    source = chapter.read_text(encoding="utf-8")
    if converted != source:
        diff = "".join(
            difflib.unified_diff(
                source.splitlines(keepends=True),
                converted.splitlines(keepends=True),
                fromfile=f"chapters/{chapter.name}",
                tofile=f"chapters/{notebook.name} as md:myst",
            )
        )
        pytest.fail(
            f"{notebook.name} is out of sync with {chapter.name}; run "
            f"`jupytext --sync chapters/{chapter.name}`:\n{diff[:6000]}"
        )


def _with_outputs(nb) -> list[int]:
    return [
        i
        for i, cell in enumerate(nb.cells)
        if cell.cell_type == "code"
        and (cell.get("outputs") or cell.get("execution_count") is not None)
    ]


def _git(*args, cwd=ROOT) -> str | None:
    """Output of ``git args`` in ``cwd``, or None outside a git repository."""
    try:
        proc = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True)
    except OSError:
        return None
    return proc.stdout.strip() if proc.returncode == 0 else None


def committed_form(path, cwd=ROOT) -> str | None:
    """The text git would commit for ``path`` through its clean filter, or None without one."""
    relative = os.path.relpath(path, cwd)
    attribute = _git("check-attr", "filter", "--", relative, cwd=cwd) or ""
    name = attribute.rsplit(": ", 1)[-1]
    if name in ("", "unspecified", "unset"):
        return None
    command = _git("config", "--get", f"filter.{name}.clean", cwd=cwd)
    if not command:
        return None
    proc = subprocess.run(
        shlex.split(command.replace("%f", shlex.quote(relative))),
        cwd=cwd,
        input=path.read_text(encoding="utf-8"),
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, (
        f"the git filter {name!r} ({command}) fails on {relative}; run `{FIX_FILTER}`:\n"
        f"{proc.stderr[-2000:]}"
    )
    return proc.stdout


def test_notebook_has_no_outputs(chapter):
    notebook = chapter.with_suffix(".ipynb")
    if not notebook.is_file():
        pytest.fail(f"missing {notebook.name}")
    dirty = _with_outputs(nbformat.read(notebook, as_version=4))
    if not dirty:
        return
    committed = committed_form(notebook)
    fix = FIX_CLEAR.format(
        python=os.path.relpath(sys.executable, ROOT), path=f"chapters/{notebook.name}"
    )
    assert committed is not None, (
        f"chapters/{notebook.name}: code cells {dirty} carry outputs (saved from a running "
        f"notebook) and no git filter strips them before a commit. Install the filter with "
        f"`{FIX_FILTER}` (git then commits the notebook without outputs), or clear them "
        f"with `{fix}`"
    )
    stripped = _with_outputs(nbformat.reads(committed, as_version=4))
    assert not stripped, (
        f"chapters/{notebook.name}: git's clean filter leaves outputs in cells {stripped}; "
        f"run `{FIX_FILTER}` to install the nbstripout filter, or clear them with `{fix}`"
    )


def _save_with_outputs(notebook):
    """Write outputs into every code cell, as saving a run notebook in JupyterLab does."""
    nb = nbformat.read(notebook, as_version=4)
    for count, cell in enumerate((c for c in nb.cells if c.cell_type == "code"), 1):
        cell.execution_count = count
        cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=f"run {count}\n")]
    nbformat.write(nb, notebook)


@pytest.mark.slow
def test_saving_outputs_keeps_the_suite_green(tmp_path):
    """In a clone: outputs saved into a chapter's notebook leave the sync tests green when
    the filter of ``make setup`` is installed, and fail with the fixing command when not."""
    if _git("rev-parse", "--git-dir") is None:
        pytest.skip("not a git repository")
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "--quiet", str(ROOT), str(clone)], check=True)
    for name in ("tests", "Makefile", ".gitattributes"):  # as in this working tree
        source, target = ROOT / name, clone / name
        if source.is_dir():
            shutil.rmtree(target, ignore_errors=True)
            shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, target)
    (clone / ".venv").symlink_to(ROOT / ".venv")
    make = subprocess.run(["make", "git-filter"], cwd=clone, capture_output=True, text=True)
    assert make.returncode == 0, make.stderr
    notebook = clone / "chapters" / "intro.ipynb"
    _save_with_outputs(notebook)
    assert any(c.get("outputs") for c in json.loads(notebook.read_text())["cells"])

    def sync_tests():
        return subprocess.run(
            [
                *(sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"),
                *("tests/test_sync.py", "-k", "intro and not saving"),
            ],
            cwd=clone,
            capture_output=True,
            text=True,
        )

    green = sync_tests()
    assert green.returncode == 0, green.stdout[-3000:]
    # what a commit would take: staging the saved notebook stages nothing
    subprocess.run(["git", "add", "chapters/intro.ipynb"], cwd=clone, check=True)
    staged = _git("diff", "--cached", "--stat", cwd=clone)
    assert staged == "", f"git would commit the outputs: {staged!r}"

    subprocess.run(["git", "config", "--unset", "filter.nbstripout.clean"], cwd=clone, check=True)
    red = sync_tests()
    assert red.returncode != 0
    assert f"`{FIX_FILTER}`" in red.stdout and "nbstripout --keep-id chapters/intro.ipynb" in (
        red.stdout
    ), red.stdout[-3000:]


def test_every_notebook_has_a_markdown_source():
    orphans = [p.name for p in CHAPTERS.glob("*.ipynb") if not p.with_suffix(".md").is_file()]
    assert not orphans, f"notebooks without a paired .md source: {orphans}"
