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
    fig, ax = plt.subplots()
    cap = cp.spike_capture(family, 50, seed=21, ax=ax)
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
