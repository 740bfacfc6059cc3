"""Is the teacher the only zero-loss matrix? Exact tests by semidefinite programming.

A student of width ``m >= d`` realises every PSD matrix, so its zero-loss set is the spectrahedron

    S = {A >= 0 : x_k^T A x_k = y_k, k = 1..n}        (Sarao Mannelli et al. eq. 10)

and every zero-loss student is the teacher iff ``S = {A*}`` (Theorem 3.1, eqs. 11-12; eq. 13
predicts the threshold, :mod:`qlcore.samples.thresholds`). Two tests:

**Width** (:func:`psd_uniqueness`). For random symmetric directions ``C``,
``||C||_F = 1``, bound ``min <C, A>`` and ``max <C, A>`` over ``S``; the width ``max - min`` is
zero for a single point.

* Scaling. Row ``k`` is divided by ``|x_k|`` and ``y_k`` by ``|x_k|^2`` (same set), and all
  ``y`` by ``s = max_k |y_k| / |x_k|^2`` so the measurements ``t_k`` lie in ``[-1, 1]``.
* Unbounded sets. ``S`` is unbounded iff some ``D >= 0``, ``D != 0`` has ``x_k^T D x_k = 0``
  for all ``k``, i.e. iff the ``x_k`` do not span ``R^d`` (then ``D x_k = 0``): checked by the rank
  of ``x`` (SVD, numpy's default tolerance). Width ``inf``, not unique.
* Solver: cvxpy with ``solver=cvxpy.CLARABEL`` at its default accuracy (``tol_gap_abs``,
  ``tol_gap_rel``, ``tol_feas`` = 1e-8, at most 200 iterations). A single-point ``S`` has no
  interior, so the dual optimum is not attained and interior-point methods stall ("almost solved",
  "insufficient progress"; primal points ``~sqrt(residual)`` from ``A*``). The solver status is
  therefore not trusted: each solve gives a *certified bracket*. Its dual multipliers ``lambda``
  bound, for every ``A`` in ``S`` (weak duality),
  ``<C, A> >= sum_k lambda_k t_k + min(0, lambda_min(C - sum_k lambda_k u_k u_k^T)) T`` with
  ``T = sum_k t_k / lambda_min(sum_k u_k u_k^T) >= tr A``; its primal point attains a value.
* Verdict. ``width`` is the certified upper bound on ``max <C,A> - min <C,A>`` (largest over the
  directions). Unique if ``width <= rel_tol * max(scale, s)``. Not unique if the primal points
  are farther apart than that by more than their ``slack`` (``sqrt(violation * |A|)``, the
  distance an infeasibility can buy where ``S`` touches the PSD boundary tangentially) and no
  farther apart than the bound allows. Otherwise
  :class:`SolverFailure` with both numbers. Measured (Gaussian teachers, ``m* = 1``): certified
  widths of single points are ``<= 1e-5 |A*|_F`` at ``d = 10`` but reach ``~1e-4`` at
  ``d = 20``-``30``, while a few non-unique sets are that thin, so near the threshold at larger
  ``d`` the width alone is sometimes undecided.

**Dual certificate** (:func:`teacher_certificate`, used first by :func:`teacher_is_unique`).
With the teacher known, let ``V1`` span its range (rank ``r``) and ``V0`` its kernel. ``S = {A*}``
if (i) the measurements are injective on ``{V1 P V1^T}`` and (ii) some ``Y = sum_k lambda_k x_k
x_k^T`` has ``Y A* = 0`` and ``V0^T Y V0`` positive definite: for ``A = A* + Delta`` in ``S``,
``0 = <Y, Delta> = <V0^T Y V0, V0^T Delta V0>`` with ``V0^T Delta V0 >= 0`` forces that block, then
the off-diagonal block, then (by (i)) ``Delta`` to vanish. Conversely, if no such ``Y`` exists,
a theorem of the alternative gives ``Delta`` in the null space of the measurements whose kernel
block is PSD and nonzero; when it is definite (the generic case) ``A* + t Delta`` is a second
point of ``S`` for small ``t > 0``. (ii) is an SDP that is strictly feasible on both sides,
unlike the width problem; its margin ``lambda_min(V0^T Y V0)`` is recomputed in float64 from the
solver's multipliers, and the witness ``A* + t Delta`` is checked in float64 (PSD, same
measurements), so neither answer depends on the solver status. It is the exact form of the
counting heuristic of eq. 13: ``Y A* = 0`` uses up ``r(r+1)/2 + r(d-r)`` multipliers, and the
heuristic assumes ``d - r`` more make ``V0^T Y V0`` definite, ``n_c`` in all. Measured with
:func:`uniqueness_probability` (40 trials), the 50% point is near ``n_c`` at ``d = 8``-``10`` but
above it at larger ``d``: ``n ~ 42, 66`` for ``m* = 1``, ``d = 20, 30`` (``n_c = 39, 59``) and
``n ~ 90`` for ``m* = 3``, ``d = 20`` (``n_c = 74``), confirmed by the width test.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import cvxpy as cp
import numpy as np
import scipy.linalg

from qlcore.infra.checks import (
    InputError,
    QLCoreError,
    as_matrix,
    as_symmetric,
    check_budget,
    check_data,
    check_positive_int,
    check_real,
    check_seed,
    rng_from_seed,
)
from qlcore.model.data import quadratic_form
from qlcore.model.moments import from_coordinates, quadratic_features
from qlcore.samples.teacher_student import make_data
from qlcore.samples.thresholds import n_critical

DEFAULT_REL_TOL = 1e-5  # a width below this times the scale counts as zero
CERTIFICATE_TOL = 1e-9  # rounding in a margin is ~1e-15; margins of unique instances seen >= 1e-5
RANK_TOL = 1e-10  # eigenvalues of A* below RANK_TOL * lambda_max count as zero


class SolverFailure(QLCoreError, RuntimeError):
    """The SDP solver gave no usable answer, or its answer does not decide the question."""


@dataclass(frozen=True)
class UniquenessVerdict:
    """Outcome of :func:`psd_uniqueness` and :func:`teacher_is_unique`."""

    unique: bool  # the spectrahedron {A >= 0 : <x_k x_k^T, A> = y_k} is (numerically) a point
    width: float  # max over the directions C of (max <C,A> - min <C,A>): inf if unbounded;
    # psd_uniqueness: a certified upper bound; teacher_is_unique: 0.0 when the
    # dual certificate proves uniqueness, a lower bound from its witness else
    scale: float  # reference scale of the tolerance (|A*|_F if given, else of the min-point)
    n_measurements: int
    dim: int


class _DirectionalProblem:
    """``min <C, A>`` over ``{A >= 0 : u_k^T A u_k = t_k}``, ``C`` a parameter (compiled once)."""

    def __init__(self, u: np.ndarray, t: np.ndarray):
        dim = u.shape[1]
        self.u, self.t = u, t
        self.matrix = cp.Variable((dim, dim), PSD=True)
        self.direction = cp.Parameter((dim, dim), symmetric=True)
        self.measurements = cp.sum(cp.multiply(u @ self.matrix, u), axis=1) == t
        self.problem = cp.Problem(
            cp.Minimize(cp.sum(cp.multiply(self.direction, self.matrix))), [self.measurements]
        )
        # tr A <= <sum_k u_k u_k^T, A> / lambda_min(sum_k u_k u_k^T) = sum_k t_k / lambda_min
        spread = np.linalg.eigvalsh(u.T @ u)[0]
        self.trace_bound = float(t.sum()) / spread if spread > 0 else np.inf

    def minimise(self, direction: np.ndarray) -> tuple[float, float, np.ndarray, float]:
        """``min <direction, A>``: ``(attained value, certified lower bound, point, slack)``.

        ``slack = sqrt(violation * max(1, |A|_F))`` with ``violation = max(|u_k^T A u_k - t_k|,
        -lambda_min(A))``: how far a point that misses the constraints by ``violation`` can be from
        ``S`` where ``S`` touches the PSD boundary tangentially (the degenerate case).
        """
        self.direction.value = direction
        status = self._solve()
        point, multipliers = self.matrix.value, self.measurements.dual_value
        if point is None or multipliers is None:
            raise SolverFailure(f"Clarabel returned no primal or dual solution (status {status!r})")
        dual_slack = np.linalg.eigvalsh(direction + (self.u.T * multipliers) @ self.u)[0]
        correction = dual_slack * self.trace_bound if dual_slack < 0 else 0.0
        bound = -float(multipliers @ self.t) + correction
        violation = max(
            np.max(np.abs(quadratic_form(self.u, point) - self.t)),
            -np.linalg.eigvalsh(point)[0],
            0.0,
        )
        slack = np.sqrt(violation * max(1.0, np.linalg.norm(point)))
        return float(np.sum(direction * point)), bound, point, float(slack)

    def _solve(self) -> str:
        try:
            with warnings.catch_warnings():  # inaccurate answers are checked below, not trusted
                warnings.simplefilter("ignore", UserWarning)
                self.problem.solve(solver=cp.CLARABEL, accept_unknown=True)
        except cp.error.SolverError as error:
            raise SolverFailure(f"Clarabel failed on the uniqueness SDP: {error}") from error
        status = self.problem.status
        if status in (cp.INFEASIBLE, cp.INFEASIBLE_INACCURATE):
            raise InputError(
                "no positive semidefinite A satisfies x_k^T A x_k = y_k for all k: "
                "the measurements y are inconsistent (labels of a PSD teacher?)"
            )
        if status not in cp.settings.SOLUTION_PRESENT:
            raise SolverFailure(f"Clarabel ended with status {status!r} on a bounded feasible SDP")
        return status


def _random_direction(dim: int, rng: np.random.Generator) -> np.ndarray:
    gaussian = rng.standard_normal((dim, dim))
    symmetric = gaussian + gaussian.T
    return symmetric / np.linalg.norm(symmetric)


def _scaled_problem(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray, float]:
    """Unit rows ``u_k``, measurements ``t_k`` in ``[-1, 1]`` and the unit ``s`` of ``A``."""
    norms_sq = np.sum(x**2, axis=1)
    if np.any(norms_sq == 0):
        raise InputError(
            f"x has an all-zero row (row {int(np.argmin(norms_sq))}); it measures "
            f"nothing, remove it"
        )
    t = y / norms_sq
    unit = float(np.max(np.abs(t))) or 1.0
    return x / np.sqrt(norms_sq)[:, None], t / unit, unit


def psd_uniqueness(
    x, y, *, n_directions: int = 2, rel_tol: float = DEFAULT_REL_TOL, seed=0, reference=None
) -> UniquenessVerdict:
    """Is ``{A >= 0 : x_k^T A x_k = y_k}`` a single point? (Sarao Mannelli et al. eq. 10.)

    ``x`` (n, d) inputs, ``y`` (n,) measurements; ``n_directions`` random unit directions drawn from
    ``seed``; ``rel_tol`` relative to ``scale``; ``reference``: a known point of the set (the
    teacher ``A*``) whose Frobenius norm sets ``scale``. Method, tolerances and failure modes: see
    the module docstring. Raises :class:`~qlcore.infra.checks.InputError` for inconsistent
    measurements and :class:`SolverFailure` when the solver cannot decide.
    """
    x, y = check_data(x, y)
    n_directions = check_positive_int(n_directions, "n_directions")
    rel_tol = check_real(rel_tol, "rel_tol")
    if not 0 < rel_tol < 1:
        raise InputError(f"rel_tol must be in (0, 1), got {rel_tol}")
    n, dim = x.shape
    p = dim * (dim + 1) // 2
    check_budget(
        "the semidefinite program",
        argument="x",
        nbytes=8.0 * 4 * (n + p) * p,
        flops=20.0 * n_directions * (n + p) * p * p,
        fix="use fewer inputs or dimensions",
    )
    u, t, unit = _scaled_problem(x, y)
    problem = _DirectionalProblem(u, t)
    rng = rng_from_seed(seed)
    if np.linalg.matrix_rank(u) < dim:  # unbounded (or empty: minimise raises)
        point = problem.minimise(np.eye(dim) / np.sqrt(dim))[2]
        return UniquenessVerdict(False, float("inf"), _scale(reference, unit * point, dim), n, dim)
    certified = attained = slack = 0.0
    scale = None
    for _ in range(n_directions):
        direction = _random_direction(dim, rng)
        low, low_bound, low_point, low_slack = problem.minimise(direction)
        high, high_bound, _, high_slack = problem.minimise(-direction)  # max = -min <-C, A>
        certified = max(certified, -high_bound - low_bound)
        attained = max(attained, -high - low)
        slack = max(slack, low_slack + high_slack)
        if scale is None:
            scale = _scale(reference, unit * low_point, dim)
    tolerance = rel_tol * max(scale / unit, 1.0)
    if certified <= tolerance:
        return UniquenessVerdict(True, certified * unit, scale, n, dim)
    if attained - slack > tolerance and attained <= certified + slack:
        return UniquenessVerdict(False, certified * unit, scale, n, dim)
    raise SolverFailure(
        f"undecided: points {attained * unit:.2e} apart (up to {slack * unit:.1e} "
        f"of it from constraint violations), dual bound on the width "
        f"{certified * unit:.2e}, tolerance {tolerance * unit:.2e}"
    )


def _scale(reference, point: np.ndarray, dim: int) -> float:
    if reference is None:
        return float(np.linalg.norm(point))
    return float(np.linalg.norm(as_symmetric(reference, "reference", dim=dim)))


@dataclass(frozen=True)
class TeacherCertificate:
    """Outcome of :func:`teacher_certificate`: a proof of ``S = {A*}`` or a second point."""

    margin: float  # > CERTIFICATE_TOL proves S = {A*}; inf for injective full rank
    witness: np.ndarray | None  # a PSD A != A* with the same measurements, when one was built


def teacher_certificate(x, teacher_matrix) -> TeacherCertificate:
    """Decide ``S = {A*}`` by the dual certificate of the module docstring, or exhibit a witness.

    ``margin = max lambda_min(V0^T Y V0)`` over ``Y = sum_k lambda_k u_k u_k^T`` (unit rows
    ``u_k`` of ``x``) with ``Y A* = 0`` and ``|lambda|_2 <= 1``, recomputed in float64 from
    Clarabel's multipliers (``0`` when the measurements are not injective on the range of ``A*``
    or no multipliers satisfy ``Y A* = 0``; ``inf`` for an injective full-rank ``A*``). Without a
    certificate the SDP's dual solution ``Z >= 0`` is orthogonal to every admissible ``V0^T Y
    V0``; then ``Delta`` with kernel block ``Z`` and range blocks solved from the measurements
    lies in their null space, and ``witness = A* + t Delta`` (``t`` halved until PSD) is a second
    point of ``S``, checked in float64 (``None`` if that fails: the non-generic case).
    Raises :class:`SolverFailure` if Clarabel returns no solution.
    """
    x = as_matrix(x, "x")
    teacher_matrix = _psd_teacher(teacher_matrix, x.shape[1])
    n, dim = x.shape
    check_budget(
        "the certificate (multipliers n x n, blocks n x d x d)",
        argument="x",
        nbytes=8.0 * 3 * (n * n + n * dim * dim),
        flops=10.0 * n * dim**4 + 2.0 * n**3,
        fix="use fewer inputs or dimensions",
    )
    u = x / np.linalg.norm(x, axis=1, keepdims=True) if np.all(np.any(x, axis=1)) else None
    if u is None:
        raise InputError("x has an all-zero row; it measures nothing, remove it")
    eigenvalues, eigenvectors = np.linalg.eigh(teacher_matrix)
    rank = int(np.sum(eigenvalues > RANK_TOL * max(eigenvalues[-1], 0.0)))
    kernel, span = eigenvectors[:, : x.shape[1] - rank], eigenvectors[:, x.shape[1] - rank :]
    in_range, in_kernel = u @ span, u @ kernel
    range_features = quadratic_features(in_range)  # a_k^T P a_k
    if rank and np.linalg.matrix_rank(range_features) < range_features.shape[1]:
        coords = scipy.linalg.null_space(range_features)[:, 0]
        delta = span @ from_coordinates(coords, rank) @ span.T
        return TeacherCertificate(0.0, _second_point(u, teacher_matrix, delta))
    if not rank < x.shape[1]:
        return TeacherCertificate(float("inf"), None)
    # Y A* = 0  <=>  sum_k lambda_k a_k a_k^T = 0 and sum_k lambda_k a_k b_k^T = 0
    cross = (in_range[:, :, None] * in_kernel[:, None, :]).reshape(len(u), -1)  # a_ki b_kj
    tangent = np.hstack([range_features, cross])
    multipliers = scipy.linalg.null_space(tangent.T) if rank else np.eye(len(u))
    blocks = np.einsum("ni,nj,nk->kij", in_kernel, in_kernel, multipliers)  # V0^T Y_j V0
    if len(blocks):
        weights, kernel_block = _certificate_sdp(blocks)
        margin = float(np.linalg.eigvalsh(np.tensordot(weights, blocks, axes=1))[0])
        if margin > CERTIFICATE_TOL:
            return TeacherCertificate(margin, None)
        flat = blocks.reshape(len(blocks), -1).T  # Z orthogonal to every block
        projection = flat @ np.linalg.lstsq(flat, kernel_block.ravel(), rcond=None)[0]
        kernel_block = kernel_block - projection.reshape(blocks.shape[1:])
    else:
        margin, kernel_block = 0.0, np.eye(kernel.shape[1])
    # range blocks P, Q with a_k^T P a_k + 2 a_k^T Q b_k = b_k^T Z b_k for every k
    target = np.einsum("ni,ij,nj->n", in_kernel, kernel_block, in_kernel)
    solution = np.linalg.lstsq(tangent, target, rcond=None)[0] if rank else np.zeros(0)
    n_range = range_features.shape[1]
    p_block = from_coordinates(solution[:n_range], rank)
    q_block = solution[n_range:].reshape(rank, -1) / 2
    delta = (
        kernel @ kernel_block @ kernel.T
        - span @ p_block @ span.T
        - span @ q_block @ kernel.T
        - kernel @ q_block.T @ span.T
    )
    return TeacherCertificate(margin, _second_point(u, teacher_matrix, delta))


def _certificate_sdp(blocks: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``max_{|w| <= 1} lambda_min(sum_j w_j B_j)``: the maximiser ``w`` and the dual ``Z >= 0``."""
    size = blocks.shape[1]
    weights, floor = cp.Variable(len(blocks)), cp.Variable()
    combination = cp.reshape(blocks.reshape(len(blocks), -1).T @ weights, (size, size), order="C")
    definite = combination - floor * np.eye(size) >> 0
    problem = cp.Problem(cp.Maximize(floor), [definite, cp.norm(weights) <= 1])
    try:
        with warnings.catch_warnings():  # the caller recomputes the margin, whatever the status
            warnings.simplefilter("ignore", UserWarning)
            problem.solve(solver=cp.CLARABEL)
    except cp.error.SolverError as error:
        raise SolverFailure(f"Clarabel failed on the certificate SDP: {error}") from error
    if weights.value is None or definite.dual_value is None:
        raise SolverFailure(f"Clarabel returned no certificate (status {problem.status!r})")
    dual = definite.dual_value
    return weights.value, (dual + dual.T) / 2


