"""collapse_lib.theory, categorical resampling without fresh data (the Wright–Fisher chain).

Exact checks use powers of the transition matrix, series and the exact multi-type chain;
Monte Carlo checks draw the counts with their own seeded Generators (nothing from the
library's simulator) and accept a deviation of at most 4 standard errors, estimated from
the same sample.
"""

import itertools
import math

import numpy as np
import pytest
from helpers import Z, assert_mean_matches
from scipy import linalg, special

from collapse_lib import theory as th


def test_wf_transition_matrix_entries():
    n = 6
    P = th.wf_transition_matrix(n=n)
    assert P.shape == (7, 7)
    for i, j in itertools.product(range(n + 1), repeat=2):
        exact = math.comb(n, j) * (i / n) ** j * (1 - i / n) ** (n - j)
        assert P[i, j] == pytest.approx(exact, abs=1e-15)
    np.testing.assert_allclose(th.wf_transition_matrix(n=300).sum(axis=1), 1.0, rtol=1e-12)


def test_wf_fixation_and_heterozygosity_by_matrix_powers():
    n = 30
    P = th.wf_transition_matrix(n=n)
    states = np.arange(n + 1) / n
    h = states * (1 - states)
    Pt = np.eye(n + 1)
    for t in range(0, 61):
        np.testing.assert_allclose(Pt @ h, th.wf_heterozygosity(t, p=states, n=n), atol=1e-13)
        Pt = Pt @ P
    P_inf = np.linalg.matrix_power(P, 4096)
    np.testing.assert_allclose(P_inf[:, n], th.wf_fixation_probability(p=states), atol=1e-10)
    assert th.wf_heterozygosity([0, 1, 2], p=0.5, n=10).tolist() == pytest.approx(
        [0.25, 0.225, 0.2025]
    )


def test_wf_absorption_time_exact_against_series_and_monte_carlo():
    n = 20
    tau = th.wf_absorption_time_exact(n=n)
    assert tau.shape == (n + 1,) and tau[0] == tau[n] == 0
    Q = th.wf_transition_matrix(n=n)[1:n, 1:n]
    series, v = np.zeros(n - 1), np.ones(n - 1)
    for _ in range(5000):  # E tau = sum_t P(tau > t) = sum_t Q^t 1
        series += v
        v = Q @ v
    np.testing.assert_allclose(tau[1:n], series, rtol=1e-10)
    np.testing.assert_allclose(tau, tau[::-1], rtol=1e-10)
    rng = np.random.default_rng(np.random.SeedSequence(31337))
    for i in [1, 5, 10]:
        count = np.full(20_000, i)
        time = np.zeros(20_000)
        while np.any((count > 0) & (count < n)):
            alive = (count > 0) & (count < n)
            time += alive
            count = rng.binomial(n, count / n)
        assert_mean_matches(time, tau[i])
    assert th.wf_absorption_time_exact(n=1).tolist() == [0.0, 0.0]


