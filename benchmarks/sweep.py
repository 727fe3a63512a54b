"""Wall time of collapse_lib.sweep serially and on a Dask LocalCluster of 2 worker processes.

Two measurements, in one run on the same machine:

1. A CPU-bound sweep -- the variance walk of the phase-diagram appendix, one point per
   (schedule exponent p, initial size n0, estimator), each point a simulation of 512
   replicates (one replicate chunk, so one thread per point) -- run serially and on the
   cluster with the default chunking. The speed-up is serial time / cluster time; with 2
   workers on 2 idle cores it is at most 2. The two results are checked to be identical.
2. The per-task overhead of the Dask path: a grid of tiny points (a single random
   number each) run serially, on the cluster with one point per task (``chunk=1``) and
   with the default chunking. Overhead per task = (cluster time - serial time) / tasks.

The time to start the cluster is reported separately: a researcher starts it once.

Usage::

    python benchmarks/sweep.py            # full size (about a minute); writes benchmarks/sweep.json
    python benchmarks/sweep.py --tiny     # smallest sizes (used by the tests)
    python benchmarks/sweep.py --output out.json   # write the JSON elsewhere ("-" = stdout)
"""

from __future__ import annotations

import argparse
import functools
import importlib.util
import json
import os
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "sweep.json"

MODES = {
    "full": {
        "p": 12,
        "n0": 8,
        "replicates": 512,
        "generations": 1000,
        "tiny_points": 2000,
        "repeat": 3,
    },
    "tiny": {
        "p": 2,
        "n0": 2,
        "replicates": 16,
        "generations": 20,
        "tiny_points": 20,
        "repeat": 1,
    },
}

WORKERS = 2


def variance_walk(*, p, n0, estimator, seed, replicates, generations):
    """Mean and standard error of log sigma^2 after ``generations`` rounds, n_t = ceil(n0 t^p)."""
    import collapse_lib as cl

    run = cl.simulate(
        cl.Gaussian(estimator=estimator),
        generations=generations,
        sizes=cl.schedules.power(n0, p),
        replicates=replicates,
        seed=seed,
        record="last",
    )
    log_s2 = run["log_sigma2"][:, -1]
    return {"mean": log_s2.mean(), "se": log_s2.std(ddof=1) / np.sqrt(replicates)}


def tiny_point(*, i, seed, replicates):
    """Almost no work: one uniform number from the point's own stream."""
    return {"u": np.random.default_rng(seed).random()}


def _grids(cfg):
    cpu = {
        "p": np.round(np.linspace(0.5, 2.5, cfg["p"]), 6).tolist(),
        "n0": (2 ** np.arange(1, cfg["n0"] + 1)).tolist(),
        "estimator": ["mle", "unbiased"],
    }
    return cpu, {"i": list(range(cfg["tiny_points"]))}


