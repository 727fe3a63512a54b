"""collapse_lib.theory, the spike family: capture zone, one exact fit, recursive survival.

Checked against the family's own exact MLE (``collapse_lib._spike``) on draws from
seeded Generators, within 4 standard errors; the comparison with the simulator is in
``test_accumulate.py``.
"""

import numpy as np
import pytest
from helpers import assert_probability_matches

from collapse_lib import _spike as sp
from collapse_lib import theory as th


def test_capture_point_solves_the_score_equation():
    const = {"weight": 0.3, "omega0": 2.0, "rate": 3.0}
    k = np.array([1, 2, 5, 40])
    x = th.spike_capture_point(count=k, theta=0.2, **const)
    np.testing.assert_allclose(sp._gain(x, **const), k * sp._gain(0.2, **const), rtol=1e-10)


def test_capture_point_default_constants():
    k = np.array([1, 3, 100, 5000])
    x = th.spike_capture_point(count=k)
    np.testing.assert_allclose(x, sp.THETA_STAR + np.log(k) / sp.RATE, rtol=0, atol=1e-12)


@pytest.mark.parametrize("n", [5, 60, 400])
def test_mle_correct_probability_matches_exact_mle(n):
    R = 20_000 if n < 400 else 4_000
    rng = np.random.default_rng(np.random.SeedSequence([20250601, n]))
    x = sp._sample(np.full(R, sp.THETA_STAR), n, rng)
    hits = sp._mle(x) == sp.THETA_STAR
    assert_probability_matches(hits, th.spike_mle_correct_probability(n=n))


def test_mle_correct_probability_tends_to_one():
    p = th.spike_mle_correct_probability(n=[100, 1000, 3000, 10_000])
    assert p[1] < p[0] and p[-1] == pytest.approx(1.0, abs=1e-12)


def test_spike_survival_iid_limit_and_first_round():
    # round 1 is the real-only fit in both schemes
    p = th.spike_mle_correct_probability(n=30)
    for scheme in ("replace", "accumulate"):
        survival = th.spike_survival(sizes=30, scheme=scheme, generations=3)
        assert survival[1] == pytest.approx(p, rel=1e-12)
    # accumulate survives at most as often as i.i.d. data of the same size
    acc = th.spike_survival(sizes=30, scheme="accumulate", generations=20)
    iid = th.spike_mle_correct_probability(n=30 * np.arange(1, 21))
    assert np.all(acc[1:] <= iid + 1e-12)
