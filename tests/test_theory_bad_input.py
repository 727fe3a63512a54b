"""Bad input to collapse_lib.theory: a clear error naming the argument, never a NaN.

Three layers: a table of known bad calls with the exception and the words its message
must contain; a systematic pass that gives every argument of every public function a
value of the wrong kind and a NaN, and requires an error whose message names that
argument and repeats the value; and a property-based fuzz in which one argument at a
time takes arbitrary values, and the function either raises ``TypeError`` or
``ValueError`` naming one of its arguments or returns a result without NaN.
"""

import inspect
import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from collapse_lib import theory as th

# A valid call of every public function (small, so that the fuzz stays fast).
VALID = {
    "mean_walk_variance": dict(sizes=[3, 5], scheme="replace", sigma2=1.0, generations=None),
    "joint_mean_variance": dict(sizes=5, generations=3, estimator="mle", scheme="accumulate"),
    "prob_synthetic_beats_real": dict(n1=10, S=0.2, dim=2),
    "prob_synthetic_beats_real_by_generation": dict(sizes=[5, 10, 20], dim=3),
    "shrunk_mean_moments": dict(sizes=[5, 6], prior=(0.0, 2.0), mu=1.0, sigma2=2.0),
    "shrunk_mean_stationary": dict(n=10, prior=(1.0, 2.0), sigma2=2.0),
    "gaussian_variance_mean": dict(
        sizes=[5, 6], estimator="unbiased", sigma2=2.0, scheme="replace", shrink=(0.5, 0.5)
    ),
    "gaussian_variance_variance": dict(sizes=5, generations=4, estimator="mle", sigma2=1.0),
    "gaussian_sigma_factor": dict(n=10, estimator="mle"),
    "gaussian_sigma_mean": dict(sizes=[5, 6], estimator="unbiased", sigma2=1.0),
    "log_variance_drift": dict(n=[5, 10], estimator="mle"),
    "log_variance_step_variance": dict(n=10),
    "log_variance_mean": dict(sizes=[5, 6], estimator="mle", sigma2=1.0, shrink=(0.3, 1.0)),
    "log_variance_variance": dict(sizes=[5, 6]),
    "gaussian_fresh_moments": dict(sizes=5, generations=3, fresh=0.1, estimator="mle", sigma2=1.0),
    "gaussian_fresh_stationary_moments": dict(n=10, fresh=0.1, estimator="unbiased", sigma2=1.0),
    "log_variance_cdf": dict(x=0.0, t=2, n=10, estimator="mle", sigma2=1.0),
    "log_variance_quantile": dict(q=0.5, t=2, n=10, estimator="mle", sigma2=1.0),
    "gaussian_sigma_tail_probability": dict(t=3, n=10, level=0.5, estimator="mle", sigma2=1.0),
    "gaussian_sigma_tail_rate": dict(n=10, estimator="unbiased"),
    "gaussian_sigma_tail_bound": dict(t=3, n=10, level=0.5, sigma2=1.0),
    "log_variance_overshoot_approx": dict(n=10, estimator="mle", terms=True),
    "bernoulli_survival": dict(t=[0, 3], n=10, p=0.2, two_sided=True),
    "bernoulli_survival_bracket": dict(t=[0, 3], n=10, p=0.2, two_sided=True),
    "gaussian_sigma_halving_time_approx": dict(n=10, estimator="mle", factor=2.0, corrected=True),
    "g_iterate": dict(t=[0, 3]),
    "poisson_survival": dict(t=3, n=10, lam=0.5),
    "poisson_survival_by_generation": dict(sizes=[5, 6], lam=0.5),
    "poisson_survival_forever": dict(sizes=[5, 6], lam=0.5, tail=0.1),
    "poisson_rate_variance": dict(sizes=5, generations=3, lam=2.0, scheme="accumulate", fresh=0.2),
    "wf_transition_matrix": dict(n=6),
    "wf_fixation_probability": dict(p=0.3),
    "wf_heterozygosity": dict(t=2, p=0.3, n=10),
    "wf_absorption_time_exact": dict(n=6),
    "wf_absorption_time_kimura": dict(p=0.3, n=10),
    "wf_absorption_time_kimura_multi": dict(probs=[0.2, 0.3, 0.5], n=10),
    "coalescence_time": dict(n=6, lineages=3),
    "coalescence_time_kingman": dict(n=6, lineages=3),
    "wf_collapse_tail_bound": dict(t=3, probs=[0.5, 0.5], n=10),
    "wf_collapse_horizon": dict(probs=[0.5, 0.5], n=10, delta=0.01),
    "wf_surviving_types_mean": dict(probs=[0.5, 0.5], n=10, generations=3),
    "wf_fresh_stationary_moments": dict(p=0.3, n=10, fresh=0.1),
    "wf_fresh_variance": dict(p=0.3, sizes=[5, 6], fresh=0.1),
    "wf_fresh_stationary_distribution": dict(p=0.3, n=10, fresh=0.1),
    "wf_fresh_stationary_beta": dict(p=0.3, n=10, fresh=0.1),
    "wf_fresh_effective_size": dict(n=10, fresh=0.1),
    "wf_fresh_fraction_for_effective_size": dict(n=10, effective_size=5.0),
    "word_loss_probability_exact": dict(count=[1, 2], n=100, generations=3, tol=1e-6),
    "word_loss_probability_poisson": dict(t=[1, 2], count=3),
    "word_forgetting_median": dict(count=[1, 5]),
    "word_forgetting_mean_given_loss": dict(count=3, n=100),
    "unigram_absence_probability": dict(
        probs=[0.01, 0.1], sizes=[20, 30], scheme="replace", fresh=0.1
    ),
    "mvn_logdet_drift": dict(n=10, d=2, estimator="mle"),
    "mvn_logdet_mean": dict(sizes=[5, 6], cov=[[1.0, 0.2], [0.2, 1.0]], estimator="mle"),
    "mvn_logdet_variance": dict(sizes=[5, 6], d=2),
    "spike_capture_point": dict(count=3, theta=0.99, weight=0.5, omega0=9.21, rate=700.0),
    "spike_mle_correct_probability": dict(n=5, theta=0.99),
    "spike_survival": dict(sizes=[5, 5], scheme="accumulate", theta=0.99),
}

