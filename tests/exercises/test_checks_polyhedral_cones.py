"""The expected answers of chapter 3's checks agree with independent computations.

The checks' functions are called directly: :func:`qlcore.exercises.checks` would import every
chapter's module."""

from fractions import Fraction
from math import comb

from qlcore.exercises import polyhedral_cones


def _regions(n_vectors, dim):
    return 2 * sum(comb(n_vectors - 1, k) for k in range(min(n_vectors, dim)))


def test_seven_in_four_matches_the_hand_computation():
    # C(7, 4) = 84, C(6, 3) = 32, C(5, 2) = 10, C(4, 1) = 2
    expected = [Fraction(84, 128), Fraction(2 * 7 * 32, 84), Fraction(4 * 21 * 10, 84)]
    expected.append(Fraction(8 * 35 * 2, 84))
    assert polyhedral_cones._seven_vectors_in_four_dimensions() == [float(v) for v in expected]
    # Euler's relation for a pointed cone in R^4
    assert expected[1] - expected[2] + expected[3] == 2


def test_ninety_is_the_first_crossing_of_the_formula():
    dim = 100

    def fraction(n_vectors):
        return Fraction(2 * n_vectors * _regions(n_vectors - 1, dim - 1), _regions(n_vectors, dim))

    answer = polyhedral_cones._fewer_than_ninety_percent_extremal()
    assert fraction(answer) / answer < Fraction(9, 10)
    assert all(fraction(n) / n >= Fraction(9, 10) for n in range(dim + 1, answer))
    # the finite-d fraction crosses 0.9 before the limit 2/alpha does
    assert answer < 2 * dim / 0.9
