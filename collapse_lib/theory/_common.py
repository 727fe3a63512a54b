"""Argument handling and shared docstring text of the theory modules (private).

Every public theory function validates its arguments here or in
:mod:`collapse_lib._validate`, so a bad value raises a ``TypeError`` or ``ValueError``
whose message names the argument and repeats the value, and a request that would
allocate more than :data:`_MAX_ELEMENTS` array elements is refused first. Parameter
descriptions used by many functions are written once, in :data:`_PARAMETERS`.
"""

from __future__ import annotations

import re

import numpy as np

from .._validate import (
    _as_int_array,
    _as_real_array,
    _check_choice,
    _check_int,
    _check_probs,
    _check_real,
)
from ..schedules import _resolve

_DDOF = {"mle": 0, "unbiased": 1}
_SCHEMES = ("replace", "accumulate")

#: Parameter descriptions shared by many theory functions, written once and filled into
#: their docstrings by :func:`_doc` wherever a line reads ``%(name)s``.
_PARAMETERS = {
    "sizes": r"""sizes : int, sequence of int, callable or Schedule
    Sample sizes :math:`n_1, \dots, n_G`, every :math:`n_t \ge 1`, as in ``simulate``.
generations : int, optional
    Number of rounds :math:`G`; required when ``sizes`` is an int, a callable or a
    Schedule.""",
    "sizes_2": r"""sizes : int, sequence of int, callable or Schedule
    Sample sizes :math:`n_1, \dots, n_G`, every :math:`n_t \ge 2`, as in ``simulate``.
generations : int, optional
    Number of rounds :math:`G`; required when ``sizes`` is an int, a callable or a
    Schedule.""",
    "sizes_d": r"""sizes : int, sequence of int, callable or Schedule
    Sample sizes :math:`n_1, \dots, n_G`, every :math:`n_t \ge d + 1`, as in ``simulate``.
generations : int, optional
    Number of rounds :math:`G`; required when ``sizes`` is an int, a callable or a
    Schedule.""",
    "n_2": r"""n : int or array of int
    Sample size of a round, :math:`n \ge 2` (an array gives one value per entry).""",
    "n_law": r"""n : int
    Sample size of every round (constant), :math:`n \ge 2`.""",
    "draws": r"""n : int
    Draws per round (constant), :math:`n \ge 1`.""",
    "fresh_required": r"""fresh : float
    Fresh fraction :math:`\varepsilon \in [0, 1]` of draws from the truth.""",
    "gaussian": "%(sizes_2)s\n%(estimator)s\n%(sigma2)s",
    "law": "%(n_law)s\n%(estimator)s\n%(sigma2)s",
    "n_estimator": "%(n_2)s\n%(estimator)s",
    "estimator": r"""estimator : {"mle", "unbiased"}
    Variance estimator: the sum of squared deviations divided by :math:`n` (MLE) or
    by :math:`n - 1` (unbiased).""",
    "base_estimator": r"""estimator : {"mle", "unbiased"}
    Variance estimator (the base estimator when ``shrink`` is given): the sum of
    squared deviations divided by :math:`n` (MLE) or by :math:`n - 1` (unbiased).""",
    "shrink": r"""shrink : tuple (c, beta), optional
    The shrunken estimator of ``Gaussian(shrink=(c, beta))``: the fit times
    :math:`1 - c\,n^{-\beta}`, with :math:`0 < c < 1` and :math:`\beta > 0`.""",
    "sigma2": r"""sigma2 : float, optional
    True variance :math:`\sigma^2 > 0` (default 1, as in ``Gaussian``).""",
    "scheme": r"""scheme : {"replace", "accumulate"}, optional
    Data scheme (default ``"replace"``).""",
    "fresh": r"""fresh : float, optional
    Fresh fraction :math:`\varepsilon \in [0, 1]` of draws from the truth (default 0).""",
    "t": r"""t : int or array of int
    Round(s) :math:`t \ge 0`.""",
    "spike": r"""theta : float, optional
    The truth :math:`\theta^*` in :math:`[0, 1]` (default as in ``SpikeUniform``).
weight, omega0, rate : float, optional
    Family constants :math:`\alpha, \omega_0, b` (defaults as in ``SpikeUniform``).""",
}


