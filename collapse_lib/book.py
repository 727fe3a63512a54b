r"""Chapter support: the one-line setup of a chapter, its published numbers, its statistics.

Every chapter of the book starts with the same line::

    from collapse_lib.book import cl, mean_se, np, plt, publish

It gives the chapter NumPy (``np``), Matplotlib's ``pyplot`` (``plt``), this library
(``cl``) and the two helpers below, and applies the book's figure style
(:func:`collapse_lib.plotting.use_book_style`; importing this module applies it).

Numbers in the text
-------------------
A number that the prose shows is computed in a code cell and written in the Markdown
as the MyST role ``{eval}`name```, where ``name`` is a plain variable name. The code
cell makes it available with one call, :func:`publish`, which fixes how the number is
printed (a format specification such as ``".3f"``, as in ``format(x, ".3f")``) and
makes the same text appear wherever the chapter is read:

* **the HTML book** (Jupyter Book, chapters executed by myst-nb): each number is
  *glued* into the executed notebook (``myst_nb.glue(name, number, display=False)``),
  and the extension ``collapse_lib.sphinxext`` replaces ``{eval}`name``` by the
  glued text when the page is built;
* **JupyterLab with jupyterlab-myst**: each name is bound in the kernel's namespace to
  a :class:`Published` object whose ``repr`` is exactly the formatted text, and
  jupyterlab-myst shows the ``text/plain`` form of ``name`` when the Markdown cell is
  run. A cell that shows a number therefore comes after the cell that publishes it;
* **an executed notebook read back by a program** (the hand-out converter):
  :func:`read_published` returns every published text by name, and
  :func:`fill_published` writes them into a Markdown text in place of the roles.

The format is chosen once, where the number is published; a value shown with two
formats is published under two names.

Statistics
----------
:func:`mean_se` is the one computation of a Monte Carlo average with its standard
error used by the chapters and by the test suite's standard-error assertions.
"""

from __future__ import annotations

import json
import keyword
import math
import numbers as _numbers
import re
from collections.abc import Mapping
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

import collapse_lib as cl

from . import plotting
from ._validate import _check_keys

__all__ = [
    "cl",
    "np",
    "plt",
    "publish",
    "mean_se",
    "Published",
    "read_published",
    "fill_published",
    "EVAL_ROLE",
]

#: The MyST role that shows a published number: ``{eval}`name``` (group 1 is the name).
EVAL_ROLE = re.compile(r"\{eval\}`([^`]*)`")

# Where myst-nb stores a number glued with display=False (myst_nb.ext.glue.GLUE_PREFIX).
_GLUE_PREFIX = "application/papermill.record/"

plotting.use_book_style()


class Published:
    """A number as the book prints it: its value and its formatted text.

    ``repr`` and ``str`` give the text, without quotes, so that the text is what a
    notebook front end shows for the object (its ``text/plain`` form).

    Parameters
    ----------
    value : int, float, bool or str
        The number (a NumPy scalar or a 0-d array is converted to the Python value).
        Non-finite numbers are refused.
    spec : str, optional
        Format specification (``format(value, spec)``), e.g. ``".3f"``, ``","``,
        ``".2e"``; ``""`` prints ``str(value)``. A spec ending in ``d`` (or another
        integer type) prints the value as an int, one ending in ``f``, ``e``, ``g`` or
        ``%`` as a float.

    Attributes
    ----------
    value : int, float, bool or str
        The number.
    spec : str
        Its format specification.
    text : str
        The formatted text.

    Raises
    ------
    TypeError
        If ``value`` is not a single number or string, or ``spec`` is not a string.
    ValueError
        If ``value`` is not finite, or ``spec`` cannot format it.

    Examples
    --------
    >>> from collapse_lib.book import Published
    >>> ratio = Published(2 / 3, ".3f")
    >>> ratio
    0.667
    >>> ratio.value, ratio.text
    (0.6666666666666666, '0.667')
    >>> Published(12500, ",")
    12,500
    """

    __slots__ = ("spec", "text", "value")

    def __init__(self, value, spec: str = ""):
        self.value = _plain(value)
        if not isinstance(spec, str):
            raise TypeError(f"spec must be a format specification (str), got {spec!r}")
        self.spec = spec
        self.text = _format(self.value, spec)

    def __repr__(self) -> str:
        return self.text

    __str__ = __repr__


def _plain(value):
    """``value`` as a Python int, float, bool or str, or raise."""
    if isinstance(value, np.ndarray) and value.ndim == 0:
        value = value[()]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, str):
        return value
    if not isinstance(value, _numbers.Real):
        raise TypeError(f"value must be a single number or a string, got {value!r}")
    if not isinstance(value, bool) and not math.isfinite(value):
        raise ValueError(f"value must be finite, got {value!r}")
    return value


