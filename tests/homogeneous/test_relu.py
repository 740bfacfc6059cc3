"""qlcore.homogeneous.relu: objective and gradient, training to first-order points (kinks
included), the polar certificate (exact for two inputs), adding a unit along a violating
direction, the flat rescaling and the non-increasing paths of Theorem 1.10."""

import numpy as np
import pytest

from qlcore.homogeneous import relu
from qlcore.infra.checks import InputError

LAM = 0.2


def one_input(seed, m=6, n2=1):
    """``m`` samples of one input in [-2, 2] with a row of ones (biases), Gaussian targets."""
    rng = np.random.default_rng(seed)
    return np.vstack([rng.uniform(-2, 2, (1, m)), np.ones((1, m))]), rng.standard_normal((n2, m))


@pytest.fixture(scope="module")
def data():
    return one_input(0)


def trained(data, width, seed):
    """Train from a start whose last unit is zero."""
    x, y = data
    return relu.train(x, y, *relu.random_start(x, y, width, zero_units=1, seed=seed), LAM)


def test_objective_and_outputs():
    x = np.array([[1.0, -1.0, 2.0], [1.0, 1.0, 1.0]])
    w1, w2 = np.array([[1.0, 0.0], [0.0, -1.0]]), np.array([[2.0, 1.0]])
    np.testing.assert_allclose(relu.outputs(x, w1, w2), [[2.0, 0.0, 4.0]])
    y = np.array([[1.0, 1.0, 1.0]])
    expected = 0.5 * (1 + 1 + 9) + 0.5 * LAM * (2 + 5)
    assert relu.objective(x, y, w1, w2, LAM) == pytest.approx(expected)


def test_gradient_matches_finite_differences():
    x, y = one_input(1, m=5, n2=2)
    rng = np.random.default_rng(2)
    w1, w2 = rng.standard_normal((2, 3)), rng.standard_normal((2, 3))
    assert np.abs(w1.T @ x).min() > 1e-3  # away from the kinks
    grad1, grad2 = relu.gradient(x, y, w1, w2, LAM)
    step = 1e-6
    for point, grad, name in ((w1, grad1, "w1"), (w2, grad2, "w2")):
        numeric = np.zeros_like(point)
        for index in np.ndindex(point.shape):
            shift = np.zeros_like(point)
            shift[index] = step
            plus = {"w1": w1, "w2": w2, name: point + shift}
            minus = {"w1": w1, "w2": w2, name: point - shift}
            numeric[index] = (
                relu.objective(x, y, plus["w1"], plus["w2"], LAM)
                - relu.objective(x, y, minus["w1"], minus["w2"], LAM)
            ) / (2 * step)
        np.testing.assert_allclose(grad, numeric, rtol=1e-6, atol=1e-8)
    # away from kinks the stationarity is the gradient's norm
    norm = np.sqrt(np.sum(grad1**2) + np.sum(grad2**2))
    assert relu.stationarity(x, y, w1, w2, LAM) == pytest.approx(norm, rel=1e-12)


def test_training_keeps_a_zero_unit_and_never_rises(data):
    result = trained(data, 8, seed=1)
    assert result.converged
    assert not result.w1[:, -1].any() and not result.w2[:, -1].any()
    assert np.all(np.diff(result.values) <= 1e-15 * result.values[0])
    assert result.value == result.values[-1]


def test_polar_check_certifies_a_trained_minimum_with_a_zero_unit(data):
    x, y = data
    result = trained(data, 8, seed=1)
    # a minimum on a kink: the gradient (ReLU'(0) = 0) does not vanish, the stationarity does
    assert np.linalg.norm(relu.gradient(x, y, result.w1, result.w2, LAM)[0]) > 0.1
    assert relu.stationarity(x, y, result.w1, result.w2, LAM) < 1e-7
    check = relu.polar_check(x, y, result.w1, result.w2, LAM)
    assert check.exact and check.holds and check.condition_i and check.certified
    assert check.value == pytest.approx(LAM, rel=1e-6)
    assert check.agreeing >= 10
    assert check.duality_gap < 1e-7 * result.value
    assert np.linalg.norm(check.maximiser) == pytest.approx(1.0)


def test_adding_a_unit_where_the_check_fails_lowers_the_objective(data):
    x, y = data
    result = trained(data, 8, seed=0)  # a first-order point with a zero unit: a saddle
    check = relu.polar_check(x, y, result.w1, result.w2, LAM)
    assert result.converged and not check.holds and check.condition_i
    assert check.duality_gap > 0.05
    added = relu.add_unit(x, y, result.w1, result.w2, LAM, check.maximiser)
    assert added.w1.shape == (2, 9)
    hidden = np.maximum(x.T @ check.maximiser, 0.0)
    expected = added.epsilon * (check.value - LAM) - added.epsilon**2 * (hidden @ hidden) / 2
    assert added.decrease == pytest.approx(expected, rel=1e-8)
    assert added.decrease > 0
    assert added.value == pytest.approx(result.value - added.decrease, rel=1e-12)
    # from there descent goes on to a certified minimum, lower than every first-order point
    again = relu.train(x, y, added.w1, added.w2, LAM)
    assert again.value < result.value - 0.01
    assert relu.polar_check(x, y, again.w1, again.w2, LAM).certified


