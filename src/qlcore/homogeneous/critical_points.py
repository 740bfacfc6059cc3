"""Every critical point of a two-layer linear network and its Hessian (Baldi–Hornik; Theorem 1.2
of Vidal, Zhu and Haeffele).

The network ``f(x) = U V^T x`` has ``U`` (n2 x n1) and ``V`` (n0 x n1). Its square loss depends
on the data only through the second moments ``Sxx = E x x^T``, ``Sxy = E x y^T = Syx^T`` and
``Syy = E y y^T`` (for a sample, ``X^T X / m``, ``X^T Y / m`` and ``Y^T Y / m``, rows = samples,
eq. 1.14):

    R(U, V) = tr(Syy - 2 Syx V U^T + U V^T Sxx V U^T),                                  (1.13)
    dR/dU = -2 (Syx - U V^T Sxx) V,      dR/dV = -2 (Sxy - Sxx V U^T) U.         (1.16), (1.18)

**Hessian.** Expanding ``R(U + t dU, V + t dV)`` to second order in ``t``,

    d^2/dt^2 R = 2 ||(U dV^T + dU V^T) Sxx^{1/2}||_F^2 + 4 <dU dV^T, U V^T Sxx - Syx>,

twice the right-hand side of (1.26): the chapter's (1.26) is the Hessian of ``R / 2`` while its
gradient (1.16) is that of ``R``. Signs, hence every conclusion, are the same; every curvature
reported here is that of ``R`` (:func:`hessian_form`, checked against :func:`hessian`, which is
``torch.func`` in float64).

**Theorem 1.2.** Let ``Sxx`` be invertible and ``Sigma = Syx Sxx^{-1} Sxy = Q Lambda Q^T`` have
full rank and distinct eigenvalues ``lambda_1 > ... > lambda_n2`` (:func:`spectrum`), and let
``n1 <= min(n0, n2)``.

1. The critical points with ``U`` of full column rank are (1.24)
   ``U = Q_J C``, ``V = Sxx^{-1} Sxy Q_J C^{-T}`` for ``J`` a subset of ``[n2]`` of size ``n1``
   and ``C`` in ``GL(n1)``; there ``R = tr Syy - sum_{i in J} lambda_i``. Each ``J`` gives an orbit
   ``(U C', V C'^{-T})`` of dimension ``n1^2`` on which ``R`` is constant: the Hessian has (at
   least) ``n1^2`` zero eigenvalues there.
2. ``J = [n1]`` gives the global minima (1.25); every other ``J`` a strict saddle. The proof's
   direction, made precise (:class:`EscapeDirection`): list ``J`` increasingly, so that the last
   column of ``Q_J`` is ``q_J`` with ``J = max J`` (the index that is replaced), and take ``k``
   an index missing from ``J`` with ``k < J`` (the source takes ``k <= n1``; we take the
   smallest missing index, which is ``<= n1`` and gives the most negative value). Then
   ``dU = q_k e_n1^T C``, ``dV = Sxx^{-1} Sxy q_k e_n1^T C^{-T}`` turns ``q_J`` towards ``q_k``
   and ``d^2/dt^2 R = 2 (lambda_J - lambda_k) < 0`` exactly (the source's "<=" in the first term
   is an equality: ``q_J`` is orthogonal to ``q_k``).
3. Critical points with rank-deficient ``U`` are strict saddles; e.g. ``U = [Q_J, 0] C`` with
   ``|J| < n1`` (:func:`critical_point`). With ``a`` a unit vector, ``U a = 0``, and
   ``G = U V^T Sxx - Syx`` (non-zero), ``dU = e_i a^T``, ``dV = alpha e_j a^T`` give
   ``d^2/dt^2 R = 2 ||Sxx^{1/2} V a||^2 + 4 alpha G_ij``, negative for a suitable ``alpha``.

**When the assumptions fail** (``strict=False``; with ``strict=True`` each is an
:class:`~qlcore.infra.checks.InputError` naming ``cov`` or ``n1``), the same constructions run with
the pseudo-inverse ``Sxx^+`` (still exact: a covariance has ``range Sxy`` inside ``range Sxx``):

- ``Sxx`` singular: adding to ``V`` any matrix with columns in the null space of ``Sxx`` leaves
  ``R`` unchanged, so every critical point has ``n1 (n0 - rank Sxx)`` more flat directions;
- ``Sigma`` with a repeated eigenvalue: ``Q`` is not unique, and every orthonormal basis of the
  eigenspace gives critical points, a continuum; index sets that split the eigenspace give the
  same risk (two "global minima" among the ``J``), the curvature ``lambda_J - lambda_k`` can be 0,
  and the rotations inside the eigenspace are extra zero eigenvalues of the Hessian;
- ``Sigma`` rank-deficient: the critical points keep the form (1.24) (some columns of ``V`` vanish
  with the zero eigenvalues, Zhu et al. 2019), non-global ones remain strict saddles;
- ``n1 > min(n0, n2)``: index sets have at most ``min(n1, n2)`` elements and, when ``n1 > n2``,
  the global minimum itself has rank-deficient ``U`` (part 3 does not apply: ``G = 0`` there).
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

import numpy as np
import torch
from torch.func import hessian as torch_hessian

from qlcore.infra.checks import (
    InputError,
    as_array,
    as_matrix,
    as_symmetric,
    check_bool,
    check_budget,
    check_positive_int,
    check_real,
    check_rng,
    rng_from_seed,
)

ASSUMPTION_TOL = 1e-9
"""Relative size below which an eigenvalue (of ``Sxx``, of ``Sigma``) or a gap between two
eigenvalues of ``Sigma`` counts as zero for the assumptions of Theorem 1.2."""
PSD_TOL = 1e-9
"""Relative size of a negative eigenvalue of ``[[Sxx, Sxy], [Syx, Syy]]`` taken for rounding."""
KINDS = ("global minimum", "strict saddle", "non-strict saddle", "not critical")
"""How a point is classified (see :class:`CriticalPoint`)."""


@dataclass(frozen=True)
class Covariances:
    """Second moments ``sxx = E x x^T`` (n0 x n0), ``sxy = E x y^T`` (n0 x n2) and
    ``syy = E y y^T`` (n2 x n2), the only way the data enter (1.13) and (1.29).

    Validated on construction: ``sxx`` and ``syy`` symmetric, shapes consistent, and the joint
    matrix ``[[sxx, sxy], [sxy^T, syy]]`` positive semidefinite (as every covariance is; it makes
    ``R >= 0``)."""

    sxx: np.ndarray
    sxy: np.ndarray
    syy: np.ndarray

    def __post_init__(self):
        sxx = as_symmetric(self.sxx, "sxx")
        syy = as_symmetric(self.syy, "syy")
        sxy = as_matrix(self.sxy, "sxy", rows=sxx.shape[0], cols=syy.shape[0])
        joint = np.block([[sxx, sxy], [sxy.T, syy]])
        eigenvalues = np.linalg.eigvalsh(joint)
        if eigenvalues[0] < -PSD_TOL * max(1.0, float(np.abs(eigenvalues).max())):
            raise InputError(
                f"sxy is not compatible with sxx and syy: the joint matrix "
                f"[[sxx, sxy], [sxy^T, syy]] must be positive semidefinite (a covariance), but "
                f"its smallest eigenvalue is {eigenvalues[0]:.3g}; build the moments from data "
                f"with covariances_from_data",
                argument="sxy",
            )
        for name, value in (("sxx", sxx), ("sxy", sxy), ("syy", syy)):
            object.__setattr__(self, name, value)

    @property
    def n0(self) -> int:
        """Input dimension."""
        return self.sxx.shape[0]

    @property
    def n2(self) -> int:
        """Output dimension."""
        return self.syy.shape[0]

    @property
    def syx(self) -> np.ndarray:
        """``Syx = Sxy^T``."""
        return self.sxy.T


def covariances_from_data(x, y) -> Covariances:
    """The empirical moments ``X^T X / m``, ``X^T Y / m``, ``Y^T Y / m`` of ``x`` (m x n0) and
    ``y`` (m x n2), rows are samples: the risk (1.13) with them is the empirical risk (1.14)."""
    x = as_matrix(x, "x")
    if as_array(y, "y").ndim == 1:
        raise InputError(
            "y must be a 2-D array (m, n2); reshape a single output with y.reshape(-1, 1)",
            argument="y",
        )
    y = as_matrix(y, "y")
    if y.shape[0] != x.shape[0]:
        raise InputError(
            f"y must have as many rows (samples) as x, got x {x.shape} and y {y.shape}",
            argument="y",
        )
    m = x.shape[0]
    return Covariances(sxx=x.T @ x / m, sxy=x.T @ y / m, syy=y.T @ y / m)


def planted_covariances(n0: int, n2: int, samples: int, *, noise: float, rng) -> Covariances:
    """:func:`covariances_from_data` of ``samples`` standard Gaussian inputs ``x`` in ``R^n0`` and
    outputs ``y = B^T x / sqrt(n0) + noise e`` in ``R^n2``, ``B`` (n0 x n2) and ``e`` standard
    Gaussian, all drawn from ``rng`` (a :class:`numpy.random.Generator`) in that order."""
    n0, n2 = check_positive_int(n0, "n0"), check_positive_int(n2, "n2")
    samples = check_positive_int(samples, "samples")
    noise = check_real(noise, "noise", minimum=0.0)
    rng = check_rng(rng)
    check_budget(
        "the samples", argument="samples", nbytes=8.0 * samples * (n0 + n2), fix="draw fewer"
    )
    x = rng.standard_normal((samples, n0))
    y = x @ rng.standard_normal((n0, n2)) / np.sqrt(n0) + noise * rng.standard_normal((samples, n2))
    return covariances_from_data(x, y)


def check_covariances(cov, name: str = "cov") -> Covariances:
    """``cov`` if it is a :class:`Covariances`, else an InputError naming ``name``."""
    if not isinstance(name, str):
        raise InputError(f"name must be a string, got {type(name).__name__}", argument="name")
    if not isinstance(cov, Covariances):
        raise InputError(
            f"{name} must be a Covariances (build it with covariances_from_data(x, y) or "
            f"Covariances(sxx, sxy, syy)), got {type(cov).__name__}",
            argument=name,
        )
    return cov


def _weights(cov: Covariances, u, v) -> tuple[np.ndarray, np.ndarray]:
    u = as_matrix(u, "u", rows=cov.n2)
    v = as_matrix(v, "v", rows=cov.n0, cols=u.shape[1])
    return u, v


def risk(cov, u, v) -> float:
    """``R(U, V)`` of (1.13) for ``u`` (n2 x n1) and ``v`` (n0 x n1)."""
    cov = check_covariances(cov)
    u, v = _weights(cov, u, v)
    product = u @ v.T
    return float(
        np.trace(cov.syy) - 2 * np.sum(cov.syx * product) + np.sum((product @ cov.sxx) * product)
    )


def gradient(cov, u, v) -> tuple[np.ndarray, np.ndarray]:
    """``(dR/dU, dR/dV)`` of (1.16) and (1.18), in closed form."""
    cov = check_covariances(cov)
    u, v = _weights(cov, u, v)
    residual = cov.syx - u @ v.T @ cov.sxx
    return -2 * residual @ v, -2 * residual.T @ u


def _torch_risk(cov: Covariances, n1: int):
    """``R`` as a function of ``theta = (vec U, vec V)`` (row-major), in float64 torch."""
    sxx, syx, syy = (torch.as_tensor(m, dtype=torch.float64) for m in (cov.sxx, cov.syx, cov.syy))
    size_u = cov.n2 * n1

    def objective(theta):
        u = theta[:size_u].reshape(cov.n2, n1)
        v = theta[size_u:].reshape(cov.n0, n1)
        product = u @ v.T
        return torch.trace(syy) - 2 * torch.sum(syx * product) + torch.sum(product @ sxx * product)

    return objective


def hessian(cov, u, v) -> np.ndarray:
    """The exact Hessian of ``R`` at ``(u, v)`` (``torch.func``, float64), a square matrix of
    side ``(n2 + n0) n1`` in the coordinates ``theta = (vec U, vec V)`` (row-major), so that
    ``np.concatenate([du.ravel(), dv.ravel()])`` is the direction ``(du, dv)``."""
    cov = check_covariances(cov)
    u, v = _weights(cov, u, v)
    size = u.size + v.size
    check_budget(
        "the Hessian",
        argument="u",
        nbytes=24.0 * size**2,
        flops=50.0 * size**2 * (cov.n0 + cov.n2) ** 2,
        fix="use smaller matrices",
    )
    theta = torch.as_tensor(np.concatenate([u.ravel(), v.ravel()]), dtype=torch.float64)
    matrix = torch_hessian(_torch_risk(cov, u.shape[1]))(theta).numpy()
    return (matrix + matrix.T) / 2


def hessian_form(cov, u, v, du, dv) -> float:
    """``d^2/dt^2 R(U + t dU, V + t dV)`` at ``t = 0`` from the closed form
    ``2 ||(U dV^T + dU V^T) Sxx^{1/2}||_F^2 + 4 <dU dV^T, U V^T Sxx - Syx>``, i.e. twice the
    right-hand side of (1.26) (see the module docstring): an independent check of
    :func:`hessian`."""
    cov = check_covariances(cov)
    u, v = _weights(cov, u, v)
    du = as_matrix(du, "du", rows=u.shape[0], cols=u.shape[1])
    dv = as_matrix(dv, "dv", rows=v.shape[0], cols=v.shape[1])
    change = u @ dv.T + du @ v.T
    mismatch = u @ v.T @ cov.sxx - cov.syx
    return float(2 * np.sum((change @ cov.sxx) * change) + 4 * np.sum((du @ dv.T) * mismatch))


def _relative_tol(eigenvalues: np.ndarray) -> float:
    return ASSUMPTION_TOL * max(float(np.abs(eigenvalues).max(initial=0.0)), 1e-300)


def spectrum(cov, *, strict: bool = True) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(lambdas, Q, sxx_inverse)``: the eigenvalues of ``Sigma = Syx Sxx^{-1} Sxy`` in
    decreasing order, its eigenvectors (columns of ``Q``, each with its largest entry positive)
    and ``Sxx^{-1}``.

    With ``strict`` (default) the assumptions of Theorem 1.2 are checked and each failure is an
    InputError naming ``cov``: ``Sxx`` singular, ``Sigma`` not of full rank, ``Sigma`` with a
    repeated eigenvalue (all to relative precision :data:`ASSUMPTION_TOL`). With
    ``strict=False`` the pseudo-inverse ``Sxx^+`` is used and nothing is checked."""
    cov = check_covariances(cov)
    strict = check_bool(strict, "strict")
    retry = "; pass strict=False to compute anyway (see the module docstring for what changes)"
    sxx_eigenvalues = np.linalg.eigvalsh(cov.sxx)
    if strict and sxx_eigenvalues[0] <= _relative_tol(sxx_eigenvalues):
        raise InputError(
            f"cov: Sxx is singular (eigenvalues {np.array2string(sxx_eigenvalues, precision=3)})"
            f" but Theorem 1.2 assumes it invertible; use more samples than inputs{retry}",
            argument="cov",
        )
    inverse = np.linalg.pinv(cov.sxx, hermitian=True)
    sigma = cov.syx @ inverse @ cov.sxy
    lambdas, q = np.linalg.eigh((sigma + sigma.T) / 2)
    lambdas, q = lambdas[::-1], q[:, ::-1]
    largest = np.abs(q).argmax(axis=0)
    q = q * np.sign(q[largest, np.arange(q.shape[1])])
    if strict:
        tol = _relative_tol(lambdas)
        if lambdas[-1] <= tol:
            raise InputError(
                f"cov: Sigma = Syx Sxx^-1 Sxy must have full rank {cov.n2} (Theorem 1.2), but its "
                f"eigenvalues are {np.array2string(lambdas, precision=3)}{retry}",
                argument="cov",
            )
        if np.any(lambdas[:-1] - lambdas[1:] <= tol):
            raise InputError(
                f"cov: Sigma = Syx Sxx^-1 Sxy must have distinct eigenvalues (Theorem 1.2), but "
                f"they are {np.array2string(lambdas, precision=6)}{retry}",
                argument="cov",
            )
    return lambdas, q, inverse


