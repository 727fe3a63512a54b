"""collapse_lib.theory, the multivariate Gaussian: the log-determinant walk.

Exact reductions and asymptotics; the comparison with the simulator is in
``test_real_data.py``.
"""

import numpy as np
import pytest

from collapse_lib import theory as th


def test_logdet_drift_reduces_to_log_variance_drift():
    for est in ("mle", "unbiased"):
        assert th.mvn_logdet_drift(n=20, d=1, estimator=est) == pytest.approx(
            th.log_variance_drift(n=20, estimator=est), rel=1e-14
        )


def test_logdet_drift_asymptotics():
    n = 10**6
    mle = th.mvn_logdet_drift(n=n, d=13, estimator="mle")
    unbiased = th.mvn_logdet_drift(n=n, d=13, estimator="unbiased")
    assert mle * n == pytest.approx(-13 * 16 / 2, rel=1e-3)
    assert unbiased * n == pytest.approx(-13 * 14 / 2, rel=1e-3)


def test_logdet_mean_starts_at_the_truth_and_adds_the_drifts():
    cov = np.array([[2.0, 0.3], [0.3, 1.0]])
    sizes = [5, 8, 13]
    mean = th.mvn_logdet_mean(sizes=sizes, cov=cov, estimator="unbiased")
    drifts = th.mvn_logdet_drift(n=np.array(sizes), d=2, estimator="unbiased")
    logdet = np.log(np.linalg.det(cov))
    np.testing.assert_allclose(mean, logdet + np.concatenate(([0.0], np.cumsum(drifts))))
    var = th.mvn_logdet_variance(sizes=sizes, d=2)
    assert var[0] == 0.0 and np.all(np.diff(var) > 0)


@pytest.mark.parametrize("d", [1, 2, 3, 5])
@pytest.mark.parametrize("estimator, ddof", [("mle", 0), ("unbiased", 1)])
def test_mvn_logdet_drift_is_negative_with_rate_d_d_plus_3_over_2(d, estimator, ddof):
    # the log-determinant walk of the superlinear chapter: delta_d(n) < 0 for every
    # n >= d + 1, and n delta_d(n) -> -(d (d + 3) / 2 - d ddof), with an O(1/n) error
    n = np.arange(d + 1, 200_001)
    drift = th.mvn_logdet_drift(n=n, d=d, estimator=estimator)
    assert np.all(drift < 0)
    limit = -(d * (d + 3) / 2 - d * ddof)
    err = np.abs(n * drift - limit)
    assert err[-1] < 10 * d**3 / n[-1]
    assert err[-1] < err[len(n) // 100]
