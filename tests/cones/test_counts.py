"""qlcore.cones.counts: a table of exact values and the identities they must satisfy."""

from fractions import Fraction
from math import comb

import pytest

from qlcore.cones import counts

# (d, N): (C(N,d), P(proper), E[F_1], E[F_2], E[F_{d-1}]), exact rationals
TABLE = {
    (3, 4): (14, Fraction(7, 8), Fraction(24, 7), Fraction(24, 7), Fraction(24, 7)),
    (3, 6): (32, Fraction(1, 2), Fraction(15, 4), Fraction(15, 4), Fraction(15, 4)),
    (3, 12): (134, Fraction(67, 2048), Fraction(264, 67), Fraction(264, 67), Fraction(264, 67)),
    (4, 5): (30, Fraction(15, 16), Fraction(14, 3), Fraction(8), Fraction(16, 3)),
    (4, 6): (52, Fraction(13, 16), Fraction(66, 13), Fraction(120, 13), Fraction(80, 13)),
    (4, 9): (186, Fraction(93, 256), Fraction(174, 31), Fraction(336, 31), Fraction(224, 31)),
    (5, 7): (114, Fraction(57, 64), Fraction(364, 57), Fraction(308, 19), Fraction(560, 57)),
    (5, 10): (512, Fraction(1, 2), Fraction(465, 64), Fraction(1305, 64), Fraction(105, 8)),
    (5, 12): (
        1124,
        Fraction(281, 1024),
        Fraction(2112, 281),
        Fraction(6072, 281),
        Fraction(3960, 281),
    ),
}


@pytest.mark.parametrize("dim, n", sorted(TABLE))
def test_values_of_the_table(dim, n):
    count, proper, f1, f2, facets = TABLE[(dim, n)]
    assert counts.cover_count(n, dim) == count
    assert counts.wendel_probability(n, dim) == proper
    assert counts.expected_faces(n, dim, 1) == f1
    assert counts.expected_faces(n, dim, 2) == f2
    assert counts.expected_faces(n, dim, dim - 1) == facets


def test_issue_example_d4_n5():
    assert [counts.expected_faces(5, 4, k) for k in (1, 2, 3)] == [
        Fraction(14, 3),
        8,
        Fraction(16, 3),
    ]


@pytest.mark.parametrize("n", range(1, 15))
@pytest.mark.parametrize("dim", range(1, 7))
def test_counting_identities(n, dim):
    if n <= dim:
        assert counts.cover_count(n, dim) == 2**n
    if n > 1 and dim > 1:  # C(N, d) = C(N-1, d) + C(N-1, d-1)
        assert counts.cover_count(n, dim) == (
            counts.cover_count(n - 1, dim) + counts.cover_count(n - 1, dim - 1)
        )
    if n == 2 * dim:
        assert counts.wendel_probability(n, dim) == Fraction(1, 2)


@pytest.mark.parametrize("n", range(5, 13))
def test_euler_relation_in_dimension_4(n):
    # a pointed cone in R^4 is a cone over a 3-polytope: F_1 - F_2 + F_3 = 2
    f = [counts.expected_faces(n, 4, k) for k in (1, 2, 3)]
    assert f[0] - f[1] + f[2] == 2


@pytest.mark.parametrize("n", range(3, 12))
def test_small_dimensions(n):
    assert counts.expected_faces(n, 2, 1) == 2  # a 2-d cone has 2 rays
    assert counts.expected_faces(n, 3, 1) == counts.expected_faces(n, 3, 2)  # polygon


@pytest.mark.parametrize("alpha, k", [(2, 1), (3, 1), (4, 2)])
def test_limit_is_approached_at_large_d(alpha, k):
    limit = counts.face_fraction_limit(Fraction(alpha), k)
    gaps = []
    for dim in (50, 200, 800):
        n = int(alpha * dim)
        gaps.append(abs(counts.expected_faces(n, dim, k) / comb(n, k) - limit))
    assert gaps[0] > gaps[1] > gaps[2]  # about halving per doubling of d at alpha = 2
    assert gaps[2] < 0.05


def test_below_alpha_2_every_vector_is_an_extremal_ray_in_the_limit():
    for dim in (20, 200):
        assert counts.expected_faces(dim, dim, 1) == dim  # N = d: simplicial
    n, dim = 300, 200  # alpha = 3/2
    assert 1 - counts.expected_faces(n, dim, 1) / n < 1e-8


@pytest.mark.parametrize(
    "call, name",
    [
        (lambda: counts.cover_count(0, 3), "n_vectors"),
        (lambda: counts.cover_count(3, 0), "dim"),
        (lambda: counts.expected_faces(5, 4, 4), "k"),
        (lambda: counts.expected_faces(5, 4, 0), "k"),
        (lambda: counts.expected_faces(3, 4, 3), "k"),
        (lambda: counts.expected_faces(5, 1, 1), "dim"),
        (lambda: counts.face_fraction_limit(0), "alpha"),
    ],
)
def test_bad_input_names_the_argument(call, name):
    with pytest.raises(ValueError, match=name):
        call()