def optimal_risk(cov, rank: int) -> float:
    """The smallest risk of a linear map of rank at most ``rank``:
    ``tr Syy - (sum of the rank largest eigenvalues of Sigma)`` (the value of (1.25); with
    ``Sxx^+`` when ``Sxx`` is singular)."""
    cov = check_covariances(cov)
    rank = check_positive_int(rank, "rank", minimum=0)
    lambdas = spectrum(cov, strict=False)[0]
    return float(np.trace(cov.syy) - np.sum(np.clip(lambdas[:rank], 0.0, None)))


@dataclass(frozen=True)
class EscapeDirection:
    """A direction ``(du, dv)`` of negative curvature at a saddle given by Theorem 1.2.

    ``curvature``: ``d^2/dt^2 R(U + t du, V + t dv)`` from the exact Hessian; ``predicted``: the
    theorem's value (``2 (lambda_J - lambda_k)`` in part 2, ``2 ||Sxx^{1/2} V a||^2 + 4 alpha G_ij``
    in part 3); ``rayleigh_quotient``: ``curvature / (|du|^2 + |dv|^2)``, which lies between the
    Hessian's smallest eigenvalue and 0; ``rule``: which construction, with its indices (1-based).
    """

    du: np.ndarray
    dv: np.ndarray
    curvature: float
    predicted: float
    rayleigh_quotient: float
    rule: str


