r"""Closed forms for recursive training, each checked in the tests against simulation.

Notation (as in the book): generation 0 is the truth :math:`\theta_0 = \theta^*`; round
:math:`t = 1, 2, \dots` draws :math:`n_t` samples and fits :math:`\theta_t`. Functions that
depend on a sample-size schedule take ``sizes`` — an int (with ``generations=``), a
sequence :math:`(n_1, \dots, n_G)` or a callable :math:`t \mapsto n_t` (with
``generations=``), exactly as :func:`collapse_lib.simulate` — and return an array indexed
by generation, entries :math:`0, 1, \dots, G`, so that ``result[run.generations]`` lines
up with the recorded output of a run.

Gaussian variance estimators are named explicitly: ``"mle"`` divides the sum of squares
by :math:`n` (ddof 0), ``"unbiased"`` by :math:`n - 1` (ddof 1).

Sources: Cheng, He and Xu (2025), *A probabilistic perspective on model collapse*;
Barzilai and Shamir (2025), *When models don't collapse: on the consistency of iterative
MLE*; Borkar (2025), *A theoretical basis for model collapse in recursive training*;
Suresh, Thangaraj and Khandavally (2025), *Rate of model collapse in recursive training*
(AISTATS); Kimura and Ohta (1969), *The average number of generations until fixation of
a mutant gene in a finite population*; Littler (1975), *Loss of variability at one locus
in a finite population*; Kingman (1982), *The coalescent*.
"""

from __future__ import annotations

import numpy as np
from scipy import linalg, special, stats

from . import _spike
from ._validate import (
    _as_int_array,
    _as_real_array,
    _check_choice,
    _check_int,
    _check_probs,
    _check_real,
)
from .schedules import _resolve

__all__ = [
    "bertrand_factor",
    "coalescence_time",
    "coalescence_time_kingman",
    "fresh_effective_size",
    "fresh_fraction_for_effective_size",
    "fresh_gaussian_moments",
    "fresh_gaussian_stationary_moments",
    "fresh_stationary_beta",
    "fresh_stationary_distribution",
    "fresh_stationary_moments",
    "fresh_variance",
    "g_iterate",
    "gaussian_sigma_mean",
    "gaussian_sigma_tail_bound",
    "gaussian_variance_mean",
    "gaussian_variance_variance",
    "joint_mean_variance",
    "log_variance_cdf",
    "log_variance_drift",
    "log_variance_mean",
    "log_variance_quantile",
    "log_variance_step_variance",
    "log_variance_variance",
    "mean_walk_variance",
    "poisson_survival",
    "poisson_survival_by_generation",
    "prob_synthetic_beats_real",
    "prob_synthetic_beats_real_by_generation",
    "shrink_log_variance_mean",
    "shrink_variance_mean",
    "sigma_halving_time_approx",
    "sigma_tail_probability",
    "sigma_tail_rate",
    "wf_absorption_time_exact",
    "wf_absorption_time_kimura",
    "wf_absorption_time_kimura_multi",
    "wf_collapse_horizon",
    "wf_collapse_tail_bound",
    "wf_fixation_probability",
    "wf_heterozygosity",
    "wf_surviving_types_mean",
    "wf_transition_matrix",
    "word_forgetting_mean_given_loss",
    "word_forgetting_median",
    "word_loss_probability",
]

_DDOF = {"mle": 0, "unbiased": 1}


# ----------------------------------------------------------------------------- helpers
def _ddof(estimator) -> int:
    return _DDOF[_check_choice("estimator", estimator, _DDOF)]


def _real_array(name, value, *, low=None, high=None, low_open=False):
    """Finite float array with bounds, or raise naming ``name`` and the value."""
    arr = _as_real_array(name, value)
    if low is not None and np.any(arr <= low if low_open else arr < low):
        raise ValueError(f"{name} must be {'>' if low_open else '>='} {low}, got {value!r}")
    if high is not None and np.any(arr > high):
        raise ValueError(f"{name} must be <= {high}, got {value!r}")
    return arr


def _out(arr):
    """Python float for 0-d results, the array otherwise."""
    return float(arr) if np.ndim(arr) == 0 else arr


def _schedule(sizes, generations, minimum=1) -> np.ndarray:
    """Resolve ``sizes`` (see module docstring) into float sizes n_1..n_G, each >= minimum."""
    if generations is not None:
        generations = _check_int("generations", generations, minimum=0)
    n = _resolve(sizes, generations)
    if n.size and n.min() < minimum:
        raise ValueError(f"sizes must all be >= {minimum} here, got {sizes!r}")
    return n.astype(float)


def _by_generation(steps: np.ndarray, start: float = 0.0) -> np.ndarray:
    """Cumulative sum of per-round terms, with ``start`` as generation 0."""
    return start + np.concatenate(([0.0], np.cumsum(steps)))


def _sizes_array(n, minimum):
    return _as_int_array("n", n, minimum=minimum).astype(float)


# ------------------------------------------------------------------- Gaussian variance
def bertrand_factor(n, estimator):
    r"""Per-round factor :math:`\alpha` of :math:`E\,\sigma_t = \alpha\, \sigma_{t-1}`.

    With the mean and variance refitted from :math:`n` Gaussian samples,
    :math:`\sigma_t^2 = \sigma_{t-1}^2\, \chi^2_{n-1} / (n - \mathrm{ddof})`, and
    :math:`E \sqrt{\chi^2_k} = \sqrt 2\, \Gamma((k+1)/2) / \Gamma(k/2)`, so

    .. math:: \alpha = \sqrt{\frac{2}{n - \mathrm{ddof}}}\,
              \frac{\Gamma(n/2)}{\Gamma((n-1)/2)} < 1 .

    For the unbiased estimator this is Bertrand's constant (the :math:`c_4(n)` of
    quality control), used by Suresh, Thangaraj and Khandavally (2025); the MLE factor is
    smaller by :math:`\sqrt{(n-1)/n}`. Computed with ``gammaln``, so large ``n`` is safe.

    Parameters
    ----------
    n : int or array of int
        Sample size per round, :math:`n \ge 2`.
    estimator : {"mle", "unbiased"}

    Returns
    -------
    float or numpy.ndarray
    """
    ddof = _ddof(estimator)
    n = _sizes_array(n, 2)
    return _out(np.exp(_log_bertrand(n, ddof)))


def _log_bertrand(n, ddof):
    return 0.5 * np.log(2.0 / (n - ddof)) + special.gammaln(n / 2) - special.gammaln((n - 1) / 2)


def gaussian_variance_mean(sizes, estimator, sigma2_0=1.0, *, generations=None):
    r"""Expected fitted variance :math:`E\,\sigma_T^2` at every generation :math:`T`.

    Replace scheme, mean and variance refitted each round:
    :math:`\sigma_t^2 = \sigma_{t-1}^2\, \chi^2_{n_t-1} / (n_t - \mathrm{ddof})` with
    independent chi-square variables, hence

    .. math:: E\,\sigma_T^2 = \sigma_0^2 \prod_{t\le T} \frac{n_t - 1}{n_t - \mathrm{ddof}},

    i.e. :math:`\sigma_0^2 \prod_t (1 - 1/n_t)` for the MLE (positive limit iff
    :math:`\sum_t 1/n_t < \infty`) and :math:`\sigma_0^2` for the unbiased estimator (a
    martingale). Cheng, He and Xu (2025).

    Parameters
    ----------
    sizes : int, sequence of int or callable
        Schedule :math:`n_1, \dots, n_G`, every :math:`n_t \ge 2` (see module docstring).
    estimator : {"mle", "unbiased"}
    sigma2_0 : float, optional
        True variance :math:`\sigma_0^2 > 0`.
    generations : int, optional
        :math:`G`, required when ``sizes`` is an int or a callable.

    Returns
    -------
    numpy.ndarray
        Shape ``(G + 1,)``; entry :math:`T` is :math:`E\,\sigma_T^2`.
    """
    ddof = _ddof(estimator)
    sigma2_0 = _check_real("sigma2_0", sigma2_0, low=0.0, low_open=True)
    n = _schedule(sizes, generations, minimum=2)
    return sigma2_0 * np.exp(_by_generation(np.log((n - 1) / (n - ddof))))


def gaussian_variance_variance(sizes, estimator, sigma2_0=1.0, *, generations=None):
    r"""Variance :math:`\operatorname{Var}\sigma_T^2` at every generation (replace scheme).

    From :math:`E(\chi^2_k)^2 = k(k+2)` and independence across rounds,

    .. math:: E\,\sigma_T^4 = \sigma_0^4 \prod_{t\le T}
              \frac{(n_t - 1)(n_t + 1)}{(n_t - \mathrm{ddof})^2},\qquad
              \operatorname{Var}\sigma_T^2 = (E\,\sigma_T^2)^2
              \Big(\prod_{t\le T} \frac{n_t+1}{n_t-1} - 1\Big).

    The last form is evaluated with ``expm1`` (no cancellation). For the unbiased
    estimator and constant :math:`n` it grows like :math:`((n+1)/(n-1))^T`: the mean is
    preserved while the spread explodes.

    Parameters and shape as in :func:`gaussian_variance_mean`.
    """
    mean = gaussian_variance_mean(sizes, estimator, sigma2_0, generations=generations)
    n = _schedule(sizes, generations, minimum=2)
    return mean**2 * np.expm1(_by_generation(np.log((n + 1) / (n - 1))))


def gaussian_sigma_mean(sizes, estimator, sigma2_0=1.0, *, generations=None):
    r"""Expected fitted standard deviation :math:`E\,\sigma_T = \sigma_0 \prod_{t\le T}\alpha(n_t)`.

    :math:`\alpha` is :func:`bertrand_factor`; for constant :math:`n` this is
    :math:`\alpha^T \sigma_0`, which decays geometrically even for the unbiased variance.
    Parameters and shape as in :func:`gaussian_variance_mean`.
    """
    ddof = _ddof(estimator)
    sigma2_0 = _check_real("sigma2_0", sigma2_0, low=0.0, low_open=True)
    n = _schedule(sizes, generations, minimum=2)
    return np.sqrt(sigma2_0) * np.exp(_by_generation(_log_bertrand(n, ddof)))


def log_variance_drift(n, estimator):
    r"""Mean step :math:`E \log(\chi^2_{n-1} / (n - \mathrm{ddof}))` of :math:`\log\sigma_t^2`.

    Since :math:`E \log \chi^2_k = \psi(k/2) + \ln 2` (:math:`\psi` the digamma function),

    .. math:: \delta(n) = \psi\big(\tfrac{n-1}{2}\big) + \ln 2 - \ln(n - \mathrm{ddof}) < 0 .

    Negative for both estimators (Jensen), so :math:`\log \sigma_t^2 \to -\infty` almost
    surely under a constant schedule, even though the unbiased :math:`\sigma_t^2` keeps
    its mean. For large :math:`n`, :math:`\delta \approx -(2 - \mathrm{ddof})/n`: the MLE
    path decays twice as fast as the unbiased one.

    Parameters
    ----------
    n : int or array of int
        :math:`n \ge 2`.
    estimator : {"mle", "unbiased"}

    Returns
    -------
    float or numpy.ndarray
    """
    ddof = _ddof(estimator)
    n = _sizes_array(n, 2)
    return _out(special.digamma((n - 1) / 2) + np.log(2.0) - np.log(n - ddof))


def log_variance_step_variance(n):
    r"""Variance of one step of :math:`\log\sigma_t^2`: :math:`\psi'\big(\tfrac{n-1}{2}\big)`.

    :math:`\operatorname{Var}\log\chi^2_k = \psi'(k/2)` (trigamma); the estimator only
    shifts the step, so this does not depend on it. About :math:`2/n` for large :math:`n`.

    Parameters
    ----------
    n : int or array of int
        :math:`n \ge 2`.
    """
    n = _sizes_array(n, 2)
    return _out(special.polygamma(1, (n - 1) / 2))


def log_variance_mean(sizes, estimator, sigma2_0=1.0, *, generations=None):
    r""":math:`E \log\sigma_T^2 = \log\sigma_0^2 + \sum_{t\le T}\delta(n_t)` at every generation.

    :math:`\delta` is :func:`log_variance_drift`. Parameters and shape as in
    :func:`gaussian_variance_mean`.
    """
    ddof = _ddof(estimator)
    sigma2_0 = _check_real("sigma2_0", sigma2_0, low=0.0, low_open=True)
    n = _schedule(sizes, generations, minimum=2)
    drift = special.digamma((n - 1) / 2) + np.log(2.0) - np.log(n - ddof)
    return _by_generation(drift, np.log(sigma2_0))


def log_variance_variance(sizes, *, generations=None):
    r""":math:`\operatorname{Var}\log\sigma_T^2 = \sum_{t\le T}\psi'\big(\tfrac{n_t-1}{2}\big)`.

    Same for both estimators. ``sizes`` as in :func:`gaussian_variance_mean`; returns
    shape ``(G + 1,)``.
    """
    n = _schedule(sizes, generations, minimum=2)
    return _by_generation(special.polygamma(1, (n - 1) / 2))


