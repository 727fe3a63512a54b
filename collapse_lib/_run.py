"""The result of :func:`collapse_lib.simulate`."""

from __future__ import annotations

from types import MappingProxyType

import numpy as np

from ._validate import _check_real

_DEFAULT_Q = (0.05, 0.25, 0.5, 0.75, 0.95)


class Run:
    r"""Recorded parameters of a simulation, with the settings that produced them.

    Made by :func:`collapse_lib.simulate`, not directly. ``run[name]`` is an array of
    shape ``(replicates, len(run.rounds))`` -- plus a trailing axis for vector
    parameters (``"probs"``, ``"mean"``) -- holding the fitted parameter
    :math:`\theta_t` of every replicate at every recorded round ``t``.

    Attributes
    ----------
    family : Family
        The model family (truth and estimator).
    rounds : ndarray of int
        The recorded round indices (0 is the truth).
    generations : int
        The number of rounds :math:`G` (as passed to :func:`~collapse_lib.simulate`).
    sizes : ndarray of int
        The schedule :math:`n_1, \dots, n_G`.
    seed : numpy.random.SeedSequence
        The root seed; ``simulate(..., seed=run.seed)`` reproduces the run.
    scheme : str
        The data scheme, ``"replace"`` or ``"accumulate"``.
    fresh : float
        The fresh fraction :math:`\varepsilon`.
    method : str
        The method actually used, ``"exact"`` or ``"samples"``.
    replicates : int
        The number of independent runs.
    records : mapping of str to ndarray
        Per-replicate records the family keeps at every round, whatever is recorded:
        round indices of events, -1 where the event did not happen by round
        :math:`G` (see each family's docstring, e.g. :class:`~collapse_lib.Categorical`);
        empty for families without records.

    Examples
    --------
    >>> import collapse_lib as cl
    >>> run = cl.simulate(cl.Poisson(2.0), generations=30, sizes=10, replicates=100,
    ...                   record=10, seed=1)
    >>> run
    Run(Poisson(lam=2.0), generations=30, replicates=100, scheme='replace', fresh=0, method='exact')
    >>> run.rounds.tolist(), run["lam"].shape
    ([0, 10, 20, 30], (100, 4))
    """

    def __init__(
        self,
        *,
        family,
        values,
        rounds,
        sizes,
        seed,
        scheme,
        fresh,
        method,
        replicates,
        generations,
        records,
    ):
        self.family = family
        self._values = values
        self.rounds = rounds
        self.generations = generations
        self.sizes = sizes
        self.seed = seed
        self.scheme = scheme
        self.fresh = fresh
        self.method = method
        self.replicates = replicates
        self.records = MappingProxyType(records)

    # -- access -----------------------------------------------------------------------
    def __getitem__(self, name: str) -> np.ndarray:
        try:
            return self._values[name]
        except (KeyError, TypeError):
            raise KeyError(f"no parameter {name!r}; this run recorded {self.params}") from None

    @property
    def params(self) -> tuple[str, ...]:
        """Names of the recorded parameters (the keys of ``run[name]``).

        Returns
        -------
        tuple of str
            The parameter names, in the family's order.

        Examples
        --------
        >>> import collapse_lib as cl
        >>> cl.simulate(cl.Gaussian(), generations=2, sizes=5, seed=0).params
        ('mu', 'sigma2', 'log_sigma2')
        """
        return tuple(self._values)

    def _scalar(self, name: str) -> np.ndarray:
        arr = self[name]
        if arr.ndim != 2:
            raise ValueError(
                f"name={name!r} is not a scalar parameter (shape {arr.shape[2:]} per "
                "replicate and round); index a component first"
            )
        return arr

    # -- summaries ----------------------------------------------------------------------
    def quantiles(self, name: str, q=_DEFAULT_Q) -> np.ndarray:
        """Quantiles across replicates of a scalar parameter, at every recorded round.

        Parameters
        ----------
        name : str
            A scalar recorded parameter, e.g. ``"sigma2"``.
        q : sequence of float, optional
            Levels in :math:`[0, 1]` (default 5, 25, 50, 75 and 95 %).

        Returns
        -------
        ndarray
            Shape ``(len(q), len(run.rounds))``.

        Examples
        --------
        >>> import collapse_lib as cl
        >>> run = cl.simulate(cl.Gaussian(), generations=50, sizes=10, replicates=500, seed=2)
        >>> band = run.quantiles("log_sigma2", q=(0.1, 0.9))
        >>> band.shape
        (2, 51)
        >>> bool(band[1, -1] - band[0, -1] > band[1, 1] - band[0, 1])  # the band widens
        True
        """
        q = np.asarray(q, dtype=float)
        if q.ndim != 1 or q.size == 0 or np.any((q < 0) | (q > 1)) or not np.all(np.isfinite(q)):
            raise ValueError(f"q must be a non-empty sequence of levels in [0, 1], got {q!r}")
        return np.quantile(self._scalar(name), q, axis=0)

    def first_passage(self, name: str, *, below=None, above=None) -> np.ndarray:
        """First recorded round at which a scalar parameter is below (or above) a level.

        Parameters
        ----------
        name : str
            A scalar recorded parameter.
        below, above : float
            The level; give exactly one of them.

        Returns
        -------
        ndarray of int
            Length ``replicates``: the first recorded round past the level, -1 for
            replicates that never cross. Exact when every round is recorded
            (``record="all"``).

        Examples
        --------
        >>> import collapse_lib as cl
        >>> run = cl.simulate(cl.Gaussian(), generations=200, sizes=5, replicates=300, seed=3)
        >>> hit = run.first_passage("sigma2", below=0.1)
        >>> bool((hit > 0).mean() > 0.5)  # most variances fall below 0.1 within 200 rounds
        True
        """
        if (below is None) == (above is None):
            raise ValueError(f"give exactly one of below= and above=, got {below=} and {above=}")
        arr = self._scalar(name)
        if below is not None:
            hit = arr < _check_real("below", below)
        else:
            hit = arr > _check_real("above", above)
        first = np.argmax(hit, axis=1)
        return np.where(hit.any(axis=1), self.rounds[first], -1)

    def summary(self) -> str:
        """A short text description: settings, last round's quantiles, records.

        Returns
        -------
        str
            One line of settings, one line per scalar parameter (median and 90 % range
            across replicates at the last recorded round), one line per record.

        Examples
        --------
        >>> import collapse_lib as cl
        >>> run = cl.simulate(cl.Categorical([0.5, 0.5]), generations=100, sizes=10,
        ...                   replicates=200, seed=4)
        >>> print(run.summary())  # doctest: +ELLIPSIS
        Categorical(K=2): 100 rounds, n_t = 10, scheme=replace, ...
          fixation_time: by round 100 in 100.0% of replicates
        """
        sz = self.sizes
        if sz.size == 0:
            sched = "no rounds"
        elif np.all(sz == sz[0]):
            sched = f"n_t = {sz[0]}"
        else:
            sched = f"n_t from {sz[0]} to {sz[-1]}"
        lines = [
            f"{self.family!r}: {self.generations} rounds, {sched}, scheme={self.scheme}, "
            f"fresh={self.fresh:g}, {self.replicates} replicates, method={self.method}, "
            f"seed entropy={self.seed.entropy}",
        ]
        t = self.rounds[-1]
        for name, arr in self._values.items():
            if arr.ndim == 2:
                q05, q50, q95 = np.quantile(arr[:, -1], (0.05, 0.5, 0.95))
                lines.append(
                    f"  {name} at round {t}: median {q50:.4g}, "
                    f"90% of replicates in [{q05:.4g}, {q95:.4g}]"
                )
        for name, times in self.records.items():
            share = np.mean(times >= 0)
            where = "replicates" if times.ndim == 1 else "entries"
            lines.append(f"  {name}: by round {self.generations} in {share:.1%} of {where}")
        return "\n".join(lines)

    def __repr__(self) -> str:
        return (
            f"Run({self.family!r}, generations={self.generations}, replicates="
            f"{self.replicates}, scheme={self.scheme!r}, fresh={self.fresh:g}, "
            f"method={self.method!r})"
        )
