"""Answer checks for the exercises of chapter 6, "Where gradient descent can get stuck".

Each check recomputes its answer with :mod:`qlcore.stationary` from the data the exercise fixes.
"""

import numpy as np

from qlcore.exercises.checking import answer_check
from qlcore.samples import span
from qlcore.stationary import barrier, initialisation, risks


@answer_check(
    "ch6-ex-barrier-value",
    "an array of two numbers: the bound kappa sigma_min(W*)^4, then the smallest population "
    "risk over the construction M(t), t >= 0",
)
def _barrier_and_best_construction():
    planted = risks.planted_weights(6, 3, seed=0)
    population = risks.PopulationRisk(planted, "uniform")
    spread = barrier.best_spread(planted, "uniform")
    return np.array(
        [population.bound(), population.values(barrier.near_tight_weights(planted, spread))]
    )


@answer_check(
    "ch6-ex-start-width",
    "an array of three integers, the smallest width m >= d for Gaussian, uniform and Laplace "
    "inputs, in that order",
    exact=True,
)
def _heuristic_widths():
    d = 10
    widths = []
    for law in ("gaussian", "uniform", "laplace"):
        moments = span.input_law(law)
        kappa = min(moments.mu4 - moments.mu2**2, 2 * moments.mu2**2)
        m = d
        while initialisation.expected_start_risk(m, d, law) > kappa * (m**0.5 - d**0.5) ** 4:
            m += 1
        widths.append(m)
    return np.array(widths)