# --------------------------------------------------------------------------- mean walk
def mean_walk_variance(sizes, scheme, sigma2=1.0, *, generations=None):
    r""":math:`\operatorname{Var}\mu_T` of the refitted mean of a Gaussian with known variance.

    ``scheme="replace"``: :math:`\mu_t = \mu_{t-1} + \sigma Z_t / \sqrt{n_t}`, so

    .. math:: \operatorname{Var}\mu_T = \sigma^2 S_T, \qquad S_T = \sum_{t\le T} 1/n_t .

    ``scheme="accumulate"``: the fit uses all :math:`N_t = n_1 + \dots + n_t` samples, and
    the :math:`n_t` new ones have mean :math:`\mu_{t-1} + \sigma Z_t/\sqrt{n_t}`; hence
    :math:`\mu_t = \mu_{t-1} + \sigma \sqrt{n_t}\, Z_t / N_t` and

    .. math:: \operatorname{Var}\mu_T = \sigma^2 \sum_{t\le T} \frac{n_t}{N_t^2},

    which for constant :math:`n` is :math:`(\sigma^2/n)\sum_{k\le T} 1/k^2 \to
    \pi^2\sigma^2/(6n)` (Cheng, He and Xu 2025 for replace; the accumulate form is
    derived in the book, cf. Barzilai and Shamir 2025).

    Parameters
    ----------
    sizes : int, sequence of int or callable
        Schedule (every :math:`n_t \ge 1`).
    scheme : {"replace", "accumulate"}
    sigma2 : float, optional
        Known variance :math:`\sigma^2 > 0`.
    generations : int, optional
        Required when ``sizes`` is an int or a callable.

    Returns
    -------
    numpy.ndarray
        Shape ``(G + 1,)``; entry 0 is 0.
    """
    scheme = _check_choice("scheme", scheme, ("replace", "accumulate"))
    sigma2 = _check_real("sigma2", sigma2, low=0.0, low_open=True)
    n = _schedule(sizes, generations)
    steps = 1.0 / n if scheme == "replace" else n / np.cumsum(n) ** 2
    return sigma2 * _by_generation(steps)


def joint_mean_variance(sizes, estimator, sigma2_0=1.0, *, generations=None):
    r""":math:`\operatorname{Var}\mu_T` when both mean and variance are refitted (replace).

    Round :math:`t` samples from :math:`N(\mu_{t-1}, \sigma_{t-1}^2)`, so
    :math:`\mu_t = \mu_{t-1} + \sigma_{t-1} Z_t/\sqrt{n_t}` with :math:`Z_t` independent of
    the past; the increments are orthogonal and

    .. math:: \operatorname{Var}\mu_T = \sum_{t\le T} \frac{E\,\sigma_{t-1}^2}{n_t} .

    For constant :math:`n` this gives :math:`\sigma_0^2\,(1 - ((n-1)/n)^T)` with the MLE
    (bounded by :math:`\sigma_0^2`: the shrinking variance stops the walk) and
    :math:`\sigma_0^2 T / n` with the unbiased estimator (derived; consistent with Cheng,
    He and Xu 2025).

    Parameters and shape as in :func:`gaussian_variance_mean`.
    """
    n = _schedule(sizes, generations, minimum=2)
    prev = gaussian_variance_mean(n.astype(np.int64), estimator, sigma2_0)[:-1]
    return _by_generation(prev / n)


def prob_synthetic_beats_real(n1, S):
    r"""Probability that a model refined on synthetic data beats the real-only model.

    Gaussian mean with known :math:`\sigma`. The real-only error is
    :math:`E_1 \sim N(0, \sigma^2/n_1)`; the later synthetic rounds add an independent
    walk :math:`W \sim N(0, \sigma^2 S)`. Then :math:`|E_1 + W| < |E_1|` iff
    :math:`W(W + 2E_1) < 0`, a double wedge of angle :math:`2\arctan(2\sqrt{a/b})` in the
    plane of the standardised pair (:math:`a = 1/n_1`, :math:`b = S`), so

    .. math:: P(|E_1 + W| < |E_1|) = \frac{1}{\pi}\arctan\frac{2}{\sqrt{n_1 S}}

    (Cheng, He and Xu, 2025). Always below 1/2, tending to 1/2 as :math:`S \to 0^+`; at
    :math:`S = 0` exactly the models coincide and the strict improvement has
    probability 0, which is what this function returns.

    Parameters
    ----------
    n1 : float or array
        Real sample size :math:`n_1 > 0`.
    S : float or array
        :math:`S = \sum_{t=2}^{T} 1/n_t \ge 0`.

    Returns
    -------
    float or numpy.ndarray
        Broadcast shape of ``n1`` and ``S``.
    """
    n1 = _real_array("n1", n1, low=0.0, low_open=True)
    S = _real_array("S", S, low=0.0)
    n1, S = np.broadcast_arrays(n1, S)
    pos = S > 0
    out = np.zeros(n1.shape)
    out[pos] = np.arctan(2.0 / np.sqrt(n1[pos] * S[pos])) / np.pi
    return _out(out)


def prob_synthetic_beats_real_by_generation(sizes, *, generations=None):
    r"""P(model of generation :math:`T` is closer to the truth than the real-only model).

    Entry :math:`T \ge 2` is :func:`prob_synthetic_beats_real` with
    :math:`S_T = \sum_{t=2}^{T} 1/n_t`; entry 1 is 0 (the real-only model itself) and
    entry 0 is 1 (the truth, error 0, beats :math:`|E_1| > 0` almost surely). Known
    variance Gaussian mean, replace scheme.

    Parameters
    ----------
    sizes : int, sequence of int or callable
        Schedule :math:`n_1, \dots, n_G`, :math:`G \ge 1`.
    generations : int, optional
        Required when ``sizes`` is an int or a callable.

    Returns
    -------
    numpy.ndarray
        Shape ``(G + 1,)``.
    """
    n = _schedule(sizes, generations)
    if n.size == 0:
        raise ValueError(f"sizes must contain at least the real round n_1, got {sizes!r}")
    S = _by_generation(1.0 / n[1:])
    return np.concatenate(([1.0], prob_synthetic_beats_real(n[0], S)))


# ------------------------------------------------------------------------ Wright-Fisher
def wf_transition_matrix(n):
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
    """
    n = _check_int("n", n, minimum=1)
    i = np.arange(n + 1)
    return stats.binom.pmf(i[None, :], n, i[:, None] / n)


def wf_fixation_probability(p):
    r"""Probability that a type of initial frequency :math:`p` takes over: :math:`p`.

    :math:`P_t` is a bounded martingale absorbed in :math:`\{0, 1\}`, so
    :math:`P(\text{fixation}) = E P_\infty = p` (Borkar 2025: the limit Dirac
    :math:`\delta_X` has :math:`X \sim \mu_0`).

    Parameters
    ----------
    p : float or array
        Initial frequency in :math:`[0, 1]`.
    """
    return _out(_real_array("p", p, low=0.0, high=1.0))


def wf_heterozygosity(p, n, t):
    r""":math:`E[P_t(1 - P_t)] = p(1-p)(1 - 1/n)^t` for the Wright–Fisher chain.

    One step: :math:`E[P_t(1-P_t) \mid P_{t-1}] = P_{t-1} - P_{t-1}^2 -
    P_{t-1}(1-P_{t-1})/n`.

    Parameters
    ----------
    p : float or array
        Initial frequency :math:`P_0` in :math:`[0, 1]`.
    n : int
        Copies per generation, :math:`n \ge 1`.
    t : int or array of int
        Generation(s) :math:`t \ge 0`.

    Returns
    -------
    float or numpy.ndarray
        Broadcast shape of ``p`` and ``t``.
    """
    p = _real_array("p", p, low=0.0, high=1.0)
    n = _check_int("n", n, minimum=1)
    t = _as_int_array("t", t, minimum=0)
    return _out(p * (1 - p) * (1.0 - 1.0 / n) ** t)


def wf_absorption_time_exact(n):
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
        Shape ``(n + 1,)``; entry :math:`i` is the expected number of generations until
        one type holds all :math:`n` copies, starting from :math:`i` copies (0 at both
        ends).
    """
    P = wf_transition_matrix(n)
    Q = P[1:n, 1:n]
    tau = np.zeros(n + 1)
    if n > 1:
        tau[1:n] = linalg.solve(np.eye(n - 1) - Q, np.ones(n - 1))
    return tau


def wf_absorption_time_kimura(p, n):
    r"""Kimura's diffusion approximation of the mean absorption time (approximation).

    .. math:: \bar t(p) \approx -2n\,[\,p \ln p + (1-p)\ln(1-p)\,]

    generations for :math:`n` copies (Kimura and Ohta, 1969, with their :math:`4N`
    diploid genes replaced by :math:`2n` for :math:`n` copies). It overestimates the
    exact value (:func:`wf_absorption_time_exact`) by a few generations — about 1 to 3
    for :math:`n` from 50 to 800 — so the relative error falls roughly like :math:`1/n`.

    Parameters
    ----------
    p : float or array
        Initial frequency in :math:`[0, 1]`.
    n : int
        Copies, :math:`n \ge 1`.
    """
    p = _real_array("p", p, low=0.0, high=1.0)
    n = _check_int("n", n, minimum=1)
    return _out(-2.0 * n * (special.xlogy(p, p) + special.xlogy(1 - p, 1 - p)))


def wf_absorption_time_kimura_multi(probs, n):
    r"""Diffusion approximation of the mean time until one of :math:`K` types remains.

    .. math:: \bar t(p_1, \dots, p_K) \approx -2n \sum_{i} (1 - p_i)\ln(1 - p_i)

    (Littler, 1975; reduces to :func:`wf_absorption_time_kimura` for :math:`K = 2`). An
    approximation: for three types and :math:`n \approx 25` it exceeds the exact mean of
    the multinomial chain by one to two generations, as in the two-type case.

    Parameters
    ----------
    probs : array_like
        Initial frequencies, 1-D, non-negative, summing to 1.
    n : int
        Copies, :math:`n \ge 1`.
    """
    probs = _check_probs("probs", probs)
    n = _check_int("n", n, minimum=1)
    q = 1.0 - probs
    return float(-2.0 * n * np.sum(special.xlogy(q, q)))


def coalescence_time(n, k=None):
    r"""Exact expected number of generations to the common ancestor of :math:`k` copies.

    In a Wright–Fisher population of :math:`n` copies each copy picks its parent
    uniformly at random in the previous generation. Tracing :math:`m` lineages back one
    generation leaves :math:`j` distinct parents with the occupancy probability of
    :math:`m` balls in :math:`n` boxes, a lower-triangular Markov chain on
    :math:`\{1, \dots, k\}`; its expected absorption time in 1 solves a triangular
    linear system (forward substitution, :math:`O(k^2)`).

    With :math:`k = n` (the default) this is, exactly, the expected time for empirical
    resampling started from :math:`n` distinct atoms to reach a single atom (Borkar's
    total collapse): all copies of generation :math:`t` are of one type iff their
    genealogy has coalesced within :math:`t` generations. Compare
    :func:`coalescence_time_kingman`, :math:`\approx 2(n-1)`.

    Parameters
    ----------
    n : int
        Population size (copies), :math:`n \ge 1`.
    k : int, optional
        Number of lineages, :math:`1 \le k \le n` (default :math:`n`).

    Returns
    -------
    float
    """
    n = _check_int("n", n, minimum=1)
    k = n if k is None else _check_int("k", k, minimum=1)
    if k > n:
        raise ValueError(f"k must be <= n={n}, got {k}")
    occ = np.zeros(k + 1)  # occ[j] = P(m lineages have j distinct parents)
    occ[1] = 1.0  # m = 1
    tau = np.zeros(k + 1)
    j = np.arange(k + 1, dtype=float)
    for m in range(2, k + 1):
        occ[1 : m + 1] = occ[1 : m + 1] * j[1 : m + 1] / n + occ[0:m] * (n - j[1 : m + 1] + 1) / n
        tau[m] = (1.0 + occ[2:m] @ tau[2:m]) / (1.0 - occ[m])
    return float(tau[k])


def coalescence_time_kingman(n, k=None):
    r"""Kingman's coalescent approximation :math:`2n(1 - 1/k)` of :func:`coalescence_time`.

    :math:`m` lineages merge at rate :math:`\binom m2/n` per generation, so the expected
    time is :math:`\sum_{m=2}^{k} n/\binom m2 = 2n(1 - 1/k)` (Kingman, 1982); with
    :math:`k = n` this is :math:`2(n-1)`. An approximation (the coalescent is the large-
    :math:`n` limit); for :math:`k = n` the exact value is smaller by one to two
    generations (:math:`n` from 20 to 1000).

    Parameters
    ----------
    n : int
        Population size, :math:`n \ge 1`.
    k : int, optional
        Lineages, :math:`1 \le k \le n` (default :math:`n`).
    """
    n = _check_int("n", n, minimum=1)
    k = n if k is None else _check_int("k", k, minimum=1)
    if k > n:
        raise ValueError(f"k must be <= n={n}, got {k}")
    return 2.0 * n * (1.0 - 1.0 / k)


