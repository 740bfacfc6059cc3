"""Reproduced figures: one module per figure, each with ``run(scale, seed)`` and ``plot(result)``.

The registry maps a figure id (paper and figure, e.g. ``kazemipour-fig2``) to its module; the
CLI (``python -m qlcore list`` / ``reproduce``) reads it.
"""

from __future__ import annotations

import importlib

SCALES = ("quick", "paper")

REGISTRY = {
    "cover-efron": "qlcore.experiments.cover_efron",
    "kazemipour-fig2": "qlcore.experiments.kazemipour_fig2",
    "kazemipour-fig3": "qlcore.experiments.kazemipour_fig3",
    "kazemipour-penalty-weight": "qlcore.experiments.kazemipour_penalty_weight",
    "sarao-cone-link": "qlcore.experiments.sarao_cone_link",
    "sarao-fig1": "qlcore.experiments.sarao_fig1",
    "sarao-fig2": "qlcore.experiments.sarao_fig2",
    "sarao-fig3": "qlcore.experiments.sarao_fig3",
    "sarao-fig4": "qlcore.experiments.sarao_fig4",
    "sarao-figb6": "qlcore.experiments.sarao_figb6",
    "sarao-recovery": "qlcore.experiments.sarao_recovery",
    "sarao-uniqueness": "qlcore.experiments.sarao_uniqueness",
}


def figure_module(figure_id: str):
    """The module that reproduces ``figure_id``."""
    if figure_id not in REGISTRY:
        raise ValueError(
            f"unknown figure {figure_id!r}; `python -m qlcore list` shows the ids: "
            f"{', '.join(sorted(REGISTRY))}"
        )
    return importlib.import_module(REGISTRY[figure_id])


def check_scale(scale: str) -> str:
    """Return ``scale`` if it is one of :data:`SCALES`, else raise a ``ValueError``."""
    if scale not in SCALES:
        raise ValueError(f"scale must be one of {SCALES}, got {scale!r}")
    return scale
