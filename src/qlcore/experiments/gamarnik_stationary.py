"""Gamarnik et al., stationary points (§4.3) and descent from below the barrier (§4.4).

Left: a census of the points where gradient descent on the empirical risk stops
(``|grad|_F <= 1e-6``), by start (random, small, rank-deficient, near the barrier), rank and
Hessian, with ``N = d(d+1)`` samples (above the span threshold) and ``N = d(d+1)/2 - 2`` (below).
Middle: ``sigma_min(W_t) / sigma_min(W*)`` at its smallest along trajectories started at 0.9 times
the empirical barrier. Right: iterations to an ``eps``-stationary point against ``1/eps``, one line
per ``d``. Gaussian inputs, ``W*`` of shape ``(d + 2) x d`` with ``N(0, 1/m)`` entries. The paper
has no figure for these statements; the settings are ours.
"""

from __future__ import annotations

import numpy as np

from qlcore.experiments import check_result, check_scale
from qlcore.experiments.cpu_only import require_cpu
from qlcore.infra.checks import check_positive_int, check_seed
from qlcore.infra.sweep import default_cache_dir, run_sweep
from qlcore.stationary import points
from qlcore.viz import style

FIGURE_ID = "gamarnik-stationary"
TITLE = "Stationary points of the planted quadratic network (Gamarnik et al., §4.3-§4.4)"
DEVICES = ("cpu",)  # NumPy
TOLERANCE = 1e-6
"""Descent stops at ``|grad|_F <= TOLERANCE``."""
RECOVERY = 1e-2
"""A global minimum with Procrustes residual below this has recovered ``W*`` (the slides bound
``|W^T W - W*^T W*|_F`` by a constant times ``eps^{1/2}`` = 1e-3 at our tolerance)."""
GLOBAL = 1e-8
"""The census calls a stationary point global when its empirical risk is below this fraction of
the risk at ``W = 0`` (:func:`qlcore.stationary.descent.classify`)."""
MILESTONES = [10.0**-k for k in range(1, 9)]

SCALE_SETTINGS = {
    "quick": {
        "census_dims": [3],
        "census_starts": 12,
        "census_iterations": 30000,
        "descent_dims": [3, 4],
        "descent_starts": 5,
        "barrier_starts": 3,
        "descent_iterations": 60000,
        "fraction": 0.9,
    },
    "paper": {
        "census_dims": [3, 4, 5],
        "census_starts": 200,
        "census_iterations": 200000,
        "descent_dims": [3, 4, 6, 8],
        "descent_starts": 50,
        "barrier_starts": 8,
        "descent_iterations": 200000,
        "fraction": 0.9,
    },
}


