"""How many samples make the teacher the only zero-loss matrix? Exact SDP verdicts against eq. 13.

Sarao Mannelli et al. eqs. 10-14. For a teacher ``A*`` of width ``m*``
and ``n`` Gaussian inputs, :func:`qlcore.samples.uniqueness.teacher_is_unique` decides exactly
whether ``S = {A >= 0 : x_k^T A x_k = x_k^T A* x_k}`` is ``{A*}`` (dual certificate or a second PSD
point, both checked in float64). The probability that it is, against ``n``, crosses over at the
threshold ``n_c`` of eq. 13 (:func:`qlcore.samples.thresholds.n_critical`) for small ``d`` and
drifts above it as ``d`` grows (:func:`claims`); whether it sharpens is decided per ``m*`` by
:func:`spread_trend`.

**One threshold per instance.** Instance ``t`` draws its teacher and a sequence of inputs from
:func:`qlcore.samples.teacher_student.make_data` with seed ``[seed, t]``, the same instances as
:func:`qlcore.samples.uniqueness.uniqueness_probability`; its data sets are nested in ``n``, and
adding a sample can only shrink ``S``, so the verdict is monotone in ``n`` and the instance has one
threshold ``n*``: the smallest ``n`` with ``S = {A*}``. It lies in ``[d, d(d+1)/2]``: below ``d``
the inputs do not span ``R^d`` (``S`` is unbounded), and from ``d(d+1)/2`` on the measurements
determine every symmetric matrix. :func:`instance_threshold` finds it by a search that starts at
``n_c``, gallops outwards and bisects (a handful of SDPs instead of one per ``n``). The fraction
unique at every ``n`` is then the fraction of instances with ``n* <= n``, with a Wilson score
interval (:func:`wilson_interval`); the points at different ``n`` share instances, so their errors
are correlated. Instances whose SDP fails (:class:`qlcore.samples.uniqueness.SolverFailure`) are
counted and left out. All instances run as one :func:`qlcore.infra.sweep.run_sweep` (cached per
instance, resumable, on a Dask cluster with ``QLCORE_SCHEDULER``).

The paper does not report these curves (its Fig. 1 uses gradient descent).
"""

from __future__ import annotations

import numpy as np

from qlcore.experiments import caller_names, check_dict, check_dicts, check_result, check_scale
from qlcore.infra.checks import (
    InputError,
    as_array,
    check_budget,
    check_int,
    check_real,
    check_seed,
)
from qlcore.infra.sweep import default_cache_dir, run_sweep
from qlcore.samples import thresholds, uniqueness
from qlcore.samples.teacher_student import make_data
from qlcore.viz import style

FIGURE_ID = "sarao-uniqueness"
TITLE = "Probability that the teacher is the only zero-loss PSD matrix, against n (eq. 13)"
DEVICES = ("cpu",)  # computed with NumPy and SciPy, on the CPU
TEACHER = "gaussian"
Z_95 = 1.959963984540054

# [d, m*, instances]; fewer instances where one costs seconds (d = 30: a few SDPs of ~1 s each)
SCALE_SETTINGS = {
    "quick": {"configs": [[4, 1, 24], [12, 1, 24], [6, 2, 24], [20, 2, 12]]},
    "paper": {
        "configs": [
            [5, 1, 400],
            [10, 1, 400],
            [20, 1, 200],
            [30, 1, 100],
            [10, 2, 400],
            [20, 2, 200],
            [30, 2, 50],
            [10, 3, 400],
            [20, 3, 100],
        ]
    },
}


def _check_widths(dim, m_star) -> tuple[int, int]:
    """``dim >= 1`` and the teacher width ``m_star >= 0`` as ints."""
    return check_int(dim, "dim", minimum=1), check_int(m_star, "m_star", minimum=0)


