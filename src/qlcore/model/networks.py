"""Single-layer quadratic-linear (QL) networks and the three variants of Table 1.

A QL network of width ``k`` on inputs ``x in R^d`` computes (Kazemipour et al., eqs. 2.2, 3.1)

    f(x) = sum_j lambda_j (q_j^T x)^2 + alpha ||x||^2 = (Q Lambda Q^T + alpha I) . x x^T,

with ``Q = [q_1 .. q_k] in R^{d x k}`` and ``Lambda = diag(lambda)``. It is trained on

    F(alpha, lambda, Q) = (1/N) sum_n (y_n - f(x_n))^2 + gamma ||Q Q^T - I||_F^2      (eq. 3.2)

in one of three variants (Table 1):

* ``"regular"``: ``alpha = gamma = 0``, random initialisation (the control; it has spurious
  minima, Example 2.1);
* ``"added-norm"``: ``alpha`` trained, ``gamma = 0``, random initialisation (Theorem 3.1(1));
* ``"orthogonality"``: ``alpha = 0``, ``gamma = sum_n y_n^2`` as in Table 1 (Theorem 3.1(2) needs
  ``gamma > (1/N) sum_n y_n^2``), initialisation ``lambda = 0``, ``Q Q^T = I``.

Random initialisation follows PyTorch's default for ``nn.Linear``, which the authors' code uses:
the hidden weights ``Q^T`` uniform on ``±1/sqrt(d)`` and the output weights ``lambda`` uniform on
``±1/sqrt(k)``. For the orthogonality variant ``Q`` is the rectangular identity ``I_{d x k}``
(``Q Q^T = I`` when ``k >= d``; for ``k < d`` it is the closest such matrix, a projection).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from qlcore.infra.checks import (
    InputError,
    as_matrix,
    as_vector,
    check_budget,
    check_choice,
    check_positive_int,
    check_real,
    check_rng,
)

VARIANTS = ("regular", "added-norm", "orthogonality")


@dataclass(frozen=True)
class QLNetwork:
    """Weights of one QL network: ``lam`` (k,), ``q`` (d, k) and the norm weight ``alpha``."""

    lam: np.ndarray
    q: np.ndarray
    alpha: float = 0.0

    def __post_init__(self):
        q = as_matrix(self.q, "q", empty_ok=True)  # width 0: q of shape (d, 0)
        lam = as_vector(self.lam, "lam", empty_ok=True)
        if q.shape[0] == 0:
            raise InputError(f"q must have at least one row (d >= 1), got {q.shape}", argument="q")
        if lam.shape[0] != q.shape[1]:
            raise InputError(
                f"lam must have one entry per column of q (the width k), got lam of length "
                f"{lam.shape[0]} and q of shape {q.shape}",
                argument="lam",
            )
        object.__setattr__(self, "q", q)
        object.__setattr__(self, "lam", lam)
        object.__setattr__(self, "alpha", check_real(self.alpha, "alpha"))

    @property
    def width(self) -> int:
        return self.q.shape[1]

    @property
    def dim(self) -> int:
        return self.q.shape[0]

    def matrix(self) -> np.ndarray:
        """The symmetric matrix ``A = Q Lambda Q^T + alpha I`` the network computes with."""
        return (self.q * self.lam) @ self.q.T + self.alpha * np.eye(self.dim)

    def predict(self, x) -> np.ndarray:
        """Outputs ``f(x_n) = A . x_n x_n^T`` for the rows of ``x`` (shape (N, d))."""
        x = as_matrix(x, "x", cols=self.dim)
        return np.einsum("ni,ij,nj->n", x, self.matrix(), x)


@dataclass(frozen=True)
class Variant:
    """How a variant of Table 1 is trained: is ``alpha`` trained, is the penalty on."""

    name: str
    train_alpha: bool
    orthogonality_penalty: bool

    def gamma(self, y: np.ndarray) -> float:
        """Penalty weight: ``sum_n y_n^2`` (Table 1) with the penalty on, else 0."""
        y = as_vector(y, "y")
        return float(np.sum(y**2)) if self.orthogonality_penalty else 0.0


def check_network(value, name: str = "network", *, dim: int | None = None) -> QLNetwork:
    """``value`` if it is a :class:`QLNetwork` (with input dimension ``dim`` if given), else
    :class:`~qlcore.infra.checks.InputError` naming ``name``."""
    if not isinstance(value, QLNetwork):
        raise InputError(
            f"{name} must be a QLNetwork(lam=..., q=..., alpha=...), got {type(value).__name__}",
            argument=str(name),
        )
    if dim is not None and value.dim != dim:
        raise InputError(
            f"{name} has input dimension {value.dim} (q has {value.dim} rows) but the data x have "
            f"d = {dim} columns",
            argument=str(name),
        )
    return value


def variant(name: str) -> Variant:
    """The :class:`Variant` called ``name`` (one of :data:`VARIANTS`)."""
    check_choice(name, "name", VARIANTS)
    return Variant(
        name=name, train_alpha=name == "added-norm", orthogonality_penalty=name == "orthogonality"
    )


def initial_network(variant_name: str, dim: int, width: int, rng: np.random.Generator) -> QLNetwork:
    """Initial weights for ``variant_name`` (see the module docstring).

    ``width`` may be 0: the empty network of Fig. 2's first point (it outputs
    ``alpha ||x||^2`` in the added-norm variant and 0 otherwise).
    """
    check_choice(variant_name, "variant_name", VARIANTS)
    dim = check_positive_int(dim, "dim")
    width = check_positive_int(width, "width", minimum=0)
    rng = check_rng(rng)
    check_budget(
        "the weights", argument="width", nbytes=8.0 * (dim + 1) * width, fix="use fewer units"
    )
    if variant_name == "orthogonality":
        return QLNetwork(lam=np.zeros(width), q=np.eye(dim, width), alpha=0.0)
    q = rng.uniform(-1.0, 1.0, size=(dim, width)) / np.sqrt(dim)
    lam = rng.uniform(-1.0, 1.0, size=width) / np.sqrt(max(width, 1))
    return QLNetwork(lam=lam, q=q, alpha=0.0)