def sample_settings(dim: int) -> dict:
    """The census's two sample sizes: ``"above"`` ``d(d+1)`` and ``"below"`` ``d(d+1)/2 - 2``."""
    dim = check_positive_int(dim, "dim", minimum=2)
    return {"above": dim * (dim + 1), "below": dim * (dim + 1) // 2 - 2}


def run(
    scale: str = "paper", seed: int = 0, *, device: str = "cpu", progress: bool | None = None
) -> dict:
    """The census (``census[d][above|below][kind]``: one record per start,
    :func:`qlcore.stationary.points.census_point`) and the trajectories from below the barrier
    (``descent[d]``, :func:`qlcore.stationary.points.descent_point`), as sweeps."""
    settings = dict(SCALE_SETTINGS[check_scale(scale)])
    seed = check_seed(seed)
    require_cpu(device, FIGURE_ID)
    common = {"cache_dir": default_cache_dir(), "progress": progress is not False}
    census_points = [
        {
            "dim": dim,
            "rows": dim + 2,
            "n_samples": n,
            "kind": kind,
            "starts": settings["census_starts"],
            "tolerance": TOLERANCE,
            "max_iterations": settings["census_iterations"],
            "seed": seed,
        }
        for dim in settings["census_dims"]
        for n in sample_settings(dim).values()
        for kind in points.START_KINDS
    ]
    census = run_sweep(points.census_point, census_points, description="census", **common)
    descent_points = [
        {
            "dim": dim,
            "rows": dim + 2,
            "n_samples": 2 * dim * (dim + 1),
            "fraction": settings["fraction"],
            "starts": settings["descent_starts"],
            "barrier_starts": settings["barrier_starts"],
            "milestones": MILESTONES,
            "max_iterations": settings["descent_iterations"],
            "seed": seed,
        }
        for dim in settings["descent_dims"]
    ]
    descent = run_sweep(points.descent_point, descent_points, description="descent", **common)
    table = {}
    for point, outcome in zip(census_points, census):
        size = "above" if point["n_samples"] == sample_settings(point["dim"])["above"] else "below"
        cell = table.setdefault(str(point["dim"]), {}).setdefault(size, {})
        cell[point["kind"]] = {"n_samples": point["n_samples"], **outcome}
    return {
        "figure": FIGURE_ID,
        "scale": scale,
        "seed": seed,
        "settings": settings,
        "tolerance": TOLERANCE,
        "census": table,
        "descent": {str(p["dim"]): outcome for p, outcome in zip(descent_points, descent)},
    }


def _check(result) -> dict:
    return check_result(result, FIGURE_ID, ("settings", "census", "descent"))


def census_counts(result: dict) -> dict:
    """``{(d, size, kind): {label: count}}`` with labels ``"rank r, <kind>"``."""
    result = _check(result)
    counts = {}
    for dim, sizes in result["census"].items():
        for size, kinds in sizes.items():
            for kind, cell in kinds.items():
                tally = counts.setdefault((dim, size, kind), {})
                for record in cell["points"]:
                    label = f"rank {record['rank']}, {record['kind']}"
                    tally[label] = tally.get(label, 0) + 1
    return counts


def _records(result, size=None):
    for dim, sizes in result["census"].items():
        for name, kinds in sizes.items():
            if size is None or name == size:
                for cell in kinds.values():
                    for record in cell["points"]:
                        yield int(dim), record


def exponents(result: dict) -> dict:
    """Least-squares slopes of ``log T`` (``T`` = 1 + median iterations to ``eps``, over the runs)
    against ``log(1/eps)`` per ``d``
    (``"eps"``), over the milestones every run reached, and against ``log d`` at the smallest
    ``eps`` every dimension reached (``"d"``)."""
    result = _check(result)
    slopes, at_smallest = {}, {}
    for dim, cell in result["descent"].items():
        iterations = np.asarray(cell["iterations"], dtype=float)
        eps = np.asarray(cell["milestones"])
        reached = np.all(iterations >= 0, axis=0)
        median = np.median(iterations[:, reached], axis=0) + 1
        if reached.sum() >= 2:
            slopes[dim] = float(np.polyfit(np.log(1 / eps[reached]), np.log(median), 1)[0])
        at_smallest[dim] = dict(zip(eps[reached].tolist(), median.tolist()))
    common = set.intersection(*(set(v) for v in at_smallest.values())) if at_smallest else set()
    dims = sorted(at_smallest, key=int)
    d_slope = None
    if common and len(dims) >= 2:
        level = min(common)
        d_slope = float(
            np.polyfit(
                np.log([int(d) for d in dims]), np.log([at_smallest[d][level] for d in dims]), 1
            )[0]
        )
    return {"eps": slopes, "d": d_slope}


def claims(result: dict) -> dict[str, bool]:
    """The verdicts chapter 6 prints:

    * ``full_rank_are_global``: every stopped point of full rank ``d`` is a global minimum
      (relative empirical risk at most :data:`GLOBAL`), above and below the span threshold;
    * ``global_recovers_teacher``: above it, every global minimum has ``W = Q W*`` with a
      Procrustes residual below :data:`RECOVERY`;
    * ``rank_deficient_are_saddles``: every stopped point of rank below ``d`` that is not a
      global minimum has a negative Hessian eigenvalue (a saddle, not a spurious minimum);
    * ``below_span_does_not_generalise``: below the threshold the median population risk of the
      global minima found is more than 100 times that above it;
    * ``descent_from_below_barrier``: every trajectory started below the barrier reaches every
      ``eps`` milestone and ends at a global minimum, with monotone risk.
    """
    result = _check(result)
    full, recovers, others = True, True, True
    for dim, record in _records(result):
        stationary = record["kind"] != "not stationary"
        if stationary and record["rank"] == dim:
            full &= record["kind"] == "global minimum"
        if stationary and record["rank"] < dim and record["kind"] != "global minimum":
            others &= record["n_negative"] >= 1
    for _, record in _records(result, "above"):
        if record["kind"] == "global minimum":
            recovers &= record["procrustes"] < RECOVERY
    population = {
        size: [r["population"] for _, r in _records(result, size) if r["kind"] == "global minimum"]
        for size in ("above", "below")
    }
    generalise = bool(population["above"] and population["below"]) and np.median(
        population["below"]
    ) > 100 * np.median(population["above"])
    below = all(
        np.all(np.asarray(cell["iterations"]) >= 0)
        and max(cell["final_risk"]) <= GLOBAL
        and cell["monotone"]
        for cell in result["descent"].values()
    )
    return {
        "full_rank_are_global": bool(full),
        "global_recovers_teacher": bool(recovers),
        "rank_deficient_are_saddles": bool(others),
        "below_span_does_not_generalise": bool(generalise),
        "descent_from_below_barrier": bool(below),
    }


KIND_COLORS = {
    "global minimum": "#239b56",
    "saddle": "#c0392b",
    "non-global minimum": "#8e44ad",
    "not stationary": "0.6",
}


def plot(result: dict):
    """Census bars for the largest ``d`` (left), ``sigma_min(W_t) / sigma_min(W*)`` along a few
    trajectories from below the barrier per ``d`` (middle), median iterations against ``1/eps``
    (right)."""
    import matplotlib.pyplot as plt
    from matplotlib.patches import Patch

    result = _check(result)
    style.use()
    fig, axes = plt.subplots(1, 3, figsize=(14, 4.2), gridspec_kw={"width_ratios": [1.6, 1, 1]})
    ax = axes[0]
    dim = str(max(result["settings"]["census_dims"]))
    labels, positions = [], []
    for index, kinds in enumerate(result["census"][dim].values()):
        for offset, (kind, cell) in enumerate(kinds.items()):
            position = index * (len(kinds) + 1) + offset
            bottom = 0
            for name, color in KIND_COLORS.items():
                for rank in (int(dim), int(dim) - 1, int(dim) - 2):
                    count = sum(r["kind"] == name and r["rank"] == rank for r in cell["points"])
                    if count:
                        ax.bar(
                            position,
                            count,
                            bottom=bottom,
                            color=color,
                            hatch="" if rank == int(dim) else "//",
                            edgecolor="white",
                        )
                        bottom += count
            positions.append(position)
            labels.append(f"{kind}\n(N={cell['n_samples']})")
    ax.set_xticks(positions, labels, fontsize=7, rotation=30, ha="right")
    handles = [Patch(color=color, label=name) for name, color in KIND_COLORS.items()]
    handles.append(Patch(facecolor="white", edgecolor="0.3", hatch="//", label="rank < d"))
    ax.legend(handles=handles, fontsize=7, loc="upper center", ncol=3, bbox_to_anchor=(0.5, 1.0))
    ax.set_ylim(
        0, 1.3 * max(len(c["points"]) for k in result["census"][dim].values() for c in k.values())
    )
    ax.set_ylabel("starts")
    ax.set_title(f"where descent stops, d = {dim}, m = {int(dim) + 2}")
    ax = axes[1]
    lowest = 1.0
    for index, (dim, cell) in enumerate(result["descent"].items()):
        color = f"C{index}"
        for number, sigma in enumerate(cell["trace_sigma_ratio"]):
            label = f"d = {dim}" if number == 0 else None
            ax.plot(np.asarray(cell["trace_iterations"]) + 1, sigma, color=color, lw=1, label=label)
        lowest = min(lowest, min(cell["min_sigma_ratio"]))
    ax.axhline(lowest, color="0.3", ls="--", lw=1, label="lowest over all runs")
    ax.set_xscale("log")
    ax.set_ylim(0, 1.15)
    ax.set_xlabel("iteration t + 1")
    ax.set_ylabel("σ_min(W_t) / σ_min(W*)")
    ax.set_title("from 0.9 x the barrier: the rank is kept")
    ax.legend(fontsize=7, loc="lower left", ncol=2)
    ax = axes[2]
    for dim, cell in result["descent"].items():
        iterations = np.asarray(cell["iterations"], dtype=float)
        eps = np.asarray(cell["milestones"])
        reached = np.all(iterations >= 0, axis=0)
        ax.plot(
            1 / eps[reached],
            np.median(iterations[:, reached], axis=0) + 1,
            marker="o",
            markersize=3.5,
            label=f"d = {dim}",
        )
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("1 / ε")
    ax.set_ylabel("1 + median iterations to |∇L̂| ≤ ε")
    ax.set_title("iterations to an ε-stationary point")
    ax.legend(fontsize=7)
    fig.tight_layout()
    return fig
