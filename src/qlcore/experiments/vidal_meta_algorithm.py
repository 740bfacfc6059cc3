"""Vidal, Zhu and Haeffele, §1.4.1: matrix factorisation with weight decay (1.33), its convex
twin (1.35) (Theorem 1.5), the certificate of Corollary 1.6 and the meta-algorithm.

For several matrices ``Y`` and several ``lam`` the meta-algorithm
(:func:`qlcore.homogeneous.factorization.meta_algorithm`, L-BFGS descents) starts from one random
column, descends to a first-order point, solves the polar problem (1.42) by the top singular pair
of ``R = Y - U V^T``, stops if ``sigma_max(R) <= lam`` and else appends that pair (scaled by
``sqrt(e)``, ``e = min(1e-2, sigma_max - lam)``) and descends again. Each stage is compared with
the closed form of the optimum, the singular value thresholding of ``Y``
(:func:`qlcore.homogeneous.factorization.factorization_optimum`): its value ``F*`` and its rank
``#{sigma_i(Y) > lam}``. Theory says: a stage of width ``w`` below that rank ends at the best
point of its width, where ``sigma_max(R) = sigma_{w+1}(Y) > lam`` (so the polar condition (ii)
fails and the run goes on), each appended column lowers ``F`` by exactly
``e (sigma_max - lam) - e^2 / 2``, and the run stops at width ``#{sigma_i(Y) > lam}`` (at least
1) with ``sigma_max(R) = lam`` and the value ``F*``. Alongside, plain local descent at the fixed
width one below that rank, from random starts, reaches first-order points (condition (i) holds)
that fail condition (ii): the width is too small for any of them to be a global minimum.

The matrices: ``Y`` 8 x 6 Gaussian (the size of the math notes' example, whose matrix is not
given: ours is a fresh draw, with its ``lam = 1.5``), and ``Y = A B^T / sqrt(k) + noise N`` with
``A`` (n2, k), ``B`` (n0, k), ``N`` Gaussian: 30 x 20 with a planted rank 5 and 60 x 40 with a
planted rank 10 (paper scale only), noise 0.3; several draws at paper scale. Besides explicit
values, ``lam`` is set for a target rank ``k`` to the geometric mean ``sqrt(sigma_k sigma_{k+1})``
of the singular values of ``Y`` (``sigma_0 = 2 sigma_1``, ``sigma_{n+1} = sigma_n / 2``), which
keeps ``lam`` away from every singular value. The chapter has no figure for this section; the
settings are ours.

Left: the relative gap ``(F_s - F*) / F*`` after each stage against its width (log scale; zero and
rounding-level gaps drawn at :data:`GAP_FLOOR`). Middle: ``sigma_max(R) / lam`` per stage, with the
stopping line 1. Right: the rank of the final ``U V^T`` against ``#{sigma_i(Y) > lam}``, with the
first-order points of the too-small width.
"""

from __future__ import annotations

import numpy as np

from qlcore.experiments import check_dict, check_dicts, check_result, check_scale
from qlcore.experiments.cpu_only import require_cpu
from qlcore.homogeneous import factorization as fact
from qlcore.infra.checks import check_seed, rng_from_seed
from qlcore.viz import style

