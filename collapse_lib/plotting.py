r"""The figures the book repeats, in one consistent style.

* :func:`fan_chart` — quantile bands of a parameter over the rounds, with an optional
  theory curve; :func:`quantile_lines` — exact quantile curves to compare with them;
* :func:`sample_paths` — a few individual trajectories;
* :func:`survival_curve` — the empirical :math:`P(T > t)` of a collapse time, with an
  optional theory curve (:func:`empirical_survival` gives the numbers);
* :func:`muller_plot`, :func:`atom_cloud`, :func:`rank_frequency` — the frequencies of a
  categorical model: stacked over the rounds, as discs in the plane, against their rank;
* :func:`spike_capture` — draws the observation that captured the MLE of a spike family
  (computed by :meth:`collapse_lib.SpikeUniform.first_capture`);
* :func:`use_book_style` — colour-blind-safe colours (Okabe and Ito's palette) on an
  opaque white figure, so that figures stay readable on a dark page.

Every helper draws on ``ax`` when given (else on a new figure) and returns the Axes.
Inputs follow :class:`collapse_lib.Run`: ``values`` has shape
``(replicates, len(rounds))``, e.g. ``run["sigma2"]`` with the recorded rounds
``run.rounds``.
"""

from __future__ import annotations

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
from cycler import cycler

from . import _spike
from ._spike import SpikeCapture
from ._validate import _as_int_array, _as_real_array, _check_int, _check_real

__all__ = [
    "PALETTE",
    "book_style",
    "use_book_style",
    "fan_chart",
    "quantile_lines",
    "sample_paths",
    "empirical_survival",
    "survival_curve",
    "muller_plot",
    "atom_cloud",
    "rank_frequency",
    "spike_capture",
]

#: Okabe–Ito colour-blind-safe palette (Okabe and Ito, 2008), black left out.
PALETTE = {
    "blue": "#0072B2",
    "orange": "#E69F00",
    "green": "#009E73",
    "vermillion": "#D55E00",
    "sky": "#56B4E9",
    "purple": "#CC79A7",
    "yellow": "#F0E442",
}

_THEORY_STYLE = {"color": "black", "linestyle": "--", "linewidth": 1.5}


def book_style() -> dict:
    """The book's matplotlib settings, as a dict for ``matplotlib.rcParams``.

    White, opaque figure and axes backgrounds (also when saved: ``savefig.transparent``
    is off), the Okabe–Ito colour cycle, light grid, no top/right spines.

    Returns
    -------
    dict
        ``rcParams`` name -> value.

    Examples
    --------
    Use it for one figure only, without changing the global settings:

    >>> import matplotlib as mpl
    >>> from collapse_lib.plotting import PALETTE, book_style
    >>> with mpl.rc_context(book_style()):
    ...     mpl.rcParams["axes.prop_cycle"].by_key()["color"][0] == PALETTE["blue"]
    True
    """
    return {
        "axes.prop_cycle": cycler(color=list(PALETTE.values())),
        "figure.facecolor": "white",
        "axes.facecolor": "white",
        "savefig.facecolor": "white",
        "savefig.transparent": False,
        "figure.figsize": (7.0, 4.0),
        "figure.dpi": 100,
        "font.size": 11,
        "axes.grid": True,
        "grid.color": "#dddddd",
        "grid.linewidth": 0.6,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "legend.frameon": False,
    }


def use_book_style() -> None:
    """Apply :func:`book_style` to ``matplotlib.rcParams`` for the rest of the session.

    The chapters get it from their setup line (importing :mod:`collapse_lib.book`).

    Returns
    -------
    None

    Examples
    --------
    >>> import matplotlib as mpl
    >>> from collapse_lib.plotting import use_book_style
    >>> with mpl.rc_context():  # restore the previous settings afterwards
    ...     use_book_style()
    ...     mpl.rcParams["savefig.transparent"]
    False
    """
    mpl.rcParams.update(book_style())


def _axes(ax):
    """``ax`` itself, or the Axes of a new opaque white figure."""
    if ax is None:
        fig, ax = plt.subplots()
        fig.patch.set_facecolor("white")
        fig.patch.set_alpha(1.0)
        return ax
    if not isinstance(ax, mpl.axes.Axes):
        raise TypeError(f"ax must be a matplotlib Axes or None, got {ax!r}")
    return ax


