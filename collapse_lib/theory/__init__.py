r"""
Closed-form theory of recursive training (:mod:`collapse_lib.theory`)
=====================================================================

Exact results (and a few labelled approximations) for the model families that
:func:`collapse_lib.simulate` runs, each checked in the tests against simulation or
exact computation. Every function's docstring states the mathematics and says whose
result it is: a paper's (with its key in the book's ``references.bib``), a classical
one, or one derived in this project.

Conventions
-----------
Round :math:`t = 0` is the truth :math:`\theta_0 = \theta^*`; round :math:`t \ge 1`
draws :math:`n_t` samples and fits :math:`\theta_t`, so :math:`\theta_1` is the
real-only fit. The arguments follow the library's vocabulary:

- the truth under the family constructor's names: ``sigma2`` (and ``mu``) as in
  ``Gaussian``, ``p`` as in ``Bernoulli``, ``lam`` as in ``Poisson``, ``probs`` as in
  ``Categorical``, ``cov`` as in ``MultivariateGaussian``, ``theta`` and the constants
  as in ``SpikeUniform``;
- ``sizes`` is the schedule :math:`n_1, \dots, n_G` (an int with ``generations``, a
  sequence, a callable :math:`t \mapsto n_t` or a ``schedules.Schedule``), exactly as in
  ``simulate``; ``n`` is a single size, for results that exist for a constant size only;
- ``generations`` is the number of rounds :math:`G`; a function of a schedule returns an
  array over :math:`t = 0, \dots, G` (length :math:`G + 1`), so that
  ``result[run.rounds]`` lines up with the recorded rounds of a run;
- ``t`` is a round index (scalar or array), ``scheme`` is ``"replace"`` or
  ``"accumulate"``, ``fresh`` the fresh fraction :math:`\varepsilon \in [0, 1]`, and
  ``estimator`` is ``"mle"`` (divide by :math:`n`) or ``"unbiased"`` (by :math:`n - 1`);
- every model setting is keyword-only; only the point of evaluation (``x``, ``q``,
  ``t``) may be given by position.

Bad input raises ``TypeError`` or ``ValueError`` naming the argument and the value.

Gaussian: the mean walk
-----------------------
- :func:`mean_walk_variance` -- :math:`\operatorname{Var}\mu_t`, variance known
- :func:`joint_mean_variance` -- :math:`\operatorname{Var}\mu_t`, variance refitted too
- :func:`prob_synthetic_beats_real` -- chance that synthetic rounds beat the real-only fit
- :func:`prob_synthetic_beats_real_by_generation` -- the same along a schedule
- :func:`shrunk_mean_moments` -- mean shrunk toward a fixed point: an autoregression
- :func:`shrunk_mean_stationary` -- its stationary law for a constant size

Gaussian: the variance walk
---------------------------
- :func:`gaussian_variance_mean` -- :math:`E\,\sigma_t^2` (replace, accumulate, shrunken)
- :func:`gaussian_variance_variance` -- :math:`\operatorname{Var}\sigma_t^2`
- :func:`gaussian_sigma_factor` -- per-round factor of :math:`E\,\sigma_t`
- :func:`gaussian_sigma_mean` -- :math:`E\,\sigma_t`
- :func:`log_variance_drift` -- mean step of :math:`\log\sigma_t^2`
- :func:`log_variance_step_variance` -- variance of one step of :math:`\log\sigma_t^2`
- :func:`log_variance_mean` -- :math:`E\log\sigma_t^2` (plain or shrunken)
- :func:`log_variance_variance` -- :math:`\operatorname{Var}\log\sigma_t^2`

Gaussian: fresh data
--------------------
- :func:`gaussian_fresh_moments` -- :math:`E\,\sigma_t^2` and :math:`E(\mu_t - \mu)^2`
- :func:`gaussian_fresh_stationary_moments` -- their limits for a constant size

Gaussian: the exact law of the log-variance and the tails of sigma
------------------------------------------------------------------
- :func:`log_variance_cdf` -- exact distribution function of :math:`\log\sigma_t^2`
- :func:`log_variance_quantile` -- its exact quantiles
- :func:`gaussian_sigma_tail_probability` -- exact :math:`P(\sigma_t > \eta)`
- :func:`gaussian_sigma_tail_rate` -- its exponential rate
- :func:`gaussian_sigma_tail_bound` -- Suresh et al.'s Markov bound, or the sharper one
- :func:`gaussian_sigma_halving_time_approx` -- law of the halving time (approximation)
- :func:`log_variance_overshoot_approx` -- mean overshoot of a far level (approximation)

Bernoulli and Poisson
---------------------
- :func:`g_iterate` -- iterates of :math:`g(x) = 1 - e^{-x}` (Suresh et al.)
- :func:`poisson_survival` -- :math:`P(\Lambda_t \ne 0)`, constant size
- :func:`poisson_survival_by_generation` -- :math:`P(\Lambda_t \ne 0)`, any schedule
- :func:`poisson_survival_forever` -- bracket on the chance of never dying out
- :func:`poisson_rate_variance` -- :math:`\operatorname{Var}\lambda_t`, either scheme, fresh data
- :func:`bernoulli_survival` -- :math:`P(P_t \ne 0)` or :math:`P(P_t \notin \{0, 1\})`, exact
- :func:`bernoulli_survival_bracket` -- Suresh et al.'s bracket on the same probability

Categorical resampling: the Wright–Fisher chain
-----------------------------------------------
- :func:`wf_transition_matrix` -- two-type transition matrix
- :func:`wf_fixation_probability` -- chance that a type takes over
- :func:`wf_heterozygosity` -- :math:`E[P_t(1 - P_t)]`
- :func:`wf_absorption_time_exact` -- mean time to fixation, exact
- :func:`wf_absorption_time_kimura` -- the same, diffusion approximation
- :func:`wf_absorption_time_kimura_multi` -- several types, diffusion approximation
- :func:`coalescence_time` -- mean time back to a common ancestor, exact
- :func:`coalescence_time_kingman` -- the same, Kingman's coalescent
- :func:`wf_collapse_tail_bound` -- bound on :math:`P(\text{not collapsed by } t)`
- :func:`wf_collapse_horizon` -- rounds after which collapse is near certain
- :func:`wf_surviving_types_mean` -- expected number of surviving types

Categorical resampling with fresh data
--------------------------------------
- :func:`wf_fresh_stationary_moments` -- stationary mean and variance of a frequency
- :func:`wf_fresh_variance` -- :math:`\operatorname{Var}P_t` along a schedule
- :func:`wf_fresh_stationary_distribution` -- exact stationary law of a count
- :func:`wf_fresh_stationary_beta` -- its Beta (diffusion) approximation
- :func:`wf_fresh_effective_size` -- what a stationary round is worth in i.i.d. draws
- :func:`wf_fresh_fraction_for_effective_size` -- the fresh fraction for a target worth

Unigram language models: words and vocabulary
---------------------------------------------
- :func:`word_loss_probability_exact` -- chance that a word seen :math:`c` times is lost, exact
- :func:`word_loss_probability_poisson` -- the same, Poisson approximation
- :func:`word_forgetting_median` -- median forgetting time
- :func:`word_forgetting_mean_given_loss` -- mean forgetting time given loss
- :func:`unigram_absence_probability` -- chance that each word is absent, every round

Multivariate Gaussian
---------------------
- :func:`mvn_logdet_drift` -- mean step of :math:`\ln\det\Sigma_t`
- :func:`mvn_logdet_mean` -- :math:`E\ln\det\Sigma_t`
- :func:`mvn_logdet_variance` -- :math:`\operatorname{Var}\ln\det\Sigma_t`

The spike family
----------------
- :func:`spike_capture_point` -- left end of the capture zone
- :func:`spike_mle_correct_probability` -- chance that one MLE is exact
- :func:`spike_survival` -- chance that recursive MLE is still exact, every round

Examples
--------
>>> from collapse_lib import theory
>>> theory.gaussian_variance_mean(sizes=20, estimator="mle", generations=2).round(4).tolist()
[1.0, 0.95, 0.9025]
"""

