"""Closed forms of the chapter "Persistent excitation or total collapse".

Total collapse of Wright–Fisher resampling (tail bound, horizon, surviving types), the
stationary law of a type's frequency with a fresh fraction, the effective sample size,
and the moments of a Gaussian refitted with a fresh fraction. Exact checks use the
transition matrices; Monte Carlo checks draw the samples with their own seeded
Generators (nothing from the library's simulator) and accept at most 4 standard errors.
"""

import numpy as np
import pytest
from helpers import Z, assert_mean_matches
from scipy import stats

from collapse_lib import theory as th


def _rng(entropy):
    return np.random.default_rng(np.random.SeedSequence(entropy))


def _fresh_matrix(p0, n, eps):
    i = np.arange(n + 1)
    return stats.binom.pmf(i[None, :], n, eps * p0 + (1 - eps) * i[:, None] / n)


# ------------------------------------------------------------------- total collapse
@pytest.mark.parametrize("n, i", [(10, 5), (30, 3), (60, 30)])
def test_collapse_tail_bound_holds_for_the_exact_two_type_chain(n, i):
    P = th.wf_transition_matrix(n)
    law = np.zeros(n + 1)
    law[i] = 1.0
    probs = [i / n, 1 - i / n]
    ts = np.arange(1, 6 * n)
    bound = th.wf_collapse_tail_bound(probs, n, ts)
    for _, b in zip(ts, bound):
        law = law @ P
        alive = 1.0 - law[0] - law[n]
        assert alive <= b + 1e-12
    # same geometric rate: the ratio bound / truth settles to a constant
    assert bound[-1] / bound[-2] == pytest.approx(1 - 1 / n)


def test_collapse_tail_bound_monte_carlo_many_types():
    rng = _rng(606)
    n, R, t_max = 12, 40_000, 40
    probs = np.array([0.5, 0.25, 0.125, 0.125])
    counts = rng.multinomial(n, probs, size=R)
    alive = np.empty((R, t_max))
    for t in range(t_max):
        alive[:, t] = counts.max(axis=1) < n
        counts = rng.multinomial(n, counts / n)
    # alive[:, t] refers to generation t + 1
    freq = alive.mean(axis=0)
    se = np.sqrt(freq * (1 - freq) / R) + 1.0 / R
    bound = th.wf_collapse_tail_bound(probs, n, np.arange(1, t_max + 1))
    assert np.all(freq <= bound + Z * se)


def test_collapse_horizon_is_the_first_generation_below_delta():
    for probs, n, delta in [
        ([0.5, 0.5], 50, 1e-6),
        (np.full(20, 0.05), 20, 1e-3),
        ([0.9, 0.1], 200, 0.5),
    ]:
        t = th.wf_collapse_horizon(probs, n, delta)
        assert th.wf_collapse_tail_bound(probs, n, t) <= delta
        if t > 1:
            assert th.wf_collapse_tail_bound(probs, n, t - 1) > delta
    assert th.wf_collapse_horizon([1.0, 0.0], 10, 0.1) == 1


def test_surviving_types_two_types_and_distinct_atoms():
    n = 25
    P = th.wf_transition_matrix(n)
    k = th.wf_surviving_types_mean([0.2, 0.8], n, generations=60)
    law = np.zeros(n + 1)
    law[5] = 1.0
    assert k[0] == 2
    for t in range(1, 61):
        law = law @ P
        assert k[t] == pytest.approx(2 - law[0] - law[n], abs=1e-12)
    atoms = th.wf_surviving_types_mean(np.full(n, 1 / n), n, generations=2000)
    assert atoms[0] == n and np.all(np.diff(atoms) <= 1e-12)
    assert atoms[-1] == pytest.approx(1.0, abs=1e-9)
    # E sum_t (K_t > 1) = expected time to one atom = the coalescence time
    tail = atoms - 1.0  # P(K_t > 1) <= E K_t - 1 <= (n - 1) P(K_t > 1)
    assert tail[:-1].sum() >= th.coalescence_time(n) - 1e-9
    assert th.wf_surviving_types_mean([0.0, 0.5, 0.5], 10, generations=0).tolist() == [2.0]


def test_surviving_types_monte_carlo():
    rng = _rng(707)
    n, R, G = 15, 30_000, 30
    probs = np.array([0.4, 0.3, 0.2, 0.1])
    counts = rng.multinomial(n, probs, size=R)
    K = np.empty((R, G))
    for t in range(G):
        K[:, t] = (counts > 0).sum(axis=1)
        counts = rng.multinomial(n, counts / n)
    assert_mean_matches(K, th.wf_surviving_types_mean(probs, n, generations=G)[1:])


