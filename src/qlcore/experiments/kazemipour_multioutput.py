"""Multi-output QL networks (Kazemipour et al., Theorem 3.2, appendix E): success against width.

Setting (Fig. 2's, with ``M`` outputs): ``d = 10`` inputs ``x ~ N(0, I)`` with ``x_1 = 1``,
``N = 1500`` samples, targets ``y_m = A_m . x x^T`` with ``A_m`` symmetric with i.i.d. ``N(0, 1)``
entries on and above the diagonal, independently per output (``planted-gaussian`` of
:mod:`qlcore.model.data`), ``M = 2`` and ``3``, widths ``k = 2, 4, .., 40``, 5 data sets. Each
data set trains (:func:`qlcore.deep.multioutput.train_multioutput`, 30,000 epochs of full-batch
Adam at step 1e-3, Fig. 2's optimiser):

* the added-norm network (Theorem 3.2 / E.1), 20 random starts per width;
* the block-orthogonality network (Theorem E.2, eq. E.4: output ``m`` uses the ``m``-th block
  of ``d`` units), once per width: its start ``lam = 0``, ``Q = [I .. I]`` is deterministic;
* the ``d(d+1)/2`` fixed units ``e_i + e_j`` with only ``lam`` trained (Lemma E.1), once.

A run succeeds when its NMSE is within 0.005 of the optimum (``SUCCESS_TOLERANCE`` of Fig. 2),
the per-output least squares on quadratic features. The theorems predict success for every
``k >= M d``. The paper has no figure for this theorem: the setting is ours (Fig. 2's, with
``M`` outputs).
"""

from __future__ import annotations

import numpy as np

from qlcore.deep import multioutput
from qlcore.experiments import check_dict, check_result, check_scale
from qlcore.experiments.kazemipour_fig2 import SUCCESS_TOLERANCE
from qlcore.infra.checks import check_device, check_positive_int, check_seed
from qlcore.infra.sweep import default_cache_dir, run_sweep
from qlcore.model import data
from qlcore.viz import style

FIGURE_ID = "kazemipour-multioutput"
TITLE = "Multi-output QL networks: fraction of runs reaching the global minimum against width"
DEVICES = ("cpu", "cuda")  # run passes device to the torch training
VARIANTS = ("added-norm", "block-orthogonality")
"""The variants trained at every width; the fixed units are trained once per data set."""
VARIANT_COLORS = {
    "added-norm": style.VARIANT_COLORS["added-norm"],
    "block-orthogonality": style.VARIANT_COLORS["orthogonality"],
}
VARIANT_MARKERS = {"added-norm": "o", "block-orthogonality": "s"}
VARIANT_LABELS = {
    "added-norm": "Added norm (Thm. E.1)",
    "block-orthogonality": "Block orthogonality (Thm. E.2)",
}

SCALE_SETTINGS = {
    "quick": {
        "dim": 3,
        "n_samples": 60,
        "outputs": [2, 3],
        "widths": list(range(1, 13)),
        "n_datasets": 2,
        "runs": 3,
        "epochs": 6000,
        "dtype": "float32",
    },
    "paper": {
        "dim": 10,
        "n_samples": 1500,
        "outputs": [2, 3],
        "widths": list(range(2, 41, 2)),
        "n_datasets": 5,
        "runs": 20,
        "epochs": 30000,
        "dtype": "float32",
    },
}


def _check_settings(settings, keys) -> dict:
    return check_dict(
        settings, "settings", keys, f"the settings of a scale of {FIGURE_ID} (SCALE_SETTINGS)"
    )


def make_data_set(settings: dict, seed: int, outputs: int, block: int):
    """Inputs ``x`` (N, d) and targets ``y`` (N, M) of data set ``block`` with ``M = outputs``:
    ``x ~ N(0, I)`` with ``x_1 = 1``, ``y_m = A_m . x x^T`` with independent planted-Gaussian
    ``A_m``. The same arguments always give the same data."""
    settings = _check_settings(settings, ("dim", "n_samples"))
    seed = check_seed(seed)
    outputs = check_positive_int(outputs, "outputs")
    block = check_positive_int(block, "block", minimum=0)
    rng = np.random.default_rng([seed, outputs, block])
    x = data.gaussian_inputs(settings["n_samples"], settings["dim"], rng)
    teachers = [
        data.planted_matrix("planted-gaussian", settings["dim"], rng) for _ in range(outputs)
    ]
    return x, np.stack([data.quadratic_form(x, a) for a in teachers], axis=1)


def train_data_set(scale: str, seed: int, outputs: int, block: int, device: str = "cpu") -> dict:
    """Train every network of data set ``block`` with ``M = outputs`` (one point of the sweep in
    :func:`run`). Returns the optimum NMSE and one row ``[variant, width, run, nmse,
    excess_nmse, certificate]`` per network (the fixed units as variant ``"fixed-units"``)."""
    settings = dict(SCALE_SETTINGS[check_scale(scale)])
    x, y = make_data_set(settings, seed, outputs, block)
    dim, widths, runs = settings["dim"], settings["widths"], settings["runs"]
    rng = np.random.default_rng([seed, outputs, block, 1])
    fixed = multioutput.fixed_pair_units(dim)
    workload = {
        "added-norm": [
            ((k, r), multioutput.random_start(dim, k, outputs, rng))
            for k in widths
            for r in range(runs)
        ],
        "block-orthogonality": [((k, 0), multioutput.block_start(dim, k, outputs)) for k in widths],
        "fixed-units": [
            (
                (fixed.shape[1], 0),
                multioutput.MultiOutputNetwork(np.zeros((outputs, fixed.shape[1])), fixed),
            )
        ],
    }
    rows, optimum = [], None
    for variant, items in workload.items():
        result = multioutput.train_multioutput(
            x,
            y,
            [start for _, start in items],
            epochs=settings["epochs"],
            lr=1e-3,
            variant=variant,
            dtype=settings["dtype"],
            device=device,
            record_every=settings["epochs"],
            progress=False,
        )
        optimum = result.optimum_nmse
        for ((width, run_index), _), nmse, cert in zip(items, result.nmse, result.certificate):
            rows.append(
                [variant, width, run_index, float(nmse), float(nmse - optimum), float(cert)]
            )
    return {"optimum_nmse": optimum, "networks": rows}


