"""Random streams: one independent stream per (replicate chunk, role).

Replicates are cut into fixed chunks of ``CHUNK`` replicates. Chunk ``i`` owns the child
``SeedSequence(entropy, spawn_key=root.spawn_key + (i, r))`` for every random *role* ``r``
(for instance one role for normal variates, one for chi-square variates), so:

* streams of different chunks and roles are independent (``SeedSequence`` spawning);
* the values a chunk receives do not depend on how many chunks are processed together
  (the internal block size), nor on the order in which other roles are drawn;
* the root ``SeedSequence`` is never mutated (``spawn`` would advance its counter and make
  a second call with the same object give different numbers).
"""

from __future__ import annotations

import numbers

import numpy as np

#: Number of replicates that share one set of random streams.
CHUNK = 512


def _as_seed_sequence(seed) -> np.random.SeedSequence:
    """Turn ``seed`` (None, a non-negative int or a SeedSequence) into a SeedSequence."""
    if seed is None:
        return np.random.SeedSequence()
    if isinstance(seed, np.random.SeedSequence):
        return seed
    if isinstance(seed, (bool, np.bool_)) or not isinstance(seed, numbers.Integral):
        hint = (
            " (pass an int or a SeedSequence, not a Generator)"
            if isinstance(seed, np.random.Generator)
            else ""
        )
        raise TypeError(
            f"seed must be None, an int or a numpy.random.SeedSequence, got {seed!r}{hint}"
        )
    if seed < 0:
        raise ValueError(f"seed must be non-negative, got {seed}")
    return np.random.SeedSequence(int(seed))


def _chunk_bounds(replicates: int) -> list[tuple[int, int]]:
    """(start, stop) of every chunk of replicates."""
    return [(a, min(a + CHUNK, replicates)) for a in range(0, replicates, CHUNK)]


class _BlockRNG:
    """Draws for a block of consecutive chunks, each chunk from its own streams.

    ``draw`` returns arrays whose replicate axis comes after ``lead`` and before
    ``tail``: shape ``lead + (B,) + tail``. Parameters passed in ``per_rep`` carry the
    replicate axis at the same position (``len(lead)``), possibly with length-1 axes
    before it to broadcast; other keyword parameters broadcast as NumPy does.
    """

    def __init__(self, root: np.random.SeedSequence, chunk_ids, bounds, roles):
        self._bounds = []
        self._gens = []
        offset = bounds[0][0]
        for i, (a, b) in zip(chunk_ids, bounds):
            self._bounds.append((a - offset, b - offset))
            self._gens.append(
                {
                    role: np.random.Generator(
                        np.random.PCG64(
                            np.random.SeedSequence(
                                root.entropy,
                                spawn_key=(*tuple(root.spawn_key), i, r),
                                pool_size=root.pool_size,
                            )
                        )
                    )
                    for r, role in enumerate(roles)
                }
            )
        self.size = self._bounds[-1][1]

    def apply(self, role, fn, per_rep, **params):
        """``fn(generator, **per_rep_slices, **params)`` for each chunk, rows stacked.

        For samplers that take a Generator and return one row per replicate.
        """
        parts = [
            fn(gens[role], **{k: v[a:b] for k, v in per_rep.items()}, **params)
            for gens, (a, b) in zip(self._gens, self._bounds)
        ]
        return np.concatenate(parts, axis=0)

    def draw(self, role, dist, *, lead=(), tail=(), per_rep=None, **params):
        lead, tail = tuple(lead), tuple(tail)
        out = None
        for gens, (a, b) in zip(self._gens, self._bounds):
            kw = dict(params)
            if per_rep:
                cut = (slice(None),) * len(lead) + (slice(a, b),)
                kw.update({k: v[cut] for k, v in per_rep.items()})
            fn = getattr(gens[role], dist)
            if dist == "multinomial":
                part = fn(**kw)
            else:
                part = fn(**kw, size=(*lead, b - a, *tail))
            if out is None:
                out = np.empty((*lead, self.size, *part.shape[len(lead) + 1 :]), dtype=part.dtype)
            out[(slice(None),) * len(lead) + (slice(a, b),)] = part
        return out
