r"""Sample-size schedules :math:`t \mapsto n_t`.

Round :math:`t = 1, 2, \dots` of recursive training draws :math:`n_t` new samples. A
schedule is a small callable object: ``schedule(t)`` returns :math:`n_t` for an integer
``t >= 1`` (a Python ``int``) or for an integer array (an ``int64`` array of the same
shape). Every value is an integer :math:`\ge 1` and every family below is
non-decreasing in :math:`t`.

Whether the total step size :math:`S_\infty = \sum_t 1/n_t` is finite decides whether the
random walk of the estimate stays bounded (Cheng, He and Xu, *A probabilistic perspective
on model collapse*, 2025). For the families of this module the answer follows from the
form of the schedule, and :func:`converges` returns it exactly, also for the bias
criterion :math:`\sum_t n_t^{-\beta} < \infty`. The families, and when that series is finite:

* ``constant(n)``: :math:`n_t = n`; diverges for every :math:`\beta`;
* ``linear(n0, slope)``: :math:`n_t = n_0 + s\,(t-1)`; finite iff :math:`s > 0` and
  :math:`\beta > 1`;
* ``power(n0, p)``: :math:`n_t = \lceil n_0 t^p \rceil`; finite iff :math:`p\beta > 1`;
* ``tlog2(n0)``: :math:`n_t = \lceil n_0\, t \log_2^2(t+1) \rceil`; finite iff
  :math:`\beta \ge 1`;
* ``geometric(n0, r)``: :math:`n_t = \lceil n_0 r^{t-1} \rceil`; finite iff :math:`r > 1`.
"""

from __future__ import annotations

import numbers

import numpy as np

from ._validate import _as_int_array, _check_int, _check_real

__all__ = [
    "Schedule",
    "constant",
    "converges",
    "geometric",
    "linear",
    "power",
    "sizes",
    "sum_inverse",
    "sum_power",
    "tlog2",
]

#: Largest sample size a schedule may return (keeps every value exact in int64 and float64).
_MAX_SIZE = 2**53


def _ceil(x: np.ndarray) -> np.ndarray:
    """Round up; a value within a few ulps of an integer (floating-point powers) is that integer."""
    near = np.round(x)
    return np.where(np.abs(x - near) <= 8.0 * np.finfo(float).eps * x, near, np.ceil(x))


class Schedule:
    """Base class of the sample-size schedules of this module.

    Subclasses store their validated parameters in ``self.params`` (a dict, in the
    order of the factory's arguments) and implement ``_real(t)``, the real-valued
    size before rounding up, and ``_sum_power_finite(beta)``. Instances compare equal
    when they have the same type and parameters.
    """

    params: dict

    def __call__(self, t):
        scalar = isinstance(t, numbers.Integral) and not isinstance(t, (bool, np.bool_))
        tt = _as_int_array("t", t, minimum=1)
        with np.errstate(over="ignore"):
            real = self._real(tt.astype(float))
        if not np.all(real <= _MAX_SIZE):
            bad = tt[~(real <= _MAX_SIZE)].min()
            raise ValueError(
                f"t={bad} gives a sample size above {_MAX_SIZE} for {self!r}; use fewer generations"
            )
        out = np.maximum(_ceil(real), 1.0).astype(np.int64)
        return int(out) if scalar else out

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.params.items())
        return f"{type(self).__name__.lstrip('_').lower()}({args})"

    def __eq__(self, other) -> bool:
        return type(self) is type(other) and self.params == other.params

    def __hash__(self) -> int:
        return hash((type(self).__name__, tuple(self.params.items())))


class _Constant(Schedule):
    def __init__(self, n):
        self.params = {"n": _check_int("n", n, minimum=1)}

    def _real(self, t):
        return np.full_like(t, float(self.params["n"]))

    def _sum_power_finite(self, beta):
        return False


class _Linear(Schedule):
    def __init__(self, n0, slope):
        n0 = _check_int("n0", n0, minimum=1)
        slope = n0 if slope is None else _check_int("slope", slope, minimum=0)
        self.params = {"n0": n0, "slope": slope}

    def _real(self, t):
        return self.params["n0"] + self.params["slope"] * (t - 1.0)

    def _sum_power_finite(self, beta):
        return self.params["slope"] > 0 and beta > 1


class _Power(Schedule):
    def __init__(self, n0, p):
        self.params = {
            "n0": _check_real("n0", n0, low=0.0, low_open=True),
            "p": _check_real("p", p, low=0.0),
        }

    def _real(self, t):
        return self.params["n0"] * t ** self.params["p"]

    def _sum_power_finite(self, beta):
        return self.params["p"] * beta > 1


