"""The orthogonality penalty's weight: Table 1's ``gamma`` against the one Theorem 3.1(2) needs.

Theorem 3.1(2) of Kazemipour et al. holds for ``gamma > (1/N) sum_n y_n^2``; Table 1 sets
``gamma = sum_n y_n^2``, ``N = 1500`` times that mean. This experiment trains the orthogonality
variant of Fig. 2 (same data sets, same deterministic start ``lambda = 0``, ``Q = I``, same Adam
epochs) with both weights:

* ``"table-1"``: ``gamma = sum_n y_n^2`` (what Fig. 2 uses);
* ``"theorem"``: ``gamma = 2 (1/N) sum_n y_n^2``, twice the theorem's threshold,

and reports, per model and weight, the success fraction against width and the NMSE traces.
Because the start is deterministic, one run per data set and width stands for all its trials.
"""

from __future__ import annotations

import numpy as np

from qlcore.experiments import caller_names, check_result, check_scale
from qlcore.experiments.kazemipour_fig2 import (
    SCALE_SETTINGS,
    SUCCESS_TOLERANCE,
    build_workload,
    sweep_data_sets,
    train_as_in_table_1,
)
from qlcore.model import data, train
from qlcore.viz import style

FIGURE_ID = "kazemipour-penalty-weight"
TITLE = (
    "Orthogonality variant with Table 1's penalty weight and with the theorem's (Kazemipour et al.)"
)
DEVICES = ("cpu", "cuda")  # run passes device to the torch training
WEIGHTS = {
    "table-1": "γ = Σ y² (Table 1)",
    "theorem": "γ = 2·mean y² (Theorem 3.1(2) needs > mean y²)",
}
THEOREM_FACTOR = 2.0


def _penalty_weight(rule: str, y: np.ndarray) -> float:
    return float(np.sum(y**2)) if rule == "table-1" else THEOREM_FACTOR * float(np.mean(y**2))


def train_penalty_rules(scale: str, seed: int, model: str, block: int, device: str = "cpu") -> dict:
    """Train the orthogonality networks of data set ``block`` of target ``model`` (the starts of
    Fig. 2) once per rule of :data:`WEIGHTS` (one point of the sweep in :func:`run`). Returns per
    rule the NMSE minus the least-squares NMSE per width and its trace over the recorded
    epochs."""
    settings = dict(SCALE_SETTINGS[check_scale(scale)], runs=1)
    with caller_names(models="model", blocks="block"):
        datasets, students, _ = build_workload(
            settings, seed, models=[model], variants=("orthogonality",), blocks=[block]
        )
    (x, y), group = datasets[0], students[0]
    per_rule = [
        [train.Student(s.network, gamma=_penalty_weight(rule, y), train_alpha=False) for s in group]
        for rule in WEIGHTS
    ]
    result = train_as_in_table_1([(x, y)] * len(WEIGHTS), per_rule, settings, device)
    return {
        "trace_epochs": result.history_epochs.tolist(),
        "rules": {
            rule: {
                "excess_nmse": result.excess_nmse[r].tolist(),
                "trace_excess_nmse": (
                    result.history_nmse[:, r, :] - result.least_squares_nmse[r]
                ).T.tolist(),
            }
            for r, rule in enumerate(WEIGHTS)
        },
    }


def run(
    scale: str = "paper", seed: int = 0, *, device: str = "cpu", progress: bool | None = None
) -> dict:
    """Train the orthogonality variant of Fig. 2 with each penalty rule of :data:`WEIGHTS`.

    The data sets are the points of one :func:`qlcore.infra.sweep.run_sweep` (local processes,
    or Dask with ``QLCORE_SCHEDULER``). Returns a JSON-ready dict: settings, and per model and
    rule the ``excess_nmse`` (data sets, widths), the ``success_fraction`` per width and, per
    width, the trace of the NMSE minus the least-squares NMSE on data set 0.
    """
    settings = dict(SCALE_SETTINGS[check_scale(scale)], runs=1)
    points, outcomes = sweep_data_sets(train_penalty_rules, settings, scale, seed, device, progress)
    cells = {}
    for model in data.TARGET_MODELS:
        of_model = [o for p, o in zip(points, outcomes) if p["model"] == model]
        cells[model] = {}
        for rule in WEIGHTS:
            excess = np.array([o["rules"][rule]["excess_nmse"] for o in of_model])
            cells[model][rule] = {
                "excess_nmse": excess.tolist(),
                "success_fraction": (excess <= SUCCESS_TOLERANCE).mean(axis=0).tolist(),
                "trace_excess_nmse": of_model[0]["rules"][rule]["trace_excess_nmse"],
            }
    return {
        "figure": FIGURE_ID,
        "scale": scale,
        "seed": seed,
        "settings": settings,
        "success_tolerance": SUCCESS_TOLERANCE,
        "models": list(data.TARGET_MODELS),
        "rules": list(WEIGHTS),
        "trace_epochs": outcomes[0]["trace_epochs"],
        "cells": cells,
    }


def plot(result: dict):
    """Top: success fraction against width per rule; bottom: NMSE traces at ``k = d``."""
    import matplotlib.pyplot as plt

    check_result(result, FIGURE_ID, ("settings", "trace_epochs", "models", "rules", "cells"))
    style.use()
    widths, dim = result["settings"]["widths"], result["settings"]["dim"]
    epochs = np.asarray(result["trace_epochs"])
    at_d = widths.index(dim) if dim in widths else len(widths) - 1
    styles = {
        "table-1": {"color": style.VARIANT_COLORS["orthogonality"], "linestyle": "-"},
        "theorem": {"color": "#7d3c98", "linestyle": "--"},
    }
    fig, axes = plt.subplots(2, 3, figsize=(11, 6.2))
    for col, model in enumerate(result["models"]):
        top, bottom = axes[0, col], axes[1, col]
        for rule in result["rules"]:
            cell = result["cells"][model][rule]
            top.plot(
                widths,
                cell["success_fraction"],
                marker="o",
                markersize=3.5,
                label=WEIGHTS[rule],
                **styles[rule],
            )
            bottom.plot(
                epochs,
                np.maximum(cell["trace_excess_nmse"][at_d], 1e-12),
                label=WEIGHTS[rule],
                **styles[rule],
            )
        top.axvline(dim, **style.THEORY_LINE)
        top.set_ylim(-0.03, 1.03)
        top.set_title(style.MODEL_TITLES[model])
        top.set_xlabel("hidden units k")
        bottom.set_yscale("log")
        bottom.set_xlabel("epoch")
        bottom.axhline(SUCCESS_TOLERANCE, **style.THEORY_LINE)
        bottom.set_title(f"training, k = {widths[at_d]}, data set 1", fontsize=9)
    axes[0, 0].set_ylabel("fraction reaching global minimum")
    axes[1, 0].set_ylabel("NMSE − least-squares NMSE")
    handles, labels = axes[0, 0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=2, bbox_to_anchor=(0.5, -0.02))
    fig.tight_layout(rect=(0, 0.05, 1, 1))
    return fig
