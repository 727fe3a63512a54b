"""The simulation engine: shapes, seeding, recording, exact-vs-samples agreement."""

import numpy as np
import pytest
from scipy import stats

import collapse_lib as cl
from collapse_lib import _simulate

FAMILIES = {
    "gauss-mle": lambda: cl.Gaussian(mu=1.0, sigma2=2.0),
    "gauss-unbiased": lambda: cl.Gaussian(mu=-1.0, sigma2=0.5, estimator="unbiased"),
    "gauss-known": lambda: cl.Gaussian(mu=0.5, sigma2=3.0, known_variance=True),
    "bernoulli": lambda: cl.Bernoulli(0.3),
    "poisson": lambda: cl.Poisson(1.5),
    "categorical": lambda: cl.Categorical([0.5, 0.3, 0.15, 0.05]),
    "mvn": lambda: cl.MultivariateGaussian([0.0, 1.0], [[1.0, 0.6], [0.6, 2.0]]),
    "spike": lambda: cl.SpikeUniform(),
}


def _summary_stats(run):
    """Scalar statistics of the last generation used to compare two runs."""
    fam = run.family
    if isinstance(fam, cl.Categorical):
        p = run["probs"][:, -1]
        return {"p0": p[:, 0], "p3": p[:, 3], "gini": (p * p).sum(axis=1)}
    if isinstance(fam, cl.MultivariateGaussian):
        return {
            "mean0": run["mean"][:, -1, 0],
            "cov01": run["cov"][:, -1, 0, 1],
            "logdet": run["logdet"][:, -1],
        }
    return {name: run[name][:, -1] for name in run.params if name != "sigma2"}


# --------------------------------------------------------------------------- shapes


@pytest.mark.parametrize("key", sorted(FAMILIES))
def test_generation_zero_is_the_truth_and_shapes(key):
    fam = FAMILIES[key]()
    run = cl.simulate(fam, generations=6, sizes=12, replicates=5, seed=0)
    assert list(run.generations) == list(range(7))
    assert run.sizes.tolist() == [12] * 6
    for name, value in fam.truth().items():
        arr = run[name]
        assert arr.shape[:2] == (5, 7)
        assert arr.shape[2:] == np.shape(value)
        np.testing.assert_allclose(arr[:, 0], np.broadcast_to(value, arr[:, 0].shape))
        assert np.all(np.isfinite(arr))


def test_record_modes():
    fam = cl.Gaussian()
    assert cl.simulate(
        fam, generations=10, sizes=5, record="last", seed=1
    ).generations.tolist() == [10]
    assert cl.simulate(fam, generations=10, sizes=5, record=3, seed=1).generations.tolist() == [
        0,
        3,
        6,
        9,
        10,
    ]
    assert cl.simulate(fam, generations=9, sizes=5, record=3, seed=1).generations.tolist() == [
        0,
        3,
        6,
        9,
    ]
    full = cl.simulate(fam, generations=10, sizes=5, replicates=3, seed=1)
    thin = cl.simulate(fam, generations=10, sizes=5, replicates=3, seed=1, record=3)
    np.testing.assert_array_equal(full["mu"][:, [0, 3, 6, 9, 10]], thin["mu"])


def test_sizes_forms_agree():
    fam = cl.Gaussian(estimator="unbiased")
    sched = [3, 5, 8, 13, 21]
    a = cl.simulate(fam, generations=5, sizes=sched, replicates=4, seed=2)
    b = cl.simulate(fam, generations=5, sizes=np.array(sched), replicates=4, seed=2)
    c = cl.simulate(fam, generations=5, sizes=lambda t: sched[t - 1], replicates=4, seed=2)
    for r in (b, c):
        np.testing.assert_array_equal(a["log_sigma2"], r["log_sigma2"])
        assert r.sizes.tolist() == sched


def test_zero_generations():
    run = cl.simulate(cl.Poisson(2.0), generations=0, sizes=10, replicates=3, seed=0)
    assert run["lam"].shape == (3, 1)
    assert run.sizes.size == 0


# ------------------------------------------------------------------------- seeding


