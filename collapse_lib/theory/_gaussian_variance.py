r"""Univariate Gaussian: the walk of the refitted variance and its moments (private).

The family is :class:`collapse_lib.Gaussian`, refitted each round on :math:`n_t` draws.
Its variance moves multiplicatively,
:math:`\sigma_t^2 = \sigma_{t-1}^2\,\chi^2_{n_t-1}/(n_t - \mathrm{ddof})` under replace
(ddof 0 for the MLE, 1 for the unbiased estimator), so :math:`\log\sigma_t^2` is a
random walk. This module holds the moments of :math:`\sigma_t^2`, :math:`\sigma_t` and
:math:`\log\sigma_t^2` under replace and accumulate, for a shrunken (biased) estimator,
and with a fresh fraction of real data. The exact law of :math:`\log\sigma_t^2` and the
tails of :math:`\sigma_t` are in :mod:`collapse_lib.theory._gaussian_law`; the mean walk
is in :mod:`collapse_lib.theory._gaussian_mean`.
"""

from __future__ import annotations

import numpy as np
from scipy import linalg, special

from .._validate import _check_int, _check_real
from ._common import (
    _by_generation,
    _ddof,
    _doc,
    _fresh,
    _out,
    _positive,
    _schedule,
    _scheme,
    _sizes_array,
)


# ------------------------------------------------------------------ shared pieces
def _log_sigma_factor(n, ddof):
    """log E sqrt(chi2_{n-1} / (n - ddof)), the log of :func:`gaussian_sigma_factor`."""
    return 0.5 * np.log(2.0 / (n - ddof)) + special.gammaln(n / 2) - special.gammaln((n - 1) / 2)


def _log_variance_steps(n, ddof):
    """Mean steps psi((n-1)/2) + log 2 - log(n - ddof) of log sigma^2 (n a float array)."""
    return special.digamma((n - 1) / 2) + np.log(2.0) - np.log(n - ddof)


def _log_shrink_steps(shrink, n):
    """Per-round log factors log(1 - c n_t^-beta) of the shrunken estimator, after validation."""
    if not isinstance(shrink, (tuple, list)) or len(shrink) != 2:
        raise TypeError(f"shrink must be a pair (c, beta), got {shrink!r}")
    c = _check_real("shrink c", shrink[0], low=0.0, high=1.0, low_open=True, high_open=True)
    beta = _positive("shrink beta", shrink[1])
    return np.log1p(-c * n**-beta)


def _accumulate_variance_factors(n, ddof):
    """Per-round factors of :math:`E\\,\\sigma_t^2 / E\\,\\sigma_{t-1}^2` under accumulate."""
    N = np.cumsum(n)
    factors = 1.0 - n / (N * (N - ddof))
    if n.size:
        factors[0] = (n[0] - 1.0) / (n[0] - ddof)
    return factors


# ---------------------------------------------------------------- the variance walk
@_doc
def gaussian_sigma_factor(*, n, estimator):
    r"""Per-round factor :math:`\alpha` of :math:`E\,\sigma_t = \alpha\, \sigma_{t-1}` (replace).

    With the mean and variance refitted from :math:`n` Gaussian samples,
    :math:`\sigma_t^2 = \sigma_{t-1}^2\, \chi^2_{n-1} / (n - \mathrm{ddof})`, and
    :math:`E \sqrt{\chi^2_k} = \sqrt 2\, \Gamma((k+1)/2) / \Gamma(k/2)`, so

    .. math:: \alpha = \sqrt{\frac{2}{n - \mathrm{ddof}}}\,
              \frac{\Gamma(n/2)}{\Gamma((n-1)/2)} < 1 .

    For the unbiased estimator this is the constant :math:`c_4(n)` of quality control;
    the MLE factor is smaller by :math:`\sqrt{(n-1)/n}`. Computed with ``gammaln``, so a
    large :math:`n` is safe.

    Parameters
    ----------
    n : int or array of int
        Sample size of a round, :math:`n \ge 2` (an array gives one factor per entry).
    %(estimator)s

    Returns
    -------
    float or numpy.ndarray
        The factor :math:`\alpha(n)`.

    References
    ----------
    Classical (the mean of a chi distribution). The factor is used by Suresh,
    Thangaraj and Khandavally (2025) [suresh2025] for their tail bound
    (:func:`gaussian_sigma_tail_bound`).

    Examples
    --------
    Bertrand's constant :math:`c_4(10)`:

    >>> from collapse_lib import theory
    >>> round(theory.gaussian_sigma_factor(n=10, estimator="unbiased"), 6)
    0.972659
    """
    ddof = _ddof(estimator)
    n = _sizes_array("n", n, 2)
    return _out(np.exp(_log_sigma_factor(n, ddof)))


