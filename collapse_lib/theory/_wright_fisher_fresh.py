r"""Categorical resampling with a fresh fraction of real data (private).

Each of the :math:`n` draws of a round comes from the truth with probability
:math:`\varepsilon` (the fresh fraction, Borkar's *persistent excitation*) and from the
current model otherwise. The count of one category of true frequency :math:`p` is then
the two-type Wright–Fisher chain with migration,
:math:`nP_t \sim \mathrm{Binomial}(n, \varepsilon p + (1-\varepsilon)P_{t-1})`
(:class:`collapse_lib.Categorical` or :class:`collapse_lib.Bernoulli` with ``fresh``).
It does not collapse: its stationary law has mean :math:`p`, but is wider than that of
:math:`n` independent draws from the truth (Borkar's *degeneration*). This module holds
its transition matrix, moments, exact stationary law and Beta approximation, the
effective sample size of a round, and how fast the chain forgets its start (the exact
total-variation distance to stationarity and two coupling bounds). The chain without
fresh data is in :mod:`collapse_lib.theory._wright_fisher`.
"""

from __future__ import annotations

import numpy as np
from scipy import linalg, stats

from .._validate import _check_choice, _check_int, _check_real
from ._common import (
    _check_elements,
    _doc,
    _fresh,
    _out,
    _real_array,
    _rounds,
    _schedule,
)

_METHODS = ("lineage", "doeblin")


@_doc
def wf_fresh_transition_matrix(*, p, n, fresh):
    r"""Transition matrix of a category's count :math:`nP` with a fresh fraction.

    From count :math:`i` the next count is
    :math:`\mathrm{Binomial}(n, \varepsilon p + (1-\varepsilon) i/n)`:

    .. math:: P_{ij} = \binom{n}{j} q_i^j (1 - q_i)^{n-j},
              \qquad q_i = \varepsilon p + (1 - \varepsilon)\frac in .

    With two types this is the whole chain of Borkar's empirical resampling with
    persistent excitation; for :math:`\varepsilon = 0` it is
    :func:`wf_transition_matrix`.

    Parameters
    ----------
    p : float
        True frequency in :math:`[0, 1]`.
    %(draws)s
    %(fresh_required)s

    Returns
    -------
    numpy.ndarray
        Shape ``(n + 1, n + 1)``, rows summing to 1.

    References
    ----------
    Classical (Wright–Fisher sampling with migration; Wright 1931 [wright1931]).

    Examples
    --------
    One draw per round, half of the draws real: the count is 1 with probability
    :math:`q_i`:

    >>> from collapse_lib import theory
    >>> theory.wf_fresh_transition_matrix(p=0.5, n=1, fresh=0.5).tolist()
    [[0.75, 0.25], [0.25, 0.75]]
    """
    p = _check_real("p", p, low=0.0, high=1.0)
    n = _check_int("n", n, minimum=1)
    eps = _fresh(fresh)
    _check_elements((n + 1) ** 2, f"n={n}")
    i = np.arange(n + 1)
    return stats.binom.pmf(i[None, :], n, eps * p + (1.0 - eps) * i[:, None] / n)


@_doc
def wf_fresh_stationary_moments(*, p, n, fresh):
    r"""Stationary mean and variance of a category's frequency with a fresh fraction.

    :math:`nP_t \sim \mathrm{Binomial}(n, q_t)` with
    :math:`q_t = \varepsilon p + (1-\varepsilon)P_{t-1}`. Taking moments,
    :math:`E P_t = p` at stationarity and :math:`V = E[q(1-q)]/n + (1-\varepsilon)^2 V`
    with :math:`E[q(1-q)] = p(1-p) - (1-\varepsilon)^2 V`, whence

    .. math:: \operatorname{Var} P = \frac{p(1-p)}
              {n\,(1 - (1-\varepsilon)^2) + (1-\varepsilon)^2}.

    Barycenter :math:`p`: no collapse; the variance exceeds the i.i.d. value
    :math:`p(1-p)/n` unless :math:`\varepsilon = 1` (degeneration). For
    :math:`\varepsilon = 0` the values are the limits of :math:`E P_t` and
    :math:`\operatorname{Var}P_t` from :math:`P_0 = p` (collapse to a random Dirac).
    Applies to every category of a categorical model (same denominator).

    Parameters
    ----------
    p : float or array
        True frequency (frequencies) in :math:`[0, 1]`.
    %(draws)s
    %(fresh_required)s

    Returns
    -------
    (mean, variance)
        Each a float or an array shaped like ``p``.

    References
    ----------
    Derived here; Borkar (2025) [borkar2025] proves that the stationary laws have the
    truth as barycenter.

    Examples
    --------
    The variance is about twice the i.i.d. value :math:`p(1-p)/n`:

    >>> from collapse_lib import theory
    >>> mean, var = theory.wf_fresh_stationary_moments(p=0.3, n=100, fresh=0.1)
    >>> mean, round(var, 6)
    (0.3, 0.010601)
    """
    p = _real_array("p", p, low=0.0, high=1.0)
    n = _check_int("n", n, minimum=1)
    eps = _fresh(fresh)
    r2 = (1.0 - eps) ** 2
    return _out(p.copy()), _out(p * (1 - p) / (n * (1.0 - r2) + r2))


