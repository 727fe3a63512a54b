"""collapse_lib.theory, the Gaussian variance walk: exact moments and independent Monte Carlo.

Covers the moments of the fitted variance, standard deviation and log-variance under
replace and accumulate, the shrunken (biased) estimator, and the walk with a fresh
fraction. Exact checks integrate against the chi-square law; Monte Carlo checks draw the
actual Gaussian samples with their own seeded Generators (nothing from the library's
simulator) and accept a deviation of at most 4 standard errors, estimated from the same
sample. The inequalities used in the book's proofs are checked on fine grids.
"""

import numpy as np
import pytest
from helpers import assert_mean_matches, assert_variance_matches
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import integrate, special, stats

from collapse_lib import schedules as sc
from collapse_lib import theory as th

GROWING = [3, 4, 6, 9, 13, 20, 30]
SIZES = [3, 4, 6, 9, 5]


def _replace_chain(rng, sizes, replicates, ddof, sigma2=1.0, shrink=None):
    """Replace scheme by drawing samples (shrunken fit if ``shrink``): sigma2 (R, G+1)."""
    mu = np.zeros(replicates)
    s2 = np.full(replicates, sigma2)
    out = [s2]
    for n in sizes:
        x = mu[:, None] + np.sqrt(s2)[:, None] * rng.standard_normal((replicates, n))
        mu = x.mean(axis=1)
        s2 = x.var(axis=1, ddof=ddof)
        if shrink is not None:
            s2 = s2 * (1.0 - shrink[0] * n ** -shrink[1])
        out.append(s2)
    return np.stack(out, axis=1)


def _accumulate_chain(rng, sizes, replicates, ddof):
    """Accumulate scheme by drawing and concatenating samples: mu, sigma2 (R, G+1)."""
    mu = np.zeros((replicates, len(sizes) + 1))
    s2 = np.ones((replicates, len(sizes) + 1))
    data = np.empty((replicates, 0))
    for t, n in enumerate(sizes, start=1):
        x = mu[:, t - 1, None] + np.sqrt(s2[:, t - 1, None]) * rng.standard_normal((replicates, n))
        data = np.concatenate([data, x], axis=1)
        mu[:, t] = data.mean(axis=1)
        s2[:, t] = data.var(axis=1, ddof=ddof)
    return mu, s2


def _fresh_chain(rng, n, G, fresh, ddof, R):
    """Replace scheme with a fresh fraction, by drawing samples: sigma2 and mu^2 (R, G+1)."""
    mu, s2 = np.zeros(R), np.ones(R)
    out_s, out_v = [np.ones(R)], [np.zeros(R)]
    for _ in range(G):
        real = rng.random((R, n)) < fresh
        z = rng.standard_normal((R, n))
        x = np.where(real, z, mu[:, None] + np.sqrt(s2)[:, None] * z)
        mu, s2 = x.mean(axis=1), x.var(axis=1, ddof=ddof)
        out_s.append(s2)
        out_v.append(mu**2)
    return np.stack(out_s, axis=1), np.stack(out_v, axis=1)


def _chi2_expect(f, k):
    """E f(X) for X ~ chi^2_k by quadrature in u = log X (smooth, fast, accurate)."""

    def integrand(u):
        return f(np.exp(u)) * np.exp(stats.chi2.logpdf(np.exp(u), k) + u)

    # the density in u decays like exp(k u / 2) below and like exp(-e^u / 2) above
    upper = np.log(10.0 * (k + 20))
    return integrate.quad(integrand, -120.0, upper, epsabs=1e-14, epsrel=1e-12, limit=400)[0]


