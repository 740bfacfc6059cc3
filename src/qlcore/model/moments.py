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

from qlcore.infra.checks import as_symmetric, check_data


def n_coordinates(dim: int) -> int:
    """Number of symmetric coordinates ``p = d(d+1)/2``."""
    return dim * (dim + 1) // 2


def coordinate_weights(dim: int) -> np.ndarray:
    """The weights ``s_ij`` (1 on the diagonal, 2 above it) in ``np.triu_indices`` order."""
    rows, cols = np.triu_indices(dim)
    return np.where(rows == cols, 1.0, 2.0)


def to_coordinates(matrix: np.ndarray) -> np.ndarray:
    """Symmetric coordinates ``(A_ij)_{i<=j}`` of ``A``; works on stacks ``(..., d, d)``."""
    dim = matrix.shape[-1]
    rows, cols = np.triu_indices(dim)
    return matrix[..., rows, cols]


def from_coordinates(coords: np.ndarray, dim: int) -> np.ndarray:
    """The symmetric matrix with coordinates ``coords`` (inverse of :func:`to_coordinates`)."""
    rows, cols = np.triu_indices(dim)
    matrix = np.zeros(coords.shape[:-1] + (dim, dim))
    matrix[..., rows, cols] = coords
    matrix[..., cols, rows] = coords
    return matrix


def quadratic_features(x: np.ndarray) -> np.ndarray:
    """Features ``f_n`` with ``A . x_n x_n^T = to_coordinates(A) . f_n`` (shape (N, p))."""
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
    features = quadratic_features(x)
    n = x.shape[0]
    return QuadraticMoments(
        c=float(y @ y) / n,
        b=features.T @ y / n,
        H=features.T @ features / n,
        dim=x.shape[1],
        n_samples=n,
    )


def loss(moments: QuadraticMoments, matrix) -> np.ndarray | float:
    """Mean square loss ``L(A) = c - 2 b.a + a^T H a`` (eq. 2.5); ``matrix`` may be a stack."""
    a = to_coordinates(np.asarray(matrix, dtype=np.float64))
    value = moments.c - 2.0 * a @ moments.b + np.einsum("...i,ij,...j->...", a, moments.H, a)
    return float(value) if np.ndim(value) == 0 else value


def residual_moment(moments: QuadraticMoments, matrix) -> np.ndarray:
    """``(1/N) sum_n r_n X_n`` for ``r_n = y_n - A . X_n``: zero iff ``A`` is a global minimiser.

    In coordinates it is ``(b - H a) / s`` (Lemma C.1, eq. C.7).
    """
    a = to_coordinates(np.asarray(matrix, dtype=np.float64))
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
