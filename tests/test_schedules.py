"""Sample-size schedules: values, validation, and the convergence of sum n_t^(-beta)."""

import math

import numpy as np
import pytest

from collapse_lib import schedules as sch


@pytest.mark.parametrize(
    "schedule, expected",
    [
        (sch.constant(7), [7, 7, 7, 7, 7]),
        (sch.linear(5), [5, 10, 15, 20, 25]),
        (sch.linear(5, slope=2), [5, 7, 9, 11, 13]),
        (sch.linear(3, slope=0), [3, 3, 3, 3, 3]),
        (sch.power(10, 1.5), [math.ceil(10 * t**1.5 - 1e-9) for t in range(1, 6)]),
        (sch.power(100, 0.5), [100, 142, 174, 200, 224]),
        (sch.power(2, 2), [2, 8, 18, 32, 50]),
        (sch.tlog2(1), [math.ceil(t * math.log2(t + 1) ** 2 - 1e-9) for t in range(1, 6)]),
        (sch.geometric(3, 2), [3, 6, 12, 24, 48]),
        (sch.geometric(10, 1.5), [10, 15, 23, 34, 51]),
    ],
)
def test_values_scalar_and_vector(schedule, expected):
    t = np.arange(1, 6)
    out = schedule(t)
    assert out.dtype == np.int64 and out.shape == (5,)
    assert out.tolist() == expected
    scalar = schedule(3)
    assert type(scalar) is int and scalar == expected[2]
    assert schedule(np.array([[1, 2], [3, 4]])).shape == (2, 2)


@pytest.mark.parametrize(
    "schedule",
    [
        sch.constant(1),
        sch.linear(1),
        sch.power(0.3, 1.2),
        sch.tlog2(0.5),
        sch.tlog2(1),
        sch.geometric(0.2, 1.01),
    ],
)
def test_at_least_one_and_non_decreasing(schedule):
    n = schedule(np.arange(1, 2001))
    assert n.min() >= 1
    assert np.all(np.diff(n) >= 0)


def test_tlog2_strictly_increasing_and_starts_at_n0():
    n = sch.tlog2(4)(np.arange(1, 5001))
    assert n[0] == 4
    assert np.all(np.diff(n) > 0)


def test_repr_and_equality():
    assert repr(sch.constant(5)) == "constant(n=5)"
    assert repr(sch.linear(5)) == "linear(n0=5, slope=5)"
    assert repr(sch.power(10, 1.5)) == "power(n0=10.0, p=1.5)"
    assert repr(sch.tlog2(2)) == "tlog2(n0=2.0)"
    assert repr(sch.geometric(3, 2)) == "geometric(n0=3.0, r=2.0)"
    assert sch.power(10, 2) == sch.power(10.0, 2.0)
    assert sch.power(10, 2) != sch.power(10, 3)
    assert sch.constant(4) != sch.linear(4, 0)
    assert len({sch.constant(4), sch.constant(4)}) == 1


@pytest.mark.parametrize(
    "factory, kwargs, exc, word",
    [
        (sch.constant, {"n": 0}, ValueError, "n"),
        (sch.constant, {"n": 2.0}, TypeError, "n"),
        (sch.constant, {"n": True}, TypeError, "n"),
        (sch.linear, {"n0": -1}, ValueError, "n0"),
        (sch.linear, {"n0": 2, "slope": -1}, ValueError, "slope"),
        (sch.power, {"n0": 0, "p": 1}, ValueError, "n0"),
        (sch.power, {"n0": 1, "p": -0.5}, ValueError, "p"),
        (sch.power, {"n0": 1, "p": float("nan")}, ValueError, "p"),
        (sch.power, {"n0": "1", "p": 1}, TypeError, "n0"),
        (sch.tlog2, {"n0": float("inf")}, ValueError, "n0"),
        (sch.geometric, {"n0": 1, "r": 0.5}, ValueError, "r"),
    ],
)
def test_bad_parameters(factory, kwargs, exc, word):
    with pytest.raises(exc, match=word):
        factory(**kwargs)


@pytest.mark.parametrize(
    "t, exc",
    [
        (0, ValueError),
        (-3, ValueError),
        (1.0, TypeError),
        (np.array([1, 0]), ValueError),
        ("2", TypeError),
        (np.array([1.5]), TypeError),
        (True, TypeError),
    ],
)
def test_bad_t(t, exc):
    with pytest.raises(exc, match="t"):
        sch.constant(3)(t)


def test_overflow_is_an_error_not_garbage():
    with pytest.raises(ValueError, match="t=") as info:
        sch.geometric(1, 10)(np.arange(1, 30))
    assert "t=17" in str(info.value)
    assert sch.geometric(1, 10)(16) == 10**15