# --------------------------------------------------------------------- replace
@pytest.mark.parametrize("estimator, ddof", [("mle", 0), ("unbiased", 1)])
@pytest.mark.parametrize("n", [2, 3, 10, 250])
def test_one_step_moments_match_chi_square(estimator, ddof, n):
    chi = stats.chi2(n - 1)
    mean = th.gaussian_variance_mean(sizes=[n], estimator=estimator, sigma2=2.5)
    assert mean[1] == pytest.approx(2.5 * chi.mean() / (n - ddof), rel=1e-12)
    var = th.gaussian_variance_variance(sizes=[n], estimator=estimator, sigma2=2.5)
    assert var[1] == pytest.approx(2.5**2 * chi.var() / (n - ddof) ** 2, rel=1e-12)
    drift = _chi2_expect(lambda x: np.log(x / (n - ddof)), n - 1)
    assert th.log_variance_drift(n=n, estimator=estimator) == pytest.approx(drift, rel=1e-8)
    mean_log = _chi2_expect(np.log, n - 1)
    step_var = _chi2_expect(lambda x: (np.log(x) - mean_log) ** 2, n - 1)
    assert th.log_variance_step_variance(n=n) == pytest.approx(step_var, rel=1e-8)
    alpha = _chi2_expect(lambda x: np.sqrt(x / (n - ddof)), n - 1)
    assert th.gaussian_sigma_factor(n=n, estimator=estimator) == pytest.approx(alpha, rel=1e-9)


@pytest.mark.parametrize("estimator", ["mle", "unbiased"])
def test_constant_schedule_closed_forms(estimator):
    n, G = 20, 60
    T = np.arange(G + 1)
    ratio = (n - 1) / n if estimator == "mle" else 1.0
    np.testing.assert_allclose(
        th.gaussian_variance_mean(sizes=n, estimator=estimator, sigma2=3.0, generations=G),
        3.0 * ratio**T,
        rtol=1e-12,
    )
    alpha = th.gaussian_sigma_factor(n=n, estimator=estimator)
    np.testing.assert_allclose(
        th.gaussian_sigma_mean(sizes=n, estimator=estimator, sigma2=4.0, generations=G),
        2.0 * alpha**T,
        rtol=1e-12,
    )
    np.testing.assert_allclose(
        th.log_variance_mean(sizes=n, estimator=estimator, sigma2=1.0, generations=G),
        T * th.log_variance_drift(n=n, estimator=estimator),
        rtol=1e-12,
    )
    np.testing.assert_allclose(
        th.log_variance_variance(sizes=n, generations=G),
        T * th.log_variance_step_variance(n=n),
        rtol=1e-12,
    )


def test_paradox_unbiased_mean_kept_typical_path_collapses():
    """Unbiased: E sigma^2_T stays sigma^2_0, E log sigma^2_T -> -inf; the MLE drifts ~2x faster."""
    mean = th.gaussian_variance_mean(sizes=10, estimator="unbiased", generations=500)
    assert np.all(mean == 1.0)
    assert th.log_variance_mean(sizes=10, estimator="unbiased", generations=500)[-1] < -40
    for n in [50, 500, 5000]:
        mle = th.log_variance_drift(n=n, estimator="mle")
        unb = th.log_variance_drift(n=n, estimator="unbiased")
        assert mle < unb < 0
        assert n * mle == pytest.approx(-2, rel=3 / n)
        assert n * unb == pytest.approx(-1, rel=3 / n)
        assert n * th.log_variance_step_variance(n=n) == pytest.approx(2, rel=3 / n)


def test_long_runs_do_not_underflow():
    T = 10**6
    m = th.gaussian_variance_mean(sizes=10, estimator="mle", generations=T)
    assert m[-1] == 0.0 or m[-1] > 0  # underflows gracefully, never NaN
    assert np.all(np.isfinite(th.log_variance_mean(sizes=10, estimator="mle", generations=T)))
    v = th.gaussian_variance_variance(sizes=10, estimator="unbiased", generations=100)
    assert np.all(np.isfinite(v)) and np.all(np.diff(v) > 0)


def test_variance_of_the_variance_never_nan_when_the_mean_underflows():
    """MLE, 10^5 rounds of 10: E sigma^4 underflows while the growth factor overflows."""
    T = 100_000
    v = th.gaussian_variance_variance(sizes=10, estimator="mle", generations=T)
    assert not np.any(np.isnan(v)) and np.all(v >= 0)
    # in logarithms: 2 log E sigma^2 + log(prod (n+1)/(n-1) - 1)
    expected = 2 * T * np.log(0.9) + T * np.log(11 / 9)
    assert v[-1] == 0.0 and expected < -700
    assert np.log(v[2000]) == pytest.approx(2 * 2000 * np.log(0.9) + 2000 * np.log(11 / 9))


