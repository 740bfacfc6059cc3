"""Pictures and explorers of chapter 3: a random cone in 3-D, and face counts over (N, d).

Both are sliders over precomputed frames (:func:`qlcore.viz.widgets.frame_slider`), so they work in
a running notebook and in the static book alike.
"""

from __future__ import annotations

from math import comb

import ipywidgets as widgets
import numpy as np

from qlcore.cones import counts, geometry
from qlcore.infra.checks import InputError, check_budget, check_int, check_positive_int, check_real
from qlcore.viz import style
from qlcore.viz.widgets import frame_slider, png_frame

RAY_COLOURS = {"extremal": "#c0392b", "interior": "#7f8c8d"}
# Frames are shown at their natural size (72 dpi: a point is a pixel) in a text column of about
# 780 px at 1400 px width, and scroll sideways below MIN_FRAME_WIDTH on a phone; their text is
# then as large as the book's body text (about 16 px).
FRAME_WIDTH_INCHES = 10.5
FRAME_TEXT_SIZE = 16
FRAME_TEXT = {
    key: FRAME_TEXT_SIZE
    for key in (
        "font.size",
        "axes.titlesize",
        "axes.labelsize",
        "xtick.labelsize",
        "ytick.labelsize",
        "legend.fontsize",
    )
}
# Drawing one frame takes about 0.2 s and its PNG about 50 kB; counted as operations at the
# work limit's 1 GFLOP/s and as bytes, for the budget of the explorers.
FRAME_WORK = 2e8
FRAME_BYTES = 5e4
# The ball around the cone fills the 3-D axes at this zoom (at matplotlib's default, 1, the
# cube around the ball, whose projection is up to sqrt(3) times wider, fits the axes).
CONE_ZOOM = 1.7
# A face-fraction figure has a bar per face dimension k; beyond this many it is unreadable.
MAX_BARS = 200


def _check_frames(count: float, argument: str) -> None:
    check_budget(
        "the frames of this explorer",
        argument=argument,
        nbytes=count * FRAME_BYTES,
        flops=count * FRAME_WORK,
        fix="ask for fewer frames",
    )


def cone_figure(vectors, *, azimuth: float = 30.0, elevation: float = 50.0, ax=None):
    """A proper cone in ``R^3``: every generator as a segment from the origin to the
    cross-section ``<y, z> = 1`` (``y`` from :func:`qlcore.cones.geometry.central_axis`), the
    extremal rays in red, the others grey, and the cone's surface shaded. Without ``ax``, a
    frame-sized figure: the cone fills the left part and the legend (text of
    :data:`FRAME_TEXT_SIZE` points) sits to its right, off the drawing."""
    import matplotlib as mpl
    import matplotlib.pyplot as plt
    from matplotlib.patches import Rectangle
    from mpl_toolkits.mplot3d.art3d import Poly3DCollection

    azimuth = check_real(azimuth, "azimuth")
    elevation = check_real(elevation, "elevation")
    if ax is not None and not hasattr(ax, "add_collection3d"):
        raise InputError(
            "ax must be a 3-D matplotlib axes (fig.add_subplot(projection='3d')) or None",
            argument="ax",
        )
    units = geometry.unit_rows(vectors)
    if units.shape[1] != 3:
        raise InputError(
            f"vectors must have 3 columns to be drawn in 3-D, got {units.shape[1]}",
            argument="vectors",
        )
    axis = geometry.central_axis(units)
    if axis is None:
        raise InputError(
            "vectors: the cone of these vectors is not proper (it contains a line), so it "
            "has no bounded cross-section to draw",
            argument="vectors",
        )
    tips = units / (units @ axis)[:, None]
    extremal = geometry.extremal_rays(units)
    # order the extremal tips by angle around the axis to draw the surface
    basis = np.linalg.svd(axis[None, :])[2][1:]
    angles = np.arctan2(*(tips[extremal] @ basis.T).T[::-1])
    ring = tips[extremal[np.argsort(angles)]]
    if ax is None:
        with mpl.rc_context(FRAME_TEXT):
            fig = plt.figure(figsize=(FRAME_WIDTH_INCHES, 0.5 * FRAME_WIDTH_INCHES))
            ax = fig.add_axes((0.0, 0.0, 0.6, 1.0), projection="3d")
            # an invisible rectangle over the whole figure, so that a tight crop keeps every
            # frame of a rotation the same size
            fig.add_artist(
                Rectangle((0, 0), 1, 1, transform=fig.transFigure, fill=False, edgecolor="none")
            )
    faces = [[np.zeros(3), ring[i], ring[(i + 1) % len(ring)]] for i in range(len(ring))]
    ax.add_collection3d(
        Poly3DCollection(
            faces, alpha=0.18, facecolor="#2471a3", edgecolor="#2471a3", linewidths=0.6
        )
    )
    ax.add_collection3d(Poly3DCollection([ring], alpha=0.25, facecolor="#aed6f1"))
    inside = np.setdiff1d(np.arange(len(tips)), extremal)
    for indices, kind in ((extremal, "extremal"), (inside, "interior")):
        for tip in tips[indices]:
            ax.plot(
                *np.column_stack([np.zeros(3), tip]),
                color=RAY_COLOURS[kind],
                linewidth=3 if kind == "extremal" else 1.5,
            )
        ax.scatter(
            *tips[indices].T, color=RAY_COLOURS[kind], s=60, label=f"{kind} ({len(indices)})"
        )
    # a cube around the smallest ball centred on the drawing's box that holds it: the drawing
    # keeps its size and stays inside the axes from every viewing angle
    corners = np.vstack([tips, np.zeros(3)])
    centre = (corners.min(axis=0) + corners.max(axis=0)) / 2
    radius = np.linalg.norm(corners - centre, axis=1).max()
    ax.set(**{f"{c}lim": (m - radius, m + radius) for c, m in zip("xyz", centre)})
    ax.set_box_aspect((1, 1, 1), zoom=CONE_ZOOM)
    ax.view_init(elev=elevation, azim=azimuth)
    ax.set_axis_off()
    ax.legend(
        title="rays",
        fontsize=FRAME_TEXT_SIZE,
        title_fontsize=FRAME_TEXT_SIZE,
        loc="center left",
        bbox_to_anchor=(1.0, 0.5),
        frameon=False,
    )
    return ax.figure


