"""collapse_lib.theory, Bernoulli and Poisson: Suresh et al.'s iterates, extinction, variance.

Exact checks propagate the Poisson counts' law; Monte Carlo checks draw the counts with
their own seeded Generators (nothing from the library's simulator) and accept a
deviation of at most 4 standard errors, estimated from the same sample. The
inequalities used in the book's survival bounds are checked on fine grids.
"""

import numpy as np
import pytest
from helpers import assert_mean_matches, assert_probability_matches
from scipy import stats

from collapse_lib import schedules as sc
from collapse_lib import theory as th

SIZES = [3, 4, 6, 9, 5]


# --------------------------------------------------------------- Suresh et al.
def test_g_iterate_bracket_and_asymptote():
    t = np.arange(1, 100_001)
    g = th.g_iterate(t)
    assert th.g_iterate(0) == np.inf and th.g_iterate(1) == 1.0
    assert np.all(g >= 1 / t) and np.all(g <= 3 / t)
    np.testing.assert_allclose(g[1:], -np.expm1(-g[:-1]), rtol=1e-15)
    assert t[-1] * g[-1] == pytest.approx(2, rel=1e-3)


@pytest.mark.parametrize("n, lam", [(1, 0.7), (5, 0.4), (20, 1.5)])
def test_poisson_survival_exact_small_t(n, lam):
    m = n * lam
    s = np.arange(400)
    pois1 = stats.poisson.pmf(s, m)  # S_1
    assert 1 - th.poisson_survival(1, n=n, lam=lam) == pytest.approx(np.exp(-m), rel=1e-12)
    assert 1 - th.poisson_survival(2, n=n, lam=lam) == pytest.approx(pois1 @ np.exp(-s), rel=1e-10)
    trans = stats.poisson.pmf(s[None, :], s[:, None])  # S_2 given S_1
    p3 = pois1 @ trans @ np.exp(-s)
    assert 1 - th.poisson_survival(3, n=n, lam=lam) == pytest.approx(p3, rel=1e-10)
    assert th.poisson_survival(0, n=n, lam=lam) == 1.0


def test_poisson_survival_monte_carlo():
    rng = np.random.default_rng(np.random.SeedSequence(2718))
    n, lam, R, K = 10, 0.5, 50_000, 60
    S = np.full(R, n * lam)
    alive = []
    for _ in range(K):
        S = rng.poisson(S)  # n * Lambda_t given n * Lambda_{t-1}
        alive.append(S > 0)
    assert_probability_matches(
        np.stack(alive, axis=1), th.poisson_survival(np.arange(1, K + 1), n=n, lam=lam)
    )


# ------------------------------------------------------- survival, any schedule
@pytest.mark.parametrize("n, lam", [(1, 0.7), (10, 0.5), (40, 0.05)])
def test_poisson_survival_by_generation_matches_constant_schedule(n, lam):
    t = np.arange(0, 301)
    np.testing.assert_allclose(
        th.poisson_survival_by_generation(sizes=n, lam=lam, generations=300),
        th.poisson_survival(t, n=n, lam=lam),
        rtol=1e-12,
        atol=1e-15,
    )


def test_poisson_survival_by_generation_exact_small_growing_schedule():
    sizes, lam = [2, 3, 5], 0.8
    s = np.arange(200)  # totals K_t = n_t Lambda_t
    p1 = stats.poisson.pmf(s, sizes[0] * lam)
    # K_{t} | K_{t-1} ~ Poisson(n_t K_{t-1} / n_{t-1})
    t2 = stats.poisson.pmf(s[None, :], sizes[1] * s[:, None] / sizes[0])
    t3 = stats.poisson.pmf(s[None, :], sizes[2] * s[:, None] / sizes[1])
    dead = [p1[0], (p1 @ t2)[0], (p1 @ t2 @ t3)[0]]
    got = th.poisson_survival_by_generation(sizes=sizes, lam=lam)
    assert got[0] == 1.0
    np.testing.assert_allclose(1 - got[1:], dead, rtol=1e-10)


def test_poisson_survival_by_generation_monte_carlo():
    rng = np.random.default_rng(np.random.SeedSequence(4402))
    sizes = sc.sizes(sc.linear(5), 80)
    lam, R = 0.3, 50_000
    rate = np.full(R, lam)
    alive = []
    for n in sizes:
        rate = rng.poisson(n * rate) / n
        alive.append(rate > 0)
    p = th.poisson_survival_by_generation(sizes=sizes, lam=lam)[1:]
    assert_probability_matches(np.stack(alive, axis=1), p)


