"""Tests of the closed forms behind the chapter on real data.

unigram_absence_probability, wf_loss_probability and the Wishart log-determinant
formulas, each against exact computation or against simulation (4 standard errors).
"""

import numpy as np
import pytest
from scipy import stats

import collapse_lib as cl
from collapse_lib import theory


# --------------------------------------------------------- unigram_absence_probability
def test_absence_constant_schedule_is_suresh_formula():
    pi = np.array([1e-4, 1e-3, 5e-3])
    a = theory.unigram_absence_probability(pi, 300, generations=40)
    g = theory.g_iterate(np.arange(1, 41))
    np.testing.assert_allclose(a[1:], np.exp(-300 * g[:, None] * pi[None]), rtol=1e-12)
    np.testing.assert_array_equal(a[0], 0.0)


@pytest.mark.parametrize("n", [50, 200, 1000])
@pytest.mark.parametrize("p", [0.001, 0.01, 0.03])
def test_absence_replace_error_below_half_pi_against_exact_chain(n, p):
    """The documented accuracy: |approximation - exact| < pi / 2 (exact two-type chain)."""
    G = 60
    P = theory.wf_transition_matrix(n)
    law = stats.binom.pmf(np.arange(n + 1), n, p)  # generation 1 from the truth
    exact = [0.0, law[0]]
    for _ in range(2, G + 1):
        law = law @ P
        exact.append(law[0])
    approx = theory.unigram_absence_probability([p], n, generations=G)[:, 0]
    assert np.max(np.abs(np.array(exact) - approx)) < p / 2


def test_absence_accumulate_is_exact_marginal():
    """Accumulate, eps = 0: absent iff missed by the real round, (1 - pi)^{n_1}."""
    pi = np.array([0.002, 0.01, 0.3])
    a = theory.unigram_absence_probability(pi, [40, 70, 90], scheme="accumulate")
    np.testing.assert_allclose(a[1:], np.broadcast_to((1 - pi) ** 40, (3, 3)), rtol=1e-13)


def _vocab(K=60):
    w = 1.0 / np.arange(1, K + 1) ** 1.1  # a Zipf-like truth
    return w / w.sum()


@pytest.mark.parametrize(
    "scheme, fresh, sizes",
    [
        ("accumulate", 0.0, 150),
        ("accumulate", 0.2, [100 + 20 * t for t in range(1, 26)]),
        ("replace", 0.0, [100 + 20 * t for t in range(1, 26)]),
        ("replace", 0.15, 150),
    ],
)
def test_absence_against_simulation(scheme, fresh, sizes):
    probs = _vocab()
    R, G = 3000, 25
    run = cl.simulate(
        cl.Categorical(probs),
        generations=G,
        sizes=sizes,
        replicates=R,
        scheme=scheme,
        fresh=fresh,
        seed=1234,
        record=5,
    )
    k = (run["probs"] == 0).sum(axis=0)  # (recorded, K) counts of absence
    th = theory.unigram_absence_probability(
        probs, sizes, scheme=scheme, fresh=fresh, generations=G
    )[run.rounds]
    # exact for accumulate; for replace the documented approximation error pi / 2 widens
    # the interval. Two-sided binomial tests, family-wise at the 4-sigma level
    # (p = 6.3e-5, Bonferroni over the k.size comparisons).
    slack = 0.0 if scheme == "accumulate" else probs[None] / 2
    lo, hi = np.clip(th - slack, 0, 1), np.clip(th + slack, 0, 1)
    level = stats.norm.sf(4) / k.size
    assert np.all(stats.binom.sf(k - 1, R, hi) > level)  # not too many absences
    assert np.all(stats.binom.cdf(k, R, lo) > level)  # not too few


def test_absence_expected_vocabulary_matches_surviving_types_mean():
    """eps = 0, constant n: the sum over words approximates the exact E K_t."""
    probs = _vocab(40)
    exact = theory.wf_surviving_types_mean(probs, 300, generations=30)
    approx = probs.size - theory.unigram_absence_probability(probs, 300, generations=30).sum(axis=1)
    assert np.all(np.abs(exact - approx) <= probs.sum() / 2)


def test_absence_full_fresh_and_bad_input():
    a = theory.unigram_absence_probability([0.01], 100, generations=3, fresh=1.0)
    np.testing.assert_allclose(a[1:, 0], np.exp(-1.0))  # Poisson(n pi) from the truth
    with pytest.raises(ValueError, match="probs"):
        theory.unigram_absence_probability([1.5], 10, generations=2)
    with pytest.raises(ValueError, match="probs"):
        theory.unigram_absence_probability([[0.1]], 10, generations=2)
    with pytest.raises(ValueError, match="scheme"):
        theory.unigram_absence_probability([0.1], 10, generations=2, scheme="keep")
    with pytest.raises(ValueError, match="fresh"):
        theory.unigram_absence_probability([0.1], 10, generations=2, fresh=-0.1)
    with pytest.raises(ValueError, match="generations"):
        theory.unigram_absence_probability([0.1], 10)


