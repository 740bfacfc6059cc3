"""Vidal, Zhu and Haeffele, Theorem 1.2 (Baldi–Hornik) from data: every critical point of a
two-layer linear network, its risk and its Hessian.

For each instance (``n0`` inputs, ``n1`` hidden units, ``n2`` outputs, ``samples`` Gaussian inputs
with outputs ``y = B^T x / sqrt(n0) + noise/2``; several draws at paper scale) the empirical
moments (1.14) give ``Sigma = Syx Sxx^{-1} Sxy`` with distinct eigenvalues
``lambda_1 > ... > lambda_n2``, and every index set ``J`` of ``n1`` eigen-indices gives a critical
point (1.24) ``U = Q_J C``, ``V = Sxx^{-1} Sxy Q_J C^{-T}`` with a random ``C``
(:func:`qlcore.homogeneous.critical_points.enumerate_critical_points`). For each we record the
gradient norm, the risk against the prediction ``tr Syy - sum_{i in J} lambda_i``, the exact
Hessian's spectrum (its smallest eigenvalue, the numbers of negative and of zero eigenvalues; the
``GL(n1)`` orbit is flat, ``n1^2`` zeros), the kind and the curvature of ``R`` along the proof's
escape direction (``q_J``, ``J = max J``, turned towards the smallest missing ``q_k``) against
``2 (lambda_J - lambda_k)``. That is twice the value the chapter's (1.26) gives: (1.26) as printed
is the Hessian of ``R / 2`` (see :mod:`qlcore.homogeneous.critical_points`); the curvature panel
draws both. Then the rank-deficient critical points of part 3, ``U = [Q_J, 0] C`` with
``|J| < n1``, and two cases where the assumptions fail (``strict=False``): fewer samples than
inputs (``Sxx`` singular) and moments built so that ``Sigma`` has eigenvalues ``3, 2, 2, 1`` (a
repeated one), both with ``n1 = 2``.

Top left: computed risk against the prediction (over ``tr Syy``), every point, coloured by kind.
Top right: curvature along the escape direction against ``2 (lambda_J - lambda_k)`` (and the
part 3 directions against their own prediction), with the line of (1.26) as printed. Bottom:
the Hessian spectra (symlog) of the first instance's points, and of the two failing cases. The
chapter has no figure for this theorem; the instances are ours (the first is the check of the
math notes, ``n0 = 5, n1 = 2, n2 = 4, m = 200``).
"""

from __future__ import annotations

import itertools

import numpy as np

from qlcore.experiments import check_result, check_scale
from qlcore.experiments.cpu_only import require_cpu
from qlcore.homogeneous import critical_points as cp
from qlcore.infra.checks import check_seed, rng_from_seed
from qlcore.viz import style

FIGURE_ID = "vidal-critical-points"
TITLE = "Every critical point of a two-layer linear network (Vidal, Zhu and Haeffele, Thm 1.2)"
DEVICES = ("cpu",)  # NumPy and torch.func on the CPU
NOISE = 0.5
"""Standard deviation of the output noise."""
CLASSIFY_TOL = 1e-8
"""Relative tolerance of :func:`qlcore.homogeneous.critical_points.critical_point` (an eigenvalue
below ``CLASSIFY_TOL`` times the largest in size is zero)."""
GRADIENT_RTOL = 1e-10
"""A point is critical when its gradient norm is below this times the size of the gradient's
terms, ``2 (|Syx|_F + |U V^T Sxx|_F)(|U|_F + |V|_F)``: float64 rounding (1e-16) amplified by the
inverse of ``Sxx`` and ``C`` (condition numbers below 10 here), with a wide margin; a point that
is not critical has a gradient of the order of that size."""
RISK_RTOL = 1e-10
"""Risk and prediction agree when they differ by less than this times ``tr Syy`` (rounding)."""
CURVATURE_RTOL = 1e-8
"""Curvature and prediction agree when they differ by less than this times ``2 lambda_1``, the
scale of the Hessian (the torch Hessian in float64 against the eigenvalues of ``Sigma``)."""
REPEATED_SPECTRUM = (3.0, 2.0, 2.0, 1.0)
"""The eigenvalues of ``Sigma`` in the repeated-eigenvalue case (``lambda_2 = lambda_3``)."""
KIND_COLORS = {
    "global minimum": "#239b56",
    "strict saddle": "#c0392b",
    "non-strict saddle": "#d68910",
    "not critical": "#7f8c8d",
}

