"""Answer checks for the exercises of chapter 6, "Where gradient descent can get stuck".

Each check recomputes its answer with :mod:`qlcore.stationary` from the data the exercise fixes.
"""

import math

import numpy as np

from qlcore.exercises.checking import answer_check
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
    ratios = [
        initialisation.heuristic_width_ratio(d, law) for law in ("gaussian", "uniform", "laplace")
    ]
    return np.array([math.ceil(ratio * d**2 - 1e-9) for ratio in ratios])
