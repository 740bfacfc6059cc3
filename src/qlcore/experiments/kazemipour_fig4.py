"""Kazemipour et al., Fig. 4: two-layer (depth 2) QL networks on synthetic data, as the authors'
code ran it (``DeepNetworks/varyHidden_DeepSynthetic.py``).

Setting (paper scale): ``d = 9`` inputs (one of them the constant 1 for planted data), ``N = 1000``
samples, hidden width ``h_1 in {5, 10, .., 100}``, ``m_1 = d h_1`` and ``m_2 = h_1`` quadratic
units (Theorem F.1), 50 trials per width and data kind (10 runs on each of 5 data sets),
PyTorch's default initialisation, 25,000 full-batch Adam epochs at step size 1e-3, halved after
20,000, penalty ``gamma = 10^4`` on the mean-normalised layer terms of eq. F.1, ``alpha = 0``.
Data: planted (``y = A . x^{(x)4}``) and independent (:mod:`qlcore.deep.data`). A run succeeds
when its NMSE is within 0.005 of the convex optimum's (Remark 4). The theory line is Theorem F.1's
``h_1 = d^2 = 81``.

The paper's text differs from the code in two places: it says 20,000 epochs (the code runs
25,000, halving the step size after 20,000) and, by analogy with Table 1, a penalty weight of
``sum_n y_n^2`` (the code's ``eta = 10^4`` is fixed and applies to mean-normalised penalties).
This figure follows the code.
"""

from __future__ import annotations

import numpy as np

from qlcore.deep import data, synthetic_runs
from qlcore.experiments import (
    check_dict,
    check_dicts,
    check_ints,
    check_result,
    check_scale,
)
from qlcore.experiments.kazemipour_fig2 import SUCCESS_TOLERANCE
from qlcore.infra.checks import InputError, check_device, check_positive_int, check_seed
from qlcore.infra.sweep import default_cache_dir, run_sweep
from qlcore.viz import style

FIGURE_ID = "kazemipour-fig4"
TITLE = "Two-layer QL networks on planted and independent data (Kazemipour et al., Fig. 4)"
DEVICES = ("cpu", "cuda")  # run passes device to the torch training
KIND_TITLES = {"planted": "Planted, y = A · x⊗4", "independent": "Independent y and x"}

TRAINING = {"lr": 1e-3, "gamma": 1e4, "penalty": "mean"}
SCALE_SETTINGS = {
    "quick": {
        **TRAINING,
        "dim": 4,
        "n_samples": 200,
        "widths": [2, 4, 8, 16],
        "n_datasets": 2,
        "runs": 2,
        "epochs": 300,
        "halve_every": 200,
        "record_every": 100,
    },
    "paper": {
        **TRAINING,
        "dim": 9,
        "n_samples": 1000,
        "widths": list(range(5, 101, 5)),
        "n_datasets": 5,
        "runs": 10,
        "epochs": 25000,
        "halve_every": 20000,
        "record_every": 2500,
    },
}
TRAINING_KEYS = ("runs", "epochs", "lr", "halve_every", "gamma", "penalty", "record_every")


def sweep_points(function, points: list[dict], device: str, progress) -> list[dict]:
    """``function(**point)`` for every point, as one :func:`qlcore.infra.sweep.run_sweep` (a
    local process pool, or Dask with ``QLCORE_SCHEDULER``; in this process on a GPU), widest
    networks first so that the longest points start first."""
    if not callable(function):
        raise InputError(
            f"function must be a sweep point function such as synthetic_runs.tensor_point, got "
            f"{function!r}",
            argument="function",
        )
    points = check_dicts(points, "points", ("width",), "sweep points with a width")
    check_device(device)
    order = sorted(range(len(points)), key=lambda i: -points[i]["width"])
    outcomes = run_sweep(
        function,
        [points[i] for i in order],
        cache_dir=default_cache_dir(),
        max_workers=None if device == "cpu" else 1,
        progress=progress is not False,
        description=function.__name__,
    )
    result = [None] * len(points)
    for position, i in enumerate(order):
        result[i] = outcomes[position]
    return result


