"""collapse_lib.sweep: labelled results, seeds keyed by grid position, Dask, stores, bad input.

The Dask tests run on a real ``LocalCluster`` with two worker processes, the way a
researcher runs a sweep on one machine; a cluster differs only in where the workers are.
"""

from __future__ import annotations

import doctest
import functools
import json
import os
import signal
import subprocess
import sys
import textwrap
import time
import types
import warnings

import numpy as np
import pytest
import xarray as xr
import zarr
from distributed import Client, LocalCluster

import collapse_lib as cl

GRID = {"p": [0.1, 0.5, 0.9], "n": [5, 50], "label": ["a", "b"]}


def coin(*, p, n, label, seed, replicates):
    """Heads of a coin: three kinds of summary (number, (dims, array), DataArray)."""
    rng = np.random.default_rng(seed)
    share = rng.binomial(n, p, size=replicates) / n
    return {
        "mean": share.mean(),
        "quantiles": ("q", np.quantile(share, [0.25, 0.75])),
        "first": xr.DataArray(share[:3], dims="k", coords={"k": [10, 20, 30]}),
        "is_a": label == "a",
    }


def walk(*, n, estimator, seed, replicates):
    """The log-variance walk of a Gaussian refitted on its own samples (20 rounds)."""
    run = cl.simulate(
        cl.Gaussian(estimator=estimator),
        generations=20,
        sizes=n,
        replicates=replicates,
        seed=seed,
        record="all",
    )
    log_s2 = run["log_sigma2"]
    return {"mean": ("t", log_s2.mean(axis=0)), "sd": ("t", log_s2.std(axis=0))}


WALK_GRID = {"n": [4, 8, 16, 32, 64], "estimator": ["mle", "unbiased"]}


@pytest.fixture(scope="module")
def client():
    with (
        LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        Client(cluster) as dask_client,
    ):
        yield dask_client


class Counter:
    """A func wrapper that counts its calls and can fail at one grid point."""

    def __init__(self, func, fail_at=None):
        self.func, self.fail_at, self.calls = func, fail_at, 0
        functools.update_wrapper(self, func)  # the same name and signature as func

    def __call__(self, **kwargs):
        point = {k: v for k, v in kwargs.items() if k not in ("seed", "replicates")}
        if point == self.fail_at:
            raise RuntimeError("interrupted")
        self.calls += 1
        return self.func(**kwargs)


def _never(*, seed, replicates, **point):
    """A func of any grid that must never run: bad input is refused before any work."""
    raise AssertionError("func ran although the input was bad")


# --- the result ------------------------------------------------------------------------


def test_result_is_a_labelled_dataset():
    ds = cl.sweep(coin, GRID, replicates=2000, seed=3, progress=False)
    assert ds["mean"].dims == ("p", "n", "label")
    assert ds["quantiles"].dims == ("p", "n", "label", "q")
    assert ds["first"].dims == ("p", "n", "label", "k")
    assert ds["is_a"].dtype == bool and ds["is_a"].sel(label="a").all()
    np.testing.assert_array_equal(ds["p"], GRID["p"])
    np.testing.assert_array_equal(ds["label"], GRID["label"])
    np.testing.assert_array_equal(ds["k"], [10, 20, 30])
    assert "q" not in ds.coords  # a (dims, array) summary has no coordinates
    assert ds.attrs["collapse_lib_version"] == cl.__version__
    assert json.loads(ds.attrs["grid"]) == GRID
    assert json.loads(ds.attrs["seed_entropy"]) == 3
    assert json.loads(ds.attrs["seed_spawn_key"]) == []
    assert ds.attrs["replicates"] == 2000 and ds.attrs["func"] == "coin"
    # the means are what they should be (4 standard errors of a binomial share)
    p = ds["p"].broadcast_like(ds["mean"])
    se = np.sqrt(p * (1 - p) / (ds["n"] * 2000))
    assert (abs(ds["mean"] - p) < 4 * se).all()


