"""Teacher-student quadratic networks of Sarao Mannelli et al. (eqs. 1-4) and their data.

A network with hidden units ``w_1..w_m`` (the rows of ``W``) and second layer fixed to ``1/m``
computes ``y(x) = (1/m) sum_i (w_i . x)^2 = x^T A x`` with (eqs. 1, 4)

    A = W^T W / m.

The teacher has width ``m*`` and matrix ``A* = W*^T W* / m*``; inputs are ``x ~ N(0, I_d)`` and
labels ``y_k = x_k^T A* x_k`` (MATH_NOTES.md §1.1). Teachers used in the paper's simulations:

* ``"gaussian"``: ``w*_i`` i.i.d. ``N(0, I_d)``;
* ``"orthonormal"``: orthonormal ``w*_i`` (``m* <= d``), a uniformly random frame.

Reading of the normalisation (MATH_NOTES.md §1.1, [UNREC] in the source): we apply eq. 4 as
written, ``1/m*`` included, to both teachers, so the orthonormal teacher has ``m*`` eigenvalues
``1/m*`` (not 1). The zero teacher ``m* = 0`` gives ``A* = 0``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._validate import check_positive_int
from .data import gaussian_inputs, quadratic_form

TEACHERS = ("gaussian", "orthonormal")


def network_matrix(weights) -> np.ndarray:
    """``A = W^T W / m`` (Sarao Mannelli et al. eq. 4) for hidden units in the rows of ``weights``.

    ``weights`` has shape ``(m, d)`` or a stack ``(..., m, d)``; ``m = 0`` gives the zero matrix.
    """
    weights = np.asarray(weights, dtype=np.float64)
    if weights.ndim < 2:
        raise ValueError(f"weights must have shape (m, d) with one hidden unit per row, got shape "
                         f"{weights.shape}")
    if not np.all(np.isfinite(weights)):
        raise ValueError("weights contain NaN or infinite values")
    width = weights.shape[-2]
    gram = np.swapaxes(weights, -1, -2) @ weights
    return gram / width if width else gram


def teacher_weights(d: int, m_star: int, teacher: str = "gaussian", *, seed=0) -> np.ndarray:
    """Teacher hidden units, shape ``(m_star, d)``: i.i.d. standard Gaussian rows, or ``m_star``
    orthonormal rows spanning a uniformly random subspace. ``seed``: an int or a Generator."""
    d = check_positive_int(d, "d")
    m_star = check_positive_int(m_star, "m_star", minimum=0)
    rng = np.random.default_rng(seed)
    if teacher == "gaussian":
        return rng.standard_normal((m_star, d))
    if teacher == "orthonormal":
        if m_star > d:
            raise ValueError(f"an orthonormal teacher needs m_star <= d = {d}, got m_star={m_star}; "
                             f"use teacher='gaussian'")
        q, r = np.linalg.qr(rng.standard_normal((d, m_star)))
        return (q * np.sign(np.diag(r))).T    # sign fix: Haar-distributed frame
    raise ValueError(f"teacher must be one of {TEACHERS}, got {teacher!r}")


@dataclass(frozen=True)
class TeacherStudentData:
    """``n`` Gaussian inputs ``x`` (n, d) labelled by a teacher: ``y_k = x_k^T A* x_k``."""

    x: np.ndarray
    y: np.ndarray
    teacher_weights: np.ndarray
    teacher_matrix: np.ndarray

    @property
    def n_samples(self) -> int:
        return self.x.shape[0]

    @property
    def dim(self) -> int:
        return self.x.shape[1]


def make_data(d: int, m_star: int, n: int, teacher: str = "gaussian", *,
              seed=0) -> TeacherStudentData:
    """Teacher of width ``m_star`` in dimension ``d`` and ``n`` labelled inputs ``x ~ N(0, I_d)``.

    The teacher is drawn first and the inputs after it from the same stream, so for a fixed
    ``seed`` (an int, a sequence of ints or a Generator) the data sets of growing ``n`` are nested:
    the first ``n`` rows do not depend on how many follow.
    """
    rng = np.random.default_rng(seed)
    weights = teacher_weights(d, m_star, teacher, seed=rng)
    matrix = network_matrix(weights)
    x = gaussian_inputs(n, d, rng, constant_first=False)
    return TeacherStudentData(x=x, y=quadratic_form(x, matrix), teacher_weights=weights,
                              teacher_matrix=matrix)