def rotating_cone(vectors, *, n_views: int = 24) -> widgets.VBox:
    """A slider that turns :func:`cone_figure` around the vertical axis in ``n_views`` steps
    (refused beyond the budget: about 0.2 s and 50 kB a frame)."""
    n_views = check_positive_int(n_views, "n_views")
    _check_frames(n_views, "n_views")
    units = geometry.unit_rows(vectors)
    style.use()
    azimuths = np.linspace(0, 360, n_views, endpoint=False)
    n_rays = len(geometry.extremal_rays(units))
    frames = [
        png_frame(
            cone_figure(units, azimuth=a),
            alt=f"A cone spanned by {units.shape[0]} vectors in 3-D, "
            f"{n_rays} of them extremal rays, seen from azimuth {a:.0f} degrees",
        )
        for a in azimuths
    ]
    return frame_slider(frames, [f"azimuth {a:.0f}°" for a in azimuths], "turn")


def face_fraction_figure(n_vectors: int, dim: int):
    """Bars: the exact ``E[F_k | proper] / binom(N, k)``, the fraction of ``k``-subsets that
    span faces, for ``k = 1..min(N, d) - 1``, with the large-``d`` limit ``min(1, (2/α)^k)`` and
    Wendel's ``P(proper)`` in the title. At most :data:`MAX_BARS` bars (``min(N, d) - 1``).
    Frame-sized, text of :data:`FRAME_TEXT_SIZE` points, the legend beside the axes."""
    import matplotlib as mpl
    import matplotlib.pyplot as plt

    n_vectors = check_positive_int(n_vectors, "n_vectors")
    dim = check_positive_int(dim, "dim", minimum=2)
    if min(n_vectors, dim) - 1 > MAX_BARS:
        raise InputError(
            f"dim: min(n_vectors, dim) - 1 = {min(n_vectors, dim) - 1} bars (one per face "
            f"dimension k) are more than {MAX_BARS}; draw a smaller N or d",
            argument="dim",
        )
    ks = np.arange(1, min(n_vectors, dim))
    fractions = [float(counts.expected_faces(n_vectors, dim, k) / comb(n_vectors, k)) for k in ks]
    limits = [float(counts.face_fraction_limit(n_vectors / dim, k)) for k in ks]
    with mpl.rc_context(FRAME_TEXT):
        fig, ax = plt.subplots(figsize=(FRAME_WIDTH_INCHES, 0.45 * FRAME_WIDTH_INCHES))
        ax.bar(ks, fractions, color="#2471a3", label="exact,\nthis (N, d)")
        ax.plot(ks, limits, "o", ms=9, color="0.2", label="limit\nmin(1, (2/α)^k)")
        ax.set(
            ylim=(0, 1.05),
            xticks=ks,
            xlabel="face dimension k",
            ylabel="E[F_k | proper] / C(N, k)",
            title=f"N = {n_vectors}, d = {dim}: P(proper) = "
            f"{float(counts.wendel_probability(n_vectors, dim)):.3f}",
        )
        ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0), frameon=False)
        fig.tight_layout()
    return fig


def face_count_explorer(dims=(3, 4, 6, 8), max_ratio: int = 3) -> widgets.VBox:
    """Buttons for ``d`` and, for each, a slider over ``N = d .. max_ratio d`` showing
    :func:`face_fraction_figure` (refused beyond the budget: about 0.2 s and 50 kB a frame)."""
    if isinstance(dims, (str, bytes)) or not isinstance(dims, (list, tuple, np.ndarray)):
        raise InputError(f"dims must be a list of dimensions >= 2, got {dims!r}", argument="dims")
    dims = [check_int(d, f"dims[{i}]", minimum=2, maximum=MAX_BARS + 1) for i, d in enumerate(dims)]
    if not dims:
        raise InputError("dims must list at least one dimension", argument="dims")
    max_ratio = check_positive_int(max_ratio, "max_ratio")
    _check_frames(sum((max_ratio - 1) * d + 1 for d in dims), "max_ratio")
    style.use()
    panels = []
    for dim in dims:
        ns = list(range(dim, max_ratio * dim + 1))
        frames = [
            png_frame(
                face_fraction_figure(n, dim),
                alt=f"Fraction of k-subsets spanning faces of a random cone, N = {n}, d = {dim}",
            )
            for n in ns
        ]
        panels.append(frame_slider(frames, [f"N = {n}" for n in ns], "N"))
    buttons = widgets.ToggleButtons(options=[f"d = {d}" for d in dims], index=0)
    stack = widgets.Stack(panels, selected_index=0)
    widgets.jslink((buttons, "index"), (stack, "selected_index"))
    return widgets.VBox([buttons, stack])
