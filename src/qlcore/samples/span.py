"""Gamarnik, Kızıldağ & Zadik: the span condition and interpolants that do not generalise.

Their planted model (as stated in their slides) uses *rows*: ``W`` is ``m x d``,
``f(W; x) = sum_j <W_j, x>^2 = |W x|^2 = x^T W^T W x``, labels ``Y_i = f(W*; X_i)`` with
``rank W* = d <= m``, and the inputs have i.i.d. centred coordinates with ``mu2 = E X_i^2``,
``mu4 = E X_i^4``. With ``M = W^T W - W*^T W*``:

* population risk (reconstructed: derived by us from the independence of the coordinates)
  ``L(W) = E (f(W; X) - f(W*; X))^2 = mu2^2 (tr M)^2 + (mu4 - mu2^2) sum_i M_ii^2
  + 2 mu2^2 sum_{i != j} M_ij^2 >= min{mu4 - mu2^2, 2 mu2^2} |M|_F^2``;
* span condition (stated in the slides): if ``span{X_i X_i^T} = S`` (all symmetric matrices), every
  interpolant has ``W^T W = W*^T W*``; if the span is smaller, some interpolant does not. For a
  jointly continuous law ``dim span = min(N, d(d+1)/2)`` almost surely;
* for ``N < d(d+1)/2`` there is an interpolant with ``L(W) >= min{mu4 - mu2^2, 2 mu2^2}
  sigma_min(W*)^4`` (construction reconstructed by us: a null-space ``M`` with ``lambda_min(M) =
  -sigma_min(W*)^2``, so ``W*^T W* + M >= 0`` and ``|M|_F >= sigma_min^2``).

Caveats that the computations here make visible. The bound is vacuous when ``mu4 = mu2^2``
(Rademacher inputs, ``min{...} = 0``). For Rademacher inputs, which are not jointly continuous,
``X X^T`` has unit diagonal, so the span never exceeds ``1 + d(d-1)/2`` and interpolants other
than ``W*`` exist for every ``N``; they differ from it by traceless diagonal ``M``, whose
Rademacher risk is exactly 0 (but not its Gaussian risk).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from qlcore.infra.checks import (
    MAX_ENTRY,
    InputError,
    as_matrix,
    as_symmetric,
    check_budget,
    check_choice,
    check_entries,
    check_positive_int,
    check_real,
    rng_from_seed,
)
from qlcore.model.moments import from_coordinates, quadratic_features

INPUT_LAWS = ("gaussian", "uniform", "rademacher", "laplace")


@dataclass(frozen=True)
class InputLaw:
    """An i.i.d. coordinate law with its moments ``mu2 = E X^2`` and ``mu4 = E X^4``."""

    name: str
    mu2: float
    mu4: float

    @property
    def barrier_constant(self) -> float:
        """``min{mu4 - mu2^2, 2 mu2^2}`` of this law (:func:`barrier_constant`)."""
        return barrier_constant(self.mu2, self.mu4)


def barrier_constant(mu2: float, mu4: float) -> float:
    """``min{mu4 - mu2^2, 2 mu2^2}``, the constant of ``L(W) >= min{..} |M|_F^2`` (§4.1) and so of
    the energy barrier (:func:`energy_barrier`); 0 for Rademacher inputs (``mu4 = mu2^2``)."""
    mu2, mu4 = _check_moments(mu2, mu4)
    return float(min(mu4 - mu2**2, 2 * mu2**2))


def smallest_singular_value(weights) -> float | np.ndarray:
    """``sigma_min(W)``, the ``d``-th singular value of an ``m x d`` matrix (0 when ``m < d``: the
    rank is below ``d``), or an array of them for a stack ``(..., m, d)``."""
    weights = check_entries(weights, "weights")
    if weights.ndim < 2 or weights.size == 0:
        raise InputError(
            f"weights must be m x d or a stack of such, not empty, got shape {weights.shape}",
            argument="weights",
        )
    m, d = weights.shape[-2:]
    if m < d:
        value = np.zeros(weights.shape[:-2])
    else:
        value = np.linalg.svd(weights, compute_uv=False)[..., -1]
    return float(value) if np.ndim(value) == 0 else value


def input_law(name: str) -> InputLaw:
    """``"gaussian"`` N(0, 1) (mu4 = 3), ``"uniform"`` on ``[-sqrt 3, sqrt 3]`` (mu4 = 9/5),
    ``"rademacher"`` +-1 (mu4 = 1) or ``"laplace"`` with scale ``1/sqrt 2`` (density
    ``exp(-sqrt 2 |t|) / sqrt 2``, mu4 = 6): heavier-tailed than any Gaussian, sub-Weibull with
    exponent 1 (``P(|X| > t) = exp(-sqrt 2 t)``), the relaxation of sub-Gaussianity that Gamarnik
    et al. allow; all with ``mu2 = 1``."""
    moments = {"gaussian": 3.0, "uniform": 1.8, "rademacher": 1.0, "laplace": 6.0}
    check_choice(name, "name", INPUT_LAWS)
    return InputLaw(name, 1.0, moments[name])


def sample_inputs(law: str, n: int, d: int, *, seed=0) -> np.ndarray:
    """``n`` inputs in ``R^d`` with i.i.d. coordinates from :func:`input_law` ``law``."""
    check_choice(law, "law", INPUT_LAWS)
    n, d = check_positive_int(n, "n"), check_positive_int(d, "d")
    check_budget("the inputs", argument="n", nbytes=8.0 * n * d, fix="draw fewer inputs")
    name, rng = law, rng_from_seed(seed)
    if name == "gaussian":
        return rng.standard_normal((n, d))
    if name == "uniform":
        return rng.uniform(-np.sqrt(3.0), np.sqrt(3.0), (n, d))
    if name == "laplace":
        return rng.laplace(0.0, 1.0 / np.sqrt(2.0), (n, d))
    return rng.choice([-1.0, 1.0], size=(n, d))


def _span_matrix(x) -> np.ndarray:
    """Rows ``vech(u_i u_i^T)`` with off-diagonal entries times ``sqrt 2`` (an isometry of the
    symmetric matrices) for the unit inputs ``u_i = x_i / |x_i|`` (the span does not change)."""
    x = as_matrix(x, "x")
    n, p = x.shape[0], x.shape[1] * (x.shape[1] + 1) // 2
    check_budget(
        "the span matrix and its SVD",
        argument="x",
        nbytes=8.0 * 3 * n * p,
        flops=4.0 * n * p * min(n, p),
        fix="use fewer inputs or dimensions",
    )
    norms = np.linalg.norm(x, axis=1)
    if np.any(norms == 0):
        raise InputError("x has an all-zero row; it spans nothing, remove it")
    features = quadratic_features(x / norms[:, None])  # off-diagonal weight 2 ...
    rows, cols = np.triu_indices(x.shape[1])
    return features * np.where(rows == cols, 1.0, 1 / np.sqrt(2))  # ... made sqrt 2


def span_dimension(x) -> int:
    """``dim span{x_i x_i^T}`` (Gamarnik et al. §4.6): the rank of the ``N x d(d+1)/2`` matrix of
    :func:`_span_matrix`, by SVD, counting singular values above ``max(N, p) * eps * s_max``
    (numpy's ``matrix_rank`` default; rows are unit vectors, so ``s_max`` is between 1 and
    ``sqrt N``)."""
    return int(np.linalg.matrix_rank(_span_matrix(x)))


def population_risk(difference, mu2: float, mu4: float) -> float | np.ndarray:
    """``L = E (x^T M x)^2 = (mu4 - 3 mu2^2) sum_i M_ii^2 + mu2^2 (2 |M|_F^2 + (tr M)^2)`` for
    i.i.d. centred coordinates (§4.1); ``difference`` is ``M = W^T W - W*^T W*``, or a stack
    ``(..., d, d)`` of them (then an array of risks)."""
    difference = as_symmetric(difference, "difference", stack=True)
    mu2, mu4 = _check_moments(mu2, mu4)
    diagonal = np.diagonal(difference, axis1=-2, axis2=-1)
    value = (mu4 - 3 * mu2**2) * np.sum(diagonal**2, axis=-1) + mu2**2 * (
        2 * np.sum(difference**2, axis=(-2, -1)) + np.sum(diagonal, axis=-1) ** 2
    )
    return float(value) if np.ndim(value) == 0 else value


def _check_moments(mu2: float, mu4: float) -> tuple[float, float]:
    mu2 = check_real(mu2, "mu2", positive=True, maximum=MAX_ENTRY)
    mu4 = check_real(mu4, "mu4", maximum=MAX_ENTRY)
    if not mu4 >= mu2**2:
        raise InputError(f"mu4 must be >= mu2^2 = {mu2**2} (Jensen), got {mu4}")
    return mu2, mu4


def empirical_risk(x, weights, planted) -> float:
    """``(1/N) sum_i (|W x_i|^2 - |W* x_i|^2)^2``, computed sample by sample."""
    x = as_matrix(x, "x")
    weights = as_matrix(weights, "weights", cols=x.shape[1])
    planted = as_matrix(planted, "planted", cols=x.shape[1])
    residual = np.sum((x @ weights.T) ** 2, axis=1) - np.sum((x @ planted.T) ** 2, axis=1)
    return float(np.mean(residual**2))


def energy_barrier(planted, mu2: float, mu4: float) -> float:
    """``min{mu4 - mu2^2, 2 mu2^2} sigma_min(W*)^4`` (§4.2, §4.6)."""
    planted = as_matrix(planted, "planted")
    mu2, mu4 = _check_moments(mu2, mu4)
    return barrier_constant(mu2, mu4) * smallest_singular_value(planted) ** 4


def interpolating_counterexample(x, planted) -> np.ndarray:
    """An interpolant ``W`` (same shape as ``W*``) with ``W^T W != W*^T W*`` when
    ``span{x_i x_i^T}`` is not all of ``S`` (Gamarnik et al. §4.6; construction of the module
    docstring): ``M`` is the right singular vector of the smallest singular value of the span
    matrix (sign chosen so that ``lambda_min(M) < 0``), scaled to ``lambda_min(M) =
    -sigma_min(W*)^2``, and ``W`` is the symmetric square root of ``W*^T W* + M`` padded with
    zero rows. Raises :class:`~qlcore.infra.checks.InputError` if the span is full (then no such
    interpolant exists) or ``rank W* < d``.
    """
    x = as_matrix(x, "x")
    planted = as_matrix(planted, "planted", cols=x.shape[1])
    dim = x.shape[1]
    singular = np.linalg.svd(planted, compute_uv=False)
    if planted.shape[0] < dim or singular[-1] <= 1e-12 * singular[0]:
        raise InputError(f"planted must have rank d = {dim} (m >= d rows), as in Gamarnik et al.")
    span = _span_matrix(x)
    if span_dimension(x) == span.shape[1]:
        raise InputError(
            "x: the x_i x_i^T span all symmetric matrices: every interpolant has "
            "W^T W = W*^T W* (Gamarnik et al. §4.6)"
        )
    coords = np.linalg.svd(span)[2][-1]
    rows, cols = np.triu_indices(dim)
    difference = from_coordinates(coords * np.where(rows == cols, 1.0, 1 / np.sqrt(2)), dim)
    lowest = np.linalg.eigvalsh(difference)[0]
    if lowest >= 0:
        difference, lowest = -difference, -np.linalg.eigvalsh(difference)[-1]
    difference *= singular[-1] ** 2 / -lowest
    values, vectors = np.linalg.eigh(planted.T @ planted + difference)
    root = (vectors * np.sqrt(np.clip(values, 0.0, None))) @ vectors.T
    return np.vstack([root, np.zeros((planted.shape[0] - dim, dim))])
