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

CERTIFICATE_TOLERANCE = 1e-3
"""Largest relative certificate ``max_m ||sum r_m X|| / ||sum y_m X||`` accepted at a run that
the NMSE criterion counts a success: such a run should be at the optimum, not only near it."""


def claims(result: dict) -> dict[str, bool]:
    """The experiment's verdicts (booleans):

    * ``added_norm_global_from_md``: for every ``M``, every added-norm run with ``k >= M d``
      reaches the optimum (Theorem 3.2 / E.1);
    * ``block_orthogonality_global_from_md``: the same for block orthogonality (Theorem E.2);
    * ``fixed_units_global``: the fixed-unit networks (Lemma E.1) reach it on every data set;
    * ``certificates_at_successes``: every run counted a success (either variant, any width,
      and the fixed units) has a certificate below :data:`CERTIFICATE_TOLERANCE`.
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
        "certificates_at_successes": all(
            np.all(cert[gap <= tolerance] < CERTIFICATE_TOLERANCE) for gap, cert in runs
        ),
    }