@_doc
def wf_fresh_variance(*, p, sizes, generations=None, fresh):
    r"""Variance :math:`\operatorname{Var}P_t` of a category's frequency at every round.

    Same chain as :func:`wf_fresh_stationary_moments`, with round sizes :math:`n_t`
    (replace), started from the truth :math:`P_0 = p`. The mean stays :math:`p`, and

    .. math:: V_t = \frac{p(1-p)}{n_t} + (1-\varepsilon)^2\Big(1 - \frac1{n_t}\Big)V_{t-1},
              \qquad V_0 = 0,

    which tends to the stationary variance for a constant schedule. For
    :math:`\varepsilon = 0` it is :math:`p(1-p)(1 - \prod_{t}(1 - 1/n_t))`, the
    complement of :func:`wf_heterozygosity`.

    Parameters
    ----------
    p : float or array
        True frequency (frequencies) of the category in :math:`[0, 1]`, also
        :math:`P_0`.
    %(sizes)s
    %(fresh_required)s

    Returns
    -------
    numpy.ndarray
        Shape ``p.shape + (G + 1,)``; entry ``[..., t]`` is :math:`\operatorname{Var}P_t`.

    References
    ----------
    Derived here (a one-step recursion of the variance).

    Examples
    --------
    From the truth, the variance rises towards its stationary value:

    >>> from collapse_lib import theory
    >>> theory.wf_fresh_variance(p=0.5, sizes=10, fresh=0.2, generations=3).round(4).tolist()
    [0.0, 0.025, 0.0394, 0.0477]
    """
    p = _real_array("p", p, low=0.0, high=1.0)
    eps = _fresh(fresh)
    n = _schedule(sizes, generations)
    v = np.zeros(n.size + 1)  # variance per unit p(1 - p)
    for t, nt in enumerate(n, start=1):
        v[t] = 1.0 / nt + (1.0 - eps) ** 2 * (1.0 - 1.0 / nt) * v[t - 1]
    return (p * (1 - p))[..., None] * v


