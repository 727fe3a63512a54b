"""collapse_lib.theory, the exact law of the log-variance walk and the tails of sigma.

Checks ``log_variance_cdf``, ``log_variance_quantile``, the tail probability, rate and
bound of the fitted standard deviation and the halving-time approximation against exact
one- and two-round computations and against Monte Carlo runs of the recursion
:math:`\\sigma_t^2 = \\sigma_{t-1}^2 \\chi^2_{n-1}/(n - \\mathrm{ddof})` drawn with their
own seeded Generators. Monte Carlo comparisons allow 4 standard errors.
"""

import numpy as np
import pytest
from helpers import Z, assert_mean_matches, assert_probability_matches
from scipy import integrate, special, stats

from collapse_lib import theory as th

DDOF = {"mle": 0, "unbiased": 1}


def _log_walk(rng, n, ddof, t, replicates, path=False):
    """log sigma^2_t - log sigma^2_0 after t rounds (every round if ``path``), by drawing
    the chi-square factors."""
    steps = np.log(rng.chisquare(n - 1, size=(replicates, t)) / (n - ddof))
    return np.cumsum(steps, axis=1) if path else steps.sum(axis=1)


# ---------------------------------------------------------------- the exact law
@pytest.mark.parametrize("estimator", ["mle", "unbiased"])
@pytest.mark.parametrize("n", [2, 3, 20, 300])
def test_cdf_one_round_is_the_scaled_chi_square(estimator, n):
    d = n - DDOF[estimator]
    x = np.linspace(-12.0, 2.5, 400)
    np.testing.assert_allclose(
        th.log_variance_cdf(x, 1, n=n, estimator=estimator),
        stats.chi2.cdf(d * np.exp(x), n - 1),
        rtol=0,
        atol=1e-13,
    )
    # sigma2 shifts the law; the upper tail keeps its accuracy far out
    np.testing.assert_allclose(
        th.log_variance_cdf(x + np.log(3.0), 1, n=n, estimator=estimator, sigma2=3.0),
        stats.chi2.cdf(d * np.exp(x), n - 1),
        rtol=0,
        atol=1e-13,
    )
    tail = th.gaussian_sigma_tail_probability
    for level in np.exp(np.linspace(-1.0, 0.6, 9)):
        sf = stats.chi2.sf(d * level**2, n - 1)
        assert tail(1, n=n, level=level, estimator=estimator) == pytest.approx(sf, abs=1e-13)
        p = tail(1, n=n, level=2 * level, estimator=estimator, sigma2=4.0)
        assert p == pytest.approx(sf, abs=1e-13)


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
        cdf = th.log_variance_cdf(y, 2, n=n, estimator=estimator)
        assert cdf == pytest.approx(exact, abs=1e-11)


@pytest.mark.parametrize("estimator", ["mle", "unbiased"])
def test_cdf_and_quantiles_monte_carlo(estimator):
    rng = np.random.default_rng(np.random.SeedSequence(4242))
    n, t, R = 12, 30, 40_000
    S = _log_walk(rng, n, DDOF[estimator], t, R)
    q = np.array([0.01, 0.1, 0.5, 0.9, 0.99])
    x = th.log_variance_quantile(q, t, n=n, estimator=estimator)
    assert_probability_matches(S[:, None] <= x[None, :], q)
    probe = np.quantile(S, [0.02, 0.3, 0.7, 0.98])
    F = th.log_variance_cdf(probe, t, n=n, estimator=estimator)
    assert_probability_matches(S[:, None] <= probe[None, :], F)


def test_quantile_inverts_cdf_and_broadcasts():
    q = np.array([1e-8, 0.05, 0.5, 0.95, 1 - 1e-8])[:, None]
    t = np.array([0, 1, 2, 7, 60, 1500])[None, :]
    for estimator in ("mle", "unbiased"):
        x = th.log_variance_quantile(q, t, n=15, estimator=estimator, sigma2=2.0)
        assert x.shape == (5, 6)
        np.testing.assert_array_equal(x[:, 0], np.log(2.0))
        F = th.log_variance_cdf(x[:, 1:], t[:, 1:], n=15, estimator=estimator, sigma2=2.0)
        np.testing.assert_allclose(F, np.broadcast_to(q, F.shape), rtol=1e-7, atol=1e-12)
        assert np.all(np.diff(x[:, 1:], axis=0) > 0)
    # far out in time the law is close to normal with the exact mean and variance
    T = 20_000
    m = th.log_variance_mean(sizes=15, estimator="unbiased", generations=T)[-1]
    s = np.sqrt(th.log_variance_variance(sizes=15, generations=T)[-1])
    x = th.log_variance_quantile([0.1, 0.5, 0.9], T, n=15, estimator="unbiased")
    np.testing.assert_allclose((x - m) / s, stats.norm.ppf([0.1, 0.5, 0.9]), atol=0.01)
    assert th.log_variance_cdf(0.0, 0, n=15, estimator="mle") == 1.0
    assert th.log_variance_cdf(-1e-9, 0, n=15, estimator="mle") == 0.0


