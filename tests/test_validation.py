"""collapse_lib.simulate against the closed forms of collapse_lib.theory.

Each check compares a seeded simulation with theory within 4 standard errors estimated
from the simulated sample (the assertions of ``helpers``); exact chain computations
(transition-matrix powers) stand in where theory is a distribution rather than a moment.
"""

import numpy as np
import pytest
from helpers import (
    assert_mean_matches,
    assert_probability_matches,
    assert_variance_matches,
)

import collapse_lib as cl
from collapse_lib import schedules, theory

R = 20_000  # replicates of the fast checks

SCHEDULES = {
    "constant": (50, 40),
    "growing": (schedules.power(20, 1.5), 40),
}


def _run(family, sizes, generations, seed, **kw):
    kw.setdefault("replicates", R)
    return cl.simulate(
        family, generations=generations, sizes=sizes, seed=np.random.SeedSequence(seed), **kw
    )


# ------------------------------------------------------------------- Gaussian variance
@pytest.mark.parametrize("estimator", ["mle", "unbiased"])
@pytest.mark.parametrize("schedule", sorted(SCHEDULES))
def test_variance_and_log_variance(estimator, schedule):
    sizes, G = SCHEDULES[schedule]
    run = _run(cl.Gaussian(sigma2=2.0, estimator=estimator), sizes, G, 11, record=4)
    g = run.rounds
    assert_mean_matches(
        run["sigma2"],
        theory.gaussian_variance_mean(sizes=sizes, estimator=estimator, sigma2=2.0, generations=G)[
            g
        ],
    )
    assert_mean_matches(
        run["log_sigma2"],
        theory.log_variance_mean(sizes=sizes, estimator=estimator, sigma2=2.0, generations=G)[g],
    )
    assert_variance_matches(
        run["log_sigma2"][:, 1:], theory.log_variance_variance(sizes=sizes, generations=G)[g[1:]]
    )
    assert_mean_matches(
        np.sqrt(run["sigma2"]),
        theory.gaussian_sigma_mean(sizes=sizes, estimator=estimator, sigma2=2.0, generations=G)[g],
    )


@pytest.mark.slow
@pytest.mark.parametrize("estimator", ["mle", "unbiased"])
def test_variance_long_constant_run_collapses_on_log_scale(estimator):
    """Thousands of rounds: log sigma^2 stays finite and follows its drift and spread."""
    G = 20_000
    run = _run(cl.Gaussian(estimator=estimator), 10, G, 12, record=1000, replicates=5000)
    g = run.rounds
    assert np.all(np.isfinite(run["log_sigma2"]))
    assert_mean_matches(
        run["log_sigma2"], theory.log_variance_mean(sizes=10, estimator=estimator, generations=G)[g]
    )
    assert_variance_matches(
        run["log_sigma2"][:, 1:], theory.log_variance_variance(sizes=10, generations=G)[g[1:]]
    )


@pytest.mark.slow
@pytest.mark.parametrize("estimator", ["mle", "unbiased"])
def test_variance_by_drawing_samples(estimator):
    sizes = schedules.linear(4, 3)
    run = _run(cl.Gaussian(estimator=estimator), sizes, 12, 13, method="samples")
    assert run.method == "samples"
    assert_mean_matches(
        run["sigma2"],
        theory.gaussian_variance_mean(sizes=sizes, estimator=estimator, generations=12),
    )
    assert_mean_matches(
        run["log_sigma2"],
        theory.log_variance_mean(sizes=sizes, estimator=estimator, generations=12),
    )


# --------------------------------------------------------------------------- mean walk
@pytest.mark.parametrize("scheme", ["replace", "accumulate"])
@pytest.mark.parametrize("sizes", [10, schedules.linear(5)], ids=["constant", "linear"])
def test_mean_walk_known_variance(scheme, sizes):
    G = 60
    run = _run(cl.Gaussian(sigma2=3.0, known_variance=True), sizes, G, 21, scheme=scheme, record=5)
    g = run.rounds
    assert_variance_matches(
        run["mu"][:, 1:],
        theory.mean_walk_variance(sizes=sizes, scheme=scheme, sigma2=3.0, generations=G)[g[1:]],
    )


