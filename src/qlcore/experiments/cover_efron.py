"""Cover & Efron (1967) and Wendel (1962): exact face counts of random cones, and Monte Carlo.

The exact side (:mod:`qlcore.cones.counts`): a table of ``C(N, d)``, ``P(proper)`` and
``E[F_k | proper]`` in rationals, and curves of ``P(proper)`` and ``E[F_1 | proper] / N``
against ``N / d`` up to large ``d`` with the limit ``min(1, 2 / alpha)`` of Sarao Mannelli et
al.'s eq. (A.12). The sampled side (:mod:`qlcore.cones.sampling`): the same quantities from
Gaussian vectors, faces found by LP, with standard errors and z-scores against the exact values.
"""

from __future__ import annotations

import numpy as np

from qlcore.cones import counts
from qlcore.cones.sampling import estimate_faces
from qlcore.experiments import (
    caller_names,
    check_dict,
    check_dicts,
    check_ints,
    check_result,
    check_scale,
)
from qlcore.infra import stats
from qlcore.infra.checks import (
    InputError,
    as_vector,
    check_budget,
    check_int,
    check_positive_int,
    check_real,
    check_seed,
)
from qlcore.infra.sweep import default_cache_dir, run_sweep
from qlcore.viz import style

FIGURE_ID = "cover-efron"
TITLE = "Random cones: Wendel's probability and Cover-Efron face counts, exact and sampled"
DEVICES = ("cpu",)  # computed with NumPy and SciPy, on the CPU

# Points with fewer proper draws than this are not plotted (their error bars mean little).
MIN_PROPER_TO_PLOT = 30
POINT_KEYS = ("n_vectors", "dim", "n_proper", "z_proper", "z_faces")
"""Keys of a sampled point (:func:`sampled_point`) that :func:`z_scores` reads."""

SCALE_SETTINGS = {
    "quick": {
        "table_dims": [3, 4, 5],
        "table_max_n": 12,
        "exact_dims": [3, 5, 8, 50, 400],
        "ratios": [1.0, 1.5, 2.0, 2.5, 3.0],
        "sampled_dims": [3, 5],
        "draws": 60,
        "face_dim": 4,
        "face_ns": [5, 6, 8],
        "face_draws": 60,
    },
    "paper": {
        "table_dims": [3, 4, 5],
        "table_max_n": 12,
        "exact_dims": [3, 5, 8, 50, 400],
        "ratios": [1.0, 1.25, 1.5, 1.75, 2.0, 2.25, 2.5, 2.75, 3.0],
        "sampled_dims": [3, 5, 8],
        "draws": 1000,
        "face_dim": 4,
        "face_ns": [5, 6, 7, 8, 9, 10],
        "face_draws": 500,
    },
}


def _fraction(value) -> dict:
    """An exact rational as text and as a float (JSON keeps both)."""
    return {"exact": str(value), "value": float(value)}


def _check_exact_work(name: str, evaluations: float, n_max: int, d_max: int) -> None:
    """Refuse, naming ``name``, ``evaluations`` exact values (each up to three
    :func:`qlcore.cones.counts.cover_count` of up to ``n_max`` vectors in up to ``d_max``
    dimensions and the reduction of a fraction of ``n_max``-bit integers) beyond the work limit,
    before the first."""
    digits = n_max / counts.DIGIT_BITS
    check_budget(
        "the exact counts",
        argument=name,
        flops=evaluations * (3 * counts.count_work(n_max, d_max) + digits * digits),
        fix="use fewer or smaller dimensions and numbers of vectors",
    )


def exact_table(dims, max_n) -> list[dict]:
    """Rows ``d, N, C(N,d), P(proper), E[F_k | proper]`` (k = 1..d-1) for ``d <= N <= max_n``;
    ``dims`` is a list of integers ``d >= 2``."""
    dims = check_ints(dims, "dims", minimum=2)
    max_n = check_int(max_n, "max_n", minimum=2)
    rows = sum(max(0.0, max_n - d + 1.0) * (d + 1) for d in dims)
    _check_exact_work("max_n", rows, max_n, max(dims))
    with caller_names(n_vectors="max_n", dim="dims"):
        return [
            {
                "d": d,
                "N": n,
                "C": counts.cover_count(n, d),
                "p_proper": _fraction(counts.wendel_probability(n, d)),
                "faces": [_fraction(counts.expected_faces(n, d, k)) for k in range(1, d)],
            }
            for d in dims
            for n in range(d, max_n + 1)
        ]


