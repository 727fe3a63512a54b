"""The second collapse construction of Barzilai and Shamir (``BarzilaiShamirLadder``):
sampler against the densities, exact MLE against a brute-force search over both
sub-families, total variation, the property our width function f is built for, and the
collapse probability after one synthetic round against its exact value.

Statistical checks use seeded generators and tolerances of 4 standard errors.
"""

import itertools

import numpy as np
import pytest
from helpers import assert_mean_matches, assert_probability_matches
from scipy import integrate, stats

import collapse_lib as cl

L = 8


def _rng(key):
    return np.random.default_rng(np.random.SeedSequence([20251202, key]))


def _stats(x):
    """The family's statistics of explicit data ``x`` (one replicate)."""
    x = np.sort(np.asarray(x, dtype=float))
    rung = np.floor(x).astype(int)
    count = np.bincount(rung, minlength=L)[None, :].astype(float)
    top = np.full((1, L), -np.inf)
    np.maximum.at(top[0], rung, x)
    copies = np.array([[np.sum(x == t) for t in top[0]]], dtype=float)
    value, mult = np.unique(x, return_counts=True)
    heavy = mult >= 2
    atom = value[heavy][None, :] if heavy.any() else np.full((1, 1), np.nan)
    atoms = mult[heavy][None, :].astype(float) if heavy.any() else np.zeros((1, 1))
    return {"count": count, "top": top, "copies": copies, "atom": atom, "atoms": atoms}


def _fit(fam, x, previous=None):
    previous = previous or {"alpha": np.zeros((1, L)), "J": np.zeros(1), "beta": np.zeros(1)}
    fit = fam._fit(_stats(x), previous)
    return {k: v[0] for k, v in fit.items()}


def _log_ladder(x, alpha):
    """Log-likelihood of ladders ``alpha`` (shape (M, L)) on data ``x``, from the density."""
    alpha = np.atleast_2d(alpha)
    j = np.floor(x).astype(int)
    with np.errstate(divide="ignore"):
        log_a = np.log(alpha)
    below = np.concatenate([np.zeros((len(alpha), 1)), np.cumsum(log_a, axis=1)[:, :-1]], 1)
    a = alpha[:, j]
    inside = x[None, :] <= j[None, :] + 1 - 2 * a
    with np.errstate(divide="ignore"):
        dens = below[:, j] + np.log((1 - a) / (1 - 2 * a)) + np.log(inside)
    return dens.sum(axis=1)


def _log_spike(fam, x, J, beta):
    """Log-likelihood of the spike g_{beta,J} on ``x``; the window holds the value J - beta."""
    in_window = x == J - beta
    if np.any((x > J) & ~in_window):
        return -np.inf
    log_f = -fam._log_inv_width[J]
    uniform = np.where(x <= J, -np.log(2.0 * J), -np.inf)
    spike = -np.log(2.0) - log_f
    return np.where(in_window, np.logaddexp(uniform, spike), uniform).sum()


def _random_data(gen, fam):
    """A data set on several rungs: many points on rung 0, a few above, maybe an atom."""
    top_rung = int(gen.integers(1, 4))
    x = [gen.uniform(0, 1 - 2 * gen.uniform(0, 0.3), size=int(gen.integers(3, 30)))]
    for j in range(1, top_rung + 1):
        if gen.random() < 0.8:
            x.append(j + gen.uniform(0, 1, size=int(gen.integers(1, 4))))
    if gen.random() < 0.3:
        x.append(np.full(int(gen.integers(2, 4)), top_rung + gen.random()))
    return np.concatenate(x)


# --- sampler ------------------------------------------------------------------------------


def test_ladder_sampler_matches_rung_masses_and_maxima():
    fam = cl.BarzilaiShamirLadder(rungs=L)
    alpha = np.zeros(L)
    alpha[:3] = (0.2, 0.1, 0.25)
    R, n = 4000, 50
    out = fam._draw_stats(_rng(1), np.full(R, n), np.tile(alpha, (R, 1)), np.zeros(R), np.zeros(R))
    count, top = out[:, :L], out[:, L : 2 * L]
    mass = np.cumprod(np.concatenate([[1.0], alpha[:-1]])) * (1 - alpha)
    for j in range(4):
        # each draw is on rung j with probability prod_{k<j} alpha_k (1 - alpha_j)
        hits = np.arange(n)[None, :] < count[:, j : j + 1]
        assert_probability_matches(hits.ravel(), mass[j])
        # given c draws on rung j, ((top - j) / (1 - 2 alpha_j))^c is uniform
        c = count[:, j]
        u = ((top[c > 0, j] - j) / (1 - 2 * alpha[j])) ** c[c > 0]
        assert stats.kstest(u, "uniform").pvalue > 1e-4
    assert np.all(count[:, 4:] == 0)  # alpha_3 = 0: no draw passes rung 3


