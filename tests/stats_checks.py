"""Statistical assertions shared by the tests: simulation against theory within Z SE.

Every comparison of a Monte Carlo average with a closed form uses a tolerance of
``Z`` standard errors estimated from the sample itself, never a tuned constant.
"""

import numpy as np

Z = 4.0  # tolerance in standard errors


def assert_mean_matches(samples, expected, axis=0):
    """Sample mean along ``axis`` within Z standard errors of ``expected``."""
    samples = np.asarray(samples, dtype=float)
    m = samples.mean(axis=axis)
    se = samples.std(axis=axis, ddof=1) / np.sqrt(samples.shape[axis])
    np.testing.assert_array_less(np.abs(m - expected), Z * se + 1e-12)


def assert_variance_matches(samples, expected, axis=0):
    """Sample variance within Z standard errors (SE of the mean of squared deviations)."""
    samples = np.asarray(samples, dtype=float)
    dev2 = (samples - samples.mean(axis=axis, keepdims=True)) ** 2
    v = dev2.sum(axis=axis) / (samples.shape[axis] - 1)
    se = dev2.std(axis=axis, ddof=1) / np.sqrt(samples.shape[axis])
    np.testing.assert_array_less(np.abs(v - expected), Z * se + 1e-12)


def assert_probability_matches(hits, p, axis=0):
    """Frequency of boolean ``hits`` within Z binomial standard errors of ``p``."""
    hits = np.asarray(hits, dtype=float)
    r = hits.shape[axis]
    se = np.sqrt(np.asarray(p) * (1 - np.asarray(p)) / r)
    np.testing.assert_array_less(np.abs(hits.mean(axis=axis) - p), Z * se + 1e-12)
