"""Sarao Mannelli et al., Fig. 2: population loss of the flow (8) from ``A(0) = I``, four regimes.

The paper's panels show teachers with ``m* < d`` (first two, ``t^-2`` decay with the asymptote
(26) dotted) and ``m* >= d`` (last two, exponential decay). Its ``d``, ``m*`` and teacher type are
not recoverable from the source; we take Gaussian teachers (``w_i* ~ N(0, I)``,
``A* = W* W*^T / m*``) with ``m* = 1, d/2, d, 2d`` and several ``d``. Every curve is the eigenvalue
ODE (20) (Theorem 5.2), in the book's time normalisation (:mod:`qlcore.dynamics.flows`).
"""

from __future__ import annotations

import numpy as np

from qlcore.dynamics import flows
from qlcore.experiments import check_result, check_scale
from qlcore.experiments.cpu_only import require_cpu
from qlcore.infra.checks import check_int, check_seed
from qlcore.infra.sweep import default_cache_dir, run_sweep
from qlcore.viz import style

FIGURE_ID = "sarao-fig2"
TITLE = "Population loss against time in four regimes (Sarao Mannelli et al., Fig. 2)"
DEVICES = ("cpu",)  # computed with NumPy and SciPy, on the CPU
PANELS = (("m* = 1", 1, 0), ("m* = d/2", 0, 0.5), ("m* = d", 0, 1.0), ("m* = 2d", 0, 2.0))
"""Panel label and teacher width ``m* = constant + fraction * d``."""

SCALE_SETTINGS = {
    "quick": {"dims": [10, 20], "teachers": 1, "t_min": 1e-3, "t_max": 1e5, "n_times": 161},
    "paper": {"dims": [10, 20, 40], "teachers": 3, "t_min": 1e-3, "t_max": 1e5, "n_times": 321},
}


def teacher_width(panel: int, dim: int) -> int:
    """``m*`` of panel ``panel`` (0-3) at input dimension ``dim``."""
    _, constant, fraction = PANELS[check_int(panel, "panel", minimum=0, maximum=len(PANELS) - 1)]
    dim = check_int(dim, "dim", minimum=1)
    return int(constant + round(fraction * dim))


def teacher_curve(scale: str, seed: int, panel: int, dim: int, draw: int) -> dict:
    """``E(t)`` of the eigenvalue ODE (20) from ``A(0) = I`` for teacher ``draw`` of ``panel`` at
    dimension ``dim`` (one point of the sweep in :func:`run`), with its asymptotic prediction."""
    settings = SCALE_SETTINGS[check_scale(scale)]
    t = np.r_[0.0, np.geomspace(settings["t_min"], settings["t_max"], settings["n_times"])]
    width = teacher_width(panel, dim)  # checks panel and dim
    seed, draw = check_seed(seed), check_int(draw, "draw", minimum=0)
    rng = np.random.default_rng([seed, int(panel), int(dim), draw])
    teacher = flows.gaussian_teacher(dim, width, rng)
    rank = int(np.sum(teacher.eigenvalues > 0))
    curve = {
        "dim": dim,
        "teacher_width": width,
        "teacher_rank": rank,
        "draw": draw,
        "teacher_eigenvalues": teacher.eigenvalues.tolist(),
        "loss": flows.population_loss_curve(teacher.eigenvalues, t).tolist(),
    }
    if rank < dim:
        curve["t2_constant"] = flows.t2_constant(dim, rank)
    else:
        curve["kappa_min"] = flows.linearised_rate(teacher.eigenvalues)
    return curve


def run(
    scale: str = "paper", seed: int = 0, *, device: str = "cpu", progress: bool | None = None
) -> dict:
    """``E(t)`` for each panel, ``d`` and teacher draw, with the asymptotic prediction: the
    ``t^-2`` constant (26) for a rank-deficient teacher, the rate ``kappa_min`` of (28) for a
    full-rank one; one :func:`qlcore.infra.sweep.run_sweep` point per curve (local processes, or
    Dask with ``QLCORE_SCHEDULER``). ``device`` must be ``"cpu"`` (the ODEs run in SciPy)."""
    require_cpu(device, FIGURE_ID, "SciPy")
    settings = dict(SCALE_SETTINGS[check_scale(scale)])
    t = np.r_[0.0, np.geomspace(settings["t_min"], settings["t_max"], settings["n_times"])]
    points = [
        {"scale": scale, "seed": seed, "panel": p, "dim": dim, "draw": draw}
        for p in range(len(PANELS))
        for dim in settings["dims"]
        for draw in range(settings["teachers"])
    ]
    curves = run_sweep(
        teacher_curve,
        points,
        cache_dir=default_cache_dir(),
        progress=progress is not False,
        description=FIGURE_ID,
    )
    panels = [
        {"label": label, "curves": [c for q, c in zip(points, curves) if q["panel"] == p]}
        for p, (label, _, _) in enumerate(PANELS)
    ]
    return {
        "figure": FIGURE_ID,
        "scale": scale,
        "seed": seed,
        "settings": settings,
        "t": t.tolist(),
        "panels": panels,
    }


# The local decay rate is measured on the grid; the solver's relative tolerance 1e-10 on the
# deviations bounds its error far below this (the rate error is ~1e-10 / (2 kappa dt)).
RATE_RESOLUTION = 1e-6


