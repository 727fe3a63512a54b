r"""Unigram language models: forgetting words and losing vocabulary (private).

A unigram model refitted by word frequencies on :math:`n` sampled words per round is
:class:`collapse_lib.Categorical` over a vocabulary; the count of any one word is the
two-type Wright–Fisher chain :math:`X_t \sim \mathrm{Binomial}(n, X_{t-1}/n)`. A word
whose count reaches 0 is lost for ever (without fresh data). This module holds the
probability that a word seen :math:`c` times is lost by round :math:`t` (exact, and
Suresh et al.'s Poisson approximation), the median and conditional mean forgetting
times, and the probability that each word of a vocabulary is absent from the model of
each round, under replace or accumulate with a fresh fraction.
"""

from __future__ import annotations

import numpy as np
from scipy import stats

from .._validate import _as_int_array, _check_int, _check_real
from ._bernoulli_poisson import g_iterate
from ._common import (
    _by_generation,
    _check_elements,
    _doc,
    _fresh,
    _out,
    _real_array,
    _schedule,
    _scheme,
)


@_doc
def word_loss_probability_poisson(t, *, count):
    r"""Chance that a word seen :math:`c` times is lost by round :math:`t` (Poisson approx.).

    One word of a unigram model refitted on :math:`n` sampled words follows the
    Wright–Fisher chain :math:`X_t \sim \mathrm{Binomial}(n, X_{t-1}/n)` with
    :math:`X_0 = c`. For :math:`c \ll n` the binomial is close to
    :math:`\mathrm{Poisson}(X_{t-1})` (a critical branching process), for which, as in
    :func:`poisson_survival`,

    .. math:: P(X_t = 0) \approx \exp(-c\, g_t).

    Exact for the Poisson model; for the unigram model an approximation with an error
    of order :math:`c/n` (compare :func:`word_loss_probability_exact`).

    Parameters
    ----------
    %(t)s
    count : int
        The word's count :math:`c \ge 1` in the original corpus.

    Returns
    -------
    float or numpy.ndarray
        The approximate :math:`P(X_t = 0)` for each round in ``t``.

    References
    ----------
    Suresh, Thangaraj and Khandavally (2025) [suresh2025], their forgetting formula.

    Examples
    --------
    A word seen twice is probably gone after ten rounds:

    >>> from collapse_lib import theory
    >>> theory.word_loss_probability_poisson([1, 10, 100], count=2).round(4).tolist()
    [0.1353, 0.7086, 0.9617]
    """
    c = _check_int("count", count, minimum=1)
    return _out(np.exp(-c * np.asarray(g_iterate(t))))


def word_loss_probability_exact(*, count, n, generations, tol=1e-9):
    r"""Exact probability that a word seen :math:`c` times is lost within each round.

    One word of a unigram model refitted on :math:`n` sampled words per round (replace,
    no fresh data) has count :math:`X_t \sim \mathrm{Binomial}(n, X_{t-1}/n)`: the
    two-type Wright–Fisher chain of :func:`wf_transition_matrix`. This returns
    :math:`u_t(c) = P(X_t = 0 \mid X_0 = c) = (P^t)_{c0}` for :math:`t = 0, \dots, G`,
    the distribution function of the forgetting time of a word seen :math:`c` times in
    a corpus of :math:`n` words.

    Computed by the backward recursion :math:`u_t = P u_{t-1}`, :math:`u_0 = 1_{\{0\}}`,
    on the counts :math:`0, \dots, M` only. Alongside it,
    :math:`v_t = P_{\le M} v_{t-1}`, :math:`v_0 = 1`, is the probability of staying
    at or below :math:`M` for :math:`t` rounds, and the truncated :math:`u_t(c)` is
    below the true value by at most :math:`1 - v_t(c)`. :math:`M` starts at a few times
    :math:`\max c` and doubles until that bound is at most ``tol`` for every requested
    :math:`c` and :math:`t` (or :math:`M = n`, when nothing is truncated). The cost is
    :math:`O(G M^2)`; :math:`M` grows roughly like the horizon :math:`G` (a surviving
    critical lineage has size of order :math:`t/2` after :math:`t` rounds), not like
    :math:`n`.

    Parameters
    ----------
    count : int or array of int
        Counts :math:`0 \le c \le n`.
    n : int
        Words per round, :math:`n \ge 1`.
    generations : int
        Horizon :math:`G \ge 0`.
    tol : float, optional
        Bound on the absolute error of every returned probability, in :math:`(0, 1)`.

    Returns
    -------
    numpy.ndarray
        Shape ``(G + 1,) + np.shape(count)``; entry ``[t]`` is :math:`P(X_t = 0 \mid X_0 = c)`.

    See Also
    --------
    word_loss_probability_poisson : the Poisson approximation.

    References
    ----------
    Derived here (the exact chain, truncated with a certified error).

    Examples
    --------
    A word seen twice in 1,000, round by round:

    >>> from collapse_lib import theory
    >>> u = theory.word_loss_probability_exact(count=2, n=1000, generations=3)
    >>> u.round(4).tolist()
    [0.0, 0.1351, 0.282, 0.3913]
    """
    c = _as_int_array("count", count, minimum=0)
    n = _check_int("n", n, minimum=1)
    generations = _check_int("generations", generations, minimum=0)
    tol = _check_real("tol", tol, low=0.0, high=1.0, low_open=True, high_open=True)
    if c.size and c.max() > n:
        raise ValueError(f"count must be <= n={n}, got {c.tolist()!r}")
    _check_elements((generations + 1) * max(c.size, 1), f"generations={generations}")
    cmax = int(c.max()) if c.size else 0
    M = min(n, max(64, 4 * cmax))
    while True:
        _check_elements((M + 1) ** 2, f"n={n} with generations={generations}")
        j = np.arange(M + 1)
        P = stats.binom.pmf(j[None, :], n, j[:, None] / n)
        U = np.zeros((M + 1, 2))
        U[0, 0] = 1.0  # u_0 = indicator of count 0
        U[:, 1] = 1.0  # v_0 = 1
        out = np.empty((generations + 1, *c.shape))
        out[0] = U[c, 0]
        for t in range(1, generations + 1):
            U = P @ U
            out[t] = U[c, 0]
        if M == n or (1.0 - U[c, 1]).max(initial=0.0) <= tol:
            return out
        M = min(n, 2 * M)


