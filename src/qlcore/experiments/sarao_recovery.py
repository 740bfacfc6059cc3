"""Sarao Mannelli et al., App. B.2-B.3 for a rank-one teacher: does GD recover it, and from which n?

Theorem 3.1 (eqs. 10-12) puts the threshold of a rank-one teacher at ``alpha = n / d = 2``, and
the counting of eq. 13 at ``n_c / d = (2d - 1) / d`` for finite ``d``; Theorem 4.1 says gradient
descent reaches a zero of the empirical loss, so it recovers the teacher when that zero is unique.
For a few ``d`` this experiment runs gradient descent
(:func:`qlcore.samples.recovery.simulate_recovery`) on independent instances at each ``n`` and shows

* (a) the fraction of runs whose generalisation error ``E(A) / E(A(0))`` (eq. 9) is below
  ``threshold`` at ``t_max`` (Fig. B.2, left), with binomial standard errors;
* (b) the median time to cross ``threshold`` on the window ``n = r n_c``, ``r`` in
  ``FIT_RATIOS``, and the App. B.3 power-law fit ``tau ~ (alpha - alpha_c)^-gamma`` with its 95%
  Student-t interval for ``alpha_c`` (and the profile-likelihood interval as a check).

Choices, fixed before the runs from our own preliminary checks (the paper's ``epsilon``, ``T``,
learning rate and ``d`` list are not recoverable from the source): ``threshold = 1e-3`` on
``E(A) / E(A(0))``; a student of width ``d`` from ``A(0) = I`` (Theorem 5.2's start: by Lemma 2.1
the flow of ``A`` then depends on the data alone, no initialisation noise); the unit-norm teacher
``A* = w w^T``, ``|w| = 1`` (recovery depends on ``A*`` only through its range, so the teacher's
scale would only add noise to the times); Euler step ``0.3 / (d (d + 2))``; flow time
``t_max = 500`` (longer than the preliminary 150k steps at ``d = 10``, ``t = 375``); the fit
window ``r = 1.25 ... 2.2``, the preliminary ``alpha = 2.4 ... 4`` at ``d = 10``
(``n / n_c = 1.26 ... 2.1``) on 8 points. Points where fewer than half of the runs cross by
``t_max`` have no relaxation time and are left out of the fit. The runs are the points of one
:func:`qlcore.infra.sweep.run_sweep`, shared with ``sarao-fig1`` (its ``m* = 1`` curves) when the
settings agree.

The ``paper`` scale (``d = 4, 6, 8, 10``, 60 runs per point; the paper's Fig. B.2 used 100) costs
about 15 CPU-minutes alone, 11 of them at ``d = 10``, and 11 after ``sarao-fig1``.
"""

from __future__ import annotations

import numpy as np

from qlcore.experiments import check_dicts, check_result, check_scale
from qlcore.infra.sweep import default_cache_dir, run_sweep
from qlcore.samples import recovery, thresholds
from qlcore.viz import style

FIGURE_ID = "sarao-recovery"
TITLE = "Recovery of a rank-one teacher by GD and the relaxation-time extrapolation (App. B.2-B.3)"
DEVICES = ("cpu",)  # computed with NumPy and SciPy, on the CPU

FIT_RATIOS = (1.25, 1.35, 1.45, 1.6, 1.75, 1.9, 2.05, 2.2)
"""The fit window ``n = round(r n_c)`` (shared with ``sarao-fig1``)."""
THRESHOLD = 1e-3
"""``epsilon`` on the generalisation error ``E(A) / E(A(0))``."""
RECOVERED_LEVEL = 0.9
"""The fraction of runs that counts as "nearly every run recovers": a level we set, not a bound
from theory (shared with ``sarao-fig1``)."""
TRAINED_LEVEL = 1e-4
"""The median final training loss ``E_n`` that counts as "training converged": a level we set;
Theorem 4.1 only says ``E_n -> 0`` as ``t -> infinity``."""

