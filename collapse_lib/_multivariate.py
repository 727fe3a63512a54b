r"""The multivariate Gaussian family :class:`MultivariateGaussian`."""

from __future__ import annotations

import numpy as np

from ._families import _ESTIMATORS, Family
from ._validate import _as_real_array, _check_choice


def _trailing(x, ndim: int):
    """``x`` (a scalar or one value per replicate) with ``ndim`` trailing axes added."""
    return np.reshape(x, np.shape(x) + (1,) * ndim)


def _chan_matrix(n_a, mean_a, m2_a, n_b, mean_b, m2_b):
    """Pool (count, mean, scatter matrix) of two groups of vector observations (Chan,
    Golub and LeVeque): counts scalars or one per replicate, means (B, d), scatter
    matrices (B, d, d)."""
    n = n_a + n_b
    w = n_b / np.maximum(n, 1)
    delta = mean_b - mean_a
    outer = np.einsum("bi,bj->bij", delta, delta)
    return n, mean_a + delta * _trailing(w, 1), m2_a + m2_b + outer * _trailing(n_a * w, 2)


class MultivariateGaussian(Family):
    r"""Multivariate Gaussian :math:`N_d(m, \Sigma)` refitted by mean and covariance.

    Parameters
    ----------
    mean : array_like, shape (d,)
        The true mean :math:`m`.
    cov : array_like, shape (d, d)
        The true covariance :math:`\Sigma`, symmetric positive definite.
    estimator : {"mle", "unbiased"}
        Scatter matrix divided by :math:`N` or by :math:`N-1`.

    Notes
    -----
    Recorded parameters: ``"mean"`` (trailing ``d``), ``"cov"`` (trailing ``d, d``) and
    ``"logdet"`` (log-determinant of the fitted covariance, kept exactly even when
    the covariance collapses towards singularity). Every round needs at least
    :math:`d + 1` observations.

    Exact draw (no fresh data): the batch mean is :math:`N(m, \Sigma/n)` and the
    scatter matrix is Wishart with :math:`n-1` degrees of freedom, drawn with
    Bartlett's decomposition :math:`S = L A A^\top L^\top` (:math:`L` the Cholesky factor
    of :math:`\Sigma`, :math:`A` lower triangular with
    :math:`A_{ii}^2 \sim \chi^2_{n-1-i}` and standard normal entries below the
    diagonal). Under replace the factor is updated as :math:`L \leftarrow L A /
    \sqrt{n - \mathrm{ddof}}`, so no Cholesky factorisation of a near-singular matrix is
    ever needed. With a fresh fraction only ``method="samples"`` is available.

    Examples
    --------
    >>> import numpy as np
    >>> import collapse_lib as cl
    >>> family = cl.MultivariateGaussian(np.zeros(3), np.eye(3))
    >>> run = cl.simulate(family, generations=200, sizes=10, replicates=500, seed=5)
    >>> run["cov"].shape
    (500, 201, 3, 3)
    >>> bool(np.median(run["logdet"][:, -1]) < -10)  # the covariance collapses
    True
    """

    params = ("mean", "cov", "logdet")
    _roles = ("normal", "gamma", "fresh")

    def __init__(self, mean, cov, estimator="mle"):
        self.mean = _as_real_array("mean", mean, ndim=1)
        d = self.mean.size
        if d < 1:
            raise ValueError(f"mean must have at least one entry, got {mean!r}")
        self.cov = _as_real_array("cov", cov, ndim=2)
        if self.cov.shape != (d, d):
            raise ValueError(f"cov must have shape ({d}, {d}) to match mean, got {self.cov.shape}")
        if not np.allclose(self.cov, self.cov.T, rtol=1e-10, atol=1e-12):
            raise ValueError(f"cov must be symmetric, got {cov!r}")
        try:
            self._L = np.linalg.cholesky(self.cov)
        except np.linalg.LinAlgError:
            raise ValueError(f"cov must be positive definite, got {cov!r}") from None
        self.estimator = _check_choice("estimator", estimator, _ESTIMATORS)
        self.ddof = 1 if self.estimator == "unbiased" else 0
        self.d = d

    def __repr__(self):
        return f"MultivariateGaussian(d={self.d}, estimator={self.estimator!r})"

    def truth(self):
        r"""The truth :math:`(m, \Sigma)` and :math:`\log\det\Sigma`.

        Returns
        -------
        dict
            ``{"mean": m, "cov": Sigma, "logdet": log det Sigma}``.

        Examples
        --------
        >>> import numpy as np
        >>> import collapse_lib as cl
        >>> float(cl.MultivariateGaussian([0.0, 0.0], 2 * np.eye(2)).truth()["logdet"])
        1.3862943611198906
        """
        return {
            "mean": self.mean.copy(),
            "cov": self.cov.copy(),
            "logdet": np.float64(np.linalg.slogdet(self.cov)[1]),
        }

    def _state_bytes(self):
        return 8 * (12 * self.d * self.d + 8 * self.d + 8)

    def _has_exact(self, scheme, fresh):
        return fresh == 0

    def _min_size(self):
        return self.d + 1

    def _initial(self, B):
        return {
            "mean": np.broadcast_to(self.mean, (B, self.d)).copy(),
            "L": np.broadcast_to(self._L, (B, self.d, self.d)).copy(),
            "logdiag": np.broadcast_to(np.log(np.diag(self._L)), (B, self.d)).copy(),
        }

    def _record(self, fit):
        L = fit["L"]
        return {
            "mean": fit["mean"],
            "cov": L @ np.swapaxes(L, 1, 2),
            "logdet": 2.0 * fit["logdiag"].sum(axis=1),
        }

    # -- statistics ----------------------------------------------------------------------
    # A batch drawn as x = m + L z keeps its scatter relative to the fit it came from,
    # as (L, log diag L, A) with scatter (L A)(L A)^T and A lower triangular, so that
    # refitting on it alone never factorises a near-singular matrix. Pooled statistics
    # hold the scatter matrix itself ("m2").

    def _bartlett(self, n, rng):
        d = self.d
        A = np.zeros((rng.size, d, d))
        df = (n - 1 - np.arange(d)) / 2
        A[:, np.arange(d), np.arange(d)] = np.sqrt(
            2.0 * rng.draw("gamma", "standard_gamma", tail=(d,), shape=df)
        )
        low = np.tril_indices(d, -1)
        if low[0].size:
            A[:, low[0], low[1]] = rng.draw("normal", "standard_normal", tail=(low[0].size,))
        return A

    def _draw(self, fit, size, rng):
        L = fit["L"]
        z = rng.draw("normal", "standard_normal", tail=(self.d,))
        mean = fit["mean"] + np.einsum("bij,bj->bi", L, z) / np.sqrt(size)
        A = self._bartlett(size, rng)
        return {"count": size, "mean": mean, "L": L, "logdiag": fit["logdiag"], "A": A}

    def _sample(self, fit, size, rng):
        """Draws in standardised coordinates ``z`` (``x = m + L z``), pooled piece by piece."""
        L, m = fit["L"], fit["mean"]
        cnt, mean, m2 = 0, np.zeros(m.shape), np.zeros(L.shape)
        for z, keep in rng.batch("normal", "standard_normal", size, tail=(self.d,)):
            if keep is None:
                pm = z.mean(axis=0)
                xc = z - pm
                part = z.shape[0]
            else:
                part = keep.sum(axis=0)
                pm = (z * keep[..., None]).sum(axis=0) / np.maximum(part, 1)[:, None]
                xc = (z - pm) * keep[..., None]
            pm2 = np.einsum("rbi,rbj->bij", xc, xc)
            cnt, mean, m2 = _chan_matrix(cnt, mean, m2, part, pm, pm2)
        mean = m + np.einsum("bij,bj->bi", L, mean)
        if np.ndim(size) == 0:
            return {
                "count": size,
                "mean": mean,
                "L": L,
                "logdiag": fit["logdiag"],
                "A": np.linalg.cholesky(m2),
            }
        return {"count": size, "mean": mean, "m2": L @ m2 @ np.swapaxes(L, 1, 2)}

    @staticmethod
    def _scatter(stats):
        """The scatter matrix of a batch, whichever form its statistics hold."""
        if "m2" in stats:
            return stats["m2"]
        R = stats["L"] @ stats["A"]
        return R @ np.swapaxes(R, 1, 2)

    def _combine(self, a, b):
        n, mean, m2 = _chan_matrix(
            a["count"], a["mean"], self._scatter(a), b["count"], b["mean"], self._scatter(b)
        )
        return {"count": n, "mean": mean, "m2": m2}

    def _fit(self, stats):
        dof = stats["count"] - self.ddof
        if "m2" in stats:
            L = np.linalg.cholesky(stats["m2"] / _trailing(dof, 2))
            return {
                "mean": stats["mean"],
                "L": L,
                "logdiag": np.log(np.diagonal(L, axis1=1, axis2=2)),
            }
        A = stats["A"]
        # both factors lower triangular: diag(L A) = diag(L) diag(A), kept in logs exactly
        log_a = np.log(np.diagonal(A, axis1=1, axis2=2)) - 0.5 * np.log(dof)
        return {
            "mean": stats["mean"],
            "L": stats["L"] @ A / np.sqrt(dof),
            "logdiag": stats["logdiag"] + log_a,
        }
