"""Gamarnik et al., initialisation (§4.5): how wide must ``W_0^T W_0 = m I`` be to start below
the barrier?

Left: the probability over Gaussian ``W*`` that the population risk of the isotropic start is
below the bound ``min{mu4 - mu2^2, 2 mu2^2} sigma_min(W*)^4``, against ``m / d^2``, for
``d = 5, 10, 20, 40`` and Gaussian and uniform inputs (exact formula). Middle: the same for the
empirical risk on ``N = 5 d(d+1)`` Gaussian inputs against the empirical barrier found by search,
``d = 5, 10``. Right: the smallest ``m / d^2`` with probability above 0.95, against ``d``, with the
heuristic of :func:`qlcore.stationary.initialisation.heuristic_width_ratio`. The paper gives no
value of its constant ``C``; the settings are ours.
"""

from __future__ import annotations

import numpy as np

from qlcore.experiments import check_result, check_scale
from qlcore.experiments.cpu_only import require_cpu
from qlcore.infra.checks import check_seed
from qlcore.infra.sweep import default_cache_dir, run_sweep
from qlcore.stationary import initialisation, points
from qlcore.viz import style

FIGURE_ID = "gamarnik-init"
TITLE = "Initialisation W0'W0 = mI: probability of starting below the barrier (Gamarnik et al.)"
DEVICES = ("cpu",)  # NumPy and SciPy
LEVEL = 0.95
LAW_STYLES = {"gaussian": "-", "uniform": "--"}

SCALE_SETTINGS = {
    "quick": {
        "laws": ["gaussian", "uniform"],
        "dims": [5, 10],
        "ratios": [2.0 ** (k / 2) for k in range(-2, 9)],
        "draws": 100,
        "empirical_dims": [5],
        "empirical_ratios": [2.0**k for k in range(-1, 5)],
        "empirical_draws": 4,
        "barrier_starts": 2,
    },
    "paper": {
        "laws": ["gaussian", "uniform"],
        "dims": [5, 10, 20, 40],
        "ratios": [2.0 ** (k / 4) for k in range(-4, 21)],
        "draws": 1000,
        "empirical_dims": [5, 10],
        "empirical_ratios": [2.0 ** (k / 2) for k in range(-2, 11)],
        "empirical_draws": 40,
        "barrier_starts": 3,
    },
}


def run(
    scale: str = "paper", seed: int = 0, *, device: str = "cpu", progress: bool | None = None
) -> dict:
    """Population (``population[law][d]``) and empirical (``empirical[d]``) fractions of starts
    below the barrier per ratio ``m / d^2``, the thresholds and the heuristic, from sweeps of
    :func:`qlcore.stationary.points.population_init_point` and
    :func:`qlcore.stationary.points.empirical_init_point`."""
    settings = dict(SCALE_SETTINGS[check_scale(scale)])
    seed = check_seed(seed)
    require_cpu(device, FIGURE_ID)
    common = {"cache_dir": default_cache_dir(), "progress": progress is not False}
    population_points = [
        {"dim": d, "ratio": r, "draws": settings["draws"], "law": law, "seed": seed}
        for law in settings["laws"]
        for d in settings["dims"]
        for r in settings["ratios"]
    ]
    population = run_sweep(
        points.population_init_point, population_points, description="population", **common
    )
    empirical_points = [
        {
            "dim": d,
            "ratio": r,
            "draws": settings["empirical_draws"],
            "n_samples": 5 * d * (d + 1),
            "starts": settings["barrier_starts"],
            "seed": seed,
        }
        for d in settings["empirical_dims"]
        for r in settings["empirical_ratios"]
    ]
    empirical = run_sweep(
        points.empirical_init_point, empirical_points, description="empirical", **common
    )
    table = {}
    for point, outcome in zip(population_points, population):
        cell = table.setdefault(point["law"], {}).setdefault(str(point["dim"]), [])
        cell.append(float(np.mean(np.asarray(outcome["start_over_barrier"]) < 1)))
    sampled = {}
    for point, outcome in zip(empirical_points, empirical):
        cell = sampled.setdefault(str(point["dim"]), {"below_barrier": [], "below_bound": []})
        cell["below_barrier"].append(float(np.mean(np.asarray(outcome["start_over_barrier"]) < 1)))
        cell["below_bound"].append(float(np.mean(np.asarray(outcome["start_over_bound"]) < 1)))
    return {
        "figure": FIGURE_ID,
        "scale": scale,
        "seed": seed,
        "settings": settings,
        "level": LEVEL,
        "population": table,
        "empirical": sampled,
        "heuristic": {
            law: {str(d): initialisation.heuristic_width_ratio(d, law) for d in settings["dims"]}
            for law in settings["laws"]
        },
    }


def _check(result) -> dict:
    return check_result(result, FIGURE_ID, ("settings", "population", "empirical", "heuristic"))


