"""Latency of the live explorers as a reader feels it: JupyterLab in Chromium.

Each chapter with an explorer is opened in JupyterLab (the book's Lab configuration,
``tools/lab.py``) by double-clicking it, and run from the top (*Run All Cells*). Then
every control of every explorer is moved, as a reader moves it: a slider one keyboard
step to the right and back, toggle buttons clicked to the next button and back. Each
move is timed in the page from the input event (its time stamp) to the figure showing
the new picture (the image's ``src`` changed, the picture decoded and the next frame
painted), so the time includes the kernel's redraw, the widget messages both ways and
the browser's work. ``benchmarks/explorers.py`` times the kernel's redraw alone.

The first moves of a control are measured as they come: an explorer draws, in the
background, the frames a reader is likely to ask for next, and whatever it has not drawn
yet when asked for is drawn at once (see ``collapse_lib.widgets``).

Usage (needs ``make lab``, Playwright and Debian's ``/usr/bin/chromium``; run it on a
quiet machine, it reports the load average)::

    make lab-latency                                          # writes benchmarks/lab_latency.json
    .venv/bin/python benchmarks/lab_latency.py intro --output -   # one chapter, JSON to stdout
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import signal
import statistics
import sys
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = Path(__file__).resolve().parent / "lab_latency.json"
CHROMIUM = "/usr/bin/chromium"
#: Targets of a single move (toggle or slider step), in milliseconds.
TARGET_MEDIAN_MS = 150
TARGET_P90_MS = 300


def _lab_tool():
    spec = importlib.util.spec_from_file_location("lab", ROOT / "tools" / "lab.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def percentile(values: list[float], q: float) -> float:
    """The ``q``-quantile (0..1) of ``values``, linear between order statistics."""
    ordered = sorted(values)
    position = q * (len(ordered) - 1)
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def _summary(times: list[float]) -> dict:
    return {
        "moves": len(times),
        "median_ms": statistics.median(times),
        "p90_ms": percentile(times, 0.9),
        "max_ms": max(times),
        "times_ms": [round(t, 1) for t in times],
    }


def measure_chapter(driver, stem: str, repeat: int) -> list[dict]:
    """Per-control latencies of every explorer of chapter ``stem``."""
    driver.open_by_double_click(f"{stem}.md")
    driver.run_all()
    results = []
    explorers = driver.explorers()
    for e in range(explorers.count()):
        explorer = explorers.nth(e)
        explorer.scroll_into_view_if_needed()
        sliders = explorer.locator(".widget-slider")
        for s in range(sliders.count()):
            name = sliders.nth(s).locator(".widget-label").first.inner_text()
            handle = sliders.nth(s).locator(".noUi-handle").first
            at_end = float(handle.get_attribute("aria-valuenow")) >= float(
                handle.get_attribute("aria-valuemax")
            )
            keys = ("ArrowLeft", "ArrowRight") if at_end else ("ArrowRight", "ArrowLeft")
            times = []
            for _ in range(repeat):
                for key in keys:
                    times.append(driver.slider_step(explorer, s, key))
            results.append({"explorer": e, "control": name, "kind": "slider", **_summary(times)})
        groups = explorer.locator(".widget-toggle-buttons")
        for g in range(groups.count()):
            buttons = groups.nth(g).locator("button")
            active = next(
                i
                for i in range(buttons.count())
                if "mod-active" in (buttons.nth(i).get_attribute("class") or "")
            )
            other = (active + 1) % buttons.count()
            name = groups.nth(g).locator(".widget-label").first.inner_text()
            times = []
            for _ in range(repeat):
                for button in (other, active):
                    times.append(driver.toggle(explorer, g, button))
            results.append({"explorer": e, "control": name, "kind": "toggle", **_summary(times)})
    return results


def format_table(results: dict) -> str:
    """A Markdown table: one row per control, median and 90th percentile of its moves."""
    rows = [
        "| chapter | control | kind | moves | median (ms) | 90th percentile (ms) |",
        "|---|---|---|---:|---:|---:|",
    ]
    for chapter, items in results["chapters"].items():
        for item in items:
            rows.append(
                f"| {chapter} | {item['control']} | {item['kind']} | {item['moves']} | "
                f"{item['median_ms']:.0f} | {item['p90_ms']:.0f} |"
            )
    every = [t for items in results["chapters"].values() for i in items for t in i["times_ms"]]
    if every:
        rows.append(
            f"| **all** | | | {len(every)} | **{statistics.median(every):.0f}** | "
            f"**{percentile(every, 0.9):.0f}** |"
        )
    return "\n".join(rows)


def main(argv=None) -> int:
    # a terminated run still stops its JupyterLab (the context manager's exit)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "chapters", nargs="*", help="chapter names (default: every chapter with an explorer)"
    )
    parser.add_argument("--repeat", type=int, default=5, help="moves per control and direction")
    parser.add_argument("--output", default=str(RESULTS), help='JSON path, or "-" for stdout')
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    stems = args.chapters or sorted(
        p.stem for p in (ROOT / "chapters").glob("*.md") if "widgets.explore(" in p.read_text()
    )
    lab = _lab_tool()
    results = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "cpus": os.cpu_count(),
        "load_start": os.getloadavg()[0],
        "target_median_ms": TARGET_MEDIAN_MS,
        "target_p90_ms": TARGET_P90_MS,
        "chapters": {},
    }
    with lab.running_lab(stems) as (url, _root), sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"]
        )
        for stem in stems:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            try:
                results["chapters"][stem] = measure_chapter(
                    lab.LabPage(page, url), stem, args.repeat
                )
            except Exception as error:  # report the others; the JSON names the failure
                results.setdefault("failed", {})[stem] = str(error)[:2000]
                print(f"{stem}: FAILED {error}", file=sys.stderr)
            else:
                print(f"{stem}: done", file=sys.stderr)
            page.close()
        browser.close()
    results["load_end"] = os.getloadavg()[0]
    from explorers import write_results  # benchmarks/, this script's folder

    write_results(results, args.output, format_table(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