# Arguments for which None is a documented value (the default).
_OPTIONAL_NONE = {"generations", "shrink", "lineages"}


def _arguments():
    for name in VALID:
        for arg in inspect.signature(getattr(th, name)).parameters:
            yield name, arg


def _call(name, **changes):
    return getattr(th, name)(**{**VALID[name], **changes})


def test_every_public_function_has_a_valid_call():
    assert sorted(VALID) == sorted(th.__all__)
    for name in VALID:
        result = _call(name)
        values = result if isinstance(result, tuple) else (result,)
        for value in values:
            if isinstance(value, (float, np.ndarray)):
                assert not np.any(np.isnan(value)), name


@pytest.mark.parametrize("name, arg", list(_arguments()), ids=lambda v: v)
@pytest.mark.parametrize("bad", ["bad", math.nan], ids=["string", "nan"])
def test_every_argument_is_checked(name, arg, bad):
    with pytest.raises((TypeError, ValueError)) as info:
        _call(name, **{arg: bad})
    message = str(info.value)
    assert arg in message, message
    assert repr(bad) in message or str(bad) in message, message


@pytest.mark.parametrize(
    "name, arg",
    [case for case in _arguments() if case[1] not in _OPTIONAL_NONE],
    ids=lambda v: v,
)
def test_none_is_an_error_unless_it_is_the_default(name, arg):
    with pytest.raises((TypeError, ValueError), match=arg):
        _call(name, **{arg: None})


ANYTHING = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 40),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=3),
    st.lists(st.integers(-2, 30), max_size=4),
    st.lists(st.floats(-2, 2), min_size=1, max_size=3),
    st.sampled_from(["mle", "unbiased", "replace", "accumulate"]),
)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=st.sampled_from(list(_arguments())), value=ANYTHING)
def test_any_value_gives_a_result_without_nan_or_an_error_naming_an_argument(case, value):
    name, arg = case
    try:
        result = _call(name, **{arg: value})
    except (TypeError, ValueError) as exc:
        params = inspect.signature(getattr(th, name)).parameters
        assert any(p in str(exc) for p in params), (name, arg, value, str(exc))
        return
    values = result if isinstance(result, tuple) else (result,)
    for out in values:
        if isinstance(out, (float, np.ndarray)):
            assert not np.any(np.isnan(out)), (name, arg, value)