def _series(rounds, values):
    """Validate ``rounds`` (1-D ints) and ``values`` (2-D, one column per round)."""
    g = _as_int_array("rounds", rounds, minimum=0)
    if g.ndim != 1 or g.size == 0:
        raise ValueError(f"rounds must be a non-empty 1-D array, got shape {g.shape}")
    v = _as_real_array("values", values)
    if v.ndim == 1:
        v = v[None, :]
    if v.ndim != 2 or v.shape[1] != g.size:
        raise ValueError(
            f"values must have shape (replicates, {g.size}) to match rounds, got shape {v.shape}"
        )
    return g, v


def _theory_curve(theory, x):
    """Theory values at ``x``: from a callable, or an array of the same length."""
    y = theory(x) if callable(theory) else theory
    y = _as_real_array("theory", y)
    if y.shape != x.shape:
        raise ValueError(
            f"theory must give one value per point ({x.size}), got shape {y.shape}; "
            "index a full theory curve by run.rounds"
        )
    return y


def _finish(ax, xlabel, ylabel, log, legend):
    if log:
        ax.set_yscale("log")
        # collapse spans many decades: minor ticks add clutter and most of the drawing
        # time (which matters for explorers that redraw on every change)
        ax.yaxis.set_minor_locator(mpl.ticker.NullLocator())
    if xlabel and not ax.get_xlabel():
        ax.set_xlabel(xlabel)
    if ylabel:
        ax.set_ylabel(ylabel)
    if legend:
        ax.legend()
    return ax


def fan_chart(
    rounds,
    values,
    *,
    quantiles=(0.05, 0.25, 0.5, 0.75, 0.95),
    theory=None,
    theory_label="theory",
    ax=None,
    label=None,
    color=None,
    log=False,
    ylabel=None,
):
    r"""Quantile bands of ``values`` over the rounds, median line and optional theory.

    For each pair of quantiles symmetric in the list (outermost first) a band is
    shaded, darker towards the centre; the median across replicates is drawn as a line.

    Parameters
    ----------
    rounds : array_like of int
        Recorded rounds :math:`t`, 1-D (``run.rounds``).
    values : array_like
        Shape ``(replicates, len(rounds))`` (``run[name]``), finite; a 1-D array is
        a single replicate.
    quantiles : sequence of float, optional
        Increasing levels in :math:`(0, 1)`; ``q[i]`` and ``q[-1-i]`` bound band ``i``
        (a middle 0.5 only marks the median, which is always drawn).
    theory : array_like or callable, optional
        Theory curve at ``rounds`` (same length) or a function of the rounds, drawn
        dashed in black. A curve for every round ``0..G`` from :mod:`collapse_lib.theory`
        is aligned with ``curve[run.rounds]``.
    theory_label : str, optional
        Legend label of the theory curve.
    ax : matplotlib.axes.Axes, optional
    label : str, optional
        Legend label of the median line (the bands are labelled by their levels).
    color : str, optional
        Colour of line and bands (default: the next colour of the cycle).
    log : bool, optional
        Logarithmic y axis (values :math:`\le 0` are then not shown).
    ylabel : str, optional

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    Two hundred random walks over ten rounds, against their exact mean 0:

    >>> import matplotlib.pyplot as plt
    >>> import numpy as np
    >>> from collapse_lib.plotting import fan_chart
    >>> rounds = np.arange(11)
    >>> steps = np.random.default_rng(1).standard_normal((200, 10))
    >>> values = np.hstack([np.zeros((200, 1)), np.cumsum(steps, axis=1)])
    >>> ax = fan_chart(rounds, values, theory=np.zeros(11), label="median")
    >>> len(ax.collections)  # the 5-95 % and 25-75 % bands
    2
    >>> plt.close(ax.figure)
    """
    g, v = _series(rounds, values)
    q = _as_real_array("quantiles", quantiles, ndim=1)
    if q.size == 0 or np.any((q <= 0) | (q >= 1)) or np.any(np.diff(q) <= 0):
        raise ValueError(f"quantiles must be increasing levels in (0, 1), got {quantiles!r}")
    ax = _axes(ax)
    (line,) = ax.plot(g, np.median(v, axis=0), color=color, label=label, linewidth=2)
    band = np.quantile(v, q, axis=0)
    pairs = q.size // 2
    for i in range(pairs):
        ax.fill_between(
            g,
            band[i],
            band[-1 - i],
            color=line.get_color(),
            linewidth=0,
            alpha=0.15 + 0.15 * i / max(pairs - 1, 1),
            label=f"{q[i]:g}–{q[-1 - i]:g} quantiles" if label else None,
        )
    if theory is not None:
        ax.plot(g, _theory_curve(theory, g), label=theory_label, **_THEORY_STYLE)
    return _finish(ax, "generation $t$", ylabel, log, label is not None or theory is not None)


