"""Figure helpers: what they draw (shapes, labels, colours) and how they reject bad input."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.colors import to_hex

from collapse_lib import plotting as pl


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture
def data():
    rng = np.random.default_rng(np.random.SeedSequence(12))
    g = np.arange(0, 41, 2)
    return g, np.cumsum(rng.standard_normal((200, g.size)), axis=1)


def test_fan_chart_draws_median_bands_and_theory(data):
    g, v = data
    ax = pl.fan_chart(g, v, theory=np.zeros(g.size), label="mean", ylabel=r"$\mu_t$")
    median, theory = ax.lines
    np.testing.assert_allclose(median.get_ydata(), np.median(v, axis=0))
    np.testing.assert_array_equal(median.get_xdata(), g)
    assert theory.get_linestyle() == "--" and np.all(theory.get_ydata() == 0)
    assert len(ax.collections) == 2  # (0.05, 0.95) and (0.25, 0.75)
    outer = ax.collections[0].get_paths()[0].vertices[:, 1]
    q05, q95 = np.quantile(v, [0.05, 0.95], axis=0)
    assert np.isclose(outer.min(), q05.min()) and np.isclose(outer.max(), q95.max())
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == ["mean", "0.05–0.95 quantiles", "0.25–0.75 quantiles", "theory"]
    assert ax.get_xlabel() == "generation $t$" and ax.get_ylabel() == r"$\mu_t$"
    fig = ax.figure
    assert fig.get_facecolor()[:3] == (1.0, 1.0, 1.0) and fig.patch.get_alpha() == 1.0


def test_fan_chart_theory_callable_log_color_and_existing_axes(data):
    g, v = data
    _fig, ax = plt.subplots()
    out = pl.fan_chart(
        g,
        np.exp(v / 10),
        theory=lambda x: 1.0 + 0 * x,
        ax=ax,
        color=pl.PALETTE["green"],
        log=True,
        quantiles=(0.1, 0.9),
    )
    assert out is ax and ax.get_yscale() == "log"
    assert to_hex(ax.lines[0].get_color()) == pl.PALETTE["green"].lower()
    assert len(ax.collections) == 1
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["theory"]


def test_fan_chart_single_replicate_and_no_legend():
    ax = pl.fan_chart([0, 1, 2], [1.0, 0.5, 0.25])
    assert ax.get_legend() is None
    assert ax.lines[0].get_ydata().tolist() == [1.0, 0.5, 0.25]


@pytest.mark.parametrize(
    "kwargs, exc, word",
    [
        ({"rounds": [0, 1, 2], "values": np.ones((4, 2))}, ValueError, "values"),
        ({"rounds": [0, 1.5], "values": np.ones((4, 2))}, TypeError, "rounds"),
        ({"rounds": [], "values": np.ones((4, 0))}, ValueError, "rounds"),
        ({"rounds": [0, 1], "values": [[1.0, np.nan]]}, ValueError, "values"),
        ({"rounds": [0, 1], "values": np.ones((2, 2, 2))}, ValueError, "values"),
        ({"rounds": [0, 1], "values": "ab"}, TypeError, "values"),
        (
            {"rounds": [0, 1], "values": np.ones((3, 2)), "quantiles": (0.9, 0.1)},
            ValueError,
            "quantiles",
        ),
        (
            {"rounds": [0, 1], "values": np.ones((3, 2)), "quantiles": (0.0, 0.5)},
            ValueError,
            "quantiles",
        ),
        ({"rounds": [0, 1], "values": np.ones((3, 2)), "theory": [1.0]}, ValueError, "theory"),
        ({"rounds": [0, 1], "values": np.ones((3, 2)), "ax": "axes"}, TypeError, "ax"),
    ],
)
def test_fan_chart_bad_input(kwargs, exc, word):
    with pytest.raises(exc, match=word):
        pl.fan_chart(**kwargs)


def test_sample_paths(data):
    g, v = data
    ax = pl.sample_paths(g, v, n=5, label="paths", color=pl.PALETTE["blue"])
    assert len(ax.lines) == 5
    for line, path in zip(ax.lines, v[:5]):
        np.testing.assert_array_equal(line.get_ydata(), path)
        assert to_hex(line.get_color()) == pl.PALETTE["blue"].lower()
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["paths"]
    ax2 = pl.sample_paths(g, v[:3], n=50)
    assert len(ax2.lines) == 3 and len({line.get_color() for line in ax2.lines}) == 1
    with pytest.raises(ValueError, match="n"):
        pl.sample_paths(g, v, n=0)
    with pytest.raises(TypeError, match="n"):
        pl.sample_paths(g, v, n=2.0)


def test_empirical_survival_with_censoring():
    t, s = pl.empirical_survival([0, 1, 1, 3, -1], horizon=5)
    assert t.tolist() == [0, 1, 2, 3, 4, 5]
    np.testing.assert_allclose(s, [0.8, 0.4, 0.4, 0.2, 0.2, 0.2])
    t, s = pl.empirical_survival(np.array([[2, -1], [4, 1]]))
    assert t[-1] == 4 and s[-1] == 0.25
    t, s = pl.empirical_survival([-1, -1])
    assert t.tolist() == [0, 1] and s.tolist() == [1.0, 1.0]
    t, s = pl.empirical_survival([5, 9], horizon=3)  # events after the horizon
    assert s.tolist() == [1.0] * 4


@pytest.mark.parametrize(
    "times, horizon, exc, word",
    [
        ([-2, 3], None, ValueError, "times"),
        ([1.5], None, TypeError, "times"),
        ([], None, ValueError, "times"),
        ([1, 2], -1, ValueError, "horizon"),
        ([1, 2], 2.0, TypeError, "horizon"),
    ],
)
def test_empirical_survival_bad_input(times, horizon, exc, word):
    with pytest.raises(exc, match=word):
        pl.empirical_survival(times, horizon)


def test_survival_curve_with_theory():
    times = np.array([0, 1, 2, 2, -1])
    ax = pl.survival_curve(
        times, horizon=4, theory=lambda t: 0.5 ** (t + 1), label="runs", color=pl.PALETTE["orange"]
    )
    step, theory = ax.lines
    assert step.get_drawstyle() == "steps-post"
    np.testing.assert_allclose(step.get_ydata(), [0.8, 0.6, 0.2, 0.2, 0.2])
    np.testing.assert_allclose(theory.get_ydata(), 0.5 ** np.arange(1, 6))
    assert ax.get_ylabel() == "$P(T > t)$" and ax.get_ylim()[0] == 0.0
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["runs", "theory"]
    with pytest.raises(ValueError, match="theory"):
        pl.survival_curve(times, horizon=4, theory=[0.5, 0.25])
    assert pl.survival_curve(times, log=True).get_yscale() == "log"


def test_book_style_is_colour_blind_safe_and_opaque():
    style = pl.book_style()
    assert style["savefig.transparent"] is False
    assert style["figure.facecolor"] == style["savefig.facecolor"] == "white"
    colors = style["axes.prop_cycle"].by_key()["color"]
    assert colors == list(pl.PALETTE.values()) and len(set(colors)) == 7
    with matplotlib.rc_context():
        pl.use_book_style()
        assert matplotlib.rcParams["savefig.transparent"] is False
        _fig, ax = plt.subplots()
        (line,) = ax.plot([0, 1])
        assert to_hex(line.get_color()) == pl.PALETTE["blue"].lower()
