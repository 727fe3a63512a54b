"""The exact law of the log-variance walk and the rates of the chapter on the random walk.

Checks ``log_variance_cdf``, ``log_variance_quantile``, ``sigma_tail_probability``,
``sigma_tail_rate`` and ``sigma_halving_time_approx`` against exact one- and two-step
computations and against Monte Carlo runs of the recursion
:math:`\\sigma_t^2 = \\sigma_{t-1}^2 \\chi^2_{n-1}/(n - \\mathrm{ddof})` drawn with their
own seeded Generators. Monte Carlo comparisons allow 4 standard errors.
"""

import numpy as np
import pytest
from helpers import Z
from scipy import integrate, special, stats

from collapse_lib import theory as th

DDOF = {"mle": 0, "unbiased": 1}


def _log_walk(rng, n, ddof, t, replicates):
    """log sigma^2_t - log sigma^2_0 after t rounds, by drawing the chi-square factors."""
    return np.log(rng.chisquare(n - 1, size=(replicates, t)) / (n - ddof)).sum(axis=1)


@pytest.mark.parametrize("estimator", ["mle", "unbiased"])
@pytest.mark.parametrize("n", [2, 3, 20, 300])
def test_cdf_one_round_is_the_scaled_chi_square(estimator, n):
    d = n - DDOF[estimator]
    x = np.linspace(-12.0, 2.5, 400)
    np.testing.assert_allclose(
        th.log_variance_cdf(x, n, estimator, 1),
        stats.chi2.cdf(d * np.exp(x), n - 1),
        rtol=0,
        atol=1e-13,
    )
    # sigma2_0 shifts the law; the upper tail keeps its accuracy far out
    np.testing.assert_allclose(
        th.log_variance_cdf(x + np.log(3.0), n, estimator, 1, 3.0),
        stats.chi2.cdf(d * np.exp(x), n - 1),
        rtol=0,
        atol=1e-13,
    )
    for level in np.exp(np.linspace(-1.0, 0.6, 9)):
        sf = stats.chi2.sf(d * level**2, n - 1)
        assert th.sigma_tail_probability(1, n, level, estimator) == pytest.approx(sf, abs=1e-13)
        assert th.sigma_tail_probability(1, n, 2 * level, estimator, sigma0=2.0) == pytest.approx(
            sf, abs=1e-13
        )


@pytest.mark.parametrize("estimator", ["mle", "unbiased"])
def test_cdf_two_rounds_by_convolution(estimator):
    n = 6
    d, k = n - DDOF[estimator], n - 1

    def one_step_pdf(x):  # density of log(chi2_k / d)
        return np.exp(stats.chi2.logpdf(d * np.exp(x), k) + np.log(d) + x)

    for y in [-3.0, -1.2, -0.4, 0.0, 0.7]:
        exact = integrate.quad(
            lambda x, y=y: one_step_pdf(x) * stats.chi2.cdf(d * np.exp(y - x), k),
            -60.0,
            5.0,
            epsabs=1e-14,
            limit=400,
        )[0]
        assert th.log_variance_cdf(y, n, estimator, 2) == pytest.approx(exact, abs=1e-11)


@pytest.mark.parametrize("estimator", ["mle", "unbiased"])
def test_cdf_and_quantiles_monte_carlo(estimator):
    rng = np.random.default_rng(np.random.SeedSequence(4242))
    n, t, R = 12, 30, 40_000
    S = _log_walk(rng, n, DDOF[estimator], t, R)
    q = np.array([0.01, 0.1, 0.5, 0.9, 0.99])
    x = th.log_variance_quantile(q, n, estimator, t)
    hits = S[:, None] <= x[None, :]
    se = np.sqrt(q * (1 - q) / R)
    np.testing.assert_array_less(np.abs(hits.mean(axis=0) - q), Z * se)
    probe = np.quantile(S, [0.02, 0.3, 0.7, 0.98])
    F = th.log_variance_cdf(probe, n, estimator, t)
    freq = (S[:, None] <= probe[None, :]).mean(axis=0)
    np.testing.assert_array_less(np.abs(freq - F), Z * np.sqrt(F * (1 - F) / R))


