r"""One-parameter discrete families: :class:`Bernoulli` and :class:`Poisson`.

Both are refitted by their maximum-likelihood estimate, the mean of the observations, so
the statistics of a batch are its size ``count`` and its sum ``total``; pooling adds them.
"""

from __future__ import annotations

import numpy as np

from ._families import Family
from ._validate import _check_real

#: Largest Poisson mean NumPy draws from (about 2**63; counts must fit in int64).
_POISSON_MAX = 9.2e18


class _CountFamily(Family):
    """A family refitted by the mean of its observations (statistics: count and total)."""

    def _combine(self, a, b):
        return {"count": a["count"] + b["count"], "total": a["total"] + b["total"]}

    def _fit(self, stats):
        return {self.params[0]: stats["total"] / stats["count"]}


class Bernoulli(_CountFamily):
    r"""Bernoulli(:math:`p`) refitted by its MLE, the fraction of ones.

    Parameters
    ----------
    p : float
        The truth :math:`p \in [0, 1]`.

    Notes
    -----
    Recorded parameter ``"p"``. Exact draw: the number of ones among :math:`n` draws is
    :math:`\mathrm{Bin}(n, p)`. A fresh fraction :math:`\varepsilon` makes every draw
    Bernoulli(:math:`\varepsilon p^* + (1-\varepsilon) p_{t-1}`), so the exact method
    draws the whole batch from that mixture.

    Examples
    --------
    >>> import collapse_lib as cl
    >>> run = cl.simulate(cl.Bernoulli(0.3), generations=400, sizes=20, replicates=1000,
    ...                   seed=2)
    >>> fixed = (run["p"][:, -1] == 0) | (run["p"][:, -1] == 1)
    >>> bool(fixed.mean() > 0.9)  # without fresh data every chain ends at 0 or 1
    True
    """

    params = ("p",)
    _roles = ("binom", "uniform", "fresh")

    def __init__(self, p):
        self.p = _check_real("p", p, low=0.0, high=1.0)

    def __repr__(self):
        return f"Bernoulli(p={self.p!r})"

    def _draw(self, fit, size, rng):
        if np.ndim(size) == 0:
            k = rng.draw("binom", "binomial", n=size, per_rep={"p": fit["p"]})
        else:
            k = rng.draw("binom", "binomial", per_rep={"p": fit["p"], "n": size})
        return {"count": size, "total": k}

    def _sample(self, fit, size, rng):
        ones = np.zeros(rng.size, dtype=np.int64)
        for u, keep in rng.batch("uniform", "random", size):
            one = u < fit["p"]
            ones += (one if keep is None else one & keep).sum(axis=0)
        return {"count": size, "total": ones}

    def _mix(self, fit, truth, fresh):
        return {"p": fresh * truth["p"] + (1 - fresh) * fit["p"]}


class Poisson(_CountFamily):
    r"""Poisson(:math:`\lambda`) refitted by its MLE, the sample mean.

    Parameters
    ----------
    lam : float
        The truth :math:`\lambda > 0`.

    Notes
    -----
    Recorded parameter ``"lam"``. Exact draw: the total of :math:`n` draws is
    :math:`\mathrm{Poisson}(n\lambda)`. Once :math:`\lambda_t = 0` without fresh data the
    chain is absorbed (Suresh et al.'s critical branching process).

    Examples
    --------
    >>> import collapse_lib as cl
    >>> run = cl.simulate(cl.Poisson(0.3), generations=50, sizes=10, replicates=1000, seed=3)
    >>> dead = run["lam"] == 0
    >>> bool(dead[:, -1].mean() > dead[:, 10].mean())  # extinction only grows
    True
    """

    params = ("lam",)
    _roles = ("poisson", "fresh")

    def __init__(self, lam):
        self.lam = _check_real("lam", lam, low=0.0, low_open=True)

    def __repr__(self):
        return f"Poisson(lam={self.lam!r})"

    @staticmethod
    def _check_mean(mean, size):
        if np.max(mean, initial=0.0) > _POISSON_MAX:
            raise ValueError(
                f"the Poisson count of a batch would reach a mean of {np.max(mean):.3g} "
                f"(sizes={np.max(size)} draws at lam up to {np.max(mean) / np.max(size):.3g}), "
                f"beyond {_POISSON_MAX:.3g}, the largest NumPy draws exactly; use a smaller lam "
                "or smaller sizes"
            )

    def _draw(self, fit, size, rng):
        mean = size * fit["lam"]
        self._check_mean(mean, size)
        total = rng.draw("poisson", "poisson", per_rep={"lam": mean})
        return {"count": size, "total": total}

    def _sample(self, fit, size, rng):
        self._check_mean(fit["lam"], 1)
        total = np.zeros(rng.size, dtype=np.int64)
        for x, keep in rng.batch("poisson", "poisson", size, per_rep={"lam": fit["lam"][None]}):
            total += (x if keep is None else x * keep).sum(axis=0)
        return {"count": size, "total": total}