def sample_paths(
    rounds, values, *, n=20, ax=None, label=None, color=None, log=False, ylabel=None, alpha=0.6
):
    """Draw the first ``n`` replicate trajectories of ``values``.

    Parameters
    ----------
    rounds : array_like of int
        Recorded rounds, 1-D (``run.rounds``).
    values : array_like
        Shape ``(replicates, len(rounds))``, finite.
    n : int, optional
        Number of paths, :math:`\\ge 1` (fewer if there are fewer replicates). The first
        replicates are taken, so the choice is reproducible.
    ax, label, color, log, ylabel
        As in :func:`fan_chart`; ``label`` goes on the first path only.
    alpha : float, optional
        Opacity of the paths.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> import numpy as np
    >>> from collapse_lib.plotting import sample_paths
    >>> values = np.cumsum(np.random.default_rng(2).standard_normal((50, 11)), axis=1)
    >>> ax = sample_paths(np.arange(11), values, n=5, label="five replicates")
    >>> len(ax.lines)
    5
    >>> plt.close(ax.figure)
    """
    g, v = _series(rounds, values)
    n = _check_int("n", n, minimum=1)
    ax = _axes(ax)
    for i, path in enumerate(v[:n]):
        (line,) = ax.plot(
            g, path, color=color, alpha=alpha, linewidth=1, label=label if i == 0 else None
        )
        color = line.get_color()
    return _finish(ax, "generation $t$", ylabel, log, label is not None)


def empirical_survival(times, horizon=None):
    r"""Empirical survival function :math:`\hat S(t) = P(T > t)`, :math:`t = 0..\text{horizon}`.

    Parameters
    ----------
    times : array_like of int
        Event times (e.g. ``run.records["fixation_time"]`` of a Categorical run), any
        shape; ``-1`` means the event did not happen within the run, so it counts as
        :math:`T > t` for every :math:`t` shown.
    horizon : int, optional
        Last time shown; default the largest observed time (at least 1). Use the
        number of generations of the run to show censored cases up to the end.

    Returns
    -------
    t, survival : numpy.ndarray
        ``t = 0, 1, ..., horizon`` and the fraction of cases with :math:`T > t`.

    Examples
    --------
    Four runs: collapse at rounds 1, 3 and 3, and one that had not collapsed by the
    end (``-1``):

    >>> from collapse_lib.plotting import empirical_survival
    >>> t, survival = empirical_survival([1, 3, 3, -1], horizon=4)
    >>> t
    array([0, 1, 2, 3, 4])
    >>> survival
    array([1.  , 0.75, 0.75, 0.25, 0.25])
    """
    T = _as_int_array("times", times, minimum=-1).ravel()
    if T.size == 0:
        raise ValueError("times must contain at least one value, got an empty array")
    observed = T[T >= 0]
    if horizon is None:
        horizon = max(int(observed.max()) if observed.size else 0, 1)
    else:
        horizon = _check_int("horizon", horizon, minimum=0)
    t = np.arange(horizon + 1)
    ended = np.bincount(observed[observed <= horizon], minlength=horizon + 1)
    return t, 1.0 - np.cumsum(ended) / T.size


def survival_curve(
    times,
    *,
    horizon=None,
    theory=None,
    ax=None,
    label=None,
    color=None,
    log=False,
    ylabel=r"$P(T > t)$",
    theory_label="theory",
):
    """Step plot of the empirical survival function of event times, with optional theory.

    Parameters
    ----------
    times, horizon
        As in :func:`empirical_survival` (``-1`` = never within the run).
    theory : array_like or callable, optional
        :math:`P(T > t)` at ``t = 0..horizon`` (same length) or a function of ``t``.
    ax, label, color, log, ylabel, theory_label
        As in :func:`fan_chart`.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    Geometric collapse times with success probability 0.2 against their exact survival
    function :math:`0.8^t`:

    >>> import matplotlib.pyplot as plt
    >>> import numpy as np
    >>> from collapse_lib.plotting import survival_curve
    >>> times = np.random.default_rng(3).geometric(0.2, size=1000)
    >>> ax = survival_curve(times, horizon=30, theory=lambda t: 0.8**t, log=True)
    >>> len(ax.lines), ax.get_legend_handles_labels()[1]
    (2, ['theory'])
    >>> plt.close(ax.figure)
    """
    t, s = empirical_survival(times, horizon)
    ax = _axes(ax)
    ax.step(t, s, where="post", color=color, label=label, linewidth=2)
    if theory is not None:
        ax.plot(t, _theory_curve(theory, t), label=theory_label, **_THEORY_STYLE)
    ax.set_ylim(bottom=None if log else 0.0)
    return _finish(ax, "generation $t$", ylabel, log, label is not None or theory is not None)


