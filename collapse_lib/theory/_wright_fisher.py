r"""Categorical resampling without fresh data: the Wright–Fisher chain (private).

A categorical model refitted by its empirical frequencies on :math:`n` of its own draws
(:class:`collapse_lib.Categorical`, replace, no fresh data; with two categories,
:class:`collapse_lib.Bernoulli`) moves its counts by multinomial resampling: the
Wright–Fisher model of population genetics with :math:`n` gene copies, and Borkar's
empirical resampling. Every type eventually takes over (total collapse). This module
holds the transition matrix, fixation, heterozygosity, absorption times (exact and
diffusion approximations), coalescence, a bound on the collapse time and the expected
number of surviving types. The chain with a fresh fraction is in
:mod:`collapse_lib.theory._wright_fisher_fresh`, word forgetting in
:mod:`collapse_lib.theory._words`.
"""

from __future__ import annotations

import numpy as np
from scipy import linalg, special, stats

from .._validate import _check_int, _check_real
from ._common import _check_elements, _doc, _out, _probs, _real_array, _rounds


def _states(n) -> int:
    """``n`` as an int >= 1, refused if its (n + 1) x (n + 1) matrix is too large."""
    n = _check_int("n", n, minimum=1)
    _check_elements((n + 1) ** 2, f"n={n}")
    return n


def _lineages(n, lineages) -> int:
    """The number of lineages, 1 <= lineages <= n (default n)."""
    if lineages is None:
        return n
    lineages = _check_int("lineages", lineages, minimum=1)
    if lineages > n:
        raise ValueError(f"lineages must be <= n={n}, got {lineages}")
    return lineages


# ------------------------------------------------------------------- the chain
def wf_transition_matrix(*, n):
    r"""Transition matrix of the two-type Wright–Fisher chain with :math:`n` copies.

    The state is the count :math:`i \in \{0, \dots, n\}` of one type; the next count is
    :math:`\mathrm{Binomial}(n, i/n)`:

    .. math:: P_{ij} = \binom{n}{j}\Big(\frac in\Big)^j\Big(1 - \frac in\Big)^{n-j}.

    This is Bernoulli MLE refitting, and empirical resampling of a two-atom law
    (Borkar's total collapse). States 0 and :math:`n` are absorbing.

    Parameters
    ----------
    n : int
        Number of copies, :math:`n \ge 1`. The matrix has :math:`(n+1)^2` entries.

    Returns
    -------
    numpy.ndarray
        Shape ``(n + 1, n + 1)``, rows summing to 1.

    References
    ----------
    Classical (Fisher 1930 [fisher1930]; Wright 1931 [wright1931]).

    Examples
    --------
    Two copies: the middle state stays with probability one half:

    >>> from collapse_lib import theory
    >>> theory.wf_transition_matrix(n=2).round(4).tolist()
    [[1.0, 0.0, 0.0], [0.25, 0.5, 0.25], [0.0, 0.0, 1.0]]
    """
    n = _states(n)
    i = np.arange(n + 1)
    return stats.binom.pmf(i[None, :], n, i[:, None] / n)


def wf_fixation_probability(*, p):
    r"""Probability that a type of initial frequency :math:`p` takes over: :math:`p`.

    :math:`P_t` is a bounded martingale absorbed in :math:`\{0, 1\}`, so
    :math:`P(\text{fixation}) = E P_\infty = p`: the limit Dirac :math:`\delta_X` has
    :math:`X` distributed as the truth.

    Parameters
    ----------
    p : float or array
        Initial frequency in :math:`[0, 1]`.

    Returns
    -------
    float or numpy.ndarray
        Equal to ``p`` (a copy, as a float or an array).

    References
    ----------
    Classical; Borkar (2025) [borkar2025] for empirical resampling of any law.

    Examples
    --------
    The fixation probability is the initial frequency:

    >>> from collapse_lib import theory
    >>> theory.wf_fixation_probability(p=0.3)
    0.3
    """
    return _out(_real_array("p", p, low=0.0, high=1.0))