def test_spike_sampler_matches_its_density():
    fam = cl.BarzilaiShamirLadder(rungs=L)
    R, n, J, beta = 4000, 40, 3, 0.3
    out = fam._draw_stats(_rng(2), np.full(R, n), np.zeros((R, L)), np.full(R, J), np.full(R, beta))
    count, atom_v, atom_c = out[:, :L], out[:, 3 * L], out[:, 3 * L + 1]
    # half the draws are the atom J - beta (the window is below float spacing)
    assert np.all(atom_v[atom_c > 0] == J - beta)
    assert_probability_matches((np.arange(n)[None, :] < atom_c[:, None]).ravel(), 0.5)
    # the other half is uniform on [0, J]: each rung below J holds 1/(2J) of the draws
    uniform = count.copy()
    uniform[:, J - 1] -= atom_c
    for j in range(J):
        assert_probability_matches(
            (np.arange(n)[None, :] < uniform[:, j : j + 1]).ravel(), 1 / (2 * J)
        )
    assert np.all(count[:, J:] == 0)


# --- exact MLE ------------------------------------------------------------------------------


def test_ladder_mle_is_the_quoted_formula_and_beats_a_grid():
    fam = cl.BarzilaiShamirLadder(rungs=L)
    gen = _rng(3)
    grid = np.linspace(0.0, 0.25, 21)
    for _ in range(15):
        x = _random_data(gen, fam)
        fit = _fit(fam, x)
        rungs = np.floor(x).astype(int)
        r = rungs.max()
        alpha = np.zeros(L)
        for j in range(r + 1):
            on = x[rungs == j]
            # the quoted formula (capped at 1/4), on every occupied rung including the top
            alpha[j] = min(0.25, 0.5 * (1 - (on.max() - j))) if on.size else 0.25
        if fit["J"] == 0:
            np.testing.assert_allclose(fit["alpha"], alpha, rtol=0, atol=1e-15)
        assert alpha[r] > 0  # the top occupied rung has a positive alpha
        # no ladder on a grid of the occupied rungs does better
        cand = np.array(list(itertools.product(grid, repeat=r + 1)))
        cand = np.concatenate([cand, np.zeros((len(cand), L - r - 1))], axis=1)
        assert _log_ladder(x, cand).max() <= _log_ladder(x, alpha)[0] + 1e-9


def test_mle_is_the_better_subfamily_by_brute_force():
    # both log-likelihoods computed from the densities; the spike tried at every J and
    # every data point as its window (the best window covers one value: f is below
    # the float spacing)
    fam = cl.BarzilaiShamirLadder("sqrt", budget=1, ratio=7.0, rungs=L)
    gen = _rng(4)
    kinds = set()
    for _ in range(40):
        x = _random_data(gen, fam)
        fit = _fit(fam, x)
        ladder = _log_ladder(x, np.array([fit["alpha"]]))[0] if fit["J"] == 0 else None
        best_spike = max(
            [
                (_log_spike(fam, x, J, J - v), J, v)
                for J in range(2, L)
                for v in np.unique(x[(x >= J - 1) & (x <= J)])
            ]
            + [(np.where(x <= J, -np.log(2.0 * J), -np.inf).sum(), J, np.nan) for J in range(2, L)]
        )
        rungs = np.floor(x).astype(int)
        alpha = np.zeros(L)
        for j in range(rungs.max() + 1):
            on = x[rungs == j]
            alpha[j] = min(0.25, 0.5 * (1 - (on.max() - j))) if on.size else 0.25
        best_ladder = _log_ladder(x, alpha)[0]
        if fit["J"] == 0:
            assert ladder == pytest.approx(best_ladder, abs=1e-9)
            assert best_ladder >= best_spike[0] - 1e-9
        else:
            assert best_spike[0] > best_ladder
            assert _log_spike(fam, x, int(fit["J"]), fit["beta"]) == pytest.approx(best_spike[0])
        kinds.add(int(fit["J"] > 0))
    assert kinds == {0, 1}  # both sub-families won somewhere


def test_spike_wins_below_the_size_it_is_built_for():
    # the property of f: N <= N_J points in [0, J], one in [J - 1, J]: the spike wins,
    # even against the ladder that fits rung 0 best (all points in [0, 1/2])
    fam = cl.BarzilaiShamirLadder("sqrt", budget=3, ratio=8.0, rungs=L)
    for J in (2, 3, 4):
        n_J = (fam.ratio ** (J - 2)) ** 2
        N_J = int(n_J * fam.budget * fam.ratio ** (J - 2))
        x = np.concatenate([np.linspace(0, 0.5, N_J - 1), [J - 0.5]])
        assert _fit(fam, x)["J"] == J
        assert fam._log_inv_width[J] > 40  # f(J) < e^-40, below the float spacing on [1, 2^10]


