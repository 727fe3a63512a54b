r"""The two collapse constructions of Barzilai and Shamir (2025), with exact MLEs.

Barzilai and Shamir (*When models don't collapse: on the consistency of iterative MLE*,
arXiv:2505.19046) prove that iterative MLE under the accumulate scheme stays close to the
truth for smooth families (their Theorem 4.1), and that without smoothness it can
collapse after one synthetic round (Theorem 5.1) or within :math:`O(\varphi(n))` rounds
for one fixed family (Theorem 5.2). Their constructions are described in words; the
densities below are **our reconstructions** from that description, and where the paper's
function :math:`f` could not be recovered we choose our own with the properties the proofs
use (stated and tested in ``tests/test_barzilai_shamir.py``). The truth is :math:`U[0, 1]`.

First construction (:class:`BarzilaiShamirSpike`)
-------------------------------------------------
Parameter :math:`\theta = (\alpha, \mu)`, :math:`\alpha \in [0, 1/4]`,
:math:`\mu \in [2, 3 - f(\alpha)]`,

.. math::

    p_\theta = \tfrac12 U[0, 1] + \tfrac{1-\alpha}{2} U[0, 1 - 2\alpha]
               + \tfrac{\alpha}{4} U[2, 3] + \tfrac{\alpha}{4} U[\mu, \mu + f(\alpha)],

    f(\alpha) = \tfrac{1}{39} \exp\bigl(-c\, n\, (\alpha - \tfrac{1}{10})_+\bigr),

with :math:`c` = ``rate`` (default 50; :math:`f = 1/39` for :math:`\alpha \le 1/10` is the
paper's, the exponential tail is ours). :math:`\alpha = 0` is the truth, and
:math:`\mathrm{TV}(p_\theta, U[0,1]) = \alpha`: the density is :math:`\tfrac12` instead of 1
on :math:`(1 - 2\alpha, 1]` (mass :math:`\alpha` missing), and the missing mass sits half
on :math:`[0, 1 - 2\alpha]` and half on :math:`[2, 3]`.

**Log-likelihood.** For data with :math:`N_{\le}(\alpha)` points in
:math:`[0, 1 - 2\alpha]`, :math:`N_{01} - N_{\le}(\alpha)` in :math:`(1 - 2\alpha, 1]`,
:math:`M` in :math:`[2, 3]` and :math:`k` of those in the spike,

.. math::

    \ell(\alpha, \mu) = N_{\le}(\alpha) A(\alpha) - (N_{01} - N_{\le}(\alpha)) \log 2
        + M \log\frac{\alpha}{4} + k \log\Bigl(1 + \frac{1}{f(\alpha)}\Bigr),
    \qquad A(\alpha) = \log\frac{2 - 3\alpha}{2 - 4\alpha} .

**Exact MLE.** For fixed :math:`\alpha` the best :math:`\mu` puts the spike on a window
of width :math:`f(\alpha)` holding the most points, :math:`k(\alpha)`. With :math:`s_j` the
smallest span of :math:`j` consecutive points of :math:`[2, 3]`, :math:`k(\alpha) \ge j`
iff :math:`f(\alpha) \ge s_j`, iff :math:`\alpha \le a_j` (:math:`f` is continuous and
non-increasing). :math:`N_{\le}(\alpha) \ge i` iff :math:`\alpha \le (1 - x_{(i)})/2`. So
:math:`[0, 1/4]` splits into intervals, closed on the right, on which :math:`N_{\le}` and
:math:`k` are constant; there :math:`A`, :math:`\log\alpha` and :math:`1/f` are
non-decreasing, so :math:`\ell` is maximal at a right end. The MLE is therefore found
exactly by comparing :math:`\ell` over the finite set
:math:`\{0, 1/4\} \cup \{(1 - x)/2 : x \in [1/2, 1]\} \cup \{a_j \le 1/4\}`. Ties (for
instance in :math:`\mu` when no point lies in :math:`[2, 3]`) go to the maximiser closest
to the previous fit, as in the paper.

**What Theorem 5.1 uses.** (i) On real data (all in :math:`[0, 1]`) the MLE has
:math:`\alpha_1 \ge (1 - x_{\max})/2`, and :math:`\alpha_1 = O(\log n / n)` with
probability at least :math:`1 - 1/n` (since :math:`P(1 - x_{\max} > 2\log n/n) \le n^{-2}`;
in simulations :math:`\alpha_1 \le 2\log n / n` in all but far fewer than a fraction
:math:`1/n` of the draws). (ii) If a data set of at most :math:`2n` points in
:math:`[0,1]` holds between 1 and :math:`n` points in :math:`[2, 3]`, its MLE has
:math:`\alpha > 1/10`: at :math:`\alpha = 1/4` the spike on one point gains
:math:`\log(1 + 1/f(1/4)) \ge 3c n/20 + \log 39`, while every :math:`\alpha \le 1/10` gains
at most :math:`2nA(1/10) < 0.13 n` on :math:`[0, 1]` and nothing on :math:`[2, 3]`
(:math:`M\log(\alpha/4) + k\log 40 \le 0`), and :math:`\alpha = 1/4` loses at most
:math:`2n\log 2 + M \log 16 \le 4.2 n`; so :math:`c \ge 30` suffices (the default is 50).

Second construction (:class:`BarzilaiShamirLadder`)
---------------------------------------------------
Ladders :math:`h_\alpha` on rungs :math:`[j, j + 1]` (the paper's sampling rule and
within-ladder MLE; the density formula is ours) and spikes
:math:`g_{\beta,J} = \tfrac12 U[0, J] + \tfrac12 U[J - \beta, J - \beta + f(J)]` with a
width :math:`f` of ours built from the speed :math:`\varphi`; the class docstring derives
the exact MLE and the property of :math:`f` that the simulation of Theorem 5.2 uses.
"""

