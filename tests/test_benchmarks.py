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
    proc = subprocess.run([sys.executable, str(SCRIPT), "--tiny", "--output", str(out)],
                          check=True, capture_output=True, text=True, timeout=300)
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