def word_forgetting_median(*, count):
    r"""Median round at which a word seen :math:`c` times is lost (approximation).

    The smallest :math:`t` with :func:`word_loss_probability_poisson` :math:`\ge 1/2`,
    i.e. :math:`g_t \le \ln 2 / c`. Since :math:`g_t \approx 2/t`, this is
    :math:`\approx 2c/\ln 2 \approx 2.9\,c`: forgetting time linear in the count.
    Approximate for the unigram model (error of order :math:`c/n`).

    Parameters
    ----------
    count : int or array of int
        Count(s) :math:`c \ge 1`.

    Returns
    -------
    int or numpy.ndarray of int
        The median forgetting round for each entry of ``count``.

    References
    ----------
    Suresh, Thangaraj and Khandavally (2025) [suresh2025]: forgetting linear in the count.

    Examples
    --------
    Forgetting takes about :math:`2.9\,c` rounds:

    >>> from collapse_lib import theory
    >>> theory.word_forgetting_median(count=[1, 10, 100]).tolist()
    [2, 27, 286]
    """
    c = _as_int_array("count", count, minimum=1)
    _check_elements(3 * int(c.max(initial=1)) + 10, f"count={int(c.max(initial=1))}")
    target = np.log(2.0) / c
    g = [np.inf]
    while g[-1] > target.min(initial=np.inf):
        g.append(-np.expm1(-g[-1]))
    # g is decreasing: the answer is the number of entries above the target.
    t = np.searchsorted(-np.asarray(g), -target, side="left")
    return int(t) if t.ndim == 0 else t.astype(np.int64)


def word_forgetting_mean_given_loss(*, count, n):
    r"""Mean time to lose a word seen :math:`c` times in :math:`n`, given it is lost (approx.).

    Kimura and Ohta's diffusion formula for the mean time to loss conditional on loss,
    with :math:`p = c/n`:

    .. math:: \bar t_0(p) \approx -2n\,\frac{p \ln p}{1 - p} \approx 2c \ln(n/c)
              \quad (c \ll n).

    The mean is finite only for the exact chain: in the Poisson (branching)
    approximation of :func:`word_loss_probability_poisson` loss is certain but
    :math:`P(T > t) \sim 2c/t`, so the mean time is infinite. The exact chain follows
    that heavy tail for :math:`t \ll n` and is absorbed geometrically after times of
    order :math:`n`, which is where the logarithm comes from.

    Parameters
    ----------
    count : int or array of int
        Count(s) :math:`1 \le c < n`.
    n : int
        Corpus size (words per round), :math:`n \ge 2`.

    Returns
    -------
    float or numpy.ndarray
        The conditional mean time, in rounds, for each entry of ``count``.

    References
    ----------
    Kimura and Ohta (1969) [kimura1969], the mean time to loss given loss.

    Examples
    --------
    About :math:`2c\ln(n/c)` rounds:

    >>> from collapse_lib import theory
    >>> round(theory.word_forgetting_mean_given_loss(count=10, n=10_000), 2)
    138.29
    """
    n = _check_int("n", n, minimum=2)
    c = _as_int_array("count", count, minimum=1)
    if np.any(c >= n):
        raise ValueError(f"count must be < n={n}, got {c.tolist()!r}")
    p = c / n
    return _out(-2.0 * n * p * np.log(p) / (1 - p))


