"""Sufficient statistics of a quadratic regression problem.

For a symmetric ``A`` the prediction ``A . X_n = x_n^T A x_n`` is linear in the
``p = d(d+1)/2`` symmetric coordinates ``a = (A_ij)_{i<=j}``:
``A . X_n = a . f_n`` with features ``f_n = (s_ij x_ni x_nj)_{i<=j}``, ``s_ii = 1`` and
``s_ij = 2`` for ``i < j``. The square loss of Kazemipour et al. (eq. 2.5),

    L(A) = (1/N) sum_n (y_n - A . X_n)^2 = c - 2 b . a + a^T H a,

therefore depends on the data only through ``c = mean y^2``, ``b = mean y_n f_n`` and
``H = mean f_n f_n^T``. Loss and gradient cost O(p^2) = O(d^4),
independent of ``N``. The gradient with respect to the symmetric matrix is

    dL/dA = -2 (1/N) sum_n r_n X_n,   r_n = y_n - A . X_n,

and ``(1/N) sum_n r_n X_n`` is the residual moment whose vanishing certifies global
optimality (Lemma C.1, eq. C.7).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from qlcore.infra.checks import (
    InputError,
    as_array,
    as_matrix,
    as_symmetric,
    check_budget,
    check_data,
    check_positive_int,
)


def n_coordinates(dim: int) -> int:
    """Number of symmetric coordinates ``p = d(d+1)/2`` (``dim >= 0``)."""
    dim = check_positive_int(dim, "dim", minimum=0)
    return dim * (dim + 1) // 2


def coordinate_weights(dim: int) -> np.ndarray:
    """The weights ``s_ij`` (1 on the diagonal, 2 above it) in ``np.triu_indices`` order."""
    rows, cols = np.triu_indices(check_positive_int(dim, "dim", minimum=0))
    return np.where(rows == cols, 1.0, 2.0)


def to_coordinates(matrix) -> np.ndarray:
    """Symmetric coordinates ``(A_ij)_{i<=j}`` of ``A``; works on stacks ``(..., d, d)``."""
    matrix = as_symmetric(matrix, "matrix", stack=True)
    rows, cols = np.triu_indices(matrix.shape[-1])
    return matrix[..., rows, cols]


def from_coordinates(coords, dim: int) -> np.ndarray:
    """The symmetric matrix with coordinates ``coords`` (inverse of :func:`to_coordinates`)."""
    dim = check_positive_int(dim, "dim", minimum=0)
    coords = as_array(coords, "coords")
    if coords.ndim < 1 or coords.shape[-1] != n_coordinates(dim):
        raise InputError(
            f"coords must end in an axis of length d(d+1)/2 = {n_coordinates(dim)} for "
            f"dim={dim}, got shape {coords.shape}",
            argument="coords",
        )
    rows, cols = np.triu_indices(dim)
    matrix = np.zeros(coords.shape[:-1] + (dim, dim))
    matrix[..., rows, cols] = coords
    matrix[..., cols, rows] = coords
    return matrix


def quadratic_features(x) -> np.ndarray:
    """Features ``f_n`` with ``A . x_n x_n^T = to_coordinates(A) . f_n`` (shape (N, p))."""
    x = as_matrix(x, "x", empty_ok=True)
    dim = x.shape[1]
    rows, cols = np.triu_indices(dim)
    return x[:, rows] * x[:, cols] * coordinate_weights(dim)


@dataclass(frozen=True)
class QuadraticMoments:
    """Moments ``c = mean y^2``, ``b = mean y f``, ``H = mean f f^T`` of one data set."""

    c: float
    b: np.ndarray
    H: np.ndarray
    dim: int
    n_samples: int


def moments_from_data(x, y) -> QuadraticMoments:
    """Compute the moments of the data set ``(x, y)``: ``x`` (N, d), ``y`` (N,)."""
    x, y = check_data(x, y)
    n, p = x.shape[0], n_coordinates(x.shape[1])
    check_budget(
        "the moments of x",
        argument="x",
        nbytes=8.0 * (n * p + p * p),
        flops=2.0 * n * p * p,
        fix="use fewer input dimensions (H has d(d+1)/2 squared entries) or fewer samples",
    )
    features = quadratic_features(x)
    return QuadraticMoments(
        c=float(y @ y) / n,
        b=features.T @ y / n,
        H=features.T @ features / n,
        dim=x.shape[1],
        n_samples=n,
    )


def check_moments(moments) -> QuadraticMoments:
    """``moments`` if it is a :class:`QuadraticMoments`, else an InputError naming it."""
    if not isinstance(moments, QuadraticMoments):
        raise InputError(
            f"moments must be a QuadraticMoments, got {type(moments).__name__}; make one with "
            "moments_from_data(x, y)",
            argument="moments",
        )
    return moments


def _coordinates_for(moments, matrix) -> np.ndarray:
    """Check ``moments`` and a symmetric ``matrix`` (or stack) of its size; their coordinates."""
    moments = check_moments(moments)
    return to_coordinates(as_symmetric(matrix, "matrix", dim=moments.dim, stack=True))


def loss(moments: QuadraticMoments, matrix) -> np.ndarray | float:
    """Mean square loss ``L(A) = c - 2 b.a + a^T H a`` (eq. 2.5); ``matrix`` may be a stack.

    ``matrix`` must be symmetric (a non-symmetric one is rejected)."""
    a = _coordinates_for(moments, matrix)
    value = moments.c - 2.0 * a @ moments.b + np.einsum("...i,ij,...j->...", a, moments.H, a)
    return float(value) if np.ndim(value) == 0 else value


def residual_moment(moments: QuadraticMoments, matrix) -> np.ndarray:
    """``(1/N) sum_n r_n X_n`` for ``r_n = y_n - A . X_n``: zero iff ``A`` is a global minimiser.

    In coordinates it is ``(b - H a) / s`` (Lemma C.1, eq. C.7). ``matrix`` must be symmetric.
    """
    a = _coordinates_for(moments, matrix)
    coords = (moments.b - a @ moments.H) / coordinate_weights(moments.dim)
    return from_coordinates(coords, moments.dim)


def gradient(moments: QuadraticMoments, matrix) -> np.ndarray:
    """Gradient of the loss in the symmetric matrix: ``dL/dA = -2 (1/N) sum_n r_n X_n``."""
    return -2.0 * residual_moment(moments, matrix)


def per_sample_loss(x, y, matrix) -> float:
    """Reference definition ``(1/N) sum_n (y_n - x_n^T A x_n)^2``, computed sample by sample."""
    x, y = check_data(x, y)
    matrix = as_symmetric(matrix, "matrix", dim=x.shape[1])
    residual = y - np.einsum("ni,ij,nj->n", x, matrix, x)
    return float(np.mean(residual**2))