@pytest.mark.parametrize(
    "schedule",
    [sc.constant(3), sc.linear(2), sc.power(1, 1.5), sc.tlog2(4), sc.geometric(1, 1.05)],
    ids=repr,
)
@pytest.mark.parametrize("lam", [0.05, 1.0, 20.0])
def test_poisson_survival_bounds_in_terms_of_S(schedule, lam):
    G = 400
    surv = th.poisson_survival_by_generation(sizes=schedule, lam=lam, generations=G)[1:]
    S = np.cumsum(1.0 / sc.sizes(schedule, G))
    lower, upper = -np.expm1(-lam / S), -np.expm1(-2 * lam / S)
    assert np.all(surv >= lower * (1 - 1e-12)) and np.all(surv <= upper * (1 + 1e-12))


def test_exponential_inequalities_of_the_survival_bounds():
    x = np.concatenate((np.logspace(-8, 3, 20_001), [0.0]))
    g = -np.expm1(-x)
    assert np.all(x / (1 + x) <= g + 1e-16) and np.all(g <= 2 * x / (2 + x) + 1e-16)


# ------------------------------------------------------------- the rate's variance
def test_poisson_rate_variance_is_lam_times_S_monte_carlo():
    rng = np.random.default_rng(np.random.SeedSequence(4403))
    sizes = [4, 6, 9, 14, 20]
    lam, R = 1.5, 100_000
    rate = np.full(R, lam)
    path = []
    for n in sizes:
        rate = rng.poisson(n * rate) / n
        path.append(rate)
    path = np.stack(path, axis=1)
    expected = th.mean_walk_variance(sizes=sizes, scheme="replace", sigma2=lam)[1:]
    np.testing.assert_allclose(
        th.poisson_rate_variance(sizes=sizes, lam=lam)[1:], expected, rtol=1e-12
    )
    assert_mean_matches((path - lam) ** 2, expected)  # the mean lam is known exactly
    assert_mean_matches(path, lam)


@pytest.mark.parametrize("scheme", ["replace", "accumulate"])
@pytest.mark.parametrize("fresh", [0.0, 0.3])
def test_poisson_rate_variance_matches_samples(scheme, fresh):
    rng, lam, R = np.random.default_rng(np.random.SeedSequence([20250601, 7])), 2.0, 40_000
    rate = np.full(R, lam)
    total, count = np.zeros(R), 0
    path = [rate.copy()]
    for n in SIZES:
        real = rng.random((R, n)) < fresh
        x = rng.poisson(np.where(real, lam, rate[:, None]))
        if scheme == "replace":
            rate = x.mean(axis=1)
        else:
            total, count = total + x.sum(axis=1), count + n
            rate = total / count
        path.append(rate)
    path = np.stack(path, axis=1)
    assert_mean_matches(path[:, 1:], lam)
    expected = th.poisson_rate_variance(sizes=SIZES, lam=lam, scheme=scheme, fresh=fresh)
    assert_mean_matches((path - lam) ** 2, expected)


def test_poisson_rate_variance_without_fresh_is_mean_walk():
    for scheme in ("replace", "accumulate"):
        np.testing.assert_allclose(
            th.poisson_rate_variance(sizes=10, lam=3.0, scheme=scheme, generations=30),
            th.mean_walk_variance(sizes=10, scheme=scheme, sigma2=3.0, generations=30),
            rtol=1e-12,
        )


@pytest.mark.parametrize("schedule", [sc.power(10, 1.5), sc.power(3, 2.0), sc.tlog2(5)])
def test_poisson_survival_forever_brackets_later_rounds(schedule):
    # the bracket from G rounds contains P(Lambda_t != 0) computed exactly for t >= G,
    # its upper end is the value at G, and more rounds narrow it
    G, G_far, lam = 200, 20_000, 0.3
    n = schedule(np.arange(1, G_far + 1))
    tail_far = 1.0  # a valid (generous) bound on sum_{t > G_far} 1/n_t for these schedules
    low, high = th.poisson_survival_forever(
        sizes=n[:G], lam=lam, tail=float(np.sum(1.0 / n[G:])) + tail_far
    )
    later = th.poisson_survival_by_generation(sizes=n[:1000], lam=lam)
    assert high == pytest.approx(later[G], rel=1e-12)
    assert low <= later[-1] <= high
    low2, high2 = th.poisson_survival_forever(sizes=n, lam=lam, tail=tail_far)
    assert low <= low2 <= high2 <= later[-1]


def test_poisson_survival_forever_is_zero_for_a_divergent_schedule():
    # a constant schedule has S_T = T / n: the upper end is 1 - exp(-lam n g_T) -> 0
    low, high = th.poisson_survival_forever(sizes=10, generations=10_000, lam=0.5, tail=0.0)
    assert low == pytest.approx(high)
    assert high == pytest.approx(th.poisson_survival(10_000, n=10, lam=0.5), rel=1e-9)
    assert high < 1e-2