def test_each_point_gets_the_seed_of_its_position():
    ds = cl.sweep(coin, GRID, replicates=50, seed=7, progress=False)
    for i, p in enumerate(GRID["p"]):
        for j, n in enumerate(GRID["n"]):
            for k, label in enumerate(GRID["label"]):
                seed = np.random.SeedSequence(7, spawn_key=(i, j, k))
                direct = coin(p=p, n=n, label=label, seed=seed, replicates=50)
                point = ds.isel(p=i, n=j, label=k)
                assert point["mean"].item() == direct["mean"]
                np.testing.assert_array_equal(point["quantiles"], direct["quantiles"][1])
    # a root with a spawn key: the point's indices are appended to it
    root = np.random.SeedSequence(7).spawn(2)[1]
    child = cl.sweep(coin, GRID, replicates=50, seed=root, progress=False)
    direct = coin(
        p=0.5,
        n=50,
        label="b",
        seed=np.random.SeedSequence(7, spawn_key=(1, 1, 1, 1)),
        replicates=50,
    )
    assert child["mean"].sel(p=0.5, n=50, label="b").item() == direct["mean"]
    assert json.loads(child.attrs["seed_spawn_key"]) == [1]


def test_appending_grid_values_keeps_the_existing_points():
    small = cl.sweep(coin, GRID, replicates=50, seed=7, progress=False)
    larger = cl.sweep(
        coin,
        {**GRID, "p": [*GRID["p"], 0.99], "n": [*GRID["n"], 500]},
        replicates=50,
        seed=7,
        progress=False,
    )
    xr.testing.assert_identical(
        larger.sel(p=GRID["p"], n=GRID["n"]).drop_attrs(), small.drop_attrs()
    )


def test_seed_kinds_and_fresh_entropy():
    by_int = cl.sweep(coin, GRID, replicates=50, seed=11, progress=False)
    xr.testing.assert_identical(
        cl.sweep(coin, GRID, replicates=50, seed=np.random.SeedSequence(11), progress=False),
        by_int,
    )
    # a Generator contributes a child of its seed sequence, as everywhere in the library:
    # two sweeps with one Generator differ, and are reproducible from the same start
    gen = np.random.default_rng(11)
    first = cl.sweep(coin, GRID, replicates=50, seed=gen, progress=False)
    second = cl.sweep(coin, GRID, replicates=50, seed=gen, progress=False)
    assert not np.array_equal(first["mean"], second["mean"])
    child = np.random.SeedSequence(11).spawn(1)[0]
    xr.testing.assert_identical(
        first.drop_attrs(),
        cl.sweep(coin, GRID, replicates=50, seed=child, progress=False).drop_attrs(),
    )
    other = cl.sweep(coin, GRID, replicates=50, seed=12, progress=False)
    assert not np.array_equal(other["mean"], by_int["mean"])
    fresh = cl.sweep(coin, GRID, replicates=50, seed=None, progress=False)
    again = cl.sweep(
        coin,
        GRID,
        replicates=50,
        seed=np.random.SeedSequence(json.loads(fresh.attrs["seed_entropy"])),
        progress=False,
    )
    xr.testing.assert_identical(again, fresh)


def test_func_errors_name_the_point():
    def fails(*, p, n, label, seed, replicates):
        if p == 0.5 and label == "b":
            raise ZeroDivisionError("boom")
        return {"x": 1.0}

    with pytest.raises(ZeroDivisionError) as info:
        cl.sweep(fails, GRID, replicates=1, seed=0, progress=False)
    assert "p=0.5" in "".join(getattr(info.value, "__notes__", [])) or sys.version_info < (3, 11)


def test_progress_bar_counts_points(capfd):
    cl.sweep(coin, GRID, replicates=5, seed=0, progress=True)
    err = capfd.readouterr().err
    assert "12/12" in err and "point" in err
    cl.sweep(coin, GRID, replicates=5, seed=0, progress=False)
    assert capfd.readouterr().err == ""


# --- Dask: bit for bit the same as serial ------------------------------------------------


@pytest.mark.parametrize("chunk", [None, 1, 3, 100])
def test_local_cluster_gives_the_serial_result_bit_for_bit(client, chunk):
    serial = cl.sweep(walk, WALK_GRID, replicates=600, seed=2026, progress=False)
    dask = cl.sweep(
        walk, WALK_GRID, replicates=600, seed=2026, client=client, chunk=chunk, progress=False
    )
    xr.testing.assert_identical(dask, serial)
    # the walks drift down, the MLE faster (a check that real work was done)
    last = serial["mean"].isel(t=-1)
    assert (last < 0).all() and (last.sel(estimator="mle") < last.sel(estimator="unbiased")).all()


