"""Kazemipour, Larsen & Druckmann, Fig. 2: fraction of trials reaching the global minimum.

Setting (Section 4.1, Table 1): ``d = 10`` inputs with ``x_1 = 1``, ``N = 1500`` samples, widths
``k = 0..20``, three target models times three network variants, 100 trials per point
(5 data sets x 20 runs), 30,000 epochs of full-batch Adam with step 1e-3. A trial succeeds when
its NMSE is within 0.005 of the least-squares NMSE (the lifted convex optimum, eq. 2.5).

The orthogonality variant starts from the fixed point ``(lambda, Q) = (0, I)``, so its 20 runs on a
data set are the same computation; we train it once per data set and width and count it 20 times.
"""

from __future__ import annotations

import numpy as np

from qlcore.experiments import caller_names, check_dict, check_ints, check_result, check_scale
from qlcore.infra.checks import InputError, check_choice, check_device, check_entries, check_seed
from qlcore.infra.sweep import default_cache_dir, run_sweep
from qlcore.model import data, networks, train
from qlcore.viz import style

FIGURE_ID = "kazemipour-fig2"
TITLE = "Fraction of trials reaching the global minimum against width (Kazemipour et al., Fig. 2)"
DEVICES = ("cpu", "cuda")  # run passes device to the torch training
SUCCESS_TOLERANCE = 0.005

SCALE_SETTINGS = {
    "quick": {
        "dim": 10,
        "n_samples": 1500,
        "widths": list(range(0, 21, 2)),
        "n_datasets": 1,
        "runs": 2,
        "epochs": 3000,
        "record_every": 50,
        "dtype": "float32",
        "compile": False,
    },
    "paper": {
        "dim": 10,
        "n_samples": 1500,
        "widths": list(range(0, 21)),
        "n_datasets": 5,
        "runs": 20,
        "epochs": 30000,
        "record_every": 100,
        "dtype": "float32",
        "compile": True,
    },
}


def _numerical_rank(q: np.ndarray, rtol: float = 1e-3) -> int:
    if q.shape[1] == 0:
        return 0
    singular = np.linalg.svd(q, compute_uv=False)
    return int(np.sum(singular > rtol * max(singular.max(), 1e-300)))


def _check_settings(settings, keys) -> dict:
    """``settings`` if it is a dict with ``keys``, as an entry of :data:`SCALE_SETTINGS` is."""
    return check_dict(
        settings, "settings", keys, f"the settings of a scale of {FIGURE_ID} (SCALE_SETTINGS)"
    )


def _check_names(values, name: str, choices) -> list[str]:
    """``values`` as a list if it is a list or tuple of names among ``choices``."""
    if not isinstance(values, (list, tuple)):
        raise InputError(
            f"{name} must be a list of names among {choices}, got {values!r}", argument=name
        )
    return [check_choice(value, name, choices) for value in values]


def build_workload(
    settings: dict,
    seed: int = 0,
    *,
    models=data.TARGET_MODELS,
    variants=networks.VARIANTS,
    blocks=None,
):
    """Data sets and initial networks of Fig. 2 for ``settings`` (one of :data:`SCALE_SETTINGS`).

    Returns ``(datasets, students, layout)`` in the form :func:`qlcore.model.train.train_networks`
    takes: per data set ``(x, y)``, its list of students, and for each student its
    ``(variant, width, run)``. ``models`` and ``variants`` select a subset (the benchmarks use
    one model and one variant) and ``blocks`` the data sets of each model (default: all); a data
    set's seed depends on its model and block, not on the subset.
    """
    settings = _check_settings(settings, ("dim", "widths", "runs", "n_datasets", "n_samples"))
    seed = check_seed(seed)
    models = _check_names(models, "models", data.TARGET_MODELS)
    variants = _check_names(variants, "variants", networks.VARIANTS)
    blocks = None if blocks is None else check_ints(blocks, "blocks", minimum=0)
    dim, widths, runs = settings["dim"], settings["widths"], settings["runs"]
    datasets, students, layout = [], [], []
    for model in models:
        model_index = data.TARGET_MODELS.index(model)
        for block in range(settings["n_datasets"]) if blocks is None else blocks:
            dataset = data.make_dataset(
                model,
                n_samples=settings["n_samples"],
                dim=dim,
                seed=int(np.random.SeedSequence([seed, model_index, block]).generate_state(1)[0]),
            )
            rng = np.random.default_rng([seed, model_index, block, 1])
            group, group_layout = [], []
            for name in variants:
                spec = networks.variant(name)
                copies = 1 if name == "orthogonality" else runs
                for width in widths:
                    for run_index in range(copies):
                        net = networks.initial_network(name, dim, width, rng)
                        group.append(
                            train.Student(
                                net, gamma=spec.gamma(dataset.y), train_alpha=spec.train_alpha
                            )
                        )
                        group_layout.append((name, width, run_index))
            datasets.append((dataset.x, dataset.y))
            students.append(group)
            layout.append(group_layout)
    return datasets, students, layout