def test_quantile_inverts_cdf_and_broadcasts():
    q = np.array([1e-8, 0.05, 0.5, 0.95, 1 - 1e-8])[:, None]
    t = np.array([0, 1, 2, 7, 60, 1500])[None, :]
    for estimator in ("mle", "unbiased"):
        x = th.log_variance_quantile(q, 15, estimator, t, sigma2_0=2.0)
        assert x.shape == (5, 6)
        np.testing.assert_array_equal(x[:, 0], np.log(2.0))
        F = th.log_variance_cdf(x[:, 1:], 15, estimator, t[:, 1:], sigma2_0=2.0)
        np.testing.assert_allclose(F, np.broadcast_to(q, F.shape), rtol=1e-7, atol=1e-12)
        assert np.all(np.diff(x[:, 1:], axis=0) > 0)
    # far out in time the law is close to normal with the exact mean and variance
    T = 20_000
    m = th.log_variance_mean(15, "unbiased", generations=T)[-1]
    s = np.sqrt(th.log_variance_variance(15, generations=T)[-1])
    x = th.log_variance_quantile([0.1, 0.5, 0.9], 15, "unbiased", T)
    np.testing.assert_allclose((x - m) / s, stats.norm.ppf([0.1, 0.5, 0.9]), atol=0.01)
    assert th.log_variance_cdf(0.0, 15, "mle", 0) == 1.0
    assert th.log_variance_cdf(-1e-9, 15, "mle", 0) == 0.0


@pytest.mark.parametrize("estimator", ["mle", "unbiased"])
def test_tail_probability_monte_carlo_and_suresh_bound(estimator):
    rng = np.random.default_rng(np.random.SeedSequence(8080))
    n, R, level = 10, 40_000, 0.6
    k = np.arange(0, 121, 20)
    S = np.zeros(R)
    freq = [np.mean(S > 2 * np.log(level))]
    for step in np.diff(k):
        S += _log_walk(rng, n, DDOF[estimator], int(step), R)
        freq.append(np.mean(S > 2 * np.log(level)))
    p = th.sigma_tail_probability(k, n, level, estimator)
    assert p[0] == 1.0
    np.testing.assert_array_less(np.abs(np.array(freq) - p), Z * np.sqrt(p * (1 - p) / R) + 1e-12)
    # the exact tail respects the bound of Suresh et al. everywhere on a wide grid
    kk = np.arange(0, 5001, 50)
    for nn in (2, 5, 30, 200):
        for lev in (0.2, 0.8, 1.5):
            exact = th.sigma_tail_probability(kk, nn, lev, estimator)
            assert np.all(exact <= th.gaussian_sigma_tail_bound(kk, nn, lev) + 1e-13)


@pytest.mark.parametrize("estimator", ["mle", "unbiased"])
@pytest.mark.parametrize("n", [2, 4, 25, 400])
def test_tail_rate_minimises_the_moment_function(estimator, n):
    ddof = DDOF[estimator]
    a, d = (n - 1) / 2, n - ddof
    rho, s = th.sigma_tail_rate(n, estimator)
    assert special.digamma(a + s) == pytest.approx(np.log(d / 2), abs=1e-12)
    grid = np.linspace(0.0, 3.0, 30_001)
    log_M = grid * np.log(2 / d) + special.gammaln(a + grid) - special.gammaln(a)
    assert np.log(rho) == pytest.approx(log_M.min(), abs=1e-9)
    assert np.log(rho) <= log_M.min() + 1e-15
    if estimator == "unbiased":
        assert abs(s - 0.5) < 0.1 and rho <= th.bertrand_factor(n, "unbiased")
    else:
        assert abs(s - 1.0) < 0.1 and rho <= (n - 1) / n


@pytest.mark.parametrize("estimator, k1", [("mle", 50), ("unbiased", 200)])
def test_tail_decays_at_the_chernoff_rate(estimator, k1):
    """log P(sigma_k > l) gains log rho per round, up to the k^(-1/2) prefactor of Bahadur-Rao."""
    n, level = 5, 0.5
    rho, _ = th.sigma_tail_rate(n, estimator)
    p = th.sigma_tail_probability(np.array([k1, 2 * k1]), n, level, estimator)
    assert 1e-12 < p[-1] < 1e-3  # well inside the range of the exact inversion (1e-14)
    slope = np.log(p[1] / p[0]) / k1
    # prefactor k^(-1/2) adds -log(2) / (2 k1) to the slope; the rest is O(1/k1^2)
    assert slope == pytest.approx(np.log(rho) - np.log(2) / (2 * k1), rel=0.02)


