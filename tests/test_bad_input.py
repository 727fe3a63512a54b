"""Invalid arguments raise TypeError/ValueError naming the argument; results are never NaN."""

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import collapse_lib as cl

G = cl.Gaussian()


@pytest.mark.parametrize(
    "kwargs,exc,words",
    [
        (dict(sizes=0), ValueError, "sizes"),
        (dict(sizes=-3), ValueError, "sizes"),
        (dict(sizes=1), ValueError, "sizes at t=1 must be >= 2"),
        (dict(sizes=10.0), TypeError, "sizes"),
        (dict(sizes=True), TypeError, "sizes"),
        (dict(sizes="10"), TypeError, "sizes"),
        (dict(sizes=[10, 10]), ValueError, "length generations=3"),
        (dict(sizes=[10, 10, 2.5]), TypeError, "sizes must be an integer"),
        (dict(sizes=lambda t: 10.5), TypeError, "sizes returned by"),
        (dict(sizes=lambda t: 0), ValueError, "sizes returned by"),
        (dict(sizes=None), TypeError, "sizes"),
        (dict(generations=-1), ValueError, "generations"),
        (dict(generations=2.0), TypeError, "generations"),
        (dict(replicates=0), ValueError, "replicates"),
        (dict(fresh=-0.1), ValueError, "fresh"),
        (dict(fresh=1.5), ValueError, "fresh"),
        (dict(fresh=float("nan")), ValueError, "fresh"),
        (dict(fresh="0.1"), TypeError, "fresh"),
        (dict(scheme="mix"), ValueError, "scheme"),
        (dict(scheme=None), TypeError, "scheme"),
        (dict(method="fast"), ValueError, "method"),
        (dict(record="some"), ValueError, "record"),
        (dict(record=0), ValueError, "record"),
        (dict(record=1.5), TypeError, "record"),
        (dict(seed=-1), ValueError, "seed"),
        (dict(seed=1.5), TypeError, "seed"),
        (dict(seed=np.random.RandomState(0)), TypeError, "seed"),
        (dict(max_bytes=0), ValueError, "max_bytes"),
    ],
)
def test_simulate_rejects_bad_arguments(kwargs, exc, words):
    args = dict(generations=3, sizes=10)
    args.update(kwargs)
    with pytest.raises(exc, match=words.replace("(", r"\(").replace(")", r"\)")):
        cl.simulate(G, **args)


def test_family_must_be_a_family():
    with pytest.raises(TypeError, match="family"):
        cl.simulate("gaussian", generations=3, sizes=10)


@pytest.mark.parametrize(
    "make,exc,words",
    [
        (lambda: cl.Gaussian(sigma2=0), ValueError, "sigma2"),
        (lambda: cl.Gaussian(sigma2=-1), ValueError, "sigma2"),
        (lambda: cl.Gaussian(mu=float("inf")), ValueError, "mu"),
        (lambda: cl.Gaussian(mu=float("nan")), ValueError, "mu"),
        (lambda: cl.Gaussian(estimator="ml"), ValueError, "estimator"),
        (lambda: cl.Gaussian(known_variance="yes"), TypeError, "known_variance"),
        (lambda: cl.Bernoulli(1.2), ValueError, "p"),
        (lambda: cl.Bernoulli(-0.1), ValueError, "p"),
        (lambda: cl.Bernoulli(None), TypeError, "p"),
        (lambda: cl.Poisson(0), ValueError, "lam"),
        (lambda: cl.Poisson(float("nan")), ValueError, "lam"),
        (lambda: cl.Categorical([0.5, 0.6]), ValueError, "sum to 1"),
        (lambda: cl.Categorical([1.2, -0.2]), ValueError, "non-negative"),
        (lambda: cl.Categorical([1.0]), ValueError, "at least 2"),
        (lambda: cl.Categorical([[0.5, 0.5]]), ValueError, "probs"),
        (lambda: cl.Categorical([0.5, float("nan")]), ValueError, "probs"),
        (lambda: cl.Categorical("ab"), TypeError, "probs"),
        (
            lambda: cl.MultivariateGaussian([0, 0], [[1, 2], [2, 1]]),
            ValueError,
            "positive definite",
        ),
        (lambda: cl.MultivariateGaussian([0, 0], [[1, 0.5], [0, 1]]), ValueError, "symmetric"),
        (lambda: cl.MultivariateGaussian([0, 0], np.eye(3)), ValueError, "cov"),
        (
            lambda: cl.MultivariateGaussian([0, 0], np.eye(2), estimator="x"),
            ValueError,
            "estimator",
        ),
    ],
)
def test_families_reject_bad_parameters(make, exc, words):
    with pytest.raises(exc, match=words):
        make()


def test_mvn_needs_more_samples_than_dimensions():
    fam = cl.MultivariateGaussian(np.zeros(3), np.eye(3))
    with pytest.raises(ValueError, match=r"sizes at t=1 must be >= 4"):
        cl.simulate(fam, generations=2, sizes=3)


def test_memory_budget_is_enforced_before_allocating():
    fam = cl.Categorical(np.full(10_000, 1e-4))
    with pytest.raises(ValueError, match="record="):
        cl.simulate(fam, generations=1000, sizes=100, replicates=1000)
    with pytest.raises(ValueError, match="max_bytes"):
        cl.simulate(cl.Gaussian(), generations=100, sizes=10, replicates=1000, max_bytes=1e5)
    # the same run fits when only the last generation is kept
    run = cl.simulate(
        cl.Gaussian(), generations=100, sizes=10, replicates=1000, max_bytes=1e5, record="last"
    )
    assert run["mu"].shape == (1000, 1)