def test_same_seed_same_result_and_seed_is_stored():
    fam = cl.Categorical([0.2, 0.3, 0.5])
    a = cl.simulate(fam, generations=20, sizes=30, replicates=50, seed=123)
    b = cl.simulate(fam, generations=20, sizes=30, replicates=50, seed=123)
    c = cl.simulate(fam, generations=20, sizes=30, replicates=50, seed=a.seed)
    np.testing.assert_array_equal(a["probs"], b["probs"])
    np.testing.assert_array_equal(a["probs"], c["probs"])
    assert isinstance(a.seed, np.random.SeedSequence)
    assert a.seed.entropy == 123
    d = cl.simulate(fam, generations=20, sizes=30, replicates=50, seed=124)
    assert not np.array_equal(a["probs"], d["probs"])


def test_seed_sequence_is_not_consumed():
    ss = np.random.SeedSequence(99)
    a = cl.simulate(cl.Bernoulli(0.4), generations=5, sizes=10, replicates=3, seed=ss)
    b = cl.simulate(cl.Bernoulli(0.4), generations=5, sizes=10, replicates=3, seed=ss)
    np.testing.assert_array_equal(a["p"], b["p"])
    assert ss.n_children_spawned == 0


def test_unseeded_runs_are_reproducible_from_their_seed():
    a = cl.simulate(cl.Gaussian(), generations=5, sizes=10, replicates=3)
    b = cl.simulate(cl.Gaussian(), generations=5, sizes=10, replicates=3, seed=a.seed)
    np.testing.assert_array_equal(a["mu"], b["mu"])


def test_replicates_are_independent_streams():
    run = cl.simulate(
        cl.Gaussian(known_variance=True), generations=1, sizes=1, replicates=3 * cl.CHUNK, seed=5
    )
    x = run["mu"][:, 1]
    # no two chunks repeat the same numbers
    assert len(np.unique(x)) == x.size


@pytest.mark.parametrize("key", sorted(FAMILIES))
@pytest.mark.parametrize("scheme,fresh", [("replace", 0.0), ("accumulate", 0.0), ("replace", 0.2)])
def test_result_does_not_depend_on_block_size(monkeypatch, key, scheme, fresh):
    fam = FAMILIES[key]()
    kw = dict(
        generations=4,
        sizes=6,
        replicates=3 * cl.CHUNK + 7,
        scheme=scheme,
        fresh=fresh,
        seed=11,
        record="last",
    )
    ref = cl.simulate(fam, **kw)
    monkeypatch.setattr(_simulate, "_BLOCK_BYTES", 1)  # one chunk per block
    monkeypatch.setattr(_simulate, "_WORKERS", 3)
    small = cl.simulate(fam, **kw)
    for name in ref.params:
        np.testing.assert_array_equal(ref[name], small[name])


@pytest.mark.parametrize("scheme", ["replace", "accumulate"])
@pytest.mark.parametrize(
    "fam",
    [
        cl.Gaussian(mu=0.3, sigma2=1.7, estimator="unbiased"),
        cl.Gaussian(mu=-1, sigma2=0.3, shrink=(0.5, 0.5)),
        cl.Gaussian(mu=2, sigma2=2.0, known_variance=True),
    ],
)
def test_gaussian_fast_path_matches_round_by_round_loop(monkeypatch, fam, scheme):
    """The vectorised path (cumulative sums over generations, in segments) draws the
    same numbers as the round-by-round loop and agrees with it to rounding."""
    monkeypatch.setattr(cl.Gaussian, "_run_fast", _segmented(cl.Gaussian._run_fast))
    kw = dict(generations=40, sizes=lambda t: 5 + t, replicates=300, seed=8, scheme=scheme)
    fast = cl.simulate(fam, **kw)
    monkeypatch.setattr(cl.Gaussian, "_fast", lambda self, *a: False)
    slow = cl.simulate(fam, **kw)
    for name in fast.params:
        np.testing.assert_allclose(fast[name], slow[name], rtol=1e-9, atol=1e-12)


def _segmented(run_fast):
    """Force segments of 7 generations, to exercise the carry between segments."""

    def wrapped(self, st, sizes, rng, *args):
        from collapse_lib import _families

        old = _families.Gaussian._FAST_SEGMENT
        _families.Gaussian._FAST_SEGMENT = 7 * rng.size
        try:
            return run_fast(self, st, sizes, rng, *args)
        finally:
            _families.Gaussian._FAST_SEGMENT = old

    return wrapped


