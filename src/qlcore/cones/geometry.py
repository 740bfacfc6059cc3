"""The faces of one polyhedral cone, by linear programming (scipy's HiGHS).

For the rows ``x_1..x_N`` of ``vectors`` (shape ``N x d``):

* ``pos(x_1..x_N) = {sum c_i x_i : c_i >= 0}`` is *proper* iff some ``y`` has
  ``<y, x_i> > 0`` for all ``i``;
* ``pos(x_S)``, ``|S| = k <= d - 1``, is a *k-face* iff some ``y`` has ``<y, x_i> = 0`` for
  ``i`` in ``S`` and ``<y, x_j> > 0`` for ``j`` not in ``S``; 1-faces are the extremal rays.

Both conditions are homogeneous in ``y``, so ``> 0`` may be written ``>= 1``, which makes each
an LP feasibility problem. The rows are scaled to unit length first (only directions matter),
so HiGHS's feasibility tolerance (1e-7) is relative to vectors of length one.

Degenerate input. A zero row spans no ray and two rows with the same direction span the same
ray (so neither passes the strict test above): both raise ``ValueError``. Opposite rows are
allowed: the cone then contains a line, is not proper and has no extremal rays. Face counts
beyond rays (:func:`faces` with ``k >= 2``) assume general position (every ``min(N, d)`` rows
linearly independent), as Cover & Efron do; :func:`faces` checks it.
"""

from __future__ import annotations

from itertools import combinations
from math import comb

import numpy as np
from scipy.optimize import linprog

from qlcore.cones.counts import check_face_dimension
from qlcore.infra.checks import as_matrix

# Rows whose unit directions differ by less than this (Euclidean) count as the same direction.
SAME_DIRECTION_TOL = 1e-9
# A min(N, d)-subset of unit rows whose smallest singular value is below this is dependent.
GENERAL_POSITION_TOL = 1e-9
# general-position checks look at every min(N, d)-subset; beyond this many, ask the caller.
MAX_GENERAL_POSITION_SUBSETS = 20_000


def unit_rows(vectors) -> np.ndarray:
    """``vectors`` (``N x d``, ``N >= 1``) validated and scaled to unit rows.

    Raises ``ValueError`` for a zero row or for two rows with the same direction.
    """
    array = as_matrix(vectors, "vectors")
    norms = np.linalg.norm(array, axis=1)
    zero = np.flatnonzero(norms == 0)
    if zero.size:
        raise ValueError(
            f"vectors has a zero row (row {zero[0]}); a zero vector spans no ray, drop it"
        )
    units = array / norms[:, None]
    gaps = np.linalg.norm(units[:, None, :] - units[None, :, :], axis=2)
    same = np.argwhere(np.triu(gaps < SAME_DIRECTION_TOL, k=1))
    if same.size:
        i, j = same[0]
        raise ValueError(
            f"rows {i} and {j} of vectors point in the same direction, so they span "
            "the same ray; keep one of them"
        )
    return units


def _spans_face(units: np.ndarray, subset) -> bool:
    mask = np.zeros(units.shape[0], dtype=bool)
    mask[list(subset)] = True
    return _solve(units[mask], units[~mask]) is not None


def _solve(on_face: np.ndarray, off_face: np.ndarray) -> np.ndarray | None:
    """A ``y`` with ``on_face @ y == 0`` and ``off_face @ y >= 1``, or None (an LP, HiGHS)."""
    dim = off_face.shape[1] if off_face.size else on_face.shape[1]
    result = linprog(
        np.zeros(dim),
        A_ub=-off_face if off_face.size else None,
        b_ub=-np.ones(off_face.shape[0]) if off_face.size else None,
        A_eq=on_face if on_face.size else None,
        b_eq=np.zeros(on_face.shape[0]) if on_face.size else None,
        bounds=[(None, None)] * dim,
        method="highs",
    )
    if result.status not in (0, 2):
        raise RuntimeError(f"HiGHS could not decide feasibility: {result.message}")
    return result.x if result.status == 0 else None


def central_axis(vectors) -> np.ndarray | None:
    """The unit ``y`` that maximises ``min_i <y, x_i / |x_i|>`` over the cube ``|y|_inf <= 1``
    (one LP), or None when that minimum is not positive (the cone is not proper). A
    cross-section ``<y, z> = 1`` through it is as round as the LP can make it, for pictures."""
    units = unit_rows(vectors)
    n_vectors, dim = units.shape
    # variables (y, t): maximise t subject to t - <y, x_i> <= 0, -1 <= y <= 1
    result = linprog(
        np.r_[np.zeros(dim), -1.0],
        A_ub=np.column_stack([-units, np.ones(n_vectors)]),
        b_ub=np.zeros(n_vectors),
        bounds=[(-1, 1)] * dim + [(None, 1)],
        method="highs",
    )
    if result.status != 0:
        raise RuntimeError(f"HiGHS failed on the central-axis LP: {result.message}")
    y, margin = result.x[:dim], result.x[dim]
    return y / np.linalg.norm(y) if margin > 1e-9 else None