@_doc
def gaussian_variance_mean(
    *, sizes, generations=None, estimator, sigma2=1.0, scheme="replace", shrink=None
):
    r"""Expected fitted variance :math:`E\,\sigma_t^2` at every round.

    Replace: :math:`\sigma_t^2 = \sigma_{t-1}^2\, \chi^2_{n_t-1} / (n_t - \mathrm{ddof})`
    with independent chi-square variables, hence

    .. math:: E\,\sigma_t^2 = \sigma^2 \prod_{s\le t} \frac{n_s - 1}{n_s - \mathrm{ddof}},

    i.e. :math:`\sigma^2 \prod_s (1 - 1/n_s)` for the MLE (a positive limit iff
    :math:`\sum_s 1/n_s < \infty`) and :math:`\sigma^2` for the unbiased estimator (a
    martingale).

    Accumulate: the fit pools all :math:`N_t = n_1 + \dots + n_t` observations. Pooling
    the new batch (mean :math:`\bar X_t`, sum of squares :math:`SS_t`) into the running
    sum of squares gives
    :math:`M_t = M_{t-1} + SS_t + \frac{N_{t-1} n_t}{N_t}(\bar X_t - \mu_{t-1})^2` with
    :math:`SS_t = \sigma_{t-1}^2\chi^2_{n_t-1}` and
    :math:`(\bar X_t - \mu_{t-1})^2 = \sigma_{t-1}^2 \chi^2_1 / n_t`; taking conditional
    expectations with :math:`\sigma_t^2 = M_t/(N_t - \mathrm{ddof})`,

    .. math:: E\,\sigma_t^2 = \sigma^2\, \frac{n_1 - 1}{n_1 - \mathrm{ddof}}
              \prod_{s=2}^{t}\Big(1 - \frac{n_s}{N_s (N_s - \mathrm{ddof})}\Big).

    For the MLE and a constant :math:`n` the product converges to
    :math:`\prod_{k \ge 1}(1 - 1/(n k^2)) = \sin(\pi/\sqrt n)/(\pi/\sqrt n) > 0`.

    Shrunken estimator (``shrink=(c, beta)``, as in
    ``Gaussian(estimator=..., shrink=(c, beta))``; replace only): the fit is multiplied
    by :math:`1 - c\,n^{-\beta}`, a relative bias of order :math:`n^{-\beta}`, so each
    factor of the replace product gains :math:`1 - c\,n_s^{-\beta}`. For the unbiased
    base the limit is positive iff :math:`\sum_s n_s^{-\beta} < \infty`: with
    :math:`\beta < 1`, :math:`n_t = \lceil n_0 t^p \rceil` needs :math:`p > 1/\beta`,
    faster than the :math:`p > 1` of the unbiased estimator itself.

    Parameters
    ----------
    %(sizes_2)s
    %(base_estimator)s
    %(sigma2)s
    %(scheme)s
    %(shrink)s

    Returns
    -------
    numpy.ndarray
        Shape ``(G + 1,)``; entry :math:`t` is :math:`E\,\sigma_t^2` (entry 0 is ``sigma2``).

    See Also
    --------
    gaussian_variance_variance, log_variance_mean

    References
    ----------
    Derived here (chi-square algebra). Cheng, He and Xu (2025) [cheng2025] study the
    replace setting and state that estimation bias demands faster-growing sample
    sizes; the accumulate setting is that of Barzilai and Shamir (2025) [barzilai2025].

    Examples
    --------
    The MLE loses a tenth per round under replace; accumulating slows the loss:

    >>> from collapse_lib import theory
    >>> theory.gaussian_variance_mean(sizes=10, estimator="mle", generations=3).round(4).tolist()
    [1.0, 0.9, 0.81, 0.729]
    >>> acc = theory.gaussian_variance_mean(
    ...     sizes=10, estimator="mle", scheme="accumulate", generations=3
    ... )
    >>> acc.round(4).tolist()
    [1.0, 0.9, 0.8775, 0.8678]
    """
    ddof = _ddof(estimator)
    sigma2 = _positive("sigma2", sigma2)
    scheme = _scheme(scheme)
    n = _schedule(sizes, generations, minimum=2)
    if shrink is not None and scheme != "replace":
        raise ValueError(
            f"shrink is derived for scheme='replace' only, got shrink={shrink!r} "
            f"with scheme={scheme!r}"
        )
    shrink = None if shrink is None else _log_shrink_steps(shrink, n)
    if scheme == "replace":
        factors = (n - 1) / (n - ddof)
    else:
        factors = _accumulate_variance_factors(n, ddof)
    mean = sigma2 * np.exp(_by_generation(np.log(factors)))
    return mean if shrink is None else mean * np.exp(_by_generation(shrink))