# ---------------------------------------------------------------- persistent excitation
def fresh_stationary_moments(p0, n, eps):
    r"""Stationary mean and variance of a category's frequency with a fresh fraction ε.

    Each of the :math:`n` draws of a round comes from the truth (frequency :math:`p_0`)
    with probability :math:`\varepsilon` and from the current model otherwise, so
    :math:`nP_t \sim \mathrm{Binomial}(n, q_t)` with
    :math:`q_t = \varepsilon p_0 + (1-\varepsilon)P_{t-1}`. Taking moments,
    :math:`E P_t = p_0` at stationarity and
    :math:`V = E[q(1-q)]/n + (1-\varepsilon)^2 V` with
    :math:`E[q(1-q)] = p_0(1-p_0) - (1-\varepsilon)^2 V`, whence

    .. math:: \operatorname{Var} P = \frac{p_0(1-p_0)}
              {n\,(1 - (1-\varepsilon)^2) + (1-\varepsilon)^2}.

    Barycenter :math:`p_0` (Borkar, 2025: no collapse); the variance exceeds the i.i.d.
    value :math:`p_0(1-p_0)/n` unless :math:`\varepsilon = 1` (degeneration). For
    :math:`\varepsilon = 0` the values are the limits of :math:`E P_t` and
    :math:`\operatorname{Var}P_t` from :math:`P_0 = p_0` (collapse to a random Dirac).
    Applies to every category of a categorical model (same denominator).

    Parameters
    ----------
    p0 : float or array
        True frequency (frequencies) in :math:`[0, 1]`.
    n : int
        Draws per round, :math:`n \ge 1`.
    eps : float
        Fresh fraction :math:`\varepsilon \in [0, 1]`.

    Returns
    -------
    (mean, variance)
        Each a float or an array shaped like ``p0``.
    """
    p0 = _real_array("p0", p0, low=0.0, high=1.0)
    n = _check_int("n", n, minimum=1)
    eps = _check_real("eps", eps, low=0.0, high=1.0)
    r2 = (1.0 - eps) ** 2
    return _out(p0.copy()), _out(p0 * (1 - p0) / (n * (1.0 - r2) + r2))


def fresh_variance(p0, sizes, eps, *, generations=None):
    r""":math:`\operatorname{Var}P_t` at every generation, started from the truth :math:`P_0 = p_0`.

    Same model as :func:`fresh_stationary_moments` with round sizes :math:`n_t`
    (replace scheme). The mean stays :math:`p_0`, and

    .. math:: V_t = \frac{p_0(1-p_0)}{n_t} + (1-\varepsilon)^2\Big(1 - \frac1{n_t}\Big)V_{t-1},
              \qquad V_0 = 0,

    which tends to the stationary variance for a constant schedule. For
    :math:`\varepsilon = 0` it is :math:`p_0(1-p_0)(1 - \prod_{t}(1 - 1/n_t))`, the
    complement of :func:`wf_heterozygosity`.

    Parameters
    ----------
    p0 : float or array
        True frequency (frequencies) in :math:`[0, 1]`.
    sizes : int, sequence of int or callable
        Schedule (see module docstring).
    eps : float
        Fresh fraction in :math:`[0, 1]`.
    generations : int, optional
        Required when ``sizes`` is an int or a callable.

    Returns
    -------
    numpy.ndarray
        Shape ``p0.shape + (G + 1,)``.
    """
    p0 = _real_array("p0", p0, low=0.0, high=1.0)
    eps = _check_real("eps", eps, low=0.0, high=1.0)
    n = _schedule(sizes, generations)
    v = np.zeros(n.size + 1)  # variance per unit p0(1 - p0)
    for t, nt in enumerate(n, start=1):
        v[t] = 1.0 / nt + (1.0 - eps) ** 2 * (1.0 - 1.0 / nt) * v[t - 1]
    return (p0 * (1 - p0))[..., None] * v


# -------------------------------------------------------------- Suresh et al. (2025)
def g_iterate(k):
    r"""Iterates :math:`g_k` of :math:`g(x) = 1 - e^{-x}` started at :math:`+\infty`.

    :math:`g_0 = +\infty`, :math:`g_1 = 1`, :math:`g_{k+1} = g(g_k)`. The sequence
    decreases to 0 like :math:`2/k`; Suresh, Thangaraj and Khandavally (2025) bracket
    it between :math:`1/k` and :math:`3/k`. Computed by iteration (``-expm1``), cost
    :math:`O(\max k)`.

    Parameters
    ----------
    k : int or array of int
        :math:`k \ge 0`.
    """
    k = _as_int_array("k", k, minimum=0)
    kmax = int(k.max()) if k.size else 0
    g = np.empty(kmax + 1)
    g[0] = np.inf
    for i in range(1, kmax + 1):
        g[i] = -np.expm1(-g[i - 1])
    return _out(g[k])


def poisson_survival(k, n, lam0):
    r"""Exact probability that the Poisson rate is still non-zero after :math:`k` rounds.

    Replace scheme, Poisson MLE from :math:`n` samples: :math:`S_k = n\Lambda_k` is
    Poisson with mean :math:`S_{k-1}`, and
    :math:`E[e^{-xS_k}\mid S_{k-1}] = e^{-g(x) S_{k-1}}`. Letting :math:`x\to\infty` and
    iterating down to :math:`S_1 \sim \mathrm{Poisson}(n\lambda_0)`,

    .. math:: P(\Lambda_k \neq 0) = 1 - \exp(-n \lambda_0\, g_k)

    with :math:`g_k` from :func:`g_iterate` (Suresh, Thangaraj and Khandavally, 2025).
    Since :math:`g_k \approx 2/k`, survival decays like :math:`2n\lambda_0/k`.

    Parameters
    ----------
    k : int or array of int
        Round(s) :math:`k \ge 0` (survival 1 at :math:`k = 0`).
    n : int
        Samples per round, :math:`n \ge 1`.
    lam0 : float
        True rate :math:`\lambda_0 > 0`.
    """
    n = _check_int("n", n, minimum=1)
    lam0 = _check_real("lam0", lam0, low=0.0, low_open=True)
    return _out(-np.expm1(-n * lam0 * np.asarray(g_iterate(k))))


def gaussian_sigma_tail_bound(k, n, level, sigma0=1.0):
    r"""Suresh et al.'s bound :math:`P(\sigma_k > \ell) \le (\sigma_0/\ell)\,e^{-k/(4n-1)}`.

    Replace scheme, constant :math:`n`, mean and variance refitted. By Markov's
    inequality :math:`P(\sigma_k > \ell) \le E\sigma_k/\ell = \alpha^k\sigma_0/\ell` with
    :math:`\alpha` from :func:`bertrand_factor`, and :math:`\alpha \le e^{-1/(4n-1)}`
    (Suresh, Thangaraj and Khandavally, 2025). The unbiased estimator has the larger
    :math:`\alpha`, so the bound holds for both estimators. Values above 1 are
    vacuous and returned as they are.

    Parameters
    ----------
    k : int or array of int
        Round(s), :math:`k \ge 0`.
    n : int
        Samples per round, :math:`n \ge 2`.
    level : float
        Threshold :math:`\ell > 0` (the :math:`\varepsilon` of the paper).
    sigma0 : float, optional
        True standard deviation :math:`\sigma_0 > 0`.
    """
    k = _as_int_array("k", k, minimum=0)
    n = _check_int("n", n, minimum=2)
    level = _check_real("level", level, low=0.0, low_open=True)
    sigma0 = _check_real("sigma0", sigma0, low=0.0, low_open=True)
    return _out(sigma0 / level * np.exp(-k / (4.0 * n - 1.0)))


def word_loss_probability(t, c):
    r"""Probability that a word seen :math:`c` times is lost by generation :math:`t` (approx.).

    A unigram model refitted on :math:`n` sampled words follows, for one word, the
    Wright–Fisher chain :math:`X_t \sim \mathrm{Binomial}(n, X_{t-1}/n)` with
    :math:`X_0 = c`. For :math:`c \ll n` the binomial is close to
    :math:`\mathrm{Poisson}(X_{t-1})` (a critical branching process), for which, as in
    :func:`poisson_survival`,

    .. math:: P(X_t = 0) \approx \exp(-c\, g_t).

    Exact for the Poisson model; for the unigram model an approximation with error of
    order :math:`c/n` (Suresh, Thangaraj and Khandavally, 2025).

    Parameters
    ----------
    t : int or array of int
        Generation(s), :math:`t \ge 0`.
    c : int
        Count in the original corpus, :math:`c \ge 1`.
    """
    c = _check_int("c", c, minimum=1)
    return _out(np.exp(-c * np.asarray(g_iterate(t))))


def word_forgetting_median(c):
    r"""Median generation at which a word seen :math:`c` times is lost (approximation).

    The smallest :math:`t` with :func:`word_loss_probability` :math:`\ge 1/2`, i.e.
    :math:`g_t \le \ln 2 / c`. Since :math:`g_t \approx 2/t`, this is
    :math:`\approx 2c/\ln 2 \approx 2.9\,c`: forgetting time linear in the count
    (Suresh, Thangaraj and Khandavally, 2025). Approximate for the unigram model
    (error of order :math:`c/n`).

    Parameters
    ----------
    c : int or array of int
        Count(s), :math:`c \ge 1`.

    Returns
    -------
    int or numpy.ndarray of int
    """
    c = _as_int_array("c", c, minimum=1)
    target = np.log(2.0) / c
    g = [np.inf]
    while g[-1] > target.min():
        g.append(-np.expm1(-g[-1]))
    # g is decreasing: the answer is the number of entries above the target.
    t = np.searchsorted(-np.asarray(g), -target, side="left")
    return int(t) if t.ndim == 0 else t.astype(np.int64)


def word_forgetting_mean_given_loss(c, n):
    r"""Mean time to lose a word seen :math:`c` times in :math:`n`, given it is lost (approx.).

    Kimura and Ohta's (1969) diffusion formula for the mean time to loss conditional on
    loss, with :math:`p = c/n`:

    .. math:: \bar t_0(p) \approx -2n\,\frac{p \ln p}{1 - p} \approx 2c \ln(n/c)
              \quad (c \ll n).

    Parameters
    ----------
    c : int or array of int
        Count, :math:`1 \le c < n`.
    n : int
        Corpus size (words per generation), :math:`n \ge 2`.
    """
    n = _check_int("n", n, minimum=2)
    c = _as_int_array("c", c, minimum=1)
    if np.any(c >= n):
        raise ValueError(f"c must be < n={n}, got {c.tolist()!r}")
    p = c / n
    return _out(-2.0 * n * p * np.log(p) / (1 - p))


# -------------------------------------------------------- growing schedules and bias
def shrink_variance_mean(sizes, estimator, c, beta, sigma2_0=1.0, *, generations=None):
    r"""Expected fitted variance :math:`E\,\sigma_T^2` under a shrunken variance estimator.

    The estimator of ``Gaussian(estimator=..., shrink=(c, beta))``: the usual fit on
    :math:`n` observations (``"mle"`` or ``"unbiased"``) multiplied by
    :math:`1 - c\,n^{-\beta}`, a relative bias of order :math:`n^{-\beta}`. Under the
    replace scheme
    :math:`\sigma_t^2 = \sigma_{t-1}^2\, (1 - c\,n_t^{-\beta})\,
    \chi^2_{n_t-1}/(n_t - \mathrm{ddof})`
    with independent chi-square variables, so

    .. math:: E\,\sigma_T^2 = \sigma_0^2 \prod_{t\le T}
              \frac{n_t - 1}{n_t - \mathrm{ddof}}\,\big(1 - c\,n_t^{-\beta}\big).

    For the unbiased base the limit is positive iff :math:`\sum_t n_t^{-\beta} < \infty`
    (a product :math:`\prod(1 - a_t)` with :math:`0 \le a_t < 1` is positive iff
    :math:`\sum a_t < \infty`): with :math:`\beta < 1`, :math:`n_t = \lceil n_0 t^p \rceil`
    needs :math:`p > 1/\beta`, faster than the :math:`p > 1` of the unbiased estimator.
    This makes exact, for one estimator, the heuristic that bias of order
    :math:`n^{-\beta}` demands :math:`\sum_t n_t^{-\beta} < \infty` (Cheng, He and Xu,
    2025, show that substantial bias demands faster growth).

    Parameters
    ----------
    sizes : int, sequence of int or callable
        Schedule :math:`n_1, \dots, n_G`, every :math:`n_t \ge 2` (see module docstring).
    estimator : {"mle", "unbiased"}
        The base estimator before shrinking.
    c : float
        Shrinkage constant, :math:`0 < c < 1`.
    beta : float
        Order of the bias, :math:`\beta > 0`.
    sigma2_0 : float, optional
        True variance :math:`\sigma_0^2 > 0`.
    generations : int, optional
        :math:`G`, required when ``sizes`` is an int or a callable.

    Returns
    -------
    numpy.ndarray
        Shape ``(G + 1,)``; entry :math:`T` is :math:`E\,\sigma_T^2`.
    """
    shrink = _log_shrink_steps(sizes, c, beta, generations)
    return gaussian_variance_mean(sizes, estimator, sigma2_0, generations=generations) * np.exp(
        _by_generation(shrink)
    )


