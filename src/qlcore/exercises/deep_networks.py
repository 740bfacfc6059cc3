"""Answer checks for the exercises of chapter 5, "Deeper and wider" (a draft).

Each check recomputes its answer with :mod:`qlcore.deep` from the data the exercise fixes.
"""

import numpy as np

from qlcore.deep import data as deep_data
from qlcore.deep import expressivity, monomials, networks
from qlcore.exercises.checking import answer_check


@answer_check(
    "ch5-ex-quadratic-form",
    "the number of parameters of both layers for d = 9 and h1 = 81, an integer",
    exact=True,
)
def _parameter_count():
    network = networks.random_network(9, [81], np.random.default_rng(0))
    return int(sum(q.size + weights.size for q, weights in network.layers))


MIXING_DIM = 5
"""The input dimension of ch5-ex-mixing: neither Fig. 4's quick (4) nor its paper (9) one, whose
width counts the chapter's own cells print."""


@answer_check("ch5-ex-mixing", "the smallest width h1, an integer", exact=True)
def _full_dimensional_width():
    quartics = monomials.n_monomials(MIXING_DIM, 4)
    width = 1
    while expressivity.function_dimension(MIXING_DIM, width, 0) < quartics:
        width += 1
    return width


@answer_check(
    "ch5-ex-noise-floor",
    "an array of three numbers, the lowest NMSE at depths L = 1, 2, 3 in that order",
)
def _noise_floors():
    x, y = deep_data.tensor_dataset("independent", 300, 3, np.random.default_rng(0))
    return np.array([monomials.convex_nmse(x, y, depth) for depth in (1, 2, 3)])