@_doc
def gaussian_variance_variance(*, sizes, generations=None, estimator, sigma2=1.0):
    r"""Variance :math:`\operatorname{Var}\sigma_t^2` of the fitted variance (replace).

    From :math:`E(\chi^2_k)^2 = k(k+2)` and independence across rounds,

    .. math:: E\,\sigma_t^4 = \sigma^4 \prod_{s\le t}
              \frac{(n_s - 1)(n_s + 1)}{(n_s - \mathrm{ddof})^2},\qquad
              \operatorname{Var}\sigma_t^2 = (E\,\sigma_t^2)^2
              \Big(\prod_{s\le t} \frac{n_s+1}{n_s-1} - 1\Big).

    The last form is evaluated with ``expm1`` (no cancellation), and in logarithms
    where the product overflows. For the unbiased estimator and a constant :math:`n`
    it grows like :math:`((n+1)/(n-1))^t`: the mean is kept while the spread explodes.

    Parameters
    ----------
    %(gaussian)s

    Returns
    -------
    numpy.ndarray
        Shape ``(G + 1,)``; entry :math:`t` is :math:`\operatorname{Var}\sigma_t^2`.

    References
    ----------
    Derived here (chi-square moments).

    Examples
    --------
    The unbiased estimator keeps its mean while its spread grows:

    >>> from collapse_lib import theory
    >>> v = theory.gaussian_variance_variance(sizes=10, estimator="unbiased", generations=3)
    >>> v.round(4).tolist()
    [0.0, 0.2222, 0.4938, 0.8258]
    """
    mean = gaussian_variance_mean(
        sizes=sizes, estimator=estimator, sigma2=sigma2, generations=generations
    )
    n = _schedule(sizes, generations, minimum=2)
    growth = _by_generation(np.log((n + 1) / (n - 1)))
    with np.errstate(over="ignore", invalid="ignore"):
        out = mean**2 * np.expm1(growth)
    bad = ~np.isfinite(out)
    if np.any(bad):  # 0 * inf: recombine in logarithms
        log_mean = np.log(sigma2) + _by_generation(np.log((n - 1) / (n - _ddof(estimator))))
        g = growth[bad]
        with np.errstate(over="ignore"):
            out[bad] = np.exp(2.0 * log_mean[bad] + g + np.log(-np.expm1(-g)))
    return out