def _format(value, spec: str) -> str:
    """``format(value, spec)``, converting to int or float as the spec's type asks.

    The conversion is the one myst-nb applies to glued numbers, so a number prints
    here as it did with ``{glue:text}`name:spec```.
    """
    if spec == "":
        return str(value)
    kind = spec[-1]
    try:
        if kind == "s":
            value = str(value)
        elif kind in "bcdoxX":
            value = int(value)
        elif kind in "eEfFgGn%":
            value = float(value)
        return format(value, spec)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"spec {spec!r} cannot format {value!r}: {exc}") from None


def _ipython():
    """The running IPython shell (a notebook kernel), or None outside IPython."""
    try:
        from IPython import get_ipython
    except ImportError:
        return None
    return get_ipython()


def publish(numbers: Mapping, formats: Mapping | None = None, *, namespace=None) -> None:
    """Publish numbers for the chapter's text: ``{eval}`name``` shows each one.

    Each number is formatted once, here, and becomes a :class:`Published` object. In a
    notebook kernel (IPython) it is glued for the book build
    (``myst_nb.glue(name, number, display=False)``, read by
    ``collapse_lib.sphinxext``) and bound to ``name`` in the notebook's namespace,
    where jupyterlab-myst evaluates the role. Outside IPython nothing is glued.

    Parameters
    ----------
    numbers : mapping of str to number
        ``name -> value``. Names are plain Python identifiers (the role evaluates the
        name in the kernel); values are single numbers or strings (NumPy scalars are
        accepted), finite.
    formats : mapping of str to str, optional
        ``name -> format specification`` (see :class:`Published`) for some of the
        names; the others print as ``str(value)``.
    namespace : dict, optional
        Where to bind the names. Default: the namespace of the running notebook
        (``get_ipython().user_ns``), or nowhere outside IPython.

    Returns
    -------
    None
        The numbers are glued and bound, not returned (a returned value would be
        displayed as the cell's output); :func:`read_published` reads them back.

    Raises
    ------
    TypeError
        If ``numbers`` or ``formats`` is not a mapping, a name is not a string, or a
        value is not a single number or string.
    ValueError
        If a name is not an identifier, ``formats`` names a number that ``numbers``
        does not hold, a value is not finite, a format does not apply to its value,
        or a name is already a variable of ``namespace`` that is not a published
        number (publishing would overwrite the chapter's own variable).

    Examples
    --------
    >>> from collapse_lib.book import publish
    >>> shown = {}
    >>> publish({"ratio": 2 / 3, "replicates": 20_000, "n": 20},
    ...         {"ratio": ".3f", "replicates": ","}, namespace=shown)
    >>> shown
    {'ratio': 0.667, 'replicates': 20,000, 'n': 20}
    >>> shown["ratio"].value
    0.6666666666666666
    """
    if not isinstance(numbers, Mapping):
        raise TypeError(f"numbers must be a mapping name -> value, got {numbers!r}")
    formats = _check_keys("formats", formats, of="numbers", allowed=numbers)
    published = {}
    for name, value in numbers.items():
        if not isinstance(name, str):
            raise TypeError(f"the names of numbers must be strings, got {name!r}")
        if not name.isidentifier() or keyword.iskeyword(name):
            raise ValueError(
                f"numbers: {name!r} is not a plain variable name, which {{eval}} needs"
            )
        spec = formats.get(name, "")
        try:
            published[name] = Published(value, spec)
        except (TypeError, ValueError) as exc:
            raise type(exc)(f"numbers[{name!r}] with format {spec!r}: {exc}") from None
    shell = _ipython()
    if namespace is None and shell is not None:
        namespace = shell.user_ns
    if namespace is not None:
        taken = [
            name
            for name in published
            if name in namespace and not isinstance(namespace[name], Published)
        ]
        if taken:
            raise ValueError(
                f"numbers: {taken!r} already name variables of the notebook; publish "
                "under other names (publishing would overwrite them)"
            )
    if shell is not None:
        from myst_nb import glue

        for name, number in published.items():
            glue(name, number, display=False)
    if namespace is not None:
        namespace.update(published)