from ._bernoulli_poisson import (
    bernoulli_survival,
    bernoulli_survival_bracket,
    g_iterate,
    poisson_rate_variance,
    poisson_survival,
    poisson_survival_by_generation,
    poisson_survival_forever,
)
from ._gaussian_law import (
    gaussian_sigma_halving_time_approx,
    gaussian_sigma_tail_bound,
    gaussian_sigma_tail_probability,
    gaussian_sigma_tail_rate,
    log_variance_cdf,
    log_variance_overshoot_approx,
    log_variance_quantile,
)
from ._gaussian_mean import (
    joint_mean_variance,
    mean_walk_variance,
    prob_synthetic_beats_real,
    prob_synthetic_beats_real_by_generation,
    shrunk_mean_moments,
    shrunk_mean_stationary,
)
from ._gaussian_variance import (
    gaussian_fresh_moments,
    gaussian_fresh_stationary_moments,
    gaussian_sigma_factor,
    gaussian_sigma_mean,
    gaussian_variance_mean,
    gaussian_variance_variance,
    log_variance_drift,
    log_variance_mean,
    log_variance_step_variance,
    log_variance_variance,
)
from ._multivariate import mvn_logdet_drift, mvn_logdet_mean, mvn_logdet_variance
from ._spike_uniform import spike_capture_point, spike_mle_correct_probability, spike_survival
from ._words import (
    unigram_absence_probability,
    word_forgetting_mean_given_loss,
    word_forgetting_median,
    word_loss_probability_exact,
    word_loss_probability_poisson,
)
from ._wright_fisher import (
    coalescence_time,
    coalescence_time_kingman,
    wf_absorption_time_exact,
    wf_absorption_time_kimura,
    wf_absorption_time_kimura_multi,
    wf_collapse_horizon,
    wf_collapse_tail_bound,
    wf_fixation_probability,
    wf_heterozygosity,
    wf_surviving_types_mean,
    wf_transition_matrix,
)
from ._wright_fisher_fresh import (
    wf_fresh_effective_size,
    wf_fresh_fraction_for_effective_size,
    wf_fresh_stationary_beta,
    wf_fresh_stationary_distribution,
    wf_fresh_stationary_moments,
    wf_fresh_variance,
)