def exact_curves(dims, ratios) -> dict:
    """``P(proper)`` and ``E[F_1 | proper] / N``, exactly, at up to 121 integers ``N`` from
    ``min(ratios) d`` to ``max(ratios) d`` (every integer when ``d`` is small) for each integer
    ``d >= 2`` in ``dims``; ``ratios`` are positive."""
    dims = check_ints(dims, "dims", minimum=2)
    ratios = as_vector(ratios, "ratios")
    n_max = float(ratios.max()) * max(dims)
    if not np.all(ratios > 0) or not np.isfinite(n_max):
        raise InputError(
            f"ratios must be positive, with N = ratio * d finite for every d of dims; got "
            f"ratios {ratios.tolist()} and dims {dims}",
            argument="ratios",
        )
    _check_exact_work("ratios", 2.0 * 122 * len(dims), round(n_max), max(dims))
    curves = {}
    with caller_names(n_vectors="ratios", dim="dims"):
        for d in dims:
            grid = np.linspace(ratios.min() * d, ratios.max() * d, 121)
            ns = sorted({max(d, int(n)) for n in np.rint(grid)} | {2 * d})
            curves[str(d)] = {
                "n": ns,
                "p_proper": [float(counts.wendel_probability(n, d)) for n in ns],
                "ray_fraction": [
                    float(counts.expected_faces(n, d, 1) / n) if n > 1 else 1.0 for n in ns
                ],
            }
    return curves


def _defined(value: float) -> float | None:
    """``value``, or ``None`` (JSON's null) where it is NaN: undefined."""
    return None if np.isnan(value) else value


def _score(mean: float, exact: float, se: float) -> float | None:
    """The standard score ``(mean - exact) / se``: ``None`` where ``se`` is undefined (NaN); for
    ``se = 0``, 0 if ``mean == exact`` and an infinity of the sign of the gap otherwise."""
    if np.isnan(se):
        return None
    if se > 0:
        return (mean - exact) / se
    return 0.0 if mean == exact else float(np.copysign(np.inf, mean - exact))


def sampled_point(n: int, d: int, max_k: int, draws: int, seed: int) -> dict:
    """One Monte Carlo point: :func:`qlcore.cones.sampling.estimate_faces` of ``draws`` cones of
    ``n`` Gaussian vectors in ``R^d``, with the exact values and the standard scores of the
    estimates under the exact law.

    Undefined values are ``None`` (JSON's null): ``mean_faces[k-1]`` when no draw was proper,
    ``faces_se[k-1]`` and ``z_faces[k-1]`` when fewer than two were. A score whose standard
    error is 0 (every proper draw had the same count) is 0 if the mean equals the exact value,
    else infinite."""
    with caller_names(n_vectors="n", dim="d", n_draws="draws"):
        estimate = estimate_faces(n, d, max_k, n_draws=draws, seed=seed)
        exact_p = float(counts.wendel_probability(n, d))
        exact_f = [float(counts.expected_faces(n, d, k)) for k in range(1, max_k + 1)]
    point = estimate.as_dict()
    point["exact_p_proper"] = exact_p
    point["exact_faces"] = exact_f
    # standard score under the exact law (the sample SE is 0 when every draw is proper)
    null_se = np.sqrt(exact_p * (1 - exact_p) / draws)
    gap = estimate.proper_fraction - exact_p
    point["z_proper"] = float(gap / null_se) if null_se > 0 else (0.0 if gap == 0 else np.inf)
    point["z_faces"] = [
        _score(m, e, s) for m, e, s in zip(estimate.mean_faces, exact_f, estimate.faces_se)
    ]
    point["mean_faces"] = [_defined(m) for m in estimate.mean_faces]
    point["faces_se"] = [_defined(s) for s in estimate.faces_se]
    return point


