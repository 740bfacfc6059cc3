"""Kazemipour et al., Fig. 2 in two settings: as the paper states it, as the authors' code ran it.

The authors' released code differs from Table 1 and Section 4.1 of the paper in five places:

* inputs ``x ~ N(0, I/d)`` (then ``x_1 = 1``) instead of ``N(0, I)``;
* model (b)'s teacher ``A = W^T diag(+-1) W`` with ``W_ij ~ N(0, 1/d)`` instead of a symmetric
  matrix with independent ``N(0, 1)`` entries;
* non-planted targets ``y_n ~ 2 N(0, 1)`` instead of ``N(0, 1)``;
* the penalty ``eta * MSE(W^T W, I)``, i.e. ``gamma = ||y||^2 / d^2`` on ``||Q Q^T - I||_F^2``,
  instead of Table 1's ``gamma = ||y||^2``;
* the added-norm weight starts at ``alpha_0 ~ N(0, 1)`` instead of ``0``.

Model (a) (``A`` diagonal with random signs) is the same in both. Each setting trains the three
variants of Fig. 2 and a fourth, ``orthogonality-random``: the orthogonality variant started from
random orthonormal rows (``Q_0 Q_0^T = I``, uniformly distributed, see :func:`orthonormal_rows`)
instead of ``[I 0]``; its runs differ, so all of them are trained. The paper-text setting uses
the data sets and starts of :mod:`qlcore.experiments.kazemipour_fig2` (same seeds), so its first
three variants are Fig. 2 itself. Optimiser, widths, trials and the success criterion are Fig. 2's.
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
from qlcore.infra.checks import check_budget, check_choice, check_positive_int, check_rng
from qlcore.model import data, networks, train
from qlcore.viz import style

FIGURE_ID = "kazemipour-fig2-code"
TITLE = "Fig. 2 of Kazemipour et al. as the paper states it and as the authors' code ran it"
DEVICES = ("cpu", "cuda")  # run passes device to the torch training
SETTINGS = {
    "paper-text": "as the paper states it",
    "authors-code": "as the authors' code ran it",
}
VARIANTS = (*networks.VARIANTS, "orthogonality-random")
VARIANT_LABEL = {**style.VARIANT_LABELS, "orthogonality-random": "Orthogonality, random Q₀"}


def code_dataset(model: str, n_samples: int, dim: int, rng) -> tuple[np.ndarray, np.ndarray]:
    """Inputs and targets of target ``model`` as the authors' code draws them (module docstring):
    ``x = z / sqrt(d)`` with ``z ~ N(0, I)``, then ``x_1 = 1``; ``y = A . x x^T`` with ``A``
    diagonal with random signs (model a) or ``W^T diag(+-1) W``, ``W ~ N(0, 1/d)`` (model b), or
    ``y ~ 2 N(0, 1)`` independent of ``x`` (model c)."""
    model = check_choice(model, "model", data.TARGET_MODELS)
    dim = check_positive_int(dim, "dim")
    rng = check_rng(rng)
    check_budget(
        "the teacher matrix", argument="dim", nbytes=16.0 * dim * dim, fix="use fewer dimensions"
    )
    x = data.gaussian_inputs(n_samples, dim, rng, constant_first=False) / np.sqrt(dim)
    x[:, 0] = 1.0
    if model == "non-planted":
        return x, 2.0 * rng.standard_normal(x.shape[0])
    if model == "planted-diagonal":
        matrix = np.diag(rng.choice([-1.0, 1.0], size=dim))
    else:
        w = rng.standard_normal((dim, dim)) / np.sqrt(dim)
        matrix = w.T @ (rng.choice([-1.0, 1.0], size=dim)[:, None] * w)
    return x, data.quadratic_form(x, matrix)


def orthonormal_rows(dim: int, width: int, rng) -> np.ndarray:
    """A ``dim x width`` matrix ``Q`` with ``Q Q^T = I`` (``width >= dim``; below ``dim``,
    orthonormal columns, as ``[I 0]`` is there), Haar distributed: the ``Q`` factor of a Gaussian
    matrix with the signs of ``R``'s diagonal made positive."""
    dim = check_positive_int(dim, "dim")
    width = check_positive_int(width, "width", minimum=0)
    rng = check_rng(rng)
    check_budget(
        "the orthonormal start",
        argument="width",
        nbytes=24.0 * max(dim, width) * min(dim, width),
        flops=4.0 * max(dim, width) * min(dim, width) ** 2,
        fix="use fewer units or dimensions",
    )
    if width == 0:
        return np.zeros((dim, 0))
    gaussian = rng.standard_normal((max(dim, width), min(dim, width)))
    q, r = np.linalg.qr(gaussian)
    q *= np.where(np.diag(r) < 0, -1.0, 1.0)
    return q.T if width >= dim else q


def _gamma(setting: str, y: np.ndarray, dim: int) -> float:
    """Penalty weight: Table 1's ``sum_n y_n^2`` or the code's ``sum_n y_n^2 / d^2``."""
    total = float(np.sum(y**2))
    return total if setting == "paper-text" else total / dim**2


