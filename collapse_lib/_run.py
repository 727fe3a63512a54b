"""The result of :func:`collapse_lib.simulate`."""

from __future__ import annotations

import numpy as np

from ._validate import _check_real

_DEFAULT_Q = (0.05, 0.25, 0.5, 0.75, 0.95)


class Run:
    r"""Recorded parameters of a simulation, with the settings that produced them.

    ``run[name]`` is an array of shape ``(replicates, len(run.generations))`` -- plus a
    trailing axis for vector parameters (``"probs"``, ``"mean"``) -- holding the fitted
    parameter :math:`\theta_t` of every replicate at every recorded generation.

    Attributes
    ----------
    family : Family
        The model family (truth and estimator).
    generations : ndarray of int
        The recorded generation indices (0 is the truth).
    sizes : ndarray of int
        The schedule :math:`n_1, \dots, n_G`.
    seed : numpy.random.SeedSequence
        The root seed; ``simulate(..., seed=run.seed)`` reproduces the run.
    scheme, fresh, method : str, float, str
        Data scheme, fresh fraction :math:`\varepsilon`, and the method actually used
        (``"exact"`` or ``"samples"``).
    replicates, n_generations : int
    """

    def __init__(
        self,
        *,
        family,
        values,
        generations,
        sizes,
        seed,
        scheme,
        fresh,
        method,
        replicates,
        n_generations,
        extras,
    ):
        self.family = family
        self._values = values
        self.generations = generations
        self.sizes = sizes
        self.seed = seed
        self.scheme = scheme
        self.fresh = fresh
        self.method = method
        self.replicates = replicates
        self.n_generations = n_generations
        self._extras = extras

    # -- access -----------------------------------------------------------------------
    def __getitem__(self, name: str) -> np.ndarray:
        try:
            return self._values[name]
        except (KeyError, TypeError):
            raise KeyError(f"no parameter {name!r}; this run recorded {self.params}") from None

    @property
    def params(self) -> tuple[str, ...]:
        """Names of the recorded parameters."""
        return tuple(self._values)

    def _scalar(self, name: str) -> np.ndarray:
        arr = self[name]
        if arr.ndim != 2:
            raise ValueError(
                f"{name!r} is not a scalar parameter (shape {arr.shape[2:]} per "
                "replicate and generation); index a component first"
            )
        return arr

    # -- summaries ----------------------------------------------------------------------
    def quantiles(self, name: str, q=_DEFAULT_Q) -> np.ndarray:
        """Quantiles across replicates of a scalar parameter, per recorded generation.

        Returns an array of shape ``(len(q), len(generations))``.
        """
        q = np.asarray(q, dtype=float)
        if q.ndim != 1 or q.size == 0 or np.any((q < 0) | (q > 1)) or not np.all(np.isfinite(q)):
            raise ValueError(f"q must be a non-empty sequence of levels in [0, 1], got {q!r}")
        return np.quantile(self._scalar(name), q, axis=0)

    def first_passage(self, name: str, *, below=None, above=None) -> np.ndarray:
        """First recorded generation at which a scalar parameter is below (or above) a level.

        Exactly one of ``below`` / ``above`` is given. Returns an int array of length
        ``replicates``, with -1 for replicates that never cross. The answer is exact
        when every generation is recorded (``record="all"``); otherwise it is the first
        *recorded* generation past the level.
        """
        if (below is None) == (above is None):
            raise ValueError("give exactly one of below= and above=")
        arr = self._scalar(name)
        if below is not None:
            hit = arr < _check_real("below", below)
        else:
            hit = arr > _check_real("above", above)
        first = np.argmax(hit, axis=1)
        return np.where(hit.any(axis=1), self.generations[first], -1)

    def _categorical_extra(self, key: str) -> np.ndarray:
        if key not in self._extras:
            raise ValueError(
                f"{key} times are kept for Categorical runs only, not for {self.family!r}"
            )
        return self._extras[key]

    def extinction_times(self) -> np.ndarray:
        """First generation at which each category's fitted probability is 0.

        Categorical runs only; shape ``(replicates, K)``, -1 where the category never
        reached 0 (0 where it had probability 0 in the truth). Tracked at every
        generation whatever ``record`` is.
        """
        return self._categorical_extra("extinction")

    def fixation_times(self) -> np.ndarray:
        """First generation at which one category holds all the mass (total collapse).

        Categorical runs only; length ``replicates``, -1 where it never happened.
        """
        return self._categorical_extra("fixation")

    def summary(self) -> str:
        """A short text description: settings and the last generation's quantiles."""
        sz = self.sizes
        if sz.size == 0:
            sched = "no rounds"
        elif np.all(sz == sz[0]):
            sched = f"n_t = {sz[0]}"
        else:
            sched = f"n_t from {sz[0]} to {sz[-1]}"
        lines = [
            f"{self.family!r}: {self.n_generations} generations, {sched}, scheme={self.scheme}, "
            f"fresh={self.fresh:g}, {self.replicates} replicates, method={self.method}, "
            f"seed entropy={self.seed.entropy}",
        ]
        g = self.generations[-1]
        for name, arr in self._values.items():
            if arr.ndim == 2:
                q05, q50, q95 = np.quantile(arr[:, -1], (0.05, 0.5, 0.95))
                lines.append(
                    f"  {name} at generation {g}: median {q50:.4g}, "
                    f"90% of replicates in [{q05:.4g}, {q95:.4g}]"
                )
        if "fixation" in self._extras:
            fix = self._extras["fixation"]
            lines.append(
                f"  total collapse (one category left) in {np.mean(fix >= 0):.1%} of replicates"
            )
        return "\n".join(lines)

    def __repr__(self) -> str:
        return (
            f"Run({self.family!r}, generations={self.n_generations}, replicates="
            f"{self.replicates}, scheme={self.scheme!r}, fresh={self.fresh:g}, "
            f"method={self.method!r})"
        )
