"""qlcore.stationary.barrier: random rank-deficient weights sit above the energy barrier, the
near-tight constructions (closed-form ratios ``1 + 1/(d - 1)`` and ``1 + 1/(d + 1)`` for Gaussian
inputs), and the adversarial search over rank ``d - 1`` for population and empirical risks."""

import numpy as np
import pytest

from qlcore.infra.checks import InputError
from qlcore.samples import span
from qlcore.stationary import barrier
from qlcore.stationary.risks import EmpiricalRisk, PopulationRisk, planted_weights

CONTINUOUS = ["gaussian", "uniform", "laplace"]


def sigma_min(matrix):
    return np.linalg.svd(matrix, compute_uv=False)[-1]


@pytest.mark.parametrize(("m", "d", "rank"), [(5, 3, None), (5, 4, 1), (4, 4, 2), (2, 4, 1)])
def test_random_rank_deficient_has_the_requested_rank(m, d, rank):
    draws = barrier.random_rank_deficient(m, d, 20, rank=rank, seed=1)
    assert draws.shape == (20, m, d)
    expected = d - 1 if rank is None else rank
    assert [np.linalg.matrix_rank(w) for w in draws] == [expected] * 20
    np.testing.assert_array_equal(draws, barrier.random_rank_deficient(m, d, 20, rank=rank, seed=1))


@pytest.mark.parametrize(("m", "d", "rank"), [(5, 3, 3), (5, 3, 4), (2, 4, 3), (5, 1, None)])
def test_random_rank_deficient_refuses_full_rank(m, d, rank):
    with pytest.raises(InputError) as error:
        barrier.random_rank_deficient(m, d, 2, rank=rank)
    assert error.value.argument == ("d" if d == 1 else "rank")


@pytest.mark.parametrize("law", CONTINUOUS)
@pytest.mark.parametrize("d", [2, 3, 5])
def test_random_rank_deficient_weights_are_above_the_barrier(law, d):
    m = d + 2
    risk = PopulationRisk(planted_weights(m, d, seed=d), law)
    values = risk.values(barrier.random_rank_deficient(m, d, 200, seed=d))
    assert risk.bound() > 0
    assert values.min() >= risk.bound()


@pytest.mark.parametrize("law", CONTINUOUS)
@pytest.mark.parametrize("d", [2, 3, 6])
def test_near_tight_weights_and_their_closed_form_ratio(law, d):
    planted = planted_weights(d + 1, d, seed=10 + d)
    weights = barrier.near_tight_weights(planted)
    assert weights.shape == planted.shape
    assert np.linalg.matrix_rank(weights) == d - 1
    risk = PopulationRisk(planted, law)
    np.testing.assert_allclose(
        risk.difference(weights), barrier.near_tight_difference(planted), atol=1e-10
    )
    assert np.trace(barrier.near_tight_difference(planted)) == pytest.approx(0, abs=1e-12)
    ratio = risk.values(weights) / risk.bound()
    assert ratio == pytest.approx(barrier.near_tight_ratio(planted, law), rel=1e-9)
    assert ratio >= 1
    if law == "gaussian":
        assert ratio == pytest.approx(1 + 1 / (d - 1), rel=1e-9)


@pytest.mark.parametrize("d", [2, 3, 5])
def test_near_tight_weights_are_singular_to_rounding(d):
    # the kernel's eigenvalue of W*^T W* + M is ~eps |W*|^2 after rounding; its root, ~1e-8,
    # must not survive as a singular value
    for seed in range(10):
        planted = planted_weights(d + 2, d, seed=seed)
        for spread in (None, 0.0, barrier.best_spread(planted, "gaussian")):
            singular = np.linalg.svd(barrier.near_tight_weights(planted, spread), compute_uv=False)
            assert singular[-1] < 1e-12 * singular[0]


@pytest.mark.parametrize("d", [2, 3, 6])
def test_best_spread_for_gaussian_inputs(d):
    planted = planted_weights(d + 2, d, seed=20 + d)
    spread = barrier.best_spread(planted, "gaussian")
    assert spread == pytest.approx(sigma_min(planted) ** 2 / (d + 1), rel=1e-9)
    weights = barrier.near_tight_weights(planted, spread)
    assert np.linalg.matrix_rank(weights) == d - 1
    risk = PopulationRisk(planted, "gaussian")
    assert risk.values(weights) / risk.bound() == pytest.approx(1 + 1 / (d + 1), rel=1e-9)