def run(
    scale: str = "paper", seed: int = 0, *, device: str = "cpu", progress: bool | None = None
) -> dict:
    """Train every (M, data set, variant, width, run) and collect the results.

    The data sets are the points of one :func:`qlcore.infra.sweep.run_sweep` (a local process
    pool, or a Dask cluster with ``QLCORE_SCHEDULER``; on a GPU they run in this process), each
    cached when it finishes. Returns a JSON-ready dict with the settings, ``optimum_nmse`` per
    ``M`` (a list over data sets), ``cells[M][variant]`` with ``nmse``, ``excess_nmse`` and
    ``certificate`` of shape (data sets, runs, widths) (one run for block orthogonality) and
    ``success_fraction`` per width, and ``fixed_units[M]`` with the width ``d(d+1)/2`` and
    ``nmse``, ``excess_nmse`` and ``certificate`` per data set. Keys ``M`` are strings (JSON).
    """
    settings = dict(SCALE_SETTINGS[check_scale(scale)])
    seed = check_seed(seed)
    check_device(device)
    points = [
        {"scale": scale, "seed": seed, "outputs": outputs, "block": block, "device": device}
        for outputs in settings["outputs"]
        for block in range(settings["n_datasets"])
    ]
    outcomes = run_sweep(
        train_data_set,
        points,
        cache_dir=default_cache_dir(),
        max_workers=None if device == "cpu" else 1,
        progress=progress is not False,
        description=train_data_set.__module__.rsplit(".", 1)[-1],
    )
    return _collect(points, outcomes, settings, scale, seed)


def _collect(points, outcomes, settings, scale, seed) -> dict:
    widths, n_blocks = settings["widths"], settings["n_datasets"]
    runs = {"added-norm": settings["runs"], "block-orthogonality": 1}
    keys = ("nmse", "excess_nmse", "certificate")
    labels = [str(m) for m in settings["outputs"]]
    cells = {
        m: {v: {key: np.zeros((n_blocks, runs[v], len(widths))) for key in keys} for v in VARIANTS}
        for m in labels
    }
    fixed = {m: {key: np.zeros(n_blocks) for key in keys} for m in labels}
    optimum = {m: [0.0] * n_blocks for m in labels}
    for point, outcome in zip(points, outcomes):
        m, block = str(point["outputs"]), point["block"]
        optimum[m][block] = outcome["optimum_nmse"]
        for variant, width, run_index, *values in outcome["networks"]:
            for key, value in zip(keys, values):
                if variant == "fixed-units":
                    fixed[m][key][block] = value
                else:
                    cells[m][variant][key][block, run_index, widths.index(width)] = value
    dim = settings["dim"]
    return {
        "figure": FIGURE_ID,
        "scale": scale,
        "seed": seed,
        "settings": settings,
        "success_tolerance": SUCCESS_TOLERANCE,
        "variants": list(VARIANTS),
        "optimum_nmse": optimum,
        "cells": {
            m: {
                v: {
                    **{key: value.tolist() for key, value in cell.items()},
                    "success_fraction": (cell["excess_nmse"] <= SUCCESS_TOLERANCE)
                    .mean(axis=(0, 1))
                    .tolist(),
                }
                for v, cell in by_variant.items()
            }
            for m, by_variant in cells.items()
        },
        "fixed_units": {
            m: {"width": dim * (dim + 1) // 2, **{key: value.tolist() for key, value in f.items()}}
            for m, f in fixed.items()
        },
    }


def plot(result: dict):
    """One panel per ``M``: success fraction against width for both variants, a line at
    ``k = M d``; the title gives the fixed-unit networks' largest excess NMSE."""
    import matplotlib.pyplot as plt

    check_result(result, FIGURE_ID, ("settings", "variants", "cells", "fixed_units"))
    style.use()
    settings = result["settings"]
    widths, dim, labels = settings["widths"], settings["dim"], [str(m) for m in settings["outputs"]]
    fig, axes = plt.subplots(1, len(labels), figsize=(4.2 * len(labels), 3.4), sharey=True)
    for ax, m in zip(np.atleast_1d(axes), labels):
        for name in result["variants"]:
            ax.plot(
                widths,
                result["cells"][m][name]["success_fraction"],
                marker=VARIANT_MARKERS[name],
                markersize=3.5,
                color=VARIANT_COLORS[name],
                label=VARIANT_LABELS[name],
            )
        ax.axvline(int(m) * dim, **style.THEORY_LINE, label="k = M d")
        fixed = result["fixed_units"][m]
        ax.set_title(
            f"M = {m} outputs, d = {dim}\nfixed units (k = {fixed['width']}): "
            f"excess NMSE ≤ {max(fixed['excess_nmse']):.1e}"
        )
        ax.set_xlabel("hidden units k")
        ax.set_ylim(-0.03, 1.03)
    np.atleast_1d(axes)[0].set_ylabel("fraction reaching global minimum")
    handles, names = np.atleast_1d(axes)[0].get_legend_handles_labels()
    fig.legend(handles, names, loc="lower center", ncol=3, bbox_to_anchor=(0.5, -0.01))
    fig.tight_layout(rect=(0, 0.08, 1, 1))
    return fig