# ---------------------------------------------------------- persistent excitation
@pytest.mark.parametrize("p0, n, eps", [(0.3, 40, 0.05), (0.5, 20, 0.002), (0.1, 60, 1.0)])
def test_fresh_stationary_distribution_is_stationary(p0, n, eps):
    pi = th.fresh_stationary_distribution(p0, n, eps)
    P = _fresh_matrix(p0, n, eps)
    np.testing.assert_allclose(pi @ P, pi, atol=1e-12)
    assert pi.sum() == pytest.approx(1.0) and np.all(pi >= 0)
    x = np.arange(n + 1) / n
    mean, var = th.fresh_stationary_moments(p0, n, eps)
    assert pi @ x == pytest.approx(mean, abs=1e-10)
    assert pi @ (x - mean) ** 2 == pytest.approx(var, rel=1e-8)
    if eps == 1.0:
        np.testing.assert_allclose(pi, stats.binom.pmf(np.arange(n + 1), n, p0), atol=1e-13)


def test_fresh_stationary_distribution_edges():
    pi = th.fresh_stationary_distribution(0.3, 10, 0.0)
    assert pi[0] == pytest.approx(0.7) and pi[10] == pytest.approx(0.3) and pi[1:10].sum() == 0
    assert th.fresh_stationary_distribution(1.0, 10, 0.2)[10] == 1.0
    assert th.fresh_stationary_distribution(0.0, 10, 0.2)[0] == 1.0


def test_fresh_stationary_distribution_monte_carlo():
    rng = _rng(808)
    p0, n, eps, R = 0.2, 30, 0.1, 40_000
    counts = np.full(R, round(p0 * n))
    for _ in range(150):  # relaxation rate (1 - eps) per round: 0.9^150 ~ 1e-7
        counts = rng.binomial(n, eps * p0 + (1 - eps) * counts / n)
    pi = th.fresh_stationary_distribution(p0, n, eps)
    for k in range(0, 13):
        hit = counts == k
        se = np.sqrt(pi[k] * (1 - pi[k]) / R)
        assert abs(hit.mean() - pi[k]) < Z * se + 1e-12, k


def test_fresh_stationary_beta_matches_moments_and_converges():
    p0 = np.array([0.1, 0.5])
    a, b = th.fresh_stationary_beta(p0, 80, 0.05)
    mean, var = th.fresh_stationary_moments(p0, 80, 0.05)
    np.testing.assert_allclose(a / (a + b), mean)
    np.testing.assert_allclose(a * b / ((a + b) ** 2 * (a + b + 1)), var)
    # with n * eps fixed the discrete law approaches the Beta law (diffusion limit)
    dist = []
    for n in (50, 200, 800):
        eps = 2.0 / n
        pi = th.fresh_stationary_distribution(0.3, n, eps)
        a, b = th.fresh_stationary_beta(0.3, n, eps)
        edges = (np.arange(n + 1) + 0.5) / n
        dist.append(np.max(np.abs(np.cumsum(pi)[:-1] - stats.beta.cdf(edges[:-1], a, b))))
    assert dist[0] > dist[1] > dist[2]


def test_fresh_effective_size_and_its_inverse():
    n, eps = 50, np.array([0.0, 0.01, 0.2, 1.0])
    p0 = 0.3
    _, var = th.fresh_stationary_moments(p0, n, 0.2)
    assert th.fresh_effective_size(n, 0.2) == pytest.approx(p0 * (1 - p0) / var)
    np.testing.assert_allclose(th.fresh_effective_size(n, eps)[[0, -1]], [1.0, n])
    m = th.fresh_effective_size(n, eps)
    np.testing.assert_allclose(th.fresh_fraction_for_effective_size(n, m), eps, atol=1e-12)
    assert th.fresh_fraction_for_effective_size(10**6, 5 * 10**5) == pytest.approx(
        1 - np.sqrt(0.5), abs=1e-6
    )