def _run_script():
    """benchmarks/run.py as a module (benchmarks/ is not a package)."""
    spec = importlib.util.spec_from_file_location("bench_run", HERE / "run.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _best(repeat, run):
    """Shortest wall time of ``repeat`` calls of ``run()``, and the last result."""
    best, out = np.inf, None
    for _ in range(repeat):
        start = time.perf_counter()
        out = run()
        best = min(best, time.perf_counter() - start)
    return best, out


def run_all(mode="full", *, echo=None):
    """Run every measurement of ``mode``; return the results as a dict."""
    import cloudpickle
    import dask
    import distributed
    import xarray as xr
    from distributed import Client, LocalCluster

    import collapse_lib as cl
    from collapse_lib._sweep import _default_chunk

    if __name__ != "__main__":  # loaded from a file by path: workers cannot import it by name
        cloudpickle.register_pickle_by_value(sys.modules[__name__])
    cfg = MODES[mode]
    cpu_grid, tiny_grid = _grids(cfg)
    walk = functools.partial(variance_walk, generations=cfg["generations"])
    load_start = os.getloadavg()[0]
    say = echo or (lambda text: None)

    def timed(func, grid, replicates, **kwargs):
        return _best(
            cfg["repeat"],
            lambda: cl.sweep(
                func, grid, replicates=replicates, seed=2026, progress=False, **kwargs
            ),
        )

    start = time.perf_counter()
    with (
        LocalCluster(
            n_workers=WORKERS, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        Client(cluster) as client,
    ):
        client.wait_for_workers(WORKERS)
        cluster_start = time.perf_counter() - start
        # warm up both paths (imports on the workers, first calls), untimed
        for kwargs in ({}, {"client": client}):
            cl.sweep(tiny_point, {"i": [0, 1]}, replicates=1, seed=0, progress=False, **kwargs)
        cases = {}
        cases["cpu_serial"], serial = timed(walk, cpu_grid, cfg["replicates"])
        say(f"cpu serial   {cases['cpu_serial']:.3f} s")
        cases["cpu_dask"], dask_result = timed(walk, cpu_grid, cfg["replicates"], client=client)
        say(f"cpu dask     {cases['cpu_dask']:.3f} s")
        identical = dask_result.identical(serial)
        cases["tiny_serial"], _ = timed(tiny_point, tiny_grid, 1)
        cases["tiny_dask_chunk1"], _ = timed(tiny_point, tiny_grid, 1, client=client, chunk=1)
        cases["tiny_dask_auto"], _ = timed(tiny_point, tiny_grid, 1, client=client)
        say(f"tiny         {cases['tiny_serial']:.3f} / {cases['tiny_dask_chunk1']:.3f} s")
    points_cpu = int(np.prod([len(v) for v in cpu_grid.values()]))
    points_tiny = cfg["tiny_points"]
    auto_chunk = _default_chunk(points_tiny, WORKERS)
    return {
        "mode": mode,
        "config": cfg,
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": _run_script().machine(load_start),
        "versions": {
            "collapse_lib": cl.__version__,
            "numpy": np.__version__,
            "dask": dask.__version__,
            "distributed": distributed.__version__,
            "xarray": xr.__version__,
        },
        "workers": WORKERS,
        "cpu_points": points_cpu,
        "tiny_points": points_tiny,
        "tiny_auto_tasks": -(-points_tiny // auto_chunk),
        "seconds": {"cluster_start": cluster_start, **cases},
        "identical": bool(identical),
        "speedup": cases["cpu_serial"] / cases["cpu_dask"],
        "serial_us_per_point": 1e6 * cases["tiny_serial"] / points_tiny,
        "dask_ms_per_task": 1e3 * (cases["tiny_dask_chunk1"] - cases["tiny_serial"]) / points_tiny,
        "dask_auto_ms_per_point": 1e3 * cases["tiny_dask_auto"] / points_tiny,
    }


def format_table(res):
    """The results as Markdown: the CPU-bound sweep, then the overhead of the Dask path."""
    s, cfg = res["seconds"], res["config"]
    w = res["workers"]
    cpu = (
        f"{res['cpu_points']} points x {cfg['replicates']} replicates x "
        f"{cfg['generations']:,} rounds"
    )
    lines = [
        "| run | work | wall time (s) |",
        "|---|---|---:|",
        f"| CPU-bound sweep, serial | {cpu} | {s['cpu_serial']:.3g} |",
        f"| CPU-bound sweep, `LocalCluster` ({w} processes) | {cpu} | {s['cpu_dask']:.3g} |",
        f"| tiny points, serial | {res['tiny_points']:,} points | {s['tiny_serial']:.3g} |",
        f"| tiny points, Dask, `chunk=1` | {res['tiny_points']:,} tasks | "
        f"{s['tiny_dask_chunk1']:.3g} |",
        f"| tiny points, Dask, default `chunk` | {res['tiny_auto_tasks']} tasks | "
        f"{s['tiny_dask_auto']:.3g} |",
        f"| starting the `LocalCluster` | {w} worker processes | {s['cluster_start']:.3g} |",
        "",
        "| measure | value |",
        "|---|---:|",
        f"| speed-up of the CPU-bound sweep on {w} processes | {res['speedup']:.2f} |",
        f"| serial and cluster results bit-identical | {'yes' if res['identical'] else 'NO'} |",
        f"| serial path, time per tiny point | {res['serial_us_per_point']:.3g} µs |",
        f"| Dask path, overhead per task | {res['dask_ms_per_task']:.3g} ms |",
        f"| Dask path with the default chunk, time per tiny point | "
        f"{res['dask_auto_ms_per_point']:.3g} ms |",
    ]
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--tiny", action="store_const", const="tiny", dest="mode", help="smallest sizes"
    )
    parser.add_argument(
        "--output",
        help="JSON file to write ('-' for stdout); the full mode writes benchmarks/sweep.json",
    )
    args = parser.parse_args(argv)
    mode = args.mode or "full"
    res = run_all(mode, echo=lambda text: print(text, file=sys.stderr, flush=True))
    output = args.output or (str(RESULTS) if mode == "full" else None)
    if output == "-":
        print(json.dumps(res, indent=1))
        return
    if output:
        Path(output).write_text(json.dumps(res, indent=1) + "\n")
    print(format_table(res))


if __name__ == "__main__":
    main()
