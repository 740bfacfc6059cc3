"""Monte Carlo estimates of Wendel's probability and Cover & Efron's face counts.

Draw ``N`` i.i.d. standard Gaussian vectors in ``R^d`` (sign-symmetric and in general position
almost surely, the hypotheses of Wendel's and Cover & Efron's theorems), decide properness and count
the faces of the proper cones by linear programming (:mod:`qlcore.cones.geometry`). The estimates
come with standard errors, to be compared with the exact
:func:`qlcore.cones.counts.wendel_probability` and :func:`qlcore.cones.counts.expected_faces`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
from scipy.special import gammaln, logsumexp
from tqdm.auto import tqdm

from qlcore.cones import geometry
from qlcore.infra.checks import (
    InputError,
    check_bool,
    check_budget,
    check_int,
    check_positive_int,
    rng_from_seed,
)


@dataclass(frozen=True)
class FaceEstimate:
    """Monte Carlo estimate from ``n_draws`` draws of ``N`` Gaussian vectors in ``R^d``.

    ``mean_faces[k-1]`` estimates ``E[F_k | proper]`` from the ``n_proper`` proper draws, with
    standard error ``faces_se[k-1]`` (sample standard deviation / sqrt(n_proper); NaN when fewer
    than two draws were proper). ``proper_se`` is the binomial standard error.
    """

    n_vectors: int
    dim: int
    n_draws: int
    n_proper: int
    proper_fraction: float
    proper_se: float
    mean_faces: tuple[float, ...]
    faces_se: tuple[float, ...]

    def as_dict(self) -> dict:
        """Plain JSON-serialisable fields."""
        return asdict(self)


def estimate_faces(
    n_vectors: int, dim: int, max_k: int = 1, *, n_draws: int, seed: int = 0, progress: bool = False
) -> FaceEstimate:
    """Estimate ``P(proper)`` and ``E[F_k | proper]`` for ``k = 1..max_k`` (``max_k = 0``:
    properness only) from ``n_draws`` draws of ``n_vectors`` Gaussian vectors in ``R^dim``.

    Cost: each draw holds a few copies of an ``N x d`` array and solves one LP, and each proper
    one (Wendel's ``P(proper)`` of them) ``N`` more for its rays and at least
    ``E[F_k | proper]`` for its ``k``-faces; with :func:`qlcore.cones.geometry.lp_work` per LP,
    a request whose expected work exceeds the limit is refused before the first draw. Cones of
    many vectors in few dimensions are almost never proper, so ``N = 20000`` in ``R^3`` costs
    about one LP (30 ms) per draw.
    """
    n_vectors = check_positive_int(n_vectors, "n_vectors")
    dim = check_positive_int(dim, "dim", minimum=2)
    max_k = check_int(max_k, "max_k", minimum=0)
    if max_k > min(n_vectors, dim) - 1:
        raise InputError(
            f"max_k must be at most min(n_vectors, dim) - 1 = "
            f"{min(n_vectors, dim) - 1}, got {max_k}",
            argument="max_k",
        )
    n_draws = check_positive_int(n_draws, "n_draws")
    rng = rng_from_seed(seed)
    progress = check_bool(progress, "progress")
    check_budget(
        "the draws of Gaussian vectors",
        argument="n_vectors",
        nbytes=6 * 8.0 * n_vectors * dim,
        fix="use fewer vectors or dimensions",
    )
    check_budget(
        "the Monte Carlo estimate",
        argument="n_draws",
        flops=n_draws * geometry.lp_work(n_vectors, dim) * _expected_lps(n_vectors, dim, max_k),
        fix="use fewer draws, vectors or face dimensions",
    )
    counts = []
    for _ in tqdm(
        range(n_draws), desc=f"cones N={n_vectors} d={dim}", disable=not progress, leave=False
    ):
        vectors = rng.standard_normal((n_vectors, dim))
        if geometry.is_proper(vectors):
            counts.append(geometry.face_counts(vectors, max_k) if max_k else [])
    n_proper = len(counts)
    fraction = n_proper / n_draws
    counts = np.array(counts, dtype=float).reshape(n_proper, max_k)
    if n_proper >= 2:
        means = counts.mean(axis=0)
        errors = counts.std(axis=0, ddof=1) / np.sqrt(n_proper)
    else:
        means = counts.mean(axis=0) if n_proper else np.full(max_k, np.nan)
        errors = np.full(max_k, np.nan)
    return FaceEstimate(
        n_vectors,
        dim,
        n_draws,
        n_proper,
        fraction,
        float(np.sqrt(fraction * (1 - fraction) / n_draws)),
        tuple(float(v) for v in means),
        tuple(float(v) for v in errors),
    )


def _log_cover_count(n_vectors: int, dim: int) -> float:
    """``log C(N, d)`` in floating point (:func:`qlcore.cones.counts.cover_count` is exact)."""
    k = np.arange(min(n_vectors, dim))
    return float(
        np.log(2) + logsumexp(gammaln(n_vectors) - gammaln(k + 1) - gammaln(n_vectors - k))
    )


def _expected_lps(n_vectors: int, dim: int, max_k: int) -> float:
    """LPs per draw, on average: one for properness and, with probability ``P(proper)``, ``N``
    for the rays and at least ``E[F_k | proper]`` (the faces among the candidates) for each
    ``2 <= k <= max_k``; in floating point, from Wendel's and Cover & Efron's formulas."""
    if max_k == 0:
        return 1.0
    log_count = _log_cover_count(n_vectors, dim)
    faces = sum(
        np.exp(
            k * np.log(2)
            + gammaln(n_vectors + 1)
            - gammaln(k + 1)
            - gammaln(n_vectors - k + 1)
            + _log_cover_count(n_vectors - k, dim - k)
            - log_count
        )
        for k in range(2, max_k + 1)
    )
    proper = np.exp(log_count - n_vectors * np.log(2))
    return float(1.0 + proper * (n_vectors + faces))
