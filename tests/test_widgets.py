"""Tests of collapse_lib.widgets.explore: live redraws, static frames and links, bad input."""

import base64
import io
import math
import time

import ipywidgets
import numpy as np
import pytest
from IPython.core.interactiveshell import InteractiveShell
from IPython.display import display
from IPython.utils.capture import capture_output
from matplotlib.figure import Figure
from PIL import Image

from collapse_lib import widgets
from collapse_lib.widgets import DPI, MODE_ENV, explore


@pytest.fixture(autouse=True)
def fresh_page(monkeypatch):
    """Each test is a fresh page: no explorer bytes embedded yet, no mode in the environment."""
    monkeypatch.setattr(widgets, "_page_budget", widgets._PageBudget(widgets.PAGE_BUDGET_BYTES))
    monkeypatch.delenv(MODE_ENV, raising=False)


class Recorder:
    """A plot function that draws its arguments and remembers every call."""

    def __init__(self):
        self.calls = []

    def __call__(self, fig, **values):
        self.calls.append(values)
        ax = fig.add_subplot()
        level = sum(float(v) if not isinstance(v, str) else len(v) for v in values.values())
        ax.plot([0, 1], [0, level])
        ax.set_ylim(0, 20)
        ax.set_title(" ".join(f"{k}={v}" for k, v in values.items()))


def exact_variance_plot(fig, n, estimator, generations=50, replicates=400):
    """Quantiles of sigma^2_t under replace with constant n, by exact chi-square steps."""
    rng = np.random.default_rng(np.random.SeedSequence(2024))
    ddof = 0 if estimator == "mle" else 1
    steps = rng.chisquare(n - 1, size=(replicates, generations)) / (n - ddof)
    sigma2 = np.concatenate([np.ones((replicates, 1)), np.cumprod(steps, axis=1)], axis=1)
    q = np.quantile(sigma2, [0.05, 0.5, 0.95], axis=0)
    ax = fig.add_subplot()
    t = np.arange(generations + 1)
    ax.fill_between(t, q[0], q[2], alpha=0.3, label="5%-95%")
    ax.plot(t, q[1], label="median")
    ax.plot(t, sigma2[:5].T, lw=0.8, color="0.4")
    ax.set_xlabel("round t")
    ax.set_ylabel("sigma^2_t")
    ax.legend(loc="upper right")


def png_size(png):
    with Image.open(io.BytesIO(png)) as image:
        return image.size


# --------------------------------------------------------------------------- live mode


def test_live_redraws_on_every_change():
    plot = Recorder()
    w = explore(plot, {"n": [10, 20, 50], "scheme": ["replace", "accumulate"]}, mode="live")
    assert isinstance(w, ipywidgets.VBox) and w.mode == "live"
    assert plot.calls == [{"n": 20, "scheme": "replace"}]
    assert isinstance(w.controls["n"], ipywidgets.SelectionSlider)
    assert isinstance(w.controls["scheme"], ipywidgets.ToggleButtons)
    first = w.figure.value
    assert png_size(first) == (7 * DPI, 4 * DPI)

    w.controls["n"].value = 50
    assert plot.calls[-1] == {"n": 50, "scheme": "replace"}
    second = w.figure.value
    assert second != first
    w.controls["scheme"].value = "accumulate"
    assert plot.calls[-1] == {"n": 50, "scheme": "accumulate"}
    assert w.figure.value not in (first, second)
    assert len(plot.calls) == 3
    assert w.frames == {} and w.links == ()


def test_live_frames_are_kept_and_drawn_ahead_once_displayed():
    plot = Recorder()
    w = explore(plot, {"n": [10, 20, 50], "scheme": ["replace", "accumulate"]}, mode="live")
    w.controls["n"].value = 50
    w.controls["n"].value = 20  # drawn before: kept, not drawn again
    assert plot.calls == [{"n": 20, "scheme": "replace"}, {"n": 50, "scheme": "replace"}]
    with capture_output():
        w._ipython_display_()  # a reader sees it: the rest of the grid is drawn ahead
    w._live._thread.join(timeout=60)
    assert not w._live._thread.is_alive()
    assert len(plot.calls) == 6
    assert {tuple(c.values()) for c in plot.calls} == {
        (n, s) for n in (10, 20, 50) for s in ("replace", "accumulate")
    }
    w.controls["scheme"].value = "accumulate"
    w.controls["n"].value = 10
    assert len(plot.calls) == 6  # every move found its frame ready
    assert w.figure.value == w._live._frames[(10, "accumulate")]


