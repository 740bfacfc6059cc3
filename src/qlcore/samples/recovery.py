"""Recovery of the teacher by gradient descent and the relaxation-time extrapolation of ``alpha_c``.

Sarao Mannelli et al., Theorem 4.1 (eqs. 15-16): gradient
descent on the weights of a student of width ``m >= d`` reaches a zero of the empirical loss
``E_n``; the teacher ``A*`` is recovered when it is the only zero (eq. 10), which happens with
vanishing probability below ``n_c`` (eq. 13) and with positive probability above. This module
measures that in two ways:

* App. B.2 (Fig. B.2): the fraction of runs whose generalisation error ``E(A) / E(A(0))``
  (eq. 9) is below ``threshold`` at the end of the run, with its binomial standard error
  (:func:`recovered_fraction`);
* App. B.3 (Fig. B.4): the time ``tau`` to cross ``threshold`` grows as ``alpha`` decreases to
  the threshold, as a power law (Cugliandolo-Kurchan), ``tau ~ (alpha - alpha_c)^-gamma``. A fit
  of ``log tau = a - gamma log(alpha - alpha_c)`` by nonlinear least squares gives ``alpha_c``
  with a 95% confidence interval from the Student-t distribution (the paper's choice) on the
  parameter covariance (:func:`fit_relaxation_times`).

The relaxation time at one ``alpha`` is the median crossing time over independent instances
(:func:`relaxation_time`): runs that never cross (their instance has other zeros of ``E_n``, or
they are too slow for the run length) count as ``inf``, so the median is finite exactly when more
than half of the runs cross, and it diverges where the chance of recovery falls to one half.

The runs themselves (:func:`simulate_recovery`) use
:func:`qlcore.samples.teacher_student.gd_recovery`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import optimize, stats

from qlcore.infra.checks import (
    InputError,
    QLCoreError,
    as_array,
    as_vector,
    check_budget,
    check_int,
    check_positive_int,
    check_real,
    check_seed,
)
from qlcore.samples import teacher_student, thresholds

# (qlcore.infra.sweep hashes these with this file to key its cache of simulate_recovery)


# --------------------------------------------------------------------------- the runs


def simulate_recovery(
    dim: int,
    m_star: int,
    n_samples: int,
    runs: int,
    t_max: float,
    threshold: float,
    teacher: str = "orthonormal",
    seed: int = 0,
) -> dict:
    """Gradient descent (eq. 3) on ``runs`` independent data sets of ``n_samples`` Gaussian inputs
    labelled by one teacher of width ``m_star``
    (:func:`qlcore.samples.teacher_student.teacher_matrix`), a student of width ``d`` from ``A(0) =
    I`` (Theorem 5.2's start; by Lemma 2.1 the flow of ``A`` then does not depend on the width), up
    to flow time ``t_max`` with the default step ``0.3 / (d (d + 2))``.

    The random stream is ``numpy.random.default_rng([seed, dim, m_star, n_samples])``, so a point
    is the same in every experiment that asks for it. Runs share the teacher: whether ``A*`` is
    the only zero of ``E_n`` depends on ``A*`` only through its range (the tangent cone of the PSD
    matrices at ``A*``), which is uniformly distributed for both teachers, so the recovery
    outcomes of the runs are independent.

    Returns JSON: per run, ``crossing_times`` (first recorded ``t`` with ``E(A) / E(A(0)) <
    threshold``, ``None`` if none by ``t_max``), ``final_generalisation`` and
    ``final_training_loss`` (``E_n``, eq. 6) at ``t_max``.
    """
    dim = check_positive_int(dim, "dim")
    runs = check_positive_int(runs, "runs")
    n_samples = check_positive_int(n_samples, "n_samples")
    m_star = check_int(m_star, "m_star", minimum=0)
    threshold = check_real(threshold, "threshold", positive=True)
    seed = check_seed(seed)
    check_budget(
        "the inputs of all runs",
        argument="runs",
        nbytes=8.0 * runs * n_samples * dim,
        fix="use fewer runs or samples",
    )
    rng = np.random.default_rng([seed, dim, m_star, n_samples])
    matrix = teacher_student.teacher_matrix(dim, m_star, teacher, seed=rng)
    inputs = rng.standard_normal((runs, n_samples, dim))
    run = teacher_student.gd_recovery(
        inputs,
        matrix,
        width=dim,
        t_max=t_max,
        n_runs=runs,
        init="identity",
        seed=rng,
        n_records=400,
    )
    times = run.crossing_time(threshold)
    return {
        "crossing_times": [float(t) if np.isfinite(t) else None for t in times],
        "final_generalisation": run.generalisation[:, -1].tolist(),
        "final_training_loss": run.training_loss[:, -1].tolist(),
    }


def samples_above_threshold(dim: int, m_star: int, ratios) -> list[int]:
    """The distinct sample sizes ``round(r n_c)`` for the ``ratios`` ``r`` (increasing), with
    ``n_c`` of eq. 13: the window of ``n`` for the relaxation-time fit."""
    dim = check_positive_int(dim, "dim")
    m_star = check_int(m_star, "m_star", minimum=0)
    ratios = as_vector(ratios, "ratios")
    if not np.all(ratios > 0):
        raise InputError(f"ratios must be > 0, got {ratios.tolist()}")
    n_c = thresholds.n_critical(dim, m_star)
    return sorted({int(round(r * n_c)) for r in ratios})


# --------------------------------------------------------------------------- recovery fraction


@dataclass(frozen=True)
class RecoveredFraction:
    """``successes`` of ``runs`` below the threshold; ``standard_error = sqrt(p (1 - p) / runs)``
    (binomial; 0 when ``p`` is 0 or 1)."""

    fraction: float
    standard_error: float
    successes: int
    runs: int


def recovered_fraction(generalisation, threshold: float) -> RecoveredFraction:
    """The fraction of runs whose final generalisation error ``E(A) / E(A(0))`` is below
    ``threshold`` (App. B.2, Fig. B.2 left), with its binomial standard error."""
    values = as_vector(generalisation, "generalisation")
    threshold = check_real(threshold, "threshold", positive=True)
    successes = int(np.sum(values < threshold))
    p = successes / values.size
    return RecoveredFraction(
        fraction=p,
        standard_error=float(np.sqrt(p * (1 - p) / values.size)),
        successes=successes,
        runs=int(values.size),
    )


def relaxation_time(crossing_times) -> float:
    """The median of the runs' crossing times, ``None`` or ``inf`` meaning "did not cross": finite
    exactly when more than half of the runs crossed."""
    if isinstance(crossing_times, (str, bytes)) or not hasattr(crossing_times, "__iter__"):
        raise InputError(
            f"crossing_times must be a sequence of times (None for no crossing), got "
            f"{type(crossing_times).__name__}",
            argument="crossing_times",
        )
    times = as_array([np.inf if t is None else t for t in crossing_times], "crossing_times")
    if times.ndim != 1 or times.size == 0:
        raise InputError(
            f"crossing_times must be a non-empty 1-D sequence, got shape {times.shape}"
        )
    if np.any(np.isnan(times)) or np.any(times < 0):
        raise InputError("crossing_times must be >= 0 (None or inf for runs that did not cross)")
    return float(np.median(times))


# --------------------------------------------------------------------------- power-law fit


class PowerLawFitError(QLCoreError, RuntimeError):
    """The relaxation times show no divergence the power law can locate (its best ``alpha_c`` is
    at the edge of the search, or ``gamma <= 0``)."""


@dataclass(frozen=True)
class PowerLawFit:
    """``log tau = log_prefactor - gamma log(alpha - alpha_c)`` fitted to ``(alpha, log_tau)``.

    ``alpha_c_interval`` and ``gamma_interval`` are the paper's ``level`` confidence intervals,
    ``estimate -/+ t_{dof} * standard error`` with the covariance ``s^2 (J^T J)^-1`` of the
    least-squares estimate (``J`` the Jacobian of the model at the optimum, ``s^2`` the residual
    variance on ``dof = len(alpha) - 3`` degrees of freedom). They are linearised and symmetric:
    ``alpha_c < min(alpha)`` holds for the estimate, not necessarily for its interval, and when the
    scatter of ``log tau`` is large against the curvature of the data their coverage falls below
    ``level``. ``alpha_c_profile_interval`` does without the linearisation: the ``alpha_c`` whose
    profiled residual sum of squares is within ``F_{1,dof}(level) / dof`` of the minimum (relative),
    the likelihood-ratio interval of a Gaussian model; its lower end is ``-inf`` when the data
    cannot exclude "no divergence" within :data:`GAP_RANGE`, its upper end at most ``min(alpha)``.
    """

    alpha_c: float
    gamma: float
    log_prefactor: float
    standard_errors: tuple[float, float, float]  # of (alpha_c, gamma, log_prefactor)
    alpha_c_interval: tuple[float, float]
    gamma_interval: tuple[float, float]
    alpha_c_profile_interval: tuple[float, float]
    level: float
    dof: int
    residual_sd: float
    alpha: tuple[float, ...]
    log_tau: tuple[float, ...]

    def predict(self, alpha) -> np.ndarray:
        """The fitted ``tau(alpha)`` (``alpha > alpha_c``)."""
        alpha = as_array(alpha, "alpha")
        if not np.all(alpha > self.alpha_c):
            raise InputError(
                f"alpha must be > alpha_c = {self.alpha_c:.6g} (the fit diverges there)",
                argument="alpha",
            )
        return np.exp(self.log_prefactor - self.gamma * np.log(alpha - self.alpha_c))

    def as_dict(self) -> dict:
        """The fit as JSON: lists for tuples, ``None`` for an unbounded (``-inf``) end."""
        low, high = self.alpha_c_profile_interval
        return {
            "alpha_c": self.alpha_c,
            "gamma": self.gamma,
            "log_prefactor": self.log_prefactor,
            "standard_errors": list(self.standard_errors),
            "alpha_c_interval": list(self.alpha_c_interval),
            "gamma_interval": list(self.gamma_interval),
            "alpha_c_profile_interval": [low if np.isfinite(low) else None, high],
            "level": self.level,
            "dof": self.dof,
            "residual_sd": self.residual_sd,
            "alpha": list(self.alpha),
            "log_tau": list(self.log_tau),
        }


GAP_RANGE = (1e-4, 1e2)
"""``min(alpha) - alpha_c`` is searched in this range, in units of ``max(alpha) - min(alpha)``."""


def _line_fits(u: np.ndarray, y: np.ndarray):
    """Least squares ``y ~ a - gamma u`` for each row of ``u``: ``(a, gamma, rss)``."""
    u_mean, y_mean = u.mean(axis=-1, keepdims=True), y.mean()
    du = u - u_mean
    slope = (du @ (y - y_mean)) / np.sum(du**2, axis=-1)
    intercept = y_mean - slope * u_mean[..., 0]
    rss = np.sum((y - intercept[..., None] - slope[..., None] * u) ** 2, axis=-1)
    return intercept, -slope, rss


def fit_relaxation_times(alpha, tau, *, level: float = 0.95) -> PowerLawFit:
    """Fit ``log tau = a - gamma log(alpha - alpha_c)`` (App. B.3) by nonlinear least squares in
    ``(a, gamma, alpha_c)`` and give ``level`` confidence intervals (:class:`PowerLawFit`).

    ``alpha``: at least 4 distinct values; ``tau``: finite positive relaxation times (drop the
    ``inf`` ones first). For fixed ``alpha_c`` the model is linear in ``(a, gamma)``, so the
    residual sum of squares is profiled over the gap ``g = min(alpha) - alpha_c`` on a log grid
    of :data:`GAP_RANGE` and the best grid point refined by a bounded scalar search (variable
    projection: no starting guess, no local minima missed between grid points wider than the grid
    step). Raises :class:`PowerLawFitError` when the optimum is at the edge of the range (the
    data show no divergence, or only at the first point) or has ``gamma <= 0``.
    """
    alpha = as_vector(alpha, "alpha")
    tau = as_vector(tau, "tau", length=alpha.size)
    if alpha.size < 4:
        raise InputError(
            f"alpha must have at least 4 points for a 3-parameter fit with a "
            f"confidence interval, got {alpha.size}"
        )
    if np.unique(alpha).size != alpha.size:
        raise InputError("alpha must have distinct values; combine repeated points first")
    if not np.all(tau > 0):
        raise InputError("tau must be finite and > 0; drop the points whose runs did not cross")
    log_tau = np.log(tau)
    level = check_real(level, "level")
    if not 0 < level < 1:
        raise InputError(f"level must be between 0 and 1, got {level}")
    lowest, span = alpha.min(), np.ptp(alpha)

    def profile(log_gap):
        """Residual sum of squares at ``alpha_c = min(alpha) - exp(log_gap)``."""
        gaps = np.exp(np.asarray(log_gap, dtype=np.float64))
        return _line_fits(np.log(alpha - lowest + gaps[..., None]), log_tau)[2]

    grid = np.linspace(np.log(GAP_RANGE[0] * span), np.log(GAP_RANGE[1] * span), 601)
    rss = profile(grid)
    best = int(np.argmin(rss))
    if best in (0, grid.size - 1):
        raise PowerLawFitError(
            f"the best alpha_c is at the edge of the search (min(alpha) - "
            f"alpha_c = {np.exp(grid[best]):.3g}): the relaxation times show "
            f"no divergence that a power law locates"
        )
    log_gap = optimize.minimize_scalar(
        lambda g: float(profile(g)),
        method="bounded",
        bounds=(grid[best - 1], grid[best + 1]),
        options={"xatol": 1e-10},
    ).x
    alpha_c = lowest - np.exp(log_gap)
    u = np.log(alpha - alpha_c)
    prefactor, gamma, residual = (float(v) for v in _line_fits(u, log_tau))
    if not gamma > 0:
        raise PowerLawFitError(
            f"the fitted gamma = {gamma:.3g} is not > 0: the relaxation times "
            f"do not grow towards small alpha"
        )
    dof = alpha.size - 3
    jacobian = np.column_stack(
        [gamma / (alpha - alpha_c), -u, np.ones_like(u)]
    )  # d model / d(alpha_c, gamma, a)
    variance = residual / dof
    errors = np.sqrt(np.diag(variance * np.linalg.inv(jacobian.T @ jacobian)))
    quantile = stats.t.ppf(0.5 + level / 2, dof)
    cut = residual * (1 + stats.f.ppf(level, 1, dof) / dof)
    return PowerLawFit(
        alpha_c=float(alpha_c),
        gamma=gamma,
        log_prefactor=prefactor,
        standard_errors=tuple(float(e) for e in errors),
        alpha_c_interval=(
            float(alpha_c - quantile * errors[0]),
            float(alpha_c + quantile * errors[0]),
        ),
        gamma_interval=(float(gamma - quantile * errors[1]), float(gamma + quantile * errors[1])),
        alpha_c_profile_interval=_profile_interval(
            profile, np.sort(np.append(grid, log_gap)), cut, lowest
        ),
        level=level,
        dof=dof,
        residual_sd=float(np.sqrt(variance)),
        alpha=tuple(alpha.tolist()),
        log_tau=tuple(log_tau.tolist()),
    )


def _profile_interval(profile, grid: np.ndarray, cut: float, lowest: float) -> tuple[float, float]:
    """The ``alpha_c = lowest - exp(log_gap)`` with ``profile(log_gap) <= cut``: the hull of the
    points of ``grid`` (which holds the optimum) inside, its ends refined between grid points by
    Brent's method; ``-inf`` (or ``lowest``) where it reaches the largest (or smallest) gap."""
    inside = np.flatnonzero(profile(grid) <= cut)

    def crossing(left: int) -> float:
        log_gap = optimize.brentq(lambda g: float(profile(g)) - cut, grid[left], grid[left + 1])
        return float(lowest - np.exp(log_gap))

    first, last = inside[0], inside[-1]
    high = float(lowest) if first == 0 else crossing(first - 1)
    low = -np.inf if last == grid.size - 1 else crossing(last)
    return low, high


def extrapolate_threshold(alpha, crossing_times, *, level: float = 0.95) -> dict:
    """App. B.3 on one curve: the relaxation time (:func:`relaxation_time`) at each ``alpha``
    from its runs' ``crossing_times`` (one sequence per ``alpha``), and the power-law fit
    (:func:`fit_relaxation_times`) on the points where it is finite.

    Returns JSON: ``alpha``, ``relaxation_times`` (``None`` where more than half of the runs did
    not cross), ``fit`` (:meth:`PowerLawFit.as_dict`, or ``None``) and ``failure`` (why there is
    no fit: fewer than 4 finite points, or :class:`PowerLawFitError`'s message; else ``None``).
    """
    alpha = as_vector(alpha, "alpha")
    if not isinstance(crossing_times, (list, tuple)) or len(crossing_times) != alpha.size:
        raise InputError(
            f"crossing_times must be a list holding one sequence per alpha ({alpha.size}), got "
            f"{type(crossing_times).__name__} {crossing_times!r:.60}"
        )
    tau = np.array([relaxation_time(times) for times in crossing_times])
    finite = np.isfinite(tau)
    fit, failure = None, None
    if finite.sum() < 4:
        failure = (
            f"only {int(finite.sum())} of {alpha.size} points have a finite relaxation "
            f"time; the fit needs 4"
        )
    else:
        try:
            fit = fit_relaxation_times(alpha[finite], tau[finite], level=level).as_dict()
        except PowerLawFitError as error:
            failure = str(error)
    return {
        "alpha": alpha.tolist(),
        "relaxation_times": [float(t) if np.isfinite(t) else None for t in tau],
        "fit": fit,
        "failure": failure,
    }
