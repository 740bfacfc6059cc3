"""Verdicts on the multi-output experiment (:mod:`qlcore.experiments.kazemipour_multioutput`).

:func:`claims` reads a result of its ``run`` and says, for each statement of Theorem 3.2 /
E.1, E.2 and Lemma E.1 that the experiment tests, whether the numbers bear it out. A run
"reaches the optimum" when its excess NMSE is at most the result's ``success_tolerance``
(Fig. 2's criterion, 0.005).
"""

from __future__ import annotations

import numpy as np

from qlcore.experiments import check_result
from qlcore.experiments.kazemipour_multioutput import FIGURE_ID, VARIANTS

CERTIFICATE_FLOOR = 1e-6
"""A run that misses the optimum must have a relative certificate
``max_m ||sum r_m X|| / ||sum y_m X||`` above this (Lemma C.1 per output: a vanishing certificate
means a global optimum). Set before looking at results, far below any failure and far above the
rounding of a certificate at the optimum; the same floor as chapter 5's deep networks."""


def claims(result: dict) -> dict[str, bool]:
    """The experiment's verdicts (booleans):

    * ``added_norm_global_from_md``: for every ``M``, every added-norm run with ``k >= M d``
      reaches the optimum (Theorem 3.2 / E.1);
    * ``block_orthogonality_global_from_md``: the same for block orthogonality (Theorem E.2);
    * ``fixed_units_global``: the fixed-unit networks (Lemma E.1) reach it on every data set;
    * ``failures_certified``: every run that misses the optimum (either variant, any width, and
      the fixed units) has a certificate above :data:`CERTIFICATE_FLOOR`.
    """
    check_result(result, FIGURE_ID, ("settings", "success_tolerance", "cells", "fixed_units"))
    settings, tolerance = result["settings"], result["success_tolerance"]
    widths = np.asarray(settings["widths"])
    outputs = [str(m) for m in settings["outputs"]]

    def excess(m, name):
        return np.asarray(result["cells"][m][name]["excess_nmse"])

    def wide(m):
        return widths >= int(m) * settings["dim"]

    def global_from_md(name):
        return all(np.all(excess(m, name)[..., wide(m)] <= tolerance) for m in outputs)

    runs = [
        (excess(m, name), np.asarray(result["cells"][m][name]["certificate"]))
        for m in outputs
        for name in VARIANTS
    ] + [
        (np.asarray(f["excess_nmse"]), np.asarray(f["certificate"]))
        for f in (result["fixed_units"][m] for m in outputs)
    ]
    return {
        "added_norm_global_from_md": global_from_md("added-norm"),
        "block_orthogonality_global_from_md": global_from_md("block-orthogonality"),
        "fixed_units_global": all(
            np.all(np.asarray(result["fixed_units"][m]["excess_nmse"]) <= tolerance)
            for m in outputs
        ),
        "failures_certified": all(
            np.all(cert[gap > tolerance] > CERTIFICATE_FLOOR) for gap, cert in runs
        ),
    }
