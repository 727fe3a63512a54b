"""Figure helpers of the chapter "Persistent excitation or total collapse".

The closed forms of the chapter are tested in ``test_theory_wright_fisher.py``,
``test_theory_wright_fisher_fresh.py`` and ``test_theory_gaussian_variance.py``.
"""

import numpy as np
import pytest


def test_muller_plot_stacks_frequencies():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from collapse_lib import plotting as pl

    g = np.arange(4)
    p = np.array([[0.5, 0.3, 0.2], [0.6, 0.4, 0.0], [1.0, 0.0, 0.0], [1.0, 0.0, 0.0]])
    ax = pl.muller_plot(g, p, labels=["a", "b", "c"])
    assert len(ax.collections) == 3
    top = ax.collections[0].get_paths()[0].vertices[:, 1]
    assert top.max() == pytest.approx(1.0) and top.min() == pytest.approx(0.0)
    assert ax.get_ylim() == (0.0, 1.0) and ax.get_xlabel() == "generation $t$"
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["a", "b", "c"]
    with pytest.raises(ValueError, match="probs"):
        pl.muller_plot(g, p[:, :2])
    with pytest.raises(ValueError, match="probs"):
        pl.muller_plot(g, p[:3])
    with pytest.raises(ValueError, match="colors"):
        pl.muller_plot(g, p, colors=["red"])
    plt.close("all")


def test_atom_cloud_draws_live_atoms_with_area_by_mass():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from collapse_lib import plotting as pl

    xy = np.array([[0.0, 0.0], [1.0, 1.0], [2.0, 0.0], [3.0, 1.0]])
    w = np.array([0.5, 0.0, 0.49, 0.01])
    ax = pl.atom_cloud(xy, w, max_area=100.0, min_area=2.0, colors=["r", "g", "b", "k"])
    (coll,) = ax.collections
    np.testing.assert_allclose(coll.get_offsets(), xy[[0, 2, 3]])
    np.testing.assert_allclose(coll.get_sizes(), [50.0, 49.0, 2.0])
    with pytest.raises(ValueError, match="points"):
        pl.atom_cloud(xy[:, :1], w)
    with pytest.raises(ValueError, match="weights"):
        pl.atom_cloud(xy, -w)
    with pytest.raises(ValueError, match="colors"):
        pl.atom_cloud(xy, w, colors=["r"])
    with pytest.raises(ValueError, match="max_area"):
        pl.atom_cloud(xy, w, max_area=0.0)
    plt.close("all")