def test_local_cluster_path_shows_progress(client, capfd):
    cl.sweep(coin, GRID, replicates=5, seed=0, client=client, chunk=5, progress=True)
    assert "12/12" in capfd.readouterr().err


def test_local_cluster_raises_func_errors(client):
    func = Counter(walk, fail_at={"n": 16, "estimator": "unbiased"})
    with pytest.raises(RuntimeError, match="interrupted"):
        cl.sweep(func, WALK_GRID, replicates=10, seed=1, client=client, chunk=1, progress=False)


# --- stores and resuming ----------------------------------------------------------------


def test_resume_after_an_error_skips_the_finished_points(tmp_path):
    store = tmp_path / "coin.zarr"
    whole = cl.sweep(coin, GRID, replicates=100, seed=5, progress=False)
    first = Counter(coin, fail_at={"p": 0.5, "n": 50, "label": "a"})
    with pytest.raises(RuntimeError, match="interrupted"):
        cl.sweep(first, GRID, replicates=100, seed=5, store=store, progress=False)
    # serially, the points before the failing one (in grid order) are finished
    assert first.calls == 6
    assert zarr.open_group(store)["_finished"][...].sum() == 6
    second = Counter(coin)
    resumed = cl.sweep(second, GRID, replicates=100, seed=5, store=store, progress=False)
    assert second.calls == 12 - 6
    xr.testing.assert_identical(resumed, whole)
    # a third run computes nothing and reads everything from the store
    third = Counter(coin)
    xr.testing.assert_identical(
        cl.sweep(third, GRID, replicates=100, seed=5, store=store, progress=False), whole
    )
    assert third.calls == 0


def test_finished_store_opens_with_xarray(tmp_path):
    store = tmp_path / "coin.zarr"
    ds = cl.sweep(coin, GRID, replicates=100, seed=5, store=store, progress=False)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # consolidated metadata: no fallback warning
        on_disk = xr.open_zarr(store).load()
    assert bool(on_disk["_finished"].all())
    xr.testing.assert_identical(on_disk.drop_vars("_finished").drop_attrs(), ds.drop_attrs())


def test_store_written_on_the_cluster_resumes_serially(client, tmp_path):
    store = tmp_path / "walk.zarr"
    whole = cl.sweep(walk, WALK_GRID, replicates=200, seed=9, progress=False)
    failing = Counter(walk, fail_at={"n": 64, "estimator": "mle"})
    with pytest.raises(RuntimeError, match="interrupted"):
        cl.sweep(
            failing,
            WALK_GRID,
            replicates=200,
            seed=9,
            client=client,
            chunk=1,
            store=store,
            progress=False,
        )
    done = int(zarr.open_group(store)["_finished"][...].sum())
    assert done < 10
    rerun = Counter(walk)
    resumed = cl.sweep(rerun, WALK_GRID, replicates=200, seed=9, store=store, progress=False)
    assert rerun.calls == 10 - done
    xr.testing.assert_identical(resumed, whole)


_KILLED_SCRIPT = """
import sys, time
import numpy as np
import collapse_lib as cl

def slow(*, a, b, seed, replicates):
    time.sleep(0.2)
    return {"x": np.random.default_rng(seed).normal(size=replicates).mean()}

cl.sweep(slow, {"a": list(range(8)), "b": list(range(5))}, replicates=10, seed=4,
         store=sys.argv[1], progress=False)
"""


