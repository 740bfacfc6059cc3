"""qlcore.homogeneous.deep_linear: the risk (1.29) and its derivatives, the scalar saddle (1.31),
gradient descent to the best rank-r map, and the census of Theorem 1.4 (every saddle with a full
middle rank is strict; non-strict ones need a rank-deficient middle)."""

import numpy as np
import pytest

from qlcore.homogeneous import critical_points as cp
from qlcore.homogeneous import deep_linear as dl
from qlcore.infra.checks import InputError

WIDTHS = (3, 2, 2, 3)  # L = 3, bottleneck r = 2


@pytest.fixture(scope="module")
def cov():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((200, 3))
    y = x @ rng.standard_normal((3, 3)) + 0.5 * rng.standard_normal((200, 3))
    return cp.covariances_from_data(x, y)


def _random_weights(widths, seed=1):
    rng = np.random.default_rng(seed)
    return [rng.standard_normal((rows, cols)) for cols, rows in zip(widths[:-1], widths[1:])]


def test_two_layers_give_the_risk_of_the_two_layer_network(cov):
    u, v = np.random.default_rng(2).standard_normal((2, 3, 2))
    assert dl.risk(cov, [v.T, u]) == pytest.approx(cp.risk(cov, u, v), rel=1e-13)


def test_gradient_and_hessian_match_finite_differences(cov):
    weights = _random_weights(WIDTHS)
    gradients = dl.gradient(cov, weights)
    assert [g.shape for g in gradients] == [w.shape for w in weights]
    rng = np.random.default_rng(3)
    directions = [rng.standard_normal(w.shape) for w in weights]
    step = 1e-5

    def along(t):
        return dl.risk(cov, [w + t * d for w, d in zip(weights, directions)])

    slope = (along(step) - along(-step)) / (2 * step)
    assert slope == pytest.approx(
        sum(np.sum(g * d) for g, d in zip(gradients, directions)), rel=1e-7
    )
    flat = np.concatenate([d.ravel() for d in directions])
    second = (along(step) - 2 * along(0.0) + along(-step)) / step**2
    matrix = dl.hessian(cov, weights)
    np.testing.assert_allclose(matrix, matrix.T, atol=0)
    assert flat @ matrix @ flat == pytest.approx(second, rel=1e-4)


