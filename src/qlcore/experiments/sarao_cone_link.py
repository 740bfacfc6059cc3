"""Theorem 3.1 of Sarao Mannelli et al. through its cones: extremal rays against the SDP verdict.

For a rank-one teacher ``A* = w w^T`` and Gaussian inputs ``x_1..x_n`` the proof (App. A.4,
eqs. A.7-A.12) reduces "is ``A*`` the only PSD matrix that fits the data?" to "are all
sign-corrected vectors ``z_k = sign(v . x_k) x_k`` extremal rays of their cone?", where ``v`` is
the negative eigendirection of ``A - A*`` for a competing solution ``A``. That ``v`` is unknown
before solving; the natural computable stand-in is the teacher's own direction ``w`` (on
``w^perp`` every ``A - A*`` is PSD). For each instance this experiment records

* the exact verdict of :func:`qlcore.samples.uniqueness.teacher_is_unique` (SDP, Clarabel);
* ``F_1`` of ``pos(z_1..z_n)`` with ``z_k = sign(w . x_k) x_k`` (LP, :mod:`qlcore.cones.geometry`);

and the cone criterion's prediction "unique iff ``F_1 < n``", to say how often and where the two
agree. The cone ``pos(z)`` is always proper, but it is *not* a uniformly chosen proper cone as in
Cover-Efron's Theorem 3' (the cell of the arrangement containing ``w`` is picked with probability
proportional to its size), so ``E[F_1]`` is compared with the formula, not assumed equal to it.
"""

from __future__ import annotations

import numpy as np
from scipy import stats

from qlcore.cones import counts, geometry
from qlcore.experiments import check_dicts, check_instance, check_result, check_scale
from qlcore.infra.checks import InputError, check_int, check_real, check_seed
from qlcore.infra.sweep import default_cache_dir, run_sweep
from qlcore.samples import thresholds, uniqueness
from qlcore.viz import style

FIGURE_ID = "sarao-cone-link"
ROW_KEYS = (
    "d",
    "n",
    "trials",
    "p_sdp_unique",
    "sdp_unique_cone_not",
    "cone_unique_sdp_not",
    "mean_ray_fraction",
    "mean_ray_fraction_se",
    "cover_efron_ray_fraction",
    "n_critical",
)
"""Keys of a row of :func:`run` that :func:`claims` and :func:`converse_failures` read."""
TITLE = "Rank-one teacher: extremal rays of the sign-corrected cone against SDP uniqueness"
DEVICES = ("cpu",)  # computed with NumPy and SciPy, on the CPU

SCALE_SETTINGS = {
    "quick": {"dims": [5], "n_over_d": [1.0, 1.6, 2.0, 2.4, 3.0, 4.0], "trials": 12},
    "paper": {
        "dims": [6, 10],
        "n_over_d": [1.0, 1.4, 1.6, 1.8, 2.0, 2.2, 2.4, 2.7, 3.0, 3.5, 4.0],
        "trials": 100,
    },
}


def instance(dim: int, n_samples: int, seed: int) -> dict:
    """One rank-one teacher and ``n_samples`` inputs in ``R^dim``, ``dim >= 2`` (in ``R^1`` every
    input spans the same ray): the SDP verdict and the cone's ``F_1``."""
    dim, n_samples = check_instance(check_int(dim, "dim", minimum=2), n_samples)
    seed = check_seed(seed)
    rng = np.random.default_rng(seed)
    teacher = rng.standard_normal(dim)
    x = rng.standard_normal((n_samples, dim))
    verdict = uniqueness.teacher_is_unique(x, np.outer(teacher, teacher), seed=seed)
    rays = len(geometry.extremal_rays(x * np.sign(x @ teacher)[:, None]))
    return {"sdp_unique": bool(verdict.unique), "extremal_rays": rays}


def run(scale: str, seed: int = 0, device: str = "cpu", progress: bool | None = None) -> dict:
    """For each ``d`` and ``n = round(ratio d)``: ``trials`` instances, run as one
    :func:`qlcore.infra.sweep.run_sweep` (local processes, or Dask with ``QLCORE_SCHEDULER``; each
    instance cached on disk, so an interrupted run resumes). ``device`` is unused."""
    settings = SCALE_SETTINGS[check_scale(scale)]
    grid = [
        (d, n)
        for d in settings["dims"]
        for n in sorted({max(2, round(r * d)) for r in settings["n_over_d"]})
    ]
    seeds = np.random.SeedSequence(seed).generate_state(len(grid) * settings["trials"])
    points = [
        {"dim": d, "n_samples": n, "seed": int(seeds[i * settings["trials"] + t])}
        for i, (d, n) in enumerate(grid)
        for t in range(settings["trials"])
    ]
    outcomes = run_sweep(
        instance,
        points,
        cache_dir=default_cache_dir(),
        progress=progress is not False,
        description=FIGURE_ID,
    )
    rows = []
    for i, (d, n) in enumerate(grid):
        runs = outcomes[i * settings["trials"] : (i + 1) * settings["trials"]]
        sdp = np.array([r["sdp_unique"] for r in runs])
        rays = np.array([r["extremal_rays"] for r in runs])
        cone_says_unique = rays < n
        rows.append(
            {
                "d": d,
                "n": n,
                "trials": len(runs),
                "p_sdp_unique": float(sdp.mean()),
                "p_cone_unique": float(cone_says_unique.mean()),
                "agreement": float((sdp == cone_says_unique).mean()),
                "sdp_unique_cone_not": int((sdp & ~cone_says_unique).sum()),
                "cone_unique_sdp_not": int((~sdp & cone_says_unique).sum()),
                "mean_ray_fraction": float((rays / n).mean()),
                "mean_ray_fraction_se": float((rays / n).std(ddof=1) / np.sqrt(len(runs))),
                "cover_efron_ray_fraction": float(counts.expected_faces(n, d, 1) / n)
                if n > 1
                else 1.0,
                "n_critical": thresholds.n_critical(d, 1),
            }
        )
    return {"figure": FIGURE_ID, "scale": scale, "seed": seed, "settings": settings, "rows": rows}


