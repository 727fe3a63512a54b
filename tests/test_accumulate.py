"""Closed forms of the accumulate chapter against exact computation and Monte Carlo.

Monte Carlo checks draw their own samples with seeded Generators (independently of the
simulation engine) or use ``collapse_lib.simulate``; a deviation of at most 4 standard
errors is accepted, the standard error being estimated from the same sample.
"""

import numpy as np
import pytest
from helpers import Z, assert_mean_matches

import collapse_lib as cl
import collapse_lib.theory as th
from collapse_lib import _spike as sp

SIZES = [3, 4, 6, 9, 5]


def _rng(key):
    return np.random.default_rng(np.random.SeedSequence([20250601, key]))


def _assert_variance(samples, expected, centre):
    dev2 = (samples - centre) ** 2
    se = dev2.std(axis=0, ddof=1) / np.sqrt(samples.shape[0])
    np.testing.assert_array_less(np.abs(dev2.mean(axis=0) - expected), Z * se + 1e-12)


def _accumulate_gaussian(rng, sizes, replicates, ddof):
    """Accumulate scheme by drawing and concatenating samples: mu, sigma2 (R, G+1)."""
    mu = np.zeros((replicates, len(sizes) + 1))
    s2 = np.ones((replicates, len(sizes) + 1))
    data = np.empty((replicates, 0))
    for t, n in enumerate(sizes, start=1):
        x = mu[:, t - 1, None] + np.sqrt(s2[:, t - 1, None]) * rng.standard_normal((replicates, n))
        data = np.concatenate([data, x], axis=1)
        mu[:, t] = data.mean(axis=1)
        s2[:, t] = data.var(axis=1, ddof=ddof)
    return mu, s2


# ----------------------------------------------------------------- Gaussian, accumulate
@pytest.mark.parametrize("estimator, ddof", [("mle", 0), ("unbiased", 1)])
def test_accumulate_gaussian_moments_match_samples(estimator, ddof):
    mu, s2 = _accumulate_gaussian(_rng(ddof), SIZES, 40_000, ddof)
    assert_mean_matches(s2, th.gaussian_variance_mean_accumulate(SIZES, estimator))
    _assert_variance(mu, th.joint_mean_variance_accumulate(SIZES, estimator), 0.0)


@pytest.mark.parametrize("estimator", ["mle", "unbiased"])
def test_accumulate_gaussian_moments_match_engine(estimator):
    G, n = 60, 5
    run = cl.simulate(
        cl.Gaussian(estimator=estimator),
        generations=G,
        sizes=n,
        replicates=20_000,
        scheme="accumulate",
        seed=11,
        record=10,
    )
    g = run.generations
    assert_mean_matches(
        run["sigma2"], th.gaussian_variance_mean_accumulate(n, estimator, generations=G)[g]
    )
    _assert_variance(
        run["mu"], th.joint_mean_variance_accumulate(n, estimator, generations=G)[g], 0.0
    )


def test_accumulate_mle_variance_limit_is_sinc():
    # prod_k (1 - 1/(n k^2)) = sin(pi x)/(pi x) with x = 1/sqrt(n); the tail after G
    # rounds is a factor 1 - O(1/(n G))
    for n in (2, 10, 100):
        x = 1 / np.sqrt(n)
        limit = np.sin(np.pi * x) / (np.pi * x)
        value = th.gaussian_variance_mean_accumulate(n, "mle", generations=200_000)[-1]
        assert value == pytest.approx(limit, rel=1e-5)


def test_accumulate_mean_variance_below_known_variance_walk():
    G = 500
    for estimator in ("mle", "unbiased"):
        joint = th.joint_mean_variance_accumulate(20, estimator, generations=G)
        walk = th.mean_walk_variance(20, "accumulate", generations=G)
        assert np.all(joint <= walk + 1e-15)
        assert walk[-1] < np.pi**2 / 6 / 20