@pytest.mark.parametrize("estimator, ddof", [("mle", 0), ("unbiased", 1)])
def test_gaussian_variance_monte_carlo(estimator, ddof):
    rng = np.random.default_rng(np.random.SeedSequence(20250301))
    s2 = _replace_chain(rng, GROWING, 40_000, ddof, sigma2=2.0)
    kw = dict(sizes=GROWING, estimator=estimator, sigma2=2.0)
    assert_mean_matches(s2[:, 1:], th.gaussian_variance_mean(**kw)[1:])
    assert_variance_matches(s2[:, 1:], th.gaussian_variance_variance(**kw)[1:])
    assert_mean_matches(np.sqrt(s2[:, 1:]), th.gaussian_sigma_mean(**kw)[1:])
    log_s2 = np.log(s2[:, 1:])
    assert_mean_matches(log_s2, th.log_variance_mean(**kw)[1:])
    assert_variance_matches(log_s2, th.log_variance_variance(sizes=GROWING)[1:])


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.integers(2, 10**6), min_size=1, max_size=40),
    st.sampled_from(["mle", "unbiased"]),
    st.floats(1e-6, 1e6, allow_nan=False),
)
def test_variance_walks_are_finite_and_in_range(sizes, estimator, sigma2):
    G = len(sizes)
    kw = dict(sizes=sizes, estimator=estimator, sigma2=sigma2)
    m = th.gaussian_variance_mean(**kw)
    assert m.shape == (G + 1,) and np.all((m > 0) & (m <= sigma2 * (1 + 1e-12)))
    for f in (th.gaussian_variance_variance, th.gaussian_sigma_mean, th.log_variance_mean):
        out = f(**kw)
        assert out.shape == (G + 1,) and np.all(np.isfinite(out))
    assert np.all(th.log_variance_variance(sizes=sizes) >= 0)


# ------------------------------------------------------------- shrunken estimator
@pytest.mark.parametrize("estimator, ddof", [("mle", 0), ("unbiased", 1)])
def test_shrink_one_step_is_exact(estimator, ddof):
    n, c, beta = 7, 0.4, 0.5
    factor = 1 - c * n**-beta
    kw = dict(sizes=[n], estimator=estimator, shrink=(c, beta), sigma2=2.0)
    mean = th.gaussian_variance_mean(**kw)
    assert mean[1] == pytest.approx(2.0 * (n - 1) / (n - ddof) * factor, rel=1e-13)
    log_mean = th.log_variance_mean(**kw)
    expected = np.log(2.0) + special.digamma((n - 1) / 2) + np.log(2 / (n - ddof)) + np.log(factor)
    assert log_mean[1] == pytest.approx(expected, rel=1e-13)


@pytest.mark.parametrize("estimator, ddof", [("mle", 0), ("unbiased", 1)])
def test_shrink_moments_monte_carlo(estimator, ddof):
    rng = np.random.default_rng(np.random.SeedSequence(4401))
    sizes = [3, 5, 8, 12, 20, 30]
    c, beta = 0.5, 0.5
    s2 = _replace_chain(rng, sizes, 40_000, ddof, shrink=(c, beta))
    kw = dict(sizes=sizes, estimator=estimator, shrink=(c, beta))
    assert_mean_matches(s2[:, 1:], th.gaussian_variance_mean(**kw)[1:])
    assert_mean_matches(np.log(s2[:, 1:]), th.log_variance_mean(**kw)[1:])


def test_shrink_reduces_to_the_plain_estimator_as_c_vanishes():
    sizes = sc.power(5, 1.5)
    plain = th.gaussian_variance_mean(sizes=sizes, estimator="unbiased", generations=50)
    tiny = th.gaussian_variance_mean(
        sizes=sizes, estimator="unbiased", shrink=(1e-12, 0.5), generations=50
    )
    np.testing.assert_allclose(tiny, plain, rtol=1e-9)