def test_adding_a_unit_needs_a_violating_direction(data):
    x, y = data
    result = trained(data, 8, seed=1)
    with pytest.raises(InputError) as error:
        relu.add_unit(x, y, result.w1, result.w2, LAM, np.array([1.0, 0.0]))
    assert error.value.argument == "direction"


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_polar_check_finds_the_maximum_on_the_circle(seed):
    x, y = one_input(seed, m=7, n2=2)
    w1, w2 = relu.random_start(x, y, 3, seed=seed)
    angles = np.linspace(0, 2 * np.pi, 200_001)
    circle = np.stack([np.cos(angles), np.sin(angles)])
    residual = y - relu.outputs(x, w1, w2)
    grid = np.linalg.norm(residual @ np.maximum(x.T @ circle, 0.0), axis=0).max()
    check = relu.polar_check(x, y, w1, w2, LAM)
    assert grid <= check.value <= grid * (1 + 1e-4)  # the grid misses maxima on kinks by ~1e-5
    image = residual @ np.maximum(x.T @ check.maximiser, 0.0)
    np.testing.assert_allclose(check.left, image / check.value)


def test_polar_ascent_in_three_inputs_beats_random_directions():
    rng = np.random.default_rng(3)
    x = np.vstack([rng.standard_normal((2, 8)), np.ones((1, 8))])
    y = rng.standard_normal((2, 8))
    w1, w2 = relu.random_start(x, y, 4, seed=3)
    check = relu.polar_check(x, y, w1, w2, LAM, seed=4)
    assert not check.exact
    directions = rng.standard_normal((3, 20_000))
    directions /= np.linalg.norm(directions, axis=0)
    residual = y - relu.outputs(x, w1, w2)
    sampled = np.linalg.norm(residual @ np.maximum(x.T @ directions, 0.0), axis=0).max()
    assert check.value >= sampled


def test_flat_rescaling_frees_a_unit_without_raising_the_objective(data):
    x, y = data
    w1, w2 = relu.random_start(x, y, 7, seed=5)  # 7 > n2 m = 6 units
    move = relu.flat_rescaling(x, w1, w2)
    assert not move.w1[:, move.unit].any() and not move.w2[:, move.unit].any()
    assert move.output_change < 1e-12 * np.linalg.norm(relu.outputs(x, w1, w2))
    np.testing.assert_allclose(relu.outputs(x, move.w1, move.w2), relu.outputs(x, w1, w2))
    assert move.theta_change <= 1e-15 and np.all(move.scales >= 0)
    before, after = relu.objective(x, y, w1, w2, LAM), relu.objective(x, y, move.w1, move.w2, LAM)
    assert after == pytest.approx(before + LAM * move.theta_change, rel=1e-12)
    assert after <= before + 1e-12
    with pytest.raises(InputError) as error:
        relu.flat_rescaling(x, w1[:, :6], w2[:, :6])
    assert error.value.argument == "w1"


def test_nonincreasing_paths_reach_one_certified_minimum(data):
    x, y = data
    paths = relu.nonincreasing_paths(x, y, LAM, starts=4, seed=1)
    assert [path.w1.shape for path in paths] == [(2, 7)] * 4
    for path in paths:
        assert path.monotone and path.certified and path.polar.exact
        assert path.events[0] == "start" and path.events[-1] == "rescale"
        assert path.value == path.values[-1]
    values = [path.value for path in paths]
    assert max(values) - min(values) < 1e-8 * min(values)
    # some path needed the flat move and a new unit: descent alone stopped at a saddle
    assert any("unit" in path.events for path in paths)


def test_paths_need_more_units_than_outputs(data):
    x, y = data
    with pytest.raises(InputError) as error:
        relu.nonincreasing_paths(x, y, LAM, width=6)
    assert error.value.argument == "width"


@pytest.mark.parametrize(
    ("call", "argument"),
    [
        (lambda x, y: relu.objective(x, y, np.ones((3, 2)), np.ones((1, 2)), LAM), "w1"),
        (lambda x, y: relu.objective(x, y, np.ones((2, 2)), np.ones((1, 3)), LAM), "w2"),
        (lambda x, y: relu.objective(x, y[:, :3], np.ones((2, 2)), np.ones((1, 2)), LAM), "y"),
        (lambda x, y: relu.random_start(x, y, 2, zero_units=3), "zero_units"),
        (lambda x, y: relu.polar_check(x, y, np.ones((2, 2)), np.ones((1, 2)), -1.0), "lam"),
    ],
)
def test_bad_arguments_are_named(data, call, argument):
    with pytest.raises(InputError) as error:
        call(*data)
    assert error.value.argument == argument