@_doc
def wf_heterozygosity(t, *, p, n):
    r"""Expected heterozygosity :math:`E[P_t(1 - P_t)] = p(1-p)(1 - 1/n)^t`.

    One step of the Wright–Fisher chain: :math:`E[P_t(1-P_t) \mid P_{t-1}] =
    P_{t-1} - P_{t-1}^2 - P_{t-1}(1-P_{t-1})/n`.

    Parameters
    ----------
    %(t)s
    p : float or array
        Initial frequency :math:`P_0` in :math:`[0, 1]`.
    n : int
        Copies per round, :math:`n \ge 1`.

    Returns
    -------
    float or numpy.ndarray
        :math:`E[P_t(1 - P_t)]`, broadcast over ``p`` and ``t``.

    References
    ----------
    Classical (Wright 1931 [wright1931]).

    Examples
    --------
    Heterozygosity falls by the factor :math:`1 - 1/n` per round:

    >>> from collapse_lib import theory
    >>> theory.wf_heterozygosity([0, 1, 2], p=0.5, n=10).round(4).tolist()
    [0.25, 0.225, 0.2025]
    """
    t = _rounds(t)
    p = _real_array("p", p, low=0.0, high=1.0)
    n = _check_int("n", n, minimum=1)
    return _out(p * (1 - p) * (1.0 - 1.0 / n) ** t)


# ------------------------------------------------------------- absorption times
def wf_absorption_time_exact(*, n):
    r"""Exact expected absorption time of the Wright–Fisher chain from every count.

    With :math:`Q` the block of :func:`wf_transition_matrix` on the transient counts
    :math:`1, \dots, n-1`, the expected times :math:`\tau` solve
    :math:`(I - Q)\tau = \mathbf 1` (first-step analysis); solved as a linear system,
    :math:`O(n^3)`.

    Parameters
    ----------
    n : int
        Number of copies, :math:`n \ge 1`.

    Returns
    -------
    numpy.ndarray
        Shape ``(n + 1,)``; entry :math:`i` is the expected number of rounds until
        one type holds all :math:`n` copies, starting from :math:`i` copies (0 at both
        ends).

    See Also
    --------
    wf_absorption_time_kimura : the diffusion approximation.

    References
    ----------
    Classical (first-step analysis of a finite Markov chain).

    Examples
    --------
    Four copies: starting from an even split takes longest:

    >>> from collapse_lib import theory
    >>> theory.wf_absorption_time_exact(n=4).round(4).tolist()
    [0.0, 3.6897, 4.5517, 3.6897, 0.0]
    """
    P = wf_transition_matrix(n=n)
    Q = P[1:n, 1:n]
    tau = np.zeros(n + 1)
    if n > 1:
        tau[1:n] = linalg.solve(np.eye(n - 1) - Q, np.ones(n - 1))
    return tau


def wf_absorption_time_kimura(*, p, n):
    r"""Kimura's diffusion approximation of the mean absorption time (approximation).

    .. math:: \bar t(p) \approx -2n\,[\,p \ln p + (1-p)\ln(1-p)\,]

    rounds for :math:`n` copies (Kimura and Ohta's :math:`4N` diploid genes replaced by
    :math:`2n` for :math:`n` copies). It overestimates the exact value
    (:func:`wf_absorption_time_exact`), and the gap is not a constant: from
    :math:`p = 1/2` it is 1.50, 1.80, 2.03 and 2.26 rounds for :math:`n` = 20, 50, 100
    and 200, and grows like :math:`\tfrac13 \ln n` (about 0.231 per doubling of
    :math:`n`, an observation from the exact values, not a theorem), so the relative
    error falls like :math:`\ln n / n`.

    Parameters
    ----------
    p : float or array
        Initial frequency in :math:`[0, 1]`.
    n : int
        Copies, :math:`n \ge 1`.

    Returns
    -------
    float or numpy.ndarray
        The approximate mean absorption time, in rounds, for each entry of ``p``.

    References
    ----------
    Kimura and Ohta (1969) [kimura1969], the mean time to fixation or loss.

    Examples
    --------
    About :math:`1.39\,n` rounds from an even split:

    >>> from collapse_lib import theory
    >>> round(theory.wf_absorption_time_kimura(p=0.5, n=100), 2)
    138.63
    """
    p = _real_array("p", p, low=0.0, high=1.0)
    n = _check_int("n", n, minimum=1)
    return _out(-2.0 * n * (special.xlogy(p, p) + special.xlogy(1 - p, 1 - p)))