@_doc
def gaussian_sigma_mean(*, sizes, generations=None, estimator, sigma2=1.0):
    r"""Expected fitted standard deviation :math:`E\,\sigma_t` at every round (replace).

    .. math:: E\,\sigma_t = \sigma \prod_{s\le t}\alpha(n_s),

    with :math:`\alpha` from :func:`gaussian_sigma_factor`; for a constant :math:`n`
    this is :math:`\alpha^t \sigma`, which decays geometrically even for the unbiased
    variance.

    Parameters
    ----------
    %(sizes_2)s
    %(estimator)s
    sigma2 : float, optional
        True variance :math:`\sigma^2 > 0` (default 1); the result starts at :math:`\sigma`.

    Returns
    -------
    numpy.ndarray
        Shape ``(G + 1,)``; entry :math:`t` is :math:`E\,\sigma_t`.

    References
    ----------
    Classical (the mean of a chi distribution, round by round).

    Examples
    --------
    The unbiased variance still gives a shrinking standard deviation:

    >>> from collapse_lib import theory
    >>> s = theory.gaussian_sigma_mean(sizes=10, estimator="unbiased", generations=3)
    >>> s.round(4).tolist()
    [1.0, 0.9727, 0.9461, 0.9202]
    """
    ddof = _ddof(estimator)
    sigma2 = _positive("sigma2", sigma2)
    n = _schedule(sizes, generations, minimum=2)
    return np.sqrt(sigma2) * np.exp(_by_generation(_log_sigma_factor(n, ddof)))


# ------------------------------------------------------------ the log-variance walk
@_doc
def log_variance_drift(*, n, estimator):
    r"""Mean step :math:`\delta(n)` of :math:`\log\sigma_t^2` per round (replace).

    Since :math:`E \log \chi^2_k = \psi(k/2) + \ln 2` (:math:`\psi` the digamma function),

    .. math:: \delta(n) = E \log\frac{\chi^2_{n-1}}{n - \mathrm{ddof}}
              = \psi\big(\tfrac{n-1}{2}\big) + \ln 2 - \ln(n - \mathrm{ddof}) < 0 .

    Negative for both estimators (Jensen), so :math:`\log \sigma_t^2 \to -\infty` almost
    surely under a constant schedule, even though the unbiased :math:`\sigma_t^2` keeps
    its mean. For large :math:`n`, :math:`\delta \approx -(2 - \mathrm{ddof})/n`: the MLE
    path decays twice as fast as the unbiased one.

    Parameters
    ----------
    %(n_estimator)s

    Returns
    -------
    float or numpy.ndarray
        The mean step :math:`\delta(n)`: one value per sample size.

    References
    ----------
    Derived here (the mean of a log chi-square variable).

    Examples
    --------
    About :math:`-2/n` for the MLE:

    >>> from collapse_lib import theory
    >>> round(theory.log_variance_drift(n=100, estimator="mle"), 6)
    -0.020185
    """
    ddof = _ddof(estimator)
    n = _sizes_array("n", n, 2)
    return _out(_log_variance_steps(n, ddof))


@_doc
def log_variance_step_variance(*, n):
    r"""Variance of one step of :math:`\log\sigma_t^2`: :math:`\psi'\big(\tfrac{n-1}{2}\big)`.

    :math:`\operatorname{Var}\log\chi^2_k = \psi'(k/2)` (trigamma); the estimator only
    shifts the step, so the variance does not depend on it. About :math:`2/n` for a
    large :math:`n`.

    Parameters
    ----------
    %(n_2)s

    Returns
    -------
    float or numpy.ndarray
        :math:`\psi'((n-1)/2)`, one value per entry of ``n``.

    References
    ----------
    Derived here (the variance of a log chi-square variable).

    Examples
    --------
    About :math:`2/n`:

    >>> from collapse_lib import theory
    >>> round(theory.log_variance_step_variance(n=100), 6)
    0.020407
    """
    n = _sizes_array("n", n, 2)
    return _out(special.polygamma(1, (n - 1) / 2))