def shrink_log_variance_mean(sizes, estimator, c, beta, sigma2_0=1.0, *, generations=None):
    r""":math:`E\log\sigma_T^2` under the shrunken estimator of :func:`shrink_variance_mean`.

    Each round adds the constant :math:`\log(1 - c\,n_t^{-\beta}) \approx -c\,n_t^{-\beta}`
    to the step of :func:`log_variance_mean`:

    .. math:: E\log\sigma_T^2 = \log\sigma_0^2 + \sum_{t\le T}
              \Big[\delta(n_t) + \log\big(1 - c\,n_t^{-\beta}\big)\Big],

    with :math:`\delta` from :func:`log_variance_drift`. The variance of
    :math:`\log\sigma_T^2` is unchanged (:func:`log_variance_variance`). The sum stays
    finite iff :math:`\sum_t 1/n_t` and :math:`\sum_t n_t^{-\beta}` both converge.
    Parameters and shape as in :func:`shrink_variance_mean`.
    """
    shrink = _log_shrink_steps(sizes, c, beta, generations)
    return log_variance_mean(sizes, estimator, sigma2_0, generations=generations) + _by_generation(
        shrink
    )


def _log_shrink_steps(sizes, c, beta, generations):
    """Per-round log factors log(1 - c n_t^-beta) of the shrunken estimator, after validation."""
    c = _check_real("c", c, low=0.0, high=1.0, low_open=True, high_open=True)
    beta = _check_real("beta", beta, low=0.0, low_open=True)
    n = _schedule(sizes, generations, minimum=2)
    return np.log1p(-c * n**-beta)


def poisson_survival_by_generation(sizes, lam0, *, generations=None):
    r"""Exact :math:`P(\Lambda_T \neq 0)` for the Poisson MLE under any schedule (replace).

    :math:`n_t\Lambda_t` is Poisson with mean :math:`n_t\Lambda_{t-1}`, so
    :math:`E[e^{-y\Lambda_t}\mid\Lambda_{t-1}] = \exp(-\Lambda_{t-1}\, h_t(y))` with
    :math:`h_t(y) = n_t (1 - e^{-y/n_t})`. Letting :math:`y \to \infty` in round
    :math:`T` and conditioning backwards,

    .. math:: P(\Lambda_T = 0) = \exp(-\lambda_0\, y_0^{(T)}),\qquad
              y_{T-1}^{(T)} = n_T,\quad y_{t-1}^{(T)} = h_t\big(y_t^{(T)}\big).

    For a constant schedule :math:`y_0^{(T)} = n\,g_T` and this is
    :func:`poisson_survival` (Suresh, Thangaraj and Khandavally, 2025); the extension to
    growing schedules is derived in the book. From
    :math:`x/(1+x) \le 1 - e^{-x} \le 2x/(2+x)` it follows that
    :math:`1/S_T \le y_0^{(T)} \le 2/S_T` with :math:`S_T = \sum_{t\le T} 1/n_t`: the rate
    dies out almost surely iff :math:`\sum_t 1/n_t = \infty`. All :math:`T` are computed
    together, :math:`G` vectorised steps.

    Parameters
    ----------
    sizes : int, sequence of int or callable
        Schedule :math:`n_1, \dots, n_G` (see module docstring).
    lam0 : float
        True rate :math:`\lambda_0 > 0`.
    generations : int, optional
        :math:`G`, required when ``sizes`` is an int or a callable.

    Returns
    -------
    numpy.ndarray
        Shape ``(G + 1,)``; entry :math:`T` is :math:`P(\Lambda_T \neq 0)` (entry 0 is 1).
    """
    lam0 = _check_real("lam0", lam0, low=0.0, low_open=True)
    n = _schedule(sizes, generations)
    G = n.size
    y = n.copy()  # y[T-1] holds y^{(T)} for the target generation T = 1..G
    for j in range(1, G):
        # one step back for every target T > j: from y_{T-j} to y_{T-j-1}, through n_{T-j}
        nn = n[: G - j]
        y[j:] = -nn * np.expm1(-y[j:] / nn)
    return np.concatenate(([1.0], -np.expm1(-lam0 * y)))


# ------------------------------------------- exact law of the log-variance walk (constant n)
#: Tail mass, as a power of e, neglected by the Fourier inversion of :func:`_walk_nodes`.
_CF_TAIL = 45.0
#: Mean overshoot of a driftless Gaussian random walk over a far level, in step standard
#: deviations: :math:`-\zeta(1/2)/\sqrt{2\pi} \approx 0.5826` (Siegmund, 1979).
_GAUSSIAN_OVERSHOOT = float(-special.zeta(0.5) / np.sqrt(2.0 * np.pi))


#: Stirling coefficients B_{2k} / (2k (2k - 1)), k = 1..8, of log Gamma(z).
_STIRLING = np.array([1 / 6, -1 / 30, 1 / 42, -1 / 30, 5 / 66, -691 / 2730, 7 / 6, -3617 / 510]) / (
    np.arange(2, 17, 2) * np.arange(1, 16, 2)
)


def _step_law(n, ddof):
    """Shape ``a`` and divisor ``d`` of one step ``log(chi2_{n-1}/(n - ddof)) = log(2G/d)``.

    ``G ~ Gamma(a, 1)`` with ``a = (n-1)/2`` and ``d = n - ddof``.
    """
    return (n - 1) / 2.0, float(n - ddof) if np.ndim(n) == 0 else (n - ddof).astype(float)


def _log_step_cf(u, a, d):
    r"""Log characteristic function :math:`\log E e^{iuX}` of :math:`X = \log(2G/d)`, ``u >= 0``.

    :math:`\log\varphi(u) = iu\log(2/d) + \log\Gamma(a + iu) - \log\Gamma(a)`, evaluated
    without cancellation (the walk raises it to the power :math:`t`, which would magnify
    the rounding of a plain difference of ``loggamma`` values): the recurrence
    :math:`\Gamma(z + 1) = z\Gamma(z)` moves :math:`a` to :math:`A \ge 12`, where
    Stirling's series (8 terms, error below :math:`10^{-20}`) is differenced term by term
    with :math:`\log(1 + iv) = \tfrac12\operatorname{log1p}(v^2) + i\arctan v`.
    """
    shift = max(0, int(np.ceil(12.0 - a)))
    A = a + shift
    real, imag = np.zeros(u.shape), np.zeros(u.shape)
    for j in range(shift):  # log Gamma(a + j + iu) - log Gamma(a + j) = ... - log(1 + iu/(a+j))
        v = u / (a + j)
        real -= 0.5 * np.log1p(v * v)
        imag -= np.arctan(v)
    v = u / A
    L_re, L_im = 0.5 * np.log1p(v * v), np.arctan(v)  # log(1 + iu/A)
    # (z - 1/2) log z - z at z = A + iu minus at z = A, plus the iu log(2/d) of the scale
    real += (A - 0.5) * L_re - u * L_im
    imag += (A - 0.5) * L_im + u * L_re - u + u * np.log(2.0 * A / d)
    z = A + 1j * u
    k = np.arange(1, _STIRLING.size + 1)
    series = (_STIRLING * (z[..., None] ** (1 - 2 * k) - A ** (1.0 - 2 * k))).sum(axis=-1)
    return (real + series.real) + 1j * (imag + series.imag)


def _walk_nodes(t, a, d, reach):
    r"""Trapezoidal nodes for inverting the law of :math:`S_t = \sum_{s\le t}\log(2G_s/d)`.

    :math:`S_t` has characteristic function :math:`\varphi(u)^t` (:func:`_log_step_cf`).
    ``t`` (1-D, ``t >= 1``) and ``reach`` (how far from the mean the law will be
    evaluated) give one row of nodes :math:`u_j = jh` per point. Since
    :math:`\sum_{j\ge1}\sin(j\theta)/j = (\pi-\theta)/2` on :math:`(0, 2\pi)`, the
    trapezoidal rule is exact for the part of the law within :math:`2\pi/h` of the
    evaluation point; :math:`h` leaves outside a mass below about :math:`e^{-45}` (10
    standard deviations of the Gaussian bulk plus the exponential left tail of
    :math:`\log G`, rate :math:`a`), and the rows stop where :math:`|\varphi|^t < e^{-45}`.
    Returns ``(mean, h, u, t log phi(u))``, the last ``-inf`` past the end of each row.
    """
    m = t * (special.digamma(a) + np.log(2.0 / d))
    s = np.sqrt(t * special.polygamma(1, a))
    h = 2.0 * np.pi / (reach + 10.0 * s + _CF_TAIL / a + 1.0)
    table = np.geomspace(1e-4, 1e5, 600)  # |phi| decreases in u
    log_abs = _log_step_cf(table, a, d).real
    U = table[np.minimum(np.searchsorted(-log_abs, _CF_TAIL / t), table.size - 1)]
    count = np.ceil(U / h).astype(np.int64)
    j = np.arange(1, count.max() + 1)
    u = h[:, None] * j[None, :]
    keep = j[None, :] <= count[:, None]
    return m, h, u, np.where(keep, t[:, None] * _log_step_cf(u, a, d), -np.inf)


def _walk_invert(nodes, y, kind):
    """Gil-Pelaez inversion at ``y`` (one per row): ``kind`` "cdf", "sf" or "pdf"."""
    m, h, u, tlog = nodes
    z = np.exp(tlog - 1j * u * y[:, None])
    if kind == "pdf":
        return np.maximum(h * (0.5 + z.real.sum(axis=1)) / np.pi, 0.0)
    total = h * (0.5 * (m - y) + (z.imag / u).sum(axis=1)) / np.pi
    return np.clip(0.5 + total if kind == "sf" else 0.5 - total, 0.0, 1.0)


def _walk_inputs(n, estimator, t, sigma2_0):
    """Validate the shared arguments of the exact-law functions."""
    ddof = _ddof(estimator)
    n = _check_int("n", n, minimum=2)
    t = _as_int_array("t", t, minimum=0)
    sigma2_0 = _check_real("sigma2_0", sigma2_0, low=0.0, low_open=True)
    a, d = _step_law(n, ddof)
    return a, d, t, np.log(sigma2_0)


def _walk_probability(y, t, a, d, upper):
    """``P(S_t <= y)`` (or ``> y`` if ``upper``) broadcast over ``y`` and ``t``, t = 0 allowed."""
    y, t = np.broadcast_arrays(np.asarray(y, dtype=float), t)
    out = np.where(y >= 0, 0.0 if upper else 1.0, 1.0 if upper else 0.0)  # t = 0: S_0 = 0
    moving = t > 0
    if np.any(moving):
        ym, tm = y[moving], t[moving].astype(float)
        m = tm * (special.digamma(a) + np.log(2.0 / d))
        out[moving] = _walk_invert(
            _walk_nodes(tm, a, d, np.abs(ym - m)), ym, "sf" if upper else "cdf"
        )
    return out


def log_variance_cdf(x, n, estimator, t, sigma2_0=1.0):
    r"""Exact :math:`P(\log\sigma_t^2 \le x)` under the replace scheme with constant :math:`n`.

    :math:`\log\sigma_t^2 - \log\sigma_0^2` is a sum of :math:`t` independent steps
    :math:`\log(\chi^2_{n-1}/(n - \mathrm{ddof})) = \log(2/(n-\mathrm{ddof})) + \log G`
    with :math:`G \sim \mathrm{Gamma}((n-1)/2, 1)`, whose characteristic function is

    .. math:: \varphi(u) = \Big(\frac{2}{n - \mathrm{ddof}}\Big)^{iu}
              \frac{\Gamma\big(\tfrac{n-1}{2} + iu\big)}{\Gamma\big(\tfrac{n-1}{2}\big)} .

    The CDF follows from Gil-Pelaez's inversion formula,
    :math:`F(x) = \tfrac12 - \tfrac1\pi\int_0^\infty \operatorname{Im}
    \big(e^{-iux}\varphi(u)^t\big)\,du/u`, evaluated by the trapezoidal rule. The rule is
    exact for the part of the distribution within :math:`2\pi/h` of :math:`x` (a
    Fourier-series identity), so with the step chosen here the absolute error is of
    order :math:`10^{-14}`, in the tails as well: no normal approximation is involved.

    Parameters
    ----------
    x : float or array
        Level(s) on the scale of :math:`\log\sigma^2` (natural logarithm).
    n : int
        Samples per round, :math:`n \ge 2`.
    estimator : {"mle", "unbiased"}
    t : int or array of int
        Round(s) :math:`t \ge 0`; broadcast against ``x``.
    sigma2_0 : float, optional
        True variance :math:`\sigma_0^2 > 0`.

    Returns
    -------
    float or numpy.ndarray
        Broadcast shape of ``x`` and ``t``.
    """
    a, d, t, log0 = _walk_inputs(n, estimator, t, sigma2_0)
    x = _as_real_array("x", x)
    return _out(_walk_probability(x - log0, t, a, d, upper=False))