FIGURE_ID = "vidal-meta-algorithm"
TITLE = "The meta-algorithm for matrix factorisation with weight decay (Vidal, Zhu and Haeffele)"
DEVICES = ("cpu",)  # NumPy and SciPy
EPSILON = 1e-2
"""The ``epsilon`` of the appended columns (capped at ``sigma_max - lam`` by the algorithm)."""
POLAR_TOL = 1e-6
"""The meta-algorithm's and Corollary 1.6's tolerance: (ii) holds when
``sigma_max(R) <= lam (1 + POLAR_TOL)``."""
VALUE_RTOL = 1e-9
"""A run reaches the optimum when ``(F - F*) / F* <= VALUE_RTOL``. The descents stop at a
gradient norm of ``1e-9 sigma_1(Y)^{3/2}``, whose excess over the stage's minimum is of the order
of its square over the curvature, and evaluating ``F`` rounds at ``~1e-16 n2 n0 sigma_1 / lam``
relatively (``F* >= lam (sigma_1 - lam)`` when ``sigma_1 > lam``, else ``F* = |Y|_F^2 / 2``):
both far below ``1e-9``. A point where (ii) fails is at least ``(sigma_max - lam)^2 / 2`` above
``F*`` (one column along the polar solution gains that much)."""
SIGMA_RTOL = 1e-6
"""``sigma_max(R)`` matches its prediction (``sigma_{w+1}(Y)`` before the stop, ``lam`` at the
stop) within this relative tolerance, the algorithm's own :data:`POLAR_TOL`."""
RANK_RTOL = 1e-6
"""A singular value of the final ``U V^T`` counts towards its rank when above ``RANK_RTOL``
``sigma_1(Y)``: the kept ones are ``sigma_i(Y) - lam``, far above it with ``lam`` at a
geometric mean of neighbours, and the others zero up to the descents' accuracy."""
DECREASE_RTOL = 1e-8
"""The measured drop of ``F`` when a column is appended matches ``e (sigma_max - lam) - e^2 / 2``
within ``DECREASE_RTOL`` relatively plus :data:`ROUNDING` times ``F`` (the drop is a difference
of two values of ``F``)."""
ROUNDING = 1e-12
"""Relative rounding of a value of ``F`` (sums of ``n2 n0 <= 2400`` products in float64)."""
GRADIENT_RTOL = 1e-6
"""The fixed-width descents stop at ``|grad F|_F <= GRADIENT_RTOL sigma_1(Y)^{3/2}`` (a first-order
point up to float64): line searches cannot lower the gradient much below
``sqrt(1e-16 F L)`` with ``F <= |Y|_F^2 / 2 <= n sigma_1^2 / 2`` and curvature ``L ~ sigma_1``,
about ``5e-8 sigma_1^{3/2}`` for ``n = 40``; the meta-algorithm asks for ``1e-9`` and reports
what it reached."""
GAP_FLOOR = 1e-16
"""Relative gaps below this (zero or negative by rounding) are drawn at this value."""
INSTANCE_COLORS = ("#2471a3", "#239b56", "#c0392b", "#7d3c98", "#d68910")

SCALE_SETTINGS = {
    "quick": {
        "instances": [
            {
                "name": "Gaussian 8x6",
                "rows": 8,
                "cols": 6,
                "planted_rank": 0,
                "noise": 1.0,
                "lams": [1.5],
                "ranks": [1, 2],
            },
            {
                "name": "planted 30x20",
                "rows": 30,
                "cols": 20,
                "planted_rank": 5,
                "noise": 0.3,
                "lams": [],
                "ranks": [3, 5, 10],
            },
        ],
        "draws": 1,
        "fixed_width_starts": 2,
    },
    "paper": {
        "instances": [
            {
                "name": "Gaussian 8x6",
                "rows": 8,
                "cols": 6,
                "planted_rank": 0,
                "noise": 1.0,
                "lams": [1.5],
                "ranks": [0, 1, 2, 6],
            },
            {
                "name": "planted 30x20",
                "rows": 30,
                "cols": 20,
                "planted_rank": 5,
                "noise": 0.3,
                "lams": [],
                "ranks": [3, 5, 10, 20],
            },
            {
                "name": "planted 60x40",
                "rows": 60,
                "cols": 40,
                "planted_rank": 10,
                "noise": 0.3,
                "lams": [],
                "ranks": [5, 10, 15, 30],
            },
        ],
        "draws": 5,
        "fixed_width_starts": 4,
    },
}


