"""Vidal, Zhu and Haeffele, deep linear networks (Theorems 1.3-1.4, Kawaguchi 2016): gradient
descent by depth, the scalar saddle (1.31) and a census of critical points.

**Descent by depth** (top row). One instance, ``n0 = 5`` Gaussian inputs, ``n2 = 3`` outputs
``y = B^T x / sqrt(n0) + noise/2``, ``m = 200`` samples; networks of depth ``L`` with ``L - 1``
hidden layers of width 2 (the bottleneck, so the optimum is the best rank-2 map). Gradient
descent (:func:`qlcore.homogeneous.deep_linear.gradient_descent`, step 0.05) from i.i.d.
``N(0, s^2)`` weights for two init scales ``s`` (0.5 and 0.1), for a fixed budget of steps: the
fraction of starts that reach the optimum (``risk - optimum <= 1e-6 tr Syy``), the steps they
take, and the final gaps ``risk - optimum`` with the gaps of the other critical values
``sum_{i <= r} lambda_i - sum_{i in J} lambda_i`` (``|J| <= r``: the values of the saddles)
drawn as lines.

*What the theory says, and what is claimed.* Theorem 1.4 excludes spurious local minima at every
depth; for ``L = 2`` every saddle is strict (Theorem 1.2), and gradient descent with a small step
from a random start then avoids the saddles almost surely (Lee et al. 2016): every run converges
to the optimum, and within the budget here every ``L = 2`` run must reach it (the budget, a
setting and not a threshold fitted to the claim, is more than ten times the steps of the slowest
two-layer run in our trials). For ``L >= 3`` the origin is a saddle of order ``L`` (zero Hessian,
first non-zero derivative of order ``L``), and nothing guarantees convergence to a minimum within
a budget, or at all: a run that stops short sits on the plateau of a saddle or has not converged;
by the theorem it is not at a spurious minimum. So for ``L >= 3`` the fraction is *reported, not
claimed*. What is claimed: the two-layer runs all reach the optimum, no run goes below it, and
from the small init scale (near the origin) descent slows down with depth: the flatter the
origin, the longer the escape (gradient flow started at radius ``s`` from a saddle of order ``L``
needs a time of order ``s^{-(L-2)}``). ``gradient_descent`` does not return the final weights, so
a run that stopped short cannot be classified here; the figure compares its gap with the saddle
values only.

**The scalar example** (1.31), ``L = 3``, every width 1, moments of ``m = 200`` samples of
``y = 0.8 x + 0.6 noise``. Bottom left: the risk along the escape direction ``d = (1, 1, sign
syx) / sqrt 3`` computed from the network (:func:`qlcore.homogeneous.deep_linear.risk`), against
the second-order model built from the computed gradient and Hessian at 0 (both zero: it predicts
no change) and the cubic model from the third derivative (``torch.func``); along a coordinate
axis the risk is constant; the two-layer analogue along ``(1, sign syx) / sqrt 2`` decreases at
second order. Bottom middle: the risk on the plane spanned by ``d`` and ``(1, -1, 0) / sqrt 2``.

**Census** (bottom right, :func:`qlcore.homogeneous.deep_linear.census`): critical points of
small deep networks (``L = 3`` and 4), one per index set ``J`` and middle rank ``k``
(``rank W_{L-1} ... W_2``), classified from the exact Hessian and, where it is positive
semidefinite but not global, a probe of its null space (200 random directions) for a
higher-order decrease. Plotted: the Hessian's smallest eigenvalue against the middle rank,
coloured by kind. The chapter has no figure for these statements; the settings are ours.
"""

from __future__ import annotations

import itertools

import numpy as np

from qlcore.experiments import check_result, check_scale
from qlcore.experiments.cpu_only import require_cpu
from qlcore.homogeneous import critical_points as cp
from qlcore.homogeneous import deep_linear as dl
from qlcore.infra.checks import check_seed, rng_from_seed
from qlcore.viz import style