def test_within_round_correlation_monte_carlo():
    """Two draws of one stationary round: correlation (1 - eps)^2 / n_eff."""
    rng = _rng(909)
    p0, n, eps, R = 0.4, 20, 0.15, 200_000
    counts = rng.binomial(n, p0, size=R)
    for _ in range(120):
        counts = rng.binomial(n, eps * p0 + (1 - eps) * counts / n)
    q = eps * p0 + (1 - eps) * counts / n  # law of each draw of the next round
    x, y = rng.random(R) < q, rng.random(R) < q
    both = (x & y).astype(float)
    rho = (1 - eps) ** 2 / th.fresh_effective_size(n, eps)
    assert_mean_matches(both, p0**2 + rho * p0 * (1 - p0))


# ------------------------------------------------------------- Gaussian, fresh data
def _gaussian_fresh_chain(rng, n, G, eps, ddof, R):
    mu, s2 = np.zeros(R), np.ones(R)
    out_s, out_v = [np.ones(R)], [np.zeros(R)]
    for _ in range(G):
        real = rng.random((R, n)) < eps
        z = rng.standard_normal((R, n))
        x = np.where(real, z, mu[:, None] + np.sqrt(s2)[:, None] * z)
        mu, s2 = x.mean(axis=1), x.var(axis=1, ddof=ddof)
        out_s.append(s2)
        out_v.append(mu**2)
    return np.stack(out_s, axis=1), np.stack(out_v, axis=1)


@pytest.mark.parametrize("estimator, ddof, eps", [("mle", 0, 0.1), ("unbiased", 1, 0.3)])
def test_fresh_gaussian_moments_monte_carlo(estimator, ddof, eps):
    n, G, R = 8, 25, 20_000
    s_mc, v_mc = _gaussian_fresh_chain(_rng(1010 + ddof), n, G, eps, ddof, R)
    s, v = th.fresh_gaussian_moments(n, eps, estimator, generations=G)
    assert_mean_matches(s_mc[:, 1:], s[1:])
    assert_mean_matches(v_mc[:, 1:], v[1:])


def test_fresh_gaussian_moments_special_cases():
    for eps in (0.0, 0.05, 0.5):
        s, v = th.fresh_gaussian_moments([3, 5, 9, 30], eps, "mle", sigma2_0=2.0)
        np.testing.assert_allclose(s + v, 2.0, rtol=1e-13)  # second moment conserved
    s, v = th.fresh_gaussian_moments(10, 0.0, "unbiased", generations=12)
    np.testing.assert_allclose(s, th.gaussian_variance_mean(10, "unbiased", generations=12))
    np.testing.assert_allclose(v, th.joint_mean_variance(10, "unbiased", generations=12))
    s, v = th.fresh_gaussian_moments(10, 1.0, "mle", generations=3)
    np.testing.assert_allclose(s[1:], 0.9)
    np.testing.assert_allclose(v[1:], 0.1)


@pytest.mark.parametrize("n, eps", [(5, 0.3), (20, 0.1), (200, 0.001)])
def test_fresh_gaussian_stationary_mle_closed_form(n, eps):
    theta = (n - 1) * eps * (2 - eps)
    s, v = th.fresh_gaussian_stationary_moments(n, eps, "mle", sigma2_0=3.0)
    assert s == pytest.approx(3.0 * theta / (1 + theta), rel=1e-12)
    assert v == pytest.approx(3.0 / (1 + theta), rel=1e-12)
    s_t, v_t = th.fresh_gaussian_moments(n, eps, "mle", 3.0, generations=60_000)
    assert s_t[-1] == pytest.approx(s, rel=1e-9) and v_t[-1] == pytest.approx(v, rel=1e-9)


def test_fresh_gaussian_stationary_unbiased_threshold():
    n = 20
    grid = np.linspace(0.001, 0.2, 400)
    finite = [np.isfinite(th.fresh_gaussian_stationary_moments(n, e, "unbiased")[0]) for e in grid]
    np.testing.assert_array_equal(finite, grid * (2 - grid) > (1 - grid) / n)
    s, v = th.fresh_gaussian_stationary_moments(n, 0.1, "unbiased")
    s_t, v_t = th.fresh_gaussian_moments(n, 0.1, "unbiased", generations=5000)
    assert (s_t[-1], v_t[-1]) == pytest.approx((s, v), rel=1e-9)
    assert th.fresh_gaussian_stationary_moments(n, 0.0, "mle") == (0.0, 1.0)
    assert th.fresh_gaussian_stationary_moments(n, 0.0, "unbiased") == (1.0, np.inf)


