"""Speed and memory of collapse_lib's simulation engine against straightforward loops.

Each case runs in its own Python process, so its peak memory -- the rise of the peak
resident set size (RSS) over the process's RSS just before the case starts, after the
imports and a warm-up -- is measured alone. The per-replicate loops are timed on a subset
of the replicates and extrapolated linearly to the full count: every replicate runs the same
generations independently.

Usage::

    python benchmarks/run.py            # full size (minutes); writes benchmarks/results.json
    python benchmarks/run.py --quick    # small sizes, a few seconds; prints the table
    python benchmarks/run.py --tiny     # smallest sizes (used by the tests)
    python benchmarks/run.py --output out.json   # write the JSON elsewhere ("-" = stdout)
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results.json"

#: Sizes of each mode. ``loop_*`` are the replicates the per-replicate loops really run.
MODES = {
    "full": {
        "replicates": 10_000,
        "generations": 1_000,
        "n": 100,
        "loop_replicates": 100,
        "acc_generations": [250, 500, 1_000],
        "cat_K": 1_000,
        "cat_n": 10_000,
        "cat_replicates": 1_000,
        "cat_generations": 1_000,
        "cat_loop_replicates": 25,
        "repeat": 1,
    },
    "quick": {
        "replicates": 2_000,
        "generations": 100,
        "n": 100,
        "loop_replicates": 20,
        "acc_generations": [25, 50, 100],
        "cat_K": 100,
        "cat_n": 1_000,
        "cat_replicates": 200,
        "cat_generations": 100,
        "cat_loop_replicates": 10,
        "repeat": 1,
    },
    "tiny": {
        "replicates": 600,
        "generations": 10,
        "n": 20,
        "loop_replicates": 3,
        "acc_generations": [5, 10, 20],
        "cat_K": 10,
        "cat_n": 50,
        "cat_replicates": 20,
        "cat_generations": 10,
        "cat_loop_replicates": 2,
        "repeat": 1,
    },
}

#: Issue targets: (name, numerator case, denominator case, bound, meaning).
TARGETS = [
    ("exact vs loop", "gauss_loop", "gauss_exact", 300.0, "loop / exact >= 300"),
    ("samples vs raw RNG", "gauss_samples", "rng_normals", 1.5, "samples / RNG <= 1.5"),
    ("categorical vs loop", "cat_loop", "cat_exact", 1.5, "loop / engine >= 1.5"),
]


# --- the cases (each runs inside a child process) -------------------------------------


def _gauss_loop(cfg, rng):
    """Per replicate, per generation: draw n normals, refit mean and MLE variance."""
    n, gens = cfg["n"], cfg["generations"]
    for _ in range(cfg["loop_replicates"]):
        mu, sigma2 = 0.0, 1.0
        for _ in range(gens):
            x = rng.normal(mu, np.sqrt(sigma2), n)
            mu, sigma2 = x.mean(), x.var()
    return cfg["replicates"] / cfg["loop_replicates"]


def _gauss_engine(method, scheme="replace", generations=None):
    def case(cfg, rng):
        import collapse_lib as cl

        cl.simulate(
            cl.Gaussian(),
            generations=generations or cfg["generations"],
            sizes=cfg["n"],
            replicates=cfg["replicates"],
            scheme=scheme,
            method=method,
            record="last",
            seed=int(rng.integers(2**32)),
        )
        return 1.0

    return case


def _normals(threads):
    """Draw replicates * generations * n standard normals (no refitting) on ``threads``."""

    def case(cfg, rng):
        total = cfg["replicates"] * cfg["generations"] * cfg["n"]
        block = 1 << 20
        gens = [
            np.random.default_rng(s)
            for s in np.random.SeedSequence(int(rng.integers(2**32))).spawn(threads)
        ]

        def work(i):
            out = np.empty(block)
            share = total // threads + (i < total % threads)
            while share > 0:
                m = min(block, share)
                gens[i].standard_normal(out=out[:m])
                share -= m

        with ThreadPoolExecutor(threads) as pool:
            list(pool.map(work, range(threads)))
        return 1.0

    return case


def _cat_loop(cfg, rng):
    """Per replicate, per generation: multinomial counts, frequencies as the new model."""
    K, n = cfg["cat_K"], cfg["cat_n"]
    for _ in range(cfg["cat_loop_replicates"]):
        p = np.full(K, 1.0 / K)
        for _ in range(cfg["cat_generations"]):
            p = rng.multinomial(n, p) / n
    return cfg["cat_replicates"] / cfg["cat_loop_replicates"]


def _cat_engine(cfg, rng):
    import collapse_lib as cl

    K = cfg["cat_K"]
    cl.simulate(
        cl.Categorical(np.full(K, 1.0 / K)),
        generations=cfg["cat_generations"],
        sizes=cfg["cat_n"],
        replicates=cfg["cat_replicates"],
        record="last",
        seed=int(rng.integers(2**32)),
    )
    return 1.0


def _cases(cfg):
    """name -> (function, description, size text)."""
    threads = (
        len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    )
    r, g, n = cfg["replicates"], cfg["generations"], cfg["n"]
    gauss = f"{r:,} x {g:,} x n={n}"
    cat = (
        f"K={cfg['cat_K']:,}, {cfg['cat_replicates']:,} x {cfg['cat_generations']:,} "
        f"x n={cfg['cat_n']:,}"
    )
    cases = {
        "gauss_loop": (
            _gauss_loop,
            "Gaussian replace: per-replicate Python loop",
            f"{gauss} (ran {cfg['loop_replicates']} replicates)",
        ),
        "gauss_samples": (_gauss_engine("samples"), 'Gaussian replace: method="samples"', gauss),
        "gauss_exact": (_gauss_engine("exact"), 'Gaussian replace: method="exact"', gauss),
        "rng_normals": (_normals(1), "raw RNG: the same number of normals, 1 thread", gauss),
        "rng_normals_all": (_normals(threads), f"raw RNG: same normals, {threads} threads", gauss),
    }
    for G in cfg["acc_generations"]:
        cases[f"acc_exact_{G}"] = (
            _gauss_engine("exact", "accumulate", G),
            'Gaussian accumulate: method="exact"',
            f"{r:,} x {G:,} x n={n}",
        )
    cases["cat_loop"] = (
        _cat_loop,
        "Categorical replace: per-replicate multinomial loop",
        f"{cat} (ran {cfg['cat_loop_replicates']} replicates)",
    )
    cases["cat_exact"] = (_cat_engine, "Categorical replace: simulate (exact)", cat)
    return cases


def _reset_peak():
    """Reset the kernel's peak-RSS mark of this process (Linux >= 4.0); False if not possible."""
    try:
        with open("/proc/self/clear_refs", "w") as fh:
            fh.write("5")
        return True
    except OSError:
        return False


