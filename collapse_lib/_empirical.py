r"""Empirical resampling from any truth, with a fresh fraction (private).

Borkar's recursive training with the *empirical* model, :math:`\nu_t = \hat\mu_t`, on a
sample space that need not be finite (a continuous truth, points in the plane): each of
the :math:`n` draws of round :math:`t` is fresh from the truth :math:`\mu_0` with
probability :math:`\varepsilon`, and otherwise a copy of an atom of round :math:`t - 1`
chosen uniformly at random. The state of a replicate is its :math:`n` atoms. For a
finite truth, :class:`collapse_lib.Categorical` with ``fresh`` runs the same chain on
counts.
"""

from __future__ import annotations

import numpy as np

from ._rng import _as_seed_sequence
from ._validate import _as_int_array, _check_int, _check_real


def _draws(truth, rng, size, name="truth"):
    """``truth(rng, size)`` as a float array whose shape starts with ``size``, or raise."""
    x = np.asarray(truth(rng, size), dtype=float)
    if x.shape[: len(size)] != tuple(size):
        raise ValueError(
            f"{name}(rng, size) must return an array whose shape starts with size={size}, "
            f"got shape {x.shape}"
        )
    if not np.all(np.isfinite(x)):
        raise ValueError(f"{name}(rng, size) returned values that are not finite")
    return x


def empirical_resampling(
    truth,
    *,
    n,
    generations,
    fresh=0.0,
    replicates=1,
    rounds=None,
    seed=None,
    max_bytes=2e9,
):
    r"""Simulate empirical resampling from a truth given by a sampler: the atoms of every round.

    Round 1 draws :math:`n` points from the truth :math:`\mu_0`, so :math:`\nu_1` is the
    empirical law of a real sample. In each round :math:`t \ge 2`, draw :math:`i` is,
    independently, a fresh point from :math:`\mu_0` with probability
    :math:`\varepsilon` (``fresh``) and otherwise a copy of atom :math:`J_{t,i}` of round
    :math:`t - 1`, with :math:`J_{t,i}` uniform on :math:`\{1, \dots, n\}`: given the past,
    the draws are i.i.d. from :math:`\varepsilon\mu_0 + (1-\varepsilon)\nu_{t-1}`, which
    is the loop of the Borkar chapter with :math:`\nu_t = \hat\mu_t`. Cost
    :math:`O(G \cdot n \cdot \text{replicates})`.

    Parameters
    ----------
    truth : callable
        ``truth(rng, size)`` returns independent draws from :math:`\mu_0` as an array of
        shape ``size + tail`` (``tail`` is ``()`` for points on the line, ``(d,)`` in
        dimension :math:`d`), with ``rng`` a ``numpy.random.Generator`` and ``size`` a
        tuple.
    n : int
        Draws per round (atoms of :math:`\nu_t`), :math:`n \ge 1`.
    generations : int
        Number of rounds :math:`G \ge 1`.
    fresh : float
        Fresh fraction :math:`\varepsilon \in [0, 1]`; 0 is pure resampling (collapse).
    replicates : int
        Number of independent runs.
    rounds : int or sequence of int, optional
        The rounds :math:`1 \le t \le G` whose atoms are returned (default: the last).
    seed : None, int, numpy.random.SeedSequence or numpy.random.Generator
        Root of the random stream; the same seed gives the same atoms.
    max_bytes : float
        Refuse (before allocating) a result larger than this many bytes.

    Returns
    -------
    numpy.ndarray
        Shape ``(replicates, len(rounds), n) + tail``: the atoms of :math:`\nu_t`
        for each requested round, each atom of mass :math:`1/n`.

    See Also
    --------
    collapse_lib.theory.wf_fresh_tv_bound : how fast the chain forgets its start.

    References
    ----------
    Borkar (2025) [borkar2025] for the chain; this sampler, which carries the parent
    choices explicitly, is ours.

    Examples
    --------
    A standard Gaussian truth, 20 atoms, 10 % fresh draws; atoms of rounds 1 and 50:

    >>> import numpy as np
    >>> import collapse_lib as cl
    >>> atoms = cl.empirical_resampling(lambda rng, size: rng.standard_normal(size),
    ...                                 n=20, generations=50, fresh=0.1, replicates=3,
    ...                                 rounds=[1, 50], seed=1)
    >>> atoms.shape
    (3, 2, 20)
    >>> int(np.unique(atoms[0, 1]).size) < 20  # copies: fewer distinct atoms than draws
    True
    """
    if not callable(truth):
        raise TypeError(f"truth must be a callable truth(rng, size), got {truth!r}")
    n = _check_int("n", n, minimum=1)
    generations = _check_int("generations", generations, minimum=1)
    eps = _check_real("fresh", fresh, low=0.0, high=1.0)
    replicates = _check_int("replicates", replicates, minimum=1)
    max_bytes = _check_real("max_bytes", max_bytes, low=0.0, low_open=True)
    if rounds is None:
        rounds = [generations]
    keep = _as_int_array("rounds", rounds, minimum=1).ravel()
    if keep.size == 0 or keep.max() > generations:
        raise ValueError(f"rounds must be between 1 and generations={generations}, got {rounds!r}")
    rng = np.random.default_rng(_as_seed_sequence(seed))
    probe = _draws(truth, rng, (1,))  # the shape of one point, before the big allocations
    width = int(np.prod(probe.shape[1:], dtype=np.int64))
    needed = 8.0 * replicates * n * width * (keep.size + 3)
    if needed > max_bytes:
        raise ValueError(
            f"replicates={replicates}, n={n} and rounds={rounds!r} need about "
            f"{needed / 1e9:.3g} GB, more than max_bytes={max_bytes:.3g}"
        )
    out = np.empty((replicates, keep.size, n, *probe.shape[1:]))
    rows = np.arange(replicates)[:, None]
    x = _draws(truth, rng, (replicates, n))
    for t in range(1, generations + 1):
        if t > 1:
            x = x[rows, rng.integers(n, size=(replicates, n))]
            if eps > 0:
                new = rng.random((replicates, n)) < eps
                x[new] = _draws(truth, rng, (int(new.sum()),))
        for j in np.flatnonzero(keep == t):
            out[:, j] = x
    return out