FIGURE_ID = "vidal-deep-linear"
TITLE = "Deep linear networks: descent by depth, the scalar saddle, a census (Thm 1.3-1.4)"
DEVICES = ("cpu",)  # NumPy and torch.func on the CPU
NOISE = 0.5
"""Standard deviation of the output noise of the descent and census instances."""
SCALAR = {"slope": 0.8, "noise": 0.6, "samples": 200}
"""The scalar example's data: ``y = slope x + noise z`` with ``x, z`` standard Gaussian."""
CLASSIFY_TOL = 1e-8
"""Relative tolerance of :func:`qlcore.homogeneous.deep_linear.classify`."""
ROUNDING = 1e-12
"""Relative size (of ``tr Syy``, of the largest entry) of float64 rounding in the claims."""
ROUNDING_CHANGE = 1e-14
"""Absolute rounding of a computed change ``R(t d) - R(0)``, in units of the largest moment (a few
float64 ulps of ``R ~ syy``)."""
SMALL_T = [10.0**-k for k in (3.0, 2.5, 2.0, 1.5, 1.0)]
"""Steps ``t / t_min`` at which the cubic coefficient is measured; there the next term of
``R(t d)`` changes it by the relative amount ``(t / t_min)^3 / 2 <= 5e-4``."""
KIND_COLORS = {
    "global minimum": "#239b56",
    "strict saddle": "#c0392b",
    "non-strict saddle": "#d68910",
    "spurious local minimum": "#8e44ad",
    "undecided": "#7f8c8d",
    "not critical": "#2c3e50",
}
CERTIFIED = ("global minimum", "strict saddle", "non-strict saddle")

SCALE_SETTINGS = {
    "quick": {
        "descent": {
            "n0": 5,
            "n2": 3,
            "samples": 200,
            "width": 2,
            "depths": [2, 3, 4],
            "init_scales": [0.5, 0.1],
            "n_starts": 16,
            "step": 0.05,
            "max_steps": 5000,
            "tol": 1e-6,
        },
        "scalar_points": 61,
        "slice_points": 41,
        "census": {"widths": [[3, 2, 2, 3]], "samples": 200, "n_probes": 200},
    },
    "paper": {
        "descent": {
            "n0": 5,
            "n2": 3,
            "samples": 200,
            "width": 2,
            "depths": [2, 3, 4, 5, 6],
            "init_scales": [0.5, 0.1],
            "n_starts": 200,
            "step": 0.05,
            "max_steps": 20000,
            "tol": 1e-6,
        },
        "scalar_points": 201,
        "slice_points": 101,
        "census": {
            "widths": [[3, 2, 2, 3], [4, 3, 3, 4], [3, 2, 2, 2, 3], [4, 2, 3, 2, 4]],
            "samples": 200,
            "n_probes": 200,
        },
    },
}


def _descent(settings: dict, seed: int) -> dict:
    """Gradient descent for every init scale and depth (seed ``[seed, L]`` for depth ``L``)."""
    cov = cp.planted_covariances(
        settings["n0"],
        settings["n2"],
        settings["samples"],
        noise=NOISE,
        rng=rng_from_seed([seed, 0]),
    )
    lambdas = cp.spectrum(cov)[0]
    width = settings["width"]
    rank = min(width, settings["n2"])
    best = float(np.sum(lambdas[:rank]))
    gaps = sorted(
        {
            round(best - float(np.sum(lambdas[list(subset)])), 12)
            for size in range(rank + 1)
            for subset in itertools.combinations(range(len(lambdas)), size)
        }
        - {0.0}
    )
    runs = {}
    for scale in settings["init_scales"]:
        cell = {}
        for depth in settings["depths"]:
            found = dl.gradient_descent(
                cov,
                (settings["n0"],) + (width,) * (depth - 1) + (settings["n2"],),
                n_starts=settings["n_starts"],
                step=settings["step"],
                max_steps=settings["max_steps"],
                init_scale=scale,
                tol=settings["tol"],
                seed=[seed, depth],
            )
            cell[str(depth)] = {
                "fraction": found.fraction,
                "steps": found.steps.tolist(),
                "final_gap": (found.final_risk - found.optimum).tolist(),
                "optimum": found.optimum,
            }
        runs[str(scale)] = cell
    return {
        "trace_syy": float(np.trace(cov.syy)),
        "lambdas": lambdas.tolist(),
        "saddle_gaps": gaps,
        "runs": runs,
    }