def test_accumulate_first_round_is_real_only_fit():
    for estimator, ddof in (("mle", 0), ("unbiased", 1)):
        ev = th.gaussian_variance_mean_accumulate([7, 3], estimator, sigma2_0=2.0)
        assert ev[1] == pytest.approx(2.0 * 6 / (7 - ddof))
        assert th.joint_mean_variance_accumulate([7, 3], estimator, 2.0)[1] == pytest.approx(
            2.0 / 7
        )


# -------------------------------------------------------------------------- Poisson
@pytest.mark.parametrize("scheme", ["replace", "accumulate"])
@pytest.mark.parametrize("eps", [0.0, 0.3])
def test_poisson_rate_variance_matches_samples(scheme, eps):
    rng, lam0, R = _rng(7), 2.0, 40_000
    lam = np.full(R, lam0)
    total, count = np.zeros(R), 0
    path = [lam.copy()]
    for n in SIZES:
        real = rng.random((R, n)) < eps
        x = rng.poisson(np.where(real, lam0, lam[:, None]))
        if scheme == "replace":
            lam = x.mean(axis=1)
        else:
            total, count = total + x.sum(axis=1), count + n
            lam = total / count
        path.append(lam)
    path = np.stack(path, axis=1)
    assert_mean_matches(path[:, 1:], lam0)
    _assert_variance(path, th.poisson_rate_variance(lam0, SIZES, scheme, eps), lam0)


def test_poisson_rate_variance_without_fresh_is_mean_walk():
    for scheme in ("replace", "accumulate"):
        np.testing.assert_allclose(
            th.poisson_rate_variance(3.0, 10, scheme, generations=30),
            th.mean_walk_variance(10, scheme, 3.0, generations=30),
            rtol=1e-12,
        )


def test_poisson_rate_variance_matches_engine_with_fresh():
    run = cl.simulate(
        cl.Poisson(3.0),
        generations=40,
        sizes=10,
        replicates=20_000,
        scheme="accumulate",
        fresh=0.2,
        seed=5,
        record=8,
    )
    v = th.poisson_rate_variance(3.0, 10, "accumulate", 0.2, generations=40)
    _assert_variance(run["lam"], v[run.generations], 3.0)


# ---------------------------------------------------------------------- spike family
def test_capture_point_solves_the_score_equation():
    const = {"weight": 0.3, "omega0": 2.0, "rate": 3.0}
    k = np.array([1, 2, 5, 40])
    x = th.spike_capture_point(k, 0.2, **const)
    np.testing.assert_allclose(sp._gain(x, **const), k * sp._gain(0.2, **const), rtol=1e-10)


def test_capture_point_default_constants():
    k = np.array([1, 3, 100, 5000])
    x = th.spike_capture_point(k)
    np.testing.assert_allclose(x, sp.THETA_STAR + np.log(k) / sp.RATE, rtol=0, atol=1e-12)


@pytest.mark.parametrize("N", [5, 60, 400])
def test_mle_correct_probability_matches_exact_mle(N):
    R = 20_000 if N < 400 else 4_000
    x = sp._sample(np.full(R, sp.THETA_STAR), N, _rng(N))
    hits = sp._mle(x) == sp.THETA_STAR
    p = th.spike_mle_correct_probability(N)
    assert abs(hits.mean() - p) < Z * np.sqrt(p * (1 - p) / R)


def test_mle_correct_probability_tends_to_one():
    p = th.spike_mle_correct_probability([100, 1000, 3000, 10_000])
    assert p[1] < p[0] and p[-1] == pytest.approx(1.0, abs=1e-12)


