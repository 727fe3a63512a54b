"""Smoke test of benchmarks/run.py at its smallest sizes, and of the committed results."""

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "benchmarks" / "run.py"


def _bench():
    spec = importlib.util.spec_from_file_location("bench", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_tiny_run_produces_every_case(tmp_path):
    out = tmp_path / "res.json"
    proc = subprocess.run(
        [sys.executable, str(SCRIPT), "--tiny", "--output", str(out)],
        check=True,
        capture_output=True,
        text=True,
        timeout=300,
    )
    res = json.loads(out.read_text())
    bench = _bench()
    assert set(res["cases"]) == set(bench._cases(bench.MODES["tiny"]))
    for rec in res["cases"].values():
        assert rec["seconds"] > 0 and rec["peak_mb"] >= 0
    # the loops are extrapolated from a subset of replicates, the engine runs are not
    assert res["cases"]["gauss_loop"]["extrapolated"]
    assert not res["cases"]["gauss_exact"]["extrapolated"]
    assert all(r > 0 for r in res["ratios"].values())
    assert "| ratio | value |" in proc.stdout


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
