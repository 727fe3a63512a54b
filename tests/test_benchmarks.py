"""Smoke test of benchmarks/run.py at its smallest sizes, and of the committed results."""

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "benchmarks" / "run.py"
SWEEP_SCRIPT = ROOT / "benchmarks" / "sweep.py"


def _bench(script=SCRIPT):
    spec = importlib.util.spec_from_file_location(script.stem + "_bench", script)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _run_tiny(script, out):
    """Run a benchmark script at its smallest sizes; return its printed table and its JSON."""
    proc = subprocess.run(
        [sys.executable, str(script), "--tiny", "--output", str(out)],
        check=True,
        capture_output=True,
        text=True,
        timeout=300,
    )
    return proc.stdout, json.loads(out.read_text())


def test_tiny_run_produces_every_case(tmp_path):
    stdout, res = _run_tiny(SCRIPT, tmp_path / "res.json")
    bench = _bench()
    assert set(res["cases"]) == set(bench._cases(bench.MODES["tiny"]))
    for rec in res["cases"].values():
        assert rec["seconds"] > 0 and rec["peak_mb"] >= 0
    # the loops are extrapolated from a subset of replicates, the engine runs are not
    assert res["cases"]["gauss_loop"]["extrapolated"]
    assert not res["cases"]["gauss_exact"]["extrapolated"]
    assert all(r > 0 for r in res["ratios"].values())
    assert "| ratio | value |" in stdout


def test_committed_results_are_a_full_run():
    res = json.loads((ROOT / "benchmarks" / "results.json").read_text())
    bench = _bench()
    assert res["mode"] == "full" and res["config"] == bench.MODES["full"]
    assert set(res["cases"]) == set(bench._cases(bench.MODES["full"]))
    assert {"date", "machine", "versions"} <= set(res)
    assert "| ratio | value | target | met |" in bench.format_table(res)


_TINY_CHAPTER = """---
jupytext:
  text_representation:
    extension: .md
    format_name: myst
kernelspec:
  display_name: Python 3
  language: python
  name: python3
---

```{code-cell} ipython3
import collapse_lib as cl

def plot(fig, n, estimator):
    run = cl.simulate(cl.Gaussian(estimator=estimator), generations=20, sizes=n,
                      replicates=50, seed=1)
    cl.plotting.fan_chart(run.rounds, run["sigma2"], ax=fig.add_subplot(), log=True)

cl.widgets.explore(plot, {"n": [5, 10, 20], "estimator": ["mle", "unbiased"]})
```
"""


def test_explorer_timing_probe_moves_every_control(tmp_path):
    spec = importlib.util.spec_from_file_location("explorers", ROOT / "benchmarks" / "explorers.py")
    explorers = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(explorers)
    chapter = tmp_path / "tiny.md"
    chapter.write_text(_TINY_CHAPTER)
    report = explorers.measure(chapter, repeat=1)
    assert sorted(r["control"] for r in report) == ["estimator", "n"]
    assert all(0 < r["median_ms"] <= r["max_ms"] for r in report)
    table = explorers.format_table({"chapters": {"tiny": report}})
    assert "| tiny | 2 |" in table


def test_committed_explorer_timings_cover_every_explorer_chapter():
    res = json.loads((ROOT / "benchmarks" / "explorers.json").read_text())
    with_explorer = {
        p.stem for p in (ROOT / "chapters").glob("*.md") if "widgets.explore(" in p.read_text()
    }
    assert set(res["chapters"]) == with_explorer
    assert all(res["chapters"][c] for c in with_explorer)


_SWEEP_KEYS = {
    "cluster_start",
    "cpu_serial",
    "cpu_dask",
    "tiny_serial",
    "tiny_dask_chunk1",
    "tiny_dask_auto",
}


def test_sweep_benchmark_tiny_run(tmp_path):
    stdout, res = _run_tiny(SWEEP_SCRIPT, tmp_path / "sweep.json")
    bench = _bench(SWEEP_SCRIPT)
    assert res["mode"] == "tiny" and res["config"] == bench.MODES["tiny"]
    assert set(res["seconds"]) == _SWEEP_KEYS
    assert all(v > 0 for v in res["seconds"].values())
    # the cluster computed exactly what the serial run computed
    assert res["identical"] is True
    assert res["cpu_points"] == 2 * 2 * 2 and res["tiny_points"] == 20
    assert res["speedup"] == res["seconds"]["cpu_serial"] / res["seconds"]["cpu_dask"]
    assert "| speed-up of the CPU-bound sweep on 2 processes |" in stdout


def test_committed_sweep_results_are_a_full_run():
    res = json.loads((ROOT / "benchmarks" / "sweep.json").read_text())
    bench = _bench(SWEEP_SCRIPT)
    assert res["mode"] == "full" and res["config"] == bench.MODES["full"]
    assert set(res["seconds"]) == _SWEEP_KEYS and res["identical"] is True
    assert {"date", "machine", "versions"} <= set(res)
    assert "| Dask path, overhead per task |" in bench.format_table(res)
