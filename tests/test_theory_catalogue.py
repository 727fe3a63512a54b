"""The layout and conventions of collapse_lib.theory.

One flat catalogue (``__all__``) over private modules split by model family, an index in
the package docstring that lists every public name, NumPy-style docstrings with the
sections the API reference needs, the library's argument vocabulary, keyword-only model
settings, and modules of a readable size.
"""

import importlib
import inspect
import re
from pathlib import Path

import pytest
from numpydoc.docscrape import FunctionDoc

import collapse_lib
from collapse_lib import theory as th

PACKAGE = Path(th.__file__).parent
MODULES = sorted(p.stem for p in PACKAGE.glob("_*.py") if p.stem != "__init__")
FUNCTIONS = [getattr(th, name) for name in th.__all__]
#: Only the point at which a function is evaluated may be given by position.
POSITIONAL = ("x", "q", "t")
#: Argument names that the vocabulary replaced (see the package docstring).
RETIRED = {"eps", "k", "p0", "lam0", "sigma2_0", "sigma0", "N", "logdet0", "c", "m"}


def test_catalogue_lists_every_public_function_once():
    assert len(th.__all__) == len(set(th.__all__))
    defined = set()
    for stem in MODULES:
        module = importlib.import_module(f"collapse_lib.theory.{stem}")
        defined |= {
            name
            for name, obj in vars(module).items()
            if inspect.isfunction(obj)
            and not name.startswith("_")
            and obj.__module__ == module.__name__
        }
    assert defined == set(th.__all__)
    for func in FUNCTIONS:
        assert func.__module__.startswith("collapse_lib.theory._"), func.__name__


def test_package_docstring_indexes_every_name():
    indexed = re.findall(r"^- :func:`(\w+)`", th.__doc__, flags=re.MULTILINE)
    assert sorted(indexed) == sorted(th.__all__)
    assert indexed == th.__all__  # same topics, same order as __all__


@pytest.mark.parametrize("func", FUNCTIONS, ids=lambda f: f.__name__)
def test_signature_follows_the_vocabulary(func):
    params = inspect.signature(func).parameters
    assert not RETIRED & set(params), func.__name__
    for name, param in params.items():
        if name in POSITIONAL:
            assert param.kind is param.POSITIONAL_OR_KEYWORD, name
        else:
            assert param.kind is param.KEYWORD_ONLY, name
    if "scheme" in params:
        assert params["scheme"].default == "replace"
    if "sigma2" in params:
        assert params["sigma2"].default == 1.0  # as in Gaussian()
    if "generations" in params and "sizes" in params:
        assert params["generations"].default is None


@pytest.mark.parametrize("func", FUNCTIONS, ids=lambda f: f.__name__)
def test_docstring_has_the_sections_of_the_api_reference(func):
    doc = FunctionDoc(func)
    assert doc["Summary"] and len(" ".join(doc["Summary"])) <= 100, func.__name__
    documented = [n.strip() for p in doc["Parameters"] for n in p.name.split(",")]
    assert documented == list(inspect.signature(func).parameters), func.__name__
    for p in doc["Parameters"]:
        assert p.type and p.desc, (func.__name__, p.name)
    assert doc["Returns"] and all(r.type or r.name for r in doc["Returns"]), func.__name__
    source = " ".join(doc["References"])
    # whose result it is: a paper (with its references.bib key), or ours, or classical
    assert re.search(r"\[\w+\d{4}\]|Derived here|Classical", source), (func.__name__, source)
    assert ">>> from collapse_lib import theory" in "\n".join(doc["Examples"]), func.__name__
    assert "%(" not in func.__doc__, func.__name__  # every shared text was filled in


def test_citation_keys_exist_in_the_bibliography():
    bib = (Path(collapse_lib.__file__).parents[1] / "references.bib").read_text(encoding="utf-8")
    keys = set(re.findall(r"^@\w+\{(\w+),", bib, flags=re.MULTILINE))
    cited = {key for func in FUNCTIONS for key in re.findall(r"\[(\w+\d{4})\]", func.__doc__)}
    assert cited and cited <= keys, cited - keys


def test_modules_stay_readable():
    for path in PACKAGE.glob("*.py"):
        assert len(path.read_text(encoding="utf-8").splitlines()) <= 800, path.name
    for path in Path(collapse_lib.__file__).parent.rglob("*.py"):
        assert "__all__ +=" not in path.read_text(encoding="utf-8"), path.name