@pytest.mark.parametrize("n, corrected_error", [(10, 0.08), (20, 0.03), (60, 0.02)])
def test_halving_time_wald_identity_and_approximations(n, corrected_error):
    rng = np.random.default_rng(np.random.SeedSequence(31415 + n))
    R, b = 20_000, np.log(4.0)
    for estimator in ("mle", "unbiased"):
        ddof = DDOF[estimator]
        S, tau = np.zeros(R), np.zeros(R, dtype=int)
        alive, t = np.ones(R, dtype=bool), 0
        while alive.any():
            t += 1
            S[alive] += np.log(rng.chisquare(n - 1, alive.sum()) / (n - ddof))
            hit = alive & (S <= -b)
            tau[hit], alive = t, alive & ~hit
        drift = -th.log_variance_drift(n, estimator)
        se = tau.std(ddof=1) / np.sqrt(R)
        # Wald's identity: E tau = (b + E overshoot) / |drift|, exactly
        wald = tau - (b + (-b - S)) / drift
        assert abs(wald.mean()) < Z * wald.std(ddof=1) / np.sqrt(R)
        plain = th.sigma_halving_time_approx(n, estimator, corrected=False)
        assert plain.mean() == pytest.approx(b / drift, rel=1e-12)
        assert plain.mean() < tau.mean() - Z * se  # b / |drift| is a lower bound
        corr = th.sigma_halving_time_approx(n, estimator).mean()
        assert abs(corr - tau.mean()) < corrected_error * tau.mean() + Z * se
        assert plain.var() == pytest.approx(b * th.log_variance_step_variance(n) / drift**3)


BAD = [
    (th.log_variance_cdf, (0.0, 1, "mle", 3), ValueError, "n"),
    (th.log_variance_cdf, (0.0, 10, "ml", 3), ValueError, "estimator"),
    (th.log_variance_cdf, (np.nan, 10, "mle", 3), ValueError, "x"),
    (th.log_variance_cdf, (0.0, 10, "mle", -1), ValueError, "t"),
    (th.log_variance_cdf, (0.0, 10, "mle", 2, 0.0), ValueError, "sigma2_0"),
    (th.log_variance_quantile, (1.0, 10, "mle", 3), ValueError, "q"),
    (th.log_variance_quantile, (0.0, 10, "mle", 3), ValueError, "q"),
    (th.log_variance_quantile, (0.5, 10.0, "mle", 3), TypeError, "n"),
    (th.sigma_tail_probability, (3, 10, 0.0, "mle"), ValueError, "level"),
    (th.sigma_tail_probability, (3, 10, 0.5, "mle", -1.0), ValueError, "sigma0"),
    (th.sigma_tail_rate, (1, "mle"), ValueError, "n"),
    (th.sigma_tail_rate, (10, "biased"), ValueError, "estimator"),
    (th.sigma_halving_time_approx, (10, "mle", 1.0), ValueError, "factor"),
    (th.sigma_halving_time_approx, (10, "mle", 2.0, "yes"), TypeError, "corrected"),
]


@pytest.mark.parametrize(
    "func, args, exc, word", BAD, ids=[f"{b[0].__name__}-{i}" for i, b in enumerate(BAD)]
)
def test_bad_input_names_the_argument(func, args, exc, word):
    with pytest.raises(exc, match=word):
        func(*args)


def test_quantile_lines_draws_one_dashed_line_per_level():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from collapse_lib import plotting

    g = np.arange(0, 51, 5)
    curves = np.exp(
        th.log_variance_quantile(np.array([0.05, 0.5, 0.95])[:, None], 20, "mle", g[None, :])
    )
    fig, ax = plt.subplots()
    out = plotting.quantile_lines(g, curves, ax=ax, log=True, ylabel="variance")
    assert out is ax and len(ax.lines) == 3 and ax.get_yscale() == "log"
    assert next(line.get_label() for line in ax.lines) == "exact quantiles"
    np.testing.assert_array_equal(ax.lines[1].get_ydata(), curves[1])
    with pytest.raises(ValueError, match="values"):
        plotting.quantile_lines(g, curves[:, :-1], ax=ax)
    plt.close(fig)