def mean_se(x, axis=0):
    r"""Sample mean and its standard error, :math:`\bar x` and :math:`s / \sqrt{R}`.

    :math:`s` is the sample standard deviation (``ddof=1``) and :math:`R` the number of
    observations along ``axis``: the standard error of a Monte Carlo average over
    :math:`R` independent replicates. The book compares an average with its exact
    value within 4 standard errors.

    Parameters
    ----------
    x : array_like
        Observations (numbers or booleans), finite, at least 2 along ``axis``.
    axis : int or None, optional
        Axis of the replicates (default 0); ``None`` uses every entry.

    Returns
    -------
    mean, se : numpy.float64 or numpy.ndarray
        ``x.mean(axis)`` and ``x.std(axis, ddof=1) / sqrt(R)``, of the shape of ``x``
        without ``axis``.

    Raises
    ------
    TypeError
        If ``x`` is not numeric or ``axis`` is not an int or None.
    ValueError
        If ``x`` holds a non-finite value or fewer than 2 observations along ``axis``.

    Examples
    --------
    >>> import numpy as np
    >>> from collapse_lib.book import mean_se
    >>> m, se = mean_se(np.array([1.0, 2.0, 3.0, 4.0]))
    >>> print(f"{m:.2f} +/- {se:.4f}")
    2.50 +/- 0.6455

    Along the replicate axis of a run's values, one pair per round:

    >>> values = np.array([[1.0, 10.0], [3.0, 30.0]])
    >>> mean_se(values)
    (array([ 2., 20.]), array([ 1., 10.]))
    """
    x = np.asarray(x)
    if x.dtype == object or not (np.issubdtype(x.dtype, np.number) or x.dtype == bool):
        raise TypeError(f"x must be numeric, got an array of dtype {x.dtype}")
    if axis is not None and (isinstance(axis, bool) or not isinstance(axis, _numbers.Integral)):
        raise TypeError(f"axis must be an int or None, got {axis!r}")
    if axis is not None and not -x.ndim <= axis < x.ndim:
        raise ValueError(f"axis = {axis} is out of range for x of shape {x.shape}")
    count = x.size if axis is None else x.shape[axis]
    if count < 2:
        raise ValueError(
            f"x must hold at least 2 observations along axis={axis} for a standard error, "
            f"got {count} (shape {x.shape})"
        )
    if x.dtype != bool and not np.all(np.isfinite(x)):
        raise ValueError("x must be finite, got a non-finite value")
    return x.mean(axis=axis), x.std(axis=axis, ddof=1) / np.sqrt(count)


def read_published(notebook) -> dict[str, str]:
    """The numbers an executed notebook published: ``name -> text``, in publishing order.

    Reads the glued outputs that :func:`publish` leaves in the code cells (the data of
    MIME type ``text/plain`` under myst-nb's glue prefix), so that a program can put
    the numbers of an executed chapter into its text without a kernel (see
    :func:`fill_published`). A notebook executed by nbclient or nbconvert keeps these
    outputs. The book build moves them out of the notebooks it writes: after
    ``make book`` the numbers of chapter ``NAME`` are in
    ``_build/jupyter_execute/chapters/NAME.glue.json``, which this function reads too.

    Parameters
    ----------
    notebook : str, pathlib.Path or mapping
        Path of an executed ``.ipynb`` or of a book build's ``.glue.json``, or the
        notebook itself (an ``nbformat`` notebook or its JSON as a dict).

    Returns
    -------
    dict of str to str
        The text of every published number by name (a name published twice keeps the
        later text).

    Raises
    ------
    TypeError
        If ``notebook`` is neither a path nor a notebook.

    Examples
    --------
    >>> from collapse_lib.book import read_published
    >>> cell = {
    ...     "cell_type": "code",
    ...     "outputs": [{
    ...         "output_type": "display_data",
    ...         "data": {"application/papermill.record/text/plain": "0.667"},
    ...         "metadata": {"scrapbook": {
    ...             "name": "ratio", "mime_prefix": "application/papermill.record/"}},
    ...     }],
    ... }
    >>> read_published({"cells": [cell]})
    {'ratio': '0.667'}
    """
    if isinstance(notebook, (str, Path)):
        path = Path(notebook)
        if path.name.endswith(".glue.json"):
            glued = json.loads(path.read_text(encoding="utf-8"))
            return {name: out["data"]["text/plain"] for name, out in glued.items()}
        import nbformat

        notebook = nbformat.read(path, as_version=4)
    if not isinstance(notebook, Mapping) or "cells" not in notebook:
        raise TypeError(f"notebook must be a path or a notebook, got {notebook!r:.80}")
    published = {}
    for cell in notebook["cells"]:
        if cell.get("cell_type") != "code":
            continue
        for output in cell.get("outputs", []):
            record = output.get("metadata", {}).get("scrapbook")
            if not record:
                continue
            prefix = record.get("mime_prefix", "")
            text = output.get("data", {}).get(prefix + "text/plain")
            if text is not None:
                published[record["name"]] = text
    return published


def fill_published(text: str, published: Mapping) -> str:
    """``text`` with every ``{eval}`name``` role replaced by the published text of ``name``.

    Parameters
    ----------
    text : str
        MyST Markdown (a cell, a page, a figure caption).
    published : mapping of str to str
        ``name -> text``, as returned by :func:`read_published`.

    Returns
    -------
    str
        The text with the numbers written in.

    Raises
    ------
    KeyError
        If a role names a number that ``published`` does not hold (the message
        names it).

    Examples
    --------
    >>> from collapse_lib.book import fill_published
    >>> fill_published("a ratio of {eval}`ratio` over {eval}`R` runs",
    ...                {"ratio": "0.667", "R": "20,000"})
    'a ratio of 0.667 over 20,000 runs'
    """
    missing = [name for name in EVAL_ROLE.findall(text) if name not in published]
    if missing:
        raise KeyError(f"no published number for {missing!r}")
    return EVAL_ROLE.sub(lambda m: str(published[m.group(1)]), text)