@_doc
def unigram_absence_probability(*, probs, sizes, generations=None, scheme="replace", fresh=0.0):
    r"""Probability that each word has probability 0 in the unigram model of each round.

    Categorical (unigram) model with true word probabilities :math:`\pi_w`, refitted by
    word frequencies on :math:`n_t` new words per round, each drawn from the truth with
    probability :math:`\varepsilon` and from the previous model otherwise (round 1
    draws from the truth). The count of one word is a two-type chain, so the answer is
    a per-word formula.

    ``scheme="accumulate"`` (exact). A word absent from every round so far has
    probability 0 in the model, so in round :math:`s \ge 2` it is drawn only through
    the fresh data, with probability :math:`\varepsilon\pi_w` per draw; once drawn it
    never leaves the pooled data. Hence

    .. math:: P(p_{t,w} = 0) = (1 - \pi_w)^{n_1}\,(1 - \varepsilon\pi_w)^{n_2 + \dots + n_t}.

    ``scheme="replace"`` (branching approximation). Replacing each binomial count by a
    Poisson count with the same mean, :math:`X_t \sim \mathrm{Poisson}\big(n_t(\varepsilon
    \pi_w + (1-\varepsilon) X_{t-1}/n_{t-1})\big)`, a backward induction on
    :math:`E[e^{-a - b X_t}]` gives

    .. math:: P(p_{T,w} = 0) \approx \exp(-\pi_w \Gamma_T), \qquad
              \Gamma_T = (1 - \varepsilon) h_1 + \varepsilon \sum_{s=1}^{T} h_s,

    with :math:`h_T = n_T` and :math:`h_s = n_s\big(1 - e^{-(1-\varepsilon) h_{s+1}/n_s}\big)`
    for :math:`s < T`. With a constant schedule and :math:`\varepsilon = 0`,
    :math:`h_1 = n\,g_T` and this is :math:`\exp(-n\pi_w g_T)`, the Poisson formula of
    :func:`poisson_survival` started from the truth. The Poisson step replaces
    :math:`(1 - q)^{n}` by :math:`e^{-nq}` for a word of current probability :math:`q`,
    a relative error of order :math:`n q^2`; since :math:`e^{-nq}` is small unless
    :math:`nq` is of order 1, the absolute error per word is of order :math:`\pi_w`
    (against the exact chain, for :math:`n` from 50 to 1000 and :math:`\pi_w` up to
    0.03, it stays below :math:`\pi_w / 2`; tested): negligible for the rare words of
    a large vocabulary, which are the ones that get lost.

    Parameters
    ----------
    probs : array_like
        True word probabilities :math:`\pi_w \in [0, 1]`, 1-D (they need not sum to 1,
        so a sub-vocabulary may be passed).
    %(sizes)s
    %(scheme)s
    %(fresh)s

    Returns
    -------
    numpy.ndarray
        Shape ``(G + 1, K)``; row :math:`t` holds :math:`P(p_{t,w} = 0)` for every
        word (row 0 is 1 exactly where :math:`\pi_w = 0`). The expected vocabulary size is
        ``K - result.sum(axis=1)`` and the expected true mass of the missing words is
        ``result @ probs``.

    References
    ----------
    Derived here; for a constant schedule without fresh data it is the Poisson formula
    of Suresh, Thangaraj and Khandavally (2025) [suresh2025].

    Examples
    --------
    A rare word gets lost; a common one survives:

    >>> from collapse_lib import theory
    >>> a = theory.unigram_absence_probability(probs=[0.001, 0.01], sizes=1000, generations=2)
    >>> a.round(4).tolist()
    [[0.0, 0.0], [0.3679, 0.0], [0.5315, 0.0018]]
    """
    pi = _real_array("probs", probs, low=0.0, high=1.0)
    if pi.ndim != 1:
        raise ValueError(f"probs must be one-dimensional, got {probs!r}")
    scheme = _scheme(scheme)
    eps = _fresh(fresh)
    n = _schedule(sizes, generations)
    G = n.size
    _check_elements((G + 1) * pi.size, f"probs of {pi.size} words over {G} rounds")
    out = np.empty((G + 1, pi.size))
    out[0] = pi == 0
    if G == 0:
        return out
    if scheme == "accumulate":
        later = _by_generation(n[1:])[:, None]  # n_2 + ... + n_t
        with np.errstate(divide="ignore", invalid="ignore"):
            first = n[0] * np.log1p(-pi)[None]  # -inf where pi == 1
            rest = np.where(later > 0, later * np.log1p(-eps * pi)[None], 0.0)
        out[1:] = np.exp(first + rest)
        return out
    h = np.empty(G)  # h[T - 1] = h_s for horizon T, while s runs down from G to 1
    total = np.zeros(G)  # sum of h_{s'} over s' >= s, per horizon T
    for s in range(G, 0, -1):
        ns = n[s - 1]
        h[s - 1] = ns  # horizon T = s
        h[s:] = ns * -np.expm1(-(1.0 - eps) * h[s:] / ns)  # horizons T > s
        total[s - 1 :] += h[s - 1 :]
    gamma = (1.0 - eps) * h + eps * total
    out[1:] = np.exp(-gamma[:, None] * pi[None])
    return out
