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

#: Number of array elements drawn at once when a round draws its observations.
_PIECE = 1 << 18


def _pieces(n: int, width: int):
    """``(offset, rows)`` pairs that split ``n`` observations into pieces of about
    ``_PIECE`` elements, where one observation of every replicate takes ``width``."""
    rows = max(1, _PIECE // max(width, 1))
    done = 0
    while done < n:
        step = min(rows, n - done)
        yield done, step
        done += step


def _as_seed_sequence(seed) -> np.random.SeedSequence:
    """The root ``SeedSequence`` of a run, from any accepted ``seed``.

    ``seed`` is None (fresh entropy from the operating system), a non-negative int, a
    ``SeedSequence`` (used as it is, never spawned from, so the same object always gives
    the same streams) or a ``Generator``. A Generator contributes a child of its bit
    generator's seed sequence (``seed_seq.spawn(1)``): two calls with the same Generator
    give different, reproducible results, and the replicate streams derived from that
    child do not depend on how the replicates are cut into blocks or threads.
    """
    if seed is None:
        return np.random.SeedSequence()
    if isinstance(seed, np.random.SeedSequence):
        return seed
    if isinstance(seed, np.random.Generator):
        root = seed.bit_generator.seed_seq
        if not isinstance(root, np.random.SeedSequence):
            raise ValueError(
                f"seed={seed!r} has a bit generator without a SeedSequence ({root!r}); "
                "pass an int, a SeedSequence or numpy.random.default_rng(...)"
            )
        return root.spawn(1)[0]
    if isinstance(seed, (bool, np.bool_)) or not isinstance(seed, numbers.Integral):
        raise TypeError(
            "seed must be None, an int, a numpy.random.SeedSequence or a "
            f"numpy.random.Generator, got {seed!r} ({type(seed).__name__})"
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

    def batch(self, role, dist, size, *, tail=(), per_rep=None, **params):
        """The observations of a batch of ``size`` draws per replicate, piece by piece.

        ``size`` is an int (every replicate draws that many) or an int array of shape
        ``(B,)``. Yields ``(x, keep)`` for consecutive pieces of about ``_PIECE`` elements:
        ``x`` of shape ``(rows, B) + tail`` holds the next ``rows`` observations of every
        replicate, and ``keep`` (bool, ``(rows, B)``) says which of them belong to the
        replicate's batch (None when ``size`` is an int: all of them). A chunk draws only
        as many observations as its largest batch (the rest of ``x`` is 0), so the values
        never depend on how chunks are grouped into blocks. ``per_rep`` parameters have
        shape ``(1, B)`` (one value per replicate).
        """
        tail = tuple(tail)
        ragged = np.ndim(size) != 0
        for offset, rows in _pieces(int(np.max(size)), self.size * int(np.prod(tail))):
            if not ragged:
                yield (
                    self.draw(role, dist, lead=(rows,), tail=tail, per_rep=per_rep, **params),
                    None,
                )
                continue
            x = None
            for gens, (a, b) in zip(self._gens, self._bounds):
                r = int(np.clip(np.max(size[a:b]) - offset, 0, rows))
                kw = dict(params)
                kw.update({k: v[:, a:b] for k, v in (per_rep or {}).items()})
                part = getattr(gens[role], dist)(**kw, size=(r, b - a, *tail))
                if x is None:
                    x = np.zeros((rows, self.size, *tail), dtype=part.dtype)
                x[:r, a:b] = part
            yield x, (offset + np.arange(rows))[:, None] < size[None, :]

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
