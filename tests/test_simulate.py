"""The simulation engine (collapse_lib._simulate): the recursive loop, its schemes and the
fresh fraction implemented once for every family; exact and sampled draws agree; the
family interface (the worked example of the ``Family`` docstring); recording; block and
thread layout.

Family-specific checks are in ``test_families.py``, seeds in ``test_rng.py``, the Run
object in ``test_run.py``, simulation against the closed forms in ``test_validation.py``.
Statistical comparisons use seeded runs and tolerances of 4.5 standard errors.
"""

import doctest

import numpy as np
import pytest
from helpers import assert_mean_matches, assert_variance_matches
from scipy import stats

import collapse_lib as cl
from collapse_lib import _gaussian, _simulate

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


# --------------------------------------------------------------------------- shapes


@pytest.mark.parametrize("key", sorted(FAMILIES))
def test_round_zero_is_the_truth_and_shapes(key):
    fam = FAMILIES[key]()
    run = cl.simulate(fam, generations=6, sizes=12, replicates=5, seed=0)
    assert run.rounds.tolist() == list(range(7))
    assert run.generations == 6
    assert run.sizes.tolist() == [12] * 6
    assert run.params == tuple(fam.truth())
    for name, value in fam.truth().items():
        arr = run[name]
        assert arr.shape[:2] == (5, 7)
        assert arr.shape[2:] == np.shape(value)
        np.testing.assert_allclose(arr[:, 0], np.broadcast_to(value, arr[:, 0].shape))
        assert np.all(np.isfinite(arr))


def test_record_modes():
    fam = cl.Gaussian()
    assert cl.simulate(fam, generations=10, sizes=5, record="last", seed=1).rounds.tolist() == [10]
    thin = cl.simulate(fam, generations=10, sizes=5, record=3, seed=1)
    assert thin.rounds.tolist() == [0, 3, 6, 9, 10]
    assert thin.generations == 10
    assert cl.simulate(fam, generations=9, sizes=5, record=3, seed=1).rounds.tolist() == [
        0,
        3,
        6,
        9,
    ]
    full = cl.simulate(fam, generations=10, sizes=5, replicates=3, seed=1)
    thin = cl.simulate(fam, generations=10, sizes=5, replicates=3, seed=1, record=3)
    np.testing.assert_array_equal(full["mu"][:, [0, 3, 6, 9, 10]], thin["mu"])


@pytest.mark.parametrize("key", ["bernoulli", "categorical", "spike"])
def test_record_does_not_change_the_draws_of_the_round_by_round_loop(key):
    kw = dict(generations=12, sizes=9, replicates=40, scheme="accumulate", fresh=0.3, seed=2)
    full = cl.simulate(FAMILIES[key](), **kw)
    last = cl.simulate(FAMILIES[key](), record="last", **kw)
    for name in full.params:
        np.testing.assert_array_equal(full[name][:, -1:], last[name])


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
    assert run.rounds.tolist() == [0] and run.generations == 0


# ---------------------------------------------------------- the loop, implemented once


@pytest.mark.parametrize("method", ["exact", "samples"])
def test_fresh_fraction_one_trains_on_the_truth_only(method):
    """With fresh=1 every round draws from the truth: under replace each round is an
    independent real-only fit, Bin(n, p)/n, whatever the previous rounds did."""
    n, p = 12, 0.3
    run = cl.simulate(
        cl.Bernoulli(p), generations=8, sizes=n, replicates=20_000, fresh=1.0,
        method=method, seed=3,
    )  # fmt: skip
    P = run["p"][:, 1:]
    assert_mean_matches(P, np.full(8, p))
    assert_variance_matches(P, np.full(8, p * (1 - p) / n))
    # consecutive rounds are independent: the covariance of (p_t, p_{t+1}) is 0
    assert_mean_matches((P[:, :-1] - p) * (P[:, 1:] - p), np.zeros(7))


def test_fresh_split_draws_the_real_part_from_the_truth():
    """Gaussian, one round with fresh=eps: the batch holds k ~ Bin(n, eps) draws from
    N(mu, sigma2) and n - k from the current fit; at round 1 both are the truth, so the
    first fit is exactly a fit on n real draws, and from round 2 the real part pulls the
    mean back: E mu_2 = mu whatever the fit of round 1."""
    fam = cl.Gaussian(mu=2.0, sigma2=1.0)
    for method in ("exact", "samples"):
        run = cl.simulate(
            fam, generations=2, sizes=10, replicates=20_000, fresh=0.4, method=method, seed=4
        )
        assert_mean_matches(run["mu"][:, 1:], np.full(2, 2.0))
        assert_mean_matches(run["sigma2"][:, 1], 0.9)  # E of the MLE on 10 real draws


