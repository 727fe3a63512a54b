"""collapse_lib: exact, fast simulation and closed-form theory of model collapse.

Model collapse is what happens when a model is trained, round after round, on data
sampled from its own previous version. This package simulates that loop exactly for
the model families of the book (:func:`simulate`), states the closed forms that
describe it (:mod:`collapse_lib.theory`), offers sample-size schedules
(:mod:`collapse_lib.schedules`), the book's real data sets (:mod:`collapse_lib.data`),
its figures (:mod:`collapse_lib.plotting`) and explorers that keep working in a static
web page (:mod:`collapse_lib.widgets`).

Notation follows the book: generation 0 is the truth :math:`\\theta_0`, round
:math:`t` draws :math:`n_t` new samples, the data scheme is ``"replace"`` or
``"accumulate"`` and ``fresh`` is the fraction :math:`\\varepsilon` of real data.
"""

from . import data, plotting, schedules, theory, widgets
from ._families import (
    Bernoulli,
    Categorical,
    Family,
    Gaussian,
    MultivariateGaussian,
    Poisson,
    SpikeUniform,
)
from ._rng import CHUNK
from ._run import Run
from ._simulate import simulate

__all__ = [
    "CHUNK",
    "Bernoulli",
    "Categorical",
    "Family",
    "Gaussian",
    "MultivariateGaussian",
    "Poisson",
    "Run",
    "SpikeUniform",
    "data",
    "plotting",
    "schedules",
    "simulate",
    "sweep",
    "theory",
    "widgets",
]

__version__ = "0.1.0"


def __getattr__(name):
    # collapse_lib.sweep (xarray, Zarr, Dask) is imported on first use only
    if name == "sweep":
        import importlib

        return importlib.import_module(".sweep", __name__)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
