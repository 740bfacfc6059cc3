"""Is a set of Monte Carlo standard scores consistent with the exact values they test?"""

from __future__ import annotations

import numpy as np
from scipy import stats

from qlcore.infra.checks import InputError, as_vector, check_real


def z_score_summary(z, level: float = 0.01) -> dict:
    """Summary of ``m`` standard scores ``z = (estimate - exact) / standard error``.

    If every exact value is right, each ``z`` is close to standard normal, so ``sum z^2`` is close
    to chi-square with ``m`` degrees of freedom, about 0.27% of the scores exceed 3 in size, and
    the largest ``|z|`` stays below the Bonferroni bound ``Phi^-1(1 - level / (2m))`` with
    probability at least ``1 - level``. Returns ``m``, ``beyond_3``, ``expected_beyond_3``,
    ``max_abs_z``, ``bonferroni_bound``, ``chi2_p_value`` and ``level``.
    """
    z = as_vector(z, "z")
    level = check_real(level, "level")
    if not 0 < level < 1:
        raise InputError(f"level must be between 0 and 1, got {level}", argument="level")
    m = len(z)
    return {
        "m": m,
        "beyond_3": int(np.sum(np.abs(z) > 3)),
        "expected_beyond_3": float(m * 2 * stats.norm.sf(3)),
        "max_abs_z": float(np.abs(z).max()),
        "bonferroni_bound": float(stats.norm.isf(level / (2 * m))),
        "chi2_p_value": float(stats.chi2.sf(np.sum(z**2), m)),
        "level": level,
    }