def wf_absorption_time_kimura_multi(*, probs, n):
    r"""Diffusion approximation of the mean time until one of :math:`K` types remains.

    .. math:: \bar t(p_1, \dots, p_K) \approx -2n \sum_{i} (1 - p_i)\ln(1 - p_i)

    (reduces to :func:`wf_absorption_time_kimura` for :math:`K = 2`). An approximation:
    for three types and :math:`n \approx 25` it exceeds the exact mean of the
    multinomial chain by one to two rounds, as in the two-type case.

    Parameters
    ----------
    probs : array_like
        Initial frequencies, 1-D, non-negative, summing to 1.
    n : int
        Copies, :math:`n \ge 1`.

    Returns
    -------
    float
        The approximate mean time, in rounds, until one type holds every copy.

    References
    ----------
    Littler (1975) [littler1975].

    Examples
    --------
    Three types take longer to reduce to one than two types:

    >>> from collapse_lib import theory
    >>> round(theory.wf_absorption_time_kimura_multi(probs=[0.5, 0.25, 0.25], n=100), 2)
    155.62
    """
    probs = _probs(probs)
    n = _check_int("n", n, minimum=1)
    q = 1.0 - probs
    return float(-2.0 * n * np.sum(special.xlogy(q, q)))


def coalescence_time(*, n, lineages=None):
    r"""Exact expected number of rounds back to the common ancestor of some copies.

    In a Wright–Fisher population of :math:`n` copies each copy picks its parent
    uniformly at random in the previous round. Tracing :math:`m` lineages back one
    round leaves :math:`j` distinct parents with the occupancy probability of
    :math:`m` balls in :math:`n` boxes, a lower-triangular Markov chain on
    :math:`\{1, \dots, k\}` (:math:`k` the number of lineages); its expected absorption
    time in 1 solves a triangular linear system (forward substitution, :math:`O(k^2)`).

    With :math:`k = n` (the default) this is, exactly, the expected time for empirical
    resampling started from :math:`n` distinct atoms to reach a single atom (Borkar's
    total collapse): all copies of round :math:`t` are of one type iff their genealogy
    has coalesced within :math:`t` rounds. Compare :func:`coalescence_time_kingman`,
    :math:`\approx 2(n-1)`.

    Parameters
    ----------
    n : int
        Population size (copies), :math:`n \ge 1`.
    lineages : int, optional
        Number of lineages :math:`k`, :math:`1 \le k \le n` (default :math:`n`).

    Returns
    -------
    float
        The expected number of rounds back to the most recent common ancestor.

    References
    ----------
    Derived here (the exact finite-:math:`n` genealogy).

    Examples
    --------
    All 50 lineages, then just two of them:

    >>> from collapse_lib import theory
    >>> round(theory.coalescence_time(n=50), 2)
    96.97
    >>> round(theory.coalescence_time(n=50, lineages=2), 6)
    50.0
    """
    n = _check_int("n", n, minimum=1)
    k = _lineages(n, lineages)
    occ = np.zeros(k + 1)  # occ[j] = P(m lineages have j distinct parents)
    occ[1] = 1.0  # m = 1
    tau = np.zeros(k + 1)
    j = np.arange(k + 1, dtype=float)
    for m in range(2, k + 1):
        occ[1 : m + 1] = occ[1 : m + 1] * j[1 : m + 1] / n + occ[0:m] * (n - j[1 : m + 1] + 1) / n
        tau[m] = (1.0 + occ[2:m] @ tau[2:m]) / (1.0 - occ[m])
    return float(tau[k])


