"""collapse_lib.theory, the Gaussian mean walk: exact sums and independent Monte Carlo.

Covers ``mean_walk_variance``, ``joint_mean_variance`` and the probability that
synthetic rounds beat the real-only model. Monte Carlo checks draw the actual Gaussian
samples with their own seeded Generators (nothing from the library's simulator) and
accept a deviation of at most 4 standard errors, estimated from the same sample.
"""

import math

import numpy as np
import pytest
from helpers import assert_mean_matches, assert_probability_matches, assert_variance_matches
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import integrate, stats

from collapse_lib import theory as th


def _gaussian_chain(rng, sizes, replicates, ddof, sigma2=1.0, refit_variance=True):
    """Replace scheme by drawing samples: returns mu, sigma2 arrays (replicates, G+1)."""
    mu = np.zeros((replicates, len(sizes) + 1))
    s2 = np.full((replicates, len(sizes) + 1), sigma2)
    for t, n in enumerate(sizes, start=1):
        x = mu[:, t - 1, None] + np.sqrt(s2[:, t - 1, None]) * rng.standard_normal((replicates, n))
        mu[:, t] = x.mean(axis=1)
        s2[:, t] = x.var(axis=1, ddof=ddof) if refit_variance else sigma2
    return mu, s2


# ------------------------------------------------------------- known variance
def test_mean_walk_closed_forms():
    n, G = 8, 400
    k = np.arange(1, G + 1)
    acc = th.mean_walk_variance(sizes=n, scheme="accumulate", sigma2=2.0, generations=G)
    np.testing.assert_allclose(acc[1:], 2.0 / n * np.cumsum(1.0 / k**2), rtol=1e-12)
    assert acc[-1] * n / 2.0 == pytest.approx(np.pi**2 / 6, abs=1.0 / G)
    rep = th.mean_walk_variance(sizes=n, scheme="replace", sigma2=2.0, generations=G)
    np.testing.assert_allclose(rep, 2.0 * np.arange(G + 1) / n, rtol=1e-12)
    sizes = [3, 5, 2, 7]
    N = np.cumsum(sizes)
    np.testing.assert_allclose(
        th.mean_walk_variance(sizes=sizes, scheme="accumulate")[1:],
        np.cumsum(np.array(sizes) / N**2),
        rtol=1e-12,
    )


@pytest.mark.parametrize("scheme", ["replace", "accumulate"])
def test_mean_walk_monte_carlo(scheme):
    rng = np.random.default_rng(np.random.SeedSequence(7001))
    sizes, sigma, R = [2, 3, 5, 8, 13, 21], 1.5, 40_000
    mu = np.zeros((R, len(sizes) + 1))
    total, count = np.zeros(R), 0
    for t, n in enumerate(sizes, start=1):
        x = mu[:, t - 1, None] + sigma * rng.standard_normal((R, n))
        if scheme == "replace":
            mu[:, t] = x.mean(axis=1)
        else:
            total, count = total + x.sum(axis=1), count + n
            mu[:, t] = total / count
    expected = th.mean_walk_variance(sizes=sizes, scheme=scheme, sigma2=sigma**2)
    assert_variance_matches(mu[:, 1:], expected[1:])


# ------------------------------------------------------------ variance refitted
@pytest.mark.parametrize("estimator", ["mle", "unbiased"])
def test_joint_mean_variance(estimator):
    n, G = 10, 40
    T = np.arange(G + 1)
    closed = 1 - ((n - 1) / n) ** T if estimator == "mle" else T / n
    np.testing.assert_allclose(
        th.joint_mean_variance(sizes=n, estimator=estimator, sigma2=1.0, generations=G),
        closed,
        rtol=1e-12,
        atol=1e-15,
    )
    rng = np.random.default_rng(np.random.SeedSequence(4242))
    sizes = [2, 3, 3, 5, 8, 4]
    mu, _ = _gaussian_chain(rng, sizes, 40_000, 0 if estimator == "mle" else 1, sigma2=3.0)
    expected = th.joint_mean_variance(sizes=sizes, estimator=estimator, sigma2=3.0)
    assert_variance_matches(mu[:, 1:], expected[1:])


def test_accumulate_mean_variance_below_known_variance_walk():
    G = 500
    for estimator in ("mle", "unbiased"):
        joint = th.joint_mean_variance(
            sizes=20, estimator=estimator, scheme="accumulate", generations=G
        )
        walk = th.mean_walk_variance(sizes=20, scheme="accumulate", generations=G)
        assert np.all(joint <= walk + 1e-15)
        assert walk[-1] < np.pi**2 / 6 / 20