def build_setting(settings: dict, seed: int, setting: str, model: str, block: int):
    """Data set and students of one (setting, model, block): ``((x, y), students, layout)`` with
    ``layout`` the ``(variant, width, run)`` of each student (one run of ``orthogonality``)."""
    setting = check_choice(setting, "setting", tuple(SETTINGS))
    model = check_choice(model, "model", data.TARGET_MODELS)
    with caller_names(models="model", blocks="block"):
        datasets, students, layout = build_workload(settings, seed, models=[model], blocks=[block])
    (x, y), group, group_layout = datasets[0], list(students[0]), list(layout[0])
    model_index = data.TARGET_MODELS.index(model)
    rng = np.random.default_rng([seed, model_index, block, 2])
    dim = settings["dim"]
    if setting == "authors-code":
        x, y = code_dataset(model, settings["n_samples"], dim, rng)
        group = [
            train.Student(
                networks.QLNetwork(
                    lam=s.network.lam,
                    q=s.network.q,
                    alpha=float(rng.standard_normal()) if s.train_alpha else 0.0,
                ),
                gamma=_gamma(setting, y, dim) if name == "orthogonality" else 0.0,
                train_alpha=s.train_alpha,
            )
            for s, (name, _, _) in zip(group, group_layout)
        ]
    for width in settings["widths"]:
        for run_index in range(settings["runs"]):
            start = networks.QLNetwork(
                lam=np.zeros(width), q=orthonormal_rows(dim, width, rng), alpha=0.0
            )
            group.append(train.Student(start, gamma=_gamma(setting, y, dim)))
            group_layout.append(("orthogonality-random", width, run_index))
    return (x, y), group, group_layout


def train_data_set(scale: str, seed: int, model: str, block: int, device: str = "cpu") -> dict:
    """Train every network of both settings on data set ``block`` of ``model`` (one point of the
    sweep in :func:`run`). Returns per setting its least-squares NMSE and one row
    ``[variant, width, run, excess_nmse]`` per network."""
    settings = dict(SCALE_SETTINGS[check_scale(scale)])
    built = [build_setting(settings, seed, setting, model, block) for setting in SETTINGS]
    result = train_as_in_table_1([b[0] for b in built], [b[1] for b in built], settings, device)
    return {
        setting: {
            "least_squares_nmse": float(result.least_squares_nmse[i]),
            "networks": [
                [name, width, run_index, float(result.excess_nmse[i, m])]
                for m, (name, width, run_index) in enumerate(built[i][2])
            ],
        }
        for i, setting in enumerate(SETTINGS)
    }


def run(
    scale: str = "paper", seed: int = 0, *, device: str = "cpu", progress: bool | None = None
) -> dict:
    """Train Fig. 2's variants and ``orthogonality-random`` under both settings of
    :data:`SETTINGS`. Returns a JSON-ready dict: settings, per setting the least-squares NMSE of
    each data set, and per setting, model and variant ``excess_nmse`` of shape (data sets, runs,
    widths) and ``success_fraction`` per width (excess ``<= 0.005``, the paper's criterion)."""
    settings = dict(SCALE_SETTINGS[check_scale(scale)])
    points, outcomes = sweep_data_sets(train_data_set, settings, scale, seed, device, progress)
    widths, runs = settings["widths"], settings["runs"]
    shape = (settings["n_datasets"], runs, len(widths))
    excess = {
        s: {m: {v: np.zeros(shape) for v in VARIANTS} for m in data.TARGET_MODELS} for s in SETTINGS
    }
    least_squares = {s: {m: [0.0] * shape[0] for m in data.TARGET_MODELS} for s in SETTINGS}
    for point, outcome in zip(points, outcomes):
        model, block = point["model"], point["block"]
        for setting in SETTINGS:
            least_squares[setting][model][block] = outcome[setting]["least_squares_nmse"]
            for name, width, run_index, value in outcome[setting]["networks"]:
                targets = range(runs) if name == "orthogonality" else [run_index]
                for r in targets:
                    excess[setting][model][name][block, r, widths.index(width)] = value
    cells = {
        s: {
            m: {
                v: {
                    "excess_nmse": e.tolist(),
                    "success_fraction": (e <= SUCCESS_TOLERANCE).mean(axis=(0, 1)).tolist(),
                }
                for v, e in by_variant.items()
            }
            for m, by_variant in by_model.items()
        }
        for s, by_model in excess.items()
    }
    return {
        "figure": FIGURE_ID,
        "scale": scale,
        "seed": seed,
        "settings": settings,
        "success_tolerance": SUCCESS_TOLERANCE,
        "setting_names": list(SETTINGS),
        "models": list(data.TARGET_MODELS),
        "variants": list(VARIANTS),
        "least_squares_nmse": least_squares,
        "cells": cells,
    }


def plot(result: dict):
    """Rows: the two settings; columns: target models; success fraction against width."""
    import matplotlib.pyplot as plt

    check_result(result, FIGURE_ID, ("settings", "setting_names", "models", "variants", "cells"))
    style.use()
    widths, dim = result["settings"]["widths"], result["settings"]["dim"]
    names, models = result["setting_names"], result["models"]
    fig, axes = plt.subplots(len(names), len(models), figsize=(11, 6.4), sharex=True, sharey=True)
    for row, setting in enumerate(names):
        for col, model in enumerate(models):
            ax = axes[row, col]
            for name in result["variants"]:
                random_start = name == "orthogonality-random"
                ax.plot(
                    widths,
                    result["cells"][setting][model][name]["success_fraction"],
                    marker="s" if random_start else "o",
                    markersize=3.5,
                    linestyle="--" if random_start else "-",
                    color=style.VARIANT_COLORS["orthogonality" if random_start else name],
                    label=VARIANT_LABEL[name],
                )
            ax.axvline(dim, **style.THEORY_LINE)
            ax.set_ylim(-0.03, 1.03)
            ax.set_title(f"{style.MODEL_TITLES[model]}\n{SETTINGS[setting]}", fontsize=9)
            if row == len(names) - 1:
                ax.set_xlabel("hidden units k")
        axes[row, 0].set_ylabel("fraction reaching global min.")
    handles, labels = axes[0, 0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=4, bbox_to_anchor=(0.5, -0.01))
    fig.tight_layout(rect=(0, 0.06, 1, 1))
    return fig