def test_resume_after_the_process_is_killed(tmp_path):
    store = tmp_path / "killed.zarr"
    proc = subprocess.Popen([sys.executable, "-c", _KILLED_SCRIPT, str(store)])
    try:
        deadline = time.monotonic() + 120
        done = 0
        while done < 5:
            assert proc.poll() is None, "the sweep ended before it could be killed"
            assert time.monotonic() < deadline, "the sweep wrote no points in time"
            time.sleep(0.05)
            try:
                done = int(zarr.open_group(store, mode="r")["_finished"][...].sum())
            except (FileNotFoundError, KeyError, ValueError):
                continue
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
    finished = zarr.open_group(store, mode="r")["_finished"][...]
    assert 5 <= finished.sum() < 40
    namespace = {}
    exec(textwrap.dedent(_KILLED_SCRIPT).split("cl.sweep(")[0], namespace)
    namespace["time"] = types.SimpleNamespace(sleep=lambda seconds: None)  # same numbers, no wait
    rerun = Counter(namespace["slow"])
    grid = {"a": list(range(8)), "b": list(range(5))}
    resumed = cl.sweep(rerun, grid, replicates=10, seed=4, store=store, progress=False)
    assert rerun.calls == 40 - finished.sum()
    whole = cl.sweep(namespace["slow"], grid, replicates=10, seed=4, progress=False)
    xr.testing.assert_identical(resumed.drop_attrs(), whole.drop_attrs())
    assert resumed.attrs["grid"] == whole.attrs["grid"]


@pytest.mark.parametrize(
    "change, words",
    [
        ({"grid": {**GRID, "p": [0.1, 0.5]}}, "grid"),
        ({"grid": {"n": GRID["n"], "p": GRID["p"], "label": GRID["label"]}}, "grid"),
        ({"seed": 6}, "seed (entropy)"),
        ({"seed": np.random.SeedSequence(5, spawn_key=(1,))}, "seed (spawn key)"),
        ({"replicates": 101}, "replicates"),
    ],
)
def test_store_refuses_a_different_sweep(tmp_path, change, words):
    store = tmp_path / "coin.zarr"
    cl.sweep(coin, GRID, replicates=100, seed=5, store=store, progress=False)
    kwargs = {"grid": GRID, "replicates": 100, "seed": 5} | change
    with pytest.raises(ValueError, match="store") as info:
        cl.sweep(_never, store=store, progress=False, **kwargs)
    assert words in str(info.value) and str(store) in str(info.value)


def test_store_refuses_other_summaries(tmp_path):
    store = tmp_path / "coin.zarr"
    with pytest.raises(RuntimeError, match="interrupted"):
        cl.sweep(
            Counter(coin, fail_at={"p": 0.5, "n": 5, "label": "a"}),
            GRID,
            replicates=10,
            seed=5,
            store=store,
            progress=False,
        )

    def other(*, p, n, label, seed, replicates):
        return {"median": 0.5}

    with pytest.raises(ValueError, match=r"\['first', 'is_a', 'mean', 'quantiles'\] in the store"):
        cl.sweep(
            other, {**GRID, "p": GRID["p"]}, replicates=10, seed=5, store=store, progress=False
        )


def test_an_empty_folder_becomes_a_store(tmp_path):
    ds = cl.sweep(coin, GRID, replicates=10, seed=5, store=tmp_path, progress=False)
    rerun = Counter(coin)
    xr.testing.assert_identical(
        cl.sweep(rerun, GRID, replicates=10, seed=5, store=tmp_path, progress=False), ds
    )
    assert rerun.calls == 0


def test_grid_values_keep_their_kind():
    def kinds(*, flag, count, level, name, seed, replicates):
        return {
            "ok": isinstance(flag, bool)
            and isinstance(count, int)
            and isinstance(level, float)
            and isinstance(name, str)
        }

    grid = {"flag": [True, False], "count": [1, 2], "level": [0.5, 2], "name": ["x", "y"]}
    ds = cl.sweep(kinds, grid, replicates=1, seed=0, progress=False)
    assert ds["ok"].all()
    assert [ds[k].dtype.kind for k in grid] == ["b", "i", "f", "U"]


def test_store_refuses_a_folder_that_is_not_a_sweep_store(tmp_path):
    (tmp_path / "notes.txt").write_text("not a store")
    with pytest.raises(ValueError, match="not a sweep store"):
        cl.sweep(_never, GRID, replicates=1, seed=0, store=tmp_path, progress=False)
    with pytest.raises(TypeError, match="store must be a path"):
        cl.sweep(_never, GRID, replicates=1, seed=0, store=3, progress=False)


# --- bad input, before any work -----------------------------------------------------------


def _accepts_p(*, p, seed, replicates):
    raise AssertionError("func ran although the input was bad")