def test_live_frames_are_drawn_ahead_only_between_cells():
    """Drawing ahead waits while a cell runs: it never slows down the reader's cells."""
    shell = InteractiveShell.instance()
    plot = Recorder()
    shell.user_ns.update(explore=explore, plot=plot)
    result = shell.run_cell(
        "import time\n"
        "w = explore(plot, {'n': [1, 2, 3]}, mode='live')\n"
        "w._ipython_display_()\n"
        "time.sleep(0.5)\n"
        "calls_in_cell = len(plot.calls)\n"
    )
    assert result.success, result.error_in_exec
    assert shell.user_ns["calls_in_cell"] == 1  # only the starting frame while it ran
    thread = shell.user_ns["w"]._live._thread
    thread.join(timeout=60)
    assert not thread.is_alive() and len(plot.calls) == 3


def test_live_update_time():
    """Time per update at the settings of a typical chapter explorer (reported, not asserted)."""
    n_values = [5, 10, 20, 50, 100, 200]
    w = explore(exact_variance_plot, {"n": n_values, "estimator": ["mle", "unbiased"]}, mode="live")
    seen, times = {w.figure.value}, []
    for estimator in ("mle", "unbiased"):
        w.controls["estimator"].value = estimator
        for n in n_values:
            if w.controls["n"].value == n:
                continue
            before = w.figure.value
            start = time.perf_counter()
            w.controls["n"].value = n
            times.append(time.perf_counter() - start)
            assert w.figure.value != before
            seen.add(w.figure.value)
    # every setting gave its own image (a setting drawn again after the layout was
    # reused may differ from its first drawing by the axes' exact placement)
    assert len(seen) >= len(n_values) * 2
    fig = Figure(figsize=(7, 4), dpi=DPI, layout="constrained")
    start = time.perf_counter()
    for n in n_values:
        fig.clear()
        exact_variance_plot(fig, n, "mle")
    plot_only = (time.perf_counter() - start) / len(n_values)
    print(
        f"\nlive update: mean {1e3 * np.mean(times):.1f} ms, max {1e3 * max(times):.1f} ms "
        f"over {len(times)} updates; of which plot() alone {1e3 * plot_only:.1f} ms"
    )


def test_defaults():
    w = explore(Recorder(), {"n": [1, 2, 3, 4], "kind": ["a", "b"]}, mode="live")
    assert (w.controls["n"].value, w.controls["kind"].value) == (3, "a")
    w = explore(
        Recorder(),
        {"n": [1, 2, 3, 4], "kind": ["a", "b"]},
        defaults={"n": 1, "kind": "b"},
        mode="live",
    )
    assert (w.controls["n"].value, w.controls["kind"].value) == (1, "b")
    grid = np.linspace(0.0, 1.0, 11)
    w = explore(Recorder(), {"eps": grid}, defaults={"eps": 0.3}, mode="live")
    assert w.controls["eps"].index == 3


def test_slider_labels():
    w = explore(Recorder(), {"n": [10, 100, 1000], "eps": [0.05, 0.1, 1 / 3]}, mode="live")
    assert w.controls["n"].options == (("10", 10), ("100", 100), ("1000", 1000))
    assert [label for label, _ in w.controls["eps"].options] == ["0.05", "0.1", "0.333333"]
    close = explore(Recorder(), {"x": [1.0, 1.0 + 1e-9]}, mode="live")
    assert [label for label, _ in close.controls["x"].options] == ["1.0", "1.000000001"]
    close = explore(Recorder(), {"x": [1.0, 1.0 + 1e-9]}, defaults={"x": 1.0 + 1e-9}, mode="live")
    assert close.controls["x"].index == 1


def test_mode_from_environment(monkeypatch):
    assert explore(Recorder(), {"n": [1, 2]}).mode == "live"
    monkeypatch.setenv(MODE_ENV, "static")
    assert explore(Recorder(), {"n": [1, 2]}).mode == "static"
    assert explore(Recorder(), {"n": [1, 2]}, mode="live").mode == "live"
    monkeypatch.setenv(MODE_ENV, "live")
    assert explore(Recorder(), {"n": [1, 2]}).mode == "live"


