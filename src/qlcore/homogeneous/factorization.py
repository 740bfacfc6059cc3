"""Matrix factorisation with weight decay and its convex twin (Vidal, Zhu and Haeffele, §1.4.1:
Theorem 1.5, Corollary 1.6 and the meta-algorithm).

**The problem.** For ``Y`` of shape ``(n2, n0)`` and ``lam > 0``, over the width ``n1`` and the
factors ``U`` (n2 x n1), ``V`` (n0 x n1)::

    F(U, V) = 1/2 |Y - U V^T|_F^2 + lam/2 (|U|_F^2 + |V|_F^2)                        (1.33)

with gradient (the first-order conditions (1.39))

    dF/dU = -(Y - U V^T) V + lam U,        dF/dV = -(Y - U V^T)^T U + lam V.

**The convex twin.** The variational form of the nuclear norm,
``|Z|_* = min_{n1, U V^T = Z} 1/2 (|U|_F^2 + |V|_F^2)`` (1.34), makes::

    G(Z) = 1/2 |Y - Z|_F^2 + lam |Z|_*                                                (1.35)

a lower bound, ``G(U V^T) <= F(U, V)`` (1.36), tight for balanced factors. Its minimiser is the
singular value thresholding ``Z = U_Y (S_Y - lam I)_+ V_Y^T`` of ``Y = U_Y S_Y V_Y^T``, reached by
``U = U_Y (S_Y - lam I)_+^{1/2}``, ``V = V_Y (S_Y - lam I)_+^{1/2}``, with value
``sum_i [min(s_i, lam)^2 / 2 + lam (s_i - lam)_+]`` over the singular values ``s_i`` of ``Y``
(:func:`factorization_optimum`).

**Certificate** (Corollary 1.6). ``(U, V, n1)`` is a global minimum of (1.33) if and only if
(i) ``<Y - U V^T, U V^T> = lam/2 (|U|_F^2 + |V|_F^2)``, which every first-order point satisfies
(multiply (1.39) by ``U^T`` and ``V^T``, sum the traces: (1.40)-(1.41)), and (ii)
``u^T (Y - U V^T) v <= lam/2 (|u|^2 + |v|^2)`` for all ``(u, v)``, that is
``sigma_max(Y - U V^T) <= lam``: the polar problem (1.42), solved by the top singular pair of the
residual (:func:`global_optimality`). Near misses are measured by weak duality: every ``L``
with ``sigma_max(L) <= lam`` gives ``G(Z) >= <L, Y> - |L|_F^2 / 2`` for all ``Z`` (add
``1/2 |Y - Z|^2 >= <L, Y - Z> - |L|^2 / 2`` and ``lam |Z|_* >= <L, Z>``), so with
``L = min(1, lam / sigma_max(R)) R``::

    F(U, V) - min F <= F(U, V) - <L, Y> + |L|_F^2 / 2,

zero at a global minimum.

**Meta-algorithm** (§1.4.1, :func:`meta_algorithm`). Descend to a first-order point at fixed
width; solve the polar problem; stop if ``sigma_max(R) <= lam``, else append the column pair
``(sqrt(eps) u, sqrt(eps) v)`` with ``(u, v)`` the unit top singular pair of ``R = Y - U V^T``
and descend again. Appending changes the objective by exactly

    F([U, sqrt(eps) u], [V, sqrt(eps) v]) - F(U, V) = -eps (sigma_max(R) - lam) + eps^2 / 2,

negative if and only if ``eps < 2 (sigma_max(R) - lam)`` and most negative at
``eps = sigma_max(R) - lam``. So the algorithm uses ``min(eps, sigma_max(R) - lam)``: the
decrease is then at least half the best one and strictly positive whenever the polar condition
fails (a fixed ``eps`` could increase the objective once ``sigma_max(R)`` is within ``eps / 2``
of ``lam``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import optimize
from threadpoolctl import threadpool_limits

from qlcore.infra.checks import (
    InputError,
    as_matrix,
    check_budget,
    check_choice,
    check_positive_int,
    check_real,
    rng_from_seed,
)

METHODS = ("lbfgs", "gd")
"""Local descents of :func:`local_descent`: scipy's L-BFGS-B, or gradient descent with the fixed
step ``1 / L`` (see :func:`local_descent`)."""


def _check_problem(y, lam) -> tuple[np.ndarray, float]:
    return as_matrix(y, "y"), check_real(lam, "lam", positive=True)


def _check_factors(y: np.ndarray, u, v) -> tuple[np.ndarray, np.ndarray]:
    u = as_matrix(u, "u", rows=y.shape[0])
    v = as_matrix(v, "v", rows=y.shape[1], cols=u.shape[1])
    return u, v


def _objective(y, u, v, lam) -> float:
    return float(0.5 * np.sum((y - u @ v.T) ** 2) + 0.5 * lam * (np.sum(u**2) + np.sum(v**2)))


def _gradient(y, u, v, lam) -> tuple[np.ndarray, np.ndarray]:
    residual = y - u @ v.T
    return -residual @ v + lam * u, -residual.T @ u + lam * v


def _top_pair(residual: np.ndarray) -> tuple[float, np.ndarray, np.ndarray]:
    """``sigma_max`` of ``residual`` and its unit singular pair (the solution of (1.42))."""
    left, singular, right = np.linalg.svd(residual)
    return float(singular[0]), left[:, 0], right[0]


def objective(y, u, v, lam: float) -> float:
    """``F(U, V) = 1/2 |Y - U V^T|_F^2 + lam/2 (|U|_F^2 + |V|_F^2)`` (1.33) for ``y`` (n2, n0),
    ``u`` (n2, n1) and ``v`` (n0, n1)."""
    y, lam = _check_problem(y, lam)
    return _objective(y, *_check_factors(y, u, v), lam)


def gradient(y, u, v, lam: float) -> tuple[np.ndarray, np.ndarray]:
    """``(dF/dU, dF/dV) = (-(Y - U V^T) V + lam U, -(Y - U V^T)^T U + lam V)`` of (1.33); they
    vanish at a first-order point (1.39)."""
    y, lam = _check_problem(y, lam)
    return _gradient(y, *_check_factors(y, u, v), lam)


def convex_objective(y, z, lam: float) -> float:
    """``G(Z) = 1/2 |Y - Z|_F^2 + lam |Z|_*`` (1.35), the convex lower bound of (1.33):
    ``G(U V^T) <= F(U, V)`` (1.36)."""
    y, lam = _check_problem(y, lam)
    z = as_matrix(z, "z", rows=y.shape[0], cols=y.shape[1])
    nuclear = float(np.sum(np.linalg.svd(z, compute_uv=False)))
    return float(0.5 * np.sum((y - z) ** 2) + lam * nuclear)


@dataclass(frozen=True)
class FactorizationOptimum:
    """Result of :func:`factorization_optimum`: the thresholded ``z`` (n2, n0), its ``rank``
    ``#{s_i(Y) > lam}``, the balanced factors ``u`` (n2, k) and ``v`` (n0, k) with
    ``u v^T = z`` and ``k = max(rank, 1)`` (one zero column when ``rank = 0``: (1.33) asks for
    ``n1 >= 1``), the optimal ``value`` of (1.33) and (1.35), and ``nuclear_norm`` ``|z|_*``."""

    z: np.ndarray
    rank: int
    u: np.ndarray
    v: np.ndarray
    value: float
    nuclear_norm: float


def factorization_optimum(y, lam: float) -> FactorizationOptimum:
    """The global minimum of (1.33) and (1.35) in closed form: the singular value thresholding
    ``Z = D_lam(Y) = U_Y (S_Y - lam I)_+ V_Y^T``, the factors
    ``U = U_Y (S_Y - lam I)_+^{1/2}``, ``V = V_Y (S_Y - lam I)_+^{1/2}`` (kept columns only) and
    the value ``sum_i [min(s_i, lam)^2 / 2 + lam (s_i - lam)_+]``."""
    y, lam = _check_problem(y, lam)
    left, singular, right = np.linalg.svd(y, full_matrices=False)
    shrunk = np.clip(singular - lam, 0.0, None)
    rank = int(np.count_nonzero(shrunk))
    kept = max(rank, 1)
    root = np.sqrt(shrunk[:kept])
    u, v = left[:, :kept] * root, right[:kept].T * root
    value = 0.5 * np.sum(np.minimum(singular, lam) ** 2) + lam * np.sum(shrunk)
    return FactorizationOptimum(
        z=u @ v.T,
        rank=rank,
        u=u,
        v=v,
        value=float(value),
        nuclear_norm=float(np.sum(shrunk)),
    )


@dataclass(frozen=True)
class GlobalOptimality:
    """Result of :func:`global_optimality` (Corollary 1.6).

    ``first_order_gap`` ``|<Y - U V^T, U V^T> - lam/2 (|U|_F^2 + |V|_F^2)|`` and
    ``condition_i`` (gap within tolerance); ``sigma_max`` of ``Y - U V^T`` and ``condition_ii``
    (``sigma_max <= lam (1 + tolerance)``); ``duality_gap``, a bound on ``F(U, V) - min F``
    (module docstring); ``optimal`` both conditions."""

    first_order_gap: float
    condition_i: bool
    sigma_max: float
    condition_ii: bool
    duality_gap: float
    optimal: bool


def global_optimality(y, u, v, lam: float, *, tolerance: float = 1e-6) -> GlobalOptimality:
    """Corollary 1.6's test of global optimality of ``(U, V, n1)`` for (1.33).

    Condition (i) holds when the gap is at most ``tolerance`` times
    ``|Y|_F^2 + lam/2 (|U|_F^2 + |V|_F^2)`` (both sides of (i) are at most of this size);
    condition (ii), the polar problem (1.42), when ``sigma_max(Y - U V^T) <= lam (1 + tolerance)``
    (at a global minimum with ``U V^T != 0``, ``sigma_max = lam`` exactly, so the test needs a
    tolerance)."""
    y, lam = _check_problem(y, lam)
    u, v = _check_factors(y, u, v)
    tolerance = check_real(tolerance, "tolerance", minimum=0.0)
    residual = y - u @ v.T
    decay = 0.5 * lam * (np.sum(u**2) + np.sum(v**2))
    gap = abs(float(np.sum(residual * (u @ v.T))) - decay)
    condition_i = gap <= tolerance * (np.sum(y**2) + decay)
    sigma = _top_pair(residual)[0]
    condition_ii = sigma <= lam * (1 + tolerance)
    dual = min(1.0, lam / sigma) * residual if sigma > 0 else residual
    duality_gap = 0.5 * np.sum(residual**2) + decay - np.sum(dual * y) + 0.5 * np.sum(dual**2)
    return GlobalOptimality(
        first_order_gap=float(gap),
        condition_i=bool(condition_i),
        sigma_max=sigma,
        condition_ii=bool(condition_ii),
        duality_gap=float(max(duality_gap, 0.0)),
        optimal=bool(condition_i and condition_ii),
    )


@dataclass(frozen=True)
class Descent:
    """Result of :func:`local_descent`: the factors ``u``, ``v`` where it stopped, their
    ``value`` of (1.33), ``gradient_norm`` ``|(dF/dU, dF/dV)|_F``, the iterations ``steps``,
    ``converged`` (the gradient norm reached the tolerance) and the ``step`` size of gradient
    descent (0 for L-BFGS)."""

    u: np.ndarray
    v: np.ndarray
    value: float
    gradient_norm: float
    steps: int
    converged: bool
    step: float


def _norm(*parts) -> float:
    return float(np.sqrt(sum(np.sum(part**2) for part in parts)))


def _gradient_norm(y, u, v, lam) -> float:
    return _norm(*_gradient(y, u, v, lam))


def _scale(y: np.ndarray) -> float:
    """``sigma_max(Y)``: the factors scale as its square root, the gradient as its power 3/2."""
    return float(np.linalg.norm(y, 2))


def _descend(y, u, v, lam, method, tolerance, max_steps) -> Descent:
    """Local descent on (1.33) from ``(u, v)`` until ``|grad|_F <= tolerance`` (absolute)."""
    n1 = u.shape[1]
    start = _objective(y, u, v, lam)
    if method == "gd":
        step = 1.0 / (4 * start / lam + np.sqrt(2 * start) + lam)
        for steps in range(max_steps + 1):
            grad_u, grad_v = _gradient(y, u, v, lam)
            if steps == max_steps or _norm(grad_u, grad_v) <= tolerance:
                break
            u, v = u - step * grad_u, v - step * grad_v
    else:
        step, steps = 0.0, 0
        if _gradient_norm(y, u, v, lam) > tolerance:

            def value_and_gradient(flat):
                u_, v_ = flat[: u.size].reshape(u.shape), flat[u.size :].reshape(v.shape)
                return _objective(y, u_, v_, lam), np.concatenate(
                    [part.ravel() for part in _gradient(y, u_, v_, lam)]
                )

            found = optimize.minimize(
                value_and_gradient,
                np.concatenate([u.ravel(), v.ravel()]),
                jac=True,
                method="L-BFGS-B",
                options={
                    "maxiter": max_steps,
                    "maxfun": 2 * max_steps,
                    "ftol": 0.0,
                    "gtol": tolerance / np.sqrt(u.size + v.size),
                    "maxcor": 20,
                },
            )
            u, v = found.x[: u.size].reshape(-1, n1), found.x[u.size :].reshape(-1, n1)
            steps = int(found.nit)
    norm = _gradient_norm(y, u, v, lam)
    return Descent(
        u=u,
        v=v,
        value=_objective(y, u, v, lam),
        gradient_norm=norm,
        steps=steps,
        converged=bool(norm <= tolerance),
        step=float(step),
    )


def _check_descent_options(method, gradient_tol, max_steps):
    return (
        check_choice(method, "method", METHODS),
        check_real(gradient_tol, "gradient_tol", positive=True),
        check_positive_int(max_steps, "max_steps"),
    )


def _check_finite_start(y, u, v, lam) -> None:
    """Refuse a start whose objective, ``lam`` times it (a bound on ``|lam U|^2`` along the
    descent) or gradient overflows float64."""
    with np.errstate(over="ignore", invalid="ignore"):
        start = _objective(y, u, v, lam)
        finite = np.isfinite(lam * start) and np.isfinite(_gradient_norm(y, u, v, lam))
    if not finite:
        raise InputError(
            "lam is too large for the scale of y and the factors: the objective or its gradient"
            " overflows float64; rescale y and lam together",
            argument="lam",
        )


def local_descent(
    y,
    u,
    v,
    lam: float,
    *,
    method: str = "lbfgs",
    gradient_tol: float = 1e-9,
    max_steps: int = 20_000,
) -> Descent:
    """Descend on (1.33) at fixed width from ``(u, v)`` to a first-order point: until
    ``|(dF/dU, dF/dV)|_F <= gradient_tol * sigma_max(Y)^{3/2}`` (the gradient's scale) or
    ``max_steps`` iterations.

    ``method="lbfgs"``: scipy's L-BFGS-B (its line search decreases the objective at every
    iteration). ``method="gd"``: gradient descent with the fixed step ``1 / L``,
    ``L = 4 F_0 / lam + sqrt(2 F_0) + lam`` and ``F_0 = F(u, v)``. On the sublevel set
    ``{F <= F_0}``, ``|U|_2^2, |V|_2^2 <= 2 F_0 / lam`` and ``|Y - U V^T|_2 <= sqrt(2 F_0)``, and
    the Hessian ``|dU V^T + U dV^T|^2 - 2 <Y - U V^T, dU dV^T> + lam |d|^2`` is at most ``L |d|^2``;
    so each step decreases ``F`` and never leaves the set (the descent lemma on the segment, by
    continuity)."""
    y, lam = _check_problem(y, lam)
    u, v = _check_factors(y, u, v)
    method, gradient_tol, max_steps = _check_descent_options(method, gradient_tol, max_steps)
    _check_finite_start(y, u, v, lam)
    check_budget(
        "the local descent",
        argument="max_steps",
        flops=8.0 * max_steps * y.size * u.shape[1],
        fix="use fewer steps",
    )
    with threadpool_limits(limits=1, user_api="blas"):  # tiny products: see stationary.barrier
        return _descend(y, u, v, lam, method, gradient_tol * _scale(y) ** 1.5, max_steps)


@dataclass(frozen=True)
class MetaAlgorithmResult:
    """Result of :func:`meta_algorithm`: the final factors ``u`` (n2, n1), ``v`` (n0, n1), their
    ``value`` of (1.33), ``converged`` (stopped because the polar condition held, not at the
    stage cap), and per stage ``s`` (arrays of length ``S``): ``widths`` ``n1``, ``values`` at
    the first-order point reached, ``sigma_max`` of the residual there, ``polar_holds``
    (``sigma_max <= lam (1 + polar_tol)``), ``gradient_norms``, descent ``steps``, and for the
    column appended after stage ``s`` the ``epsilons`` used and the objective ``decreases``
    (``F`` before minus ``F`` after; both 0 at the last stage, where no column is appended)."""

    u: np.ndarray
    v: np.ndarray
    value: float
    converged: bool
    widths: np.ndarray
    values: np.ndarray
    sigma_max: np.ndarray
    polar_holds: np.ndarray
    gradient_norms: np.ndarray
    steps: np.ndarray
    epsilons: np.ndarray
    decreases: np.ndarray


def meta_algorithm(
    y,
    lam: float,
    seed=0,
    *,
    width: int = 1,
    epsilon: float = 1e-2,
    method: str = "lbfgs",
    gradient_tol: float = 1e-9,
    polar_tol: float = 1e-6,
    max_stages: int | None = None,
    max_steps: int = 20_000,
) -> MetaAlgorithmResult:
    """The meta-algorithm of §1.4.1 for (1.33), from ``width`` random columns.

    The start has i.i.d. ``N(0, sigma_max(Y) / max(n0, n2))`` entries (from ``seed``). Each stage
    runs :func:`local_descent` (``method``, ``gradient_tol``, ``max_steps``) to a first-order
    point, then solves the polar problem (1.42) by the top singular pair ``(u, v)`` of
    ``R = Y - U V^T``: it stops if ``sigma_max(R) <= lam (1 + polar_tol)``, else appends
    ``(sqrt(e) u, sqrt(e) v)`` with ``e = min(epsilon, sigma_max(R) - lam)``, which lowers the
    objective by ``e (sigma_max(R) - lam) - e^2 / 2 > 0`` (module docstring). At most
    ``max_stages`` stages (default ``min(n0, n2) + 1``: with exact descents the run stops at
    width ``max(width, #{s_i(Y) > lam})``)."""
    y, lam = _check_problem(y, lam)
    rng = rng_from_seed(seed)
    width = check_positive_int(width, "width")
    epsilon = check_real(epsilon, "epsilon", positive=True)
    method, gradient_tol, max_steps = _check_descent_options(method, gradient_tol, max_steps)
    polar_tol = check_real(polar_tol, "polar_tol", minimum=0.0)
    n2, n0 = y.shape
    max_stages = (
        min(n0, n2) + 1 if max_stages is None else check_positive_int(max_stages, "max_stages")
    )
    check_budget(
        "the meta-algorithm",
        argument="max_stages",
        nbytes=8.0 * (n0 + n2) * (width + max_stages),
        flops=8.0 * max_stages * max_steps * y.size * (width + max_stages),
        fix="use fewer stages or steps",
    )
    scale = _scale(y)
    deviation = np.sqrt(scale / max(n0, n2))
    u = deviation * rng.standard_normal((n2, width))
    v = deviation * rng.standard_normal((n0, width))
    _check_finite_start(y, u, v, lam)
    records, converged = [], False
    with threadpool_limits(limits=1, user_api="blas"):  # tiny products: see stationary.barrier
        for _ in range(max_stages):
            found = _descend(y, u, v, lam, method, gradient_tol * scale**1.5, max_steps)
            u, v = found.u, found.v
            sigma, left, right = _top_pair(y - u @ v.T)
            holds = sigma <= lam * (1 + polar_tol)
            record = [u.shape[1], found.value, sigma, holds, found.gradient_norm, found.steps]
            if holds or len(records) + 1 == max_stages:
                records.append(record + [0.0, 0.0])
                converged = bool(holds)
                break
            used = min(epsilon, sigma - lam)
            u = np.hstack([u, np.sqrt(used) * left[:, None]])
            v = np.hstack([v, np.sqrt(used) * right[:, None]])
            records.append(record + [used, found.value - _objective(y, u, v, lam)])
    columns = list(zip(*records))
    return MetaAlgorithmResult(
        u=u,
        v=v,
        value=_objective(y, u, v, lam),
        converged=converged,
        widths=np.array(columns[0], dtype=int),
        values=np.array(columns[1]),
        sigma_max=np.array(columns[2]),
        polar_holds=np.array(columns[3], dtype=bool),
        gradient_norms=np.array(columns[4]),
        steps=np.array(columns[5], dtype=int),
        epsilons=np.array(columns[6]),
        decreases=np.array(columns[7]),
    )