def is_proper(vectors) -> bool:
    """Is ``pos(rows of vectors)`` proper, i.e. all rows in one open half-space? (one LP)"""
    return _solve(np.empty((0, 0)), unit_rows(vectors)) is not None


def extremal_rays(vectors) -> np.ndarray:
    """Indices (ascending) of the rows of ``vectors`` that span extremal rays of their cone.

    Row ``i`` is returned iff some ``y`` has ``<y, x_i> = 0 < <y, x_j>`` for every ``j != i``
    (one LP per row). For a cone that contains a line there is no such ``y``: the result is
    empty. A single vector spans a ray, which is its own extremal ray: ``[0]``.
    """
    units = unit_rows(vectors)
    return np.array([i for i in range(units.shape[0]) if _spans_face(units, (i,))], dtype=int)


def in_general_position(vectors, *, max_subsets: int = MAX_GENERAL_POSITION_SUBSETS) -> bool:
    """Are every ``min(N, d)`` of the rows linearly independent?

    Checks the smallest singular value of each ``min(N, d)``-subset of unit rows against
    ``GENERAL_POSITION_TOL``; refuses (``ValueError``) when there are more than ``max_subsets``.
    """
    units = unit_rows(vectors)
    n_vectors, dim = units.shape
    size = min(n_vectors, dim)
    if comb(n_vectors, size) > max_subsets:
        raise ValueError(
            f"checking general position of {n_vectors} vectors in R^{dim} means "
            f"{comb(n_vectors, size)} subsets (> max_subsets={max_subsets}); raise "
            "max_subsets, or pass check_general_position=False to faces() for "
            "vectors with a continuous law (in general position almost surely)"
        )
    subsets = np.array(list(combinations(range(n_vectors), size)))
    smallest = np.linalg.svd(units[subsets], compute_uv=False)[:, -1]
    return bool(smallest.min() > GENERAL_POSITION_TOL)


def faces(vectors, k: int, *, check_general_position: bool = True) -> list[tuple[int, ...]]:
    """The ``k``-subsets ``S`` of row indices for which ``pos(x_S)`` is a ``k``-face.

    ``1 <= k <= min(N, d) - 1``. In general position every face of a proper cone is simplicial and
    the faces of a face are faces, so candidates for ``k``-faces are the ``k``-subsets all of whose
    ``(k-1)``-subsets are faces; each candidate costs one LP. Raises ``ValueError`` when the
    rows are not in general position (then a face may hold more than ``k`` rows and a count of
    ``k``-subsets would be wrong).
    """
    units = unit_rows(vectors)
    k = check_face_dimension(k, "k", *units.shape)
    if check_general_position and not in_general_position(units):
        raise ValueError(
            "the rows of vectors are not in general position (some min(N, d) of "
            "them are linearly dependent), so faces are not simplicial and the "
            "k-face count is not defined as in Cover & Efron"
        )
    return _face_lattice(units, k)[-1]


def face_counts(vectors, max_k: int) -> list[int]:
    """``[F_1, ..., F_max_k]`` for the cone of the rows of ``vectors``, which must be in general
    position (not checked: use :func:`in_general_position`), with ``max_k <= min(N, d) - 1``.

    Zero for a cone that is not proper (no face LP is feasible when the cone contains a line).
    """
    units = unit_rows(vectors)
    max_k = check_face_dimension(max_k, "max_k", *units.shape)
    return [len(level) for level in _face_lattice(units, max_k)]


def _face_lattice(units: np.ndarray, max_k: int) -> list[list[tuple[int, ...]]]:
    """The 1-faces, 2-faces, ..., ``max_k``-faces, each found among the subsets whose every
    one-smaller subset is a face."""
    levels = [[(i,) for i in range(units.shape[0]) if _spans_face(units, (i,))]]
    for size in range(2, max_k + 1):
        previous = set(levels[-1])
        candidates = [
            s
            for s in combinations(range(units.shape[0]), size)
            if all(t in previous for t in combinations(s, size - 1))
        ]
        levels.append([s for s in candidates if _spans_face(units, s)])
    return levels
