"""Formulas of the chapter "How fast must the data grow?" against exact computation and Monte Carlo.

Monte Carlo checks draw the actual samples with their own seeded Generators (not the
library's simulator) and accept a deviation of at most 4 standard errors, the standard
error being estimated from the same sample. The inequalities used in the chapter's
proofs are checked on fine grids.
"""

import numpy as np
import pytest
from helpers import Z, assert_mean_matches
from scipy import special, stats

from collapse_lib import schedules as sc
from collapse_lib import theory as th


def _shrunk_chain(rng, sizes, replicates, ddof, c, beta):
    """Replace scheme with the shrunken variance estimator, by drawing the samples."""
    mu = np.zeros(replicates)
    s2 = np.ones(replicates)
    out = [s2]
    for n in sizes:
        x = mu[:, None] + np.sqrt(s2)[:, None] * rng.standard_normal((replicates, n))
        mu = x.mean(axis=1)
        s2 = x.var(axis=1, ddof=ddof) * (1.0 - c * n**-beta)
        out.append(s2)
    return np.stack(out, axis=1)


# ------------------------------------------------------------- shrunken estimator
@pytest.mark.parametrize("estimator, ddof", [("mle", 0), ("unbiased", 1)])
def test_shrink_one_step_is_exact(estimator, ddof):
    n, c, beta = 7, 0.4, 0.5
    factor = 1 - c * n**-beta
    mean = th.shrink_variance_mean([n], estimator, c, beta, 2.0)
    assert mean[1] == pytest.approx(2.0 * (n - 1) / (n - ddof) * factor, rel=1e-13)
    log_mean = th.shrink_log_variance_mean([n], estimator, c, beta, 2.0)
    expected = np.log(2.0) + special.digamma((n - 1) / 2) + np.log(2 / (n - ddof)) + np.log(factor)
    assert log_mean[1] == pytest.approx(expected, rel=1e-13)


@pytest.mark.parametrize("estimator, ddof", [("mle", 0), ("unbiased", 1)])
def test_shrink_moments_monte_carlo(estimator, ddof):
    rng = np.random.default_rng(np.random.SeedSequence(4401))
    sizes = [3, 5, 8, 12, 20, 30]
    c, beta = 0.5, 0.5
    s2 = _shrunk_chain(rng, sizes, 40_000, ddof, c, beta)
    assert_mean_matches(s2[:, 1:], th.shrink_variance_mean(sizes, estimator, c, beta)[1:])
    assert_mean_matches(
        np.log(s2[:, 1:]), th.shrink_log_variance_mean(sizes, estimator, c, beta)[1:]
    )


def test_shrink_reduces_to_the_plain_estimator_as_c_vanishes():
    sizes = sc.power(5, 1.5)
    plain = th.gaussian_variance_mean(sizes, "unbiased", generations=50)
    tiny = th.shrink_variance_mean(sizes, "unbiased", 1e-12, 0.5, generations=50)
    np.testing.assert_allclose(tiny, plain, rtol=1e-9)


def test_shrink_limit_follows_the_bias_criterion():
    # unbiased base: E sigma^2_T -> prod (1 - c n_t^-beta), positive iff p * beta > 1
    c, beta = 0.5, 0.5
    G = 100_000
    slow = th.shrink_variance_mean(sc.power(10, 1.5), "unbiased", c, beta, generations=G)
    fast = th.shrink_variance_mean(sc.power(10, 2.5), "unbiased", c, beta, generations=G)
    # p = 1.5: log E sigma^2_T ~ -c n0^-beta * 4 T^(1/4) keeps falling
    assert slow[-1] < 0.5 * slow[1000]
    # p = 2.5: -log E sigma^2_T <= 2 c n0^-beta zeta(p beta) for every T
    bound = 2 * c * 10**-beta * special.zeta(2.5 * beta)
    assert np.all(-np.log(fast) <= bound) and fast[-1] > 0.3


# ---------------------------------------------------------- Poisson survival
@pytest.mark.parametrize("n, lam0", [(1, 0.7), (10, 0.5), (40, 0.05)])
def test_poisson_survival_by_generation_matches_constant_schedule(n, lam0):
    k = np.arange(0, 301)
    np.testing.assert_allclose(
        th.poisson_survival_by_generation(n, lam0, generations=300),
        th.poisson_survival(k, n, lam0),
        rtol=1e-12,
        atol=1e-15,
    )


def test_poisson_survival_by_generation_exact_small_growing_schedule():
    sizes, lam0 = [2, 3, 5], 0.8
    s = np.arange(200)  # totals K_t = n_t Lambda_t
    p1 = stats.poisson.pmf(s, sizes[0] * lam0)
    # K_{t} | K_{t-1} ~ Poisson(n_t K_{t-1} / n_{t-1})
    t2 = stats.poisson.pmf(s[None, :], sizes[1] * s[:, None] / sizes[0])
    t3 = stats.poisson.pmf(s[None, :], sizes[2] * s[:, None] / sizes[1])
    dead = [p1[0], (p1 @ t2)[0], (p1 @ t2 @ t3)[0]]
    got = th.poisson_survival_by_generation(sizes, lam0)
    assert got[0] == 1.0
    np.testing.assert_allclose(1 - got[1:], dead, rtol=1e-10)