def _no_seed(*, p, replicates):
    raise AssertionError("func ran although the input was bad")


def _needs_q(*, p, q, seed, replicates):
    raise AssertionError("func ran although the input was bad")


@pytest.mark.parametrize(
    "func, grid, kwargs, exc, words",
    [
        (_accepts_p, {}, {}, ValueError, "grid must name at least one parameter"),
        (_accepts_p, [("p", [1])], {}, TypeError, "grid must be a mapping"),
        (_accepts_p, {"p": []}, {}, ValueError, "grid['p'] is empty"),
        (_accepts_p, {"p": 0.5}, {}, TypeError, "grid['p'] must be a flat list"),
        (_accepts_p, {"p": "abc"}, {}, TypeError, "grid['p'] must be a flat list"),
        (_accepts_p, {"p": [[1, 2]]}, {}, TypeError, "grid['p'] must be a flat list"),
        (_accepts_p, {"p": [0.5, float("nan")]}, {}, ValueError, "grid['p'] must be finite"),
        (_accepts_p, {"p": [0.5, np.inf]}, {}, ValueError, "grid['p'] must be finite"),
        (_accepts_p, {"p": [1, 2, 1]}, {}, ValueError, "grid['p'] repeats a value"),
        (_accepts_p, {"p": ["a", "a"]}, {}, ValueError, "grid['p'] repeats a value"),
        (_accepts_p, {"p": [True, True]}, {}, ValueError, "grid['p'] repeats a value"),
        (_accepts_p, {"p": ["a", 1]}, {}, TypeError, "grid['p'] must hold numbers, strings"),
        (_accepts_p, {"p": [None]}, {}, TypeError, "grid['p'] must hold numbers, strings"),
        (_accepts_p, {"p": [1], "q": [2]}, {}, ValueError, "grid name 'q' is not a parameter"),
        (_accepts_p, {"p": [1], "seed": [2]}, {}, ValueError, "grid may not contain 'seed'"),
        (_accepts_p, {"p": [1], 3: [2]}, {}, TypeError, "grid names must be Python identifiers"),
        (_needs_q, {"p": [1]}, {}, ValueError, "needs the argument 'q', which grid does not"),
        (_no_seed, {"p": [1]}, {}, TypeError, "must accept the keyword argument 'seed'"),
        ("not callable", {"p": [1]}, {}, TypeError, "func must be callable"),
        (_accepts_p, {"p": [1]}, {"replicates": 0}, ValueError, "replicates must be >= 1"),
        (_accepts_p, {"p": [1]}, {"replicates": 2.0}, TypeError, "replicates must be an integer"),
        (_accepts_p, {"p": [1]}, {"seed": -1}, ValueError, "seed must be non-negative"),
        (_accepts_p, {"p": [1]}, {"seed": "x"}, TypeError, "seed must be None, an int"),
        (_accepts_p, {"p": [1]}, {"chunk": 0}, ValueError, "chunk must be >= 1"),
        (_accepts_p, {"p": [1]}, {"progress": "yes"}, TypeError, "progress must be True or False"),
        (_accepts_p, {"p": [1]}, {"client": "tcp://x:1"}, TypeError, "client must be a dask"),
        (_accepts_p, {"p": [1]}, {"max_bytes": 0}, ValueError, "max_bytes must be > 0"),
    ],
)
def test_bad_input_is_refused_before_any_work(func, grid, kwargs, exc, words):
    kwargs = {"replicates": 1, "seed": 0, "progress": False} | kwargs
    with pytest.raises(exc) as info:
        cl.sweep(func, grid, **kwargs)
    assert words in str(info.value)


def test_functions_with_var_keywords_accept_any_grid():
    def anything(**kwargs):
        return {"sum": kwargs["a"] + kwargs["b"], "reps": kwargs["replicates"]}

    ds = cl.sweep(anything, {"a": [1, 2], "b": [10.0]}, replicates=3, seed=0, progress=False)
    np.testing.assert_array_equal(ds["sum"], [[11.0], [12.0]])
    assert (ds["reps"] == 3).all()