def muller_plot(rounds, probs, *, ax=None, colors=None, labels=None, ylabel="frequency"):
    r"""Stacked frequencies of the categories of one replicate over the rounds.

    Draws the frequencies :math:`P_{t,1}, \dots, P_{t,K}` on top of each other, so
    each round's column fills :math:`[0, 1]`: a category that dies leaves a band
    of zero width, and total collapse is a single band filling the plot (the *Muller
    plot* of population genetics).

    Parameters
    ----------
    rounds : array_like of int
        Recorded rounds, 1-D (``run.rounds``).
    probs : array_like
        Shape ``(len(rounds), K)``, rows non-negative and summing to 1 (one
        replicate of ``run["probs"]``, e.g. ``run["probs"][0]``).
    ax : matplotlib.axes.Axes, optional
    colors : sequence of colours, optional
        One per category (default: the colour cycle, repeated).
    labels : sequence of str, optional
        One legend label per category (default: no legend).
    ylabel : str, optional

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    Three types, the last one dying at round 2:

    >>> import matplotlib.pyplot as plt
    >>> from collapse_lib.plotting import muller_plot
    >>> probs = [[0.5, 0.3, 0.2], [0.6, 0.3, 0.1], [0.7, 0.3, 0.0]]
    >>> ax = muller_plot([0, 1, 2], probs, labels=["a", "b", "c"])
    >>> len(ax.collections)  # one band per type
    3
    >>> plt.close(ax.figure)
    """
    g = _as_int_array("rounds", rounds, minimum=0)
    if g.ndim != 1 or g.size == 0:
        raise ValueError(f"rounds must be a non-empty 1-D array, got shape {g.shape}")
    p = _as_real_array("probs", probs)
    if p.ndim != 2 or p.shape[0] != g.size:
        raise ValueError(
            f"probs must have shape ({g.size}, K) to match rounds, got shape {p.shape}"
        )
    if np.any(p < 0) or not np.allclose(p.sum(axis=1), 1.0, atol=1e-9):
        raise ValueError("probs must have non-negative rows summing to 1")
    K = p.shape[1]
    for name, seq in (("colors", colors), ("labels", labels)):
        if seq is not None and len(seq) != K:
            raise ValueError(f"{name} must have one entry per category ({K}), got {len(seq)}")
    ax = _axes(ax)
    if colors is None:
        cycle = list(PALETTE.values())
        colors = [cycle[k % len(cycle)] for k in range(K)]
    ax.stackplot(g, p.T, colors=colors, labels=labels if labels is not None else (), linewidth=0)
    ax.set_xlim(g[0], g[-1])
    ax.set_ylim(0.0, 1.0)
    ax.grid(False)
    return _finish(ax, "generation $t$", ylabel, False, labels is not None)


