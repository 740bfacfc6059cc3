"""Answer checks for the exercises of chapter 7, "Beyond quadratic activations".

Each check recomputes its answer with :mod:`qlcore.homogeneous` from the data the exercise fixes.
"""

from itertools import combinations

import numpy as np

from qlcore.exercises.checking import answer_check
from qlcore.homogeneous import critical_points, factorization


def critical_risk_covariances() -> critical_points.Covariances:
    """The covariances of the exercise's data: 300 samples, x in R^5, y = x B + 0.5 noise in R^4
    (seed 3)."""
    rng = np.random.default_rng(3)
    x = rng.standard_normal((300, 5))
    y = x @ rng.standard_normal((5, 4)) + 0.5 * rng.standard_normal((300, 4))
    return critical_points.covariances_from_data(x, y)


@answer_check(
    "ch7-ex-critical-risks",
    "an array of 6 numbers, the excess risks R - R_min of the critical points (1.24) of every "
    "index set, in increasing order",
)
def _excess_risks():
    covariances = critical_risk_covariances()
    best = critical_points.optimal_risk(covariances, 2)
    eigenvalues = critical_points.spectrum(covariances)[0]
    trace = np.trace(covariances.syy)
    return np.sort([trace - eigenvalues[list(j)].sum() - best for j in combinations(range(4), 2)])


@answer_check(
    "ch7-ex-svt-value",
    "an array of two numbers: the width n1 (an integer), then the minimum value of (1.33)",
)
def _svt_width_and_value():
    y = np.random.default_rng(5).standard_normal((8, 6))
    optimum = factorization.factorization_optimum(y, 1.5)
    return np.array([optimum.rank, optimum.value])