def _second_point(u: np.ndarray, teacher_matrix: np.ndarray, delta: np.ndarray):
    """``A* + t delta`` with ``t`` the largest power of 2 (times ``|A*|/|delta|``, at most
    ``2^20`` of it) that keeps it PSD, if ``delta`` is a genuine null-space direction of the
    measurements; ``None`` otherwise (all checked in float64)."""
    size = np.linalg.norm(delta)
    reference = max(1.0, np.linalg.norm(teacher_matrix))
    if size == 0 or np.max(np.abs(quadratic_form(u, delta))) > 1e-9 * size:
        return None

    def is_psd(exponent: int) -> bool:
        step = 2.0**exponent * reference / size
        return np.linalg.eigvalsh(teacher_matrix + step * delta)[0] >= -1e-12 * reference

    exponent = 0
    while not is_psd(exponent):
        exponent -= 1
        if 2.0**exponent * reference < 1e-8 * reference:  # step * |delta| at rounding level
            return None
    while exponent < 20 and is_psd(exponent + 1):
        exponent += 1
    return teacher_matrix + 2.0**exponent * reference / size * delta


def _psd_teacher(teacher_matrix, dim: int) -> np.ndarray:
    teacher_matrix = as_symmetric(teacher_matrix, "teacher_matrix", dim=dim)
    if np.linalg.eigvalsh(teacher_matrix)[0] < -1e-12 * max(1.0, np.abs(teacher_matrix).max()):
        raise InputError("teacher_matrix must be positive semidefinite (a teacher W*^T W* / m*)")
    return teacher_matrix