# ------------------------------------------------------------- exact vs samples


CASES = [
    (key, scheme, fresh)
    for key in sorted(FAMILIES)
    for scheme in ("replace", "accumulate")
    for fresh in (0.0, 0.25)
    if not (key == "mvn" and fresh > 0) and key != "spike"
]


@pytest.mark.parametrize("key,scheme,fresh", CASES)
def test_exact_and_samples_agree_in_distribution(key, scheme, fresh):
    """Means of last-generation statistics agree within 4.5 standard errors, and a
    two-sample Kolmogorov-Smirnov test does not reject at level 1e-4."""
    fam = FAMILIES[key]()
    R = 3000 if key != "categorical" else 1500
    kw = dict(
        generations=6,
        sizes=lambda t: 8 + 2 * t,
        replicates=R,
        scheme=scheme,
        fresh=fresh,
        record="last",
    )
    a = _summary_stats(cl.simulate(fam, method="exact", seed=1, **kw))
    b = _summary_stats(cl.simulate(fam, method="samples", seed=2, **kw))
    for name in a:
        x, y = a[name], b[name]
        se = np.sqrt(x.var(ddof=1) / x.size + y.var(ddof=1) / y.size)
        assert abs(x.mean() - y.mean()) <= 4.5 * se + 1e-12, (name, x.mean(), y.mean(), se)
        if np.unique(np.concatenate([x, y])).size > 50:
            assert stats.ks_2samp(x, y).pvalue > 1e-4, name


def test_mvn_fresh_fraction_uses_samples():
    fam = FAMILIES["mvn"]()
    run = cl.simulate(fam, generations=3, sizes=10, replicates=4, fresh=0.3, seed=1)
    assert run.method == "samples"
    with pytest.raises(ValueError, match="method='exact'"):
        cl.simulate(fam, generations=3, sizes=10, fresh=0.3, method="exact")


# ---------------------------------------------------------------- discrete details


def test_categorical_active_set_tracks_extinction_and_fixation():
    K = 30
    fam = cl.Categorical(np.full(K, 1 / K))
    run = cl.simulate(fam, generations=300, sizes=40, replicates=200, seed=4)
    probs = run["probs"]
    np.testing.assert_allclose(probs.sum(axis=2), 1.0)
    counts = probs[:, 1:] * 40
    np.testing.assert_allclose(counts, np.round(counts), atol=1e-9)
    dead = probs == 0
    # once dead, always dead (replace, no fresh data)
    assert not np.any(dead[:, :-1] & ~dead[:, 1:])
    first_dead = np.where(dead.any(axis=1), dead.argmax(axis=1), -1)
    np.testing.assert_array_equal(run.extinction_times(), first_dead)
    fixed = probs.max(axis=2) == 1.0
    first_fixed = np.where(fixed.any(axis=1), fixed.argmax(axis=1), -1)
    np.testing.assert_array_equal(run.fixation_times(), first_fixed)
    assert np.all(first_fixed > 0)  # 300 >> 2n generations: every chain has collapsed


def test_categorical_extinction_tracked_with_record_last():
    fam = cl.Categorical(np.full(10, 0.1))
    a = cl.simulate(fam, generations=100, sizes=20, replicates=64, seed=3)
    b = cl.simulate(fam, generations=100, sizes=20, replicates=64, seed=3, record="last")
    np.testing.assert_array_equal(a.extinction_times(), b.extinction_times())
    np.testing.assert_array_equal(a.fixation_times(), b.fixation_times())


def test_accumulate_keeps_pooled_frequencies():
    run = cl.simulate(
        cl.Bernoulli(0.5), generations=30, sizes=7, replicates=100, scheme="accumulate", seed=9
    )
    ones = run["p"][:, 1:] * (7 * np.arange(1, 31))
    np.testing.assert_allclose(ones, np.round(ones), atol=1e-8)
    assert np.all(np.diff(np.round(ones), axis=1) >= 0)


def test_poisson_zero_is_absorbing_without_fresh_data():
    run = cl.simulate(cl.Poisson(0.3), generations=50, sizes=2, replicates=500, seed=2)
    lam = run["lam"]
    zero = lam == 0
    assert zero[:, -1].mean() > 0.5
    assert not np.any(zero[:, :-1] & ~zero[:, 1:])


