"""The collapse constructions of Barzilai and Shamir and the power-law family: sampling,
exact MLE (against a brute-force search), the properties the proofs use, Theorem 5.1.

Statistical checks use seeded generators and tolerances of 4 standard errors.
"""

import numpy as np
import pytest
from helpers import Z
from scipy import stats

import collapse_lib as cl
from collapse_lib.book import mean_se


def _rng(key):
    return np.random.default_rng(np.random.SeedSequence([20251123, key]))


# --- the power-law family ---------------------------------------------------------------


def test_power_law_mle_and_exact_draw_agree():
    # sampled and exact paths have the same law (first round: theta_1 = n / Gamma(n))
    n, R = 20, 20_000
    a = cl.simulate(
        cl.PowerLaw(0.5), generations=1, sizes=n, replicates=R, seed=1, method="samples"
    )["theta"][:, 1]
    b = cl.simulate(cl.PowerLaw(0.5), generations=1, sizes=n, replicates=R, seed=2, method="exact")[
        "theta"
    ][:, 1]
    for x in (a, b):
        m, se = mean_se(x / 0.5)
        assert abs(m - n / (n - 1)) < Z * se  # E[n / Gamma(n)] = n / (n - 1)
        sq, se = mean_se((x / 0.5 - 1) ** 2)
        assert abs(sq - (n + 2) / ((n - 1) * (n - 2))) < Z * se
    assert stats.ks_2samp(a, b).pvalue > 1e-4


def test_power_law_is_scale_invariant():
    # the law of theta_t / theta* does not depend on theta*: the same seed gives the same ratios
    runs = [
        cl.simulate(
            cl.PowerLaw(th), generations=5, sizes=7, replicates=50, scheme="accumulate", seed=3
        )["theta"]
        / th
        for th in (0.1, 1.0, 7.0)
    ]
    np.testing.assert_allclose(runs[0], runs[1], rtol=1e-12)
    np.testing.assert_allclose(runs[2], runs[1], rtol=1e-12)


def test_power_law_sampler_matches_its_density():
    fam = cl.PowerLaw(0.4)
    # X = exp(-E / theta) with E standard exponential, as the family draws
    e = _rng(1).standard_exponential(20_000)
    x = np.exp(-e / 0.4)
    assert stats.kstest(x, lambda v: v**0.4).pvalue > 1e-4
    assert fam._fit({"count": x.size, "total": -np.log(x).sum()})["theta"] == pytest.approx(
        x.size / -np.log(x).sum()
    )


def test_power_law_rejects_bad_theta():
    for bad in (0.0, -1.0, float("nan")):
        with pytest.raises(ValueError, match="theta"):
            cl.PowerLaw(bad)


# --- the first construction -----------------------------------------------------------


def _density(fam, x, alpha, mu):
    """p_{alpha, mu}(x) written out from the definition (independently of the library)."""
    f = float(np.exp(fam._log_width(alpha)))
    p = 0.5 * ((x >= 0) & (x <= 1))
    if alpha < 0.5:
        p = p + (1 - alpha) / 2 / (1 - 2 * alpha) * ((x >= 0) & (x <= 1 - 2 * alpha))
    p = p + alpha / 4 * ((x >= 2) & (x <= 3))
    if f > 0:
        p = p + alpha / 4 / f * ((x >= mu) & (x <= mu + f))
    return p


@pytest.mark.parametrize("alpha,mu", [(0.0, 2.0), (0.05, 2.3), (0.1, 2.9), (0.2, 2.5)])
def test_spike_sampler_density_and_tv(alpha, mu):
    fam = cl.BarzilaiShamirSpike(3, rate=30.0)  # f(0.2) = e^{-9}/39: resolved
    f = float(np.exp(fam._log_width(alpha)))
    # the density is piecewise constant: a midpoint rule on a grid through every jump
    grid = np.unique(np.concatenate([np.linspace(-0.5, 3.5, 4_001), [1 - 2 * alpha, mu, mu + f]]))
    mid, dx = (grid[1:] + grid[:-1]) / 2, np.diff(grid)
    p = _density(fam, mid, alpha, mu)
    assert np.sum(p * dx) == pytest.approx(1.0, rel=1e-9)
    tv = 0.5 * np.sum(np.abs(p - ((mid >= 0) & (mid <= 1))) * dx)
    assert tv == pytest.approx(
        float(fam.tv_to_truth({"alpha": alpha, "mu": mu})), rel=1e-9, abs=1e-12
    )
    x = fam._draw_rows(_rng(2), 40_000, alpha=np.array([alpha]), mu=np.array([mu]))[0]
    cdf_grid = np.concatenate([[0.0], np.cumsum(p * dx)])
    assert stats.kstest(x, lambda v: np.interp(v, grid, cdf_grid)).pvalue > 1e-4


def _brute_force(fam, x, alphas):
    """max over a grid of alpha and over every window position of the log-likelihood."""
    unit, top = x[x <= 1], x[x >= 2]
    best = -np.inf
    for a in alphas:
        f = float(np.exp(fam._log_width(a)))
        k = max((np.sum((top >= y) & (top <= y + f)) for y in top), default=0)
        low = np.sum(unit <= 1 - 2 * a)
        best = max(
            best,
            fam._log_likelihood(np.array([a]), low, unit.size - low, top.size, np.array([k]))[0],
        )
    return best


