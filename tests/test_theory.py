"""Closed forms of collapse_lib.theory against exact computation and independent Monte Carlo.

Monte Carlo checks draw the actual samples with their own seeded Generators (nothing from
the library's simulator) and accept a deviation of at most 4 standard errors, the
standard error being estimated from the same sample.
"""

import itertools
import math

import numpy as np
import pytest
from helpers import (
    Z,
    assert_mean_matches,
    assert_probability_matches,
    assert_variance_matches,
)
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import integrate, linalg, special, stats

from collapse_lib import theory as th


def _gaussian_chain(rng, sizes, replicates, ddof, sigma2_0=1.0, refit_variance=True):
    """Replace scheme by drawing samples: returns mu, sigma2 arrays (replicates, G+1)."""
    mu = np.zeros((replicates, len(sizes) + 1))
    s2 = np.full((replicates, len(sizes) + 1), sigma2_0)
    for t, n in enumerate(sizes, start=1):
        x = mu[:, t - 1, None] + np.sqrt(s2[:, t - 1, None]) * rng.standard_normal((replicates, n))
        mu[:, t] = x.mean(axis=1)
        s2[:, t] = x.var(axis=1, ddof=ddof) if refit_variance else sigma2_0
    return mu, s2


GROWING = [3, 4, 6, 9, 13, 20, 30]


# ------------------------------------------------------------------- Gaussian variance
def _chi2_expect(f, k):
    """E f(X) for X ~ chi^2_k by quadrature in u = log X (smooth, fast, accurate)."""

    def integrand(u):
        return f(np.exp(u)) * np.exp(stats.chi2.logpdf(np.exp(u), k) + u)

    # the density in u decays like exp(k u / 2) below and like exp(-e^u / 2) above
    upper = np.log(10.0 * (k + 20))
    return integrate.quad(integrand, -120.0, upper, epsabs=1e-14, epsrel=1e-12, limit=400)[0]


@pytest.mark.parametrize("estimator, ddof", [("mle", 0), ("unbiased", 1)])
@pytest.mark.parametrize("n", [2, 3, 10, 250])
def test_one_step_moments_match_chi_square(estimator, ddof, n):
    chi = stats.chi2(n - 1)
    assert th.gaussian_variance_mean([n], estimator, 2.5)[1] == pytest.approx(
        2.5 * chi.mean() / (n - ddof), rel=1e-12
    )
    assert th.gaussian_variance_variance([n], estimator, 2.5)[1] == pytest.approx(
        2.5**2 * chi.var() / (n - ddof) ** 2, rel=1e-12
    )
    drift = _chi2_expect(lambda x: np.log(x / (n - ddof)), n - 1)
    assert th.log_variance_drift(n, estimator) == pytest.approx(drift, rel=1e-8)
    mean_log = _chi2_expect(np.log, n - 1)
    step_var = _chi2_expect(lambda x: (np.log(x) - mean_log) ** 2, n - 1)
    assert th.log_variance_step_variance(n) == pytest.approx(step_var, rel=1e-8)
    alpha = _chi2_expect(lambda x: np.sqrt(x / (n - ddof)), n - 1)
    assert th.bertrand_factor(n, estimator) == pytest.approx(alpha, rel=1e-9)


@pytest.mark.parametrize("estimator", ["mle", "unbiased"])
def test_constant_schedule_closed_forms(estimator):
    n, G = 20, 60
    T = np.arange(G + 1)
    ratio = (n - 1) / n if estimator == "mle" else 1.0
    np.testing.assert_allclose(
        th.gaussian_variance_mean(n, estimator, 3.0, generations=G), 3.0 * ratio**T, rtol=1e-12
    )
    alpha = th.bertrand_factor(n, estimator)
    np.testing.assert_allclose(
        th.gaussian_sigma_mean(n, estimator, 4.0, generations=G), 2.0 * alpha**T, rtol=1e-12
    )
    np.testing.assert_allclose(
        th.log_variance_mean(n, estimator, 1.0, generations=G),
        T * th.log_variance_drift(n, estimator),
        rtol=1e-12,
    )
    np.testing.assert_allclose(
        th.log_variance_variance(n, generations=G), T * th.log_variance_step_variance(n), rtol=1e-12
    )