def _rows(result) -> list[dict]:
    """The rows of ``result`` (the dict that :func:`run` returns), each checked to hold
    :data:`ROW_KEYS`."""
    check_result(result, FIGURE_ID, ("rows",))
    return check_dicts(result["rows"], "result['rows']", ROW_KEYS, "rows of run()")


def claims(result: dict, level: float = 0.01) -> dict[str, bool]:
    """The chapter's verdicts on the rows of :func:`run`, observations on the instances drawn:

    * ``"cone_implies_sdp"``: no instance had ``F_1 < n`` (a non-extremal ray of the teacher's
      cone) while the SDP found a competitor;
    * ``"sdp_unique_from_3d"``: at every ``n >= 3d`` the SDP found the teacher unique in every
      instance;
    * ``"more_rays_than_cover_efron"``: at every ``n > d`` the mean fraction of extremal rays
      exceeds Cover-Efron's ``E[F_1 | proper] / n`` by more than ``z`` standard errors, ``z`` the
      one-sided Bonferroni bound ``Phi^-1(1 - level / m)`` over the ``m`` rows with ``n > d``
      (a standard error of 0, every instance with the same fraction, counts as infinitely many).
    """
    rows = _rows(result)
    level = check_real(level, "level")
    if not 0 < level < 1:
        raise InputError(f"level must be between 0 and 1, got {level}", argument="level")
    above = [r for r in rows if r["n"] > r["d"]]
    bound = stats.norm.isf(level / max(len(above), 1))
    return {
        "cone_implies_sdp": all(r["cone_unique_sdp_not"] == 0 for r in rows),
        "sdp_unique_from_3d": all(r["p_sdp_unique"] == 1 for r in rows if r["n"] >= 3 * r["d"]),
        "more_rays_than_cover_efron": all(
            r["mean_ray_fraction"] - r["cover_efron_ray_fraction"]
            > bound * r["mean_ray_fraction_se"]
            for r in above
        ),
    }


def converse_failures(result: dict) -> dict:
    """Where the cone criterion misses uniqueness: the range of ``n / d`` over the rows with an
    instance that the SDP finds unique while every ray of the teacher's cone is extremal
    (``min_ratio``, ``max_ratio``, ``None`` if there is none), whether some lie below and some
    above the paper's ``n_c`` (``below_critical``, ``above_critical``), their number ``count`` and
    the number of ``instances`` in all rows."""
    rows = _rows(result)
    missed = [r for r in rows if r["sdp_unique_cone_not"] > 0]
    ratios = [r["n"] / r["d"] for r in missed]
    return {
        "min_ratio": min(ratios) if ratios else None,
        "max_ratio": max(ratios) if ratios else None,
        "below_critical": any(r["n"] < r["n_critical"] for r in missed),
        "above_critical": any(r["n"] > r["n_critical"] for r in missed),
        "count": sum(r["sdp_unique_cone_not"] for r in rows),
        "instances": sum(r["trials"] for r in rows),
    }


def plot(result: dict):
    """(a) fraction unique by the SDP and by the cone criterion against ``n / d``; (b) the mean
    fraction of extremal rays of the sign-corrected cone with Cover-Efron's formula."""
    import matplotlib.pyplot as plt

    check_result(result, FIGURE_ID, ("settings", "rows"))
    style.use()
    fig, axes = plt.subplots(1, 2, figsize=(10, 3.8))
    dims = result["settings"]["dims"]
    colours = plt.cm.viridis(np.linspace(0, 0.75, len(dims)))
    for colour, d in zip(colours, dims):
        rows = [r for r in result["rows"] if r["d"] == d]
        ratio = np.array([r["n"] for r in rows]) / d
        axes[0].plot(
            ratio, [r["p_sdp_unique"] for r in rows], "o-", color=colour, label=f"SDP, d = {d}"
        )
        axes[0].plot(
            ratio,
            [r["p_cone_unique"] for r in rows],
            "s--",
            color=colour,
            mfc="none",
            label=f"cone: F₁ < n, d = {d}",
        )
        axes[1].errorbar(
            ratio,
            [r["mean_ray_fraction"] for r in rows],
            [r["mean_ray_fraction_se"] for r in rows],
            fmt="o",
            color=colour,
            label=f"sign(w·x) cone, d = {d}",
        )
        axes[1].plot(
            ratio,
            [r["cover_efron_ray_fraction"] for r in rows],
            "-",
            color=colour,
            label=f"Cover–Efron E[F₁|proper]/n, d = {d}",
        )
    for ax in axes:
        ax.axvline(2, **style.THEORY_LINE)
        ax.set_xlabel("α = n / d")
        ax.legend(fontsize=7)
    axes[0].set(ylabel="fraction of instances", title="(a) is the teacher the unique fit?")
    axes[1].set(ylabel="extremal rays / n", title="(b) extremal rays of the data cone")
    fig.tight_layout()
    return fig