def _matrix(instance: dict, rng: np.random.Generator) -> np.ndarray:
    """``Y`` of one instance: ``noise N`` plus ``A B^T / sqrt(k)`` when a rank ``k`` is planted."""
    rows, cols, rank = instance["rows"], instance["cols"], instance["planted_rank"]
    y = instance["noise"] * rng.standard_normal((rows, cols))
    if rank:
        y += rng.standard_normal((rows, rank)) @ rng.standard_normal((cols, rank)).T / np.sqrt(rank)
    return y


def _lam_for_rank(singular: np.ndarray, rank: int) -> float:
    """``lam`` for the target rank ``k``: ``sqrt(sigma_k sigma_{k+1})``, with
    ``sigma_0 = 2 sigma_1`` and ``sigma_{n+1} = sigma_n / 2``."""
    padded = np.concatenate([[2 * singular[0]], singular, [singular[-1] / 2]])
    return float(np.sqrt(padded[rank] * padded[rank + 1]))


def _run_lam(y: np.ndarray, lam: float, target, starts: int, rng) -> dict:
    """The meta-algorithm, the optimum and the fixed-width descents for one ``(Y, lam)``."""
    optimum = fact.factorization_optimum(y, lam)
    meta = fact.meta_algorithm(
        y, lam, seed=rng, epsilon=EPSILON, polar_tol=POLAR_TOL, method="lbfgs"
    )
    final = fact.global_optimality(y, meta.u, meta.v, lam, tolerance=POLAR_TOL)
    fixed = []
    if optimum.rank >= 2:
        width = optimum.rank - 1
        deviation = np.sqrt(np.linalg.norm(y, 2) / max(y.shape))
        for _ in range(starts):
            u = deviation * rng.standard_normal((y.shape[0], width))
            v = deviation * rng.standard_normal((y.shape[1], width))
            found = fact.local_descent(y, u, v, lam, gradient_tol=GRADIENT_RTOL)
            test = fact.global_optimality(y, found.u, found.v, lam, tolerance=POLAR_TOL)
            fixed.append(
                {
                    "width": width,
                    "value": found.value,
                    "converged": found.converged,
                    "gradient_norm": found.gradient_norm,
                    "sigma_max": test.sigma_max,
                    "condition_i": test.condition_i,
                    "condition_ii": test.condition_ii,
                    "duality_gap": test.duality_gap,
                }
            )
    return {
        "lam": lam,
        "target_rank": target,
        "optimum": optimum.value,
        "stages": {
            "widths": meta.widths.tolist(),
            "values": meta.values.tolist(),
            "sigma_max": meta.sigma_max.tolist(),
            "polar_holds": meta.polar_holds.tolist(),
            "gradient_norms": meta.gradient_norms.tolist(),
            "steps": meta.steps.tolist(),
            "epsilons": meta.epsilons.tolist(),
            "decreases": meta.decreases.tolist(),
        },
        "converged": meta.converged,
        "value": meta.value,
        "final_singular_values": np.linalg.svd(meta.u @ meta.v.T, compute_uv=False)[
            : meta.u.shape[1]
        ].tolist(),
        "final_condition_i": final.condition_i,
        "final_duality_gap": final.duality_gap,
        "fixed_width": fixed,
    }


