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
approach to the limit without rounding.
"""

from __future__ import annotations

from fractions import Fraction
from math import comb

from qlcore.infra.checks import check_positive_int


def cover_count(n_vectors: int, dim: int) -> int:
    """``C(N, d) = 2 sum_{k=0}^{d-1} binom(N-1, k)``: regions of ``N`` central hyperplanes in
    general position in ``R^d``; ``2^N`` when ``N <= d``."""
    n_vectors = check_positive_int(n_vectors, "n_vectors")
    dim = check_positive_int(dim, "dim")
    return 2 * sum(comb(n_vectors - 1, k) for k in range(dim))


def wendel_probability(n_vectors: int, dim: int) -> Fraction:
    """Wendel's ``P(cone of N sign-symmetric vectors in R^d is proper) = C(N, d) / 2^N``."""
    return Fraction(cover_count(n_vectors, dim), 2 ** check_positive_int(n_vectors, "n_vectors"))


def expected_faces(n_vectors: int, dim: int, k: int) -> Fraction:
    """Cover & Efron's Theorem 3': ``E[F_k | proper] = 2^k binom(N,k) C(N-k, d-k) / C(N, d)``.

    ``k`` runs from 1 (extremal rays) to ``d - 1`` (facets); ``d >= 2``. For ``N <= d`` the cone
    is simplicial and ``E[F_k] = binom(N, k)`` (when ``k < N``).
    """
    n_vectors = check_positive_int(n_vectors, "n_vectors")
    dim = check_positive_int(dim, "dim", minimum=2)
    k = check_face_dimension(k, "k", n_vectors, dim)
    numerator = 2**k * comb(n_vectors, k) * cover_count(n_vectors - k, dim - k)
    return Fraction(numerator, cover_count(n_vectors, dim))


def check_face_dimension(k, name: str, n_vectors: int, dim: int) -> int:
    """``k`` as an int in ``1..min(N, d) - 1``: the dimensions of the faces of a proper cone of
    ``N`` vectors in ``R^d`` other than the cone itself; ``ValueError`` naming ``name`` else."""
    k = check_positive_int(k, name)
    if k > dim - 1:
        raise ValueError(
            f"{name} must be between 1 and d - 1 = {dim - 1} (faces of a proper "
            f"cone in R^{dim}), got {name}={k}"
        )
    if k >= n_vectors:
        raise ValueError(
            f"{name} must be smaller than the number of vectors N={n_vectors} (a "
            f"{name}-face is spanned by {name} of them, and the whole cone is not a "
            f"face of itself), got {name}={k}"
        )
    return k


def face_fraction_limit(alpha: Fraction | float, k: int = 1) -> Fraction | float:
    """The limit of ``E[F_k | proper] / binom(N, k)`` for ``N = alpha d``, ``d -> infinity``:
    ``min(1, (2 / alpha)^k)``."""
    k = check_positive_int(k, "k")
    if not alpha > 0:
        raise ValueError(f"alpha = N/d must be > 0, got {alpha}")
    ratio = (2 / alpha) if not isinstance(alpha, Fraction) else Fraction(2) / alpha
    return min(1, ratio**k)