@dataclass(frozen=True)
class CriticalPoint:
    """A critical point ``(u, v)`` of (1.13) built by :func:`critical_point`.

    ``index_set``: ``J`` (1-based, increasing); ``c``: the matrix ``C``; ``risk`` and
    ``predicted_risk = tr Syy - sum_{i in J} lambda_i``; ``gradient_norm``; the Hessian's
    eigenvalues (increasing), how many are negative (``n_negative``) and zero (``n_zero``, the flat
    directions: ``n1^2`` for the ``GL(n1)`` orbit when the assumptions hold); ``kind`` (one of
    :data:`KINDS`: ``"not critical"`` if the gradient is not zero, ``"strict saddle"`` if an
    eigenvalue is negative, ``"global minimum"`` if the risk is :func:`optimal_risk`, and
    ``"non-strict saddle"`` otherwise, since by Theorem 1.3 a local minimum is global);
    ``escape``: an :class:`EscapeDirection` of the theorem (``None`` at a global minimum).
    Zero and negative mean below ``tol`` times the largest eigenvalue in size."""

    index_set: tuple[int, ...]
    u: np.ndarray
    v: np.ndarray
    c: np.ndarray
    risk: float
    predicted_risk: float
    gradient_norm: float
    hessian_eigenvalues: np.ndarray
    n_negative: int
    n_zero: int
    kind: str
    escape: EscapeDirection | None