def instance_threshold(dim: int, m_star: int, trial: int, seed: int) -> dict:
    """The smallest ``n`` at which instance ``trial`` has ``S = {A*}`` (module docstring).

    Returns ``{"threshold": n*, "probes": {n: unique}}`` (``probes``: every SDP verdict computed,
    keys as strings for JSON), or ``{"threshold": None, "failed_at": n, ...}`` if the SDP failed.
    """
    dim, m_star = _check_widths(dim, m_star)
    trial = check_int(trial, "trial", minimum=0)
    seed = check_seed(seed)
    check_budget(
        "the inputs of the instance",
        argument="dim",
        nbytes=4.0 * dim * (dim + 1.0) * dim,  # up to d(d+1)/2 samples in R^d
        fix="use a smaller dim",
    )
    low, high = dim - 1, dim * (dim + 1) // 2  # known: not unique at `low`, unique at `high`
    data = make_data(dim, m_star, high, TEACHER, seed=[seed, trial])
    probes: dict[str, bool] = {}
    attempt = [None]

    def unique(n: int) -> bool:
        attempt[0] = n
        probes[str(n)] = bool(uniqueness.teacher_is_unique(data.x[:n], data.teacher_matrix).unique)
        return probes[str(n)]

    guess, jump = min(max(thresholds.n_critical(dim, m_star), low + 1), high), 1
    try:
        with caller_names(x="dim"):  # the SDPs' budget: their size grows with dim
            if guess < high and unique(guess):
                high = guess
                while high - jump > low and unique(high - jump):  # gallop down
                    high, jump = high - jump, 2 * jump
                low = max(low, high - jump)
            elif guess < high:
                low = guess
                while low + jump < high and not unique(low + jump):  # gallop up
                    low, jump = low + jump, 2 * jump
                high = min(high, low + jump)
            while high - low > 1:  # bisect
                middle = (low + high) // 2
                low, high = (low, middle) if unique(middle) else (middle, high)
    except uniqueness.SolverFailure:
        return {"threshold": None, "failed_at": attempt[0], "probes": probes}
    return {"threshold": high, "probes": probes}


def _counts(value, name: str) -> np.ndarray:
    """``value`` as an array of finite numbers (a number or an array of them)."""
    array = as_array(value, name)
    if not np.all(np.isfinite(array)):
        raise InputError(f"{name} must be finite counts, got {value!r}", argument=name)
    return array


