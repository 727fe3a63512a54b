"""How long a live explorer takes to redraw when a reader moves one of its controls.

Every chapter is executed in a fresh kernel in *live* mode (as in JupyterLab), then
each control of each explorer on the page is moved one step from its default and back,
several times; the time from setting the control to having the new figure (the
explorer's callback simulates, draws and encodes the PNG synchronously) is recorded.
A live explorer keeps the frames it has drawn and draws ahead in the background while no
cell runs; the probe empties those caches before every move (and runs as a cell, which
pauses the drawing ahead), so the times are those of a move that finds no frame ready:
the simulation and the drawing, the cost the frame cache hides.

Usage::

    python benchmarks/explorers.py                 # all chapters; writes benchmarks/explorers.json
    python benchmarks/explorers.py chapters/intro.md --output -   # one chapter, JSON to stdout
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from datetime import UTC, datetime
from pathlib import Path

import jupytext
import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
RESULTS = Path(__file__).resolve().parent / "explorers.json"

#: Code run in the chapter's kernel after the chapter itself.
_PROBE = r"""
import gc, json, statistics, time
from collapse_lib.widgets import Explorer, _LiveFrames

_caches = [o for o in gc.get_objects() if isinstance(o, _LiveFrames)]

def _time_move(widget, step, repeat):
    times = []
    for _ in range(repeat):
        for delta in (step, -step):
            for _cache in _caches:  # a move that finds no frame ready
                _cache._frames.clear()
            t0 = time.perf_counter()
            widget.index = widget.index + delta
            times.append(time.perf_counter() - t0)
    return times

_report = []
for _i, _ex in enumerate(o for o in gc.get_objects() if isinstance(o, Explorer)):
    for _name, _w in _ex.controls.items():
        _step = 1 if _w.index + 1 < len(_w.options) else -1
        _t = _time_move(_w, _step, REPEAT)
        _report.append({"explorer": _i, "control": _name,
                        "median_ms": 1e3 * statistics.median(_t), "max_ms": 1e3 * max(_t)})
print(json.dumps(_report))
"""


def measure(chapter: Path, repeat: int = 3) -> list[dict]:
    """Per-control redraw times of every explorer of one chapter (live mode)."""
    nb = jupytext.read(chapter)
    nb.cells.append(nbformat.v4.new_code_cell(_PROBE.replace("REPEAT", str(repeat))))
    os.environ.pop("COLLAPSE_LIB_EXPLORER", None)  # the kernel inherits it: stay live
    NotebookClient(
        nb,
        timeout=600,
        kernel_name="python3",
        resources={"metadata": {"path": str(chapter.parent)}},
    ).execute()
    text = "".join(o.get("text", "") for o in nb.cells[-1].outputs if o.get("name") == "stdout")
    return json.loads(text)


def format_table(results: dict) -> str:
    """A Markdown table: one row per chapter, the slowest control's median and maximum."""
    rows = [
        "| chapter | controls | median redraw (ms) | slowest control, median (ms) | max (ms) |",
        "|---|---:|---:|---:|---:|",
    ]
    for chapter, items in results["chapters"].items():
        if not items:
            continue
        med = sorted(i["median_ms"] for i in items)
        slow = max(items, key=lambda i: i["median_ms"])
        rows.append(
            f"| {chapter} | {len(items)} | {med[len(med) // 2]:.0f} | "
            f"{slow['median_ms']:.0f} ({slow['control']}) | "
            f"{max(i['max_ms'] for i in items):.0f} |"
        )
    return "\n".join(rows)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "chapters",
        nargs="*",
        type=Path,
        help="chapter .md files (default: every chapter with an explorer)",
    )
    parser.add_argument("--repeat", type=int, default=3, help="moves per control and direction")
    parser.add_argument("--output", default=str(RESULTS), help='JSON path, or "-" for stdout')
    args = parser.parse_args(argv)
    chapters = args.chapters or sorted(
        p for p in (ROOT / "chapters").glob("*.md") if "widgets.explore(" in p.read_text()
    )
    results = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "load_start": os.getloadavg()[0],
        "chapters": {},
    }
    for chapter in chapters:
        results["chapters"][chapter.stem] = measure(chapter, args.repeat)
        print(f"{chapter.stem}: done", file=sys.stderr)
    results["load_end"] = os.getloadavg()[0]
    write_results(results, args.output, format_table(results))


def write_results(results: dict, output: str, table: str) -> None:
    """Print ``table``, then write ``results`` as JSON to ``output`` (``"-"``: stdout)."""
    print(table)
    text = json.dumps(results, indent=2)
    if output == "-":
        print(text)
    else:
        Path(output).write_text(text + "\n")


if __name__ == "__main__":
    main()
