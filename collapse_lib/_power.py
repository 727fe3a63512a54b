r"""The power-law family :math:`p_\theta(x) = \theta x^{\theta - 1}` on :math:`(0, 1)`.

A smooth, non-Gaussian family that satisfies the assumptions of Barzilai and Shamir's
consistency theorem (support :math:`(0, 1)` for every :math:`\theta`; the log-density
:math:`\log\theta + (\theta - 1)\log x` has score :math:`1/\theta + \log x`, second
derivative :math:`-1/\theta^2` and third derivative :math:`2/\theta^3`, bounded on any
ball away from 0; Fisher information :math:`1/\theta^2`). It is one of the families of
their experiments.

Since :math:`-\log X \sim \mathrm{Exp}(\theta)` when :math:`X \sim p_\theta`, the
statistics of a batch are its size and :math:`\sum_i -\log x_i`, the MLE is
:math:`\hat\theta = N / \sum_i -\log x_i`, and the exact sum of :math:`n` draws is
:math:`\mathrm{Gamma}(n, 1)/\theta`. The family is a scale family in :math:`-\log x`, so
the law of :math:`\theta_t / \theta^*` does not depend on :math:`\theta^*` under any scheme.
"""

from __future__ import annotations

import numpy as np

from ._families import Family
from ._validate import _check_real


class PowerLaw(Family):
    r"""The density :math:`\theta x^{\theta-1}` on :math:`(0, 1)`, refitted by its MLE.

    Parameters
    ----------
    theta : float
        The truth :math:`\theta^* > 0`.

    Notes
    -----
    Recorded parameter ``"theta"``. The MLE on :math:`N` observations is
    :math:`\hat\theta = N / \sum_i (-\log x_i)`; exact draw: the sum of :math:`-\log x`
    over :math:`n` draws is :math:`\mathrm{Gamma}(n, 1)/\theta`. A smooth family: the
    consistency theorem of Barzilai and Shamir applies.

    Examples
    --------
    >>> import numpy as np
    >>> import collapse_lib as cl
    >>> run = cl.simulate(cl.PowerLaw(2.0), generations=30, sizes=50, replicates=4000,
    ...                   scheme="accumulate", seed=1)
    >>> run["theta"].shape
    (4000, 31)
    >>> bool(abs(np.median(run["theta"][:, -1]) / 2.0 - 1) < 0.05)
    True
    """

    params = ("theta",)
    _roles = ("sample", "gamma", "fresh")

    def __init__(self, theta=1.0):
        self.theta = _check_real("theta", theta, low=0.0, low_open=True)

    def __repr__(self):
        return f"PowerLaw(theta={self.theta!r})"

    def _sample(self, fit, size, rng):
        total = np.zeros(rng.size)
        for e, keep in rng.batch("sample", "standard_exponential", size):
            total += (e if keep is None else e * keep).sum(axis=0)
        return {"count": size, "total": total / fit["theta"]}

    def _draw(self, fit, size, rng):
        shape = np.broadcast_to(size, fit["theta"].shape)
        g = rng.draw("gamma", "standard_gamma", per_rep={"shape": shape})
        return {"count": size, "total": g / fit["theta"]}

    def _combine(self, a, b):
        return {"count": a["count"] + b["count"], "total": a["total"] + b["total"]}

    def _fit(self, stats):
        return {"theta": stats["count"] / stats["total"]}
