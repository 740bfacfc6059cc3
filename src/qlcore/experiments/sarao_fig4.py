"""Sarao Mannelli et al., Fig. 4: the string method from the student's start to the teacher.

§6 of the paper: for ``d = 4, 6, 8`` (red, purple, blue, as in the paper)
and a growing number of samples ``n``, the minimum-energy path of the training loss ``E_n``
(eq. 6) from ``A(0) = I`` (Theorem 5.2's start, the limit of a wide Gaussian student) to a
rank-one teacher ``A* = w w^T``, ``|w| = 1`` (``m* = 1``, Theorem 3.1: ``n_c = 2d - 1``),
computed by :func:`qlcore.samples.strings.string_method`. Below ``n_c`` the path typically ends
with a flat stretch at ``E_n = 0`` (the zero-loss set is larger than ``{A*}``); above it the loss
vanishes only at ``A*``. The population loss ``E`` (eq. 9) along the same path shows how little the
training landscape says about generalisation at small ``n``.

The paper's ``n`` values are not recoverable from the source. We take the same ``n`` for every
``d``, as the text implies ("gradually all the represented d will reach the critical size"):
``n = 4, 8, 12, 16, 24, 32`` against ``n_c = 7, 11, 15``. ``n = 4 <= d`` is below the threshold for
every ``d`` for sure, and ``n = 32`` is more than twice every ``n_c``. Each ``(d, n)`` has a few
independent instances (nested data across ``n``: instance ``t`` uses
:func:`qlcore.samples.teacher_student.make_data` with seed ``[seed, t]``); the figure shows
instance 0 and the cells compare every instance's flat stretch with the exact uniqueness verdict
of :func:`qlcore.samples.uniqueness.teacher_is_unique`. Instances run as one
:func:`qlcore.infra.sweep.run_sweep` (cached per instance, resumable, Dask with
``QLCORE_SCHEDULER``).
"""

from __future__ import annotations

import numpy as np

from qlcore.experiments import check_dicts, check_instance, check_result, check_scale
from qlcore.infra.checks import check_int, check_seed
from qlcore.infra.sweep import default_cache_dir, run_sweep
from qlcore.samples import strings, thresholds, uniqueness
from qlcore.samples.teacher_student import make_data
from qlcore.viz import style

FIGURE_ID = "sarao-fig4"
TITLE = (
    "String method: training and population loss along the minimum-energy path "
    "(Sarao Mannelli et al., Fig. 4)"
)
DEVICES = ("cpu",)  # computed with NumPy and SciPy, on the CPU
TEACHER = "orthonormal"  # m* = 1: one unit vector, A* = w w^T
DIM_COLOURS = {4: "#c0392b", 6: "#8e44ad", 8: "#2471a3"}  # the paper's red, purple, blue

SCALE_SETTINGS = {
    "quick": {
        "dims": [4],
        "n_values": [4, 10, 20],
        "trials": 1,
        "n_images": 30,
        "max_iterations": 6000,
        "tol": 1e-7,
        "zero_tol": 1e-4,
    },
    "paper": {
        "dims": [4, 6, 8],
        "n_values": [4, 8, 12, 16, 24, 32],
        "trials": 3,
        "n_images": 100,
        "max_iterations": 40000,
        "tol": 1e-7,
        "zero_tol": 1e-4,
    },
}


def instance(
    dim: int,
    n_samples: int,
    trial: int,
    seed: int,
    n_images: int,
    max_iterations: int,
    tol: float,
    zero_tol: float,
) -> dict:
    """One teacher-student instance: its converged string (losses normalised by their values at
    ``A(0) = I``, ray curvature of :func:`qlcore.samples.strings.ray_curvature`), the zero-loss
    stretch and the SDP verdict on ``S = {A*}``."""
    dim, n_samples = check_instance(dim, n_samples)
    trial = check_int(trial, "trial", minimum=0)
    seed = check_seed(seed)
    data = make_data(dim, 1, n_samples, TEACHER, seed=[seed, trial])
    start = np.eye(dim)
    path = strings.string_method(
        data.moments,
        data.teacher_matrix,
        start,
        n_images=n_images,
        max_iterations=max_iterations,
        tol=tol,
    )
    profile = strings.loss_profile(data.moments, data.teacher_matrix, path.images)
    curvature = strings.ray_curvature(profile)
    stretch = strings.zero_loss_stretch(profile, zero_tol)
    verdict = uniqueness.teacher_is_unique(data.x, data.teacher_matrix)
    return {
        "arc_length": profile.arc_length.tolist(),
        "training": (profile.training / profile.training[0]).tolist(),
        "population": (profile.population / profile.population[0]).tolist(),
        "ray_curvature": curvature.tolist(),
        "stretch": stretch,
        "stretch_fraction": stretch / profile.arc_length[-1],
        "sharpness": float(curvature[1:-1].min()),
        "iterations": path.iterations,
        "residual": path.residual,
        "converged": path.converged,
        "min_eigenvalue": float(np.linalg.eigvalsh(path.images).min()),
        "ends_fixed": bool(
            np.array_equal(path.images[0], start)
            and np.array_equal(path.images[-1], data.teacher_matrix)
        ),
        "sdp_unique": bool(verdict.unique),
        "loss_correlation": float(np.corrcoef(profile.training, profile.population)[0, 1]),
    }