SCALE_SETTINGS = {
    "quick": {
        "instances": [{"n0": 5, "n1": 2, "n2": 4, "samples": 200}],
        "draws": 1,
        "singular": {"n0": 5, "n1": 2, "n2": 3, "samples": 3},
        "repeated": {"n0": 4, "n1": 2, "n2": 4},
    },
    "paper": {
        "instances": [
            {"n0": 5, "n1": 2, "n2": 4, "samples": 200},
            {"n0": 8, "n1": 3, "n2": 6, "samples": 400},
        ],
        "draws": 5,
        "singular": {"n0": 5, "n1": 2, "n2": 3, "samples": 3},
        "repeated": {"n0": 4, "n1": 2, "n2": 4},
    },
}


def _orthogonal(rng: np.random.Generator, size: int) -> np.ndarray:
    return np.linalg.qr(rng.standard_normal((size, size)))[0]


def _repeated(n0: int, n2: int, rng: np.random.Generator) -> cp.Covariances:
    """Moments with ``Sigma = P diag(REPEATED_SPECTRUM) P^T`` (``P`` random orthogonal), a random
    ``Sxx`` (condition number at most 4) and ``Syy = Sigma + NOISE^2 I`` (a covariance)."""
    spectrum = np.asarray(REPEATED_SPECTRUM)
    sxx_half = (_orthogonal(rng, n0) * rng.uniform(0.7, 1.4, n0)) @ _orthogonal(rng, n0).T
    sxx = sxx_half @ sxx_half.T
    eigenvalues, vectors = np.linalg.eigh(sxx)
    root = (vectors * np.sqrt(eigenvalues)) @ vectors.T
    mixing = _orthogonal(rng, n0)[:, :n2] * np.sqrt(spectrum)
    sxy = root @ mixing @ _orthogonal(rng, n2).T
    sigma = sxy.T @ np.linalg.solve(sxx, sxy)
    return cp.Covariances(sxx=sxx, sxy=sxy, syy=(sigma + sigma.T) / 2 + NOISE**2 * np.eye(n2))


def _record(cov: cp.Covariances, point: cp.CriticalPoint) -> dict:
    """The JSON record of one critical point."""
    u, v = point.u, point.v
    size = 2 * (np.linalg.norm(cov.syx) + np.linalg.norm(u @ v.T @ cov.sxx))
    escape = point.escape
    return {
        "index_set": list(point.index_set),
        "risk": point.risk,
        "predicted_risk": point.predicted_risk,
        "gradient_norm": point.gradient_norm,
        "gradient_scale": float(size * (np.linalg.norm(u) + np.linalg.norm(v))),
        "hessian_eigenvalues": point.hessian_eigenvalues.tolist(),
        "hessian_min": float(point.hessian_eigenvalues[0]),
        "n_negative": point.n_negative,
        "n_zero": point.n_zero,
        "kind": point.kind,
        "escape": None
        if escape is None
        else {
            "curvature": escape.curvature,
            "predicted": escape.predicted,
            "rayleigh_quotient": escape.rayleigh_quotient,
            "rule": escape.rule,
        },
    }


def _case(cov: cp.Covariances, n1: int, rng, *, strict: bool) -> dict:
    """The moments' summary and the records of every index set of ``n1`` indices."""
    lambdas = cp.spectrum(cov, strict=strict)[0]
    points = cp.enumerate_critical_points(cov, n1, seed=rng, strict=strict, tol=CLASSIFY_TOL)
    return {
        "trace_syy": float(np.trace(cov.syy)),
        "lambdas": lambdas.tolist(),
        "optimum": cp.optimal_risk(cov, n1),
        "sxx_rank": int(np.linalg.matrix_rank(cov.sxx)),
        "points": [_record(cov, point) for point in points],
    }


