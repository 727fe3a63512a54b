"""The model families: behaviour particular to each family, records and numerics.

What every family shares (exact and sampled draws agree, the fresh split, the worked
example of the ``Family`` docstring plugging into the engine) is in ``test_simulate.py``.
"""

import numpy as np
import pytest
from helpers import assert_mean_matches, assert_variance_matches

import collapse_lib as cl

# --------------------------------------------------------------------- the base class


def test_an_incomplete_family_cannot_be_made():
    class NoFit(cl.Family):
        params = ("x",)

        def truth(self):
            return {"x": 0.0}

    with pytest.raises(TypeError, match="abstract"):
        NoFit()


def test_mvn_fresh_fraction_uses_samples():
    fam = cl.MultivariateGaussian([0.0, 1.0], [[1.0, 0.6], [0.6, 2.0]])
    run = cl.simulate(fam, generations=3, sizes=10, replicates=4, fresh=0.3, seed=1)
    assert run.method == "samples"
    with pytest.raises(ValueError, match="method='exact'"):
        cl.simulate(fam, generations=3, sizes=10, fresh=0.3, method="exact")


# ------------------------------------------------------------------ categorical


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
    np.testing.assert_array_equal(run.records["extinction_time"], first_dead)
    fixed = probs.max(axis=2) == 1.0
    first_fixed = np.where(fixed.any(axis=1), fixed.argmax(axis=1), -1)
    np.testing.assert_array_equal(run.records["fixation_time"], first_fixed)
    assert np.all(first_fixed > 0)  # 300 >> 2n rounds: every chain has collapsed


@pytest.mark.parametrize("scheme,fresh", [("replace", 0.0), ("accumulate", 0.0), ("replace", 0.2)])
def test_categorical_records_do_not_depend_on_record(scheme, fresh):
    fam = cl.Categorical(np.full(10, 0.1))
    kw = dict(generations=100, sizes=20, replicates=64, scheme=scheme, fresh=fresh, seed=3)
    a = cl.simulate(fam, **kw)
    b = cl.simulate(fam, record="last", **kw)
    for name in ("extinction_time", "fixation_time"):
        np.testing.assert_array_equal(a.records[name], b.records[name])
    dead = a["probs"] == 0
    first_dead = np.where(dead.any(axis=1), dead.argmax(axis=1), -1)
    np.testing.assert_array_equal(a.records["extinction_time"], first_dead)


def test_categorical_zero_probability_categories_are_extinct_at_round_zero():
    run = cl.simulate(cl.Categorical([0.0, 1.0]), generations=3, sizes=4, replicates=2, seed=1)
    np.testing.assert_array_equal(run.records["extinction_time"], [[0, -1], [0, -1]])
    np.testing.assert_array_equal(run.records["fixation_time"], [0, 0])


def test_families_without_records_have_none():
    run = cl.simulate(cl.Gaussian(), generations=3, sizes=4, seed=1)
    assert dict(run.records) == {}


# --------------------------------------------------------------- discrete families


def test_poisson_zero_is_absorbing_without_fresh_data():
    run = cl.simulate(cl.Poisson(0.3), generations=50, sizes=2, replicates=500, seed=2)
    lam = run["lam"]
    zero = lam == 0
    assert zero[:, -1].mean() > 0.5
    assert not np.any(zero[:, :-1] & ~zero[:, 1:])


def test_bernoulli_counts_are_integers():
    run = cl.simulate(cl.Bernoulli(0.4), generations=5, sizes=9, replicates=50, fresh=0.5, seed=2)
    ones = run["p"][:, 1:] * 9
    np.testing.assert_allclose(ones, np.round(ones), atol=1e-9)


# ------------------------------------------------------------------ numerics


def test_long_runs_keep_log_variance_finite():
    run = cl.simulate(
        cl.Gaussian(), generations=20_000, sizes=5, replicates=20, seed=1, record=1000
    )
    ls = run["log_sigma2"]
    assert np.all(np.isfinite(ls))
    assert np.all(ls[:, -1] < -1000)  # the variance itself has underflowed...
    assert np.all(run["sigma2"][:, -1] == 0)
    assert not np.any(np.isnan(run["mu"]))  # ...and nothing became NaN


def test_sampled_gaussian_keeps_precision_while_collapsing():
    """Draws are made in standardised form: the sampled log-variance follows the exact
    one past the point where mu + sigma z would round to mu (sigma < 1e-16 |mu|)."""
    run = cl.simulate(
        cl.Gaussian(mu=1.0), generations=600, sizes=4, replicates=20, seed=2, method="samples",
        record="last",
    )  # fmt: skip
    ls = run["log_sigma2"][:, -1]
    assert np.all(np.isfinite(ls)) and np.median(ls) < -2 * np.log(1e16)


def test_mvn_replace_collapse_stays_finite():
    fam = cl.MultivariateGaussian([0, 0, 0], np.eye(3))
    run = cl.simulate(fam, generations=3000, sizes=5, replicates=10, seed=1, record="last")
    assert np.all(np.isfinite(run["logdet"]))
    assert np.all(run["logdet"][:, -1] < -100)


