"""The book's one figure style: colours, sizes and labels shared by every figure."""

from __future__ import annotations

import matplotlib as mpl

VARIANT_COLORS = {"regular": "#c0392b", "added-norm": "#2471a3", "orthogonality": "#239b56"}
VARIANT_LABELS = {
    "regular": "Regular (α = γ = 0)",
    "added-norm": "Added norm (γ = 0)",
    "orthogonality": "Orthogonality penalty (α = 0)",
}
MODEL_TITLES = {
    "planted-diagonal": "Planted, A diagonal ±1",
    "planted-gaussian": "Planted, A Gaussian",
    "non-planted": "Non-planted, y independent of x",
}
THEORY_LINE = {"color": "0.3", "linestyle": ":", "linewidth": 1.5}

RC_PARAMS = {
    "figure.dpi": 110,
    "savefig.dpi": 150,
    "font.size": 10,
    "axes.titlesize": 10,
    "axes.labelsize": 10,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "legend.frameon": False,
}


def use() -> None:
    """Apply the book's matplotlib style."""
    mpl.rcParams.update(RC_PARAMS)
