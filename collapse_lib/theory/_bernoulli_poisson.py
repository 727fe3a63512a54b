r"""Bernoulli and Poisson: Suresh et al.'s iterates, extinction and the rate's variance (private).

Refitting a Poisson rate (or a Bernoulli probability) by its sample mean on :math:`n_t`
draws makes :math:`n_t\Lambda_t` a Poisson (binomial) count whose mean is the previous
fit: a critical branching process, which dies out. Suresh, Thangaraj and Khandavally
(2025) express its extinction through the iterates of :math:`g(x) = 1 - e^{-x}`. This
module holds those iterates, the exact survival probability of the Poisson rate for any
schedule, and the exact variance of the rate under replace and accumulate with a fresh
fraction. The Bernoulli count is also the two-type Wright–Fisher chain, whose results
are in :mod:`collapse_lib.theory._wright_fisher`.
"""

from __future__ import annotations

import math

import numpy as np
from scipy import stats

from .._validate import _check_int, _check_real
from ._common import (
    _check_elements,
    _doc,
    _fresh,
    _out,
    _positive,
    _rounds,
    _schedule,
    _scheme,
)
from ._wright_fisher import wf_transition_matrix


@_doc
def g_iterate(t):
    r"""Iterates :math:`g_t` of :math:`g(x) = 1 - e^{-x}` started at :math:`+\infty`.

    :math:`g_0 = +\infty`, :math:`g_1 = 1`, :math:`g_{t+1} = g(g_t)`. The sequence
    decreases to 0 like :math:`2/t`, bracketed between :math:`1/t` and :math:`3/t`.
    Computed by iteration (``-expm1``), cost :math:`O(\max t)`.

    Parameters
    ----------
    %(t)s

    Returns
    -------
    float or numpy.ndarray
        :math:`g_t`, shaped like ``t``.

    References
    ----------
    Suresh, Thangaraj and Khandavally (2025) [suresh2025], including the bracket.

    Examples
    --------
    The first iterates, between :math:`1/t` and :math:`3/t`:

    >>> from collapse_lib import theory
    >>> theory.g_iterate([1, 2, 3]).round(4).tolist()
    [1.0, 0.6321, 0.4685]
    """
    t = _rounds(t)
    tmax = int(t.max()) if t.size else 0
    _check_elements(tmax, f"t={tmax}")
    g = np.empty(tmax + 1)
    g[0] = np.inf
    for i in range(1, tmax + 1):
        g[i] = -np.expm1(-g[i - 1])
    return _out(g[t])


def poisson_survival(t, *, n, lam):
    r"""Exact probability that the Poisson rate is still non-zero after :math:`t` rounds.

    Replace scheme, Poisson MLE from a constant :math:`n` samples: :math:`S_t = n\Lambda_t`
    is Poisson with mean :math:`S_{t-1}`, and
    :math:`E[e^{-xS_t}\mid S_{t-1}] = e^{-g(x) S_{t-1}}`. Letting :math:`x\to\infty` and
    iterating down to :math:`S_1 \sim \mathrm{Poisson}(n\lambda)`,

    .. math:: P(\Lambda_t \neq 0) = 1 - \exp(-n \lambda\, g_t)

    with :math:`g_t` from :func:`g_iterate`. Since :math:`g_t \approx 2/t`, survival
    decays like :math:`2n\lambda/t`.

    Parameters
    ----------
    t : int or array of int
        Round(s) :math:`t \ge 0` (survival 1 at :math:`t = 0`).
    n : int
        Samples per round, :math:`n \ge 1`.
    lam : float
        True rate :math:`\lambda > 0`.

    Returns
    -------
    float or numpy.ndarray
        The survival probability :math:`P(\Lambda_t \neq 0)` for each ``t``.

    See Also
    --------
    poisson_survival_by_generation : any schedule.

    References
    ----------
    Suresh, Thangaraj and Khandavally (2025) [suresh2025], exact for the Poisson MLE.

    Examples
    --------
    Ten draws a round from a rate of 1 keep it alive for a while, not for ever:

    >>> from collapse_lib import theory
    >>> theory.poisson_survival([1, 10, 100], n=10, lam=1.0).round(4).tolist()
    [1.0, 0.8214, 0.1775]
    """
    n = _check_int("n", n, minimum=1)
    lam = _positive("lam", lam)
    return _out(-np.expm1(-n * lam * np.asarray(g_iterate(t))))


