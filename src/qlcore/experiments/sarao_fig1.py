"""Sarao Mannelli et al., Fig. 1: the sample-complexity threshold ``alpha_c = n_c / d^2`` against
``rho* = m* / d``, from theory and from gradient descent.

Theory: the counting argument of App. A.5 gives ``n_c(d, m*)`` (eq. 13) and, as ``d -> infinity``
with ``m* = rho* d``, ``alpha_c(rho*) = rho* - rho*^2 / 2`` for ``rho* < 1`` and ``1/2`` beyond
(eq. 14). Numerics: for each ``d`` and teacher width ``m*``, gradient descent runs on independent
instances at ``n = round(r n_c)``, ``r`` in :data:`~qlcore.experiments.sarao_recovery.FIT_RATIOS`,
and the App. B.3 extrapolation (:func:`qlcore.samples.recovery.extrapolate_threshold`) of the
median time to reach ``E(A) / E(A(0)) < 1e-3`` gives ``alpha_c`` with a 95% Student-t interval (the
paper's circles; its four ``d`` and its ``rho*`` grid are not recoverable from the source).

The settings are those of ``sarao-recovery`` (its docstring gives the reasons): ``A(0) = I``,
width ``d``, step ``0.3 / (d (d + 2))``, ``t_max = 500``, threshold ``1e-3``, the same fit window
relative to ``n_c``, and its ``m* = 1`` points are shared with it. Teachers: orthonormal, ``A* =
sum_i w_i w_i^T`` with ``m* < d`` orthonormal ``w_i``; for ``m* >= d`` the Gaussian teacher of
eq. 4, since the orthonormal one would be ``A* = I = A(0)`` (the trivial case the paper notes in
App. B.4). Uniqueness depends on ``A*`` only through its range, so the two teachers share the
threshold ``n_c``; the times differ.

The ``paper`` scale uses ``d = 3, 4, 6, 8`` and ``m*`` in ``{1} U {round(rho d): rho = 1/4, 1/2,
3/4, 1}``, 60 runs per point (the paper's Fig. B.2 used 100): 127 points, about 15 CPU-minutes
(one point costs 1, 2, 5 and 16 CPU-seconds at ``d = 3, 4, 6, 8``, whatever ``n``; 11 minutes on
2 shared cores). ``d = 10`` (45 CPU-seconds a point) would cost more than all four. ``quick``
runs two ``m*`` at ``d = 4`` with 12 runs to ``t_max = 200``: the same code, on data too small
for a meaningful ``alpha_c``.
"""

from __future__ import annotations

import numpy as np

from qlcore.experiments import check_dicts, check_result, check_scale
from qlcore.experiments.sarao_recovery import FIT_RATIOS, RECOVERED_LEVEL, THRESHOLD
from qlcore.infra.checks import InputError, as_vector, check_int
from qlcore.infra.sweep import default_cache_dir, run_sweep
from qlcore.samples import recovery, thresholds
from qlcore.viz import style

FIGURE_ID = "sarao-fig1"
TITLE = "Phase diagram: alpha_c = n_c / d^2 against rho* = m* / d (Sarao Mannelli et al., Fig. 1)"
DEVICES = ("cpu",)  # computed with NumPy and SciPy, on the CPU

SCALE_SETTINGS = {
    "quick": {"dims": [4], "rhos": [1.0], "runs": 12, "t_max": 200.0},
    "paper": {"dims": [3, 4, 6, 8], "rhos": [0.25, 0.5, 0.75, 1.0], "runs": 60, "t_max": 500.0},
}


def teacher_widths(dim: int, rhos) -> list[int]:
    """``m* = 1`` and ``round(rho d)`` (at least 1) for each ``rho > 0``, without repeats."""
    dim = check_int(dim, "dim", minimum=1)
    rhos = as_vector(rhos, "rhos", empty_ok=True)
    widths = [float(rho) * dim for rho in rhos]
    if not all(0 < width < float("inf") for width in widths):
        raise InputError(
            f"rhos must be > 0, with rho * dim finite, got {rhos.tolist()} and dim = {dim}",
            argument="rhos",
        )
    return sorted({1} | {max(1, round(width)) for width in widths})


def run(scale: str, seed: int = 0, device: str = "cpu", progress: bool | None = None) -> dict:
    """One :func:`qlcore.infra.sweep.run_sweep` over every ``(d, m*, n)`` (local processes, or Dask
    with ``QLCORE_SCHEDULER``; each point cached on disk), then one extrapolation per ``(d, m*)``.
    ``device`` is unused (NumPy)."""
    settings = dict(
        SCALE_SETTINGS[check_scale(scale)], threshold=THRESHOLD, fit_ratios=list(FIT_RATIOS)
    )
    grid = [
        (
            d,
            m,
            "orthonormal" if m < d else "gaussian",
            recovery.samples_above_threshold(d, m, FIT_RATIOS),
        )
        for d in settings["dims"]
        for m in teacher_widths(d, settings["rhos"])
    ]
    points = [
        {
            "dim": d,
            "m_star": m,
            "n_samples": n,
            "runs": settings["runs"],
            "t_max": settings["t_max"],
            "threshold": THRESHOLD,
            "teacher": teacher,
            "seed": seed,
        }
        for d, m, teacher, samples in grid
        for n in samples
    ]
    outcomes = iter(
        run_sweep(
            recovery.simulate_recovery,
            points,
            cache_dir=default_cache_dir(),
            progress=progress is not False,
            description=FIGURE_ID,
        )
    )
    curves = []
    for d, m, teacher, samples in grid:
        results = [next(outcomes) for _ in samples]
        extrapolation = recovery.extrapolate_threshold(
            np.array(samples) / d**2, [r["crossing_times"] for r in results]
        )
        counting = thresholds.n_critical(d, m) / d**2
        fit = extrapolation["fit"]
        curves.append(
            {
                "d": d,
                "m_star": m,
                "rho": m / d,
                "teacher": teacher,
                "n_critical": thresholds.n_critical(d, m),
                "counting_alpha_c": counting,
                "limit_alpha_c": thresholds.alpha_critical(m / d),
                "samples": samples,
                "recovered_fraction": [
                    recovery.recovered_fraction(r["final_generalisation"], THRESHOLD).fraction
                    for r in results
                ],
                "extrapolation": extrapolation,
                "counting_in_interval": None
                if fit is None
                else bool(fit["alpha_c_interval"][0] <= counting <= fit["alpha_c_interval"][1]),
                "counting_in_profile_interval": None
                if fit is None
                else bool(
                    (
                        fit["alpha_c_profile_interval"][0] is None
                        or fit["alpha_c_profile_interval"][0] <= counting
                    )
                    and counting <= fit["alpha_c_profile_interval"][1]
                ),
            }
        )
    rho = np.linspace(0, 1.1, 111)
    return {
        "figure": FIGURE_ID,
        "scale": scale,
        "seed": seed,
        "settings": settings,
        "curves": curves,
        "theory": {
            "rho": rho.tolist(),
            "alpha_c": [thresholds.alpha_critical(float(r)) for r in rho],
        },
    }


