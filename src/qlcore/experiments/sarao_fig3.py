"""Sarao Mannelli et al., Fig. 3: training and population loss of GD for ``m* = 1`` against ``n``.

Gradient descent on the student weights (eq. 3) with the empirical loss of ``n`` samples, for ``n``
around the threshold ``n_c = 2d - 1`` (Theorem 3.1, eq. 13): above it the typical run reaches zero
population loss, below it the training loss goes to zero while the population loss does not. Dashed:
the population flow (8) from ``A(0) = I``; dotted: our reading of eq. (27), whose exact form is not
recoverable from the source. The paper's ``d`` and ``n`` values are not recoverable either; we use
``d = 10``. The teacher is one unit vector (``lambda* = 1``; for ``m* = 1`` both normalisations of
the paper agree). Students start at ``A(0) = I`` exactly (``init="identity"``), so the dashed line
is in the same time units with the same start.
"""

from __future__ import annotations

import numpy as np

from qlcore.dynamics import flows, lotka_volterra
from qlcore.experiments import check_result, check_scale
from qlcore.experiments.cpu_only import require_cpu
from qlcore.infra.checks import InputError, check_int, check_seed
from qlcore.infra.sweep import default_cache_dir, run_sweep
from qlcore.viz import style

FIGURE_ID = "sarao-fig3"
TITLE = (
    "Training and population loss of GD for m* = 1 around n = 2d (Sarao Mannelli et al., Fig. 3)"
)
DEVICES = ("cpu",)  # computed with NumPy and SciPy, on the CPU
DIM = 10

SCALE_SETTINGS = {
    "quick": {
        "dim": DIM,
        "samples": [10, 19, 30, 60],
        "datasets": 2,
        "step_size": 0.005,
        "t_max": 50.0,
        "n_records": 40,
    },
    "paper": {
        "dim": DIM,
        "samples": [10, 14, 18, 22, 26, 30, 40, 60],
        "datasets": 10,
        "step_size": 0.005,
        "t_max": 1000.0,
        "n_records": 80,
    },
}


def _teacher_and_inputs(settings: dict, seed: int):
    """The teacher and every data set of the figure, drawn in one fixed order."""
    dim, datasets = settings["dim"], settings["datasets"]
    teacher = flows.orthonormal_teacher(dim, 1, np.random.default_rng([seed, 0]))
    rng = np.random.default_rng([seed, 1])
    inputs = [rng.standard_normal((n, dim)) for n in settings["samples"] for _ in range(datasets)]
    return teacher, inputs


def train_at_n(scale: str, seed: int, n: int) -> dict:
    """GD on the weights (width ``d``, ``A(0) = I``) on every data set of ``n`` samples (one point
    of the sweep in :func:`run`): the recorded times and the training and population losses
    (data sets x times)."""
    settings = SCALE_SETTINGS[check_scale(scale)]
    if check_int(n, "n") not in settings["samples"]:
        raise InputError(
            f"n must be one of the {scale} scale's samples {settings['samples']}, got {n}",
            argument="n",
        )
    teacher, inputs = _teacher_and_inputs(settings, check_seed(seed))
    first = settings["samples"].index(n) * settings["datasets"]
    runs = flows.train_student_weights(
        teacher.matrix,
        width=settings["dim"],
        step_size=settings["step_size"],
        t_max=settings["t_max"],
        inputs=inputs[first : first + settings["datasets"]],
        init="identity",
        seed=seed,
        n_records=settings["n_records"],
    )
    return {
        "t": runs.t.tolist(),
        "training_loss": runs.training_loss.tolist(),
        "population_loss": runs.population_loss.tolist(),
    }