# -------------------------------------------------------------- synthetic beats real
@pytest.mark.parametrize("n1, S", [(10, 0.05), (10, 1.0), (100, 0.3), (3, 0.001)])
def test_prob_synthetic_beats_real_by_integration(n1, S):
    # Given E_1 = e > 0, W must fall in (-2e, 0): probability Phi(2e / sqrt(S)) - 1/2.
    sd1 = 1 / math.sqrt(n1)
    value, _ = integrate.quad(
        lambda e: 2 * stats.norm.pdf(e, scale=sd1) * (stats.norm.cdf(2 * e / math.sqrt(S)) - 0.5),
        0,
        np.inf,
    )
    assert th.prob_synthetic_beats_real(n1=n1, S=S) == pytest.approx(value, rel=1e-7)
    assert th.prob_synthetic_beats_real(n1=n1, S=S) < 0.5


def test_prob_synthetic_beats_real_edges_and_broadcast():
    assert th.prob_synthetic_beats_real(n1=10, S=0.0) == 0.0
    assert th.prob_synthetic_beats_real(n1=10, S=1e-12) == pytest.approx(0.5, abs=1e-5)
    out = th.prob_synthetic_beats_real(n1=np.array([[1.0], [10.0]]), S=np.array([0.1, 1.0, 10.0]))
    assert out.shape == (2, 3) and np.all(np.diff(out, axis=1) < 0)
    by_gen = th.prob_synthetic_beats_real_by_generation(sizes=[5, 10, 20, 40])
    S = np.array([0.1, 0.1 + 1 / 20, 0.1 + 1 / 20 + 1 / 40])
    np.testing.assert_allclose(by_gen, [1.0, 0.0, *th.prob_synthetic_beats_real(n1=5, S=S)])


def test_prob_synthetic_beats_real_monte_carlo():
    rng = np.random.default_rng(np.random.SeedSequence(99))
    sizes = [4, 4, 8, 16, 32]
    mu, _ = _gaussian_chain(rng, sizes, 60_000, 0, refit_variance=False)
    hits = np.abs(mu[:, 2:]) < np.abs(mu[:, 1, None])
    assert_probability_matches(hits, th.prob_synthetic_beats_real_by_generation(sizes=sizes)[2:])


# ------------------------------------------------------------ property-based checks
@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.integers(2, 10**6), min_size=1, max_size=40),
    st.sampled_from(["mle", "unbiased"]),
    st.floats(1e-6, 1e6, allow_nan=False),
)
def test_mean_walks_are_finite_and_in_range(sizes, estimator, sigma2):
    G = len(sizes)
    out = th.joint_mean_variance(sizes=sizes, estimator=estimator, sigma2=sigma2)
    assert out.shape == (G + 1,) and np.all(np.isfinite(out))
    for scheme in ("replace", "accumulate"):
        assert np.all(np.diff(th.mean_walk_variance(sizes=sizes, scheme=scheme)) > 0)
    p = th.prob_synthetic_beats_real_by_generation(sizes=sizes)
    assert np.all((p[1:] >= 0) & (p[1:] < 0.5))


# ------------------------------------------------- synthetic beats real, dimension d
@pytest.mark.parametrize("dim", [1, 2, 5, 20])
@pytest.mark.parametrize("n1S", [0.1, 1.0, 7.0])
def test_prob_synthetic_beats_real_dim_by_integration(dim, n1S):
    # P_d = E Phi(-sqrt(n1 S chi2_d) / 2), integrated against the chi-square density
    value, _ = integrate.quad(
        lambda x: stats.norm.cdf(-0.5 * math.sqrt(n1S * x)) * stats.chi2.pdf(x, dim), 0, np.inf
    )
    got = th.prob_synthetic_beats_real(n1=10, S=n1S / 10, dim=dim)
    assert got == pytest.approx(value, rel=1e-6, abs=1e-12)
    assert got < 0.5


def test_prob_synthetic_beats_real_dim_values_and_order():
    values = [th.prob_synthetic_beats_real(n1=1, S=1.0, dim=d) for d in (1, 2, 5, 20)]
    np.testing.assert_allclose(values, [0.3524, 0.2764, 0.1572, 0.0185], atol=5e-5)
    assert values == sorted(values, reverse=True)
    # dimension 2 in closed form: F_{t_2}(x) = (1 + x / sqrt(2 + x^2)) / 2 at x = -1
    assert th.prob_synthetic_beats_real(n1=4, S=0.5, dim=2) == pytest.approx(
        0.5 * (1 - 1 / math.sqrt(3)), rel=1e-12
    )
    by_gen = th.prob_synthetic_beats_real_by_generation(sizes=[5, 10, 20], dim=3)
    S = np.array([0.1, 0.15])
    np.testing.assert_allclose(by_gen, [1.0, 0.0, *th.prob_synthetic_beats_real(n1=5, S=S, dim=3)])