def test_paradox_unbiased_mean_kept_typical_path_collapses():
    """Unbiased: E sigma^2_T stays sigma^2_0, E log sigma^2_T -> -inf; the MLE drifts ~2x faster."""
    assert np.all(th.gaussian_variance_mean(10, "unbiased", generations=500) == 1.0)
    assert th.log_variance_mean(10, "unbiased", generations=500)[-1] < -40
    for n in [50, 500, 5000]:
        mle, unb = th.log_variance_drift(n, "mle"), th.log_variance_drift(n, "unbiased")
        assert mle < unb < 0
        assert n * mle == pytest.approx(-2, rel=3 / n)
        assert n * unb == pytest.approx(-1, rel=3 / n)
        assert n * th.log_variance_step_variance(n) == pytest.approx(2, rel=3 / n)


def test_long_runs_do_not_underflow():
    T = 10**6
    m = th.gaussian_variance_mean(10, "mle", generations=T)
    assert m[-1] == 0.0 or m[-1] > 0  # underflows gracefully, never NaN
    assert np.all(np.isfinite(th.log_variance_mean(10, "mle", generations=T)))
    v = th.gaussian_variance_variance(10, "unbiased", generations=100)
    assert np.all(np.isfinite(v)) and np.all(np.diff(v) > 0)


@pytest.mark.parametrize("estimator, ddof", [("mle", 0), ("unbiased", 1)])
def test_gaussian_variance_monte_carlo(estimator, ddof):
    rng = np.random.default_rng(np.random.SeedSequence(20250301))
    _, s2 = _gaussian_chain(rng, GROWING, 40_000, ddof, sigma2_0=2.0)
    assert_mean_matches(s2[:, 1:], th.gaussian_variance_mean(GROWING, estimator, 2.0)[1:])
    assert_variance_matches(s2[:, 1:], th.gaussian_variance_variance(GROWING, estimator, 2.0)[1:])
    assert_mean_matches(np.sqrt(s2[:, 1:]), th.gaussian_sigma_mean(GROWING, estimator, 2.0)[1:])
    log_s2 = np.log(s2[:, 1:])
    assert_mean_matches(log_s2, th.log_variance_mean(GROWING, estimator, 2.0)[1:])
    assert_variance_matches(log_s2, th.log_variance_variance(GROWING)[1:])


