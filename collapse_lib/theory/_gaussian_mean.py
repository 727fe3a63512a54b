r"""Univariate Gaussian: the walk of the refitted mean (private).

The family is :class:`collapse_lib.Gaussian`, refitted each round on :math:`n_t` draws.
Its mean moves additively, :math:`\mu_t = \mu_{t-1} + w_t\,\sigma_{t-1} Z_t/\sqrt{n_t}`
with :math:`w_t = 1` under replace and :math:`w_t = n_t/N_t` under accumulate. This
module holds the variance of that walk, with the variance known or refitted, and the
chance that synthetic rounds bring the mean closer to the truth than the real-only fit.
The variance walk is in :mod:`collapse_lib.theory._gaussian_variance`.
"""

from __future__ import annotations

import numpy as np
from scipy import special

from .._validate import _check_int
from ._common import _by_generation, _doc, _out, _positive, _real_array, _schedule, _scheme
from ._gaussian_variance import gaussian_variance_mean


# --------------------------------------------------------------------- the mean walk
@_doc
def mean_walk_variance(*, sizes, generations=None, scheme="replace", sigma2=1.0):
    r"""Variance of the refitted mean of a Gaussian with known variance, every round.

    ``scheme="replace"``: :math:`\mu_t = \mu_{t-1} + \sigma Z_t / \sqrt{n_t}`, so

    .. math:: \operatorname{Var}\mu_t = \sigma^2 S_t, \qquad S_t = \sum_{s\le t} 1/n_s .

    ``scheme="accumulate"``: the fit uses all :math:`N_t = n_1 + \dots + n_t` samples, and
    the :math:`n_t` new ones have mean :math:`\mu_{t-1} + \sigma Z_t/\sqrt{n_t}`; hence
    :math:`\mu_t = \mu_{t-1} + \sigma \sqrt{n_t}\, Z_t / N_t` and

    .. math:: \operatorname{Var}\mu_t = \sigma^2 \sum_{s\le t} \frac{n_s}{N_s^2},

    which for a constant :math:`n` is :math:`(\sigma^2/n)\sum_{s\le t} 1/s^2 \to
    \pi^2\sigma^2/(6n)`. The same variances hold for any family whose estimate is a
    sample mean with per-draw variance :math:`\sigma^2` (the Poisson rate, with
    :math:`\sigma^2 = \lambda`).

    Parameters
    ----------
    %(sizes)s
    %(scheme)s
    sigma2 : float, optional
        The known variance :math:`\sigma^2 > 0`.

    Returns
    -------
    numpy.ndarray
        Shape ``(G + 1,)``; entry :math:`t` is :math:`\operatorname{Var}\mu_t` (0 at :math:`t = 0`).

    See Also
    --------
    joint_mean_variance : the same when the variance is refitted too.

    References
    ----------
    Derived here; the replace setting is that of Cheng, He and Xu (2025) [cheng2025],
    the accumulate one that of Barzilai and Shamir (2025) [barzilai2025], whose proof
    has the same weights :math:`1/t` and the same bound :math:`\pi^2/6`.

    Examples
    --------
    Replace adds :math:`1/n` each round; accumulate adds less and less:

    >>> from collapse_lib import theory
    >>> theory.mean_walk_variance(sizes=10, generations=3).round(4).tolist()
    [0.0, 0.1, 0.2, 0.3]
    >>> theory.mean_walk_variance(sizes=10, scheme="accumulate", generations=3).round(4).tolist()
    [0.0, 0.1, 0.125, 0.1361]
    """
    scheme = _scheme(scheme)
    sigma2 = _positive("sigma2", sigma2)
    n = _schedule(sizes, generations)
    steps = 1.0 / n if scheme == "replace" else n / np.cumsum(n) ** 2
    return sigma2 * _by_generation(steps)


