"""Vidal, Zhu and Haeffele, §1.4.2: a one-hidden-layer ReLU network with weight decay, the polar
certificate of Theorem 1.9 and the non-increasing paths of Theorem 1.10.

The network ``Phi = W2 ReLU(W1^T X)`` with ``theta = 1/2 (|w1_i|^2 + |w2_i|^2)`` per unit, trained
on ``F(W) = 1/2 |Y - Phi|_F^2 + lam Theta`` (the squared errors summed over samples; see
:mod:`qlcore.homogeneous.relu`). The data: ``m`` points ``x`` uniform in ``[-2, 2]`` with the
targets ``sin(2x) + 0.1 N(0, 1)``, and ``X = [x; 1]`` (one input and a row of ones, for biases), so
that the polar problem ``max_{|w1| = 1} |(Y - Phi) ReLU(X^T w1)|`` is solved exactly by a sweep of
the circle (:func:`qlcore.homogeneous.relu.polar_check`); several ``lam``.

**Theorem 1.9.** From random starts of ``width`` units, one of them zero,
:func:`qlcore.homogeneous.relu.train` descends to a first-order point (the zero unit stays zero)
and the polar check is run. If it passes, conditions (i) and (ii) certify a global minimum (a
local minimum with a zero unit passes, by the theorem). If it fails, the point is not a local
minimum, and :func:`qlcore.homogeneous.relu.add_unit` appends a unit along the violating direction
``w``, which lowers ``F`` by exactly ``e (f - lam) - e^2 |ReLU(X^T w)|^2 / 2`` (``f`` the polar
value, ``e`` capped), and training resumes; repeated until certified (at most ``max_rounds``).

**Theorem 1.10.** With ``r = m + 1 > |phi| = m`` units from random starts (no zero unit),
:func:`qlcore.homogeneous.relu.nonincreasing_paths` alternates training, the polar check, a flat
rescaling that frees a unit without raising ``F`` and a unit added in its slot: the objective
never rises and each path ends certified. All certified values for one ``lam`` should agree: the
global minimum is one number.

A second instance with two inputs (``x`` uniform in ``[-1.5, 1.5]^2``, targets
``sin(2 x_1 + x_2) + 0.1 N(0, 1)``, ``X = [x; 1]``) runs the paths only: there the polar check
is multi-start ascent, a *lower bound* on the maximum, so its certificates are evidence, not
proof; it is drawn, labelled so, and no claim rests on it.

Top left: the data and the network's output at the lowest certified point for each ``lam``. Top
right: the polar function ``|(Y - Phi) ReLU(X^T w)| / lam`` over the circle
``w = (cos t, sin t)`` at that point (solid, touching 1 from below) and at a first-order point
where the check fails (dashed, above 1 somewhere: the last failing point of the first zero-unit
run that had one). Bottom: ``(F - F_best) / F_best`` along the zero-unit runs (left; added units
marked) and along the paths of Theorem 1.10 (right; flat moves and added units marked),
``F_best`` the lowest value found for that ``lam`` (for the dashed two-input paths, the lowest of
their ends). The chapter has no figure for these theorems; the settings are ours.
"""

from __future__ import annotations

import numpy as np

from qlcore.experiments import check_dict, check_dicts, check_result, check_scale
from qlcore.experiments.cpu_only import require_cpu
from qlcore.homogeneous import relu
from qlcore.infra.checks import check_seed, rng_from_seed
from qlcore.infra.sweep import default_cache_dir, run_sweep
from qlcore.viz import style

