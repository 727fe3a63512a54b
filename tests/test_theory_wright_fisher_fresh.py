"""collapse_lib.theory, categorical resampling with a fresh fraction of real data.

The two-type chain with fresh data, its moments, exact stationary law, Beta
approximation and effective sample size. Exact checks use the transition matrix; Monte
Carlo checks draw the counts with their own seeded Generators (nothing from the
library's simulator) and accept a deviation of at most 4 standard errors, estimated
from the same sample.
"""

import numpy as np
import pytest
from helpers import assert_mean_matches, assert_probability_matches, assert_variance_matches
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import linalg, stats

from collapse_lib import theory as th


def _fresh_matrix(p, n, fresh):
    """Transition matrix of a category's count with a fresh fraction (independent oracle)."""
    i = np.arange(n + 1)
    return stats.binom.pmf(i[None, :], n, fresh * p + (1 - fresh) * i[:, None] / n)


# ------------------------------------------------------------------------ moments
@pytest.mark.parametrize("fresh", [0.05, 0.3, 1.0])
def test_stationary_moments_against_exact_chain(fresh):
    n, p = 40, 0.3
    P = _fresh_matrix(p, n, fresh)
    w, vl = linalg.eig(P.T)
    pi = np.real(vl[:, np.argmin(np.abs(w - 1))])
    pi /= pi.sum()
    x = np.arange(n + 1) / n
    mean, var = th.wf_fresh_stationary_moments(p=p, n=n, fresh=fresh)
    assert mean == pytest.approx(pi @ x, abs=1e-10)
    assert var == pytest.approx(pi @ (x - pi @ x) ** 2, rel=1e-8)
    # transient variance from the truth, by propagating the exact law
    law = np.zeros(n + 1)
    law[12] = 1.0
    v = th.wf_fresh_variance(p=p, sizes=n, fresh=fresh, generations=80)
    for t in range(1, 81):
        law = law @ P
        assert law @ x == pytest.approx(p, abs=1e-12)
        assert law @ (x - p) ** 2 == pytest.approx(v[t], rel=1e-9)
    # V_t - V approaches 0 geometrically, at rate (1 - fresh)^2 (1 - 1/n) per round
    v_far = th.wf_fresh_variance(p=p, sizes=n, fresh=fresh, generations=1000)
    assert v_far[-1] == pytest.approx(var, rel=1e-12)


def test_limits_and_vector_p():
    p = np.array([0.1, 0.2, 0.7])
    _mean, var = th.wf_fresh_stationary_moments(p=p, n=50, fresh=1.0)
    np.testing.assert_allclose(var, p * (1 - p) / 50)  # i.i.d. from the truth
    _, var0 = th.wf_fresh_stationary_moments(p=p, n=50, fresh=0.0)
    np.testing.assert_allclose(var0, p * (1 - p))  # total collapse: random Dirac
    v = th.wf_fresh_variance(p=p, sizes=50, fresh=0.0, generations=30)
    assert v.shape == (3, 31)
    heterozygosity = th.wf_heterozygosity(np.arange(31), p=p[:, None], n=50)
    np.testing.assert_allclose(v, p[:, None] * (1 - p[:, None]) - heterozygosity)


def test_variance_monte_carlo_growing_schedule():
    rng = np.random.default_rng(np.random.SeedSequence(8080))
    sizes, p, fresh, R = [5, 10, 20, 40, 80, 160], 0.25, 0.2, 50_000
    P = np.full(R, p)
    out = []
    for n in sizes:
        P = rng.binomial(n, fresh * p + (1 - fresh) * P) / n
        out.append(P)
    expected = th.wf_fresh_variance(p=p, sizes=sizes, fresh=fresh)[1:]
    assert_variance_matches(np.stack(out, axis=1), expected)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(2, 10**6), min_size=1, max_size=40))
def test_variance_is_in_range(sizes):
    v = th.wf_fresh_variance(p=0.3, sizes=sizes, fresh=0.2)
    assert np.all((v >= 0) & (v <= 0.21))