def test_shrunken_variance_estimator_has_the_stated_bias():
    """One round of the shrunken estimator: E sigma2_1 = (1 - c n^-beta) sigma2_0
    for the unbiased base; checked within 4 standard errors."""
    c, beta, n = 0.5, 0.5, 16
    fam = cl.Gaussian(estimator="unbiased", shrink=(c, beta))
    expected = 1 - c * n**-beta
    run = cl.simulate(fam, generations=1, sizes=n, replicates=40_000, seed=3)
    assert_mean_matches(run["sigma2"][:, 1], expected)
    acc = cl.simulate(fam, generations=1, sizes=n, replicates=20_000, seed=4, scheme="accumulate")
    assert_mean_matches(acc["sigma2"][:, 1], expected)  # round 1 fits the real data alone
    with pytest.raises(ValueError, match="shrink c"):
        cl.Gaussian(shrink=(1.5, 0.5))
    with pytest.raises(TypeError, match="shrink"):
        cl.Gaussian(shrink=0.5)
    with pytest.raises(ValueError, match="known_variance"):
        cl.Gaussian(known_variance=True, shrink=(0.5, 0.5))


def test_mean_shrunk_toward_a_prior_point():
    """The posterior-mean estimator (n xbar + kappa m)/(n + kappa): one round from the
    truth has mean (n mu + kappa m)/(n + kappa) and variance (n/(n + kappa))^2 / n, under
    both schemes (round 1 fits the real data alone); the exact and the sample-based
    paths agree in law over several rounds."""
    m, kappa, n = 2.0, 4.0, 12
    fam = cl.Gaussian(mu=1.0, known_variance=True, prior=(m, kappa))
    assert "prior=(2.0, 4.0)" in repr(fam)
    phi = n / (n + kappa)
    for scheme, seed in (("replace", 5), ("accumulate", 6)):
        run = cl.simulate(fam, generations=1, sizes=n, replicates=40_000, seed=seed, scheme=scheme)
        assert_mean_matches(run["mu"][:, 1], phi * 1.0 + (1 - phi) * m)
        assert_variance_matches(run["mu"][:, 1], phi**2 / n)
    mean, var = cl.theory.shrunk_mean_moments(sizes=n, generations=5, prior=(m, kappa), mu=1.0)
    for method, seed in (("exact", 7), ("samples", 8)):
        run = cl.simulate(fam, generations=5, sizes=n, replicates=20_000, seed=seed, method=method)
        assert_mean_matches(run["mu"][:, -1], mean[-1])
        assert_variance_matches(run["mu"][:, -1], var[-1])
    with pytest.raises(ValueError, match="known_variance"):
        cl.Gaussian(prior=(0.0, 1.0))
    with pytest.raises(TypeError, match="prior"):
        cl.Gaussian(known_variance=True, prior=1.0)
    with pytest.raises(ValueError, match="prior kappa"):
        cl.Gaussian(known_variance=True, prior=(0.0, 0.0))
    with pytest.raises(ValueError, match="prior m"):
        cl.Gaussian(known_variance=True, prior=(float("nan"), 1.0))


# ------------------------------------------------------------------------ spike


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


def test_spike_fresh_split_pools_every_observation():
    """With a fresh fraction the pooled data of a replicate are exactly its N_t draws."""
    fam = cl.SpikeUniform()
    rng = cl._simulate._block_rng(fam, np.random.SeedSequence(3), [0], [(0, 7)])
    fits = cl._simulate._rounds(fam, np.array([5, 6, 7]), rng, "accumulate", 0.4, False, {})
    pooled = None
    for _, _, batch in fits:
        assert np.isfinite(batch["x"]).sum(axis=1).tolist() == [batch["x"].shape[1]] * 7
        pooled = batch["x"] if pooled is None else np.hstack([pooled, batch["x"]])
    assert pooled.shape == (7, 18)


class _CorpusMean(cl.Family):
    """A Gaussian mean (known variance 1) whose real data are a fixed sample."""

    params = ("mu",)
    _roles = ("normal",)

    def __init__(self, data):
        self.data = np.asarray(data, dtype=float)
        self.mu = 0.0

    def _first_batch(self, B):
        return {"count": self.data.size, "total": np.full(B, self.data.sum())}

    def _sample(self, fit, size, rng):
        z = rng.draw("normal", "standard_normal")
        return {"count": size, "total": size * fit["mu"] + np.sqrt(size) * z}

    def _combine(self, a, b):
        return {"count": a["count"] + b["count"], "total": a["total"] + b["total"]}

    def _fit(self, stats):
        return {"mu": stats["total"] / stats["count"]}


def test_first_batch_is_the_fixed_real_data_of_round_one():
    data = [0.5, 1.5, 2.5, 3.5]
    fam = _CorpusMean(data)
    for scheme in ("replace", "accumulate"):
        run = cl.simulate(fam, generations=3, sizes=4, replicates=5, scheme=scheme, seed=1)
        assert np.all(run["mu"][:, 0] == 0.0)  # round 0: the truth
        assert np.all(run["mu"][:, 1] == np.mean(data))  # round 1: the corpus, every replicate
        assert np.unique(run["mu"][:, 2]).size == 5  # round 2: synthetic draws differ


class _Nearest(cl.Family):
    """A family whose estimator returns the previous fit plus the batch mean of draws."""

    params = ("mu",)
    _roles = ("normal",)
    _fit_uses_previous = True

    def __init__(self):
        self.mu = 0.0

    def _sample(self, fit, size, rng):
        return {"shift": np.ones(rng.size)}

    def _combine(self, a, b):
        return b

    def _fit(self, stats, previous):
        return {"mu": previous["mu"] + stats["shift"]}


def test_fit_receives_the_previous_fit_when_the_family_asks():
    run = cl.simulate(_Nearest(), generations=4, sizes=1, replicates=3, seed=0)
    assert run["mu"].tolist() == [[0.0, 1.0, 2.0, 3.0, 4.0]] * 3