def run(
    scale: str = "paper", seed: int = 0, *, device: str = "cpu", progress: bool | None = None
) -> dict:
    """Critical points of every instance and draw (``instances[i]["draws"][k]``: moments summary,
    ``points`` for the index sets of size ``n1``, ``rank_deficient`` for those of size
    ``< n1``), and of the two failing cases (``singular``, ``repeated``). A few seconds at quick
    scale: no cache and no progress bar (``progress`` is accepted and ignored)."""
    settings = dict(SCALE_SETTINGS[check_scale(scale)])
    seed = check_seed(seed)
    require_cpu(device, FIGURE_ID)
    instances = []
    for index, shape in enumerate(settings["instances"]):
        n0, n1, n2 = shape["n0"], shape["n1"], shape["n2"]
        draws = []
        for draw in range(settings["draws"]):
            rng = rng_from_seed([seed, index, draw])
            cov = cp.planted_covariances(n0, n2, shape["samples"], noise=NOISE, rng=rng)
            case = _case(cov, n1, rng, strict=True)
            case["rank_deficient"] = [
                _record(cov, cp.critical_point(cov, n1, subset, seed=rng, tol=CLASSIFY_TOL))
                for size in range(n1)
                for subset in itertools.combinations(range(1, n2 + 1), size)
            ]
            draws.append(case)
        instances.append({**shape, "draws": draws})
    singular = settings["singular"]
    rng = rng_from_seed([seed, len(settings["instances"]), 0])
    cov = cp.planted_covariances(
        singular["n0"], singular["n2"], singular["samples"], noise=NOISE, rng=rng
    )
    singular_case = {**singular, **_case(cov, singular["n1"], rng, strict=False)}
    repeated = settings["repeated"]
    rng = rng_from_seed([seed, len(settings["instances"]), 1])
    cov = _repeated(repeated["n0"], repeated["n2"], rng)
    repeated_case = {**repeated, **_case(cov, repeated["n1"], rng, strict=False)}
    return {
        "figure": FIGURE_ID,
        "scale": scale,
        "seed": seed,
        "settings": settings,
        "instances": instances,
        "singular": singular_case,
        "repeated": repeated_case,
    }


def _check(result) -> dict:
    return check_result(result, FIGURE_ID, ("settings", "instances", "singular", "repeated"))


def _label(index_set) -> str:
    return "{" + ",".join(str(i) for i in index_set) + "}"


def _ratio(value: float, scale: float) -> float:
    """``value / scale``; 0 when both vanish (the gradient at ``U = 0, V = 0``), inf when only
    the scale does."""
    if scale > 0:
        return value / scale
    return 0.0 if value == 0 else float("inf")


def point_table(result: dict) -> list[dict]:
    """One row per critical point of the instances (not the failing cases): ``instance`` and
    ``draw`` (0-based), ``n1``, ``index_set``, ``rank_deficient`` (``|J| < n1``), ``kind``, the
    relative errors ``gradient`` (norm over its scale) and ``risk`` (``|risk - predicted|`` over
    ``tr Syy``), the excess risks over ``tr Syy`` (``excess``, ``predicted_excess``: risk minus
    the optimum), ``hessian_min``, ``n_negative``, ``n_zero``, and the escape direction's
    ``curvature`` and ``predicted`` curvature (None at the global minimum)."""
    result = _check(result)
    rows = []
    for index, instance in enumerate(result["instances"]):
        for draw, case in enumerate(instance["draws"]):
            trace, optimum = case["trace_syy"], case["optimum"]
            for deficient, records in ((False, case["points"]), (True, case["rank_deficient"])):
                for record in records:
                    escape = record["escape"] or {}
                    rows.append(
                        {
                            "instance": index,
                            "draw": draw,
                            "n1": instance["n1"],
                            "index_set": tuple(record["index_set"]),
                            "rank_deficient": deficient,
                            "kind": record["kind"],
                            "gradient": _ratio(record["gradient_norm"], record["gradient_scale"]),
                            "risk": abs(record["risk"] - record["predicted_risk"]) / trace,
                            "excess": (record["risk"] - optimum) / trace,
                            "predicted_excess": (record["predicted_risk"] - optimum) / trace,
                            "hessian_min": record["hessian_min"],
                            "n_negative": record["n_negative"],
                            "n_zero": record["n_zero"],
                            "curvature": escape.get("curvature"),
                            "predicted": escape.get("predicted"),
                        }
                    )
    return rows