@_doc
def log_variance_mean(*, sizes, generations=None, estimator, sigma2=1.0, shrink=None):
    r"""Expected log-variance :math:`E \log\sigma_t^2` at every round (replace).

    .. math:: E \log\sigma_t^2 = \log\sigma^2 + \sum_{s\le t}\delta(n_s),

    with :math:`\delta` from :func:`log_variance_drift`. With ``shrink=(c, beta)`` (the
    shrunken estimator of :func:`gaussian_variance_mean`) each round adds the constant
    :math:`\log(1 - c\,n_s^{-\beta}) \approx -c\,n_s^{-\beta}` to the step, and the sum
    stays finite iff :math:`\sum_s 1/n_s` and :math:`\sum_s n_s^{-\beta}` both converge;
    the variance of :math:`\log\sigma_t^2` is unchanged (:func:`log_variance_variance`).

    Parameters
    ----------
    %(sizes_2)s
    %(base_estimator)s
    %(sigma2)s
    %(shrink)s

    Returns
    -------
    numpy.ndarray
        Shape ``(G + 1,)``; entry :math:`t` is :math:`E \log\sigma_t^2`.

    References
    ----------
    Derived here (a sum of independent log chi-square steps).

    Examples
    --------
    The typical unbiased variance falls by about one percent per round of 100 draws:

    >>> from collapse_lib import theory
    >>> m = theory.log_variance_mean(sizes=100, estimator="unbiased", generations=2)
    >>> m.round(5).tolist()
    [0.0, -0.01014, -0.02027]
    """
    ddof = _ddof(estimator)
    sigma2 = _positive("sigma2", sigma2)
    n = _schedule(sizes, generations, minimum=2)
    shrink = None if shrink is None else _log_shrink_steps(shrink, n)
    mean = _by_generation(_log_variance_steps(n, ddof), np.log(sigma2))
    return mean if shrink is None else mean + _by_generation(shrink)


@_doc
def log_variance_variance(*, sizes, generations=None):
    r"""Variance of the log-variance, :math:`\operatorname{Var}\log\sigma_t^2`, every round.

    .. math:: \operatorname{Var}\log\sigma_t^2 = \sum_{s\le t}\psi'\big(\tfrac{n_s-1}{2}\big)

    (replace; the same for both estimators and for a shrunken one).

    Parameters
    ----------
    %(sizes_2)s

    Returns
    -------
    numpy.ndarray
        Shape ``(G + 1,)``; entry :math:`t` is :math:`\operatorname{Var}\log\sigma_t^2`.

    References
    ----------
    Derived here (independent steps, each with a trigamma variance).

    Examples
    --------
    The spread of the log-variance grows linearly:

    >>> from collapse_lib import theory
    >>> theory.log_variance_variance(sizes=100, generations=2).round(5).tolist()
    [0.0, 0.02041, 0.04081]
    """
    n = _schedule(sizes, generations, minimum=2)
    return _by_generation(special.polygamma(1, (n - 1) / 2))


# --------------------------------------------------------------------- fresh data
@_doc
def gaussian_fresh_moments(*, sizes, generations=None, fresh, estimator, sigma2=1.0):
    r"""Expected fitted variance and squared mean error with a fresh fraction, every round.

    Replace scheme, mean and variance refitted on :math:`n_t` draws, each from the
    truth :math:`N(\mu, \sigma^2)` with probability :math:`\varepsilon` and from
    :math:`N(\mu_{t-1}, \sigma_{t-1}^2)` otherwise. Given the past the draws are
    i.i.d. from a two-component mixture of variance
    :math:`\tau_t^2 = \varepsilon\sigma^2 + (1-\varepsilon)\sigma_{t-1}^2 +
    \varepsilon(1-\varepsilon)(\mu_{t-1}-\mu)^2`, so with
    :math:`s_t = E\,\sigma_t^2` and :math:`v_t = E(\mu_t - \mu)^2`

    .. math::
        m_t = \varepsilon\sigma^2 + (1-\varepsilon)s_{t-1} + \varepsilon(1-\varepsilon)v_{t-1},
        \quad
        s_t = \frac{n_t - 1}{n_t - \mathrm{ddof}}\, m_t,
        \quad
        v_t = \frac{m_t}{n_t} + (1-\varepsilon)^2 v_{t-1},

    from :math:`s_0 = \sigma^2`, :math:`v_0 = 0`. With the MLE,
    :math:`s_t + v_t = \sigma^2` for every :math:`t` and every :math:`\varepsilon`: the
    fitted Gaussians keep, on average, the true second moment. For
    :math:`\varepsilon = 0` the two curves are :func:`gaussian_variance_mean` and
    :func:`joint_mean_variance`.

    Parameters
    ----------
    %(sizes_2)s
    %(fresh_required)s
    %(estimator)s
    %(sigma2)s

    Returns
    -------
    (s, v) : tuple of numpy.ndarray
        Each of shape ``(G + 1,)``: :math:`E\,\sigma_t^2` and :math:`E(\mu_t-\mu)^2`.

    See Also
    --------
    gaussian_fresh_stationary_moments : the limits for a constant size.

    References
    ----------
    Derived here; the fresh fraction is Borkar's persistent excitation (Borkar 2025,
    [borkar2025]).

    Examples
    --------
    With the MLE the two expectations always add up to the true variance:

    >>> from collapse_lib import theory
    >>> s, v = theory.gaussian_fresh_moments(sizes=10, fresh=0.1, estimator="mle", generations=3)
    >>> s.round(4).tolist(), v.round(4).tolist()
    ([1.0, 0.9, 0.8271, 0.774], [0.0, 0.1, 0.1729, 0.226])
    """
    ddof = _ddof(estimator)
    eps = _fresh(fresh)
    sigma2 = _positive("sigma2", sigma2)
    n = _schedule(sizes, generations, minimum=2)
    s = np.empty(n.size + 1)
    v = np.empty(n.size + 1)
    s[0], v[0] = sigma2, 0.0
    for t, nt in enumerate(n, start=1):
        m = eps * sigma2 + (1 - eps) * s[t - 1] + eps * (1 - eps) * v[t - 1]
        s[t] = (nt - 1) / (nt - ddof) * m
        v[t] = m / nt + (1 - eps) ** 2 * v[t - 1]
    return s, v


