"""qlcore.model.moments: the moments form of the square loss against per-sample formulas."""

import numpy as np
import pytest

from qlcore.model import convex, moments

D, N = 4, 30


def random_symmetric(rng, dim=D, size=()):
    m = rng.standard_normal(size + (dim, dim))
    return (m + np.swapaxes(m, -1, -2)) / 2


@pytest.fixture
def problem():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((N, D))
    x[:, 0] = 1.0
    y = rng.standard_normal(N)
    return x, y


def hand_residual_moment(x, y, a):
    """(1/N) sum_n r_n x_n x_n^T with r_n = y_n - x_n^T A x_n, one sample at a time."""
    total = np.zeros((x.shape[1],) * 2)
    for xn, yn in zip(x, y):
        total += (yn - xn @ a @ xn) * np.outer(xn, xn)
    return total / len(y)


def test_n_coordinates():
    assert [moments.n_coordinates(d) for d in (1, 2, 3, 10)] == [1, 3, 6, 55]


def test_coordinates_round_trip():
    rng = np.random.default_rng(1)
    a = random_symmetric(rng)
    coords = moments.to_coordinates(a)
    assert coords.shape == (D * (D + 1) // 2,)
    np.testing.assert_array_equal(moments.from_coordinates(coords, D), a)
    c = rng.standard_normal(10)
    np.testing.assert_array_equal(moments.to_coordinates(moments.from_coordinates(c, D)), c)


def test_coordinates_round_trip_on_stacks():
    rng = np.random.default_rng(2)
    stack = random_symmetric(rng, size=(3, 2))
    coords = moments.to_coordinates(stack)
    assert coords.shape == (3, 2, 10)
    np.testing.assert_array_equal(moments.from_coordinates(coords, D), stack)


def test_quadratic_features_give_the_quadratic_form(problem):
    x, _ = problem
    rng = np.random.default_rng(3)
    features = moments.quadratic_features(x)
    assert features.shape == (N, D * (D + 1) // 2)
    for _ in range(5):
        a = random_symmetric(rng)
        expected = np.einsum("ij,ni,nj->n", a, x, x)  # A . x_n x_n^T
        np.testing.assert_allclose(
            features @ moments.to_coordinates(a), expected, rtol=1e-12, atol=1e-12
        )


def test_moments_definition(problem):
    x, y = problem
    mom = moments.moments_from_data(x, y)
    assert mom.dim == D and mom.n_samples == N
    assert mom.c == pytest.approx(np.mean(y**2), rel=1e-14)
    assert mom.H.shape == (10, 10)
    np.testing.assert_allclose(mom.H, mom.H.T)
    assert np.linalg.eigvalsh(mom.H).min() > 0  # N > p: positive definite


def test_loss_equals_per_sample_loss(problem):
    x, y = problem
    mom = moments.moments_from_data(x, y)
    rng = np.random.default_rng(4)
    for a in random_symmetric(rng, size=(6,)):
        expected = np.mean([(yn - xn @ a @ xn) ** 2 for xn, yn in zip(x, y)])
        assert moments.loss(mom, a) == pytest.approx(expected, rel=1e-10)
        assert moments.per_sample_loss(x, y, a) == pytest.approx(expected, rel=1e-10)
    assert moments.loss(mom, np.zeros((D, D))) == pytest.approx(np.mean(y**2), rel=1e-12)


def test_loss_on_a_stack(problem):
    x, y = problem
    mom = moments.moments_from_data(x, y)
    stack = random_symmetric(np.random.default_rng(5), size=(7,))
    values = moments.loss(mom, stack)
    assert values.shape == (7,)
    expected = [moments.per_sample_loss(x, y, a) for a in stack]
    np.testing.assert_allclose(values, expected, rtol=1e-10)


def test_gradient_equals_finite_differences(problem):
    x, y = problem
    mom = moments.moments_from_data(x, y)
    rng = np.random.default_rng(6)
    a = random_symmetric(rng)
    g = moments.gradient(mom, a)
    np.testing.assert_allclose(g, g.T)
    h = 1e-5
    for e in random_symmetric(rng, size=(4,)):
        fd = (
            moments.per_sample_loss(x, y, a + h * e) - moments.per_sample_loss(x, y, a - h * e)
        ) / (2 * h)
        assert np.sum(g * e) == pytest.approx(fd, rel=1e-7, abs=1e-9)


def test_gradient_equals_minus_two_residual_moment_by_hand(problem):
    x, y = problem
    mom = moments.moments_from_data(x, y)
    a = random_symmetric(np.random.default_rng(7))
    expected = -2.0 * hand_residual_moment(x, y, a)
    np.testing.assert_allclose(moments.gradient(mom, a), expected, rtol=1e-10, atol=1e-12)


def test_residual_moment_equals_per_sample_one(problem):
    x, y = problem
    mom = moments.moments_from_data(x, y)
    rng = np.random.default_rng(8)
    for a in [np.zeros((D, D)), *random_symmetric(rng, size=(3,))]:
        np.testing.assert_allclose(
            moments.residual_moment(mom, a),
            convex.optimality_residual(x, y, a),
            rtol=1e-10,
            atol=1e-12,
        )
        np.testing.assert_allclose(
            convex.optimality_residual(x, y, a),
            hand_residual_moment(x, y, a),
            rtol=1e-10,
            atol=1e-12,
        )


def test_moments_from_data_validates():
    with pytest.raises(ValueError, match="x"):
        moments.moments_from_data(np.ones(5), np.ones(5))
    with pytest.raises(ValueError, match="y"):
        moments.moments_from_data(np.ones((5, 2)), np.ones(4))