# ---------------------------------------------------------------- stationary law
@pytest.mark.parametrize("p, n, fresh", [(0.3, 40, 0.05), (0.5, 20, 0.002), (0.1, 60, 1.0)])
def test_stationary_distribution_is_stationary(p, n, fresh):
    pi = th.wf_fresh_stationary_distribution(p=p, n=n, fresh=fresh)
    P = _fresh_matrix(p, n, fresh)
    np.testing.assert_allclose(pi @ P, pi, atol=1e-12)
    assert pi.sum() == pytest.approx(1.0) and np.all(pi >= 0)
    x = np.arange(n + 1) / n
    mean, var = th.wf_fresh_stationary_moments(p=p, n=n, fresh=fresh)
    assert pi @ x == pytest.approx(mean, abs=1e-10)
    assert pi @ (x - mean) ** 2 == pytest.approx(var, rel=1e-8)
    if fresh == 1.0:
        np.testing.assert_allclose(pi, stats.binom.pmf(np.arange(n + 1), n, p), atol=1e-13)


def test_stationary_distribution_edges():
    pi = th.wf_fresh_stationary_distribution(p=0.3, n=10, fresh=0.0)
    assert pi[0] == pytest.approx(0.7) and pi[10] == pytest.approx(0.3) and pi[1:10].sum() == 0
    assert th.wf_fresh_stationary_distribution(p=1.0, n=10, fresh=0.2)[10] == 1.0
    assert th.wf_fresh_stationary_distribution(p=0.0, n=10, fresh=0.2)[0] == 1.0


def test_stationary_distribution_monte_carlo():
    rng = np.random.default_rng(np.random.SeedSequence(808))
    p, n, fresh, R = 0.2, 30, 0.1, 40_000
    counts = np.full(R, round(p * n))
    for _ in range(150):  # relaxation rate (1 - fresh) per round: 0.9^150 ~ 1e-7
        counts = rng.binomial(n, fresh * p + (1 - fresh) * counts / n)
    pi = th.wf_fresh_stationary_distribution(p=p, n=n, fresh=fresh)
    k = np.arange(13)
    assert_probability_matches(counts[:, None] == k[None, :], pi[k])


def test_stationary_beta_matches_moments_and_converges():
    p = np.array([0.1, 0.5])
    a, b = th.wf_fresh_stationary_beta(p=p, n=80, fresh=0.05)
    mean, var = th.wf_fresh_stationary_moments(p=p, n=80, fresh=0.05)
    np.testing.assert_allclose(a / (a + b), mean)
    np.testing.assert_allclose(a * b / ((a + b) ** 2 * (a + b + 1)), var)
    # with n * fresh fixed the discrete law approaches the Beta law (diffusion limit)
    dist = []
    for n in (50, 200, 800):
        fresh = 2.0 / n
        pi = th.wf_fresh_stationary_distribution(p=0.3, n=n, fresh=fresh)
        a, b = th.wf_fresh_stationary_beta(p=0.3, n=n, fresh=fresh)
        edges = (np.arange(n + 1) + 0.5) / n
        dist.append(np.max(np.abs(np.cumsum(pi)[:-1] - stats.beta.cdf(edges[:-1], a, b))))
    assert dist[0] > dist[1] > dist[2]


# ---------------------------------------------------------------- effective size
def test_effective_size_and_its_inverse():
    n, fresh = 50, np.array([0.0, 0.01, 0.2, 1.0])
    p = 0.3
    _, var = th.wf_fresh_stationary_moments(p=p, n=n, fresh=0.2)
    assert th.wf_fresh_effective_size(n=n, fresh=0.2) == pytest.approx(p * (1 - p) / var)
    m = th.wf_fresh_effective_size(n=n, fresh=fresh)
    np.testing.assert_allclose(m[[0, -1]], [1.0, n])
    inverse = th.wf_fresh_fraction_for_effective_size(n=n, effective_size=m)
    np.testing.assert_allclose(inverse, fresh, atol=1e-12)
    half = th.wf_fresh_fraction_for_effective_size(n=10**6, effective_size=5 * 10**5)
    assert half == pytest.approx(1 - np.sqrt(0.5), abs=1e-6)


def test_within_round_correlation_monte_carlo():
    """Two draws of one stationary round: correlation (1 - fresh)^2 / n_eff."""
    rng = np.random.default_rng(np.random.SeedSequence(909))
    p, n, fresh, R = 0.4, 20, 0.15, 200_000
    counts = rng.binomial(n, p, size=R)
    for _ in range(120):
        counts = rng.binomial(n, fresh * p + (1 - fresh) * counts / n)
    q = fresh * p + (1 - fresh) * counts / n  # law of each draw of the next round
    x, y = rng.random(R) < q, rng.random(R) < q
    both = (x & y).astype(float)
    rho = (1 - fresh) ** 2 / th.wf_fresh_effective_size(n=n, fresh=fresh)
    assert_mean_matches(both, p**2 + rho * p * (1 - p))