def _bernoulli_inputs(t, n, p, two_sided):
    """Validate the arguments of the Bernoulli survival functions."""
    t = _rounds(t)
    n = _check_int("n", n, minimum=1)
    p = _check_real("p", p, low=0.0, high=1.0, low_open=True, high_open=True)
    if not isinstance(two_sided, (bool, np.bool_)):
        raise TypeError(f"two_sided must be a bool, got {two_sided!r}")
    return t, n, p, bool(two_sided)


def bernoulli_survival(t, *, n, p, two_sided=False):
    r"""Exact probability that the Bernoulli fit has not been absorbed after :math:`t` rounds.

    Replace scheme, Bernoulli MLE on a constant :math:`n` draws, truth :math:`p_0 = p`.
    The count :math:`nP_1` is :math:`\mathrm{Binomial}(n, p)` and every later round moves
    it by the Wright–Fisher matrix of :func:`wf_transition_matrix`, so the law of
    :math:`nP_t` is a binomial vector times a matrix power, computed exactly by
    :math:`t - 1` vector–matrix products (cost :math:`O(t n^2)`). Returns
    :math:`P(P_t \neq 0)` or, with ``two_sided=True``, :math:`P(P_t \notin \{0, 1\})`,
    the probability that the coin is still a coin.

    Parameters
    ----------
    t : int or array of int
        Round(s) :math:`t \ge 0` (probability 1 at :math:`t = 0`).
    n : int
        Draws per round, :math:`n \ge 1`; the chain has :math:`(n + 1)^2` transition
        probabilities, refused beyond the library's memory limit.
    p : float
        True success probability :math:`p_0 \in (0, 1)`.
    two_sided : bool, optional
        Count absorption at 1 as well (default ``False``: only at 0).

    Returns
    -------
    float or numpy.ndarray
        :math:`P(P_t \neq 0)` (or :math:`P(P_t \notin \{0, 1\})`) for each ``t``.

    See Also
    --------
    bernoulli_survival_bracket : Suresh et al.'s bounds on the same probability.

    References
    ----------
    Classical (Wright–Fisher chain; Fisher 1930 [fisher1930], Wright 1931 [wright1931]).

    Examples
    --------
    A rare outcome, :math:`p_0 = 0.01`, refitted on 100 draws a round:

    >>> from collapse_lib import theory
    >>> theory.bernoulli_survival([0, 1, 10, 50], n=100, p=0.01).round(4).tolist()
    [1.0, 0.634, 0.1614, 0.0411]
    """
    t, n, p, two_sided = _bernoulli_inputs(t, n, p, two_sided)
    matrix = wf_transition_matrix(n=n)
    tmax = int(t.max()) if t.size else 0
    _check_elements(tmax * (n + 1), f"t={tmax} with n={n}")
    out = np.ones(tmax + 1)
    law = stats.binom.pmf(np.arange(n + 1), n, p)
    for k in range(1, tmax + 1):
        if k > 1:
            law = law @ matrix
        out[k] = law[1:-1].sum() if two_sided else law[1:].sum()
    return _out(out[t])