def test_shrink_limit_follows_the_bias_criterion():
    # unbiased base: E sigma^2_T -> prod (1 - c n_t^-beta), positive iff p * beta > 1
    c, beta = 0.5, 0.5
    G = 100_000
    kw = dict(estimator="unbiased", shrink=(c, beta), generations=G)
    slow = th.gaussian_variance_mean(sizes=sc.power(10, 1.5), **kw)
    fast = th.gaussian_variance_mean(sizes=sc.power(10, 2.5), **kw)
    # p = 1.5: log E sigma^2_T ~ -c n0^-beta * 4 T^(1/4) keeps falling
    assert slow[-1] < 0.5 * slow[1000]
    # p = 2.5: -log E sigma^2_T <= 2 c n0^-beta zeta(p beta) for every T
    bound = 2 * c * 10**-beta * special.zeta(2.5 * beta)
    assert np.all(-np.log(fast) <= bound) and fast[-1] > 0.3


# ------------------------------------------------------ digamma bounds of the proofs
def test_digamma_and_trigamma_bounds():
    x = np.logspace(np.log10(0.5), 6, 20_001)
    psi, tri = special.digamma(x), special.polygamma(1, x)
    assert np.all(psi - np.log(x) < -1 / (2 * x)) and np.all(psi - np.log(x) > -1 / x)
    assert np.all(tri < 1 / x + 1 / x**2) and np.all(tri > 1 / x + 1 / (2 * x**2))


def test_drift_bounds_used_in_the_dichotomy():
    n = np.arange(2, 100_001)
    unb = th.log_variance_drift(n=n, estimator="unbiased")
    mle = th.log_variance_drift(n=n, estimator="mle")
    assert np.all(unb < -1 / (n - 1)) and np.all(mle < -1 / (n - 1) - 1 / n)
    assert np.all(np.abs(mle) <= 6 / n) and np.all(th.log_variance_step_variance(n=n) <= 12 / n)
    # n delta(n) -> -(2 - ddof)
    assert n[-1] * unb[-1] == pytest.approx(-1, rel=1e-4)
    assert n[-1] * mle[-1] == pytest.approx(-2, rel=1e-4)


# -------------------------------------------------------------------- accumulate
@pytest.mark.parametrize("estimator, ddof", [("mle", 0), ("unbiased", 1)])
def test_accumulate_gaussian_moments_match_samples(estimator, ddof):
    rng = np.random.default_rng(np.random.SeedSequence([20250601, ddof]))
    mu, s2 = _accumulate_chain(rng, SIZES, 40_000, ddof)
    kw = dict(sizes=SIZES, estimator=estimator, scheme="accumulate")
    assert_mean_matches(s2, th.gaussian_variance_mean(**kw))
    assert_mean_matches(mu**2, th.joint_mean_variance(**kw))  # E mu_t = 0


def test_accumulate_mle_variance_limit_is_sinc():
    # prod_k (1 - 1/(n k^2)) = sin(pi x)/(pi x) with x = 1/sqrt(n); the tail after G
    # rounds is a factor 1 - O(1/(n G))
    for n in (2, 10, 100):
        x = 1 / np.sqrt(n)
        limit = np.sin(np.pi * x) / (np.pi * x)
        value = th.gaussian_variance_mean(
            sizes=n, estimator="mle", scheme="accumulate", generations=200_000
        )[-1]
        assert value == pytest.approx(limit, rel=1e-5)


def test_accumulate_first_round_is_real_only_fit():
    for estimator, ddof in (("mle", 0), ("unbiased", 1)):
        kw = dict(sizes=[7, 3], estimator=estimator, scheme="accumulate", sigma2=2.0)
        assert th.gaussian_variance_mean(**kw)[1] == pytest.approx(2.0 * 6 / (7 - ddof))
        assert th.joint_mean_variance(**kw)[1] == pytest.approx(2.0 / 7)


def test_shrink_is_derived_for_replace_only():
    with pytest.raises(ValueError, match=r"shrink.*scheme='accumulate'"):
        th.gaussian_variance_mean(
            sizes=[5, 6], estimator="mle", scheme="accumulate", shrink=(0.5, 0.5)
        )


