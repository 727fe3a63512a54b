r"""The non-smooth spike family: when the MLE is captured and never recovers (private).

The family is :class:`collapse_lib.SpikeUniform`: with probability :math:`1 - \alpha` a
draw is uniform on :math:`[0, 2]`, otherwise uniform on the spike
:math:`S_\theta = [\theta, \theta + w(\theta)]` of width
:math:`w(\theta) = e^{-\omega(\theta)}`, :math:`\omega(\theta) = \omega_0 e^{b\theta}`.
Its mathematics (the exact MLE over a finite candidate set, consistency, the floating
point conventions) is in the module :mod:`collapse_lib._spike`, whose private helpers
(:math:`\omega`, :math:`w` and the gain :math:`\lambda`) this module imports.

An observation in the spike at :math:`\theta` adds
:math:`\lambda(\theta) = \log(1 + c\,e^{\omega(\theta)})`, :math:`c = 2\alpha/(1-\alpha)`,
to the log-likelihood, and :math:`\lambda` increases astronomically fast. So a single
background point :math:`x`, alone in its own spike, outscores :math:`K` points of the
true spike exactly when :math:`\lambda(x) > K\lambda(\theta^*)`: when it lies in the
*capture zone* :math:`(x_c(K), 1]`. When spike widths are negligible, whether the MLE
sits at the truth depends only on :math:`K` and on whether a background point falls in
that zone, which gives exact formulas for one fit and for recursive training. Under
accumulate a capture is permanent: the captured spike is fed by the model's own draws
and the true spike never wins back.
"""

from __future__ import annotations

import numpy as np
from scipy import stats

from .. import _spike
from .._validate import _as_int_array, _check_real
from ._common import _doc, _out, _schedule, _scheme


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


def spike_capture_point(
    *,
    count,
    theta=_spike.THETA_STAR,
    weight=_spike.WEIGHT,
    omega0=_spike.OMEGA0,
    rate=_spike.RATE,
):
    r"""Left end :math:`x_c` of the capture zone of a spike holding :math:`K` observations.

    A single observation at :math:`x`, alone in its own spike, outscores :math:`K`
    observations in the spike at :math:`\theta` exactly when
    :math:`\lambda(x) > K\,\lambda(\theta)`, i.e. when :math:`x` exceeds

    .. math:: \omega(x_c) = \log\frac{e^{K\lambda(\theta)} - 1}{c}, \qquad
              x_c = \frac{\log\omega(x_c) - \log\omega_0}{b}
              \approx \theta + \frac{\log K}{b} .

    Computed in logarithms (no overflow). A value above 1 means that no point of the
    parameter range can capture the MLE.

    Parameters
    ----------
    count : int or array of int
        Number :math:`K \ge 1` of observations in the spike at ``theta``.
    theta : float, optional
        Spike location in :math:`[0, 1]`.
    weight, omega0, rate : float, optional
        Family constants :math:`\alpha, \omega_0, b` (as in ``SpikeUniform``).

    Returns
    -------
    float or numpy.ndarray
        The point :math:`x_c(K)` for each entry of ``count``.

    References
    ----------
    Derived here; the family is our own, built in the spirit of the counterexamples
    of Barzilai and Shamir (2025) [barzilai2025].

    Examples
    --------
    With the default constants one point captures anything to the right of :math:`\theta^*`:

    >>> from collapse_lib import theory
    >>> theory.spike_capture_point(count=[1, 100]).round(6).tolist()
    [0.99, 0.996579]
    """
    theta, weight, omega0, rate = _spike_constants(theta, weight, omega0, rate)
    k = _as_int_array("count", count, minimum=1)
    return _out(_spike_capture(k, theta, weight, omega0, rate))