def bernoulli_survival_bracket(t, *, n, p, two_sided=False):
    r"""Suresh et al.'s bracket on the probability that the Bernoulli fit is not absorbed.

    Replace scheme, Bernoulli MLE on a constant :math:`n` draws, truth :math:`p_0 = p`,
    :math:`g_k` from :func:`g_iterate`. Their Theorem 1 states, for :math:`k \ge 1`,

    .. math:: 1 - e^{-n p_0 g_k} \le P(P_k \neq 0) \le
              1 - e^{-n p_0 g_k}\max\big(1 - 3 n p_0^2 - 3 (k+1) p_0,\ 0\big),

    the Poisson survival :func:`poisson_survival` with a correction for the binomial
    draws. With ``two_sided=True`` the bracket of :math:`P(P_k \notin \{0, 1\})` adds the
    same terms with :math:`1 - p_0` in place of :math:`p_0`: lower bound
    :math:`1 - e^{-n p_0 g_k} - e^{-n (1 - p_0) g_k}`, upper bound
    :math:`1 - e^{-n p_0 g_k}\max(\cdot) - e^{-n (1-p_0) g_k}\max(\cdot)`. The upper bound is
    informative only while :math:`3 n p_0^2 + 3(k+1)p_0 < 1` (a rare outcome, few
    rounds); the lower bound can be negative (vacuous). Both are returned as they are.

    Parameters
    ----------
    t : int or array of int
        Round(s) :math:`k \ge 0` (both bounds are 1 at :math:`k = 0`).
    n : int
        Draws per round, :math:`n \ge 1`.
    p : float
        True success probability :math:`p_0 \in (0, 1)`.
    two_sided : bool, optional
        Bracket :math:`P(P_k \notin \{0, 1\})` instead of :math:`P(P_k \neq 0)`.

    Returns
    -------
    (lower, upper) : floats or numpy.ndarrays
        The two bounds for each ``t``.

    See Also
    --------
    bernoulli_survival : the exact probability.

    References
    ----------
    Suresh, Thangaraj and Khandavally (2025) [suresh2025], Theorem 1 (as stated in
    their published simulation code); the bracket is theirs, the code ours.

    Examples
    --------
    The exact value of :func:`bernoulli_survival` at :math:`k = 10` lies inside:

    >>> from collapse_lib import theory
    >>> low, high = theory.bernoulli_survival_bracket(10, n=100, p=0.01)
    >>> round(low, 4), round(high, 4)
    (0.1582, 0.4613)
    """
    t, n, p, two_sided = _bernoulli_inputs(t, n, p, two_sided)
    g = np.asarray(g_iterate(t), dtype=float)
    k = t.astype(float)
    sides = (p, 1.0 - p) if two_sided else (p,)
    lower, upper = np.ones(t.shape), np.ones(t.shape)
    for q in sides:
        dead = np.exp(-n * q * g)
        lower -= dead
        upper -= dead * np.maximum(1.0 - 3.0 * n * q * q - 3.0 * (k + 1.0) * q, 0.0)
    return _out(lower), _out(upper)


