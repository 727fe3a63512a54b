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
"""

from __future__ import annotations

import numpy as np

from ._observations import _ObservationFamily
from ._validate import _check_int, _check_real

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
    >>> bool(np.all(tv[:, 1] < 0.1))  # the real-only fit is close to the truth
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