@_doc
def spike_mle_correct_probability(
    *,
    n,
    theta=_spike.THETA_STAR,
    weight=_spike.WEIGHT,
    omega0=_spike.OMEGA0,
    rate=_spike.RATE,
):
    r"""Probability that the MLE of :math:`n` i.i.d. draws sits exactly at the true spike.

    For :math:`n` draws from :math:`p_{\theta^*}`, :math:`K \sim \mathrm{Bin}(n, \alpha)`
    of them lie in the true spike and the other :math:`n - K` are uniform on
    :math:`[0, 2]`. When spike widths near and above :math:`\theta^*` are negligible
    (each background point is alone in its spike, as for the default constants, whose
    widths underflow to 0), the MLE is :math:`\theta^*` exactly when :math:`K \ge 1`
    and no background point falls in the capture zone :math:`(x_c(K), 1]` of
    :func:`spike_capture_point`, so

    .. math:: P(\hat\theta_n = \theta^*) = \sum_{K=1}^{n} \binom nK \alpha^K
              (1-\alpha)^{n-K} \Big(1 - \frac{(1 - x_c(K))_+}{2}\Big)^{n-K} .

    It tends to 1 as :math:`n \to \infty` (consistency): the zone is empty once
    :math:`x_c(K) \ge 1`, roughly :math:`\alpha n > e^{b(1-\theta^*)}`.

    Parameters
    ----------
    n : int or array of int
        Sample size(s), :math:`n \ge 1`.
    %(spike)s

    Returns
    -------
    float or numpy.ndarray
        :math:`P(\hat\theta_n = \theta^*)` for each entry of ``n``.

    Raises
    ------
    ValueError
        If spike widths are not negligible for these constants and sizes.

    References
    ----------
    Derived here, by conditioning on the number of points in the true spike.

    Examples
    --------
    Consistency: the MLE is exact for large samples but not for mid-sized ones:

    >>> from collapse_lib import theory
    >>> theory.spike_mle_correct_probability(n=[10, 100, 10_000]).round(4).tolist()
    [0.9794, 0.8951, 1.0]
    """
    theta, weight, omega0, rate = _spike_constants(theta, weight, omega0, rate)
    N = _as_int_array("n", n, minimum=1)
    out = np.empty(N.shape)
    for idx, size in np.ndenumerate(N):
        K = np.arange(int(size) + 1)
        esc = _spike_escape(K, int(size), theta, weight, omega0, rate)
        with np.errstate(divide="ignore"):
            log_term = stats.binom.logpmf(K, size, weight) + (size - K) * np.log(esc)
        out[idx] = min(np.exp(log_term).sum(), 1.0)  # rounding can exceed 1 by ~1e-12
    return _out(out)


@_doc
def spike_survival(
    *,
    sizes,
    generations=None,
    scheme="replace",
    theta=_spike.THETA_STAR,
    weight=_spike.WEIGHT,
    omega0=_spike.OMEGA0,
    rate=_spike.RATE,
):
    r"""Probability that recursive MLE of the spike family is still exact at each round.

    :math:`P(\theta_s = \theta^* \text{ for all } s \le t)` without fresh data, with
    negligible spike widths (see :func:`spike_mle_correct_probability`). Once the MLE
    leaves :math:`\theta^*` it never returns (no later draw lands in the true spike, and
    scores only grow), so this is also :math:`P(\theta_t = \theta^*)`. As long as the
    model is exact its samples are i.i.d. draws from the truth, which gives exact
    formulas:

    * replace: the rounds are independent fits on :math:`n_t` draws, so the survival is
      :math:`\prod_{s \le t} p(n_s)` with :math:`p` from
      :func:`spike_mle_correct_probability`;
    * accumulate: with :math:`K_t` spike points among the first :math:`N_t` draws, the
      model survives round :math:`t` iff the new background points avoid the capture
      zone :math:`(x_c(K_t), 1]` (earlier ones avoided larger zones). A forward
      recursion over the distribution of :math:`K_t` on the surviving paths,

      .. math:: P_t(K) = \sum_{j=0}^{n_t} P_{t-1}(K - j)\binom{n_t}{j}\alpha^j
                (1-\alpha)^{n_t - j}\Big(1 - \frac{(1 - x_c(K))_+}{2}\Big)^{n_t - j},

      with :math:`P_0 = \delta_0` and :math:`P_t(0) = 0` for :math:`t \ge 1`, gives the
      survival :math:`\sum_K P_t(K)` in :math:`O(\sum_t n_t N_t)` operations.

    Parameters
    ----------
    %(sizes)s
    %(scheme)s
    %(spike)s

    Returns
    -------
    numpy.ndarray
        Shape ``(G + 1,)``; entry :math:`t` is :math:`P(\theta_t = \theta^*)` (1 at :math:`t = 0`).

    References
    ----------
    Derived here: a product (replace) or a forward recursion (accumulate).

    Examples
    --------
    Accumulating 20 draws a round, exactness is lost round after round:

    >>> from collapse_lib import theory
    >>> s = theory.spike_survival(sizes=20, scheme="accumulate", generations=3)
    >>> s.round(4).tolist()
    [1.0, 0.9664, 0.9389, 0.9149]
    """
    theta, weight, omega0, rate = _spike_constants(theta, weight, omega0, rate)
    scheme = _scheme(scheme)
    n = _schedule(sizes, generations).astype(np.int64)
    if scheme == "replace":
        p = np.array(
            [
                spike_mle_correct_probability(
                    n=int(m), theta=theta, weight=weight, omega0=omega0, rate=rate
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