def log_variance_quantile(q, n, estimator, t, sigma2_0=1.0):
    r"""Exact quantiles of :math:`\log\sigma_t^2` under the replace scheme with constant :math:`n`.

    Inverts :func:`log_variance_cdf` by Newton's method on the exact density (also by
    Fourier inversion), safeguarded by bisection, to an absolute error below
    :math:`10^{-9}` in :math:`x`. The quantiles of :math:`\sigma_t^2` are the exponentials
    of these (a monotone map). For large :math:`t` the result approaches the normal
    quantile :math:`E\log\sigma_t^2 + z_q\,(\operatorname{Var}\log\sigma_t^2)^{1/2}`
    (:func:`log_variance_mean`, :func:`log_variance_variance`); for small :math:`t` the
    left skew of :math:`\log\chi^2` makes them differ.

    Parameters
    ----------
    q : float or array
        Level(s) in :math:`(0, 1)`.
    n : int
        Samples per round, :math:`n \ge 2`.
    estimator : {"mle", "unbiased"}
    t : int or array of int
        Round(s) :math:`t \ge 0`; broadcast against ``q`` (at :math:`t = 0` every quantile
        is :math:`\log\sigma_0^2`).
    sigma2_0 : float, optional
        True variance :math:`\sigma_0^2 > 0`.

    Returns
    -------
    float or numpy.ndarray
        Broadcast shape of ``q`` and ``t``.
    """
    a, d, t, log0 = _walk_inputs(n, estimator, t, sigma2_0)
    q = _real_array("q", q, low=0.0, low_open=True)
    if np.any(q >= 1.0):
        raise ValueError(f"q must be < 1, got {q.tolist()!r}")
    q, t = np.broadcast_arrays(q, t)
    out = np.zeros(q.shape)
    moving = t > 0
    if np.any(moving):
        out[moving] = _walk_quantile(q[moving], t[moving], a, d)
    return _out(out + log0)


def _walk_quantile(q, t, a, d, tol=1e-10, max_iter=100):
    """Quantiles of S_t for 1-D ``q`` and ``t >= 1``: Newton's method inside a bracket."""
    t = t.astype(float)
    m = t * (special.digamma(a) + np.log(2.0 / d))
    s = np.sqrt(t * special.polygamma(1, a))
    lo, hi = m - 12.0 * s - _CF_TAIL / a, m + 12.0 * s
    nodes = _walk_nodes(t, a, d, np.maximum(m - lo, hi - m))
    x = np.clip(m + s * special.ndtri(q), lo, hi)
    for _ in range(max_iter):
        F = _walk_invert(nodes, x, "cdf")
        below = F < q
        lo, hi = np.where(below, x, lo), np.where(below, hi, x)
        f = _walk_invert(nodes, x, "pdf")
        with np.errstate(divide="ignore", invalid="ignore"):
            newton = x - (F - q) / f
        x_new = np.where((f > 0) & (newton >= lo) & (newton <= hi), newton, 0.5 * (lo + hi))
        done = np.abs(x_new - x) < tol
        x = x_new
        if np.all(done):
            break
    return x


def sigma_tail_probability(k, n, level, estimator, sigma0=1.0):
    r"""Exact :math:`P(\sigma_k > \text{level})` for the replace scheme with constant :math:`n`.

    The fitted standard deviation exceeds :math:`\ell` iff
    :math:`\log\sigma_k^2 > 2\log\ell`; the probability is computed as an upper tail by
    the Fourier inversion of :func:`log_variance_cdf` (absolute error of order
    :math:`10^{-14}`, so it stays accurate far below the reach of Monte Carlo). Compare
    with the bound :func:`gaussian_sigma_tail_bound` of Suresh, Thangaraj and
    Khandavally (2025) and the exponential rate :func:`sigma_tail_rate`.

    Parameters
    ----------
    k : int or array of int
        Round(s), :math:`k \ge 0`.
    n : int
        Samples per round, :math:`n \ge 2`.
    level : float
        Threshold :math:`\ell > 0`.
    estimator : {"mle", "unbiased"}
    sigma0 : float, optional
        True standard deviation :math:`\sigma_0 > 0`.

    Returns
    -------
    float or numpy.ndarray
        Shape of ``k``.
    """
    level = _check_real("level", level, low=0.0, low_open=True)
    sigma0 = _check_real("sigma0", sigma0, low=0.0, low_open=True)
    a, d, k, _ = _walk_inputs(n, estimator, k, 1.0)
    y = np.full(k.shape, 2.0 * np.log(level / sigma0))
    return _out(_walk_probability(y, k, a, d, upper=True))


def sigma_tail_rate(n, estimator):
    r"""Exact exponential rate of :math:`P(\sigma_k > \ell)`: :math:`\rho^* = \min_s E\,R^s`.

    One round multiplies :math:`\sigma^2` by :math:`R = \chi^2_{n-1}/(n - \mathrm{ddof})`,
    with :math:`M(s) = E R^s = (2/(n-\mathrm{ddof}))^s\,\Gamma(a + s)/\Gamma(a)`,
    :math:`a = (n-1)/2`. :math:`\log M` is convex with :math:`M(0) = 1` and
    :math:`M'(0) = E\log R < 0`; its minimiser solves
    :math:`\psi(a + s^*) = \log((n - \mathrm{ddof})/2)`. For every fixed level
    :math:`\ell > 0`, Chernoff's bound :math:`P(\sigma_k > \ell) \le (\sigma_0/\ell)^{2s}
    M(s)^k` (any :math:`s \ge 0`) and Cramér's theorem give

    .. math:: \lim_{k\to\infty} \frac1k \log P(\sigma_k > \ell) = \log \rho^*,
              \qquad \rho^* = M(s^*).

    :math:`s = 1/2` is Markov's inequality on :math:`\sigma_k` and yields the factor
    :math:`\alpha` of :func:`bertrand_factor`. Unbiased estimator: :math:`s^* \approx 1/2`
    and :math:`\rho^* \approx \alpha \approx e^{-1/(4n)}`, so the exponent of Suresh et
    al.'s bound is nearly sharp. MLE: :math:`s^* \approx 1`,
    :math:`\rho^* \approx e^{-1/n}`, four times the bound's exponent. (Derived in the
    book from Chernoff's bound and Cramér's theorem.)

    Parameters
    ----------
    n : int or array of int
        Samples per round, :math:`n \ge 2`.
    estimator : {"mle", "unbiased"}

    Returns
    -------
    (rho, s) : floats or numpy.ndarrays
        The rate :math:`\rho^* \in (0, 1)` and the minimiser :math:`s^* > 0`.
    """
    ddof = _ddof(estimator)
    n = _sizes_array(n, 2)
    a, d = _step_law(n, ddof)
    c = np.log(2.0 / d)
    target = -c  # psi(a + s*) = log((n - ddof) / 2)
    x = np.exp(target) + 0.5  # inverse digamma: Newton from the asymptotic guess
    for _ in range(50):
        step = (special.digamma(x) - target) / special.polygamma(1, x)
        x = np.maximum(x - step, 0.5 * x)
        if np.all(np.abs(step) <= 1e-14 * x):
            break
    s = x - a
    log_rho = s * c + special.gammaln(a + s) - special.gammaln(a)
    return _out(np.exp(log_rho)), _out(s)


def sigma_halving_time_approx(n, estimator, factor=2.0, corrected=True):
    r"""Brownian approximation of the law of the time until :math:`\sigma_t \le \sigma_0/f`.

    :math:`\tau = \min\{t : \log\sigma_t^2 \le \log\sigma_0^2 - b\}` with
    :math:`b = 2\log(\text{factor})` (:math:`b = \ln 4` for halving) is the first passage
    of the random walk of :math:`\log\sigma_t^2`, drift :math:`\delta < 0`
    (:func:`log_variance_drift`), step variance :math:`v`
    (:func:`log_variance_step_variance`). Replacing the walk by a Brownian motion with the
    same drift and variance gives the inverse Gaussian law with mean :math:`b/|\delta|`
    and shape :math:`b^2/v`. This is an approximation: by Wald's identity the exact mean
    is :math:`E\tau = (b + E R)/|\delta|`, where :math:`R \ge 0` is the overshoot of the
    walk below the level, so :math:`b/|\delta|` is a lower bound. With
    ``corrected=True`` the level is raised to :math:`b + \rho\sqrt v`, :math:`\rho =
    -\zeta(1/2)/\sqrt{2\pi} \approx 0.583` the mean overshoot of a Gaussian walk
    (Siegmund's corrected diffusion approximation, 1979), which removes most of that bias:
    the corrected mean is low by about 6 % at :math:`n = 10`, 2 % at :math:`n = 20` and
    less than 2 % for larger :math:`n`, the plain one by 22 %, 13 % and about
    :math:`0.6/\sqrt n` (both worse for smaller :math:`n`; checked in the tests).

    Parameters
    ----------
    n : int
        Samples per round, :math:`n \ge 2`.
    estimator : {"mle", "unbiased"}
    factor : float, optional
        The standard deviation must fall by this factor, ``factor > 1`` (2: halving).
    corrected : bool, optional
        Apply the overshoot correction (default) or not (the plain drift approximation).

    Returns
    -------
    scipy.stats.rv_continuous frozen distribution
        An inverse Gaussian law (``scipy.stats.invgauss``): use ``.mean()``, ``.pdf``,
        ``.cdf``, ``.ppf``.
    """
    n = _check_int("n", n, minimum=2)
    drift = -log_variance_drift(n, estimator)
    factor = _check_real("factor", factor, low=1.0, low_open=True)
    if not isinstance(corrected, (bool, np.bool_)):
        raise TypeError(f"corrected must be a bool, got {corrected!r}")
    v = log_variance_step_variance(n)
    b = 2.0 * np.log(factor) + (_GAUSSIAN_OVERSHOOT * np.sqrt(v) if corrected else 0.0)
    shape = b**2 / v
    return stats.invgauss(mu=b / drift / shape, scale=shape)


# ------------------------------------------------ total collapse and persistent excitation
def wf_collapse_tail_bound(probs, n, t):
    r"""Upper bound on the probability that resampling has not collapsed by generation :math:`t`.

    Categorical model refitted on :math:`n` draws per round (replace, no fresh data,
    i.e. Wright–Fisher with :math:`K` types), started from the frequencies
    :math:`p = (p_1, \dots, p_K)` at generation 0. The *heterozygosity*
    :math:`H_t = 1 - \sum_i P_{t,i}^2` (the chance that two draws from the model of
    generation :math:`t` differ) satisfies
    :math:`E[H_t \mid P_{t-1}] = (1 - 1/n) H_{t-1}`, and on a state that holds at
    least two types :math:`H \ge 2(n-1)/n^2` (the frequencies are multiples of
    :math:`1/n` from generation 1 on). Markov's inequality gives, for :math:`t \ge 1`,

    .. math:: P(\tau > t) \le \frac{n^2\, H_0\,(1 - 1/n)^t}{2(n-1)},
              \qquad H_0 = 1 - \sum_i p_i^2,

    with :math:`\tau` the first generation at which one type holds all the mass (derived
    in the book). The tail of the collapse time is at most geometric with rate
    :math:`1 - 1/n`. Values above 1 are vacuous and returned as they are.

    Parameters
    ----------
    probs : array_like
        Initial frequencies, 1-D, non-negative, summing to 1 (at least 2 entries).
    n : int
        Draws per round, :math:`n \ge 2`.
    t : int or array of int
        Generation(s), :math:`t \ge 1`.

    Returns
    -------
    float or numpy.ndarray
    """
    probs = _check_probs("probs", probs)
    n = _check_int("n", n, minimum=2)
    t = _as_int_array("t", t, minimum=1)
    h0 = 1.0 - float(np.sum(probs**2))
    return _out(n * n * h0 * (1.0 - 1.0 / n) ** t / (2.0 * (n - 1)))


def wf_collapse_horizon(probs, n, delta):
    r"""Generations after which collapse has happened with probability :math:`\ge 1 - \delta`.

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
    """
    probs = _check_probs("probs", probs)
    n = _check_int("n", n, minimum=2)
    delta = _check_real("delta", delta, low=0.0, high=1.0, low_open=True, high_open=True)
    h0 = 1.0 - float(np.sum(probs**2))
    if h0 == 0.0:
        return 1
    t = max(1, int(np.ceil(np.log(2.0 * (n - 1) * delta / (n * n * h0)) / np.log1p(-1.0 / n))))
    # guard against rounding in the logarithms: the bound itself decides
    while t > 1 and wf_collapse_tail_bound(probs, n, t - 1) <= delta:
        t -= 1
    while wf_collapse_tail_bound(probs, n, t) > delta:
        t += 1
    return t


