r"""Univariate Gaussian: the exact law of the log-variance walk and the tails of sigma (private).

Under the replace scheme with a constant size :math:`n`, :math:`\log\sigma_t^2 -
\log\sigma^2` is a sum of :math:`t` independent steps
:math:`\log(\chi^2_{n-1}/(n - \mathrm{ddof})) = \log(2/(n-\mathrm{ddof})) + \log G`,
:math:`G \sim \mathrm{Gamma}((n-1)/2, 1)`. Its distribution function and quantiles are
computed exactly by Fourier inversion; from them follow the exact tail
:math:`P(\sigma_t > \eta)`, its exponential rate, Suresh et al.'s Markov bound and an
approximation of the time until :math:`\sigma_t` has halved. The moments of the walk
are in :mod:`collapse_lib.theory._gaussian`.
"""

from __future__ import annotations

import numpy as np
from scipy import special, stats

from .._validate import _as_real_array, _check_int, _check_real
from ._common import _ddof, _doc, _out, _positive, _real_array, _rounds, _sizes_array
from ._gaussian_variance import log_variance_drift, log_variance_step_variance

#: Tail mass, as a power of e, neglected by the Fourier inversion of :func:`_walk_nodes`.
_CF_TAIL = 45.0
#: Mean overshoot of a driftless Gaussian random walk over a far level, in step standard
#: deviations: :math:`-\zeta(1/2)/\sqrt{2\pi} \approx 0.5826` (Siegmund, 1979).
_GAUSSIAN_OVERSHOOT = float(-special.zeta(0.5) / np.sqrt(2.0 * np.pi))
#: Stirling coefficients B_{2k} / (2k (2k - 1)), k = 1..8, of log Gamma(z).
_STIRLING = np.array([1 / 6, -1 / 30, 1 / 42, -1 / 30, 5 / 66, -691 / 2730, 7 / 6, -3617 / 510]) / (
    np.arange(2, 17, 2) * np.arange(1, 16, 2)
)


