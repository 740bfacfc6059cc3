"""Faces of polyhedral cones by LP (qlcore.cones.geometry) and their Monte Carlo averages
(qlcore.cones.sampling) against the exact Cover-Efron/Wendel formulas (qlcore.cones.counts)."""

from itertools import combinations

import numpy as np
import pytest
from scipy.optimize import nnls
from scipy.spatial import ConvexHull

from qlcore.cones import counts, geometry, sampling


def proper_gaussian_cone(n_vectors, dim, seed):
    """Gaussian vectors flipped into the half-space x_0 > 0: a proper cone."""
    vectors = np.random.default_rng(seed).standard_normal((n_vectors, dim))
    return vectors * np.sign(vectors[:, :1])


# --- hand-made cones with known faces ---------------------------------------------------------


def test_orthant_has_every_row_and_pair_as_face():
    identity = np.eye(3)
    assert geometry.is_proper(identity)
    assert geometry.extremal_rays(identity).tolist() == [0, 1, 2]
    assert geometry.faces(identity, 2) == [(0, 1), (0, 2), (1, 2)]


def test_a_row_inside_the_cone_is_not_extremal():
    vectors = np.vstack([np.eye(3), [1.0, 1.0, 1.0]])
    assert geometry.extremal_rays(vectors).tolist() == [0, 1, 2]
    assert geometry.face_counts(vectors, 2) == [3, 3]


def test_square_pyramid_apex_rays_and_centre():
    corners = [[1, 1, 1], [1, -1, 1], [-1, -1, 1], [-1, 1, 1]]
    vectors = np.array(corners + [[0, 0, 1], [0.5, 0, 1]], dtype=float)
    assert geometry.extremal_rays(vectors).tolist() == [0, 1, 2, 3]
    # corner 0, the centre and corner 2 are coplanar: Cover-Efron's face count does not apply
    assert not geometry.in_general_position(vectors)
    with pytest.raises(ValueError, match="not in general position"):
        geometry.faces(vectors, 2)


@pytest.mark.parametrize(
    "vectors",
    [
        [[1.0, 0.0], [-1.0, 0.0], [0.0, 1.0]],  # a half-plane: contains a line
        [[1.0, 0.0], [-0.5, 0.8], [-0.5, -0.8]],  # all of R^2
        [[1.0, 0.0, 0.0], [-1.0, 0.0, 0.0], [0, 1.0, 0], [0, 0, 1.0]],
    ],
)
def test_cones_with_a_line_are_not_proper_and_have_no_extremal_rays(vectors):
    assert not geometry.is_proper(vectors)
    assert geometry.extremal_rays(vectors).size == 0


def test_planar_cone_has_the_two_extreme_angles_as_rays():
    rng = np.random.default_rng(3)
    angles = rng.uniform(0.1, 2.9, size=9)
    vectors = np.column_stack([np.cos(angles), np.sin(angles)]) * rng.uniform(0.5, 2, (9, 1))
    expected = sorted([int(np.argmin(angles)), int(np.argmax(angles))])
    assert geometry.extremal_rays(vectors).tolist() == expected


def test_single_vector_is_its_own_ray():
    assert geometry.extremal_rays([[0.0, 2.0, 1.0]]).tolist() == [0]


def test_rays_follow_rows_under_scaling_and_permutation():
    vectors = proper_gaussian_cone(9, 4, seed=5)
    order = np.random.default_rng(0).permutation(9)
    scaled = vectors[order] * np.random.default_rng(1).uniform(0.01, 100, (9, 1))
    rays = set(geometry.extremal_rays(vectors).tolist())
    assert set(order[geometry.extremal_rays(scaled)].tolist()) == rays


# --- independent cross-checks on random cones -------------------------------------------------


@pytest.mark.parametrize("seed", range(5))
def test_extremal_rays_agree_with_nonnegative_least_squares(seed):
    """In a pointed cone, x_i is extremal iff it is not a nonnegative combination of the
    others (a residual > 0 of NNLS)."""
    vectors = proper_gaussian_cone(12, 4, seed)
    units = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    by_nnls = [i for i in range(12) if nnls(np.delete(units, i, axis=0).T, units[i])[1] > 1e-9]
    assert geometry.extremal_rays(vectors).tolist() == by_nnls


@pytest.mark.parametrize("seed", range(4))
def test_faces_agree_with_the_convex_hull_of_a_cross_section(seed):
    """Cut the proper cone with the hyperplane <e_0, z> = 1: its k-faces are the (k-1)-faces
    of the simplicial polytope conv{x_i / x_i0}, which Qhull finds independently."""
    vectors = proper_gaussian_cone(10, 4, seed)
    section = (vectors / vectors[:, :1])[:, 1:]
    facets = {tuple(sorted(s)) for s in ConvexHull(section).simplices}
    for k in (1, 2, 3):
        from_hull = sorted({sub for facet in facets for sub in combinations(facet, k)})
        assert geometry.faces(vectors, k) == from_hull


