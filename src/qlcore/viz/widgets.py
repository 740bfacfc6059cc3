"""Explorers that keep working in the static book.

A slider is linked with ``jslink`` (in the browser, no Python kernel needed) to the
``selected_index`` of a ``Stack`` of precomputed frames, so the rendered page can still flip
through them. Every frame is a PNG with alt text.
"""

from __future__ import annotations

import base64
import html
import io

import ipywidgets as widgets
import numpy as np

from qlcore.infra.checks import InputError, as_matrix, as_vector
from qlcore.viz import style

# On a narrow screen a frame keeps at least this width (CSS pixels) and scrolls sideways, so
# its labels keep the size they have on a wide screen instead of shrinking with the screen.
MIN_FRAME_WIDTH = 640


def png_frame(figure, alt: str) -> widgets.HTML:
    """``figure`` as an inline PNG with alt text (the figure is closed). The image fills the
    text column, but never shrinks below :data:`MIN_FRAME_WIDTH` (or its own width): on a phone
    the frame scrolls sideways instead."""
    import matplotlib.pyplot as plt
    from matplotlib.figure import Figure

    if not isinstance(figure, Figure):
        raise InputError(
            f"figure must be a matplotlib Figure, got {type(figure).__name__}", argument="figure"
        )
    if not isinstance(alt, str) or not alt.strip():
        raise InputError(
            f"alt must be a non-empty text describing the figure, got {alt!r}", argument="alt"
        )
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=72, bbox_inches="tight")
    plt.close(figure)
    png = buffer.getvalue()
    natural_width = int.from_bytes(png[16:20], "big")  # the PNG header's IHDR width
    encoded = base64.b64encode(png).decode("ascii")
    style = f"max-width:100%;min-width:{min(natural_width, MIN_FRAME_WIDTH)}px"
    return widgets.HTML(
        f'<div style="overflow-x:auto"><img src="data:image/png;base64,{encoded}" '
        f'alt="{html.escape(alt)}" style="{style}"></div>'
    )


def _trace_frame(result: dict, width_index: int):
    import matplotlib.pyplot as plt

    style.use()
    epochs = np.maximum(np.asarray(result["trace_epochs"]), 1)
    width = result["settings"]["widths"][width_index]
    fig, axes = plt.subplots(1, 3, figsize=(10, 2.8), sharey=True)
    for ax, model in zip(axes, result["models"]):
        for name in result["variants"]:
            trace = np.asarray(result["cells"][model][name]["trace_nmse"][width_index])
            ax.plot(
                epochs,
                np.maximum(trace, 1e-12),
                color=style.VARIANT_COLORS[name],
                label=style.VARIANT_LABELS[name],
            )
        ax.axhline(
            max(result["least_squares_nmse"][model][0], 1e-12),
            **style.THEORY_LINE,
            label="least-squares NMSE",
        )
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_title(f"{style.MODEL_TITLES[model]}, k = {width}", fontsize=9)
        ax.set_xlabel("epoch")
    axes[0].set_ylabel("NMSE")
    axes[0].legend(fontsize=7, loc="lower left")
    fig.tight_layout()
    return fig


def training_curve_explorer(result: dict) -> widgets.VBox:
    """Slider over the width ``k``: NMSE against epoch for the three variants and models.

    Shows run 0 on data set 0 of a :mod:`qlcore.experiments.kazemipour_fig2` result.
    """
    _check_fig2_result(result)
    widths = result["settings"]["widths"]
    frames = [
        png_frame(
            _trace_frame(result, i),
            alt=f"NMSE against epoch for the three variants and data models at k = {k}",
        )
        for i, k in enumerate(widths)
    ]
    return frame_slider(frames, [f"k = {k}" for k in widths], "width index")


def _check_fig2_result(result) -> None:
    """:class:`InputError <qlcore.infra.checks.InputError>` naming ``result`` unless it holds
    what :func:`training_curve_explorer` draws: for each model and variant, one NMSE trace per
    width over ``trace_epochs``, and a least-squares NMSE per model."""

    def fail(what: str):
        return InputError(
            f"result must be a kazemipour-fig2 result (qlcore.reproduce.reproduce"
            f"('kazemipour-fig2', ...)): {what}",
            argument="result",
        )

    if not isinstance(result, dict):
        raise fail(f"got {type(result).__name__}")
    missing = {"trace_epochs", "settings", "models", "variants", "cells", "least_squares_nmse"}
    missing -= set(result)
    if missing:
        raise fail(f"it lacks {sorted(missing)}")
    if not isinstance(result["settings"], dict) or not isinstance(
        result["settings"].get("widths"), list
    ):
        raise fail("settings['widths'] must be a list")
    widths, epochs = result["settings"]["widths"], as_vector(result["trace_epochs"], "result")
    if not widths or not set(result["models"]) <= set(style.MODEL_TITLES) or not result["models"]:
        raise fail(f"needs widths and models among {list(style.MODEL_TITLES)}")
    if not result["variants"] or not set(result["variants"]) <= set(style.VARIANT_COLORS):
        raise fail(f"needs variants among {list(style.VARIANT_COLORS)}")
    for model in result["models"]:
        try:
            traces = [result["cells"][model][name]["trace_nmse"] for name in result["variants"]]
            least_squares = float(result["least_squares_nmse"][model][0])
        except (KeyError, IndexError, TypeError, ValueError) as error:
            raise fail(f"no NMSE for model {model!r} ({error!r})") from None
        for trace in traces:
            as_matrix(trace, "result", rows=len(widths), cols=epochs.size)
        if not np.isfinite(least_squares):
            raise fail(f"the least-squares NMSE of {model!r} is {least_squares}")


def frame_slider(frames: list, labels: list[str], description: str) -> widgets.VBox:
    """A slider that flips through ``frames`` (widgets), showing ``labels[i]`` beside it; the
    link is made in the browser (``jslink``), so it works in the static book too."""
    if not isinstance(frames, (list, tuple)) or not all(
        isinstance(frame, widgets.Widget) for frame in frames
    ):
        raise InputError("frames must be a list of widgets (png_frame)", argument="frames")
    if not isinstance(labels, (list, tuple)) or not all(isinstance(t, str) for t in labels):
        raise InputError("labels must be a list of strings", argument="labels")
    if len(frames) != len(labels) or not frames:
        raise InputError(
            f"frames and labels must be non-empty lists of the same length, got "
            f"{len(frames)} frames and {len(labels)} labels",
            argument="frames",
        )
    if not isinstance(description, str):
        raise InputError(
            f"description must be a string, got {description!r}", argument="description"
        )
    stack = widgets.Stack(frames, selected_index=0)
    slider = widgets.IntSlider(
        value=0, min=0, max=len(frames) - 1, description=description, readout=False
    )
    label_stack = widgets.Stack([widgets.Label(text) for text in labels], selected_index=0)
    widgets.jslink((slider, "value"), (stack, "selected_index"))
    widgets.jslink((slider, "value"), (label_stack, "selected_index"))
    return widgets.VBox([widgets.HBox([slider, label_stack]), stack])