def train_as_in_table_1(datasets, students, settings: dict, device: str) -> train.TrainResult:
    """:func:`qlcore.model.train.train_networks` with the optimiser of Table 1: full-batch Adam at
    step 1e-3 for the scale's ``epochs``, in its ``dtype``, recording every ``record_every``."""
    settings = _check_settings(settings, ("epochs", "dtype", "record_every", "compile"))
    return train.train_networks(
        datasets,
        students,
        epochs=settings["epochs"],
        lr=1e-3,
        dtype=settings["dtype"],
        device=device,
        record_every=settings["record_every"],
        compile=settings["compile"],
        progress=False,
    )


def train_data_set(scale: str, seed: int, model: str, block: int, device: str = "cpu") -> dict:
    """Train every network of Fig. 2 on data set ``block`` of target ``model`` (one point of the
    sweep in :func:`run`). Returns the data set's least-squares NMSE, the recorded epochs, one row
    ``[variant, width, run, nmse, excess_nmse, certificate, q_rank]`` per network, and for data
    set 0 the NMSE trace of run 0 per variant and width."""
    settings = dict(SCALE_SETTINGS[check_scale(scale)])
    with caller_names(models="model", blocks="block"):
        datasets, students, layout = build_workload(settings, seed, models=[model], blocks=[block])
    result = train_as_in_table_1(datasets, students, settings, device)
    rows, traces = [], {}
    for m, (name, width, run_index) in enumerate(layout[0]):
        rows.append(
            [
                name,
                width,
                run_index,
                float(result.nmse[0, m]),
                float(result.excess_nmse[0, m]),
                float(result.certificate[0, m]),
                _numerical_rank(result.networks[0][m].q),
            ]
        )
        if block == 0 and run_index == 0:
            traces.setdefault(name, {})[str(width)] = result.history_nmse[:, 0, m].tolist()
    return {
        "least_squares_nmse": float(result.least_squares_nmse[0]),
        "trace_epochs": result.history_epochs.tolist(),
        "networks": rows,
        "traces": traces,
    }


def run(
    scale: str = "paper", seed: int = 0, *, device: str = "cpu", progress: bool | None = None
) -> dict:
    """Train every (model, data set, variant, width, run) of Fig. 2 and collect the results.

    The data sets are the points of one :func:`qlcore.infra.sweep.run_sweep` (a local process
    pool, or a Dask cluster with ``QLCORE_SCHEDULER``; on a GPU they run in this process), each
    cached when it finishes. Returns a JSON-ready dict with the settings, the least-squares NMSE
    of each data set, and per model and variant arrays of shape (data sets, runs, widths):
    ``nmse``, ``excess_nmse`` (NMSE minus the least-squares NMSE), ``certificate`` (Lemma C.1)
    and ``q_rank`` (numerical rank of ``Q``), plus ``success_fraction`` per width and the NMSE
    trace of run 0 of data set 0.
    """
    settings = dict(SCALE_SETTINGS[check_scale(scale)])
    points, outcomes = sweep_data_sets(train_data_set, settings, scale, seed, device, progress)
    return _collect(points, outcomes, settings, scale, seed)


def sweep_data_sets(function, settings: dict, scale: str, seed: int, device: str, progress):
    """``function(scale, seed, model, block, device)`` for every data set of ``settings``, as one
    :func:`qlcore.infra.sweep.run_sweep` (a local process pool, or Dask with ``QLCORE_SCHEDULER``;
    in this process on a GPU). Returns the points and their outcomes, in order."""
    if not callable(function):
        raise InputError(
            f"function must be a function of (scale, seed, model, block, device), got {function!r}",
            argument="function",
        )
    settings = _check_settings(settings, ("n_datasets",))
    check_scale(scale)
    seed = check_seed(seed)
    check_device(device)
    points = [
        {"scale": scale, "seed": seed, "model": model, "block": block, "device": device}
        for model in data.TARGET_MODELS
        for block in range(settings["n_datasets"])
    ]
    outcomes = run_sweep(
        function,
        points,
        cache_dir=default_cache_dir(),
        max_workers=None if device == "cpu" else 1,
        progress=progress is not False,
        description=function.__module__.rsplit(".", 1)[-1],
    )
    return points, outcomes