# --------------------------------------------------------------------------- static mode


def leaves(widget):
    """The frame images below a stack, in grid order."""
    if isinstance(widget, ipywidgets.Image):
        return [widget]
    return [leaf for child in widget.children for leaf in leaves(child)]


def stacks(widget):
    if isinstance(widget, ipywidgets.Image):
        return []
    return [widget] + [s for child in widget.children for s in stacks(child)]


def test_static_frames_and_links():
    plot = Recorder()
    grid = {"n": [10, 20, 50, 100], "scheme": ["replace", "accumulate", "fresh"]}
    w = explore(plot, grid, defaults={"n": 50}, mode="static")
    assert w.mode == "static"
    assert len(plot.calls) == 4 * 3  # the starting frame is drawn once
    assert list(w.frames) == [(n, s) for n in grid["n"] for s in grid["scheme"]]
    assert len(set(w.frames.values())) == 12  # every grid point its own picture
    assert [leaf.value for leaf in leaves(w.figure)] == list(w.frames.values())

    # One stack for control n, one per value of n for control scheme, each linked.
    all_stacks = stacks(w.figure)
    assert len(all_stacks) == 1 + 4 and len(w.links) == 1 + 4
    linked = {
        (id(link.source[0]), link.source[1], id(link.target[0]), link.target[1]) for link in w.links
    }
    expected = {(id(w.controls["n"]), "index", id(w.figure), "selected_index")}
    expected |= {
        (id(w.controls["scheme"]), "index", id(s), "selected_index") for s in w.figure.children
    }
    assert linked == expected

    # The visible frame is the starting one, and it follows the controls as jslink would.
    def visible():
        node = w.figure
        while not isinstance(node, ipywidgets.Image):
            node = node.children[node.selected_index]
        return node.value

    assert visible() == w.frames[(50, "replace")]
    w.controls["n"].index, w.controls["scheme"].index = 0, 2
    for stack in all_stacks:
        control = w.controls["n"] if stack is w.figure else w.controls["scheme"]
        stack.selected_index = control.index
    assert visible() == w.frames[(10, "fresh")]


def test_static_single_control_and_three_controls():
    w = explore(Recorder(), {"n": [1, 2, 3]}, mode="static")
    assert len(w.frames) == 3 and len(w.links) == 1 and len(leaves(w.figure)) == 3
    w = explore(Recorder(), {"a": [1, 2], "b": [1, 2, 3], "c": ["x", "y"]}, mode="static")
    assert len(w.frames) == 12 and len(leaves(w.figure)) == 12
    assert len(w.links) == len(stacks(w.figure)) == 1 + 2 + 2 * 3


def test_static_display_shows_a_picture_first():
    """Without JavaScript the reader sees the starting frame (a <noscript> image)."""
    InteractiveShell.instance()
    w = explore(Recorder(), {"n": [1, 2, 3]}, defaults={"n": 3}, mode="static")
    with capture_output() as captured:
        display(w)
    html, view = (o.data for o in captured.outputs)
    assert "<noscript>" in html["text/html"]
    src = html["text/html"].split("base64,")[1].split('"')[0]
    assert base64.b64decode(src) == w.frames[(3,)]
    # a printed edition shows the same frame with its starting values
    assert base64.b64decode(html["image/png"]) == w.frames[(3,)]
    assert html["text/plain"] == "Explorer at its starting values: n = 3."
    titled = explore(
        Recorder(),
        {"n": [0.5, 1, 2], "scheme": ["replace", "accumulate"]},
        title="Walk",
        mode="static",
    )
    with capture_output() as captured:
        display(titled)
    assert captured.outputs[0].data["text/plain"] == (
        "Explorer 'Walk' at its starting values: n = 1, scheme = replace."
    )
    assert view["application/vnd.jupyter.widget-view+json"]["model_id"] == w.model_id

    live = explore(Recorder(), {"n": [1, 2, 3]}, mode="live")
    with capture_output() as captured:
        display(live)
    assert [list(o.data) for o in captured.outputs] == [
        ["text/plain", "application/vnd.jupyter.widget-view+json"]
    ]