def test_sizes_resolves_every_form():
    assert sch.sizes(4, 3).tolist() == [4, 4, 4]
    assert sch.sizes([2, 3, 5], 3).tolist() == [2, 3, 5]
    assert sch.sizes(np.array([2, 3]), 2).dtype == np.int64
    assert sch.sizes(sch.linear(2), 4).tolist() == [2, 4, 6, 8]
    assert sch.sizes(lambda t: t * t, 3).tolist() == [1, 4, 9]
    assert sch.sizes(sch.constant(3), 0).shape == (0,)
    assert sch.sizes(lambda t: t, 0).shape == (0,)


@pytest.mark.parametrize(
    "spec, generations, exc, word",
    [
        (0, 3, ValueError, "sizes"),
        (2.0, 3, TypeError, "sizes"),
        ([1, 2], 3, ValueError, "generations=3"),
        ([1, 0, 2], 3, ValueError, "sizes"),
        ([1.5, 2, 2], 3, TypeError, "sizes"),
        (lambda t: 0.5 * t, 3, TypeError, "sizes"),
        (lambda t: t - 1, 3, ValueError, "sizes"),
        (3, -1, ValueError, "generations"),
        (3, 2.0, TypeError, "generations"),
        ("abc", 3, TypeError, "sizes"),
    ],
)
def test_sizes_errors(spec, generations, exc, word):
    with pytest.raises(exc, match=word):
        sch.sizes(spec, generations)


def test_sum_inverse_and_sum_power():
    assert sch.sum_inverse([1, 2, 4]) == pytest.approx(1.75)
    assert sch.sum_inverse(sch.linear(1), 4) == pytest.approx(1 + 1 / 2 + 1 / 3 + 1 / 4)
    assert sch.sum_inverse(10, 5) == pytest.approx(0.5)
    assert sch.sum_power([4, 9], 0.5) == pytest.approx(1 / 2 + 1 / 3)
    # n_t = t^2: partial sums of 1/t^2 approach pi^2/6 with tail about 1/G.
    assert sch.sum_inverse(sch.power(1, 2), 10_000) == pytest.approx(np.pi**2 / 6, abs=1.1e-4)
    with pytest.raises(ValueError, match="generations"):
        sch.sum_inverse(sch.constant(3))
    with pytest.raises(ValueError, match="generations"):
        sch.sum_inverse(3)
    with pytest.raises(ValueError, match="beta"):
        sch.sum_power([1, 2], 0)
    with pytest.raises(ValueError, match="sizes"):
        sch.sum_inverse([[1, 2]])


@pytest.mark.parametrize(
    "schedule, beta, expected",
    [
        (sch.constant(100), 1, False),
        (sch.constant(100), 3, False),
        (sch.linear(10), 1, False),
        (sch.linear(10), 1.01, True),
        (sch.linear(10, 0), 2, False),
        (sch.power(10, 1.0), 1, False),
        (sch.power(10, 0.5), 1, False),
        (sch.power(10, 1.2), 1, True),
        (sch.power(10, 2), 0.5, False),
        (sch.power(10, 2), 0.6, True),
        (sch.tlog2(1), 1, True),
        (sch.tlog2(1), 0.99, False),
        (sch.geometric(1, 1.0), 1, False),
        (sch.geometric(1, 1.1), 1, True),
        (sch.geometric(1, 1.1), 0.1, True),
    ],
)
def test_converges_by_form(schedule, beta, expected):
    assert sch.converges(schedule, beta) is expected