from __future__ import annotations

import numpy as np

from ._families import Family
from ._observations import _ObservationFamily
from ._validate import _check_choice, _check_int, _check_real

#: Largest :math:`\alpha` of the first construction.
ALPHA_MAX = 0.25
#: Where :math:`f` starts to decrease (the paper's 1/10).
ALPHA_KNEE = 0.1
#: :math:`f(\alpha)` for :math:`\alpha \le 1/10` (the paper's 1/39).
SPIKE_WIDTH = 1.0 / 39.0


def _check_params(mapping, names) -> dict:
    """The recorded parameters ``names`` of ``mapping`` (a dict or a Run) as float arrays."""
    try:
        return {name: np.asarray(mapping[name], dtype=float) for name in names}
    except (KeyError, TypeError, IndexError):
        raise ValueError(
            f"theta must map the parameter names {names} to values (a dict or a Run), "
            f"got {mapping!r}"
        ) from None


class BarzilaiShamirSpike(_ObservationFamily):
    r"""First collapse construction of Barzilai and Shamir (Theorem 5.1), built for ``n``.

    Truth :math:`U[0, 1]`; parameter :math:`(\alpha, \mu)`,

    .. math:: p_{\alpha,\mu} = \tfrac12 U[0,1] + \tfrac{1-\alpha}{2} U[0, 1-2\alpha]
              + \tfrac{\alpha}{4} U[2,3] + \tfrac{\alpha}{4} U[\mu, \mu + f(\alpha)],

    :math:`f(\alpha) = \frac{1}{39} e^{-c n (\alpha - 1/10)_+}`. The density is our
    reconstruction of the paper's description and the tail of :math:`f` our choice (see
    the module ``collapse_lib._barzilai_shamir``). The MLE is computed exactly over a
    finite candidate set, ties going to the fit closest to the previous one. After the
    real round :math:`\alpha_1 \approx (1 - x_{\max})/2 = O(\log n / n)`; one synthetic
    draw in :math:`[2, 3]` (probability of order 1) makes the next fit put a spike on it,
    with :math:`\alpha_2 > 1/10`.

    Parameters
    ----------
    n : int
        The sample size per round the family is built for, :math:`n \ge 2`.
    rate : float, optional
        The constant :math:`c \ge 30` of :math:`f` (default 50).

    Notes
    -----
    Recorded parameters ``"alpha"`` and ``"mu"``; the truth is ``alpha = 0`` (``mu``
    then plays no role; it starts at 2). Every observation is kept (memory grows as
    :math:`\sum_t n_t` per replicate under accumulate).

    Examples
    --------
    >>> import numpy as np
    >>> import collapse_lib as cl
    >>> fam = cl.BarzilaiShamirSpike(50)
    >>> run = cl.simulate(fam, generations=2, sizes=50, replicates=400,
    ...                   scheme="accumulate", seed=5)
    >>> tv = fam.tv_to_truth(run)
    >>> bool(np.mean(tv[:, 1] <= 2 * np.log(50) / 50) >= 1 - 1 / 50)  # real-only fit: close
    True
    >>> bool(0.1 < (tv[:, 2] > 0.1).mean() < 0.5)  # one synthetic round: a constant away
    True
    """

    params = ("alpha", "mu")

    def __init__(self, n, *, rate=50.0):
        self.n = _check_int("n", n, minimum=2)
        self.rate = _check_real("rate", rate, low=30.0)
        self.alpha = 0.0
        self.mu = 2.0

    def __repr__(self):
        return f"BarzilaiShamirSpike(n={self.n!r}, rate={self.rate!r})"

    # -- the family's functions -----------------------------------------------------------
    def _log_width(self, alpha):
        r""":math:`\log f(\alpha)`, finite (``f`` itself may underflow to 0)."""
        alpha = np.asarray(alpha, dtype=float)
        return -np.log(39.0) - self.rate * self.n * np.maximum(alpha - ALPHA_KNEE, 0.0)

    def _width(self, alpha):
        return np.exp(self._log_width(alpha))

    def _gain(self, alpha):
        r""":math:`\log(1 + 1/f(\alpha))`, the log-likelihood gain of a point in the spike."""
        return np.logaddexp(0.0, -self._log_width(alpha))

    def _knot(self, span):
        r"""Largest :math:`\alpha \le 1/4` with :math:`f(\alpha) \ge` ``span`` (<= 1/39)."""
        with np.errstate(divide="ignore"):
            excess = (-np.log(39.0) - np.log(span)) / (self.rate * self.n)
        return np.minimum(ALPHA_KNEE + np.maximum(excess, 0.0), ALPHA_MAX)

    def tv_to_truth(self, theta):
        r"""Total-variation distance from :math:`p_\theta` to the truth :math:`U[0, 1]`.

        Parameters
        ----------
        theta : dict or Run
            Maps ``"alpha"`` (and ``"mu"``) to arrays, e.g. a :class:`Run` of this family.

        Returns
        -------
        numpy.ndarray
            :math:`\mathrm{TV} = \alpha` (it does not depend on :math:`\mu`).

        Examples
        --------
        >>> import collapse_lib as cl
        >>> float(cl.BarzilaiShamirSpike(10).tv_to_truth({"alpha": 0.2, "mu": 2.5}))
        0.2
        """
        alpha = _check_params(theta, ("alpha",))["alpha"]
        if np.any(~((alpha >= 0) & (alpha <= ALPHA_MAX))):
            bad = alpha[~((alpha >= 0) & (alpha <= ALPHA_MAX))].flat[0]
            raise ValueError(f"alpha must lie in [0, {ALPHA_MAX}], got {bad!r}")
        return alpha.copy()

    def _draw_rows(self, gen, m, alpha, mu):
        shape = (alpha.size, m)
        c = gen.random(shape)
        u = gen.random(shape)
        a, mu = alpha[:, None], mu[:, None]
        return np.select(
            [c < 0.5, c < 1.0 - a / 2, c < 1.0 - a / 4],
            [u, u * (1.0 - 2.0 * a), 2.0 + u],
            mu + self._width(a) * u,
        )

    def _log_likelihood(self, alpha, low, high, m, k):
        """:math:`\\ell` at candidates ``alpha`` with the counts of each candidate."""
        with np.errstate(divide="ignore"):
            log_a = np.log(alpha / 4.0)
        a_term = np.log1p(alpha / (2.0 - 4.0 * alpha))
        return (
            low * a_term
            - high * np.log(2.0)
            + (m * log_a if m else 0.0)
            + np.where(k > 0, k * self._gain(alpha), 0.0)
        )

    def _fit_row(self, x, prev_alpha, prev_mu):
        r"""Exact MLE :math:`(\alpha, \mu)` of one data set (sorted, finite)."""
        unit = x[x <= 1.0]
        top = x[x >= 2.0]
        m = top.size
        # smallest spans s_j of j consecutive points of [2, 3] that fit in a width 1/39
        spans = [0.0] if m else []
        for j in range(2, m + 1):
            s = float(np.min(top[j - 1 :] - top[: m - j + 1]))
            if s > SPIKE_WIDTH:
                break
            spans.append(s)
        knots = self._knot(np.array(spans)) if spans else np.empty(0)
        # candidates by their threshold u = 1 - 2 alpha; data candidates use u = x exactly
        u_data = unit[unit >= 1.0 - 2.0 * ALPHA_MAX]
        u = np.concatenate([u_data, 1.0 - 2.0 * knots, [1.0 - 2.0 * ALPHA_MAX, 1.0]])
        alpha = np.concatenate([(1.0 - u_data) / 2.0, knots, [ALPHA_MAX, 0.0]])
        low = np.searchsorted(unit, u, side="right")
        k = (knots[None, :] >= alpha[:, None]).sum(axis=1) if knots.size else np.zeros(u.size)
        k = np.where(alpha > 0, k, 0)
        score = self._log_likelihood(alpha, low, unit.size - low, m, k)
        if m:
            score[alpha == 0] = -np.inf
        best = np.flatnonzero(score == score.max())
        i = best[np.argmin(np.abs(alpha[best] - prev_alpha))]
        a, kk = float(alpha[i]), int(k[i])
        width = float(self._width(a))
        hi_all = 3.0 - width
        if kk == 0:
            return a, float(np.clip(prev_mu, 2.0, hi_all))
        # windows of kk consecutive points with span <= width; nearest valid mu to prev
        first = top[: m - kk + 1]
        last = top[kk - 1 :]
        span = last - first
        ok = span <= max(width, span.min())  # f(a_j) may round a hair below s_j
        lo = np.maximum(2.0, last[ok] - width)
        hi = np.minimum(first[ok], hi_all)
        mu = np.clip(prev_mu, lo, np.maximum(lo, hi))
        return a, float(mu[np.argmin(np.abs(mu - prev_mu))])

    _fit_uses_previous = True

    def _fit(self, stats, previous):
        x = stats["x"]
        inside = (x <= 1.0) & (x >= 0.0) | (x >= 2.0) & (x <= 3.0) | np.isinf(x)
        if not np.all(inside):
            bad = x[~inside].flat[0]
            raise ValueError(
                f"observations must lie in [0, 1] or [2, 3] (the support), got {bad!r}"
            )
        out = np.array(
            [
                self._fit_row(row[np.isfinite(row)], pa, pm)
                for row, pa, pm in zip(x, previous["alpha"], previous["mu"])
            ]
        ).reshape(-1, 2)
        return {"alpha": out[:, 0], "mu": out[:, 1]}


