"""Chapter 7's explorer: a 2-D slice of a linear network's loss through a saddle and the global
minimum.

The two-layer linear network ``f(x) = U V^T x`` (``U`` n2 x n1, ``V`` n0 x n1) has the square
loss (1.13) ``R(U, V) = tr(Syy - 2 Syx V U^T + U V^T Sxx V U^T)``. By Theorem 1.2 of Vidal, Zhu
and Haeffele (Baldi–Hornik; :mod:`qlcore.homogeneous.critical_points`), when ``Sxx`` is invertible
and ``Sigma = Syx Sxx^{-1} Sxy = Q Lambda Q^T`` has distinct eigenvalues
``lambda_1 > ... > lambda_n2``, the critical points with ``U`` of full rank are (1.24)

    P_J = (U_J, V_J) = (Q_J C, Sxx^{-1} Sxy Q_J C^{-T}),   R(P_J) = tr Syy - sum_{i in J} lambda_i,

for ``J`` a set of ``n1`` eigen-indices and ``C`` in ``GL(n1)``; ``J = {1, ..., n1}`` gives the
global minima ``P_*`` (risk ``R_*``) and every other ``J`` a strict saddle. The proof's escape
direction at ``P_J`` (:class:`~qlcore.homogeneous.critical_points.EscapeDirection`) turns the
eigenvector ``q_J`` of the largest index ``J = max J`` towards ``q_k``, ``k`` the smallest index
missing from ``J``: ``dU = q_k e_n1^T C``, ``dV = Sxx^{-1} Sxy q_k e_n1^T C^{-T}``, along which

    d^2/dt^2 R(U_J + t dU, V_J + t dV) = 2 (lambda_J - lambda_k) < 0.

That is twice the value the chapter's (1.26) gives: (1.26) as printed is the Hessian of ``R / 2``
while the gradient (1.16) next to it is that of ``R``; every curvature here is that of ``R``.

**The slice** (:func:`saddle_plane`). Every point is built by
:func:`~qlcore.homogeneous.critical_points.critical_point` with the same ``C`` (drawn from
``seed``), so ``P_J`` and ``P_* = (Q_[n1] C, Sxx^{-1} Sxy Q_[n1] C^{-T})`` differ only in the
columns of ``Q`` they hold, and the straight segment from ``P_J`` to ``P_*`` is well defined (the
nearest point of the ``GL(n1)`` orbit of global minima would need an optimisation; this one
does not). In ``theta = (U, V)``, with the Euclidean norm, the plane through ``P_J`` is spanned
by

- (a) the escape direction ``a = (dU, dV) / |(dU, dV)|``, and
- (b) the direction ``b`` from ``P_J`` to ``P_*``, orthogonalised against ``a``,

and the grid covers ``[-extent L, extent L]^2`` around ``P_J``, ``L = |P_* - P_J|``, so ``P_*`` (at
distance ``L``) lies inside. The colours are ``log10(R - R_*)`` (clipped below at a thousandth of
its largest value on the grid): ``R >= R_*`` everywhere, and the level sets are those of ``R``; the
level set of ``R(P_J)`` is drawn white, crossing itself at the saddle. Beside it, two 1-D cuts
against the distance from ``P_J``: along ``a``, with the quadratic model ``R(P_J) + kappa s^2 / 2``
of curvature ``kappa = 2 (lambda_J - lambda_k) / |(dU, dV)|^2`` (the theorem's curvature per unit
length), and along the segment to ``P_*``. When ``J`` is ``{1, ..., n1 - 1, J}`` (``J = {1, 3}`` at
``n1 = 2``), ``P_J`` and ``P_*`` differ in the last column only (``q_J`` against ``q_k``),
``P_* - P_J = (dU, dV) - w`` with ``w`` built from ``q_J`` as ``(dU, dV)`` is from ``q_k``, and
the plane also holds ``P_J - (dU, dV) - w``: the global minimum with ``-q_k`` in place of
``q_k``, the second dark basin, near the mirror image of ``P_*``. Index sets with fewer than
``n1`` indices (part 3's rank-deficient saddles) are drawn the same way, with part 3's escape
direction.

**The global minimum's frame** (``J = {1, ..., n1}``, no escape direction): the plane through
``P_*`` spanned by a flat direction of its ``GL(n1)`` orbit, ``(U A, -V A^T)`` with the nilpotent
``A = e_1 e_n1^T`` (``A^2 = 0``, so ``(U (I + sA), V (I - sA)^T)`` stays on the orbit and ``R`` is
exactly ``R_*`` along the whole line: a flat valley; for ``n1 = 1`` the rescaling ``(U, -V)``,
along which ``R - R_*`` grows only as ``s^4``), and a random direction (drawn from ``seed``),
orthogonalised, with its quadratic model from the exact Hessian
(:func:`~qlcore.homogeneous.critical_points.hessian_form`); the scale is ``L = |P_*|``.

:func:`saddle_slice` draws one plane, :func:`saddle_explorer` puts the frames of every index set
(the global minimum first, then each saddle in the order of ``itertools.combinations``) behind one
slider (:func:`qlcore.viz.widgets.frame_slider`). Without covariances it uses
:func:`default_covariances`, a small sampled instance with ``n0 = 4`` inputs and ``n2 = 3``
outputs (three frames at ``n1 = 2``: ``J = {1, 2}``, ``{1, 3}``, ``{2, 3}``).
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

import ipywidgets as widgets
import numpy as np

from qlcore.homogeneous import critical_points as cp
from qlcore.infra.checks import (
    InputError,
    check_budget,
    check_int,
    check_positive_int,
    check_real,
    check_seed,
)
from qlcore.viz import style
from qlcore.viz.widgets import frame_slider, png_frame

DATA_SEED = 0
"""Seed of the sample behind :func:`default_covariances`."""
DEFAULT_SHAPE = {"n0": 4, "n2": 3, "samples": 200}
"""Inputs, outputs and samples of :func:`default_covariances`."""
DEFAULT_SINGULAR_VALUES = (1.6, 1.1, 0.7)
"""Singular values of the planted map of :func:`default_covariances`."""
DEFAULT_NOISE = 0.3
"""Standard deviation of the output noise of :func:`default_covariances`."""
CUT_SAMPLES = 201
"""Points of each 1-D cut (odd: the centre is one of them)."""
FLOOR_FRACTION = 1e-3
"""``R - R_*`` is drawn at least this fraction of its largest value on the grid (log colours)."""
MAX_FRAMES = 60
"""The most index sets one explorer holds (each frame is an inline PNG in the page)."""
MAX_GRID = 201
"""The finest grid accepted (points per side)."""
RANDOM_STREAM = 1
"""The random direction of the global minimum's frame comes from ``[seed, RANDOM_STREAM]``."""
CENTRE_COLOR = "#c0392b"
MINIMUM_COLOR = "#239b56"
SEGMENT_COLOR = "#2471a3"