def test_static_bytes_per_frame():
    """Size of typical frames (reported): the page budget fits about a hundred."""
    w = explore(
        exact_variance_plot,
        {"n": [5, 10, 20, 50, 100, 200], "estimator": ["mle", "unbiased"]},
        mode="static",
    )
    sizes = [widgets._embedded_size(png) for png in w.frames.values()]
    used = widgets._page_budget.used
    assert used == sum(sizes) + widgets._embedded_size(w._first_frame())
    print(
        f"\nstatic frame: mean {np.mean(sizes) / 1e3:.1f} kB, max {max(sizes) / 1e3:.1f} kB "
        f"(base64); {len(sizes)} frames embed {used / 1e6:.2f} MB; the "
        f"{widgets.PAGE_BUDGET_BYTES / 1e6:.1f} MB budget fits about "
        f"{widgets.PAGE_BUDGET_BYTES // max(sizes)} such frames per page"
    )


def test_static_refuses_grids_over_the_page_budget():
    calls = Recorder()
    with pytest.raises(ValueError, match=r"static explorer too large: 2500 frames \(a=50 x b=50\)"):
        explore(calls, {"a": range(50), "b": range(50)}, mode="static")
    assert len(calls.calls) == 1  # refused from the first frame, before drawing the grid


def test_page_budget_is_shared_by_the_explorers_of_a_page(monkeypatch):
    plot = Recorder()
    one = explore(plot, {"n": [1, 2, 3, 4]}, mode="static")
    used = widgets._page_budget.used
    assert used > 0
    monkeypatch.setattr(widgets._page_budget, "limit", int(1.5 * used))
    with pytest.raises(ValueError, match="page has"):
        explore(plot, {"n": [1, 2, 3, 4]}, mode="static")
    assert widgets._page_budget.used == used
    assert explore(plot, {"n": [1, 2, 3, 4]}, mode="live").mode == "live"  # live costs nothing
    assert one.frames


def test_plot_errors_propagate():
    def broken(fig, n):
        raise RuntimeError(f"cannot draw n={n}")

    for mode in ("live", "static"):
        with pytest.raises(RuntimeError, match="cannot draw n=2"):
            explore(broken, {"n": [1, 2, 3]}, mode=mode)


# --------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    "controls, kwargs, error, match",
    [
        ([("n", [1, 2])], {}, TypeError, "controls must be a dict"),
        ({}, {}, ValueError, "controls must name at least one control"),
        ({"n": 5}, {}, TypeError, r"controls\['n'\] must be a sequence"),
        ({"n": "abc"}, {}, TypeError, r"controls\['n'\] must be a sequence"),
        ({"n": {1, 2}}, {}, TypeError, r"controls\['n'\] must be a sequence"),
        ({"n": []}, {}, ValueError, r"controls\['n'\] is empty"),
        ({"n": np.zeros((2, 2))}, {}, ValueError, r"controls\['n'\] must be one-dimensional"),
        ({"n": [1, "a"]}, {}, TypeError, r"controls\['n'\] must hold only real numbers"),
        ({"n": [True, False]}, {}, TypeError, r"controls\['n'\] must hold only real numbers"),
        ({"n": [1, None]}, {}, TypeError, r"controls\['n'\] must hold only real numbers"),
        ({"n": [1.0, math.nan]}, {}, ValueError, r"controls\['n'\] .* non-finite"),
        ({"n": [3, 2, 1]}, {}, ValueError, r"controls\['n'\] .* strictly increasing"),
        ({"n": [1, 1]}, {}, ValueError, r"controls\['n'\] .* strictly increasing"),
        ({"s": ["a", "a"]}, {}, ValueError, r"controls\['s'\] .* repeats a value"),
        ({"sample size": [1]}, {}, ValueError, "control names must be Python identifiers"),
        (
            {"n": [1, 2]},
            {"defaults": {"m": 1}},
            ValueError,
            r"defaults names \['m'\], which controls does not hold",
        ),
        ({"n": [1, 2]}, {"defaults": {"n": 3}}, ValueError, r"defaults\['n'\] = 3 is not one of"),
        (
            {"s": ["a"]},
            {"defaults": {"s": "b"}},
            ValueError,
            r"defaults\['s'\] = 'b' is not one of",
        ),
        ({"n": [1, 2]}, {"defaults": [1]}, TypeError, "defaults must be a mapping"),
        ({"n": [1, 2]}, {"mode": "html"}, ValueError, "mode must be one of"),
        ({"n": [1, 2]}, {"figsize": 7}, TypeError, "figsize must be a pair"),
        ({"n": [1, 2]}, {"figsize": (7, 0)}, ValueError, "figsize must be two positive"),
        ({"n": [1, 2]}, {"title": "Variance $\\sigma^2$"}, ValueError, "title .* contains TeX"),
        ({"n": [1, 2]}, {"description": 3}, TypeError, "description must be a str"),
    ],
)
def test_bad_input(controls, kwargs, error, match):
    with pytest.raises(error, match=match):
        explore(Recorder(), controls, **kwargs)


