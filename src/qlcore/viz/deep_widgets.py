"""Chapter 5's explorer: how far from the optimum the runs of a width end.

A success fraction hides the failing runs' distance from the optimum. :func:`excess_explorer`
shows, for each hidden width of a :mod:`qlcore.experiments.kazemipour_fig4` or
:mod:`~qlcore.experiments.kazemipour_fig5` result, the histogram of every run's final excess NMSE
(NMSE minus the convex optimum) per data kind or task, with the success tolerance dotted, as
precomputed frames behind a slider (:func:`qlcore.viz.widgets.frame_slider`).
"""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np

from qlcore.infra.checks import InputError, check_int
from qlcore.viz import style
from qlcore.viz.widgets import frame_slider, png_frame

FLOOR = 1e-8
"""Excess NMSEs below this are drawn at it (a log axis cannot show 0)."""


def _check(result) -> dict:
    keys = ("settings", "cells", "success_tolerance")
    if not isinstance(result, dict) or any(key not in result for key in keys):
        raise InputError(
            "result must be the dict that run() returns for kazemipour-fig4 or kazemipour-fig5",
            argument="result",
        )
    return result


def _names(result: dict) -> list[str]:
    return list(result.get("kinds") or result.get("tasks") or result["cells"])


def excess_histograms(result: dict, width_index: int, titles: dict | None = None):
    """The histograms of the final excess NMSE at width ``settings["widths"][width_index]``, one
    panel per data kind or task (titles from ``titles``, else the names); returns the Figure."""
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator

    result = _check(result)
    widths = result["settings"]["widths"]
    index = check_int(width_index, "width_index", minimum=0, maximum=len(widths) - 1)
    if titles is not None and not isinstance(titles, dict):
        raise InputError("titles must be a dict of panel titles (or None)", argument="titles")
    names = _names(result)
    bins = np.logspace(np.log10(FLOOR), 0.5, 33)
    tolerance = float(result["success_tolerance"])
    with plt.rc_context({"font.size": 13, "axes.titlesize": 13, "axes.labelsize": 13}):
        fig, axes = plt.subplots(1, len(names), figsize=(11, 3.8), sharey=True, squeeze=False)
        for ax, name in zip(axes[0], names):
            excess = np.asarray(result["cells"][name]["excess_nmse"], dtype=float)[..., index]
            excess = excess.ravel()
            reached = int(np.sum(excess <= tolerance))
            ax.hist(np.clip(excess, FLOOR, None), bins=bins, color="#239b56")
            ax.axvline(tolerance, **style.THEORY_LINE)
            ax.set_xscale("log")
            ax.set_xlabel(f"excess NMSE (below {FLOOR:.0e} drawn at {FLOOR:.0e})")
            title = (titles or {}).get(name, name)
            ax.set_title(
                f"{title}, h₁ = {widths[index]}: {reached} of {excess.size} reach the optimum"
            )
        axes[0, 0].set_ylabel("runs")
        axes[0, 0].yaxis.set_major_locator(MaxNLocator(integer=True))
        fig.tight_layout()
    return fig


def excess_explorer(result: dict, titles: dict | None = None) -> widgets.VBox:
    """Slider over the hidden widths of ``result`` showing :func:`excess_histograms`."""
    result = _check(result)
    widths = result["settings"]["widths"]
    frames = [
        png_frame(
            excess_histograms(result, i, titles),
            alt=f"Histograms of the final excess NMSE of the runs at hidden width {width}, one "
            "panel per data kind or task, with the success tolerance dotted",
        )
        for i, width in enumerate(widths)
    ]
    return frame_slider(frames, [f"h₁ = {width}" for width in widths], "width index")
