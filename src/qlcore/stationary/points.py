"""Sweep points of chapter 6's experiments: each computes one cell of a figure and returns JSON.

They live in the solver package so that the sweep cache (keyed by the code a point function
imports, :func:`qlcore.infra.sweep.run_sweep`) does not depend on the figures' plotting code.
Seeds are lists ``[seed, ...]`` so that cells draw independent streams; the planted ``W*`` of a
dimension is shared by the cells that compare laws or sample sizes.
"""

from __future__ import annotations

import numpy as np
from scipy import stats

from qlcore.infra.checks import check_choice, check_positive_int, check_real, rng_from_seed
from qlcore.samples import span
from qlcore.stationary import barrier, descent, initialisation, risks

START_KINDS = ("random", "small", "rank-deficient", "near barrier")
"""Starts of the census: i.i.d. entries of ``W*``'s scale; the same times 1e-3; rank ``d - 1``;
the best near-tight rank-deficient weights (:func:`qlcore.stationary.barrier.best_spread`) plus
a perturbation of relative size 1e-3."""

RATIO_EDGES = np.geomspace(1e-3, 1e8, 111)
"""Bins of the histogram of risks over ``sigma_min(W*)^4`` of :func:`population_barrier_point`
(ten per decade)."""
TRACES = 5
"""Trajectories of :func:`descent_point` returned whole (sampled), for the figure."""
TRACE_POINTS = 80


def _check_shape(rows, dim) -> tuple[int, int]:
    """``rows`` and ``dim`` of ``W*``: integers with ``rows >= dim >= 2``."""
    dim = check_positive_int(dim, "dim", minimum=2)
    rows = check_positive_int(rows, "rows", minimum=dim)
    return rows, dim


def _normalised_planted(rows: int, dim: int, seed) -> np.ndarray:
    """``W*`` with i.i.d. ``N(0, 1/m)`` entries (so ``W*^T W*`` is near ``I``)."""
    return risks.planted_weights(rows, dim, seed=seed) / np.sqrt(rows)


def population_barrier_point(
    law: str, dim: int, rows: int, draws: int, starts: int, mc_samples: int, seed: int
) -> dict:
    """Population risks over ``sigma_min(W*)^4`` of rank-``(d - 1)`` weights for one law and
    dimension: ``draws`` random projections ``W* (I - u u^T)``
    (:func:`qlcore.stationary.barrier.random_projections`; their minimum and their histogram over
    :data:`RATIO_EDGES`, with the count outside it), an adversarial search from ``starts``
    starts, the trace-free and best-spread near-tight constructions, and a Monte-Carlo estimate
    (mean and standard error over ``mc_samples`` inputs) of the trace-free construction's risk."""
    check_choice(law, "law", span.INPUT_LAWS)
    rows, dim = _check_shape(rows, dim)
    draws = check_positive_int(draws, "draws")
    starts = check_positive_int(starts, "starts")
    mc_samples = check_positive_int(mc_samples, "mc_samples")
    planted = risks.planted_weights(rows, dim, seed=[seed, dim])
    risk = risks.PopulationRisk(planted, law)
    sigma4 = span.smallest_singular_value(planted) ** 4
    random = risk.values(barrier.random_projections(planted, draws, seed=[seed, dim, 1]))
    search = barrier.minimise_rank_deficient(risk, starts=starts, seed=[seed, dim, 2])
    difference = barrier.near_tight_difference(planted)
    x = span.sample_inputs(law, mc_samples, dim, seed=[seed, dim, 3])
    sampled = np.einsum("ni,ij,nj->n", x, difference, x) ** 2
    spread = barrier.best_spread(planted, law)
    counts, edges = np.histogram(random / sigma4, bins=RATIO_EDGES)
    return {
        "bound_constant": risk.bound() / sigma4,
        "random_min": float(random.min()) / sigma4,
        "random_counts": counts.tolist(),
        "random_edges": edges.tolist(),
        "random_outside": int(random.size - counts.sum()),
        "search": (search.values / sigma4).tolist(),
        "trace_free": float(risk.values(barrier.near_tight_weights(planted))) / sigma4,
        "best_spread": float(risk.values(barrier.near_tight_weights(planted, spread))) / sigma4,
        "monte_carlo_mean": float(sampled.mean()) / sigma4,
        "monte_carlo_error": float(sampled.std() / np.sqrt(mc_samples)) / sigma4,
    }


