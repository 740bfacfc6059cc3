"""The energy barrier around rank-deficient weights (Gamarnik et al., §4.2 of the notes).

**Population.** If ``rank W <= d - 1`` then, for inputs with i.i.d. centred coordinates,

    L(W) >= min{mu4 - mu2^2, 2 mu2^2} sigma_min(W*)^4:

a unit ``v`` in the kernel of ``W`` gives ``v^T M v = -|W* v|^2 <= -sigma_min^2``, so
``|M|_F^2 >= sigma_min^4``, and ``L >= min{mu4 - mu2^2, 2 mu2^2} |M|_F^2`` (§4.1). The bound is
vacuous for Rademacher inputs (``mu4 = mu2^2``).

**Near-tight construction.** With ``v`` the right singular vector of ``sigma_min(W*)``,

    M = -sigma^2 v v^T + sigma^2 / (d - 1) (I - v v^T)

makes ``W*^T W* + M`` positive semidefinite with ``v`` in its kernel, so ``W = (W*^T W* + M)^{1/2}``
has rank ``d - 1``. Its risk over the bound is (``tr M = 0``, ``|M|_F^2 = sigma^4 d / (d - 1)``,
``sum_i M_ii^2 = sigma^4 (d^2 sum_i v_i^4 - d) / (d - 1)^2``)

    ratio = [(mu4 - 3 mu2^2) (d^2 sum_i v_i^4 - d) / (d - 1)^2 + 2 mu2^2 d / (d - 1)]
            / min{mu4 - mu2^2, 2 mu2^2},

which is ``1 + 1/(d - 1)`` for Gaussian inputs (:func:`near_tight_ratio`). Spreading less,
``M(t) = -sigma^2 v v^T + t (I - v v^T)`` with the best ``t`` (:func:`best_spread`), does better:
``t = sigma^2 / (d + 1)`` and ratio ``1 + 1/(d + 1)`` for Gaussian inputs (our computation; the
trace then no longer vanishes).

**Adversarial search.** :func:`minimise_rank_deficient` minimises a risk over ``W = [B; 0]`` with
``B`` of shape ``(d - 1) x d`` (every ``W^T W`` of rank ``<= d - 1`` is some ``B^T B``) by L-BFGS
from many starts. For the empirical risk its minimum is the empirical barrier, which the slides
bound below by ``C_5 sigma_min(W*)^4 / 2`` with ``C_5`` not given in the source.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import optimize
from threadpoolctl import threadpool_limits

from qlcore.infra.checks import (
    InputError,
    check_budget,
    check_choice,
    check_positive_int,
    check_real,
    rng_from_seed,
)
from qlcore.samples import span
from qlcore.stationary.risks import check_planted, check_risk


def random_rank_deficient(m: int, d: int, draws: int, *, rank: int | None = None, seed=0):
    """``draws`` weights ``W = U V`` of shape ``(m, d)`` and rank ``rank`` (default ``d - 1``),
    ``U`` and ``V`` with i.i.d. ``N(0, 1/rank)`` entries (so ``W`` has entries of variance about
    one, like ``W*``): an array ``(draws, m, d)``."""
    m, d = check_positive_int(m, "m"), check_positive_int(d, "d", minimum=2)
    draws = check_positive_int(draws, "draws")
    rank = d - 1 if rank is None else check_positive_int(rank, "rank")
    if rank >= min(m + 1, d):
        raise InputError(
            f"rank must be below d = {d} (and at most m = {m}), got {rank}", argument="rank"
        )
    check_budget("the weights", argument="draws", nbytes=8.0 * draws * m * d, fix="draw fewer")
    rng = rng_from_seed(seed)
    left = rng.standard_normal((draws, m, rank)) / np.sqrt(rank)
    return left @ rng.standard_normal((draws, rank, d))


def random_projections(planted, draws: int, *, seed=0) -> np.ndarray:
    """``draws`` weights ``W* (I - u u^T)`` with ``u`` uniform on the unit sphere: the planted
    network with one input direction removed, of rank ``d - 1``. Its population risk is at least
    the bound, and equals ``kappa sigma_min^4``-order values only when ``u`` is near the bottom
    right singular vector of ``W*``: an array ``(draws, m, d)``."""
    planted = _check_planted(planted)
    draws = check_positive_int(draws, "draws")
    check_budget(
        "the weights", argument="draws", nbytes=8.0 * draws * planted.size, fix="draw fewer"
    )
    directions = rng_from_seed(seed).standard_normal((draws, planted.shape[1]))
    directions /= np.linalg.norm(directions, axis=1, keepdims=True)
    return planted - (planted @ directions.T).T[:, :, None] * directions[:, None, :]


def _bottom(planted: np.ndarray) -> tuple[float, np.ndarray]:
    """``sigma_min(W*)`` and its right singular vector."""
    _, singular, right = np.linalg.svd(planted)
    return float(singular[-1]), right[-1]


def _check_planted(planted) -> np.ndarray:
    """:func:`qlcore.stationary.risks.check_planted`, with ``d >= 2`` (rank ``d - 1 >= 1``)."""
    planted = check_planted(planted)
    if planted.shape[1] < 2:
        raise InputError(
            f"planted must have d >= 2 columns, got {planted.shape}", argument="planted"
        )
    return planted


def near_tight_difference(planted, spread: float | None = None) -> np.ndarray:
    """``M(t) = -sigma^2 v v^T + t (I - v v^T)`` with ``t = spread`` (default ``sigma^2 / (d - 1)``,
    the trace-free construction of the module docstring); ``W*^T W* + M(t)`` is positive
    semidefinite of rank ``d - 1`` for every ``t >= 0``."""
    planted = _check_planted(planted)
    d = planted.shape[1]
    sigma, v = _bottom(planted)
    spread = sigma**2 / (d - 1) if spread is None else check_real(spread, "spread", minimum=0.0)
    outer = np.outer(v, v)
    return -(sigma**2) * outer + spread * (np.eye(d) - outer)


def best_spread(planted, law: str) -> float:
    """The ``t >= 0`` that minimises the population risk of ``M(t)``
    (:func:`near_tight_difference`) for ``law``: the risk is a quadratic in ``t``, minimised
    exactly through its values at ``t = 0, 1, 2``. For Gaussian inputs ``t = sigma^2 / (d + 1)``
    and the ratio to the bound is ``1 + 1/(d + 1)``, below the trace-free ``1 + 1/(d - 1)``."""
    planted = _check_planted(planted)
    moments = span.input_law(check_choice(law, "law", span.INPUT_LAWS))
    at = [
        span.population_risk(near_tight_difference(planted, t), moments.mu2, moments.mu4)
        for t in (0.0, 1.0, 2.0)
    ]
    curvature, slope = at[2] - 2 * at[1] + at[0], (at[1] - at[0]) - (at[2] - 2 * at[1] + at[0]) / 2
    return float(max(-slope / curvature, 0.0)) if curvature > 0 else 0.0


def near_tight_weights(planted, spread: float | None = None) -> np.ndarray:
    """Weights of rank ``d - 1`` with ``W^T W = W*^T W* + M(spread)``
    (:func:`near_tight_difference`), as many rows as ``planted``: the symmetric square root padded
    with zero rows."""
    planted = _check_planted(planted)
    m, d = planted.shape
    gram = planted.T @ planted + near_tight_difference(planted, spread)
    values, vectors = np.linalg.eigh(gram)
    values = np.clip(values, 0.0, None)
    values[0] = 0.0  # the kernel (v): rounding leaves ~eps |gram|, whose root ~1e-8 adds a rank
    root = (vectors * np.sqrt(values)) @ vectors.T
    return np.vstack([root, np.zeros((m - d, d))])


def near_tight_ratio(planted, law: str) -> float:
    """The near-tight construction's population risk over the bound, from the closed form of the
    module docstring (it uses ``v`` only through ``sum_i v_i^4``)."""
    planted = _check_planted(planted)
    d = planted.shape[1]
    moments = span.input_law(check_choice(law, "law", span.INPUT_LAWS))
    mu2, mu4, constant = moments.mu2, moments.mu4, moments.barrier_constant
    if constant == 0:
        raise InputError(f"law {law!r} has mu4 = mu2^2: the bound is 0, no ratio", argument="law")
    _, v = _bottom(planted)
    diagonal = (d * d * np.sum(v**4) - d) / (d - 1) ** 2
    return float(((mu4 - 3 * mu2**2) * diagonal + 2 * mu2**2 * d / (d - 1)) / constant)


@dataclass(frozen=True)
class BarrierSearch:
    """Result of :func:`minimise_rank_deficient`: the risk reached from each start (``values``),
    the best weights (``weights``, ``m x d`` of rank ``<= rank``) and their risk (``value``)."""

    values: np.ndarray
    weights: np.ndarray
    value: float


def minimise_rank_deficient(
    risk, *, starts: int = 20, rank: int | None = None, max_iterations: int = 2000, seed=0
) -> BarrierSearch:
    """Minimise ``risk`` (:mod:`qlcore.stationary.risks`) over weights of rank ``<= rank``
    (default ``d - 1``) by L-BFGS on ``W = [B; 0]``, ``B`` of shape ``rank x d``, from ``starts``
    random ``B`` with Gaussian entries scaled to ``|B|_F = |W*|_F``.

    BLAS runs on one thread here: L-BFGS makes many tiny BLAS calls, which OpenBLAS's threads
    made 3 to 18 times slower on a 2-core machine while other programs used the cores
    (``benchmarks/bench_blas_threads.py``)."""
    risk = check_risk(risk)
    starts = check_positive_int(starts, "starts")
    max_iterations = check_positive_int(max_iterations, "max_iterations")
    d, m = risk.dim, risk.planted.shape[0]
    rank = d - 1 if rank is None else check_positive_int(rank, "rank")
    if rank >= d:
        raise InputError(f"rank must be below d = {d}, got {rank}", argument="rank")
    check_budget(
        "the rank-deficient search",
        argument="starts",
        flops=50.0 * starts * max_iterations * (d**4 + rank * d * d),
        fix="use fewer starts or iterations",
    )
    rng = rng_from_seed(seed)
    scale = np.linalg.norm(risk.planted)

    def value_and_gradient(flat):
        factor = flat.reshape(rank, d)
        return float(risk.values(factor)), risk.gradients(factor).ravel()

    values, best = np.zeros(starts), None
    with threadpool_limits(limits=1, user_api="blas"):
        for index in range(starts):
            start = rng.standard_normal((rank, d))
            start *= scale / np.linalg.norm(start)
            found = optimize.minimize(
                value_and_gradient,
                start.ravel(),
                jac=True,
                method="L-BFGS-B",
                options={"maxiter": max_iterations, "ftol": 1e-15, "gtol": 1e-10},
            )
            values[index] = found.fun
            if best is None or found.fun < best.fun:
                best = found
    weights = np.vstack([best.x.reshape(rank, d), np.zeros((m - rank, d))])
    return BarrierSearch(values=values, weights=weights, value=float(best.fun))
