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
* ``tlog(n0)``: :math:`n_t = \lceil n_0\, t \ln(t+1) \rceil`; finite iff :math:`\beta > 1`
  (superlinear, yet :math:`\sum_t 1/n_t = \infty`);
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
    "power_floor",
    "power_total",
    "sizes",
    "sum_inverse",
    "sum_power",
    "total",
    "tlog",
    "tlog2",
]

#: Largest sample size a schedule may return (keeps every value exact in int64 and float64).
_MAX_SIZE = 2**53


def _ceil(x: np.ndarray) -> np.ndarray:
    """Round up; a value within a few ulps of an integer (floating-point powers) is that integer."""
    near = np.round(x)
    return np.where(np.abs(x - near) <= 8.0 * np.finfo(float).eps * x, near, np.ceil(x))


# n_t before rounding up, as a function of the round t (a float array) and the parameters
def _real_constant(t, n):
    return np.full_like(t, float(n))


def _real_linear(t, n0, slope):
    return n0 + slope * (t - 1.0)


def _real_power(t, n0, p):
    return n0 * t**p


def _real_tlog(t, n0):
    return n0 * t * np.log1p(t)


def _real_tlog2(t, n0):
    return n0 * t * np.log2(t + 1.0) ** 2


def _real_geometric(t, n0, r):
    return n0 * r ** (t - 1.0)


#: kind -> (n_t before rounding up, whether sum_t n_t^(-beta) is finite), see the table of
#: the module docstring; by the integral test sum_t (t log t)^(-1) diverges and
#: sum_t (t log^2 t)^(-1) is finite.
_KINDS = {
    "constant": (_real_constant, lambda beta, n: False),
    "linear": (_real_linear, lambda beta, n0, slope: slope > 0 and beta > 1),
    "power": (_real_power, lambda beta, n0, p: p * beta > 1),
    "tlog": (_real_tlog, lambda beta, n0: beta > 1),
    "tlog2": (_real_tlog2, lambda beta, n0: beta >= 1),
    "geometric": (_real_geometric, lambda beta, n0, r: r > 1),
}