def coalescence_time_kingman(*, n, lineages=None):
    r"""Kingman's coalescent approximation :math:`2n(1 - 1/k)` of :func:`coalescence_time`.

    :math:`m` lineages merge at rate :math:`\binom m2/n` per round, so the expected
    time is :math:`\sum_{m=2}^{k} n/\binom m2 = 2n(1 - 1/k)`; with :math:`k = n` this is
    :math:`2(n-1)`. An approximation (the coalescent is the large-:math:`n` limit); for
    :math:`k = n` the exact value is smaller, by 0.73 rounds at :math:`n = 20` and 2.18 at
    :math:`n = 1600`: like Kimura's overestimate (:func:`wf_absorption_time_kimura`) the
    gap grows by about 0.23 rounds per doubling of :math:`n` (an observation from the
    exact values).

    Parameters
    ----------
    n : int
        Population size, :math:`n \ge 1`.
    lineages : int, optional
        Number of lineages :math:`k`, :math:`1 \le k \le n` (default :math:`n`).

    Returns
    -------
    float
        The coalescent's expected time :math:`2n(1 - 1/k)`, in rounds.

    References
    ----------
    Kingman (1982) [kingman1982].

    Examples
    --------
    Kingman's value :math:`2(n - 1)` for all lineages:

    >>> from collapse_lib import theory
    >>> theory.coalescence_time_kingman(n=50)
    98.0
    """
    n = _check_int("n", n, minimum=1)
    k = _lineages(n, lineages)
    return 2.0 * n * (1.0 - 1.0 / k)


# ---------------------------------------------------------------- total collapse
def wf_collapse_tail_bound(t, *, probs, n):
    r"""Upper bound on the probability that resampling has not collapsed by round :math:`t`.

    Categorical model refitted on :math:`n` draws per round (replace, no fresh data,
    i.e. Wright–Fisher with :math:`K` types), started from the frequencies
    :math:`p = (p_1, \dots, p_K)`. The *heterozygosity*
    :math:`H_t = 1 - \sum_i P_{t,i}^2` (the chance that two draws from the model of
    round :math:`t` differ) satisfies :math:`E[H_t \mid P_{t-1}] = (1 - 1/n) H_{t-1}`,
    and on a state that holds at least two types :math:`H \ge 2(n-1)/n^2` (the
    frequencies are multiples of :math:`1/n` from round 1 on). Markov's inequality
    gives, for :math:`t \ge 1`,

    .. math:: P(\tau > t) \le \frac{n^2\, H_0\,(1 - 1/n)^t}{2(n-1)},
              \qquad H_0 = 1 - \sum_i p_i^2,

    with :math:`\tau` the first round at which one type holds all the mass. The tail
    of the collapse time is at most geometric with rate :math:`1 - 1/n`. Values above 1
    are vacuous and returned as they are.

    Parameters
    ----------
    t : int or array of int
        Round(s), :math:`t \ge 1`.
    probs : array_like
        Initial frequencies, 1-D, non-negative, summing to 1 (at least 2 entries).
    n : int
        Draws per round, :math:`n \ge 2`.

    Returns
    -------
    float or numpy.ndarray
        The bound on :math:`P(\tau > t)` for each round in ``t`` (possibly above 1).

    References
    ----------
    Derived here, from Markov's inequality on the heterozygosity.

    Examples
    --------
    Two even types of 20 copies are unlikely to coexist after 200 rounds:

    >>> from collapse_lib import theory
    >>> round(theory.wf_collapse_tail_bound(200, probs=[0.5, 0.5], n=20), 6)
    0.000184
    """
    t = _rounds(t, minimum=1)
    probs = _probs(probs)
    n = _check_int("n", n, minimum=2)
    h0 = 1.0 - float(np.sum(probs**2))
    return _out(n * n * h0 * (1.0 - 1.0 / n) ** t / (2.0 * (n - 1)))


