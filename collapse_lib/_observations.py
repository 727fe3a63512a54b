r"""Base class of the families whose estimator needs every observation (private).

The MLE of a non-smooth family (:class:`collapse_lib.SpikeUniform`, the constructions of
Barzilai and Shamir in :mod:`collapse_lib._barzilai_shamir`) is not a function of a few
sums: the statistics of a batch are its observations themselves, sorted within each
replicate and padded with ``+inf`` where a replicate drew fewer than the widest batch
(the engine's fresh-fraction split). Pooling two batches merges the sorted rows. Under
``scheme="accumulate"`` every replicate keeps all its observations, so memory grows as
:math:`\sum_t n_t` per replicate; :meth:`_ObservationFamily._extra_bytes` reports it so
that :func:`collapse_lib.simulate` refuses a run that would not fit before allocating it.
"""

from __future__ import annotations

from abc import abstractmethod

import numpy as np

from ._families import Family


class _ObservationFamily(Family):
    """A family whose statistics are the sorted observations, ``{"x": (B, N) array}``.

    Subclasses define :meth:`_draw_rows` (``m`` draws per replicate from the fits given
    as keyword arrays, one row each) and :meth:`_fit`, which receives rows sorted in
    increasing order with ``+inf`` padding at the end.
    """

    _roles = ("sample", "fresh")

    @abstractmethod
    def _draw_rows(self, gen: np.random.Generator, m: int, **fit) -> np.ndarray:
        """``m`` observations for each replicate of ``fit``: an array of shape (B, m)."""

    def _state_bytes(self):
        return 1 << 20

    def _extra_bytes(self, scheme, total):
        # the pooled observations and their merged copy
        return 16 * total if scheme == "accumulate" else 0

    def _sample(self, fit, size, rng):
        width = int(np.max(size))

        def draw(gen, n, **params):
            # a chunk draws as many observations as its largest batch; +inf pads
            m = int(np.max(n, initial=0))
            x = np.full((n.size, width), np.inf)
            x[:, :m] = self._draw_rows(gen, m, **params)
            x[np.arange(width)[None, :] >= n[:, None]] = np.inf
            return x

        n = np.broadcast_to(size, (rng.size,))
        x = rng.apply("sample", draw, per_rep={**{k: fit[k] for k in self.params}, "n": n})
        x.sort(axis=1)
        return {"x": x}

    def _combine(self, a, b):
        # merging sorted rows is a linear-time stable sort; padding sorts last
        x = np.sort(np.concatenate([a["x"], b["x"]], axis=1), axis=1, kind="stable")
        width = int(np.isfinite(x).sum(axis=1).max(initial=0))
        return {"x": x[:, :width]}
