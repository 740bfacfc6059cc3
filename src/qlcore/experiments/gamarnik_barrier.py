"""Gamarnik et al., the energy barrier (§4.2): rank-deficient weights have a risk above the bound.

Left: for each input law and dimension, the population risks of random rank-``(d - 1)`` weights
``W* (I - u u^T)`` (the planted network with a random input direction removed) over the bound
``min{mu4 - mu2^2, 2 mu2^2} sigma_min(W*)^4`` (histograms), with the minimum an
adversarial search finds and the near-tight constructions. Right: the minimum of the *empirical*
risk over rank ``<= d - 1`` against the number of samples, over the population minimum (the
quantity whose lower bound is ``C_5 sigma_min^4 / 2`` in the paper, ``C_5`` not given). ``W*`` is
``m x d`` Gaussian with ``m = 2d`` (population) and ``m = d + 2`` (empirical). The paper has no
figure for these statements; the settings are ours.
"""

from __future__ import annotations

import numpy as np

from qlcore.experiments import check_result, check_scale
from qlcore.experiments.cpu_only import require_cpu
from qlcore.infra.checks import check_seed
from qlcore.infra.sweep import default_cache_dir, run_sweep
from qlcore.samples import span
from qlcore.stationary import points
from qlcore.viz import style

FIGURE_ID = "gamarnik-barrier"
TITLE = "Energy barrier: risks of rank-deficient weights over the bound (Gamarnik et al., §4.2)"
DEVICES = ("cpu",)  # NumPy and SciPy
LAW_COLORS = {"gaussian": "#2471a3", "uniform": "#239b56", "laplace": "#c0392b"}
ROUNDING = 1e-9
"""Relative slack for float64 rounding in the bound checks."""
ZERO = 1e-8
"""A searched minimum (in units of ``sigma_min^4``) at most this is a zero of the risk."""

SCALE_SETTINGS = {
    "quick": {
        "laws": list(span.INPUT_LAWS),
        "dims": [4],
        "draws": 500,
        "starts": 4,
        "mc_samples": 20000,
        "empirical_dims": [3],
        "sample_ratios": [0.5, 1.0, 2.0, 8.0],
        "trials": 3,
        "empirical_starts": 3,
    },
    "paper": {
        "laws": list(span.INPUT_LAWS),
        "dims": [4, 6, 8],
        "draws": 20000,
        "starts": 20,
        "mc_samples": 400000,
        "empirical_dims": [3, 4, 5, 6],
        "sample_ratios": [0.5, 0.75, 1.0, 1.25, 1.5, 2.0, 3.0, 4.0, 8.0, 16.0, 32.0],
        "trials": 10,
        "empirical_starts": 8,
    },
}


def _sample_counts(dim: int, ratios) -> list[int]:
    """``N = round(ratio d(d+1)/2)`` for each ratio, at least 1."""
    return [max(1, int(round(ratio * dim * (dim + 1) / 2))) for ratio in ratios]