# -------------------------------------------------------------------- numerics


def test_long_runs_keep_log_variance_finite():
    run = cl.simulate(
        cl.Gaussian(), generations=20_000, sizes=5, replicates=20, seed=1, record=1000
    )
    ls = run["log_sigma2"]
    assert np.all(np.isfinite(ls))
    assert np.all(ls[:, -1] < -1000)  # the variance itself has underflowed...
    assert np.all(run["sigma2"][:, -1] == 0)
    assert not np.any(np.isnan(run["mu"]))  # ...and nothing became NaN


def test_mvn_replace_collapse_stays_finite():
    fam = cl.MultivariateGaussian([0, 0, 0], np.eye(3))
    run = cl.simulate(fam, generations=3000, sizes=5, replicates=10, seed=1, record="last")
    assert np.all(np.isfinite(run["logdet"]))
    assert np.all(run["logdet"][:, -1] < -100)


# --------------------------------------------------------------------- Run helpers


def test_run_helpers():
    run = cl.simulate(
        cl.Gaussian(estimator="unbiased"), generations=200, sizes=10, replicates=400, seed=3
    )
    q = run.quantiles("sigma2", q=(0.1, 0.5, 0.9))
    assert q.shape == (3, 201)
    assert np.all(q[0] <= q[1]) and np.all(q[1] <= q[2])
    fp = run.first_passage("sigma2", below=0.5)
    manual = [
        next((g for g, v in zip(run.generations, row) if v < 0.5), -1) for row in run["sigma2"]
    ]
    np.testing.assert_array_equal(fp, manual)
    up = run.first_passage("mu", above=1.0)
    assert up.shape == (400,)
    text = run.summary()
    assert "Gaussian" in text and "replace" in text and "sigma2" in text
    assert "Run(" in repr(run)
    with pytest.raises(KeyError, match="sigma2"):
        run["sigma"]
    with pytest.raises(ValueError, match="exactly one"):
        run.first_passage("mu")
    with pytest.raises(ValueError, match="Categorical"):
        run.extinction_times()
    cat = cl.simulate(cl.Categorical([0.5, 0.5]), generations=3, sizes=4, seed=1)
    with pytest.raises(ValueError, match="scalar"):
        cat.quantiles("probs")
    assert "total collapse" in cat.summary()


def test_shrunken_variance_estimator_has_the_stated_bias():
    """One round of the shrunken estimator: E sigma2_1 = (1 - c n^-beta) sigma2_0
    for the unbiased base; checked within 4 standard errors."""
    c, beta, n = 0.5, 0.5, 16
    fam = cl.Gaussian(estimator="unbiased", shrink=(c, beta))
    run = cl.simulate(fam, generations=1, sizes=n, replicates=40_000, seed=3)
    s2 = run["sigma2"][:, 1]
    expected = 1 - c * n**-beta
    assert abs(s2.mean() - expected) < 4 * s2.std(ddof=1) / np.sqrt(s2.size)
    acc = cl.simulate(fam, generations=1, sizes=n, replicates=20_000, seed=4, scheme="accumulate")
    s2 = acc["sigma2"][:, 1]  # round 1 of accumulate fits the real data alone
    assert abs(s2.mean() - expected) < 4 * s2.std(ddof=1) / np.sqrt(s2.size)
    with pytest.raises(ValueError, match="shrink c"):
        cl.Gaussian(shrink=(1.5, 0.5))
    with pytest.raises(TypeError, match="shrink"):
        cl.Gaussian(shrink=0.5)
    with pytest.raises(ValueError, match="known_variance"):
        cl.Gaussian(known_variance=True, shrink=(0.5, 0.5))


def test_spike_family_runs_by_samples_and_keeps_its_data():
    fam = cl.SpikeUniform()
    with pytest.raises(ValueError, match="method='exact'"):
        cl.simulate(fam, generations=2, sizes=5, method="exact")
    acc = cl.simulate(fam, generations=5, sizes=50, replicates=64, scheme="accumulate", seed=2)
    assert acc.method == "samples"
    theta = acc["theta"]
    assert np.all((theta >= 0) & (theta <= 1))
    with pytest.raises(ValueError, match="record="):
        cl.simulate(
            fam, generations=1000, sizes=1000, replicates=1000, scheme="accumulate", record="last"
        )
