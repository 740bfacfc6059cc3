"""Answer checks for the exercises of chapter 3, "Counting the edges of random cones".

Each check recomputes its exercise's answer exactly from Wendel's probability and Cover and
Efron's face counts (:mod:`qlcore.cones.counts`), for the sizes the exercise fixes.
"""

from qlcore.cones import counts
from qlcore.exercises.checking import answer_check


@answer_check(
    "ch3-ex-seven-in-four",
    "an array of four numbers: P(proper), then E[F_1 | proper], E[F_2 | proper] and "
    "E[F_3 | proper] (floats or fractions)",
)
def _seven_vectors_in_four_dimensions():
    n_vectors, dim = 7, 4
    values = [counts.wendel_probability(n_vectors, dim)]
    values += [counts.expected_faces(n_vectors, dim, k) for k in (1, 2, 3)]
    return [float(value) for value in values]


@answer_check(
    "ch3-ex-ninety",
    "the smallest number of vectors N, an integer larger than d = 100",
    exact=True,
)
def _fewer_than_ninety_percent_extremal():
    dim = 100
    n_vectors = dim + 1
    while counts.expected_faces(n_vectors, dim, 1) >= 0.9 * n_vectors:
        n_vectors += 1
    return n_vectors
