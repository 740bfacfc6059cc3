"""Exact derivatives of the QL loss and the classification of a point of the landscape.

The objective is eq. 3.2 of Kazemipour et al. in all trained parameters
``theta = (lambda, vec Q[, alpha])``:

    F(theta) = (1/N) sum_n (y_n - (Q Lambda Q^T + alpha I) . X_n)^2 + gamma ||Q Q^T - I||_F^2.

Gradient and Hessian come from ``torch.func`` in float64, sample by sample (no moments), so
they are an independent check of the batched engine. A point is classified by the gradient
norm and the extreme Hessian eigenvalues (second-order conditions, eqs. 2.3-2.4).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from torch.func import grad, hessian

from qlcore.infra.checks import (
    as_vector,
    check_bool,
    check_data,
    check_positive_int,
    check_real,
)
from qlcore.model.networks import QLNetwork, check_network

VERDICTS = ("not stationary", "strict saddle", "strict local minimum", "degenerate")


def pack(network: QLNetwork, train_alpha: bool = False) -> np.ndarray:
    """Parameter vector ``theta = (lambda, vec Q[, alpha])`` (``Q`` row-major)."""
    network = check_network(network)
    train_alpha = check_bool(train_alpha, "train_alpha")
    parts = [network.lam, network.q.ravel()] + ([np.array([network.alpha])] if train_alpha else [])
    return np.concatenate(parts)


def unpack(
    theta: np.ndarray, dim: int, width: int, train_alpha: bool = False, alpha: float = 0.0
) -> QLNetwork:
    """Inverse of :func:`pack`; ``alpha`` is used when it is not trained."""
    dim = check_positive_int(dim, "dim")
    width = check_positive_int(width, "width", minimum=0)
    train_alpha = check_bool(train_alpha, "train_alpha")
    alpha = check_real(alpha, "alpha")
    size = width + dim * width + bool(train_alpha)
    theta = as_vector(theta, "theta", length=size)
    lam, q = theta[:width], theta[width : width + dim * width].reshape(dim, width)
    return QLNetwork(lam=lam.copy(), q=q.copy(), alpha=float(theta[-1]) if train_alpha else alpha)


def _objective(x, y, dim, width, gamma, train_alpha, alpha):
    x_t = torch.as_tensor(x, dtype=torch.float64)
    y_t = torch.as_tensor(y, dtype=torch.float64)
    eye = torch.eye(dim, dtype=torch.float64)

    def objective(theta):
        lam = theta[:width]
        q = theta[width : width + dim * width].reshape(dim, width)
        a = theta[-1] if train_alpha else alpha
        matrix = (q * lam) @ q.T + a * eye
        residual = y_t - torch.einsum("ni,ij,nj->n", x_t, matrix, x_t)
        gram = q @ q.T - eye
        return (residual**2).mean() + gamma * (gram**2).sum()

    return objective


def loss_and_derivatives(
    x, y, network: QLNetwork, *, gamma: float = 0.0, train_alpha: bool = False
) -> tuple[float, np.ndarray, np.ndarray]:
    """``F(theta)``, its gradient and its Hessian (float64, ``torch.func``) at ``network``."""
    x, y = check_data(x, y)
    network = check_network(network, dim=x.shape[1])
    gamma = check_real(gamma, "gamma", minimum=0.0)
    train_alpha = check_bool(train_alpha, "train_alpha")
    objective = _objective(x, y, network.dim, network.width, gamma, train_alpha, network.alpha)
    theta = torch.as_tensor(pack(network, train_alpha), dtype=torch.float64)
    return (
        float(objective(theta)),
        grad(objective)(theta).numpy(),
        hessian(objective)(theta).numpy(),
    )


@dataclass(frozen=True)
class PointReport:
    """Second-order classification of a point: see :func:`classify_point`."""

    loss: float
    gradient_norm: float
    hessian_min: float
    hessian_max: float
    n_negative: int
    n_zero: int
    verdict: str


def classify_point(
    x,
    y,
    network: QLNetwork,
    *,
    gamma: float = 0.0,
    train_alpha: bool = False,
    gradient_tol: float = 1e-8,
    eigen_tol: float = 1e-9,
) -> PointReport:
    """Classify ``network`` as a point of the landscape of eq. 3.2.

    Verdicts: ``"not stationary"`` (gradient norm above ``gradient_tol``); ``"strict saddle"`` (a
    Hessian eigenvalue below ``-eigen_tol * max(1, |largest|)``: a descent direction of negative
    curvature); ``"strict local minimum"`` (all eigenvalues above that tolerance); ``"degenerate"``
    (positive semidefinite with zero eigenvalues: the second-order test is inconclusive and
    higher-order or perturbation checks must decide, as for Example 2.1).
    """
    gradient_tol = check_real(gradient_tol, "gradient_tol", positive=True)
    eigen_tol = check_real(eigen_tol, "eigen_tol", positive=True)
    value, gradient, hess = loss_and_derivatives(
        x, y, network, gamma=gamma, train_alpha=train_alpha
    )
    eigenvalues = np.linalg.eigvalsh(hess)
    tol = eigen_tol * max(1.0, float(np.abs(eigenvalues).max()))
    gradient_norm = float(np.linalg.norm(gradient))
    n_negative = int(np.sum(eigenvalues < -tol))
    n_zero = int(np.sum(np.abs(eigenvalues) <= tol))
    if gradient_norm > gradient_tol:
        verdict = "not stationary"
    elif n_negative:
        verdict = "strict saddle"
    elif n_zero:
        verdict = "degenerate"
    else:
        verdict = "strict local minimum"
    return PointReport(
        loss=value,
        gradient_norm=gradient_norm,
        hessian_min=float(eigenvalues.min()),
        hessian_max=float(eigenvalues.max()),
        n_negative=n_negative,
        n_zero=n_zero,
        verdict=verdict,
    )