def default_covariances() -> cp.Covariances:
    """The built-in instance: the empirical moments
    (:func:`~qlcore.homogeneous.critical_points.covariances_from_data`) of 200 standard Gaussian
    inputs ``x`` in ``R^4`` with outputs ``y = M^T x + 0.3 noise`` in ``R^3``, ``M`` a random
    4 x 3 map with singular values 1.6, 1.1, 0.7 (seed :data:`DATA_SEED`). The eigenvalues of
    ``Sigma`` are about 2.51, 1.28 and 0.55: distinct, so Theorem 1.2 applies."""
    rng = np.random.default_rng(DATA_SEED)
    n0, n2, samples = DEFAULT_SHAPE["n0"], DEFAULT_SHAPE["n2"], DEFAULT_SHAPE["samples"]
    x = rng.standard_normal((samples, n0))
    left = np.linalg.qr(rng.standard_normal((n0, n2)))[0]
    right = np.linalg.qr(rng.standard_normal((n2, n2)))[0]
    planted = (left * np.asarray(DEFAULT_SINGULAR_VALUES)) @ right.T
    y = x @ planted + DEFAULT_NOISE * rng.standard_normal((samples, n2))
    return cp.covariances_from_data(x, y)


@dataclass(frozen=True)
class Cut:
    """The risk along one line through the centre of a :class:`SaddlePlane`.

    ``distances``: signed distances from the centre (Euclidean in ``theta = (U, V)``);
    ``risks``: ``R`` there; ``model``: the quadratic model ``R(centre) + curvature s^2 / 2``
    (``None`` when the cut has none) with ``curvature`` per unit length squared; ``label``:
    what the line is."""

    label: str
    distances: np.ndarray
    risks: np.ndarray
    model: np.ndarray | None
    curvature: float | None