def atom_cloud(points, weights, *, ax=None, colors=None, max_area=400.0, min_area=6.0, label=None):
    r"""A discrete law on the plane: each atom a disc whose area is proportional to its mass.

    Atoms of weight 0 are not drawn, so the picture of an empirical law under
    resampling thins out as atoms die and the survivors grow.

    Parameters
    ----------
    points : array_like
        Atom positions, shape ``(K, 2)``.
    weights : array_like
        Masses, shape ``(K,)``, non-negative (e.g. one generation of
        ``run["probs"]``); scaled so that mass 1 has area ``max_area``.
    ax : matplotlib.axes.Axes, optional
    colors : array_like, optional
        One colour per atom (``(K,)`` names or ``(K, 3|4)`` RGB(A)), e.g. to keep the
        colour of an atom's lineage across generations. Default: one colour.
    max_area : float, optional
        Marker area (points squared) of an atom of mass 1.
    min_area : float, optional
        Smallest area drawn, so that light atoms stay visible.
    label : str, optional
        Legend label.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    Four atoms, one of them dead (weight 0, not drawn):

    >>> import matplotlib.pyplot as plt
    >>> from collapse_lib.plotting import atom_cloud
    >>> points = [[0, 0], [1, 0], [0, 1], [1, 1]]
    >>> ax = atom_cloud(points, [0.5, 0.25, 0.25, 0.0])
    >>> len(ax.collections[0].get_offsets())
    3
    >>> plt.close(ax.figure)
    """
    xy = _as_real_array("points", points)
    if xy.ndim != 2 or xy.shape[1] != 2:
        raise ValueError(f"points must have shape (K, 2), got shape {xy.shape}")
    w = _as_real_array("weights", weights, ndim=1)
    if w.shape[0] != xy.shape[0]:
        raise ValueError(f"weights must have one entry per point ({xy.shape[0]}), got {w.shape[0]}")
    if np.any(w < 0):
        raise ValueError("weights must be non-negative")
    for name, value in (("max_area", max_area), ("min_area", min_area)):
        if not np.isfinite(value) or value <= 0:
            raise ValueError(f"{name} must be a positive number, got {value!r}")
    ax = _axes(ax)
    keep = w > 0
    c = None
    if colors is not None:
        c = np.asarray(colors)
        if c.shape[0] != w.shape[0]:
            raise ValueError(
                f"colors must have one entry per point ({w.shape[0]}), got {c.shape[0]}"
            )
        c = c[keep]
    ax.scatter(
        xy[keep, 0],
        xy[keep, 1],
        s=np.maximum(max_area * w[keep], min_area),
        c=c,
        alpha=0.75,
        edgecolors="black",
        linewidths=0.4,
        label=label,
    )
    ax.set_aspect("equal", adjustable="box")
    return _finish(ax, None, None, False, label is not None)


def spike_capture(capture, *, window=0.012, ax=None):
    r"""Draw the observation that captured the MLE of a spike family.

    Draws the result of :meth:`collapse_lib.SpikeUniform.first_capture`: for the training
    set of the capture round, the log-likelihood gain of placing the spike at each
    candidate :math:`\theta` relative to one observation at :math:`\theta^*`,
    :math:`\log\big(k(\theta)\lambda(\theta) / \lambda(\theta^*)\big)`: the background
    observations near :math:`\theta^*` (each alone in its spike, on the curve
    :math:`\log(\lambda(x)/\lambda(\theta^*)) \approx b(x - \theta^*)`), the true spike
    with its :math:`k` observations at height :math:`\log k`, the capture zone
    :math:`(x_c(k), 1]` and the captured observation, the maximiser.

    Parameters
    ----------
    capture : SpikeCapture
        What :meth:`collapse_lib.SpikeUniform.first_capture` returned.
    window : float, optional
        Width of the parameter range shown to the left of :math:`\theta^*`.
    ax : matplotlib.axes.Axes, optional

    Returns
    -------
    matplotlib.axes.Axes
        The Axes drawn on.

    Raises
    ------
    TypeError
        If ``capture`` is not the result of ``first_capture``.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> import collapse_lib as cl
    >>> capture = cl.SpikeUniform().first_capture(50, seed=21)
    >>> ax = cl.plotting.spike_capture(capture)
    >>> plt.close(ax.figure)
    """
    if not isinstance(capture, SpikeCapture):
        raise TypeError(
            f"capture must be the result of SpikeUniform.first_capture, got {capture!r}"
        )
    window = _check_real("window", window, low=0.0, low_open=True)
    family = capture.family
    const = family._constants
    star = family.theta
    ax = _axes(ax)
    log_ref = np.log(_spike._gain(star, **const))

    def rel(x):
        return np.log(_spike._gain(x, **const)) - log_ref

    lo = max(star - window, 0.0)
    grid = np.linspace(lo, 1.0, 400)
    ax.plot(
        grid, rel(grid), color=PALETTE["sky"], linewidth=1, label=r"one observation at $\theta$"
    )
    data = capture.data
    near = np.sort(data[(data >= lo) & (data <= 1.0) & (data != star)])
    ax.plot(
        near, rel(near), "o", color=PALETTE["blue"], markersize=4, label="background observations"
    )
    k_true = capture.k_true
    ax.plot(
        [star],
        [np.log(k_true)],
        "*",
        color=PALETTE["green"],
        markersize=14,
        label=rf"true spike: $k = {k_true}$ observations",
    )
    ax.axhline(np.log(k_true), color=PALETTE["green"], linewidth=1, linestyle=":")
    if capture.threshold < 1.0:
        ax.axvspan(
            capture.threshold, 1.0, color=PALETTE["vermillion"], alpha=0.12, label="capture zone"
        )
    ax.plot(
        [capture.theta],
        [rel(capture.theta)],
        "o",
        markersize=11,
        markerfacecolor="none",
        markeredgecolor=PALETTE["vermillion"],
        markeredgewidth=2,
        label=rf"captured: $\theta_{{{capture.round}}}$",
    )
    ax.set_xlim(lo, 1.0 + 0.02 * window)
    ax.set_xlabel(r"spike location $\theta$")
    ax.set_ylabel(r"$\log\,[k(\theta)\lambda(\theta)/\lambda(\theta^*)]$")
    ax.legend(loc="lower right", fontsize="small")
    return ax


