"""Seeds and random streams (collapse_lib._rng): the four kinds of ``seed``, reproducibility,
and independence of the replicate streams from blocks and threads."""

import numpy as np
import pytest

import collapse_lib as cl
from collapse_lib import _simulate

KW = dict(generations=20, sizes=30, replicates=50)
FAM = cl.Categorical([0.2, 0.3, 0.5])


def _probs(seed, **kw):
    return cl.simulate(FAM, seed=seed, **{**KW, **kw})["probs"]


def test_int_seed_is_reproducible_and_stored():
    a = cl.simulate(FAM, seed=123, **KW)
    np.testing.assert_array_equal(a["probs"], _probs(123))
    np.testing.assert_array_equal(a["probs"], _probs(a.seed))
    assert isinstance(a.seed, np.random.SeedSequence)
    assert a.seed.entropy == 123
    assert not np.array_equal(a["probs"], _probs(124))


def test_seed_sequence_is_used_as_given_and_not_consumed():
    ss = np.random.SeedSequence(99)
    a = cl.simulate(cl.Bernoulli(0.4), generations=5, sizes=10, replicates=3, seed=ss)
    b = cl.simulate(cl.Bernoulli(0.4), generations=5, sizes=10, replicates=3, seed=ss)
    np.testing.assert_array_equal(a["p"], b["p"])
    assert a.seed is ss
    assert ss.n_children_spawned == 0
    # an int seed is the SeedSequence of that int
    np.testing.assert_array_equal(_probs(np.random.SeedSequence(7)), _probs(7))


def test_none_seed_draws_fresh_entropy_and_is_reproducible_from_the_stored_seed():
    a = cl.simulate(cl.Gaussian(), generations=5, sizes=10, replicates=3)
    b = cl.simulate(cl.Gaussian(), generations=5, sizes=10, replicates=3, seed=a.seed)
    c = cl.simulate(cl.Gaussian(), generations=5, sizes=10, replicates=3)
    np.testing.assert_array_equal(a["mu"], b["mu"])
    assert not np.array_equal(a["mu"], c["mu"])


def test_generator_seed_gives_different_reproducible_runs():
    gen = np.random.default_rng(2024)
    first, second = cl.simulate(FAM, seed=gen, **KW), cl.simulate(FAM, seed=gen, **KW)
    assert not np.array_equal(first["probs"], second["probs"])
    again = np.random.default_rng(2024)
    np.testing.assert_array_equal(first["probs"], _probs(again))
    np.testing.assert_array_equal(second["probs"], _probs(again))
    # the stored seed is the child the Generator contributed
    parent = np.random.default_rng(2024).bit_generator.seed_seq
    assert first.seed.spawn_key == (*parent.spawn_key, 0)
    assert second.seed.spawn_key == (*parent.spawn_key, 1)
    np.testing.assert_array_equal(first["probs"], _probs(first.seed))


def test_generator_seed_does_not_change_the_generator_stream():
    gen = np.random.default_rng(5)
    cl.simulate(FAM, seed=gen, **KW)
    np.testing.assert_array_equal(gen.random(4), np.random.default_rng(5).random(4))


@pytest.mark.parametrize(
    "seed", [None, 17, np.random.SeedSequence(17), "generator"], ids=["None", "int", "ss", "gen"]
)
def test_every_kind_of_seed_is_independent_of_blocks_and_threads(monkeypatch, seed):
    """Replicate streams are per chunk, so the same root gives the same numbers whatever
    the block size and the number of threads."""
    if seed == "generator":
        seed = np.random.default_rng(17)
    fam = cl.Gaussian(known_variance=True)
    kw = dict(generations=3, sizes=4, replicates=3 * cl.CHUNK + 5, fresh=0.3)
    ref = cl.simulate(fam, seed=seed, **kw)
    monkeypatch.setattr(_simulate, "_BLOCK_BYTES", 1)
    for workers in (1, 3):
        monkeypatch.setattr(_simulate, "_WORKERS", workers)
        np.testing.assert_array_equal(cl.simulate(fam, seed=ref.seed, **kw)["mu"], ref["mu"])


def test_replicates_are_independent_streams():
    run = cl.simulate(
        cl.Gaussian(known_variance=True), generations=1, sizes=1, replicates=3 * cl.CHUNK, seed=5
    )
    x = run["mu"][:, 1]
    assert len(np.unique(x)) == x.size  # no two chunks repeat the same numbers
    # the first chunk of a larger run is the same as a run of one chunk
    one = cl.simulate(
        cl.Gaussian(known_variance=True), generations=1, sizes=1, replicates=cl.CHUNK, seed=5
    )
    np.testing.assert_array_equal(one["mu"], run["mu"][: cl.CHUNK])


@pytest.mark.parametrize(
    "seed,exc",
    [
        (-1, ValueError),
        (1.5, TypeError),
        ("1", TypeError),
        (True, TypeError),
        (np.random.RandomState(0), TypeError),
        (np.random.PCG64(0), TypeError),
    ],
)
def test_bad_seeds_are_named(seed, exc):
    with pytest.raises(exc, match="seed"):
        cl.simulate(FAM, seed=seed, **KW)