__all__ = [
    # Gaussian: the mean walk
    "mean_walk_variance",
    "joint_mean_variance",
    "prob_synthetic_beats_real",
    "prob_synthetic_beats_real_by_generation",
    "shrunk_mean_moments",
    "shrunk_mean_stationary",
    # Gaussian: the variance walk
    "gaussian_variance_mean",
    "gaussian_variance_variance",
    "gaussian_sigma_factor",
    "gaussian_sigma_mean",
    "log_variance_drift",
    "log_variance_step_variance",
    "log_variance_mean",
    "log_variance_variance",
    # Gaussian: fresh data
    "gaussian_fresh_moments",
    "gaussian_fresh_stationary_moments",
    # Gaussian: the exact law of the log-variance and the tails of sigma
    "log_variance_cdf",
    "log_variance_quantile",
    "gaussian_sigma_tail_probability",
    "gaussian_sigma_tail_rate",
    "gaussian_sigma_tail_bound",
    "gaussian_sigma_halving_time_approx",
    "log_variance_overshoot_approx",
    # Bernoulli and Poisson
    "g_iterate",
    "poisson_survival",
    "poisson_survival_by_generation",
    "poisson_survival_forever",
    "poisson_rate_variance",
    "bernoulli_survival",
    "bernoulli_survival_bracket",
    # Categorical resampling: the Wright-Fisher chain
    "wf_transition_matrix",
    "wf_fixation_probability",
    "wf_heterozygosity",
    "wf_absorption_time_exact",
    "wf_absorption_time_kimura",
    "wf_absorption_time_kimura_multi",
    "coalescence_time",
    "coalescence_time_kingman",
    "wf_collapse_tail_bound",
    "wf_collapse_horizon",
    "wf_surviving_types_mean",
    # Categorical resampling with fresh data
    "wf_fresh_stationary_moments",
    "wf_fresh_variance",
    "wf_fresh_stationary_distribution",
    "wf_fresh_stationary_beta",
    "wf_fresh_effective_size",
    "wf_fresh_fraction_for_effective_size",
    # Unigram language models: words and vocabulary
    "word_loss_probability_exact",
    "word_loss_probability_poisson",
    "word_forgetting_median",
    "word_forgetting_mean_given_loss",
    "unigram_absence_probability",
    # Multivariate Gaussian
    "mvn_logdet_drift",
    "mvn_logdet_mean",
    "mvn_logdet_variance",
    # The spike family
    "spike_capture_point",
    "spike_mle_correct_probability",
    "spike_survival",
]