@pytest.mark.parametrize("law", span.INPUT_LAWS)
def test_best_spread_minimises_the_spread_family(law):
    planted = planted_weights(4, 3, seed=30)
    risk = PopulationRisk(planted, law)
    best = barrier.best_spread(planted, law)
    at_best = risk._value_of_difference(barrier.near_tight_difference(planted, best))
    for spread in np.linspace(0, 3 * sigma_min(planted) ** 2, 31):
        value = risk._value_of_difference(barrier.near_tight_difference(planted, spread))
        assert at_best <= value * (1 + 1e-12)


def test_gaussian_search_reaches_the_best_spread_and_not_below_the_bound():
    d = 3
    planted = planted_weights(d + 2, d, seed=d)
    risk = PopulationRisk(planted, "gaussian")
    search = barrier.minimise_rank_deficient(risk, starts=5)
    assert search.values.shape == (5,)
    assert search.values.min() >= risk.bound()
    assert search.value == search.values.min()
    assert search.value / risk.bound() == pytest.approx(1 + 1 / (d + 1), rel=1e-6)
    assert search.weights.shape == planted.shape
    assert np.linalg.matrix_rank(search.weights) <= d - 1
    assert risk.values(search.weights) == pytest.approx(search.value, rel=1e-12)


def test_rademacher_barrier_vanishes():
    planted = planted_weights(5, 3, seed=3)
    risk = PopulationRisk(planted, "rademacher")
    assert risk.bound() == 0
    search = barrier.minimise_rank_deficient(risk, starts=2)
    assert abs(search.value) < 1e-10 * risk.values(np.zeros_like(planted))
    with pytest.raises(InputError) as error:
        barrier.near_tight_ratio(planted, "rademacher")
    assert error.value.argument == "law"


@pytest.mark.parametrize(("n", "vanishes"), [(4, True), (60, False)])
def test_empirical_barrier_vanishes_below_the_span(n, vanishes):
    d, m = 3, 5  # the x x^T span the symmetric matrices (dimension 6) only for N >= 6
    planted = planted_weights(m, d, seed=1) / np.sqrt(m)
    risk = EmpiricalRisk(planted, span.sample_inputs("gaussian", n, d, seed=2))
    search = barrier.minimise_rank_deficient(risk, starts=2, max_iterations=500)
    relative = search.value / risk.values(np.zeros_like(planted))
    assert np.linalg.matrix_rank(search.weights) <= d - 1
    if vanishes:  # an interpolant of rank d - 1 exists
        assert abs(relative) < 1e-9
    else:
        assert relative > 1e-4


def test_argument_checks():
    planted = planted_weights(4, 3)
    risk = PopulationRisk(planted, "gaussian")
    for call, argument in [
        (lambda: barrier.minimise_rank_deficient(risk, rank=3), "rank"),
        (lambda: barrier.minimise_rank_deficient(risk, starts=0), "starts"),
        (lambda: barrier.minimise_rank_deficient(planted), "risk"),
        (lambda: barrier.near_tight_difference(planted, -1.0), "spread"),
        (lambda: barrier.near_tight_weights(np.ones((4, 1))), "planted"),
        (lambda: barrier.best_spread(planted.T, "gaussian"), "planted"),
        (lambda: barrier.near_tight_ratio(np.ones((4, 3)), "gaussian"), "planted"),  # rank 1
        (lambda: barrier.best_spread(planted, "cauchy"), "law"),
    ]:
        with pytest.raises(InputError) as error:
            call()
        assert error.value.argument == argument


def test_random_projections_remove_one_direction_and_stay_above_the_bound():
    planted = planted_weights(8, 4, seed=3)
    weights = barrier.random_projections(planted, 300, seed=4)
    assert weights.shape == (300, 8, 4)
    assert all(np.linalg.matrix_rank(w) == 3 for w in weights[:20])
    # W = W* (I - u u^T): W* - W = (W* u) u^T has rank one, and its row space is W's kernel
    for w in weights[:20]:
        change = planted - w
        assert np.linalg.matrix_rank(change) == 1
        row = np.linalg.svd(change)[2][0]
        assert np.linalg.norm(w @ row) < 1e-12 * np.linalg.norm(planted)
    for law in ("gaussian", "uniform", "laplace"):
        risk = PopulationRisk(planted, law)
        assert np.min(risk.values(weights)) >= risk.bound() * (1 - 1e-9)