# ------------------------------------------------------------------ wf_loss_probability
def test_loss_probability_equals_matrix_powers():
    n = 300
    P = theory.wf_transition_matrix(n)
    c = np.array([0, 1, 3, 10, 300])
    got = theory.wf_loss_probability(c, n, 40)
    Pt = np.eye(n + 1)
    for t in range(41):
        np.testing.assert_allclose(got[t], Pt[c, 0], atol=1e-12)
        Pt = Pt @ P


def test_loss_probability_truncation_within_tol():
    """n = 2000: the truncated computation (tol 1e-6) against the full chain."""
    n, G = 2000, 60
    c = np.array([1, 5, 12])
    full = theory.wf_loss_probability(c, n, G, tol=1e-300)  # forces M = n
    cut = theory.wf_loss_probability(c, n, G, tol=1e-6)
    assert np.all(cut <= full + 1e-12)
    assert np.max(full - cut) <= 1e-6


def test_loss_probability_against_bernoulli_simulation():
    """The Bernoulli MLE refit is the same two-type chain: p_t = X_t / n."""
    n, c, G, R = 10_000, 4, 30, 20_000
    run = cl.simulate(cl.Bernoulli(c / n), generations=G, sizes=n, replicates=R, seed=77)
    k = (run["p"] == 0).sum(axis=0)
    exact = theory.wf_loss_probability(c, n, G)
    level = stats.norm.sf(4) / k.size  # two-sided 4-sigma binomial tests, Bonferroni
    assert np.all(stats.binom.sf(k - 1, R, exact) > level)
    assert np.all(stats.binom.cdf(k, R, exact) > level)


def test_loss_probability_close_to_poisson_for_small_counts():
    c = np.arange(1, 6)
    exact = theory.wf_loss_probability(c, 100_000, 50)
    approx = np.stack([theory.word_loss_probability(np.arange(51), int(k)) for k in c], axis=1)
    assert np.max(np.abs(exact - approx)) < 1e-3


def test_loss_probability_bad_input():
    with pytest.raises(ValueError, match="c must be <= n"):
        theory.wf_loss_probability(11, 10, 3)
    with pytest.raises(ValueError, match="tol"):
        theory.wf_loss_probability(1, 10, 3, tol=0.0)
    with pytest.raises(TypeError, match="c"):
        theory.wf_loss_probability(1.5, 10, 3)


# ----------------------------------------------------------------- Wishart log-determinant
def test_logdet_drift_reduces_to_log_variance_drift():
    for est in ("mle", "unbiased"):
        assert theory.mvn_logdet_drift(20, 1, est) == pytest.approx(
            theory.log_variance_drift(20, est), rel=1e-14
        )


@pytest.mark.parametrize("estimator", ["mle", "unbiased"])
def test_logdet_mean_and_variance_against_simulation(estimator):
    d, R = 3, 4000
    sizes = [6, 8, 12, 20, 30]
    cov = np.array([[2.0, 0.3, 0.1], [0.3, 1.0, 0.2], [0.1, 0.2, 0.5]])
    run = cl.simulate(
        cl.MultivariateGaussian(np.zeros(d), cov, estimator=estimator),
        generations=len(sizes),
        sizes=sizes,
        replicates=R,
        seed=2024,
    )
    logdet0 = np.linalg.slogdet(cov)[1]
    mean = theory.mvn_logdet_mean(sizes, d, estimator, logdet0)
    var = theory.mvn_logdet_variance(sizes, d)
    sim = run["logdet"]
    assert np.all(np.abs(sim.mean(axis=0) - mean) <= 4 * np.sqrt(var / R) + 1e-12)
    # variance: standard error of a sample variance, sqrt((m4 - s^4) / R)
    centred = sim[:, 1:] - sim[:, 1:].mean(axis=0)
    m4 = (centred**4).mean(axis=0)
    se_var = np.sqrt((m4 - var[1:] ** 2) / R)
    assert np.all(np.abs(sim[:, 1:].var(axis=0, ddof=1) - var[1:]) <= 4 * se_var)


def test_logdet_drift_asymptotics_and_bad_input():
    n = 10**6
    assert theory.mvn_logdet_drift(n, 13, "mle") * n == pytest.approx(-13 * 16 / 2, rel=1e-3)
    assert theory.mvn_logdet_drift(n, 13, "unbiased") * n == pytest.approx(-13 * 14 / 2, rel=1e-3)
    with pytest.raises(ValueError, match="n"):
        theory.mvn_logdet_drift(3, 3, "mle")
    with pytest.raises(ValueError, match="estimator"):
        theory.mvn_logdet_drift(10, 2, "ols")
    with pytest.raises(ValueError, match="sizes"):
        theory.mvn_logdet_mean([3, 10], 3, "mle")


def test_rank_frequency_plot():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    cl.plotting.rank_frequency([0.5, 0.0, 0.2, 0.3], ax=ax, label="m")
    x, y = ax.lines[0].get_data()
    np.testing.assert_array_equal(x, [1, 2, 3])
    np.testing.assert_allclose(y, [0.5, 0.3, 0.2])
    with pytest.raises(ValueError, match="probs"):
        cl.plotting.rank_frequency([0.5, -0.1], ax=ax)
    plt.close(fig)