def summary(result: dict) -> list[dict]:
    """Per instance: ``shape`` ``(n0, n1, n2)``, the number of draws, ``index_sets`` per draw, the
    counts of each kind over all draws (``kinds``, index sets of size ``n1``;
    ``rank_deficient_kinds``), and the largest relative ``gradient`` and ``risk`` errors of
    :func:`point_table`."""
    result = _check(result)
    rows = point_table(result)
    found = []
    for index, instance in enumerate(result["instances"]):
        mine = [row for row in rows if row["instance"] == index]
        kinds, deficient = {}, {}
        for row in mine:
            tally = deficient if row["rank_deficient"] else kinds
            tally[row["kind"]] = tally.get(row["kind"], 0) + 1
        found.append(
            {
                "shape": (instance["n0"], instance["n1"], instance["n2"]),
                "draws": len(instance["draws"]),
                "index_sets": len(instance["draws"][0]["points"]),
                "kinds": kinds,
                "rank_deficient_kinds": deficient,
                "gradient": max(row["gradient"] for row in mine),
                "risk": max(row["risk"] for row in mine),
            }
        )
    return found


def _all_records(result: dict):
    """``(case, record)`` of every point: instances (both sizes) and the failing cases."""
    for instance in result["instances"]:
        for case in instance["draws"]:
            for record in case["points"] + case["rank_deficient"]:
                yield case, record
    for name in ("singular", "repeated"):
        for record in result[name]["points"]:
            yield result[name], record


def _curvature_agrees(record: dict, lambda_1: float) -> bool:
    escape = record["escape"]
    return (
        escape is not None
        and abs(escape["curvature"] - escape["predicted"]) <= CURVATURE_RTOL * 2 * lambda_1
    )


