"""Gradient descent on the planted model and the stationary points it stops at (§4.3–§4.4).

**Full-rank stationary points are global** (§4.3). The gradient of the empirical risk is
``grad_W = -(4/N) W sum_i r_i x_i x_i^T`` with ``r_i = y_i - |W x_i|^2``. If ``W`` has rank ``d``
and the gradient vanishes, ``sum_i r_i x_i x_i^T = 0``; its inner product with
``M = W^T W - W*^T W*`` is ``-sum_i r_i^2`` (since ``x_i^T M x_i = -r_i``), so every ``r_i = 0``:
the empirical risk is 0. When the ``x_i x_i^T`` span the symmetric matrices
(``N >= d(d+1)/2`` for a continuous law), ``M = 0`` follows, and then ``W = Q W*`` with ``Q``
orthogonal (:func:`procrustes`). Rank-deficient stationary points exist (``W = 0`` is one) and
gradient descent from a rank-deficient start stays rank-deficient in exact arithmetic:
``W_{t+1} = W_t (I - 2 eta G_t)`` is a product with ``W_t``, so its rank cannot grow. In floating
point, rounding errors along the missing direction grow where the curvature there is negative,
and descent can leave a rank-deficient saddle after many iterations.

**Descent from below the barrier** (§4.4). Started with a risk below the empirical barrier,
descent cannot reach a rank-deficient point (their risk is above the barrier and the risk
decreases), so ``sigma_min(W_t)`` stays away from 0; the slides bound the iterations to an
``eps``-stationary point by ``poly(1/eps, d)`` with constants not given in the source.

:func:`gradient_descent` runs plain descent with a fixed step on a batch of starts and records
when each first reaches ``|grad|_F <= tolerance``; :func:`classify` sorts a stopped point by its
rank, its risk and the signs of its Hessian's eigenvalues (float64).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from threadpoolctl import threadpool_limits

from qlcore.infra.checks import (
    InputError,
    as_array,
    as_matrix,
    check_budget,
    check_positive_int,
    check_real,
)
from qlcore.samples import span
from qlcore.stationary.risks import check_risk

KINDS = ("global minimum", "saddle", "non-global minimum", "not stationary")
"""How :func:`classify` names a point."""


@dataclass(frozen=True)
class DescentResult:
    """Result of :func:`gradient_descent` for ``R`` starts.

    ``weights`` (R, m, d) where each run stopped; ``iterations`` (R,) the first iteration with
    ``|grad|_F <= tolerance`` (-1 if none within the budget); ``milestone_iterations`` (R, K) the
    first with ``|grad|_F <= milestones[k]`` (-1 if none); ``record_iterations`` (T,) and, at
    them, ``risk`` (T, R) and ``sigma_min`` (T, R) (smallest singular value of ``W_t``; a run that
    has stopped repeats its last values); ``min_sigma_min`` (R,) the smallest recorded one;
    ``monotone`` (R,) whether the recorded risk never increased (beyond ``1e-12`` times the
    risk at ``W = 0``, the scale of the rounding errors of the moment formula); ``step`` the
    step size.
    """

    weights: np.ndarray
    iterations: np.ndarray
    milestone_iterations: np.ndarray
    record_iterations: np.ndarray
    risk: np.ndarray
    sigma_min: np.ndarray
    min_sigma_min: np.ndarray
    monotone: np.ndarray
    step: float


def gradient_descent(
    risk,
    starts,
    *,
    tolerance: float,
    max_iterations: int,
    step: float | None = None,
    record_every: int = 10,
    milestones=(),
) -> DescentResult:
    """Descent ``W <- W - step grad_W`` on ``risk`` from each of ``starts`` (R, m, d) until
    ``|grad|_F <= tolerance`` or ``max_iterations``. ``step`` defaults to
    the risk's ``step_size`` at the starts (the largest start
    sets it, so one step size serves the batch). ``milestones``: larger tolerances whose first
    crossing is recorded too (the iterations to an ``eps``-stationary point for several ``eps``
    in one run)."""
    risk = check_risk(risk)
    weights = as_array(starts, "starts")
    if weights.ndim != 3 or weights.shape[-1] != risk.dim:
        raise InputError(
            f"starts must have shape (R, m, {risk.dim}), got {weights.shape}", argument="starts"
        )
    tolerance = check_real(tolerance, "tolerance", positive=True)
    max_iterations = check_positive_int(max_iterations, "max_iterations")
    record_every = check_positive_int(record_every, "record_every")
    milestones = as_array(milestones, "milestones").reshape(-1)
    if np.any(milestones < tolerance):
        raise InputError(
            f"milestones must be >= tolerance = {tolerance} (descent stops at tolerance)",
            argument="milestones",
        )
    check_budget(
        "gradient descent",
        argument="max_iterations",
        flops=4.0 * max_iterations * weights.shape[0] * (risk.dim**4 + weights[0].size * risk.dim),
        nbytes=16.0 * (max_iterations // record_every + 2) * weights.shape[0],
        fix="use fewer starts or iterations",
    )
    step = risk.step_size(weights) if step is None else check_real(step, "step", positive=True)
    weights = weights.copy()
    iterations = np.full(weights.shape[0], -1)
    passed = np.full((weights.shape[0], len(milestones)), -1)
    active = np.ones(weights.shape[0], dtype=bool)
    records, risks, sigmas = [], [], []
    with threadpool_limits(limits=1, user_api="blas"):  # small products: see barrier
        for iteration in range(max_iterations + 1):
            gradient = risk.gradients(weights[active])
            norms = np.linalg.norm(gradient, axis=(-2, -1))
            reached = norms <= tolerance
            rows = np.flatnonzero(active)
            for column, level in enumerate(milestones):
                crossed = rows[(norms <= level) & (passed[rows, column] < 0)]
                passed[crossed, column] = iteration
            if iteration % record_every == 0 or iteration == max_iterations or reached.any():
                records.append(iteration)
                risks.append(np.asarray(risk.values(weights), dtype=float).reshape(-1))
                sigmas.append(span.smallest_singular_value(weights))
            done = np.flatnonzero(active)[reached]
            iterations[done] = iteration
            if iteration == max_iterations:
                break
            still = np.flatnonzero(active)[~reached]
            weights[still] -= step * gradient[~reached]
            active[done] = False
            if not active.any():
                break
    risk_history, sigma_history = np.array(risks), np.array(sigmas)
    rounding = 1e-12 * float(np.max(risk.values(np.zeros_like(weights[:1]))))
    return DescentResult(
        weights=weights,
        iterations=iterations,
        milestone_iterations=passed,
        record_iterations=np.array(records),
        risk=risk_history,
        sigma_min=sigma_history,
        min_sigma_min=sigma_history.min(axis=0),
        monotone=np.all(np.diff(risk_history, axis=0) <= rounding, axis=0),
        step=float(step),
    )


@dataclass(frozen=True)
class StationaryReport:
    """What :func:`classify` finds at one point: numerical ``rank`` of ``W``, ``risk``,
    ``relative_risk`` (over the risk at ``W = 0``), ``gradient_norm``, the extreme Hessian
    eigenvalues, the number of negative ones (``n_negative``) and the ``kind`` (:data:`KINDS`)."""

    rank: int
    risk: float
    relative_risk: float
    gradient_norm: float
    hessian_min: float
    hessian_max: float
    n_negative: int
    kind: str


def classify(
    risk,
    weights,
    *,
    gradient_tol: float,
    risk_tol: float = 1e-8,
    rank_tol: float = 1e-6,
    eigen_tol: float = 1e-7,
) -> StationaryReport:
    """Classify ``weights`` (m, d) as a point of ``risk``'s landscape.

    ``"not stationary"`` if ``|grad|_F > gradient_tol``; else ``"global minimum"`` if the risk is
    at most ``risk_tol`` times the risk at ``W = 0``; else ``"saddle"`` if the Hessian has an
    eigenvalue below ``-eigen_tol * max|eigenvalue|`` (a direction of descent), and
    ``"non-global minimum"`` if it has none (positive semidefinite: a spurious minimum or a
    degenerate point that the second-order test cannot decide). The rank counts singular values
    above ``rank_tol * sigma_max``.
    """
    risk = check_risk(risk)
    weights = as_matrix(weights, "weights", cols=risk.dim)
    gradient_tol = check_real(gradient_tol, "gradient_tol", positive=True)
    risk_tol = check_real(risk_tol, "risk_tol", positive=True)
    rank_tol = check_real(rank_tol, "rank_tol", positive=True)
    eigen_tol = check_real(eigen_tol, "eigen_tol", positive=True)
    singular = np.linalg.svd(weights, compute_uv=False)
    rank = int(np.sum(singular > rank_tol * max(singular[0], 1e-300)))
    value = float(risk.values(weights))
    relative = value / float(risk.values(np.zeros_like(weights)))
    gradient_norm = float(np.linalg.norm(risk.gradients(weights)))
    eigenvalues = np.linalg.eigvalsh(risk.hessian(weights))
    n_negative = int(np.sum(eigenvalues < -eigen_tol * np.abs(eigenvalues).max()))
    if gradient_norm > gradient_tol:
        kind = "not stationary"
    elif relative <= risk_tol:
        kind = "global minimum"
    elif n_negative:
        kind = "saddle"
    else:
        kind = "non-global minimum"
    return StationaryReport(
        rank=rank,
        risk=value,
        relative_risk=relative,
        gradient_norm=gradient_norm,
        hessian_min=float(eigenvalues[0]),
        hessian_max=float(eigenvalues[-1]),
        n_negative=n_negative,
        kind=kind,
    )


def procrustes(weights, planted) -> tuple[np.ndarray, float]:
    """The orthogonal ``Q`` (m x m) closest to mapping ``W*`` onto ``W`` (``Q = U V^T`` from the
    SVD ``W W*^T = U S V^T``) and the residual ``|W - Q W*|_F / |W*|_F``, which is 0 exactly when
    ``W^T W = W*^T W*``."""
    planted = as_matrix(planted, "planted")
    weights = as_matrix(weights, "weights", rows=planted.shape[0], cols=planted.shape[1])
    left, _, right = np.linalg.svd(weights @ planted.T)
    rotation = left @ right
    residual = np.linalg.norm(weights - rotation @ planted) / np.linalg.norm(planted)
    return rotation, float(residual)
