r"""The categorical family :class:`Categorical` (unigram model, Wright–Fisher chain)."""

from __future__ import annotations

import numpy as np

from ._families import Family
from ._validate import _check_probs


class Categorical(Family):
    r"""Categorical distribution on :math:`K` categories, refitted by empirical frequencies.

    This is the unigram language model; with :math:`n` samples per round and no fresh
    data it is the Wright–Fisher model of population genetics with :math:`n` gene
    copies, i.e. Borkar's empirical-resampling chain that ends in *total collapse*
    (a single category holds all the mass) in finite time.

    Parameters
    ----------
    probs : array_like, shape (K,)
        The truth :math:`\pi^*`: non-negative, summing to 1, :math:`K \ge 2`.

    Notes
    -----
    Recorded parameter ``"probs"`` (trailing axis of length ``K``). Statistics of a
    batch: its size and the count of every category. Exact draw: the counts of
    :math:`n` draws are :math:`\mathrm{Multinomial}(n, \pi)`; a fresh fraction
    :math:`\varepsilon` makes every draw categorical with probabilities
    :math:`\varepsilon\pi^* + (1-\varepsilon)\pi_{t-1}`, so the exact method draws the
    batch from that mixture.

    Under replace without fresh data a category that dies stays dead, so the exact
    method keeps only the live categories of each replicate (an *active set*, packed so
    the multinomial sampler never visits dead ones): a 10,000-word vocabulary costs what
    its surviving words cost.

    **Records** (``run.records``), kept at every round whatever ``record`` is:

    ``"extinction_time"``, shape ``(replicates, K)``
        The first round at which each category's fitted probability is 0; -1 where it
        never was, 0 where the truth gives it probability 0.
    ``"fixation_time"``, shape ``(replicates,)``
        The first round at which one category holds all the mass (total collapse); -1
        where that never happened.

    Examples
    --------
    >>> import numpy as np
    >>> import collapse_lib as cl
    >>> run = cl.simulate(cl.Categorical(np.full(10, 0.1)), generations=500, sizes=20,
    ...                   replicates=200, seed=4, record="last")
    >>> run["probs"].shape
    (200, 1, 10)
    >>> tau = run.records["fixation_time"]
    >>> bool(np.all(tau > 0))  # every chain has collapsed onto one category
    True
    """

    params = ("probs",)
    _roles = ("multinomial", "uniform", "fresh")

    def __init__(self, probs):
        self.probs = _check_probs("probs", probs)
        self.K = self.probs.size

    def __repr__(self):
        return f"Categorical(K={self.K})"

    def _state_bytes(self):
        return 48 * self.K + 64

    def _extra_bytes(self, scheme, total):
        return 8 * (self.K + 1)

    def _initial(self, B):
        return {"probs": np.broadcast_to(self.probs, (B, self.K))}

    def _new_records(self, B):
        records = {
            "extinction_time": np.where(self.probs == 0, 0, -1)[None].repeat(B, 0).astype(np.int64),
            "fixation_time": np.full(B, -1, dtype=np.int64),
        }
        if np.count_nonzero(self.probs) == 1:
            records["fixation_time"][:] = 0
        return records

    def _track(self, records, t, fit):
        probs = fit["probs"]
        ext, fix = records["extinction_time"], records["fixation_time"]
        ext[(ext < 0) & (probs == 0)] = t
        fix[(fix < 0) & (probs.max(axis=1) == 1.0)] = t

    # -- statistics ----------------------------------------------------------------------
    def _draw(self, fit, size, rng):
        if np.ndim(size) == 0:
            counts = rng.draw("multinomial", "multinomial", n=size, per_rep={"pvals": fit["probs"]})
        else:
            counts = rng.draw(
                "multinomial", "multinomial", per_rep={"pvals": fit["probs"], "n": size}
            )
        return {"count": size, "counts": counts}

    def _sample(self, fit, size, rng):
        """Counts of actual draws, made by inverting the cumulative distribution function
        (a category of probability 0 is never drawn)."""
        counts = np.zeros((rng.size, self.K), dtype=np.int64)
        cdf = np.cumsum(fit["probs"], axis=1)
        cdf /= cdf[:, -1:]
        for u, keep in rng.batch("uniform", "random", size):
            for r in range(rng.size):
                idx = np.searchsorted(cdf[r], u[:, r], side="right")
                counts[r] += np.bincount(idx if keep is None else idx[keep[:, r]], minlength=self.K)
        return {"count": size, "counts": counts}

    def _mix(self, fit, truth, fresh):
        return {"probs": fresh * truth["probs"] + (1 - fresh) * fit["probs"]}

    def _combine(self, a, b):
        return {"count": a["count"] + b["count"], "counts": a["counts"] + b["counts"]}

    def _fit(self, stats):
        count = stats["count"]
        return {"probs": stats["counts"] / (count if np.ndim(count) == 0 else count[:, None])}

    # -- active set (replace, no fresh data, exact) ------------------------------------
    def _fast(self, scheme, fresh, exact):
        return scheme == "replace" and fresh == 0 and exact

    def _run_fast(self, fit, sizes, rng, scheme, records, recorded, sink):
        """Round 1 on all K categories, then only the live categories of each replicate."""
        if not len(sizes):
            return
        n = int(sizes[0])
        counts = self._draw(fit, n, rng)["counts"]
        fit = self._fit({"count": n, "counts": counts})
        self._track(records, 1, fit)
        if recorded(1, 1):
            sink(1, fit)
        labels = np.broadcast_to(np.arange(self.K), counts.shape).copy()
        cnt, labels = self._repack(counts, labels)
        ext, fix = records["extinction_time"], records["fixation_time"]
        for t in range(2, len(sizes) + 1):
            counts = rng.draw(
                "multinomial", "multinomial", n=int(sizes[t - 1]), per_rep={"pvals": cnt / n}
            )
            n = int(sizes[t - 1])
            died = (counts == 0) & (cnt > 0)
            if died.any():
                rows, cols = np.nonzero(died)
                ext[rows, labels[rows, cols]] = t
            cnt = counts
            fix[(fix < 0) & (counts.max(axis=1) == n)] = t
            alive = counts > 0
            if int(alive.sum(axis=1).max()) <= 0.75 * counts.shape[1]:
                cnt, labels = self._repack(cnt, labels)
            else:
                # A row whose last slot died swaps it with its rightmost live slot.
                rows = np.flatnonzero(~alive[:, -1])
                if rows.size:
                    last = counts.shape[1] - 1
                    j = last - np.argmax(alive[rows, ::-1], axis=1)
                    for a in (cnt, labels):
                        a[rows, last], a[rows, j] = a[rows, j], a[rows, last].copy()
            if recorded(t, t):
                full = np.zeros((cnt.shape[0], self.K))
                np.put_along_axis(full, labels, cnt / n, axis=1)
                sink(t, {"probs": full})

    @staticmethod
    def _repack(cnt, labels):
        """Move live categories to the right end of each row and drop all-dead columns.

        Right-packing puts each row's last live category in the sampler's last slot,
        which receives the remainder of the draws, so a dead category is never revived
        by rounding.
        """
        alive = cnt > 0
        width = int(alive.sum(axis=1).max())
        order = np.argsort(alive, axis=1, kind="stable")[:, cnt.shape[1] - width :]
        return np.take_along_axis(cnt, order, axis=1), np.take_along_axis(labels, order, axis=1)
