"""The simulation engine: :func:`simulate`."""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from . import schedules
from ._families import Family
from ._rng import CHUNK, _as_seed_sequence, _BlockRNG, _chunk_bounds
from ._run import Run
from ._validate import _check_choice, _check_int, _check_real

#: Working memory aimed at for one block of replicates, in bytes.
_BLOCK_BYTES = 64 << 20

#: Threads that process blocks of replicates in parallel.
_WORKERS = max(
    1,
    min(
        4,
        len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1),
    ),
)

SCHEMES = ("replace", "accumulate")
METHODS = ("auto", "exact", "samples")


def simulate(
    family: Family,
    *,
    generations: int,
    sizes,
    replicates: int = 1,
    scheme: str = "replace",
    fresh: float = 0.0,
    seed=None,
    method: str = "auto",
    record="all",
    max_bytes: float = 2e9,
) -> Run:
    r"""Simulate recursive training: refit a model, round after round, on its own samples.

    Round 0 is the truth :math:`\theta_0 = \theta^*`. Round :math:`t = 1, \dots, G`
    draws :math:`n_t` new observations -- each from the truth with probability
    :math:`\varepsilon` (``fresh``) and from :math:`p_{\theta_{t-1}}` otherwise -- and fits
    :math:`\theta_t` with the family's estimator on

    * the new observations only (``scheme="replace"``), or
    * every observation drawn so far (``scheme="accumulate"``), so the real data of
      round 1 stays in the training set while its share :math:`n_1 / \sum_{s \le t} n_s`
      goes to 0.

    Round 1 draws from the truth only, so :math:`\theta_1` is the *real-only* model.
    This loop, the two schemes and the fresh fraction are implemented here once for
    every family; a family supplies its sampling, statistics and estimator
    (:class:`Family`).

    Parameters
    ----------
    family : Family
        A model family carrying the truth and the estimator, e.g.
        ``Gaussian(estimator="unbiased")``.
    generations : int
        Number of rounds :math:`G \ge 0`.
    sizes : int, sequence of int, or callable
        The sample-size schedule :math:`n_t`: one int for every round, a sequence of
        length ``generations``, or a function ``t -> n_t`` of the round ``t = 1..G``
        such as a :class:`~collapse_lib.schedules.Schedule`.
    replicates : int
        Number of independent runs.
    scheme : {"replace", "accumulate"}
        Train round :math:`t` on its new observations only, or on all so far.
    fresh : float
        Fresh fraction :math:`\varepsilon \in [0, 1]` (Borkar's persistent excitation);
        0 is pure synthetic training.
    seed : None, int, numpy.random.SeedSequence or numpy.random.Generator
        Root of the random streams. A Generator contributes a child of its bit
        generator's seed sequence, so two runs with the same Generator differ and are
        reproducible. The root is stored as ``run.seed``; ``seed=run.seed`` reproduces
        the run. Replicates are cut into chunks of ``collapse_lib.CHUNK`` with independent
        streams derived from the root, so the result does not depend on the internal
        block size or the number of threads.
    method : {"auto", "exact", "samples"}
        ``"exact"`` draws the statistics of every batch from their exact distribution;
        ``"samples"`` draws the observations themselves and refits (a cross-check);
        ``"auto"`` uses ``"exact"`` where the family has it for these settings.
    record : "all", "last" or int
        Which rounds to keep: all of them (0..G), only the last, or every ``k``-th
        (0, k, 2k, ...) plus the last.
    max_bytes : float
        Refuse, before allocating, a run whose recorded output (and the data a family
        keeps per replicate) would exceed this many bytes (default 2 GB).

    Returns
    -------
    Run
        ``run[name]`` has shape ``(replicates, len(run.rounds))`` plus the parameter's
        own shape; ``run.rounds`` are the recorded round indices.

    Raises
    ------
    TypeError, ValueError
        For any invalid argument, naming it and its value.

    Examples
    --------
    >>> import collapse_lib as cl
    >>> run = cl.simulate(cl.Gaussian(estimator="unbiased"), generations=100, sizes=20,
    ...                   replicates=1000, seed=1)
    >>> run["sigma2"].shape
    (1000, 101)
    >>> thin = cl.simulate(cl.Bernoulli(0.5), generations=100, sizes=20, replicates=10,
    ...                    scheme="accumulate", fresh=0.1, record=25, seed=2)
    >>> thin.rounds.tolist(), thin.generations
    ([0, 25, 50, 75, 100], 100)
    """
    if not isinstance(family, Family):
        raise TypeError(f"family must be a collapse_lib model family, got {family!r}")
    generations = _check_int("generations", generations, minimum=0)
    replicates = _check_int("replicates", replicates, minimum=1)
    scheme = _check_choice("scheme", scheme, SCHEMES)
    fresh = _check_real("fresh", fresh, low=0.0, high=1.0)
    method = _check_choice("method", method, METHODS)
    max_bytes = _check_real("max_bytes", max_bytes, low=0.0, low_open=True)
    has_exact = family._has_exact(scheme, fresh)
    if method == "exact" and not has_exact:
        raise ValueError(
            f"method='exact' is not available for {family!r} with scheme={scheme!r} and "
            f"fresh={fresh}; use method='samples' (or 'auto')"
        )
    exact = has_exact if method == "auto" else method == "exact"
    n_t = _resolve_sizes(sizes, generations, family._min_size(), family)
    recorded = _recorded(record, generations)
    seq = _as_seed_sequence(seed)

    shapes = family._param_shapes()
    recorded_bytes = replicates * len(recorded) * sum(8 * int(np.prod(s)) for s in shapes.values())
    kept_bytes = replicates * family._extra_bytes(scheme, int(n_t.sum()))
    if recorded_bytes + kept_bytes > max_bytes:
        raise ValueError(
            f"this run would need about {(recorded_bytes + kept_bytes) / 1e9:.2f} GB "
            f"({recorded_bytes / 1e9:.2f} GB for {replicates} replicates x {len(recorded)} "
            f"recorded rounds, {kept_bytes / 1e9:.2f} GB of per-replicate data), more "
            f"than max_bytes={max_bytes:.3g}; record fewer rounds (record='last' or "
            "record=k), use fewer replicates or generations, or raise max_bytes"
        )

    values = {name: np.empty((replicates, len(recorded), *s)) for name, s in shapes.items()}
    position = {t: i for i, t in enumerate(recorded)}
    bounds = _chunk_bounds(replicates)
    fast = family._fast(scheme, fresh, exact)
    per_block = max(1, _BLOCK_BYTES // (family._state_bytes() * CHUNK))
    # Threads pay off when each round's array work is large (the vectorised fast path,
    # big categorical or matrix states); small per-round work would only fight over the GIL.
    parallel = fast or family._state_bytes() * CHUNK >= _BLOCK_BYTES // 16
    if parallel:
        per_block = min(per_block, -(-len(bounds) // _WORKERS))
    blocks = [range(a, min(a + per_block, len(bounds))) for a in range(0, len(bounds), per_block)]

    def run_block(ids):
        rng = _block_rng(family, seq, ids, [bounds[i] for i in ids])
        rows = slice(bounds[ids[0]][0], bounds[ids[-1]][1])

        def sink(t, fit):
            for name, arr in family._record(fit).items():
                values[name][rows, position[t]] = arr

        def recorded_between(a, b):
            return [t for t in recorded if a <= t <= b]

        records = family._new_records(rng.size)
        if 0 in position:
            sink(0, family._initial(rng.size))
        if fast:
            family._run_fast(
                family._initial(rng.size), n_t, rng, scheme, records, recorded_between, sink
            )
        else:
            for t, fit, _ in _rounds(family, n_t, rng, scheme, fresh, exact, records):
                if t in position:
                    sink(t, fit)
        return records

    # Blocks own disjoint replicate rows and their own streams, and NumPy releases the
    # GIL while drawing and computing, so blocks run in parallel threads.
    if parallel and len(blocks) > 1:
        with ThreadPoolExecutor(max_workers=_WORKERS) as pool:
            parts = list(pool.map(run_block, blocks))
    else:
        parts = [run_block(block) for block in blocks]
    records = {k: np.concatenate([p[k] for p in parts], axis=0) for k in parts[0]}

    return Run(
        family=family,
        values=values,
        rounds=np.asarray(recorded, dtype=np.int64),
        sizes=n_t,
        seed=seq,
        scheme=scheme,
        fresh=fresh,
        method="exact" if exact else "samples",
        replicates=replicates,
        generations=generations,
        records=records,
    )


def _block_rng(family: Family, seq: np.random.SeedSequence, ids, bounds) -> _BlockRNG:
    """The random streams of the chunks ``ids`` (replicate ranges ``bounds``) of a run."""
    roles = family._roles if "fresh" in family._roles else (*family._roles, "fresh")
    return _BlockRNG(seq, ids, bounds, roles)


def _rounds(family: Family, sizes, rng: _BlockRNG, scheme: str, fresh: float, exact: bool, records):
    """The recursive loop for one block of replicates: yields ``(t, fit_t, batch_t)``.

    Round ``t`` draws ``sizes[t - 1]`` observations (from the truth with probability
    ``fresh``, else from the previous fit; round 1 takes the family's fixed real data
    when it has some), pools their statistics with the earlier ones under accumulate,
    refits, and updates the family's ``records``.
    """
    truth = fit = family._initial(rng.size)
    pooled = None
    for t, n in enumerate(sizes.tolist(), start=1):
        batch = family._first_batch(rng.size) if t == 1 else None
        if batch is None:
            batch = _batch(family, fit, truth, n, rng, fresh, exact)
        if scheme == "replace" or pooled is None:
            pooled = batch
        else:
            pooled = family._combine(pooled, batch)
        fit = family._fit(pooled, fit) if family._fit_uses_previous else family._fit(pooled)
        family._track(records, t, fit)
        yield t, fit, batch


def _batch(family: Family, fit, truth, n: int, rng: _BlockRNG, fresh: float, exact: bool):
    """Statistics of ``n`` new observations, each from the truth with probability ``fresh``."""
    draw = family._draw if exact else family._sample
    if fresh == 0:
        return draw(fit, n, rng)
    if exact:
        mixture = family._mix(fit, truth, fresh)
        if mixture is not None:
            return draw(mixture, n, rng)
    real = rng.draw("fresh", "binomial", n=n, p=fresh)
    return family._combine(draw(truth, real, rng), draw(fit, n - real, rng))


def _resolve_sizes(sizes, generations: int, minimum: int, family) -> np.ndarray:
    """The schedule n_1..n_G as an int64 array, checked against the family's minimum."""
    n_t = schedules.sizes(sizes, generations)
    low = np.flatnonzero(n_t < minimum)
    if low.size:
        t = int(low[0]) + 1
        raise ValueError(f"sizes at t={t} must be >= {minimum} for {family!r}, got {n_t[t - 1]}")
    return n_t


def _recorded(record, generations: int) -> list[int]:
    """Round indices kept in the output."""
    if isinstance(record, str):
        _check_choice("record", record, ("all", "last"))
        return list(range(generations + 1)) if record == "all" else [generations]
    k = _check_int("record", record, minimum=1)
    kept = list(range(0, generations + 1, k))
    if kept[-1] != generations:
        kept.append(generations)
    return kept