@pytest.mark.parametrize("n", [50, 200])
def test_kimura_overestimates_by_a_few_generations(n):
    """Documented accuracy of the (labelled) diffusion approximation."""
    exact = th.wf_absorption_time_exact(n=n)
    i = np.array([n // 10, n // 4, n // 2])
    err = th.wf_absorption_time_kimura(p=i / n, n=n) - exact[i]
    assert np.all((err > 0) & (err < 4))
    assert th.wf_absorption_time_kimura(p=[0.0, 1.0], n=n).tolist() == [0.0, 0.0]


def test_kimura_gap_grows_like_a_third_of_log_n():
    """Documented: gaps 1.50, 1.80, 2.03, 2.26 from an even split, about ln(2)/3 per doubling."""
    sizes = [20, 50, 100, 200, 400, 800]
    gap = np.array(
        [
            th.wf_absorption_time_kimura(p=0.5, n=n) - th.wf_absorption_time_exact(n=n)[n // 2]
            for n in sizes
        ]
    )
    np.testing.assert_allclose(gap[:4], [1.50, 1.80, 2.03, 2.26], atol=0.005)
    per_doubling = np.diff(gap[2:])  # 100 -> 200 -> 400 -> 800
    np.testing.assert_allclose(per_doubling, np.log(2) / 3, atol=0.003)


@pytest.mark.parametrize("probs", [[0.5, 0.5], [0.1, 0.9], [0.2, 0.3, 0.5]])
@pytest.mark.parametrize("n", [2, 5, 30, 200])
def test_collapse_mean_bound_is_the_summed_tail_bound_and_bounds_the_exact_mean(probs, n):
    bound = th.wf_collapse_mean_bound(probs=probs, n=n)
    t = np.arange(1, 60 * n * int(np.log(n) + 2))
    summed = 1.0 + np.minimum(1.0, th.wf_collapse_tail_bound(t, probs=probs, n=n)).sum()
    assert bound == pytest.approx(summed, rel=1e-9)
    h0 = 1 - np.sum(np.square(probs))
    c = n * n * h0 / (2 * (n - 1))
    if c >= 1:
        assert bound <= 1 + n * (1 + np.log(c)) + 1e-9
    if len(probs) == 2:
        assert th.wf_absorption_time_exact(n=n)[round(probs[0] * n)] <= bound + 1e-9


def test_collapse_mean_bound_order_n_log_n():
    """The bound over n ln n tends to 1 (slowly), while the exact mean over n stays bounded."""
    ratios = [
        th.wf_collapse_mean_bound(probs=[0.5, 0.5], n=n) / (n * np.log(n))
        for n in (100, 1000, 10_000)
    ]
    assert ratios[0] < ratios[1] < ratios[2] < 1.0
    assert ratios[0] > 0.9
    assert th.wf_collapse_mean_bound(probs=[1.0, 0.0], n=10) == 0.0
    assert th.wf_collapse_mean_bound(probs=[0.5, 0.5], n=2) == pytest.approx(2.0)  # exact here


def _multitype_absorption_time(n, start):
    """Exact mean time until one type holds all n copies (K-type Wright-Fisher chain)."""
    K = len(start)
    states = np.array([s for s in itertools.product(range(n + 1), repeat=K) if sum(s) == n])
    transient = states[states.max(axis=1) < n]
    logfact = special.gammaln(np.arange(n + 1) + 1.0)  # log k!
    p = transient / n
    # log multinomial pmf of every transient target from every transient source
    logpmf = (
        logfact[n]
        - logfact[transient].sum(axis=1)[None, :]
        + special.xlogy(transient[None, :, :], p[:, None, :]).sum(axis=2)
    )
    Q = np.exp(logpmf)
    tau = linalg.solve(np.eye(len(transient)) - Q, np.ones(len(transient)))
    return tau[np.flatnonzero((transient == start).all(axis=1))[0]]


@pytest.mark.parametrize("start", [(8, 8, 8), (4, 8, 12), (2, 2, 20)])
def test_kimura_multi_against_exact_three_types(start):
    n = sum(start)
    exact = _multitype_absorption_time(n, np.array(start))
    approx = th.wf_absorption_time_kimura_multi(probs=np.array(start) / n, n=n)
    assert 0 < approx - exact < 3
    assert th.wf_absorption_time_kimura_multi(probs=[0.3, 0.7], n=40) == pytest.approx(
        th.wf_absorption_time_kimura(p=0.3, n=40)
    )


@pytest.mark.parametrize("n", [2, 3, 4, 5, 6])
def test_coalescence_time_equals_forward_time_to_single_atom(n):
    assert th.coalescence_time(n=n) == pytest.approx(
        _multitype_absorption_time(n, np.ones(n, dtype=int)), rel=1e-10
    )


def test_coalescence_time_pairs_and_kingman():
    for n in [2, 7, 100]:
        assert th.coalescence_time(n=n, lineages=2) == pytest.approx(n, rel=1e-12)  # geometric(1/n)
        assert th.coalescence_time_kingman(n=n, lineages=2) == pytest.approx(n)
    assert th.coalescence_time(n=1) == 0.0
    assert th.coalescence_time_kingman(n=50) == 98.0
    gaps = [th.coalescence_time_kingman(n=n) - th.coalescence_time(n=n) for n in [20, 1600]]
    np.testing.assert_allclose(gaps, [0.73, 2.18], atol=0.005)  # documented
    per_doubling = np.diff(
        [th.coalescence_time_kingman(n=n) - th.coalescence_time(n=n) for n in [200, 400, 800]]
    )
    np.testing.assert_allclose(per_doubling, 0.23, atol=0.005)  # documented


def test_coalescence_time_monte_carlo():
    rng = np.random.default_rng(np.random.SeedSequence(555))
    n, R = 25, 8000
    counts = np.ones((R, n), dtype=np.int64)
    time = np.zeros(R)
    active = np.ones(R, dtype=bool)
    while active.any():
        time += active
        counts[active] = rng.multinomial(n, counts[active] / n)
        active = counts.max(axis=1) < n
    assert_mean_matches(time, th.coalescence_time(n=n))


@pytest.mark.parametrize("n, i", [(10, 5), (30, 3), (60, 30)])
def test_collapse_tail_bound_holds_for_the_exact_two_type_chain(n, i):
    P = th.wf_transition_matrix(n=n)
    law = np.zeros(n + 1)
    law[i] = 1.0
    probs = [i / n, 1 - i / n]
    ts = np.arange(1, 6 * n)
    bound = th.wf_collapse_tail_bound(ts, probs=probs, n=n)
    for _, b in zip(ts, bound):
        law = law @ P
        alive = 1.0 - law[0] - law[n]
        assert alive <= b + 1e-12
    # same geometric rate: the ratio bound / truth settles to a constant
    assert bound[-1] / bound[-2] == pytest.approx(1 - 1 / n)


def test_collapse_tail_bound_monte_carlo_many_types():
    rng = np.random.default_rng(np.random.SeedSequence(606))
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
    bound = th.wf_collapse_tail_bound(np.arange(1, t_max + 1), probs=probs, n=n)
    assert np.all(freq <= bound + Z * se)


def test_collapse_horizon_is_the_first_generation_below_delta():
    for probs, n, delta in [
        ([0.5, 0.5], 50, 1e-6),
        (np.full(20, 0.05), 20, 1e-3),
        ([0.9, 0.1], 200, 0.5),
    ]:
        t = th.wf_collapse_horizon(probs=probs, n=n, delta=delta)
        assert th.wf_collapse_tail_bound(t, probs=probs, n=n) <= delta
        if t > 1:
            assert th.wf_collapse_tail_bound(t - 1, probs=probs, n=n) > delta
    assert th.wf_collapse_horizon(probs=[1.0, 0.0], n=10, delta=0.1) == 1


def test_surviving_types_two_types_and_distinct_atoms():
    n = 25
    P = th.wf_transition_matrix(n=n)
    k = th.wf_surviving_types_mean(probs=[0.2, 0.8], n=n, generations=60)
    law = np.zeros(n + 1)
    law[5] = 1.0
    assert k[0] == 2
    for t in range(1, 61):
        law = law @ P
        assert k[t] == pytest.approx(2 - law[0] - law[n], abs=1e-12)
    atoms = th.wf_surviving_types_mean(probs=np.full(n, 1 / n), n=n, generations=2000)
    assert atoms[0] == n and np.all(np.diff(atoms) <= 1e-12)
    assert atoms[-1] == pytest.approx(1.0, abs=1e-9)
    # E sum_t (K_t > 1) = expected time to one atom = the coalescence time
    tail = atoms - 1.0  # P(K_t > 1) <= E K_t - 1 <= (n - 1) P(K_t > 1)
    assert tail[:-1].sum() >= th.coalescence_time(n=n) - 1e-9
    assert th.wf_surviving_types_mean(probs=[0.0, 0.5, 0.5], n=10, generations=0).tolist() == [2.0]


def test_surviving_types_monte_carlo():
    rng = np.random.default_rng(np.random.SeedSequence(707))
    n, R, G = 15, 30_000, 30
    probs = np.array([0.4, 0.3, 0.2, 0.1])
    counts = rng.multinomial(n, probs, size=R)
    K = np.empty((R, G))
    for t in range(G):
        K[:, t] = (counts > 0).sum(axis=1)
        counts = rng.multinomial(n, counts / n)
    assert_mean_matches(K, th.wf_surviving_types_mean(probs=probs, n=n, generations=G)[1:])