@pytest.mark.parametrize(
    "schedule, generations",
    [
        (sch.constant(5), 2**20),
        (sch.linear(5), 2**20),
        (sch.power(5, 0.8), 2**20),
        (sch.power(5, 1.5), 2**20),
        (sch.tlog2(1), 2**20),
        (sch.geometric(5, 1.05), 640),
    ],
)
def test_converges_agrees_with_partial_sums(schedule, generations):
    """A convergent series has a small tail; a divergent one keeps growing (numerical check)."""
    n = schedule(np.arange(1, generations + 1)).astype(float)
    partial = np.cumsum(1 / n)
    late_gain = partial[-1] - partial[generations // 2 - 1]  # growth over the second half
    if sch.converges(schedule):
        assert late_gain < 0.02 * partial[-1]
    else:
        # the slowest divergent case here, linear(5), gains ln(2) / 5 over the second half
        assert late_gain > 0.05


def test_converges_rejects_plain_callables():
    with pytest.raises(TypeError, match="schedule"):
        sch.converges(lambda t: t * t)
    with pytest.raises(TypeError, match="schedule"):
        sch.converges([1, 2, 3])
    with pytest.raises(ValueError, match="beta"):
        sch.converges(sch.constant(3), beta=-1)


def test_schedules_pickle():
    """Schedules travel to worker processes (e.g. a Dask cluster) by pickle."""
    import pickle

    for s in (
        sch.constant(3),
        sch.linear(2, 1),
        sch.power(1.5, 2),
        sch.tlog2(2),
        sch.geometric(1, 2),
    ):
        again = pickle.loads(pickle.dumps(s))
        assert again == s and again(np.arange(1, 6)).tolist() == s(np.arange(1, 6)).tolist()


# ------------------------------------------------ t ln t: superlinear, still divergent
def test_tlog_values_growth_and_divergence():
    s = sch.tlog(10)
    t = np.arange(1, 2001)
    n = s(t)
    np.testing.assert_array_equal(n, np.ceil(10 * t * np.log1p(t) - 1e-9).astype(int))
    assert np.all(np.diff(n) > 0) and n[-1] / t[-1] > 10 * np.log(2000)
    assert not sch.converges(s) and sch.converges(s, beta=1.01)
    assert repr(s) == "tlog(n0=10.0)"
    # S_T - ln ln T / n0 settles (integral test): its increments shrink like 1/(n0 T ln T)
    T = np.array([10**3, 10**4, 10**5, 10**6])
    S = np.cumsum(1.0 / s(np.arange(1, T[-1] + 1)))[T - 1]
    gap = S - np.log(np.log(T)) / 10
    assert np.all(np.abs(np.diff(gap)) < 1 / (10 * T[:-1] * np.log(T[:-1])) * 10)
    assert np.all(np.diff(S) > 0.9 * np.diff(np.log(np.log(T))) / 10)


def test_tlog_bad_input():
    with pytest.raises(ValueError, match="n0"):
        sch.tlog(0)
    with pytest.raises(TypeError, match="n0"):
        sch.tlog("10")


# ------------------------------------------------------- data budget of power schedules
@pytest.mark.parametrize("n0, p", [(10, 1.5), (3, 2.0), (7.5, 1.1), (1, 3.0)])
def test_power_floor_bounds_the_step_sum(n0, p):
    T = 200_000
    S_T = sch.sum_inverse(sch.power(n0, p), T)
    # n_t >= n0 t^p gives S_inf <= zeta(p)/n0; the tail beyond T is below T^(1-p)/(n0 (p-1))
    floor = sch.power_floor(n0, p)
    assert S_T <= floor + 1e-12
    if float(n0).is_integer() and float(p).is_integer():  # n_t = n0 t^p exactly
        assert floor - S_T <= T ** (1 - p) / (n0 * (p - 1)) + 1e-13  # + rounding
    assert sch.power_floor(n0, p, sigma2=3.0) == pytest.approx(3 * floor)


@pytest.mark.parametrize("n0, p", [(10, 0.0), (10, 1.0), (2.5, 1.5), (1, 2.0)])
def test_power_total_brackets_the_exact_total(n0, p):
    for T in (1, 10, 1000, 50_000):
        exact = sch.total(sch.power(n0, p), T)
        approx = sch.power_total(n0, p, T)
        assert approx <= exact + 1e-6 * exact
        assert exact <= n0 * (T + 1) ** (p + 1) / (p + 1) + T
    assert sch.total(sch.power(n0, p), 50_000) / sch.power_total(n0, p, 50_000) == pytest.approx(
        1, rel=1e-3 if p > 0 else 1e-12
    )


def test_total_exact_small():
    assert sch.total([3, 5, 8]) == 16.0
    assert sch.total(sch.power(2, 2), 3) == 2 + 8 + 18


@pytest.mark.parametrize(
    "call, exc, word",
    [
        (lambda: sch.power_floor(10, 1.0), ValueError, "p"),
        (lambda: sch.power_floor(0, 2.0), ValueError, "n0"),
        (lambda: sch.power_floor(10, 2.0, sigma2=-1.0), ValueError, "sigma2"),
        (lambda: sch.power_total(10, -0.5, 10), ValueError, "p"),
        (lambda: sch.power_total(10, 1.0, 0), ValueError, "T"),
        (lambda: sch.power_total(10, 1.0, 2.5), TypeError, "T"),
        (lambda: sch.total([3, 0]), ValueError, "sizes"),
    ],
)
def test_budget_functions_bad_input(call, exc, word):
    with pytest.raises(exc, match=word):
        call()


@pytest.mark.parametrize(
    "schedule", [sch.constant(7), sch.linear(3), sch.power(2.5, 1.3), sch.tlog(4), sch.tlog2(2)]
)
def test_step_sum_times_total_is_at_least_T_squared(schedule):
    # Cauchy-Schwarz: T = sum n_t^(-1/2) n_t^(1/2) <= sqrt(S_T N_T), equality iff constant
    for T in (1, 10, 1000):
        prod = sch.sum_inverse(schedule, T) * sch.total(schedule, T)
        assert prod >= T**2 * (1 - 1e-12)
        if schedule.kind == "constant":
            assert prod == pytest.approx(T**2, rel=1e-12)
        elif T > 1:
            assert prod > T**2 * (1 + 1e-9)
