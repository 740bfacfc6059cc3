"""Random polyhedral cones: Wendel's theorem and Cover & Efron's face counts, exactly.

``N`` vectors in ``R^d`` in general position, with a law invariant under flipping the sign of
each vector (for example i.i.d. Gaussian), span a cone ``pos(x_1..x_N)``. It is *proper* (not
all of ``R^d``) when all vectors lie in one open half-space:

* Schläfli's count of the regions cut out by ``N`` hyperplanes through the origin in general
  position: ``C(N, d) = 2 sum_{k<d} binom(N-1, k)``;
* Wendel (1962): ``P(proper) = C(N, d) / 2^N``, ``1/2`` at ``N = 2d``;
* Cover & Efron (1967), Theorem 3': the expected number of ``k``-faces of a proper cone,
  ``E[F_k | proper] = 2^k binom(N, k) C(N-k, d-k) / C(N, d)`` for ``1 <= k <= d-1``;
  ``F_1`` counts extremal rays;
* for ``N = alpha d`` and fixed ``k``, ``E[F_k | proper] / binom(N, k) -> min(1, (2/alpha)^k)``
  (used in the proof of Sarao Mannelli et al.'s Theorem 3.1, their eq. A.12).

Everything here is exact: integers and :class:`fractions.Fraction`, so large ``d`` shows the
approach to the limit without rounding. Exact integers of ``N`` bits cost time: requests beyond
the work limit are refused before they start (:func:`count_work`).
"""

from __future__ import annotations

import math
from fractions import Fraction
from math import comb

from qlcore.infra.checks import (
    InputError,
    check_budget,
    check_positive_int,
    check_real,
)

# Python's integers are stored in 30-bit digits.
DIGIT_BITS = 30