def run(
    scale: str = "paper", seed: int = 0, *, device: str = "cpu", progress: bool | None = None
) -> dict:
    """Both panels' data, each cell a point of a :func:`qlcore.infra.sweep.run_sweep` (cached,
    resumable). ``population[law][d]`` holds the risks over ``sigma_min^4`` of the random draws,
    the searched minima, the two constructions and the Monte-Carlo check
    (:func:`qlcore.stationary.points.population_barrier_point`); ``empirical[d]`` the sample
    counts and, per count, the trials' empirical and population minima."""
    settings = dict(SCALE_SETTINGS[check_scale(scale)])
    seed = check_seed(seed)
    require_cpu(device, FIGURE_ID)
    common = {"cache_dir": default_cache_dir(), "progress": progress is not False}
    population_points = [
        {
            "law": law,
            "dim": dim,
            "rows": 2 * dim,
            "draws": settings["draws"],
            "starts": settings["starts"],
            "mc_samples": settings["mc_samples"],
            "seed": seed,
        }
        for law in settings["laws"]
        for dim in settings["dims"]
    ]
    population = run_sweep(
        points.population_barrier_point,
        population_points,
        description="population barrier",
        **common,
    )
    empirical_points = [
        {
            "dim": dim,
            "rows": dim + 2,
            "n_samples": n,
            "trial": trial,
            "starts": settings["empirical_starts"],
            "seed": seed,
        }
        for dim in settings["empirical_dims"]
        for n in _sample_counts(dim, settings["sample_ratios"])
        for trial in range(settings["trials"])
    ]
    empirical = run_sweep(
        points.empirical_barrier_point,
        empirical_points,
        description="empirical barrier",
        **common,
    )
    by_dim = {}
    for point, outcome in zip(empirical_points, empirical):
        cell = by_dim.setdefault(str(point["dim"]), {})
        entry = cell.setdefault(str(point["n_samples"]), {"empirical": [], "population": []})
        entry["empirical"].append(outcome["empirical"])
        entry["population"].append(outcome["population"])
    return {
        "figure": FIGURE_ID,
        "scale": scale,
        "seed": seed,
        "settings": settings,
        "population": {
            law: {
                str(p["dim"]): outcome
                for p, outcome in zip(population_points, population)
                if p["law"] == law
            }
            for law in settings["laws"]
        },
        "empirical": {
            d: {
                "n_samples": [int(n) for n in cell],
                "empirical": [cell[n]["empirical"] for n in cell],
                "population": [cell[n]["population"] for n in cell],
            }
            for d, cell in by_dim.items()
        },
    }


def _check(result) -> dict:
    return check_result(result, FIGURE_ID, ("settings", "population", "empirical"))


def ratios_to_bound(result: dict) -> dict:
    """``{law: {d: {"random_min", "search_min", "trace_free", "best_spread"}}}``: the risks over
    the bound, for the laws whose bound is positive."""
    result = _check(result)
    table = {}
    for law, cells in result["population"].items():
        for dim, cell in cells.items():
            constant = cell["bound_constant"]
            if constant <= 0:
                continue
            table.setdefault(law, {})[dim] = {
                "random_min": cell["random_min"] / constant,
                "search_min": min(cell["search"]) / constant,
                "trace_free": cell["trace_free"] / constant,
                "best_spread": cell["best_spread"] / constant,
            }
    return table


def half_population_samples(result: dict) -> dict:
    """``{d: N}``: the smallest sample count from which on the median empirical minimum over
    rank ``<= d - 1`` is at least half the population one (None if never)."""
    result = _check(result)
    found = {}
    for dim, cell in result["empirical"].items():
        ratios = np.median(np.asarray(cell["empirical"]) / np.asarray(cell["population"]), axis=1)
        smallest = None
        for n, ratio in zip(reversed(cell["n_samples"]), reversed(ratios)):
            if ratio < 0.5:
                break
            smallest = n
        found[dim] = smallest
    return found


def claims(result: dict) -> dict[str, bool]:
    """The verdicts chapter 6 prints (all hold at every scale when the theory does):

    * ``bound_holds``: no random or searched rank-deficient weights go below the bound (up to
      :data:`ROUNDING`), for every law with a positive bound;
    * ``tight_for_gaussian``: for Gaussian inputs the searched minimum over the bound lies in
      ``[1, 1 + 1/(d + 1)]``, the best construction's value (up to 1e-6): the bound is tight up
      to a factor tending to 1;
    * ``construction_risk_sampled``: the trace-free construction's risk by Monte Carlo agrees with
      the formula within 4 standard errors, for every law;
    * ``no_barrier_rademacher``: for Rademacher inputs (bound 0) the search reaches a zero risk;
    * ``no_barrier_below_span``: with fewer than ``d(d+1)/2`` samples every empirical minimum
      over rank ``<= d - 1`` is zero (a rank-deficient interpolant exists), and
    * ``barrier_above_span``: with at least ``d(d+1)`` samples every one is positive.
    """
    result = _check(result)
    table = ratios_to_bound(result)
    bound = all(
        min(r["random_min"], r["search_min"]) >= 1 - ROUNDING
        for cells in table.values()
        for r in cells.values()
    )
    tight = all(
        1 - ROUNDING <= r["search_min"] <= (1 + 1 / (int(d) + 1)) * (1 + 1e-6)
        for d, r in table.get("gaussian", {}).items()
    )
    sampled = all(
        abs(cell["monte_carlo_mean"] - cell["trace_free"]) <= 4 * cell["monte_carlo_error"]
        for cells in result["population"].values()
        for cell in cells.values()
    )
    rademacher = all(
        min(cell["search"]) <= ZERO for cell in result["population"].get("rademacher", {}).values()
    )
    below, above = True, True
    for dim, cell in result["empirical"].items():
        span_size = int(dim) * (int(dim) + 1) // 2
        for n, minima in zip(cell["n_samples"], cell["empirical"]):
            if n < span_size:
                below &= max(minima) <= ZERO
            elif n >= 2 * span_size:
                above &= min(minima) > ZERO
    return {
        "bound_holds": bool(bound),
        "tight_for_gaussian": bool(tight),
        "construction_risk_sampled": bool(sampled),
        "no_barrier_rademacher": bool(rademacher),
        "no_barrier_below_span": bool(below),
        "barrier_above_span": bool(above),
    }