def relative_excess(excess_nmse, least_squares_nmse) -> np.ndarray:
    """Excess NMSE as a fraction of what a quadratic fit can explain at all.

    ``excess[b, ...] / (1 - NMSE_LS[b])`` for data set ``b``: the paper's criterion
    ``NMSE - NMSE_LS <= 0.005`` is absolute, and on the non-planted model, where ``NMSE_LS`` is
    near ``1 - 55 / 1500`` (a least-squares fit of ``55`` features to pure noise), it admits a
    network that misses a large part of the explainable ``1 - NMSE_LS``. For planted data
    (``NMSE_LS = 0``) the two coincide.
    """
    excess = check_entries(excess_nmse, "excess_nmse")
    explainable = 1.0 - check_entries(least_squares_nmse, "least_squares_nmse")
    if excess.ndim == 0 or explainable.shape != excess.shape[:1]:
        raise InputError(
            f"excess_nmse must have one leading row per data set of least_squares_nmse "
            f"({explainable.shape}), got shape {excess.shape}",
            argument="excess_nmse",
        )
    if not np.all(explainable > 0):
        raise InputError(
            "least_squares_nmse must be below 1 (something explainable) on every data set",
            argument="least_squares_nmse",
        )
    return excess / explainable.reshape((-1,) + (1,) * (excess.ndim - 1))


def claims(result: dict) -> dict:
    """The chapter's verdicts on Fig. 2 for widths ``k >= d`` (booleans), with the paper's
    criterion (excess NMSE ``<= 0.005``):

    * ``added_norm_global_from_d``: every added-norm trial in every model reaches the global
      minimum (Theorem 3.1(1) predicts it for ``k >= d``);
    * ``orthogonality_global_from_d``: the same for the orthogonality variant (Theorem 3.1(2));
    * ``regular_fails_at_d``: some regular trial at ``k = d`` in a planted model does not (the
      regular network has spurious minima, Example 2.1, so the theorem does not cover it);
    * ``criteria_agree_on_non_planted``: on the non-planted model the relative criterion
      (:func:`relative_excess` ``<= 0.005``) gives the same verdict as the absolute one in every
      trial with ``k >= d``;
    * ``absolute_accepts_below_d``: on the non-planted model some trial with ``k < d`` passes the
      absolute criterion. Its matrix has rank at most ``k < d``, so it is not the least-squares
      optimum unless that optimum is itself rank deficient (it is not, for generic data).
    """
    check_result(result, FIGURE_ID, ("settings", "success_tolerance", "cells"))
    dim, widths = result["settings"]["dim"], result["settings"]["widths"]
    wide = [i for i, k in enumerate(widths) if k >= dim]
    narrow = [i for i, k in enumerate(widths) if k < dim]
    if dim not in widths:
        raise InputError(f"the result has no width k = d = {dim}", argument="result")
    tolerance = result["success_tolerance"]

    def reached(model, name, columns, key="excess_nmse"):
        return np.asarray(result["cells"][model][name][key])[..., columns] <= tolerance

    planted = [m for m in data.TARGET_MODELS if m != "non-planted"]
    return {
        "added_norm_global_from_d": all(
            reached(m, "added-norm", wide).all() for m in data.TARGET_MODELS
        ),
        "orthogonality_global_from_d": all(
            reached(m, "orthogonality", wide).all() for m in data.TARGET_MODELS
        ),
        "regular_fails_at_d": any(
            not reached(m, "regular", [widths.index(dim)]).all() for m in planted
        ),
        "criteria_agree_on_non_planted": all(
            np.array_equal(
                reached("non-planted", name, wide),
                reached("non-planted", name, wide, "relative_excess"),
            )
            for name in networks.VARIANTS
        ),
        "absolute_accepts_below_d": any(
            reached("non-planted", name, narrow).any() for name in networks.VARIANTS
        ),
    }