def t2_deviation(result: dict, time: float) -> list[float]:
    """``|t^2 E(t) / C - 1|`` at the grid time nearest ``time`` for every rank-deficient curve of
    ``result``, ``C`` the ``t^-2`` constant (26)."""
    check_result(result, FIGURE_ID, ("t", "panels"))
    t = np.asarray(result["t"])
    i = int(np.argmin(np.abs(t - time)))
    return [
        abs(t[i] ** 2 * curve["loss"][i] / curve["t2_constant"] - 1)
        for panel in result["panels"]
        for curve in panel["curves"]
        if "t2_constant" in curve
    ]


def rate_deviations(result: dict) -> list[tuple[float, float]]:
    """For every full-rank curve, ``|r / (2 kappa_min) - 1|`` for the local decay rate
    ``r = -d ln E / dt`` (eq. 28) where ``E`` first falls below ``1e-10`` and at the last time
    with ``E > 1e-25`` (below, the solver's absolute tolerance makes ``E`` noise)."""
    check_result(result, FIGURE_ID, ("t", "panels"))
    t = np.asarray(result["t"])

    def deviation(loss, k, kappa):
        rate = -np.log(loss[k] / loss[k - 1]) / (t[k] - t[k - 1])
        return float(abs(rate / (2 * kappa) - 1))

    out = []
    for panel in result["panels"]:
        for curve in panel["curves"]:
            if "kappa_min" in curve:
                loss = np.asarray(curve["loss"])
                early = max(int(np.argmax(loss < 1e-10)), 2)
                last = int(np.flatnonzero(loss > 1e-25)[-1])
                out.append(
                    (
                        deviation(loss, early, curve["kappa_min"]),
                        deviation(loss, last, curve["kappa_min"]),
                    )
                )
    return out


def claims(result: dict) -> dict[str, bool]:
    """Scale-independent verdicts for the chapter's claim cell:

    * ``t2_limit``: for every rank-deficient curve, ``t^2 E`` tends to the constant (26): its
      relative deviation shrinks at least 5-fold from ``t = 1e3`` to ``1e4`` (the correction is
      relatively ``O(1/t)``, a 10-fold decrease per decade; a wrong constant leaves a deviation
      that does not shrink);
    * ``exponential_rate``: for every full-rank curve the local decay rate tends to
      ``2 kappa_min`` of (28): at the end of the curve its relative deviation is below the
      solver's resolution :data:`RATE_RESOLUTION` or at most half of what it was where ``E`` fell
      below ``1e-10`` (in the linear regime it shrinks like ``e^{-(kappa_2 - kappa_min) t}``).
    """
    late, later = t2_deviation(result, 1e3), t2_deviation(result, 1e4)
    rates = rate_deviations(result)
    return {
        "t2_limit": bool(late) and all(b <= a / 5 for a, b in zip(late, later)),
        "exponential_rate": bool(rates)
        and all(end < RATE_RESOLUTION or end <= early / 2 for early, end in rates),
    }


def plot(result: dict):
    """Four log-log panels of ``E(t)``, one colour per ``d``; dotted: ``C t^-2`` (26) in the
    rank-deficient panels, ``E(t_r) e^{-2 kappa_min (t - t_r)}`` (slope from (28), matched where
    ``E`` first falls below ``1e-16``, deep in the exponential tail) in the full-rank ones
    (:func:`qlcore.dynamics.flows.exponential_reference`). Values below ``1e-25`` (the solver's
    absolute tolerance makes them noise) are not drawn."""
    import matplotlib.pyplot as plt

    check_result(result, FIGURE_ID, ("settings", "t", "panels"))
    style.use()
    t = np.asarray(result["t"])
    dims = result["settings"]["dims"]
    colors = dict(zip(dims, plt.cm.viridis(np.linspace(0.1, 0.8, len(dims)))))
    fig, axes = plt.subplots(1, len(result["panels"]), figsize=(12, 3.4), sharey=True)
    for ax, panel in zip(axes, result["panels"]):
        for curve in panel["curves"]:
            loss = np.asarray(curve["loss"])
            shown = (t > 0) & (loss > 1e-25)
            first = curve["draw"] == 0
            ax.plot(
                t[shown],
                loss[shown],
                color=colors[curve["dim"]],
                lw=1.3,
                label=f"d = {curve['dim']}" if first else None,
            )
            if not first:
                continue
            if "t2_constant" in curve:
                late = t > 1e-1
                ax.plot(
                    t[late],
                    curve["t2_constant"] / t[late] ** 2,
                    color="black",
                    ls=":",
                    lw=1.2,
                    label="(26): C t⁻²" if curve["dim"] == dims[0] else None,
                )
            elif reference := flows.exponential_reference(t, loss, 2 * curve["kappa_min"]):
                ax.plot(
                    *reference,
                    color="black",
                    ls=":",
                    lw=1.2,
                    label="slope of (28)" if curve["dim"] == dims[0] else None,
                )
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_ylim(1e-20, 1e3)
        ax.set_xlim(t[1], t[-1])
        ax.set_title(panel["label"])
        ax.set_xlabel("t")
        ax.legend(fontsize=7, loc="lower left")
    axes[0].set_ylabel("E(t) = 2 × population loss")
    fig.tight_layout()
    return fig