def quantile_lines(
    rounds, curves, *, ax=None, label="exact quantiles", log=False, ylabel=None, color="black"
):
    r"""Theory quantiles over the rounds: one thin dashed line per level.

    The companion of :func:`fan_chart` when the theory gives whole quantile curves
    (e.g. :func:`collapse_lib.theory.log_variance_quantile`) rather than one mean curve:
    the simulated bands and the exact quantiles can then be compared level by level.

    Parameters
    ----------
    rounds : array_like of int
        Rounds, 1-D.
    curves : array_like
        Shape ``(levels, len(rounds))``: row ``i`` is the quantile of level
        ``q[i]`` at each round (exponentiate log-scale quantiles first).
    ax : matplotlib.axes.Axes, optional
    label : str or None, optional
        Legend label, put on the first line only.
    log, ylabel
        As in :func:`fan_chart`.
    color : str, optional

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    The 5 % and 95 % quantiles of a Gaussian random walk, :math:`\pm 1.645 \sqrt{t}`:

    >>> import matplotlib.pyplot as plt
    >>> import numpy as np
    >>> from collapse_lib.plotting import quantile_lines
    >>> t = np.arange(11)
    >>> ax = quantile_lines(t, np.vstack([-1.645 * np.sqrt(t), 1.645 * np.sqrt(t)]))
    >>> len(ax.lines), ax.get_legend_handles_labels()[1]
    (2, ['exact quantiles'])
    >>> plt.close(ax.figure)
    """
    g, v = _series(rounds, curves)
    ax = _axes(ax)
    for i, row in enumerate(v):
        ax.plot(
            g,
            row,
            color=color,
            linestyle=(0, (4, 2)),
            linewidth=1.1,
            label=label if i == 0 else None,
        )
    return _finish(ax, "generation $t$", ylabel, log, label is not None)


def rank_frequency(probs, *, ax=None, label=None, color=None, linestyle="-"):
    r"""Zipf plot: the positive probabilities of a categorical model against their rank.

    The probabilities are sorted in decreasing order and drawn against their rank
    :math:`1, 2, \dots` on logarithmic axes; categories of probability 0 are left out,
    so the curve of a model that has lost words ends early.

    Parameters
    ----------
    probs : array_like
        One probability vector, 1-D, non-negative, finite.
    ax : matplotlib.axes.Axes, optional
    label, color : str, optional
    linestyle : str, optional

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    A Zipf law over five words, one of them lost:

    >>> import matplotlib.pyplot as plt
    >>> from collapse_lib.plotting import rank_frequency
    >>> ax = rank_frequency([0.1, 0.4, 0.0, 0.2, 0.3])
    >>> ax.lines[0].get_ydata()
    array([0.4, 0.3, 0.2, 0.1])
    >>> plt.close(ax.figure)
    """
    p = _as_real_array("probs", probs, ndim=1)
    if np.any(p < 0):
        raise ValueError(f"probs must be non-negative, got {probs!r}")
    p = np.sort(p[p > 0])[::-1]
    ax = _axes(ax)
    ax.loglog(
        np.arange(1, p.size + 1), p, label=label, color=color, linestyle=linestyle, linewidth=1.6
    )
    ax.set_xlabel("rank")
    ax.set_ylabel("probability")
    if label is not None:
        ax.legend()
    return ax
