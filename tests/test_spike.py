"""The non-smooth spike family: sampling, exact MLE, consistency, collapse under accumulation.

Statistical checks use seeded generators and tolerances of about 4 standard errors.
"""

import itertools

import numpy as np
import pytest
from scipy import special, stats

import collapse_lib as cl
from collapse_lib import _spike as sp

ALPHA = sp.WEIGHT
# constants with wide, overlapping spikes, so that the MLE search is not trivial
WIDE = {"omega0": 1.0, "rate": 2.5}


def _rng(key):
    return np.random.default_rng(np.random.SeedSequence([20250525, key]))


def _mixture_cdf(x, theta, **const):
    """CDF of p_theta: background U[0, 2] with weight 1 - alpha, spike U[theta, theta + w]."""
    w = sp._width(theta, **const)
    return (1 - ALPHA) * np.clip(x / 2, 0, 1) + ALPHA * np.clip((x - theta) / w, 0, 1)


def _se(p, m):
    return np.sqrt(max(p * (1 - p), 1.0 / m) / m)


# --- sampling -------------------------------------------------------------------------


@pytest.mark.parametrize("theta", [0.0, 0.3, 0.9])
def test_sample_resolved_spike_matches_cdf(theta):
    # WIDE spikes are resolved in floating point: a KS test against the mixture CDF,
    # and, inside the spike, a KS test of uniformity (the law given x in S is uniform on S)
    x = sp._sample(np.full(1, theta), 40_000, _rng(1), **WIDE)[0]
    assert stats.kstest(x, lambda v: _mixture_cdf(v, theta, **WIDE)).pvalue > 1e-4
    w = sp._width(theta, **WIDE)
    inside = x[(x >= theta) & (x <= theta + w)]
    assert stats.kstest((inside - theta) / w, "uniform").pvalue > 1e-4
    p = ALPHA + (1 - ALPHA) * w / 2
    assert abs(inside.size / x.size - p) < 4 * _se(p, x.size)


def test_sample_unresolved_spike_is_an_atom():
    # default constants at theta* = 0.99: the width underflows and spike draws equal theta
    theta = sp.THETA_STAR
    assert sp._width(theta) == 0.0
    x = sp._sample(np.full(3, theta), 30_000, _rng(2)).ravel()
    atom = x == theta
    assert abs(atom.mean() - ALPHA) < 4 * _se(ALPHA, x.size)
    assert stats.kstest(x[~atom], "uniform", args=(0, 2)).pvalue > 1e-4
    assert np.all(sp._logpdf(x, theta) > -np.inf)


def test_logpdf_values_and_normalisation():
    theta = 0.4
    w = sp._width(theta, **WIDE)
    lp = sp._logpdf(np.array([-0.1, 0.2, theta, theta + w / 2, 1.5, 2.1]), theta, **WIDE)
    low = np.log((1 - ALPHA) / 2)
    high = np.log((1 - ALPHA) / 2 + ALPHA / w)
    np.testing.assert_allclose(lp, [-np.inf, low, high, high, low, -np.inf], rtol=1e-12)
    # integral over [0, 2]: background plus spike of length w
    assert np.exp(low) * 2 + (np.exp(high) - np.exp(low)) * w == pytest.approx(1.0, rel=1e-12)


def test_logpdf_finite_where_density_is_astronomical():
    theta = np.linspace(0.0, 1.0, 11)
    lp = sp._logpdf(theta, theta)
    assert np.all(np.isfinite(lp))
    # log density on the spike grows like omega(theta) = omega0 * exp(b theta)
    assert lp[-1] == pytest.approx(sp.OMEGA0 * np.exp(sp.RATE), rel=1e-12)
    assert np.all(np.diff(lp) > 0)


# --- exact MLE --------------------------------------------------------------------------


def _loglik(x, theta, **const):
    """Log-likelihood of each data row of x (B, N) at each theta of the 1-D grid."""
    return sp._logpdf(x[:, None, :], theta[None, :, None], **const).sum(axis=2)


@pytest.mark.parametrize("const", [WIDE, {}])
def test_mle_is_the_maximiser(const):
    rng = _rng(3)
    # data from mixtures of a few spikes, so windows overlap and compete
    thetas = rng.uniform(0, 1, size=(60, 3))
    parts = [sp._sample(thetas[:, j], 6, rng, **const) for j in range(3)]
    x = np.concatenate(parts, axis=1)
    x[:20, :4] = x[:20, :1]  # exact ties
    mle = sp._mle(x, **const)
    grid = np.linspace(0.0, 1.0, 20_001)
    for row, theta_hat in zip(x, mle):
        cands = np.concatenate([grid, row[row <= 1], [1.0]])
        ll = _loglik(row[None, :], cands, **const)[0]
        best = _loglik(row[None, :], np.array([theta_hat]), **const)[0, 0]
        assert best >= ll.max() - 1e-9 * abs(ll.max())
        # the smallest maximiser among the candidates
        at_max = cands[ll >= best - 1e-9 * abs(best)]
        assert theta_hat == at_max.min()


def test_mle_vectorised_rows_agree_with_single_rows():
    rng = _rng(4)
    x = sp._sample(rng.uniform(0.95, 1.0, 50), 200, rng)
    joint = sp._mle(x)
    single = np.array([sp._mle(row[None, :])[0] for row in x])
    np.testing.assert_array_equal(joint, single)


def test_mle_no_data_in_parameter_range_returns_one():
    assert sp._mle(np.array([[1.5, 1.9]]))[0] == 1.0


