"""collapse_lib.theory, unigram language models: forgetting words and losing vocabulary.

Exact checks propagate the two-type Wright–Fisher chain of one word's count; the
documented accuracy of each approximation is checked against that exact chain.
Comparisons with the simulator are in ``test_real_data.py``.
"""

import numpy as np
import pytest
from scipy import linalg, stats

from collapse_lib import theory as th


# ------------------------------------------------------------------ forgetting
def test_word_forgetting_approximations_against_exact_unigram_chain():
    n = 1000
    P = th.wf_transition_matrix(n=n)
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
        approx = th.word_loss_probability_poisson(np.arange(1, 151), count=c)
        assert np.max(np.abs(cdf - approx)) < c / n  # documented: error of order c/n
        exact_median = int(np.argmax(cdf >= 0.5)) + 1
        median = th.word_forgetting_median(count=c)
        assert abs(median - exact_median) <= max(1, 0.03 * exact_median)
        assert abs(th.word_forgetting_mean_given_loss(count=c, n=n) - cond_time[c - 1]) < 3
    c = np.array([100, 1000, 10_000])
    # g_t = 2 / (t + O(log t)): the median approaches 2c / ln 2 with a relative gap O(log c / c)
    np.testing.assert_allclose(th.word_forgetting_median(count=c) / c, 2 / np.log(2), rtol=0.02)
    assert th.word_forgetting_mean_given_loss(count=10, n=10**6) == pytest.approx(
        20 * np.log(10**5), rel=1e-4
    )


def test_loss_probability_equals_matrix_powers():
    n = 300
    P = th.wf_transition_matrix(n=n)
    c = np.array([0, 1, 3, 10, 300])
    got = th.word_loss_probability_exact(count=c, n=n, generations=40)
    Pt = np.eye(n + 1)
    for t in range(41):
        np.testing.assert_allclose(got[t], Pt[c, 0], atol=1e-12)
        Pt = Pt @ P


def test_loss_probability_truncation_within_tol():
    """n = 2000: the truncated computation (tol 1e-6) against the full chain."""
    n, G = 2000, 60
    c = np.array([1, 5, 12])
    full = th.word_loss_probability_exact(count=c, n=n, generations=G, tol=1e-300)  # M = n
    cut = th.word_loss_probability_exact(count=c, n=n, generations=G, tol=1e-6)
    assert np.all(cut <= full + 1e-12)
    assert np.max(full - cut) <= 1e-6


def test_loss_probability_close_to_poisson_for_small_counts():
    c = np.arange(1, 6)
    exact = th.word_loss_probability_exact(count=c, n=100_000, generations=50)
    approx = np.stack(
        [th.word_loss_probability_poisson(np.arange(51), count=int(k)) for k in c], axis=1
    )
    assert np.max(np.abs(exact - approx)) < 1e-3


# ------------------------------------------------------------- vocabulary loss
def test_absence_constant_schedule_is_suresh_formula():
    pi = np.array([1e-4, 1e-3, 5e-3])
    a = th.unigram_absence_probability(probs=pi, sizes=300, generations=40)
    g = th.g_iterate(np.arange(1, 41))
    np.testing.assert_allclose(a[1:], np.exp(-300 * g[:, None] * pi[None]), rtol=1e-12)
    np.testing.assert_array_equal(a[0], 0.0)


@pytest.mark.parametrize("n", [50, 200, 1000])
@pytest.mark.parametrize("p", [0.001, 0.01, 0.03])
def test_absence_replace_error_below_half_pi_against_exact_chain(n, p):
    """The documented accuracy: |approximation - exact| < pi / 2 (exact two-type chain)."""
    G = 60
    P = th.wf_transition_matrix(n=n)
    law = stats.binom.pmf(np.arange(n + 1), n, p)  # round 1 from the truth
    exact = [0.0, law[0]]
    for _ in range(2, G + 1):
        law = law @ P
        exact.append(law[0])
    approx = th.unigram_absence_probability(probs=[p], sizes=n, generations=G)[:, 0]
    assert np.max(np.abs(np.array(exact) - approx)) < p / 2


def test_absence_accumulate_is_exact_marginal():
    """Accumulate, fresh = 0: absent iff missed by the real round, (1 - pi)^{n_1}."""
    pi = np.array([0.002, 0.01, 0.3])
    a = th.unigram_absence_probability(probs=pi, sizes=[40, 70, 90], scheme="accumulate")
    np.testing.assert_allclose(a[1:], np.broadcast_to((1 - pi) ** 40, (3, 3)), rtol=1e-13)


def test_absence_expected_vocabulary_matches_surviving_types_mean():
    """fresh = 0, constant n: the sum over words approximates the exact E K_t."""
    w = 1.0 / np.arange(1, 41) ** 1.1  # a Zipf-like truth
    probs = w / w.sum()
    exact = th.wf_surviving_types_mean(probs=probs, n=300, generations=30)
    absent = th.unigram_absence_probability(probs=probs, sizes=300, generations=30)
    approx = probs.size - absent.sum(axis=1)
    assert np.all(np.abs(exact - approx) <= probs.sum() / 2)


def test_absence_with_only_fresh_data():
    a = th.unigram_absence_probability(probs=[0.01], sizes=100, generations=3, fresh=1.0)
    np.testing.assert_allclose(a[1:, 0], np.exp(-1.0))  # Poisson(n pi) from the truth


