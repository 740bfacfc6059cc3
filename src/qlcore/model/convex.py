"""The lifted convex problem and its global-optimality certificate.

Kazemipour et al. relax the QL network ``(Q Lambda Q^T + alpha I) . X`` to a free symmetric
matrix ``A`` (eq. 2.5):

    min_{A = A^T} (1/N) sum_n (y_n - A . X_n)^2,

which is least squares on the quadratic features of :mod:`qlcore.model.moments`. Its optimality
condition is ``sum_n r_n X_n = 0`` (eq. 2.6). For ``k >= d`` a network ``(alpha, lambda, Q)`` is a
global minimiser of the network loss iff the same condition holds at ``A = Q Lambda Q^T + alpha I``
(Lemma C.1, eq. C.7); any optimum ``A`` is realised by its eigendecomposition.
"""

from __future__ import annotations

import numpy as np

from qlcore.infra.checks import (
    InputError,
    as_symmetric,
    check_budget,
    check_data,
    check_positive_int,
)
from qlcore.model.moments import from_coordinates, quadratic_features


def _residuals(x: np.ndarray, y: np.ndarray, matrix: np.ndarray) -> np.ndarray:
    return y - np.einsum("ni,ij,nj->n", x, matrix, x)


def _check_lstsq_budget(x: np.ndarray) -> None:
    """Refuse a least-squares problem on ``N x (p + 1)`` features that would not fit or finish."""
    n, dim = x.shape
    p = dim * (dim + 1) // 2 + 1
    check_budget(
        "least squares on the quadratic features of x",
        argument="x",
        nbytes=8.0 * 3 * n * p,
        flops=4.0 * n * p * min(n, p),
        fix="use fewer input dimensions or samples",
    )


def lifted_least_squares(x, y) -> tuple[np.ndarray, float]:
    """Global minimiser of eq. 2.5 by least squares on quadratic features.

    Returns ``(A, nmse)``: ``A`` the symmetric minimiser of ``mean_n (y_n - x_n^T A x_n)^2``
    (the minimum-norm one if it is not unique) and ``nmse = sum r^2 / sum y^2``.
    """
    x, y = check_data(x, y)
    _check_lstsq_budget(x)
    coords, *_ = np.linalg.lstsq(quadratic_features(x), y, rcond=None)
    matrix = from_coordinates(coords, x.shape[1])
    return matrix, nmse(x, y, matrix)


def lifted_least_squares_with_norm(x, y) -> tuple[np.ndarray, float, float]:
    """Least squares with the added-norm regressor ``alpha ||x||^2`` (eq. 3.1) as an extra feature.

    Returns ``(A, alpha, nmse)`` for the minimum-norm solution; the fitted model is
    ``(A + alpha I) . X``. Since ``alpha I`` is itself symmetric, the optimal value equals that of
    :func:`lifted_least_squares`: the norm neuron changes the landscape, not the global minimum.
    """
    x, y = check_data(x, y)
    _check_lstsq_budget(x)
    features = np.column_stack([quadratic_features(x), np.sum(x**2, axis=1)])
    coords, *_ = np.linalg.lstsq(features, y, rcond=None)
    matrix = from_coordinates(coords[:-1], x.shape[1])
    alpha = float(coords[-1])
    return matrix, alpha, nmse(x, y, matrix + alpha * np.eye(x.shape[1]))


def nmse(x, y, matrix) -> float:
    """Normalised mean square error ``sum_n r_n^2 / sum_n y_n^2`` of the model ``A . X``."""
    x, y = check_data(x, y)
    matrix = as_symmetric(matrix, "matrix", dim=x.shape[1])
    if not np.any(y):
        raise InputError(
            "y is identically zero, so the NMSE (divided by sum y^2) is undefined", argument="y"
        )
    residual = _residuals(x, y, matrix)
    return float(residual @ residual / (y @ y))


def optimality_residual(x, y, matrix) -> np.ndarray:
    """The matrix ``(1/N) sum_n r_n X_n`` of Lemma C.1 (eq. C.7), computed sample by sample."""
    x, y = check_data(x, y)
    matrix = as_symmetric(matrix, "matrix", dim=x.shape[1])
    residual = _residuals(x, y, matrix)
    return np.einsum("n,ni,nj->ij", residual, x, x) / x.shape[0]


def certificate(x, y, matrix) -> float:
    """Relative optimality certificate ``||sum_n r_n X_n||_F / ||sum_n y_n X_n||_F``.

    Zero exactly at a global minimiser of eq. 2.5 (Lemma C.1); equal to 1 at ``A = 0``.
    """
    x, y = check_data(x, y)
    scale = np.linalg.norm(optimality_residual(x, y, np.zeros((x.shape[1],) * 2)))
    if scale == 0.0:
        raise InputError(
            "y: sum_n y_n X_n is zero, so the relative certificate is undefined", argument="y"
        )
    return float(np.linalg.norm(optimality_residual(x, y, matrix)) / scale)


def network_from_matrix(matrix, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Weights ``(lambda, Q)`` of a width-``k`` QL network with ``Q Lambda Q^T = A``.

    Uses the eigendecomposition ``A = U diag(w) U^T``; needs ``k >= d`` (extra units get
    ``lambda_j = 0`` and ``q_j = 0``). This is how Lemma C.1 realises the convex optimum.
    """
    matrix = as_symmetric(matrix, "matrix")
    dim = matrix.shape[0]
    k = check_positive_int(k, "k")
    check_budget("the weights", argument="k", nbytes=8.0 * (dim + 1) * k, fix="use a smaller k")
    if k < dim:
        raise InputError(
            f"k must be >= d = {dim} to realise an arbitrary symmetric matrix, got {k}",
            argument="k",
        )
    eigenvalues, eigenvectors = np.linalg.eigh(matrix)
    lam = np.zeros(k)
    q = np.zeros((dim, k))
    lam[:dim] = eigenvalues
    q[:, :dim] = eigenvectors
    return lam, q