# ------------------------------------------------------------------- tails of sigma
@pytest.mark.parametrize("estimator", ["mle", "unbiased"])
def test_tail_probability_monte_carlo_and_suresh_bound(estimator):
    rng = np.random.default_rng(np.random.SeedSequence(8080))
    n, R, level = 10, 40_000, 0.6
    k = np.arange(0, 121, 20)
    S = np.zeros(R)
    hits = [S > 2 * np.log(level)]
    for step in np.diff(k):
        S += _log_walk(rng, n, DDOF[estimator], int(step), R)
        hits.append(S > 2 * np.log(level))
    p = th.gaussian_sigma_tail_probability(k, n=n, level=level, estimator=estimator)
    assert p[0] == 1.0
    assert_probability_matches(np.stack(hits, axis=1), p)
    # the exact tail respects the bound of Suresh et al. everywhere on a wide grid
    kk = np.arange(0, 5001, 50)
    for nn in (2, 5, 30, 200):
        for lev in (0.2, 0.8, 1.5):
            exact = th.gaussian_sigma_tail_probability(kk, n=nn, level=lev, estimator=estimator)
            assert np.all(exact <= th.gaussian_sigma_tail_bound(kk, n=nn, level=lev) + 1e-13)


@pytest.mark.parametrize("estimator", ["mle", "unbiased"])
@pytest.mark.parametrize("n", [2, 4, 25, 400])
def test_tail_rate_minimises_the_moment_function(estimator, n):
    ddof = DDOF[estimator]
    a, d = (n - 1) / 2, n - ddof
    rho, s = th.gaussian_sigma_tail_rate(n=n, estimator=estimator)
    assert special.digamma(a + s) == pytest.approx(np.log(d / 2), abs=1e-12)
    grid = np.linspace(0.0, 3.0, 30_001)
    log_M = grid * np.log(2 / d) + special.gammaln(a + grid) - special.gammaln(a)
    assert np.log(rho) == pytest.approx(log_M.min(), abs=1e-9)
    assert np.log(rho) <= log_M.min() + 1e-15
    if estimator == "unbiased":
        assert abs(s - 0.5) < 0.1 and rho <= th.gaussian_sigma_factor(n=n, estimator="unbiased")
    else:
        assert abs(s - 1.0) < 0.1 and rho <= (n - 1) / n


@pytest.mark.parametrize("estimator, k1", [("mle", 50), ("unbiased", 200)])
def test_tail_decays_at_the_chernoff_rate(estimator, k1):
    """log P(sigma_k > l) gains log rho per round, up to the k^(-1/2) prefactor of Bahadur-Rao."""
    n, level = 5, 0.5
    rho, _ = th.gaussian_sigma_tail_rate(n=n, estimator=estimator)
    p = th.gaussian_sigma_tail_probability(
        np.array([k1, 2 * k1]), n=n, level=level, estimator=estimator
    )
    assert 1e-12 < p[-1] < 1e-3  # well inside the range of the exact inversion (1e-14)
    slope = np.log(p[1] / p[0]) / k1
    # prefactor k^(-1/2) adds -log(2) / (2 k1) to the slope; the rest is O(1/k1^2)
    assert slope == pytest.approx(np.log(rho) - np.log(2) / (2 * k1), rel=0.02)


def test_sigma_factor_below_suresh_rate():
    n = np.arange(2, 20_001)
    log_alpha = np.log(th.gaussian_sigma_factor(n=n, estimator="unbiased"))
    assert np.all(log_alpha < -1.0 / (4 * n - 1))
    mle = th.gaussian_sigma_factor(n=n, estimator="mle")
    assert np.all(mle < th.gaussian_sigma_factor(n=n, estimator="unbiased"))


