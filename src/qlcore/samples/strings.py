"""The string method on the PSD cone: a minimum-energy path from the student's start to the teacher.

Sarao Mannelli et al. §6 (described there in words; the formulas are reconstructed). A student of
width ``m >= d`` is the matrix ``A = W W^T / m`` (eq. 4), any point of the PSD cone, and gradient
descent on its weights moves ``A`` by the closed flow of Lemma 2.1 (eq. 5),

    dA/dt = -(G A + A G),    G = grad E_n(A) = mean_k r_k x_k x_k^T,  r_k = x_k^T (A - A*) x_k,

on the empirical loss ``E_n(A) = 1/2 mean_k r_k^2`` (eq. 6). The string method joins the
student's start ``A(0)`` to the teacher ``A*`` by a curve discretised into ``N`` images that are
equidistant in Frobenius norm, and repeats the two steps of the *simplified string method* (E, Ren
& Vanden-Eijnden, J. Chem. Phys. 126, 164103 (2007)):

1. move every interior image by one step of the descent dynamics (:func:`descent_step`);
2. put the images back at equal arc length along the polygon through them (:func:`reparametrise`,
   linear interpolation).

Both end points stay fixed. A fixed point is a curve along which the descent velocity is tangent,
a minimum-energy path: down the gradient-descent trajectory from ``A(0)`` to the first zero-loss
matrix it reaches and, if that is not ``A*``, on along the zero-loss set ``S = {A >= 0 :
x_k^T A x_k = y_k}`` (eq. 10) to ``A*``, a *flat stretch* at ``E_n = 0``. Below the threshold
``n_c`` of eq. 13 ``S`` is typically larger than ``{A*}``; above it ``S = {A*}`` and the loss
vanishes only at the end point.

**Telling the flat stretch apart** (:func:`ray_curvature`, :func:`zero_loss_stretch`). ``E_n`` is
a quadratic form in ``A - A*`` that vanishes at ``A*``, so ``E_n(A* + t D) = t^2 E_n(A* + D)``
exactly, and ``E_n(A) / |A - A*|_F^2`` is the curvature of ``E_n`` along the ray from ``A*``
through ``A``. ``S`` is convex and contains ``A*``, so on ``S`` that curvature is 0; if
``S = {A*}`` it is at least the *sharpness* ``min_D 1/2 <D, H D>`` over unit directions ``D``
that keep ``A* + t D`` PSD for small ``t > 0``, which is positive (that is what uniqueness means).
Divided by its value at ``A(0)`` it is a number that does not depend on the units or on how close
an image is to ``A*``, unlike ``E_n`` itself, which near ``A*`` is small on any path. The flow
converges only like a power of ``t`` near rank-deficient zero-loss matrices (as in eq. 26), so on
the flat stretch it reaches 0 slowly, and near ``n_c`` the sharpness is small: a tolerance
``zero_tol`` separates the two, and results should say how far the string has converged.

Numerical choices (ours; the paper gives none):

* The step is gradient descent on the weights written in ``A``: ``W <- (I - eta G) W`` gives
  ``A <- (I - eta G) A (I - eta G) = A - eta (G A + A G) + eta^2 G A G``, eq. 5 to ``O(eta^2)``
  and a congruence, so every image stays positive semidefinite exactly. Reparametrisation takes
  convex combinations of neighbouring images, which keeps them PSD as well.
* Each image takes its own step (:func:`step_sizes`), the smaller of
  ``step_fraction / (|H| |A_i|_F)``, ``|H|`` the operator norm of ``D -> grad E_n(A* + D)``
  (:func:`operator_norm`), for stability (the linearised step is stable for
  ``eta < 1 / (|H| lambda_max(A))`` and ``|A|_F >= lambda_max(A)``), and the step that moves the
  image by ``max_shift`` times the spacing ``h`` of the images. Without the second bound a fast
  image jumps over several images per iteration, and the fixed point is a path of the Euler map
  with that long step, not of the flow (measured: 1.5% of the string's length off the accurate
  flow line at ``d = 4``, whatever ``N``; with it the distance shrinks with ``h``). Rescaling the
  velocity of an image by a positive number keeps its direction, so the fixed points (curves
  tangent to the velocity) are those of the flow itself.
* Convergence: the *residual* is ``max_i |A_i^new - A_i^old|_F / (eta_i L)``, the largest image
  speed per unit flow time relative to the string's length ``L``; the iteration stops when it
  falls below ``tol`` or after ``max_iterations`` steps.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from qlcore.dynamics.flows import population_loss
from qlcore.infra.checks import (
    InputError,
    as_array,
    as_symmetric,
    check_budget,
    check_positive_int,
    check_real,
)
from qlcore.model.moments import QuadraticMoments, check_moments, coordinate_weights
from qlcore.samples.teacher_student import _gradient_map, empirical_loss

PSD_TOL = 1e-12  # eigenvalues above -PSD_TOL * max(1, max |A_ij|) count as non-negative


@dataclass(frozen=True)
class StringPath:
    """A string of ``N`` images from ``images[0] = A(0)`` to ``images[-1] = A*`` after
    ``iterations`` steps; ``residual`` is the last normalised image speed (module docstring) and
    ``converged`` says whether it fell below the tolerance."""

    images: np.ndarray
    iterations: int
    residual: float
    converged: bool


@dataclass(frozen=True)
class LossProfile:
    """Along a string: cumulative Frobenius ``arc_length``, ``training`` loss ``E_n`` (eq. 6),
    ``population`` loss ``E`` (eq. 9) and ``distance`` ``|A_i - A*|_F`` to the teacher."""

    arc_length: np.ndarray
    training: np.ndarray
    population: np.ndarray
    distance: np.ndarray


def _check_psd(matrix, name: str, dim: int | None = None) -> np.ndarray:
    matrix = as_symmetric(matrix, name, dim=dim)
    smallest = np.linalg.eigvalsh(matrix)[0]
    if smallest < -PSD_TOL * max(1.0, np.abs(matrix).max()):
        raise InputError(
            f"{name} must be positive semidefinite (a student W W^T / m or a teacher "
            f"W* W*^T / m*); its smallest eigenvalue is {smallest:.3g}"
        )
    return matrix


def _check_images(images, dim: int | None = None, name: str = "images") -> np.ndarray:
    """A stack ``(N, d, d)`` of ``N >= 2`` finite symmetric matrices (``d = dim`` if given)."""
    images = as_symmetric(images, name, dim=dim, stack=True)
    if images.ndim != 3 or images.shape[0] < 2:
        raise InputError(
            f"{name} must be a stack (N, d, d) of N >= 2 matrices, got shape {images.shape}",
            argument=name,
        )
    check_budget("the string", argument=name, nbytes=8.0 * 8 * images.size, fix="use fewer images")
    return images


def _check_image_count(n_images, dim: int, minimum: int) -> int:
    n_images = check_positive_int(n_images, "n_images", minimum=minimum)
    check_budget(
        "the string",
        argument="n_images",
        nbytes=8.0 * 8 * n_images * dim * dim,
        fix="use fewer images",
    )
    return n_images


def straight_string(start, end, n_images: int) -> np.ndarray:
    """``n_images`` equidistant images on the segment from ``start`` to ``end``, both PSD (so is
    every image: the cone is convex); the usual initial string."""
    start = _check_psd(start, "start")
    end = _check_psd(end, "end", dim=start.shape[0])
    n_images = _check_image_count(n_images, start.shape[0], minimum=3)
    weights = np.linspace(0.0, 1.0, n_images)[:, None, None]
    return (1.0 - weights) * start + weights * end


def arc_length(images) -> np.ndarray:
    """Cumulative Frobenius arc length ``s_i = sum_{0 < j <= i} |A_j - A_{j-1}|_F`` (``s_0 = 0``)
    of the polygon through ``images`` ``(N, d, d)``."""
    return _arc_length(_check_images(images))


def _arc_length(images: np.ndarray) -> np.ndarray:
    steps = np.linalg.norm((images[1:] - images[:-1]).reshape(len(images) - 1, -1), axis=1)
    return np.concatenate([[0.0], np.cumsum(steps)])


def reparametrise(images) -> np.ndarray:
    """Step 2 of the simplified string method: image ``i`` moves to the point at arc length
    ``i L / (N - 1)`` along the polygon through ``images`` (``L`` its length), a convex
    combination of two consecutive images (linear interpolation); the end points stay."""
    return resample(images, len(_check_images(images)))


def resample(images, n_images: int) -> np.ndarray:
    """``n_images`` images at equal arc length along the polygon through ``images``, with the same
    end points: :func:`reparametrise` to another number of images (e.g. to refine a string)."""
    images = _check_images(images)
    n_images = _check_image_count(n_images, images.shape[1], minimum=2)
    return _resample(images, _arc_length(images), n_images)


def _resample(images: np.ndarray, lengths: np.ndarray, count: int) -> np.ndarray:
    targets = np.linspace(0.0, lengths[-1], count)
    left = np.clip(np.searchsorted(lengths, targets, side="right") - 1, 0, len(images) - 2)
    gap = lengths[left + 1] - lengths[left]
    weight = np.divide(targets - lengths[left], gap, out=np.zeros(count), where=gap > 0)
    weight = np.clip(weight, 0.0, 1.0)[:, None, None]
    result = (1.0 - weight) * images[left] + weight * images[left + 1]
    result[0], result[-1] = images[0], images[-1]
    return result


def operator_norm(moments: QuadraticMoments) -> float:
    """``|H|``: the Frobenius operator norm of ``D -> mean_k <x_k x_k^T, D> x_k x_k^T``, the map
    from ``A - A*`` to ``grad E_n(A)`` (eq. 6). In the symmetric coordinates of
    :mod:`qlcore.model.moments` it is ``lambda_max(S^-1/2 H S^-1/2)`` (``S`` the coordinate
    weights); it equals the largest eigenvalue of the Gram matrix ``(x_k . x_l)^2 / n``."""
    moments = check_moments(moments)
    scale = 1.0 / np.sqrt(coordinate_weights(moments.dim))
    return float(np.linalg.eigvalsh(scale[:, None] * moments.H * scale[None, :])[-1])


def step_sizes(
    moments: QuadraticMoments,
    teacher,
    images,
    *,
    step_fraction: float = 0.5,
    max_shift: float = 0.5,
) -> np.ndarray:
    """Per-image steps of the string method, ``eta_i = min(step_fraction / (|H| |A_i|_F),
    max_shift h / |V_i|_F)`` with ``V_i = G_i A_i + A_i G_i`` the velocity of eq. 5 and ``h`` the
    mean spacing of the images (module docstring)."""
    images = _check_images(images, check_moments(moments).dim)
    teacher = _check_psd(teacher, "teacher", dim=moments.dim)
    gradients = _gradient_map(moments, teacher)(images)
    spacing = _arc_length(images)[-1] / (len(images) - 1)
    return _step_sizes(
        operator_norm(moments),
        images,
        gradients,
        spacing,
        _check_fraction(step_fraction, "step_fraction"),
        _check_fraction(max_shift, "max_shift"),
    )


def _check_fraction(value: float, name: str) -> float:
    value = check_real(value, name)
    if not 0 < value <= 1:
        raise InputError(f"{name} must be in (0, 1], got {value}")
    return float(value)


def _step_sizes(
    norm: float,
    images: np.ndarray,
    gradients: np.ndarray,
    spacing: float,
    step_fraction: float,
    max_shift: float,
) -> np.ndarray:
    tiny = np.finfo(float).tiny
    sizes = np.linalg.norm(images.reshape(len(images), -1), axis=1)
    velocity = gradients @ images + images @ gradients
    speeds = np.linalg.norm(velocity.reshape(len(images), -1), axis=1)
    stable = step_fraction / (norm * np.maximum(sizes, tiny))
    return np.minimum(stable, max_shift * spacing / np.maximum(speeds, tiny))


def descent_step(moments: QuadraticMoments, teacher, images, step_size) -> np.ndarray:
    """One step of gradient descent on the weights (eq. 3) written in ``A``:
    ``A_i <- (I - eta_i G_i) A_i (I - eta_i G_i)`` with ``G_i = grad E_n(A_i)`` (eq. 6), i.e. the
    Euler step ``A_i - eta_i (G_i A_i + A_i G_i)`` of eq. 5 plus ``eta_i^2 G_i A_i G_i``; PSD
    images stay PSD. ``images`` ``(N, d, d)``; ``step_size`` a number or one per image."""
    images = _check_images(images, check_moments(moments).dim)
    teacher = _check_psd(teacher, "teacher", dim=moments.dim)
    steps = as_array(step_size, "step_size")
    if steps.ndim > 1 or steps.size not in (1, len(images)):
        raise InputError(
            f"step_size must be a number or one per image ({len(images)}), got shape {steps.shape}",
            argument="step_size",
        )
    steps = np.broadcast_to(steps.reshape(-1), (len(images),))
    if not np.all(np.isfinite(steps) & (steps > 0)):
        raise InputError("step_size must be > 0 (a number or one per image)")
    return _congruence_step(_gradient_map(moments, teacher)(images), images, steps)


def _congruence_step(gradients: np.ndarray, images: np.ndarray, steps: np.ndarray) -> np.ndarray:
    factor = np.eye(images.shape[1]) - steps[:, None, None] * gradients
    return factor @ images @ factor


def string_method(
    moments: QuadraticMoments,
    teacher,
    start,
    *,
    n_images: int = 100,
    max_iterations: int = 100_000,
    tol: float = 1e-7,
    step_fraction: float = 0.5,
    max_shift: float = 0.5,
    initial=None,
) -> StringPath:
    """Minimum-energy path of ``E_n`` (eq. 6) from ``start`` (the student's ``A(0)``) to
    ``teacher`` (``A*``) by the simplified string method (Sarao Mannelli et al. §6; module
    docstring).

    ``moments``: the data's moments
    (:attr:`qlcore.samples.teacher_student.TeacherStudentData.moments`). The initial string is
    :func:`straight_string` with ``n_images`` images, or ``initial`` (``(N, d, d)`` PSD images from
    ``start`` to ``teacher``, e.g. an earlier string refined by :func:`resample`). Each iteration
    applies :func:`descent_step` to the interior images with the steps of :func:`step_sizes`
    (``step_fraction``, ``max_shift``) and then :func:`reparametrise`; it stops when the residual
    is below ``tol`` or after ``max_iterations`` iterations.
    """
    teacher = _check_psd(teacher, "teacher", dim=check_moments(moments).dim)
    start = _check_psd(start, "start", dim=moments.dim)
    max_iterations = check_positive_int(max_iterations, "max_iterations")
    step_fraction = _check_fraction(step_fraction, "step_fraction")
    max_shift = _check_fraction(max_shift, "max_shift")
    tol = check_real(tol, "tol", positive=True)
    if initial is None:
        images = straight_string(start, teacher, n_images)
    else:
        images = _check_images(initial, moments.dim, name="initial").copy()
        if len(images) < 3 or not (
            np.array_equal(images[0], start) and np.array_equal(images[-1], teacher)
        ):
            raise InputError(
                "initial must hold at least 3 images, with initial[0] = start and "
                "initial[-1] = teacher"
            )
        for index, image in enumerate(images):
            _check_psd(image, f"initial[{index}]")
    gradient, norm = _gradient_map(moments, teacher), operator_norm(moments)
    lengths = _arc_length(images)
    residual, iteration = np.inf, 0
    while iteration < max_iterations and not residual < tol:
        interior = images[1:-1]
        gradients = gradient(interior)
        steps = _step_sizes(
            norm, interior, gradients, lengths[-1] / (len(images) - 1), step_fraction, max_shift
        )
        moved = images.copy()
        moved[1:-1] = _congruence_step(gradients, interior, steps)
        moved = _resample(moved, _arc_length(moved), len(images))
        lengths = _arc_length(moved)
        speed = np.linalg.norm((moved[1:-1] - interior).reshape(len(steps), -1), axis=1)
        residual = float(np.max(speed / steps) / lengths[-1]) if lengths[-1] > 0 else 0.0
        images = moved
        iteration += 1
    return StringPath(
        images=images, iterations=iteration, residual=residual, converged=residual < tol
    )


def loss_profile(moments: QuadraticMoments, teacher, images) -> LossProfile:
    """``E_n`` (eq. 6), ``E`` (eq. 9), arc length and distance to ``teacher`` along a string."""
    images = _check_images(images, check_moments(moments).dim)
    teacher = _check_psd(teacher, "teacher", dim=moments.dim)
    return LossProfile(
        arc_length=_arc_length(images),
        training=np.atleast_1d(empirical_loss(moments, teacher, images)),
        population=np.array([population_loss(image, teacher) for image in images]),
        distance=np.linalg.norm((images - teacher).reshape(len(images), -1), axis=1),
    )


def ray_curvature(profile: LossProfile) -> np.ndarray:
    """``kappa_i = (E_n(A_i) / |A_i - A*|^2) / (E_n(A_0) / |A_0 - A*|^2)``: the curvature of
    ``E_n`` along the ray from ``A*`` through image ``i``, relative to the ray through the start
    (module docstring). 0 on the zero-loss set, at least the relative sharpness of ``A*`` when
    ``A*`` is the only zero-loss PSD matrix; 0 at ``A*`` itself by convention."""
    if not isinstance(profile, LossProfile):
        raise InputError(
            f"profile must be a LossProfile (from loss_profile), got {type(profile).__name__}",
            argument="profile",
        )
    training, distance = np.asarray(profile.training), np.asarray(profile.distance)
    if not (training[0] > 0 and distance[0] > 0):
        raise InputError(
            "the string must start at a matrix with positive loss (not a zero-loss "
            "matrix such as A* itself): it sets the scale of the curvature"
        )
    reference = training[0] / distance[0] ** 2
    at_teacher = distance == 0
    safe = np.where(at_teacher, 1.0, distance)
    return np.where(at_teacher, 0.0, training / safe**2 / reference)


def zero_loss_stretch(profile: LossProfile, zero_tol: float = 1e-4) -> float:
    """Length of the string's zero-loss stretch: the total arc length of the segments whose two
    end images have :func:`ray_curvature` ``<= zero_tol`` (``A*`` always has 0).

    ``0`` when only the end point ``A*`` is flat (``S = {A*}``, above ``n_c``); positive when the
    string runs along a zero-loss set larger than ``{A*}``. ``zero_tol`` must sit below the
    relative sharpness of unique instances and above the level the flat stretch has converged to
    (module docstring).
    """
    zero_tol = check_real(zero_tol, "zero_tol")
    if not 0 < zero_tol < 1:
        raise InputError(
            f"zero_tol must be in (0, 1) (a curvature relative to the start's), got {zero_tol}"
        )
    flat = ray_curvature(profile) <= zero_tol
    return float(np.sum(np.diff(profile.arc_length)[flat[1:] & flat[:-1]]))