# ------------------------------------------- the forgetting theorem: tail, mean, fixation
def test_branching_tail_is_two_c_over_t_and_its_mean_is_infinite():
    """Part 1 of the theorem: P(T > t) = 1 - exp(-c g_t) ~ 2c/t, so E T = sum P(T > t)
    grows like 2c ln t without bound."""
    t = np.array([10**3, 10**4, 10**5])
    for c in (1, 3):
        tail = 1 - th.word_loss_probability_poisson(t, count=c)
        np.testing.assert_allclose(t * tail / (2 * c), 1.0, rtol=3 * c / t[0] + 0.01)
        # partial sums of the tail: each decade adds about 2c ln 10
        grid = np.arange(0, 10**5 + 1)
        partial = np.cumsum(1 - th.word_loss_probability_poisson(grid, count=c))
        for a, b in ((10**3, 10**4), (10**4, 10**5)):
            assert partial[b] - partial[a] == pytest.approx(2 * c * np.log(10), rel=0.01)


def test_exact_tail_is_heavy_until_n_then_the_chain_is_absorbed():
    """The exact Wright–Fisher tail follows 2c/t for c << t << n (n = 10**5 here), with
    the relative correction O((ln t + c)/t) of g_t = 2/(t + ln(t)/3 + O(1)); beyond t of
    order n it decays geometrically, at the rate 1 - 1/n of the second eigenvalue."""
    n = 10**5
    u = th.word_loss_probability_exact(count=[1, 3], n=n, generations=200, tol=1e-6)
    for j, c in enumerate((1, 3)):
        for t in (100, 200):
            assert abs(t * (1 - u[t, j]) / (2 * c) - 1) < (np.log(t) + 3 * c) / t
    n, c = 40, 5
    P = th.wf_transition_matrix(n=n)
    ratio = _alive_after(P, c, 500) / _alive_after(P, c, 400)
    assert ratio == pytest.approx((1 - 1 / n) ** 100, rel=1e-6)


def _alive_after(P, c, t):
    """P(1 <= X_t <= n - 1 | X_0 = c) by matrix powers."""
    law = np.zeros(P.shape[0])
    law[c] = 1.0
    for _ in range(t):
        law = law @ P
    return law[1:-1].sum()


@pytest.mark.parametrize("n, c", [(20, 1), (50, 5), (200, 30)])
def test_exact_chain_loses_a_word_with_probability_one_minus_c_over_n(n, c):
    """Part 2: in exact Wright–Fisher the word survives for ever by fixation, w.p. c/n."""
    u = th.word_loss_probability_exact(count=c, n=n, generations=60 * n)
    assert u[-1] == pytest.approx(1 - c / n, abs=1e-9)
    assert th.wf_fixation_probability(p=c / n) == pytest.approx(c / n)


@pytest.mark.parametrize("n", [200, 1000, 2000])
def test_kimura_conditional_time_against_the_exact_conditional_mean(n):
    """Part 2: -2n p ln p / (1 - p) against E[T | loss] of the exact chain (Doob
    h-transform, fundamental matrix); the gap is a few rounds, relatively small."""
    P = th.wf_transition_matrix(n=n)
    Q = P[1:n, 1:n]
    lost = 1.0 - np.arange(1, n) / n
    cond_time = linalg.solve(np.eye(n - 1) - Q, lost) / lost
    for c in (1, 5, n // 10):
        kimura = th.word_forgetting_mean_given_loss(count=c, n=n)
        assert abs(kimura - cond_time[c - 1]) < 3
        assert abs(kimura - cond_time[c - 1]) / cond_time[c - 1] < 0.25
    # the conditional mean is far above the median: the heavy tail
    assert cond_time[0] > 5 * th.word_forgetting_median(count=1)


def test_forgetting_median_and_mean_simulated():
    """Monte Carlo of the chain for n = 500, c = 2: the median matches the exact law and
    the mean time given loss matches the exact conditional mean (4 SE)."""
    n, c, R = 500, 2, 20_000
    rng = np.random.default_rng(2024)
    x = np.full(R, c)
    T = np.full(R, -1)
    for t in range(1, 40 * n):
        alive = (T < 0) & (x > 0) & (x < n)
        if not alive.any():
            break
        x[alive] = rng.binomial(n, x[alive] / n)
        T[alive & (x == 0)] = t
    lost = T > 0
    assert lost.mean() == pytest.approx(1 - c / n, abs=4 * np.sqrt(c / n / R))
    P = th.wf_transition_matrix(n=n)
    q = 1.0 - np.arange(1, n) / n
    cond = linalg.solve(np.eye(n - 1) - P[1:n, 1:n], q) / q
    times = T[lost]
    assert abs(times.mean() - cond[c - 1]) < 4 * times.std() / np.sqrt(times.size)
    u = th.word_loss_probability_exact(count=c, n=n, generations=50)
    median = int(np.argmax(u >= 0.5))
    assert np.mean((T > 0) & (T <= median)) >= 0.5 - 4 * np.sqrt(0.25 / R)
    assert np.mean((T > 0) & (T <= median - 1)) < 0.5 + 4 * np.sqrt(0.25 / R)


def test_forgetting_median_of_no_words_is_empty():
    """An empty array of counts gives an empty array of rounds (not a reduction error)."""
    out = th.word_forgetting_median(count=[])
    assert out.shape == (0,) and out.dtype == np.int64
    assert th.word_forgetting_median(count=np.ones((2, 0), dtype=int)).shape == (2, 0)