# ----------------------------------------------------------------- property-based
# A valid call with one argument replaced by an arbitrary value either runs (no NaN in
# the result) or raises TypeError/ValueError whose message names that argument.

anything = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 40),
    st.floats(allow_nan=True),
    st.text(max_size=3),
    st.lists(st.integers(-2, 30), max_size=5),
    st.lists(st.floats(-1, 2), min_size=1, max_size=3),
)

families = st.one_of(
    st.builds(
        cl.Gaussian,
        mu=st.floats(-5, 5),
        sigma2=st.floats(1e-3, 10),
        estimator=st.sampled_from(["mle", "unbiased"]),
        known_variance=st.booleans(),
    ),
    st.builds(cl.Bernoulli, p=st.floats(0, 1)),
    st.builds(cl.Poisson, lam=st.floats(1e-3, 20)),
    st.lists(st.floats(0, 1), min_size=2, max_size=6)
    .filter(lambda w: sum(w) > 0)
    .map(lambda w: cl.Categorical(np.array(w) / sum(w))),
)

VALID_ARGUMENTS = {
    "generations": st.integers(0, 6),
    "sizes": st.one_of(
        st.integers(2, 30), st.sampled_from([cl.schedules.linear(2), cl.schedules.power(3, 1.5)])
    ),
    "fresh": st.floats(0, 1),
    "scheme": st.sampled_from(["replace", "accumulate"]),
    "method": st.sampled_from(["auto", "exact", "samples"]),
    "record": st.one_of(st.sampled_from(["all", "last"]), st.integers(1, 4)),
    "replicates": st.integers(1, 5),
    "seed": st.one_of(
        st.none(),
        st.integers(0, 2**32),
        st.builds(np.random.SeedSequence, st.integers(0, 100)),
        st.builds(np.random.default_rng, st.integers(0, 100)),
    ),
}


def _run_or_name(fam, args, names):
    """Run simulate; on TypeError/ValueError require one of ``names`` in the message."""
    try:
        run = cl.simulate(fam, **args)
    except (TypeError, ValueError) as exc:
        assert any(name in str(exc) for name in names), (names, args, str(exc))
        return
    for name in run.params:
        assert not np.any(np.isnan(run[name])), name


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    fam=families,
    args=st.fixed_dictionaries(VALID_ARGUMENTS),
    bad=st.sampled_from(sorted(VALID_ARGUMENTS)),
    value=anything,
)
def test_a_bad_argument_of_simulate_is_named(fam, args, bad, value):
    _run_or_name(fam, {**args, bad: value}, [bad])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    fam=families,
    args=st.fixed_dictionaries(
        {name: st.one_of(v, anything) for name, v in VALID_ARGUMENTS.items()}
    ),
)
def test_any_arguments_give_a_result_without_nan_or_an_error_naming_one(fam, args):
    _run_or_name(fam, args, list(VALID_ARGUMENTS))


CONSTRUCTORS = {
    "Gaussian": (
        cl.Gaussian,
        {
            "mu": st.floats(-5, 5),
            "sigma2": st.floats(1e-3, 10),
            "estimator": st.sampled_from(["mle", "unbiased"]),
            "known_variance": st.booleans(),
        },
    ),
    "Bernoulli": (cl.Bernoulli, {"p": st.floats(0, 1)}),
    "Poisson": (cl.Poisson, {"lam": st.floats(1e-3, 20)}),
    "Categorical": (cl.Categorical, {"probs": st.just([0.25, 0.75])}),
    "MultivariateGaussian": (
        cl.MultivariateGaussian,
        {
            "mean": st.just([0.0, 1.0]),
            "cov": st.just([[1.0, 0.3], [0.3, 2.0]]),
            "estimator": st.sampled_from(["mle", "unbiased"]),
        },
    ),
    "PowerLaw": (cl.PowerLaw, {"theta": st.floats(0.01, 10)}),
    "BarzilaiShamirSpike": (
        cl.BarzilaiShamirSpike,
        {"n": st.integers(2, 50), "rate": st.floats(30, 100)},
    ),
    "BarzilaiShamirLadder": (
        cl.BarzilaiShamirLadder,
        {
            "phi": st.sampled_from(["loglog", "log", "sqrt"]),
            "budget": st.integers(1, 50),
            "ratio": st.floats(6.7, 100),
            "rungs": st.integers(4, 30),
        },
    ),
    "SpikeUniform": (
        cl.SpikeUniform,
        {"theta": st.floats(0, 1), "weight": st.floats(0.05, 0.95), "rate": st.floats(1, 700)},
    ),
}


@settings(max_examples=300, deadline=None)
@given(data=st.data(), which=st.sampled_from(sorted(CONSTRUCTORS)), value=anything)
def test_a_bad_family_parameter_is_named(data, which, value):
    make, valid = CONSTRUCTORS[which]
    kwargs = data.draw(st.fixed_dictionaries(valid))
    bad = data.draw(st.sampled_from(sorted(valid)))
    kwargs[bad] = value
    try:
        family = make(**kwargs)
    except (TypeError, ValueError) as exc:
        assert bad in str(exc), (which, bad, value, str(exc))
        return
    _run_or_name(family, dict(generations=2, sizes=4, replicates=2, seed=0), [bad])
