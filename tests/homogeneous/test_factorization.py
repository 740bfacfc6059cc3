"""qlcore.homogeneous.factorization: the singular-value-thresholding optimum of (1.33)/(1.35),
the gradient, Corollary 1.6's test and the meta-algorithm on the example of MATH_NOTES §5
(``Y`` 8 x 6 Gaussian, ``lam = 1.5``)."""

import numpy as np
import pytest

from qlcore.homogeneous import factorization as fact
from qlcore.infra.checks import InputError

LAM = 1.5


@pytest.fixture(scope="module")
def y():
    return np.random.default_rng(0).standard_normal((8, 6))


def test_closed_form_is_the_nuclear_norm_optimum(y):
    optimum = fact.factorization_optimum(y, LAM)
    singular = np.linalg.svd(y, compute_uv=False)
    assert optimum.rank == np.sum(singular > LAM) == 4
    assert optimum.u.shape == (8, 4) and optimum.v.shape == (6, 4)
    np.testing.assert_allclose(optimum.u @ optimum.v.T, optimum.z, atol=1e-12)
    np.testing.assert_allclose(optimum.u.T @ optimum.u, optimum.v.T @ optimum.v, atol=1e-12)
    assert optimum.nuclear_norm == pytest.approx(np.sum(singular[:4] - LAM), rel=1e-12)
    # the value of (1.35) at the thresholded z, and of (1.33) at its balanced factors
    assert fact.convex_objective(y, optimum.z, LAM) == pytest.approx(optimum.value, rel=1e-12)
    assert fact.objective(y, optimum.u, optimum.v, LAM) == pytest.approx(optimum.value, rel=1e-12)
    # (1.35) is convex and optimal there: no perturbation does better
    rng = np.random.default_rng(1)
    for _ in range(20):
        other = optimum.z + 1e-3 * rng.standard_normal(y.shape)
        assert fact.convex_objective(y, other, LAM) > optimum.value
    # the lower bound (1.36) at random factors
    u, v = rng.standard_normal((8, 3)), rng.standard_normal((6, 3))
    assert fact.convex_objective(y, u @ v.T, LAM) <= fact.objective(y, u, v, LAM)


def test_closed_form_with_nothing_above_lam():
    y = np.diag([1.0, 0.5])
    optimum = fact.factorization_optimum(y, 2.0)
    assert optimum.rank == 0
    assert optimum.u.shape == (2, 1) and not optimum.u.any() and not optimum.v.any()
    assert optimum.value == pytest.approx(0.5 * np.sum(y**2))


def test_gradient_matches_finite_differences(y):
    rng = np.random.default_rng(2)
    u, v = rng.standard_normal((8, 3)), rng.standard_normal((6, 3))
    grad_u, grad_v = fact.gradient(y, u, v, LAM)
    step = 1e-6
    for point, grad, name in ((u, grad_u, "u"), (v, grad_v, "v")):
        numeric = np.zeros_like(point)
        for index in np.ndindex(point.shape):
            shift = np.zeros_like(point)
            shift[index] = step
            plus = {"u": u, "v": v, name: point + shift}
            minus = {"u": u, "v": v, name: point - shift}
            numeric[index] = (
                fact.objective(y, plus["u"], plus["v"], LAM)
                - fact.objective(y, minus["u"], minus["v"], LAM)
            ) / (2 * step)
        np.testing.assert_allclose(grad, numeric, rtol=1e-6, atol=1e-7)


def test_optimality_test_rejects_a_first_order_point_of_too_small_width(y):
    rng = np.random.default_rng(3)
    start = rng.standard_normal((8, 1)), rng.standard_normal((6, 1))
    found = fact.local_descent(y, *start, LAM)
    assert found.converged
    test = fact.global_optimality(y, found.u, found.v, LAM)
    singular = np.linalg.svd(y, compute_uv=False)
    assert test.condition_i  # every first-order point satisfies (i)
    assert not test.condition_ii and not test.optimal
    assert test.sigma_max == pytest.approx(singular[1], rel=1e-7)
    # the duality gap bounds the distance to the optimum from above
    optimum = fact.factorization_optimum(y, LAM)
    assert test.duality_gap >= found.value - optimum.value > 0.1