def _random_invertible(rng: np.random.Generator, size: int) -> np.ndarray:
    """``A diag(s) B^T`` with ``A, B`` random orthogonal and ``s`` uniform on ``[1/2, 2]``: a
    random element of ``GL(size)`` with condition number at most 4."""
    left = np.linalg.qr(rng.standard_normal((size, size)))[0]
    right = np.linalg.qr(rng.standard_normal((size, size)))[0]
    return (left * rng.uniform(0.5, 2.0, size)) @ right.T


def _index_set(index_set, n1: int, n2: int) -> tuple[int, ...]:
    if isinstance(index_set, (str, bytes)) or not hasattr(index_set, "__iter__"):
        raise InputError(
            f"index_set must be a sequence of indices in 1..{n2}, got {index_set!r}",
            argument="index_set",
        )
    try:
        indices = tuple(
            check_positive_int(i, "index_set", minimum=1) for i in np.asarray(index_set).ravel()
        )
    except (TypeError, ValueError) as error:
        if isinstance(error, InputError):
            raise
        raise InputError(
            f"index_set must hold integers, got {index_set!r}", argument="index_set"
        ) from None
    if len(set(indices)) != len(indices) or any(i > n2 for i in indices):
        raise InputError(
            f"index_set must hold distinct indices in 1..n2 = 1..{n2}, got {indices}",
            argument="index_set",
        )
    if len(indices) > min(n1, n2):
        raise InputError(
            f"index_set must have at most min(n1, n2) = {min(n1, n2)} elements, got {indices}",
            argument="index_set",
        )
    return tuple(sorted(indices))


