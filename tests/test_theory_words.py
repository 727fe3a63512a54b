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


def test_forgetting_median_of_no_words_is_empty():
    """An empty array of counts gives an empty array of rounds (not a reduction error)."""
    out = th.word_forgetting_median(count=[])
    assert out.shape == (0,) and out.dtype == np.int64
    assert th.word_forgetting_median(count=np.ones((2, 0), dtype=int)).shape == (2, 0)