# ------------------------------------------------------------ distance to stationarity
def test_fresh_transition_matrix_is_the_oracle():
    for p, n, fresh in [(0.3, 12, 0.1), (0.0, 5, 0.5), (1.0, 4, 0.2), (0.4, 7, 0.0)]:
        P = th.wf_fresh_transition_matrix(p=p, n=n, fresh=fresh)
        np.testing.assert_allclose(P, _fresh_matrix(p, n, fresh), atol=1e-15)
        np.testing.assert_allclose(P.sum(axis=1), 1.0, rtol=1e-12)
    np.testing.assert_allclose(
        th.wf_fresh_transition_matrix(p=0.3, n=9, fresh=0.0), th.wf_transition_matrix(n=9)
    )


@pytest.mark.parametrize("n, fresh", [(8, 0.2), (20, 0.05), (5, 0.6)])
def test_fresh_eigenvalues_and_tv_rate(n, fresh):
    """Eigenvalues (1 - eps)^k prod_{j<k}(1 - j/n); the distance decays at rate 1 - eps."""
    P = th.wf_fresh_transition_matrix(p=0.3, n=n, fresh=fresh)
    ev = np.sort(np.real(linalg.eigvals(P)))[::-1]
    k = np.arange(n + 1)
    expected = (1 - fresh) ** k * np.concatenate(([1.0], np.cumprod(1 - k[:-1] / n)))
    np.testing.assert_allclose(ev, expected, atol=1e-9)
    d = th.wf_fresh_tv_distance(p=0.3, n=n, fresh=fresh, generations=150)
    assert d[0] == pytest.approx(
        1 - th.wf_fresh_stationary_distribution(p=0.3, n=n, fresh=fresh).min()
    )
    assert np.all(np.diff(d) <= 1e-15)  # total variation to stationarity never increases
    late = np.flatnonzero(d > 1e-9)[-1]
    assert d[late] / d[late - 1] == pytest.approx(1 - fresh, rel=1e-3)


@pytest.mark.parametrize("n, fresh", [(1, 0.3), (3, 0.5), (10, 0.2), (40, 0.05)])
def test_fresh_tv_distance_below_both_coupling_bounds(n, fresh):
    t = np.arange(0, 201)
    d = th.wf_fresh_tv_distance(p=0.35, n=n, fresh=fresh, generations=200)
    lineage = th.wf_fresh_tv_bound(t, n=n, fresh=fresh)
    doeblin = th.wf_fresh_tv_bound(t, n=n, fresh=fresh, method="doeblin")
    assert np.all(d <= lineage + 1e-12)
    assert np.all(d <= doeblin + 1e-12)
    np.testing.assert_allclose(doeblin, (1 - fresh**n) ** t)
    np.testing.assert_allclose(lineage, np.minimum(1, n * (1 - fresh) ** t))


def test_fresh_tv_distance_against_simulated_laws():
    """The law of the count after t rounds from the worst start (count 0), by simulation."""
    n, p, fresh, R = 10, 0.3, 0.2, 40_000
    rng = np.random.default_rng(1512)
    P = th.wf_fresh_transition_matrix(p=p, n=n, fresh=fresh)
    count = np.zeros(R, dtype=int)
    law = np.eye(n + 1)[0]
    for _ in range(6):
        count = rng.binomial(n, fresh * p + (1 - fresh) * count / n)
        law = law @ P
    hits = count[:, None] == np.arange(n + 1)
    assert_probability_matches(hits, law)
    pi = th.wf_fresh_stationary_distribution(p=p, n=n, fresh=fresh)
    tv = 0.5 * np.abs(law - pi).sum()
    assert tv <= th.wf_fresh_tv_distance(p=p, n=n, fresh=fresh, generations=6)[6] + 1e-12


def test_fresh_tv_point_mass_truth():
    d = th.wf_fresh_tv_distance(p=0.0, n=6, fresh=0.5, generations=40)
    assert d[0] == 1.0 and d[-1] < 6 * 0.5**40
