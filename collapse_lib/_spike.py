r"""A non-smooth family in which accumulating data does not prevent collapse.

Barzilai and Shamir (2025, *When models don't collapse: on the consistency of
iterative MLE*, arXiv:2505.19046) prove that iterative maximum likelihood with
accumulating data stays close to the truth under smoothness assumptions, and that
consistency of the MLE alone is not enough: they build families that mix a uniform
density with a very narrow uniform *spike* whose width shrinks extremely fast in a
parameter, so that one sample in the right place captures the MLE. The family below is
**our own construction in that spirit** (not the one of the paper); its properties are
proved here and checked numerically in ``tests/test_spike.py``.

The family
----------
Fix a spike weight :math:`\alpha \in (0, 1)`, a log-width at the origin
:math:`\omega_0 > 0` and a rate :math:`b > 0`. For :math:`\theta \in \Theta = [0, 1]`
let

.. math::

    \omega(\theta) = \omega_0 e^{b\theta}, \qquad
    w(\theta) = e^{-\omega(\theta)}, \qquad
    S_\theta = [\theta, \theta + w(\theta)],

    p_\theta(x) = \frac{1 - \alpha}{2}\, \mathbf 1_{[0, 2]}(x)
                 + \frac{\alpha}{w(\theta)}\, \mathbf 1_{S_\theta}(x).

A draw is, with probability :math:`1 - \alpha`, uniform on :math:`[0, 2]` (the
*background*), and otherwise uniform on the spike :math:`S_\theta`, which always lies
inside :math:`[0, 2]`. The width is doubly exponential in :math:`\theta`: with the
defaults (:data:`WEIGHT`, :data:`OMEGA0`, :data:`RATE`), :math:`w(0) = 10^{-4}` and
:math:`\log w(1) \approx -9 \cdot 10^{304}`. We require

.. math:: b\, \omega_0 e^{-\omega_0} \le 1,
   :label: spike-slope

which gives :math:`|w'(\theta)| = b\,\omega(\theta) e^{-\omega(\theta)} \le 1`
(because :math:`\omega \ge \omega_0 \ge 1` and :math:`u e^{-u}` decreases for
:math:`u \ge 1`), so the right end :math:`r(\theta) = \theta + w(\theta)` of the spike is
non-decreasing. Write :math:`c = 2\alpha / (1 - \alpha)` and

.. math:: \lambda(\theta) = \log\bigl(1 + c\, e^{\omega(\theta)}\bigr),

the log-likelihood gained by a point that lies in the spike; :math:`\lambda` is
strictly increasing. For data :math:`x_1, \dots, x_N \in [0, 2]`,

.. math::

    \ell(\theta) = N \log\frac{1 - \alpha}{2} + k(\theta)\, \lambda(\theta), \qquad
    k(\theta) = \#\{i : x_i \in S_\theta\}.

Exact MLE
---------
**Claim.** :math:`\ell` attains its maximum on the finite set
:math:`C = \{x_i : x_i \le 1\} \cup \{1\}`.

*Proof.* Take :math:`\theta \in \Theta`. If :math:`k(\theta) = 0`,
:math:`\ell(\theta) = N\log\frac{1-\alpha}{2} \le \ell(\theta')` for every
:math:`\theta'`. Otherwise let :math:`m` be the smallest data point in
:math:`S_\theta` and :math:`\theta' = \min(m, 1) \ge \theta`. Every point of
:math:`S_\theta` lies in :math:`[m, r(\theta)] \subseteq [\theta', r(\theta')]` (as
:math:`m \ge \theta' \ge \theta` and :math:`r` is non-decreasing), so
:math:`k(\theta') \ge k(\theta)`, and :math:`\lambda(\theta') \ge \lambda(\theta)`;
hence :math:`\ell(\theta') \ge \ell(\theta)` with :math:`\theta' \in C`. :math:`\square`

So the MLE exists, and :func:`_mle` computes it exactly: sort each row, count for every
candidate the points in its spike with two searches in the sorted row, and compare the
scores :math:`\log k + \log \lambda` (logarithms keep the astronomically large
:math:`\lambda` finite). Among equal maxima the smallest :math:`\theta` is returned;
the cost is :math:`O(N \log N)` per row.

Consistency
-----------
For i.i.d. data from :math:`p_{\theta^*}` the MLE converges to :math:`\theta^*` almost
surely, by Wald's theorem (A. Wald, *Note on the consistency of the maximum likelihood
estimate*, Ann. Math. Statist. 20, 1949): :math:`\Theta` is compact;
:math:`\theta \mapsto p_\theta(x)` is upper semicontinuous for each :math:`x` (the set
:math:`\{\theta : \theta \le x \le r(\theta)\}` is closed); the log-density is bounded
above by :math:`\log(\tfrac{1-\alpha}{2} + \alpha e^{\omega(1)}) < \infty`; and different
:math:`\theta` give different spikes, hence different densities. Concretely: the
:math:`K \approx \alpha N` spike points of the truth score :math:`K\lambda(\theta^*)`,
and a single background point :math:`x` can only beat them when
:math:`\lambda(x) > K \lambda(\theta^*)`, i.e. when :math:`x` falls in the *capture
zone* :math:`x \gtrsim \theta^* + \log K / b`. That zone shrinks as :math:`N` grows and
is empty once :math:`K \lambda(\theta^*) > \lambda(1)`.

Collapse under accumulation
---------------------------
Under the accumulate scheme (each round adds :math:`n` draws from
:math:`p_{\theta_{t-1}}` to all earlier data, real data kept) the data of a round
before any capture look like :math:`nt` draws from the truth, so each round has a
chance to put a background point in the capture zone. Consistency says that such an
error is *transient* for i.i.d. data: more spike points of the truth arrive and outvote
it. Under accumulation it is *permanent*: the captured model puts weight
:math:`\alpha` on a new spike around the capturing point, every later round feeds that
spike :math:`\approx \alpha n` points of its own, and the real spike, with its frozen
count of points, never wins back. Later background points can capture
again (rarely, since the captured spike keeps growing), always further right, so the
fitted spike never widens. The captured spike is disjoint from the truth's, so the
fitted model is at total variation distance :math:`\alpha` from the truth for ever. A
smooth family under the same scheme moves by :math:`O(1/\sqrt n)` in total (the
Gaussian mean with known variance: :math:`n \operatorname{Var}\mu_T / \sigma^2 =
\sum_{k \le T} 1/k^2 < \pi^2/6`).

With the defaults, :math:`\theta^* =` :data:`THETA_STAR` and :math:`n = 100` per round,
the capture zone is empty once the truth's spike holds about
:math:`\lambda(1)/\lambda(\theta^*) \approx e^{b(1-\theta^*)} \approx 1100` points, so the
i.i.d. MLE equals :math:`\theta^*` once :math:`N` is well above 2200, while a sizeable
fraction of accumulate runs is captured within 20 rounds (``tests/test_spike.py``
measures both).

Exact formulas
--------------
The theory of the family is in :mod:`collapse_lib.theory` (private module
``theory/_spike_uniform.py``, like the theory of every family). An observation in the
spike at :math:`\theta` adds :math:`\lambda(\theta)` to the log-likelihood, so a single
background point :math:`x`, alone in its own spike, outscores :math:`K` points of the
true spike exactly when :math:`\lambda(x) > K\lambda(\theta^*)`: when it lies in the
*capture zone* :math:`(x_c(K), 1]` (``theory.spike_capture_point``). When spike widths
are negligible, whether the MLE lies in the true spike depends only on :math:`K` and on
whether a background point falls in that zone, which gives exact formulas for one fit
(``theory.spike_mle_correct_probability``) and for recursive training
(``theory.spike_survival``). :meth:`SpikeUniform.first_capture` runs one replicate of
the accumulate loop until the first capture; :func:`collapse_lib.plotting.spike_capture`
draws it.

Floating point
--------------
:math:`\omega` and :math:`\lambda` are computed from :math:`\log \omega(\theta) =
\log\omega_0 + b\theta`, so nothing overflows while :math:`\log\omega_0 + b \le 705`
(checked). Once :math:`w(\theta)` is below the spacing of doubles near :math:`\theta`,
a spike draw :math:`\theta + w u` rounds to :math:`\theta` itself and the spike acts as an
atom. Membership of :math:`S_\theta` is always tested as
:math:`\theta \le x \le \operatorname{fl}(\theta + w(\theta))` on the stored doubles, the
same test in sampling, density and MLE, so draws always lie in their own spike.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ._observations import _ObservationFamily
from ._rng import _as_seed_sequence
from ._simulate import _block_rng, _rounds
from ._validate import _check_int, _check_real

#: Default spike weight :math:`\alpha`.
WEIGHT = 0.5
#: Default log-width at :math:`\theta = 0`: :math:`\omega_0 = \log 10^4`, so :math:`w(0) = 10^{-4}`.
OMEGA0 = float(np.log(1e4))
#: Default rate :math:`b` of the double exponential.
RATE = 700.0
#: Recommended true parameter :math:`\theta^*` (spike near the top of :math:`\Theta`).
THETA_STAR = 0.99
#: Name of the parameter (the left end of the spike).
PARAMS = ("theta",)
#: Largest allowed :math:`\log\omega_0 + b` (keeps :math:`\omega(1)`, :math:`\lambda(1)` finite).
_MAX_LOG_OMEGA = 705.0


def _check_constants(weight: float, omega0: float, rate: float) -> None:
    """Raise ValueError unless (weight, omega0, rate) define a valid family."""
    for name, value in (("weight", weight), ("omega0", omega0), ("rate", rate)):
        if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
            raise TypeError(f"{name} must be a real number, got {value!r}")
        if not np.isfinite(value):
            raise ValueError(f"{name} must be finite, got {value!r}")
    if not 0.0 < weight < 1.0:
        raise ValueError(f"weight must lie in (0, 1), got {weight!r}")
    if omega0 < 1.0:
        raise ValueError(f"omega0 must be at least 1, got {omega0!r}")
    if rate <= 0.0:
        raise ValueError(f"rate must be positive, got {rate!r}")
    if rate * omega0 * np.exp(-omega0) > 1.0:
        raise ValueError(
            f"rate * omega0 * exp(-omega0) must be at most 1 so that the spike's right end "
            f"is non-decreasing; got rate={rate!r}, omega0={omega0!r}"
        )
    if np.log(omega0) + rate > _MAX_LOG_OMEGA:
        raise ValueError(
            f"log(omega0) + rate must be at most {_MAX_LOG_OMEGA} (no overflow); "
            f"got omega0={omega0!r}, rate={rate!r}"
        )


def _check_theta(theta) -> np.ndarray:
    """Return ``theta`` as a float array, raising ValueError outside [0, 1] or if NaN."""
    theta = np.asarray(theta, dtype=float)
    if not np.all((theta >= 0.0) & (theta <= 1.0)):
        bad = theta[~((theta >= 0.0) & (theta <= 1.0))].flat[0]
        raise ValueError(f"theta must lie in [0, 1], got {bad!r}")
    return theta


def _omega(theta, omega0: float = OMEGA0, rate: float = RATE) -> np.ndarray:
    r""":math:`\omega(\theta) = \omega_0 e^{b\theta} = -\log w(\theta)`, finite."""
    return np.exp(np.log(omega0) + rate * np.asarray(theta, dtype=float))


def _log_width(theta, omega0: float = OMEGA0, rate: float = RATE) -> np.ndarray:
    r"""Natural logarithm of the spike width, :math:`\log w(\theta) = -\omega(\theta)`."""
    return -_omega(theta, omega0, rate)


def _width(theta, omega0: float = OMEGA0, rate: float = RATE) -> np.ndarray:
    r"""Spike width :math:`w(\theta) = e^{-\omega(\theta)}` (0.0 once it underflows)."""
    return np.exp(_log_width(theta, omega0, rate))


def _right_end(theta, omega0: float = OMEGA0, rate: float = RATE) -> np.ndarray:
    r"""Right end :math:`\operatorname{fl}(\theta + w(\theta))` of the spike, as stored."""
    theta = np.asarray(theta, dtype=float)
    return theta + _width(theta, omega0, rate)


def _gain(theta, weight: float = WEIGHT, omega0: float = OMEGA0, rate: float = RATE):
    r""":math:`\lambda(\theta) = \log(1 + c e^{\omega(\theta)})`, :math:`c = 2\alpha/(1-\alpha)`."""
    log_c = np.log(2.0 * weight / (1.0 - weight))
    return np.logaddexp(0.0, log_c + _omega(theta, omega0, rate))


def _sample(
    theta,
    size: int,
    rng: np.random.Generator,
    *,
    weight: float = WEIGHT,
    omega0: float = OMEGA0,
    rate: float = RATE,
) -> np.ndarray:
    r"""Draw ``size`` observations from :math:`p_\theta` for each replicate.

    Parameters
    ----------
    theta : array_like, shape (B,)
        Spike locations in :math:`[0, 1]`.
    size : int
        Number of draws per replicate.
    rng : numpy.random.Generator
        Source of randomness.
    weight, omega0, rate : float
        Family constants :math:`\alpha, \omega_0, b`.

    Returns
    -------
    ndarray, shape (B, size)
        Each entry is :math:`\theta + w(\theta) U` with probability :math:`\alpha` and
        :math:`2U` otherwise, :math:`U` uniform on :math:`[0, 1)`.
    """
    _check_constants(weight, omega0, rate)
    theta = _check_theta(np.atleast_1d(theta))
    if theta.ndim != 1:
        raise ValueError(f"theta must have shape (B,), got shape {theta.shape}")
    if not isinstance(rng, np.random.Generator):
        raise TypeError(f"rng must be a numpy.random.Generator, got {rng!r}")
    if isinstance(size, bool) or not isinstance(size, (int, np.integer)) or size < 0:
        raise ValueError(f"size must be a non-negative integer, got {size!r}")
    shape = (theta.shape[0], int(size))
    in_spike = rng.random(shape) < weight
    u = rng.random(shape)
    spike = theta[:, None] + _width(theta, omega0, rate)[:, None] * u
    return np.where(in_spike, spike, 2.0 * u)


def _logpdf(
    x, theta, *, weight: float = WEIGHT, omega0: float = OMEGA0, rate: float = RATE
) -> np.ndarray:
    r"""Log-density :math:`\log p_\theta(x)`, broadcasting ``x`` against ``theta``.

    Equals :math:`\log\frac{1-\alpha}{2} + \lambda(\theta)\mathbf 1_{S_\theta}(x)` on
    :math:`[0, 2]` and :math:`-\infty` outside; finite for every :math:`\theta` because
    :math:`\lambda` is computed in log space. Pass ``theta[:, None]`` to evaluate rows of
    ``x`` of shape (B, N) under their own parameter.
    """
    _check_constants(weight, omega0, rate)
    x = np.asarray(x, dtype=float)
    if np.isnan(x).any():
        raise ValueError("x must not contain NaN")
    theta = _check_theta(theta)
    in_spike = (x >= theta) & (x <= _right_end(theta, omega0, rate))
    base = np.where((x >= 0.0) & (x <= 2.0), np.log((1.0 - weight) / 2.0), -np.inf)
    return base + np.where(in_spike, _gain(theta, weight, omega0, rate), 0.0)


def _searchsorted_rows(xs: np.ndarray, q: np.ndarray, side: str) -> np.ndarray:
    """Row-wise :func:`numpy.searchsorted`: for each ``q[b, j]`` the number of entries of
    the sorted row ``xs[b]`` that are ``<= q[b, j]`` (``side="right"``) or ``< q[b, j]``
    (``side="left"``).

    All rows are handled at once: the queries of a row are sorted, merged with the row
    by one stable sort (data first on ties for ``"right"``, queries first for
    ``"left"``), and the number of data entries before the ``j``-th smallest query is its
    position in the merged row minus ``j``.
    """
    n, m = xs.shape[1], q.shape[1]
    perm = np.argsort(q, axis=1, kind="stable")
    qs = np.take_along_axis(q, perm, axis=1)
    if side == "right":
        order = np.argsort(np.concatenate([xs, qs], axis=1), axis=1, kind="stable")
        is_query = order >= n
    else:
        order = np.argsort(np.concatenate([qs, xs], axis=1), axis=1, kind="stable")
        is_query = order < m
    before = np.nonzero(is_query)[1].reshape(q.shape) - np.arange(m)
    out = np.empty_like(before)
    np.put_along_axis(out, perm, before, axis=1)
    return out


def _mle(
    x,
    *,
    weight: float = WEIGHT,
    omega0: float = OMEGA0,
    rate: float = RATE,
    presorted: bool = False,
) -> np.ndarray:
    r"""Exact maximum-likelihood estimate of :math:`\theta` for each row of ``x``.

    Parameters
    ----------
    x : array_like, shape (B, N)
        Observations in :math:`[0, 2]`, one data set per row, :math:`N \ge 1`.
    weight, omega0, rate : float
        Family constants :math:`\alpha, \omega_0, b`.
    presorted : bool
        Rows of ``x`` are already sorted in increasing order (skips the sort; the
        stable sorts inside then only merge sorted runs, so the cost is about linear).

    Returns
    -------
    ndarray, shape (B,)
        The maximiser of :math:`\ell(\theta) = \text{const} + k(\theta)\lambda(\theta)`
        over :math:`[0, 1]`, searched over the candidates
        :math:`\{x_i \le 1\} \cup \{1\}` (see the module docstring for the proof);
        the smallest one among equal maxima.

    Raises
    ------
    ValueError
        If ``x`` is not two-dimensional, is empty, or has a value outside
        :math:`[0, 2]` (or NaN), where every likelihood is zero.
    """
    _check_constants(weight, omega0, rate)
    x = np.asarray(x, dtype=float)
    if x.ndim != 2 or x.shape[1] == 0:
        raise ValueError(f"x must have shape (B, N) with N >= 1, got shape {x.shape}")
    if not np.all((x >= 0.0) & (x <= 2.0)):
        bad = x[~((x >= 0.0) & (x <= 2.0))].flat[0]
        raise ValueError(f"x must lie in [0, 2] (the support), got {bad!r}")
    xs = x if presorted else np.sort(x, axis=1)
    ones = np.ones((xs.shape[0], 1))
    cand = np.concatenate([np.minimum(xs, 1.0), ones], axis=1)
    right = _right_end(cand, omega0, rate)
    k = _searchsorted_rows(xs, right, "right") - _searchsorted_rows(xs, cand, "left")
    valid = np.concatenate([xs <= 1.0, ones > 0], axis=1) & (k > 0)
    with np.errstate(divide="ignore"):
        score = np.where(valid, np.log(k) + np.log(_gain(cand, weight, omega0, rate)), -np.inf)
    # rows whose every candidate is empty have a flat likelihood: return 1 (the last candidate)
    score[:, -1] = np.where(valid.any(axis=1), score[:, -1], 0.0)
    return cand[np.arange(xs.shape[0]), np.argmax(score, axis=1)]


# ------------------------------------------------------------------------------ the family


class SpikeCapture(NamedTuple):
    """What :meth:`SpikeUniform.first_capture` found: the first round at which the MLE
    left the true spike."""

    #: Round :math:`t` of the first capture.
    round: int
    #: The captured estimate :math:`\theta_t` (one observation's value).
    theta: float
    #: Number of observations in the true spike at that round.
    k_true: int
    #: Left end :math:`x_c` of the capture zone (``theory.spike_capture_point``).
    threshold: float
    #: All observations of the training set :math:`D_t`, round by round (sorted within a round).
    data: np.ndarray
    #: The family that was run.
    family: SpikeUniform


class SpikeUniform(_ObservationFamily):
    r"""Uniform background plus a narrow uniform spike: accumulation does not save it.

    :math:`p_\theta = (1-\alpha)\,U[0, 2] + \alpha\, U[\theta, \theta + w(\theta)]` with
    a doubly exponential width :math:`w(\theta) = \exp(-\omega_0 e^{b\theta})`,
    :math:`\theta \in [0, 1]`. The MLE exists, is computed exactly (over a finite set of
    candidates) and is consistent for i.i.d. data, yet under ``scheme="accumulate"`` a
    single background point in the *capture zone* can take the MLE, and accumulation
    then keeps it there: the error of an early round is frozen, where an i.i.d. fit on
    more data would correct it. This construction is ours, not one of Barzilai and
    Shamir's (2025) (see :class:`BarzilaiShamirSpike`); its mathematics and exact formulas
    are in the private module ``collapse_lib._spike``.

    Parameters
    ----------
    theta : float
        True spike location :math:`\theta^* \in [0, 1]` (default 0.99).
    weight, omega0, rate : float
        Spike weight :math:`\alpha \in (0,1)`, log-width at the origin
        :math:`\omega_0 \ge 1` and rate :math:`b > 0`, with
        :math:`b\,\omega_0 e^{-\omega_0} \le 1`.

    Notes
    -----
    Recorded parameter ``"theta"``. Only ``method="samples"`` exists: the MLE needs the
    observations themselves, so the statistics of a batch are its observations, sorted
    (pooling merges them). Under accumulate every replicate keeps all its observations,
    so memory grows as :math:`\sum_t n_t` per replicate.

    Examples
    --------
    >>> import numpy as np
    >>> import collapse_lib as cl
    >>> run = cl.simulate(cl.SpikeUniform(), generations=20, sizes=100, replicates=100,
    ...                   scheme="accumulate", seed=6)
    >>> captured = run["theta"][:, -1] != 0.99
    >>> bool(0 < captured.mean() < 1)  # some replicates leave the truth for good
    True
    """

    params = PARAMS

    def __init__(self, theta=THETA_STAR, weight=WEIGHT, omega0=OMEGA0, rate=RATE):
        self.theta = _check_real("theta", theta, low=0.0, high=1.0)
        self.weight = _check_real(
            "weight", weight, low=0.0, high=1.0, low_open=True, high_open=True
        )
        self.omega0 = _check_real("omega0", omega0, low=1.0)
        self.rate = _check_real("rate", rate, low=0.0, low_open=True)
        _check_constants(self.weight, self.omega0, self.rate)

    def __repr__(self):
        return (
            f"SpikeUniform(theta={self.theta!r}, weight={self.weight!r}, "
            f"omega0={self.omega0:.4g}, rate={self.rate!r})"
        )

    @property
    def _constants(self):
        return {"weight": self.weight, "omega0": self.omega0, "rate": self.rate}

    def _draw_rows(self, gen, m, theta):
        return _sample(theta, m, gen, **self._constants)

    def _fit(self, stats):
        return {"theta": _mle(stats["x"], presorted=True, **self._constants)}

    def first_capture(self, n, *, seed, max_rounds=200):
        r"""Run the accumulate loop once, until the MLE first leaves the true spike.

        One replicate of ``simulate(self, generations=max_rounds, sizes=n,
        scheme="accumulate", seed=seed)`` (the same random streams) is run round by round
        with ``n`` new draws per round and no fresh data, and stopped at the first round
        whose fit differs from the truth :math:`\theta^*` (in floating point, the event
        that the fit has left the true spike :math:`S_{\theta^*}`).
        :func:`collapse_lib.plotting.spike_capture` draws the result.

        Parameters
        ----------
        n : int
            Draws per round, :math:`n \ge 1`.
        seed : int, numpy.random.SeedSequence or numpy.random.Generator
            Seed of the replicate (required: the result is reproducible).
        max_rounds : int, optional
            Give up after this many rounds.

        Returns
        -------
        SpikeCapture
            The round, the captured value, the count of the true spike, the left end of
            the capture zone, the training set and the family.

        Raises
        ------
        ValueError
            If no capture happens within ``max_rounds`` (try another seed or more rounds).

        Examples
        --------
        >>> import collapse_lib as cl
        >>> capture = cl.SpikeUniform().first_capture(50, seed=21)
        >>> capture.theta != cl.SpikeUniform().theta  # the MLE has left the truth
        True
        >>> capture.threshold < capture.theta <= 1.0  # from inside the capture zone
        True
        """
        from .theory import spike_capture_point  # the theory imports this module

        n = _check_int("n", n, minimum=1)
        max_rounds = _check_int("max_rounds", max_rounds, minimum=1)
        rng = _block_rng(self, _as_seed_sequence(seed), [0], [(0, 1)])
        batches = []
        rounds = _rounds(self, np.full(max_rounds, n), rng, "accumulate", 0.0, False, {})
        for t, fit, batch in rounds:  # noqa: B007
            batches.append(batch["x"][0])  # each round's observations, sorted
            if fit["theta"][0] != self.theta:
                break
        else:
            raise ValueError(f"no capture within max_rounds={max_rounds} rounds for seed={seed!r}")
        data = np.concatenate(batches)
        k_true = int(np.count_nonzero(data == self.theta))
        threshold = float(spike_capture_point(count=k_true, theta=self.theta, **self._constants))
        return SpikeCapture(t, float(fit["theta"][0]), k_true, threshold, data, self)
