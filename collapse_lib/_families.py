r"""The base class of the model families: what a family supplies to the engine.

The recursive loop itself -- draws from the truth or the current fit, the schemes
``"replace"`` and ``"accumulate"``, the fresh fraction -- lives once, in
:func:`collapse_lib.simulate`. A family describes only what is particular to its model.
The families of the library live in their own private modules (``_gaussian``,
``_discrete``, ``_categorical``, ``_multivariate``, ``_spike``).
"""

from __future__ import annotations

from abc import ABC, abstractmethod

import numpy as np

#: The variance estimators of the Gaussian families (divisor N or N - 1).
_ESTIMATORS = ("mle", "unbiased")


class Family(ABC):
    r"""Base class of the model families: how to write one.

    A family holds the truth :math:`\theta^*` and the estimator, and tells
    :func:`collapse_lib.simulate` how to draw a batch of new observations, summarise it
    by *statistics*, pool two sets of statistics and fit the model from them. The engine
    owns the recursive loop and calls these hooks; for every replicate and round
    :math:`t` it does

    .. code-block:: text

        batch  = stats of n_t draws, each from the truth w.p. fresh, else from fit_{t-1}
                 (round 1: the family's fixed real data, if it has some)
        pooled = batch                       (scheme="replace")
                 combine(pooled, batch)      (scheme="accumulate")
        fit_t  = _fit(pooled)                (or _fit(pooled, fit_{t-1}), see below)

    With a fresh fraction :math:`\varepsilon > 0` the engine splits the batch: it draws
    :math:`k \sim \mathrm{Bin}(n_t, \varepsilon)` for every replicate, asks for the
    statistics of :math:`k` draws from the truth and of :math:`n_t - k` draws from the
    current fit, and combines them (or, with ``method="exact"``, draws all :math:`n_t`
    from the mixture when the family says how to form it, see ``_mix``).

    Everything works on a *block* of ``B`` replicates at once. A *fit* is a dict of
    arrays whose first axis is the replicate (it may hold more than the recorded
    parameters, e.g. a Cholesky factor); *statistics* are whatever the family chooses
    (a dict of arrays): counts and sums for exponential families, the sorted
    observations themselves for a family whose estimator needs every observation
    (combine = merge).

    **What a family defines.** Required:

    ``params`` (tuple of str)
        The recorded parameters; by default also the names of the constructor's
        arguments holding the truth (attributes of the instance).
    ``_sample(fit, size, rng)``
        Statistics of ``size`` observations actually drawn from ``fit``.
    ``_combine(a, b)``
        Statistics of the union of two batches.
    ``_fit(stats)``
        The estimator: a fit from statistics.

    Optional:

    ``truth()``, ``_initial(B)``, ``_param_shapes()``
        The truth :math:`\theta^*` as recorded at round 0, the truth as the fit of ``B``
        replicates, and the shape of each parameter per replicate (by default: the
        attributes named in ``params``, repeated ``B`` times, and their shapes).
    ``_draw(fit, size, rng)``
        The same statistics drawn from their exact distribution (enables
        ``method="exact"``; ``_has_exact(scheme, fresh)`` says for which settings).
    ``_mix(fit, truth, fresh)``
        The fit whose distribution is the fresh-fraction mixture, if the model is closed
        under mixing (one draw instead of a split).
    ``_first_batch(B)``
        The statistics of round 1 when the real data are a fixed data set (a corpus)
        rather than draws from the truth: the same for every replicate. ``None`` (the
        default) draws round 1 like every other round.
    ``_fit_uses_previous`` (bool, default False)
        When True the engine calls ``_fit(stats, previous)`` with the previous round's
        fit, for an estimator whose ties are broken towards the previous estimate.
    ``_fast(scheme, fresh, exact)``, ``_run_fast(...)``
        A path that handles every round at once for some settings.
    ``_new_records(B)``, ``_track(records, t, fit)``
        Per-replicate records kept at every round whatever is recorded (e.g. the round
        at which a category dies), returned as ``run.records``. By convention a record
        is a round index, -1 where the event has not happened.
    ``_record(fit)``, ``_min_size()``, ``_state_bytes()``, ``_extra_bytes(scheme, total)``
        What is recorded from a fit, the smallest batch the estimator accepts, and
        memory estimates.

    ``size`` is an int when every replicate draws the same number of observations and an
    int array of shape ``(B,)`` (entries may be 0) when the engine splits a batch for a
    fresh fraction. Random numbers come from ``rng``, whose streams are named by
    ``_roles``. ``rng.batch(role, distribution, size, tail=(), **params)`` yields the
    observations of a batch piece by piece, as ``(x, keep)`` with ``x`` of shape
    ``(rows, B) + tail`` and ``keep`` the mask of the observations that belong to each
    replicate's batch (None when ``size`` is an int);
    ``rng.draw(role, distribution, lead=(), tail=(), per_rep={...}, **params)`` draws
    variates of shape ``lead + (B,) + tail`` (``per_rep`` parameters carry the replicate
    axis); ``rng.size`` is ``B``. Every chunk of replicates draws from its own streams,
    so results do not depend on the block size. The engine draws the fresh split from
    the role ``"fresh"`` (appended to ``_roles`` when a family does not list it).

    Examples
    --------
    A complete family: the exponential distribution with rate :math:`\lambda`, refitted
    by maximum likelihood :math:`\hat\lambda = N / \sum_i x_i`. Its statistics are the
    count and the sum; the exact sum of ``n`` draws is Gamma(n, 1/λ).

    >>> import numpy as np
    >>> import collapse_lib as cl
    >>> class Exponential(cl.Family):
    ...     params = ("lam",)
    ...     _roles = ("exponential", "gamma")
    ...     def __init__(self, lam=1.0):
    ...         self.lam = lam
    ...     def _sample(self, fit, size, rng):
    ...         total = np.zeros(rng.size)
    ...         for x, keep in rng.batch("exponential", "standard_exponential", size):
    ...             total += (x if keep is None else x * keep).sum(axis=0)
    ...         return {"count": size, "total": total / fit["lam"]}
    ...     def _draw(self, fit, size, rng):
    ...         shape = np.broadcast_to(size, fit["lam"].shape)
    ...         g = rng.draw("gamma", "standard_gamma", per_rep={"shape": shape})
    ...         return {"count": size, "total": g / fit["lam"]}
    ...     def _combine(self, a, b):
    ...         return {"count": a["count"] + b["count"], "total": a["total"] + b["total"]}
    ...     def _fit(self, stats):
    ...         return {"lam": stats["count"] / stats["total"]}
    >>> run = cl.simulate(Exponential(2.0), generations=50, sizes=20, replicates=4000,
    ...                   scheme="accumulate", fresh=0.1, seed=1)
    >>> run["lam"].shape
    (4000, 51)
    >>> bool(abs(np.median(run["lam"][:, -1]) - 2.0) < 0.1)
    True

    ``tests/test_simulate.py`` checks this family's exact and sampled paths against each
    other and against its closed form.
    """

    #: names of the recorded parameters
    params: tuple[str, ...] = ()
    #: names of the random streams the family draws from (see the class docstring)
    _roles: tuple[str, ...] = ()
    #: whether :meth:`_fit` takes the previous round's fit as its second argument
    _fit_uses_previous: bool = False

    # -- the truth ----------------------------------------------------------------------
    def truth(self) -> dict[str, np.ndarray]:
        r"""The true parameter :math:`\theta_0 = \theta^*`.

        By default the constructor's arguments named in ``params`` (the vocabulary of
        the library: the truth has the names of the constructor's arguments).

        Returns
        -------
        dict
            ``name -> value`` for every recorded parameter (``params``), as recorded at
            round 0 of every run: a float or an array.

        Examples
        --------
        >>> import collapse_lib as cl
        >>> float(cl.Poisson(2.5).truth()["lam"])
        2.5
        >>> cl.Categorical([0.25, 0.75]).truth()["probs"].tolist()
        [0.25, 0.75]
        """
        return {name: np.array(getattr(self, name), dtype=float)[()] for name in self.params}

    def _initial(self, B: int) -> dict:
        """The truth as the fit of ``B`` replicates (round 0 of every replicate); by
        default :meth:`truth` repeated along a leading replicate axis."""
        return {
            name: np.repeat(np.asarray(value)[None], B, axis=0)
            for name, value in self.truth().items()
        }

    # -- required ----------------------------------------------------------------------
    @abstractmethod
    def _sample(self, fit: dict, size, rng) -> dict:
        """Statistics of ``size`` observations actually drawn from ``fit``."""

    @abstractmethod
    def _combine(self, a: dict, b: dict) -> dict:
        """Statistics of the union of the batches summarised by ``a`` and ``b``."""

    @abstractmethod
    def _fit(self, stats: dict) -> dict:
        """The estimator: the fit of every replicate from its statistics."""

    # -- optional ----------------------------------------------------------------------
    def _draw(self, fit: dict, size, rng) -> dict:
        """Statistics of ``size`` draws from ``fit``, drawn from their exact distribution."""
        raise NotImplementedError(f"{type(self).__name__} has no exact draw")

    def _has_exact(self, scheme: str, fresh: float) -> bool:
        """Whether ``method="exact"`` is available for these settings."""
        return type(self)._draw is not Family._draw

    def _mix(self, fit: dict, truth: dict, fresh: float) -> dict | None:
        """The fit of the mixture ``fresh * p_truth + (1 - fresh) * p_fit``, or None when
        the model is not closed under mixing (the engine then splits the batch)."""
        return None

    def _first_batch(self, B: int) -> dict | None:
        """Statistics of round 1 for ``B`` replicates when the real data are fixed (a
        corpus); None draws round 1 from the truth like every other round."""
        return None

    def _fast(self, scheme: str, fresh: float, exact: bool) -> bool:
        """Whether :meth:`_run_fast` handles these settings."""
        return False

    def _run_fast(self, fit, sizes, rng, scheme, records, recorded, sink) -> None:
        """Run every round at once: call ``sink(t, fit_t)`` for each ``t`` in
        ``recorded(a, b)`` (the recorded rounds among ``a .. b``) and keep ``records``."""
        raise NotImplementedError(f"{type(self).__name__} has no fast path")

    def _new_records(self, B: int) -> dict[str, np.ndarray]:
        """Per-replicate records at round 0 (none by default)."""
        return {}

    def _track(self, records: dict, t: int, fit: dict) -> None:  # noqa: B027 (optional hook)
        """Update ``records`` in place after round ``t`` produced ``fit``."""

    def _record(self, fit: dict) -> dict[str, np.ndarray]:
        """The recorded parameters of a fit (default: the entries named in ``params``)."""
        return {name: fit[name] for name in self.params}

    def _param_shapes(self) -> dict[str, tuple[int, ...]]:
        return {name: np.shape(value) for name, value in self.truth().items()}

    def _min_size(self) -> int:
        """The smallest number of observations the estimator accepts in a round."""
        return 1

    def _state_bytes(self) -> int:
        """Working memory per replicate, in bytes, of the state and one round's temporaries."""
        return 64 * (1 + sum(int(np.prod(s)) for s in self._param_shapes().values()))

    def _extra_bytes(self, scheme: str, total: int) -> int:
        """Bytes per replicate kept besides the recorded parameters (``total`` = sum of n_t)."""
        return 0
