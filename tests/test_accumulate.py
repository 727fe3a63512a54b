"""The chapter on accumulating data: the simulator against the closed forms, and its figure.

Runs of ``collapse_lib.simulate`` under accumulate (with and without fresh data) are
compared with the exact moments and survival probabilities of ``collapse_lib.theory``
within 4 standard errors estimated from the runs. The closed forms themselves are tested
against exact computation and independent Monte Carlo in ``test_theory_*.py``.
"""

import numpy as np
import pytest
from helpers import assert_mean_matches, assert_probability_matches

import collapse_lib as cl
import collapse_lib.theory as th
from collapse_lib import _spike as sp

# ----------------------------------------------------------------- Gaussian, accumulate


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
    g = run.rounds
    kw = dict(sizes=n, estimator=estimator, scheme="accumulate", generations=G)
    assert_mean_matches(run["sigma2"], th.gaussian_variance_mean(**kw)[g])
    assert_mean_matches(run["mu"] ** 2, th.joint_mean_variance(**kw)[g])  # E mu_t = 0


# -------------------------------------------------------------------------- Poisson


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
    v = th.poisson_rate_variance(sizes=10, lam=3.0, scheme="accumulate", fresh=0.2, generations=40)
    assert_mean_matches((run["lam"] - 3.0) ** 2, v[run.rounds])


# ---------------------------------------------------------------------- spike family


@pytest.mark.parametrize("scheme", ["replace", "accumulate"])
def test_spike_survival_matches_engine(scheme):
    G, n, R = 12, 20, 4_000
    run = cl.simulate(
        cl.SpikeUniform(), generations=G, sizes=n, replicates=R, scheme=scheme, seed=3
    )
    surv = th.spike_survival(sizes=n, scheme=scheme, generations=G)
    exact = run["theta"] == sp.THETA_STAR
    # once lost, never regained: "exact at t" equals "exact at every s <= t"
    np.testing.assert_array_equal(exact, np.cumprod(exact, axis=1).astype(bool))
    assert_probability_matches(exact, surv)


# ---------------------------------------------------------------------- capture figure
def test_spike_capture_finds_a_capturing_observation():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    import collapse_lib.plotting as cp

    family = cl.SpikeUniform()
    cap = family.first_capture(50, seed=21)
    fig, ax = plt.subplots()
    assert cp.spike_capture(cap, ax=ax) is ax
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

    with pytest.raises(TypeError, match="capture"):
        cp.spike_capture(cl.SpikeUniform(), window=0.01)
    with pytest.raises(ValueError, match="n"):
        cl.SpikeUniform().first_capture(0, seed=1)
    # at theta* = 1 the capture zone is empty: no capture once the true spike has a point
    with pytest.raises(ValueError, match="max_rounds"):
        cl.SpikeUniform(theta=1.0).first_capture(20, seed=1, max_rounds=3)


# ------------------------------------------- the path of the mean, the limit of the variance


def test_reflection_bound_for_the_path_of_the_accumulated_mean():
    # mu_t = B(V_t): the endpoint is exactly N(0, V_T), and the path's maximum obeys the
    # horizon-free reflection bound P(max |mu_t| >= r) <= 4 Phi-bar(r sqrt(6n) / pi)
    from scipy import stats

    n, T, R, r = 50, 200, 40_000, 0.3
    run = cl.simulate(
        cl.Gaussian(known_variance=True),
        generations=T,
        sizes=n,
        replicates=R,
        scheme="accumulate",
        seed=17,
    )
    v_T = th.mean_walk_variance(sizes=n, scheme="accumulate", generations=T)[-1]
    assert_probability_matches(np.abs(run["mu"][:, -1]) >= r, 2 * stats.norm.sf(r / np.sqrt(v_T)))
    hits = np.abs(run["mu"]).max(axis=1) >= r
    bound = 4 * stats.norm.sf(r * np.sqrt(6 * n) / np.pi)
    assert hits.mean() <= bound + 4 * np.sqrt(bound * (1 - bound) / R)
    # and the bound is not vacuous here: the path exceeds the endpoint's probability
    assert hits.mean() > 2 * stats.norm.sf(r / np.sqrt(v_T))


def test_spread_of_the_limit_of_the_accumulated_variance():
    # Var log sigma_T^2 = (2/n) sum_{k <= T} 1/k^2 to leading order in 1/n (MLE,
    # accumulate); the remainder is O(1/n^2) (e.g. psi'((n-1)/2) = 2/n + 4/n^2 + ...),
    # allowed for as 10/n^2, an eighth of the Monte Carlo tolerance at n = 400
    n, T, R = 400, 100, 8_000
    run = cl.simulate(
        cl.Gaussian(estimator="mle"),
        generations=T,
        sizes=n,
        replicates=R,
        scheme="accumulate",
        seed=18,
        record="last",
    )
    log_s2 = np.log(run["sigma2"][:, -1])
    dev2 = (log_s2 - log_s2.mean()) ** 2
    sum_to_T = np.sum(1.0 / np.arange(1, T + 1) ** 2)
    expected = 2 * sum_to_T / n
    se = dev2.std(ddof=1) / np.sqrt(R)
    assert abs(dev2.mean() - expected) < 4 * se + 10.0 / n**2