def wf_surviving_types_mean(probs, n, *, generations):
    r"""Expected number of types still present at every generation of Wright–Fisher resampling.

    Categorical model with frequencies :math:`p_1, \dots, p_K` at generation 0,
    refitted on :math:`n` draws per round (replace, no fresh data). By linearity,
    :math:`E K_t = \sum_i P(P_{t,i} > 0)`, and the count of type :math:`i` is a
    two-type Wright–Fisher chain: :math:`nP_{1,i} \sim \mathrm{Binomial}(n, p_i)`, then
    :func:`wf_transition_matrix` each round. Exact, cost
    :math:`O(G\,u\,n^2)` for :math:`u` distinct values among the :math:`p_i`.

    Started from :math:`n` distinct atoms (``probs = np.full(n, 1/n)``) this is the
    expected number of distinct atoms left after :math:`t` rounds of empirical
    resampling, equivalently the expected number of distinct ancestors of :math:`n`
    lineages traced back :math:`t` generations (the coalescent of
    :func:`coalescence_time`).

    Parameters
    ----------
    probs : array_like
        Frequencies at generation 0, 1-D, non-negative, summing to 1.
    n : int
        Draws per round, :math:`n \ge 1`.
    generations : int
        :math:`G \ge 0`.

    Returns
    -------
    numpy.ndarray
        Shape ``(G + 1,)``; entry :math:`t` is :math:`E K_t` (entry 0 counts the
        positive :math:`p_i`).
    """
    probs = _check_probs("probs", probs)
    n = _check_int("n", n, minimum=1)
    generations = _check_int("generations", generations, minimum=0)
    values, mult = np.unique(probs[probs > 0], return_counts=True)
    out = np.empty(generations + 1)
    out[0] = mult.sum()
    if generations == 0:
        return out
    P = wf_transition_matrix(n)
    law = stats.binom.pmf(np.arange(n + 1)[None, :], n, values[:, None])  # generation 1
    for t in range(1, generations + 1):
        if t > 1:
            law = law @ P
        out[t] = mult @ (1.0 - law[:, 0])
    return out


def _fresh_chain(p0, n, eps):
    """Transition matrix of the count of one type with a fresh fraction (two types)."""
    i = np.arange(n + 1)
    return stats.binom.pmf(i[None, :], n, eps * p0 + (1.0 - eps) * i[:, None] / n)


def fresh_stationary_distribution(p0, n, eps):
    r"""Exact stationary law of a type's count :math:`nP` with a fresh fraction ε.

    The count of a type of true frequency :math:`p_0` moves as
    :math:`nP_t \sim \mathrm{Binomial}(n, \varepsilon p_0 + (1-\varepsilon)P_{t-1})`
    (two types; for more types, the count of any one of them). For
    :math:`\varepsilon > 0` and :math:`0 < p_0 < 1` every transition probability is
    positive, so the chain has a unique stationary law :math:`\pi`; it solves
    :math:`\pi P = \pi`, :math:`\sum_k \pi_k = 1` (a linear system of size
    :math:`n + 1`). Its mean is :math:`p_0` and its variance is
    :func:`fresh_stationary_moments`. For :math:`p_0 \in \{0, 1\}` and
    :math:`\varepsilon > 0` the law is the point mass at the truth. For
    :math:`\varepsilon = 0` (no stationary law is unique) the function returns the
    limit law from :math:`P_0 = p_0`: mass :math:`1 - p_0` at 0 and :math:`p_0` at
    :math:`n` (total collapse, Borkar 2025).

    Parameters
    ----------
    p0 : float
        True frequency in :math:`[0, 1]`.
    n : int
        Draws per round, :math:`n \ge 1`.
    eps : float
        Fresh fraction :math:`\varepsilon \in [0, 1]`.

    Returns
    -------
    numpy.ndarray
        Shape ``(n + 1,)``; entry :math:`k` is :math:`\pi(nP = k)`.
    """
    p0 = _check_real("p0", p0, low=0.0, high=1.0)
    n = _check_int("n", n, minimum=1)
    eps = _check_real("eps", eps, low=0.0, high=1.0)
    pi = np.zeros(n + 1)
    if eps == 0.0:
        pi[0], pi[n] = 1.0 - p0, p0
        return pi
    if p0 in (0.0, 1.0):
        pi[round(p0 * n)] = 1.0
        return pi
    A = _fresh_chain(p0, n, eps).T - np.eye(n + 1)
    A[-1] = 1.0
    b = np.zeros(n + 1)
    b[-1] = 1.0
    pi = linalg.solve(A, b)
    return np.clip(pi, 0.0, None) / np.clip(pi, 0.0, None).sum()


def fresh_stationary_beta(p0, n, eps):
    r"""Beta approximation :math:`\mathrm{Beta}(\theta p_0, \theta(1-p_0))` of the stationary law.

    With :math:`\theta = (n-1)\,\varepsilon(2-\varepsilon)` the Beta law has exactly the
    stationary mean :math:`p_0` and variance :math:`p_0(1-p_0)/(1+\theta)` of
    :func:`fresh_stationary_moments`. For large :math:`n` and small
    :math:`\varepsilon`, :math:`\theta \approx 2n\varepsilon` and this is the
    diffusion limit of the chain: Wright's (1931) stationary distribution of a gene
    frequency under migration, with :math:`2n\varepsilon` in place of his
    :math:`4Nm` (:math:`n` haploid copies instead of :math:`2N` diploid genes). Both
    shape parameters below 1 give a U-shaped law: the chain then spends most of its
    time near a collapsed state.

    Parameters
    ----------
    p0 : float or array
        True frequency (frequencies) in :math:`(0, 1)`.
    n : int
        Draws per round, :math:`n \ge 2`.
    eps : float
        Fresh fraction :math:`0 < \varepsilon \le 1`.

    Returns
    -------
    (a, b)
        Shape parameters, each a float or an array shaped like ``p0``.
    """
    p0 = _real_array("p0", p0, low=0.0, high=1.0)
    if np.any((p0 == 0) | (p0 == 1)):
        raise ValueError(f"p0 must be strictly between 0 and 1, got {p0.tolist()!r}")
    n = _check_int("n", n, minimum=2)
    eps = _check_real("eps", eps, low=0.0, high=1.0, low_open=True)
    theta = (n - 1) * eps * (2.0 - eps)
    return _out(theta * p0), _out(theta * (1 - p0))


def fresh_effective_size(n, eps):
    r"""Effective sample size :math:`n_{\mathrm{eff}} = n - (n-1)(1-\varepsilon)^2` of a round.

    At stationarity the :math:`n` draws of a round are exchangeable with the law of
    the truth but positively correlated: two draws from the same round land in a set
    :math:`A` together with correlation
    :math:`\rho = (1-\varepsilon)^2/n_{\mathrm{eff}}`, so the empirical frequency of
    :math:`A` has variance :math:`p_0(1-p_0)(1 + (n-1)\rho)/n = p_0(1-p_0)/n_{\mathrm{eff}}`
    (:func:`fresh_stationary_moments`): the round is worth :math:`n_{\mathrm{eff}}`
    independent draws from the truth. :math:`n_{\mathrm{eff}} = 1` at
    :math:`\varepsilon = 0` (total collapse), :math:`n` at :math:`\varepsilon = 1`,
    and :math:`\approx 1 + 2n\varepsilon` for small :math:`\varepsilon` (derived in the
    book; Borkar's *degeneration*).

    Parameters
    ----------
    n : int
        Draws per round, :math:`n \ge 1`.
    eps : float or array
        Fresh fraction(s) in :math:`[0, 1]`.

    Returns
    -------
    float or numpy.ndarray
    """
    n = _check_int("n", n, minimum=1)
    eps = _real_array("eps", eps, low=0.0, high=1.0)
    return _out(n - (n - 1) * (1.0 - eps) ** 2)


def fresh_fraction_for_effective_size(n, m):
    r"""Smallest fresh fraction whose stationary rounds are worth :math:`m` i.i.d. draws.

    Inverts :func:`fresh_effective_size`:

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
    m : float or array
        Target effective size(s), :math:`1 \le m \le n`.

    Returns
    -------
    float or numpy.ndarray
    """
    n = _check_int("n", n, minimum=2)
    m = _real_array("m", m, low=1.0, high=float(n))
    return _out(1.0 - np.sqrt((n - m) / (n - 1.0)))


def fresh_gaussian_moments(sizes, eps, estimator, sigma2_0=1.0, *, generations=None):
    r"""Expected fitted variance and squared mean error of a Gaussian with a fresh fraction ε.

    Replace scheme, mean and variance refitted on :math:`n_t` draws, each from the
    truth :math:`N(\mu_0, \sigma_0^2)` with probability :math:`\varepsilon` and from
    :math:`N(\mu_{t-1}, \sigma_{t-1}^2)` otherwise. Given the past the draws are
    i.i.d. from a two-component mixture of variance
    :math:`\tau_t^2 = \varepsilon\sigma_0^2 + (1-\varepsilon)\sigma_{t-1}^2 +
    \varepsilon(1-\varepsilon)(\mu_{t-1}-\mu_0)^2`, so with
    :math:`s_t = E\,\sigma_t^2` and :math:`v_t = E(\mu_t - \mu_0)^2`

    .. math::
        m_t = \varepsilon\sigma_0^2 + (1-\varepsilon)s_{t-1} + \varepsilon(1-\varepsilon)v_{t-1},
        \quad
        s_t = \frac{n_t - 1}{n_t - \mathrm{ddof}}\, m_t,
        \quad
        v_t = \frac{m_t}{n_t} + (1-\varepsilon)^2 v_{t-1},

    from :math:`s_0 = \sigma_0^2`, :math:`v_0 = 0` (derived in the book). With the MLE,
    :math:`s_t + v_t = \sigma_0^2` for every :math:`t` and every :math:`\varepsilon`:
    the fitted Gaussians keep, on average, the true second moment. For
    :math:`\varepsilon = 0` the two curves are :func:`gaussian_variance_mean` and
    :func:`joint_mean_variance`.

    Parameters
    ----------
    sizes : int, sequence of int or callable
        Schedule :math:`n_1, \dots, n_G`, every :math:`n_t \ge 2` (see module docstring).
    eps : float
        Fresh fraction :math:`\varepsilon \in [0, 1]`.
    estimator : {"mle", "unbiased"}
    sigma2_0 : float, optional
        True variance :math:`\sigma_0^2 > 0`.
    generations : int, optional
        Required when ``sizes`` is an int or a callable.

    Returns
    -------
    (s, v) : tuple of numpy.ndarray
        Each of shape ``(G + 1,)``: :math:`E\,\sigma_t^2` and :math:`E(\mu_t-\mu_0)^2`.
    """
    ddof = _ddof(estimator)
    eps = _check_real("eps", eps, low=0.0, high=1.0)
    sigma2_0 = _check_real("sigma2_0", sigma2_0, low=0.0, low_open=True)
    n = _schedule(sizes, generations, minimum=2)
    s = np.empty(n.size + 1)
    v = np.empty(n.size + 1)
    s[0], v[0] = sigma2_0, 0.0
    for t, nt in enumerate(n, start=1):
        m = eps * sigma2_0 + (1 - eps) * s[t - 1] + eps * (1 - eps) * v[t - 1]
        s[t] = (nt - 1) / (nt - ddof) * m
        v[t] = m / nt + (1 - eps) ** 2 * v[t - 1]
    return s, v


def fresh_gaussian_stationary_moments(n, eps, estimator, sigma2_0=1.0):
    r"""Limits of :math:`E\,\sigma_t^2` and :math:`E(\mu_t-\mu_0)^2` for a constant :math:`n`.

    The recursion of :func:`fresh_gaussian_moments` is affine,
    :math:`x_t = A x_{t-1} + b`. With the MLE its limits are, with
    :math:`\theta = (n-1)\,\varepsilon(2-\varepsilon)`,

    .. math:: E\,\sigma_\infty^2 = \sigma_0^2\,\frac{\theta}{1+\theta}, \qquad
              E(\mu_\infty - \mu_0)^2 = \frac{\sigma_0^2}{1+\theta},

    the same :math:`1 + \theta` as the effective size of :func:`fresh_effective_size`.
    With the unbiased estimator the largest eigenvalue of :math:`A` is below 1 iff
    :math:`\varepsilon(2-\varepsilon) > (1-\varepsilon)/n`; below that threshold the
    expectations grow without bound and ``inf`` is returned (the typical path does
    not grow: the mean is carried by rare large values). For :math:`\varepsilon = 0`
    the limits from the truth are returned: :math:`(0, \sigma_0^2)` for the MLE,
    :math:`(\sigma_0^2, \infty)` for the unbiased estimator. Derived in the book.

    Parameters
    ----------
    n : int
        Draws per round, :math:`n \ge 2`.
    eps : float
        Fresh fraction :math:`\varepsilon \in [0, 1]`.
    estimator : {"mle", "unbiased"}
    sigma2_0 : float, optional
        True variance :math:`\sigma_0^2 > 0`.

    Returns
    -------
    (s, v) : tuple of float
    """
    ddof = _ddof(estimator)
    n = _check_int("n", n, minimum=2)
    eps = _check_real("eps", eps, low=0.0, high=1.0)
    sigma2_0 = _check_real("sigma2_0", sigma2_0, low=0.0, low_open=True)
    if eps == 0.0:
        return (0.0, sigma2_0) if ddof == 0 else (sigma2_0, np.inf)
    c = (n - 1) / (n - ddof)
    r = 1.0 - eps
    A = np.array([[c * r, c * eps * r], [r / n, eps * r / n + r * r]])
    if np.max(np.abs(linalg.eigvals(A))) >= 1.0:
        return np.inf, np.inf
    b = eps * sigma2_0 * np.array([c, 1.0 / n])
    s, v = linalg.solve(np.eye(2) - A, b)
    return float(s), float(v)


