r"""Model families and their one-round transitions.

A family holds the true parameter :math:`\theta_0 = \theta^*` and the estimator used to
refit. The simulation engine (:func:`collapse_lib.simulate`) drives it round by round:
round :math:`t` draws :math:`n_t` new observations, each from the truth with probability
:math:`\varepsilon` (the *fresh fraction*) and from the current fit
:math:`p_{\theta_{t-1}}` otherwise, and refits on

* the new draws alone (scheme ``"replace"``), or
* all draws so far, real data of round 1 included (scheme ``"accumulate"``).

Two ways to carry out a round exist for most families:

``exact``
    draws the *sufficient statistics* of the new batch directly from their exact
    distribution (normal and chi-square for a Gaussian, Wishart for a multivariate
    Gaussian, binomial / Poisson / multinomial counts for discrete families), and pools
    them with the running statistics under ``"accumulate"``;
``samples``
    draws the :math:`n_t` observations themselves and computes the estimator from them
    (the cross-check; it is exact too, only slower).

Both produce the same distribution of :math:`(\theta_t)_t` (tested).
"""

from __future__ import annotations

from abc import ABC, abstractmethod

import numpy as np

from . import _spike
from ._validate import _as_real_array, _check_choice, _check_probs, _check_real

#: Number of array elements handled at once when a round draws its observations.
_PIECE = 1 << 18

_ESTIMATORS = ("mle", "unbiased")