def count_work(n_vectors: int, dim: int) -> float:
    """Estimated operations (30-bit digit operations, counted like flops) of
    :func:`cover_count`: it sums ``K = min(N, d)`` exact binomials ``binom(N-1, k)``, the largest
    of ``b = log2 binom(N-1, min(K-1, (N-1)//2))`` bits; :func:`math.comb` builds each by a
    product tree of ``log2 K`` levels of Karatsuba products of up to ``b / 30`` digits, about
    ``(b / 30)^1.585`` operations each, so ``K (b/30 + 1)^1.585 (1 + log2 K)`` in all.

    Measured: ``N = d = 16000`` (``b`` = 16000) takes about 20 s; the estimate is 5e9."""
    n_vectors = check_positive_int(n_vectors, "n_vectors")
    dim = check_positive_int(dim, "dim")
    terms = min(n_vectors, dim)
    j = min(terms - 1, (n_vectors - 1) // 2)
    bits = (math.lgamma(n_vectors) - math.lgamma(j + 1) - math.lgamma(n_vectors - j)) / math.log(2)
    return terms * _power(bits / DIGIT_BITS + 1, 1.585) * (1 + math.log2(terms))


def _power(base: float, exponent: float) -> float:
    """``base ** exponent`` for ``base >= 1``, ``inf`` where a float overflows."""
    log = exponent * math.log(base)
    return math.exp(log) if log < 700 else math.inf


def _check_count(n_vectors, dim, *, minimum_dim: int = 1) -> tuple[int, int]:
    n_vectors = check_positive_int(n_vectors, "n_vectors")
    dim = check_positive_int(dim, "dim", minimum=minimum_dim)
    check_budget(
        "the exact count C(N, d)",
        argument="n_vectors",
        flops=count_work(n_vectors, dim),
        fix="use a smaller N or d",
    )
    return n_vectors, dim


def _check_fraction_work(n_vectors: int) -> None:
    """Refuse fractions of ``N``-bit integers whose reduction (a quadratic gcd, ``(N/30)^2``
    digit operations) or whose ``2^N`` (``N / 8`` bytes) would exceed the budget."""
    check_budget(
        "exact fractions of N-bit integers",
        argument="n_vectors",
        nbytes=4 * n_vectors / 8,
        flops=_power(n_vectors / DIGIT_BITS, 2),
        fix="use a smaller N",
    )


def cover_count(n_vectors: int, dim: int) -> int:
    """``C(N, d) = 2 sum_{k=0}^{d-1} binom(N-1, k)``: regions of ``N`` central hyperplanes in
    general position in ``R^d``; ``2^N`` when ``N <= d``. Refused (:class:`TooLargeError
    <qlcore.infra.checks.TooLargeError>`) when :func:`count_work` exceeds the work limit, e.g.
    ``N = d = 10^7`` (about 1e17 operations)."""
    n_vectors, dim = _check_count(n_vectors, dim)
    return 2 * sum(comb(n_vectors - 1, k) for k in range(min(dim, n_vectors)))


def wendel_probability(n_vectors: int, dim: int) -> Fraction:
    """Wendel's ``P(cone of N sign-symmetric vectors in R^d is proper) = C(N, d) / 2^N``."""
    n_vectors, dim = _check_count(n_vectors, dim)
    _check_fraction_work(n_vectors)
    return Fraction(cover_count(n_vectors, dim), 2**n_vectors)


def expected_faces(n_vectors: int, dim: int, k: int) -> Fraction:
    """Cover & Efron's Theorem 3': ``E[F_k | proper] = 2^k binom(N,k) C(N-k, d-k) / C(N, d)``.

    ``k`` runs from 1 (extremal rays) to ``d - 1`` (facets); ``d >= 2``. For ``N <= d`` the cone
    is simplicial and ``E[F_k] = binom(N, k)`` (when ``k < N``).
    """
    n_vectors, dim = _check_count(n_vectors, dim, minimum_dim=2)
    k = check_face_dimension(k, "k", n_vectors, dim)
    _check_fraction_work(n_vectors)
    numerator = 2**k * comb(n_vectors, k) * cover_count(n_vectors - k, dim - k)
    return Fraction(numerator, cover_count(n_vectors, dim))


def check_face_dimension(k, name: str, n_vectors: int, dim: int) -> int:
    """``k`` as an int in ``1..min(N, d) - 1``: the dimensions of the faces of a proper cone of
    ``N`` vectors in ``R^d`` other than the cone itself; :class:`InputError
    <qlcore.infra.checks.InputError>` naming ``name`` else."""
    if not isinstance(name, str) or not name:
        raise InputError(
            f"name must be the name of the argument checked (a string), got {name!r}",
            argument="name",
        )
    n_vectors = check_positive_int(n_vectors, "n_vectors")
    dim = check_positive_int(dim, "dim")
    k = check_positive_int(k, name)
    if k > dim - 1:
        raise InputError(
            f"{name} must be between 1 and d - 1 = {dim - 1} (faces of a proper "
            f"cone in R^{dim}), got {name}={k}",
            argument=name,
        )
    if k >= n_vectors:
        raise InputError(
            f"{name} must be smaller than the number of vectors N={n_vectors} (a "
            f"{name}-face is spanned by {name} of them, and the whole cone is not a "
            f"face of itself), got {name}={k}",
            argument=name,
        )
    return k


def face_fraction_limit(alpha: Fraction | float, k: int = 1) -> Fraction | float:
    """The limit of ``E[F_k | proper] / binom(N, k)`` for ``N = alpha d``, ``d -> infinity``:
    ``min(1, (2 / alpha)^k)``, exact for a :class:`~fractions.Fraction` ``alpha`` (whose power
    has about ``k`` times as many digits, refused beyond the memory limit)."""
    k = check_positive_int(k, "k")
    check_real(alpha, "alpha", positive=True)
    if alpha <= 2:
        return 1
    if not isinstance(alpha, Fraction):
        return (2 / float(alpha)) ** k
    ratio = Fraction(2) / alpha
    check_budget(
        "the exact power (2/alpha)^k",
        argument="k",
        nbytes=k * (ratio.numerator.bit_length() + ratio.denominator.bit_length()) / 8,
        fix="pass alpha as a float",
    )
    return ratio**k