@pytest.mark.parametrize("estimator, ddof", [("mle", 0), ("unbiased", 1)])
def test_gaussian_sigma_tail_bound_holds(estimator, ddof):
    rng = np.random.default_rng(np.random.SeedSequence(1618))
    n, R, K, level = 5, 40_000, 12, 0.5
    log_s2 = np.column_stack([np.zeros(R), _log_walk(rng, n, ddof, K, R, path=True)])
    k = np.arange(K + 1)
    freq = (log_s2 > 2 * np.log(level)).mean(axis=0)
    # one-sided: the frequency may sit anywhere below the bound
    se = np.sqrt(np.maximum(freq * (1 - freq), 1 / R) / R)
    bound = th.gaussian_sigma_tail_bound(k, n=n, level=level)
    assert np.all(freq - Z * se <= bound)
    markov = th.gaussian_sigma_mean(sizes=n, estimator=estimator, generations=K) / level
    assert np.all(markov <= bound * (1 + 1e-12))


# -------------------------------------------------------------------- halving time
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
        drift = -th.log_variance_drift(n=n, estimator=estimator)
        se = tau.std(ddof=1) / np.sqrt(R)
        # Wald's identity: E tau = (b + E overshoot) / |drift|, exactly
        assert_mean_matches(tau - (b + (-b - S)) / drift, 0.0)
        plain = th.gaussian_sigma_halving_time_approx(n=n, estimator=estimator, corrected=False)
        assert plain.mean() == pytest.approx(b / drift, rel=1e-12)
        assert plain.mean() < tau.mean() - Z * se  # b / |drift| is a lower bound
        corr = th.gaussian_sigma_halving_time_approx(n=n, estimator=estimator).mean()
        assert abs(corr - tau.mean()) < corrected_error * tau.mean() + Z * se
        assert plain.var() == pytest.approx(b * th.log_variance_step_variance(n=n) / drift**3)


# ------------------------------------------- the sharper Markov bound and the factor gap
@pytest.mark.parametrize("estimator", ["mle", "unbiased"])
def test_markov_bound_with_the_estimators_own_alpha(estimator):
    """(sigma_0 / eta) alpha^k = E sigma_k / eta lies between the exact tail and the paper's."""
    k = np.arange(0, 3001, 25)
    for n in (2, 5, 30, 200):
        alpha = th.gaussian_sigma_factor(n=n, estimator=estimator)
        for level, sigma2 in ((0.3, 1.0), (0.8, 2.0)):
            sharp = np.sqrt(sigma2) / level * alpha**k
            mean = th.gaussian_sigma_mean(
                sizes=n, generations=k[-1], estimator=estimator, sigma2=sigma2
            )
            np.testing.assert_allclose(sharp, mean[k] / level, rtol=1e-10, atol=1e-300)
            paper = th.gaussian_sigma_tail_bound(k, n=n, level=level, sigma2=sigma2)
            assert np.all(sharp <= paper * (1 + 1e-12))
            exact = th.gaussian_sigma_tail_probability(
                k, n=n, level=level, estimator=estimator, sigma2=sigma2
            )
            assert np.all(exact <= sharp + 1e-13)


def test_split_of_the_mle_gap_three_from_alpha_four_thirds_from_s():
    """(4n - 1)(-log alpha_MLE) -> 3 and log rho* / log alpha_MLE -> 4/3, errors O(1/n)."""
    ns = np.array([100, 1_000, 10_000])
    from_alpha = (4 * ns - 1) * -np.log(th.gaussian_sigma_factor(n=ns, estimator="mle"))
    rho, _ = th.gaussian_sigma_tail_rate(n=ns, estimator="mle")
    from_s = np.log(rho) / np.log(th.gaussian_sigma_factor(n=ns, estimator="mle"))
    for values, limit in ((from_alpha, 3.0), (from_s, 4.0 / 3.0)):
        err = np.abs(values - limit)
        assert err[0] < 0.05
        # an O(1/n) error shrinks tenfold when n grows tenfold
        np.testing.assert_allclose(err[1:] / err[:-1], 0.1, rtol=0.1)
    # the product is the whole gap between the exact rate and the paper's exponent
    np.testing.assert_allclose(from_alpha * from_s, (4 * ns - 1) * -np.log(rho), rtol=1e-12)