def _status_bytes(field):
    """A memory field (``VmRSS``, ``VmHWM``) of /proc/self/status in bytes (0 if absent)."""
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def _child(name, cfg):
    """Run one case in this process; print its time and peak memory as JSON."""
    import collapse_lib as cl

    # warm up the imports and the engine's code paths at a negligible size
    cl.simulate(cl.Gaussian(), generations=2, sizes=2, replicates=2, seed=0)
    fn = _cases(cfg)[name][0]
    rng = np.random.default_rng(12345)
    reset = _reset_peak()
    before = _status_bytes("VmRSS")
    best = np.inf
    for _ in range(cfg["repeat"]):
        start = time.perf_counter()
        factor = fn(cfg, rng)
        best = min(best, time.perf_counter() - start)
    # the peak since the reset; without a reset, the lifetime peak (ru_maxrss, kB on Linux)
    peak = (
        _status_bytes("VmHWM")
        if reset
        else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    )
    print(
        json.dumps({"measured_s": best, "factor": factor, "peak_mb": max(peak - before, 0) / 1e6})
    )


# --- the parent: run every case, compute ratios, format -------------------------------


def machine(load_start):
    """The machine a benchmark ran on, with the 1-minute load average at its start and now."""
    return {
        "platform": platform.platform(),
        "processor": platform.processor() or platform.machine(),
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        # 1-minute load averages: other work on the machine inflates the times
        "load_start": load_start,
        "load_end": os.getloadavg()[0],
    }