def plot(result: dict):
    """Left: histograms of the random rank-deficient risks over the bound (largest ``d``), the
    searched minimum and the constructions marked. Right: median empirical minimum over the
    population minimum against ``N / (d(d+1)/2)``, quartiles shaded, one line per ``d``."""
    import matplotlib.pyplot as plt

    result = _check(result)
    style.use()
    fig, axes = plt.subplots(1, 2, figsize=(11, 3.8))
    ax = axes[0]
    dim = str(max(result["settings"]["dims"]))
    table = ratios_to_bound(result)
    largest = 10.0
    for law, color in LAW_COLORS.items():
        if law not in table:
            continue
        cell = result["population"][law][dim]
        edges = np.asarray(cell["random_edges"]) / cell["bound_constant"]
        filled = np.flatnonzero(cell["random_counts"])
        largest = max(largest, edges[filled[-1] + 1] if filled.size else largest)
        ax.stairs(
            cell["random_counts"],
            edges,
            fill=True,
            color=color,
            alpha=0.45,
            label=f"{law}: W*(I - uuᵀ)",
        )
        ax.axvline(table[law][dim]["search_min"], color=color, lw=1.6, label=f"{law}: search min")
    ax.axvline(1.0, **style.THEORY_LINE, label="bound")
    ax.set_xscale("log")
    ax.set_xlim(0.5, 2 * largest)
    ax.set_xlabel("population risk / bound")
    ax.set_ylabel("random directions u")
    ax.set_title(f"rank d-1 weights, d = {dim}, m = {2 * int(dim)}")
    ax.legend(fontsize=7, ncol=2, loc="upper right")
    ax = axes[1]
    for dim, cell in result["empirical"].items():
        size = int(dim) * (int(dim) + 1) / 2
        ratios = np.asarray(cell["empirical"]) / np.asarray(cell["population"])
        x = np.asarray(cell["n_samples"]) / size
        low, middle, high = np.percentile(ratios, [25, 50, 75], axis=1)
        (line,) = ax.plot(x, middle, marker="o", markersize=3.5, label=f"d = {dim}")
        ax.fill_between(x, low, high, color=line.get_color(), alpha=0.15)
    ax.axvline(1.0, **style.THEORY_LINE, label="N = d(d+1)/2")
    ax.axhline(1.0, color="0.6", lw=0.8)
    ax.set_xscale("log", base=2)
    ticks = [t for t in result["settings"]["sample_ratios"] if np.log2(t) == round(np.log2(t))]
    ax.set_xticks(ticks, [f"{t:g}" for t in ticks])
    ax.minorticks_off()
    ax.set_xlabel("samples N / (d(d+1)/2)")
    ax.set_ylabel("empirical / population barrier")
    ax.set_title("empirical barrier (min over rank ≤ d-1), Gaussian inputs")
    ax.legend(fontsize=7, loc="upper left")
    fig.tight_layout()
    return fig