@pytest.mark.parametrize("key", range(12))
def test_spike_mle_is_exact(key):
    # resolved widths (small n, rate): compare with a fine grid search
    fam = cl.BarzilaiShamirSpike(2, rate=30.0)
    rng = _rng(100 + key)
    unit = rng.random(rng.integers(3, 15))
    top = np.concatenate(
        [2 + rng.random(rng.integers(0, 4)), 2.4 + 0.01 * rng.random(rng.integers(0, 4))]
    )
    x = np.sort(np.concatenate([unit, top]))
    a, mu = fam._fit_row(x, 0.0, 2.0)
    low = np.sum(unit <= 1 - 2 * a)
    f = float(np.exp(fam._log_width(a)))
    k = np.sum((top >= mu) & (top <= mu + f))
    got = fam._log_likelihood(np.array([a]), low, unit.size - low, top.size, np.array([k]))[0]
    grid = np.linspace(0, 0.25, 20_001)[1:]
    assert got >= _brute_force(fam, x, grid) - 1e-9
    assert 2 <= mu <= 3 - f


@pytest.mark.parametrize("n", [20, 200])
def test_spike_first_fit_bounds(n):
    # alpha_1 >= (1 - x_max) / 2 always, and P(alpha_1 > 2 log n / n) <= 1 / n
    fam = cl.BarzilaiShamirSpike(n)
    rng = _rng(n)
    big = 0
    R = 2_000
    for _ in range(R):
        x = np.sort(rng.random(n))
        a, _ = fam._fit_row(x, 0.0, 2.0)
        assert a >= (1 - x[-1]) / 2 - 1e-15
        big += a > 2 * np.log(n) / n
    assert big / R < 1 / n


@pytest.mark.parametrize("key", range(20))
def test_spike_one_point_in_2_3_captures(key):
    # the property of f Theorem 5.1 uses: <= 2n points in [0, 1] and 1..n in [2, 3]
    # give alpha > 1/10, whatever the points
    rng = _rng(200 + key)
    n = int(rng.integers(2, 200))
    fam = cl.BarzilaiShamirSpike(n, rate=30.0)
    unit = rng.random(rng.integers(1, 2 * n + 1)) ** rng.uniform(0.2, 5)
    top = 2 + rng.random(rng.integers(1, n + 1))
    a, mu = fam._fit_row(np.sort(np.concatenate([unit, top])), 0.0, 2.0)
    assert a > 0.1
    assert np.any(top == mu) or np.any(np.abs(top - mu) <= fam._width(a))


def test_spike_keeps_mu_when_nothing_lies_in_2_3():
    fam = cl.BarzilaiShamirSpike(10)
    a, mu = fam._fit_row(np.sort(_rng(3).random(10)), 0.01, 2.7)
    assert mu == 2.7 and 0 < a < 0.25


def test_theorem_5_1_probability_does_not_shrink():
    # P(TV(theta_2) > 1/10) at n = 20 and n = 2000 agree within 4 standard errors and is
    # bounded away from 0, while TV(theta_1) <= log(n)/n in all but a fraction 1/n
    R = 1_500
    hit = {}
    for n in (20, 2000):
        fam = cl.BarzilaiShamirSpike(n)
        run = cl.simulate(fam, generations=2, sizes=n, replicates=R, scheme="accumulate", seed=n)
        tv = fam.tv_to_truth(run)
        hit[n] = tv[:, 2] > 0.1
        assert np.mean(tv[:, 1] > 2 * np.log(n) / n) < 1 / n + Z * np.sqrt(1 / n / R)
    (p1, s1), (p2, s2) = mean_se(hit[20]), mean_se(hit[2000])
    assert abs(p1 - p2) < Z * np.hypot(s1, s2)
    assert p2 > 0.1


def test_spike_bad_input():
    with pytest.raises(ValueError, match="n"):
        cl.BarzilaiShamirSpike(1)
    with pytest.raises(TypeError, match="n"):
        cl.BarzilaiShamirSpike(2.5)
    with pytest.raises(ValueError, match="rate"):
        cl.BarzilaiShamirSpike(10, rate=5.0)
    fam = cl.BarzilaiShamirSpike(10)
    with pytest.raises(ValueError, match="alpha"):
        fam.tv_to_truth({"alpha": 0.3})
    with pytest.raises(ValueError, match="theta"):
        fam.tv_to_truth({"mu": 2.0})
    with pytest.raises(ValueError, match="support"):
        fam._fit({"x": np.array([[0.5, 1.5]])}, {"alpha": np.zeros(1), "mu": np.full(1, 2.0)})


def test_spike_refuses_runs_that_do_not_fit_in_memory():
    fam = cl.BarzilaiShamirSpike(10)
    with pytest.raises(ValueError, match="max_bytes"):
        cl.simulate(fam, generations=1000, sizes=10**6, replicates=100, scheme="accumulate")


@pytest.mark.parametrize("n", [20, 500])
def test_spike_capture_lower_bound(n):
    # c_n = 1 - int_0^1 n x^(n-1) ((3 + x)/4)^n dx: the probability that a synthetic draw
    # lands in [2, 3] when alpha_1 = (1 - x_max)/2, a lower bound for P(alpha_2 > 1/10)
    from scipy import integrate

    c_n = (
        1
        - integrate.quad(
            lambda x: n * x ** (n - 1) * ((3 + x) / 4) ** n, 0, 1, points=[1 - 10 / n]
        )[0]
    )
    x_max = _rng(300 + n).random((50_000, n)).max(axis=1)
    m, se = mean_se(1 - (1 - (1 - x_max) / 4) ** n)
    assert abs(m - c_n) < Z * se
    fam = cl.BarzilaiShamirSpike(n)
    run = cl.simulate(
        fam, generations=2, sizes=n, replicates=1_500, scheme="accumulate", seed=7 + n
    )
    p, se = mean_se(fam.tv_to_truth(run)[:, 2] > 0.1)
    assert p > c_n - Z * se