@pytest.mark.parametrize("scheme", ["replace", "accumulate"])
def test_spike_survival_matches_engine(scheme):
    G, n, R = 12, 20, 4_000
    run = cl.simulate(
        cl.SpikeUniform(), generations=G, sizes=n, replicates=R, scheme=scheme, seed=3
    )
    surv = th.spike_survival(n, scheme, generations=G)
    exact = run["theta"] == sp.THETA_STAR
    # once lost, never regained: "exact at t" equals "exact at every s <= t"
    np.testing.assert_array_equal(exact, np.cumprod(exact, axis=1).astype(bool))
    se = np.sqrt(surv * (1 - surv) / R)
    np.testing.assert_array_less(np.abs(exact.mean(axis=0) - surv), Z * se + 1e-12)


def test_spike_survival_iid_limit_and_first_round():
    # round 1 is the real-only fit in both schemes
    p = th.spike_mle_correct_probability(30)
    for scheme in ("replace", "accumulate"):
        assert th.spike_survival(30, scheme, generations=3)[1] == pytest.approx(p, rel=1e-12)
    # accumulate survives at most as often as i.i.d. data of the same size
    acc = th.spike_survival(30, "accumulate", generations=20)
    iid = th.spike_mle_correct_probability(30 * np.arange(1, 21))
    assert np.all(acc[1:] <= iid + 1e-12)


# ------------------------------------------------------------------------- bad input
@pytest.mark.parametrize(
    "call, name",
    [
        (lambda: th.gaussian_variance_mean_accumulate(1, "mle", generations=3), "sizes"),
        (lambda: th.gaussian_variance_mean_accumulate(5, "ddof", generations=3), "estimator"),
        (
            lambda: th.joint_mean_variance_accumulate(5, "mle", sigma2_0=-1.0, generations=3),
            "sigma2_0",
        ),
        (lambda: th.poisson_rate_variance(0.0, 5, "replace", generations=3), "lam0"),
        (lambda: th.poisson_rate_variance(1.0, 5, "mix", generations=3), "scheme"),
        (lambda: th.poisson_rate_variance(1.0, 5, "replace", eps=1.5, generations=3), "eps"),
        (lambda: th.spike_capture_point(0), "k"),
        (lambda: th.spike_capture_point(1, theta=1.5), "theta"),
        (lambda: th.spike_mle_correct_probability(0), "N"),
        (lambda: th.spike_mle_correct_probability(10, weight=1.0), "weight"),
        (lambda: th.spike_mle_correct_probability(10, theta=0.0, omega0=1.0, rate=2.0), "width"),
        (lambda: th.spike_survival(10, "accumulate", theta=float("nan"), generations=3), "theta"),
    ],
)
def test_bad_input_raises_value_error(call, name):
    with pytest.raises(ValueError, match=name):
        call()


def test_non_integer_sizes_raise_type_error():
    with pytest.raises(TypeError, match="N"):
        th.spike_mle_correct_probability(2.5)


# ---------------------------------------------------------------------- capture figure
def test_spike_capture_finds_a_capturing_observation():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    import collapse_lib.plotting as cp

    family = cl.SpikeUniform()
    fig, ax = plt.subplots()
    cap = cp.spike_capture(family, 50, seed=6, ax=ax)
    plt.close(fig)
    assert cap.data.size == 50 * cap.round
    assert cap.theta in cap.data and cap.theta > cap.threshold
    assert cap.k_true == np.count_nonzero(cap.data == family.theta)
    # the captured value is the exact MLE of the data, and the previous round's was the truth
    assert sp._mle(cap.data[None, :])[0] == cap.theta
    if cap.round > 1:
        assert sp._mle(cap.data[None, : 50 * (cap.round - 1)])[0] == family.theta


def test_spike_capture_bad_input():
    import collapse_lib.plotting as cp

    with pytest.raises(ValueError, match="family"):
        cp.spike_capture(cl.Gaussian(), 10, seed=1)
    # at theta* = 1 the capture zone is empty: no capture once the true spike has a point
    with pytest.raises(ValueError, match="max_rounds"):
        cp.spike_capture(cl.SpikeUniform(theta=1.0), 20, seed=1, max_rounds=3)