@_doc
def poisson_survival_by_generation(*, sizes, generations=None, lam):
    r"""Exact :math:`P(\Lambda_t \neq 0)` for the Poisson MLE under any schedule (replace).

    :math:`n_t\Lambda_t` is Poisson with mean :math:`n_t\Lambda_{t-1}`, so
    :math:`E[e^{-y\Lambda_t}\mid\Lambda_{t-1}] = \exp(-\Lambda_{t-1}\, h_t(y))` with
    :math:`h_t(y) = n_t (1 - e^{-y/n_t})`. Letting :math:`y \to \infty` in round
    :math:`T` and conditioning backwards,

    .. math:: P(\Lambda_T = 0) = \exp(-\lambda\, y_0^{(T)}),\qquad
              y_{T-1}^{(T)} = n_T,\quad y_{t-1}^{(T)} = h_t\big(y_t^{(T)}\big).

    For a constant schedule :math:`y_0^{(T)} = n\,g_T` and this is
    :func:`poisson_survival`. From :math:`x/(1+x) \le 1 - e^{-x} \le 2x/(2+x)` it
    follows that :math:`1/S_T \le y_0^{(T)} \le 2/S_T` with
    :math:`S_T = \sum_{t\le T} 1/n_t`: the rate dies out almost surely iff
    :math:`\sum_t 1/n_t = \infty`. All :math:`T` are computed together, :math:`G`
    vectorised steps.

    Parameters
    ----------
    %(sizes)s
    lam : float
        True rate :math:`\lambda > 0`.

    Returns
    -------
    numpy.ndarray
        Shape ``(G + 1,)``; entry :math:`t` is :math:`P(\Lambda_t \neq 0)` (entry 0 is 1).

    References
    ----------
    Derived here, extending the constant-size formula of Suresh, Thangaraj and
    Khandavally (2025) [suresh2025] to growing schedules.

    Examples
    --------
    A doubling schedule slows the extinction of a small rate:

    >>> from collapse_lib import theory
    >>> p = theory.poisson_survival_by_generation(sizes=[10, 20, 40], lam=0.1)
    >>> p.round(4).tolist()
    [1.0, 0.6321, 0.5788, 0.5607]
    """
    lam = _positive("lam", lam)
    n = _schedule(sizes, generations)
    G = n.size
    y = n.copy()  # y[T-1] holds y^{(T)} for the target generation T = 1..G
    for j in range(1, G):
        # one step back for every target T > j: from y_{T-j} to y_{T-j-1}, through n_{T-j}
        nn = n[: G - j]
        y[j:] = -nn * np.expm1(-y[j:] / nn)
    return np.concatenate(([1.0], -np.expm1(-lam * y)))


@_doc
def poisson_survival_forever(*, sizes, generations=None, lam, tail):
    r"""Bracket on the probability that a Poisson rate never dies out, any schedule (replace).

    :math:`P(\Lambda_t \neq 0)` decreases in :math:`t`; its limit is the probability of
    surviving forever. With :math:`u_t = 1/y_t^{(T)}` the recursion of
    :func:`poisson_survival_by_generation` reads :math:`u_{t-1} = k_t(u_t)`,
    :math:`k_t(u) = 1/\big(n_t(1 - e^{-1/(n_t u)})\big)`, started from :math:`u_T = 0`.
    Each :math:`k_t` is increasing with slope :math:`(x/(2\sinh(x/2)))^2 \le 1`
    (:math:`x = 1/(n_t u)`) and :math:`k_t(u) \le u + 1/n_t`. Starting the recursion later
    therefore raises :math:`u_T` from 0 to at most the tail :math:`\sum_{t > G} 1/n_t`,
    and raises :math:`1/y_0` by at most as much, so

    .. math:: 1 - \exp\Big(-\frac{\lambda}{1/y_0^{(G)} + r_G}\Big)
              \le P(\Lambda_t \neq 0 \text{ for all } t)
              \le 1 - \exp\big(-\lambda\, y_0^{(G)}\big),

    for any :math:`r_G \ge \sum_{t > G} 1/n_t`. One backward pass, :math:`O(G)`.

    Parameters
    ----------
    %(sizes)s
    lam : float
        True rate :math:`\lambda > 0`.
    tail : float
        An upper bound :math:`r_G \ge 0` on :math:`\sum_{t > G} 1/n_t` (for example
        :math:`\int_G^\infty dt/(n_0 t^p) = G^{1-p}/(n_0(p-1))` for
        ``schedules.power(n0, p)``).

    Returns
    -------
    tuple of float
        ``(lower, upper)``; the upper end is :math:`P(\Lambda_G \neq 0)`.

    See Also
    --------
    poisson_survival_by_generation : every round :math:`t \le G`.

    References
    ----------
    Derived here, from the recursion that extends Suresh, Thangaraj and Khandavally's
    (2025) [suresh2025] constant-size formula.

    Examples
    --------
    For :math:`n_t = 10\,t^2` the tail beyond :math:`G` is below :math:`1/(10 G)`:

    >>> from collapse_lib import theory
    >>> from collapse_lib import schedules
    >>> G = 10_000
    >>> low, high = theory.poisson_survival_forever(
    ...     sizes=schedules.power(10, 2), generations=G, lam=0.2, tail=1 / (10 * G))
    >>> round(low, 5), round(high, 5)
    (0.84665, 0.84668)
    """
    lam = _positive("lam", lam)
    tail = _check_real("tail", tail, low=0.0)
    n = _schedule(sizes, generations)
    u = 0.0
    for nt in n[::-1].tolist():  # u_{t-1} = 1 / (n_t (1 - exp(-1 / (n_t u_t)))), u_T = 0
        u = 1.0 / nt if u == 0.0 else -1.0 / (nt * math.expm1(-1.0 / (nt * u)))
    return -math.expm1(-lam / (u + tail)), -math.expm1(-lam / u)