def test_accumulate_mean_walk_approaches_pi_squared_over_six():
    n, G = 10, 2000
    run = _run(cl.Gaussian(known_variance=True), n, G, 22, scheme="accumulate", record="last")
    scaled = np.sqrt(n) * run["mu"][:, -1]  # variance sum_{k<=G} 1/k^2
    assert_variance_matches(scaled, np.pi**2 / 6 - 1 / G)  # tail sum_{k>G} 1/k^2 ~ 1/G
    replace = _run(cl.Gaussian(known_variance=True), n, G, 23, record="last")
    assert_variance_matches(np.sqrt(n) * replace["mu"][:, -1], G)


@pytest.mark.parametrize("estimator", ["mle", "unbiased"])
def test_mean_walk_with_refitted_variance(estimator):
    n, G = 8, 40
    run = _run(cl.Gaussian(sigma2=2.0, estimator=estimator), n, G, 24, record=4)
    g = run.rounds
    assert_variance_matches(
        run["mu"][:, 1:],
        theory.joint_mean_variance(sizes=n, estimator=estimator, sigma2=2.0, generations=G)[g[1:]],
    )


def test_probability_synthetic_beats_real():
    sizes = schedules.power(5, 1.5)
    G = 30
    run = _run(cl.Gaussian(mu=1.0, known_variance=True), sizes, G, 31)
    err = np.abs(run["mu"] - 1.0)
    hits = err[:, 2:] < err[:, 1, None]
    assert_probability_matches(
        hits, theory.prob_synthetic_beats_real_by_generation(sizes=sizes, generations=G)[2:]
    )


# ----------------------------------------------------------------------- Wright-Fisher
def test_bernoulli_heterozygosity_decay():
    n, p, G = 30, 0.2, 60
    run = _run(cl.Bernoulli(p), n, G, 41)
    P = run["p"]
    assert_mean_matches(P, np.full(G + 1, p))  # martingale
    assert_mean_matches(P * (1 - P), theory.wf_heterozygosity(run.rounds, p=p, n=n))


@pytest.mark.parametrize("count", [3, 10])
def test_fixation_probability_and_absorption_time(count):
    n, G = 20, 1500
    run = _run(
        cl.Categorical([count / n, 1 - count / n]), n, G, 42, record="last", replicates=10_000
    )
    T = run.records["fixation_time"]
    # P(no absorption in 1500 rounds) < (1 - 1/n)^1500 * n ~ 1e-32: all runs are absorbed
    assert np.all(T > 0)
    fixed = run["probs"][:, -1, 0] == 1.0
    assert_probability_matches(fixed, theory.wf_fixation_probability(p=count / n))
    assert_mean_matches(T, theory.wf_absorption_time_exact(n=n)[count])


def test_word_loss_time_distribution():
    """Extinction times of a rare category against the exact chain (matrix powers)."""
    n, c, G = 200, 4, 60
    run = _run(cl.Categorical([c / n, 1 - c / n]), n, G, 43, record="last")
    ext = run.records["extinction_time"][:, 0]
    P = theory.wf_transition_matrix(n=n)
    law = np.zeros(n + 1)
    law[c] = 1.0
    lost_by = []
    for _ in range(G):
        law = law @ P
        lost_by.append(law[0])
    hits = (ext[:, None] >= 1) & (ext[:, None] <= np.arange(1, G + 1))
    assert_probability_matches(hits, np.array(lost_by))