# ------------------------------------------------------------- accumulating data
def _accumulate_variance_factors(n, ddof):
    """Per-round factors of :math:`E\\,\\sigma_t^2 / E\\,\\sigma_{t-1}^2` under accumulate."""
    N = np.cumsum(n)
    factors = 1.0 - n / (N * (N - ddof))
    if n.size:
        factors[0] = (n[0] - 1.0) / (n[0] - ddof)
    return factors


def gaussian_variance_mean_accumulate(sizes, estimator, sigma2_0=1.0, *, generations=None):
    r"""Expected fitted variance :math:`E\,\sigma_T^2` under the accumulate scheme.

    Mean and variance are refitted on all :math:`N_t = n_1 + \dots + n_t` observations
    drawn so far. Pooling the new batch (mean :math:`\bar X_t`, sum of squares
    :math:`SS_t`) into the running sum of squares :math:`M_{t-1}` gives
    :math:`M_t = M_{t-1} + SS_t + \frac{N_{t-1} n_t}{N_t}(\bar X_t - \mu_{t-1})^2`, with
    :math:`SS_t = \sigma_{t-1}^2\chi^2_{n_t-1}` and
    :math:`(\bar X_t - \mu_{t-1})^2 = \sigma_{t-1}^2 \chi^2_1 / n_t` independent. Taking
    conditional expectations, with :math:`\sigma_t^2 = M_t/(N_t - \mathrm{ddof})`,

    .. math:: E\,\sigma_T^2 = \sigma_0^2\, \frac{n_1 - 1}{n_1 - \mathrm{ddof}}
              \prod_{t=2}^{T}\Big(1 - \frac{n_t}{N_t (N_t - \mathrm{ddof})}\Big).

    For the MLE (ddof 0) every factor, the first included, is :math:`1 - n_t/N_t^2`;
    for a constant schedule the product converges to
    :math:`\prod_{k \ge 1}(1 - 1/(n k^2)) = \sin(\pi/\sqrt n)/(\pi/\sqrt n) > 0`:
    the expected variance stays bounded away from zero (derived in the book; the
    setting is that of Barzilai and Shamir, 2025).

    Parameters
    ----------
    sizes : int, sequence of int or callable
        Schedule :math:`n_1, \dots, n_G`, every :math:`n_t \ge 2`.
    estimator : {"mle", "unbiased"}
    sigma2_0 : float, optional
        True variance :math:`\sigma_0^2 > 0`.
    generations : int, optional
        :math:`G`, required when ``sizes`` is an int or a callable.

    Returns
    -------
    numpy.ndarray
        Shape ``(G + 1,)``; entry :math:`T` is :math:`E\,\sigma_T^2`.
    """
    ddof = _ddof(estimator)
    sigma2_0 = _check_real("sigma2_0", sigma2_0, low=0.0, low_open=True)
    n = _schedule(sizes, generations, minimum=2)
    return sigma2_0 * np.exp(_by_generation(np.log(_accumulate_variance_factors(n, ddof))))


def joint_mean_variance_accumulate(sizes, estimator, sigma2_0=1.0, *, generations=None):
    r""":math:`\operatorname{Var}\mu_T` under accumulate, mean and variance refitted.

    The refitted mean moves by the new batch's share of its deviation,
    :math:`\mu_t = \mu_{t-1} + \frac{n_t}{N_t}(\bar X_t - \mu_{t-1})` with
    :math:`\bar X_t - \mu_{t-1} = \sigma_{t-1} Z_t/\sqrt{n_t}`, so the increments are
    orthogonal and

    .. math:: \operatorname{Var}\mu_T = \sum_{t \le T} \frac{n_t}{N_t^2}\,
              E\,\sigma_{t-1}^2,

    with :math:`E\,\sigma_{t-1}^2` from :func:`gaussian_variance_mean_accumulate`.
    Bounded by :func:`mean_walk_variance` with ``scheme="accumulate"`` (the fitted
    variance does not grow in expectation); for a constant schedule it stays below
    :math:`\pi^2\sigma_0^2/(6n)` for every :math:`T` (derived in the book).

    Parameters and shape as in :func:`gaussian_variance_mean_accumulate`.
    """
    n = _schedule(sizes, generations, minimum=2)
    prev = gaussian_variance_mean_accumulate(n.astype(np.int64), estimator, sigma2_0)[:-1]
    return _by_generation(n * prev / np.cumsum(n) ** 2)


def poisson_rate_variance(lam0, sizes, scheme, eps=0.0, *, generations=None):
    r"""Exact :math:`\operatorname{Var}\lambda_T` of the refitted Poisson rate (MLE).

    Round :math:`t` draws :math:`n_t` observations, each from the truth
    :math:`\mathrm{Poisson}(\lambda_0)` with probability :math:`\varepsilon` and from
    :math:`\mathrm{Poisson}(\lambda_{t-1})` otherwise, and refits the sample mean on the
    new batch (replace) or on all :math:`N_t` observations (accumulate). Either way
    :math:`\lambda_t = (1 - w_t)\lambda_{t-1} + w_t \bar X_t` with :math:`w_t = 1`
    (replace) or :math:`w_t = n_t / N_t` (accumulate). Hence :math:`E\lambda_t =
    \lambda_0`, and with :math:`V_t = \operatorname{Var}\lambda_t`, using that one draw
    has conditional variance
    :math:`\lambda_0 + (1-\varepsilon)(\lambda_{t-1} - \lambda_0)
    + \varepsilon(1-\varepsilon)(\lambda_{t-1} - \lambda_0)^2`,

    .. math:: V_t = (1 - \varepsilon w_t)^2 V_{t-1}
              + \frac{w_t^2}{n_t}\big(\lambda_0 + \varepsilon(1-\varepsilon) V_{t-1}\big),
              \qquad V_0 = 0 .

    Without fresh data this is :math:`\lambda_0 \sum_t 1/n_t` (replace) and
    :math:`\lambda_0 \sum_t n_t/N_t^2` (accumulate), the Gaussian mean walk of
    :func:`mean_walk_variance` with :math:`\sigma^2 = \lambda_0` (derived in the book).

    Parameters
    ----------
    lam0 : float
        True rate :math:`\lambda_0 > 0`.
    sizes : int, sequence of int or callable
        Schedule :math:`n_1, \dots, n_G` (every :math:`n_t \ge 1`).
    scheme : {"replace", "accumulate"}
    eps : float, optional
        Fresh fraction :math:`\varepsilon \in [0, 1]`.
    generations : int, optional
        Required when ``sizes`` is an int or a callable.

    Returns
    -------
    numpy.ndarray
        Shape ``(G + 1,)``; entry 0 is 0.
    """
    lam0 = _check_real("lam0", lam0, low=0.0, low_open=True)
    scheme = _check_choice("scheme", scheme, ("replace", "accumulate"))
    eps = _check_real("eps", eps, low=0.0, high=1.0)
    n = _schedule(sizes, generations)
    w = np.ones_like(n) if scheme == "replace" else n / np.cumsum(n)
    v = np.zeros(n.size + 1)
    for t in range(1, n.size + 1):
        v[t] = (1.0 - eps * w[t - 1]) ** 2 * v[t - 1] + w[t - 1] ** 2 / n[t - 1] * (
            lam0 + eps * (1.0 - eps) * v[t - 1]
        )
    return v


# ------------------------------------------------------- the non-smooth spike family
def _spike_constants(theta, weight, omega0, rate):
    """Validated constants of the spike family (see :mod:`collapse_lib._spike`)."""
    theta = _check_real("theta", theta, low=0.0, high=1.0)
    weight = _check_real("weight", weight, low=0.0, high=1.0, low_open=True, high_open=True)
    omega0 = _check_real("omega0", omega0, low=1.0)
    rate = _check_real("rate", rate, low=0.0, low_open=True)
    _spike._check_constants(weight, omega0, rate)
    return theta, weight, omega0, rate


def _spike_capture(k, theta, weight, omega0, rate):
    """:func:`spike_capture_point` on validated input (``k`` a positive int array)."""
    log_c = np.log(2.0 * weight / (1.0 - weight))
    lam = _spike._gain(theta, weight, omega0, rate)
    # lambda(x) = k lambda(theta)  <=>  omega(x) = y + log(1 - e^{-y}) - log c, y = k lambda
    log_y = np.log(k) + np.log(lam)
    with np.errstate(over="ignore"):
        y = np.exp(log_y)
    log_omega = log_y + np.log1p((np.log(-np.expm1(-y)) - log_c) / y)
    return (log_omega - np.log(omega0)) / rate


def spike_capture_point(
    k, theta=_spike.THETA_STAR, *, weight=_spike.WEIGHT, omega0=_spike.OMEGA0, rate=_spike.RATE
):
    r"""Left end of the *capture zone* of a spike holding :math:`k` observations.

    In the spike family :class:`collapse_lib.SpikeUniform`, an observation that lies in
    the spike :math:`S_\theta` adds :math:`\lambda(\theta) = \log(1 + c\,e^{\omega(\theta)})`,
    :math:`c = 2\alpha/(1-\alpha)`, to the log-likelihood of :math:`\theta`, and
    :math:`\lambda` increases astronomically fast. A single observation at :math:`x`,
    alone in its own spike, outscores :math:`k` observations in the spike at
    :math:`\theta` exactly when :math:`\lambda(x) > k\,\lambda(\theta)`, i.e. when
    :math:`x` exceeds the point :math:`x_c` returned here,

    .. math:: \omega(x_c) = \log\frac{e^{k\lambda(\theta)} - 1}{c}, \qquad
              x_c = \frac{\log\omega(x_c) - \log\omega_0}{b}
              \approx \theta + \frac{\log k}{b} .

    Computed in logarithms (no overflow). A value above 1 means that no point of the
    parameter range can capture the MLE.

    Parameters
    ----------
    k : int or array of int
        Number of observations in the spike at ``theta``, :math:`k \ge 1`.
    theta : float
        Spike location in :math:`[0, 1]`.
    weight, omega0, rate : float
        Family constants :math:`\alpha, \omega_0, b` (as in ``SpikeUniform``).

    Returns
    -------
    float or numpy.ndarray
    """
    theta, weight, omega0, rate = _spike_constants(theta, weight, omega0, rate)
    k = _as_int_array("k", k, minimum=1)
    return _out(_spike_capture(k, theta, weight, omega0, rate))


def _spike_escape(K, N, theta, weight, omega0, rate):
    """P(one background draw avoids the capture zone of a spike with K points), K >= 0.

    Zero for K = 0 (no point in the true spike: the MLE is elsewhere almost surely).
    Raises ValueError when spike widths are not negligible for data sets of size N.
    """
    w_low = _spike._width(max(theta - np.log(max(N, 2)) / rate, 0.0), omega0, rate)
    if N * N * w_low > 1e-12:
        raise ValueError(
            f"the capture-zone formula needs negligible spike widths; got width "
            f"{float(w_low):.3g} near theta={theta!r} for N={N} observations "
            f"(use a larger rate or theta)"
        )
    out = np.zeros(K.shape)
    pos = K > 0
    zone = np.clip(1.0 - _spike_capture(K[pos], theta, weight, omega0, rate), 0.0, None)
    out[pos] = 1.0 - zone / 2.0
    return out


def spike_mle_correct_probability(
    N, theta=_spike.THETA_STAR, *, weight=_spike.WEIGHT, omega0=_spike.OMEGA0, rate=_spike.RATE
):
    r"""Probability that the MLE of :math:`N` i.i.d. draws sits at the true spike.

    For :math:`N` draws from :math:`p_{\theta^*}` of :class:`collapse_lib.SpikeUniform`,
    :math:`K \sim \mathrm{Bin}(N, \alpha)` of them lie in the true spike and the other
    :math:`N - K` are uniform on :math:`[0, 2]`. When spike widths near and above
    :math:`\theta^*` are negligible (each background point is alone in its spike, as for
    the default constants, whose widths underflow to 0), the MLE is :math:`\theta^*`
    exactly when :math:`K \ge 1` and no background point falls in the capture zone
    :math:`(x_c(K), 1]` of :func:`spike_capture_point`, so

    .. math:: P(\hat\theta_N = \theta^*) = \sum_{K=1}^{N} \binom NK \alpha^K
              (1-\alpha)^{N-K} \Big(1 - \frac{(1 - x_c(K))_+}{2}\Big)^{N-K} .

    It tends to 1 as :math:`N \to \infty` (consistency): the zone is empty once
    :math:`x_c(K) \ge 1`, roughly :math:`\alpha N > e^{b(1-\theta^*)}`. Derived in the
    book.

    Parameters
    ----------
    N : int or array of int
        Sample size(s), :math:`N \ge 1`.
    theta, weight, omega0, rate : float
        Truth :math:`\theta^*` and family constants (as in ``SpikeUniform``).

    Returns
    -------
    float or numpy.ndarray

    Raises
    ------
    ValueError
        If spike widths are not negligible for these constants and sizes.
    """
    theta, weight, omega0, rate = _spike_constants(theta, weight, omega0, rate)
    N = _as_int_array("N", N, minimum=1)
    out = np.empty(N.shape)
    for idx, size in np.ndenumerate(N):
        K = np.arange(int(size) + 1)
        esc = _spike_escape(K, int(size), theta, weight, omega0, rate)
        with np.errstate(divide="ignore"):
            log_term = stats.binom.logpmf(K, size, weight) + (size - K) * np.log(esc)
        out[idx] = min(np.exp(log_term).sum(), 1.0)  # rounding can exceed 1 by ~1e-12
    return _out(out)