# -------------------------------------------------------------------- fresh data
@pytest.mark.parametrize("estimator, ddof, fresh", [("mle", 0, 0.1), ("unbiased", 1, 0.3)])
def test_gaussian_fresh_moments_monte_carlo(estimator, ddof, fresh):
    n, G, R = 8, 25, 20_000
    rng = np.random.default_rng(np.random.SeedSequence(1010 + ddof))
    s_mc, v_mc = _fresh_chain(rng, n, G, fresh, ddof, R)
    s, v = th.gaussian_fresh_moments(sizes=n, fresh=fresh, estimator=estimator, generations=G)
    assert_mean_matches(s_mc[:, 1:], s[1:])
    assert_mean_matches(v_mc[:, 1:], v[1:])


def test_gaussian_fresh_moments_special_cases():
    for fresh in (0.0, 0.05, 0.5):
        s, v = th.gaussian_fresh_moments(
            sizes=[3, 5, 9, 30], fresh=fresh, estimator="mle", sigma2=2.0
        )
        np.testing.assert_allclose(s + v, 2.0, rtol=1e-13)  # second moment conserved
    kw = dict(sizes=10, estimator="unbiased", generations=12)
    s, v = th.gaussian_fresh_moments(fresh=0.0, **kw)
    np.testing.assert_allclose(s, th.gaussian_variance_mean(**kw))
    np.testing.assert_allclose(v, th.joint_mean_variance(**kw))
    s, v = th.gaussian_fresh_moments(sizes=10, fresh=1.0, estimator="mle", generations=3)
    np.testing.assert_allclose(s[1:], 0.9)
    np.testing.assert_allclose(v[1:], 0.1)


@pytest.mark.parametrize("n, fresh", [(5, 0.3), (20, 0.1), (200, 0.001)])
def test_gaussian_fresh_stationary_mle_closed_form(n, fresh):
    theta = (n - 1) * fresh * (2 - fresh)
    s, v = th.gaussian_fresh_stationary_moments(n=n, fresh=fresh, estimator="mle", sigma2=3.0)
    assert s == pytest.approx(3.0 * theta / (1 + theta), rel=1e-12)
    assert v == pytest.approx(3.0 / (1 + theta), rel=1e-12)
    s_t, v_t = th.gaussian_fresh_moments(
        sizes=n, fresh=fresh, estimator="mle", sigma2=3.0, generations=60_000
    )
    assert s_t[-1] == pytest.approx(s, rel=1e-9) and v_t[-1] == pytest.approx(v, rel=1e-9)


def test_gaussian_fresh_stationary_unbiased_threshold():
    n = 20
    grid = np.linspace(0.001, 0.2, 400)
    finite = [
        np.isfinite(th.gaussian_fresh_stationary_moments(n=n, fresh=e, estimator="unbiased")[0])
        for e in grid
    ]
    np.testing.assert_array_equal(finite, grid * (2 - grid) > (1 - grid) / n)
    s, v = th.gaussian_fresh_stationary_moments(n=n, fresh=0.1, estimator="unbiased")
    s_t, v_t = th.gaussian_fresh_moments(sizes=n, fresh=0.1, estimator="unbiased", generations=5000)
    assert (s_t[-1], v_t[-1]) == pytest.approx((s, v), rel=1e-9)
    stationary = th.gaussian_fresh_stationary_moments
    assert stationary(n=n, fresh=0.0, estimator="mle") == (0.0, 1.0)
    assert stationary(n=n, fresh=0.0, estimator="unbiased") == (1.0, np.inf)


@pytest.mark.parametrize("estimator, ddof", [("mle", 0), ("unbiased", 1)])
def test_tlog_schedule_typical_value_falls_like_a_power_of_log_T(estimator, ddof):
    # n_t = ceil(n0 t ln(t+1)): E log sigma^2_T = -(2 - ddof) ln ln T / n0 + C + o(1); the
    # remainder settles, its changes shrinking from decade to decade
    n0 = 10
    elog = th.log_variance_mean(sizes=sc.tlog(n0), estimator=estimator, generations=10**6)
    T = np.array([10**2, 10**3, 10**4, 10**5, 10**6])
    rest = elog[T] + (2 - ddof) * np.log(np.log(T)) / n0
    changes = np.abs(np.diff(rest))
    assert np.all(np.diff(changes) < 0) and changes[-1] < 2e-3
    assert np.all(np.diff(elog[T]) < 0)  # and it keeps falling: collapse