def wilson_interval(successes, trials, z: float = Z_95) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval for a binomial proportion ``successes / trials`` (arrays allowed, of
    shapes that broadcast): ``(p + z^2/2m -+ z sqrt(p(1-p)/m + z^2/4m^2)) / (1 + z^2/m)``;
    ``z = 1.96`` gives 95%, and ``z`` is at most 38 (a level closer to 1 is not a float)."""
    successes = _counts(successes, "successes")
    trials = _counts(trials, "trials")
    z = check_real(z, "z", positive=True, maximum=38.0)
    try:
        np.broadcast_shapes(successes.shape, trials.shape)
    except ValueError:
        raise InputError(
            f"trials must have the shape of successes or one that broadcasts with it, got "
            f"{trials.shape} and {successes.shape}",
            argument="trials",
        ) from None
    if np.any(trials <= 0):
        raise InputError(f"trials must be > 0, got {trials.tolist()}", argument="trials")
    if np.any(successes < 0) or np.any(successes > trials):
        raise InputError(
            f"successes must satisfy 0 <= successes <= trials, got {successes.tolist()} and "
            f"trials {trials.tolist()}",
            argument="successes",
        )
    p = successes / trials
    centre = p + z**2 / (2 * trials)
    with np.errstate(over="ignore"):  # trials**2 = inf for huge trials: the term is then 0
        half = z * np.sqrt(p * (1 - p) / trials + z**2 / (4 * trials**2))
    scale = 1 + z**2 / trials
    # the bounds bracket p exactly; clip the rounding (1e-17 above p = 0, say)
    return np.clip((centre - half) / scale, 0, p), np.clip((centre + half) / scale, p, 1)


def summarise(dim: int, m_star: int, outcomes: list[dict]) -> dict:
    """Fraction unique at every ``n`` in ``[d - 1, max n* + 1]`` from the instances' thresholds,
    with 95% Wilson intervals, and statistics of the thresholds ``n*``: the 50% point
    ``half_crossing`` (smallest ``n`` with at least half unique), mean, standard deviation ``std``,
    ``relative_spread = std / n_c`` (the width of the crossover in units of ``n_c``) and
    quartiles. ``outcomes`` are those of :func:`instance_threshold`."""
    dim, m_star = _check_widths(dim, m_star)
    what = "results of instance_threshold()"
    outcomes = check_dicts(outcomes, "outcomes", ("threshold", "probes"), what)
    found = np.array(
        [
            check_int(o["threshold"], f"outcomes[{i}]['threshold']", maximum=dim * (dim + 1) // 2)
            for i, o in enumerate(outcomes)
            if o["threshold"] is not None
        ]
    )
    n_c = thresholds.n_critical(dim, m_star)
    if found.size == 0:
        return {
            "d": dim,
            "m_star": m_star,
            "n_critical": n_c,
            "n_failed": len(outcomes),
            "thresholds": [],
        }
    top = max(int(found.max()), n_c) + 1
    check_budget(
        "the fraction unique at every n",
        argument="dim",
        nbytes=48.0 * min(top - dim + 2, 2**63),  # capped: a float holds it
        fix="use a smaller dim",
    )
    n_values = np.arange(dim - 1, top + 1)
    unique = np.array([(found <= n).sum() for n in n_values])
    low, high = wilson_interval(unique, found.size)
    std = float(found.std(ddof=1)) if found.size > 1 else 0.0
    return {
        "d": dim,
        "m_star": m_star,
        "n_critical": n_c,
        "n_failed": len(outcomes) - int(found.size),
        "n_instances": int(found.size),
        "thresholds": found.tolist(),
        "n_values": n_values.tolist(),
        "fraction": (unique / found.size).tolist(),
        "lower": low.tolist(),
        "upper": high.tolist(),
        "half_crossing": int(n_values[np.argmax(unique >= 0.5 * found.size)]),
        "mean": float(found.mean()),
        "std": std,
        "relative_spread": std / n_c,
        "quartiles": np.percentile(found, [25, 50, 75]).tolist(),
        "sdp_solves": int(sum(len(o["probes"]) for o in outcomes)),
    }


def run(scale: str, seed: int = 0, device: str = "cpu", progress: bool | None = None) -> dict:
    """The threshold of every instance of every ``(d, m*, instances)`` of the scale's
    ``configs`` as one :func:`qlcore.infra.sweep.run_sweep`, summarised per ``(d, m*)``. ``device``
    is unused."""
    settings = SCALE_SETTINGS[check_scale(scale)]
    points = [
        {"dim": d, "m_star": m, "trial": t, "seed": seed}
        for d, m, trials in settings["configs"]
        for t in range(trials)
    ]
    outcomes = run_sweep(
        instance_threshold,
        points,
        cache_dir=default_cache_dir(),
        progress=progress is not False,
        description=FIGURE_ID,
    )
    rows, start = [], 0
    for d, m, trials in settings["configs"]:
        rows.append(summarise(d, m, outcomes[start : start + trials]))
        start += trials
    return {
        "figure": FIGURE_ID,
        "scale": scale,
        "seed": seed,
        "settings": settings,
        "teacher": TEACHER,
        "rows": rows,
        "claims": claims(rows),
    }


def _fraction_bounds(row: dict, n: int) -> tuple[float, float]:
    """The 95% Wilson interval of the fraction unique at ``n`` (``0`` below the row's grid, ``1``
    above it: the grid runs from ``d - 1``, where no instance is unique, to past the largest
    ``n*``)."""
    n_values = row["n_values"]
    if n < n_values[0]:
        return 0.0, 0.0
    if n > n_values[-1]:
        return 1.0, 1.0
    i = n_values.index(n)
    return row["lower"][i], row["upper"][i]


def claims(rows: list[dict]) -> dict:
    """Scale-independent verdicts (booleans) for the chapter's claim cell, each decided by the 95%
    Wilson intervals of the fraction unique (:func:`wilson_interval`), never by a fitted band:

    * ``crossover_at_n_c_for_small_d``: for every ``m* = 1`` row with ``d <= 10`` the 50% point lies
      within one sample of ``n_c`` (eq. 13): the interval at ``n_c - 2`` lies below ``1/2`` and the
      interval at ``n_c + 1`` above it;
    * ``below_half_at_n_c_for_d_ge_20``: for every row with ``d >= 20`` (any ``m*``) the interval
      at ``n_c`` lies below ``1/2``, so the 50% point lies above ``n_c`` (the drift).

    Each needs at least one row of its kind (an empty group is ``False``, not vacuously true).
    """
    what = "rows of a sarao-uniqueness result (summarise())"
    rows = check_dicts(rows, "rows", ("d", "m_star", "n_critical", "thresholds"), what)
    for i, row in enumerate(rows):
        if row["thresholds"]:
            check_dict(row, f"rows[{i}]", ("n_values", "lower", "upper"), what)
    decided = [r for r in rows if r["thresholds"]]
    small = [r for r in decided if r["m_star"] == 1 and r["d"] <= 10]
    large = [r for r in decided if r["d"] >= 20]
    return {
        "crossover_at_n_c_for_small_d": bool(small)
        and all(
            _fraction_bounds(r, r["n_critical"] - 2)[1] < 0.5
            and _fraction_bounds(r, r["n_critical"] + 1)[0] > 0.5
            for r in small
        ),
        "below_half_at_n_c_for_d_ge_20": bool(large)
        and all(_fraction_bounds(r, r["n_critical"])[1] < 0.5 for r in large),
    }


def spread_trend(rows: list[dict]) -> dict[int, bool]:
    """For each ``m*`` with rows at two or more ``d``: does the crossover sharpen, i.e. is the
    relative spread ``std(n*) / n_c`` at the largest ``d`` below the one at the smallest by more
    than twice the standard error of their difference? The standard error of a sample standard
    deviation ``s`` of ``N`` values is taken as ``s / sqrt(2 (N - 1))`` (normal theory), an
    approximation for the skewed ``n*``. ``False`` means the decrease is not resolved."""
    what = "rows of a sarao-uniqueness result (summarise())"
    rows = check_dicts(rows, "rows", ("d", "m_star", "thresholds"), what)
    decided = [r for r in rows if len(r["thresholds"]) > 1]
    trend = {}
    for m_star in sorted({r["m_star"] for r in decided}):
        group = sorted((r for r in decided if r["m_star"] == m_star), key=lambda r: r["d"])
        if len(group) < 2:
            continue
        first, last = group[0], group[-1]
        errors = [
            r["relative_spread"] / np.sqrt(2 * (len(r["thresholds"]) - 1)) for r in (first, last)
        ]
        gap = first["relative_spread"] - last["relative_spread"]
        trend[int(m_star)] = bool(gap > 2 * np.hypot(*errors))
    return trend


def plot(result: dict):
    """Three panels: the fraction unique against ``n`` per ``(d, m*)``, with 95% Wilson intervals
    and ``n_c`` dotted; the same against ``n / n_c``; the width of the crossover,
    ``std(n*) / n_c``, against ``d``."""
    import matplotlib.pyplot as plt

    check_result(result, FIGURE_ID, ("rows",))
    style.use()
    rows = [r for r in result["rows"] if r["thresholds"]]
    fig, axes = plt.subplots(1, 3, figsize=(14, 4.2), gridspec_kw={"width_ratios": [3, 3, 2]})
    markers = {1: "o", 2: "s", 3: "^"}
    dims = sorted({r["d"] for r in rows})
    colours = dict(zip(dims, plt.cm.viridis(np.linspace(0, 0.85, len(dims)))))
    for row in rows:
        n = np.asarray(row["n_values"])
        fraction = np.asarray(row["fraction"])
        errors = [fraction - np.asarray(row["lower"]), np.asarray(row["upper"]) - fraction]
        style_kw = {
            "color": colours[row["d"]],
            "marker": markers.get(row["m_star"], "D"),
            "markersize": 3,
            "lw": 1,
            "capsize": 0,
            "elinewidth": 0.7,
        }
        label = f"d = {row['d']}, m* = {row['m_star']} (n_c = {row['n_critical']})"
        axes[0].errorbar(n, fraction, errors, label=label, **style_kw)
        axes[0].axvline(row["n_critical"], color=colours[row["d"]], ls=":", lw=0.8)
        axes[1].errorbar(n / row["n_critical"], fraction, errors, label=label, **style_kw)
    for m_star in sorted({r["m_star"] for r in rows}):
        group = sorted((r for r in rows if r["m_star"] == m_star), key=lambda r: r["d"])
        axes[2].plot(
            [r["d"] for r in group],
            [r["relative_spread"] for r in group],
            marker=markers.get(m_star, "D"),
            color="0.25",
            label=f"m* = {m_star}",
        )
    axes[2].set(
        xscale="log",
        yscale="log",
        xlabel="d",
        ylabel="std(n*) / n_c",
        title="(c) width of the crossover",
    )
    axes[2].legend(fontsize=7)
    axes[1].axvline(1.0, **style.THEORY_LINE)
    axes[0].set(
        xlabel="number of samples n",
        ylabel="fraction with S = {A*}",
        title="(a) teacher unique, 95% Wilson intervals",
    )
    axes[1].set(xlabel="n / n_c", title="(b) against n / n_c (eq. 13)")
    axes[1].set_xlim(0.5, 1.6)
    axes[0].legend(fontsize=6.5, loc="lower right")
    fig.tight_layout()
    return fig