@dataclass(frozen=True)
class SaddlePlane:
    """The risk on a plane through the critical point ``P_J`` of ``index_set`` (see the module
    docstring), computed by :func:`saddle_plane`.

    ``kind``, ``risk``: the classification and risk of ``P_J``; ``minimum_risk``: ``R_*``, the
    risk of ``P_*``; ``predicted_curvature``: the theorem's curvature of ``R`` along the
    unnormalised escape direction ``(dU, dV)`` (``2 (lambda_J - lambda_k)`` for a full-rank
    saddle; ``None`` at the global minimum), ``escape_norm``: ``|(dU, dV)|``, ``rule``: how the
    direction was built; ``scale``: ``L``; ``coords``: the grid's coordinates along each axis;
    ``risks[i, j]``: ``R`` at ``coords[j]`` along the first direction and ``coords[i]`` along
    the second; ``minimum``: the coordinates of ``P_*`` in the plane; ``axis_labels``: the two
    directions; ``cuts``: the two :class:`Cut` lines drawn beside the plane (along the escape
    direction and the segment to ``P_*``; at the global minimum, along the flat and the random
    direction)."""

    index_set: tuple[int, ...]
    kind: str
    risk: float
    minimum_risk: float
    predicted_curvature: float | None
    escape_norm: float | None
    rule: str
    scale: float
    coords: np.ndarray
    risks: np.ndarray
    minimum: np.ndarray
    axis_labels: tuple[str, str]
    cuts: tuple[Cut, Cut]


def _theta(point) -> np.ndarray:
    return np.concatenate([point.u.ravel(), point.v.ravel()])


def _unit(vector: np.ndarray) -> np.ndarray:
    return vector / np.linalg.norm(vector)


def _risk(cov: cp.Covariances, n1: int, theta: np.ndarray) -> float:
    size_u = cov.n2 * n1
    return cp.risk(cov, theta[:size_u].reshape(cov.n2, n1), theta[size_u:].reshape(cov.n0, n1))


def _line(cov, n1, centre, direction, distances) -> np.ndarray:
    return np.array([_risk(cov, n1, centre + s * direction) for s in distances])


def _orthogonal_part(vector: np.ndarray, unit: np.ndarray, rng) -> np.ndarray:
    """``vector`` minus its component along ``unit``, normalised; a random direction orthogonal
    to ``unit`` when ``vector`` is (numerically) parallel to it."""
    rest = vector - (vector @ unit) * unit
    while np.linalg.norm(rest) <= 1e-9 * max(np.linalg.norm(vector), 1e-300):
        vector = rng.standard_normal(unit.size)
        rest = vector - (vector @ unit) * unit
    return _unit(rest)


def _check_grid(grid, extent, cov: cp.Covariances, n1: int, frames: int = 1) -> tuple[int, float]:
    grid = check_int(grid, "grid", minimum=11, maximum=MAX_GRID)
    extent = check_real(extent, "extent", minimum=1.1, maximum=10.0)
    check_budget(
        "the risk on the grids",
        argument="grid",
        nbytes=8.0 * frames * (grid * grid + 2 * CUT_SAMPLES),
        flops=20.0 * frames * (grid * grid + 2 * CUT_SAMPLES) * cov.n2 * cov.n0 * (cov.n0 + n1),
        fix="use a smaller grid or fewer outputs",
    )
    return grid, extent