SCALE_SETTINGS = {
    "quick": {"dims": [4], "runs": 12, "t_max": 200.0, "fraction_n_over_d": [1.0, 2.0]},
    "paper": {
        "dims": [4, 6, 8, 10],
        "runs": 60,
        "t_max": 500.0,
        "fraction_n_over_d": [1.0, 1.5, 1.75, 2.0, 2.25],
    },
}


def run(scale: str, seed: int = 0, device: str = "cpu", progress: bool | None = None) -> dict:
    """For each ``d``: the runs at the fraction-only ``n = round(ratio d)`` and at the fit window,
    one :func:`qlcore.infra.sweep.run_sweep` for all (local processes, or Dask with
    ``QLCORE_SCHEDULER``; each point cached on disk). ``device`` is unused (NumPy)."""
    settings = dict(
        SCALE_SETTINGS[check_scale(scale)],
        threshold=THRESHOLD,
        fit_ratios=list(FIT_RATIOS),
        teacher="orthonormal",
    )
    grid = {
        d: (
            sorted(
                {max(1, round(r * d)) for r in settings["fraction_n_over_d"]}
                | set(recovery.samples_above_threshold(d, 1, FIT_RATIOS))
            ),
            recovery.samples_above_threshold(d, 1, FIT_RATIOS),
        )
        for d in settings["dims"]
    }
    points = [
        {
            "dim": d,
            "m_star": 1,
            "n_samples": n,
            "runs": settings["runs"],
            "t_max": settings["t_max"],
            "threshold": THRESHOLD,
            "teacher": "orthonormal",
            "seed": seed,
        }
        for d, (samples, _) in grid.items()
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
    for d, (samples, window) in grid.items():
        by_n = {n: next(outcomes) for n in samples}
        fractions = [
            recovery.recovered_fraction(by_n[n]["final_generalisation"], THRESHOLD) for n in samples
        ]
        extrapolation = recovery.extrapolate_threshold(
            np.array(window) / d, [by_n[n]["crossing_times"] for n in window]
        )
        counting = thresholds.n_critical(d, 1) / d
        fit = extrapolation["fit"]
        curves.append(
            {
                "d": d,
                "samples": samples,
                "n_over_d": [n / d for n in samples],
                "recovered_fraction": [f.fraction for f in fractions],
                "recovered_fraction_se": [f.standard_error for f in fractions],
                "median_training_loss": [
                    float(np.median(by_n[n]["final_training_loss"])) for n in samples
                ],
                "window": window,
                "extrapolation": extrapolation,
                "counting_alpha_c": counting,
                "counting_in_interval": None
                if fit is None
                else bool(fit["alpha_c_interval"][0] <= counting <= fit["alpha_c_interval"][1]),
            }
        )
    return {
        "figure": FIGURE_ID,
        "scale": scale,
        "seed": seed,
        "settings": settings,
        "limit_alpha_c": 2.0,
        "curves": curves,
    }


def claims(curves: list[dict]) -> dict:
    """Scale-independent verdicts (booleans) for the chapter's claim cell, for every ``d``:

    * ``no_recovery_at_n_equals_d``: at ``n = d`` no run recovers the teacher. For ``m* = 1`` and
      ``n <= d`` the teacher is not the only PSD zero of ``E_n`` (App. A.5: no multipliers give
      ``Y w = 0``), so recovery would need the run to land on ``A*`` among a continuum of zeros;
    * ``training_converges_at_n_equals_d``: yet the median final training loss there is below
      :data:`TRAINED_LEVEL` (Theorem 4.1; the level is ours);
    * ``most_recover_at_top``: at the top of the fit window (``n = 2.2 n_c``) at least
      :data:`RECOVERED_LEVEL` of the runs recover (the level is ours: it pins an observation).
    """
    what = "curves of a sarao-recovery result"
    curves = check_dicts(
        curves,
        "curves",
        ("d", "samples", "window", "recovered_fraction", "median_training_loss"),
        what,
    )
    at_d = [c["samples"].index(c["d"]) if c["d"] in c["samples"] else None for c in curves]
    top = [c["samples"].index(c["window"][-1]) for c in curves]
    return {
        "no_recovery_at_n_equals_d": bool(curves)
        and all(i is not None and c["recovered_fraction"][i] == 0 for c, i in zip(curves, at_d)),
        "training_converges_at_n_equals_d": bool(curves)
        and all(
            i is not None and c["median_training_loss"][i] < TRAINED_LEVEL
            for c, i in zip(curves, at_d)
        ),
        "most_recover_at_top": bool(curves)
        and all(c["recovered_fraction"][i] >= RECOVERED_LEVEL for c, i in zip(curves, top)),
    }


def plot(result: dict):
    """(a) fraction of runs recovered against ``n / d``; (b) median crossing times on the fit
    window with the fitted power laws (cut at 30 times the longest time), ``alpha_c`` (dashed)
    and its 95% Student-t interval (shaded, cut at the frame); dotted: the counting value
    ``n_c / d = (2d - 1) / d``."""
    import matplotlib.pyplot as plt

    check_result(result, FIGURE_ID, ("settings", "limit_alpha_c", "curves"))
    style.use()
    fig, axes = plt.subplots(1, 2, figsize=(10.5, 4))
    curves = result["curves"]
    colours = plt.cm.viridis(np.linspace(0, 0.8, len(curves)))
    low_edge = 0.9 * min(c["counting_alpha_c"] for c in curves)
    high_edge = 1.05 * max(max(c["extrapolation"]["alpha"]) for c in curves)
    times = [t for c in curves for t in c["extrapolation"]["relaxation_times"] if t is not None]
    for colour, curve in zip(colours, curves):
        d = curve["d"]
        axes[0].errorbar(
            curve["n_over_d"],
            curve["recovered_fraction"],
            curve["recovered_fraction_se"],
            fmt="o-",
            color=colour,
            ms=4,
            capsize=2,
            label=f"d = {d}",
        )
        extrapolation = curve["extrapolation"]
        alpha = np.array(extrapolation["alpha"])
        tau = np.array([np.nan if t is None else t for t in extrapolation["relaxation_times"]])
        axes[1].plot(alpha, tau, "o", color=colour, ms=4, label=f"d = {d}")
        fit = extrapolation["fit"]
        if fit is not None:
            low, high = fit["alpha_c_interval"]
            start = max(fit["alpha_c"], low_edge) + 1e-3 * np.ptp(alpha)
            grid = np.linspace(start, alpha.max(), 300)
            axes[1].plot(
                grid,
                np.exp(fit["log_prefactor"] - fit["gamma"] * np.log(grid - fit["alpha_c"])),
                "-",
                color=colour,
                lw=1,
            )
            axes[1].axvline(
                fit["alpha_c"],
                color=colour,
                ls="--",
                lw=1,
                label=f"α_c = {fit['alpha_c']:.2f} [{low:.2f}, {high:.2f}]",
            )
            axes[1].axvspan(max(low, low_edge), min(high, high_edge), color=colour, alpha=0.08)
        for ax in axes:
            ax.axvline(curve["counting_alpha_c"], color=colour, ls=":", lw=1.2)
    axes[0].axvline(result["limit_alpha_c"], **style.THEORY_LINE, label="α = 2 (Thm 3.1)")
    axes[0].set(
        xlabel="α = n / d",
        ylabel=f"fraction with E/E(0) < {result['settings']['threshold']:g}",
        title="(a) runs that recover the teacher (dotted: n_c / d)",
    )
    axes[1].set(
        xlabel="α = n / d",
        ylabel="median time to cross",
        yscale="log",
        xlim=(low_edge, high_edge),
        ylim=(0.5 * min(times, default=1.0), 30 * max(times, default=1.0)),
        title="(b) relaxation times, power-law fits, α_c with 95% CI",
    )
    for ax in axes:
        ax.legend(fontsize=7)
    fig.tight_layout()
    return fig
