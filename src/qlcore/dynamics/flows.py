"""Gradient descent on the population loss: matrix flow, eigenvalue ODE, rates and bounds.

Sarao Mannelli, Vanden-Eijnden & Zdeborová, §5. All of their equations are reconstructed: we
rebuilt them from a text whose symbols were stripped.

**Conventions (the book's time normalisation).** A student with weights ``W = [w_1..w_m]`` and
a teacher compute ``x^T A x`` and ``x^T A* x`` with ``A = W W^T / m``, ``A* = W* W*^T / m*``
(eqs. 1, 4). The loss is ``E_n(A) = 1/2 mean_k (x_k^T (A - A*) x_k)^2`` (twice the paper's
``L = 1/4 mean (y_hat - y*)^2``, eqs. 2, 6) and the weights follow

    dW/dt = -grad E_n(A) W,      grad E_n(A) = mean_k r_k x_k x_k^T,  r_k = x_k^T (A - A*) x_k,

i.e. ``dw_i/dt = -m grad_{w_i} L`` (eq. 3). Then ``dA/dt = -(grad E_n A + A grad E_n)`` (eq. 5).
For Gaussian inputs (eqs. 7-9, Wick's theorem)

    E(A) = tr[(A - A*)^2] + 1/2 (tr(A - A*))^2,   grad E = 2 (A - A*) + tr(A - A*) I,     (9)
    dA/dt = -(grad E A + A grad E).                                                     (8)

Gradient descent with step ``eta`` on ``W`` is at time ``t = eta * steps`` (with step ``eta'``
on ``L`` for each ``w_i`` it is ``t = eta' * steps / m``). If the paper's constants differ, its
times are ``c t`` for a constant ``c``: exponents, fixed points and the ``t^-2`` and exponential
laws do not change; the ``t^-2`` prefactor scales by ``1/c^2`` and exponential rates by ``c``.

ODEs are integrated with :func:`scipy.integrate.solve_ivp`, method ``LSODA`` (switches to a
stiff BDF method when needed) with the analytic Jacobian where one is given, relative tolerance
:data:`RTOL` and absolute tolerance :data:`ATOL`. The unknowns are the *deviations*
``lambda_i - lambda_i*`` (or ``A - A*``), so a loss that has decayed to ``1e-40`` keeps its
relative accuracy.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.integrate import solve_ivp

from qlcore.infra.checks import (
    InputError,
    as_array,
    as_matrix,
    as_symmetric,
    as_vector,
    check_budget,
    check_choice,
    check_positive_int,
    check_real,
    check_rng,
    rng_from_seed,
)
from qlcore.model import moments

RTOL = 1e-10
ATOL = 1e-30
METHOD = "LSODA"
INITS = ("identity", "gaussian")
#: Entries of A*, A(0) and eigenvalues at most this large: the flows' rates are quadratic in
#: them (times d), so larger ones overflow float64. The flow is scale-invariant: from A(0) / c
#: with teacher A* / c, A(t) / c is reached at time c t.
MAX_VALUE = 1e100
#: The ODE solver stops after this many evaluations of the right-hand side (LSODA can stall on
#: very long horizons instead of failing).
MAX_EVALUATIONS = 1_000_000


# --------------------------------------------------------------------------- checks and helpers


def check_times(t) -> np.ndarray:
    """Validate a time grid: 1-D, finite, strictly increasing, in ``[0, t_max]``, ``t_max > 0``."""
    t = as_vector(t, "t")
    if t[0] < 0 or t[-1] <= 0:
        raise InputError(
            f"t must lie in [0, t_max] with t_max > 0 (the flow starts at t = 0), "
            f"got [{t[0]}, {t[-1]}]",
            argument="t",
        )
    if np.any(np.diff(t) <= 0):
        raise InputError("t must be strictly increasing; pass np.unique(t)", argument="t")
    return t


def check_time_values(t) -> np.ndarray:
    """``t`` (a number or an array, any order) as finite float64 times ``>= 0``, for the
    closed-form approximations (:func:`check_times` is for time grids of the ODEs)."""
    t = as_array(t, "t")
    if not np.all(np.isfinite(t)) or np.any(t < 0):
        raise InputError("t must hold finite times >= 0", argument="t")
    return t


def check_scale(values, name: str) -> np.ndarray:
    """``values`` (an array) if no entry exceeds :data:`MAX_VALUE` in size, else
    :class:`InputError <qlcore.infra.checks.InputError>` naming ``name`` (with the rescaling
    that avoids it)."""
    if not isinstance(name, str) or not name:
        raise InputError(f"name must be an argument's name, got {name!r}", argument="name")
    values = as_array(values, name)
    if values.size and np.abs(values).max() > MAX_VALUE:
        raise InputError(
            f"{name} must not exceed {MAX_VALUE:g} in size (the flow's rates are quadratic in "
            f"it and overflow), got {np.abs(values).max():g}; rescale: the flow of A* / c "
            "from A(0) / c is A(c t) / c",
            argument=name,
        )
    return values


def _check_teacher_eigenvalues(values, name: str = "teacher_eigenvalues") -> np.ndarray:
    values = check_scale(as_vector(values, name), name)
    if values.min() < 0:
        raise InputError(
            f"{name} must be >= 0 (A* = W* W*^T / m* is positive semidefinite), "
            f"got minimum {values.min()}",
            argument=name,
        )
    return values


class _Stalled(Exception):
    """The right-hand side was evaluated more than :data:`MAX_EVALUATIONS` times."""


def integrate(rhs, y0, t, jac=None, events=None):
    """``solve_ivp`` from 0 to ``t[-1]`` with the module's method and tolerances, output at ``t``.

    Returns the ``solve_ivp`` result; its ``y`` has shape ``(len(y0), len(t))``. A solver that
    fails, returns non-finite values or evaluates ``rhs`` more than :data:`MAX_EVALUATIONS`
    times (LSODA may stall on very long horizons) raises :class:`InputError
    <qlcore.infra.checks.InputError>` naming ``t``.
    """
    for name, function in (("rhs", rhs), ("jac", jac)):
        if not callable(function) and (name == "rhs" or function is not None):
            raise InputError(
                f"{name} must be a function of (t, y), got {function!r}", argument=name
            )
    listed = events if isinstance(events, (list, tuple)) else [] if events is None else [events]
    if not all(map(callable, listed)):
        raise InputError("events must be a function of (t, y) or a list of them", argument="events")
    y0 = as_vector(y0, "y0")
    t = check_times(t)
    evaluations = 0

    def counted(time, y):
        nonlocal evaluations
        evaluations += 1
        if evaluations > MAX_EVALUATIONS:
            raise _Stalled
        return rhs(time, y)

    try:
        with np.errstate(over="ignore", invalid="ignore"):
            solution = solve_ivp(
                counted,
                (0.0, float(t[-1])),
                y0,
                method=METHOD,
                t_eval=t,
                jac=jac,
                rtol=RTOL,
                atol=ATOL,
                events=events,
            )
    except _Stalled:
        problem = f"took more than {MAX_EVALUATIONS} steps"
    else:
        if solution.success and np.all(np.isfinite(solution.y)):
            return solution
        problem = f"failed ({solution.message})" if not solution.success else "lost accuracy"
    raise InputError(
        f"t: the ODE solver {problem} before t = {t[-1]:g}; use a shorter time grid",
        argument="t",
    )


# --------------------------------------------------------------------------- population loss (9)


def population_loss(matrix, teacher) -> float:
    """``E(A) = tr[(A - A*)^2] + 1/2 (tr(A - A*))^2``, twice the population loss (eq. 9)."""
    teacher = as_symmetric(teacher, "teacher")
    deviation = as_symmetric(matrix, "matrix", dim=teacher.shape[0]) - teacher
    return float(np.sum(deviation**2) + 0.5 * np.trace(deviation) ** 2)


def population_gradient(matrix, teacher) -> np.ndarray:
    """``grad E(A) = 2 (A - A*) + tr(A - A*) I`` (eq. 9)."""
    teacher = as_symmetric(teacher, "teacher")
    deviation = as_symmetric(matrix, "matrix", dim=teacher.shape[0]) - teacher
    return 2.0 * deviation + np.trace(deviation) * np.eye(teacher.shape[0])


def eigenvalue_loss(eigenvalues, teacher_eigenvalues) -> np.ndarray | float:
    """``E = sum_i (lambda_i - lambda_i*)^2 + 1/2 (sum_i (lambda_i - lambda_i*))^2`` (eq. 21).

    ``eigenvalues`` may be a stack ``(..., d)``; the loss of a matrix that commutes with ``A*``.
    """
    teacher_eigenvalues = as_vector(teacher_eigenvalues, "teacher_eigenvalues")
    eigenvalues = as_array(eigenvalues, "eigenvalues")
    if eigenvalues.ndim == 0 or eigenvalues.shape[-1] != teacher_eigenvalues.size:
        raise InputError(
            f"eigenvalues must have shape (..., {teacher_eigenvalues.size}) to match "
            f"teacher_eigenvalues, got {eigenvalues.shape}",
            argument="eigenvalues",
        )
    if not np.all(np.isfinite(eigenvalues)):
        raise InputError("eigenvalues contains NaN or infinite values", argument="eigenvalues")
    deviation = eigenvalues - teacher_eigenvalues
    value = np.sum(deviation**2, axis=-1) + 0.5 * np.sum(deviation, axis=-1) ** 2
    return float(value) if np.ndim(value) == 0 else value


# --------------------------------------------------------------------------- the flows (8), (20)


def matrix_flow(teacher, t, initial=None) -> np.ndarray:
    """Solve the population flow ``dA/dt = -(grad E A + A grad E)`` (eq. 8) at the times ``t``.

    ``initial`` is ``A(0)`` (symmetric positive definite; default ``I``). Returns ``A(t)``,
    shape ``(len(t), d, d)``. Costs ``O(d^6)`` per step through the finite-difference Jacobian:
    meant for ``d`` up to about 10 (use :func:`eigenvalue_flow` when ``A(0)`` commutes with
    ``A*``). Refused beyond the budget: the Jacobian's ``8 d^4`` bytes (three copies), and at
    least a hundred Jacobians of ``d^6`` operations each.
    """
    teacher = check_scale(as_symmetric(teacher, "teacher"), "teacher")
    dim = teacher.shape[0]
    t = check_times(t)
    check_budget(
        "the matrix flow",
        argument="teacher",
        nbytes=3 * 8.0 * dim**4,
        flops=100.0 * dim**6,
        fix="use eigenvalue_flow, which needs A(0) to commute with A*",
    )
    initial = np.eye(dim) if initial is None else as_symmetric(initial, "initial", dim=dim)
    check_scale(initial, "initial")
    if np.linalg.eigvalsh(initial).min() <= 0:
        raise InputError(
            "initial must be positive definite (Theorem 5.1 assumes A(0) > 0); "
            "use W W^T / m with m >= d random weights",
            argument="initial",
        )
    eye = np.eye(dim)

    def rhs(_, flat):
        deviation = flat.reshape(dim, dim)
        matrix = teacher + deviation
        gradient = 2.0 * deviation + np.trace(deviation) * eye
        return -(gradient @ matrix + matrix @ gradient).ravel()

    solution = integrate(rhs, (initial - teacher).ravel(), t)
    return teacher + solution.y.T.reshape(len(t), dim, dim)


@dataclass(frozen=True)
class EigenvalueFlow:
    """Solution of the eigenvalue ODE (20) at the times ``t``.

    ``eigenvalues[k, i]`` is ``lambda_i(t_k)`` in the order of ``teacher_eigenvalues``; ``loss``
    is ``E(t)`` (eq. 21) and ``k`` is Theorem 5.1's ``K(t) = tr[(A - A*) A^-1 (A - A*)]
    = sum_i (lambda_i - lambda_i*)^2 / lambda_i``, both computed from the deviations.
    """

    t: np.ndarray
    eigenvalues: np.ndarray
    teacher_eigenvalues: np.ndarray
    loss: np.ndarray
    k: np.ndarray


def eigenvalue_flow(teacher_eigenvalues, t, initial=None) -> EigenvalueFlow:
    """Solve eq. (20), ``dlambda_i/dt = -2 lambda_i [2 (lambda_i - lambda_i*) + sum_j (lambda_j
    - lambda_j*)]``, with ``lambda_i(0) = initial_i`` (default 1, i.e. ``A(0) = I``).

    Theorem 5.2: for ``A(0) = I`` (or any ``A(0)`` diagonal in the teacher's eigenbasis ``O``),
    ``O^T A(t) O = diag(lambda(t))``. Eigenvalues with the same ``(lambda_i*, lambda_i(0))``
    stay equal, so the ODE is solved once per distinct pair: the ``d - m*`` non-informative
    eigenvalues of a rank-``m*`` teacher are one unknown, ``mu(t)`` of eq. (23).
    """
    teacher_eigenvalues = _check_teacher_eigenvalues(teacher_eigenvalues)
    dim = teacher_eigenvalues.size
    t = check_times(t)
    initial = np.ones(dim) if initial is None else as_vector(initial, "initial", length=dim)
    if check_scale(initial, "initial").min() <= 0:
        raise InputError(
            f"initial eigenvalues must be > 0 (A(0) positive definite), got minimum "
            f"{initial.min()}",
            argument="initial",
        )
    pairs, group_of, counts = np.unique(
        np.stack([teacher_eigenvalues, initial], axis=1),
        axis=0,
        return_inverse=True,
        return_counts=True,
    )
    targets, weights = pairs[:, 0], counts.astype(np.float64)
    coupling = 2.0 * np.eye(len(targets)) + weights[None, :]  # d(bracket_g)/d(deviation_h)

    def rhs(_, deviation):
        return -2.0 * (targets + deviation) * (2.0 * deviation + weights @ deviation)

    def jac(_, deviation):
        return (
            -2.0 * np.diag(2.0 * deviation + weights @ deviation)
            - 2.0 * (targets + deviation)[:, None] * coupling
        )

    deviation = integrate(rhs, pairs[:, 1] - targets, t, jac=jac).y.T  # (T, groups)
    values = targets + deviation
    loss = deviation**2 @ weights + 0.5 * (deviation @ weights) ** 2
    k = (deviation**2 / values) @ weights
    return EigenvalueFlow(
        t=t,
        eigenvalues=values[:, group_of.ravel()],
        teacher_eigenvalues=teacher_eigenvalues,
        loss=loss,
        k=k,
    )


def population_loss_curve(teacher_eigenvalues, t) -> np.ndarray:
    """``E(t)`` (eq. 21, twice the population loss) along the population flow (8) from
    ``A(0) = I``, for a teacher with eigenvalues ``teacher_eigenvalues`` (length ``d``, zeros for
    the rank-deficient directions), at the times ``t`` (book's normalisation, module docstring)."""
    return eigenvalue_flow(teacher_eigenvalues, t).loss


# --------------------------------------------------------------------------- rates (24)-(28)


def t2_constant(dim: int, teacher_rank: int) -> float:
    """``lim t^2 E(t) = (m* + 2)(d - m*) / (16 (d + 2))`` for a teacher of rank ``m* < d``
    (eq. 26; the constant is derived in the chapter and is the same for every teacher spectrum)."""
    dim = check_positive_int(dim, "dim")
    rank = check_positive_int(teacher_rank, "teacher_rank", minimum=0)
    if rank >= dim:
        raise InputError(
            f"teacher_rank must be < dim = {dim} for the t^-2 law (a full-rank "
            f"teacher converges exponentially: linearised_rate), got {rank}",
            argument="teacher_rank",
        )
    return (rank + 2) * (dim - rank) / (16 * (dim + 2))


def linearised_rate(teacher_eigenvalues) -> float:
    """``kappa_min``, the slowest rate of the linearisation (28) of eq. (20) at a full-rank
    teacher, ``d delta/dt = -2 Lambda* (2 I + 1 1^T) delta``, on the trajectories from
    ``A(0) = I``: then ``lambda_i - lambda_i* ~ e^{-kappa_min t}`` and ``E ~ e^{-2 kappa_min t}``.

    Equal teacher eigenvalues stay equal along those trajectories, so the linearisation acts on
    the distinct values ``l_g`` with multiplicities ``n_g``: ``kappa_min`` is the smallest
    eigenvalue of ``2 L^1/2 (2 I + v v^T) L^1/2``, ``v_g = sqrt(n_g)`` (similar to ``2 L (2 I +
    1 n^T)``). For distinct eigenvalues this is ``2 Lambda*^1/2 (2 I + 1 1^T) Lambda*^1/2``; for
    ``A* = l I`` it is ``2 (d + 2) l``, the logistic rate.
    """
    values = _check_teacher_eigenvalues(teacher_eigenvalues)
    if values.min() <= 0:
        raise InputError(
            "teacher_eigenvalues must all be > 0 (a full-rank teacher, m* >= d) for "
            "an exponential rate; a rank-deficient teacher has the t^-2 law "
            "(t2_constant)",
            argument="teacher_eigenvalues",
        )
    distinct, counts = np.unique(values, return_counts=True)
    root, v = np.sqrt(distinct), np.sqrt(counts)
    operator = 2.0 * root[:, None] * (2.0 * np.eye(distinct.size) + np.outer(v, v)) * root[None, :]
    return float(np.linalg.eigvalsh(operator)[0])


def exponential_reference(t, loss, rate: float, level: float = 1e-16):
    """``(t_window, E(t_k) e^{-rate (t - t_k)})`` on ``[t_k / 2, 2 t_k]``, where ``t_k`` is the
    first time with ``0 < E < level``: a line with the predicted slope, matched deep in the tail.
    ``None`` if ``E`` never falls below ``level``."""
    t = as_vector(t, "t")
    loss = as_vector(loss, "loss", length=t.size)
    rate = check_real(rate, "rate", positive=True)
    level = check_real(level, "level", positive=True)
    below = (t > 0) & (loss > 0) & (loss < level)
    if not np.any(below):
        return None
    k = int(np.argmax(below))
    window = (t >= t[k] / 2) & (t <= t[k] * 2)
    return t[window], loss[k] * np.exp(-rate * (t[window] - t[k]))


def early_decay(dim: int, teacher_rank: int, t) -> np.ndarray:
    """``1 / (1 + 2 (d - m*) t)``: the early-time approximation (24)-(25) of the non-informative
    and the informative eigenvalues (valid while ``(d - m*) mu >> tr A*``)."""
    dim = check_positive_int(dim, "dim")
    rank = check_positive_int(teacher_rank, "teacher_rank", minimum=0)
    if rank >= dim:
        raise InputError(f"teacher_rank must be < dim = {dim}, got {rank}", argument="teacher_rank")
    return 1.0 / (1.0 + 2.0 * (dim - rank) * check_time_values(t))


# --------------------------------------------------------------------------- Theorem 5.1 (18)


def k_function(matrices, teacher) -> np.ndarray:
    """``K = tr[(A - A*) A^-1 (A - A*)]`` (Theorem 5.1, eq. A.43) for a stack ``(T, d, d)`` of
    symmetric positive definite ``A`` (as along the flow from ``A(0) > 0``): a non-symmetric or
    singular (numerically: smallest eigenvalue at most ``d`` ulps of the largest) ``A`` is
    rejected."""
    teacher = check_scale(as_symmetric(teacher, "teacher"), "teacher")
    dim = teacher.shape[0]
    matrices = check_scale(as_symmetric(matrices, "matrices", dim=dim, stack=True), "matrices")
    if matrices.ndim != 3:
        raise InputError(
            f"matrices must have shape (T, {dim}, {dim}), got {matrices.shape}",
            argument="matrices",
        )
    eigenvalues = np.linalg.eigvalsh(matrices)
    singular = eigenvalues[:, 0] <= dim * np.finfo(float).eps * np.abs(eigenvalues).max(axis=1)
    if np.any(singular):
        raise InputError(
            f"matrices[{np.flatnonzero(singular)[0]}] must be positive definite (K needs A^-1; "
            "A(t) stays positive definite along the flow from A(0) > 0)",
            argument="matrices",
        )
    deviation = matrices - teacher
    return np.einsum("kij,kij->k", deviation, np.linalg.solve(matrices, deviation))


@dataclass(frozen=True)
class RateBound:
    """Theorem 5.1 along a sampled trajectory: ``bound[k] = E(0) / (1 + 2 E(0) t_k / K_sup(t_k))``
    with ``K_sup(t) = max_{s <= t} K(s)`` over the samples (eq. 18 in the form we reconstruct;
    the theorem takes the supremum over all ``s >= 0``, which only weakens it).
    """

    t: np.ndarray
    loss: np.ndarray
    k: np.ndarray
    k_sup: np.ndarray
    bound: np.ndarray

    def holds(self, rtol: float = 1e-8) -> bool:
        """Whether ``E(t) <= bound(t)`` at every ``t`` (up to the relative ODE tolerance)."""
        rtol = check_real(rtol, "rtol", minimum=0)
        return bool(np.all(self.loss <= self.bound * (1 + rtol)))


def rate_bound(t, loss, k) -> RateBound:
    """Evaluate Theorem 5.1's bounds on a sampled trajectory ``(t, E(t), K(t))``, ``t[0] = 0``."""
    t = check_times(t)
    loss = as_vector(loss, "loss", length=t.size)
    k = as_vector(k, "k", length=t.size)
    if t[0] != 0:
        raise InputError("t must start at 0: the bound is stated from E(0)", argument="t")
    if loss.min() < 0:
        raise InputError(f"loss must be >= 0, got minimum {loss.min()}", argument="loss")
    if k.min() <= 0:
        raise InputError(
            "k must be > 0 (K = 0 only at A = A*, where E = 0 and nothing is left "
            "to bound); drop the times where the flow has converged",
            argument="k",
        )
    k_sup = np.maximum.accumulate(k)
    return RateBound(
        t=t, loss=loss, k=k, k_sup=k_sup, bound=loss[0] / (1.0 + 2.0 * loss[0] * t / k_sup)
    )


# --------------------------------------------------------------------------- teachers


@dataclass(frozen=True)
class Teacher:
    """A teacher ``A* = W* W*^T / m*`` with its eigenvalues (descending; exact zeros for the
    ``d - m*`` directions of a rank-deficient teacher) and orthonormal eigenvectors."""

    matrix: np.ndarray
    eigenvalues: np.ndarray
    eigenvectors: np.ndarray


def gaussian_teacher(dim: int, width: int, rng: np.random.Generator) -> Teacher:
    """``w_i* ~ N(0, I_d)`` i.i.d. and ``A* = (1/m*) sum_i w_i* w_i*^T`` (eq. 4), of rank
    ``min(m*, d)``. Refused beyond the budget: ``8 (d m* + 4 d^2)`` bytes and ``d^2 m* + 10 d^3``
    operations."""
    dim = check_positive_int(dim, "dim")
    width = check_positive_int(width, "width")
    rng = check_rng(rng)
    check_budget(
        "the Gaussian teacher",
        argument="dim",
        nbytes=8.0 * (float(dim) * width + 4.0 * float(dim) * dim),
        flops=float(dim) * dim * width + 10.0 * float(dim) * dim * dim,
        fix="use a smaller dim or width",
    )
    weights = rng.standard_normal((dim, width))
    matrix = weights @ weights.T / width
    values, vectors = np.linalg.eigh(matrix)
    values, vectors = values[::-1].copy(), vectors[:, ::-1]
    values[min(dim, width) :] = 0.0  # exact zeros: the teacher's kernel
    return Teacher(matrix=matrix, eigenvalues=values, eigenvectors=vectors)


def orthonormal_teacher(
    dim: int, width: int, rng: np.random.Generator, eigenvalue: float = 1.0
) -> Teacher:
    """``m* <= d`` orthonormal teacher vectors, ``A* = eigenvalue * sum_i w_i* w_i*^T``.

    The paper's normalisation of this teacher is not recoverable from the source; its
    remark that the problem is trivial for ``m* = d`` suggests ``eigenvalue = 1`` (``A* = I``).
    Refused beyond the budget: ``32 d^2`` bytes and ``10 d^3`` operations.
    """
    dim = check_positive_int(dim, "dim")
    width = check_positive_int(width, "width")
    rng = check_rng(rng)
    if width > dim:
        raise InputError(
            f"width must be <= dim = {dim} for orthonormal teacher vectors, got {width}",
            argument="width",
        )
    eigenvalue = check_real(eigenvalue, "eigenvalue", positive=True)
    check_budget(
        "the orthonormal teacher",
        argument="dim",
        nbytes=32.0 * float(dim) * dim,
        flops=10.0 * float(dim) * dim * dim,
        fix="use a smaller dim",
    )
    vectors, _ = np.linalg.qr(rng.standard_normal((dim, dim)))
    values = np.where(np.arange(dim) < width, float(eigenvalue), 0.0)
    return Teacher(matrix=(vectors * values) @ vectors.T, eigenvalues=values, eigenvectors=vectors)


# --------------------------------------------------------------------------- GD on the weights


@dataclass(frozen=True)
class WeightRun:
    """Gradient descent on student weights, recorded at the flow times ``t = step_size * step``.

    ``population_loss`` is ``E(A)`` (eq. 9) and ``training_loss`` is ``E_n(A)`` (eq. 6), both of
    shape ``(runs, len(t))``; ``training_loss`` is ``None`` for runs on the population loss.
    ``matrices`` holds the final ``A = W W^T / m`` of each run.
    """

    t: np.ndarray
    population_loss: np.ndarray
    training_loss: np.ndarray | None
    matrices: np.ndarray


def _vec_index(dim: int) -> tuple[np.ndarray, np.ndarray]:
    """For each entry ``(i, j)`` of a ``d x d`` matrix (row-major), its symmetric coordinate
    (``np.triu_indices`` order, as in :mod:`qlcore.model.moments`) and that coordinate's weight."""
    rows, cols = np.triu_indices(dim)
    index = np.empty((dim, dim), dtype=np.intp)
    index[rows, cols] = np.arange(rows.size)
    index[cols, rows] = np.arange(rows.size)
    flat = index.ravel()
    return flat, moments.coordinate_weights(dim)[flat]


def empirical_operator(x, teacher) -> np.ndarray:
    """The ``d^2 x d^2`` matrix ``mean_k vec(x_k x_k^T) vec(x_k x_k^T)^T``: it maps ``vec(A - A*)``
    to ``vec(grad E_n(A))`` (eq. 6), and ``E_n = 1/2 vec(D) . H vec(D)``.

    Built from the fourth moments ``H`` of :func:`qlcore.model.moments.moments_from_data` (the data
    enter only through them), so one GD step costs ``O(d^4)`` for any ``n``. Refused beyond the
    memory budget for the ``d^2 x d^2`` result and its copies (``24 d^4`` bytes).
    """
    teacher = as_symmetric(teacher, "teacher")
    x = as_matrix(x, "x", cols=teacher.shape[0])
    check_budget(
        "the empirical operator",
        argument="x",
        nbytes=24.0 * float(teacher.shape[0]) ** 4,
        fix="use fewer input dimensions",
    )
    with np.errstate(over="ignore", invalid="ignore"):
        targets = np.einsum("ni,ij,nj->n", x, teacher, x)
    if not np.all(np.isfinite(targets)):
        raise InputError(
            "x is so large that the targets x^T A* x overflow; rescale it", argument="x"
        )
    hessian = moments.moments_from_data(x, targets).H
    flat, weight = _vec_index(teacher.shape[0])
    return hessian[np.ix_(flat, flat)] / np.outer(weight, weight)


def population_operator(dim: int) -> np.ndarray:
    """``E[vec(x x^T) vec(x x^T)^T] = I + P + vec(I) vec(I)^T`` for ``x ~ N(0, I_d)`` (Wick's
    theorem, eq. A.3; ``P`` swaps ``(i, j)`` and ``(j, i)``): the limit of
    :func:`empirical_operator` as ``n -> infinity``. On a symmetric ``D`` it gives ``2 D +
    tr(D) I``, the population gradient (eq. 9). Refused beyond the memory budget (four
    ``d^2 x d^2`` arrays, ``32 d^4`` bytes)."""
    dim = check_positive_int(dim, "dim")
    check_budget(
        "the population operator",
        argument="dim",
        nbytes=32.0 * float(dim) * dim * dim * dim,
        fix="use a smaller dim",
    )
    identity = np.eye(dim * dim)
    swap = identity.reshape(dim, dim, dim, dim).transpose(0, 1, 3, 2).reshape(dim * dim, dim * dim)
    return identity + swap + np.outer(np.eye(dim).ravel(), np.eye(dim).ravel())


def initial_weights(dim: int, width: int, init: str, rng: np.random.Generator) -> np.ndarray:
    """Student weights ``W`` (``d x m``): ``"gaussian"``, ``w_i ~ N(0, I)`` (so ``A(0) -> I`` as
    ``m -> infinity``), or ``"identity"``, ``W = sqrt(m) Q^T`` with random orthonormal ``Q``
    (``m >= d``), so that ``A(0) = W W^T / m = I`` exactly, the initial condition of Theorem 5.2.
    Refused beyond the budget: ``24 d m`` bytes and ``4 m d^2`` operations (the QR)."""
    dim = check_positive_int(dim, "dim")
    width = check_positive_int(width, "width")
    init = check_choice(init, "init", INITS)
    rng = check_rng(rng)
    check_budget(
        "the initial weights",
        argument="width",
        nbytes=24.0 * dim * width,
        flops=4.0 * width * float(dim) * dim,
        fix="use a smaller dim or width",
    )
    if init == "gaussian":
        return rng.standard_normal((dim, width))
    if width < dim:
        raise InputError(
            f"width must be >= dim = {dim} for init='identity' (A(0) = I needs rank d), "
            f"got {width}",
            argument="width",
        )
    frame, _ = np.linalg.qr(rng.standard_normal((width, dim)))
    return np.sqrt(width) * frame.T


def _check_inputs(inputs, dim: int) -> list[np.ndarray]:
    """``inputs`` as a non-empty list of finite ``(n, dim)`` arrays."""
    if isinstance(inputs, np.ndarray):
        inputs = list(inputs) if inputs.ndim > 0 else []
    if not isinstance(inputs, (list, tuple)) or not inputs:
        raise InputError(
            f"inputs must be a non-empty list of (n, {dim}) arrays (one run each) or None, got "
            f"{type(inputs).__name__}",
            argument="inputs",
        )
    return [as_matrix(x, f"inputs[{i}]", cols=dim) for i, x in enumerate(inputs)]


def train_student_weights(
    teacher,
    *,
    width: int,
    step_size: float,
    t_max: float,
    inputs: Sequence[np.ndarray] | None = None,
    n_runs: int = 1,
    init: str = "identity",
    seed: int = 0,
    n_records: int = 100,
) -> WeightRun:
    """Gradient descent ``W <- W - step_size * grad E_n(A) W`` on the student weights (eq. 3).

    With ``inputs=None`` the gradient is the population one (eqs. 7-9) and ``n_runs`` runs start
    from independent initialisations; otherwise there is one run per input array ``x`` of shape
    ``(n, d)`` (targets ``x^T A* x``), all advanced together. Runs use ``t_max / step_size``
    steps; losses are recorded at about ``n_records`` log-spaced steps and at step 0.

    Refused beyond the budget: ``runs (2 d^4 + 4 d^2 m)`` operations per step and ``10 d^6`` per
    run for the operators' eigendecompositions; ``8 runs (4 d^4 + 3 d m)`` bytes, and ``32`` per
    record.
    """
    teacher = as_symmetric(teacher, "teacher")
    dim = teacher.shape[0]
    width = check_positive_int(width, "width")
    step_size = check_real(step_size, "step_size", positive=True)
    t_max = check_real(t_max, "t_max")
    if t_max < step_size:
        raise InputError(f"t_max must be >= step_size = {step_size}, got {t_max}", argument="t_max")
    init = check_choice(init, "init", INITS)
    rng = rng_from_seed(seed)
    n_records = check_positive_int(n_records, "n_records")
    if inputs is None:
        runs = check_positive_int(n_runs, "n_runs")
    else:
        inputs = _check_inputs(inputs, dim)
        runs = len(inputs)
    check_budget(
        "the loss records", argument="n_records", nbytes=32.0 * n_records, fix="record fewer"
    )
    check_budget(
        "the operators and weights of the runs",
        argument="n_runs" if inputs is None else "inputs",
        nbytes=8.0 * runs * (4.0 * float(dim) ** 4 + 3.0 * dim * width),
        fix="use fewer runs, a smaller width or a smaller d",
    )
    n_steps = t_max / step_size
    check_budget(
        "gradient descent on the weights",
        argument="t_max",
        flops=runs * (n_steps * (2.0 * float(dim) ** 4 + 4.0 * dim**2 * width) + 10.0 * dim**6),
        fix="use a shorter t_max, a larger step_size, fewer runs or a smaller d",
    )
    if inputs is None:
        operators = np.repeat(population_operator(dim)[None], runs, axis=0)
    else:
        operators = np.stack([empirical_operator(x, teacher) for x in inputs])
    # E_n = 1/2 |R^T vec(D)|^2 with H = R R^T: non-negative and accurate down to E_n ~ 1e-30,
    # where vec(D) . H vec(D) would drown in the rounding error of H's large entries
    values, vectors = np.linalg.eigh(operators)
    factors = vectors * np.sqrt(np.clip(values, 0.0, None))[:, None, :]
    weights = np.stack([initial_weights(dim, width, init, rng) for _ in range(runs)])
    n_steps = int(round(n_steps))
    record = set(np.unique(np.geomspace(1, n_steps, n_records).round().astype(int)).tolist())
    steps, population, training = [], [], []

    def observe(step: int, deviation: np.ndarray) -> None:
        flat = deviation.reshape(runs, dim * dim)
        traces = np.trace(deviation, axis1=1, axis2=2)
        pop = np.einsum("ri,ri->r", flat, flat) + 0.5 * traces**2
        if not np.all(np.isfinite(pop)):
            raise InputError(
                f"step_size = {step_size} is too large: the loss diverged by t = "
                f"{step * step_size:g}; halve it",
                argument="step_size",
            )
        steps.append(step)
        population.append(pop)
        training.append(0.5 * np.sum(np.einsum("ri,rij->rj", flat, factors) ** 2, axis=1))

    with np.errstate(over="ignore", invalid="ignore"):  # divergence is reported by observe
        for step in range(n_steps + 1):
            deviation = weights @ weights.transpose(0, 2, 1) / width - teacher
            if step == 0 or step in record:
                observe(step, deviation)
            if step < n_steps:
                gradient = (operators @ deviation.reshape(runs, dim * dim, 1)).reshape(
                    runs, dim, dim
                )
                weights = weights - step_size * gradient @ weights
    return WeightRun(
        t=np.asarray(steps) * step_size,
        population_loss=np.stack(population, axis=1),
        training_loss=None if inputs is None else np.stack(training, axis=1),
        matrices=teacher + deviation,
    )