@_doc
def wf_fresh_stationary_distribution(*, p, n, fresh):
    r"""Exact stationary law of a category's count :math:`nP` with a fresh fraction.

    The count of a category of true frequency :math:`p` moves as
    :math:`nP_t \sim \mathrm{Binomial}(n, \varepsilon p + (1-\varepsilon)P_{t-1})`. For
    :math:`\varepsilon > 0` and :math:`0 < p < 1` every transition probability is
    positive, so the chain has a unique stationary law :math:`\pi`; it solves
    :math:`\pi P = \pi`, :math:`\sum_k \pi_k = 1` (a linear system of size
    :math:`n + 1`). Its mean is :math:`p` and its variance is that of
    :func:`wf_fresh_stationary_moments`. For :math:`p \in \{0, 1\}` and
    :math:`\varepsilon > 0` the law is the point mass at the truth. For
    :math:`\varepsilon = 0` (no stationary law is unique) the function returns the
    limit law from :math:`P_0 = p`: mass :math:`1 - p` at 0 and :math:`p` at :math:`n`
    (total collapse).

    Parameters
    ----------
    p : float
        True frequency in :math:`[0, 1]`.
    %(draws)s
    %(fresh_required)s

    Returns
    -------
    numpy.ndarray
        Shape ``(n + 1,)``; entry :math:`k` is :math:`\pi(nP = k)`.

    See Also
    --------
    wf_fresh_stationary_beta : its diffusion (Beta) approximation.

    References
    ----------
    Derived here; total collapse at :math:`\varepsilon = 0` is Borkar's (2025)
    [borkar2025].

    Examples
    --------
    Two draws, half of them real: a symmetric law around the truth:

    >>> from collapse_lib import theory
    >>> theory.wf_fresh_stationary_distribution(p=0.5, n=2, fresh=0.5).round(4).tolist()
    [0.2857, 0.4286, 0.2857]
    """
    p = _check_real("p", p, low=0.0, high=1.0)
    n = _check_int("n", n, minimum=1)
    eps = _fresh(fresh)
    _check_elements((n + 1) ** 2, f"n={n}")
    pi = np.zeros(n + 1)
    if eps == 0.0:
        pi[0], pi[n] = 1.0 - p, p
        return pi
    if p in (0.0, 1.0):
        pi[round(p * n)] = 1.0
        return pi
    A = wf_fresh_transition_matrix(p=p, n=n, fresh=eps).T - np.eye(n + 1)
    A[-1] = 1.0
    b = np.zeros(n + 1)
    b[-1] = 1.0
    pi = linalg.solve(A, b)
    return np.clip(pi, 0.0, None) / np.clip(pi, 0.0, None).sum()


def wf_fresh_stationary_beta(*, p, n, fresh):
    r"""Beta approximation :math:`\mathrm{Beta}(\theta p, \theta(1-p))` of the stationary law.

    With :math:`\theta = (n-1)\,\varepsilon(2-\varepsilon)` the Beta law has exactly the
    stationary mean :math:`p` and variance :math:`p(1-p)/(1+\theta)` of
    :func:`wf_fresh_stationary_moments`. For a large :math:`n` and a small
    :math:`\varepsilon`, :math:`\theta \approx 2n\varepsilon` and this is the diffusion
    limit of the chain: Wright's stationary distribution of a gene frequency under
    migration, with :math:`2n\varepsilon` in place of his :math:`4Nm` (:math:`n`
    haploid copies instead of :math:`2N` diploid genes). Both shape parameters below 1
    give a U-shaped law: the chain then spends most of its time near a collapsed state.

    Parameters
    ----------
    p : float or array
        True frequency (frequencies) in :math:`(0, 1)`.
    n : int
        Draws per round, :math:`n \ge 2`.
    fresh : float
        Fresh fraction :math:`0 < \varepsilon \le 1`.

    Returns
    -------
    (a, b)
        Shape parameters, each a float or an array shaped like ``p``.

    References
    ----------
    Wright (1931) [wright1931]; the exact moment match is derived here.

    Examples
    --------
    Both shape parameters of a rare-data chain, the second above 1:

    >>> from collapse_lib import theory
    >>> a, b = theory.wf_fresh_stationary_beta(p=0.3, n=100, fresh=0.01)
    >>> round(a, 4), round(b, 4)
    (0.591, 1.3791)
    """
    p = _real_array("p", p, low=0.0, high=1.0)
    if np.any((p == 0) | (p == 1)):
        raise ValueError(f"p must be strictly between 0 and 1, got {p.tolist()!r}")
    n = _check_int("n", n, minimum=2)
    eps = _check_real("fresh", fresh, low=0.0, high=1.0, low_open=True)
    theta = (n - 1) * eps * (2.0 - eps)
    return _out(theta * p), _out(theta * (1 - p))