def empirical_barrier_point(
    dim: int, rows: int, n_samples: int, trial: int, starts: int, seed: int
) -> dict:
    """The minimum over rank ``<= d - 1`` of the empirical risk on ``n_samples`` Gaussian inputs
    and of the population risk, both over ``sigma_min(W*)^4``, for one planted ``W*``."""
    rows, dim = _check_shape(rows, dim)
    n_samples = check_positive_int(n_samples, "n_samples")
    planted = _normalised_planted(rows, dim, [seed, dim, trial])
    x = span.sample_inputs("gaussian", n_samples, dim, seed=[seed, dim, trial, n_samples])
    sigma4 = span.smallest_singular_value(planted) ** 4
    empirical = barrier.minimise_rank_deficient(
        risks.EmpiricalRisk(planted, x), starts=starts, seed=[seed, dim, trial, 1]
    )
    population = barrier.minimise_rank_deficient(
        risks.PopulationRisk(planted, "gaussian"), starts=starts, seed=[seed, dim, trial, 2]
    )
    return {"empirical": empirical.value / sigma4, "population": population.value / sigma4}


def _census_starts(kind: str, planted: np.ndarray, count: int, rng) -> np.ndarray:
    rows, dim = planted.shape
    scale = 1.0 / np.sqrt(rows)
    if kind == "random":
        return scale * rng.standard_normal((count, rows, dim))
    if kind == "small":
        return 1e-3 * scale * rng.standard_normal((count, rows, dim))
    if kind == "rank-deficient":
        seed = int(rng.integers(2**31))
        return scale * barrier.random_rank_deficient(rows, dim, count, seed=seed)
    near = barrier.near_tight_weights(planted, barrier.best_spread(planted, "gaussian"))
    return near + 1e-3 * scale * rng.standard_normal((count, rows, dim))


def census_point(
    dim: int,
    rows: int,
    n_samples: int,
    kind: str,
    starts: int,
    tolerance: float,
    max_iterations: int,
    seed: int,
) -> dict:
    """Gradient descent on the empirical risk of ``n_samples`` Gaussian inputs from ``starts``
    starts of ``kind`` (:data:`START_KINDS`), each end point classified
    (:func:`qlcore.stationary.descent.classify`): its rank, kind, relative empirical risk,
    number of negative Hessian eigenvalues, Procrustes residual to ``W*`` and relative
    population risk (over the risk at ``W = 0``)."""
    check_choice(kind, "kind", START_KINDS)
    rows, dim = _check_shape(rows, dim)
    n_samples = check_positive_int(n_samples, "n_samples")
    tolerance = check_real(tolerance, "tolerance", positive=True)
    planted = _normalised_planted(rows, dim, [seed, dim])
    x = span.sample_inputs("gaussian", n_samples, dim, seed=[seed, dim, n_samples])
    risk = risks.EmpiricalRisk(planted, x)
    population = risks.PopulationRisk(planted, "gaussian")
    rng = rng_from_seed([seed, dim, n_samples, START_KINDS.index(kind)])
    run = descent.gradient_descent(
        risk,
        _census_starts(kind, planted, check_positive_int(starts, "starts"), rng),
        tolerance=tolerance,
        max_iterations=max_iterations,
        record_every=max_iterations,
    )
    at_zero = float(population.values(np.zeros_like(planted)))
    points = []
    for weights, iterations in zip(run.weights, run.iterations):
        report = descent.classify(risk, weights, gradient_tol=tolerance * (1 + 1e-6))
        points.append(
            {
                "rank": report.rank,
                "kind": report.kind,
                "relative_risk": report.relative_risk,
                "n_negative": report.n_negative,
                "hessian_min": report.hessian_min,
                "procrustes": descent.procrustes(weights, planted)[1],
                "population": float(population.values(weights)) / at_zero,
                "iterations": int(iterations),
            }
        )
    return {"points": points, "step": run.step}


def _below_barrier_starts(risk, planted, level: float, count: int, rng) -> np.ndarray:
    """``W* + s D`` with random directions ``D`` and ``s`` set by bisection so that the risk is
    ``level`` (risk along the ray is 0 at ``s = 0`` and grows for small ``s``)."""
    directions = rng.standard_normal((count, *planted.shape))
    directions /= np.linalg.norm(directions, axis=(1, 2), keepdims=True)
    low, high = np.zeros(count), np.full(count, np.linalg.norm(planted))
    for _ in range(60):
        middle = (low + high) / 2
        above = risk.values(planted + middle[:, None, None] * directions) > level
        high = np.where(above, middle, high)
        low = np.where(above, low, middle)
    return planted + low[:, None, None] * directions


