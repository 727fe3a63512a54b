"""The chapter on real data: the simulator against the closed forms, and its figure.

Runs of ``collapse_lib.simulate`` compared with ``unigram_absence_probability``,
``word_loss_probability_exact`` (exact binomial tests, family-wise at the 4-sigma level)
and the Wishart log-determinant formulas (4 standard errors). The closed forms
themselves are tested in ``test_theory_words.py`` and ``test_theory_multivariate.py``.
"""

import numpy as np
import pytest
from helpers import assert_mean_matches, assert_variance_matches
from scipy import stats

import collapse_lib as cl
from collapse_lib import theory

# --------------------------------------------------------- unigram_absence_probability


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
        probs=probs, sizes=sizes, scheme=scheme, fresh=fresh, generations=G
    )[run.rounds]
    # exact for accumulate; for replace the documented approximation error pi / 2 widens
    # the interval. Two-sided binomial tests, family-wise at the 4-sigma level
    # (p = 6.3e-5, Bonferroni over the k.size comparisons).
    slack = 0.0 if scheme == "accumulate" else probs[None] / 2
    lo, hi = np.clip(th - slack, 0, 1), np.clip(th + slack, 0, 1)
    level = stats.norm.sf(4) / k.size
    assert np.all(stats.binom.sf(k - 1, R, hi) > level)  # not too many absences
    assert np.all(stats.binom.cdf(k, R, lo) > level)  # not too few


# ---------------------------------------------------------- word_loss_probability_exact


def test_loss_probability_against_bernoulli_simulation():
    """The Bernoulli MLE refit is the same two-type chain: p_t = X_t / n."""
    n, c, G, R = 10_000, 4, 30, 20_000
    run = cl.simulate(cl.Bernoulli(c / n), generations=G, sizes=n, replicates=R, seed=77)
    k = (run["p"] == 0).sum(axis=0)
    exact = theory.word_loss_probability_exact(count=c, n=n, generations=G)
    level = stats.norm.sf(4) / k.size  # two-sided 4-sigma binomial tests, Bonferroni
    assert np.all(stats.binom.sf(k - 1, R, exact) > level)
    assert np.all(stats.binom.cdf(k, R, exact) > level)


# ----------------------------------------------------------------- Wishart log-determinant


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
    mean = theory.mvn_logdet_mean(sizes=sizes, cov=cov, estimator=estimator)
    var = theory.mvn_logdet_variance(sizes=sizes, d=d)
    sim = run["logdet"]
    assert mean[0] == pytest.approx(np.linalg.slogdet(cov)[1])
    assert_mean_matches(sim[:, 1:], mean[1:])
    assert_variance_matches(sim[:, 1:], var[1:])


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