@_doc
def wf_fresh_effective_size(*, n, fresh):
    r"""Effective sample size :math:`n_{\mathrm{eff}} = n - (n-1)(1-\varepsilon)^2` of a round.

    At stationarity the :math:`n` draws of a round are exchangeable with the law of
    the truth but positively correlated: two draws from the same round land in a set
    :math:`A` together with correlation :math:`\rho = (1-\varepsilon)^2/n_{\mathrm{eff}}`,
    so the empirical frequency of :math:`A` has variance
    :math:`p(1-p)(1 + (n-1)\rho)/n = p(1-p)/n_{\mathrm{eff}}`
    (:func:`wf_fresh_stationary_moments`): the round is worth :math:`n_{\mathrm{eff}}`
    independent draws from the truth. :math:`n_{\mathrm{eff}} = 1` at
    :math:`\varepsilon = 0` (total collapse), :math:`n` at :math:`\varepsilon = 1`, and
    :math:`\approx 1 + 2n\varepsilon` for a small :math:`\varepsilon`: Borkar's
    *degeneration*, quantified.

    Parameters
    ----------
    %(draws)s
    fresh : float or array
        Fresh fraction(s) in :math:`[0, 1]`.

    Returns
    -------
    float or numpy.ndarray
        :math:`n_{\mathrm{eff}}`, one value per entry of ``fresh``.

    See Also
    --------
    wf_fresh_fraction_for_effective_size : the inverse.

    References
    ----------
    Derived here, from the stationary variance.

    Examples
    --------
    Five percent of real data makes a round of 1,000 worth about 98 draws:

    >>> from collapse_lib import theory
    >>> round(theory.wf_fresh_effective_size(n=1000, fresh=0.05), 2)
    98.4
    """
    n = _check_int("n", n, minimum=1)
    eps = _real_array("fresh", fresh, low=0.0, high=1.0)
    return _out(n - (n - 1) * (1.0 - eps) ** 2)


def wf_fresh_fraction_for_effective_size(*, n, effective_size):
    r"""Smallest fresh fraction whose stationary rounds are worth :math:`m` i.i.d. draws.

    Inverts :func:`wf_fresh_effective_size`:

    .. math:: \varepsilon^*(n, m) = 1 - \sqrt{\frac{n - m}{n - 1}},
              \qquad 1 \le m \le n .

    For :math:`m` a fixed share :math:`\kappa` of :math:`n` the answer tends to
    :math:`1 - \sqrt{1 - \kappa}` as :math:`n` grows (about 0.29 for half the
    information): keeping most of the statistical value of a round takes a fixed
    fraction of real data, not a vanishing one.

    Parameters
    ----------
    n : int
        Draws per round, :math:`n \ge 2`.
    effective_size : float or array
        Target effective size(s) :math:`m`, :math:`1 \le m \le n`.

    Returns
    -------
    float or numpy.ndarray
        :math:`\varepsilon^*`, one value per entry of ``effective_size``.

    References
    ----------
    Derived here (inverting :func:`wf_fresh_effective_size`).

    Examples
    --------
    Half the value of a round of 1,000 takes 29 % of real data:

    >>> from collapse_lib import theory
    >>> round(theory.wf_fresh_fraction_for_effective_size(n=1000, effective_size=500), 4)
    0.2925
    """
    n = _check_int("n", n, minimum=2)
    m = _real_array("effective_size", effective_size, low=1.0, high=float(n))
    return _out(1.0 - np.sqrt((n - m) / (n - 1.0)))