def wf_collapse_horizon(*, probs, n, delta):
    r"""Rounds after which collapse has happened with probability at least :math:`1 - \delta`.

    The smallest :math:`t \ge 1` at which :func:`wf_collapse_tail_bound` is at most
    :math:`\delta`:

    .. math:: t = \Big\lceil \frac{\ln\big(2(n-1)\delta / (n^2 H_0)\big)}{\ln(1 - 1/n)}
              \Big\rceil \vee 1 .

    Useful to size a simulation so that every replicate collapses: with :math:`R`
    replicates and :math:`\delta = 10^{-3}/R`, the chance that any replicate is still
    alive at the horizon is below :math:`10^{-3}`. Grows like :math:`n \ln(n/\delta)`.

    Parameters
    ----------
    probs : array_like
        Initial frequencies, as in :func:`wf_collapse_tail_bound`.
    n : int
        Draws per round, :math:`n \ge 2`.
    delta : float
        Target probability, :math:`0 < \delta < 1`.

    Returns
    -------
    int
        The first round :math:`t \ge 1` at which the bound is at most ``delta``.

    References
    ----------
    Derived here (inverting :func:`wf_collapse_tail_bound`).

    Examples
    --------
    Rounds needed before collapse has happened with probability 0.999:

    >>> from collapse_lib import theory
    >>> theory.wf_collapse_horizon(probs=[0.5, 0.5], n=20, delta=1e-3)
    168
    """
    probs = _probs(probs)
    n = _check_int("n", n, minimum=2)
    delta = _check_real("delta", delta, low=0.0, high=1.0, low_open=True, high_open=True)
    h0 = 1.0 - float(np.sum(probs**2))
    if h0 == 0.0:
        return 1
    t = max(1, int(np.ceil(np.log(2.0 * (n - 1) * delta / (n * n * h0)) / np.log1p(-1.0 / n))))
    # guard against rounding in the logarithms: the bound itself decides
    while t > 1 and wf_collapse_tail_bound(t - 1, probs=probs, n=n) <= delta:
        t -= 1
    while wf_collapse_tail_bound(t, probs=probs, n=n) > delta:
        t += 1
    return t