def reduce_cell(outcomes: list[dict], n_datasets: int, widths: list[int], keys) -> dict:
    """Arrays (data sets, runs, widths) of ``keys`` from the outcomes of one data kind, in the
    order ``[(block, width) for block for width]``, with the per-width success fraction (NMSE
    within :data:`SUCCESS_TOLERANCE` of the data set's optimum) and mean NMSE, and the mean
    training curve per width."""
    n_datasets = check_positive_int(n_datasets, "n_datasets")
    widths = check_ints(widths, "widths", minimum=1)
    if not isinstance(keys, (list, tuple)) or not all(isinstance(k, str) for k in keys):
        raise InputError(f"keys must be a tuple of record keys, got {keys!r}", argument="keys")
    record = ("nmse", "certificate", "convex_nmse", "history_epochs", "history_nmse")
    outcomes = check_dicts(outcomes, "outcomes", (*record, *keys), "sweep point outcomes")
    if len(outcomes) != n_datasets * len(widths):
        raise InputError(
            f"outcomes must hold one record per data set and width ({n_datasets} x "
            f"{len(widths)}), got {len(outcomes)}",
            argument="outcomes",
        )
    shape = (n_datasets, len(widths))
    table = np.empty(shape, dtype=object)
    for index, outcome in enumerate(outcomes):
        table[np.unravel_index(index, shape)] = outcome
    cell = {
        key: np.array([[table[b, w][key] for w in range(len(widths))] for b in range(n_datasets)])
        .transpose(0, 2, 1)
        .tolist()
        for key in ("nmse", "certificate", *keys)
    }
    convex = np.array([table[b, 0]["convex_nmse"] for b in range(n_datasets)])
    nmse = np.array(cell["nmse"])
    cell["convex_nmse"] = convex.tolist()
    cell["excess_nmse"] = (nmse - convex[:, None, None]).tolist()
    cell["success_fraction"] = (
        (nmse - convex[:, None, None] <= SUCCESS_TOLERANCE).mean((0, 1)).tolist()
    )
    cell["mean_nmse"] = nmse.mean((0, 1)).tolist()
    cell["history_epochs"] = table[0, 0]["history_epochs"]
    cell["mean_history_nmse"] = (
        np.array(
            [
                [np.mean(table[b, w]["history_nmse"], axis=0) for b in range(n_datasets)]
                for w in range(len(widths))
            ]
        )
        .mean(1)
        .tolist()
    )
    return cell


def run(
    scale: str = "paper", seed: int = 0, *, device: str = "cpu", progress: bool | None = None
) -> dict:
    """Train every network of Fig. 4 (module docstring) as one sweep of points (kind, data set,
    width). Returns a JSON-ready dict: settings, and per data kind the convex optimum of each data
    set, NMSE, excess over the optimum and certificate of every run (data sets, runs, widths),
    success fraction and mean NMSE per width, and the mean training curve per width."""
    settings = dict(SCALE_SETTINGS[check_scale(scale)])
    seed = check_seed(seed)
    check_device(device)
    common = {key: settings[key] for key in TRAINING_KEYS}
    points = [
        {
            **common,
            "kind": kind,
            "block": block,
            "width": width,
            "dim": settings["dim"],
            "n_samples": settings["n_samples"],
            "seed": seed,
            "device": device,
        }
        for kind in data.TENSOR_KINDS
        for block in range(settings["n_datasets"])
        for width in settings["widths"]
    ]
    outcomes = sweep_points(synthetic_runs.tensor_point, points, device, progress)
    per_kind = len(points) // len(data.TENSOR_KINDS)
    cells = {
        kind: reduce_cell(
            outcomes[i * per_kind : (i + 1) * per_kind],
            settings["n_datasets"],
            settings["widths"],
            keys=(),
        )
        for i, kind in enumerate(data.TENSOR_KINDS)
    }
    return {
        "figure": FIGURE_ID,
        "scale": scale,
        "seed": seed,
        "settings": settings,
        "success_tolerance": SUCCESS_TOLERANCE,
        "kinds": list(data.TENSOR_KINDS),
        "theory_width": settings["dim"] ** 2,
        "cells": cells,
    }


def draw_rows(axes, widths, theory_width, rows, titles):
    """Per row (a data kind or task): mean NMSE with the convex optimum's mean (dotted), and the
    fraction of runs reaching the optimum; the theory line ``h_1 = d^2`` on both."""
    if not isinstance(rows, dict) or not isinstance(titles, dict):
        raise InputError(
            "rows and titles must be dicts keyed by data kind or task", argument="rows"
        )
    rows = {
        name: check_dict(cell, "rows", ("mean_nmse", "convex_nmse", "success_fraction"), "a cell")
        for name, cell in rows.items()
    }
    for row, (name, cell) in enumerate(rows.items()):
        left, right = axes[row, 0], axes[row, 1]
        left.plot(
            widths,
            cell["mean_nmse"],
            marker="o",
            markersize=3.5,
            color="#239b56",
            label="networks (mean)",
        )
        left.axhline(
            np.mean(cell["convex_nmse"]),
            color="0.2",
            linestyle="--",
            linewidth=1.2,
            label="convex optimum",
        )
        left.set_ylabel("NMSE")
        left.set_title(titles[name])
        right.plot(widths, cell["success_fraction"], marker="o", markersize=3.5, color="#239b56")
        right.set_ylim(-0.03, 1.03)
        right.set_ylabel("fraction reaching optimum")
        right.set_title(titles[name])
        for ax in (left, right):
            ax.axvline(theory_width, **style.THEORY_LINE, label=f"h₁ = d² = {theory_width}")
    axes[0, 0].legend(fontsize=8)


def plot(result: dict):
    """Rows: planted and independent data; columns: mean NMSE, fraction reaching the optimum."""
    import matplotlib.pyplot as plt

    check_result(result, FIGURE_ID, ("settings", "kinds", "cells", "theory_width"))
    style.use()
    widths = result["settings"]["widths"]
    fig, axes = plt.subplots(len(result["kinds"]), 2, figsize=(10, 6.4), sharex=True, squeeze=False)
    draw_rows(
        axes,
        widths,
        result["theory_width"],
        {kind: result["cells"][kind] for kind in result["kinds"]},
        KIND_TITLES,
    )
    for ax in axes[-1]:
        ax.set_xlabel("hidden width h₁")
    fig.tight_layout()
    return fig