FIGURE_ID = "vidal-relu"
TITLE = "Certified global minima of a ReLU network with weight decay (Vidal, Zhu and Haeffele)"
DEVICES = ("cpu",)  # NumPy and SciPy
POLAR_TOL = 1e-6
"""The polar check's tolerance: (ii) holds when the polar value is at most ``lam (1 + POLAR_TOL)``
and (i) when its gap is at most ``POLAR_TOL (|Y|_F^2 + lam Theta)``."""
AGREE_FACTOR = 2 * POLAR_TOL
"""Certified values agree with the lowest value found within ``AGREE_FACTOR |Y|_F^2``: at a
certified point the weak-duality bound of :mod:`qlcore.homogeneous.relu` is at most
``POLAR_TOL lam Theta`` (from (ii)) plus the gap of (i), ``POLAR_TOL (|Y|_F^2 + lam Theta)``, and
``lam Theta <= F <= |Y|_F^2 / 2`` at any point no worse than zero weights."""
DECREASE_RTOL = 1e-8
"""A unit's measured decrease matches ``e (f - lam) - e^2 |h|^2 / 2`` within ``DECREASE_RTOL``
relatively plus :data:`ROUNDING` times ``F``."""
ROUNDING = relu.ROUNDING
"""Relative rounding of a value of ``F`` (and the rise a path may show by rounding)."""
EXCESS_FLOOR = 1e-12
"""Relative excesses below this (zero at the best point) are drawn at this value."""
MAX_POINTS = 60
"""Recorded objective values kept per trajectory for the plot (every event other than a descent
step, the first and last, and descent steps spread evenly on a log scale of the step index)."""
DIGITS = 9
"""Significant digits kept of the drawn curves (fitted functions, polar functions)."""
GRID = (-2.2, 2.2)
"""The ``x`` range of the fitted functions."""
LAM_COLORS = ("#2471a3", "#239b56", "#c0392b", "#7d3c98", "#d68910")
EVENT_MARKERS = {"flat": ("s", "flat rescaling"), "unit": ("^", "unit added")}
"""Markers of the events drawn on the trajectories (in this order: a unit follows a flat move)."""

SCALE_SETTINGS = {
    "quick": {
        "samples": 12,
        "lams": [0.05, 0.5],
        "width": 5,
        "zero_starts": 3,
        "max_rounds": 20,
        "path_starts": 2,
        "path_max_rounds": 10,
        "two_input_samples": 6,
        "two_input_lam": 0.1,
        "two_input_starts": 2,
        "curve_points": 121,
        "circle_points": 360,
    },
    "paper": {
        "samples": 30,
        "lams": [0.05, 0.2, 1.0],
        "width": 6,
        "zero_starts": 8,
        "max_rounds": 20,
        "path_starts": 6,
        "path_max_rounds": 10,
        "two_input_samples": 12,
        "two_input_lam": 0.1,
        "two_input_starts": 4,
        "curve_points": 201,
        "circle_points": 480,
    },
}