def wf_fresh_tv_distance(*, p, n, fresh, generations):
    r"""Exact worst-case total-variation distance to stationarity, at every round.

    For the count chain of :func:`wf_fresh_transition_matrix` (with :math:`\varepsilon
    > 0`) and its stationary law :math:`\pi` (:func:`wf_fresh_stationary_distribution`),

    .. math:: d(t) = \max_{i} \big\| P^t(i, \cdot) - \pi \big\|_{\mathrm{TV}}
              = \max_i \tfrac12 \sum_j \big| (P^t)_{ij} - \pi_j \big|,

    the distance from the law of the chain after :math:`t` rounds to the stationary law,
    from the worst starting count. Computed by propagating all :math:`n + 1` starting
    laws, :math:`O(G n^3)`. The bounds of :func:`wf_fresh_tv_bound` apply to it; its
    asymptotic rate per round is :math:`1 - \varepsilon`, the second largest eigenvalue
    of the matrix (the eigenvalues are :math:`(1-\varepsilon)^k \prod_{j<k}(1 - j/n)`,
    :math:`k = 0, \dots, n`, checked numerically in the tests).

    Parameters
    ----------
    p : float
        True frequency in :math:`[0, 1]`.
    n : int
        Draws per round, :math:`n \ge 1`.
    fresh : float
        Fresh fraction :math:`0 < \varepsilon \le 1` (at 0 the chain has no unique
        stationary law).
    generations : int
        :math:`G \ge 0`.

    Returns
    -------
    numpy.ndarray
        Shape ``(G + 1,)``; entry :math:`t` is :math:`d(t)`.

    References
    ----------
    Derived here (exact computation from the transition matrix).

    Examples
    --------
    Two draws per round, half of them real:

    >>> from collapse_lib import theory
    >>> theory.wf_fresh_tv_distance(p=0.5, n=2, fresh=0.5, generations=3).round(4).tolist()
    [0.7143, 0.2768, 0.1283, 0.0629]
    """
    p = _check_real("p", p, low=0.0, high=1.0)
    n = _check_int("n", n, minimum=1)
    eps = _check_real("fresh", fresh, low=0.0, high=1.0, low_open=True)
    generations = _check_int("generations", generations, minimum=0)
    _check_elements(2 * (n + 1) ** 2 + generations, f"n={n}, generations={generations}")
    P = wf_fresh_transition_matrix(p=p, n=n, fresh=eps)
    pi = wf_fresh_stationary_distribution(p=p, n=n, fresh=eps)
    law = np.eye(n + 1)
    out = np.empty(generations + 1)
    for t in range(generations + 1):
        if t:
            law = law @ P
        out[t] = 0.5 * np.abs(law - pi).sum(axis=1).max()
    return out


def wf_fresh_tv_bound(t, *, n, fresh, method="lineage"):
    r"""Coupling bounds on the distance to stationarity of empirical resampling.

    Empirical resampling with a fresh fraction :math:`\varepsilon > 0` (each of the
    :math:`n` draws of a round is fresh from the truth with probability
    :math:`\varepsilon`, else a copy of a uniformly chosen atom of the previous round),
    on any space and from any two starting measures, run both chains with the same
    fresh coins, fresh draws and parent choices. Then, for the laws of the two chains
    after :math:`t` rounds, in total variation:

    - ``"doeblin"``: with probability :math:`\varepsilon^n` all draws of a round are
      fresh and the chains meet (a Doeblin minorization of the kernel), so the distance
      is at most :math:`(1 - \varepsilon^n)^t`;
    - ``"lineage"``: the chains agree at round :math:`t` once the ancestral line of each
      of the :math:`n` atoms meets a fresh draw within :math:`t` rounds; a line misses
      them all with probability :math:`(1-\varepsilon)^t`, so the distance is at most
      :math:`\min\{1, n(1-\varepsilon)^t\}`.

    Both hold for the distance to the (unique) stationary law, from the worst start.
    The lineage bound has the exact asymptotic rate :math:`1 - \varepsilon` of
    :func:`wf_fresh_tv_distance`; the Doeblin rate :math:`1 - \varepsilon^n` is
    hopelessly slow unless :math:`n` is tiny.

    Parameters
    ----------
    t : int or array of int
        Round(s) :math:`t \ge 0`.
    n : int
        Draws per round, :math:`n \ge 1`.
    fresh : float
        Fresh fraction :math:`\varepsilon \in [0, 1]`.
    method : {"lineage", "doeblin"}, optional
        Which coupling (default ``"lineage"``).

    Returns
    -------
    float or numpy.ndarray
        The bound for each round in ``t``.

    References
    ----------
    Derived here (two couplings; Doeblin's condition is classical).

    Examples
    --------
    Ten draws per round, 20 % real, after 30 rounds:

    >>> from collapse_lib import theory
    >>> round(theory.wf_fresh_tv_bound(30, n=10, fresh=0.2), 6)
    0.012379
    >>> round(theory.wf_fresh_tv_bound(30, n=10, fresh=0.2, method="doeblin"), 6)
    0.999997
    """
    t = _rounds(t)
    n = _check_int("n", n, minimum=1)
    eps = _fresh(fresh)
    method = _check_choice("method", method, _METHODS)
    if method == "doeblin":
        return _out((1.0 - eps**n) ** t)
    return _out(np.minimum(1.0, n * (1.0 - eps) ** t))