# -------------------------------------------------------- Fourier inversion (private)
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
    evaluation point, provided the rule keeps its node :math:`u_0 = 0` with weight
    :math:`h/2`, where the integrand :math:`\operatorname{Im}(e^{-iuy}\varphi(u)^t)/u` has
    the finite limit :math:`E S_t - y` (without it a point mass at distance :math:`c`
    would be off by :math:`hc/2`); :math:`h` leaves outside a mass below about
    :math:`e^{-45}` (10
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
    """Gil-Pelaez inversion at ``y`` (one per row): ``kind`` "cdf", "sf" or "pdf".

    The term ``0.5 * (m - y)`` is the trapezoidal node at ``u = 0`` (weight ``h / 2``, value
    the limit ``E S_t - y`` of the integrand); the rule is exact only with it.
    """
    m, h, u, tlog = nodes
    z = np.exp(tlog - 1j * u * y[:, None])
    if kind == "pdf":
        return np.maximum(h * (0.5 + z.real.sum(axis=1)) / np.pi, 0.0)
    total = h * (0.5 * (m - y) + (z.imag / u).sum(axis=1)) / np.pi
    return np.clip(0.5 + total if kind == "sf" else 0.5 - total, 0.0, 1.0)


def _walk_probability(y, t, a, d, upper):
    """``P(S_t <= y)`` (or ``> y`` if ``upper``) broadcast over ``y`` and ``t``, t = 0 allowed.

    Beyond the reach of :func:`_walk_nodes` (10 standard deviations of the bulk plus the
    exponential left tail) the law holds less than about :math:`e^{-45}`: there the
    probability is its limit 0 or 1, which also keeps the number of nodes bounded.
    """
    y, t = np.broadcast_arrays(np.asarray(y, dtype=float), t)
    out = np.where(y >= 0, 0.0 if upper else 1.0, 1.0 if upper else 0.0)  # t = 0: S_0 = 0
    moving = t > 0
    if np.any(moving):
        ym, tm = y[moving], t[moving].astype(float)
        m = tm * (special.digamma(a) + np.log(2.0 / d))
        bulk = 10.0 * np.sqrt(tm * special.polygamma(1, a)) + _CF_TAIL / a + 1.0
        above = ym - m > bulk
        below = m - ym > bulk
        inside = ~(above | below)
        part = np.where(above, 0.0 if upper else 1.0, 1.0 if upper else 0.0)
        if np.any(inside):
            yi, ti = ym[inside], tm[inside]
            part[inside] = _walk_invert(
                _walk_nodes(ti, a, d, np.abs(yi - m[inside])), yi, "sf" if upper else "cdf"
            )
        out[moving] = part
    return out


def _walk_inputs(t, n, estimator, sigma2):
    """Validate the shared arguments of the exact-law functions: (a, d, t, log sigma2)."""
    ddof = _ddof(estimator)
    n = _check_int("n", n, minimum=2)
    t = _rounds(t)
    sigma2 = _positive("sigma2", sigma2)
    a, d = _step_law(n, ddof)
    return a, d, t, np.log(sigma2)


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


# --------------------------------------------------------------- the exact law
@_doc
def log_variance_cdf(x, t, *, n, estimator, sigma2=1.0):
    r"""Exact distribution function :math:`P(\log\sigma_t^2 \le x)` (replace, constant :math:`n`).

    :math:`\log\sigma_t^2 - \log\sigma^2` is a sum of :math:`t` independent steps
    :math:`\log(\chi^2_{n-1}/(n - \mathrm{ddof})) = \log(2/(n-\mathrm{ddof})) + \log G`
    with :math:`G \sim \mathrm{Gamma}((n-1)/2, 1)`, whose characteristic function is

    .. math:: \varphi(u) = \Big(\frac{2}{n - \mathrm{ddof}}\Big)^{iu}
              \frac{\Gamma\big(\tfrac{n-1}{2} + iu\big)}{\Gamma\big(\tfrac{n-1}{2}\big)} .

    The distribution function follows from Gil-Pelaez's inversion formula,
    :math:`F(x) = \tfrac12 - \tfrac1\pi\int_0^\infty \operatorname{Im}
    \big(e^{-iux}\varphi(u)^t\big)\,du/u`, evaluated by the trapezoidal rule on the nodes
    :math:`u_j = jh`, :math:`j \ge 0`; at :math:`u_0 = 0` the integrand is its finite limit
    :math:`E\log\sigma_t^2 - x`. The rule, with that node, is exact for the part of the
    distribution within :math:`2\pi/h` of :math:`x` (the Fourier-series identity
    :math:`\sum_{j\ge1}\sin(j\theta)/j = (\pi-\theta)/2` on :math:`(0, 2\pi)`), so with
    the step chosen here the absolute error is of
    order :math:`10^{-14}`, in the tails as well: no normal approximation is involved.

    Parameters
    ----------
    x : float or array
        Level(s) on the scale of :math:`\log\sigma^2` (natural logarithm).
    t : int or array of int
        Round(s) :math:`t \ge 0`; broadcast against ``x``.
    %(law)s

    Returns
    -------
    float or numpy.ndarray
        :math:`P(\log\sigma_t^2 \le x)`, broadcast over ``x`` and ``t``.

    See Also
    --------
    log_variance_quantile : the inverse.

    References
    ----------
    Derived here (Gil-Pelaez inversion of the exact characteristic function).

    Examples
    --------
    After one round of 10 draws the unbiased variance is more often below the truth:

    >>> from collapse_lib import theory
    >>> round(theory.log_variance_cdf(0.0, 1, n=10, estimator="unbiased"), 6)
    0.562726
    """
    a, d, t, log0 = _walk_inputs(t, n, estimator, sigma2)
    x = _as_real_array("x", x)
    return _out(_walk_probability(x - log0, t, a, d, upper=False))


@_doc
def log_variance_quantile(q, t, *, n, estimator, sigma2=1.0):
    r"""Exact quantiles of :math:`\log\sigma_t^2` (replace, constant :math:`n`).

    Inverts :func:`log_variance_cdf` by Newton's method on the exact density (also by
    Fourier inversion), safeguarded by bisection, to an absolute error below
    :math:`10^{-9}` in :math:`x`. The quantiles of :math:`\sigma_t^2` are the exponentials
    of these (a monotone map). For a large :math:`t` the result approaches the normal
    quantile :math:`E\log\sigma_t^2 + z_q\,(\operatorname{Var}\log\sigma_t^2)^{1/2}`
    (:func:`log_variance_mean`, :func:`log_variance_variance`); for a small :math:`t` the
    left skew of :math:`\log\chi^2` makes them differ.

    Parameters
    ----------
    q : float or array
        Level(s) in :math:`(0, 1)`.
    t : int or array of int
        Round(s) :math:`t \ge 0`; broadcast against ``q`` (at :math:`t = 0` every quantile
        is :math:`\log\sigma^2`).
    %(law)s

    Returns
    -------
    float or numpy.ndarray
        The level-``q`` quantile of :math:`\log\sigma_t^2`, broadcast over ``q`` and ``t``.

    References
    ----------
    Derived here: Newton's method on the exact law of :func:`log_variance_cdf`.

    Examples
    --------
    The median log-variance after 100 rounds of 10 draws, far below 0:

    >>> from collapse_lib import theory
    >>> round(theory.log_variance_quantile(0.5, 100, n=10, estimator="unbiased"), 4)
    -11.4794
    """
    a, d, t, log0 = _walk_inputs(t, n, estimator, sigma2)
    q = _real_array("q", q, low=0.0, low_open=True)
    if np.any(q >= 1.0):
        raise ValueError(f"q must be < 1, got {q.tolist()!r}")
    q, t = np.broadcast_arrays(q, t)
    out = np.zeros(q.shape)
    moving = t > 0
    if np.any(moving):
        out[moving] = _walk_quantile(q[moving], t[moving], a, d)
    return _out(out + log0)


# ------------------------------------------------------------------- tails of sigma
@_doc
def gaussian_sigma_tail_probability(t, *, n, level, estimator, sigma2=1.0):
    r"""Exact :math:`P(\sigma_t > \eta)` for the replace scheme with a constant :math:`n`.

    The fitted standard deviation exceeds :math:`\eta` iff
    :math:`\log\sigma_t^2 > 2\log\eta`; the probability is computed as an upper tail by
    the Fourier inversion of :func:`log_variance_cdf` (absolute error of order
    :math:`10^{-14}`, so it stays accurate far below the reach of Monte Carlo). Compare
    with the bound :func:`gaussian_sigma_tail_bound` and the exponential rate
    :func:`gaussian_sigma_tail_rate`.

    Parameters
    ----------
    %(t)s
    %(n_law)s
    level : float
        Threshold :math:`\eta > 0`.
    %(estimator)s
    %(sigma2)s

    Returns
    -------
    float or numpy.ndarray
        :math:`P(\sigma_t > \eta)` for every ``t``.

    References
    ----------
    Derived here, by the exact Fourier inversion of :func:`log_variance_cdf`.

    Examples
    --------
    How often the MLE standard deviation still exceeds one half:

    >>> from collapse_lib import theory
    >>> p = theory.gaussian_sigma_tail_probability([0, 50, 100], n=10, level=0.5, estimator="mle")
    >>> p.round(4).tolist()
    [1.0, 0.0024, 0.0]
    """
    level = _positive("level", level)
    a, d, t, log_sigma2 = _walk_inputs(t, n, estimator, sigma2)
    y = np.full(t.shape, 2.0 * np.log(level / np.exp(0.5 * log_sigma2)))
    return _out(_walk_probability(y, t, a, d, upper=True))


@_doc
def gaussian_sigma_tail_rate(*, n, estimator):
    r"""Exact exponential rate :math:`\rho^*` of :math:`P(\sigma_t > \eta)` as :math:`t \to \infty`.

    One round multiplies :math:`\sigma^2` by :math:`R = \chi^2_{n-1}/(n - \mathrm{ddof})`,
    with :math:`M(s) = E R^s = (2/(n-\mathrm{ddof}))^s\,\Gamma(a + s)/\Gamma(a)`,
    :math:`a = (n-1)/2`. :math:`\log M` is convex with :math:`M(0) = 1` and
    :math:`M'(0) = E\log R < 0`; its minimiser solves
    :math:`\psi(a + s^*) = \log((n - \mathrm{ddof})/2)`. For every fixed level
    :math:`\eta > 0`, Chernoff's bound :math:`P(\sigma_t > \eta) \le (\sigma/\eta)^{2s}
    M(s)^t` (any :math:`s \ge 0`) and Cramér's theorem give

    .. math:: \lim_{t\to\infty} \frac1t \log P(\sigma_t > \eta) = \log \rho^*,
              \qquad \rho^* = M(s^*).

    :math:`s = 1/2` is Markov's inequality on :math:`\sigma_t` and yields the factor
    :math:`\alpha` of :func:`gaussian_sigma_factor`. Unbiased estimator:
    :math:`s^* \approx 1/2` and :math:`\rho^* \approx \alpha \approx e^{-1/(4n)}`, so the
    exponent of Suresh et al.'s bound is nearly sharp. MLE: :math:`s^* \approx 1`,
    :math:`\rho^* \approx e^{-1/n}`, four times the bound's exponent.

    Parameters
    ----------
    %(n_estimator)s

    Returns
    -------
    (rho, s) : floats or numpy.ndarrays
        The rate :math:`\rho^* \in (0, 1)` and the minimiser :math:`s^* > 0`.

    References
    ----------
    Derived here from Chernoff's bound and Cramér's theorem (both classical).

    Examples
    --------
    For the MLE the rate is close to :math:`e^{-1/n}` and :math:`s^*` close to 1:

    >>> from collapse_lib import theory
    >>> rho, s = theory.gaussian_sigma_tail_rate(n=100, estimator="mle")
    >>> round(rho, 6), round(s, 4)
    (0.99, 0.9992)
    """
    ddof = _ddof(estimator)
    n = _sizes_array("n", n, 2)
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


@_doc
def gaussian_sigma_tail_bound(t, *, n, level, sigma2=1.0):
    r"""Suresh et al.'s bound :math:`P(\sigma_t > \eta) \le (\sigma/\eta)\,e^{-t/(4n-1)}`.

    Replace scheme, constant :math:`n`, mean and variance refitted. By Markov's
    inequality :math:`P(\sigma_t > \eta) \le E\sigma_t/\eta = \alpha^t\sigma/\eta` with
    :math:`\alpha` from :func:`gaussian_sigma_factor`, and :math:`\alpha \le e^{-1/(4n-1)}`.
    The unbiased estimator has the larger :math:`\alpha`, so the bound holds for both
    estimators. The sharper Markov bound with an estimator's own factor,
    :math:`(\sigma/\eta)\,\alpha^t`, is ``gaussian_sigma_mean(...) / level``
    (:func:`gaussian_sigma_mean`); for the MLE its exponent
    :math:`-\log\alpha_{\text{MLE}} \approx 3/(4n)` is three times this one. Values
    above 1 are vacuous and returned as they are.

    Parameters
    ----------
    %(t)s
    %(n_law)s
    level : float
        Threshold :math:`\eta > 0` (written :math:`\varepsilon` in the paper).
    %(sigma2)s

    Returns
    -------
    float or numpy.ndarray
        The bound, one value per round in ``t`` (possibly above 1).

    See Also
    --------
    gaussian_sigma_tail_probability : the exact probability.
    gaussian_sigma_tail_rate : its exact exponential rate.

    References
    ----------
    Suresh, Thangaraj and Khandavally (2025) [suresh2025], their Gaussian bound.

    Examples
    --------
    The bound after 100 rounds of 10 draws, and the sharper Markov bound for the MLE:

    >>> from collapse_lib import theory
    >>> round(theory.gaussian_sigma_tail_bound(100, n=10, level=0.5), 4)
    0.154
    >>> sharp = theory.gaussian_sigma_mean(sizes=10, generations=100, estimator="mle") / 0.5
    >>> round(float(sharp[-1]), 6)
    0.000645
    """
    t = _rounds(t)
    n = _check_int("n", n, minimum=2)
    level = _positive("level", level)
    sigma2 = _positive("sigma2", sigma2)
    return _out(np.sqrt(sigma2) / level * np.exp(-t / (4.0 * n - 1.0)))


@_doc
def log_variance_overshoot_approx(*, n, estimator, terms=False):
    r"""Mean overshoot of the log-variance walk below a far level (approximation).

    Let :math:`O = -b - L_\tau \ge 0` be the overshoot of the walk
    :math:`L_t = \log\sigma_t^2 - \log\sigma^2` at its first passage :math:`\tau` below
    :math:`-b`. Write the downward step :math:`X = -\log R` with mean
    :math:`|\delta(n)|` (:func:`log_variance_drift`), variance :math:`v = \psi'(a)`
    (:func:`log_variance_step_variance`) and third cumulant
    :math:`\kappa_3 = -\psi''(a)`, :math:`a = (n-1)/2`. To first order in the drift and
    in the skewness,

    .. math:: E\,O \approx c_S\sqrt v + \frac{|\delta(n)|}{4} + \frac{\kappa_3}{6v},
              \qquad c_S = -\frac{\zeta(1/2)}{\sqrt{2\pi}} \approx 0.5826 .

    The first term is Siegmund's value for a driftless Gaussian walk, the second the
    first-order drift correction of a Gaussian walk, the third the first-order skewness
    correction. The MLE and the unbiased steps have the same centred law (they differ by
    the constant :math:`\ln(1 - 1/n)`), so they share the first and third terms and
    differ only by the drift term. The neglected terms are of order :math:`n^{-3/2}`
    (at :math:`n = 20` the approximation is within about 0.002 of a simulated 0.23, for
    levels :math:`b \ge \ln 4`; checked in the tests).

    Parameters
    ----------
    %(n_law)s
    %(estimator)s
    terms : bool, optional
        Return the three terms ``(gaussian, drift, skew)`` instead of their sum.

    Returns
    -------
    float or tuple of float
        The approximate mean overshoot, or its three terms.

    References
    ----------
    The Gaussian value :math:`c_S` is Siegmund's (Siegmund 1979, [siegmund1979]); the
    drift and skewness terms are the first-order corrections of the ladder-height
    expansion, assembled and checked numerically here (a sketch, not a theorem).

    Examples
    --------
    The two estimators share the Gaussian and skew terms, not the drift term:

    >>> from collapse_lib import theory
    >>> parts = theory.log_variance_overshoot_approx(n=20, estimator="mle", terms=True)
    >>> [round(x, 4) for x in parts]
    [0.1941, 0.0262, 0.0185]
    >>> round(theory.log_variance_overshoot_approx(n=20, estimator="unbiased"), 4)
    0.226
    """
    n = _check_int("n", n, minimum=2)
    drift = -log_variance_drift(n=n, estimator=estimator)
    if not isinstance(terms, (bool, np.bool_)):
        raise TypeError(f"terms must be a bool, got {terms!r}")
    a = (n - 1) / 2.0
    v = float(special.polygamma(1, a))
    parts = (
        _GAUSSIAN_OVERSHOOT * np.sqrt(v),
        drift / 4.0,
        float(-special.polygamma(2, a)) / (6.0 * v),
    )
    return tuple(float(x) for x in parts) if terms else float(sum(parts))


@_doc
def gaussian_sigma_halving_time_approx(*, n, estimator, factor=2.0, corrected=True):
    r"""Brownian approximation of the law of the time until :math:`\sigma_t \le \sigma/f`.

    :math:`\tau = \min\{t : \log\sigma_t^2 \le \log\sigma^2 - b\}` with
    :math:`b = 2\log(\text{factor})` (:math:`b = \ln 4` for halving) is the first passage
    of the random walk of :math:`\log\sigma_t^2`, drift :math:`\delta < 0`
    (:func:`log_variance_drift`), step variance :math:`v`
    (:func:`log_variance_step_variance`). Replacing the walk by a Brownian motion with the
    same drift and variance gives the inverse Gaussian law with mean :math:`b/|\delta|`
    and shape :math:`b^2/v`. This is an approximation: by Wald's identity the exact mean
    is :math:`E\tau = (b + E\,O)/|\delta|`, where :math:`O \ge 0` is the overshoot of the
    walk below the level, so :math:`b/|\delta|` is a lower bound. With
    ``corrected=True`` the level is raised to :math:`b + c_S\sqrt v`, :math:`c_S =
    -\zeta(1/2)/\sqrt{2\pi} \approx 0.583` the mean overshoot of a Gaussian walk,
    which removes most of that bias: the corrected mean is low by about 6 % at
    :math:`n = 10`, 2 % at :math:`n = 20` and less than 2 % for larger :math:`n`, the
    plain one by 22 %, 13 % and about :math:`0.6/\sqrt n` (both worse for smaller
    :math:`n`; checked in the tests).

    Parameters
    ----------
    %(n_law)s
    %(estimator)s
    factor : float, optional
        The standard deviation must fall by this factor, ``factor > 1`` (2: halving).
    corrected : bool, optional
        Apply the overshoot correction (default) or not (the plain drift approximation).

    Returns
    -------
    scipy.stats.rv_continuous frozen distribution
        An inverse Gaussian law (``scipy.stats.invgauss``): use ``.mean()``, ``.pdf``,
        ``.cdf``, ``.ppf``.

    References
    ----------
    Derived here; the overshoot correction is Siegmund's corrected diffusion
    approximation (Siegmund 1979, [siegmund1979]).

    Examples
    --------
    Mean number of rounds until the MLE standard deviation has halved, for 20 draws:

    >>> from collapse_lib import theory
    >>> law = theory.gaussian_sigma_halving_time_approx(n=20, estimator="mle")
    >>> round(float(law.mean()), 2)
    15.07
    """
    n = _check_int("n", n, minimum=2)
    drift = -log_variance_drift(n=n, estimator=estimator)
    factor = _check_real("factor", factor, low=1.0, low_open=True)
    if not isinstance(corrected, (bool, np.bool_)):
        raise TypeError(f"corrected must be a bool, got {corrected!r}")
    v = log_variance_step_variance(n=n)
    b = 2.0 * np.log(factor) + (_GAUSSIAN_OVERSHOOT * np.sqrt(v) if corrected else 0.0)
    shape = b**2 / v
    return stats.invgauss(mu=b / drift / shape, scale=shape)