def test_pooling_keeps_exact_multiplicities():
    # a spike put on a single point v: later batches repeat v; the pooled statistics
    # count every copy, including the original point, which was the top of its rung
    fam = cl.BarzilaiShamirLadder(rungs=L)
    gen = _rng(5)
    v = 2.37
    first = np.concatenate([gen.uniform(0, 1, 30), [1.2, 1.9, v]])
    later = np.concatenate([gen.uniform(0, 3, 20), np.full(4, v)])
    pooled = fam._combine(_stats(first), _stats(later))
    exact = _stats(np.concatenate([first, later]))
    for key in ("count", "top", "copies"):
        np.testing.assert_array_equal(pooled[key], exact[key])
    assert pooled["atoms"][pooled["atom"] == v].tolist() == [5.0]
    both = np.concatenate([first, later])
    assert _fit(fam, both)["J"] == 3 and 3 - _fit(fam, both)["beta"] == v


# --- total variation and the engine ---------------------------------------------------------


def test_tv_to_truth_is_exact():
    fam = cl.BarzilaiShamirLadder(rungs=L)
    alpha = np.zeros(L)
    alpha[:3] = (0.15, 0.2, 0.1)
    # numerical TV of the ladder density to U[0, 1]
    mass = np.cumprod(np.concatenate([[1.0], alpha[:-1]])) * (1 - alpha)
    dens = mass / (1 - 2 * alpha)
    inside, _ = integrate.quad(
        lambda x: abs(dens[0] * (x <= 1 - 2 * alpha[0]) - 1), 0, 1, points=[0.7]
    )
    tv = 0.5 * (inside + (1 - mass[0]))
    assert fam.tv_to_truth({"alpha": alpha, "J": 0.0}) == pytest.approx(tv, abs=1e-9)
    assert fam.tv_to_truth({"alpha": np.zeros(L), "J": 4.0}) == pytest.approx(1 - 1 / 8)


def test_collapse_after_one_synthetic_round_matches_its_exact_probability():
    # n = 10: with b = 1 - x_max ~ Beta(1, n), alpha_1 = min(1/4, b/2) and TV_1 = 2 alpha_1
    # is >= 3/8 iff b >= 3/8, probability (5/8)^n. Otherwise a draw of round 2 reaches
    # rung 1 with probability 1 - (1 - b/2)^n and the spike at J = 2 then wins (2n <= N_2)
    n, R = 10, 4000
    fam = cl.BarzilaiShamirLadder("loglog")
    run = cl.simulate(fam, generations=2, sizes=n, replicates=R, scheme="accumulate", seed=11)
    col = run.records["collapse"]
    assert_probability_matches(col == 1, (5 / 8) ** n)
    stay, _ = integrate.quad(lambda b: n * (1 - b) ** (n - 1) * (1 - b / 2) ** n, 0, 3 / 8)
    assert_probability_matches(col == 2, 1 - (5 / 8) ** n - stay)
    assert np.all(run["J"][col == 2, 2] == 2)


def test_accumulate_run_is_reproducible_and_collapses_by_design():
    fam = cl.BarzilaiShamirLadder("loglog")
    a = cl.simulate(fam, generations=40, sizes=200, replicates=300, scheme="accumulate", seed=7)
    b = cl.simulate(fam, generations=40, sizes=200, replicates=300, scheme="accumulate", seed=7)
    np.testing.assert_array_equal(a["alpha"], b["alpha"])
    np.testing.assert_array_equal(a.records["collapse"], b.records["collapse"])
    tv = fam.tv_to_truth(a)
    # the collapse record is the first round with TV >= 3/8; every spike fit has TV >= 3/4
    first = np.where((tv >= 0.375).any(axis=1), np.argmax(tv >= 0.375, axis=1), -1)
    np.testing.assert_array_equal(first, a.records["collapse"])
    assert np.all(tv[a["J"] >= 2] >= 0.75)
    # alpha_0 is set by the real data and never changes while the fit is a ladder
    ladder = a["J"] == 0
    same = a["alpha"][:, 1:, 0] == a["alpha"][:, 1:2, 0]
    assert np.all(same[ladder[:, 1:]])


def test_fresh_fraction_and_replace_run():
    fam = cl.BarzilaiShamirLadder("log")
    for scheme in ("replace", "accumulate"):
        run = cl.simulate(
            fam, generations=5, sizes=30, replicates=50, scheme=scheme, fresh=0.3, seed=2
        )
        assert np.all(np.isfinite(fam.tv_to_truth(run)))