def teacher_is_unique(
    x, teacher_matrix, *, n_directions: int = 2, rel_tol: float = DEFAULT_REL_TOL, seed=0
) -> UniquenessVerdict:
    """Is the PSD teacher ``A*`` the only PSD matrix with ``x_k^T A x_k = x_k^T A* x_k``?

    ``scale = |A*|_F``. If the ``x_k`` do not span ``R^d`` the set is unbounded (``width = inf``).
    Otherwise :func:`teacher_certificate` decides: a certificate gives ``unique`` with
    ``width = 0.0`` (exact); a witness ``A'`` gives ``not unique`` with ``width`` the *lower
    bound* ``max_C |<C, A' - A*>|`` over ``n_directions`` random unit directions from ``seed``.
    If it yields neither (or Clarabel fails), :func:`psd_uniqueness` on the labels decides with
    ``n_directions``, ``rel_tol`` and ``seed``.
    """
    x = as_matrix(x, "x")
    teacher_matrix = _psd_teacher(teacher_matrix, x.shape[1])
    n_directions = check_positive_int(n_directions, "n_directions")
    rng_from_seed(seed)  # a named error for a bad seed before any work
    n, dim = x.shape
    scale = float(np.linalg.norm(teacher_matrix))
    y = quadratic_form(x, teacher_matrix)
    if np.linalg.matrix_rank(x) == dim:
        try:
            certificate = teacher_certificate(x, teacher_matrix)
        except SolverFailure:
            certificate = TeacherCertificate(0.0, None)
        if certificate.margin > CERTIFICATE_TOL:
            return UniquenessVerdict(True, 0.0, scale, n, dim)
        if certificate.witness is not None:
            rng = rng_from_seed(seed)
            gap = certificate.witness - teacher_matrix
            width = max(abs(np.sum(_random_direction(dim, rng) * gap)) for _ in range(n_directions))
            return UniquenessVerdict(False, float(width), scale, n, dim)
    return psd_uniqueness(
        x, y, n_directions=n_directions, rel_tol=rel_tol, seed=seed, reference=teacher_matrix
    )