def _scalar(n_points: int, slice_points: int, seed: int) -> dict:
    """The scalar example (1.31): the risk measured along lines and on a plane through 0."""
    rng = rng_from_seed([seed, 1])
    x = rng.standard_normal(SCALAR["samples"])
    y = SCALAR["slope"] * x + SCALAR["noise"] * rng.standard_normal(SCALAR["samples"])
    cov = cp.covariances_from_data(x.reshape(-1, 1), y.reshape(-1, 1))
    sxx, syx, syy = float(cov.sxx[0, 0]), float(cov.syx[0, 0]), float(cov.syy[0, 0])
    saddle = dl.scalar_saddle(sxx, syx, syy, n_points=n_points)
    direction = saddle.direction
    third = float(np.einsum("ijk,i,j,k->", saddle.third_derivative, *(direction,) * 3) / 6)

    def measured(w) -> float:
        return dl.risk(cov, [np.array([[value]]) for value in w])

    origin = np.zeros(3)
    gradient = np.array([g[0, 0] for g in dl.gradient(cov, [np.zeros((1, 1))] * 3)])
    hessian = dl.hessian(cov, [np.zeros((1, 1))] * 3)
    start = measured(origin)
    t = saddle.t
    second = start + t * (gradient @ direction) + t**2 / 2 * (direction @ hessian @ direction)
    along = np.array([measured(value * direction) for value in t])
    axis = np.array([measured([value, 0.0, 0.0]) for value in t])
    two_layer = np.array([1.0, np.sign(syx)]) / np.sqrt(2.0)
    shallow = [
        dl.risk(cov, [np.array([[value * two_layer[0]]]), np.array([[value * two_layer[1]]])])
        for value in t
    ]
    small_t = np.asarray(SMALL_T) * saddle.minimum_t
    small_change = [measured(value * direction) - start for value in small_t]
    across = np.array([1.0, -1.0, 0.0]) / np.sqrt(2.0)
    grid = np.linspace(-1.25, 1.25, slice_points) * saddle.minimum_t
    plane = [[measured(a * direction + b * across) for a in grid] for b in grid]
    return {
        "sxx": sxx,
        "syx": syx,
        "syy": syy,
        "direction": direction.tolist(),
        "gradient_at_origin": gradient.tolist(),
        "hessian_at_origin": hessian.tolist(),
        "third_order_coefficient": third,
        "minimum_t": saddle.minimum_t,
        "minimum_risk": saddle.minimum_risk,
        "t": t.tolist(),
        "risk_along": along.tolist(),
        "second_order_model": second.tolist(),
        "risk_along_axis": axis.tolist(),
        "two_layer_along": shallow,
        "small_t": small_t.tolist(),
        "small_change": small_change,
        "plane_grid": grid.tolist(),
        "plane_risk": plane,
    }


def _census(settings: dict, seed: int) -> list[dict]:
    found = []
    for index, widths in enumerate(settings["widths"]):
        rng = rng_from_seed([seed, 2, index])
        cov = cp.planted_covariances(
            widths[0], widths[-1], settings["samples"], noise=NOISE, rng=rng
        )
        points = dl.census(cov, widths, seed=rng, n_probes=settings["n_probes"], tol=CLASSIFY_TOL)
        records = []
        for point in points:
            report = point.report
            records.append(
                {
                    "index_set": list(point.index_set),
                    "middle_rank_built": point.middle_rank_built,
                    "predicted": point.predicted,
                    "kind": report.kind,
                    "risk": report.risk,
                    "optimum": report.optimum,
                    "gradient_norm": report.gradient_norm,
                    "hessian_min": report.hessian_min,
                    "n_negative": report.n_negative,
                    "n_zero": report.n_zero,
                    "probe_decrease": report.probe_decrease,
                    "middle_rank": report.middle_rank,
                    "min_width": report.min_width,
                    "product_rank": report.product_rank,
                }
            )
        found.append(
            {
                "widths": list(widths),
                "n_parameters": int(sum(a * b for a, b in itertools.pairwise(widths))),
                "trace_syy": float(np.trace(cov.syy)),
                "points": records,
            }
        )
    return found