class Schedule:
    r"""A sample-size schedule :math:`t \mapsto n_t` of this module.

    Made by the factories :func:`constant`, :func:`linear`, :func:`power`,
    :func:`tlog`, :func:`tlog2` and :func:`geometric`, which validate the parameters.
    Calling a schedule at a round ``t >= 1`` (an int, or an int array) returns
    :math:`n_t` (an int, or an ``int64`` array of the same shape). ``kind`` is the
    factory's name and ``params`` its arguments (a dict, in the factory's order);
    schedules compare equal when both are.

    Examples
    --------
    >>> from collapse_lib import schedules
    >>> s = schedules.power(10, 1.5)
    >>> s(4), s([1, 2, 3]).tolist()
    (80, [10, 29, 52])
    >>> s == schedules.power(10.0, 1.5), s.kind, s.params
    (True, 'power', {'n0': 10.0, 'p': 1.5})
    """

    def __init__(self, kind: str, **params):
        self.kind = kind
        self.params = params

    def __call__(self, t):
        r"""The sample size :math:`n_t` of round(s) ``t``.

        Parameters
        ----------
        t : int or array_like of int
            Round(s), each :math:`\ge 1`.

        Returns
        -------
        int or numpy.ndarray
            :math:`n_t \ge 1`: an int for an int ``t``, else an ``int64`` array of the
            shape of ``t``.

        Examples
        --------
        >>> from collapse_lib import schedules
        >>> schedules.linear(5)(3)
        15
        """
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

    def _real(self, t):
        return _KINDS[self.kind][0](t, **self.params)

    def _sum_power_finite(self, beta) -> bool:
        return bool(_KINDS[self.kind][1](beta, **self.params))

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.params.items())
        return f"{self.kind}({args})"

    def __eq__(self, other) -> bool:
        return isinstance(other, Schedule) and (self.kind, self.params) == (
            other.kind,
            other.params,
        )

    def __hash__(self) -> int:
        return hash((self.kind, tuple(self.params.items())))


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

    Examples
    --------
    >>> from collapse_lib import schedules
    >>> schedules.constant(20)([1, 2, 3]).tolist()
    [20, 20, 20]
    """
    return Schedule("constant", n=_check_int("n", n, minimum=1))


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

    Examples
    --------
    >>> from collapse_lib import schedules
    >>> schedules.linear(10)([1, 2, 3]).tolist(), schedules.linear(10, 5)([1, 2, 3]).tolist()
    ([10, 20, 30], [10, 15, 20])
    """
    n0 = _check_int("n0", n0, minimum=1)
    slope = n0 if slope is None else _check_int("slope", slope, minimum=0)
    return Schedule("linear", n0=n0, slope=slope)


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

    Examples
    --------
    >>> from collapse_lib import schedules
    >>> schedules.power(2, 2)([1, 2, 3]).tolist()
    [2, 8, 18]
    """
    return Schedule(
        "power",
        n0=_check_real("n0", n0, low=0.0, low_open=True),
        p=_check_real("p", p, low=0.0),
    )


def tlog(n0) -> Schedule:
    r"""Superlinear schedule :math:`n_t = \lceil n_0\, t \ln(t + 1) \rceil`, divergent step sum.

    It grows faster than every linear schedule (:math:`n_t / t \to \infty`), yet
    :math:`\sum_t 1/n_t = \infty`: superlinear growth is not sufficient to avoid collapse.
    The shift :math:`t + 1` keeps :math:`n_1 = \lceil n_0 \ln 2 \rceil \ge 1`; it does not
    change the asymptotics of :math:`n_0\, t \ln t`.

    Parameters
    ----------
    n0 : float
        The scale :math:`n_0 > 0`; take :math:`n_0 \ge 3` for :math:`n_t \ge 2`.

    Returns
    -------
    Schedule
        Its ``repr`` is ``tlog(n0=...)``. By the integral test, :math:`S_T = \sum_{t \le T}
        1/n_t = \ln\ln T / n_0 + O(1)`; :math:`\sum_t n_t^{-\beta}` is finite iff
        :math:`\beta > 1`.

    Examples
    --------
    >>> from collapse_lib import schedules
    >>> schedules.tlog(10)([1, 2, 3, 10]).tolist()
    [7, 22, 42, 240]
    >>> schedules.converges(schedules.tlog(10))
    False
    """
    return Schedule("tlog", n0=_check_real("n0", n0, low=0.0, low_open=True))


def tlog2(n0) -> Schedule:
    r"""Schedule :math:`n_t = \lceil n_0\, t \log_2^2(t + 1) \rceil`: below every power, summable.

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

    Examples
    --------
    >>> from collapse_lib import schedules
    >>> schedules.tlog2(1)([1, 2, 3]).tolist()
    [1, 6, 12]
    """
    return Schedule("tlog2", n0=_check_real("n0", n0, low=0.0, low_open=True))


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

    Examples
    --------
    >>> from collapse_lib import schedules
    >>> schedules.geometric(10, 1.5)([1, 2, 3, 4]).tolist()
    [10, 15, 23, 34]
    """
    return Schedule(
        "geometric",
        n0=_check_real("n0", n0, low=0.0, low_open=True),
        r=_check_real("r", r, low=1.0),
    )


def sizes(sizes, generations) -> np.ndarray:
    r"""Resolve a sample-size schedule into the array :math:`(n_1, \dots, n_G)`.

    Parameters
    ----------
    sizes : int, sequence of int or callable
        An integer (constant size), a sequence of exactly ``generations`` integers, or a
        callable ``t -> n_t`` such as a :class:`Schedule`: the ``sizes`` argument of
        :func:`collapse_lib.simulate`.
    generations : int
        Number of rounds :math:`G \ge 0`.

    Returns
    -------
    numpy.ndarray
        ``int64`` array of length ``generations``; every entry is :math:`\ge 1`.

    Raises
    ------
    TypeError
        If ``sizes`` is not an integer, a sequence of integers or a callable, or a
        callable returns non-integers.
    ValueError
        If a size is below 1 or a sequence has the wrong length.

    Examples
    --------
    >>> from collapse_lib import schedules
    >>> schedules.sizes(5, 3).tolist(), schedules.sizes(lambda t: 2 * t, 3).tolist()
    ([5, 5, 5], [2, 4, 6])
    """
    generations = _check_int("generations", generations, minimum=0)
    if callable(sizes):
        t = np.arange(1, generations + 1, dtype=np.int64)
        if isinstance(sizes, Schedule):
            out = sizes(t)
        else:
            out = np.array([sizes(int(k)) for k in t])
            if out.size == 0:
                out = out.astype(np.int64)
        return _as_int_array(f"sizes returned by {sizes!r}", out, minimum=1).reshape(generations)
    if isinstance(sizes, numbers.Integral) and not isinstance(sizes, (bool, np.bool_)):
        return np.full(generations, _check_int("sizes", sizes, minimum=1), dtype=np.int64)
    arr = _as_int_array("sizes", sizes, minimum=1)
    if arr.ndim != 1 or arr.size != generations:
        raise ValueError(f"sizes must have length generations={generations}, got shape {arr.shape}")
    return arr