@pytest.mark.parametrize("seed", range(6))
def test_euler_relation_holds_for_every_proper_cone_in_r4(seed):
    vectors = np.random.default_rng(seed).standard_normal((8, 4))
    if geometry.is_proper(vectors):
        f1, f2, f3 = geometry.face_counts(vectors, 3)
        assert f1 - f2 + f3 == 2
    else:
        assert geometry.face_counts(vectors, 3) == [0, 0, 0]


# --- degenerate input -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "vectors, message",
    [
        ([[1.0, 0.0], [0.0, 0.0]], "zero row"),
        ([[1.0, 2.0], [0.0, 1.0], [2.0, 4.0]], "rows 0 and 2 .* same direction"),
        (np.zeros((0, 3)), "must not be empty"),
        ([1.0, 2.0], "2-D array"),
        ([[1.0, np.nan]], "NaN"),
    ],
)
def test_degenerate_vectors_are_refused(vectors, message):
    with pytest.raises(ValueError, match=message):
        geometry.extremal_rays(vectors)


@pytest.mark.parametrize("k, message", [(0, ">= 1"), (3, "d - 1 = 2"), (1.5, "integer")])
def test_face_dimension_is_checked(k, message):
    with pytest.raises(ValueError, match=message):
        geometry.faces(np.eye(3), k)


def test_whole_cone_is_not_a_face_of_itself():
    with pytest.raises(ValueError, match="smaller than the number of vectors"):
        geometry.faces(np.eye(4)[:2], 2)


def test_general_position_check_refuses_huge_subset_counts():
    vectors = np.random.default_rng(0).standard_normal((40, 8))
    with pytest.raises(ValueError, match="max_subsets"):
        geometry.in_general_position(vectors)


# --- Monte Carlo against the exact formulas ---------------------------------------------------

# (N, d, max_k, draws): F_1..F_{max_k} checked; every F_k for d = 4
MONTE_CARLO_GRID = [(6, 3, 2, 300), (5, 4, 3, 150), (8, 4, 3, 250), (10, 5, 1, 300)]


@pytest.fixture(scope="module", params=MONTE_CARLO_GRID, ids=lambda p: "N{}-d{}".format(*p))
def estimate(request):
    n_vectors, dim, max_k, draws = request.param
    return sampling.estimate_faces(n_vectors, dim, max_k, n_draws=draws, seed=11)


def test_proper_fraction_within_three_standard_errors_of_wendel(estimate):
    exact = float(counts.wendel_probability(estimate.n_vectors, estimate.dim))
    assert abs(estimate.proper_fraction - exact) <= 3 * max(estimate.proper_se, 1e-12)


def test_face_means_within_three_standard_errors_of_cover_efron(estimate):
    assert estimate.n_proper >= 50
    for k, (mean, error) in enumerate(zip(estimate.mean_faces, estimate.faces_se), start=1):
        exact = float(counts.expected_faces(estimate.n_vectors, estimate.dim, k))
        assert abs(mean - exact) <= 3 * error, (k, mean, exact, error)


def test_monte_carlo_rejects_the_unconditioned_mean(estimate):
    """The test above can fail: the same estimate rejects a classic slip, E[F_1] without
    conditioning on properness (P(proper) E[F_1 | proper], counting 0 for the other draws)."""
    exact = counts.expected_faces(estimate.n_vectors, estimate.dim, 1)
    wrong = float(counts.wendel_probability(estimate.n_vectors, estimate.dim) * exact)
    assert abs(estimate.mean_faces[0] - wrong) > 3 * estimate.faces_se[0]


def test_estimate_is_reproducible_and_seeded():
    first = sampling.estimate_faces(6, 3, 1, n_draws=20, seed=2)
    assert first == sampling.estimate_faces(6, 3, 1, n_draws=20, seed=2)
    assert first != sampling.estimate_faces(6, 3, 1, n_draws=20, seed=3)


def test_properness_only_estimate_and_bad_arguments():
    only = sampling.estimate_faces(4, 2, 0, n_draws=50, seed=0)
    assert only.mean_faces == () and 0 < only.n_proper <= 50
    with pytest.raises(ValueError, match="max_k must be at most"):
        sampling.estimate_faces(4, 3, 3, n_draws=5)
    with pytest.raises(ValueError, match="n_draws"):
        sampling.estimate_faces(4, 3, 1, n_draws=0)