def _varying(change):
    """A func whose summaries at p=0.9 differ from the other points' by ``change``."""

    def func(*, p, seed, replicates):
        out = {"m": 1.0, "v": ("t", np.zeros(3))}
        if p == 0.9:
            out.update(change)
        return out

    return func


@pytest.mark.parametrize(
    "change, words",
    [
        (
            {"extra": 1.0},
            "returned the summaries ['m', 'v'] at the grid point (p=0.1) but "
            "['extra', 'm', 'v'] at the grid point (p=0.9)",
        ),
        (
            {"v": ("t", np.zeros(4))},
            "shape (3,), dtype float64 at the grid point (p=0.1) but dims ('t',), shape (4,)",
        ),
        ({"v": ("s", np.zeros(3))}, "dims ('t',)"),
        ({"m": 1}, "dtype float64 at the grid point (p=0.1) but dims (), shape (), dtype int64"),
        ({"v": xr.DataArray(np.zeros(3), dims="t", coords={"t": [1, 2, 3]})}, "coordinates"),
    ],
)
def test_summaries_must_have_the_same_form_at_every_point(change, words):
    with pytest.raises(ValueError) as info:
        cl.sweep(_varying(change), {"p": [0.1, 0.5, 0.9]}, replicates=1, seed=0, progress=False)
    assert words in str(info.value)


def test_summary_mismatch_is_caught_on_the_cluster(client):
    with pytest.raises(ValueError, match=r"at the grid point \(p=0.9\)"):
        cl.sweep(
            _varying({"extra": 1.0}),
            {"p": [0.1, 0.5, 0.9]},
            replicates=1,
            seed=0,
            client=client,
            chunk=1,
            progress=False,
        )


@pytest.mark.parametrize(
    "result, exc, words",
    [
        ([1.0], TypeError, "func must return a mapping of summary names"),
        ({}, ValueError, "func returned no summaries"),
        ({"x": np.zeros(3)}, TypeError, "summary 'x' is an array of shape (3,)"),
        ({"x": ("t", np.zeros((3, 2)))}, ValueError, "summary 'x' names dimensions 't'"),
        ({"x": ("t", np.zeros(2), "extra")}, TypeError, "must be a pair (dims, array)"),
        ({"x": "text"}, TypeError, "summary 'x' must be numeric or boolean"),
        ({"p": 1.0}, ValueError, "summary named 'p'"),
        ({"t": ("t", np.zeros(2))}, ValueError, "summary named 't'"),
        ({"x": ("p", np.zeros(2))}, ValueError, "dimension 'p'"),
        (
            {"x": ("t", np.zeros(2)), "y": ("t", np.zeros(3))},
            ValueError,
            "dimension 't' has length",
        ),
    ],
)
def test_bad_summaries_are_refused_naming_the_point(result, exc, words):
    def func(*, p, seed, replicates):
        return result

    with pytest.raises(exc) as info:
        cl.sweep(func, {"p": [0.1, 0.5]}, replicates=1, seed=0, progress=False)
    assert words in str(info.value) and "(p=0.1)" in str(info.value)


def test_memory_budget_is_checked_before_allocating():
    def big(*, p, seed, replicates):
        return {"x": ("i", np.zeros(1000))}

    with pytest.raises(ValueError, match="max_bytes"):
        cl.sweep(big, {"p": list(range(100))}, replicates=1, seed=0, progress=False, max_bytes=1e5)


# --- the module ------------------------------------------------------------------------


def test_import_collapse_lib_does_not_import_dask_or_xarray():
    code = (
        "import sys, collapse_lib\n"
        "heavy = sorted({m.split('.')[0] for m in sys.modules} & "
        "{'dask', 'distributed', 'xarray', 'zarr', 'pandas', 'tqdm'})\n"
        "assert not heavy, heavy\n"
        "assert 'collapse_lib._sweep' not in sys.modules\n"
        "collapse_lib.sweep\n"
        "assert 'xarray' in sys.modules and 'distributed' not in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)


def test_collapse_lib_sweep_is_the_function():
    from collapse_lib import _sweep

    assert cl.sweep is _sweep.sweep and "sweep" in dir(cl)
    assert _sweep.__all__ == ["sweep"]


def test_docstring_examples():
    from collapse_lib import _sweep as module

    failed, attempted = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert attempted > 0 and failed == 0