def run(scale: str, seed: int = 0, device: str = "cpu", progress: bool | None = None) -> dict:
    """Exact table and curves, and Monte Carlo points: ``E[F_1]`` over ``N / d`` for each
    sampled ``d``, and every ``E[F_k]`` for ``d = face_dim``. ``device`` is unused (LPs run on
    the CPU). A progress bar counts the sampled points unless ``progress=False`` or
    ``TQDM_DISABLE=1``. The points run as one :func:`qlcore.infra.sweep.run_sweep` (a local
    process pool, or a Dask cluster with ``QLCORE_SCHEDULER``), each cached when it finishes."""
    settings = SCALE_SETTINGS[check_scale(scale)]
    rays = [
        (n, d, 1, settings["draws"])
        for d in settings["sampled_dims"]
        for n in sorted({max(d, round(r * d)) for r in settings["ratios"]})
    ]
    d = settings["face_dim"]
    faces = [(n, d, min(n, d) - 1, settings["face_draws"]) for n in settings["face_ns"]]
    points = run_sweep(
        sampled_point,
        [
            {"n": n, "d": d, "max_k": k, "draws": draws, "seed": seed + 1000 * d + n}
            for n, d, k, draws in rays + faces
        ],
        cache_dir=default_cache_dir(),
        progress=progress is not False,
        description=FIGURE_ID,
    )
    return {
        "figure": FIGURE_ID,
        "scale": scale,
        "seed": seed,
        "settings": settings,
        "table": exact_table(settings["table_dims"], settings["table_max_n"]),
        "curves": exact_curves(settings["exact_dims"], settings["ratios"]),
        "ray_points": points[: len(rays)],
        "face_points": points[len(rays) :],
    }


def z_scores(result: dict) -> list[dict]:
    """Standard scores of the sampled values against the exact ones: ``P(proper)`` at every
    point, ``E[F_k | proper]`` where at least ``MIN_PROPER_TO_PLOT`` draws were proper."""
    check_result(result, FIGURE_ID, ("ray_points", "face_points"))
    points = [
        point
        for key in ("ray_points", "face_points")
        for point in check_dicts(result[key], f"result[{key!r}]", POINT_KEYS, "sampled points")
    ]
    scores = []
    for p in points:
        where = {"n_vectors": p["n_vectors"], "dim": p["dim"]}
        scores.append({**where, "quantity": "P(proper)", "z": p["z_proper"]})
        if p["n_proper"] >= MIN_PROPER_TO_PLOT:
            scores += [
                {**where, "quantity": f"E[F_{k}]", "z": z}
                for k, z in enumerate(p["z_faces"], start=1)
            ]
    return scores


def all_within(result: dict, n_se: float = 3.0) -> bool:
    """Do all :func:`z_scores` lie within ``n_se`` standard errors?"""
    n_se = check_real(n_se, "n_se", minimum=0.0)
    return bool(np.all(np.abs([score["z"] for score in z_scores(result)]) <= n_se))


def claims(result: dict, level: float = 0.01) -> dict[str, bool]:
    """The chapter's verdicts on all :func:`z_scores` together
    (:func:`qlcore.infra.stats.z_score_summary` at family-wise ``level``): if every formula is
    exact, ``sum z^2`` is close to chi-square with ``m`` degrees of freedom (``"chi2"``: its
    p-value exceeds ``level``) and the largest ``|z|`` stays below the Bonferroni bound
    ``Phi^-1(1 - level / (2m))`` (``"max_below_bonferroni"``), each with probability at least
    ``1 - level``."""
    summary = stats.z_score_summary([score["z"] for score in z_scores(result)], level=level)
    return {
        "chi2": summary["chi2_p_value"] > level,
        "max_below_bonferroni": summary["max_abs_z"] < summary["bonferroni_bound"],
    }


def redraw_worst(result: dict, seed: int, factor: int = 10) -> dict:
    """The :func:`z_scores` entry of largest ``|z|``, sampled again with ``factor`` times its
    draws and a fresh ``seed``: its ``quantity``, ``n_vectors``, ``dim``, ``draws`` and the new
    standard score ``z`` (for ``P(proper)`` under the exact binomial law, for ``E[F_k]`` with the
    sample standard error). A real disagreement keeps ``|z|`` large (it grows like
    ``sqrt(factor)``); a chance one gives a standard normal ``z``."""
    seed = check_seed(seed)
    factor = check_positive_int(factor, "factor")
    worst = max(z_scores(result), key=lambda score: abs(score["z"]))
    n, d = worst["n_vectors"], worst["dim"]
    settings = result["settings"]
    draws = factor * (settings["face_draws"] if d == settings["face_dim"] else settings["draws"])
    k = int(worst["quantity"][4]) if worst["quantity"].startswith("E[F_") else 0
    again = estimate_faces(n, d, k, n_draws=draws, seed=seed)
    if k:
        exact = float(counts.expected_faces(n, d, k))
        z = _score(again.mean_faces[k - 1], exact, again.faces_se[k - 1])
    else:
        exact = float(counts.wendel_probability(n, d))
        z = _score(again.proper_fraction, exact, np.sqrt(exact * (1 - exact) / draws))
    return {"quantity": worst["quantity"], "n_vectors": n, "dim": d, "draws": draws, "z": z}