def claims(result: dict) -> dict[str, bool]:
    """The verdicts of Theorem 1.2 on these instances. Tolerances are fixed by float64 rounding
    (:data:`GRADIENT_RTOL`, :data:`RISK_RTOL`, :data:`CURVATURE_RTOL`); zero and negative
    eigenvalues are those of :func:`qlcore.homogeneous.critical_points.critical_point` (below
    :data:`CLASSIFY_TOL` times the largest in size).

    * ``every_point_critical``: every point built from (1.24) (instances, rank-deficient, failing
      cases) has a gradient below rounding: fails if the formula is not that of a critical point;
    * ``risks_match_prediction``: every risk equals ``tr Syy - sum_{i in J} lambda_i``;
    * ``top_set_is_the_minimum``: in every draw ``J = {1..n1}`` has no negative Hessian eigenvalue,
      exactly ``n1^2`` zero ones (only the flat ``GL(n1)`` orbit: a strict local minimum modulo
      the orbit) and the smallest risk of all index sets;
    * ``others_are_strict_saddles``: every other ``J`` has a negative Hessian eigenvalue;
    * ``escape_curvature_as_predicted``: at every other ``J`` the curvature along the proof's
      direction is negative and equals ``2 (lambda_J - lambda_k)`` (fails with the factor of
      (1.26) as printed, which predicts half of it);
    * ``rank_deficient_strict_saddles``: every rank-deficient critical point (part 3) has a
      negative Hessian eigenvalue, and the curvature along the direction ``dU = e_i a^T``,
      ``dV = alpha e_j a^T`` equals its prediction ``2 |Sxx^{1/2} V a|^2 + 4 alpha G_ij``;
    * ``singular_sxx_only_adds_flat_directions``: with ``Sxx`` singular (rank ``r < n0``) ``R``
      depends on ``V`` only through its projection on the range of ``Sxx``, so the landscape is
      that of ``r`` inputs plus flat directions: ``J = {1..n1}`` has no negative eigenvalue,
      every other ``J`` has one, and every point has exactly ``n1^2 + n1 (n0 - r)`` zero ones;
    * ``repeated_eigenvalue_ties``: with ``lambda_2 = lambda_3`` the index sets ``{1, 2}`` and
      ``{1, 3}`` have the same risk (within rounding), neither has a negative eigenvalue, both
      have ``n1^2 + 1`` zero ones (the rotation of ``q_2`` towards ``q_3`` is flat) and the escape
      curvature at ``{1, 3}`` is zero: the minimiser is not unique modulo ``GL(n1)``.
    """
    result = _check(result)
    critical = all(
        record["gradient_norm"] <= GRADIENT_RTOL * record["gradient_scale"]
        for _, record in _all_records(result)
    )
    risks = all(
        abs(record["risk"] - record["predicted_risk"]) <= RISK_RTOL * case["trace_syy"]
        for case, record in _all_records(result)
    )
    top, others, curvature, deficient = True, True, True, True
    for instance in result["instances"]:
        n1 = instance["n1"]
        first = list(range(1, n1 + 1))
        for case in instance["draws"]:
            lambda_1 = case["lambdas"][0]
            best = [r for r in case["points"] if r["index_set"] == first]
            rest = [r for r in case["points"] if r["index_set"] != first]
            top &= (
                len(best) == 1
                and best[0]["n_negative"] == 0
                and best[0]["n_zero"] == n1**2
                and all(best[0]["risk"] <= r["risk"] for r in rest)
            )
            others &= all(r["n_negative"] >= 1 for r in rest)
            curvature &= all(
                _curvature_agrees(r, lambda_1) and r["escape"]["curvature"] < 0 for r in rest
            )
            deficient &= all(
                r["n_negative"] >= 1 and _curvature_agrees(r, lambda_1)
                for r in case["rank_deficient"]
            )
    singular = result["singular"]
    n1 = singular["n1"]
    flat = n1**2 + n1 * (singular["n0"] - singular["sxx_rank"])
    first = list(range(1, n1 + 1))
    singular_ok = all(
        record["n_zero"] == flat and (record["n_negative"] == 0) == (record["index_set"] == first)
        for record in singular["points"]
    )
    repeated = result["repeated"]
    n1 = repeated["n1"]
    tied = {
        tuple(r["index_set"]): r for r in repeated["points"] if r["index_set"] in ([1, 2], [1, 3])
    }
    ties = len(tied) == 2 and n1 == 2
    if ties:
        a, b = tied[(1, 2)], tied[(1, 3)]
        ties = (
            abs(a["risk"] - b["risk"]) <= RISK_RTOL * repeated["trace_syy"]
            and all(r["n_negative"] == 0 and r["n_zero"] == n1**2 + 1 for r in (a, b))
            and b["escape"] is not None
            and abs(b["escape"]["curvature"]) <= CURVATURE_RTOL * 2 * repeated["lambdas"][0]
        )
    return {
        "every_point_critical": bool(critical),
        "risks_match_prediction": bool(risks),
        "top_set_is_the_minimum": bool(top),
        "others_are_strict_saddles": bool(others),
        "escape_curvature_as_predicted": bool(curvature),
        "rank_deficient_strict_saddles": bool(deficient),
        "singular_sxx_only_adds_flat_directions": bool(singular_ok),
        "repeated_eigenvalue_ties": bool(ties),
    }


def _strip(ax, cases, title: str) -> None:
    """Hessian spectra, one column per ``(label, record)``, symlog, coloured by sign."""
    labels = []
    for x, (label, record) in enumerate(cases):
        values = np.asarray(record["hessian_eigenvalues"])
        largest = max(1.0, float(np.abs(values).max()))
        zero = np.abs(values) <= CLASSIFY_TOL * largest
        colors = np.where(zero, "0.45", np.where(values < 0, "#c0392b", "#2471a3"))
        jitter = np.linspace(-0.18, 0.18, values.size)
        ax.scatter(x + jitter, np.where(zero, 0.0, values), c=colors, s=9, lw=0)
        ax.annotate(
            f"{record['n_zero']}",
            (x, 0.0),
            xytext=(0, -12),
            textcoords="offset points",
            ha="center",
            fontsize=6,
            color="0.3",
        )
        labels.append(label)
    ax.set_yscale("symlog", linthresh=1e-2)
    low, high = ax.get_ylim()
    ax.set_ylim(low, 100 * high)  # room for the legend
    ax.axhline(0.0, color="0.6", lw=0.8)
    ax.set_xticks(range(len(labels)), labels, rotation=60, fontsize=7)
    ax.set_ylabel("Hessian eigenvalues")
    ax.set_title(title)
    ax.scatter([], [], c="#c0392b", s=9, label="negative")
    ax.scatter([], [], c="0.45", s=9, label="zero (count below)")
    ax.scatter([], [], c="#2471a3", s=9, label="positive")
    ax.legend(fontsize=7, loc="upper left", ncol=3)


