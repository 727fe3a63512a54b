r"""The univariate Gaussian family :class:`Gaussian`."""

from __future__ import annotations

import numpy as np

from ._families import _ESTIMATORS, Family
from ._validate import _check_choice, _check_real


class Gaussian(Family):
    r"""Univariate Gaussian :math:`N(\mu, \sigma^2)` refitted by mean and variance.

    Parameters
    ----------
    mu, sigma2 : float
        The truth :math:`\theta^* = (\mu, \sigma^2)`; ``sigma2 > 0``.
    estimator : {"mle", "unbiased"}
        Variance estimator. ``"mle"`` divides the sum of squared deviations by the
        number of observations :math:`N`, ``"unbiased"`` by :math:`N - 1`
        (``ddof`` 0 and 1).
    known_variance : bool
        If True the variance stays at ``sigma2`` and only the mean is refitted (the
        mean random walk :math:`\mu_t = \mu_{t-1} + \sigma Z_t / \sqrt{n_t}` under
        replace).
    shrink : tuple (c, beta), optional
        A deliberately biased variance estimator: the fit (``"mle"`` or
        ``"unbiased"``) on :math:`N` observations is multiplied by
        :math:`1 - c N^{-\beta}`, a relative bias of order :math:`N^{-\beta}`
        (``0 < c < 1``, ``beta > 0``). Used to show that bias demands faster-growing
        sample sizes (Cheng et al.).
    prior : tuple (m, kappa), optional
        With ``known_variance=True`` only: a mean estimator shrunk toward the fixed point
        :math:`m`, the posterior mean under the prior :math:`N(m, \sigma^2/\kappa)`:
        :math:`(N \bar x + \kappa m)/(N + \kappa)` on :math:`N` observations
        (``kappa > 0``). Under replace the fitted mean is then an autoregression,
        :math:`\mu_t - m = \phi_t(\mu_{t-1} - m + \sigma Z_t/\sqrt{n_t})` with
        :math:`\phi_t = n_t/(n_t + \kappa)`.

    Notes
    -----
    Recorded parameters: ``"mu"``, and unless ``known_variance``: ``"sigma2"`` and
    ``"log_sigma2"``. The engine keeps :math:`\log \sigma^2_t`, so a collapsing variance
    never underflows to an exact zero inside the simulation; ``"sigma2"`` is its
    exponential (and may underflow in the output after very long runs, where
    ``"log_sigma2"`` stays exact).

    Statistics of a batch: its size, mean and the logarithm of its sum of squared
    deviations, pooled with Chan's update. Exact draw: with :math:`Z \sim N(0,1)` and
    :math:`C \sim \chi^2_{n-1}` independent, the batch mean is
    :math:`\mu + \sigma Z / \sqrt n` and the sum of squares :math:`\sigma^2 C`, so under
    replace

    .. math::
        \mu_t = \mu_{t-1} + \sigma_{t-1} Z / \sqrt{n_t}, \qquad
        \log\sigma^2_t = \log\sigma^2_{t-1} + \log C - \log(n_t - \mathrm{ddof}).

    Without fresh data the exact method runs every round at once (cumulative sums of
    these increments, also under accumulate). Actual draws are made in standardised
    form :math:`x = \mu + \sigma z`, so the statistics keep full relative precision while
    the variance collapses.

    Examples
    --------
    >>> import numpy as np
    >>> import collapse_lib as cl
    >>> family = cl.Gaussian(sigma2=2.0, estimator="unbiased")
    >>> run = cl.simulate(family, generations=100, sizes=20, replicates=2000, seed=1)
    >>> run.params
    ('mu', 'sigma2', 'log_sigma2')
    >>> bool(np.median(run["sigma2"][:, -1]) < 0.1)  # the typical variance collapses
    True
    """

    _roles = ("normal", "gamma", "fresh")
    #: elements (rounds x replicates) per segment of the vectorised path
    _FAST_SEGMENT = 1 << 19

    def __init__(
        self, mu=0.0, sigma2=1.0, estimator="mle", known_variance=False, shrink=None, prior=None
    ):
        self.mu = _check_real("mu", mu)
        self.sigma2 = _check_real("sigma2", sigma2, low=0.0, low_open=True)
        self.estimator = _check_choice("estimator", estimator, _ESTIMATORS)
        if not isinstance(known_variance, (bool, np.bool_)):
            raise TypeError(f"known_variance must be a bool, got {known_variance!r}")
        self.known_variance = bool(known_variance)
        self.ddof = 1 if self.estimator == "unbiased" else 0
        self.params = ("mu",) if self.known_variance else ("mu", "sigma2", "log_sigma2")
        if shrink is not None:
            if self.known_variance:
                raise ValueError(
                    f"shrink={shrink!r} applies to the variance estimate; it cannot be used "
                    "with known_variance=True"
                )
            if not isinstance(shrink, (tuple, list)) or len(shrink) != 2:
                raise TypeError(f"shrink must be a pair (c, beta), got {shrink!r}")
            shrink = (
                _check_real(
                    "shrink c", shrink[0], low=0.0, high=1.0, low_open=True, high_open=True
                ),
                _check_real("shrink beta", shrink[1], low=0.0, low_open=True),
            )
        self.shrink = shrink
        if prior is not None:
            if not self.known_variance:
                raise ValueError(
                    f"prior={prior!r} shrinks the mean estimate; it needs known_variance=True"
                )
            if not isinstance(prior, (tuple, list)) or len(prior) != 2:
                raise TypeError(f"prior must be a pair (m, kappa), got {prior!r}")
            prior = (
                _check_real("prior m", prior[0]),
                _check_real("prior kappa", prior[1], low=0.0, low_open=True),
            )
        self.prior = prior

    def __repr__(self):
        kv = ", known_variance=True" if self.known_variance else ""
        sh = f", shrink={self.shrink!r}" if self.shrink else ""
        pr = f", prior={self.prior!r}" if self.prior else ""
        return (
            f"Gaussian(mu={self.mu!r}, sigma2={self.sigma2!r}, "
            f"estimator={self.estimator!r}{kv}{sh}{pr})"
        )

    def _log_divisor(self, N):
        """log of what divides the sum of squared deviations of N observations."""
        out = np.log(N - self.ddof)
        if self.shrink:
            c, beta = self.shrink
            out = out - np.log1p(-c * np.power(N, -beta, dtype=float))
        return out

    def truth(self):
        r"""The truth :math:`(\mu, \sigma^2)`.

        Returns
        -------
        dict
            ``{"mu": mu}``, plus ``"sigma2"`` and ``"log_sigma2"`` unless
            ``known_variance``.

        Examples
        --------
        >>> import collapse_lib as cl
        >>> sorted(cl.Gaussian(mu=1.0, sigma2=4.0).truth())
        ['log_sigma2', 'mu', 'sigma2']
        """
        out = {"mu": np.float64(self.mu)}
        if not self.known_variance:
            out["sigma2"] = np.float64(self.sigma2)
            out["log_sigma2"] = np.log(self.sigma2)
        return out

    def _min_size(self):
        return 1 if self.known_variance else 2

    def _initial(self, B):
        if self.known_variance:
            return {"mu": np.full(B, self.mu)}
        return {"mu": np.full(B, self.mu), "log_sigma2": np.full(B, np.log(self.sigma2))}

    def _record(self, fit):
        if self.known_variance:
            return {"mu": fit["mu"]}
        ls = fit["log_sigma2"]
        return {"mu": fit["mu"], "sigma2": np.exp(ls), "log_sigma2": ls}

    # -- statistics ----------------------------------------------------------------------
    def _stats(self, fit, size, zbar, zz):
        """Statistics of ``size`` draws ``mu + sigma z`` from their standardised mean ``zbar``
        and sum of squared deviations ``zz`` (None when the variance is known)."""
        if self.known_variance:
            return {"count": size, "mean": fit["mu"] + np.sqrt(self.sigma2) * zbar}
        log_s2 = fit["log_sigma2"]
        with np.errstate(divide="ignore"):  # a batch of 0 or 1 draws has no spread
            log_m2 = log_s2 + np.log(zz)
        return {"count": size, "mean": fit["mu"] + np.exp(0.5 * log_s2) * zbar, "log_m2": log_m2}

    def _sample(self, fit, size, rng):
        sz = np.zeros(rng.size)
        szz = np.zeros(rng.size)
        for z, keep in rng.batch("normal", "standard_normal", size):
            if keep is not None:
                z *= keep
            sz += z.sum(axis=0)
            if not self.known_variance:
                szz += np.einsum("ij,ij->j", z, z)
        zbar = sz / np.maximum(size, 1)
        # about the sample mean; clipped at 0 against rounding in near-identical draws
        return self._stats(fit, size, zbar, np.maximum(szz - size * zbar * zbar, 0.0))

    def _draw(self, fit, size, rng):
        z = rng.draw("normal", "standard_normal")
        zbar = z / np.sqrt(np.maximum(size, 1))
        if self.known_variance:
            return self._stats(fit, size, zbar, None)
        shape = np.maximum(np.asarray(size) - 1, 0) / 2  # chi-square_{n-1} = 2 Gamma((n-1)/2)
        if np.ndim(size) == 0:
            g = rng.draw("gamma", "standard_gamma", shape=shape)
        else:
            g = rng.draw("gamma", "standard_gamma", per_rep={"shape": shape})
        return self._stats(fit, size, zbar, 2.0 * g)

    def _combine(self, a, b):
        """Chan, Golub and LeVeque's pooled (count, mean, sum of squares), in log space."""
        n = a["count"] + b["count"]
        w = b["count"] / np.maximum(n, 1)
        delta = b["mean"] - a["mean"]
        out = {"count": n, "mean": a["mean"] + delta * w}
        if not self.known_variance:
            with np.errstate(divide="ignore"):
                cross = np.log(delta * delta * (a["count"] * w))
            out["log_m2"] = np.logaddexp(np.logaddexp(a["log_m2"], b["log_m2"]), cross)
        return out

    def _fit(self, stats):
        if self.prior:
            m, kappa = self.prior
            return {"mu": (stats["count"] * stats["mean"] + kappa * m) / (stats["count"] + kappa)}
        if self.known_variance:
            return {"mu": stats["mean"]}
        return {
            "mu": stats["mean"],
            "log_sigma2": stats["log_m2"] - self._log_divisor(stats["count"]),
        }

    # -- fast path: no fresh data, exact, every round at once ----------------------------
    def _fast(self, scheme, fresh, exact):
        return fresh == 0 and exact and self.prior is None

    def _run_fast(self, fit, sizes, rng, scheme, records, recorded, sink):
        r"""Vectorise over rounds with cumulative sums of exact increments.

        Replace: :math:`\log\sigma^2_t = \log\sigma^2_{t-1} + \log(2 g_t) - \log D(n_t)`
        with :math:`g_t \sim \Gamma((n_t-1)/2)` and :math:`D(N)` the estimator's divisor.
        Accumulate: Chan's pooled update is multiplicative in the sum of squares,
        :math:`M_t = M_{t-1}\,(1 + (2 g_t + z_t^2 N_{t-1}/N_t) / D(N_{t-1}))`, and the mean
        moves by :math:`(n_t/N_t)\,\sigma_{t-1} z_t/\sqrt{n_t}`; the divisors depend only
        on the deterministic pooled sizes :math:`N_t`, so both are cumulative sums too.
        Rounds are processed in segments of about ``_FAST_SEGMENT`` elements.
        """
        acc = scheme == "accumulate"
        mu = fit["mu"]
        log_s2 = None if self.known_variance else fit["log_sigma2"]
        N, log_m2_end = 0, None
        seg = max(1, self._FAST_SEGMENT // max(rng.size, 1))
        G = len(sizes)
        t0 = 0
        while t0 < G:
            ns = sizes[t0 : t0 + seg].astype(float)
            L = len(ns)
            N_new = N + np.cumsum(ns)
            N_old = N_new - ns
            weight = ns / N_new if acc else np.ones(L)
            z = rng.draw("normal", "standard_normal", lead=(L,))
            if self.known_variance:
                z *= (weight * np.sqrt(self.sigma2 / ns))[:, None]
                ls_path = None
            else:
                g = rng.draw("gamma", "standard_gamma", lead=(L,), shape=((ns - 1) / 2)[:, None])
                log_prev = np.empty((L, rng.size))  # log sigma^2_{t-1}
                if acc:
                    # inc_t = log M_t - log M_{t-1}; round 1 starts from M_1 = sigma_0^2 2 g_1
                    first = int(N_old[0] == 0)
                    inc = 2.0 * g
                    inc[first:] += z[first:] ** 2 * (N_old / N_new)[first:, None]
                    inc[first:] /= np.exp(self._log_divisor(N_old[first:]))[:, None]
                    np.log1p(inc[first:], out=inc[first:])
                    if first:
                        inc[0] = np.log(inc[0]) + log_s2
                    log_m2 = np.cumsum(inc, axis=0, out=inc)
                    if not first:
                        log_m2 += log_m2_end
                    log_m2_end = log_m2[-1].copy()
                    ls_path = log_m2 - self._log_divisor(N_new)[:, None]
                else:
                    inc = np.log(g)
                    inc += (np.log(2.0) - self._log_divisor(ns))[:, None]
                    ls_path = np.cumsum(inc, axis=0, out=inc)
                    ls_path += log_s2
                # sd_{t-1} / sqrt(n_t) for every round, from the previous log-variance
                log_prev[0] = log_s2
                log_prev[1:] = ls_path[:-1]
                log_prev -= np.log(ns)[:, None]
                log_prev *= 0.5
                z *= np.exp(log_prev, out=log_prev)
                z *= weight[:, None]
            mu_path = np.cumsum(z, axis=0, out=z)
            mu_path += mu
            for t in recorded(t0 + 1, t0 + L):
                fit_t = {"mu": mu_path[t - t0 - 1]}
                if ls_path is not None:
                    fit_t["log_sigma2"] = ls_path[t - t0 - 1]
                sink(t, fit_t)
            mu = mu_path[-1].copy()
            if ls_path is not None:
                log_s2 = ls_path[-1].copy()
            N = N_new[-1]
            t0 += L
