r"""Multivariate Gaussian: the walk of the log-determinant of the fitted covariance (private).

Refitting :math:`N_d(m, \Sigma)` on :math:`n` of its own samples (the family
:class:`collapse_lib.MultivariateGaussian`) gives the scatter matrix
:math:`S \sim W_d(n - 1, \Sigma)` and the fit :math:`S/(n - \mathrm{ddof})`. By
Bartlett's decomposition the log-determinant of the fitted covariance moves by
independent steps, a random walk with negative drift: the generalised variance
collapses like the variance of a univariate Gaussian
(:mod:`collapse_lib.theory._gaussian_variance`), with a drift of about
:math:`-d(d+3)/(2n)` per round for the MLE instead of :math:`-2/n`.
"""

from __future__ import annotations

import numpy as np
from scipy import special

from .._validate import _as_real_array, _check_int
from ._common import _by_generation, _ddof, _doc, _out, _schedule, _sizes_array


def _logdet(cov) -> tuple[int, float]:
    """Dimension and log-determinant of a symmetric positive definite ``cov``, or raise."""
    value = cov
    cov = _as_real_array("cov", cov)
    if cov.ndim != 2 or cov.shape[0] < 1 or cov.shape[0] != cov.shape[1]:
        raise ValueError(f"cov must be a square matrix, got {value!r}")
    d = cov.shape[0]
    if not np.allclose(cov, cov.T, rtol=1e-10, atol=1e-12):
        raise ValueError(f"cov must be symmetric, got {cov.tolist()!r}")
    try:
        chol = np.linalg.cholesky(cov)
    except np.linalg.LinAlgError:
        raise ValueError(f"cov must be positive definite, got {cov.tolist()!r}") from None
    sign, logdet = np.linalg.slogdet(cov)
    if sign <= 0 or not np.all(np.diag(chol) > 0):
        raise ValueError(f"cov must be positive definite, got {cov.tolist()!r}")
    return d, float(logdet)


def mvn_logdet_drift(*, n, d, estimator):
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

    Returns
    -------
    float or numpy.ndarray
        :math:`\delta_d(n)`, shaped like ``n``.

    References
    ----------
    Derived here (Bartlett's decomposition of the Wishart law, classical).

    Examples
    --------
    Three dimensions lose about :math:`d(d+3)/(2n) = 0.09` per round:

    >>> from collapse_lib import theory
    >>> round(theory.mvn_logdet_drift(n=100, d=3, estimator="mle"), 5)
    -0.09143
    """
    d = _check_int("d", d, minimum=1)
    ddof = _ddof(estimator)
    n = _sizes_array("n", n, d + 1)
    i = np.arange(d)
    terms = special.digamma((n[..., None] - 1 - i) / 2).sum(axis=-1)
    return _out(terms + d * np.log(2.0) - d * np.log(n - ddof))


@_doc
def mvn_logdet_mean(*, sizes, generations=None, cov, estimator):
    r"""Expected log-determinant :math:`E \ln\det\Sigma_t` of the fitted covariance (replace).

    The steps of :math:`\ln\det\Sigma_t` are independent, with means
    :func:`mvn_logdet_drift` at :math:`n_t`, so :math:`E\ln\det\Sigma_t =
    \ln\det\Sigma + \sum_{s \le t}\delta_d(n_s)`: bounded iff
    :math:`\sum_t 1/n_t < \infty` (because :math:`\delta_d(n) \asymp -1/n`).

    Parameters
    ----------
    %(sizes_d)s
    cov : array_like
        True covariance :math:`\Sigma`, :math:`d \times d`, symmetric positive definite.
    estimator : {"mle", "unbiased"}
        Scatter divided by :math:`n` or by :math:`n - 1`.

    Returns
    -------
    numpy.ndarray
        Shape ``(G + 1,)``; entry :math:`t` is :math:`E\ln\det\Sigma_t` (entry 0 is
        :math:`\ln\det\Sigma`).

    References
    ----------
    Derived here (independent Bartlett steps).

    Examples
    --------
    The generalised variance of a 3-dimensional fit, round after round:

    >>> import numpy as np
    >>> from collapse_lib import theory
    >>> m = theory.mvn_logdet_mean(sizes=100, cov=np.eye(3), estimator="mle", generations=2)
    >>> m.round(4).tolist()
    [0.0, -0.0914, -0.1829]
    """
    d, logdet = _logdet(cov)
    n = _schedule(sizes, generations, minimum=d + 1)
    if n.size:
        steps = mvn_logdet_drift(n=n.astype(np.int64), d=d, estimator=estimator)
    else:
        _ddof(estimator)
        steps = np.zeros(0)
    return _by_generation(np.atleast_1d(steps), logdet)


@_doc
def mvn_logdet_variance(*, sizes, generations=None, d):
    r"""Variance :math:`\operatorname{Var}\ln\det\Sigma_t` of the log-determinant (replace).

    Each step adds :math:`\sum_{i=0}^{d-1}\psi'\big((n_t - 1 - i)/2\big)` (trigamma;
    the variance of :math:`\ln\chi^2_k` is :math:`\psi'(k/2)`), about :math:`2d/n_t`.
    The same for either estimator.

    Parameters
    ----------
    %(sizes_d)s
    d : int
        Dimension, :math:`d \ge 1`.

    Returns
    -------
    numpy.ndarray
        Shape ``(G + 1,)``; entry :math:`t` is :math:`\operatorname{Var}\ln\det\Sigma_t`.

    References
    ----------
    Derived here (independent Bartlett steps, trigamma variances).

    Examples
    --------
    About :math:`2d/n` per round:

    >>> from collapse_lib import theory
    >>> theory.mvn_logdet_variance(sizes=100, d=3, generations=2).round(4).tolist()
    [0.0, 0.0619, 0.1237]
    """
    d = _check_int("d", d, minimum=1)
    n = _schedule(sizes, generations, minimum=d + 1)
    i = np.arange(d)
    steps = special.polygamma(1, (n[:, None] - 1 - i) / 2).sum(axis=1)
    return _by_generation(steps)
