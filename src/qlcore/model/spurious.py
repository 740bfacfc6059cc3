"""Example 2.1 of Kazemipour et al.: a spurious local minimum of the regular QL network.

Let ``A > 0`` (positive definite) and planted targets ``y_n = A . X_n``. Every point
``(Lambda_0 < 0, Q_0 = 0)`` is a local minimum of ``L(lambda, Q)``: near it ``Lambda < 0`` so
``Q Lambda Q^T <= 0`` and, because ``X_n >= 0``,

    L = (1/N) sum_n ((A - Q Lambda Q^T) . X_n)^2 >= (1/N) sum_n (A . X_n)^2 = L(Lambda_0, 0)   (eq.
    2.7)

It is not global: the planted ``A`` has loss 0, ``sum_n r_n X_n != 0`` and ``rank Q = 0 < d``.
:func:`check_spurious_point` verifies all of this by computation.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from qlcore.infra.checks import (
    MAX_ENTRY,
    InputError,
    check_budget,
    check_positive_int,
    check_real,
    check_seed,
)
from qlcore.model import convex, data, moments
from qlcore.model.landscape import PointReport, classify_point
from qlcore.model.networks import QLNetwork, check_network


def spurious_point(
    dim: int = 5, n_samples: int = 50, width: int = 3, seed: int = 0
) -> tuple[np.ndarray, np.ndarray, np.ndarray, QLNetwork]:
    """Data ``(x, y)``, the positive definite teacher ``A`` and the point ``(Lambda_0, Q_0)``.

    ``x ~ N(0, I_dim)``; ``A = M M^T / dim + I/2`` with ``M`` Gaussian; ``y_n = A . X_n``;
    ``Lambda_0 = -diag(1, .., width)`` (any negative diagonal works) and ``Q_0 = 0``.
    """
    dim = check_positive_int(dim, "dim")
    n_samples = check_positive_int(n_samples, "n_samples")
    width = check_positive_int(width, "width")
    check_budget(
        "the data and the point",
        argument="n_samples",
        nbytes=8.0 * (n_samples + width + dim) * dim,
        fix="use fewer samples, dimensions or units",
    )
    rng = np.random.default_rng(check_seed(seed))
    x = data.gaussian_inputs(n_samples, dim, rng, constant_first=False)
    root = rng.standard_normal((dim, dim))
    teacher = root @ root.T / dim + 0.5 * np.eye(dim)
    y = data.quadratic_form(x, teacher)
    network = QLNetwork(lam=-np.arange(1.0, width + 1.0), q=np.zeros((dim, width)))
    return x, y, teacher, network


@dataclass(frozen=True)
class SpuriousPointCheck:
    """What the computation found at ``(Lambda_0, Q_0)``; see :func:`check_spurious_point`."""

    loss: float
    n_perturbations: int
    radius: float
    n_perturbations_below: int
    smallest_loss_change: float
    second_order: PointReport
    flat_direction_change: float
    global_loss: float
    certificate: float
    rank_q: int

    @property
    def is_local_minimum(self) -> bool:
        """Stationary, no negative curvature, and no sampled perturbation lowers the loss."""
        return (
            self.second_order.verdict in ("degenerate", "strict local minimum")
            and self.n_perturbations_below == 0
            and self.flat_direction_change <= 1e-12
        )

    @property
    def is_global_minimum(self) -> bool:
        """Global iff the Lemma C.1 certificate vanishes (and so the loss equals the optimum)."""
        return self.certificate < 1e-8


def check_spurious_point(
    x, y, network: QLNetwork, *, n_perturbations: int = 10_000, radius: float = 1e-2, seed: int = 0
) -> SpuriousPointCheck:
    """Verify by computation that ``network`` is a local but not a global minimum of ``L``.

    * first and second order: gradient norm and Hessian spectrum (:func:`classify_point`); the
      Hessian is only positive semidefinite (the ``lambda`` directions are flat when ``Q = 0``);
    * the flat directions: the loss along ``lambda`` with ``Q = 0`` does not change at all;
    * ``n_perturbations`` random perturbations of all parameters with norm ``<= radius``: none may
      lower the loss by more than ``1e-12`` (relative);
    * against the convex optimum of eq. 2.5 and the Lemma C.1 certificate, and ``rank Q``.
    """
    n_perturbations = check_positive_int(n_perturbations, "n_perturbations")
    radius = check_real(radius, "radius", positive=True)
    seed = check_seed(seed)
    mom = moments.moments_from_data(x, y)
    network = check_network(network, dim=mom.dim)
    dim, width = network.dim, network.width
    check_budget(
        "the perturbation sample",
        argument="n_perturbations",
        nbytes=8.0 * n_perturbations * (4 * dim * dim + 3 * (width + dim * width)),
        fix="use fewer perturbations",
    )
    base = moments.loss(mom, network.matrix())
    if base <= 0.0:
        raise InputError(
            "network fits the data exactly (loss 0), so it is a global minimum and relative "
            "loss changes are undefined; pass a point with positive loss",
            argument="network",
        )
    rng = np.random.default_rng(seed)
    directions = rng.standard_normal((n_perturbations, width + dim * width))
    directions *= (
        radius
        * rng.uniform(0, 1, (n_perturbations, 1))
        / np.linalg.norm(directions, axis=1, keepdims=True)
    )
    lam = network.lam + directions[:, :width]
    q = network.q + directions[:, width:].reshape(n_perturbations, dim, width)
    stack = (q * lam[:, None, :]) @ q.transpose(0, 2, 1) + network.alpha * np.eye(dim)
    if not np.all(np.isfinite(stack)) or np.abs(stack).max() > MAX_ENTRY:
        raise InputError(
            f"radius {radius:g} is so large that the perturbed networks overflow; use a radius "
            "on the scale of the weights (the check is local)",
            argument="radius",
        )
    changes = (moments.loss(mom, stack) - base) / base
    flat = QLNetwork(lam=network.lam + rng.standard_normal(width), q=network.q, alpha=network.alpha)
    optimum, _ = convex.lifted_least_squares(x, y)
    return SpuriousPointCheck(
        loss=base,
        n_perturbations=n_perturbations,
        radius=radius,
        n_perturbations_below=int(np.sum(changes < -1e-12)),
        smallest_loss_change=float(changes.min()),
        second_order=classify_point(x, y, network),
        flat_direction_change=abs(moments.loss(mom, flat.matrix()) - base) / base,
        global_loss=moments.loss(mom, optimum),
        certificate=convex.certificate(x, y, network.matrix()),
        rank_q=int(np.linalg.matrix_rank(network.q)) if width else 0,
    )