def saddle_plane(cov, n1, index_set, *, seed=0, grid: int = 41, extent: float = 1.5):
    """The risk on the plane through the critical point ``P_J`` of ``index_set`` (1-based, as
    in :func:`~qlcore.homogeneous.critical_points.critical_point`, with ``C`` drawn from
    ``seed``) spanned by the escape direction and the direction to the global minimum ``P_*``
    with the same ``C`` (orthogonalised), on a ``grid x grid`` grid over
    ``[-extent L, extent L]^2``, ``L = |P_* - P_J|`` (``extent`` in ``[1.1, 10]``), and the two
    1-D cuts; for ``J = {1, ..., n1}``, the plane of a flat and a random direction through
    ``P_*`` (module docstring). Returns a :class:`SaddlePlane`.

    ``cov`` must satisfy the assumptions of Theorem 1.2 and ``n1 <= min(n0, n2)``
    (:class:`~qlcore.infra.checks.InputError` naming ``cov`` or ``n1`` otherwise)."""
    cov = cp.check_covariances(cov)
    n1 = check_positive_int(n1, "n1")
    seed = check_seed(seed)
    grid, extent = _check_grid(grid, extent, cov, n1)
    point = cp.critical_point(cov, n1, index_set, seed=seed)
    optimal = tuple(range(1, n1 + 1))
    best = point if point.index_set == optimal else cp.critical_point(cov, n1, optimal, seed=seed)
    rng = np.random.default_rng([seed, RANDOM_STREAM])
    centre, target = _theta(point), _theta(best)
    if point.escape is None:  # the global minimum: a flat direction and a random one
        nilpotent = np.zeros((n1, n1))
        nilpotent[0, -1] = 1.0  # e_1 e_n1^T: A^2 = 0 when n1 >= 2; A = 1 (rescaling) if n1 = 1
        flat = _unit(
            np.concatenate([(point.u @ nilpotent).ravel(), (-point.v @ nilpotent.T).ravel()])
        )
        second = _orthogonal_part(rng.standard_normal(centre.size), flat, rng)
        first, scale = flat, float(np.linalg.norm(centre))
        size_u = cov.n2 * n1
        curvature = cp.hessian_form(
            cov,
            point.u,
            point.v,
            second[:size_u].reshape(cov.n2, n1),
            second[size_u:].reshape(cov.n0, n1),
        )
        flat_name = "flat GL(n₁) direction" if n1 >= 2 else "rescaling (U, −V)"
        axis_labels = (f"along the {flat_name}", "along a random direction")
        minimum = np.zeros(2)
        predicted, escape_norm = None, None
        rule = (
            "flat direction (UA, −VAᵀ), A = e₁eₙ₁ᵀ (A² = 0), of the GL(n₁) orbit"
            if n1 >= 2
            else "rescaling (U, −V), flat to third order,"
        )
    else:
        escape = point.escape
        direction = np.concatenate([escape.du.ravel(), escape.dv.ravel()])
        escape_norm = float(np.linalg.norm(direction))
        first = direction / escape_norm
        towards = target - centre
        scale = float(np.linalg.norm(towards))
        second = _orthogonal_part(towards, first, rng)
        minimum = np.array([towards @ first, towards @ second])
        predicted = float(escape.predicted)
        curvature = predicted / escape_norm**2
        axis_labels = ("along the escape direction", "towards $P_*$ (orthogonalised)")
        rule = escape.rule
    half = extent * scale
    coords = np.linspace(-half, half, grid)
    risks = np.array(
        [[_risk(cov, n1, centre + s * first + t * second) for s in coords] for t in coords]
    )
    distances = np.linspace(-half, half, CUT_SAMPLES)
    first_risks = _line(cov, n1, centre, first, distances)
    second_risks = _line(cov, n1, centre, second, distances)
    model = point.risk + curvature * distances**2 / 2
    if point.escape is None:
        cuts = (
            Cut(axis_labels[0], distances, first_risks, None, None),
            Cut(axis_labels[1], distances, second_risks, model, float(curvature)),
        )
    else:
        segment = np.linspace(0.0, scale, CUT_SAMPLES)
        cuts = (
            Cut(axis_labels[0], distances, first_risks, model, float(curvature)),
            Cut(
                "segment to $P_*$",
                segment,
                _line(cov, n1, centre, _unit(target - centre), segment),
                None,
                None,
            ),
        )
    return SaddlePlane(
        index_set=point.index_set,
        kind=point.kind,
        risk=point.risk,
        minimum_risk=best.risk,
        predicted_curvature=predicted,
        escape_norm=escape_norm,
        rule=rule,
        scale=scale,
        coords=coords,
        risks=risks,
        minimum=minimum,
        axis_labels=axis_labels,
        cuts=cuts,
    )


def _set_text(index_set) -> str:
    return "{" + ", ".join(str(i) for i in index_set) + "}"


def _label(plane: SaddlePlane) -> str:
    if plane.predicted_curvature is None:
        valley = "flat valley" if len(plane.index_set) >= 2 else "valley flat to third order"
        return f"J = {_set_text(plane.index_set)}: {plane.kind}, {valley}"
    return (
        f"J = {_set_text(plane.index_set)}: {plane.kind}, curvature {plane.predicted_curvature:.2f}"
    )