@pytest.mark.parametrize("key", sorted(FAMILIES))
def test_accumulate_round_one_equals_replace_round_one(key):
    """Round 1 pools nothing yet: both schemes fit the same real batch."""
    kw = dict(generations=1, sizes=9, replicates=50, seed=5)
    rep = cl.simulate(FAMILIES[key](), **kw)
    acc = cl.simulate(FAMILIES[key](), scheme="accumulate", **kw)
    for name in rep.params:
        np.testing.assert_allclose(rep[name], acc[name], rtol=1e-12, atol=1e-14)


def test_accumulate_keeps_pooled_frequencies():
    run = cl.simulate(
        cl.Bernoulli(0.5), generations=30, sizes=7, replicates=100, scheme="accumulate", seed=9
    )
    ones = run["p"][:, 1:] * (7 * np.arange(1, 31))
    np.testing.assert_allclose(ones, np.round(ones), atol=1e-8)
    assert np.all(np.diff(np.round(ones), axis=1) >= 0)


def test_engine_adds_no_family_specific_state(monkeypatch):
    """The engine hands a family back only the fits and statistics the family made."""
    seen = []
    original = cl.SpikeUniform._fit

    def fit(self, stats):
        seen.append(set(stats))
        return original(self, stats)

    monkeypatch.setattr(cl.SpikeUniform, "_fit", fit)
    fam = cl.SpikeUniform()
    cl.simulate(fam, generations=3, sizes=5, replicates=2, scheme="accumulate", seed=1)
    assert seen == [{"x"}] * 3


# ---------------------------------------------------- exact and sampled draws agree


def _summary_stats(run):
    """Scalar statistics of the last round used to compare two runs."""
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


def _assert_same_law(a, b):
    """Means of every statistic within 4.5 standard errors, and a two-sample
    Kolmogorov-Smirnov test that does not reject at level 1e-4."""
    for name in a:
        x, y = a[name], b[name]
        se = np.sqrt(x.var(ddof=1) / x.size + y.var(ddof=1) / y.size)
        assert abs(x.mean() - y.mean()) <= 4.5 * se + 1e-12, (name, x.mean(), y.mean(), se)
        if np.unique(np.concatenate([x, y])).size > 50:
            assert stats.ks_2samp(x, y).pvalue > 1e-4, name


CASES = [
    (key, scheme, fresh)
    for key in sorted(FAMILIES)
    for scheme in ("replace", "accumulate")
    for fresh in (0.0, 0.25)
    if key != "spike" and not (key == "mvn" and fresh > 0)  # only what has an exact draw
]


@pytest.mark.parametrize("key,scheme,fresh", CASES)
def test_exact_and_samples_agree_in_distribution(key, scheme, fresh):
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
    _assert_same_law(
        _summary_stats(cl.simulate(fam, method="exact", seed=1, **kw)),
        _summary_stats(cl.simulate(fam, method="samples", seed=2, **kw)),
    )


@pytest.mark.parametrize("key", ["bernoulli", "categorical"])
def test_mixture_and_split_agree_in_distribution(monkeypatch, key):
    """A fresh batch drawn from the mixture (the family's shortcut) or split into real and
    synthetic parts (the engine's general rule) has the same law."""
    kw = dict(generations=6, sizes=12, replicates=3000, fresh=0.3, record="last")
    mixed = _summary_stats(cl.simulate(FAMILIES[key](), seed=3, **kw))
    monkeypatch.setattr(type(FAMILIES[key]()), "_mix", lambda self, fit, truth, fresh: None)
    split = _summary_stats(cl.simulate(FAMILIES[key](), seed=4, **kw))
    _assert_same_law(mixed, split)


# ------------------------------------------------------------ the family interface


def _example_family():
    """The ``Exponential`` family written out in the ``Family`` docstring."""
    namespace = {}
    for example in doctest.DocTestParser().get_examples(cl.Family.__doc__):
        exec(example.source, namespace)
        if "Exponential" in namespace:
            return namespace["Exponential"]
    raise AssertionError("the Family docstring no longer defines Exponential")