def _pieces(n: int, width: int):
    """Row counts that split ``n`` observations into pieces of about ``_PIECE`` elements."""
    rows = max(1, _PIECE // max(width, 1))
    done = 0
    while done < n:
        step = min(rows, n - done)
        yield step
        done += step


class Family(ABC):
    """Base class of the model families (not used directly).

    Subclasses describe the recorded parameters (:attr:`params`), the random roles
    they draw from, and implement one round of recursive training.
    """

    #: names of the recorded parameters
    params: tuple[str, ...] = ()
    _roles: tuple[str, ...] = ()

    def _param_shapes(self) -> dict[str, tuple[int, ...]]:
        return {name: () for name in self.params}

    def _has_exact(self, scheme: str, fresh: float) -> bool:
        return True

    def _min_size(self) -> int:
        return 1

    def _state_bytes(self) -> int:
        """Working memory per replicate, in bytes, of the state and one round's temporaries."""
        return 64 * (1 + sum(int(np.prod(s)) for s in self._param_shapes().values()))

    def _extra_bytes(self, scheme: str, total: int) -> int:
        """Bytes per replicate kept besides the recorded parameters (``total`` = sum of n_t)."""
        return 0

    def _extras(self, state):
        """Per-replicate records the family keeps besides its parameters (or None)."""
        return None

    def _fast(self, scheme: str, fresh: float, exact: bool) -> bool:
        """Whether :meth:`_run_fast` handles these settings (vectorised over rounds)."""
        return False

    @abstractmethod
    def truth(self) -> dict[str, np.ndarray]:
        """The true parameter :math:`\\theta_0` as a dict ``name -> value``."""

    @abstractmethod
    def _init(self, B: int) -> dict:
        """State of ``B`` replicates at generation 0 (the truth)."""

    @abstractmethod
    def _current(self, state) -> dict[str, np.ndarray]:
        """The fitted parameters of the current generation."""

    @abstractmethod
    def _step(self, state, t, n, rng, scheme, fresh, exact) -> None:
        """Carry out round ``t`` with ``n`` new draws, updating ``state`` in place."""


# --------------------------------------------------------------------------- Gaussian


class Gaussian(Family):
    r"""Univariate Gaussian :math:`N(\mu, \sigma^2)` refitted by mean and variance.

    Parameters
    ----------
    mu, sigma2 : float
        The truth :math:`\theta_0 = (\mu_0, \sigma_0^2)`; ``sigma2 > 0``.
    estimator : {"mle", "unbiased"}
        Variance estimator. ``"mle"`` divides the sum of squared deviations by the
        number of observations :math:`N`, ``"unbiased"`` by :math:`N - 1`
        (``ddof`` 0 and 1).
    known_variance : bool
        If True the variance stays at ``sigma2`` and only the mean is refitted (the
        mean random walk :math:`\mu_t = \mu_{t-1} + \sigma Z_t / \sqrt{n_t}` under
        replace).
    shrink : tuple (c, beta), optional
        A deliberately biased variance estimator: the fit (``"mle"`` or
        ``"unbiased"``) on :math:`N` observations is multiplied by
        :math:`1 - c N^{-\beta}`, a relative bias of order :math:`N^{-\beta}`
        (``0 < c < 1``, ``beta > 0``). Used to show that bias demands faster-growing
        sample sizes (Cheng et al.).

    Notes
    -----
    Recorded parameters: ``"mu"``, and unless ``known_variance``: ``"sigma2"`` and
    ``"log_sigma2"``. The engine keeps :math:`\log \sigma^2_t`, so a collapsing variance
    never underflows to an exact zero inside the simulation; ``"sigma2"`` is its
    exponential (and may underflow in the output after very long runs, where
    ``"log_sigma2"`` stays exact).

    Exact transition (replace, :math:`\varepsilon = 0`): with :math:`Z \sim N(0,1)` and
    :math:`C \sim \chi^2_{n-1}` independent,

    .. math::
        \mu_t = \mu_{t-1} + \sigma_{t-1} Z / \sqrt{n_t}, \qquad
        \log\sigma^2_t = \log\sigma^2_{t-1} + \log C - \log(n_t - \mathrm{ddof}).

    With a fresh fraction the batch is a mixture of :math:`k \sim \mathrm{Bin}(n, \varepsilon)`
    real and :math:`n-k` synthetic draws; each group's mean and sum of squares are drawn
    exactly and pooled. Accumulate pools every batch into running (count, mean, sum of
    squared deviations) with Chan's update, never re-concatenating data.
    """

    _roles = ("normal", "gamma", "binom", "uniform")
    #: elements (generations x replicates) per segment of the vectorised path
    _FAST_SEGMENT = 1 << 19

    def __init__(self, mu=0.0, sigma2=1.0, estimator="mle", known_variance=False, shrink=None):
        self.mu = _check_real("mu", mu)
        self.sigma2 = _check_real("sigma2", sigma2, low=0.0, low_open=True)
        self.estimator = _check_choice("estimator", estimator, _ESTIMATORS)
        if not isinstance(known_variance, (bool, np.bool_)):
            raise TypeError(f"known_variance must be a bool, got {known_variance!r}")
        self.known_variance = bool(known_variance)
        self.ddof = 1 if self.estimator == "unbiased" else 0
        self.params = ("mu",) if self.known_variance else ("mu", "sigma2", "log_sigma2")
        if shrink is not None:
            if self.known_variance:
                raise ValueError(
                    "shrink applies to the variance estimate; it cannot be used "
                    "with known_variance=True"
                )
            if not isinstance(shrink, (tuple, list)) or len(shrink) != 2:
                raise TypeError(f"shrink must be a pair (c, beta), got {shrink!r}")
            shrink = (
                _check_real(
                    "shrink c", shrink[0], low=0.0, high=1.0, low_open=True, high_open=True
                ),
                _check_real("shrink beta", shrink[1], low=0.0, low_open=True),
            )
        self.shrink = shrink

    def __repr__(self):
        kv = ", known_variance=True" if self.known_variance else ""
        sh = f", shrink={self.shrink!r}" if self.shrink else ""
        return (
            f"Gaussian(mu={self.mu!r}, sigma2={self.sigma2!r}, "
            f"estimator={self.estimator!r}{kv}{sh})"
        )

    def _log_divisor(self, N):
        """log of what divides the sum of squared deviations of N observations."""
        out = np.log(N - self.ddof)
        if self.shrink:
            c, beta = self.shrink
            out = out - np.log1p(-c * np.power(N, -beta, dtype=float))
        return out

    def truth(self):
        out = {"mu": np.float64(self.mu)}
        if not self.known_variance:
            out["sigma2"] = np.float64(self.sigma2)
            out["log_sigma2"] = np.log(self.sigma2)
        return out

    def _min_size(self):
        return 1 if self.known_variance else 2

    def _init(self, B):
        return {
            "mu": np.full(B, self.mu),
            "log_s2": np.full(B, np.log(self.sigma2)),
            "N": 0,
            "M2": np.zeros(B),
        }

    def _current(self, st):
        if self.known_variance:
            return {"mu": st["mu"]}
        return {"mu": st["mu"], "sigma2": np.exp(st["log_s2"]), "log_sigma2": st["log_s2"]}

    # -- one round -------------------------------------------------------------------
    def _batch(self, st, n, rng, fresh, exact):
        """Mean and log sum of squared deviations of one batch of ``n`` new draws."""
        if self.known_variance:
            return self._batch_mean_only(st, n, rng, fresh, exact), None
        if exact:
            return self._batch_exact(st, n, rng, fresh)
        return self._batch_samples(st, n, rng, fresh)

    def _batch_mean_only(self, st, n, rng, fresh, exact):
        mu, sd = st["mu"], np.sqrt(self.sigma2)
        if exact:
            centre = mu
            if fresh > 0:
                k = rng.draw("binom", "binomial", n=n, p=fresh)
                centre = mu + (k / n) * (self.mu - mu)
            return centre + sd / np.sqrt(n) * rng.draw("normal", "standard_normal")
        sz, k = np.zeros(rng.size), np.zeros(rng.size)
        for rows in _pieces(n, rng.size):
            sz += rng.draw("normal", "standard_normal", lead=(rows,)).sum(axis=0)
            if fresh > 0:
                k += (rng.draw("uniform", "random", lead=(rows,)) < fresh).sum(axis=0)
        # every draw has standard deviation sd; only its mean depends on the source
        return mu + (k / n) * (self.mu - mu) + sd * sz / n

    def _batch_exact(self, st, n, rng, fresh):
        mu, log_s2 = st["mu"], st["log_s2"]
        if fresh == 0:
            z = rng.draw("normal", "standard_normal")
            g = rng.draw("gamma", "standard_gamma", shape=(n - 1) / 2)
            mean = mu + np.sqrt(np.exp(log_s2) / n) * z
            return mean, log_s2 + np.log(2.0 * g)
        k = rng.draw("binom", "binomial", n=n, p=fresh)
        s = n - k
        za = rng.draw("normal", "standard_normal")
        zb = rng.draw("normal", "standard_normal")
        ga = rng.draw("gamma", "standard_gamma", per_rep={"shape": np.maximum(k - 1, 0) / 2})
        gb = rng.draw("gamma", "standard_gamma", per_rep={"shape": np.maximum(s - 1, 0) / 2})
        s2 = np.exp(log_s2)
        mean_a = self.mu + np.sqrt(self.sigma2 / np.maximum(k, 1)) * za
        mean_b = mu + np.sqrt(s2 / np.maximum(s, 1)) * zb
        ss = 2.0 * (self.sigma2 * ga + s2 * gb) + k * s / n * (mean_a - mean_b) ** 2
        return (k * mean_a + s * mean_b) / n, np.log(ss)

    def _batch_samples(self, st, n, rng, fresh):
        mu, log_s2 = st["mu"], st["log_s2"]
        sd = np.exp(0.5 * log_s2)
        if fresh == 0:
            # x = mu + sd * z; statistics are taken about the current mean mu, which
            # leaves the fitted variance unchanged and avoids cancellation.
            sz = np.zeros(rng.size)
            szz = np.zeros(rng.size)
            for rows in _pieces(n, rng.size):
                z = rng.draw("normal", "standard_normal", lead=(rows,))
                sz += z.sum(axis=0)
                szz += np.einsum("ij,ij->j", z, z)
            zbar = sz / n
            return mu + sd * zbar, log_s2 + np.log(szz - n * zbar * zbar)
        cnt, mean, m2 = 0, np.zeros(rng.size), np.zeros(rng.size)
        for rows in _pieces(n, rng.size):
            z = rng.draw("normal", "standard_normal", lead=(rows,))
            real = rng.draw("uniform", "random", lead=(rows,)) < fresh
            x = np.where(real, self.mu + np.sqrt(self.sigma2) * z, mu + sd * z)
            cnt, mean, m2 = _chan(
                cnt, mean, m2, rows, x.mean(axis=0), ((x - x.mean(axis=0)) ** 2).sum(axis=0)
            )
        return mean, np.log(m2)

    def _step(self, st, t, n, rng, scheme, fresh, exact):
        mean, log_ss = self._batch(st, n, rng, fresh, exact)
        if scheme == "replace":
            st["mu"] = mean
            if log_ss is not None:
                st["log_s2"] = log_ss - self._log_divisor(n)
            return
        N = st["N"]
        if log_ss is None:
            st["mu"] = st["mu"] + (mean - st["mu"]) * (n / (N + n))
        else:
            _, st["mu"], st["M2"] = _chan(N, st["mu"], st["M2"], n, mean, np.exp(log_ss))
            st["log_s2"] = np.log(st["M2"]) - self._log_divisor(N + n)
        st["N"] = N + n

    # -- fast path: no fresh data, all generations at once ------------------------------
    def _fast(self, scheme, fresh, exact):
        return fresh == 0 and exact

    def _run_fast(self, st, sizes, rng, scheme, record_rows, sink):
        r"""Vectorise over generations with cumulative sums of exact increments.

        Replace: :math:`\log\sigma^2_t = \log\sigma^2_{t-1} + \log(2 g_t) - \log D(n_t)`
        with :math:`g_t \sim \Gamma((n_t-1)/2)` and :math:`D(N)` the estimator's divisor.
        Accumulate: Chan's pooled update is multiplicative in the sum of squares,
        :math:`M_t = M_{t-1}\,(1 + (2 g_t + z_t^2 N_{t-1}/N_t) / D(N_{t-1}))`, and the mean
        moves by :math:`(n_t/N_t)\,\sigma_{t-1} z_t/\sqrt{n_t}`; the divisors depend only
        on the deterministic pooled sizes :math:`N_t`, so both are cumulative sums too.
        ``sink(t, current)`` stores the parameters of every recorded generation.
        """
        acc = scheme == "accumulate"
        seg = max(1, self._FAST_SEGMENT // max(rng.size, 1))
        G = len(sizes)
        t0 = 0
        while t0 < G:
            ns = sizes[t0 : t0 + seg].astype(float)
            L = len(ns)
            N_new = st["N"] + np.cumsum(ns)
            N_old = N_new - ns
            weight = ns / N_new if acc else np.ones(L)
            z = rng.draw("normal", "standard_normal", lead=(L,))
            if self.known_variance:
                z *= (weight * np.sqrt(self.sigma2 / ns))[:, None]
                ls_path = None
            else:
                g = rng.draw("gamma", "standard_gamma", lead=(L,), shape=((ns - 1) / 2)[:, None])
                log_prev = np.empty((L, rng.size))  # log sigma^2_{t-1}
                if acc:
                    # inc_t = log M_t - log M_{t-1}; round 1 starts from M_1 = sigma_0^2 2 g_1
                    first = int(N_old[0] == 0)
                    inc = 2.0 * g
                    inc[first:] += z[first:] ** 2 * (N_old / N_new)[first:, None]
                    inc[first:] /= np.exp(self._log_divisor(N_old[first:]))[:, None]
                    np.log1p(inc[first:], out=inc[first:])
                    if first:
                        inc[0] = np.log(inc[0]) + st["log_s2"]
                    log_m2 = np.cumsum(inc, axis=0, out=inc)
                    if not first:
                        log_m2 += st["log_m2"]
                    st["log_m2"] = log_m2[-1].copy()
                    ls_path = log_m2 - self._log_divisor(N_new)[:, None]
                else:
                    inc = np.log(g)
                    inc += (np.log(2.0) - self._log_divisor(ns))[:, None]
                    ls_path = np.cumsum(inc, axis=0, out=inc)
                    ls_path += st["log_s2"]
                # sd_{t-1} / sqrt(n_t) for every round, from the previous log-variance
                log_prev[0] = st["log_s2"]
                log_prev[1:] = ls_path[:-1]
                log_prev -= np.log(ns)[:, None]
                log_prev *= 0.5
                z *= np.exp(log_prev, out=log_prev)
                z *= weight[:, None]
            mu_path = np.cumsum(z, axis=0, out=z)
            mu_path += st["mu"]
            for i in record_rows(t0 + 1, t0 + L):
                st["mu"] = mu_path[i - t0 - 1]
                if ls_path is not None:
                    st["log_s2"] = ls_path[i - t0 - 1]
                sink(i, self._current(st))
            st["mu"] = mu_path[-1].copy()
            if ls_path is not None:
                st["log_s2"] = ls_path[-1].copy()
            st["N"] = N_new[-1]
            t0 += L
        if acc and not self.known_variance and G:
            st["M2"] = np.exp(st["log_m2"])


def _chan(n_a, mean_a, m2_a, n_b, mean_b, m2_b):
    """Pool (count, mean, sum of squared deviations) of two groups (Chan, Golub, LeVeque).

    Counts are non-negative scalars with ``n_a + n_b > 0``; means and sums are arrays.
    """
    n = n_a + n_b
    delta = mean_b - mean_a
    w = n_b / n
    return n, mean_a + delta * w, m2_a + m2_b + delta * delta * (n_a * w)


def _chan_matrix(n_a, mean_a, m2_a, n_b, mean_b, m2_b):
    """:func:`_chan` for vector observations: means (B, d), scatter matrices (B, d, d)."""
    n = n_a + n_b
    delta = mean_b - mean_a
    w = n_b / n
    outer = np.einsum("bi,bj->bij", delta, delta)
    return n, mean_a + delta * w, m2_a + m2_b + outer * (n_a * w)


# ------------------------------------------------------------------- discrete families


class Bernoulli(Family):
    r"""Bernoulli(:math:`p`) refitted by its MLE, the fraction of ones.

    Exact transition: the number of ones among the :math:`n` new draws is
    :math:`\mathrm{Bin}(n, \varepsilon p_0 + (1-\varepsilon) p_{t-1})` (each draw comes
    from the truth with probability :math:`\varepsilon`). Recorded parameter ``"p"``.
    """

    params = ("p",)
    _roles = ("binom", "uniform")

    def __init__(self, p):
        self.p = _check_real("p", p, low=0.0, high=1.0)

    def __repr__(self):
        return f"Bernoulli(p={self.p!r})"

    def truth(self):
        return {"p": np.float64(self.p)}

    def _init(self, B):
        return {"p": np.full(B, self.p), "N": 0, "K": np.zeros(B)}

    def _current(self, st):
        return {"p": st["p"]}

    def _step(self, st, t, n, rng, scheme, fresh, exact):
        q = fresh * self.p + (1 - fresh) * st["p"]
        if exact:
            k = rng.draw("binom", "binomial", n=n, per_rep={"p": q}).astype(float)
        else:
            k = np.zeros(rng.size)
            for rows in _pieces(n, rng.size):
                u = rng.draw("uniform", "random", lead=(rows, 2))
                p_src = np.where(u[:, 0] < fresh, self.p, st["p"][None])
                k += (u[:, 1] < p_src).sum(axis=0)
        _discrete_update(st, "p", "K", k, n, scheme)


class Poisson(Family):
    r"""Poisson(:math:`\lambda`) refitted by its MLE, the sample mean.

    Exact transition: with :math:`m \sim \mathrm{Bin}(n, \varepsilon)` real draws, the
    batch total is :math:`\mathrm{Poisson}(m\lambda_0 + (n-m)\lambda_{t-1})`. Once
    :math:`\lambda_t = 0` without fresh data the chain is absorbed (Suresh et al.'s
    critical branching process). Recorded parameter ``"lam"``.
    """

    params = ("lam",)
    _roles = ("poisson", "binom", "uniform")

    def __init__(self, lam):
        self.lam = _check_real("lam", lam, low=0.0, low_open=True)

    def __repr__(self):
        return f"Poisson(lam={self.lam!r})"

    def truth(self):
        return {"lam": np.float64(self.lam)}

    def _init(self, B):
        return {"lam": np.full(B, self.lam), "N": 0, "K": np.zeros(B)}

    def _current(self, st):
        return {"lam": st["lam"]}

    def _step(self, st, t, n, rng, scheme, fresh, exact):
        lam = st["lam"]
        if exact:
            m = rng.draw("binom", "binomial", n=n, p=fresh) if fresh > 0 else 0
            rate = m * self.lam + (n - m) * lam
            k = rng.draw("poisson", "poisson", per_rep={"lam": rate}).astype(float)
        else:
            k = np.zeros(rng.size)
            for rows in _pieces(n, rng.size):
                real = rng.draw("uniform", "random", lead=(rows,)) < fresh
                rate = np.where(real, self.lam, lam[None])
                k += rng.draw("poisson", "poisson", lead=(rows,), per_rep={"lam": rate}).sum(axis=0)
        _discrete_update(st, "lam", "K", k, n, scheme)


def _discrete_update(st, name, total, k, n, scheme):
    """Refit a one-parameter discrete family from the batch total ``k`` of ``n`` draws."""
    if scheme == "replace":
        st[name] = k / n
    else:
        st[total] = st[total] + k
        st["N"] += n
        st[name] = st[total] / st["N"]


class Categorical(Family):
    r"""Categorical distribution on :math:`K` categories, refitted by empirical frequencies.

    This is the unigram language model; with :math:`n` samples per round and no fresh
    data it is the Wright–Fisher model of population genetics with :math:`n` gene
    copies, i.e. Borkar's empirical-resampling chain that ends in *total collapse*
    (a single category holds all the mass) in finite time.

    Exact transition: the new counts are
    :math:`\mathrm{Multinomial}(n, \varepsilon\pi_0 + (1-\varepsilon)\pi_{t-1})`. Under
    replace without fresh data a category that dies stays dead, so the engine keeps
    only the live categories of each replicate (an *active set*, packed so the
    multinomial sampler never visits dead ones): a 10,000-word vocabulary costs what
    its surviving words cost.

    Recorded parameter ``"probs"`` (trailing axis of length ``K``). The engine also
    tracks, whatever is recorded, the first generation each category's probability is
    0 (:meth:`Run.extinction_times`) and the first generation one category holds all
    the mass (:meth:`Run.fixation_times`).
    """

    params = ("probs",)
    _roles = ("multinomial", "uniform")

    def __init__(self, probs):
        self.probs = _check_probs("probs", probs)
        self.K = self.probs.size

    def __repr__(self):
        return f"Categorical(K={self.K})"

    def truth(self):
        return {"probs": self.probs.copy()}

    def _param_shapes(self):
        return {"probs": (self.K,)}

    def _state_bytes(self):
        return 48 * self.K + 64

    def _extra_bytes(self, scheme, total):
        return 8 * (self.K + 1)

    def _init(self, B):
        st = {
            "probs": np.broadcast_to(self.probs, (B, self.K)),
            "N": 0,
            "C": None,
            "ext": np.where(self.probs == 0, 0, -1)[None].repeat(B, 0).astype(np.int64),
            "fix": np.full(B, -1, dtype=np.int64),
        }
        if np.count_nonzero(self.probs) == 1:
            st["fix"][:] = 0
        return st

    def _current(self, st):
        if "labels" in st:
            full = np.zeros((st["cnt"].shape[0], self.K))
            np.put_along_axis(full, st["labels"], st["cnt"] / st["n"], axis=1)
            return {"probs": full}
        return {"probs": np.asarray(st["probs"])}

    def _extras(self, st):
        return {"extinction": st["ext"], "fixation": st["fix"]}

    def _sample_counts(self, probs, n, rng, fresh):
        """Counts of ``n`` actual draws, each from the truth with probability ``fresh``.

        Draws are made by inverting the cumulative distribution function (a category
        of probability 0 is never drawn).
        """
        counts = np.zeros((rng.size, self.K), dtype=np.int64)
        cdf_fit = np.cumsum(probs, axis=1)
        cdf_fit /= cdf_fit[:, -1:]
        cdf_true = np.cumsum(self.probs)
        cdf_true /= cdf_true[-1]
        for rows in _pieces(n, rng.size):
            u = rng.draw("uniform", "random", lead=(rows,))
            real = rng.draw("uniform", "random", lead=(rows,)) < fresh if fresh > 0 else None
            for r in range(rng.size):
                idx = np.searchsorted(cdf_fit[r], u[:, r], side="right")
                if real is not None:
                    idx = np.where(
                        real[:, r], np.searchsorted(cdf_true, u[:, r], side="right"), idx
                    )
                counts[r] += np.bincount(idx, minlength=self.K)
        return counts

    def _step(self, st, t, n, rng, scheme, fresh, exact):
        if "labels" in st:
            return self._step_active(st, t, n, rng)
        probs = np.asarray(st["probs"])
        if exact:
            q = fresh * self.probs + (1 - fresh) * probs if fresh > 0 else probs
            counts = rng.draw("multinomial", "multinomial", n=n, per_rep={"pvals": q})
        else:
            counts = self._sample_counts(probs, n, rng, fresh)
        if scheme == "replace":
            st["probs"] = counts / n
        else:
            st["C"] = counts if st["C"] is None else st["C"] + counts
            st["N"] += n
            st["probs"] = st["C"] / st["N"]
        self._track(st, t, st["probs"] == 0, st["probs"].max(axis=1) == 1.0)
        if scheme == "replace" and fresh == 0 and exact:
            self._pack(st, counts, n)

    def _track(self, st, t, dead, fixed):
        ext, fix = st["ext"], st["fix"]
        ext[(ext < 0) & dead] = t
        fix[(fix < 0) & fixed] = t

    # -- active set (replace, no fresh data, exact) ------------------------------------
    def _pack(self, st, counts, n):
        """Switch to the packed active-set representation after the first round."""
        labels = np.broadcast_to(np.arange(self.K), counts.shape).copy()
        st["labels"], st["cnt"], st["n"] = labels, counts, n
        self._repack(st)
        del st["probs"]

    @staticmethod
    def _repack(st):
        """Move live categories to the right end of each row and drop all-dead columns.

        Right-packing puts each row's last live category in the sampler's last slot,
        which receives the remainder of the draws, so a dead category is never revived
        by rounding.
        """
        cnt = st["cnt"]
        alive = cnt > 0
        width = int(alive.sum(axis=1).max())
        order = np.argsort(alive, axis=1, kind="stable")[:, cnt.shape[1] - width :]
        st["cnt"] = np.take_along_axis(cnt, order, axis=1)
        st["labels"] = np.take_along_axis(st["labels"], order, axis=1)

    def _step_active(self, st, t, n, rng):
        cnt = st["cnt"]
        counts = rng.draw("multinomial", "multinomial", n=n, per_rep={"pvals": cnt / st["n"]})
        died = (counts == 0) & (cnt > 0)
        if died.any():
            rows, cols = np.nonzero(died)
            st["ext"][rows, st["labels"][rows, cols]] = t
        st["cnt"], st["n"] = counts, n
        fix = st["fix"]
        fix[(fix < 0) & (counts.max(axis=1) == n)] = t
        alive = counts > 0
        if int(alive.sum(axis=1).max()) <= 0.75 * counts.shape[1]:
            self._repack(st)
            return
        # A row whose last slot died swaps it with its rightmost live slot.
        rows = np.flatnonzero(~alive[:, -1])
        if rows.size:
            last = counts.shape[1] - 1
            j = last - np.argmax(alive[rows, ::-1], axis=1)
            for arr in ("cnt", "labels"):
                a = st[arr]
                a[rows, last], a[rows, j] = a[rows, j], a[rows, last].copy()


# ------------------------------------------------------------ multivariate Gaussian


class MultivariateGaussian(Family):
    r"""Multivariate Gaussian :math:`N_d(m, \Sigma)` refitted by mean and covariance.

    Parameters
    ----------
    mean : array_like, shape (d,)
    cov : array_like, shape (d, d)
        Symmetric positive definite.
    estimator : {"mle", "unbiased"}
        Scatter matrix divided by :math:`N` or by :math:`N-1`.

    Notes
    -----
    Recorded parameters: ``"mean"`` (trailing ``d``), ``"cov"`` (trailing ``d, d``) and
    ``"logdet"`` (log-determinant of the fitted covariance, kept exactly even when
    the covariance collapses towards singularity).

    Exact transition (no fresh data): the batch mean is :math:`N(m, \Sigma/n)` and the
    scatter matrix is Wishart with :math:`n-1` degrees of freedom, drawn with
    Bartlett's decomposition :math:`S = L A A^\top L^\top` (:math:`L` the Cholesky factor
    of :math:`\Sigma`, :math:`A` lower triangular with
    :math:`A_{ii}^2 \sim \chi^2_{n-1-i}` and standard normal entries below the
    diagonal). Under replace the factor is updated as :math:`L \leftarrow L A /
    \sqrt{n - \mathrm{ddof}}`, so no Cholesky factorisation of a near-singular matrix is
    ever needed. With a fresh fraction only ``method="samples"`` is available.
    """

    params = ("mean", "cov", "logdet")
    _roles = ("normal", "gamma", "uniform")

    def __init__(self, mean, cov, estimator="mle"):
        self.mean = _as_real_array("mean", mean, ndim=1)
        d = self.mean.size
        if d < 1:
            raise ValueError(f"mean must have at least one entry, got {mean!r}")
        self.cov = _as_real_array("cov", cov, ndim=2)
        if self.cov.shape != (d, d):
            raise ValueError(f"cov must have shape ({d}, {d}) to match mean, got {self.cov.shape}")
        if not np.allclose(self.cov, self.cov.T, rtol=1e-10, atol=1e-12):
            raise ValueError("cov must be symmetric")
        try:
            self._L = np.linalg.cholesky(self.cov)
        except np.linalg.LinAlgError:
            raise ValueError("cov must be positive definite") from None
        self.estimator = _check_choice("estimator", estimator, _ESTIMATORS)
        self.ddof = 1 if self.estimator == "unbiased" else 0
        self.d = d

    def __repr__(self):
        return f"MultivariateGaussian(d={self.d}, estimator={self.estimator!r})"

    def truth(self):
        return {
            "mean": self.mean.copy(),
            "cov": self.cov.copy(),
            "logdet": np.float64(np.linalg.slogdet(self.cov)[1]),
        }

    def _param_shapes(self):
        return {"mean": (self.d,), "cov": (self.d, self.d), "logdet": ()}

    def _state_bytes(self):
        return 8 * (12 * self.d * self.d + 8 * self.d + 8)

    def _has_exact(self, scheme, fresh):
        return fresh == 0

    def _min_size(self):
        return self.d + 1

    def _init(self, B):
        return {
            "mean": np.broadcast_to(self.mean, (B, self.d)).copy(),
            "L": np.broadcast_to(self._L, (B, self.d, self.d)).copy(),
            "logdiag": np.broadcast_to(np.log(np.diag(self._L)), (B, self.d)).copy(),
            "N": 0,
            "M2": np.zeros((B, self.d, self.d)),
        }

    def _current(self, st):
        L = st["L"]
        return {
            "mean": st["mean"],
            "cov": L @ np.swapaxes(L, 1, 2),
            "logdet": 2.0 * st["logdiag"].sum(axis=1),
        }

    def _bartlett(self, n, rng):
        d = self.d
        A = np.zeros((rng.size, d, d))
        df = (n - 1 - np.arange(d)) / 2
        A[:, np.arange(d), np.arange(d)] = np.sqrt(
            2.0 * rng.draw("gamma", "standard_gamma", tail=(d,), shape=df)
        )
        low = np.tril_indices(d, -1)
        if low[0].size:
            A[:, low[0], low[1]] = rng.draw("normal", "standard_normal", tail=(low[0].size,))
        return A

    def _step(self, st, t, n, rng, scheme, fresh, exact):
        L = st["L"]
        if exact:
            z = rng.draw("normal", "standard_normal", tail=(self.d,))
            mean_b = st["mean"] + np.einsum("bij,bj->bi", L, z) / np.sqrt(n)
            factor = self._bartlett(n, rng)
        else:
            mean_b, factor = self._samples(st, n, rng, fresh)
        # The batch scatter is R R^T with R = L @ factor (fresh == 0: both lower
        # triangular, so diag(R) = diag(L) * diag(factor)) or R = factor (fresh > 0).
        R = L @ factor if fresh == 0 else factor
        if scheme == "replace":
            st["mean"] = mean_b
            st["L"] = R / np.sqrt(n - self.ddof)
            diag = np.log(np.diagonal(factor, axis1=1, axis2=2)) - 0.5 * np.log(n - self.ddof)
            st["logdiag"] = st["logdiag"] + diag if fresh == 0 else diag
            return
        st["N"], st["mean"], st["M2"] = _chan_matrix(
            st["N"], st["mean"], st["M2"], n, mean_b, R @ np.swapaxes(R, 1, 2)
        )
        st["L"] = np.linalg.cholesky(st["M2"] / (st["N"] - self.ddof))
        st["logdiag"] = np.log(np.diagonal(st["L"], axis1=1, axis2=2))

    def _samples(self, st, n, rng, fresh):
        """Batch mean and a Cholesky factor of the batch scatter from ``n`` actual draws.

        Without fresh data the draws are ``x = m + L z`` and the factor is that of the
        scatter of the standardised ``z`` (the caller multiplies by ``L``).
        """
        L, m = st["L"], st["mean"]
        cnt, mean, m2 = 0, np.zeros(m.shape), np.zeros(L.shape)
        for rows in _pieces(n, rng.size * self.d):
            z = rng.draw("normal", "standard_normal", lead=(rows,), tail=(self.d,))
            if fresh > 0:
                real = rng.draw("uniform", "random", lead=(rows,)) < fresh
                x = np.where(
                    real[..., None],
                    self.mean + z @ self._L.T,
                    m[None] + np.einsum("bij,rbj->rbi", L, z),
                )
            else:
                x = z  # standardised coordinates: x = m + L z, mapped back below
            pm = x.mean(axis=0)
            xc = x - pm
            pm2 = np.einsum("rbi,rbj->bij", xc, xc)
            cnt, mean, m2 = _chan_matrix(cnt, mean, m2, rows, pm, pm2)
        if fresh == 0:
            return m + np.einsum("bij,bj->bi", L, mean), np.linalg.cholesky(m2)
        return mean, np.linalg.cholesky(m2)


# ------------------------------------------------------------- non-smooth counterexample


class SpikeUniform(Family):
    r"""Uniform background plus a narrow uniform spike: accumulation does not save it.

    :math:`p_\theta = (1-\alpha)\,U[0, 2] + \alpha\, U[\theta, \theta + w(\theta)]` with
    a doubly exponential width :math:`w(\theta) = \exp(-\omega_0 e^{b\theta})`,
    :math:`\theta \in [0, 1]`. The MLE exists, is computed exactly (over a finite set of
    candidates) and is consistent for i.i.d. data, yet under ``scheme="accumulate"`` a
    single background point in the *capture zone* can take the MLE, and the synthetic
    data then keep it there: a counterexample in the spirit of Barzilai and Shamir
    (2025), who show that smoothness assumptions cannot be dropped. This construction
    is ours, not the paper's; its mathematics is in the private module ``collapse_lib._spike``.

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
    Only ``method="samples"`` exists (the MLE needs the data themselves); under
    accumulate every replicate keeps all its observations, so memory grows as
    :math:`\sum_t n_t` per replicate. Recorded parameter ``"theta"``.
    """

    params = ("theta",)
    _roles = ("sample", "truth", "uniform")

    def __init__(
        self, theta=_spike.THETA_STAR, weight=_spike.WEIGHT, omega0=_spike.OMEGA0, rate=_spike.RATE
    ):
        self.theta = _check_real("theta", theta, low=0.0, high=1.0)
        self.weight = _check_real(
            "weight", weight, low=0.0, high=1.0, low_open=True, high_open=True
        )
        self.omega0 = _check_real("omega0", omega0, low=1.0)
        self.rate = _check_real("rate", rate, low=0.0, low_open=True)
        _spike._check_constants(self.weight, self.omega0, self.rate)

    def __repr__(self):
        return (
            f"SpikeUniform(theta={self.theta!r}, weight={self.weight!r}, "
            f"omega0={self.omega0:.4g}, rate={self.rate!r})"
        )

    @property
    def _constants(self):
        return {"weight": self.weight, "omega0": self.omega0, "rate": self.rate}

    def truth(self):
        return {"theta": np.float64(self.theta)}

    def _has_exact(self, scheme, fresh):
        return False

    def _state_bytes(self):
        return 1 << 20

    def _extra_bytes(self, scheme, total):
        return 8 * total if scheme == "accumulate" else 0

    def _init(self, B):
        return {"theta": np.full(B, self.theta), "data": None, "N": 0}

    def _current(self, st):
        return {"theta": st["theta"]}

    def _draws(self, theta, n, rng, role):
        return rng.apply(
            role,
            lambda gen, theta: _spike._sample(theta, n, gen, **self._constants),
            per_rep={"theta": theta},
        )

    def _step(self, st, t, n, rng, scheme, fresh, exact):
        x = self._draws(st["theta"], n, rng, "sample")
        if fresh > 0:
            real = rng.draw("uniform", "random", tail=(n,)) < fresh
            x = np.where(real, self._draws(np.full(rng.size, self.theta), n, rng, "truth"), x)
        if scheme == "accumulate":
            # keep every replicate's data sorted: merging a sorted batch into a sorted
            # row is a linear-time stable sort, and the MLE then skips its own sort
            x = np.sort(x, axis=1)
            if st["data"] is None:
                st["data"] = np.empty((rng.size, int(st["total"])))
            N = st["N"]
            st["data"][:, N : N + n] = x
            st["N"] = N = N + n
            x = st["data"][:, :N]
            x.sort(axis=1, kind="stable")
            st["theta"] = _spike._mle(x, presorted=True, **self._constants)
            return
        st["theta"] = _spike._mle(x, **self._constants)