def run(
    scale: str = "paper", seed: int = 0, *, device: str = "cpu", progress: bool | None = None
) -> dict:
    """For each instance and draw (``matrices``): the shape, the singular values of ``Y`` and one
    run per ``lam`` (``runs``): ``lam``, the ``target_rank`` it was set for (None for an explicit
    value), the optimum ``F*``, the meta-algorithm's ``stages`` (per stage: ``widths``,
    ``values``, ``sigma_max`` of the residual, ``polar_holds``, ``gradient_norms``, ``steps``;
    per appended column ``epsilons`` and ``decreases``, 0 at the last stage), ``converged``, the
    final ``value``, the singular values of the final ``U V^T`` (``final_singular_values``, one
    per column), Corollary 1.6's condition (i) and duality gap there, and ``fixed_width``: the
    local descents at width ``#{sigma_i > lam} - 1`` (when that is at least 1) with their
    ``value``, ``converged``, ``gradient_norm``, ``sigma_max``, ``condition_i``,
    ``condition_ii`` and ``duality_gap``. All draws from ``seed``. Seconds; ``progress`` is
    accepted for the common interface (there is nothing long to show)."""
    settings = dict(SCALE_SETTINGS[check_scale(scale)])
    seed = check_seed(seed)
    require_cpu(device, FIGURE_ID)
    matrices = []
    for index, instance in enumerate(settings["instances"]):
        for draw in range(settings["draws"]):
            rng = rng_from_seed([seed, index, draw])
            y = _matrix(instance, rng)
            singular = np.linalg.svd(y, compute_uv=False)
            lams = [(float(lam), None) for lam in instance["lams"]]
            lams += [(_lam_for_rank(singular, k), k) for k in instance["ranks"]]
            runs = [
                _run_lam(y, lam, target, settings["fixed_width_starts"], rng)
                for lam, target in lams
            ]
            matrices.append(
                {
                    "instance": instance["name"],
                    "draw": draw,
                    "shape": list(y.shape),
                    "singular_values": singular.tolist(),
                    "runs": runs,
                }
            )
    return {
        "figure": FIGURE_ID,
        "scale": scale,
        "seed": seed,
        "settings": settings,
        "matrices": matrices,
    }


MATRIX_KEYS = ("instance", "draw", "shape", "singular_values", "runs")
RUN_KEYS = (
    "lam",
    "target_rank",
    "optimum",
    "stages",
    "converged",
    "value",
    "final_singular_values",
    "fixed_width",
)
STAGE_KEYS = ("widths", "values", "sigma_max", "epsilons", "decreases")


def _check(result) -> dict:
    result = check_result(result, FIGURE_ID, ("settings", "matrices"))
    matrices = check_dicts(
        result["matrices"], "result['matrices']", MATRIX_KEYS, "a matrix's record"
    )
    for i, matrix in enumerate(matrices):
        name = f"result['matrices'][{i}]['runs']"
        for j, one in enumerate(check_dicts(matrix["runs"], name, RUN_KEYS, "a run's record")):
            check_dict(one["stages"], f"{name}[{j}]['stages']", STAGE_KEYS, "a run's stages")
    return result


def _runs(result: dict):
    """``(matrix, run)`` for every run of a checked result."""
    for matrix in result["matrices"]:
        for one in matrix["runs"]:
            yield matrix, one


def _predicted_rank(singular_values, lam: float) -> int:
    """``#{sigma_i(Y) > lam}``: the rank of the thresholded optimum (Theorem 1.5)."""
    return int(np.count_nonzero(np.asarray(singular_values, dtype=float) > lam))


def stage_gaps(result: dict) -> list[dict]:
    """Per run: ``instance``, ``draw``, ``lam``, the stage ``widths`` and ``relative_gaps``
    ``(F_s - F*) / F*`` of each stage's value over the optimum."""
    result = _check(result)
    return [
        {
            "instance": matrix["instance"],
            "draw": matrix["draw"],
            "lam": one["lam"],
            "widths": list(one["stages"]["widths"]),
            "relative_gaps": [
                (value - one["optimum"]) / one["optimum"] for value in one["stages"]["values"]
            ],
        }
        for matrix, one in _runs(result)
    ]


def rank_table(result: dict) -> list[dict]:
    """Per run: ``instance``, ``draw``, ``lam``, the ``predicted`` rank ``#{sigma_i(Y) > lam}``,
    the ``found`` rank of the final ``U V^T`` (singular values above :data:`RANK_RTOL`
    ``sigma_1(Y)``), the final ``width`` and the ``stages``' count."""
    result = _check(result)
    table = []
    for matrix, one in _runs(result):
        top = matrix["singular_values"][0]
        found = np.asarray(one["final_singular_values"], dtype=float)
        table.append(
            {
                "instance": matrix["instance"],
                "draw": matrix["draw"],
                "lam": one["lam"],
                "predicted": _predicted_rank(matrix["singular_values"], one["lam"]),
                "found": int(np.count_nonzero(found > RANK_RTOL * top)),
                "width": int(one["stages"]["widths"][-1]),
                "stages": len(one["stages"]["widths"]),
            }
        )
    return table


