"""Teacher-student data, the empirical loss in moments form, and gradient descent on the student.

Sarao Mannelli et al. eqs. 1-6 (reconstructed), in the conventions of
:mod:`qlcore.dynamics.flows` (the book's one reading of the stripped constants): hidden units are
the *columns* of ``W`` (``d x m``), ``A = W W^T / m`` and ``A* = W* W*^T / m*`` (eq. 4); inputs
``x ~ N(0, I_d)``, labels ``y_k = x_k^T A* x_k``; the loss is

    E_n(A) = 1/2 mean_k (x_k^T (A - A*) x_k)^2 = 2 L,
    grad E_n(A) = mean_k r_k x_k x_k^T,   r_k = x_k^T (A - A*) x_k            (eq. 6)

and ``dW/dt = -grad E_n(A) W`` (eq. 3, ``dw_i/dt = -m grad_{w_i} L``) implies the closed flow
``dA/dt = -(grad E_n A + A grad E_n)`` (Lemma 2.1, eq. 5). Both are integrated here by explicit
Euler with the same step: ``W_+ W_+^T / m = A_+ + eta^2 G A G``, so the two trajectories agree to
``O(eta)`` at a fixed time. The population loss ``E(A)`` (eq. 9) is
:func:`qlcore.dynamics.flows.population_loss`.

Teachers (:func:`qlcore.dynamics.flows.gaussian_teacher`,
:func:`~qlcore.dynamics.flows.orthonormal_teacher`): ``"gaussian"``, ``w*_i ~ N(0, I_d)``;
``"orthonormal"``, ``m* <= d`` orthonormal ``w*_i`` with ``A* = sum_i w*_i w*_i^T`` (eigenvalues 1,
the reading of :mod:`qlcore.dynamics.flows`; the paper's normalisation is not recoverable from the
source). ``m* = 0`` is the zero teacher ``A* = 0``.

The data enter only through the fourth moments ``H`` of :mod:`qlcore.model.moments`: one loss or
gradient evaluation costs ``O(d^4)`` whatever ``n`` (below ``n ~ d^2/2`` the per-sample sum,
``O(n d^2)``, would be cheaper; the moments form is kept for one code path).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from qlcore.dynamics import flows
from qlcore.infra.checks import (
    InputError,
    as_array,
    as_matrix,
    as_symmetric,
    check_choice,
    check_entries,
    check_positive_int,
    check_real,
    rng_from_seed,
)
from qlcore.model.data import gaussian_inputs, quadratic_form
from qlcore.model.moments import (
    QuadraticMoments,
    check_moments,
    coordinate_weights,
    moments_from_data,
    to_coordinates,
)

TEACHERS = ("gaussian", "orthonormal")


@dataclass(frozen=True)
class TeacherStudentData:
    """``n`` Gaussian inputs ``x`` (n, d) labelled by a teacher: ``y_k = x_k^T A* x_k``."""

    x: np.ndarray
    y: np.ndarray
    teacher_matrix: np.ndarray

    @property
    def moments(self) -> QuadraticMoments:
        """The moments ``(c, b, H)`` of :mod:`qlcore.model.moments` (computed on each access)."""
        return moments_from_data(self.x, self.y)


def teacher_matrix(d: int, m_star: int, teacher: str = "gaussian", *, seed=0) -> np.ndarray:
    """``A*`` of a teacher of width ``m_star`` in dimension ``d`` (``m_star = 0``: ``A* = 0``).

    ``seed``: an int, a sequence of ints or a :class:`numpy.random.Generator`.
    """
    d = check_positive_int(d, "d")
    m_star = check_positive_int(m_star, "m_star", minimum=0)
    check_choice(teacher, "teacher", TEACHERS)
    if m_star == 0:
        return np.zeros((d, d))
    rng = rng_from_seed(seed)
    if teacher == "gaussian":
        return flows.gaussian_teacher(d, m_star, rng).matrix
    if m_star > d:
        raise InputError(
            f"an orthonormal teacher needs m_star <= d = {d}, got m_star={m_star}; "
            f"use teacher='gaussian'"
        )
    return flows.orthonormal_teacher(d, m_star, rng).matrix


def make_data(
    d: int, m_star: int, n: int, teacher: str = "gaussian", *, seed=0
) -> TeacherStudentData:
    """A teacher (:func:`teacher_matrix`) and ``n`` labelled inputs ``x ~ N(0, I_d)``.

    The teacher is drawn first and the inputs after it from the same stream, so for a fixed
    ``seed`` the data sets of growing ``n`` are nested: the first ``n`` rows do not depend on how
    many follow.
    """
    d = check_positive_int(d, "d")
    m_star = check_positive_int(m_star, "m_star", minimum=0)
    n = check_positive_int(n, "n")
    rng = rng_from_seed(seed)
    matrix = teacher_matrix(d, m_star, teacher, seed=rng)
    x = gaussian_inputs(n, d, rng, constant_first=False)
    return TeacherStudentData(x=x, y=quadratic_form(x, matrix), teacher_matrix=matrix)


def student_matrix(weights) -> np.ndarray:
    """``A = W W^T / m`` (eq. 4) for hidden units in the columns of ``weights`` (``d x m``, or a
    stack ``(..., d, m)``)."""
    weights = check_entries(weights, "weights")
    if weights.ndim < 2 or weights.shape[-1] == 0:
        raise InputError(
            f"weights must have shape (d, m), m >= 1, one hidden unit per column; "
            f"got shape {weights.shape}"
        )
    return weights @ np.swapaxes(weights, -1, -2) / weights.shape[-1]


def _deviation_coordinates(moments: QuadraticMoments, teacher, matrix) -> np.ndarray:
    moments = check_moments(moments)
    teacher = as_symmetric(teacher, "teacher", dim=moments.dim)
    matrix = as_symmetric(matrix, "matrix", dim=moments.dim, stack=True)
    return to_coordinates(matrix - teacher)


def empirical_loss(moments: QuadraticMoments, teacher, matrix) -> np.ndarray | float:
    """``E_n(A) = 1/2 mean_k (x_k^T (A - A*) x_k)^2 = 1/2 d^T H d``, ``d`` the symmetric coordinates
    of ``A - A*`` (eq. 6); ``matrix`` may be a stack.

    Evaluated as the sum of squares ``1/2 |R^T d|^2`` with ``H = R R^T`` (eigen-factor, ``O(d^6)``
    per call), so it is never negative. Like any evaluation from ``H`` its absolute accuracy is
    about ``1e-16 |H| |d|^2``; below that use the per-sample sum.
    """
    coords = _deviation_coordinates(moments, teacher, matrix)
    eigenvalues, eigenvectors = np.linalg.eigh(moments.H)
    factor = eigenvectors * np.sqrt(np.clip(eigenvalues, 0.0, None))
    value = 0.5 * np.sum((coords @ factor) ** 2, axis=-1)
    return float(value) if np.ndim(value) == 0 else value


def empirical_gradient(moments: QuadraticMoments, teacher, matrix) -> np.ndarray:
    """``grad E_n(A) = mean_k r_k x_k x_k^T`` with ``r_k = x_k^T (A - A*) x_k`` (eq. 6): in
    coordinates ``H d / s`` (``s`` the coordinate weights); ``matrix`` may be a stack."""
    matrix = as_symmetric(matrix, "matrix", dim=check_moments(moments).dim, stack=True)
    return _gradient_map(moments, teacher)(matrix)


def _gradient_map(moments: QuadraticMoments, teacher):
    """``A -> grad E_n(A)`` with the checks and the constant factors done once (for the loops)."""
    moments = check_moments(moments)
    teacher_coords = to_coordinates(as_symmetric(teacher, "teacher", dim=moments.dim))
    scaled = moments.H / coordinate_weights(moments.dim)  # H symmetric: d H / s = (H d) / s
    rows, cols = np.triu_indices(moments.dim)

    def gradient(matrix: np.ndarray) -> np.ndarray:
        coords = (matrix[..., rows, cols] - teacher_coords) @ scaled
        result = np.empty(matrix.shape)
        result[..., rows, cols] = coords
        result[..., cols, rows] = coords
        return result

    return gradient


def _check_steps(step_size: float, n_steps: int) -> tuple[float, int]:
    step_size = check_real(step_size, "step_size", positive=True)
    return step_size, check_positive_int(n_steps, "n_steps", minimum=0)


def weight_descent(
    moments: QuadraticMoments, teacher, weights, *, step_size: float, n_steps: int
) -> np.ndarray:
    """``n_steps`` explicit Euler steps of eq. 3, ``W <- W - step_size grad E_n(W W^T / m) W``
    (gradient descent on the student weights); ``weights`` ``(d, m)`` or a stack."""
    step_size, n_steps = _check_steps(step_size, n_steps)
    weights = check_entries(weights, "weights").copy()
    dim = check_moments(moments).dim
    if weights.ndim < 2 or weights.shape[-2] != dim:
        raise InputError(
            f"weights must have shape (d, m) or (..., d, m) with d = {dim} rows like the data, "
            f"got shape {weights.shape}",
            argument="weights",
        )
    gradient = _gradient_map(moments, teacher)
    for _ in range(n_steps):
        weights -= step_size * gradient(student_matrix(weights)) @ weights
    return weights


def matrix_descent(
    moments: QuadraticMoments, teacher, matrix, *, step_size: float, n_steps: int
) -> np.ndarray:
    """``n_steps`` explicit Euler steps of the flow on ``A`` (Lemma 2.1, eq. 5),
    ``A <- A - step_size (G A + A G)`` with ``G = grad E_n(A)``; ``matrix`` may be a stack."""
    step_size, n_steps = _check_steps(step_size, n_steps)
    matrix = as_symmetric(matrix, "matrix", dim=check_moments(moments).dim, stack=True)
    gradient_map = _gradient_map(moments, teacher)
    for _ in range(n_steps):
        gradient = gradient_map(matrix)
        matrix -= step_size * (gradient @ matrix + matrix @ gradient)
    return matrix


@dataclass(frozen=True)
class RecoveryRun:
    """Gradient descent on student weights from random starts, recorded at flow times ``t``.

    ``training_loss`` is ``E_n(A)`` (eq. 6) and ``generalisation`` is ``E(A) / E(A(0))`` (eq. 9),
    both ``(runs, len(t))``; ``matrices`` are the final ``A`` of each run.
    """

    t: np.ndarray
    training_loss: np.ndarray
    generalisation: np.ndarray
    matrices: np.ndarray

    def crossing_time(self, threshold: float) -> np.ndarray:
        """Per run, the first recorded ``t`` with ``generalisation < threshold`` (``inf`` if none);
        as fine as the record grid (:func:`gd_recovery`'s ``n_records``)."""
        threshold = check_real(threshold, "threshold", positive=True)
        below = self.generalisation < threshold
        first = np.argmax(below, axis=1)
        return np.where(below.any(axis=1), self.t[first], np.inf)


def gd_recovery(
    x,
    teacher,
    *,
    width: int,
    t_max: float,
    step_size: float | None = None,
    n_runs: int = 1,
    init: str = "gaussian",
    seed=0,
    n_records: int = 200,
) -> RecoveryRun:
    """Gradient descent on the weights of ``n_runs`` students of ``width`` hidden units (eq. 3)
    on one data set ``x`` (n, d) labelled by ``teacher``, or one run per data set of a stack
    ``x`` (runs, n, d); the engine is :func:`qlcore.dynamics.flows.train_student_weights` (moments
    form, all runs batched, float64).

    ``step_size`` defaults to ``0.3 / (d (d + 2))`` (``d (d + 2)`` is
    ``E |x|^4``); runs last ``t_max / step_size`` steps from ``init`` weights (``"gaussian"``:
    ``w_i ~ N(0, I)``, Theorem 4.1; ``"identity"``: ``A(0) = I``) drawn from ``seed``. Records at
    about ``n_records`` log-spaced steps and at ``t = 0``.
    """
    teacher = as_symmetric(teacher, "teacher")
    dim = teacher.shape[0]
    stack = as_array(x, "x")
    n_runs = check_positive_int(n_runs, "n_runs")
    if stack.ndim == 2:
        inputs = [as_matrix(stack, "x", cols=dim)] * check_positive_int(n_runs, "n_runs")
    elif stack.ndim == 3 and n_runs in (1, stack.shape[0]):
        inputs = [as_matrix(one, "x", cols=dim) for one in stack]
    else:
        raise InputError(
            f"x must be (n, {dim}) with n_runs runs on it, or a stack "
            f"(runs, n, {dim}) with one run each; got shape {stack.shape} and "
            f"n_runs={n_runs}"
        )
    step_size = 0.3 / (dim * (dim + 2)) if step_size is None else step_size
    run = flows.train_student_weights(
        teacher,
        width=width,
        step_size=step_size,
        t_max=t_max,
        inputs=inputs,
        init=init,
        seed=seed,
        n_records=n_records,
    )
    return RecoveryRun(
        t=run.t,
        training_loss=run.training_loss,
        generalisation=run.population_loss / run.population_loss[:, :1],
        matrices=run.matrices,
    )
