"""Sarao Mannelli et al., Figs. B.6 and B.7: the orthogonal teacher's Lotka–Volterra system.

Left: phase portrait of (B.1)-(B.2) with its three fixed points and trajectories (Fig. B.6).
Middle and right: the exact ``lambda(t)``, ``mu(t)`` and ``E(t)`` from ``A(0) = I`` against
the approximations (B.3), (B.5) and our reading of (27) (Fig. B.7). The paper's parameters are
not recoverable from the source: the portrait uses ``d = 10``, ``m* = 2`` so that the saddle
``(0, m* lambda* / (d - m* + 2))`` is visible, the time courses ``d = 100``, ``m* = 2``; all with
``lambda* = 1``.
"""

from __future__ import annotations

import numpy as np

from qlcore.dynamics.lotka_volterra import OrthogonalTeacherFlow
from qlcore.experiments import check_result, check_scale
from qlcore.experiments.cpu_only import require_cpu
from qlcore.viz import style

FIGURE_ID = "sarao-figb6"
TITLE = (
    "Orthogonal teacher: Lotka-Volterra phase portrait and regimes (Sarao Mannelli et al., "
    "Figs. B.6-B.7)"
)
DEVICES = ("cpu",)  # computed with NumPy and SciPy, on the CPU
PORTRAIT = {"dim": 10, "rank": 2, "eigenvalue": 1.0}
REGIMES = {"dim": 100, "rank": 2, "eigenvalue": 1.0}
STARTS = [(1.0, 1.0), (0.05, 1.0), (1.2, 0.6), (0.3, 0.02), (0.01, 0.25), (1.2, 0.05)]

SCALE_SETTINGS = {"quick": {"grid": 15, "n_times": 200}, "paper": {"grid": 25, "n_times": 600}}


def run(
    scale: str = "paper", seed: int = 0, *, device: str = "cpu", progress: bool | None = None
) -> dict:
    """Vector field, fixed points and trajectories of the portrait system; exact and approximate
    time courses of the regime system. Deterministic: ``seed`` is recorded only."""
    require_cpu(device, FIGURE_ID, "SciPy")
    settings = dict(SCALE_SETTINGS[check_scale(scale)])
    portrait = OrthogonalTeacherFlow(**PORTRAIT)
    lam_grid = np.linspace(0.0, 1.25, settings["grid"])
    mu_grid = np.linspace(0.0, 1.05, settings["grid"])
    dlam, dmu = portrait.rhs(*np.meshgrid(lam_grid, mu_grid))
    t_path = np.r_[0.0, np.geomspace(1e-4, 1e3, settings["n_times"])]
    paths = [portrait.solve(t_path, initial=start) for start in STARTS]
    regimes = OrthogonalTeacherFlow(**REGIMES)
    t = np.r_[0.0, np.geomspace(1e-4, 1e3, settings["n_times"])]
    exact = regimes.solve(t)
    times = regimes.regime_times()
    return {
        "figure": FIGURE_ID,
        "scale": scale,
        "seed": seed,
        "settings": settings,
        "portrait": {
            **PORTRAIT,
            "lam_grid": lam_grid.tolist(),
            "mu_grid": mu_grid.tolist(),
            "dlam": dlam.tolist(),
            "dmu": dmu.tolist(),
            "paths": [{"lam": p.lam.tolist(), "mu": p.mu.tolist()} for p in paths],
            "fixed_points": [
                {
                    "lam": f.lam,
                    "mu": f.mu,
                    "kind": f.kind,
                    "jacobian_eigenvalues": list(f.jacobian_eigenvalues),
                }
                for f in portrait.fixed_points()
            ],
        },
        "regimes": {
            **REGIMES,
            "t": t.tolist(),
            "lam": exact.lam.tolist(),
            "mu": exact.mu.tolist(),
            "loss": exact.loss.tolist(),
            "mu_b3": regimes.mu_b3(t).tolist(),
            "lam_b5": regimes.lam_b5(t).tolist(),
            "lam_b5_rate4": regimes.lam_b5(t, rate=4.0 * regimes.eigenvalue).tolist(),
            "loss_27": regimes.loss_27(t).tolist(),
            "t1_b4": regimes.t1_b4(),
            "t_min": times.t_min,
            "t_half": times.t_half,
        },
    }