def test_poisson_survival_by_generation_monte_carlo():
    rng = np.random.default_rng(np.random.SeedSequence(4402))
    sizes = sc.sizes(sc.linear(5), 80)
    lam0, R = 0.3, 50_000
    lam = np.full(R, lam0)
    alive = []
    for n in sizes:
        lam = rng.poisson(n * lam) / n
        alive.append(lam > 0)
    p = th.poisson_survival_by_generation(sizes, lam0)[1:]
    hits = np.stack(alive, axis=1).astype(float)
    se = np.sqrt(p * (1 - p) / R)
    np.testing.assert_array_less(np.abs(hits.mean(axis=0) - p), Z * se + 1e-12)


@pytest.mark.parametrize(
    "schedule",
    [sc.constant(3), sc.linear(2), sc.power(1, 1.5), sc.tlog2(4), sc.geometric(1, 1.05)],
    ids=repr,
)
@pytest.mark.parametrize("lam0", [0.05, 1.0, 20.0])
def test_poisson_survival_bounds_in_terms_of_S(schedule, lam0):
    G = 400
    surv = th.poisson_survival_by_generation(schedule, lam0, generations=G)[1:]
    S = np.cumsum(1.0 / sc.sizes(schedule, G))
    lower, upper = -np.expm1(-lam0 / S), -np.expm1(-2 * lam0 / S)
    assert np.all(surv >= lower * (1 - 1e-12)) and np.all(surv <= upper * (1 + 1e-12))


def test_exponential_inequalities_of_the_survival_bounds():
    x = np.concatenate((np.logspace(-8, 3, 20_001), [0.0]))
    g = -np.expm1(-x)
    assert np.all(x / (1 + x) <= g + 1e-16) and np.all(g <= 2 * x / (2 + x) + 1e-16)


# -------------------------------------------------------- digamma bounds of the proofs
def test_digamma_and_trigamma_bounds():
    x = np.logspace(np.log10(0.5), 6, 20_001)
    psi, tri = special.digamma(x), special.polygamma(1, x)
    assert np.all(psi - np.log(x) < -1 / (2 * x)) and np.all(psi - np.log(x) > -1 / x)
    assert np.all(tri < 1 / x + 1 / x**2) and np.all(tri > 1 / x + 1 / (2 * x**2))


def test_drift_bounds_used_in_the_dichotomy():
    n = np.arange(2, 100_001)
    unb, mle = th.log_variance_drift(n, "unbiased"), th.log_variance_drift(n, "mle")
    assert np.all(unb < -1 / (n - 1)) and np.all(mle < -1 / (n - 1) - 1 / n)
    assert np.all(np.abs(mle) <= 6 / n) and np.all(th.log_variance_step_variance(n) <= 12 / n)
    # n delta(n) -> -(2 - ddof)
    assert n[-1] * unb[-1] == pytest.approx(-1, rel=1e-4)
    assert n[-1] * mle[-1] == pytest.approx(-2, rel=1e-4)


# ------------------------------------------------ one-parameter families: exact variances
def test_poisson_rate_variance_is_lam0_times_S_monte_carlo():
    rng = np.random.default_rng(np.random.SeedSequence(4403))
    sizes = [4, 6, 9, 14, 20]
    lam0, R = 1.5, 100_000
    lam = np.full(R, lam0)
    path = []
    for n in sizes:
        lam = rng.poisson(n * lam) / n
        path.append(lam)
    path = np.stack(path, axis=1)
    expected = th.mean_walk_variance(sizes, "replace", sigma2=lam0)[1:]
    dev2 = (path - lam0) ** 2  # the mean lam0 is known exactly (martingale)
    assert_mean_matches(dev2, expected)
    assert_mean_matches(path, lam0)


# ------------------------------------------------------------------------ bad input
BAD = [
    (th.shrink_variance_mean, ([5, 6], "mle", 0.0, 0.5), ValueError, "c"),
    (th.shrink_variance_mean, ([5, 6], "mle", 1.0, 0.5), ValueError, "c"),
    (th.shrink_variance_mean, ([5, 6], "mle", 0.5, 0.0), ValueError, "beta"),
    (th.shrink_variance_mean, ([5, 1], "mle", 0.5, 0.5), ValueError, "sizes"),
    (th.shrink_variance_mean, ([5, 6], "ml", 0.5, 0.5), ValueError, "estimator"),
    (th.shrink_log_variance_mean, (5, "unbiased", 0.5, 0.5), ValueError, "generations"),
    (th.shrink_log_variance_mean, ([5, 6], "unbiased", "a", 0.5), TypeError, "c"),
    (th.poisson_survival_by_generation, ([5, 6], 0.0), ValueError, "lam0"),
    (th.poisson_survival_by_generation, ([5, 0], 1.0), ValueError, "sizes"),
    (th.poisson_survival_by_generation, ([5, 6.0], 1.0), TypeError, "sizes"),
]


@pytest.mark.parametrize(
    "func, args, exc, word", BAD, ids=[f"{b[0].__name__}-{i}" for i, b in enumerate(BAD)]
)
def test_bad_input_names_the_argument(func, args, exc, word):
    with pytest.raises(exc, match=word):
        func(*args)