@pytest.mark.parametrize("scheme", ["replace", "accumulate"])
@pytest.mark.parametrize("fresh", [0.0, 0.3])
def test_example_family_plugs_into_the_engine(scheme, fresh):
    """The docstring's exponential family runs under every scheme and fresh fraction,
    its exact and sampled draws agree, and 1/lambda_t is a martingale under replace
    without fresh data (the sample mean is unbiased for 1/lambda): E 1/lambda_t = 1/2."""
    Exponential = _example_family()
    kw = dict(generations=8, sizes=15, replicates=4000, scheme=scheme, fresh=fresh)
    exact = cl.simulate(Exponential(2.0), method="exact", seed=5, **kw)
    samples = cl.simulate(Exponential(2.0), method="samples", seed=6, **kw)
    assert exact.method == "exact" and samples.method == "samples"
    _assert_same_law({"lam": exact["lam"][:, -1]}, {"lam": samples["lam"][:, -1]})
    if scheme == "replace" and fresh == 0:
        assert_mean_matches(1 / exact["lam"], np.full(9, 0.5))


def test_a_family_without_an_exact_draw_runs_by_samples():
    Exponential = _example_family()

    class SampledOnly(Exponential):
        _draw = cl.Family._draw

    run = cl.simulate(SampledOnly(1.0), generations=3, sizes=5, replicates=3, seed=1)
    assert run.method == "samples"
    with pytest.raises(ValueError, match="method='exact'"):
        cl.simulate(SampledOnly(1.0), generations=3, sizes=5, method="exact")


# --------------------------------------------------------------- block and threads


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
    for name in ref.records:
        np.testing.assert_array_equal(ref.records[name], small.records[name])


def test_every_block_is_run_without_threads(monkeypatch):
    """Several blocks on one thread (small per-round work): every replicate is filled,
    with the same numbers as in one block."""
    kw = dict(generations=3, sizes=5, replicates=17 * cl.CHUNK, seed=1)
    ref = cl.simulate(cl.Bernoulli(0.5), **kw)
    per_chunk = cl.Bernoulli(0.5)._state_bytes() * cl.CHUNK
    # 16 chunks per block, below the threshold at which blocks go to threads
    monkeypatch.setattr(_simulate, "_BLOCK_BYTES", 16 * per_chunk + 16)
    run = cl.simulate(cl.Bernoulli(0.5), **kw)
    np.testing.assert_array_equal(ref["p"], run["p"])


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
    """The vectorised path (cumulative sums over rounds, in segments of 7 rounds) draws
    the same numbers as the engine's round-by-round loop and agrees with it to rounding."""
    kw = dict(generations=40, sizes=lambda t: 5 + t, replicates=300, seed=8, scheme=scheme)
    monkeypatch.setattr(_gaussian.Gaussian, "_FAST_SEGMENT", 7 * 300)
    fast = cl.simulate(fam, **kw)
    monkeypatch.setattr(_gaussian.Gaussian, "_fast", lambda self, *a: False)
    slow = cl.simulate(fam, **kw)
    for name in fast.params:
        np.testing.assert_allclose(fast[name], slow[name], rtol=1e-9, atol=1e-12)


def test_categorical_active_set_agrees_with_round_by_round_loop(monkeypatch):
    """The active-set path (live categories only, packed) and the generic loop give the
    same law: mean fixation time and the spread of a frequency within 4.5 standard errors."""
    fam = cl.Categorical(np.full(6, 1 / 6))
    kw = dict(generations=400, sizes=10, replicates=4000, record=20)
    fast = cl.simulate(fam, seed=6, **kw)
    monkeypatch.setattr(cl.Categorical, "_fast", lambda self, *a: False)
    slow = cl.simulate(fam, seed=7, **kw)
    assert fast.method == slow.method == "exact"
    for x, y in (
        (fast.records["fixation_time"], slow.records["fixation_time"]),
        (fast["probs"][:, 1, 0], slow["probs"][:, 1, 0]),
        (
            (fast.records["extinction_time"] > 0).sum(axis=1),
            (slow.records["extinction_time"] > 0).sum(axis=1),
        ),
    ):
        se = np.sqrt(x.var(ddof=1) / x.size + y.var(ddof=1) / y.size)
        assert abs(x.mean() - y.mean()) <= 4.5 * se