# ------------------------------------------------------------------------- overshoot
@pytest.mark.parametrize("n", [20, 50])
def test_overshoot_approximation_drift_and_skew_terms(n):
    """Mean overshoot below -ln 4, both estimators drawn from the same chi-square draws.

    The neglected terms are about 0.0015 at n = 20 (less at n = 50), below one standard
    error of these 20,000 replicates.
    """
    rng = np.random.default_rng(np.random.SeedSequence(2718 + n))
    R, b, shift = 20_000, np.log(4.0), np.log1p(-1 / n)
    walk = {"unbiased": np.zeros(R), "mle": np.zeros(R)}
    overshoot = {est: np.full(R, np.nan) for est in walk}
    while np.isnan(overshoot["unbiased"]).any():  # the unbiased walk is the slower one
        step = np.log(rng.chisquare(n - 1, size=R) / (n - 1))  # the same draws for both
        for est, drift in (("unbiased", 0.0), ("mle", shift)):
            alive = np.isnan(overshoot[est])
            walk[est][alive] += step[alive] + drift
            hit = alive & (walk[est] <= -b)
            overshoot[est][hit] = -b - walk[est][hit]
    for estimator in walk:
        gauss, drift, skew = th.log_variance_overshoot_approx(n=n, estimator=estimator, terms=True)
        assert drift == pytest.approx(-th.log_variance_drift(n=n, estimator=estimator) / 4)
        total = th.log_variance_overshoot_approx(n=n, estimator=estimator)
        assert total == pytest.approx(gauss + drift + skew, rel=1e-15)
        assert_mean_matches(overshoot[estimator], total)
    # same centred steps, different overshoots: the difference is the drift term's
    gap = th.log_variance_overshoot_approx(n=n, estimator="mle") - th.log_variance_overshoot_approx(
        n=n, estimator="unbiased"
    )
    assert_mean_matches(overshoot["mle"] - overshoot["unbiased"], gap)


def test_trapezoidal_inversion_is_exact_with_the_node_at_zero():
    """A point mass at c: the rule with the node u = 0 gives P(X <= 0) exactly (0 or 1)."""
    from collapse_lib.theory._gaussian_law import _walk_invert

    h = 0.01
    u = h * np.arange(1, 2_000_001)[None, :]  # truncating the series costs O(1/(h J c))
    for c in (-3.0, -0.5, 0.7, 5.0):
        nodes = (np.array([c]), np.array([h]), u, 1j * u * c)  # log of e^{iuc}
        cdf = _walk_invert(nodes, np.zeros(1), "cdf")[0]
        assert cdf == pytest.approx(0.0 if c > 0 else 1.0, abs=1e-4)
        # dropping the node (its value m - y set to 0) shifts the result by h c / (2 pi)
        without = _walk_invert((np.zeros(1), *nodes[1:]), np.zeros(1), "cdf")[0]
        assert without - cdf == pytest.approx(h * c / (2 * np.pi), abs=1e-4)


@pytest.mark.parametrize("drift", [0.1, 0.2])
def test_gaussian_walk_overshoot_drift_term(drift):
    """The drift term of the overshoot: c_S + drift / 4 for a unit-variance Gaussian walk.

    The neglected O(drift^2) term is about 0.03 drift^2 (0.0013 at 0.2), below one standard
    error of these 40,000 replicates.
    """
    rng = np.random.default_rng(np.random.SeedSequence(int(1000 * drift)))
    R, b = 40_000, 20.0
    S, overshoot = np.zeros(R), np.full(R, np.nan)
    while np.isnan(overshoot).any():
        alive = np.flatnonzero(np.isnan(overshoot))
        S[alive] += drift + rng.standard_normal(alive.size)
        hit = alive[S[alive] > b]
        overshoot[hit] = S[hit] - b
    c_S = -special.zeta(0.5) / np.sqrt(2 * np.pi)
    assert th.log_variance_overshoot_approx(n=20, estimator="mle", terms=True)[0] == (
        pytest.approx(c_S * np.sqrt(th.log_variance_step_variance(n=20)), rel=1e-12)
    )
    assert_mean_matches(overshoot, c_S + drift / 4)