def _check_width(cov: Covariances, n1, strict: bool) -> int:
    n1 = check_positive_int(n1, "n1")
    if strict and n1 > min(cov.n0, cov.n2):
        raise InputError(
            f"n1 must be <= min(n0, n2) = {min(cov.n0, cov.n2)} for Theorem 1.2, got {n1}; pass "
            f"strict=False to compute anyway (index sets then have at most min(n1, n2) elements)",
            argument="n1",
        )
    return n1


def _swap_direction(q, inverse, cov, c, indices, lambdas) -> tuple:
    """Part 2: turn ``q_J`` (``J = max J``) towards ``q_k`` (``k`` the smallest missing index)."""
    replaced = indices[-1]
    inserted = min(set(range(1, cov.n2 + 1)) - set(indices))
    q_k = q[:, inserted - 1]
    last = c[-1]  # e_n1^T C
    du = np.outer(q_k, last)
    dv = np.outer(inverse @ cov.sxy @ q_k, np.linalg.inv(c)[:, -1])  # ... e_n1^T C^{-T}
    predicted = 2 * (lambdas[replaced - 1] - lambdas[inserted - 1])
    rule = f"Theorem 1.2(2): q_{replaced} turned towards q_{inserted}"
    return du, dv, predicted, rule


def _null_direction(cov, u, v, c) -> tuple | None:
    """Part 3: ``dU = e_i a^T``, ``dV = alpha e_j a^T`` with ``U a = 0`` and ``(i, j)`` the largest
    entry of ``G = U V^T Sxx - Syx``; ``None`` when ``G = 0`` (then the point is optimal)."""
    a = np.linalg.solve(c, np.eye(c.shape[0])[:, -1])  # U = [Q_J, 0] C, so U C^{-1} e_n1 = 0
    a = a / np.linalg.norm(a)
    mismatch = u @ v.T @ cov.sxx - cov.syx
    i, j = np.unravel_index(np.abs(mismatch).argmax(), mismatch.shape)
    if np.abs(mismatch[i, j]) <= ASSUMPTION_TOL * max(1.0, float(np.abs(cov.syx).max())):
        return None
    image = v @ a
    first = float(image @ cov.sxx @ image)
    alpha = -np.sign(mismatch[i, j]) * (first / abs(mismatch[i, j]) + 1.0)
    du = np.outer(np.eye(cov.n2)[i], a)
    dv = alpha * np.outer(np.eye(cov.n0)[j], a)
    predicted = 2 * first + 4 * alpha * mismatch[i, j]
    rule = f"Theorem 1.2(3): U a = 0, dU = e_{i + 1} a^T, dV = {alpha:.3g} e_{j + 1} a^T"
    return du, dv, predicted, rule