def test_callable_speed_matches_the_named_one():
    named = cl.BarzilaiShamirLadder("sqrt", rungs=L)
    given = cl.BarzilaiShamirLadder(np.sqrt, rungs=L)
    np.testing.assert_allclose(given._log_inv_width[2:], named._log_inv_width[2:], rtol=1e-9)
    loglog = cl.BarzilaiShamirLadder(lambda n: np.log(np.log1p(n)), rungs=L)
    assert loglog._log_inv_width[2] == pytest.approx(
        cl.BarzilaiShamirLadder(rungs=L)._log_inv_width[2], rel=1e-9
    )
    assert np.all(np.isinf(loglog._log_inv_width[3:]))  # beyond the float range
    np.testing.assert_array_equal(loglog.deadline([10, 10**6]), [10.0, 100.0])


def test_deadline_is_order_phi():
    # H max(1, phi(n)) <= H rho^{J(n)-2} <= H max(1, rho phi(n))
    for phi, speed in (("loglog", lambda n: np.log(np.log1p(n))), ("sqrt", np.sqrt)):
        fam = cl.BarzilaiShamirLadder(phi)
        n = np.unique(np.logspace(0, 12, 500).round())
        d, H, rho = fam.deadline(n), fam.budget, fam.ratio
        assert np.all(d >= H * np.maximum(1, speed(n)) * (1 - 1e-12))
        assert np.all(d <= H * np.maximum(1, rho * speed(n)) * (1 + 1e-12))


def test_climb_rate_and_the_real_fit():
    # a rung first reached by one draw j + U gets alpha_j = min(1/4, (1 - U)/2), and
    # exp(E log(1/alpha_j)) = 4 sqrt(e), the growth factor of the climb per rung
    mean, _ = integrate.quad(lambda u: -np.log(min(0.25, (1 - u) / 2)), 0, 1, points=[0.5])
    assert np.exp(mean) == pytest.approx(4 * np.sqrt(np.e), rel=1e-9)
    assert cl.BarzilaiShamirLadder().ratio > np.exp(mean)
    fam = cl.BarzilaiShamirLadder("sqrt", budget=1, ratio=7.0, rungs=L)  # a wide f(2)
    for u in (0.1, 0.6, 0.93):
        fit = _fit(fam, np.append(np.linspace(0, 0.9999, 200), 1 + u))
        assert fit["J"] == 0 and fit["alpha"][1] == pytest.approx(min(0.25, (1 - u) / 2), abs=1e-15)
    # the real-only fit: 2 n alpha_0 = n (1 - x_max) has mean n / (n + 1)
    n, R = 1000, 20_000
    run = cl.simulate(fam, generations=1, sizes=n, replicates=R, seed=9)
    assert_mean_matches(2 * n * run["alpha"][:, 1, 0], n / (n + 1))


# --- bad input --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"phi": "cubic"}, ValueError, "phi"),
        ({"phi": 3}, TypeError, "phi"),
        ({"budget": 0}, ValueError, "budget"),
        ({"budget": 2.5}, TypeError, "budget"),
        ({"ratio": 6.0}, ValueError, "ratio"),
        ({"ratio": float("nan")}, ValueError, "ratio"),
        ({"rungs": 3}, ValueError, "rungs"),
        ({"rungs": 10**6}, ValueError, "rungs"),
        ({"phi": lambda n: -np.sqrt(n)}, ValueError, "strictly increasing"),
        ({"phi": lambda n: np.log(n - 2.0)}, ValueError, "finite"),
        ({"phi": lambda n: 1.0}, ValueError, "one finite number"),
    ],
)
def test_bad_parameters_are_refused(kwargs, error, match):
    with pytest.raises(error, match=match):
        cl.BarzilaiShamirLadder(**kwargs)


def test_bad_theta_and_n_are_refused():
    fam = cl.BarzilaiShamirLadder(rungs=L)
    with pytest.raises(ValueError, match="alpha must lie"):
        fam.tv_to_truth({"alpha": np.full(L, 0.3), "J": 0.0})
    with pytest.raises(ValueError, match="J must be"):
        fam.tv_to_truth({"alpha": np.zeros(L), "J": 1.0})
    with pytest.raises(ValueError, match="shape"):
        fam.tv_to_truth({"alpha": np.zeros((2, L)), "J": [0.0, 0.0, 0.0]})
    with pytest.raises(ValueError, match="theta must map"):
        fam.tv_to_truth({"alpha": np.zeros(L)})
    with pytest.raises(ValueError, match="n must be"):
        fam.deadline(0)
    # data reaching the last rung represented
    with pytest.raises(ValueError, match="rungs"):
        _fit(fam, [0.5, L - 0.5])