@pytest.mark.parametrize("dim", [2, 5])
def test_prob_synthetic_beats_real_dim_monte_carlo(dim):
    # isotropic d-dimensional mean walk with known covariance, drawn sample by sample
    rng = np.random.default_rng(np.random.SeedSequence([98, dim]))
    sizes = [4, 4, 8, 16]
    R = 40_000
    mu = np.zeros((R, dim))
    dist = []
    for n in sizes:
        mu = (mu[:, None, :] + rng.standard_normal((R, n, dim))).mean(axis=1)
        dist.append(np.sum(mu**2, axis=1))
    hits = np.stack([d < dist[0] for d in dist[1:]], axis=1)
    p = th.prob_synthetic_beats_real_by_generation(sizes=sizes, dim=dim)[2:]
    assert_probability_matches(hits, p)


def test_prob_synthetic_beats_real_fisher_metric_monte_carlo():
    # mean and variance both refitted (d = 2), distances in the Fisher metric at the truth
    # (1/sigma^2 for the mean, 1/(2 sigma^4) for the variance); large n, the normal regime
    rng = np.random.default_rng(np.random.SeedSequence(97))
    n, R = 400, 40_000
    mu, s2 = _gaussian_chain(rng, [n, n, n], R, ddof=1)
    dist = mu**2 + (s2 - 1.0) ** 2 / 2
    hits = dist[:, 3] < dist[:, 1]
    assert_probability_matches(hits, th.prob_synthetic_beats_real(n1=n, S=2 / n, dim=2))


# ----------------------------------------------------- mean shrunk toward a point
def test_shrunk_mean_moments_recursion_and_stationary_limit():
    mean, var = th.shrunk_mean_moments(sizes=[10, 20], prior=(1.0, 5.0), mu=3.0, sigma2=2.0)
    phi1, phi2 = 10 / 15, 20 / 25
    np.testing.assert_allclose(mean, [3.0, 1 + 2 * phi1, 1 + 2 * phi1 * phi2])
    v1 = phi1**2 * 2 / 10
    np.testing.assert_allclose(var, [0.0, v1, phi2**2 * (v1 + 2 / 20)])
    mean, var = th.shrunk_mean_moments(sizes=8, generations=400, prior=(1.0, 3.0), mu=-2.0)
    m, v = th.shrunk_mean_stationary(n=8, prior=(1.0, 3.0))
    assert mean[-1] == pytest.approx(m) and var[-1] == pytest.approx(v, rel=1e-12)
    # a stationary start stays stationary: v = phi^2 (v + 1/n)
    phi = 8 / 11
    assert v == pytest.approx(phi**2 * (v + 1 / 8), rel=1e-12)


def test_shrunk_mean_monte_carlo_by_drawing_samples():
    # posterior mean (n xbar + kappa m) / (n + kappa), samples drawn one by one
    rng = np.random.default_rng(np.random.SeedSequence(96))
    sizes, (m, kappa), R = [5, 5, 10, 10, 10, 10], (2.0, 4.0), 40_000
    mu = np.zeros((R, len(sizes) + 1))
    for t, n in enumerate(sizes, start=1):
        xbar = (mu[:, t - 1, None] + rng.standard_normal((R, n))).mean(axis=1)
        mu[:, t] = (n * xbar + kappa * m) / (n + kappa)
    mean, var = th.shrunk_mean_moments(sizes=sizes, prior=(m, kappa))
    assert_mean_matches(mu[:, 1:], mean[1:])
    assert_variance_matches(mu[:, 1:], var[1:])


def test_shrunk_mean_matches_the_family():
    import collapse_lib as cl

    family = cl.Gaussian(mu=1.0, known_variance=True, prior=(0.0, 5.0))
    run = cl.simulate(family, generations=60, sizes=10, replicates=20_000, seed=95, record=20)
    mean, var = th.shrunk_mean_moments(sizes=10, generations=60, prior=(0.0, 5.0), mu=1.0)
    assert_mean_matches(run["mu"][:, 1:], mean[run.rounds][1:])
    assert_variance_matches(run["mu"][:, 1:], var[run.rounds][1:])
    _, v = th.shrunk_mean_stationary(n=10, prior=(0.0, 5.0))
    assert_variance_matches(run["mu"][:, -1], v)


# ------------------------------------------------------------- the biased mean walk
def test_biased_mean_walk_by_drawing_samples():
    # mu_t = xbar_t + b(n_t): mu_T - mu_0 ~ N(sum_t b(n_t), sigma^2 S_T), the statement of
    # the superlinear chapter, with b(n) = 0.3 n^(-1/2) on a growing schedule
    rng = np.random.default_rng(np.random.SeedSequence(93))
    sizes, R, sigma2 = [4, 6, 9, 14, 20], 40_000, 2.0
    mu = np.zeros(R)
    for n in sizes:
        mu = (mu[:, None] + math.sqrt(sigma2) * rng.standard_normal((R, n))).mean(axis=1)
        mu += 0.3 * n**-0.5
    B = sum(0.3 * n**-0.5 for n in sizes)
    assert_mean_matches(mu, B)
    assert_variance_matches(mu, th.mean_walk_variance(sizes=sizes, sigma2=sigma2)[-1])