@pytest.mark.parametrize(
    "bad",
    [
        np.array([[0.5, -0.1]]),
        np.array([[0.5, np.nan]]),
        np.array([[2.5]]),
        np.zeros((2, 0)),
        np.zeros(3),
    ],
)
def test_mle_bad_data(bad):
    with pytest.raises(ValueError, match="x"):
        sp._mle(bad)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"weight": 1.0},
        {"weight": np.nan},
        {"omega0": 0.5},
        {"rate": 0.0},
        {"rate": 50.0, "omega0": 1.0},
        {"rate": 800.0},
    ],
)
def test_bad_constants(kwargs):
    name = next(iter(kwargs))
    with pytest.raises(ValueError, match=name):
        sp._sample(np.array([0.5]), 3, _rng(0), **kwargs)


def test_bad_arguments_name_themselves():
    with pytest.raises(TypeError, match="rng"):
        sp._sample(np.array([0.5]), 3, np.random.RandomState(0))
    with pytest.raises(TypeError, match="weight"):
        sp._mle(np.array([[0.5]]), weight="half")
    with pytest.raises(ValueError, match="size"):
        sp._sample(np.array([0.5]), -1, _rng(0))
    with pytest.raises(ValueError, match="theta"):
        sp._sample(np.full((2, 2), 0.5), 3, _rng(0))


@pytest.mark.parametrize("theta", [-0.1, 1.2, np.nan])
def test_bad_theta(theta):
    with pytest.raises(ValueError, match="theta"):
        sp._sample(np.array([theta]), 3, _rng(0))


# --- consistency ------------------------------------------------------------------------


def test_consistency_resolved_spike():
    # WIDE constants, theta* = 0.5: a background point cannot capture once the truth's
    # spike holds 3 points, so the MLE is the smallest spike point and the error is of
    # order w(theta*) / (alpha N): it shrinks with N
    theta_star, reps = 0.5, 400
    w = sp._width(theta_star, **WIDE)
    errors = []
    for key, n in enumerate((250, 1000, 4000)):
        x = sp._sample(np.full(reps, theta_star), n, _rng(10 + key), **WIDE)
        errors.append(np.abs(sp._mle(x, **WIDE) - theta_star))
    assert np.all(errors[-1] <= w)
    for small, large in itertools.pairwise(errors):
        se = np.sqrt(small.var() / reps + large.var() / reps)
        assert small.mean() - large.mean() > 4 * se


def test_consistency_default_family():
    # default constants: the MLE is theta* exactly unless a background point captures;
    # the capture zone [theta* + log(K)/b, 1] is empty once the truth's spike holds
    # K > exp(b (1 - theta*)) ~ 1100 points, so errors stop for N = 5000
    reps = 400
    x = sp._sample(np.full(reps, sp.THETA_STAR), 5000, _rng(20))
    assert np.all(sp._mle(x) == sp.THETA_STAR)


# --- collapse under accumulation ---------------------------------------------------------


def test_accumulate_collapses_while_iid_mle_recovers():
    n, rounds, reps = 100, 20, 400
    run = cl.simulate(
        cl.SpikeUniform(), generations=rounds, sizes=n, replicates=reps, scheme="accumulate",
        seed=30,
    )  # fmt: skip
    path = run["theta"][:, 1:]
    off = path != sp.THETA_STAR
    # an error is permanent, and the fitted spike only moves right (narrows)
    assert np.all(np.diff(off.astype(int), axis=1) >= 0)
    assert np.all(np.diff(path, axis=1) >= 0)
    p_first, p_last = off[:, 0].mean(), off[:, -1].mean()
    assert p_last - p_first > 4 * np.sqrt(_se(p_first, reps) ** 2 + _se(p_last, reps) ** 2)
    # the same number of i.i.d. points from the truth: the MLE is usually right
    x = sp._sample(np.full(reps, sp.THETA_STAR), n * rounds, _rng(31))
    p_iid = (sp._mle(x) != sp.THETA_STAR).mean()
    assert p_last - p_iid > 4 * np.sqrt(_se(p_iid, reps) ** 2 + _se(p_last, reps) ** 2)
    # collapsed models keep no spike mass on the truth: total variation alpha;
    # their spike is narrower by a factor exp(-(omega(theta_T) - omega(theta*)))
    assert np.all(sp._omega(path[off[:, -1], -1]) > sp._omega(sp.THETA_STAR))


def test_smooth_family_does_not_collapse_under_accumulate():
    # Gaussian mean (known variance 1), same n and rounds: Var mu_T = (1/n) sum 1/k^2, so
    # the total variation distance 2 Phi(|mu|/2) - 1 stays far below alpha/2 in every
    # replicate, while the spike family reaches distance alpha in a large fraction
    n, rounds, reps = 100, 20, 2000
    run = cl.simulate(
        cl.Gaussian(known_variance=True),
        generations=rounds,
        sizes=n,
        replicates=reps,
        scheme="accumulate",
        seed=40,
        record="last",
    )
    mu = run["mu"][:, -1]
    tv = special.erf(np.abs(mu) / (2 * np.sqrt(2)))
    assert tv.max() < ALPHA / 2


# --- the engine's spike replicate and the capture figure ----------------------------------


def test_spike_capture_is_a_replicate_of_the_engine():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    family = cl.SpikeUniform()
    cap = family.first_capture(50, seed=21)
    fig, ax = plt.subplots()
    cl.plotting.spike_capture(cap, ax=ax)
    plt.close(fig)
    run = cl.simulate(family, generations=cap.round, sizes=50, scheme="accumulate", seed=21)
    path = run["theta"][0]
    assert np.all(path[:-1] == family.theta) and path[-1] == cap.theta
    assert cap.data.size == 50 * cap.round
    assert sp._mle(np.sort(cap.data)[None, :])[0] == cap.theta