def thresholds(result: dict) -> dict:
    """``{"population": {law: {d: ratio}}, "empirical": {d: ratio}}``: the smallest ``m / d^2``
    from which on the probability exceeds :data:`LEVEL` (None if it never does)."""
    result = _check(result)
    settings = result["settings"]
    return {
        "population": {
            law: {
                d: initialisation.threshold_ratio(settings["ratios"], fractions, LEVEL)
                for d, fractions in cells.items()
            }
            for law, cells in result["population"].items()
        },
        "empirical": {
            d: initialisation.threshold_ratio(
                settings["empirical_ratios"], cell["below_barrier"], LEVEL
            )
            for d, cell in result["empirical"].items()
        },
    }


def claims(result: dict) -> dict[str, bool]:
    """The verdicts chapter 6 prints:

    * ``a_constant_suffices``: for every law and ``d`` some ``m / d^2`` on the grid starts below
      the barrier with probability above 0.95, and the smallest such ratio does not grow from the
      smallest to the largest ``d`` (the theorem's ``m > C d^2`` with one ``C``);
    * ``heuristic_improves``: the measured threshold over the heuristic is closer to 1 at the
      largest ``d`` than at the smallest, for every law;
    * ``empirical_threshold_exists``: the same probability for the empirical risk exceeds 0.95
      on the grid for every sampled ``d``.
    """
    result = _check(result)
    found = thresholds(result)
    constant, improves = True, True
    for law, cells in found["population"].items():
        dims = sorted(cells, key=int)
        if any(cells[d] is None for d in dims):
            constant = improves = False
            continue
        constant &= cells[dims[-1]] <= cells[dims[0]]
        heuristic = result["heuristic"][law]
        first, last = (abs(cells[d] / heuristic[d] - 1) for d in (dims[0], dims[-1]))
        improves &= last < first
    exists = all(value is not None for value in found["empirical"].values())
    return {
        "a_constant_suffices": bool(constant),
        "heuristic_improves": bool(improves),
        "empirical_threshold_exists": bool(exists),
    }


def plot(result: dict):
    """Population probabilities (left), empirical probabilities (middle), thresholds against
    ``d`` with the heuristic (right)."""
    import matplotlib.pyplot as plt

    result = _check(result)
    style.use()
    settings = result["settings"]
    fig, axes = plt.subplots(1, 3, figsize=(14, 3.9))
    ax = axes[0]
    colors = {}
    for law, cells in result["population"].items():
        for d, fractions in cells.items():
            (line,) = ax.plot(
                settings["ratios"],
                fractions,
                ls=LAW_STYLES.get(law, "-"),
                color=colors.get(d),
                label=f"d = {d}" if law == "gaussian" else None,
            )
            colors[d] = line.get_color()
    for law, dash in LAW_STYLES.items():
        ax.plot([], [], ls=dash, color="0.3", label=f"{law} inputs")
    ax.axhline(LEVEL, **style.THEORY_LINE)
    ax.set_xscale("log", base=2)
    ax.set_xlabel("m / d²")
    ax.set_ylabel("P(L(W₀) < bound)")
    ax.set_title("population risk")
    ax.legend(fontsize=7, loc="lower right")
    ax = axes[1]
    for d, cell in result["empirical"].items():
        ax.plot(
            settings["empirical_ratios"],
            cell["below_barrier"],
            marker="o",
            markersize=3.5,
            color=colors.get(d),
            label=f"d = {d}, empirical barrier",
        )
        ax.plot(
            settings["empirical_ratios"],
            cell["below_bound"],
            ls=":",
            color=colors.get(d),
            label=f"d = {d}, bound 2σ⁴",
        )
    ax.axhline(LEVEL, **style.THEORY_LINE)
    ax.set_xscale("log", base=2)
    ax.set_xlabel("m / d²")
    ax.set_ylabel("P(empirical risk of W₀ < threshold)")
    ax.set_title("empirical risk, N = 5d(d+1)")
    ax.legend(fontsize=7, loc="lower right")
    ax = axes[2]
    found = thresholds(result)
    for law, cells in found["population"].items():
        dims = sorted(cells, key=int)
        ax.plot(
            [int(d) for d in dims],
            [cells[d] if cells[d] is not None else np.nan for d in dims],
            marker="o",
            ls=LAW_STYLES.get(law, "-"),
            color="#2471a3",
            label=f"measured, {law}",
        )
        heuristic = result["heuristic"][law]
        ax.plot(
            [int(d) for d in dims],
            [heuristic[d] for d in dims],
            ls=LAW_STYLES.get(law, "-"),
            color="#c0392b",
            label=f"heuristic, {law}",
        )
    ax.axhline(1.0, color="0.6", lw=0.8)
    ax.set_xscale("log", base=2)
    ax.set_yscale("log", base=2)
    ax.set_xticks(settings["dims"], [str(d) for d in settings["dims"]])
    ax.minorticks_off()
    ax.set_xlabel("d")
    ax.set_ylabel(f"smallest m / d² with P > {LEVEL}")
    ax.set_title("threshold against d")
    ax.legend(fontsize=7)
    fig.tight_layout()
    return fig