@_doc
def gaussian_fresh_stationary_moments(*, n, fresh, estimator, sigma2=1.0):
    r"""Limits of :math:`E\,\sigma_t^2` and :math:`E(\mu_t-\mu)^2` with a fresh fraction.

    The recursion of :func:`gaussian_fresh_moments` with a constant :math:`n` is
    affine, :math:`x_t = A x_{t-1} + b`. With the MLE its limits are, with
    :math:`\theta = (n-1)\,\varepsilon(2-\varepsilon)`,

    .. math:: E\,\sigma_\infty^2 = \sigma^2\,\frac{\theta}{1+\theta}, \qquad
              E(\mu_\infty - \mu)^2 = \frac{\sigma^2}{1+\theta},

    the same :math:`1 + \theta` as the effective size of
    :func:`wf_fresh_effective_size`. With the unbiased estimator the largest eigenvalue
    of :math:`A` is below 1 iff :math:`\varepsilon(2-\varepsilon) > (1-\varepsilon)/n`;
    below that threshold the expectations grow without bound and ``inf`` is returned
    (the typical path does not grow: the mean is carried by rare large values). For
    :math:`\varepsilon = 0` the limits from the truth are returned:
    :math:`(0, \sigma^2)` for the MLE, :math:`(\sigma^2, \infty)` for the unbiased
    estimator.

    Parameters
    ----------
    n : int
        Draws per round, :math:`n \ge 2`.
    %(fresh_required)s
    %(estimator)s
    %(sigma2)s

    Returns
    -------
    (s, v) : tuple of float
        :math:`\lim_t E\,\sigma_t^2` and :math:`\lim_t E(\mu_t-\mu)^2`.

    References
    ----------
    Derived here: the fixed point of an affine recursion.

    Examples
    --------
    Ten percent of real data keeps about 63 % of the variance for ever:

    >>> from collapse_lib import theory
    >>> s, v = theory.gaussian_fresh_stationary_moments(n=10, fresh=0.1, estimator="mle")
    >>> round(s, 4), round(v, 4)
    (0.631, 0.369)
    """
    ddof = _ddof(estimator)
    n = _check_int("n", n, minimum=2)
    eps = _fresh(fresh)
    sigma2 = _positive("sigma2", sigma2)
    if eps == 0.0:
        return (0.0, sigma2) if ddof == 0 else (sigma2, np.inf)
    c = (n - 1) / (n - ddof)
    r = 1.0 - eps
    A = np.array([[c * r, c * eps * r], [r / n, eps * r / n + r * r]])
    if np.max(np.abs(linalg.eigvals(A))) >= 1.0:
        return np.inf, np.inf
    b = eps * sigma2 * np.array([c, 1.0 / n])
    s, v = linalg.solve(np.eye(2) - A, b)
    return float(s), float(v)
