"""Explorers: a figure driven by controls, alive in a kernel and in the static book.

An explorer shows the figure drawn by ``plot(fig, **values)`` for the values chosen
with its controls (a slider over the listed numbers, or toggle buttons over the
listed strings). It works in two modes:

``"live"``
    In a running kernel (JupyterLab, classic notebook) every change of a control
    shows the frame of the new values in one ``Image`` widget. A frame costs ``plot``
    itself, one matplotlib draw and a 64-colour PNG encoding; frames are kept by
    their tuple of values, and a background thread draws the rest of the grid
    ahead of the reader, nearest to the current values first, so a move usually
    costs only the widget messages (one each way). Sliders report a value when
    released (``continuous_update=False``), so dragging does not queue up redraws.
``"static"``
    In the built HTML book there is no kernel. The explorer then draws one frame
    per point of the control grid :math:`V_1 \\times \\dots \\times V_k` up front
    (:math:`\\prod_j |V_j|` frames) and stores them in nested ``Stack`` widgets.
    Level :math:`j` of the nesting holds the :math:`|V_j|` alternatives for
    control :math:`j`, and every stack of that level is ``jslink``-ed from the
    control's ``index`` to its ``selected_index``. Moving a control therefore
    switches frames inside the browser, from the saved widget state alone (the
    HTML widget manager needs no server). A page holds at most
    :data:`PAGE_BUDGET_BYTES` of explorer frames; larger grids are refused.

``mode="auto"`` picks ``"static"`` when the environment variable
:data:`MODE_ENV` equals ``"static"`` (the book build sets it, see
``collapse_lib.sphinxext``) and ``"live"`` otherwise.
"""

from __future__ import annotations

import base64
import io
import itertools
import math
import numbers
import os
import threading
from collections.abc import Callable, Mapping, Sequence

import ipywidgets
import numpy as np
from IPython.display import display
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import NullLocator
from PIL import Image

from ._validate import _check_keys

__all__ = ["DPI", "MODE_ENV", "PAGE_BUDGET_BYTES", "Explorer", "explore"]

#: Environment variable that selects the mode of ``explore(..., mode="auto")``.
MODE_ENV = "COLLAPSE_LIB_EXPLORER"
#: Bytes of explorer frames (as embedded in the page, base64) allowed per page: with
#: the rest of the page (about 0.1-0.3 MB of HTML) a page stays under 5 MB.
PAGE_BUDGET_BYTES = 4_500_000
#: Resolution of the frames in dots per inch: a (7, 4) figure is 560 x 320 pixels.
DPI = 80

_MODES = ("auto", "live", "static")
_PALETTE_COLORS = 64
#: Frames a live explorer draws ahead of the reader (the whole grid if it is smaller).
_PREFETCH_FRAMES = 200
_TEX_MARKERS = ("$", "\\(", "\\[")


class _PageBudget:
    """Explorer bytes already embedded in the current page.

    The book build runs one kernel per page, so the process is the page.
    """

    def __init__(self, limit: int):
        self.limit = limit
        self.used = 0

    @property
    def remaining(self) -> int:
        return self.limit - self.used


_page_budget = _PageBudget(PAGE_BUDGET_BYTES)