def _cut_limits(plane: SaddlePlane) -> tuple[float, float]:
    """The risk range of the cut panel: from the lowest risk drawn to twice the height of the
    part worth seeing (the quartic ends of the lines would flatten the centre)."""
    drawn = np.concatenate([cut.risks for cut in plane.cuts] + [[plane.minimum_risk]])
    low = float(drawn.min())
    if plane.predicted_curvature is None:  # the random line within half the scale
        random = plane.cuts[1]
        high = float(random.risks[np.abs(random.distances) <= plane.scale / 2].max())
    else:  # the saddle and the segment to P_*
        high = float(max(plane.cuts[1].risks.max(), plane.risk))
    high = low + 2.0 * max(high - low, 1e-12 * max(1.0, abs(low)))
    margin = 0.05 * (high - low)
    return low - margin, high + margin


def _mark(ax, x, y, name: str, marker: str, color: str) -> None:
    ax.plot(x, y, marker, color=color, markersize=15, markeredgecolor="w")
    ax.annotate(name, (x, y), xytext=(7, 7), textcoords="offset points", color="w", weight="bold")


def _draw(plane: SaddlePlane):
    import matplotlib.pyplot as plt

    at_minimum = plane.predicted_curvature is None
    centre_name = "$P_*$" if at_minimum else "$P_J$"
    with plt.rc_context(
        {"font.size": 13, "axes.titlesize": 13, "axes.labelsize": 13, "legend.fontsize": 12}
    ):
        fig, (ax, cut_ax) = plt.subplots(
            1, 2, figsize=(11, 4.9), gridspec_kw={"width_ratios": [1.15, 1]}
        )
        excess = plane.risks - plane.minimum_risk
        floor = FLOOR_FRACTION * max(float(excess.max()), 1e-300)
        shown = np.log10(np.maximum(excess, floor))
        filled = ax.contourf(plane.coords, plane.coords, shown, levels=24, cmap="viridis")
        lines = {"colors": "k", "linewidths": 0.4, "alpha": 0.5, "linestyles": "solid"}
        ax.contour(plane.coords, plane.coords, shown, levels=12, **lines)
        level = plane.risk - plane.minimum_risk
        if level > floor:  # the level set of the saddle, crossing itself there
            ax.contour(
                plane.coords,
                plane.coords,
                shown,
                levels=[np.log10(level)],
                colors="w",
                linewidths=1.8,
                linestyles="solid",
            )
        fig.colorbar(filled, ax=ax, label="log₁₀(R − $R_*$)", shrink=0.9)
        if at_minimum:
            _mark(ax, 0.0, 0.0, centre_name, "*", MINIMUM_COLOR)
        else:
            _mark(ax, 0.0, 0.0, centre_name, "X", CENTRE_COLOR)
            _mark(ax, *plane.minimum, "$P_*$", "*", MINIMUM_COLOR)
        ax.set_aspect("equal")
        ax.grid(False)
        ax.set_xlabel(plane.axis_labels[0])
        ax.set_ylabel(plane.axis_labels[1])

        for cut, color in zip(plane.cuts, (CENTRE_COLOR, SEGMENT_COLOR)):
            cut_ax.plot(cut.distances, cut.risks, color=color, linewidth=2, label=cut.label)
            if cut.model is None:
                continue
            if at_minimum:
                text = f"quadratic model (Hessian), κ = {cut.curvature:.3g}"
            else:
                text = (
                    f"quadratic model, κ = {plane.predicted_curvature:.3f} / |(dU, dV)|²"
                    f" = {cut.curvature:.3g}"
                )
            cut_ax.plot(
                cut.distances, cut.model, color="0.15", linestyle="--", linewidth=1.5, label=text
            )
        cut_ax.axhline(plane.minimum_risk, **style.THEORY_LINE, label="$R_*$")
        if not at_minimum:
            segment = plane.cuts[1]
            cut_ax.plot(
                segment.distances[-1], segment.risks[-1], "*", color=MINIMUM_COLOR, markersize=15
            )
        cut_ax.set_ylim(*_cut_limits(plane))
        cut_ax.set_xlabel(f"distance from {centre_name}")
        cut_ax.set_ylabel("R")
        cut_ax.grid(True, alpha=0.3)
        handles, names = cut_ax.get_legend_handles_labels()
        fig.legend(handles, names, loc="lower center", ncol=2, frameon=False)
        index_text = _set_text(plane.index_set)
        if at_minimum:
            title = (
                f"J = {index_text}: {plane.kind}, R($P_*$) = {plane.risk:.3f}\n"
                f"the plane of a {plane.rule} and a random direction"
            )
        else:
            title = (
                f"J = {index_text}: {plane.kind}, R($P_J$) = {plane.risk:.3f} "
                f"($R_*$ = {plane.minimum_risk:.3f}), curvature {plane.predicted_curvature:.3f}"
                f" along (dU, dV)\n{plane.rule}"
            )
        fig.suptitle(title, fontsize=13, x=0.01, ha="left")
        fig.tight_layout(rect=(0, 0.11, 1, 1))
    return fig