# -- the second construction --------------------------------------------------------------

#: The growth rate of the climb: :math:`e^{\mathbb E \log(1/\alpha_j)} = 4\sqrt e` for a rung
#: first reached by one draw (see :class:`BarzilaiShamirLadder`).
CLIMB_RATE = 4.0 * np.exp(0.5)
#: :math:`\log(1/f(J))` exceeds this margin, so :math:`f(J) < e^{-40}` lies below half the
#: spacing of floating-point numbers on :math:`[1, 2^{10}]`.
_WIDTH_MARGIN = 40.0


def _log_expm1(z):
    r""":math:`\log(e^z - 1)` for :math:`z > 0`, without overflow."""
    with np.errstate(over="ignore"):
        return z + np.log(-np.expm1(-z))


#: The speeds :math:`\varphi` offered, as ``name -> (phi, log of the inverse of phi)``.
_SPEEDS = {
    "loglog": (lambda n: np.log(np.log1p(n)), lambda y: _log_expm1(np.exp(y))),
    "log": (lambda n: np.log1p(n), _log_expm1),
    "sqrt": (np.sqrt, lambda y: 2.0 * np.log(y)),
}


def _log_inverse(phi, y):
    r""":math:`\log \varphi^{-1}(y)` by bisection on :math:`u = \log n \in [0, 700]`.

    0 where :math:`\varphi(1) \ge y`, +inf where :math:`\varphi(e^{700}) < y` (then
    :math:`\log(1/f)` overflows anyway).
    """
    lo, hi = np.zeros_like(y), np.full_like(y, 700.0)
    for _ in range(80):
        mid = (lo + hi) / 2
        below = np.asarray(phi(np.exp(mid)), dtype=float) < y
        lo, hi = np.where(below, mid, lo), np.where(below, hi, mid)
    return np.where(np.asarray(phi(np.exp(700.0))) < y, np.inf, hi)