def critical_point(
    cov, n1, index_set, *, seed=0, strict: bool = True, tol: float = 1e-8
) -> CriticalPoint:
    """The critical point ``U = [Q_J, 0] C``, ``V = Sxx^{-1} Sxy [Q_J, 0] C^{-T}`` of (1.24) for
    the index set ``J`` (1-based; at most ``n1`` indices, padded with zero columns when fewer:
    part 3's rank-deficient points) and a random ``C`` in ``GL(n1)`` drawn from ``seed`` (singular
    values in ``[1/2, 2]``), with its risk, Hessian and the theorem's escape direction.

    ``strict`` checks the assumptions of Theorem 1.2 (:func:`spectrum`; also
    ``n1 <= min(n0, n2)``); ``tol`` is the relative tolerance of the classification."""
    cov = check_covariances(cov)
    strict = check_bool(strict, "strict")
    n1 = _check_width(cov, n1, strict)
    indices = _index_set(index_set, n1, cov.n2)
    tol = check_real(tol, "tol", positive=True)
    lambdas, q, inverse = spectrum(cov, strict=strict)
    c = _random_invertible(rng_from_seed(seed), n1)
    basis = np.zeros((cov.n2, n1))
    basis[:, : len(indices)] = q[:, [i - 1 for i in indices]]
    u = basis @ c
    v = inverse @ cov.sxy @ basis @ np.linalg.inv(c).T
    value = risk(cov, u, v)
    gradient_norm = float(np.sqrt(sum(np.sum(g**2) for g in gradient(cov, u, v))))
    matrix = hessian(cov, u, v)
    eigenvalues = np.linalg.eigvalsh(matrix)
    zero = tol * max(1.0, float(np.abs(eigenvalues).max()))
    n_negative = int(np.sum(eigenvalues < -zero))
    scale = max(1.0, float(np.abs(np.block([[cov.sxx, cov.sxy], [cov.syx, cov.syy]])).max()))
    if gradient_norm > tol * scale * max(1.0, float(np.abs(u).max() + np.abs(v).max())):
        kind = "not critical"
    elif n_negative:
        kind = "strict saddle"
    elif value <= optimal_risk(cov, n1) + tol * scale:
        kind = "global minimum"
    else:
        kind = "non-strict saddle"
    if len(indices) == n1 and indices != tuple(range(1, n1 + 1)):
        found = _swap_direction(q, inverse, cov, c, indices, lambdas)
    elif len(indices) < n1:
        found = _null_direction(cov, u, v, c)
    else:
        found = None
    escape = None
    if found is not None:
        du, dv, predicted, rule = found
        direction = np.concatenate([du.ravel(), dv.ravel()])
        curvature = float(direction @ matrix @ direction)
        escape = EscapeDirection(
            du=du,
            dv=dv,
            curvature=curvature,
            predicted=float(predicted),
            rayleigh_quotient=curvature / float(direction @ direction),
            rule=rule,
        )
    return CriticalPoint(
        index_set=indices,
        u=u,
        v=v,
        c=c,
        risk=value,
        predicted_risk=float(np.trace(cov.syy) - sum(lambdas[i - 1] for i in indices)),
        gradient_norm=gradient_norm,
        hessian_eigenvalues=eigenvalues,
        n_negative=n_negative,
        n_zero=int(np.sum(np.abs(eigenvalues) <= zero)),
        kind=kind,
        escape=escape,
    )