@_doc
def poisson_rate_variance(*, sizes, generations=None, lam, scheme="replace", fresh=0.0):
    r"""Exact variance :math:`\operatorname{Var}\lambda_t` of the refitted Poisson rate (MLE).

    Round :math:`t` draws :math:`n_t` observations, each from the truth
    :math:`\mathrm{Poisson}(\lambda)` with probability :math:`\varepsilon` and from
    :math:`\mathrm{Poisson}(\lambda_{t-1})` otherwise, and refits the sample mean on the
    new batch (replace) or on all :math:`N_t` observations (accumulate). Either way
    :math:`\lambda_t = (1 - w_t)\lambda_{t-1} + w_t \bar X_t` with :math:`w_t = 1`
    (replace) or :math:`w_t = n_t / N_t` (accumulate). Hence :math:`E\lambda_t =
    \lambda`, and with :math:`V_t = \operatorname{Var}\lambda_t`, using that one draw
    has conditional variance
    :math:`\lambda + (1-\varepsilon)(\lambda_{t-1} - \lambda)
    + \varepsilon(1-\varepsilon)(\lambda_{t-1} - \lambda)^2`,

    .. math:: V_t = (1 - \varepsilon w_t)^2 V_{t-1}
              + \frac{w_t^2}{n_t}\big(\lambda + \varepsilon(1-\varepsilon) V_{t-1}\big),
              \qquad V_0 = 0 .

    Without fresh data this is :math:`\lambda \sum_t 1/n_t` (replace) and
    :math:`\lambda \sum_t n_t/N_t^2` (accumulate), the Gaussian mean walk of
    :func:`mean_walk_variance` with :math:`\sigma^2 = \lambda`.

    Parameters
    ----------
    %(sizes)s
    lam : float
        True rate :math:`\lambda > 0`.
    %(scheme)s
    %(fresh)s

    Returns
    -------
    numpy.ndarray
        Shape ``(G + 1,)``; entry :math:`t` is :math:`\operatorname{Var}\lambda_t`, entry 0 is 0.

    References
    ----------
    Derived here (a one-step recursion of conditional variances).

    Examples
    --------
    Without fresh data the accumulated rate varies like the Gaussian mean walk:

    >>> from collapse_lib import theory
    >>> v = theory.poisson_rate_variance(sizes=10, lam=2.0, scheme="accumulate", generations=3)
    >>> v.round(4).tolist()
    [0.0, 0.2, 0.25, 0.2722]
    """
    lam = _positive("lam", lam)
    scheme = _scheme(scheme)
    eps = _fresh(fresh)
    n = _schedule(sizes, generations)
    w = np.ones_like(n) if scheme == "replace" else n / np.cumsum(n)
    v = np.zeros(n.size + 1)
    for t in range(1, n.size + 1):
        v[t] = (1.0 - eps * w[t - 1]) ** 2 * v[t - 1] + w[t - 1] ** 2 / n[t - 1] * (
            lam + eps * (1.0 - eps) * v[t - 1]
        )
    return v