def redraw_claim(redrawn: dict, n_se: float = 3.0) -> bool:
    """Does the point drawn again (:func:`redraw_worst`) lie within ``n_se`` standard errors of
    the exact value? For a standard normal score this fails by chance with probability
    ``2 Phi(-n_se)`` (0.27% at 3)."""
    redrawn = check_dict(redrawn, "redrawn", ("z",), "the dict that redraw_worst returns")
    n_se = check_real(n_se, "n_se", minimum=0.0)
    if redrawn["z"] is None:  # undefined: fewer than two proper draws
        return False
    return abs(check_real(redrawn["z"], "redrawn", finite=False)) <= n_se


def plot(result: dict):
    """(a) P(proper) and (b) E[F_1 | proper]/N against N/d, exact lines and sampled points;
    (c) E[F_k | proper] against N for d = face_dim."""
    import matplotlib.pyplot as plt

    check_result(result, FIGURE_ID, ("settings", "curves", "ray_points", "face_points"))
    style.use()
    fig, axes = plt.subplots(1, 3, figsize=(12, 3.8))
    sampled = result["settings"]["sampled_dims"]
    colours = plt.cm.viridis(np.linspace(0, 0.85, len(result["curves"])))
    for colour, (d, curve) in zip(colours, result["curves"].items()):
        ratio = np.asarray(curve["n"]) / int(d)
        axes[0].plot(ratio, curve["p_proper"], color=colour, label=f"d = {d}")
        axes[1].plot(ratio, curve["ray_fraction"], color=colour, label=f"d = {d}")
        points = [p for p in result["ray_points"] if p["dim"] == int(d)]
        if int(d) in sampled and points:
            r = np.array([p["n_vectors"] for p in points]) / int(d)
            axes[0].errorbar(
                r,
                [p["proper_fraction"] for p in points],
                [p["proper_se"] for p in points],
                fmt="o",
                ms=3,
                color=colour,
            )
            kept = [p for p in points if p["n_proper"] >= MIN_PROPER_TO_PLOT]
            axes[1].errorbar(
                [p["n_vectors"] / int(d) for p in kept],
                [p["mean_faces"][0] / p["n_vectors"] for p in kept],
                [p["faces_se"][0] / p["n_vectors"] for p in kept],
                fmt="o",
                ms=3,
                color=colour,
            )
    alpha = np.linspace(min(result["settings"]["ratios"]), max(result["settings"]["ratios"]), 200)
    axes[1].plot(alpha, np.minimum(1, 2 / alpha), **style.THEORY_LINE, label="limit min(1, 2/α)")
    axes[0].set(xlabel="α = N / d", ylabel="P(cone proper)", title="(a) Wendel")
    axes[1].set(
        xlabel="α = N / d", ylabel="E[F₁ | proper] / N", title="(b) extremal rays per vector"
    )
    axes[0].legend(fontsize=7)
    axes[1].legend(fontsize=7)
    face_dim = result["settings"]["face_dim"]
    ns = np.arange(face_dim, max(result["settings"]["face_ns"]) + 1)
    for k, colour in zip(range(1, face_dim), ("#2471a3", "#c0392b", "#239b56")):
        axes[2].plot(
            ns,
            [float(counts.expected_faces(n, face_dim, k)) if k < n else np.nan for n in ns],
            color=colour,
            label=f"k = {k}",
        )
        points = [p for p in result["face_points"] if len(p["mean_faces"]) >= k]
        axes[2].errorbar(  # None (undefined) as NaN: not drawn
            [p["n_vectors"] for p in points],
            np.array([p["mean_faces"][k - 1] for p in points], dtype=float),
            np.array([p["faces_se"][k - 1] for p in points], dtype=float),
            fmt="o",
            ms=3,
            color=colour,
        )
    axes[2].set(
        xlabel="N",
        ylabel="E[F_k | proper]",
        title=f"(c) k-faces, d = {face_dim} (lines exact, dots sampled)",
    )
    axes[2].legend(fontsize=7)
    fig.tight_layout()
    return fig