def _doc_text(name: str) -> str:
    """The shared text ``name``, with the tokens it contains filled in."""
    return re.sub(r"%\((\w+)\)s", lambda m: _doc_text(m.group(1)), _PARAMETERS[name])


def _doc(func):
    """Fill the shared parameter descriptions (lines ``%(name)s``) into a docstring."""
    if func.__doc__:
        lines = []
        for line in func.__doc__.split("\n"):
            token = re.fullmatch(r"(\s*)%\((\w+)\)s", line)
            if token is None:
                lines.append(line)
            else:
                indent, name = token.groups()
                text = _doc_text(name)
                lines.extend(indent + piece for piece in text.split("\n"))
        func.__doc__ = "\n".join(lines)
    return func


def _ddof(estimator) -> int:
    """0 for ``"mle"``, 1 for ``"unbiased"``; raise naming ``estimator`` otherwise."""
    return _DDOF[_check_choice("estimator", estimator, _DDOF)]


def _scheme(scheme) -> str:
    """``"replace"`` or ``"accumulate"``; raise naming ``scheme`` otherwise."""
    return _check_choice("scheme", scheme, _SCHEMES)


def _fresh(fresh) -> float:
    """The fresh fraction as a float in [0, 1]; raise naming ``fresh`` otherwise."""
    return _check_real("fresh", fresh, low=0.0, high=1.0)


def _positive(name, value) -> float:
    """A finite float > 0 (a variance or a rate); raise naming ``name`` otherwise."""
    return _check_real(name, value, low=0.0, low_open=True)


def _probs(value) -> np.ndarray:
    """``probs`` as a probability vector (1-D, non-negative, summing to 1), or raise."""
    arr = _as_real_array("probs", value)
    if arr.ndim != 1:
        raise ValueError(f"probs must be one-dimensional, got {value!r}")
    return _check_probs("probs", arr)


def _real_array(name, value, *, low=None, high=None, low_open=False):
    """Finite float array with bounds, or raise naming ``name`` and the value."""
    arr = _as_real_array(name, value)
    if low is not None and np.any(arr <= low if low_open else arr < low):
        raise ValueError(f"{name} must be {'>' if low_open else '>='} {low}, got {value!r}")
    if high is not None and np.any(arr > high):
        raise ValueError(f"{name} must be <= {high}, got {value!r}")
    return arr


def _sizes_array(name, value, minimum):
    """Integer sample size(s) >= ``minimum`` as a float array, or raise naming ``name``."""
    return _as_int_array(name, value, minimum=minimum).astype(float)


def _rounds(t, minimum=0):
    """Round index (or indices) ``t`` as an int64 array, or raise naming ``t``."""
    return _as_int_array("t", t, minimum=minimum)


def _out(arr):
    """Python float for 0-d results, the array otherwise."""
    return float(arr) if np.ndim(arr) == 0 else arr


def _schedule(sizes, generations, minimum=1) -> np.ndarray:
    """Resolve ``sizes`` into float sizes n_1..n_G, each >= ``minimum``.

    ``sizes`` is an int (with ``generations``), a sequence of length G, a callable
    ``t -> n_t`` or a :class:`collapse_lib.schedules.Schedule` (with ``generations``).
    """
    if generations is not None:
        generations = _check_int("generations", generations, minimum=0)
    n = _resolve(sizes, generations)
    if n.size and n.min() < minimum:
        raise ValueError(f"sizes must all be >= {minimum} here, got {sizes!r}")
    return n.astype(float)


def _by_generation(steps: np.ndarray, start: float = 0.0) -> np.ndarray:
    """Cumulative sum of per-round terms, with ``start`` as generation 0."""
    return start + np.concatenate(([0.0], np.cumsum(steps)))


#: Largest number of float64 elements (2 GB) a theory function allocates at once;
#: larger requests are refused before any allocation.
_MAX_ELEMENTS = 250_000_000


def _check_elements(elements, what: str) -> None:
    """Refuse a computation that would allocate more than ``_MAX_ELEMENTS`` elements.

    ``what`` names the argument(s) and value(s) responsible, e.g. ``"n=100000"``.
    """
    if elements > _MAX_ELEMENTS:
        raise ValueError(
            f"{what} needs about {float(elements):.3g} array elements "
            f"({8.0 * elements / 1e9:.3g} GB), more than the limit of {_MAX_ELEMENTS:.3g}"
        )
