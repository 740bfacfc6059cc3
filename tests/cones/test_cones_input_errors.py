"""Bad input to qlcore.cones: a named InputError, and refusals (TooLargeError) before the work."""

from fractions import Fraction

import numpy as np
import pytest

from qlcore.cones import counts, geometry, sampling
from qlcore.infra.checks import InputError, TooLargeError


def test_exact_counts_too_large_to_compute_are_refused_before_starting():
    with pytest.raises(TooLargeError, match="^n_vectors") as refused:
        counts.cover_count(10**7, 10**7)
    assert refused.value.unit == "flop" and refused.value.estimate > 1e16
    for call in (counts.wendel_probability, counts.expected_faces):
        with pytest.raises(TooLargeError, match="^n_vectors"):
            call(10**7, 10**7, *([1] if call is counts.expected_faces else []))
    with pytest.raises(TooLargeError, match="^n_vectors"):  # 2^N alone is too large
        counts.wendel_probability(10**15, 1)


def test_count_work_grows_with_the_size_of_the_integers():
    assert counts.count_work(10**7, 10**7) > 1e16  # refused
    assert counts.count_work(2400, 800) < 1e8  # the tests' largest, well under a second
    assert counts.cover_count(2, 10**300) == 4  # d > N: only N terms are summed


def test_numpy_integers_are_ints():
    assert counts.cover_count(np.int64(12), np.int32(3)) == 134
    assert counts.expected_faces(np.int64(5), 4, np.int64(1)) == Fraction(14, 3)


@pytest.mark.parametrize(
    "call, name",
    [
        (lambda: counts.cover_count("12", 3), "n_vectors"),
        (lambda: counts.cover_count(12, None), "dim"),
        (lambda: counts.cover_count(12, 2.5), "dim"),
        (lambda: counts.wendel_probability(True, 3), "n_vectors"),
        (lambda: counts.face_fraction_limit("3"), "alpha"),
        (lambda: counts.face_fraction_limit(float("nan")), "alpha"),
        (lambda: counts.face_fraction_limit(3.0, -1), "k"),
        (lambda: counts.check_face_dimension(1, None, 5, 3), "name"),
        (lambda: counts.count_work(-3, 2), "n_vectors"),
    ],
)
def test_bad_numbers_are_named(call, name):
    with pytest.raises(InputError, match=f"^{name}"):
        call()


def test_face_fraction_limit_in_floats_and_exactly():
    assert counts.face_fraction_limit(1e-300, 10**9) == 1  # no overflow: the limit is 1
    assert counts.face_fraction_limit(4.0, 2) == 0.25
    assert counts.face_fraction_limit(Fraction(4), 2) == Fraction(1, 4)
    with pytest.raises(TooLargeError, match="^k"):  # an exact power with 1e12 times the digits
        counts.face_fraction_limit(Fraction(3), 10**12)


def test_properness_of_twenty_thousand_vectors_takes_one_lp():
    """Same-direction rows are found with a k-d tree: no N x N x d table (29 GB here)."""
    vectors = np.random.default_rng(0).standard_normal((20_000, 3))
    assert not geometry.is_proper(vectors)
    assert geometry.is_proper(vectors * np.sign(vectors[:, :1]))


def test_lps_beyond_the_budget_are_refused(monkeypatch):
    vectors = np.random.default_rng(0).standard_normal((20_000, 3))
    monkeypatch.setenv("QLCORE_MEMORY_LIMIT_GIB", "0.001")  # 1 MB: less than four copies
    with pytest.raises(TooLargeError, match="^vectors") as refused:
        geometry.is_proper(vectors)
    assert refused.value.unit == "bytes"
    monkeypatch.delenv("QLCORE_MEMORY_LIMIT_GIB")
    monkeypatch.setenv("QLCORE_WORK_LIMIT", "1e11")  # 20000 ray LPs need about 6e11
    with pytest.raises(TooLargeError, match="^vectors"):
        geometry.extremal_rays(vectors)


def test_monte_carlo_estimates_are_budgeted_by_their_expected_lps():
    # N = 20000 Gaussian vectors in R^3 are never proper: one LP per draw
    estimate = sampling.estimate_faces(20_000, 3, 1, n_draws=2, seed=0)
    assert estimate.n_proper == 0
    with pytest.raises(TooLargeError, match="^n_draws"):
        sampling.estimate_faces(20_000, 3, 1, n_draws=10**12)
    with pytest.raises(TooLargeError, match="^n_vectors"):  # the draws do not fit in memory
        sampling.estimate_faces(10**12, 10**3, 0, n_draws=1)
    assert sampling._expected_lps(6, 3, 2) == pytest.approx(1 + 0.5 * (6 + 15 / 4))


@pytest.mark.parametrize("seed", [-1, "0", 0.5, None])
def test_bad_seeds_name_the_seed(seed):
    with pytest.raises(InputError, match="^seed"):
        sampling.estimate_faces(4, 3, 1, n_draws=2, seed=seed)


@pytest.mark.parametrize(
    "call, name",
    [
        (lambda: sampling.estimate_faces(4, 3, -1, n_draws=2), "max_k"),
        (lambda: sampling.estimate_faces(4, 3, 1, n_draws=2, progress="yes"), "progress"),
        (lambda: geometry.faces(np.eye(3), 1, check_general_position="no"), "check_general"),
        (lambda: geometry.in_general_position(np.eye(3), max_subsets=0), "max_subsets"),
        (lambda: geometry.is_proper([[1.0, 0.0], [0.0]]), "vectors"),
        (lambda: geometry.is_proper("1 2"), "vectors"),
        (lambda: geometry.is_proper(None), "vectors"),
        (lambda: geometry.lp_work(-1, 3), "n_rows"),
    ],
)
def test_bad_arguments_are_named(call, name):
    with pytest.raises(InputError, match=f"^{name}"):
        call()


def test_rows_near_the_float_range_keep_their_direction():
    units = geometry.unit_rows([[1e50, 1e50, 0.0], [1e-300, 0.0, 1e-300]])
    np.testing.assert_allclose(units, [[2**-0.5, 2**-0.5, 0], [2**-0.5, 0, 2**-0.5]])
    with pytest.raises(InputError, match="^vectors has entries larger than 1e\\+50"):
        geometry.unit_rows([[1e300, 1e300, 0.0]])


def test_face_enumeration_joins_faces_instead_of_listing_all_subsets(monkeypatch):
    """A cone over a 60-gon in R^3: 60 rays and 60 facets among 1770 pairs; the pairs are
    joined from the rays and checked against the work limit before their LPs run."""
    angles = np.linspace(0, 2 * np.pi, 60, endpoint=False)
    vectors = np.column_stack([np.cos(angles), np.sin(angles), np.full(60, 2.0)])
    assert geometry.face_counts(vectors, 2) == [60, 60]
    monkeypatch.setenv("QLCORE_WORK_LIMIT", "1e9")  # 60 ray LPs pass, 1770 pair LPs do not
    with pytest.raises(TooLargeError, match="^vectors: one LP per candidate 2-face"):
        geometry.face_counts(vectors, 2)