def test_optimality_test_accepts_the_closed_form(y):
    optimum = fact.factorization_optimum(y, LAM)
    test = fact.global_optimality(y, optimum.u, optimum.v, LAM)
    assert test.optimal and test.condition_i and test.condition_ii
    assert test.sigma_max == pytest.approx(LAM, rel=1e-12)
    assert test.duality_gap < 1e-12 * optimum.value
    # not a first-order point: (i) fails
    assert not fact.global_optimality(y, 2 * optimum.u, optimum.v, LAM).condition_i


@pytest.mark.parametrize("method", fact.METHODS)
def test_meta_algorithm_reaches_the_thresholding_optimum(y, method):
    result = fact.meta_algorithm(y, LAM, seed=0, method=method)
    optimum = fact.factorization_optimum(y, LAM)
    assert result.converged
    assert result.value == pytest.approx(optimum.value, rel=1e-6)
    singular = np.linalg.svd(y, compute_uv=False)
    assert np.linalg.matrix_rank(result.u @ result.v.T, tol=1e-6 * singular[0]) == optimum.rank
    np.testing.assert_allclose(result.u @ result.v.T, optimum.z, atol=1e-5)
    # one column per stage from width 1; each stage's objective below the last
    np.testing.assert_array_equal(result.widths, [1, 2, 3, 4])
    assert np.all(np.diff(result.values) < 0)
    # it stops because sigma_max(Y - U V^T) <= lam; before, sigma_max was the next singular value
    np.testing.assert_array_equal(result.polar_holds, [False, False, False, True])
    assert result.sigma_max[-1] <= LAM * (1 + 1e-6)
    np.testing.assert_allclose(result.sigma_max[:-1], singular[1:4], rtol=1e-6)
    # appending the column lowered the objective by exactly e (sigma - lam) - e^2 / 2 > 0
    expected = result.epsilons * (result.sigma_max - LAM) - result.epsilons**2 / 2
    np.testing.assert_allclose(result.decreases[:-1], expected[:-1], rtol=1e-8)
    assert np.all(result.decreases[:-1] > 0) and result.decreases[-1] == 0
    assert np.all(result.gradient_norms <= 1e-9 * singular[0] ** 1.5 * 10)


def test_meta_algorithm_caps_epsilon_at_the_best_step(y):
    result = fact.meta_algorithm(y, LAM, seed=1, epsilon=100.0)
    gaps = result.sigma_max[:-1] - LAM
    np.testing.assert_allclose(result.epsilons[:-1], gaps)
    np.testing.assert_allclose(result.decreases[:-1], gaps**2 / 2, rtol=1e-8)
    assert result.converged


def test_meta_algorithm_stops_at_once_when_zero_is_optimal():
    y = np.random.default_rng(4).standard_normal((5, 3))
    lam = 1.01 * np.linalg.norm(y, 2)
    result = fact.meta_algorithm(y, lam, seed=2)
    assert result.converged and result.widths.tolist() == [1]
    assert result.value == pytest.approx(0.5 * np.sum(y**2), rel=1e-9)


def test_meta_algorithm_reports_the_stage_cap(y):
    result = fact.meta_algorithm(y, LAM, max_stages=2)
    assert not result.converged
    assert result.widths.tolist() == [1, 2]
    assert result.decreases[-1] == 0 and result.epsilons[-1] == 0


def test_gradient_descent_step_is_safe(y):
    rng = np.random.default_rng(5)
    u, v = 3 * rng.standard_normal((8, 2)), 3 * rng.standard_normal((6, 2))
    found = fact.local_descent(y, u, v, LAM, method="gd", max_steps=50)
    start = fact.objective(y, u, v, LAM)
    assert found.step == pytest.approx(1 / (4 * start / LAM + np.sqrt(2 * start) + LAM))
    assert found.value < start and found.steps == 50 and not found.converged


@pytest.mark.parametrize(
    ("call", "argument"),
    [
        (lambda y: fact.objective(y, np.ones((8, 2)), np.ones((6, 3)), LAM), "v"),
        (lambda y: fact.objective(y, np.ones((6, 2)), np.ones((6, 2)), LAM), "u"),
        (lambda y: fact.factorization_optimum(y, 0.0), "lam"),
        (lambda y: fact.factorization_optimum(y[0], LAM), "y"),
        (lambda y: fact.meta_algorithm(y, LAM, method="newton"), "method"),
        (lambda y: fact.meta_algorithm(y, LAM, width=0), "width"),
        (lambda y: fact.meta_algorithm(y, 1e300 * 1e8), "lam"),
    ],
)
def test_bad_arguments_are_named(y, call, argument):
    with pytest.raises(InputError) as error:
        call(y)
    assert error.value.argument == argument
