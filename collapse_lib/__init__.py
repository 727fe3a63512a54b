r"""collapse_lib: exact, fast simulation and closed-form theory of model collapse.

Model collapse is what happens when a model is trained, round after round, on data
sampled from its own previous version. This package simulates that loop exactly for
the model families of the book (:func:`simulate`, :class:`Family`), states the closed
forms that describe it (:mod:`collapse_lib.theory`), offers sample-size schedules
(:mod:`collapse_lib.schedules`), the book's real data sets (:mod:`collapse_lib.data`),
its figures (:mod:`collapse_lib.plotting`) and explorers that keep working in a static
web page (:mod:`collapse_lib.widgets`).

``import collapse_lib`` loads only NumPy and SciPy; the modules ``plotting``,
``widgets``, ``data``, ``book`` and ``sweep`` (matplotlib, ipywidgets, IPython, PIL) are
imported on first use, e.g. at ``collapse_lib.plotting``.

.. rubric:: Vocabulary

The same name means the same thing everywhere in the library:

.. list-table::
   :header-rows: 1
   :widths: 22 78

   * - name
     - meaning
   * - ``t``
     - a round index: :math:`t = 0` is the truth :math:`\theta_0 = \theta^*`, :math:`t = 1`
       the fit on real data only, :math:`t \ge 2` fits on synthetic data. Functions
       evaluated at given rounds take ``t`` (a scalar or an array).
   * - ``generations``
     - the number of rounds :math:`G \ge 0`, always an int; a function returning a
       whole path returns an array over :math:`t = 0, \dots, G` (length :math:`G + 1`).
   * - ``sizes``
     - the sample-size schedule :math:`n_t`, :math:`t = 1, \dots, G`: an int
       (constant), a sequence of length ``generations``, a callable ``t -> n_t`` or a
       :class:`~collapse_lib.schedules.Schedule`.
   * - ``n``
     - one constant per-round size, only in functions that exist for a constant
       size only.
   * - ``scheme``
     - the data scheme, ``"replace"`` (train on the new round's data) or
       ``"accumulate"`` (on all data so far); always a keyword argument.
   * - ``fresh``
     - the fresh fraction :math:`\varepsilon \in [0, 1]`: each new observation comes
       from the truth with this probability.
   * - ``estimator``
     - ``"mle"`` or ``"unbiased"`` (the Gaussian variance divided by :math:`N` or
       :math:`N - 1`).
   * - truth parameters
     - the family constructors' argument names: :class:`Gaussian` ``(mu, sigma2)``,
       :class:`Bernoulli` ``(p)``, :class:`Poisson` ``(lam)``, :class:`Categorical`
       ``(probs)``, :class:`MultivariateGaussian` ``(mean, cov)``,
       :class:`SpikeUniform` ``(theta)``, :class:`PowerLaw` ``(theta)``,
       :class:`NGram` ``(sentences)``; theory
       functions take the truth under the same names.
   * - ``seed``
     - randomness: None, an int, a ``numpy.random.SeedSequence`` or a
       ``numpy.random.Generator`` (which contributes a child of its bit
       generator's seed sequence).
   * - ``replicates``
     - the number of independent runs.
   * - ``run.rounds``
     - the recorded round indices of a :class:`Run` (an int array), while
       ``run.generations`` is the int :math:`G` passed to :func:`simulate`.
   * - ``run.records``
     - per-replicate records a family keeps at every round, e.g. the round at which a
       category of a :class:`Categorical` dies.
"""

from __future__ import annotations

import importlib

from . import schedules, theory
from ._barzilai_shamir import BarzilaiShamirLadder, BarzilaiShamirSpike
from ._categorical import Categorical
from ._discrete import Bernoulli, Poisson
from ._empirical import empirical_resampling
from ._families import Family
from ._gaussian import Gaussian
from ._multivariate import MultivariateGaussian
from ._ngram import NGram
from ._power import PowerLaw
from ._rng import CHUNK
from ._run import Run
from ._simulate import simulate
from ._spike import SpikeUniform

#: Submodules imported on first access (they load matplotlib, ipywidgets, IPython, PIL).
_LAZY = ("book", "data", "plotting", "widgets")
#: Functions whose module is imported on first access: ``sweep`` needs xarray, Zarr, Dask.
_LAZY_FUNCTIONS = {"sweep": "._sweep"}

__all__ = [
    # the engine
    "simulate",
    "Run",
    "CHUNK",
    "empirical_resampling",
    # model families
    "Family",
    "Gaussian",
    "Bernoulli",
    "Poisson",
    "Categorical",
    "MultivariateGaussian",
    "SpikeUniform",
    "PowerLaw",
    "BarzilaiShamirLadder",
    "BarzilaiShamirSpike",
    "NGram",
    # modules
    "theory",
    "schedules",
    "data",
    "plotting",
    "widgets",
    "book",
    "sweep",
]

__version__ = "0.1.0"


def __getattr__(name: str):
    if name in _LAZY:
        return importlib.import_module(f"{__name__}.{name}")
    if name in _LAZY_FUNCTIONS:
        return getattr(importlib.import_module(_LAZY_FUNCTIONS[name], __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY) | set(_LAZY_FUNCTIONS))