def test_poisson_survival_forever_tail_slope_at_most_one():
    # the slope (x / (2 sinh(x/2)))^2 of the backward map in u = 1/y is at most 1
    x = np.logspace(-4, 2.5, 200)
    slope = (x / (2 * np.sinh(x / 2))) ** 2
    assert np.all((slope > 0) & (slope <= 1))
    for n in (1.0, 7.0):
        u = np.logspace(-3, 2, 100)
        k = 1 / (-n * np.expm1(-1 / (n * u)))
        assert np.all(np.diff(k) / np.diff(u) <= 1 + 1e-9)
        assert np.all(k <= u + 1 / n + 1e-12)


def test_poisson_survival_forever_monte_carlo_for_t_squared():
    # with n_t = 20 t^2 most extinctions happen early: by round 60 the simulated survival
    # lies above the lower end of the bracket (up to sampling error)
    rng = np.random.default_rng(np.random.SeedSequence(94))
    G, R, lam = 60, 40_000, 0.1
    n = sc.power(20, 2.0)(np.arange(1, G + 1))
    rate = np.full(R, lam)
    for nt in n:
        rate = rng.poisson(nt * rate) / nt
    low, high = th.poisson_survival_forever(sizes=n, lam=lam, tail=1 / (20 * G))
    exact_G = th.poisson_survival_by_generation(sizes=n, lam=lam)[-1]
    assert high == pytest.approx(exact_G)
    assert_probability_matches(rate > 0, exact_G)
    assert 0 < low < high


# ------------------------------------------------ Bernoulli: exact survival and bracket
@pytest.mark.parametrize("n, p", [(1, 0.3), (4, 0.2), (12, 0.05)])
def test_bernoulli_survival_first_rounds_by_hand(n, p):
    q = 1 - p
    assert th.bernoulli_survival(0, n=n, p=p) == 1.0
    assert th.bernoulli_survival(1, n=n, p=p) == pytest.approx(1 - q**n, rel=1e-12)
    both = th.bernoulli_survival(1, n=n, p=p, two_sided=True)
    assert both == pytest.approx(1 - q**n - p**n, abs=1e-14)
    # round 2: P(P_2 = 0) = sum_j Bin(j; n, p) (1 - j/n)^n
    j = np.arange(n + 1)
    dead = (stats.binom.pmf(j, n, p) * (1 - j / n) ** n).sum()
    assert th.bernoulli_survival(2, n=n, p=p) == pytest.approx(1 - dead, rel=1e-12)


def test_bernoulli_survival_monte_carlo():
    rng = np.random.default_rng(np.random.SeedSequence(4242))
    n, p, R, T = 50, 0.04, 20_000, 30
    counts, alive, both = np.full(R, n * p), [], []
    for _ in range(T):
        counts = rng.binomial(n, counts / n)
        alive.append(counts > 0)
        both.append((counts > 0) & (counts < n))
    t = np.arange(1, T + 1)
    assert_probability_matches(np.stack(alive, 1), th.bernoulli_survival(t, n=n, p=p))
    assert_probability_matches(
        np.stack(both, 1), th.bernoulli_survival(t, n=n, p=p, two_sided=True)
    )


def test_bernoulli_bracket_contains_the_exact_value():
    k = np.arange(0, 121)
    for n in (5, 30, 100, 400):
        for p in (0.002, 0.01, 0.05, 0.2, 0.5, 0.8):
            for two_sided in (False, True):
                exact = th.bernoulli_survival(k, n=n, p=p, two_sided=two_sided)
                low, high = th.bernoulli_survival_bracket(k, n=n, p=p, two_sided=two_sided)
                assert np.all(low <= exact + 1e-12) and np.all(exact <= high + 1e-12)
                assert low[0] == high[0] == 1.0


def test_bernoulli_bracket_formula():
    k = np.arange(1, 40)
    n, p = 100, 0.01
    g = th.g_iterate(k)
    low, high = th.bernoulli_survival_bracket(k, n=n, p=p)
    np.testing.assert_allclose(low, th.poisson_survival(k, n=n, lam=p), rtol=1e-12)
    cut = np.maximum(1 - 3 * n * p**2 - 3 * (k + 1) * p, 0)
    np.testing.assert_allclose(high, 1 - np.exp(-n * p * g) * cut, rtol=1e-12)
    low2, high2 = th.bernoulli_survival_bracket(k, n=n, p=p, two_sided=True)
    np.testing.assert_allclose(low2, low - np.exp(-n * (1 - p) * g), rtol=1e-12)
    assert np.all(high2 <= high)