# ----------------------------------------------------------- known bad calls
BAD = [
    # the Gaussian variance walk
    ("gaussian_variance_mean", dict(sizes=[5, 1], estimator="mle"), ValueError, "sizes"),
    ("gaussian_variance_mean", dict(sizes=[5, 6], estimator="MLE"), ValueError, "estimator"),
    ("gaussian_variance_mean", dict(sizes=[5, 6], estimator=None), TypeError, "estimator"),
    (
        "gaussian_variance_mean",
        dict(sizes=[5, 6], estimator="mle", sigma2=0.0),
        ValueError,
        "sigma2",
    ),
    (
        "gaussian_variance_mean",
        dict(sizes=[5, 6], estimator="mle", sigma2=math.nan),
        ValueError,
        "sigma2",
    ),
    ("gaussian_variance_mean", dict(sizes=5, estimator="mle"), ValueError, "generations"),
    ("gaussian_variance_mean", dict(sizes=[5.0, 6.0], estimator="mle"), TypeError, "sizes"),
    (
        "gaussian_variance_mean",
        dict(sizes=1, estimator="mle", scheme="accumulate", generations=3),
        ValueError,
        "sizes",
    ),
    (
        "gaussian_variance_mean",
        dict(sizes=5, estimator="ddof", scheme="accumulate", generations=3),
        ValueError,
        "estimator",
    ),
    (
        "gaussian_variance_mean",
        dict(sizes=[5, 6], estimator="mle", shrink=(0.0, 0.5)),
        ValueError,
        "shrink c",
    ),
    (
        "gaussian_variance_mean",
        dict(sizes=[5, 6], estimator="mle", shrink=(1.0, 0.5)),
        ValueError,
        "shrink c",
    ),
    (
        "gaussian_variance_mean",
        dict(sizes=[5, 6], estimator="mle", shrink=(0.5, 0.0)),
        ValueError,
        "shrink beta",
    ),
    (
        "gaussian_variance_mean",
        dict(sizes=[5, 1], estimator="mle", shrink=(0.5, 0.5)),
        ValueError,
        "sizes",
    ),
    (
        "gaussian_variance_mean",
        dict(sizes=[5, 6], estimator="ml", shrink=(0.5, 0.5)),
        ValueError,
        "estimator",
    ),
    (
        "gaussian_variance_mean",
        dict(sizes=[5, 6], estimator="mle", shrink=0.5),
        TypeError,
        "shrink",
    ),
    ("gaussian_variance_variance", dict(sizes=[5, 6], estimator="x"), ValueError, "estimator"),
    ("gaussian_sigma_mean", dict(sizes=[5, 6], estimator="mle", sigma2=-1.0), ValueError, "sigma2"),
    ("gaussian_sigma_factor", dict(n=1, estimator="unbiased"), ValueError, "n"),
    ("log_variance_drift", dict(n=1, estimator="mle"), ValueError, "n"),
    ("log_variance_drift", dict(n=2.5, estimator="mle"), TypeError, "n"),
    ("log_variance_step_variance", dict(n=[3, 1]), ValueError, "n"),
    ("log_variance_mean", dict(sizes=5, estimator="mle"), ValueError, "generations"),
    (
        "log_variance_mean",
        dict(sizes=5, estimator="unbiased", shrink=(0.5, 0.5)),
        ValueError,
        "generations",
    ),
    (
        "log_variance_mean",
        dict(sizes=[5, 6], estimator="unbiased", shrink=("a", 0.5)),
        TypeError,
        "shrink c",
    ),
    ("log_variance_variance", dict(sizes=[1]), ValueError, "sizes"),
    # the Gaussian mean walk
    ("mean_walk_variance", dict(sizes=[3], scheme="replaced"), ValueError, "scheme"),
    ("mean_walk_variance", dict(sizes=[3], sigma2=-2.0), ValueError, "sigma2"),
    ("mean_walk_variance", dict(sizes=[0, 3]), ValueError, "sizes"),
    ("joint_mean_variance", dict(sizes=5, estimator="mle"), ValueError, "generations"),
    (
        "joint_mean_variance",
        dict(sizes=5, estimator="mle", scheme="accumulate", sigma2=-1.0, generations=3),
        ValueError,
        "sigma2",
    ),
    ("prob_synthetic_beats_real", dict(n1=0, S=1.0), ValueError, "n1"),
    ("prob_synthetic_beats_real", dict(n1=5, S=-1.0), ValueError, "S"),
    ("prob_synthetic_beats_real", dict(n1=5, S=math.inf), ValueError, "S"),
    ("prob_synthetic_beats_real", dict(n1="5", S=1.0), TypeError, "n1"),
    ("prob_synthetic_beats_real_by_generation", dict(sizes=[]), ValueError, "sizes"),
    # Gaussian, fresh data
    ("gaussian_fresh_moments", dict(sizes=10, fresh=0.1, estimator="ml"), ValueError, "estimator"),
    (
        "gaussian_fresh_moments",
        dict(sizes=10, fresh=0.1, estimator="mle"),
        ValueError,
        "generations",
    ),
    ("gaussian_fresh_moments", dict(sizes=[1, 3], fresh=0.1, estimator="mle"), ValueError, "sizes"),
    (
        "gaussian_fresh_stationary_moments",
        dict(n=10, fresh=2.0, estimator="mle"),
        ValueError,
        "fresh",
    ),
    (
        "gaussian_fresh_stationary_moments",
        dict(n=10, fresh=0.1, estimator="mle", sigma2=-1.0),
        ValueError,
        "sigma2",
    ),
    # the exact law and the tails
    ("log_variance_cdf", dict(x=0.0, t=3, n=1, estimator="mle"), ValueError, "n"),
    ("log_variance_cdf", dict(x=0.0, t=3, n=10, estimator="ml"), ValueError, "estimator"),
    ("log_variance_cdf", dict(x=math.nan, t=3, n=10, estimator="mle"), ValueError, "x"),
    ("log_variance_cdf", dict(x=0.0, t=-1, n=10, estimator="mle"), ValueError, "t"),
    ("log_variance_cdf", dict(x=0.0, t=2, n=10, estimator="mle", sigma2=0.0), ValueError, "sigma2"),
    ("log_variance_quantile", dict(q=1.0, t=3, n=10, estimator="mle"), ValueError, "q"),
    ("log_variance_quantile", dict(q=0.0, t=3, n=10, estimator="mle"), ValueError, "q"),
    ("log_variance_quantile", dict(q=0.5, t=3, n=10.0, estimator="mle"), TypeError, "n"),
    (
        "gaussian_sigma_tail_probability",
        dict(t=3, n=10, level=0.0, estimator="mle"),
        ValueError,
        "level",
    ),
    (
        "gaussian_sigma_tail_probability",
        dict(t=3, n=10, level=0.5, estimator="mle", sigma2=-1.0),
        ValueError,
        "sigma2",
    ),
    ("gaussian_sigma_tail_rate", dict(n=1, estimator="mle"), ValueError, "n"),
    ("gaussian_sigma_tail_rate", dict(n=10, estimator="biased"), ValueError, "estimator"),
    ("gaussian_sigma_tail_bound", dict(t=3, n=1, level=0.5), ValueError, "n"),
    ("gaussian_sigma_tail_bound", dict(t=3, n=10, level=0.0), ValueError, "level"),
    (
        "gaussian_sigma_halving_time_approx",
        dict(n=10, estimator="mle", factor=1.0),
        ValueError,
        "factor",
    ),
    (
        "gaussian_sigma_halving_time_approx",
        dict(n=10, estimator="mle", corrected="yes"),
        TypeError,
        "corrected",
    ),
    # Bernoulli and Poisson
    ("g_iterate", dict(t=-1), ValueError, "t"),
    ("log_variance_overshoot_approx", dict(n=1, estimator="mle"), ValueError, "n"),
    ("log_variance_overshoot_approx", dict(n=10, estimator="mle", terms=1), TypeError, "terms"),
    ("bernoulli_survival", dict(t=3, n=10, p=0.0), ValueError, "p"),
    ("bernoulli_survival", dict(t=3, n=10, p=1.0), ValueError, "p"),
    ("bernoulli_survival", dict(t=3, n=0, p=0.5), ValueError, "n"),
    ("bernoulli_survival", dict(t=3, n=10**6, p=0.5), ValueError, "n=1000000"),
    ("bernoulli_survival", dict(t=3, n=10, p=0.5, two_sided="yes"), TypeError, "two_sided"),
    ("bernoulli_survival_bracket", dict(t=-1, n=10, p=0.5), ValueError, "t"),
    ("bernoulli_survival_bracket", dict(t=3, n=10, p=float("nan")), ValueError, "p"),
    ("g_iterate", dict(t=10**9), ValueError, "t=1000000000"),
    ("poisson_survival", dict(t=3, n=10, lam=0.0), ValueError, "lam"),
    ("poisson_survival", dict(t=3, n=0, lam=1.0), ValueError, "n"),
    ("poisson_survival_by_generation", dict(sizes=[5, 6], lam=0.0), ValueError, "lam"),
    ("poisson_survival_forever", dict(sizes=[5, 6], lam=1.0, tail=-0.1), ValueError, "tail"),
    ("poisson_survival_forever", dict(sizes=[5, 6], lam=1.0, tail=math.inf), ValueError, "tail"),
    ("poisson_survival_forever", dict(sizes=[5, 0], lam=1.0, tail=0.0), ValueError, "sizes"),
    ("prob_synthetic_beats_real", dict(n1=5, S=1.0, dim=0), ValueError, "dim"),
    ("prob_synthetic_beats_real", dict(n1=5, S=1.0, dim=2.0), TypeError, "dim"),
    ("prob_synthetic_beats_real_by_generation", dict(sizes=[5, 6], dim=0), ValueError, "dim"),
    ("shrunk_mean_moments", dict(sizes=[5, 6], prior=(0.0, 0.0)), ValueError, "kappa"),
    ("shrunk_mean_moments", dict(sizes=[5, 6], prior=0.5), TypeError, "prior"),
    ("shrunk_mean_moments", dict(sizes=[5, 6], prior=(math.nan, 1.0)), ValueError, "prior m"),
    ("shrunk_mean_stationary", dict(n=0, prior=(0.0, 1.0)), ValueError, "n"),
    ("shrunk_mean_stationary", dict(n=5, prior=(0.0, 1.0, 2.0)), TypeError, "prior"),
    ("poisson_survival_by_generation", dict(sizes=[5, 0], lam=1.0), ValueError, "sizes"),
    ("poisson_survival_by_generation", dict(sizes=[5, 6.0], lam=1.0), TypeError, "sizes"),
    ("poisson_rate_variance", dict(sizes=5, lam=0.0, generations=3), ValueError, "lam"),
    (
        "poisson_rate_variance",
        dict(sizes=5, lam=1.0, scheme="mix", generations=3),
        ValueError,
        "scheme",
    ),
    (
        "poisson_rate_variance",
        dict(sizes=5, lam=1.0, fresh=1.5, generations=3),
        ValueError,
        "fresh",
    ),
    # the Wright-Fisher chain
    ("wf_transition_matrix", dict(n=0), ValueError, "n"),
    ("wf_transition_matrix", dict(n=3.0), TypeError, "n"),
    ("wf_transition_matrix", dict(n=100_000), ValueError, "n=100000"),
    ("wf_fixation_probability", dict(p=1.5), ValueError, "p"),
    ("wf_heterozygosity", dict(t=-1, p=0.5, n=10), ValueError, "t"),
    ("wf_heterozygosity", dict(t=1, p=-0.1, n=10), ValueError, "p"),
    ("wf_absorption_time_exact", dict(n=-4), ValueError, "n"),
    ("wf_absorption_time_kimura", dict(p=math.nan, n=10), ValueError, "p"),
    ("wf_absorption_time_kimura_multi", dict(probs=[0.5, 0.6], n=10), ValueError, "probs"),
    ("coalescence_time", dict(n=5, lineages=6), ValueError, "lineages"),
    ("coalescence_time", dict(n=5, lineages=0), ValueError, "lineages"),
    ("coalescence_time_kingman", dict(n=0), ValueError, "n"),
    ("wf_collapse_tail_bound", dict(t=3, probs=[0.5, 0.5], n=1), ValueError, "n"),
    ("wf_collapse_tail_bound", dict(t=0, probs=[0.5, 0.5], n=10), ValueError, "t"),
    ("wf_collapse_tail_bound", dict(t=3, probs=[0.5, 0.6], n=10), ValueError, "probs"),
    ("wf_collapse_horizon", dict(probs=[0.5, 0.5], n=10, delta=0.0), ValueError, "delta"),
    ("wf_collapse_horizon", dict(probs=[0.5, 0.5], n=10, delta=1.0), ValueError, "delta"),
    (
        "wf_surviving_types_mean",
        dict(probs=[0.5, 0.5], n=10, generations=-1),
        ValueError,
        "generations",
    ),
    # the Wright-Fisher chain with fresh data
    ("wf_fresh_stationary_moments", dict(p=0.3, n=10, fresh=1.2), ValueError, "fresh"),
    ("wf_fresh_stationary_moments", dict(p=0.3, n=0, fresh=0.2), ValueError, "n"),
    ("wf_fresh_stationary_moments", dict(p=2.0, n=10, fresh=0.2), ValueError, "p"),
    ("wf_fresh_variance", dict(p=0.3, sizes=10, fresh=0.2), ValueError, "generations"),
    ("wf_fresh_stationary_distribution", dict(p=0.3, n=10, fresh=-0.1), ValueError, "fresh"),
    ("wf_fresh_stationary_distribution", dict(p=math.nan, n=10, fresh=0.1), ValueError, "p"),
    ("wf_fresh_stationary_distribution", dict(p=0.3, n=2.0, fresh=0.1), TypeError, "n"),
    ("wf_fresh_stationary_beta", dict(p=0.0, n=10, fresh=0.1), ValueError, "p"),
    ("wf_fresh_stationary_beta", dict(p=0.3, n=10, fresh=0.0), ValueError, "fresh"),
    ("wf_fresh_effective_size", dict(n=0, fresh=0.1), ValueError, "n"),
    ("wf_fresh_effective_size", dict(n=10, fresh=1.5), ValueError, "fresh"),
    (
        "wf_fresh_fraction_for_effective_size",
        dict(n=10, effective_size=11),
        ValueError,
        "effective_size",
    ),
    (
        "wf_fresh_fraction_for_effective_size",
        dict(n=10, effective_size=0.5),
        ValueError,
        "effective_size",
    ),
    # words
    ("word_loss_probability_poisson", dict(t=3, count=0), ValueError, "count"),
    ("word_forgetting_median", dict(count=0), ValueError, "count"),
    ("word_forgetting_mean_given_loss", dict(count=10, n=10), ValueError, "count"),
    (
        "word_loss_probability_exact",
        dict(count=11, n=10, generations=3),
        ValueError,
        "count must be <= n",
    ),
    ("word_loss_probability_exact", dict(count=1, n=10, generations=3, tol=0.0), ValueError, "tol"),
    ("word_loss_probability_exact", dict(count=1.5, n=10, generations=3), TypeError, "count"),
    (
        "unigram_absence_probability",
        dict(probs=[1.5], sizes=10, generations=2),
        ValueError,
        "probs",
    ),
    (
        "unigram_absence_probability",
        dict(probs=[[0.1]], sizes=10, generations=2),
        ValueError,
        "probs",
    ),
    (
        "unigram_absence_probability",
        dict(probs=[0.1], sizes=10, generations=2, scheme="keep"),
        ValueError,
        "scheme",
    ),
    (
        "unigram_absence_probability",
        dict(probs=[0.1], sizes=10, generations=2, fresh=-0.1),
        ValueError,
        "fresh",
    ),
    ("unigram_absence_probability", dict(probs=[0.1], sizes=10), ValueError, "generations"),
    # multivariate Gaussian
    ("mvn_logdet_drift", dict(n=3, d=3, estimator="mle"), ValueError, "n"),
    ("mvn_logdet_drift", dict(n=10, d=2, estimator="ols"), ValueError, "estimator"),
    ("mvn_logdet_mean", dict(sizes=[3, 10], cov=np.eye(3), estimator="mle"), ValueError, "sizes"),
    (
        "mvn_logdet_mean",
        dict(sizes=[5], cov=[[1.0, 2.0], [2.0, 1.0]], estimator="mle"),
        ValueError,
        "positive definite",
    ),
    (
        "mvn_logdet_mean",
        dict(sizes=[5], cov=[[1.0, 0.5], [0.0, 1.0]], estimator="mle"),
        ValueError,
        "symmetric",
    ),
    ("mvn_logdet_mean", dict(sizes=[5], cov=np.ones((2, 3)), estimator="mle"), ValueError, "cov"),
    # the spike family
    ("spike_capture_point", dict(count=0), ValueError, "count"),
    ("spike_capture_point", dict(count=1, theta=1.5), ValueError, "theta"),
    ("spike_mle_correct_probability", dict(n=0), ValueError, "n"),
    ("spike_mle_correct_probability", dict(n=2.5), TypeError, "n"),
    ("spike_mle_correct_probability", dict(n=10, weight=1.0), ValueError, "weight"),
    (
        "spike_mle_correct_probability",
        dict(n=10, theta=0.0, omega0=1.0, rate=2.0),
        ValueError,
        "width",
    ),
    (
        "spike_survival",
        dict(sizes=10, scheme="accumulate", theta=math.nan, generations=3),
        ValueError,
        "theta",
    ),
]


@pytest.mark.parametrize(
    "name, kwargs, exc, words", BAD, ids=[f"{b[0]}-{i}" for i, b in enumerate(BAD)]
)
def test_known_bad_calls(name, kwargs, exc, words):
    with pytest.raises(exc, match=words):
        getattr(th, name)(**kwargs)
