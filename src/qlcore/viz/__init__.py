"""Figures and widgets: the book's one figure style (:mod:`~qlcore.viz.style`), frame sliders that
also work on the static page (:mod:`~qlcore.viz.widgets`) and the chapters' explorers
(:mod:`~qlcore.viz.cone_widgets`, :mod:`~qlcore.viz.dynamics_widgets`).

Imports the solver packages, never :mod:`qlcore.experiments` or the figure-running layer."""
