"""Forms of degree ``D = 2^L`` as linear functions of monomials, and their convex regression.

A deep QL network of depth ``L`` computes a form of degree ``D = 2^L`` in its input
(Kazemipour et al., Section 3.4): ``f(x) = T . x^{(x)D}`` for a symmetric tensor ``T``. In the
basis of the ``C(d + D - 1, D)`` monomials ``x^a`` of degree ``D`` (``a`` a multiset of ``D``
coordinates, kept as a sorted index tuple), ``f(x) = w . phi(x)`` with ``phi(x) = (x^a)_a``, and

    w_a = mult(a) T_a,    mult(a) = D! / prod_i a_i!   (the number of orderings of a).

The square loss ``(1/N) sum_n (y_n - w . phi(x_n))^2`` is a quadratic in ``w``, so it depends on
the data only through ``H = mean phi phi^T``, ``b = mean y phi`` and ``c = mean y^2``. Its minimum
over all ``w`` is the convex regression of Remark 4 (appendix F): least squares on ``phi``. Every
network's loss is at least this minimum, and a network attains it iff

    sum_n r_n x_n^{(x)D} = 0,    r_n = y_n - f(x_n)                               (eq. F.3)

(Lemma F.1; for ``L = 1`` this is Lemma C.1's ``sum_n r_n X_n = 0``). The tensor
``sum_n r_n x_n^{(x)D}`` has entry ``(Phi^T r)_a`` at every ordering of ``a``, so its Frobenius
norm is ``||sqrt(mult) * (Phi^T r)||``: :func:`certificate` returns it relative to the same norm
of ``sum_n y_n x_n^{(x)D}``.

The product of two forms of degree ``D/2`` in monomial coordinates is a form of degree ``D``
(:func:`product_map`): this is how the layers of a deep network compose
(:mod:`qlcore.deep.networks`).
"""

from __future__ import annotations

import functools
import itertools
import math

import numpy as np

from qlcore.infra.checks import (
    InputError,
    as_matrix,
    as_vector,
    check_budget,
    check_data,
    check_positive_int,
)

MAX_DEPTH = 6
"""Deepest network handled here (degree ``2^6 = 64``); the memory checks refuse most inputs long
before."""


def check_depth(depth) -> int:
    """``depth`` (``1 <= L <= MAX_DEPTH``), or a named error."""
    depth = check_positive_int(depth, "depth")
    if depth > MAX_DEPTH:
        raise InputError(
            f"depth must be at most {MAX_DEPTH} (a form of degree 2^depth), got {depth}",
            argument="depth",
        )
    return depth


def n_monomials(dim: int, degree: int) -> int:
    """Number of monomials of degree ``degree`` in ``dim`` variables: ``C(dim + degree - 1,
    degree)``."""
    dim = check_positive_int(dim, "dim")
    degree = check_positive_int(degree, "degree")
    return math.comb(dim + degree - 1, degree)


def _check_basis_size(dim: int, degree: int, argument: str) -> int:
    size = n_monomials(dim, degree)
    check_budget(
        f"the {float(size):,.6g} monomials of degree {degree} in {dim} variables",
        argument=argument,
        nbytes=8.0 * degree * min(size, 10**100),  # a Python int beyond float range is huge anyway
        fix="use fewer input dimensions or a shallower network",
    )
    return size


@functools.lru_cache(maxsize=32)
def _exponents(dim: int, degree: int) -> np.ndarray:
    return np.array(
        list(itertools.combinations_with_replacement(range(dim), degree)), dtype=np.int64
    ).reshape(-1, degree)


def monomial_indices(dim: int, degree: int) -> np.ndarray:
    """The monomials of degree ``degree`` in ``dim`` variables as sorted index tuples, in
    lexicographic order: an int array ``(n_monomials, degree)``; row ``a`` is ``x^a =
    prod_t x_{a_t}``."""
    dim = check_positive_int(dim, "dim")
    degree = check_positive_int(degree, "degree")
    _check_basis_size(dim, degree, "dim")
    return _exponents(dim, degree).copy()


def multiplicities(dim: int, degree: int) -> np.ndarray:
    """``mult(a) = degree! / prod_i a_i!`` for each monomial of :func:`monomial_indices`."""
    rows = monomial_indices(dim, degree)
    counts = np.stack([(rows == i).sum(axis=1) for i in range(dim)], axis=1)
    factorials = np.array([math.factorial(c) for c in range(degree + 1)], dtype=float)
    return math.factorial(degree) / np.prod(factorials[counts], axis=1)