@_doc
def joint_mean_variance(*, sizes, generations=None, estimator, scheme="replace", sigma2=1.0):
    r"""Variance of the refitted mean when mean and variance are both refitted.

    Round :math:`t` samples from :math:`N(\mu_{t-1}, \sigma_{t-1}^2)`, so the new batch
    mean is :math:`\bar X_t = \mu_{t-1} + \sigma_{t-1} Z_t/\sqrt{n_t}` with :math:`Z_t`
    independent of the past, and :math:`\mu_t = \mu_{t-1} + w_t(\bar X_t - \mu_{t-1})`
    with :math:`w_t = 1` (replace) or :math:`w_t = n_t/N_t` (accumulate). The increments
    are orthogonal, so

    .. math:: \operatorname{Var}\mu_t = \sum_{s \le t} \frac{w_s^2}{n_s}\,
              E\,\sigma_{s-1}^2

    with :math:`E\,\sigma_{s-1}^2` from :func:`gaussian_variance_mean`. Replace with a
    constant :math:`n`: :math:`\sigma^2(1 - ((n-1)/n)^t)` with the MLE (bounded by
    :math:`\sigma^2`: the shrinking variance stops the walk) and :math:`\sigma^2 t / n`
    with the unbiased estimator. Accumulate: bounded by :func:`mean_walk_variance`
    (the fitted variance does not grow in expectation), so below
    :math:`\pi^2\sigma^2/(6n)` for a constant :math:`n`.

    Parameters
    ----------
    %(sizes_2)s
    estimator : {"mle", "unbiased"}
        Variance estimator (divide by :math:`n` or by :math:`n - 1`).
    %(scheme)s
    %(sigma2)s

    Returns
    -------
    numpy.ndarray
        Shape ``(G + 1,)``; entry :math:`t` is :math:`\operatorname{Var}\mu_t` (variance
        refitted).

    See Also
    --------
    mean_walk_variance : the mean walk with a known variance.

    References
    ----------
    Derived here (orthogonal increments of the mean).

    Examples
    --------
    With the MLE the walk of the mean slows down as the variance shrinks:

    >>> from collapse_lib import theory
    >>> theory.joint_mean_variance(sizes=10, estimator="mle", generations=3).round(4).tolist()
    [0.0, 0.1, 0.19, 0.271]
    """
    scheme = _scheme(scheme)
    n = _schedule(sizes, generations, minimum=2)
    prev = gaussian_variance_mean(
        sizes=n.astype(np.int64), estimator=estimator, scheme=scheme, sigma2=sigma2
    )[:-1]
    if scheme == "replace":
        return _by_generation(prev / n)
    return _by_generation(n * prev / np.cumsum(n) ** 2)


# ------------------------------------------------------------ shrunk toward a point
def _prior(prior):
    """``prior`` as a pair (m, kappa) with kappa > 0, or raise naming it."""
    if not isinstance(prior, (tuple, list)) or len(prior) != 2:
        raise TypeError(f"prior must be a pair (m, kappa), got {prior!r}")
    m = _real_array("prior m", prior[0])
    if m.ndim:
        raise TypeError(f"prior m must be a number, got {prior[0]!r}")
    return float(m), _positive("prior kappa", prior[1])


@_doc
def shrunk_mean_moments(*, sizes, generations=None, prior, mu=0.0, sigma2=1.0):
    r"""Mean and variance of a Gaussian mean estimate shrunk toward a fixed point, every round.

    The family is ``Gaussian(mu, sigma2, known_variance=True, prior=(m, kappa))``: each
    round fits the posterior mean :math:`(n_t \bar x_t + \kappa m)/(n_t + \kappa)` under
    the prior :math:`N(m, \sigma^2/\kappa)`. Under replace, with
    :math:`\phi_t = n_t/(n_t + \kappa)`,

    .. math::
        \mu_t - m = \phi_t\,(\mu_{t-1} - m) + \phi_t\,\sigma Z_t/\sqrt{n_t},

    an autoregression whose law is Gaussian at every round, with
    :math:`E\mu_t - m = \phi_t (E\mu_{t-1} - m)` and
    :math:`\operatorname{Var}\mu_t = \phi_t^2(\operatorname{Var}\mu_{t-1} + \sigma^2/n_t)`.

    Parameters
    ----------
    %(sizes)s
    prior : tuple (m, kappa)
        The fixed point :math:`m` and the prior weight :math:`\kappa > 0` (in samples).
    mu : float, optional
        The truth :math:`\mu_0` (default 0).
    sigma2 : float, optional
        The known variance :math:`\sigma^2 > 0` (default 1).

    Returns
    -------
    tuple of numpy.ndarray
        ``(mean, variance)``, each of shape ``(G + 1,)``: :math:`E\mu_t` and
        :math:`\operatorname{Var}\mu_t` for :math:`t = 0, \dots, G`.

    See Also
    --------
    shrunk_mean_stationary : the limit law for a constant size.

    References
    ----------
    Derived here (a first-order autoregression).

    Examples
    --------
    >>> from collapse_lib import theory
    >>> mean, var = theory.shrunk_mean_moments(sizes=10, generations=2, prior=(0.0, 5.0), mu=1.0)
    >>> mean.round(4).tolist(), var.round(4).tolist()
    ([1.0, 0.6667, 0.4444], [0.0, 0.0444, 0.0642])
    """
    m, kappa = _prior(prior)
    mu = _real_array("mu", mu)
    if mu.ndim:
        raise TypeError(f"mu must be a number, got {mu!r}")
    sigma2 = _positive("sigma2", sigma2)
    n = _schedule(sizes, generations)
    phi = n / (n + kappa)
    mean = np.empty(n.size + 1)
    var = np.empty(n.size + 1)
    mean[0], var[0] = float(mu), 0.0
    for t, (f, nt) in enumerate(zip(phi, n), start=1):
        mean[t] = m + f * (mean[t - 1] - m)
        var[t] = f * f * (var[t - 1] + sigma2 / nt)
    return mean, var