BAD = [
    (th.wf_collapse_tail_bound, ([0.5, 0.5], 1, 3), ValueError, "n"),
    (th.wf_collapse_tail_bound, ([0.5, 0.5], 10, 0), ValueError, "t"),
    (th.wf_collapse_tail_bound, ([0.5, 0.6], 10, 3), ValueError, "probs"),
    (th.wf_collapse_horizon, ([0.5, 0.5], 10, 0.0), ValueError, "delta"),
    (th.wf_collapse_horizon, ([0.5, 0.5], 10, 1.0), ValueError, "delta"),
    (th.fresh_stationary_distribution, (0.3, 10, -0.1), ValueError, "eps"),
    (th.fresh_stationary_distribution, (np.nan, 10, 0.1), ValueError, "p0"),
    (th.fresh_stationary_distribution, (0.3, 2.0, 0.1), TypeError, "n"),
    (th.fresh_stationary_beta, (0.0, 10, 0.1), ValueError, "p0"),
    (th.fresh_stationary_beta, (0.3, 10, 0.0), ValueError, "eps"),
    (th.fresh_effective_size, (0, 0.1), ValueError, "n"),
    (th.fresh_effective_size, (10, 1.5), ValueError, "eps"),
    (th.fresh_fraction_for_effective_size, (10, 11), ValueError, "m"),
    (th.fresh_fraction_for_effective_size, (10, 0.5), ValueError, "m"),
    (th.fresh_gaussian_moments, (10, 0.1, "ml"), ValueError, "estimator"),
    (th.fresh_gaussian_moments, (10, 0.1, "mle"), ValueError, "generations"),
    (th.fresh_gaussian_moments, ([1, 3], 0.1, "mle"), ValueError, "sizes"),
    (th.fresh_gaussian_stationary_moments, (10, 2.0, "mle"), ValueError, "eps"),
    (th.fresh_gaussian_stationary_moments, (10, 0.1, "mle", -1.0), ValueError, "sigma2_0"),
]


@pytest.mark.parametrize(
    "func, args, exc, word", BAD, ids=[f"{b[0].__name__}-{i}" for i, b in enumerate(BAD)]
)
def test_bad_input_names_the_argument(func, args, exc, word):
    with pytest.raises(exc, match=word):
        func(*args)


def test_surviving_types_rejects_bad_generations():
    with pytest.raises(ValueError, match="generations"):
        th.wf_surviving_types_mean([0.5, 0.5], 10, generations=-1)


# ------------------------------------------------------------------ figure helpers
def test_muller_plot_stacks_frequencies():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from collapse_lib import plotting as pl

    g = np.arange(4)
    p = np.array([[0.5, 0.3, 0.2], [0.6, 0.4, 0.0], [1.0, 0.0, 0.0], [1.0, 0.0, 0.0]])
    ax = pl.muller_plot(g, p, labels=["a", "b", "c"])
    assert len(ax.collections) == 3
    top = ax.collections[0].get_paths()[0].vertices[:, 1]
    assert top.max() == pytest.approx(1.0) and top.min() == pytest.approx(0.0)
    assert ax.get_ylim() == (0.0, 1.0) and ax.get_xlabel() == "generation $t$"
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["a", "b", "c"]
    with pytest.raises(ValueError, match="probs"):
        pl.muller_plot(g, p[:, :2])
    with pytest.raises(ValueError, match="probs"):
        pl.muller_plot(g, p[:3])
    with pytest.raises(ValueError, match="colors"):
        pl.muller_plot(g, p, colors=["red"])
    plt.close("all")


def test_atom_cloud_draws_live_atoms_with_area_by_mass():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from collapse_lib import plotting as pl

    xy = np.array([[0.0, 0.0], [1.0, 1.0], [2.0, 0.0], [3.0, 1.0]])
    w = np.array([0.5, 0.0, 0.49, 0.01])
    ax = pl.atom_cloud(xy, w, max_area=100.0, min_area=2.0, colors=["r", "g", "b", "k"])
    (coll,) = ax.collections
    np.testing.assert_allclose(coll.get_offsets(), xy[[0, 2, 3]])
    np.testing.assert_allclose(coll.get_sizes(), [50.0, 49.0, 2.0])
    with pytest.raises(ValueError, match="points"):
        pl.atom_cloud(xy[:, :1], w)
    with pytest.raises(ValueError, match="weights"):
        pl.atom_cloud(xy, -w)
    with pytest.raises(ValueError, match="colors"):
        pl.atom_cloud(xy, w, colors=["r"])
    with pytest.raises(ValueError, match="max_area"):
        pl.atom_cloud(xy, w, max_area=0.0)
    plt.close("all")