# --------------------------------------------------------------------------- mean walk
def test_mean_walk_closed_forms():
    n, G = 8, 400
    k = np.arange(1, G + 1)
    acc = th.mean_walk_variance(n, "accumulate", 2.0, generations=G)
    np.testing.assert_allclose(acc[1:], 2.0 / n * np.cumsum(1.0 / k**2), rtol=1e-12)
    assert acc[-1] * n / 2.0 == pytest.approx(np.pi**2 / 6, abs=1.0 / G)
    rep = th.mean_walk_variance(n, "replace", 2.0, generations=G)
    np.testing.assert_allclose(rep, 2.0 * np.arange(G + 1) / n, rtol=1e-12)
    sizes = [3, 5, 2, 7]
    N = np.cumsum(sizes)
    np.testing.assert_allclose(
        th.mean_walk_variance(sizes, "accumulate")[1:],
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
    assert_variance_matches(mu[:, 1:], th.mean_walk_variance(sizes, scheme, sigma**2)[1:])


@pytest.mark.parametrize("estimator", ["mle", "unbiased"])
def test_joint_mean_variance(estimator):
    n, G = 10, 40
    T = np.arange(G + 1)
    closed = 1 - ((n - 1) / n) ** T if estimator == "mle" else T / n
    np.testing.assert_allclose(
        th.joint_mean_variance(n, estimator, 1.0, generations=G), closed, rtol=1e-12, atol=1e-15
    )
    rng = np.random.default_rng(np.random.SeedSequence(4242))
    sizes = [2, 3, 3, 5, 8, 4]
    mu, _ = _gaussian_chain(rng, sizes, 40_000, 0 if estimator == "mle" else 1, sigma2_0=3.0)
    assert_variance_matches(mu[:, 1:], th.joint_mean_variance(sizes, estimator, 3.0)[1:])


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
    assert th.prob_synthetic_beats_real(n1, S) == pytest.approx(value, rel=1e-7)
    assert th.prob_synthetic_beats_real(n1, S) < 0.5


def test_prob_synthetic_beats_real_edges_and_broadcast():
    assert th.prob_synthetic_beats_real(10, 0.0) == 0.0
    assert th.prob_synthetic_beats_real(10, 1e-12) == pytest.approx(0.5, abs=1e-5)
    out = th.prob_synthetic_beats_real(np.array([[1.0], [10.0]]), np.array([0.1, 1.0, 10.0]))
    assert out.shape == (2, 3) and np.all(np.diff(out, axis=1) < 0)
    by_gen = th.prob_synthetic_beats_real_by_generation([5, 10, 20, 40])
    S = np.array([0.1, 0.1 + 1 / 20, 0.1 + 1 / 20 + 1 / 40])
    np.testing.assert_allclose(by_gen, [1.0, 0.0, *th.prob_synthetic_beats_real(5, S)])


def test_prob_synthetic_beats_real_monte_carlo():
    rng = np.random.default_rng(np.random.SeedSequence(99))
    sizes = [4, 4, 8, 16, 32]
    mu, _ = _gaussian_chain(rng, sizes, 60_000, 0, refit_variance=False)
    hits = np.abs(mu[:, 2:]) < np.abs(mu[:, 1, None])
    assert_probability_matches(hits, th.prob_synthetic_beats_real_by_generation(sizes)[2:])


# ----------------------------------------------------------------------- Wright-Fisher
def test_wf_transition_matrix_entries():
    n = 6
    P = th.wf_transition_matrix(n)
    assert P.shape == (7, 7)
    for i, j in itertools.product(range(n + 1), repeat=2):
        exact = math.comb(n, j) * (i / n) ** j * (1 - i / n) ** (n - j)
        assert P[i, j] == pytest.approx(exact, abs=1e-15)
    np.testing.assert_allclose(th.wf_transition_matrix(300).sum(axis=1), 1.0, rtol=1e-12)


def test_wf_fixation_and_heterozygosity_by_matrix_powers():
    n = 30
    P = th.wf_transition_matrix(n)
    states = np.arange(n + 1) / n
    h = states * (1 - states)
    Pt = np.eye(n + 1)
    for t in range(0, 61):
        np.testing.assert_allclose(Pt @ h, th.wf_heterozygosity(states, n, t), atol=1e-13)
        Pt = Pt @ P
    P_inf = np.linalg.matrix_power(P, 4096)
    np.testing.assert_allclose(P_inf[:, n], th.wf_fixation_probability(states), atol=1e-10)
    assert th.wf_heterozygosity(0.5, 10, [0, 1, 2]).tolist() == pytest.approx([0.25, 0.225, 0.2025])


def test_wf_absorption_time_exact_against_series_and_monte_carlo():
    n = 20
    tau = th.wf_absorption_time_exact(n)
    assert tau.shape == (n + 1,) and tau[0] == tau[n] == 0
    Q = th.wf_transition_matrix(n)[1:n, 1:n]
    series, v = np.zeros(n - 1), np.ones(n - 1)
    for _ in range(5000):  # E tau = sum_t P(tau > t) = sum_t Q^t 1
        series += v
        v = Q @ v
    np.testing.assert_allclose(tau[1:n], series, rtol=1e-10)
    np.testing.assert_allclose(tau, tau[::-1], rtol=1e-10)
    rng = np.random.default_rng(np.random.SeedSequence(31337))
    for i in [1, 5, 10]:
        count = np.full(20_000, i)
        time = np.zeros(20_000)
        while np.any((count > 0) & (count < n)):
            alive = (count > 0) & (count < n)
            time += alive
            count = rng.binomial(n, count / n)
        assert_mean_matches(time, tau[i])
    assert th.wf_absorption_time_exact(1).tolist() == [0.0, 0.0]


@pytest.mark.parametrize("n", [50, 200])
def test_kimura_overestimates_by_a_few_generations(n):
    """Documented accuracy of the (labelled) diffusion approximation."""
    exact = th.wf_absorption_time_exact(n)
    i = np.array([n // 10, n // 4, n // 2])
    err = th.wf_absorption_time_kimura(i / n, n) - exact[i]
    assert np.all((err > 0) & (err < 4))
    assert th.wf_absorption_time_kimura([0.0, 1.0], n).tolist() == [0.0, 0.0]


def _multitype_absorption_time(n, start):
    """Exact mean time until one type holds all n copies (K-type Wright-Fisher chain)."""
    K = len(start)
    states = np.array([s for s in itertools.product(range(n + 1), repeat=K) if sum(s) == n])
    transient = states[states.max(axis=1) < n]
    logfact = special.gammaln(np.arange(n + 1) + 1.0)  # log k!
    p = transient / n
    # log multinomial pmf of every transient target from every transient source
    logpmf = (
        logfact[n]
        - logfact[transient].sum(axis=1)[None, :]
        + special.xlogy(transient[None, :, :], p[:, None, :]).sum(axis=2)
    )
    Q = np.exp(logpmf)
    tau = linalg.solve(np.eye(len(transient)) - Q, np.ones(len(transient)))
    return tau[np.flatnonzero((transient == start).all(axis=1))[0]]


@pytest.mark.parametrize("start", [(8, 8, 8), (4, 8, 12), (2, 2, 20)])
def test_kimura_multi_against_exact_three_types(start):
    n = sum(start)
    exact = _multitype_absorption_time(n, np.array(start))
    approx = th.wf_absorption_time_kimura_multi(np.array(start) / n, n)
    assert 0 < approx - exact < 3
    assert th.wf_absorption_time_kimura_multi([0.3, 0.7], 40) == pytest.approx(
        th.wf_absorption_time_kimura(0.3, 40)
    )


@pytest.mark.parametrize("n", [2, 3, 4, 5, 6])
def test_coalescence_time_equals_forward_time_to_single_atom(n):
    assert th.coalescence_time(n) == pytest.approx(
        _multitype_absorption_time(n, np.ones(n, dtype=int)), rel=1e-10
    )


def test_coalescence_time_pairs_and_kingman():
    for n in [2, 7, 100]:
        assert th.coalescence_time(n, 2) == pytest.approx(n, rel=1e-12)  # geometric(1/n)
        assert th.coalescence_time_kingman(n, 2) == pytest.approx(n)
    assert th.coalescence_time(1) == 0.0
    assert th.coalescence_time_kingman(50) == 98.0
    for n in [20, 200, 1000]:
        gap = th.coalescence_time_kingman(n) - th.coalescence_time(n)
        assert 0.5 < gap < 2.5  # documented: smaller by one to two generations


def test_coalescence_time_monte_carlo():
    rng = np.random.default_rng(np.random.SeedSequence(555))
    n, R = 25, 8000
    counts = np.ones((R, n), dtype=np.int64)
    time = np.zeros(R)
    active = np.ones(R, dtype=bool)
    while active.any():
        time += active
        counts[active] = rng.multinomial(n, counts[active] / n)
        active = counts.max(axis=1) < n
    assert_mean_matches(time, th.coalescence_time(n))


# ---------------------------------------------------------------- persistent excitation
def _fresh_matrix(n, p0, eps):
    i = np.arange(n + 1)
    return stats.binom.pmf(i[None, :], n, eps * p0 + (1 - eps) * i[:, None] / n)


@pytest.mark.parametrize("eps", [0.05, 0.3, 1.0])
def test_fresh_stationary_moments_against_exact_chain(eps):
    n, p0 = 40, 0.3
    P = _fresh_matrix(n, p0, eps)
    w, vl = linalg.eig(P.T)
    pi = np.real(vl[:, np.argmin(np.abs(w - 1))])
    pi /= pi.sum()
    x = np.arange(n + 1) / n
    mean, var = th.fresh_stationary_moments(p0, n, eps)
    assert mean == pytest.approx(pi @ x, abs=1e-10)
    assert var == pytest.approx(pi @ (x - pi @ x) ** 2, rel=1e-8)
    # transient variance from the truth, by propagating the exact law
    law = np.zeros(n + 1)
    law[12] = 1.0
    v = th.fresh_variance(p0, n, eps, generations=80)
    for t in range(1, 81):
        law = law @ P
        assert law @ x == pytest.approx(p0, abs=1e-12)
        assert law @ (x - p0) ** 2 == pytest.approx(v[t], rel=1e-9)
    # V_t - V approaches 0 geometrically, at rate (1 - eps)^2 (1 - 1/n) per round
    assert th.fresh_variance(p0, n, eps, generations=1000)[-1] == pytest.approx(var, rel=1e-12)


def test_fresh_limits_and_vector_p0():
    p0 = np.array([0.1, 0.2, 0.7])
    _mean, var = th.fresh_stationary_moments(p0, 50, 1.0)
    np.testing.assert_allclose(var, p0 * (1 - p0) / 50)  # i.i.d. from the truth
    _, var0 = th.fresh_stationary_moments(p0, 50, 0.0)
    np.testing.assert_allclose(var0, p0 * (1 - p0))  # total collapse: random Dirac
    v = th.fresh_variance(p0, 50, 0.0, generations=30)
    assert v.shape == (3, 31)
    np.testing.assert_allclose(
        v, p0[:, None] * (1 - p0[:, None]) - th.wf_heterozygosity(p0[:, None], 50, np.arange(31))
    )


def test_fresh_variance_monte_carlo_growing_schedule():
    rng = np.random.default_rng(np.random.SeedSequence(8080))
    sizes, p0, eps, R = [5, 10, 20, 40, 80, 160], 0.25, 0.2, 50_000
    P = np.full(R, p0)
    out = []
    for n in sizes:
        P = rng.binomial(n, eps * p0 + (1 - eps) * P) / n
        out.append(P)
    assert_variance_matches(np.stack(out, axis=1), th.fresh_variance(p0, sizes, eps)[1:])


# ------------------------------------------------------------------ Suresh et al.
def test_g_iterate_bracket_and_asymptote():
    k = np.arange(1, 100_001)
    g = th.g_iterate(k)
    assert th.g_iterate(0) == np.inf and th.g_iterate(1) == 1.0
    assert np.all(g >= 1 / k) and np.all(g <= 3 / k)
    np.testing.assert_allclose(g[1:], -np.expm1(-g[:-1]), rtol=1e-15)
    assert k[-1] * g[-1] == pytest.approx(2, rel=1e-3)


@pytest.mark.parametrize("n, lam0", [(1, 0.7), (5, 0.4), (20, 1.5)])
def test_poisson_survival_exact_small_k(n, lam0):
    m = n * lam0
    s = np.arange(400)
    pois1 = stats.poisson.pmf(s, m)  # S_1
    assert 1 - th.poisson_survival(1, n, lam0) == pytest.approx(np.exp(-m), rel=1e-12)
    assert 1 - th.poisson_survival(2, n, lam0) == pytest.approx(pois1 @ np.exp(-s), rel=1e-10)
    trans = stats.poisson.pmf(s[None, :], s[:, None])  # S_2 given S_1
    p3 = pois1 @ trans @ np.exp(-s)
    assert 1 - th.poisson_survival(3, n, lam0) == pytest.approx(p3, rel=1e-10)
    assert th.poisson_survival(0, n, lam0) == 1.0


def test_poisson_survival_monte_carlo():
    rng = np.random.default_rng(np.random.SeedSequence(2718))
    n, lam0, R, K = 10, 0.5, 50_000, 60
    S = np.full(R, n * lam0)
    alive = []
    for _ in range(K):
        S = rng.poisson(S)  # n * Lambda_k given n * Lambda_{k-1}
        alive.append(S > 0)
    assert_probability_matches(
        np.stack(alive, axis=1), th.poisson_survival(np.arange(1, K + 1), n, lam0)
    )


def test_bertrand_factor_below_suresh_rate():
    n = np.arange(2, 20_001)
    log_alpha = np.log(th.bertrand_factor(n, "unbiased"))
    assert np.all(log_alpha < -1.0 / (4 * n - 1))
    assert np.all(th.bertrand_factor(n, "mle") < th.bertrand_factor(n, "unbiased"))


@pytest.mark.parametrize("estimator, ddof", [("mle", 0), ("unbiased", 1)])
def test_gaussian_sigma_tail_bound_holds(estimator, ddof):
    rng = np.random.default_rng(np.random.SeedSequence(1618))
    n, R, K, level = 5, 40_000, 12, 0.5
    _, s2 = _gaussian_chain(rng, [n] * K, R, ddof)
    k = np.arange(K + 1)
    freq = (np.sqrt(s2) > level).mean(axis=0)
    se = np.sqrt(np.maximum(freq * (1 - freq), 1 / R) / R)
    assert np.all(freq - Z * se <= th.gaussian_sigma_tail_bound(k, n, level))
    markov = th.gaussian_sigma_mean(n, estimator, generations=K) / level
    assert np.all(markov <= th.gaussian_sigma_tail_bound(k, n, level) * (1 + 1e-12))


def test_word_forgetting_approximations_against_exact_unigram_chain():
    n = 1000
    P = th.wf_transition_matrix(n)
    Q = P[1:n, 1:n]
    lost = 1.0 - np.arange(1, n) / n  # P(loss) from each count
    cond_time = linalg.solve(np.eye(n - 1) - Q, lost) / lost  # E[T | loss]
    for c in [2, 5, 20]:
        law = np.zeros(n + 1)
        law[c] = 1.0
        cdf = []
        for _ in range(150):
            law = law @ P
            cdf.append(law[0])
        cdf = np.array(cdf)
        approx = th.word_loss_probability(np.arange(1, 151), c)
        assert np.max(np.abs(cdf - approx)) < c / n  # documented: error of order c/n
        exact_median = int(np.argmax(cdf >= 0.5)) + 1
        assert abs(th.word_forgetting_median(c) - exact_median) <= max(1, 0.03 * exact_median)
        assert abs(th.word_forgetting_mean_given_loss(c, n) - cond_time[c - 1]) < 3
    c = np.array([100, 1000, 10_000])
    # g_t = 2 / (t + O(log t)): the median approaches 2c / ln 2 with a relative gap O(log c / c)
    np.testing.assert_allclose(th.word_forgetting_median(c) / c, 2 / np.log(2), rtol=0.02)
    assert th.word_forgetting_mean_given_loss(10, 10**6) == pytest.approx(
        20 * np.log(10**5), rel=1e-4
    )


# ------------------------------------------------------------------------- bad input
BAD = [
    (th.gaussian_variance_mean, ([5, 1], "mle"), ValueError, "sizes"),
    (th.gaussian_variance_mean, ([5, 6], "MLE"), ValueError, "estimator"),
    (th.gaussian_variance_mean, ([5, 6], None), TypeError, "estimator"),
    (th.gaussian_variance_mean, ([5, 6], "mle", 0.0), ValueError, "sigma2_0"),
    (th.gaussian_variance_mean, ([5, 6], "mle", float("nan")), ValueError, "sigma2_0"),
    (th.gaussian_variance_mean, (5, "mle"), ValueError, "generations"),
    (th.gaussian_variance_mean, ([5.0, 6.0], "mle"), TypeError, "sizes"),
    (th.gaussian_variance_variance, ([5, 6], "x"), ValueError, "estimator"),
    (th.gaussian_sigma_mean, ([5, 6], "mle", -1.0), ValueError, "sigma2_0"),
    (th.log_variance_drift, (1, "mle"), ValueError, "n"),
    (th.log_variance_drift, (2.5, "mle"), TypeError, "n"),
    (th.log_variance_step_variance, ([3, 1],), ValueError, "n"),
    (th.log_variance_mean, (5, "mle"), ValueError, "generations"),
    (th.log_variance_variance, ([1],), ValueError, "sizes"),
    (th.bertrand_factor, (1, "unbiased"), ValueError, "n"),
    (th.mean_walk_variance, ([3], "replaced"), ValueError, "scheme"),
    (th.mean_walk_variance, ([3], "replace", -2.0), ValueError, "sigma2"),
    (th.mean_walk_variance, ([0, 3], "replace"), ValueError, "sizes"),
    (th.joint_mean_variance, (5, "mle", 1.0), ValueError, "generations"),
    (th.prob_synthetic_beats_real, (0, 1.0), ValueError, "n1"),
    (th.prob_synthetic_beats_real, (5, -1.0), ValueError, "S"),
    (th.prob_synthetic_beats_real, (5, float("inf")), ValueError, "S"),
    (th.prob_synthetic_beats_real, ("5", 1.0), TypeError, "n1"),
    (th.prob_synthetic_beats_real_by_generation, ([],), ValueError, "sizes"),
    (th.wf_transition_matrix, (0,), ValueError, "n"),
    (th.wf_transition_matrix, (3.0,), TypeError, "n"),
    (th.wf_fixation_probability, (1.5,), ValueError, "p"),
    (th.wf_heterozygosity, (0.5, 10, -1), ValueError, "t"),
    (th.wf_heterozygosity, (-0.1, 10, 1), ValueError, "p"),
    (th.wf_absorption_time_exact, (-4,), ValueError, "n"),
    (th.wf_absorption_time_kimura, (np.nan, 10), ValueError, "p"),
    (th.wf_absorption_time_kimura_multi, ([0.5, 0.6], 10), ValueError, "probs"),
    (th.coalescence_time, (5, 6), ValueError, "k"),
    (th.coalescence_time, (5, 0), ValueError, "k"),
    (th.coalescence_time_kingman, (0,), ValueError, "n"),
    (th.fresh_stationary_moments, (0.3, 10, 1.2), ValueError, "eps"),
    (th.fresh_stationary_moments, (0.3, 0, 0.2), ValueError, "n"),
    (th.fresh_stationary_moments, (2.0, 10, 0.2), ValueError, "p0"),
    (th.fresh_variance, (0.3, 10, 0.2), ValueError, "generations"),
    (th.g_iterate, (-1,), ValueError, "k"),
    (th.poisson_survival, (3, 10, 0.0), ValueError, "lam0"),
    (th.poisson_survival, (3, 0, 1.0), ValueError, "n"),
    (th.gaussian_sigma_tail_bound, (3, 1, 0.5), ValueError, "n"),
    (th.gaussian_sigma_tail_bound, (3, 10, 0.0), ValueError, "level"),
    (th.word_loss_probability, (3, 0), ValueError, "c"),
    (th.word_forgetting_median, (0,), ValueError, "c"),
    (th.word_forgetting_mean_given_loss, (10, 10), ValueError, "c"),
]


@pytest.mark.parametrize(
    "func, args, exc, word", BAD, ids=[f"{b[0].__name__}-{i}" for i, b in enumerate(BAD)]
)
def test_bad_input_names_the_argument(func, args, exc, word):
    with pytest.raises(exc, match=word):
        func(*args)


def test_every_public_function_is_documented():
    for name in th.__all__:
        doc = getattr(th, name).__doc__
        assert doc and len(doc) > 80, name


# ------------------------------------------------------------ property-based checks
SIZE_LISTS = st.lists(st.integers(2, 10**6), min_size=1, max_size=40)


@settings(max_examples=60, deadline=None)
@given(SIZE_LISTS, st.sampled_from(["mle", "unbiased"]), st.floats(1e-6, 1e6, allow_nan=False))
def test_schedule_functions_are_finite_and_in_range(sizes, estimator, sigma2_0):
    G = len(sizes)
    m = th.gaussian_variance_mean(sizes, estimator, sigma2_0)
    assert m.shape == (G + 1,) and np.all((m > 0) & (m <= sigma2_0 * (1 + 1e-12)))
    for f in (
        th.gaussian_variance_variance,
        th.gaussian_sigma_mean,
        th.log_variance_mean,
        th.joint_mean_variance,
    ):
        out = f(sizes, estimator, sigma2_0)
        assert out.shape == (G + 1,) and np.all(np.isfinite(out))
    assert np.all(th.log_variance_variance(sizes) >= 0)
    for scheme in ("replace", "accumulate"):
        assert np.all(np.diff(th.mean_walk_variance(sizes, scheme)) > 0)
    p = th.prob_synthetic_beats_real_by_generation(sizes)
    assert np.all((p[1:] >= 0) & (p[1:] < 0.5))
    v = th.fresh_variance(0.3, sizes, 0.2)
    assert np.all((v >= 0) & (v <= 0.21))