def informative(curve: dict) -> bool:
    """Does the extrapolation of ``curve`` say something about ``alpha_c``? ``False`` when there
    is no fit, when the profile-likelihood interval is unbounded below, or when the 95%
    Student-t interval is wider than the quantity it brackets, the counting value
    ``n_c / d^2``."""
    (curve,) = check_dicts([curve], "curve", ("extrapolation", "counting_alpha_c"), "a curve")
    fit = curve["extrapolation"]["fit"]
    if fit is None or fit["alpha_c_profile_interval"][0] is None:
        return False
    low, high = fit["alpha_c_interval"]
    return high - low < curve["counting_alpha_c"]


def claims(curves: list[dict]) -> dict:
    """Scale-independent verdict (boolean) for the chapter's claim cell:

    * ``most_recover_at_top``: for every ``(d, m*)``, at the top of the fit window
      (``n = 2.2 n_c``) at least :data:`~qlcore.experiments.sarao_recovery.RECOVERED_LEVEL` of the
      runs recover the teacher (the level is ours: it pins an observation).
    """
    curves = check_dicts(curves, "curves", ("recovered_fraction",), "curves of a sarao-fig1 result")
    return {
        "most_recover_at_top": bool(curves)
        and all(c["recovered_fraction"][-1] >= RECOVERED_LEVEL for c in curves)
    }


def plot(result: dict):
    """(a) ``alpha_c`` against ``rho*``: eq. 14 (line), the finite-``d`` counting values
    ``n_c / d^2`` (open markers) and the GD extrapolations with 95% Student-t intervals (filled);
    (b) the same extrapolations as ``d^2 alpha_c - n_c``, in samples. Interval bars are cut at
    the frame."""
    import matplotlib.pyplot as plt

    check_result(result, FIGURE_ID, ("settings", "theory", "curves"))
    style.use()
    fig, axes = plt.subplots(1, 2, figsize=(10.5, 4))
    axes[0].plot(
        result["theory"]["rho"],
        result["theory"]["alpha_c"],
        color="black",
        lw=1.5,
        label="eq. 14 (d → ∞)",
    )
    dims = result["settings"]["dims"]
    colours = dict(zip(dims, plt.cm.plasma(np.linspace(0, 0.8, len(dims)))))
    for d in dims:
        curves = [c for c in result["curves"] if c["d"] == d]
        rho = [c["rho"] for c in curves]
        axes[0].plot(
            rho,
            [c["counting_alpha_c"] for c in curves],
            "o--",
            mfc="none",
            lw=0.8,
            color=colours[d],
            label=f"n_c / d², d = {d}",
        )
        fitted = [c for c in curves if c["extrapolation"]["fit"] is not None]
        for c in fitted:
            fit = c["extrapolation"]["fit"]
            low, high = fit["alpha_c_interval"]
            offset = (d - np.mean(dims)) * 0.004  # keep the bars of the d apart
            for ax, scale, centre in ((axes[0], 1, 0), (axes[1], d**2, c["n_critical"])):
                ax.errorbar(
                    c["rho"] + offset,
                    scale * fit["alpha_c"] - centre,
                    [[scale * (fit["alpha_c"] - low)], [scale * (high - fit["alpha_c"])]],
                    fmt="o",
                    color=colours[d],
                    ms=5,
                    capsize=2,
                )
        axes[1].plot([], [], "o", color=colours[d], label=f"d = {d}")
    axes[0].plot([], [], "o", color="0.4", label="GD extrapolation, 95% CI")
    axes[0].set(
        xlabel="ρ* = m* / d",
        ylabel="α_c = n_c / d²",
        ylim=(0, 0.8),
        title="(a) sample-complexity threshold",
    )
    estimates = [
        c["d"] ** 2 * c["extrapolation"]["fit"]["alpha_c"] - c["n_critical"]
        for c in result["curves"]
        if c["extrapolation"]["fit"] is not None
    ]
    reach = 1.3 * max([abs(e) for e in estimates] + [1.0])
    axes[1].axhline(0, **style.THEORY_LINE)
    axes[1].set(
        xlabel="ρ* = m* / d",
        ylabel="d² α_c − n_c (samples)",
        ylim=(-reach, reach),
        title="(b) extrapolated minus counting threshold",
    )
    for ax in axes:
        ax.legend(fontsize=7)
    fig.tight_layout()
    return fig
