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
from tqdm.auto import tqdm

from qlcore.cones import geometry
from qlcore.infra.checks import check_positive_int


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
    properness only) from ``n_draws`` draws of ``n_vectors`` Gaussian vectors in ``R^dim``."""
    n_vectors = check_positive_int(n_vectors, "n_vectors")
    dim = check_positive_int(dim, "dim", minimum=2)
    max_k = check_positive_int(max_k, "max_k", minimum=0)
    if max_k > min(n_vectors, dim) - 1:
        raise ValueError(
            f"max_k must be at most min(n_vectors, dim) - 1 = "
            f"{min(n_vectors, dim) - 1}, got {max_k}"
        )
    n_draws = check_positive_int(n_draws, "n_draws")
    rng = np.random.default_rng(seed)
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