def _stops_at_lambda(matrix: dict, one: dict) -> bool:
    singular = np.asarray(matrix["singular_values"], dtype=float)
    stages = one["stages"]
    widths, sigma = np.asarray(stages["widths"]), np.asarray(stages["sigma_max"], dtype=float)
    if np.any(widths[:-1] >= singular.size):
        return False
    before = singular[widths[:-1]]  # sigma_{w+1}(Y), zero-based index w
    final = min(singular[0], one["lam"])
    return bool(
        np.all(np.abs(sigma[:-1] - before) <= SIGMA_RTOL * before)
        and np.all(before > one["lam"] * (1 + POLAR_TOL))
        and abs(sigma[-1] - final) <= SIGMA_RTOL * final
    )


def _columns_decrease(one: dict) -> bool:
    stages = one["stages"]
    lam = one["lam"]
    values = np.asarray(stages["values"], dtype=float)
    sigma = np.asarray(stages["sigma_max"], dtype=float)[:-1]
    used = np.asarray(stages["epsilons"], dtype=float)[:-1]
    drops = np.asarray(stages["decreases"], dtype=float)[:-1]
    predicted = used * (sigma - lam) - used**2 / 2
    slack = ROUNDING * values[:-1]
    return bool(
        np.all(drops > 0)
        and np.all(np.abs(drops - predicted) <= DECREASE_RTOL * predicted + slack)
        and np.all(values[1:] <= values[:-1] - drops + slack)
    )


def _fixed_width_fails(one: dict) -> bool:
    return all(
        point["converged"]
        and point["condition_i"]
        and not point["condition_ii"]
        and point["sigma_max"] > one["lam"] * (1 + POLAR_TOL)
        and point["duality_gap"] >= point["value"] - one["optimum"] - ROUNDING * point["value"]
        and point["value"] - one["optimum"] > ROUNDING * point["value"]
        for point in one["fixed_width"]
    )


def claims(result: dict) -> dict[str, bool]:
    """The verdicts the chapter prints, each over every run:

    * ``reaches_svt_optimum``: the meta-algorithm stopped because the polar condition held (not
      at its stage cap) with ``(F - F*) / F* <= VALUE_RTOL``, ``F*`` the closed-form optimum;
      fails if a descent stops short or the algorithm stops at a non-global point;
    * ``predicted_rank``: the final ``U V^T`` has rank ``#{sigma_i(Y) > lam}`` (singular values
      above :data:`RANK_RTOL` ``sigma_1(Y)``) and the final width is that rank (at least 1):
      fails if a stage ends at a point other than the best of its width, which costs a column;
    * ``stops_exactly_at_lambda``: before the last stage ``sigma_max(R)`` is
      ``sigma_{w+1}(Y)`` (within :data:`SIGMA_RTOL`), above ``lam``: the run went on only
      because the width was too small; at the last stage it is ``min(sigma_1(Y), lam)``; fails
      if a stage stops at a saddle (another singular value) or the stop comes too late or early;
    * ``columns_decrease``: each appended column lowered ``F`` by
      ``e (sigma_max - lam) - e^2 / 2 > 0`` (within :data:`DECREASE_RTOL`) and the next stage
      ended at least that much lower; fails if the column were not the polar solution or the
      step were too long;
    * ``too_small_width_fails``: every local descent at width ``#{sigma_i > lam} - 1`` reached a
      first-order point (converged, condition (i) holds) at which condition (ii) fails, above the
      optimum and within its duality-gap bound of it; false also when there is no such run.
    """
    result = _check(result)
    runs = list(_runs(result))
    reaches = all(
        one["converged"] and (one["value"] - one["optimum"]) <= VALUE_RTOL * one["optimum"]
        for _, one in runs
    )
    ranks = all(
        row["found"] == row["predicted"] and row["width"] == max(row["predicted"], 1)
        for row in rank_table(result)
    )
    fixed = [one for _, one in runs if one["fixed_width"]]
    return {
        "reaches_svt_optimum": bool(reaches),
        "predicted_rank": bool(ranks),
        "stops_exactly_at_lambda": all(_stops_at_lambda(matrix, one) for matrix, one in runs),
        "columns_decrease": all(_columns_decrease(one) for _, one in runs),
        "too_small_width_fails": bool(fixed) and all(_fixed_width_fails(one) for one in fixed),
    }