def plot(result: dict):
    """Risk against prediction (top left), escape curvature against prediction (top right), the
    Hessian spectra of the first instance's first draw (bottom left) and of the failing cases
    (bottom right)."""
    import matplotlib.pyplot as plt

    result = _check(result)
    style.use()
    rows = point_table(result)
    fig, axes = plt.subplots(2, 2, figsize=(11, 8))
    ax = axes[0, 0]
    for kind, color in KIND_COLORS.items():
        for deficient, marker in ((False, "o"), (True, "^")):
            chosen = [r for r in rows if r["kind"] == kind and r["rank_deficient"] == deficient]
            if chosen:
                ax.scatter(
                    [r["predicted_excess"] for r in chosen],
                    [r["excess"] for r in chosen],
                    color=color,
                    marker=marker,
                    s=22,
                    alpha=0.75,
                    label=f"{kind}{', rank-deficient U' if deficient else ''}",
                )
    top = max([r["predicted_excess"] for r in rows] + [1e-3])
    ax.plot([0, top], [0, top], **style.THEORY_LINE, label="risk = tr Σyy − Σ_J λᵢ")
    ax.set_xlabel("predicted (tr Σyy − Σ_J λᵢ − optimum) / tr Σyy")
    ax.set_ylabel("(R(U, V) − optimum) / tr Σyy")
    ax.set_title("risk of every critical point (1.24)")
    ax.legend(fontsize=7, loc="upper left")
    ax = axes[0, 1]
    scale = 1.0
    escaping = [r for r in rows if r["curvature"] is not None]
    for deficient, marker, name in (
        (False, "o", "Thm 1.2(2): q_J → q_k"),
        (True, "^", "Thm 1.2(3)"),
    ):
        chosen = [r for r in escaping if r["rank_deficient"] == deficient]
        if chosen:
            ax.scatter(
                [r["predicted"] for r in chosen],
                [r["curvature"] for r in chosen],
                color="#c0392b",
                marker=marker,
                s=22,
                alpha=0.75,
                label=name,
            )
            scale = max(scale, max(abs(r["predicted"]) for r in chosen))
    line = np.array([-scale, 0.0])
    ax.plot(line, line, **style.THEORY_LINE, label="curvature = prediction, 2(λ_J − λ_k)")
    ax.plot(line, line / 2, color="0.5", ls="--", lw=1.0, label="(1.26) as printed: λ_J − λ_k")
    ax.set_xlabel("predicted d²R/dt² along the escape direction")
    ax.set_ylabel("d²R/dt² from the exact Hessian")
    ax.set_title("curvature along the theorem's direction")
    ax.legend(fontsize=7, loc="upper left")
    first = result["instances"][0]
    case = first["draws"][0]
    _strip(
        axes[1, 0],
        [(_label(r["index_set"]), r) for r in case["points"] + case["rank_deficient"]],
        f"spectra, n0 = {first['n0']}, n1 = {first['n1']}, n2 = {first['n2']} (first draw)",
    )
    axes[1, 0].set_xlabel("index set J (fewer than n1 indices: rank-deficient U)")
    failing = [("singular", "Σxx singular"), ("repeated", "λ₂ = λ₃")]
    _strip(
        axes[1, 1],
        [
            (f"{name}: {_label(r['index_set'])}", r)
            for key, name in failing
            for r in result[key]["points"]
        ],
        "assumptions fail (strict=False)",
    )
    fig.tight_layout()
    return fig