def _check_speed(phi):
    """``(phi, log of its inverse)`` for a name of ``_SPEEDS`` or a callable, or raise."""
    if not callable(phi):
        return _SPEEDS[_check_choice("phi", phi, tuple(_SPEEDS))]
    grid = np.logspace(0, 300, 301)
    try:
        with np.errstate(all="ignore"):
            values = np.asarray(phi(grid), dtype=float)
    except Exception as exc:
        raise ValueError(f"phi must map an array of sample sizes to numbers: {exc}") from None
    if values.shape != grid.shape or not np.all(np.isfinite(values)):
        raise ValueError(f"phi must give one finite number per n in [1, 1e300], got {values!r}")
    if not np.all(np.diff(values) > 0):
        raise ValueError("phi must be strictly increasing (checked on n = 1, 10, ..., 1e300)")
    return phi, lambda y: _log_inverse(phi, y)


def _merge_atoms(value, count):
    """Merge equal values of the rows of (``value``, ``count``) and drop empty columns."""
    value = np.where(count > 0, value, np.nan)
    for i in range(value.shape[1]):
        same = (value[:, i + 1 :] == value[:, i : i + 1]) & (count[:, i : i + 1] > 0)
        count[:, i] += np.where(same, count[:, i + 1 :], 0).sum(axis=1)
        count[:, i + 1 :][same] = 0
    value = np.where(count > 0, value, np.nan)
    order = np.argsort(count == 0, axis=1, kind="stable")
    value, count = np.take_along_axis(value, order, 1), np.take_along_axis(count, order, 1)
    width = max(int((count > 0).sum(axis=1).max(initial=0)), 1)
    return value[:, :width], count[:, :width]


