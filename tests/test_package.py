"""The package itself (collapse_lib/__init__.py): lazy submodules, public names, vocabulary."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

import collapse_lib as cl

HEAVY = ("matplotlib", "ipywidgets", "IPython", "PIL")
LIB = Path(cl.__file__).parent


def _fresh(code: str) -> dict:
    """Run ``code`` in a new interpreter; it prints a JSON value, returned here."""
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    return json.loads(out.stdout)


def _loaded(after: str = "") -> list[str]:
    """Top-level packages among HEAVY that are imported after ``import collapse_lib``."""
    return _fresh(
        "import json, sys\n"
        "import collapse_lib as cl\n"
        f"{after}\n"
        f"print(json.dumps(sorted({{m.split('.')[0] for m in sys.modules}} & set({HEAVY!r}))))"
    )


def test_import_loads_no_plotting_or_notebook_packages():
    assert _loaded() == []
    assert _loaded("cl.simulate(cl.Gaussian(), generations=3, sizes=5, seed=1); cl.theory") == []


def test_submodules_load_on_first_access():
    assert "matplotlib" in _loaded("cl.plotting")
    assert {"ipywidgets", "IPython", "PIL"} <= set(_loaded("cl.widgets"))


@pytest.mark.parametrize("name", cl._LAZY)
def test_every_lazy_module_is_listed_and_loads(name):
    assert name in cl.__all__ and name in dir(cl)
    if not (LIB / f"{name}.py").exists():
        pytest.skip(f"collapse_lib/{name}.py is not part of this tree yet")
    module = getattr(cl, name)
    assert module.__name__ == f"collapse_lib.{name}"
    assert getattr(cl, name) is module


def test_public_names_resolve_and_unknown_names_fail():
    for name in cl.__all__:
        if name not in cl._LAZY:
            assert getattr(cl, name) is not None
    with pytest.raises(AttributeError, match="no_such_name"):
        cl.no_such_name  # noqa: B018
    assert {"simulate", "Run", "Family", "plotting", "widgets"} <= set(dir(cl))


def test_vocabulary_is_written_in_the_module_docstring():
    doc = cl.__doc__
    assert "Vocabulary" in doc
    for name in ("``t``", "``generations``", "``sizes``", "``scheme``", "``fresh``",
                 "``seed``", "``replicates``", "``run.rounds``", "``estimator``"):  # fmt: skip
        assert name in doc, name