def descent_point(
    dim: int,
    rows: int,
    n_samples: int,
    fraction: float,
    starts: int,
    barrier_starts: int,
    milestones: list,
    max_iterations: int,
    seed: int,
) -> dict:
    """Descent on the empirical risk from ``starts`` weights whose risk is ``fraction`` times the
    empirical barrier (the rank-``(d - 1)`` minimum found from ``barrier_starts`` starts):
    ``sigma_min(W_t) / sigma_min(W*)`` at its smallest, the iterations to ``|grad|_F <= eps`` for
    each ``eps`` of ``milestones`` (-1 if not within ``max_iterations``) and the final relative
    risk; for the first :data:`TRACES` starts, ``sigma_min(W_t) / sigma_min(W*)`` and the relative
    risk at about :data:`TRACE_POINTS` log-spaced recorded iterations."""
    fraction = check_real(fraction, "fraction", positive=True, maximum=1.0)
    rows, dim = _check_shape(rows, dim)
    n_samples = check_positive_int(n_samples, "n_samples")
    planted = _normalised_planted(rows, dim, [seed, dim])
    x = span.sample_inputs("gaussian", n_samples, dim, seed=[seed, dim, n_samples])
    risk = risks.EmpiricalRisk(planted, x)
    wall = barrier.minimise_rank_deficient(risk, starts=barrier_starts, seed=[seed, dim, 1]).value
    rng = rng_from_seed([seed, dim, n_samples, 2])
    begin = _below_barrier_starts(risk, planted, fraction * wall, starts, rng)
    run = descent.gradient_descent(
        risk,
        begin,
        tolerance=min(milestones),
        max_iterations=max_iterations,
        record_every=10,
        milestones=sorted(milestones, reverse=True),
    )
    at_zero = float(risk.values(np.zeros_like(planted)))
    sigma = span.smallest_singular_value(planted)
    shown = np.unique(np.geomspace(1, len(run.record_iterations), TRACE_POINTS).astype(int) - 1)
    return {
        "barrier": wall / at_zero,
        "trace_iterations": run.record_iterations[shown].tolist(),
        "trace_sigma_ratio": (run.sigma_min[shown, :TRACES] / sigma).T.tolist(),
        "trace_risk": (run.risk[shown, :TRACES] / at_zero).T.tolist(),
        "start_risk": (np.asarray(risk.values(begin)) / at_zero).tolist(),
        "min_sigma_ratio": (run.min_sigma_min / sigma).tolist(),
        "milestones": sorted(milestones, reverse=True),
        "iterations": run.milestone_iterations.tolist(),
        "final_risk": (np.asarray(risk.values(run.weights)) / at_zero).tolist(),
        "monotone": bool(run.monotone.all()),
        "step": run.step,
    }


def population_init_point(dim: int, ratio: float, draws: int, law: str, seed: int) -> dict:
    """For ``m = round(ratio d^2)`` and ``draws`` Gaussian ``W*`` (``W*^T W*`` drawn as a
    Wishart matrix by Bartlett's decomposition), the population risk of the isotropic start
    over the barrier ``min{mu4 - mu2^2, 2 mu2^2} sigma_min(W*)^4``."""
    dim = check_positive_int(dim, "dim")
    rows = max(dim, int(round(check_real(ratio, "ratio", positive=True) * dim * dim)))
    moments = span.input_law(check_choice(law, "law", span.INPUT_LAWS))
    grams = stats.wishart(df=rows, scale=np.eye(dim)).rvs(
        size=draws, random_state=rng_from_seed([seed, dim, rows])
    )
    grams = np.asarray(grams).reshape(draws, dim, dim)
    start = span.population_risk(rows * np.eye(dim) - grams, moments.mu2, moments.mu4)
    walls = moments.barrier_constant * np.linalg.eigvalsh(grams)[:, 0] ** 2
    return {"rows": rows, "start_over_barrier": (start / walls).tolist()}


def empirical_init_point(
    dim: int, ratio: float, draws: int, n_samples: int, starts: int, seed: int
) -> dict:
    """For ``m = round(ratio d^2)`` and ``draws`` (Gaussian ``W*``, ``n_samples`` Gaussian inputs)
    pairs: the empirical risk of the isotropic start over the empirical barrier found by
    :func:`qlcore.stationary.barrier.minimise_rank_deficient` from ``starts`` starts (an upper
    estimate of the barrier) and over the population bound ``2 sigma_min(W*)^4``. Needs
    ``n_samples >= d(d+1)/2``: with fewer there is no empirical barrier (a rank-deficient
    interpolant exists)."""
    dim = check_positive_int(dim, "dim", minimum=2)
    rows = max(dim, int(round(check_real(ratio, "ratio", positive=True) * dim * dim)))
    n_samples = check_positive_int(n_samples, "n_samples", minimum=dim * (dim + 1) // 2)
    start = initialisation.isotropic_start(rows, dim, seed=[seed, dim, rows])
    over_barrier, over_bound = [], []
    for draw in range(check_positive_int(draws, "draws")):
        planted = risks.planted_weights(rows, dim, seed=[seed, dim, rows, draw])
        x = span.sample_inputs("gaussian", n_samples, dim, seed=[seed, dim, rows, draw, 1])
        risk = risks.EmpiricalRisk(planted, x)
        value = float(risk.values(start))
        wall = barrier.minimise_rank_deficient(risk, starts=starts, seed=[seed, draw]).value
        over_barrier.append(value / wall)
        over_bound.append(value / (2 * span.smallest_singular_value(planted) ** 4))
    return {"rows": rows, "start_over_barrier": over_barrier, "start_over_bound": over_bound}