class BarzilaiShamirLadder(Family):
    r"""Second collapse construction of Barzilai and Shamir (Theorem 5.2), built for ``phi``.

    Truth :math:`U[0, 1]`. The family is the union of two sub-families.

    *Ladders* :math:`h_\alpha`, :math:`\alpha = (\alpha_0, \dots, \alpha_{L-1})`,
    :math:`\alpha_j \in [0, 1/4]`: a draw starts at rung :math:`j = 0`; with probability
    :math:`1 - \alpha_j` it is uniform on :math:`[j, j + 1 - 2\alpha_j]`, otherwise it
    moves to rung :math:`j + 1` (the paper's description), so

    .. math:: h_\alpha(x) = \sum_j \Bigl(\prod_{k<j} \alpha_k\Bigr)
              \frac{1 - \alpha_j}{1 - 2\alpha_j}\, \mathbf 1_{[j,\, j + 1 - 2\alpha_j]}(x).

    *Spikes* :math:`g_{\beta,J} = \tfrac12 U[0, J] + \tfrac12 U[J - \beta, J - \beta + f(J)]`,
    :math:`J \ge 2` an integer, :math:`\beta \in [0, 1]`. The densities are our
    reconstruction of the paper's description and :math:`f` is our choice (below).

    Parameters
    ----------
    phi : {"loglog", "log", "sqrt"} or callable, optional
        The speed :math:`\varphi`: :math:`\log\log(n + 1)` (the paper's example, the
        default), :math:`\log(n + 1)`, :math:`\sqrt n`, or a strictly increasing
        function of an array of sizes tending to infinity (its inverse is found by
        bisection).
    budget : int, optional
        :math:`H \ge 1`, the rounds allowed to the climb for :math:`\varphi(n) \le 1`
        (default 10).
    ratio : float, optional
        :math:`\rho > 4\sqrt e \approx 6.6`, the factor by which the allowed rounds grow
        per rung (default 10).
    rungs : int, optional
        The number :math:`L \ge 4` of rungs represented (default 12); the fit refuses
        data that reach the last one.

    Notes
    -----
    **Our choice of f.** With :math:`n_J = \varphi^{-1}(\rho^{J-2})` and
    :math:`N_J = n_J H \rho^{J-2}`,

    .. math:: \log\frac{1}{f(J)} = N_J \log(3J) + 40 .

    Then (i) :math:`f(J) < e^{-40}` lies below half the spacing of floating-point numbers
    on :math:`[1, 2^{10}]`: a spike draw is exactly its left end :math:`J - \beta` (an
    atom in floating point), and a window of width :math:`f(J)` holds the copies of one
    value; (ii) a data set of at most :math:`N_J` points in :math:`[0, J]`, one of them in
    :math:`[J - 1, J]`, has its MLE in the spike family, since the spike on that point has
    log-likelihood at least :math:`\log\frac{1}{2f(J)} - (N - 1)\log(2J)` and every
    ladder at most :math:`N \log\frac32`. When :math:`\log(1/f(J))` exceeds the
    floating-point range it is +inf: that spike beats every ladder on any data set.

    **Exact MLE.** On a ladder, the points of rung :math:`j` (count :math:`N_j`, largest
    :math:`M_j`) contribute :math:`N_j \log\frac{1-\alpha_j}{1-2\alpha_j} +
    N_{>j} \log\alpha_j`, non-decreasing in :math:`\alpha_j`, subject to
    :math:`M_j \le j + 1 - 2\alpha_j`. So :math:`\alpha_j = \min(\tfrac14,
    \tfrac12(1 - (M_j - j)))` on every occupied rung, the top one included,
    :math:`\alpha_j = 1/4` on an empty rung below the top, and above the top the
    likelihood does not depend on :math:`\alpha_j`, which keeps its previous value (ties go
    to the previous fit, as in the paper). A spike needs every point in
    :math:`[0, J]` but the ones in its window, so only :math:`J^* = \max(2, \lceil
    x_{\max}\rceil)` can cover a point (larger :math:`J` only lose), and its best window
    holds the most copies :math:`k` of one value in :math:`[J^* - 1, J^*]`. The fit is
    the better of the two log-likelihoods, both exact; ties go to the ladder.

    **Statistics.** Exact and small: the count, the largest point and its number of
    copies for every rung, and the values drawn more than once (the spike draws) with
    their numbers of copies. The largest of :math:`c`
    uniforms on an interval is drawn directly (:math:`U^{1/c}`), so a round costs
    :math:`O(L)` per replicate whatever :math:`n`.

    Recorded parameters ``"alpha"`` (length :math:`L`), ``"J"`` (0 for a ladder) and
    ``"beta"``; ``run.records["collapse"]`` is the first round with
    :math:`\mathrm{TV} \ge 3/8` (-1 if none).

    Examples
    --------
    >>> import numpy as np
    >>> import collapse_lib as cl
    >>> fam = cl.BarzilaiShamirLadder("loglog")
    >>> run = cl.simulate(fam, generations=60, sizes=1000, replicates=200,
    ...                   scheme="accumulate", seed=3)
    >>> bool(np.all(fam.tv_to_truth(run)[:, 1] < 0.01))  # the real-only fit is close
    True
    >>> bool(np.mean(run.records["collapse"] > 0) > 0.5)  # most collapse within 60 rounds
    True
    """

    params = ("alpha", "J", "beta")
    _roles = ("sample", "fresh")
    _fit_uses_previous = True

    def __init__(self, phi="loglog", *, budget=10, ratio=10.0, rungs=12):
        self._speed, log_inverse = _check_speed(phi)
        self.phi = phi
        self.budget = _check_int("budget", budget, minimum=1)
        self.ratio = _check_real("ratio", ratio, low=CLIMB_RATE, low_open=True)
        self.rungs = _check_int("rungs", rungs, minimum=4)
        if self.rungs > 1000:
            raise ValueError(f"rungs must be <= 1000, got {self.rungs}")
        self.alpha = np.zeros(self.rungs)
        self.J = 0.0
        self.beta = 0.0
        J = np.arange(2, self.rungs + 1, dtype=float)
        y = self.ratio ** (J - 2)
        with np.errstate(over="ignore"):
            log_n = log_inverse(y)
            gain = np.exp(log_n + np.log(self.budget * y) + np.log(np.log(3.0 * J)))
        #: log(1/f(J)) for J = 0, 1, ..., L (unused below 2)
        self._log_inv_width = np.concatenate([[np.nan, np.nan], gain + _WIDTH_MARGIN])

    def __repr__(self):
        return (
            f"BarzilaiShamirLadder(phi={self.phi!r}, budget={self.budget!r}, "
            f"ratio={self.ratio!r}, rungs={self.rungs!r})"
        )

    def deadline(self, n):
        r"""The round by which our :math:`f` lets a spike win at sample size ``n``.

        With :math:`J(n) = 2 + \max(0, \lceil \log_\rho \varphi(n) \rceil)`, the spike
        :math:`g_{\cdot, J(n)}` beats every ladder on any data set of at most
        :math:`n H \rho^{J(n)-2}` points reaching rung :math:`J(n) - 1` and no higher; the
        deadline :math:`H \rho^{J(n)-2} \le H \max(1, \rho\,\varphi(n))` is
        :math:`O(\varphi(n))`.

        Parameters
        ----------
        n : int or array_like
            Sample size per round, :math:`n \ge 1`.

        Returns
        -------
        numpy.ndarray
            :math:`H \rho^{J(n) - 2}` (float).

        Examples
        --------
        >>> import collapse_lib as cl
        >>> cl.BarzilaiShamirLadder("sqrt").deadline([50, 5000]).tolist()
        [100.0, 1000.0]
        """
        n = np.asarray(n, dtype=float)
        if not np.all(n >= 1):
            raise ValueError(f"n must be >= 1, got {n[~(n >= 1)].flat[0]!r}")
        level = np.log(np.maximum(self._speed(n), 1.0)) / np.log(self.ratio)
        steps = np.ceil(level - 1e-12)  # phi(n) = rho^k exactly stays at k
        return self.budget * self.ratio**steps

    def tv_to_truth(self, theta):
        r"""Total-variation distance from a fitted density to the truth :math:`U[0, 1]`.

        A ladder puts density :math:`\frac{1-\alpha_0}{1-2\alpha_0} \ge 1` on
        :math:`[0, 1 - 2\alpha_0]` and none on :math:`(1 - 2\alpha_0, 1]`, so its overlap
        with :math:`U[0, 1]` is :math:`1 - 2\alpha_0`: :math:`\mathrm{TV} = 2\alpha_0`.
        A spike (:math:`J \ge 2`) overlaps :math:`U[0, 1]` by :math:`1/(2J)`:
        :math:`\mathrm{TV} = 1 - 1/(2J) \ge 3/4`.

        Parameters
        ----------
        theta : dict or Run
            Maps ``"alpha"`` (last axis the rungs) and ``"J"`` to arrays.

        Returns
        -------
        numpy.ndarray
            The distance, shaped like ``theta["J"]``.

        Examples
        --------
        >>> import collapse_lib as cl
        >>> fam = cl.BarzilaiShamirLadder()
        >>> alpha = [[0.1] + [0.0] * 11, [0.0] * 12]
        >>> fam.tv_to_truth({"alpha": alpha, "J": [0, 3]}).tolist()
        [0.2, 0.8333333333333334]
        """
        p = _check_params(theta, ("alpha", "J"))
        alpha, J = p["alpha"], p["J"]
        if alpha.ndim == 0 or alpha.shape[:-1] != J.shape:
            raise ValueError(
                f"theta['alpha'] must have the shape of theta['J'] plus one axis of rungs, "
                f"got {alpha.shape} and {J.shape}"
            )
        bad = ~((alpha >= 0) & (alpha <= 0.25))
        if np.any(bad):
            raise ValueError(f"alpha must lie in [0, 0.25], got {alpha[bad].flat[0]!r}")
        bad = ~((J == 0) | ((J >= 2) & (J == np.round(J))))
        if np.any(bad):
            raise ValueError(f"J must be 0 (a ladder) or an integer >= 2, got {J[bad].flat[0]!r}")
        with np.errstate(divide="ignore"):
            return np.where(J >= 2, 1.0 - 0.5 / J, 2.0 * alpha[..., 0])

    # -- engine hooks ---------------------------------------------------------------------
    def _new_records(self, B):
        return {"collapse": np.full(B, -1, dtype=np.int64)}

    def _track(self, records, t, fit):
        hit = (records["collapse"] < 0) & (self.tv_to_truth(fit) >= 0.375)
        records["collapse"][hit] = t

    def _extra_bytes(self, scheme, total):
        return 64 * self.rungs

    @staticmethod
    def _add_uniform(gen, stats, j, c, width):
        """Add ``c`` uniforms on ``[j, j + width]`` to rung ``j``: count, largest, its copies."""
        count, top, copies = stats
        u = gen.random(c.shape)
        with np.errstate(divide="ignore"):
            largest = np.where(c > 0, j + width * u ** (1.0 / np.maximum(c, 1)), -np.inf)
        count[:, j] += c
        copies[:, j] = np.where(largest > top[:, j], 1, copies[:, j] + (largest == top[:, j]))
        top[:, j] = np.maximum(top[:, j], largest)

    def _draw_stats(self, gen, n, alpha, J, beta):
        b, L = alpha.shape
        stats = count, top, copies = np.zeros((b, L)), np.full((b, L), -np.inf), np.zeros((b, L))
        spike = J >= 2
        k = np.where(spike, 0, n).astype(np.int64)
        for j in range(L):  # ladders: the draws still climbing
            move = gen.binomial(k, alpha[:, j])
            self._add_uniform(gen, stats, j, k - move, 1.0 - 2.0 * alpha[:, j])
            k = move
        m = np.where(spike, n, 0).astype(np.int64)
        atoms = gen.binomial(m, 0.5)
        rest = m - atoms
        for j in range(L):  # spikes: U[0, J] rung by rung, then the atom at J - beta
            c = gen.binomial(rest, np.where(j < J, 1.0 / np.maximum(J - j, 1.0), 0.0))
            self._add_uniform(gen, stats, j, c, 1.0)
            rest -= c
        value = np.where(atoms > 0, J - beta, np.nan)
        rows = np.flatnonzero(atoms > 0)
        rung = np.floor(value[rows]).astype(np.int64)
        old = top[rows, rung]
        count[rows, rung] += atoms[rows]
        copies[rows, rung] = np.where(
            value[rows] > old, atoms[rows], copies[rows, rung] + atoms[rows] * (value[rows] == old)
        )
        top[rows, rung] = np.maximum(old, value[rows])
        return np.concatenate([count, top, copies, value[:, None], atoms[:, None]], axis=1)

    def _sample(self, fit, size, rng):
        n = np.broadcast_to(size, (rng.size,))
        out = rng.apply(
            "sample", self._draw_stats, per_rep={"n": n, **{k: fit[k] for k in self.params}}
        )
        L = self.rungs
        value, atoms = _merge_atoms(out[:, 3 * L : 3 * L + 1], out[:, 3 * L + 1 :])
        return {
            "count": out[:, :L],
            "top": out[:, L : 2 * L],
            "copies": out[:, 2 * L : 3 * L],
            "atom": value,
            "atoms": atoms,
        }

    def _with_tops(self, a, b):
        """The copies of ``a``'s repeated values, plus those that are ``b``'s rung tops."""
        rows = np.arange(a["atom"].shape[0])[:, None]
        known = (a["atom"][:, :, None] == b["atom"][:, None, :]).any(axis=2)
        rung = np.clip(np.nan_to_num(np.floor(a["atom"])), 0, self.rungs - 1).astype(int)
        at_top = ~known & (a["atom"] == b["top"][rows, rung])
        return a["atoms"] + np.where(at_top, b["copies"][rows, rung], 0.0)

    def _combine(self, a, b):
        # a repeated value of one batch may be the top of a rung of the other (the point a
        # spike was put on): its copies there count too, so the multiplicities stay exact
        value, atoms = _merge_atoms(
            np.concatenate([a["atom"], b["atom"]], axis=1),
            np.concatenate([self._with_tops(a, b), self._with_tops(b, a)], axis=1),
        )
        higher, lower = a["top"] > b["top"], a["top"] < b["top"]
        return {
            "count": a["count"] + b["count"],
            "top": np.maximum(a["top"], b["top"]),
            "copies": np.where(
                higher, a["copies"], np.where(lower, b["copies"], a["copies"] + b["copies"])
            ),
            "atom": value,
            "atoms": atoms,
        }

    def _fit(self, stats, previous):
        count, top = stats["count"], stats["top"]
        B, L = count.shape
        occupied = count > 0
        if np.any(occupied[:, -1]):
            raise ValueError(
                f"the data reached rung {L - 1}, the last one represented; "
                f"build the family with more rungs (rungs={L})"
            )
        r = L - 1 - np.argmax(occupied[:, ::-1], axis=1)  # top occupied rung
        j = np.arange(L)
        alpha = np.where(occupied, np.minimum(0.25, (j + 1 - top) / 2), 0.25)
        alpha = np.where(j > r[:, None], previous["alpha"], alpha)
        with np.errstate(divide="ignore"):
            log_alpha = np.log(alpha)
        below = np.zeros_like(log_alpha)  # sum over k < j
        below[:, 1:] = np.cumsum(log_alpha[:, :-1], axis=1)
        dens = below + np.log1p(alpha / (1.0 - 2.0 * alpha))
        ladder = (count * np.where(occupied, dens, 0.0)).sum(axis=1)
        # the spike that can cover a point: J* = max(2, ceil(x_max))
        x_max = top[np.arange(B), r]
        J = np.maximum(2.0, np.ceil(x_max))
        inside = (stats["atom"] >= J[:, None] - 1) & (stats["atom"] <= J[:, None])
        heavy = np.where(inside, stats["atoms"], 0.0)
        best = np.argmax(heavy, axis=1)
        k_atom = heavy[np.arange(B), best]
        k_top = np.where(x_max >= J - 1, stats["copies"][np.arange(B), r], 0.0)
        k = np.maximum(k_atom, k_top)
        start = np.where(k_atom >= k_top, stats["atom"][np.arange(B), best], x_max)
        N = count.sum(axis=1)
        gain = -np.log(2.0) + np.logaddexp(-np.log(J), self._log_inv_width[J.astype(int)])
        spike = -(N - k) * np.log(2.0 * J) + np.where(k > 0, k * gain, 0.0)
        won = spike > ladder
        return {
            "alpha": np.where(won[:, None], 0.0, alpha),
            "J": np.where(won, J, 0.0),
            "beta": np.where(won, J - start, 0.0),
        }