@pytest.mark.parametrize("n", [10, 40])
def test_time_to_a_single_atom(n):
    run = _run(cl.Categorical(np.full(n, 1.0 / n)), n, 40 * n, 44, record="last", replicates=4000)
    T = run.records["fixation_time"]
    assert np.all(T > 0)
    assert_mean_matches(T, theory.coalescence_time(n=n))


# ------------------------------------------------------------------ Poisson survival
def test_poisson_survival():
    n, lam, G = 10, 0.3, 80
    run = _run(cl.Poisson(lam), n, G, 51, record=5)
    g = run.rounds
    assert_probability_matches(run["lam"][:, 1:] > 0, theory.poisson_survival(g[1:], n=n, lam=lam))


# ---------------------------------------------------------------- persistent excitation
@pytest.mark.parametrize("eps", [0.1, 0.5])
def test_fresh_fraction_mean_and_variance(eps):
    n, p0, G = 25, 0.3, 60
    run = _run(cl.Bernoulli(p0), n, G, 61 + int(10 * eps), fresh=eps, record=3)
    g = run.rounds
    assert_mean_matches(run["p"], np.full(g.size, p0))
    assert_variance_matches(
        run["p"][:, 1:], theory.wf_fresh_variance(p=p0, sizes=n, fresh=eps, generations=G)[g[1:]]
    )
    _, var = theory.wf_fresh_stationary_moments(p=p0, n=n, fresh=eps)
    # V_60 / V - 1 < ((1 - eps)^2 (1 - 1/n))^60 < 1e-6: generation 60 is stationary
    assert_variance_matches(run["p"][:, -1], var)


def test_fresh_fraction_categorical_growing_schedule():
    probs = np.array([0.5, 0.3, 0.2])
    sizes, G, eps = schedules.linear(5, 5), 30, 0.2
    run = _run(cl.Categorical(probs), sizes, G, 62, fresh=eps, record=3)
    g = run.rounds
    var = theory.wf_fresh_variance(p=probs, sizes=sizes, fresh=eps, generations=G)[:, g[1:]].T
    assert_variance_matches(run["probs"][:, 1:, :], var)
    assert_mean_matches(run["probs"][:, 1:, :], np.broadcast_to(probs, var.shape))


@pytest.mark.slow
def test_fresh_fraction_stationary_long_run():
    n, p0, eps = 50, 0.2, 0.05
    run = _run(cl.Bernoulli(p0), n, 400, 63, fresh=eps, record="last")
    mean, var = theory.wf_fresh_stationary_moments(p=p0, n=n, fresh=eps)
    assert_mean_matches(run["p"][:, -1], mean)
    assert_variance_matches(run["p"][:, -1], var)


@pytest.mark.slow
@pytest.mark.parametrize("scheme", ["replace", "accumulate"])
def test_mean_walk_by_drawing_samples(scheme):
    sizes, G = schedules.linear(3, 2), 25
    run = _run(cl.Gaussian(known_variance=True), sizes, G, 71, scheme=scheme, method="samples")
    assert run.method == "samples"
    assert_variance_matches(
        run["mu"][:, 1:], theory.mean_walk_variance(sizes=sizes, scheme=scheme, generations=G)[1:]
    )


@pytest.mark.slow
def test_fresh_fraction_by_drawing_samples():
    n, p0, eps, G = 20, 0.4, 0.3, 30
    run = _run(cl.Bernoulli(p0), n, G, 72, fresh=eps, method="samples", record=5)
    g = run.rounds
    assert_variance_matches(
        run["p"][:, 1:], theory.wf_fresh_variance(p=p0, sizes=n, fresh=eps, generations=G)[g[1:]]
    )


@pytest.mark.slow
def test_time_to_a_single_atom_large_population():
    n = 300
    run = _run(cl.Categorical(np.full(n, 1.0 / n)), n, 20 * n, 73, record="last", replicates=2000)
    T = run.records["fixation_time"]
    assert np.all(T > 0)
    assert_mean_matches(T, theory.coalescence_time(n=n))