def run(
    scale: str = "paper", seed: int = 0, *, device: str = "cpu", progress: bool | None = None
) -> dict:
    """GD on the weights (width ``d``, ``A(0) = I``) for every ``n`` and data set, one
    :func:`qlcore.infra.sweep.run_sweep` point per ``n`` (local processes, or Dask with
    ``QLCORE_SCHEDULER``); returns the losses per ``n`` (data sets x recorded times) and the
    reference curves. ``device`` must be ``"cpu"`` (NumPy)."""
    require_cpu(device, FIGURE_ID)
    settings = dict(SCALE_SETTINGS[check_scale(scale)])
    dim = settings["dim"]
    outcomes = run_sweep(
        train_at_n,
        [{"scale": scale, "seed": seed, "n": n} for n in settings["samples"]],
        cache_dir=default_cache_dir(),
        progress=progress is not False,
        description=FIGURE_ID,
    )
    teacher, _ = _teacher_and_inputs(settings, seed)
    t = np.asarray(outcomes[0]["t"])
    t_flow = t[t > 0]
    orthogonal = lotka_volterra.OrthogonalTeacherFlow(dim, 1, 1.0)
    return {
        "figure": FIGURE_ID,
        "scale": scale,
        "seed": seed,
        "settings": settings,
        "threshold": 2 * dim - 1,
        "t": t.tolist(),
        "training_loss": [o["training_loss"] for o in outcomes],
        "population_loss": [o["population_loss"] for o in outcomes],
        "flow_t": t_flow.tolist(),
        "flow_loss": flows.population_loss_curve(teacher.eigenvalues, t_flow).tolist(),
        "loss_27": orthogonal.loss_27(t_flow).tolist(),
    }


def claims(result: dict) -> dict[str, bool]:
    """Verdicts for the chapter's claim cell (``E_n``, ``E`` at the last recorded time):

    * ``training_decreases``: ``E_n`` decreases at every recorded time of every run (gradient
      descent with a step below ``2 / L`` decreases the loss it descends);
    * ``fits_data_not_teacher``: for ``n <= 1.5 d`` (well below ``n_c = 2d - 1``) every run has
      ``E_n < 1e-3 E`` and ``E > 1e-2``;
    * ``learns_above``: at the largest ``n`` the median ``E`` is below ``1e-2`` times that at the
      smallest ``n``.

    The thresholds ``1e-3`` and ``1e-2`` are orders of magnitude that separate "tends to zero"
    from "stays of order one" at the run's horizon; they are not error estimates.
    """
    check_result(result, FIGURE_ID, ("settings", "training_loss", "population_loss"))
    samples = np.asarray(result["settings"]["samples"])
    train = np.asarray(result["training_loss"], dtype=float)
    population = np.asarray(result["population_loss"], dtype=float)
    few = samples <= 1.5 * result["settings"]["dim"]
    end_train, end_population = train[few][..., -1], population[few][..., -1]
    return {
        "training_decreases": bool(np.all(np.diff(train, axis=-1) <= 0)),
        "fits_data_not_teacher": bool(few.any())
        and bool(np.all(end_train < 1e-3 * end_population) and np.all(end_population > 1e-2)),
        "learns_above": bool(
            np.median(population[-1, :, -1]) < 1e-2 * np.median(population[0, :, -1])
        ),
    }


def plot(result: dict):
    """Left: ``E_n``, twice the training loss; right: ``E``, twice the population loss (the
    book's normalisation, eq. 6); median over data sets per
    ``n`` (colour), dashed the population flow (8), dotted our reading of (27)."""
    import matplotlib.pyplot as plt

    check_result(
        result,
        FIGURE_ID,
        (
            "settings",
            "t",
            "threshold",
            "training_loss",
            "population_loss",
            "flow_t",
            "flow_loss",
            "loss_27",
        ),
    )
    style.use()
    t = np.asarray(result["t"])
    samples = result["settings"]["samples"]
    colors = plt.cm.coolwarm(np.linspace(0, 1, len(samples)))
    fig, axes = plt.subplots(1, 2, figsize=(10, 3.8), sharey=True)
    for ax, key, title in zip(
        axes,
        ("training_loss", "population_loss"),
        ("$E_n$ = 2 × training loss", "$E$ = 2 × population loss"),
    ):
        for color, n, losses in zip(colors, samples, result[key]):
            median = np.median(np.asarray(losses), axis=0)
            ax.plot(t[1:], np.maximum(median[1:], 1e-300), color=color, lw=1.3, label=f"n = {n}")
        ax.plot(
            result["flow_t"],
            result["flow_loss"],
            color="black",
            ls="--",
            lw=1.2,
            label="population flow (8)",
        )
        ax.plot(
            result["flow_t"],
            result["loss_27"],
            color="black",
            ls=":",
            lw=1.2,
            label="reading of (27)",
        )
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_ylim(1e-12, 1e2)
        ax.set_xlabel("t")
        ax.set_title(
            f"{title}, d = {result['settings']['dim']}, m* = 1, n_c = 2d - 1 = "
            f"{result['threshold']}",
            fontsize=9,
        )
    axes[0].set_ylabel("median over data sets")
    axes[1].legend(fontsize=7, ncol=2, loc="lower left")
    fig.tight_layout()
    return fig
