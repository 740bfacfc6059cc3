"""Kazemipour, Larsen & Druckmann, Fig. 3: average NMSE by data block, planted experiments.

Same runs as Fig. 2 (:mod:`qlcore.experiments.kazemipour_fig2`); for each planted model, variant
and data block it shows the NMSE averaged over the block's runs. The global optimum of a planted
model has NMSE 0.
"""

from __future__ import annotations

import numpy as np

from qlcore.experiments import check_result
from qlcore.experiments.kazemipour_fig2 import DEVICES, run  # noqa: F401  (as Fig. 2: same run)
from qlcore.viz import style

FIGURE_ID = "kazemipour-fig3"
TITLE = "Average NMSE by data block for the planted models (Kazemipour et al., Fig. 3)"
PLANTED = ("planted-diagonal", "planted-gaussian")


def plot(result: dict):
    """Rows: planted models; columns: variants; one line per data block (mean over runs)."""
    import matplotlib.pyplot as plt

    check_result(result, FIGURE_ID, ("settings", "variants", "cells"))
    style.use()
    widths, dim = result["settings"]["widths"], result["settings"]["dim"]
    variants = result["variants"]
    fig, axes = plt.subplots(
        len(PLANTED), len(variants), figsize=(11, 5.6), sharex=True, sharey=True
    )
    for row, model in enumerate(PLANTED):
        for col, name in enumerate(variants):
            ax = axes[row, col]
            nmse = np.asarray(result["cells"][model][name]["nmse"])
            for block, block_nmse in enumerate(nmse):
                ax.plot(
                    widths,
                    np.maximum(block_nmse.mean(axis=0), 1e-12),
                    color=style.VARIANT_COLORS[name],
                    alpha=0.35 + 0.13 * block,
                    marker="o",
                    markersize=2.5,
                    label=f"data block {block + 1}",
                )
            ax.axvline(dim, **style.THEORY_LINE)
            ax.set_yscale("log")
            ax.set_title(f"{style.MODEL_TITLES[model]}\n{style.VARIANT_LABELS[name]}", fontsize=9)
            if row == len(PLANTED) - 1:
                ax.set_xlabel("hidden units k")
        axes[row, 0].set_ylabel("average NMSE")
    axes[0, 0].legend(fontsize=7)
    fig.tight_layout()
    return fig
