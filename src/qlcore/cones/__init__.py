"""Random polyhedral cones (chapter 3): exact Wendel and Cover-Efron counts
(:mod:`~qlcore.cones.counts`), faces of a given cone by linear programming
(:mod:`~qlcore.cones.geometry`) and Monte Carlo averages over random cones
(:mod:`~qlcore.cones.sampling`).

Imports only :mod:`qlcore.infra`."""