def uniqueness_probability(
    d: int, m_star: int, n_values, n_trials: int, seed=0, *, teacher: str = "gaussian", **kwargs
) -> dict:
    """Fraction of teacher-student instances whose teacher is the unique zero-loss PSD matrix.

    For each ``n`` in ``n_values`` and each trial, a teacher of width ``m_star`` in dimension ``d``
    labels ``n`` Gaussian inputs (:func:`qlcore.samples.teacher_student.make_data` with seed
    ``[seed, trial]``, so trial ``i`` uses nested data sets across ``n``: its verdicts are monotone
    in ``n``) and :func:`teacher_is_unique` decides. Keyword arguments go to
    :func:`teacher_is_unique`. Solver failures (:class:`SolverFailure`) are counted in
    ``n_failed`` and left out of the fraction. Returns a JSON-serialisable dict with lists over
    ``n_values``: ``fraction`` and its binomial standard error ``stderr = sqrt(f (1 - f) / m)``
    over the ``m`` decided trials, ``n_unique``, ``n_failed``; and ``n_critical`` of eq. 13.
    """
    n_trials = check_positive_int(n_trials, "n_trials")
    seed = check_seed(seed)
    if isinstance(n_values, (str, bytes)) or not hasattr(n_values, "__iter__"):
        raise InputError(
            f"n_values must be a list of sample sizes, got {type(n_values).__name__}",
            argument="n_values",
        )
    n_values = [check_positive_int(n, "n_values (each)") for n in n_values]
    n_unique, n_failed = [], []
    for n in n_values:
        unique = failed = 0
        for trial in range(n_trials):
            data = make_data(d, m_star, n, teacher, seed=[seed, trial])
            try:
                unique += teacher_is_unique(data.x, data.teacher_matrix, **kwargs).unique
            except SolverFailure:
                failed += 1
        n_unique.append(unique)
        n_failed.append(failed)
    decided = [n_trials - f for f in n_failed]
    fraction = [u / m if m else float("nan") for u, m in zip(n_unique, decided)]
    stderr = [
        float(np.sqrt(f * (1 - f) / m)) if m else float("nan") for f, m in zip(fraction, decided)
    ]
    return {
        "d": d,
        "m_star": m_star,
        "teacher": teacher,
        "n_values": n_values,
        "n_trials": n_trials,
        "seed": seed,
        "n_critical": n_critical(d, m_star),
        "n_unique": n_unique,
        "n_failed": n_failed,
        "fraction": fraction,
        "stderr": stderr,
    }
