"""Every public function has a NumPy-style docstring with Parameters, Returns and Examples.

The examples themselves run as doctests (``--doctest-modules`` in pyproject.toml); this
test makes sure they exist. It covers the modules listed in ``DOCUMENTED``; a module
joins the list once all its public functions follow the convention.
"""

from __future__ import annotations

import importlib
import inspect

import pytest
from numpydoc.docscrape import FunctionDoc

DOCUMENTED = [
    "collapse_lib",
    "collapse_lib.schedules",
    "collapse_lib.theory",
    "collapse_lib.book",
    "collapse_lib.data",
    "collapse_lib.plotting",
    "collapse_lib.widgets",
]


def _public_functions(name: str) -> list:
    """The functions named in the ``__all__`` of module ``name``."""
    module = importlib.import_module(name)
    return [getattr(module, m) for m in module.__all__ if inspect.isfunction(getattr(module, m))]


@pytest.mark.parametrize(
    "function",
    [
        pytest.param(f, id=f"{f.__module__}.{f.__name__}")
        for n in DOCUMENTED
        for f in _public_functions(n)
    ],
)
def test_function_documents_parameters_returns_and_an_example(function):
    doc = FunctionDoc(function)
    documented = {
        part.strip().lstrip("*") for param in doc["Parameters"] for part in param.name.split(",")
    }
    parameters = set(inspect.signature(function).parameters)
    missing = sorted(parameters - documented)
    assert not missing, f"{function.__qualname__}: parameters {missing} are not documented"
    assert doc["Returns"], f"{function.__qualname__} has no Returns section"
    examples = "\n".join(doc["Examples"])
    assert ">>>" in examples, f"{function.__qualname__} has no example"


@pytest.mark.parametrize("name", DOCUMENTED)
def test_documented_module_has_public_functions(name):
    assert _public_functions(name), f"{name}.__all__ names no function"