def test_the_scalar_example_has_a_zero_hessian_and_a_cubic_escape():
    saddle = dl.scalar_saddle(sxx=2.0, syx=-1.5, syy=3.0)
    np.testing.assert_array_equal(saddle.hessian, np.zeros((3, 3)))
    expected = np.zeros((3, 3, 3))
    for i, j, k in [(0, 1, 2), (0, 2, 1), (1, 0, 2), (1, 2, 0), (2, 0, 1), (2, 1, 0)]:
        expected[i, j, k] = -2 * -1.5  # d^3 (-2 syx w1 w2 w3) / dw1 dw2 dw3
    np.testing.assert_allclose(saddle.third_derivative, expected, atol=1e-12)
    d = saddle.direction
    third = np.einsum("ijk,i,j,k->", saddle.third_derivative, d, d, d)
    assert saddle.cubic_coefficient == pytest.approx(third / 6) and saddle.cubic_coefficient < 0
    positive = saddle.t > 0
    assert np.all(saddle.risk_along[positive][: len(saddle.t) // 4] < 3.0)  # small t > 0 descend
    assert np.all(saddle.risk_along[saddle.t < 0] > 3.0)
    assert saddle.minimum_risk == pytest.approx(3.0 - 1.5**2 / 2.0)
    assert saddle.risk_along.min() == pytest.approx(saddle.minimum_risk, rel=1e-3)
    w = saddle.minimum_t * d
    product = w.prod()
    assert 3.0 - 2 * -1.5 * product + 2.0 * product**2 == pytest.approx(saddle.minimum_risk)


def test_the_scalar_example_needs_a_covariance_with_syx_nonzero():
    with pytest.raises(InputError) as info:
        dl.scalar_saddle(syx=0.0)
    assert info.value.argument == "syx"
    with pytest.raises(InputError) as info:
        dl.scalar_saddle(sxx=1.0, syx=2.0, syy=1.0)
    assert info.value.argument == "syy"


@pytest.mark.parametrize("widths", [(3, 2, 3), WIDTHS])
def test_gradient_descent_reaches_the_best_rank_r_map(cov, widths):
    runs = dl.gradient_descent(cov, widths, n_starts=6, step=0.01, max_steps=4000, seed=0)
    assert runs.optimum == pytest.approx(cp.optimal_risk(cov, 2))
    assert runs.fraction == 1.0 and np.all(runs.reached) and np.all(runs.steps > 0)
    assert np.all(runs.final_risk - runs.optimum <= 1e-6 * np.trace(cov.syy))
    assert np.all(runs.final_risk >= runs.optimum - 1e-10)


def test_success_by_depth_reports_a_fraction_per_depth(cov):
    sweep = dl.success_by_depth(cov, [1, 2, 3], 2, n_starts=4, max_steps=3000, seed=1)
    np.testing.assert_array_equal(sweep.depths, [1, 2, 3])
    assert sweep.final_gap.shape == (3, 4)
    full, bottleneck = cp.optimal_risk(cov, 3), cp.optimal_risk(cov, 2)
    np.testing.assert_allclose(
        sweep.optimum, [full, bottleneck, bottleneck]
    )  # L = 1: no bottleneck
    assert np.all((sweep.fraction >= 0) & (sweep.fraction <= 1))
    assert sweep.fraction[0] == 1.0  # L = 1 is least squares: convex
    assert np.all(sweep.final_gap > -1e-10)


def test_divergence_is_named():
    cov = cp.Covariances(sxx=np.eye(2), sxy=np.eye(2), syy=2 * np.eye(2))
    with pytest.raises(InputError) as info:
        dl.gradient_descent(cov, (2, 2, 2), step=10.0, init_scale=1.0)
    assert info.value.argument == "step"


@pytest.fixture(scope="module")
def census(cov):
    return dl.census(cov, WIDTHS, seed=0)


def test_the_census_builds_critical_points_and_finds_one_global_minimum(census):
    assert len(census) == 3 + 3 * 2 + 3  # |J| = 0 (k = 0, 1, 2), 1 (k = 1, 2), 2 (k = 2)
    for point in census:
        assert point.report.gradient_norm < 1e-10
        assert point.report.middle_rank == point.middle_rank_built
        assert point.report.product_rank == len(point.index_set)
    (best,) = [p for p in census if p.report.kind == "global minimum"]
    assert best.index_set == (1, 2) and best.predicted == "global minimum"
    assert best.report.risk == pytest.approx(best.report.optimum)


def test_saddles_with_full_middle_rank_are_strict_and_non_strict_ones_have_a_deficient_middle(
    census,
):
    for point in census:
        report = point.report
        if point.predicted == "strict saddle":
            assert report.middle_rank == report.min_width
            assert report.kind == "strict saddle" and report.n_negative > 0
        if report.kind == "non-strict saddle":
            assert report.middle_rank < report.min_width
            assert report.n_negative == 0 and report.probe_decrease < 0
    kinds = {(p.index_set, p.middle_rank_built): p.report.kind for p in census}
    assert kinds[((), 0)] == "non-strict saddle"  # the origin: zero Hessian, cubic escape
    assert kinds[((1,), 1)] == "non-strict saddle"  # a channel closed in every layer
    assert kinds[((2,), 1)] == "strict saddle"  # rank-deficient middle, yet strict: "may"


def test_the_hessian_at_the_origin_of_a_deep_network_is_zero(cov):
    origin = [np.zeros((rows, cols)) for cols, rows in zip(WIDTHS[:-1], WIDTHS[1:])]
    np.testing.assert_array_equal(dl.hessian(cov, origin), 0.0)
    report = dl.classify(cov, origin)
    assert report.kind == "non-strict saddle" and report.n_zero == 16


def test_bad_weights_and_widths_are_named(cov):
    weights = _random_weights(WIDTHS)
    for bad in (weights[:2], [weights[0].T] + weights[1:], weights[0], []):
        with pytest.raises(InputError) as info:
            dl.risk(cov, bad)
        assert info.value.argument == "weights"
    with pytest.raises(InputError) as info:
        dl.census(cov, (3, 2, 3))
    assert info.value.argument == "widths"
    with pytest.raises(InputError) as info:
        dl.gradient_descent(cov, (4, 2, 3))
    assert info.value.argument == "widths"