def spike_survival(
    sizes,
    scheme,
    theta=_spike.THETA_STAR,
    *,
    weight=_spike.WEIGHT,
    omega0=_spike.OMEGA0,
    rate=_spike.RATE,
    generations=None,
):
    r"""Probability that recursive MLE of the spike family is still exact at round :math:`T`.

    :math:`P(\theta_t = \theta^* \text{ for all } t \le T)` without fresh data, for
    :class:`collapse_lib.SpikeUniform` with negligible spike widths (see
    :func:`spike_mle_correct_probability`). Once the MLE leaves :math:`\theta^*` it never
    returns (no later draw lands in the true spike, and scores only grow), so this is
    also :math:`P(\theta_T = \theta^*)`. As long as the model is exact its samples are
    i.i.d. draws from the truth, which gives exact formulas:

    * replace: the rounds are independent fits on :math:`n_t` draws, so the survival is
      :math:`\prod_{t \le T} p(n_t)` with :math:`p` from
      :func:`spike_mle_correct_probability`;
    * accumulate: with :math:`K_t` spike points among the first :math:`N_t` draws, the
      model survives round :math:`t` iff the new background points avoid the capture
      zone :math:`(x_c(K_t), 1]` (earlier ones avoided larger zones). A forward
      recursion over the distribution of :math:`K_t` on the surviving paths,

      .. math:: P_t(K) = \sum_{j=0}^{n_t} P_{t-1}(K - j)\binom{n_t}{j}\alpha^j
                (1-\alpha)^{n_t - j}\Big(1 - \frac{(1 - x_c(K))_+}{2}\Big)^{n_t - j},

      with :math:`P_0 = \delta_0` and :math:`P_t(0) = 0` for :math:`t \ge 1`, gives the
      survival :math:`\sum_K P_T(K)` in :math:`O(\sum_t n_t N_t)` operations.

    Derived in the book.

    Parameters
    ----------
    sizes : int, sequence of int or callable
        Schedule :math:`n_1, \dots, n_G` (every :math:`n_t \ge 1`).
    scheme : {"replace", "accumulate"}
    theta, weight, omega0, rate : float
        Truth :math:`\theta^*` and family constants (as in ``SpikeUniform``).
    generations : int, optional
        Required when ``sizes`` is an int or a callable.

    Returns
    -------
    numpy.ndarray
        Shape ``(G + 1,)``; entry 0 is 1.
    """
    theta, weight, omega0, rate = _spike_constants(theta, weight, omega0, rate)
    scheme = _check_choice("scheme", scheme, ("replace", "accumulate"))
    n = _schedule(sizes, generations).astype(np.int64)
    if scheme == "replace":
        p = np.array(
            [
                spike_mle_correct_probability(
                    int(m), theta, weight=weight, omega0=omega0, rate=rate
                )
                for m in n
            ]
        )
        return np.concatenate(([1.0], np.cumprod(p)))
    total = int(n.sum())
    K = np.arange(total + 1)
    esc = _spike_escape(K, total, theta, weight, omega0, rate)
    with np.errstate(divide="ignore"):
        log_esc = np.log(esc)
    dist = np.zeros(total + 1)
    dist[0] = 1.0
    out = np.ones(n.size + 1)
    for t, m in enumerate(n, start=1):
        new = np.zeros(total + 1)
        pmf = stats.binom.pmf(np.arange(m + 1), m, weight)
        for j in range(m + 1):
            shifted = np.zeros(total + 1)
            shifted[j:] = dist[: total + 1 - j]
            with np.errstate(invalid="ignore"):
                factor = np.where(shifted > 0, np.exp((m - j) * log_esc), 0.0)
            new += pmf[j] * shifted * factor
        new[0] = 0.0
        dist = new
        out[t] = min(dist.sum(), 1.0)
    return out


__all__ += [
    "gaussian_variance_mean_accumulate",
    "joint_mean_variance_accumulate",
    "poisson_rate_variance",
    "spike_capture_point",
    "spike_mle_correct_probability",
    "spike_survival",
]


# ------------------------------------------------------- real data: unigram and Wishart
def unigram_absence_probability(probs, sizes, *, scheme="replace", fresh=0.0, generations=None):
    r"""Probability that a word has probability 0 in the unigram model of each generation.

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
    for :math:`s < T` (derived in the book's chapter on real data). With a constant
    schedule and :math:`\varepsilon = 0`, :math:`h_1 = n\,g_T` and this is
    :math:`\exp(-n\pi_w g_T)`, the Poisson formula of Suresh, Thangaraj and Khandavally
    (2025) started from the truth. The Poisson step replaces
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
    sizes : int, sequence of int or callable
        Schedule :math:`n_1, \dots, n_G` (see the module docstring).
    scheme : {"replace", "accumulate"}
    fresh : float
        Fresh fraction :math:`\varepsilon \in [0, 1]`.
    generations : int, optional
        Required when ``sizes`` is an int or a callable.

    Returns
    -------
    numpy.ndarray
        Shape ``(G + 1, K)``; row :math:`t` holds :math:`P(p_{t,w} = 0)` for every
        word (row 0 is 1 exactly where :math:`\pi_w = 0`). The expected vocabulary size is
        ``K - result.sum(axis=1)`` and the expected true mass of the missing words is
        ``result @ probs``.
    """
    pi = _real_array("probs", probs, low=0.0, high=1.0)
    if pi.ndim != 1:
        raise ValueError(f"probs must be one-dimensional, got shape {pi.shape}")
    scheme = _check_choice("scheme", scheme, ("replace", "accumulate"))
    eps = _check_real("fresh", fresh, low=0.0, high=1.0)
    n = _schedule(sizes, generations)
    G = n.size
    out = np.empty((G + 1, pi.size))
    out[0] = pi == 0
    if G == 0:
        return out
    if scheme == "accumulate":
        later = np.concatenate(([0.0], np.cumsum(n[1:])))[:, None]  # n_2 + ... + n_t
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


def wf_loss_probability(c, n, generations, *, tol=1e-9):
    r"""Exact probability that a word seen :math:`c` times is lost within :math:`t` rounds.

    One word of a unigram model refitted on :math:`n` sampled words per round (replace,
    no fresh data) has count :math:`X_t \sim \mathrm{Binomial}(n, X_{t-1}/n)`: the
    two-type Wright–Fisher chain of :func:`wf_transition_matrix`. This returns
    :math:`u_t(c) = P(X_t = 0 \mid X_0 = c) = (P^t)_{c0}` for :math:`t = 0, \dots, G`,
    the distribution function of the forgetting time of a word seen :math:`c` times in
    a corpus of :math:`n` words (compare the approximation
    :func:`word_loss_probability` of Suresh, Thangaraj and Khandavally, 2025).

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
    c : int or array of int
        Counts :math:`0 \le c \le n`.
    n : int
        Words per round, :math:`n \ge 1`.
    generations : int
        Horizon :math:`G \ge 0`.
    tol : float
        Bound on the absolute error of every returned probability, in :math:`(0, 1)`.

    Returns
    -------
    numpy.ndarray
        Shape ``(G + 1,) + np.shape(c)``; entry ``[t]`` is :math:`P(X_t = 0 \mid X_0 = c)`.
    """
    c = _as_int_array("c", c, minimum=0)
    n = _check_int("n", n, minimum=1)
    generations = _check_int("generations", generations, minimum=0)
    tol = _check_real("tol", tol, low=0.0, high=1.0, low_open=True, high_open=True)
    if c.size and c.max() > n:
        raise ValueError(f"c must be <= n={n}, got {c.tolist()!r}")
    cmax = int(c.max()) if c.size else 0
    M = min(n, max(64, 4 * cmax))
    while True:
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


def mvn_logdet_drift(n, d, estimator):
    r"""Mean change of the log-determinant of a refitted covariance in one round.

    Refitting :math:`N_d(m, \Sigma)` on :math:`n` of its own samples gives the scatter
    matrix :math:`S \sim W_d(n - 1, \Sigma)` and the fit :math:`S / (n - \mathrm{ddof})`.
    By Bartlett's decomposition :math:`\det S = \det\Sigma \prod_{i=0}^{d-1}
    \chi^2_{n-1-i}` with independent factors, and
    :math:`E\ln\chi^2_k = \psi(k/2) + \ln 2`, so

    .. math:: \delta_d(n) = E \ln\frac{\det \Sigma_t}{\det\Sigma_{t-1}}
              = \sum_{i=0}^{d-1}\Big[\psi\Big(\frac{n-1-i}{2}\Big) + \ln 2\Big]
                - d \ln(n - \mathrm{ddof}),

    which is about :math:`-d(d+3)/(2n)` for the MLE and :math:`-d(d+1)/(2n)` for the
    unbiased estimator when :math:`n \gg d^2`. For :math:`d = 1` it is
    :func:`log_variance_drift`.

    Parameters
    ----------
    n : int or array of int
        Samples per round, :math:`n \ge d + 1`.
    d : int
        Dimension, :math:`d \ge 1`.
    estimator : {"mle", "unbiased"}
        Scatter divided by :math:`n` or by :math:`n - 1`.
    """
    d = _check_int("d", d, minimum=1)
    ddof = _ddof(estimator)
    n = _sizes_array(n, d + 1)
    i = np.arange(d)
    terms = special.digamma((n[..., None] - 1 - i) / 2).sum(axis=-1)
    return _out(terms + d * np.log(2.0) - d * np.log(n - ddof))


def mvn_logdet_mean(sizes, d, estimator, logdet0=0.0, *, generations=None):
    r""":math:`E \ln\det\Sigma_t` by generation for a refitted multivariate Gaussian (replace).

    The steps of :math:`\ln\det\Sigma_t` are independent, with means
    :func:`mvn_logdet_drift` at :math:`n_t`, so :math:`E\ln\det\Sigma_T =
    \ln\det\Sigma_0 + \sum_{t \le T}\delta_d(n_t)`: bounded iff
    :math:`\sum_t 1/n_t < \infty` (because :math:`\delta_d(n) \asymp -1/n`).

    Parameters
    ----------
    sizes : int, sequence of int or callable
        Schedule :math:`n_1, \dots, n_G`, each :math:`\ge d + 1`.
    d : int
        Dimension.
    estimator : {"mle", "unbiased"}
    logdet0 : float
        :math:`\ln\det\Sigma_0`.
    generations : int, optional
        Required when ``sizes`` is an int or a callable.

    Returns
    -------
    numpy.ndarray
        Shape ``(G + 1,)``.
    """
    d = _check_int("d", d, minimum=1)
    logdet0 = _check_real("logdet0", logdet0)
    n = _schedule(sizes, generations, minimum=d + 1)
    steps = mvn_logdet_drift(n.astype(np.int64), d, estimator) if n.size else np.zeros(0)
    return _by_generation(np.atleast_1d(steps), logdet0)


def mvn_logdet_variance(sizes, d, *, generations=None):
    r""":math:`\operatorname{Var}\ln\det\Sigma_t` by generation (replace, either estimator).

    Each step adds :math:`\sum_{i=0}^{d-1}\psi'\big((n_t - 1 - i)/2\big)` (trigamma;
    the variance of :math:`\ln\chi^2_k` is :math:`\psi'(k/2)`), about
    :math:`2d/n_t`.

    Parameters
    ----------
    sizes : int, sequence of int or callable
        Schedule :math:`n_1, \dots, n_G`, each :math:`\ge d + 1`.
    d : int
        Dimension.
    generations : int, optional
        Required when ``sizes`` is an int or a callable.

    Returns
    -------
    numpy.ndarray
        Shape ``(G + 1,)``, entry 0 is 0.
    """
    d = _check_int("d", d, minimum=1)
    n = _schedule(sizes, generations, minimum=d + 1)
    i = np.arange(d)
    steps = special.polygamma(1, (n[:, None] - 1 - i) / 2).sum(axis=1)
    return _by_generation(steps)


__all__ += [
    "mvn_logdet_drift",
    "mvn_logdet_mean",
    "mvn_logdet_variance",
    "unigram_absence_probability",
    "wf_loss_probability",
]