def run(
    scale: str = "paper", seed: int = 0, *, device: str = "cpu", progress: bool | None = None
) -> dict:
    """``descent`` (per init scale and depth: fraction reached, steps, final gaps), ``scalar``
    (the example (1.31) measured along lines and a plane) and ``census`` (per widths, the
    classified critical points). Seconds at quick scale: no cache and no progress bar
    (``progress`` is accepted and ignored)."""
    settings = dict(SCALE_SETTINGS[check_scale(scale)])
    seed = check_seed(seed)
    require_cpu(device, FIGURE_ID)
    return {
        "figure": FIGURE_ID,
        "scale": scale,
        "seed": seed,
        "settings": settings,
        "descent": _descent(settings["descent"], seed),
        "scalar": _scalar(settings["scalar_points"], settings["slice_points"], seed),
        "census": _census(settings["census"], seed),
    }


def _check(result) -> dict:
    return check_result(result, FIGURE_ID, ("settings", "descent", "scalar", "census"))


def _median_steps(steps) -> float | None:
    """The median number of steps to the optimum, a run that never reached it counting as
    infinitely many (None when fewer than half reached)."""
    values = np.where(np.asarray(steps) < 0, np.inf, np.asarray(steps, dtype=float))
    median = float(np.median(values)) if values.size else np.inf
    return median if np.isfinite(median) else None


def success_table(result: dict) -> dict:
    """``{init_scale: {depth: {"fraction", "median_steps", "largest_gap"}}}`` (strings as keys):
    the fraction of starts that reached the optimum, the median steps
    (:func:`_median_steps`: None when fewer than half reached) and the largest final gap over
    ``tr Syy``."""
    result = _check(result)
    trace = result["descent"]["trace_syy"]
    return {
        scale: {
            depth: {
                "fraction": cell["fraction"],
                "median_steps": _median_steps(cell["steps"]),
                "largest_gap": max(cell["final_gap"]) / trace,
            }
            for depth, cell in cells.items()
        }
        for scale, cells in result["descent"]["runs"].items()
    }


def census_counts(result: dict) -> dict:
    """``{widths: {"full" | "deficient": {kind: count}}}``: the census's points by middle rank
    (full: ``rank W_{L-1} ... W_2 = min_{1 <= l <= L-1} n_l``) and kind; widths as
    ``"3-2-2-3"``."""
    result = _check(result)
    counts = {}
    for census in result["census"]:
        cell = counts.setdefault("-".join(map(str, census["widths"])), {})
        for record in census["points"]:
            rank = "full" if record["middle_rank"] == record["min_width"] else "deficient"
            tally = cell.setdefault(rank, {})
            tally[record["kind"]] = tally.get(record["kind"], 0) + 1
    return counts


def cubic_ratios(result: dict) -> list[float]:
    """``(R(t d) - R(0)) / (c t^3)`` at the steps ``t`` of :data:`SMALL_T` (times ``t_min``),
    ``c = D^3 R(0)[d, d, d] / 6`` from the third derivative: tends to 1 as ``t -> 0``
    (``1 + (t / t_min)^3 / 2`` exactly)."""
    result = _check(result)
    scalar = result["scalar"]
    c = scalar["third_order_coefficient"]
    return [change / (c * t**3) for t, change in zip(scalar["small_t"], scalar["small_change"])]


