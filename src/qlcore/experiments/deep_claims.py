"""The verdicts chapter 5 prints about Figs. 4 and 5 (results of
:mod:`qlcore.experiments.kazemipour_fig4` and :mod:`qlcore.experiments.kazemipour_fig5`).

Both hold at every scale when the theory holds, so the chapter prints the same ``True`` at the
quick and the paper scale:

* ``lower_bound``: no trained network has a lower NMSE than the convex regression on the monomials
  of degree 4 (Remark 4; up to :data:`ROUNDING` for the float64 recomputation);
* ``failures_certified``: every run that ends more than the success tolerance above the optimum
  has a certificate ``||sum_n r_n x_n^{(x)4}|| / ||sum_n y_n x_n^{(x)4}||`` above
  :data:`CERTIFICATE_FLOOR`: by Lemma F.1 a network whose certificate vanished would be a global
  optimum. The floor is set far below any failure and far above the rounding of a certificate
  at the optimum (about 1e-12), before looking at results.
"""

from __future__ import annotations

import numpy as np

from qlcore.experiments import check_dict

ROUNDING = 1e-9
CERTIFICATE_FLOOR = 1e-6
CELL_KEYS = ("nmse", "convex_nmse", "certificate", "excess_nmse")


def _cells(result: dict) -> dict:
    result = check_dict(result, "result", ("cells", "success_tolerance"), "a Fig. 4 or 5 result")
    return {
        name: check_dict(cell, "result", CELL_KEYS, "a cell of a Fig. 4 or 5 result")
        for name, cell in result["cells"].items()
    }


def claims(result: dict) -> dict[str, bool]:
    """``{"lower_bound": bool, "failures_certified": bool}`` for a Fig. 4 or Fig. 5 result
    (module docstring)."""
    cells = _cells(result)
    tolerance = float(result["success_tolerance"])
    lower, certified = True, True
    for cell in cells.values():
        nmse = np.asarray(cell["nmse"], dtype=float)
        convex = np.asarray(cell["convex_nmse"], dtype=float)[:, None, None]
        lower &= bool(np.all(nmse >= convex - ROUNDING))
        failed = np.asarray(cell["excess_nmse"], dtype=float) > tolerance
        certified &= bool(
            np.all(np.asarray(cell["certificate"], dtype=float)[failed] > CERTIFICATE_FLOOR)
        )
    return {"lower_bound": lower, "failures_certified": certified}


def smallest_reliable_width(result: dict, name: str) -> int | None:
    """The smallest hidden width from which on every run of cell ``name`` reaches the optimum
    (None if the widest does not)."""
    cell = _cells(result)[name]
    widths = result["settings"]["widths"]
    fractions = np.asarray(cell["success_fraction"], dtype=float)
    reliable = None
    for width, fraction in zip(reversed(widths), reversed(fractions)):
        if fraction < 1.0:
            break
        reliable = width
    return reliable