def _data(inputs: int, samples: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """``X`` (inputs + 1, m) with a row of ones and ``Y`` (1, m) of one instance."""
    rng = rng_from_seed([seed, inputs])
    if inputs == 1:
        x = np.sort(rng.uniform(-2.0, 2.0, samples))[None]
        y = np.sin(2 * x[0]) + 0.1 * rng.standard_normal(samples)
    else:
        x = rng.uniform(-1.5, 1.5, (2, samples))
        y = np.sin(2 * x[0] + x[1]) + 0.1 * rng.standard_normal(samples)
    return np.vstack([x, np.ones((1, samples))]), y[None]


def _thin(values, events) -> dict:
    """The recorded ``index``, ``values`` and ``events`` of a trajectory, at most about
    :data:`MAX_POINTS` of them (see there)."""
    values, events = np.asarray(values, dtype=float), np.asarray(events)
    n = values.size
    keep = {0, n - 1} | {int(i) for i in np.flatnonzero(events != "descent")}
    spare = max(MAX_POINTS - len(keep), 2)
    keep |= {int(i) for i in np.unique(np.geomspace(1, n, spare).astype(int) - 1)}
    order = sorted(keep)
    return {
        "index": order,
        "values": values[order].tolist(),
        "events": events[order].tolist(),
    }


def _circle(x, residual, points: int) -> list[float]:
    """``|R ReLU(X^T w)|`` at ``w = (cos t, sin t)`` for ``points`` angles ``t`` in
    ``[0, 2 pi)``."""
    angles = np.linspace(0.0, 2 * np.pi, points, endpoint=False)
    w = np.stack([np.cos(angles), np.sin(angles)])
    return _rounded(np.linalg.norm(residual @ np.maximum(x.T @ w, 0.0), axis=0))


def _rounded(values) -> list[float]:
    """``values`` to :data:`DIGITS` significant digits (curves drawn, not tested)."""
    return [float(f"{value:.{DIGITS}g}") for value in np.asarray(values, dtype=float)]


def _residual(x, y, w1, w2) -> np.ndarray:
    return y - relu.outputs(x, w1, w2)


def _zero_unit_point(
    samples: int,
    lam: float,
    width: int,
    start: int,
    max_rounds: int,
    curve_points: int,
    circle_points: int,
    seed: int,
) -> dict:
    """One run of Theorem 1.9's experiment (see :func:`run`)."""
    x, y = _data(1, samples, seed)
    w1, w2 = relu.random_start(x, y, width, zero_units=1, seed=[seed, 1, start])
    zero = width - 1
    polar_rng = rng_from_seed([seed, 2, start])
    rounds, added, values, events, failing = [], [], [], [], None
    for _ in range(max_rounds):
        trained = relu.train(x, y, w1, w2, lam)
        w1, w2 = trained.w1, trained.w2
        if not values:
            values, events = [float(trained.values[0])], ["start"]
        values += trained.values[1:].tolist()
        events += ["descent"] * (len(trained.values) - 2) + ["rescale"]
        check = relu.polar_check(x, y, w1, w2, lam, tolerance=POLAR_TOL, seed=polar_rng)
        rounds.append(
            {
                "value": trained.value,
                "units": int(w1.shape[1]),
                "stationarity": trained.stationarity,
                "converged": trained.converged,
                "polar_value": check.value,
                "exact": check.exact,
                "holds": check.holds,
                "condition_i": check.condition_i,
                "duality_gap": check.duality_gap,
                "certified": check.certified,
            }
        )
        if check.holds or len(rounds) == max_rounds:
            break
        failing = _circle(x, _residual(x, y, w1, w2), circle_points)
        unit = relu.add_unit(x, y, w1, w2, lam, check.maximiser)
        hidden = np.maximum(x.T @ check.maximiser / np.linalg.norm(check.maximiser), 0.0)
        added.append(
            {
                "polar_value": check.value,
                "epsilon": unit.epsilon,
                "hidden_norm_sq": float(hidden @ hidden),
                "decrease": unit.decrease,
                "value_before": trained.value,
                "value_after": unit.value,
            }
        )
        w1, w2 = unit.w1, unit.w2
        values.append(unit.value)
        events.append("unit")
    grid = np.linspace(*GRID, curve_points)
    return {
        "rounds": rounds,
        "added": added,
        "certified": rounds[-1]["certified"],
        "zero_unit_norm": float(np.hypot(np.linalg.norm(w1[:, zero]), np.linalg.norm(w2[:, zero]))),
        "trajectory": _thin(values, events),
        "curve": _rounded(relu.outputs(np.vstack([grid, np.ones_like(grid)]), w1, w2)[0]),
        "circle_final": _circle(x, _residual(x, y, w1, w2), circle_points),
        "circle_failing": failing,
    }


def _path_point(inputs: int, samples: int, lam: float, start: int, max_rounds: int, seed: int):
    """One path of Theorem 1.10 (see :func:`run`)."""
    x, y = _data(inputs, samples, seed)
    (path,) = relu.nonincreasing_paths(
        x, y, lam, starts=1, seed=[seed, 3, start], max_rounds=max_rounds, tolerance=POLAR_TOL
    )
    rises = np.diff(path.values)
    return {
        "value": path.value,
        "units": int(path.w1.shape[1]),
        "max_rise": float(max(rises.max(), 0.0) / abs(path.values[0])) if rises.size else 0.0,
        "monotone": path.monotone,
        "rounds": path.rounds,
        "flat_moves": int(np.sum(path.events == "flat")),
        "units_added": int(np.sum(path.events == "unit")),
        "stationarity": path.stationarity,
        "polar_value": path.polar.value,
        "exact": path.polar.exact,
        "condition_i": path.polar.condition_i,
        "duality_gap": path.polar.duality_gap,
        "certified": path.certified,
        "trajectory": _thin(path.values, path.events),
    }


def run(
    scale: str = "paper", seed: int = 0, *, device: str = "cpu", progress: bool | None = None
) -> dict:
    """The data (``data``: ``x``, ``y`` and ``|Y|_F^2``), and per ``lam`` (keys ``str(lam)``):
    ``zero_unit`` runs (per run the ``rounds`` of training and checking, with ``value``,
    ``units``, ``stationarity``, ``converged``, ``polar_value``, ``exact``, ``holds``,
    ``condition_i``, ``duality_gap``, ``certified``; the units ``added`` where the check failed,
    with the ``polar_value`` ``f``, ``epsilon``, ``hidden_norm_sq`` ``|ReLU(X^T w)|^2``,
    ``decrease``, ``value_before`` and ``value_after``; ``certified``, the norm of the start's
    zero unit at the end and the thinned ``trajectory``), ``paths`` of Theorem 1.10 (``value``,
    ``units``, the largest relative rise ``max_rise``, ``monotone``, ``rounds``,
    ``flat_moves``, ``units_added``, ``stationarity``, the final ``polar_value``, ``exact``,
    ``condition_i``, ``duality_gap``, ``certified``, the ``trajectory``), the ``fit`` (grid
    ``x``, network ``output`` and ``value`` at the lowest certified zero-unit run) and the
    ``polar`` function over the circle there (``final``) and at the last failing point of a
    zero-unit run (``failing``, None if no check failed). ``two_input``: the paths of the
    two-input instance (``|Y|_F^2``, ``lam``, ``paths``; its certificates rest on a lower
    bound). Each run and path is a point of a :func:`qlcore.infra.sweep.run_sweep` (cached,
    resumable)."""
    settings = dict(SCALE_SETTINGS[check_scale(scale)])
    seed = check_seed(seed)
    require_cpu(device, FIGURE_ID)
    common = {"cache_dir": default_cache_dir(), "progress": progress is not False}
    lams = [float(lam) for lam in settings["lams"]]
    zero_points = [
        {
            "samples": settings["samples"],
            "lam": lam,
            "width": settings["width"],
            "start": start,
            "max_rounds": settings["max_rounds"],
            "curve_points": settings["curve_points"],
            "circle_points": settings["circle_points"],
            "seed": seed,
        }
        for lam in lams
        for start in range(settings["zero_starts"])
    ]
    path_points = [
        {
            "inputs": 1,
            "samples": settings["samples"],
            "lam": lam,
            "start": start,
            "max_rounds": settings["path_max_rounds"],
            "seed": seed,
        }
        for lam in lams
        for start in range(settings["path_starts"])
    ] + [
        {
            "inputs": 2,
            "samples": settings["two_input_samples"],
            "lam": float(settings["two_input_lam"]),
            "start": start,
            "max_rounds": settings["path_max_rounds"],
            "seed": seed,
        }
        for start in range(settings["two_input_starts"])
    ]
    zero_runs = run_sweep(_zero_unit_point, zero_points, description="zero-unit runs", **common)
    paths = run_sweep(_path_point, path_points, description="paths", **common)
    x, y = _data(1, settings["samples"], seed)
    grid = np.linspace(*GRID, settings["curve_points"])
    by_lam = {}
    for lam in lams:
        runs = [r for p, r in zip(zero_points, zero_runs) if p["lam"] == lam]
        certified = [r for r in runs if r["certified"]] or runs
        best = min(certified, key=lambda r: r["rounds"][-1]["value"])
        failing = next((r["circle_failing"] for r in runs if r["circle_failing"]), None)
        by_lam[str(lam)] = {
            "lam": lam,
            "zero_unit": [
                {k: v for k, v in r.items() if k not in ("curve", "circle_final", "circle_failing")}
                for r in runs
            ],
            "paths": [
                r for p, r in zip(path_points, paths) if p["inputs"] == 1 and p["lam"] == lam
            ],
            "fit": {
                "x": _rounded(grid),
                "output": best["curve"],
                "value": best["rounds"][-1]["value"],
            },
            "polar": {"final": best["circle_final"], "failing": failing},
        }
    x2, y2 = _data(2, settings["two_input_samples"], seed)
    return {
        "figure": FIGURE_ID,
        "scale": scale,
        "seed": seed,
        "settings": settings,
        "data": {"x": x[0].tolist(), "y": y[0].tolist(), "norm_sq": float(np.sum(y**2))},
        "lams": by_lam,
        "two_input": {
            "lam": float(settings["two_input_lam"]),
            "norm_sq": float(np.sum(y2**2)),
            "paths": [r for p, r in zip(path_points, paths) if p["inputs"] == 2],
        },
    }


LAM_KEYS = ("lam", "zero_unit", "paths", "fit", "polar")
ZERO_KEYS = ("rounds", "added", "certified", "zero_unit_norm", "trajectory")
PATH_KEYS = ("value", "max_rise", "certified", "exact", "duality_gap", "trajectory")


def _check(result) -> dict:
    result = check_result(result, FIGURE_ID, ("settings", "data", "lams", "two_input"))
    check_dict(result["data"], "result['data']", ("x", "y", "norm_sq"), "the data's record")
    lams = check_dict(result["lams"], "result['lams']", (), "the records per lam")
    for key, cell in lams.items():
        name = f"result['lams'][{key!r}]"
        check_dict(cell, name, LAM_KEYS, "a lam's record")
        check_dicts(cell["zero_unit"], f"{name}['zero_unit']", ZERO_KEYS, "a zero-unit run")
        check_dicts(cell["paths"], f"{name}['paths']", PATH_KEYS, "a path's record")
    two = check_dict(
        result["two_input"], "result['two_input']", ("lam", "norm_sq", "paths"), "a record"
    )
    check_dicts(two["paths"], "result['two_input']['paths']", PATH_KEYS, "a path's record")
    return result


def _first_order_values(cell: dict) -> list[float]:
    """Every trained point's value: each round of each zero-unit run, each path's end."""
    values = [r["value"] for run in cell["zero_unit"] for r in run["rounds"]]
    return values + [path["value"] for path in cell["paths"]]


def best_values(result: dict) -> dict[str, float]:
    """``{lam: F_best}``: the lowest value reached for each ``lam`` (every round of every
    zero-unit run and every path's end)."""
    result = _check(result)
    return {key: float(min(_first_order_values(cell))) for key, cell in result["lams"].items()}


def certified_spread(result: dict) -> dict[str, dict]:
    """Per ``lam``: ``best`` (as :func:`best_values`), the ``spread`` ``max - min`` of the
    certified values (zero-unit runs' certified rounds and certified paths) and the ``tolerance``
    ``AGREE_FACTOR |Y|_F^2`` it is held to, and the ``count`` of certified values."""
    result = _check(result)
    bests = best_values(result)
    table = {}
    for key, cell in result["lams"].items():
        values = [r["value"] for run in cell["zero_unit"] for r in run["rounds"] if r["certified"]]
        values += [path["value"] for path in cell["paths"] if path["certified"]]
        table[key] = {
            "best": bests[key],
            "spread": float(max(values) - min(values)) if values else float("inf"),
            "tolerance": AGREE_FACTOR * result["data"]["norm_sq"],
            "count": len(values),
        }
    return table


def two_input_spread(result: dict) -> dict:
    """The two-input instance's paths: ``lam``, the ``count`` of paths, how many ended
    ``certified`` by the estimated check, the ``best`` end value, the ``spread`` ``max - min``
    of the end values, and the ``tolerance`` ``AGREE_FACTOR |Y|_F^2`` that certified ends would
    meet if the estimate were the maximum (``best`` and ``spread`` are ``inf`` and ``0``
    without paths)."""
    result = _check(result)
    two = result["two_input"]
    values = [path["value"] for path in two["paths"]]
    return {
        "lam": two["lam"],
        "count": len(values),
        "certified": sum(bool(path["certified"]) for path in two["paths"]),
        "best": float(min(values)) if values else float("inf"),
        "spread": float(max(values) - min(values)) if values else 0.0,
        "tolerance": AGREE_FACTOR * two["norm_sq"],
    }


def claims(result: dict) -> dict[str, bool]:
    """The verdicts of Theorems 1.9 and 1.10 on the one-input instance (the polar check exact;
    the two-input instance carries no claim), each for every ``lam``:

    * ``zero_unit_runs_certified``: every run from a start with a zero unit ended with both
      conditions of the certificate within ``max_rounds`` rounds, its zero unit still exactly
      zero, and the exact polar check; fails if the check keeps failing (or the unit moved);
    * ``certified_value_is_global``: every certified first-order point of the zero-unit runs is
      within ``AGREE_FACTOR |Y|_F^2`` of the lowest value found anywhere for that ``lam`` (the
      paths' ends included): a point that passes the check has the global value; fails if a
      certificate were false or if a lower point were found;
    * ``duality_gap_bounds_excess``: at every trained point, certified or not, its excess over
      the lowest value is at most its duality-gap bound (1.49) plus the same tolerance; fails if
      the polar value (here exact) were underestimated;
    * ``added_units_decrease``: where the check failed, the unit added along the violating
      direction lowered ``F`` by ``e (f - lam) - e^2 |h|^2 / 2 > 0`` (within
      :data:`DECREASE_RTOL`), and the next training ended no higher; fails if the direction did
      not violate the condition or the step were too long;
    * ``paths_nonincreasing_and_certified``: every path of Theorem 1.10 never rose by more than
      :data:`ROUNDING` relatively, ended certified by the exact check, and within
      ``AGREE_FACTOR |Y|_F^2`` of the lowest value; fails if a flat move or insertion raised
      ``F`` or a path ended uncertified or elsewhere.
    """
    result = _check(result)
    bests = best_values(result)
    agree = AGREE_FACTOR * result["data"]["norm_sq"]
    certified = excess = decrease = paths = zero = True
    for key, cell in result["lams"].items():
        best, lam = bests[key], cell["lam"]
        for run in cell["zero_unit"]:
            last = run["rounds"][-1]
            zero &= bool(run["certified"] and last["exact"] and run["zero_unit_norm"] == 0)
            for r in run["rounds"]:
                excess &= r["value"] - best <= r["duality_gap"] + agree
                if r["certified"]:
                    certified &= r["value"] - best <= agree
            for r, unit in zip(run["rounds"][1:], run["added"]):
                e = unit["epsilon"]
                predicted = e * (unit["polar_value"] - lam) - e**2 * unit["hidden_norm_sq"] / 2
                slack = ROUNDING * unit["value_before"]
                decrease &= bool(
                    unit["decrease"] > 0
                    and abs(unit["decrease"] - predicted) <= DECREASE_RTOL * predicted + slack
                    and r["value"] <= unit["value_after"] + slack
                )
        for path in cell["paths"]:
            excess &= path["value"] - best <= path["duality_gap"] + agree
            paths &= bool(
                path["max_rise"] <= ROUNDING
                and path["certified"]
                and path["exact"]
                and path["value"] - best <= agree
            )
    return {
        "zero_unit_runs_certified": bool(zero),
        "certified_value_is_global": bool(certified),
        "duality_gap_bounds_excess": bool(excess),
        "added_units_decrease": bool(decrease),
        "paths_nonincreasing_and_certified": bool(paths),
    }


def _excess_line(ax, trajectory, best, color, look) -> None:
    values = np.asarray(trajectory["values"], dtype=float)
    index = np.asarray(trajectory["index"]) + 1
    excess = np.maximum((values - best) / best, EXCESS_FLOOR)
    ax.plot(index, excess, color=color, **look)
    events = np.asarray(trajectory["events"])
    for event, (marker, _) in EVENT_MARKERS.items():
        at = events == event
        if at.any():
            hollow = {"facecolors": "none", "edgecolors": color} if event == "flat" else {}
            ax.scatter(
                index[at],
                excess[at],
                marker=marker,
                s=30 if hollow else 20,
                **(hollow or {"color": color}),
                zorder=3,
            )


def plot(result: dict):
    """The fitted functions (top left), the polar function over the circle (top right), and
    the excess over the lowest value along the zero-unit runs (bottom left) and along the paths
    of Theorem 1.10 (bottom right)."""
    import matplotlib.pyplot as plt

    result = _check(result)
    style.use()
    bests = best_values(result)
    fig, axes = plt.subplots(2, 2, figsize=(12, 8.2))
    colors = {
        key: LAM_COLORS[i % len(LAM_COLORS)]
        for i, key in enumerate(sorted(result["lams"], key=float))
    }
    ax = axes[0, 0]
    ax.scatter(result["data"]["x"], result["data"]["y"], s=14, color="0.2", label="data", zorder=3)
    for key, cell in result["lams"].items():
        ax.plot(cell["fit"]["x"], cell["fit"]["output"], color=colors[key], label=f"λ = {key}")
    ax.set_xlabel("x")
    ax.set_ylabel("y, network output")
    ax.set_title(f"certified global minima, m = {len(result['data']['x'])}")
    ax.legend(fontsize=7)
    ax = axes[0, 1]
    for key, cell in result["lams"].items():
        final = np.asarray(cell["polar"]["final"], dtype=float)
        angles = np.linspace(0.0, 360.0, final.size, endpoint=False)
        ax.plot(angles, final / cell["lam"], color=colors[key], label=f"λ = {key}, certified")
        if cell["polar"]["failing"]:
            failing = np.asarray(cell["polar"]["failing"], dtype=float)
            ax.plot(angles, failing / cell["lam"], color=colors[key], ls="--", lw=1, alpha=0.8)
    ax.plot([], [], color="0.3", ls="--", lw=1, label="a first-order point that fails")
    ax.axhline(1.0, **style.THEORY_LINE, label="λ")
    ax.set_xlim(0, 360)
    ax.set_xticks(range(0, 361, 90))
    ax.set_xlabel("angle of w₁ = (cos t, sin t) in the (input, bias) plane [degrees]")
    ax.set_ylabel("|(Y − Φ) ReLU(Xᵀw₁)| / λ")
    ax.set_title("polar function over the circle (exact check)")
    ax.legend(fontsize=7)
    look = {"lw": 0.9, "alpha": 0.75}
    ax = axes[1, 0]
    for key, cell in result["lams"].items():
        for run in cell["zero_unit"]:
            _excess_line(ax, run["trajectory"], bests[key], colors[key], look)
    ax.set_title("Theorem 1.9: from starts with a zero unit")
    ax = axes[1, 1]
    for key, cell in result["lams"].items():
        for path in cell["paths"]:
            _excess_line(ax, path["trajectory"], bests[key], colors[key], look)
    two = two_input_spread(result)
    if two["count"]:
        for path in result["two_input"]["paths"]:
            _excess_line(ax, path["trajectory"], two["best"], "0.5", {"lw": 0.9, "ls": "--"})
        ax.plot(
            [],
            [],
            color="0.5",
            ls="--",
            label=f"two inputs, λ = {two['lam']:g} (check a lower bound): "
            f"ends spread {two['spread'] / two['best']:.1e}",
        )
    ax.set_title(f"Theorem 1.10: paths with r = |φ| + 1 = {len(result['data']['x']) + 1} units")
    for ax, shown in zip(axes[1], (("unit",), tuple(EVENT_MARKERS))):
        for key in colors:
            ax.plot([], [], color=colors[key], label=f"λ = {key}")
        for marker, label in (EVENT_MARKERS[event] for event in shown):
            hollow = {"facecolors": "none", "edgecolors": "0.3"} if marker == "s" else {}
            ax.scatter([], [], marker=marker, s=22, **(hollow or {"color": "0.3"}), label=label)
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("recorded step (descent iterations, rescalings, moves) + 1")
        ax.set_ylabel("(F − F_best) / F_best")
        ax.legend(fontsize=7)
    fig.tight_layout()
    return fig