def claims(result: dict) -> dict[str, bool]:
    """The verdicts of Theorems 1.3-1.4 and the example (1.31) (see the module docstring for what
    the theory promises about descent, and what it does not):

    * ``two_layer_runs_reach_optimum``: at ``L = 2`` every run, from every init scale, reached
      the optimum within the budget (strict saddles only; fails with a spurious minimum or a
      budget too small);
    * ``no_run_below_optimum``: no final risk is below the best rank-``r`` risk by more than
      rounding (:data:`ROUNDING` times ``tr Syy``), at any depth;
    * ``small_starts_slow_with_depth``: from the smallest init scale the median number of steps
      to the optimum (unreached runs counting as infinitely many) does not decrease with depth and
      is larger at the deepest network than at ``L = 2``;
    * ``scalar_origin_flat_to_second_order``: at the origin of (1.31) the computed gradient and
      Hessian vanish (below :data:`ROUNDING` times the largest moment): the second-order model
      predicts no change in any direction;
    * ``scalar_descends_at_third_order``: yet the risk computed along ``d`` is below ``R(0)`` at
      every ``t`` in ``(0, 1.25 t_min]`` and above it at every ``t < 0`` (an odd, cubic change:
      a saddle, neither a minimum nor a maximum), and ``(R(t d) - R(0)) / t^3`` agrees with the
      third derivative's ``D^3 R(0)[d, d, d] / 6 < 0`` within the next term's
      ``(t / t_min)^3 / 2`` at the steps of :data:`SMALL_T`, plus the rounding of the change
      (:data:`ROUNDING_CHANGE` times the largest moment, over ``|c| t^3``);
    * ``census_points_critical``: no census point is "not critical";
    * ``full_middle_rank_strict_or_global``: every census point with
      ``rank W_{L-1} ... W_2 = min_l n_l`` is the global minimum or a strict saddle (Theorem 1.4);
    * ``no_spurious_minimum``: no census point is a spurious local minimum (positive definite
      Hessian, not global);
    * ``every_saddle_certified``: every non-global census point has a certified descent: a
      negative Hessian eigenvalue or a higher-order decrease found by the probe (none
      "undecided"; fails when the probe is too weak, not the theorem);
    * ``global_only_at_top``: the census points at the optimum are exactly those with
      ``J = {1..r}``;
    * ``origin_is_non_strict_saddle``: in every census the origin has an all-zero Hessian and is a
      non-strict saddle (the chapter: "this also holds true for general deep linear networks").
    """
    result = _check(result)
    descent = result["descent"]
    trace = descent["trace_syy"]
    runs = descent["runs"]
    two_layer = all(cells["2"]["fraction"] == 1.0 for cells in runs.values() if "2" in cells)
    below = all(
        min(cell["final_gap"]) >= -ROUNDING * trace
        for cells in runs.values()
        for cell in cells.values()
    )
    smallest = min(runs, key=float)
    depths = sorted(runs[smallest], key=int)
    medians = [_median_steps(runs[smallest][d]["steps"]) for d in depths]
    medians = [np.inf if m is None else m for m in medians]
    slower = (
        len(depths) >= 2
        and all(a <= b for a, b in itertools.pairwise(medians))
        and medians[-1] > medians[0]
    )
    scalar = result["scalar"]
    size = max(abs(scalar["sxx"]), abs(scalar["syx"]), abs(scalar["syy"]))
    flat = max(
        np.abs(scalar["gradient_at_origin"]).max(), np.abs(scalar["hessian_at_origin"]).max()
    ) <= ROUNDING * size and all(
        abs(model - scalar["syy"]) <= ROUNDING * size for model in scalar["second_order_model"]
    )
    t = np.asarray(scalar["t"])
    along = np.asarray(scalar["risk_along"]) - scalar["syy"]
    signs = bool(np.all(along[t > 0] < 0) and np.all(along[t < 0] > 0))
    ratios = cubic_ratios(result)
    c = scalar["third_order_coefficient"]
    cubic = c < 0 and all(
        abs(ratio - 1)
        <= (step / scalar["minimum_t"]) ** 3 / 2 + ROUNDING_CHANGE * size / abs(c * step**3)
        for ratio, step in zip(ratios, scalar["small_t"])
    )
    census = result["census"]
    points = [record for entry in census for record in entry["points"]]
    critical = all(record["kind"] != "not critical" for record in points)
    full = all(
        record["kind"] in ("global minimum", "strict saddle")
        for record in points
        if record["middle_rank"] == record["min_width"] and record["kind"] != "not critical"
    )
    spurious = all(record["kind"] != "spurious local minimum" for record in points)
    certified = all(record["kind"] != "undecided" for record in points)
    top, origin = True, True
    for entry in census:
        r = min(min(entry["widths"][1:-1]), entry["widths"][-1])
        first = list(range(1, r + 1))
        top &= all(
            (record["kind"] == "global minimum") == (record["index_set"] == first)
            for record in entry["points"]
        )
        zero = [r for r in entry["points"] if not r["index_set"] and r["middle_rank_built"] == 0]
        origin &= (
            len(zero) == 1
            and zero[0]["kind"] == "non-strict saddle"
            and zero[0]["n_zero"] == entry["n_parameters"]
        )
    return {
        "two_layer_runs_reach_optimum": bool(two_layer),
        "no_run_below_optimum": bool(below),
        "small_starts_slow_with_depth": bool(slower),
        "scalar_origin_flat_to_second_order": bool(flat),
        "scalar_descends_at_third_order": bool(signs and cubic),
        "census_points_critical": bool(critical),
        "full_middle_rank_strict_or_global": bool(full),
        "no_spurious_minimum": bool(spurious),
        "every_saddle_certified": bool(certified),
        "global_only_at_top": bool(top),
        "origin_is_non_strict_saddle": bool(origin),
    }