def test_plot_must_be_callable():
    with pytest.raises(TypeError, match="plot must be callable"):
        explore("plot", {"n": [1, 2]})


def test_title_and_description_are_plain_text():
    w = explore(Recorder(), {"n": [1]}, title="Variance <b>", description="a & b", mode="live")
    texts = [c.value for c in w.children if isinstance(c, ipywidgets.HTML)]
    assert texts == ["<p><strong>Variance &lt;b&gt;</strong></p>", "<p><span>a &amp; b</span></p>"]


# --------------------------------------------------------------------------- in a kernel


def test_live_in_a_kernel():
    """A frontend moving the slider makes the kernel send a new PNG (real kernel, comm messages)."""
    from jupyter_client.manager import start_new_kernel

    km, kc = start_new_kernel(kernel_name="python3")
    opened = []
    try:
        reply = kc.execute_interactive(
            "from collapse_lib.widgets import explore\n"
            "def plot(fig, n):\n"
            "    fig.add_subplot().plot([0, 1], [0, n])\n"
            "w = explore(plot, {'n': [1, 2, 3]})\n"
            "w",
            timeout=60,
            output_hook=lambda msg: opened.append(msg),
        )
        assert reply["content"]["status"] == "ok"
        opens = [m for m in opened if m["msg_type"] == "comm_open"]
        models = {m["content"]["data"]["state"]["_model_name"]: m for m in opens}
        assert [m["content"]["data"]["state"]["_model_name"] for m in opens].count(
            "ImageModel"
        ) == 1  # live: one figure, redrawn
        slider = models["SelectionSliderModel"]["content"]["comm_id"]
        image = models["ImageModel"]
        first = bytes(image["buffers"][0])

        start = time.perf_counter()
        kc.shell_channel.send(
            kc.session.msg(
                "comm_msg",
                {
                    "comm_id": slider,
                    "data": {"method": "update", "state": {"index": 0}, "buffer_paths": []},
                },
            )
        )
        while True:
            msg = kc.get_iopub_msg(timeout=30)
            if (
                msg["msg_type"] == "comm_msg"
                and msg["content"]["comm_id"] == image["content"]["comm_id"]
                and msg["content"]["data"]["buffer_paths"] == [["value"]]
            ):
                break
        elapsed = time.perf_counter() - start
        assert png_size(first) == png_size(bytes(msg["buffers"][0])) == (7 * DPI, 4 * DPI)
        assert bytes(msg["buffers"][0]) != first
        print(f"\nkernel round trip for one update: {1e3 * elapsed:.0f} ms")
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


def test_live_redraws_reuse_the_layout_but_never_clip_tick_labels():
    """Live updates skip the layout engine while tick labels keep their lengths, and
    run it again when they change, so no axes decoration leaves the figure."""
    import numpy as np

    figures = []

    def plot(fig, decades):
        figures.append(fig)
        ax = fig.add_subplot()
        ax.semilogy(np.arange(10), np.logspace(0, -decades, 10))
        ax.set_ylabel("value")

    ex = explore(plot, {"decades": [1, 2, 150]}, defaults={"decades": 1}, mode="live")
    fig = figures[-1]
    first = fig.axes[0].get_position().bounds
    ex.controls["decades"].value = 2  # labels 10^0 .. 10^-2: same lengths
    assert fig.axes[0].get_position().bounds == first
    ex.controls["decades"].value = 150  # 10^-150: longer labels, the layout runs again
    renderer = fig.canvas.get_renderer()
    box = fig.axes[0].get_tightbbox(renderer)
    assert box.x0 >= -1 and box.y0 >= -1
    assert box.x1 <= fig.bbox.x1 + 1 and box.y1 <= fig.bbox.y1 + 1