def saddle_slice(cov, n1, index_set, *, seed=0, grid: int = 41, extent: float = 1.5):
    """Draw :func:`saddle_plane`: left, ``log10(R - R_*)`` on the plane (filled contours, the
    level of ``R(P_J)`` white, ``P_J`` a cross and ``P_*`` a star); right, the two 1-D cuts with
    the quadratic model dashed and ``R_*`` dotted. The title gives ``J``, the kind and risk of
    ``P_J`` and the theorem's curvature along ``(dU, dV)``. Returns the Figure."""
    return _draw(saddle_plane(cov, n1, index_set, seed=seed, grid=grid, extent=extent))


def _alt(plane: SaddlePlane) -> str:
    index_text = _set_text(plane.index_set)
    if plane.predicted_curvature is None:
        return (
            f"Filled contour plot of log10 of the excess risk of a linear network on the plane "
            f"through the global minimum (J = {index_text}) spanned by a flat direction of its "
            f"GL(n1) orbit and a random direction, showing a flat valley; beside it the risk "
            f"along both directions, constant along the flat one"
        )
    return (
        f"Filled contour plot of log10 of the excess risk of a linear network on the plane "
        f"through the strict saddle of J = {index_text} (risk {plane.risk:.3f}) spanned by the "
        f"escape direction of Theorem 1.2 and the direction to the global minimum, both points "
        f"marked; beside it the risk along the escape direction, curving down with curvature "
        f"{plane.predicted_curvature:.3f} along (dU, dV) as its quadratic model predicts, and "
        f"along the segment to the global minimum"
    )


def saddle_explorer(cov=None, n1=2, *, seed=0, grid: int = 41, extent: float = 1.5) -> widgets.VBox:
    """Slider over the index sets ``J`` of ``n1`` eigen-indices (the global minimum
    ``J = {1, ..., n1}`` first, then each saddle) showing :func:`saddle_slice`, labelled
    ``"J = {1, 3}: strict saddle, curvature -1.46"`` (the theorem's curvature along
    ``(dU, dV)``) and ``"J = {1, 2}: global minimum, flat valley"`` (``"valley flat to third
    order"`` when ``n1 = 1``); ``seed``, ``grid`` and ``extent`` as in :func:`saddle_plane`.
    ``cov=None`` uses :func:`default_covariances` (``n0 = 4``, ``n2 = 3``: three frames at
    ``n1 = 2``, built in about 4 s on one core)."""
    cov = default_covariances() if cov is None else cp.check_covariances(cov)
    n1 = check_positive_int(n1, "n1")
    seed = check_seed(seed)
    cp.critical_point(cov, n1, tuple(range(1, min(n1, cov.n2) + 1)), seed=seed)  # checks n1
    count = math.comb(cov.n2, n1)
    if count > MAX_FRAMES:
        raise InputError(
            f"n1: there are binom(n2, n1) = {count} index sets, more than {MAX_FRAMES} frames; "
            f"use a smaller or larger n1 or fewer outputs",
            argument="n1",
        )
    _check_grid(grid, extent, cov, n1, count)
    frames, labels = [], []
    for subset in itertools.combinations(range(1, cov.n2 + 1), n1):
        plane = saddle_plane(cov, n1, subset, seed=seed, grid=grid, extent=extent)
        frames.append(png_frame(_draw(plane), alt=_alt(plane)))
        labels.append(_label(plane))
    return frame_slider(frames, labels, "index set J")