def plot(result: dict):
    """Top: fraction of runs at the optimum against depth, steps to reach it, final gaps with the
    saddles' gaps. Bottom: the scalar example along lines, on a plane, and the census."""
    import matplotlib.pyplot as plt

    result = _check(result)
    style.use()
    fig, axes = plt.subplots(2, 3, figsize=(15, 8.5))
    descent = result["descent"]
    runs = descent["runs"]
    settings = result["settings"]["descent"]
    trace = descent["trace_syy"]
    scales = sorted(runs, key=float, reverse=True)
    colors = dict(zip(scales, ["#2471a3", "#c0392b", "#239b56", "#8e44ad"]))
    offsets = dict(zip(scales, np.linspace(-0.15, 0.15, len(scales))))
    ax = axes[0, 0]
    for scale in scales:
        depths = sorted(runs[scale], key=int)
        ax.plot(
            [int(d) for d in depths],
            [runs[scale][d]["fraction"] for d in depths],
            marker="o",
            color=colors[scale],
            label=f"init scale {scale}",
        )
    ax.set_ylim(-0.05, 1.05)
    ax.set_xlabel("depth L")
    ax.set_ylabel("fraction at the optimum")
    ax.set_title(
        f"runs at the optimum ({settings['n_starts']} starts, {settings['max_steps']} steps)"
    )
    ax.legend(fontsize=7, loc="lower left")
    ax = axes[0, 1]
    for scale in scales:
        for depth, cell in runs[scale].items():
            steps = np.asarray(cell["steps"], dtype=float)
            steps = np.where(steps < 0, settings["max_steps"] * 1.5, np.maximum(steps, 1))
            jitter = np.linspace(-0.06, 0.06, steps.size)
            ax.scatter(
                int(depth) + offsets[scale] + jitter, steps, s=5, color=colors[scale], alpha=0.4
            )
    for scale in scales:
        ax.scatter([], [], s=8, color=colors[scale], label=f"init scale {scale}")
    ax.axhline(settings["max_steps"], **style.THEORY_LINE, label="budget (above: not reached)")
    ax.set_yscale("log")
    ax.set_xlabel("depth L")
    ax.set_ylabel("steps to the optimum")
    ax.set_title("gradient descent: steps to reach the optimum")
    ax.legend(fontsize=7, loc="lower right")
    ax = axes[0, 2]
    floor = settings["tol"] * 1e-3
    for scale in scales:
        for depth, cell in runs[scale].items():
            gaps = np.maximum(np.asarray(cell["final_gap"]) / trace, floor)
            jitter = np.linspace(-0.06, 0.06, gaps.size)
            ax.scatter(
                int(depth) + offsets[scale] + jitter, gaps, s=5, color=colors[scale], alpha=0.4
            )
    for gap in descent["saddle_gaps"]:
        ax.axhline(gap / trace, color="0.55", lw=0.8, ls="--")
    ax.plot([], [], color="0.55", lw=0.8, ls="--", label="saddles' gaps Σ_[r] λ − Σ_J λ")
    ax.axhline(settings["tol"], **style.THEORY_LINE, label="tolerance")
    ax.set_yscale("log")
    ax.set_xlabel("depth L")
    ax.set_ylabel(f"(final risk − optimum) / tr Σyy (floor {floor:g})")
    ax.set_title("final gaps")
    ax.legend(fontsize=7, loc="center left")
    scalar = result["scalar"]
    t = np.asarray(scalar["t"])
    ax = axes[1, 0]
    ax.plot(t, scalar["risk_along"], color="#c0392b", lw=2, label="R(t d), L = 3 (computed)")
    ax.plot(
        t,
        scalar["syy"] + scalar["third_order_coefficient"] * t**3,
        color="#c0392b",
        ls="--",
        lw=1,
        label="cubic model (third derivative)",
    )
    ax.plot(t, scalar["second_order_model"], **style.THEORY_LINE, label="second-order model")
    ax.plot(t, scalar["risk_along_axis"], color="#2471a3", lw=1, label="along (1, 0, 0)")
    ax.plot(t, scalar["two_layer_along"], color="0.5", lw=1, label="L = 2 along (1, ±1)/√2")
    ax.axhline(scalar["minimum_risk"], color="#239b56", lw=0.8, label="global minimum")
    low = scalar["minimum_risk"] - 0.1 * (scalar["syy"] - scalar["minimum_risk"])
    ax.set_ylim(low, scalar["syy"] + 1.2 * (scalar["syy"] - scalar["minimum_risk"]))
    ax.set_xlabel("t")
    ax.set_ylabel("risk")
    ax.set_title("(1.31): zero Hessian at 0, cubic descent")
    ax.legend(fontsize=7, loc="upper right")
    ax = axes[1, 1]
    grid = np.asarray(scalar["plane_grid"])
    plane = np.asarray(scalar["plane_risk"]) - scalar["syy"]
    depth = scalar["syy"] - scalar["minimum_risk"]
    levels = np.linspace(-depth, depth, 17)
    ax.contourf(grid, grid, np.clip(plane, -depth, depth), levels=levels, cmap="RdBu_r")
    ax.contour(grid, grid, plane, levels=[0.0], colors="0.2", linewidths=0.8)
    ax.plot([grid[0], grid[-1]], [0, 0], color="0.2", lw=0.6, ls=":")
    ax.scatter([0], [0], color="k", s=12, zorder=3)
    ax.set_xlabel("along d = (1, 1, sign σyx)/√3")
    ax.set_ylabel("along (1, −1, 0)/√2")
    ax.set_title("R − R(0) on a plane through 0 (blue: below)")
    ax = axes[1, 2]
    markers = ["o", "s", "^", "D", "v", "P"]
    for index, census in enumerate(result["census"]):
        label = "-".join(map(str, census["widths"]))
        for record in census["points"]:
            ax.scatter(
                record["middle_rank"] + 0.12 * (index - (len(result["census"]) - 1) / 2),
                record["hessian_min"],
                color=KIND_COLORS.get(record["kind"], "k"),
                marker=markers[index % len(markers)],
                s=26,
                alpha=0.8,
            )
        ax.scatter([], [], color="0.4", marker=markers[index % len(markers)], label=label)
    for kind, color in KIND_COLORS.items():
        if any(r["kind"] == kind for c in result["census"] for r in c["points"]):
            ax.scatter([], [], color=color, marker="s", label=kind)
    ax.set_yscale("symlog", linthresh=1e-3)
    ax.axhline(0.0, color="0.6", lw=0.8)
    ax.set_xlabel("rank of W_{L−1} ⋯ W_2")
    ax.set_ylabel("smallest Hessian eigenvalue")
    ax.set_title("census of critical points")
    ax.legend(fontsize=7, loc="center", ncol=2)
    depths = sorted({int(d) for cells in runs.values() for d in cells})
    for ax in axes[0]:
        ax.set_xticks(depths)
    fig.tight_layout()
    return fig
