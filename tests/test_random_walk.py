"""Figure helper of the chapter on the random walk: exact quantile lines.

The closed forms of the chapter are tested in ``test_theory_gaussian_law.py`` and
``test_theory_gaussian_variance.py``.
"""

import numpy as np
import pytest

from collapse_lib import theory as th


def test_quantile_lines_draws_one_dashed_line_per_level():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from collapse_lib import plotting

    g = np.arange(0, 51, 5)
    curves = np.exp(
        th.log_variance_quantile(
            np.array([0.05, 0.5, 0.95])[:, None], g[None, :], n=20, estimator="mle"
        )
    )
    fig, ax = plt.subplots()
    out = plotting.quantile_lines(g, curves, ax=ax, log=True, ylabel="variance")
    assert out is ax and len(ax.lines) == 3 and ax.get_yscale() == "log"
    assert next(line.get_label() for line in ax.lines) == "exact quantiles"
    np.testing.assert_array_equal(ax.lines[1].get_ydata(), curves[1])
    with pytest.raises(ValueError, match="values"):
        plotting.quantile_lines(g, curves[:, :-1], ax=ax)
    plt.close(fig)