def plot(result: dict):
    """Phase portrait (left), eigenvalues (middle) and loss (right) against ``t``."""
    import matplotlib.pyplot as plt

    check_result(result, FIGURE_ID, ("portrait", "regimes"))
    style.use()
    fig, axes = plt.subplots(1, 3, figsize=(13, 3.9))
    portrait = result["portrait"]
    ax = axes[0]
    ax.streamplot(
        np.asarray(portrait["lam_grid"]),
        np.asarray(portrait["mu_grid"]),
        np.asarray(portrait["dlam"]),
        np.asarray(portrait["dmu"]),
        color="0.7",
        density=0.9,
        linewidth=0.7,
        arrowsize=0.8,
    )
    for k, path in enumerate(portrait["paths"]):
        ax.plot(
            path["lam"],
            path["mu"],
            color="#2471a3" if k else "#c0392b",
            lw=1.5 if k else 2,
            label="from A(0) = I" if k == 0 else None,
        )
    markers = {"unstable node": ("o", "white"), "saddle": ("s", "orange")}
    for point in portrait["fixed_points"]:
        marker, face = markers.get(point["kind"], ("*", "black"))
        ax.plot(
            point["lam"],
            point["mu"],
            marker=marker,
            markersize=9 if marker != "*" else 14,
            markerfacecolor=face,
            markeredgecolor="black",
            ls="none",
            clip_on=False,
            label=point["kind"].split(" (")[0],
        )
    ax.set_xlim(0, 1.25)
    ax.set_ylim(0, 1.05)
    ax.set_xlabel("informative λ")
    ax.set_ylabel("non-informative μ")
    ax.set_title(f"(B.1)-(B.2), d = {portrait['dim']}, m* = {portrait['rank']}, λ* = 1")
    ax.legend(fontsize=7, loc="upper right")

    regimes = result["regimes"]
    t = np.asarray(regimes["t"])[1:]

    def series(key):
        return np.asarray(regimes[key])[1:]

    ax = axes[1]
    ax.plot(t, series("lam"), color="#c0392b", label="λ exact")
    ax.plot(t, series("mu"), color="#2471a3", label="μ exact")
    ax.plot(t, series("mu_b3"), color="#2471a3", ls=":", label="μ (B.3)")
    after = t >= regimes["t1_b4"]
    ax.plot(
        t[after], series("lam_b5")[after], color="#c0392b", ls=":", label="λ (B.5), rate 2(m*+2)λ*"
    )
    ax.plot(
        t[after],
        series("lam_b5_rate4")[after],
        color="#c0392b",
        ls="--",
        lw=1,
        label="λ logistic, rate 4λ*",
    )
    for key, name, height in (
        ("t1_b4", "t₁ (B.4)", 1.6),
        ("t_min", "t_min", 0.01),
        ("t_half", "t_half", 1.6),
    ):
        ax.axvline(regimes[key], color="0.5", lw=0.8, ls="-." if key == "t1_b4" else "-")
        ax.text(regimes[key], height, name, rotation=90, fontsize=7, ha="right", va="top")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_ylim(1e-4, 2)
    ax.set_xlabel("t")
    ax.set_title(f"eigenvalues, d = {regimes['dim']}, m* = {regimes['rank']}")
    ax.legend(fontsize=7, loc="lower left")

    ax = axes[2]
    ax.plot(t, series("loss"), color="black", label="E exact (21)")
    ax.plot(t, series("loss_27"), color="black", ls=":", label="reading of (27)")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("t")
    ax.set_title("loss")
    ax.legend(fontsize=7, loc="lower left")
    fig.tight_layout()
    return fig
