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


# ------------------------------------------------------------ synthetic beats real
def prob_synthetic_beats_real(*, n1, S):
    r"""Probability that a model refined on synthetic data beats the real-only model.

    Gaussian mean with known variance :math:`\sigma^2`. The real-only error is
    :math:`E_1 \sim N(0, \sigma^2/n_1)`; the later synthetic rounds add an independent
    walk :math:`W \sim N(0, \sigma^2 S)`. Then :math:`|E_1 + W| < |E_1|` iff
    :math:`W(W + 2E_1) < 0`, a double wedge of angle :math:`2\arctan(2\sqrt{a/b})` in the
    plane of the standardised pair (:math:`a = 1/n_1`, :math:`b = S`), so

    .. math:: P(|E_1 + W| < |E_1|) = \frac{1}{\pi}\arctan\frac{2}{\sqrt{n_1 S}} .

    Always below 1/2, tending to 1/2 as :math:`S \to 0^+`; at :math:`S = 0` the models
    coincide and the strict improvement has probability 0, which is returned.

    Parameters
    ----------
    n1 : float or array
        Real sample size :math:`n_1 > 0`.
    S : float or array
        :math:`S = \sum_{t=2}^{T} 1/n_t \ge 0`, the variance of the synthetic walk in
        units of :math:`\sigma^2`.

    Returns
    -------
    float or numpy.ndarray
        The probability, broadcast over ``n1`` and ``S``; below 1/2.

    See Also
    --------
    prob_synthetic_beats_real_by_generation : the same along a schedule.

    References
    ----------
    Derived here. Cheng, He and Xu (2025) [cheng2025] also consider the probability
    that synthetic rounds beat the real-only model; the formula above is ours.

    Examples
    --------
    Even a small synthetic walk beats the real-only fit a third of the time:

    >>> from collapse_lib import theory
    >>> round(theory.prob_synthetic_beats_real(n1=100, S=0.01), 4)
    0.3524
    """
    n1 = _real_array("n1", n1, low=0.0, low_open=True)
    S = _real_array("S", S, low=0.0)
    n1, S = np.broadcast_arrays(n1, S)
    pos = S > 0
    out = np.zeros(n1.shape)
    out[pos] = np.arctan(2.0 / np.sqrt(n1[pos] * S[pos])) / np.pi
    return _out(out)


def prob_synthetic_beats_real_by_generation(*, sizes, generations=None):
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
    return np.concatenate(([1.0], prob_synthetic_beats_real(n1=n[0], S=S)))