def monomial_features(x, degree: int) -> np.ndarray:
    """``phi(x_n) = (x_n^a)_a`` for each row of ``x`` (N, d): an array (N, n_monomials)."""
    x = as_matrix(x, "x", empty_ok=True)
    degree = check_positive_int(degree, "degree")
    size = _check_basis_size(x.shape[1], degree, "x")
    check_budget(
        "the monomial features",
        argument="x",
        nbytes=8.0 * x.shape[0] * size,
        fix="use fewer samples or input dimensions",
    )
    features = np.ones((x.shape[0], size))
    for column in _exponents(x.shape[1], degree).T:
        features *= x[:, column]
    return features


@functools.lru_cache(maxsize=16)
def _product_map(dim: int, degree: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    half = _exponents(dim, degree)
    full = _exponents(dim, 2 * degree)
    position = {tuple(row): i for i, row in enumerate(full)}
    first, second = np.triu_indices(len(half))
    merged = np.sort(np.concatenate([half[first], half[second]], axis=1), axis=1)
    target = np.array([position[tuple(row)] for row in merged], dtype=np.int64)
    weight = np.where(first == second, 1.0, 2.0)
    return first, second, target, weight


def product_map(dim: int, degree: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """How a product of two forms of degree ``degree`` lands on monomials of twice the degree.

    Returns ``(first, second, target, weight)`` over the pairs ``i <= j`` of degree-``degree``
    monomials: for a symmetric matrix ``G`` over those monomials, the form ``phi^T G phi`` has
    coefficient ``sum weight * G[first, second]`` on monomial ``target`` (``weight`` is 1 for
    ``i = j`` and 2 otherwise), in the order of :func:`monomial_indices` ``(dim, 2 degree)``.
    """
    dim = check_positive_int(dim, "dim")
    degree = check_positive_int(degree, "degree")
    _check_basis_size(dim, 2 * degree, "dim")
    check_budget(
        "the monomial product table",
        argument="dim",
        nbytes=40.0 * n_monomials(dim, degree) ** 2,
        fix="use fewer input dimensions or a shallower network",
    )
    return tuple(a.copy() for a in _product_map(dim, degree))


def convex_fit(x, y, depth: int) -> tuple[np.ndarray, float]:
    """The global optimum of every depth-``depth`` QL network on ``(x, y)`` (Remark 4).

    Least squares of ``y`` on the monomials of degree ``D = 2^depth`` (minimum-norm solution if
    it is not unique). Returns ``(w, nmse)``: the coefficients in the order of
    :func:`monomial_indices` and ``nmse = sum r^2 / sum y^2``.
    """
    x, y = check_data(x, y)
    depth = check_depth(depth)
    degree = 2**depth
    size = _check_basis_size(x.shape[1], degree, "x")
    n = x.shape[0]
    check_budget(
        f"least squares on the {size:,} monomials of degree {degree}",
        argument="x",
        nbytes=8.0 * 3 * n * size,
        flops=4.0 * n * size * min(n, size),
        fix="use fewer samples, input dimensions or a smaller depth",
    )
    features = monomial_features(x, degree)
    coefficients, *_ = np.linalg.lstsq(features, y, rcond=None)
    return coefficients, _nmse(y, y - features @ coefficients)


def convex_nmse(x, y, depth: int) -> float:
    """NMSE ``sum r^2 / sum y^2`` of the convex regression of ``y`` on ``x^{(x)2^depth}``
    (Lemma F.1, Remark 4): the lowest NMSE any QL network of depth ``depth`` can reach on
    inputs ``x`` (N, d) and targets ``y`` (N,). Depth 1 is the lifted problem of eq. 2.5."""
    return convex_fit(x, y, depth)[1]


def _nmse(y: np.ndarray, residuals: np.ndarray) -> float:
    total = float(np.sum(y**2))
    if total == 0.0:
        raise InputError("y must not be all zeros (the NMSE divides by sum y^2)", argument="y")
    return float(np.sum(residuals**2) / total)


def certificate(x, y, predictions, depth: int) -> float:
    """Relative size of the optimality certificate of eq. F.3:

        ||sum_n r_n x_n^{(x)D}||_F / ||sum_n y_n x_n^{(x)D}||_F,   r = y - predictions, D = 2^depth.

    Zero (up to rounding) exactly at the global optimum of the convex regression."""
    x, y = check_data(x, y)
    depth = check_depth(depth)
    predictions = as_vector(predictions, "predictions", length=y.shape[0])
    degree = 2**depth
    features = monomial_features(x, degree) * np.sqrt(multiplicities(x.shape[1], degree))
    scale = float(np.linalg.norm(features.T @ y))
    if scale == 0.0:
        raise InputError(
            "y: sum_n y_n x_n^(x)D is zero, so the certificate has no scale; use targets that "
            "are not orthogonal to every monomial",
            argument="y",
        )
    return float(np.linalg.norm(features.T @ (y - predictions)) / scale)