def run(scale: str, seed: int = 0, device: str = "cpu", progress: bool | None = None) -> dict:
    """Every ``(d, n, instance)`` of the scale's settings as one
    :func:`qlcore.infra.sweep.run_sweep`; per ``(d, n)`` the instances' outcomes and a summary.
    ``device`` is unused (NumPy)."""
    settings = SCALE_SETTINGS[check_scale(scale)]
    fixed = {key: settings[key] for key in ("n_images", "max_iterations", "tol", "zero_tol")}
    grid = [(d, n) for d in settings["dims"] for n in settings["n_values"]]
    points = [
        {"dim": d, "n_samples": n, "trial": t, "seed": seed, **fixed}
        for d, n in grid
        for t in range(settings["trials"])
    ]
    outcomes = run_sweep(
        instance,
        points,
        cache_dir=default_cache_dir(),
        progress=progress is not False,
        description=FIGURE_ID,
    )
    cells = []
    for index, (d, n) in enumerate(grid):
        runs = outcomes[index * settings["trials"] : (index + 1) * settings["trials"]]
        flat = np.array([r["stretch"] > 0 for r in runs])
        unique = np.array([r["sdp_unique"] for r in runs])
        cells.append(
            {
                "d": d,
                "n": n,
                "n_critical": thresholds.n_critical(d, 1),
                "instances": runs,
                "n_flat": int(flat.sum()),
                "n_unique": int(unique.sum()),
                "n_agree": int(np.sum(flat != unique)),
            }
        )
    return {
        "figure": FIGURE_ID,
        "scale": scale,
        "seed": seed,
        "settings": settings,
        "teacher": TEACHER,
        "m_star": 1,
        "cells": cells,
        "claims": claims(cells),
    }


def claims(cells: list[dict]) -> dict:
    """Scale-independent checks of the result (booleans), for the chapter's claim cell:

    * ``flat_when_n_le_d``: every instance with ``n <= d`` (then ``S != {A*}`` for ``m* = 1``:
      no multipliers give ``Y w = 0``) has a zero-loss stretch;
    * ``sharp_when_injective``: every instance with ``n >= d(d+1)/2`` (the measurements determine
      every symmetric matrix, so ``S = {A*}``) has none;
    * ``flat_stretch_shrinks_with_n``: for each ``d``, instance 0 has a stretch at the smallest
      ``n`` and none at the largest;
    * ``losses_align_with_n``: for each ``d``, ``E_n`` and ``E`` along the string are more
      correlated at the largest ``n`` than at the smallest (instance 0).
    """
    cells = check_dicts(cells, "cells", ("d", "n", "instances"), "the cells of a sarao-fig4 result")
    for i, cell in enumerate(cells):
        check_dicts(
            cell["instances"],
            f"cells[{i}]['instances']",
            ("stretch", "loss_correlation"),
            "outcomes of instance()",
        )
    instances = [(c, r) for c in cells for r in c["instances"]]
    by_dim: dict[int, list[dict]] = {}
    for cell in cells:
        by_dim.setdefault(cell["d"], []).append(cell)
    ends = [
        (
            min(cs, key=lambda c: c["n"])["instances"][0],
            max(cs, key=lambda c: c["n"])["instances"][0],
        )
        for cs in by_dim.values()
    ]
    return {
        "flat_when_n_le_d": all(r["stretch"] > 0 for c, r in instances if c["n"] <= c["d"]),
        "sharp_when_injective": all(
            r["stretch"] == 0 for c, r in instances if c["n"] >= c["d"] * (c["d"] + 1) // 2
        ),
        "flat_stretch_shrinks_with_n": all(
            low["stretch"] > 0 and high["stretch"] == 0 for low, high in ends
        ),
        "losses_align_with_n": all(
            high["loss_correlation"] > low["loss_correlation"] for low, high in ends
        ),
    }


def plot(result: dict):
    """Top: ``E_n / E_n(A(0))`` (solid) and ``E / E(A(0))`` (dashed) along the string (image
    index), one panel per ``n``; bottom: the ray curvature (floored at 1e-16) on a log scale with
    the tolerance below which an image counts as on the zero-loss set."""
    import matplotlib.pyplot as plt

    check_result(result, FIGURE_ID, ("settings", "cells"))
    style.use()
    settings = result["settings"]
    n_values = settings["n_values"]
    fig, axes = plt.subplots(
        2,
        len(n_values),
        figsize=(2.6 * len(n_values) + 1, 5.6),
        sharex=True,
        sharey="row",
        squeeze=False,
    )
    for column, n in enumerate(n_values):
        top, bottom = axes[0, column], axes[1, column]
        for cell in (c for c in result["cells"] if c["n"] == n):
            run = cell["instances"][0]
            colour = DIM_COLOURS.get(cell["d"], "0.3")
            index = np.arange(len(run["training"]))
            verdict = "unique" if run["sdp_unique"] else "not unique"
            top.plot(
                index,
                run["training"],
                color=colour,
                lw=1.4,
                label=f"d = {cell['d']} (n_c = {cell['n_critical']}), {verdict}",
            )
            top.plot(index, run["population"], color=colour, lw=1.0, ls="--")
            curvature = np.maximum(run["ray_curvature"][:-1], 1e-16)  # 0 at A* by convention
            bottom.plot(index[:-1], curvature, color=colour, lw=1.2)
        bottom.axhline(settings["zero_tol"], **style.THEORY_LINE)
        top.set_title(f"n = {n}")
        top.legend(fontsize=6.5, loc="upper right")
        bottom.set_yscale("log")
        bottom.set_xlabel("image along the string")
    axes[0, 0].set_ylabel("loss / loss at A(0)\n(solid $E_n$, dashed $E$)")
    axes[1, 0].set_ylabel("ray curvature of $E_n$\n(relative to A(0))")
    fig.tight_layout()
    return fig
