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
ray (so neither passes the strict test above): both raise :class:`InputError
<qlcore.infra.checks.InputError>`. Opposite rows are allowed: the cone then contains a line, is not
proper and has no extremal rays. Face counts beyond rays (:func:`faces` with ``k >= 2``) assume
general position (every ``min(N, d)`` rows linearly independent), as Cover & Efron do;
:func:`faces` checks it.

Cost. Each face is one LP, estimated by :func:`lp_work`; requests whose LPs would exceed the work
limit are refused before the first one runs (:class:`TooLargeError
<qlcore.infra.checks.TooLargeError>`, :func:`qlcore.infra.checks.check_budget`).
"""

from __future__ import annotations

from collections import defaultdict
from itertools import combinations
from math import comb

import numpy as np
from scipy.optimize import linprog
from scipy.spatial import cKDTree

from qlcore.cones.counts import check_face_dimension
from qlcore.infra.checks import (
    InputError,
    QLCoreError,
    as_matrix,
    check_bool,
    check_budget,
    check_int,
    check_positive_int,
)

# Rows whose unit directions differ by less than this (Euclidean) count as the same direction.
SAME_DIRECTION_TOL = 1e-9
# A min(N, d)-subset of unit rows whose smallest singular value is below this is dependent.
GENERAL_POSITION_TOL = 1e-9
# general-position checks look at every min(N, d)-subset; beyond this many, ask the caller.
MAX_GENERAL_POSITION_SUBSETS = 20_000


class LPFailure(QLCoreError, RuntimeError):
    """HiGHS could not solve a face LP (numerically extreme vectors); the message names them."""


def lp_work(n_rows: int, dim: int) -> float:
    """Estimated operations of one face LP with ``n_rows`` constraints in ``R^dim`` (HiGHS's dual
    simplex), counted like flops at the work limit's 1 GFLOP/s: ``1e6 + 500 n d + 10 n d^2``,
    i.e. a millisecond of set-up, then about half a microsecond per constraint entry and ``O(d)``
    pivots of ``O(n d)`` each. Measured: 32 ms at ``n = 20000, d = 3``, 2.2 s at
    ``n = 3000, d = 300`` (estimates 31 ms and 3.2 s)."""
    n_rows = check_int(n_rows, "n_rows", minimum=0)
    dim = check_positive_int(dim, "dim")
    return 1e6 + 500.0 * n_rows * dim + 10.0 * n_rows * float(dim) * dim


def _check_lps(count: float, units: np.ndarray, what: str) -> None:
    """Refuse ``count`` LPs on ``units`` beyond the work limit, and an LP whose copies of the
    constraint matrix (about four of ``units``) exceed the memory limit."""
    check_budget(
        what,
        argument="vectors",
        nbytes=4.0 * units.nbytes,
        flops=count * lp_work(*units.shape),
        fix="use fewer or lower-dimensional vectors",
    )


def unit_rows(vectors) -> np.ndarray:
    """``vectors`` (``N x d``, ``N >= 1``) validated and scaled to unit rows.

    Raises :class:`InputError <qlcore.infra.checks.InputError>` for a zero row or for two rows
    with the same direction (found with a k-d tree, ``O(N log N)``: no ``N x N`` table). Rows are
    divided by their largest entry before their norm, so entries near the float range neither
    overflow nor underflow.
    """
    array = as_matrix(vectors, "vectors")
    largest = np.abs(array).max(axis=1)
    zero = np.flatnonzero(largest == 0)
    if zero.size:
        raise InputError(
            f"vectors has a zero row (row {zero[0]}); a zero vector spans no ray, drop it",
            argument="vectors",
        )
    scaled = array / largest[:, None]
    units = scaled / np.linalg.norm(scaled, axis=1)[:, None]
    pairs = cKDTree(units).query_pairs(SAME_DIRECTION_TOL, output_type="ndarray")
    if pairs.size:
        gaps = np.linalg.norm(units[pairs[:, 0]] - units[pairs[:, 1]], axis=1)
        same = np.sort(pairs[gaps < SAME_DIRECTION_TOL], axis=1)
        if same.size:
            i, j = min(map(tuple, same.tolist()))
            raise InputError(
                f"vectors: rows {i} and {j} point in the same direction, so they span "
                "the same ray; keep one of them",
                argument="vectors",
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
        raise LPFailure(f"vectors: HiGHS could not decide a face LP: {result.message}")
    return result.x if result.status == 0 else None


def central_axis(vectors) -> np.ndarray | None:
    """The unit ``y`` that maximises ``min_i <y, x_i / |x_i|>`` over the cube ``|y|_inf <= 1``
    (one LP), or None when that minimum is not positive (the cone is not proper). A
    cross-section ``<y, z> = 1`` through it is as round as the LP can make it, for pictures."""
    units = unit_rows(vectors)
    n_vectors, dim = units.shape
    _check_lps(1, units, "the central-axis LP")
    # variables (y, t): maximise t subject to t - <y, x_i> <= 0, -1 <= y <= 1
    result = linprog(
        np.r_[np.zeros(dim), -1.0],
        A_ub=np.column_stack([-units, np.ones(n_vectors)]),
        b_ub=np.zeros(n_vectors),
        bounds=[(-1, 1)] * dim + [(None, 1)],
        method="highs",
    )
    if result.status != 0:
        raise LPFailure(f"vectors: HiGHS failed on the central-axis LP: {result.message}")
    y, margin = result.x[:dim], result.x[dim]
    return y / np.linalg.norm(y) if margin > 1e-9 else None


def is_proper(vectors) -> bool:
    """Is ``pos(rows of vectors)`` proper, i.e. all rows in one open half-space? (one LP)"""
    units = unit_rows(vectors)
    _check_lps(1, units, "the properness LP")
    return _solve(np.empty((0, 0)), units) is not None


def extremal_rays(vectors) -> np.ndarray:
    """Indices (ascending) of the rows of ``vectors`` that span extremal rays of their cone.

    Row ``i`` is returned iff some ``y`` has ``<y, x_i> = 0 < <y, x_j>`` for every ``j != i``
    (one LP per row, ``N`` :func:`lp_work` in all). For a cone that contains a line there is no
    such ``y``: the result is empty. A single vector spans a ray, which is its own extremal
    ray: ``[0]``.
    """
    units = unit_rows(vectors)
    _check_lps(units.shape[0], units, "one LP per row")
    return np.array([i for i in range(units.shape[0]) if _spans_face(units, (i,))], dtype=int)


def in_general_position(vectors, *, max_subsets: int = MAX_GENERAL_POSITION_SUBSETS) -> bool:
    """Are every ``min(N, d)`` of the rows linearly independent?

    Checks the smallest singular value of each of the ``S = binom(N, min(N, d))`` subsets of
    unit rows against ``GENERAL_POSITION_TOL``; refuses (:class:`InputError
    <qlcore.infra.checks.InputError>` naming ``max_subsets``) when ``S > max_subsets``, and
    (:class:`TooLargeError <qlcore.infra.checks.TooLargeError>`) when the ``S`` stacked
    ``m x d`` subsets (``m = min(N, d)``; three copies of ``8 m d`` bytes each, with their index
    tuples) or their SVDs (``1e4 + 4 m^2 d`` operations each) exceed the limits.
    """
    units = unit_rows(vectors)
    max_subsets = check_positive_int(max_subsets, "max_subsets")
    n_vectors, dim = units.shape
    size = min(n_vectors, dim)
    count = comb(n_vectors, size)
    if count > max_subsets:
        raise InputError(
            f"max_subsets={max_subsets} is below the {count} subsets to check for "
            f"{n_vectors} vectors in R^{dim}; raise max_subsets, or pass "
            "check_general_position=False to faces() for vectors with a continuous law "
            "(in general position almost surely)",
            argument="max_subsets",
        )
    check_budget(
        "the general-position check",
        argument="max_subsets",
        nbytes=count * (100.0 + 16 * size + 24.0 * size * dim),
        flops=count * (1e4 + 4.0 * size**2 * dim),
        fix="lower max_subsets, or skip the check for vectors with a continuous law",
    )
    subsets = np.array(list(combinations(range(n_vectors), size)))
    smallest = np.linalg.svd(units[subsets], compute_uv=False)[:, -1]
    return bool(smallest.min() > GENERAL_POSITION_TOL)


def faces(vectors, k: int, *, check_general_position: bool = True) -> list[tuple[int, ...]]:
    """The ``k``-subsets ``S`` of row indices for which ``pos(x_S)`` is a ``k``-face.

    ``1 <= k <= min(N, d) - 1``. In general position every face of a proper cone is simplicial and
    the faces of a face are faces, so candidates for ``k``-faces are the ``k``-subsets all of whose
    ``(k-1)``-subsets are faces; each candidate costs one LP (refused beyond the work limit,
    level by level, before the level's LPs run). Raises :class:`InputError
    <qlcore.infra.checks.InputError>` when the rows are not in general position (then a face may
    hold more than ``k`` rows and a count of ``k``-subsets would be wrong).
    """
    units = unit_rows(vectors)
    k = check_face_dimension(k, "k", *units.shape)
    if check_bool(check_general_position, "check_general_position") and not (
        in_general_position(units)
    ):
        raise InputError(
            "vectors: the rows are not in general position (some min(N, d) of "
            "them are linearly dependent), so faces are not simplicial and the "
            "k-face count is not defined as in Cover & Efron",
            argument="vectors",
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
    """The 1-faces, 2-faces, ..., ``max_k``-faces. The candidates for ``s``-faces are the
    ``s``-subsets whose every ``(s-1)``-subset is a face: each is the union of two
    ``(s-1)``-faces that differ in their last index only (an Apriori join), so only pairs of
    faces are enumerated, never all ``binom(N, s)`` subsets. Each level's join and LPs are
    checked against the budget before they run."""
    n_vectors = units.shape[0]
    _check_lps(n_vectors, units, "one LP per row")
    levels = [[(i,) for i in range(n_vectors) if _spans_face(units, (i,))]]
    for size in range(2, max_k + 1):
        previous = set(levels[-1])
        by_prefix = defaultdict(list)
        for face in levels[-1]:
            by_prefix[face[:-1]].append(face[-1])
        joins = sum(len(lasts) * (len(lasts) - 1) // 2 for lasts in by_prefix.values())
        check_budget(
            f"the candidate {size}-faces",
            argument="vectors",
            nbytes=joins * (100.0 + 8 * size),
            flops=joins * 100.0 * size**2,
            fix="count fewer face dimensions",
        )
        candidates = sorted(
            prefix + pair
            for prefix, lasts in by_prefix.items()
            for pair in combinations(sorted(lasts), 2)
            if all(s in previous for s in combinations(prefix + pair, size - 1))
        )
        _check_lps(len(candidates), units, f"one LP per candidate {size}-face")
        levels.append([s for s in candidates if _spans_face(units, s)])
    return levels