class _Control:
    """One validated control: its name, grid of values and starting index."""

    def __init__(self, name, values, default):
        self.name = name
        self.values = values
        self.is_number = not isinstance(values[0], str)
        self.index = (
            self._index_of(default)
            if default is not None
            else (len(values) // 2 if self.is_number else 0)
        )

    def _index_of(self, value):
        """Index of ``value`` in the grid; numbers match the nearest value within 1e-9."""
        if self.is_number and isinstance(value, numbers.Real) and not isinstance(value, bool):
            nearest = min(range(len(self.values)), key=lambda i: abs(self.values[i] - value))
            if math.isclose(self.values[nearest], value, rel_tol=1e-9, abs_tol=0.0):
                return nearest
        elif not self.is_number and value in self.values:
            return self.values.index(value)
        raise ValueError(
            f"defaults[{self.name!r}] = {value!r} is not one of the values of "
            f"controls[{self.name!r}] = {list(self.values)!r}"
        )

    def labels(self):
        """Slider labels: ``%.6g`` for numbers, falling back to ``repr`` if they collide."""
        labels = [str(v) if isinstance(v, numbers.Integral) else f"{v:.6g}" for v in self.values]
        if len(set(labels)) < len(labels):
            labels = [repr(v.item() if isinstance(v, np.generic) else v) for v in self.values]
        return labels

    def widget(self, continuous_update: bool):
        """A ``SelectionSlider`` over the numbers, or ``ToggleButtons`` over the strings."""
        if self.is_number:
            control = ipywidgets.SelectionSlider(
                options=list(zip(self.labels(), self.values)),
                index=self.index,
                description=self.name,
                continuous_update=continuous_update,
                style={"description_width": "initial"},
                layout=ipywidgets.Layout(width="min(100%, 30rem)"),
            )
        else:
            control = ipywidgets.ToggleButtons(
                options=list(self.values),
                index=self.index,
                description=self.name,
                style={"description_width": "initial", "button_width": "auto"},
            )
        control.add_class("collapse-explorer-control")
        return control


class Explorer(ipywidgets.VBox):
    """The widget returned by :func:`explore`.

    Attributes
    ----------
    mode : {"live", "static"}
        How the figure follows the controls.
    controls : dict of str to ipywidgets.Widget
        The control of each name, in the order given to :func:`explore`.
    figure : ipywidgets.Image or ipywidgets.Stack
        The figure area: the redrawn ``Image`` (live) or the outer ``Stack`` of
        frames (static).
    frames : dict of tuple to bytes
        Static mode: the PNG frame of every grid point, keyed by the tuple of
        values in control order. Empty in live mode.
    links : tuple of ipywidgets.Link
        Static mode: the ``jslink`` from each control to each stack of its level.
    title : str or None
        The title given to :func:`explore`.

    Examples
    --------
    >>> from collapse_lib.widgets import explore
    >>> explorer = explore(lambda fig, n: fig.add_subplot().plot(range(n)), {"n": [2, 3]},
    ...                    mode="live")
    >>> type(explorer).__name__, list(explorer.controls), explorer.frames
    ('Explorer', ['n'], {})
    """

    def __init__(self, mode, controls, figure, frames, links, header, title=None):
        super().__init__(children=[*header, *controls.values(), figure])
        self.add_class("collapse-explorer")
        self.mode = mode
        self.controls = controls
        self.figure = figure
        self.frames = frames
        self.links = tuple(links)
        self.title = title

    def _ipython_display_(self):
        # In the static book a reader without JavaScript sees the first frame; a printed
        # edition shows it too, with its description (see collapse_lib.sphinxext).
        if self.frames:
            display(_static_frame_bundle(self), raw=True)
        display(self._repr_mimebundle_(), raw=True)
        # live: once a reader sees the explorer, draw the frames of its next moves
        if getattr(self, "_live", None) is not None:
            self._live.prefetch()

    def _first_frame(self):
        return self.frames[tuple(c.value for c in self.controls.values())]


def explore(
    plot: Callable,
    controls: Mapping,
    *,
    defaults: Mapping | None = None,
    title: str | None = None,
    description: str | None = None,
    figsize: tuple[float, float] = (7, 4),
    mode: str = "auto",
) -> Explorer:
    """An explorer: the figure ``plot`` draws, driven by one control per parameter.

    Parameters
    ----------
    plot : callable
        ``plot(fig, **values)`` draws into the matplotlib ``Figure`` ``fig`` (cleared
        before each call; constrained layout) for one value of each control.
    controls : mapping of str to sequence
        ``name -> values``. Real numbers (strictly increasing) give a slider over
        exactly those values; strings (distinct) give toggle buttons. Names are
        passed to ``plot`` as keyword arguments.
    defaults : mapping of str to value, optional
        Starting value per control (default: the middle number of a slider, the
        first string of toggle buttons).
    title, description : str, optional
        Plain text shown above the controls. TeX is refused: the static book
        cannot typeset math inside a widget, so put formulas in the prose.
    figsize : (float, float)
        Figure size in inches, drawn at :data:`DPI`.
    mode : {"auto", "live", "static"}
        ``"auto"`` is ``"static"`` when ``os.environ[MODE_ENV] == "static"`` and
        ``"live"`` otherwise (see the module docstring).

    Returns
    -------
    Explorer
        An ``ipywidgets.VBox``; display it as the last expression of a cell.

    Raises
    ------
    TypeError
        If ``plot`` is not callable or a control's values are not a sequence of
        real numbers or of strings.
    ValueError
        For an empty ``controls`` or control, unsorted or repeated values, an
        unknown default, a bad ``figsize`` or ``mode``, or, in static mode, a
        grid whose frames exceed the page budget.

    Examples
    --------
    A line whose slope follows a slider and whose style follows toggle buttons:

    >>> from collapse_lib.widgets import explore
    >>> def plot(fig, slope, style):
    ...     ax = fig.add_subplot()
    ...     ax.plot([0, 1], [0, slope], linestyle=style)
    >>> explorer = explore(plot, {"slope": [0.5, 1.0, 2.0], "style": ["-", ":"]},
    ...                    title="A line", mode="live")
    >>> explorer.mode, explorer.controls["slope"].value, explorer.controls["style"].value
    ('live', 1.0, '-')

    In the static book every combination of values is drawn once (3 x 2 frames):

    >>> static = explore(plot, {"slope": [0.5, 1.0, 2.0], "style": ["-", ":"]}, mode="static")
    >>> len(static.frames), sorted(static.frames)[0]
    (6, (0.5, '-'))
    """
    if not callable(plot):
        raise TypeError(f"plot must be callable as plot(fig, **values), got {plot!r}")
    if mode not in _MODES:
        raise ValueError(f"mode must be one of {_MODES}, got {mode!r}")
    if mode == "auto":
        mode = "static" if os.environ.get(MODE_ENV) == "static" else "live"
    specs = _validate_controls(controls, defaults)
    header = [
        _text_widget(title, "title", "strong"),
        _text_widget(description, "description", "span"),
    ]
    header = [w for w in header if w is not None]
    fig = Figure(figsize=_validate_figsize(figsize), dpi=DPI, layout="constrained")
    canvas = FigureCanvasAgg(fig)
    width, height = canvas.get_width_height()

    def draw(values):
        return _render_png(fig, canvas, plot, dict(zip((s.name for s in specs), values)))

    def image(png):
        return ipywidgets.Image(
            value=png,
            format="png",
            width=str(width),
            height=str(height),
            layout=ipywidgets.Layout(max_width="100%", height="auto"),
        )

    widgets = {s.name: s.widget(continuous_update=(mode == "static")) for s in specs}
    if mode == "live":
        live = _LiveFrames(specs, fig, canvas, plot)
        figure = image(live.frame(tuple(s.values[s.index] for s in specs)))

        def update(_change):
            figure.value = live.frame(tuple(w.value for w in widgets.values()))

        for w in widgets.values():
            w.observe(update, names="value")
        frames, links = {}, []
    else:
        frames = _static_frames(specs, draw)
        figure, links = _nested_stacks(specs, list(widgets.values()), frames, image)
    figure.add_class("collapse-explorer-figure")
    explorer = Explorer(mode, widgets, figure, frames, links, header, title)
    explorer._live = live if mode == "live" else None
    return explorer


class _CellActivity:
    """Whether the IPython shell is running a cell (set by its pre/post_run_cell events).

    Background drawing waits while a cell runs, so that drawing ahead never slows down
    the reader's own cells (a notebook run from the top draws ahead once it has finished).
    Outside IPython no cell ever runs.
    """

    def __init__(self):
        self.idle = threading.Event()
        self.idle.set()
        self._shell = None

    def watch(self):
        from IPython import get_ipython

        shell = get_ipython()
        if shell is None or shell is self._shell:
            return
        self._shell = shell
        shell.events.register("pre_run_cell", lambda *_: self.idle.clear())
        shell.events.register("post_run_cell", lambda *_: self.idle.set())
        if getattr(shell.displayhook, "exec_result", None) is not None:
            self.idle.clear()  # displayed from a running cell: busy until it ends


_cells = _CellActivity()


class _LiveFrames:
    """The frames of a live explorer: drawn when asked for, kept, and drawn ahead.

    A frame is keyed by the tuple of control values. ``frame(values)`` returns the kept
    frame or draws it at once. ``prefetch()`` (called when the explorer is displayed)
    starts a background thread that draws the other points of the grid, nearest to the
    last point asked for first (at most :data:`_PREFETCH_FRAMES`), while no cell runs
    (:class:`_CellActivity`), so that a reader's next move usually finds its frame ready
    and costs only the widget messages. One lock serialises every draw: there is
    one figure, and matplotlib is not thread-safe; a move that finds no frame waits for
    at most the one background draw under way.

    Later redraws reuse the axes positions the layout engine found for the first one, as
    long as no tick label got longer than it was then; otherwise the layout runs again.
    """

    def __init__(self, specs, fig, canvas, plot):
        self._specs = specs
        self._fig, self._canvas, self._plot = fig, canvas, plot
        self._names = [s.name for s in specs]
        self._lock = threading.Lock()
        self._frames = {}
        self._layout = {}
        self._last = tuple(s.values[s.index] for s in specs)
        self._thread = None

    def frame(self, values):
        """The PNG of the grid point ``values`` (a tuple in control order)."""
        self._last = values
        png = self._frames.get(values)
        if png is None:
            with self._lock:
                png = self._frames.get(values) or self._draw(values)
        return png

    def _draw(self, values):
        reuse = bool(self._layout)
        png = _render_png(
            self._fig,
            self._canvas,
            self._plot,
            dict(zip(self._names, values)),
            positions=self._layout["positions"] if reuse else None,
        )
        labels = _tick_label_lengths(self._fig)
        if reuse and not _fits(labels, self._layout["labels"]):
            self._layout.clear()
            return self._draw(values)
        if not reuse:
            self._layout.update(
                positions=[ax.get_position() for ax in self._fig.axes], labels=labels
            )
        self._frames[values] = png
        return png

    def prefetch(self):
        """Draw the rest of the grid in a background (daemon) thread, once."""
        if self._thread is None:
            _cells.watch()
            self._thread = threading.Thread(
                target=self._prefetch, name="explorer-prefetch", daemon=True
            )
            self._thread.start()

    def _prefetch(self):
        grid = list(itertools.product(*(s.values for s in self._specs)))
        index = [{v: i for i, v in enumerate(s.values)} for s in self._specs]

        def distance(point):
            return sum(abs(idx[a] - idx[b]) for idx, a, b in zip(index, point, self._last))

        while len(self._frames) < min(len(grid), _PREFETCH_FRAMES):
            todo = [p for p in grid if p not in self._frames]
            if not todo:
                return
            _cells.idle.wait()
            point = min(todo, key=distance)
            with self._lock:
                if point not in self._frames:
                    try:
                        self._draw(point)
                    except Exception:  # the reader sees the error when asking for it
                        return


def _validate_controls(controls, defaults):
    if not isinstance(controls, Mapping):
        raise TypeError(f"controls must be a dict name -> sequence of values, got {controls!r}")
    if not controls:
        raise ValueError("controls must name at least one control, got an empty dict")
    defaults = _check_keys("defaults", defaults, of="controls", allowed=controls)
    return [
        _Control(name, _validate_values(name, values), defaults.get(name))
        for name, values in controls.items()
    ]


def _validate_values(name, values):
    if not isinstance(name, str) or not name.isidentifier():
        raise ValueError(
            f"control names must be Python identifiers (they are passed to "
            f"plot as keywords), got {name!r}"
        )
    where = f"controls[{name!r}]"
    if isinstance(values, np.ndarray):
        if values.ndim != 1:
            raise ValueError(f"{where} must be one-dimensional, got shape {values.shape}")
        values = values.tolist()
    if isinstance(values, (str, bytes)) or not isinstance(values, Sequence):
        raise TypeError(
            f"{where} must be a sequence (list, tuple, range, 1-d array) of values, got {values!r}"
        )
    values = tuple(values)
    if not values:
        raise ValueError(f"{where} is empty; give at least one value")
    if all(isinstance(v, str) for v in values):
        if len(set(values)) < len(values):
            raise ValueError(f"{where} = {list(values)!r} repeats a value")
        return values
    if not all(isinstance(v, numbers.Real) and not isinstance(v, bool) for v in values):
        raise TypeError(
            f"{where} must hold only real numbers (a slider) or only strings "
            f"(toggle buttons), got {list(values)!r}"
        )
    if not all(math.isfinite(v) for v in values):
        raise ValueError(f"{where} = {list(values)!r} holds a non-finite number")
    if any(b <= a for a, b in itertools.pairwise(values)):
        raise ValueError(f"{where} = {list(values)!r} must be strictly increasing")
    return values


def _validate_figsize(figsize):
    try:
        w, h = (float(x) for x in figsize)
    except (TypeError, ValueError):
        raise TypeError(f"figsize must be a pair of numbers (inches), got {figsize!r}") from None
    if not (0 < w < 50 and 0 < h < 50):
        raise ValueError(f"figsize must be two positive sizes in inches below 50, got {figsize!r}")
    return w, h


def _text_widget(text, name, tag):
    if text is None:
        return None
    if not isinstance(text, str):
        raise TypeError(f"{name} must be a str or None, got {text!r}")
    if any(m in text for m in _TEX_MARKERS):
        raise ValueError(
            f"{name} = {text!r} contains TeX, which the static book cannot "
            f"typeset inside a widget; keep it plain text and put formulas in "
            f"the surrounding prose"
        )
    widget = ipywidgets.HTML(f"<p><{tag}>{_escape(text)}</{tag}></p>")
    widget.add_class(f"collapse-explorer-{name}")
    return widget


def _escape(text):
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _render_png(fig, canvas, plot, values, positions=None):
    """Draw ``plot(fig, **values)`` and encode it as a PNG with a 64-colour palette.

    ``positions`` (one bounding box per axes, from an earlier constrained-layout draw)
    places the axes directly instead of running the layout engine again, which saves
    about a third of a live redraw; if the figure has a different number of axes this
    time, the layout engine runs as usual.

    A palette keeps line plots sharp at about a quarter of the bytes of a
    true-colour PNG, which is what makes precomputed frames affordable. Log axes get
    no minor ticks (in live mode they would take most of the redraw time).
    """
    fig.clear()
    fig.set_layout_engine("none" if positions else "constrained")
    plot(fig, **values)
    if positions:
        if len(fig.axes) == len(positions):
            for ax, box in zip(fig.axes, positions):
                ax.set_position(box)
        else:
            fig.set_layout_engine("constrained")
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            if axis.get_scale() == "log":
                # minor log ticks cost most of a redraw and add little to a small figure
                axis.set_minor_locator(NullLocator())
    canvas.draw()
    rgb = Image.frombuffer("RGBA", canvas.get_width_height(), canvas.buffer_rgba()).convert("RGB")
    paletted = rgb.quantize(
        colors=_PALETTE_COLORS, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE
    )
    buffer = io.BytesIO()
    paletted.save(buffer, format="PNG")
    return buffer.getvalue()


def _tick_label_lengths(fig):
    """Longest tick label (in characters) on each axis of each axes, after a draw."""
    return [
        tuple(
            max((len(t.get_text()) for t in labels), default=0)
            for labels in (ax.get_xticklabels(), ax.get_yticklabels())
        )
        for ax in fig.axes
    ]


def _fits(labels, room):
    """Whether tick labels of these lengths fit where labels of lengths ``room`` did."""
    return len(labels) == len(room) and all(
        x <= rx and y <= ry for (x, y), (rx, ry) in zip(labels, room)
    )


def _embedded_size(png):
    """Bytes a PNG takes in the page: base64 in the widget state."""
    return 4 * math.ceil(len(png) / 3)


def _static_frames(specs, draw):
    """Draw every grid point, refusing grids that would exceed the page budget.

    The size is estimated from the starting frame before the others are drawn,
    and checked again on the actual frames. The starting frame counts twice: it
    is also the ``<noscript>`` picture.
    """
    start = tuple(s.index for s in specs)
    n_frames = math.prod(len(s.values) for s in specs)
    first = draw([s.values[i] for s, i in zip(specs, start)])
    _check_budget(specs, n_frames, (n_frames + 1) * _embedded_size(first), "estimated")
    frames = {}
    for point in itertools.product(*(range(len(s.values)) for s in specs)):
        values = tuple(s.values[i] for s, i in zip(specs, point))
        frames[values] = first if point == start else draw(values)
    total = sum(map(_embedded_size, frames.values())) + _embedded_size(first)
    _check_budget(specs, n_frames, total, "measured")
    _page_budget.used += total
    return frames


def _check_budget(specs, n_frames, total, how):
    if total <= _page_budget.remaining:
        return
    grid = " x ".join(f"{s.name}={len(s.values)}" for s in specs)
    raise ValueError(
        f"static explorer too large: {n_frames} frames ({grid}) take {how} "
        f"{total / 1e6:.2f} MB, and the page has {max(_page_budget.remaining, 0) / 1e6:.2f} MB "
        f"of its {_page_budget.limit / 1e6:.1f} MB explorer budget left "
        f"(about {total / n_frames / 1e3:.0f} kB per frame); use fewer values per control, "
        f"a smaller figsize, or a simpler figure"
    )


def _nested_stacks(specs, widgets, frames, image):
    """Nest one ``Stack`` level per control, ``jslink``-ed from that control.

    Returns the outer stack and the links. A stack at level ``j`` chooses among
    the values of control ``j``; its children are the stacks of level ``j + 1``
    (or, at the last level, the frame images).
    """
    links = []

    def level(j, prefix):
        if j == len(specs):
            return image(frames[prefix])
        children = [level(j + 1, (*prefix, v)) for v in specs[j].values]
        stack = ipywidgets.Stack(children, selected_index=specs[j].index)
        links.append(ipywidgets.jslink((widgets[j], "index"), (stack, "selected_index")))
        return stack

    return level(0, ()), links


def _static_frame_bundle(explorer):
    """The starting frame of a static explorer as an output for pages without widgets.

    ``text/html`` is the ``<noscript>`` picture of the web page; ``image/png`` and the
    ``text/plain`` description (title and starting values) are what a printed edition
    shows instead of the widgets.
    """
    png = explorer._first_frame()
    values = ", ".join(
        f"{name} = {getattr(control, 'label', None) or control.value}"
        for name, control in explorer.controls.items()
    )
    title = f" '{explorer.title}'" if explorer.title else ""
    return {
        "text/html": _noscript_html(png),
        "image/png": base64.b64encode(png).decode("ascii"),
        "text/plain": f"Explorer{title} at its starting values: {values}.",
    }


def _noscript_html(png):
    data = base64.b64encode(png).decode("ascii")
    return (
        f'<noscript><img class="collapse-explorer-noscript" '
        f'src="data:image/png;base64,{data}" alt="figure of the explorer at its starting '
        f'values"></noscript>'
    )