def _resolve(spec, generations) -> np.ndarray:
    """Sizes array from a schedule or int (``generations`` needed) or a 1-D sequence."""
    if generations is None:
        if callable(spec) or isinstance(spec, numbers.Integral):
            raise ValueError(f"generations is required with sizes={spec!r}, got None")
        arr = _as_int_array("sizes", spec, minimum=1)
        if arr.ndim != 1:
            raise ValueError(f"sizes must be one-dimensional, got shape {arr.shape}")
        return arr
    return sizes(spec, generations)


def sum_power(sizes, beta, generations=None) -> float:
    r"""Partial sum :math:`\sum_{t=1}^{G} n_t^{-\beta}`.

    With :math:`\beta = 1` this is the variance scale :math:`S_G = \sum_t 1/n_t` of the
    random walk of the estimate. For an estimator whose bias is of order
    :math:`n^{-\beta}` it is, up to a constant, the accumulated bias after :math:`G`
    rounds — a heuristic criterion (Cheng, He and Xu, 2025): the drift stays finite only
    if the series converges.

    Parameters
    ----------
    sizes : int, sequence of int or callable
        The schedule, as in :func:`collapse_lib.schedules.sizes`; a 1-D sequence may be
        given without ``generations``.
    beta : float
        Exponent :math:`\beta > 0`.
    generations : int, optional
        Number of rounds :math:`G`; required for an int or a callable.

    Returns
    -------
    float
        :math:`\sum_{t \le G} n_t^{-\beta}`.

    Examples
    --------
    >>> from collapse_lib import schedules
    >>> schedules.sum_power([1, 4, 16], 0.5)
    1.75
    """
    beta = _check_real("beta", beta, low=0.0, low_open=True)
    n = _resolve(sizes, generations).astype(float)
    return float(np.sum(n ** (-beta)))