def plot(result: dict):
    """Relative gap per stage (left), ``sigma_max(R) / lam`` per stage (middle), final rank
    against ``#{sigma_i > lam}`` with the too-small-width points (right)."""
    import matplotlib.pyplot as plt

    result = _check(result)
    style.use()
    names = list(dict.fromkeys(matrix["instance"] for matrix in result["matrices"]))
    colors = {name: INSTANCE_COLORS[i % len(INSTANCE_COLORS)] for i, name in enumerate(names)}
    fig, axes = plt.subplots(1, 3, figsize=(14, 4.2))
    labelled = set()
    for matrix, one in _runs(result):
        color = colors[matrix["instance"]]
        first = matrix["draw"] == 0
        label = None if matrix["instance"] in labelled else matrix["instance"]
        labelled.add(matrix["instance"])
        widths = one["stages"]["widths"]
        gaps = [
            max((value - one["optimum"]) / one["optimum"], GAP_FLOOR)
            for value in one["stages"]["values"]
        ]
        look = {"color": color, "alpha": 0.9 if first else 0.3, "lw": 1.2 if first else 0.7}
        axes[0].plot(widths, gaps, marker="o", markersize=2.5, label=label, **look)
        ratios = np.asarray(one["stages"]["sigma_max"], dtype=float) / one["lam"]
        axes[1].plot(widths, ratios, marker="o", markersize=2.5, **look)
    ax = axes[0]
    ax.axhline(VALUE_RTOL, **style.THEORY_LINE, label=f"tolerance {VALUE_RTOL:g}")
    ax.set_yscale("log")
    ax.set_xlabel("width n₁ (stage)")
    ax.set_ylabel("(F − F*) / F*")
    ax.set_title("objective per stage against the SVT optimum")
    ax.legend(fontsize=7)
    ax = axes[1]
    ax.axhline(1.0, **style.THEORY_LINE, label="σ_max = λ: stop")
    ax.set_yscale("log")
    ax.set_xlabel("width n₁ (stage)")
    ax.set_ylabel("σ_max(Y − UVᵀ) / λ")
    ax.set_title("polar problem per stage")
    ax.legend(fontsize=7)
    ax = axes[2]
    table = rank_table(result)
    top = max(max(row["predicted"] for row in table), 1)
    ax.plot([0, top], [0, top], **style.THEORY_LINE, label="rank = #{σᵢ > λ}")
    for name in names:
        rows = [row for row in table if row["instance"] == name]
        ax.scatter(
            [row["predicted"] for row in rows],
            [row["found"] for row in rows],
            s=22,
            color=colors[name],
            label=f"{name}: meta-algorithm",
        )
        fixed = [
            (_predicted_rank(matrix["singular_values"], one["lam"]), point["width"])
            for matrix, one in _runs(result)
            if matrix["instance"] == name
            for point in one["fixed_width"]
            if not point["condition_ii"]
        ]
        if fixed:
            ax.scatter(
                *zip(*fixed),
                s=30,
                marker="x",
                color=colors[name],
                label=f"{name}: width #{{σᵢ > λ}} − 1, (ii) fails",
            )
    ax.set_xlabel("#{σᵢ(Y) > λ}")
    ax.set_ylabel("rank of the final UVᵀ (width for ×)")
    ax.set_title("final rank")
    ax.legend(fontsize=6.5, loc="upper left")
    fig.tight_layout()
    return fig