def enumerate_critical_points(
    cov, n1, *, seed=0, strict: bool = True, tol: float = 1e-8
) -> tuple[CriticalPoint, ...]:
    """The critical points (1.24) of every index set ``J`` of ``min(n1, n2)`` of the ``n2``
    eigen-indices (``itertools.combinations``, so ``J = [n1]`` comes first), each with its own
    random ``C`` (drawn in turn from one generator seeded by ``seed``): see
    :func:`critical_point`. Under the assumptions of Theorem 1.2 the first is the global minimum
    and the ``binom(n2, n1) - 1`` others are strict saddles."""
    cov = check_covariances(cov)
    strict = check_bool(strict, "strict")
    n1 = _check_width(cov, n1, strict)
    size = min(n1, cov.n2)
    count = math.comb(cov.n2, size)
    side = (cov.n0 + cov.n2) * n1
    check_budget(
        "the critical points",
        argument="n1",
        nbytes=24.0 * side**2,
        flops=count * 50.0 * side**2 * (cov.n0 + cov.n2) ** 2,
        fix="use a smaller n1 or fewer outputs (there are binom(n2, n1) index sets)",
    )
    rng = rng_from_seed(seed)
    return tuple(
        critical_point(cov, n1, [i + 1 for i in subset], seed=rng, strict=strict, tol=tol)
        for subset in itertools.combinations(range(cov.n2), size)
    )