class _Tlog2(Schedule):
    def __init__(self, n0):
        self.params = {"n0": _check_real("n0", n0, low=0.0, low_open=True)}

    def _real(self, t):
        return self.params["n0"] * t * np.log2(t + 1.0) ** 2

    def _sum_power_finite(self, beta):
        # sum_t (t log^2 t)^(-beta): finite for beta = 1 (integral test), and beyond.
        return beta >= 1


class _Geometric(Schedule):
    def __init__(self, n0, r):
        self.params = {
            "n0": _check_real("n0", n0, low=0.0, low_open=True),
            "r": _check_real("r", r, low=1.0),
        }

    def _real(self, t):
        return self.params["n0"] * self.params["r"] ** (t - 1.0)

    def _sum_power_finite(self, beta):
        return self.params["r"] > 1


def constant(n) -> Schedule:
    r"""Constant schedule :math:`n_t = n`.

    Parameters
    ----------
    n : int
        Sample size of every round, ``n >= 1``.

    Returns
    -------
    Schedule
        ``repr`` is ``constant(n=...)``. :math:`\sum_t n^{-\beta}` diverges for every
        :math:`\beta > 0`.
    """
    return _Constant(n)


def linear(n0, slope=None) -> Schedule:
    r"""Linear schedule :math:`n_t = n_0 + s\,(t - 1)`.

    Parameters
    ----------
    n0 : int
        First sample size :math:`n_1 = n_0 \ge 1`.
    slope : int, optional
        Increment per round :math:`s \ge 0`. The default :math:`s = n_0` gives
        :math:`n_t = n_0 t`.

    Returns
    -------
    Schedule
        ``repr`` is ``linear(n0=..., slope=...)``. :math:`\sum_t 1/n_t` diverges (harmonic
        series); :math:`\sum_t n_t^{-\beta}` is finite iff :math:`s > 0` and :math:`\beta > 1`.
    """
    return _Linear(n0, slope)


def power(n0, p) -> Schedule:
    r"""Power schedule :math:`n_t = \lceil n_0\, t^{p} \rceil`.

    Parameters
    ----------
    n0 : float
        Scale, :math:`n_0 > 0`; :math:`n_1 = \lceil n_0 \rceil`.
    p : float
        Exponent, :math:`p \ge 0`. Superlinear growth :math:`p = 1 + s`, :math:`s > 0`, is
        what an unbiased estimator needs to avoid collapse (Cheng, He and Xu, 2025).

    Returns
    -------
    Schedule
        ``repr`` is ``power(n0=..., p=...)``. Since :math:`n_0 t^p \le n_t \le n_0 t^p + 1`,
        :math:`\sum_t n_t^{-\beta}` is finite iff :math:`p\beta > 1` (p-series).
    """
    return _Power(n0, p)


def tlog2(n0) -> Schedule:
    r"""Barely superlinear schedule :math:`n_t = \lceil n_0\, t\, \log_2^2(t + 1) \rceil`.

    The base-2 logarithm makes :math:`n_1 = \lceil n_0 \rceil`; the sequence is strictly
    increasing for :math:`n_0 \ge 1`.

    Parameters
    ----------
    n0 : float
        Scale, :math:`n_0 > 0`.

    Returns
    -------
    Schedule
        ``repr`` is ``tlog2(n0=...)``. By the integral test
        (:math:`\int^\infty dx / (x \ln^2 x) < \infty`), :math:`\sum_t 1/n_t` is finite
        although :math:`n_t` grows slower than every :math:`t^{1+s}`;
        :math:`\sum_t n_t^{-\beta}` is finite iff :math:`\beta \ge 1`.
    """
    return _Tlog2(n0)


def geometric(n0, r) -> Schedule:
    r"""Geometric schedule :math:`n_t = \lceil n_0\, r^{t-1} \rceil`.

    Parameters
    ----------
    n0 : float
        First size, :math:`n_0 > 0`.
    r : float
        Ratio, :math:`r \ge 1` (``r = 1`` is a constant schedule).

    Returns
    -------
    Schedule
        ``repr`` is ``geometric(n0=..., r=...)``. :math:`\sum_t n_t^{-\beta}` is finite iff
        :math:`r > 1`. Calling it at a ``t`` whose size exceeds :math:`2^{53}` raises
        ``ValueError``.
    """
    return _Geometric(n0, r)