def sum_inverse(sizes, generations=None) -> float:
    r"""Partial sum :math:`S_G = \sum_{t=1}^{G} 1/n_t`, the variance scale of the mean walk.

    The case :math:`\beta = 1` of :func:`sum_power`.

    Parameters
    ----------
    sizes : int, sequence of int or callable
        The schedule, as in :func:`collapse_lib.schedules.sizes`; a 1-D sequence may be
        given without ``generations``.
    generations : int, optional
        Number of rounds :math:`G`; required for an int or a callable.

    Returns
    -------
    float
        :math:`S_G`.

    Examples
    --------
    >>> from collapse_lib import schedules
    >>> schedules.sum_inverse(10, generations=5)
    0.5
    >>> round(schedules.sum_inverse(schedules.power(1, 2), generations=10_000), 4)  # -> pi^2/6
    1.6448
    """
    return sum_power(sizes, 1.0, generations)


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
        True when the series is finite.

    Examples
    --------
    >>> from collapse_lib import schedules
    >>> schedules.converges(schedules.linear(10)), schedules.converges(schedules.tlog2(1))
    (False, True)
    >>> schedules.converges(schedules.linear(10), beta=2.0)
    True
    """
    beta = _check_real("beta", beta, low=0.0, low_open=True)
    if not isinstance(schedule, Schedule):
        raise TypeError(
            "schedule must be a Schedule from collapse_lib.schedules (constant, linear, "
            f"power, tlog, tlog2, geometric), got {schedule!r}"
        )
    return schedule._sum_power_finite(beta)


def total(sizes, generations=None) -> float:
    r"""Total data drawn in the first :math:`G` rounds, :math:`N_G = \sum_{t=1}^{G} n_t`.

    Parameters
    ----------
    sizes : int, sequence of int or callable
        The schedule, given as to :func:`sum_inverse`.
    generations : int, optional
        The number of rounds :math:`G`, needed unless ``sizes`` is a sequence.

    Returns
    -------
    float
        :math:`N_G`, exact while it stays below :math:`2^{53}`.

    See Also
    --------
    power_total : its closed-form approximation for power schedules.

    Examples
    --------
    >>> from collapse_lib import schedules
    >>> schedules.total(schedules.linear(10), generations=4)
    100.0
    """
    return float(np.sum(_resolve(sizes, generations).astype(float)))


def power_floor(n0, p, *, sigma2=1.0) -> float:
    r"""Error floor :math:`\sigma^2 \zeta(p) / n_0` of the power schedule, :math:`p > 1`.

    For :math:`n_t = \lceil n_0 t^p \rceil` the mean walk's variance
    :math:`\sigma^2 S_T = \sigma^2 \sum_{t \le T} 1/n_t` increases to
    :math:`\sigma^2 S_\infty \le \sigma^2 \zeta(p)/n_0`, with equality when every
    :math:`n_0 t^p` is an integer (Riemann's zeta function :math:`\zeta`). It is the
    mean-square error about the truth that the fitted mean of a Gaussian with known
    variance settles at; the real round alone contributes :math:`\sigma^2 / n_1`.

    Parameters
    ----------
    n0 : float
        Scale, :math:`n_0 > 0`.
    p : float
        Exponent, :math:`p > 1`.
    sigma2 : float, optional
        Per-draw variance :math:`\sigma^2 > 0` (default 1).

    Returns
    -------
    float
        :math:`\sigma^2 \zeta(p)/n_0`, an upper bound on :math:`\sigma^2 S_\infty`.

    See Also
    --------
    power_total : the data this schedule costs.

    Examples
    --------
    >>> from collapse_lib import schedules
    >>> round(schedules.power_floor(10, 2), 5)  # pi^2 / 60
    0.16449
    """
    from scipy import special

    n0 = _check_real("n0", n0, low=0.0, low_open=True)
    p = _check_real("p", p, low=1.0, low_open=True)
    sigma2 = _check_real("sigma2", sigma2, low=0.0, low_open=True)
    return sigma2 * float(special.zeta(p)) / n0


def power_total(n0, p, T) -> float:
    r"""Approximate total data :math:`n_0 T^{p+1}/(p+1)` of a power schedule over :math:`T` rounds.

    For :math:`n_t = \lceil n_0 t^p \rceil`, :math:`p \ge 0`, the exact total
    :math:`N_T = \sum_{t\le T} n_t` (:func:`total`) satisfies
    :math:`n_0 T^{p+1}/(p+1) \le N_T \le n_0 (T+1)^{p+1}/(p+1) + T`
    (compare the sum with :math:`\int t^p\,dt`), so the ratio tends to 1.

    Parameters
    ----------
    n0 : float
        Scale, :math:`n_0 > 0`.
    p : float
        Exponent, :math:`p \ge 0`.
    T : int
        Number of rounds, :math:`T \ge 1`.

    Returns
    -------
    float
        :math:`n_0 T^{p+1}/(p+1)`, a lower bound on :math:`N_T`.

    See Also
    --------
    total : the exact total.
    power_floor : the error this schedule settles at.

    Examples
    --------
    >>> from collapse_lib import schedules
    >>> schedules.power_total(10, 1.0, 100), schedules.total(schedules.linear(10), 100)
    (50000.0, 50500.0)
    """
    n0 = _check_real("n0", n0, low=0.0, low_open=True)
    p = _check_real("p", p, low=0.0)
    T = _check_int("T", T, minimum=1)
    return n0 * float(T) ** (p + 1.0) / (p + 1.0)
