"""collapse_lib.empirical_resampling: empirical resampling from a continuous truth.

Checked against the exact theory of the count chain (a set's frequency is a Wright–Fisher
chain with migration; the number of distinct atoms is the coalescent) within 4 standard
errors, and the barycenter of the law of nu_t against the truth by a Kolmogorov–Smirnov
test on one atom per independent replicate (exact level), with a shifted truth as the
negative control that the test must reject.
"""

import numpy as np
import pytest
from helpers import assert_mean_matches, assert_variance_matches
from scipy import stats

import collapse_lib as cl
from collapse_lib import theory as th

CENTRES = np.array([-2.5, 0.0, 2.5])


def _mixture(rng, size):
    """Equal mixture of N(-2.5, 1), N(0, 1), N(2.5, 1)."""
    return CENTRES[rng.integers(3, size=size)] + rng.standard_normal(size)


def _mixture_cdf(x, shift=0.0):
    return stats.norm.cdf(np.subtract.outer(x, CENTRES + shift)).mean(axis=-1)


def _normal(rng, size):
    return rng.standard_normal(size)


def test_shape_rounds_and_reproducibility():
    a = cl.empirical_resampling(
        _normal, n=7, generations=5, fresh=0.3, replicates=4, rounds=[1, 3, 5], seed=3
    )
    b = cl.empirical_resampling(
        _normal, n=7, generations=5, fresh=0.3, replicates=4, rounds=[1, 3, 5], seed=3
    )
    assert a.shape == (4, 3, 7)
    np.testing.assert_array_equal(a, b)
    last = cl.empirical_resampling(_normal, n=7, generations=5, fresh=0.3, replicates=4, seed=3)
    np.testing.assert_array_equal(last[:, 0], a[:, 2])
    planar = cl.empirical_resampling(
        lambda rng, size: rng.standard_normal((*size, 2)), n=5, generations=3, replicates=2, seed=0
    )
    assert planar.shape == (2, 1, 5, 2)


def test_without_fresh_data_atoms_are_copies_and_the_coalescent_counts_them():
    n, G, R = 12, 40, 4000
    atoms = cl.empirical_resampling(
        _normal, n=n, generations=G, replicates=R, rounds=range(1, G + 1), seed=11
    )
    first = atoms[:, 0]
    later = atoms[:, -1]
    assert np.all(np.isin(later, first))  # no new points without fresh draws
    distinct = np.array([[np.unique(atoms[r, t]).size for t in range(G)] for r in range(R)])
    # n distinct atoms at round 1 play the part of the n atoms at round 0 of the count chain
    expected = th.wf_surviving_types_mean(probs=np.full(n, 1 / n), n=n, generations=G - 1)
    for t in (2, 5, 15, 39):
        assert_mean_matches(distinct[:, t], expected[t])


@pytest.mark.parametrize("fresh", [0.05, 0.3])
def test_frequency_of_a_set_has_the_exact_variance(fresh):
    n, R = 20, 6000
    rounds = [1, 4, 60]
    atoms = cl.empirical_resampling(
        _mixture, n=n, generations=60, fresh=fresh, replicates=R, rounds=rounds, seed=21
    )
    p0 = float(_mixture_cdf(-1.0))
    freq = (atoms <= -1.0).mean(axis=2)  # nu_t((-inf, -1]) per replicate and round
    v = th.wf_fresh_variance(p=p0, sizes=n, fresh=fresh, generations=60)
    for j, t in enumerate(rounds):
        assert_mean_matches(freq[:, j], p0)
        assert_variance_matches(freq[:, j], v[t])


def test_barycenter_is_the_truth_by_kolmogorov_smirnov():
    """One atom per independent replicate: R i.i.d. draws from the barycenter of nu_T."""
    R = 3000
    atoms = cl.empirical_resampling(
        _mixture, n=30, generations=150, fresh=0.1, replicates=R, seed=7
    )
    x = atoms[:, 0, 0]
    assert stats.kstest(x, _mixture_cdf).pvalue > 1e-3
    assert stats.cramervonmises(x, _mixture_cdf).pvalue > 1e-3
    # negative control: a truth shifted by 0.5 (KS distance about 0.08) is rejected
    assert stats.kstest(x, lambda y: _mixture_cdf(y, shift=0.5)).pvalue < 1e-6


@pytest.mark.parametrize(
    "kwargs, error, words",
    [
        (dict(truth=3), TypeError, "truth"),
        (dict(n=0), ValueError, "n"),
        (dict(n=2.0), TypeError, "n"),
        (dict(generations=0), ValueError, "generations"),
        (dict(fresh=1.5), ValueError, "fresh"),
        (dict(fresh=float("nan")), ValueError, "fresh"),
        (dict(replicates=0), ValueError, "replicates"),
        (dict(rounds=[0]), ValueError, "rounds"),
        (dict(rounds=[6]), ValueError, "rounds"),
        (dict(rounds=[1.5]), TypeError, "rounds"),
        (dict(max_bytes=100.0), ValueError, "max_bytes"),
        (dict(truth=lambda rng, size: np.zeros(3)), ValueError, "truth"),
        (dict(truth=lambda rng, size: np.full(size, np.nan)), ValueError, "truth"),
        (dict(seed=-1), ValueError, "seed"),
    ],
)
def test_bad_input(kwargs, error, words):
    call = dict(truth=_normal, n=10, generations=5, fresh=0.1, replicates=3, seed=1) | kwargs
    truth = call.pop("truth")
    with pytest.raises(error, match=words):
        cl.empirical_resampling(truth, **call)