def shrunk_mean_stationary(*, n, prior, sigma2=1.0):
    r"""Stationary law of a Gaussian mean estimate shrunk toward a fixed point, constant size.

    With a constant size :math:`n` the autoregression of :func:`shrunk_mean_moments` has
    :math:`|\phi| < 1`, :math:`\phi = n/(n + \kappa)`, so whatever the truth,
    :math:`\mu_t` converges in law to

    .. math::
        N\Big(m,\ \frac{\phi^2 \sigma^2 / n}{1 - \phi^2}\Big)
        = N\Big(m,\ \frac{\sigma^2\, n}{\kappa\,(2n + \kappa)}\Big).

    The walk stays bounded with a constant schedule: no growth of the data is needed,
    but the limit is centred at :math:`m`, not at the truth.

    Parameters
    ----------
    n : float
        Sample size of every round, :math:`n > 0`.
    prior : tuple (m, kappa)
        The fixed point :math:`m` and the prior weight :math:`\kappa > 0`.
    sigma2 : float, optional
        The known variance :math:`\sigma^2 > 0` (default 1).

    Returns
    -------
    tuple of float
        ``(mean, variance)`` of the stationary normal law.

    See Also
    --------
    shrunk_mean_moments : the moments round by round.

    References
    ----------
    Derived here (stationary law of a Gaussian first-order autoregression).

    Examples
    --------
    >>> from collapse_lib import theory
    >>> theory.shrunk_mean_stationary(n=10, prior=(0.0, 5.0))
    (0.0, 0.08)
    """
    n = _positive("n", n)
    m, kappa = _prior(prior)
    sigma2 = _positive("sigma2", sigma2)
    return m, sigma2 * n / (kappa * (2.0 * n + kappa))