def wf_collapse_mean_bound(*, probs, n):
    r"""Upper bound on the expected collapse time from the tail bound (order :math:`n \ln n`).

    With :math:`b_t` the bound of :func:`wf_collapse_tail_bound` and :math:`t_0` the
    first round :math:`t \ge 1` with :math:`b_t \le 1`,

    .. math:: E\,\tau = \sum_{t \ge 0} P(\tau > t)
              \le \sum_{t \ge 0} \min\{1, b_t\} = t_0 + n\, b_{t_0}
              \le 1 + n\,(1 + \ln C), \qquad C = \frac{n^2 H_0}{2(n-1)} \ge 1,

    (a geometric sum of ratio :math:`1 - 1/n` from :math:`t_0` on, and
    :math:`t_0 - 1 \le \ln C / (-\ln(1 - 1/n)) \le n \ln C`). Since
    :math:`C \approx n H_0 / 2`, the bound is :math:`n \ln n + O(n)`: a factor
    :math:`\ln n` above the true order :math:`n` of :math:`E\,\tau`
    (:func:`wf_absorption_time_exact`, :func:`coalescence_time`). The rate of the tail
    bound is right; its constant :math:`C` costs the logarithm.

    Parameters
    ----------
    probs : array_like
        Initial frequencies, 1-D, non-negative, summing to 1.
    n : int
        Draws per round, :math:`n \ge 2`.

    Returns
    -------
    float
        :math:`t_0 + n\,b_{t_0}` (0 if a single type is present from the start).

    References
    ----------
    Derived here (summing :func:`wf_collapse_tail_bound`).

    Examples
    --------
    Two even types of 50 copies: the exact mean is about 67.5 rounds:

    >>> from collapse_lib import theory
    >>> round(theory.wf_collapse_mean_bound(probs=[0.5, 0.5], n=50), 2)
    176.02
    """
    probs = _probs(probs)
    n = _check_int("n", n, minimum=2)
    h0 = 1.0 - float(np.sum(probs**2))
    if h0 <= 0.0:
        return 0.0
    c = n * n * h0 / (2.0 * (n - 1))
    t0 = max(1, int(np.ceil(np.log(c) / -np.log1p(-1.0 / n)))) if c > 1.0 else 1
    # guard against rounding in the logarithms: the bound itself decides
    while t0 > 1 and wf_collapse_tail_bound(t0 - 1, probs=probs, n=n) <= 1.0:
        t0 -= 1
    while wf_collapse_tail_bound(t0, probs=probs, n=n) > 1.0:
        t0 += 1
    return float(t0 + n * wf_collapse_tail_bound(t0, probs=probs, n=n))


@_doc
def wf_surviving_types_mean(*, probs, n, generations):
    r"""Expected number of types still present at every round of Wright–Fisher resampling.

    Categorical model with frequencies :math:`p_1, \dots, p_K` at round 0, refitted on
    :math:`n` draws per round (replace, no fresh data). By linearity,
    :math:`E K_t = \sum_i P(P_{t,i} > 0)`, and the count of type :math:`i` is a
    two-type Wright–Fisher chain: :math:`nP_{1,i} \sim \mathrm{Binomial}(n, p_i)`, then
    :func:`wf_transition_matrix` each round. Exact, cost :math:`O(G\,u\,n^2)` for
    :math:`u` distinct values among the :math:`p_i`.

    Started from :math:`n` distinct atoms (``probs = np.full(n, 1/n)``) this is the
    expected number of distinct atoms left after :math:`t` rounds of empirical
    resampling, equivalently the expected number of distinct ancestors of :math:`n`
    lineages traced back :math:`t` rounds (the coalescent of :func:`coalescence_time`).

    Parameters
    ----------
    probs : array_like
        Frequencies at round 0, 1-D, non-negative, summing to 1.
    %(draws)s
    generations : int
        :math:`G \ge 0`.

    Returns
    -------
    numpy.ndarray
        Shape ``(G + 1,)``; entry :math:`t` is :math:`E K_t` (entry 0 counts the
        positive :math:`p_i`).

    References
    ----------
    Derived here, by linearity over types and the two-type chain.

    Examples
    --------
    Four distinct atoms resampled four at a time:

    >>> from collapse_lib import theory
    >>> k = theory.wf_surviving_types_mean(probs=[0.25] * 4, n=4, generations=3)
    >>> k.round(4).tolist()
    [4.0, 2.7344, 2.147, 1.8063]
    """
    probs = _probs(probs)
    n = _states(n)
    generations = _check_int("generations", generations, minimum=0)
    values, mult = np.unique(probs[probs > 0], return_counts=True)
    _check_elements(values.size * (n + 1), f"n={n} with {values.size} distinct probs")
    out = np.empty(generations + 1)
    out[0] = mult.sum()
    if generations == 0:
        return out
    P = wf_transition_matrix(n=n)
    law = stats.binom.pmf(np.arange(n + 1)[None, :], n, values[:, None])  # round 1
    for t in range(1, generations + 1):
        if t > 1:
            law = law @ P
        out[t] = mult @ (1.0 - law[:, 0])
    return out