def run_all(mode="full", *, echo=None):
    """Run every case of ``mode`` in a child process; return the results as a dict."""
    cfg = MODES[mode]
    load_start = os.getloadavg()[0]
    results = {}
    for name, (_, what, size) in _cases(cfg).items():
        out = subprocess.run(
            [sys.executable, str(Path(__file__).resolve()), "--child", name, "--mode", mode],
            check=True,
            capture_output=True,
            text=True,
        )
        rec = json.loads(out.stdout.strip().splitlines()[-1])
        rec.update(
            what=what,
            size=size,
            seconds=rec["measured_s"] * rec["factor"],
            extrapolated=rec["factor"] != 1.0,
        )
        results[name] = rec
        if echo:
            echo(f"{name:16s} {rec['seconds']:10.3f} s")
    import scipy

    import collapse_lib

    ratios = {label: results[a]["seconds"] / results[b]["seconds"] for label, a, b, _, _ in TARGETS}
    ratios["samples vs raw RNG (all threads)"] = (
        results["gauss_samples"]["seconds"] / results["rng_normals_all"]["seconds"]
    )
    ratios["loop vs samples"] = (
        results["gauss_loop"]["seconds"] / results["gauss_samples"]["seconds"]
    )
    return {
        "mode": mode,
        "config": cfg,
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine(load_start),
        "versions": {
            "collapse_lib": collapse_lib.__version__,
            "numpy": np.__version__,
            "scipy": scipy.__version__,
        },
        "cases": results,
        "ratios": ratios,
    }


def format_table(res):
    """The results as Markdown: the cases, then the ratios (with the targets, full size only)."""
    lines = ["| case | size | time (s) | peak memory (MB) |", "|---|---|---:|---:|"]
    for rec in res["cases"].values():
        mark = " (extrapolated)" if rec["extrapolated"] else ""
        lines.append(
            f"| {rec['what']} | {rec['size']} | {rec['seconds']:.3g}{mark} | {rec['peak_mb']:.0f} |"
        )
    # the targets are stated for the full sizes; smaller runs show the ratios only
    full = res["mode"] == "full"
    lines += [
        "",
        "| ratio | value | target | met |" if full else "| ratio | value |",
        "|---|---:|---|---|" if full else "|---|---:|",
    ]
    for label, _, _, bound, text in TARGETS:
        value = res["ratios"][label]
        ok = value <= bound if "<=" in text else value >= bound
        lines.append(
            f"| {label} | {value:.3g} | {text} | {'yes' if ok else 'no'} |"
            if full
            else f"| {label} | {value:.3g} |"
        )
    for label in ("samples vs raw RNG (all threads)", "loop vs samples"):
        lines.append(f"| {label} | {res['ratios'][label]:.3g} |" + (" | |" if full else ""))
    acc = {k: v for k, v in res["cases"].items() if k.startswith("acc_exact_")}
    per_gen = ", ".join(
        f"G={k.rsplit('_', 1)[1]}: {1e3 * v['seconds'] / int(k.rsplit('_', 1)[1]):.3g} ms"
        for k, v in acc.items()
    )
    lines += ["", f"Accumulate (exact), time per generation: {per_gen}."]
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    size = parser.add_mutually_exclusive_group()
    size.add_argument(
        "--quick",
        action="store_const",
        const="quick",
        dest="mode",
        help="small sizes: a few seconds",
    )
    size.add_argument(
        "--tiny",
        action="store_const",
        const="tiny",
        dest="mode",
        help="smallest sizes (smoke test)",
    )
    size.add_argument("--mode", choices=sorted(MODES), help=argparse.SUPPRESS)
    parser.add_argument(
        "--output",
        help="JSON file to write ('-' for stdout); the full "
        "mode writes benchmarks/results.json by default",
    )
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    mode = args.mode or "full"
    if args.child:
        _child(args.child, MODES[mode])
        return
    res = run_all(mode, echo=lambda s: print(s, file=sys.stderr, flush=True))
    output = args.output or (str(RESULTS) if mode == "full" else None)
    if output == "-":
        print(json.dumps(res, indent=1))
        return
    if output:
        Path(output).write_text(json.dumps(res, indent=1) + "\n")
    print(format_table(res))


if __name__ == "__main__":
    main()