def sizes(schedule, generations) -> np.ndarray:
    r"""Resolve a sample-size specification into the array :math:`(n_1, \dots, n_G)`.

    Parameters
    ----------
    schedule : int, sequence of int or callable
        An integer (constant size), a sequence of exactly ``generations`` integers, or a
        callable ``t -> n_t`` such as a :class:`Schedule`. This is the ``sizes``
        argument accepted by :func:`collapse_lib.simulate`.
    generations : int
        Number of rounds :math:`G \ge 0`.

    Returns
    -------
    numpy.ndarray
        ``int64`` array of length ``generations``; every entry is :math:`\ge 1`.

    Raises
    ------
    TypeError
        If ``schedule`` is not an integer, a sequence of integers or a callable, or a
        callable returns non-integers.
    ValueError
        If a size is below 1 or a sequence has the wrong length.
    """
    generations = _check_int("generations", generations, minimum=0)
    if callable(schedule):
        t = np.arange(1, generations + 1, dtype=np.int64)
        if isinstance(schedule, Schedule):
            out = schedule(t)
        else:
            out = np.array([schedule(int(k)) for k in t])
            if out.size == 0:
                out = out.astype(np.int64)
        return _as_int_array(f"sizes returned by {schedule!r}", out, minimum=1).reshape(generations)
    if isinstance(schedule, numbers.Integral) and not isinstance(schedule, (bool, np.bool_)):
        return np.full(generations, _check_int("sizes", schedule, minimum=1), dtype=np.int64)
    arr = _as_int_array("sizes", schedule, minimum=1)
    if arr.ndim != 1 or arr.size != generations:
        raise ValueError(f"sizes must have length generations={generations}, got shape {arr.shape}")
    return arr


def _resolve(schedule_or_sizes, generations) -> np.ndarray:
    """Sizes array from a schedule or int (``generations`` needed) or a 1-D sequence."""
    if generations is None:
        if callable(schedule_or_sizes) or isinstance(schedule_or_sizes, numbers.Integral):
            raise ValueError(f"generations is required with sizes={schedule_or_sizes!r}, got None")
        arr = _as_int_array("sizes", schedule_or_sizes, minimum=1)
        if arr.ndim != 1:
            raise ValueError(f"sizes must be one-dimensional, got shape {arr.shape}")
        return arr
    return sizes(schedule_or_sizes, generations)


def sum_power(schedule_or_sizes, beta, generations=None) -> float:
    r"""Partial sum :math:`\sum_{t=1}^{G} n_t^{-\beta}`.

    With :math:`\beta = 1` this is the variance scale :math:`S_G = \sum_t 1/n_t` of the
    random walk of the estimate. For an estimator whose bias is of order
    :math:`n^{-\beta}` it is, up to a constant, the accumulated bias after :math:`G`
    rounds — a heuristic criterion (Cheng, He and Xu, 2025): the drift stays finite only
    if the series converges.

    Parameters
    ----------
    schedule_or_sizes : int, sequence of int or callable
        As in :func:`sizes`; a 1-D sequence may be given without ``generations``.
    beta : float
        Exponent :math:`\beta > 0`.
    generations : int, optional
        Number of rounds :math:`G`; required for an int or a callable.

    Returns
    -------
    float
    """
    beta = _check_real("beta", beta, low=0.0, low_open=True)
    n = _resolve(schedule_or_sizes, generations).astype(float)
    return float(np.sum(n ** (-beta)))


def sum_inverse(schedule_or_sizes, generations=None) -> float:
    r"""Partial sum :math:`S_G = \sum_{t=1}^{G} 1/n_t` (see :func:`sum_power`, :math:`\beta=1`)."""
    return sum_power(schedule_or_sizes, 1.0, generations)


def converges(schedule, beta=1.0) -> bool:
    r"""Whether :math:`\sum_{t\ge1} n_t^{-\beta}` is finite, decided from the schedule's form.

    With the default :math:`\beta = 1` this says whether the random walk of a
    mean estimated from :math:`n_t` samples has bounded variance
    :math:`\sigma^2 \sum_t 1/n_t`: constant and linear schedules collapse, ``power`` with
    :math:`p > 1`, ``tlog2`` and ``geometric`` with :math:`r > 1` do not (Cheng, He and
    Xu, 2025). The answer is exact for every family of this module (see the table in the
    module docstring).

    Parameters
    ----------
    schedule : Schedule
        A schedule made by this module; a plain callable or a finite sequence says
        nothing about the infinite series and raises ``TypeError``.
    beta : float, optional
        Exponent :math:`\beta > 0` (default 1).

    Returns
    -------
    bool
    """
    beta = _check_real("beta", beta, low=0.0, low_open=True)
    if not isinstance(schedule, Schedule):
        raise TypeError(
            "schedule must be a Schedule from collapse_lib.schedules (constant, linear, "
            f"power, tlog2, geometric), got {schedule!r}"
        )
    return bool(schedule._sum_power_finite(beta))
