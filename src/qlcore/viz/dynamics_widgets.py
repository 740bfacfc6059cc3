"""Explorer of the population flow (Sarao Mannelli et al., Theorem 5.2) for the static book.

Three sliders (input dimension ``d``, teacher width ``m*``, teacher spectrum) are linked with
``jslink`` to nested ``Stack`` widgets of precomputed PNG frames (the pattern of
:mod:`qlcore.viz.widgets`), so the rendered page flips through them without a kernel.
"""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np

from qlcore.dynamics import flows
from qlcore.infra.checks import (
    InputError,
    check_budget,
    check_choice,
    check_int,
    check_positive_int,
    check_seed,
)
from qlcore.viz import style
from qlcore.viz.widgets import png_frame

DIMS = (5, 10, 20)
WIDTHS = {"1": lambda d: 1, "d/2": lambda d: d // 2, "d": lambda d: d, "2d": lambda d: 2 * d}
SPECTRA = ("Gaussian teacher", "flat, λ* = 2", "spread, λ* from 3 to 0.03")
TIMES = np.r_[0.0, np.geomspace(1e-3, 1e4, 120)]
# A frame draws one line per eigenvalue; beyond this many it is unreadable (and slow).
MAX_DIM = 200
# Frames are drawn at 72 dpi (png_frame), so a point is a CSS pixel: FRAME_FONT points match the
# book's body text (16 px). A FRAME_SIZE frame is narrower than png_frame's MIN_FRAME_WIDTH
# (640 px), so it is shown at its natural size both in the text column of a wide window and,
# scrolling sideways, on a phone: its text never shrinks below the body text.
FRAME_FONT = 16
FRAME_SIZE = (8.8, 4.0)
# Drawing one frame takes about a second: counted as operations at the work limit's 1 GFLOP/s.
FRAME_WORK = 1e9


def teacher_spectrum(dim: int, width: int, spectrum: str, seed: int = 0) -> np.ndarray:
    """Teacher eigenvalues (descending, zeros beyond rank ``min(m*, d)``) for one of
    :data:`SPECTRA`: a Gaussian teacher ``W* W*^T / m*``, ``rank`` eigenvalues equal to 2, or
    ``rank`` eigenvalues geometrically spaced from 3 down to 0.03."""
    dim = check_positive_int(dim, "dim")
    width = check_positive_int(width, "width")
    spectrum = check_choice(spectrum, "spectrum", SPECTRA)
    seed = check_seed(seed)
    check_budget("the teacher spectrum", argument="dim", nbytes=16.0 * dim, fix="use a smaller dim")
    if spectrum == SPECTRA[0]:
        return flows.gaussian_teacher(
            dim, width, np.random.default_rng([seed, dim, width])
        ).eigenvalues
    rank = min(dim, width)
    values = np.full(rank, 2.0) if spectrum == SPECTRA[1] else np.geomspace(3.0, 0.03, rank)
    return np.concatenate([values, np.zeros(dim - rank)])


def explorer_frame(dim: int, width_label: str, spectrum: str, seed: int = 0):
    """One frame: eigenvalue trajectories ``lambda_i(t)`` (eq. 20) and the loss ``E(t)`` (eq. 21)
    from ``A(0) = I``, with the ``t^-2`` law (26) or the slope of the linearisation (28)."""
    import matplotlib.pyplot as plt

    dim = check_int(dim, "dim", minimum=2, maximum=MAX_DIM)
    width_label = check_choice(width_label, "width_label", tuple(WIDTHS))
    spectrum = check_choice(spectrum, "spectrum", SPECTRA)
    seed = check_seed(seed)
    style.use()
    width = WIDTHS[width_label](dim)
    values = teacher_spectrum(dim, width, spectrum, seed)
    flow = flows.eigenvalue_flow(values, TIMES)
    t = TIMES[1:]
    fonts = {k: FRAME_FONT for k in ("font.size", "axes.titlesize", "axes.labelsize")}
    fonts |= {k: FRAME_FONT for k in ("xtick.labelsize", "ytick.labelsize", "legend.fontsize")}
    with plt.rc_context(fonts):
        fig, (left, right) = plt.subplots(1, 2, figsize=FRAME_SIZE)
        colors = plt.cm.viridis(np.linspace(0, 0.9, dim))
        for i in range(dim):
            left.plot(t, flow.eigenvalues[1:, i], color=colors[i], lw=1.2)
            if values[i] > 0:
                left.axhline(values[i], color=colors[i], lw=0.8, ls=":")
        left.set_xscale("log")
        left.set_yscale("log")
        left.set_ylim(1e-4, 5)
        left.set_xticks([1e-3, 1e-1, 1e1, 1e3])
        left.set_xlabel("t")
        left.set_title(f"λᵢ(t) (dotted: teacher), d = {dim}, m* = {width}")
        loss = flow.loss[1:]
        shown = loss > 1e-25
        right.plot(t[shown], loss[shown], color="black", lw=1.6, label="E(t)")
        rank = int(np.sum(values > 0))
        if rank < dim:
            right.plot(
                t,
                flows.t2_constant(dim, rank) / t**2,
                color="#c0392b",
                ls=":",
                lw=2,
                label="(26): C t⁻²",
            )
        elif reference := flows.exponential_reference(t, loss, 2 * flows.linearised_rate(values)):
            right.plot(*reference, color="#c0392b", ls=":", lw=2, label="slope of (28)")
        right.set_xscale("log")
        right.set_yscale("log")
        right.set_ylim(1e-20, 1e3)
        right.set_xlim(t[0], t[-1])
        right.set_xticks([1e-3, 1e-1, 1e1, 1e3])
        right.set_yticks([1e-18, 1e-12, 1e-6, 1e0])
        right.set_xlabel("t")
        right.set_title(f"E(t), {spectrum.split(',')[0]}")
        right.legend(loc="lower left")
        fig.tight_layout()
    return fig


def convergence_explorer(
    dims=DIMS, widths=tuple(WIDTHS), spectra=SPECTRA, seed: int = 0
) -> widgets.VBox:
    """Sliders for ``d``, ``m*`` and the teacher spectrum over precomputed frames of
    :func:`explorer_frame`, one PNG per combination (by default ``3 x 4 x 3``; each takes about a
    second to draw, so pass fewer values for a quick look; refused beyond the work budget)."""
    dims = [check_int(d, f"dims[{i}]", minimum=2, maximum=MAX_DIM) for i, d in _items(dims, "dims")]
    widths = [check_choice(w, f"widths[{i}]", tuple(WIDTHS)) for i, w in _items(widths, "widths")]
    spectra = [check_choice(s, f"spectra[{i}]", SPECTRA) for i, s in _items(spectra, "spectra")]
    seed = check_seed(seed)
    check_budget(
        "the frames of this explorer",
        argument="dims",
        flops=len(dims) * len(widths) * len(spectra) * FRAME_WORK,
        fix="pass fewer dims, widths or spectra",
    )
    d_slider = widgets.IntSlider(
        value=len(dims) // 2, min=0, max=len(dims) - 1, description="d index", readout=False
    )
    m_slider = widgets.IntSlider(
        value=len(widths) // 2, min=0, max=len(widths) - 1, description="m* index", readout=False
    )
    s_slider = widgets.IntSlider(
        value=0, min=0, max=len(spectra) - 1, description="spectrum", readout=False
    )
    by_dim = []
    for dim in dims:
        by_width = []
        for label in widths:
            frames = [
                png_frame(
                    explorer_frame(dim, label, spectrum, seed),
                    alt=f"Eigenvalues and loss against time for d = {dim}, "
                    f"m* = {label}, {spectrum}",
                )
                for spectrum in spectra
            ]
            leaf = widgets.Stack(frames, selected_index=s_slider.value)
            widgets.jslink((s_slider, "value"), (leaf, "selected_index"))
            by_width.append(leaf)
        middle = widgets.Stack(by_width, selected_index=m_slider.value)
        widgets.jslink((m_slider, "value"), (middle, "selected_index"))
        by_dim.append(middle)
    stack = widgets.Stack(by_dim, selected_index=d_slider.value)
    widgets.jslink((d_slider, "value"), (stack, "selected_index"))
    labels = []
    for slider, names in (
        (d_slider, [f"d = {d}" for d in dims]),
        (m_slider, [f"m* = {w}" for w in widths]),
        (s_slider, spectra),
    ):
        label = widgets.Stack([widgets.Label(name) for name in names], selected_index=slider.value)
        widgets.jslink((slider, "value"), (label, "selected_index"))
        labels.append(widgets.HBox([slider, label]))
    return widgets.VBox([*labels, stack])


def _items(values, name: str):
    """``enumerate(values)`` for a non-empty list or tuple, else :class:`InputError
    <qlcore.infra.checks.InputError>` naming ``name``."""
    if not isinstance(values, (list, tuple)) or not values:
        raise InputError(f"{name} must be a non-empty list or tuple, got {values!r}", argument=name)
    return enumerate(values)