def criteria_disagreements(result: dict, model: str = "non-planted") -> dict:
    """Per variant, the widths at which the absolute and the relative criterion (both ``<=``
    the result's tolerance) disagree on ``model``, with the number of such trials:
    ``{variant: {width: count}}`` (widths without disagreement left out)."""
    check_result(result, FIGURE_ID, ("settings", "success_tolerance", "cells"))
    model = check_choice(model, "model", data.TARGET_MODELS)
    tolerance, widths = result["success_tolerance"], result["settings"]["widths"]
    out = {}
    for name in networks.VARIANTS:
        cell = result["cells"][model][name]
        differ = (np.asarray(cell["excess_nmse"]) <= tolerance) != (
            np.asarray(cell["relative_excess"]) <= tolerance
        )
        counts = differ.sum(axis=(0, 1))
        out[name] = {int(k): int(c) for k, c in zip(widths, counts) if c}
    return out


def _collect(points, outcomes, settings, scale, seed) -> dict:
    widths, runs, n_blocks = settings["widths"], settings["runs"], settings["n_datasets"]
    shape = (n_blocks, runs, len(widths))
    keys = ("nmse", "excess_nmse", "certificate", "q_rank")
    per_cell = {
        model: {name: {key: np.zeros(shape) for key in keys} for name in networks.VARIANTS}
        for model in data.TARGET_MODELS
    }
    trace_epochs = outcomes[0]["trace_epochs"]
    traces = {
        model: {name: np.zeros((len(widths), len(trace_epochs))) for name in networks.VARIANTS}
        for model in data.TARGET_MODELS
    }
    least_squares = {model: [0.0] * n_blocks for model in data.TARGET_MODELS}
    for point, outcome in zip(points, outcomes):
        model, block = point["model"], point["block"]
        least_squares[model][block] = outcome["least_squares_nmse"]
        for name, width, run_index, *values in outcome["networks"]:
            w = widths.index(width)
            targets = range(runs) if name == "orthogonality" else [run_index]
            for r in targets:
                for key, value in zip(keys, values):
                    per_cell[model][name][key][block, r, w] = value
        for name, by_width in outcome["traces"].items():
            for width, trace in by_width.items():
                traces[model][name][widths.index(int(width))] = trace
    cells = {}
    for model in data.TARGET_MODELS:
        cells[model] = {}
        for name in networks.VARIANTS:
            cell = per_cell[model][name]
            relative = relative_excess(cell["excess_nmse"], least_squares[model])
            cells[model][name] = {
                **{k: v.tolist() for k, v in cell.items()},
                "relative_excess": relative.tolist(),
                "success_fraction": (cell["excess_nmse"] <= SUCCESS_TOLERANCE)
                .mean(axis=(0, 1))
                .tolist(),
                "relative_success_fraction": (relative <= SUCCESS_TOLERANCE)
                .mean(axis=(0, 1))
                .tolist(),
                "trace_nmse": traces[model][name].tolist(),
            }
    return {
        "figure": FIGURE_ID,
        "scale": scale,
        "seed": seed,
        "settings": settings,
        "success_tolerance": SUCCESS_TOLERANCE,
        "models": list(data.TARGET_MODELS),
        "variants": list(networks.VARIANTS),
        "least_squares_nmse": least_squares,
        "trace_epochs": trace_epochs,
        "cells": cells,
    }


def plot(result: dict):
    """Fig. 2: one panel per target model, success fraction against width, line at ``k = d``."""
    import matplotlib.pyplot as plt

    check_result(result, FIGURE_ID, ("settings", "models", "variants", "cells"))
    style.use()
    widths, dim = result["settings"]["widths"], result["settings"]["dim"]
    fig, axes = plt.subplots(1, 3, figsize=(11, 3.4), sharey=True)
    for ax, model in zip(axes, result["models"]):
        for name in result["variants"]:
            ax.plot(
                widths,
                result["cells"][model][name]["success_fraction"],
                marker="o",
                markersize=3.5,
                color=style.VARIANT_COLORS[name],
                label=style.VARIANT_LABELS[name],
            )
        ax.axvline(dim, **style.THEORY_LINE, label=f"k = d = {dim}")
        ax.set_title(style.MODEL_TITLES[model])
        ax.set_xlabel("hidden units k")
        ax.set_ylim(-0.03, 1.03)
    axes[0].set_ylabel("fraction reaching global minimum")
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=4, bbox_to_anchor=(0.5, -0.01))
    fig.tight_layout(rect=(0, 0.07, 1, 1))
    return fig