# ------------------------------------------------------------ synthetic beats real
def prob_synthetic_beats_real(*, n1, S, dim=1):
    r"""Probability that a model refined on synthetic data beats the real-only model.

    Gaussian mean with known covariance :math:`\sigma^2 I_d` in dimension :math:`d`. The
    real-only error is :math:`E_1 \sim N(0, \sigma^2 I_d/n_1)`; the later synthetic rounds
    add an independent walk :math:`W \sim N(0, \sigma^2 S I_d)`. Then
    :math:`\|E_1 + W\| < \|E_1\|` iff :math:`2 W \cdot E_1 < -\|W\|^2`; given :math:`W`,
    :math:`W \cdot E_1 \sim N(0, \sigma^2\|W\|^2/n_1)`, and
    :math:`\|W\|^2 = \sigma^2 S \chi^2_d`, so

    .. math:: P_d = E\,\Phi\Big(-\tfrac12\sqrt{n_1 S\, \chi^2_d}\Big)
              = F_{t_d}\Big(-\tfrac12\sqrt{d\, n_1 S}\Big),

    with :math:`F_{t_d}` the distribution function of Student's :math:`t` with :math:`d`
    degrees of freedom (:math:`Z/\sqrt{\chi^2_d/d}`). For :math:`d = 1` this is
    :math:`\pi^{-1}\arctan(2/\sqrt{n_1 S})`. The same value is the large-sample
    probability for any asymptotically normal estimator of a :math:`d`-dimensional
    parameter, distances measured in the Fisher metric at the truth.

    Always below 1/2, tending to 1/2 as :math:`S \to 0^+`; at :math:`S = 0` the models
    coincide and the strict improvement has probability 0, which is returned.

    Parameters
    ----------
    n1 : float or array
        Real sample size :math:`n_1 > 0`.
    S : float or array
        Step sum of the synthetic rounds, :math:`S_T - S_1 = \sum_{t=2}^{T} 1/n_t \ge 0`:
        the variance of each coordinate of the synthetic walk in units of :math:`\sigma^2`.
    dim : int, optional
        Dimension :math:`d \ge 1` of the mean (default 1).

    Returns
    -------
    float or numpy.ndarray
        The probability, broadcast over ``n1`` and ``S``; below 1/2.

    See Also
    --------
    prob_synthetic_beats_real_by_generation : the same along a schedule.

    References
    ----------
    Derived here, for every ``dim``. Cheng, He and Xu (2025) [cheng2025] also consider the
    probability that synthetic rounds beat the real-only model; the formulas above are
    ours, not quoted from the paper.

    Examples
    --------
    Even a small synthetic walk beats the real-only fit a third of the time; in higher
    dimension the chance falls fast:

    >>> from collapse_lib import theory
    >>> round(theory.prob_synthetic_beats_real(n1=100, S=0.01), 4)
    0.3524
    >>> [round(theory.prob_synthetic_beats_real(n1=1, S=1.0, dim=d), 3) for d in (1, 2, 5, 20)]
    [0.352, 0.276, 0.157, 0.018]
    """
    n1 = _real_array("n1", n1, low=0.0, low_open=True)
    S = _real_array("S", S, low=0.0)
    dim = _check_int("dim", dim, minimum=1)
    n1, S = np.broadcast_arrays(n1, S)
    pos = S > 0
    out = np.zeros(n1.shape)
    if dim == 1:
        out[pos] = np.arctan(2.0 / np.sqrt(n1[pos] * S[pos])) / np.pi
    else:
        out[pos] = special.stdtr(dim, -0.5 * np.sqrt(dim * n1[pos] * S[pos]))
    return _out(out)


def prob_synthetic_beats_real_by_generation(*, sizes, generations=None, dim=1):
    r"""Probability that the model of round :math:`t` beats the real-only model, every round.

    Entry :math:`t \ge 2` is :func:`prob_synthetic_beats_real` with
    :math:`S_t = \sum_{s=2}^{t} 1/n_s`; entry 1 is 0 (the real-only model itself) and
    entry 0 is 1 (the truth, error 0, beats :math:`|E_1| > 0` almost surely). Gaussian
    mean with known variance, replace scheme.

    Parameters
    ----------
    sizes : int, sequence of int, callable or Schedule
        Sample sizes :math:`n_1, \dots, n_G`, at least the real round (:math:`G \ge 1`).
    generations : int, optional
        Number of rounds :math:`G`, required unless ``sizes`` is a sequence.
    dim : int, optional
        Dimension :math:`d \ge 1` of the mean (default 1).

    Returns
    -------
    numpy.ndarray
        Shape ``(G + 1,)``; entry :math:`t` is the probability for the model of round :math:`t`.

    References
    ----------
    Derived here: :func:`prob_synthetic_beats_real` along the schedule.

    Examples
    --------
    Round 1 is the real-only fit; later rounds beat it less and less often:

    >>> from collapse_lib import theory
    >>> p = theory.prob_synthetic_beats_real_by_generation(sizes=[10, 20, 40])
    >>> p.round(4).tolist()
    [1.0, 0.0, 0.3918, 0.3699]
    """
    n = _schedule(sizes, generations)
    if n.size == 0:
        raise ValueError(f"sizes must contain at least the real round n_1, got {sizes!r}")
    S = _by_generation(1.0 / n[1:])
    return np.concatenate(([1.0], prob_synthetic_beats_real(n1=n[0], S=S, dim=dim)))
