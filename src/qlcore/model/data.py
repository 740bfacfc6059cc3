"""Inputs and targets for the quadratic-regression experiments.

Kazemipour, Larsen & Druckmann (Section 4.1, Table 1) draw inputs
``x ~ N(0, I_d)`` with the first coordinate fixed to 1 (a bias), and targets from
one of three models:

* ``"planted-diagonal"``: ``y_n = A . X_n`` with ``A`` diagonal with random signs ±1 (Fig. 2a);
* ``"planted-gaussian"``: ``y_n = A . X_n`` with ``A`` symmetric, its entries on and above the
  diagonal i.i.d. ``N(0, 1)`` (Fig. 2b);
* ``"non-planted"``: ``y_n ~ N(0, 1)`` i.i.d., independent of ``x`` (Fig. 2c).

Here ``X_n = x_n x_n^T`` and ``A . X = tr(A^T X)``. The authors' code scales the Gaussian
coordinates by ``1/sqrt(d)``; we follow the paper's text (unit variance).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from qlcore.infra.checks import (
    as_matrix,
    as_symmetric,
    check_bool,
    check_budget,
    check_choice,
    check_positive_int,
    check_rng,
    check_seed,
)

TARGET_MODELS = ("planted-diagonal", "planted-gaussian", "non-planted")


@dataclass(frozen=True)
class RegressionData:
    """A quadratic regression data set: inputs ``x`` (N, d), targets ``y`` (N,).

    ``planted_matrix`` is the symmetric ``A`` with ``y = A . x x^T`` for planted
    models and ``None`` for non-planted data.
    """

    x: np.ndarray
    y: np.ndarray
    model: str
    planted_matrix: np.ndarray | None
    seed: int

    @property
    def n_samples(self) -> int:
        return self.x.shape[0]

    @property
    def dim(self) -> int:
        return self.x.shape[1]


def gaussian_inputs(
    n_samples: int, dim: int, rng: np.random.Generator, *, constant_first: bool = True
) -> np.ndarray:
    """Draw ``n_samples`` inputs ``x ~ N(0, I_dim)``; with ``constant_first`` set ``x_1 = 1``."""
    n_samples = check_positive_int(n_samples, "n_samples")
    dim = check_positive_int(dim, "dim")
    rng = check_rng(rng)
    constant_first = check_bool(constant_first, "constant_first")
    check_budget(
        "the inputs",
        argument="n_samples",
        nbytes=8.0 * n_samples * dim,
        fix="draw fewer samples or dimensions",
    )
    x = rng.standard_normal((n_samples, dim))
    if constant_first:
        x[:, 0] = 1.0
    return x


def planted_matrix(model: str, dim: int, rng: np.random.Generator) -> np.ndarray | None:
    """The symmetric teacher matrix of a target model (``None`` for non-planted data)."""
    check_choice(model, "model", TARGET_MODELS)
    dim = check_positive_int(dim, "dim")
    rng = check_rng(rng)
    if model == "planted-diagonal":
        return np.diag(rng.choice([-1.0, 1.0], size=dim))
    if model == "planted-gaussian":
        upper = np.triu(rng.standard_normal((dim, dim)))
        return upper + np.triu(upper, 1).T
    return None  # non-planted


def quadratic_form(x: np.ndarray, matrix: np.ndarray) -> np.ndarray:
    """``A . x_n x_n^T = x_n^T A x_n`` for every row ``x_n`` of ``x`` (``A`` symmetric)."""
    x = as_matrix(x, "x")
    matrix = as_symmetric(matrix, "matrix", dim=x.shape[1])
    return np.einsum("ni,ij,nj->n", x, matrix, x)


def make_dataset(
    model: str, *, n_samples: int = 1500, dim: int = 10, seed: int = 0, constant_first: bool = True
) -> RegressionData:
    """One data set of Table 1 (Kazemipour et al.): inputs, targets and the planted matrix.

    The same ``seed`` always gives the same data set.
    """
    check_choice(model, "model", TARGET_MODELS)
    rng = np.random.default_rng(check_seed(seed))
    x = gaussian_inputs(n_samples, dim, rng, constant_first=constant_first)
    matrix = planted_matrix(model, dim, rng)
    y = rng.standard_normal(n_samples) if matrix is None else quadratic_form(x, matrix)
    return RegressionData(x=x, y=y, model=model, planted_matrix=matrix, seed=seed)
