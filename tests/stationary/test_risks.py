"""qlcore.stationary.risks: values, gradients and Hessians of the population and empirical risks
of the planted model against finite differences, per-sample sums and Monte Carlo, batching, the
curvature bound ``l(M) <= c |M|_F^2 / 2`` and the argument checks."""

import numpy as np
import pytest

from qlcore.infra.checks import InputError
from qlcore.samples import span
from qlcore.stationary.risks import EmpiricalRisk, PopulationRisk, check_risk, planted_weights

M_ROWS, DIM = 4, 3


def population(law, seed=0):
    return PopulationRisk(planted_weights(M_ROWS, DIM, seed=seed), law)


def empirical(n=15, seed=0):
    return EmpiricalRisk(
        planted_weights(M_ROWS, DIM, seed=seed), span.sample_inputs("gaussian", n, DIM, seed=seed)
    )


RISKS = [pytest.param(lambda law=law: population(law), id=law) for law in span.INPUT_LAWS]
RISKS.append(pytest.param(empirical, id="empirical"))


def central_differences(function, weights, h):
    """``d function / d W`` entry by entry; ``function`` may return an array."""
    columns = []
    for index in np.ndindex(weights.shape):
        step = np.zeros_like(weights)
        step[index] = h
        columns.append((np.asarray(function(weights + step)) - function(weights - step)) / (2 * h))
    return np.stack(columns)


def relative_error(approximate, exact):
    return np.linalg.norm(approximate - exact) / np.linalg.norm(exact)


def random_symmetric(rng, dim):
    matrix = rng.standard_normal((dim, dim))
    return (matrix + matrix.T) / 2


@pytest.mark.parametrize("make_risk", RISKS)
def test_gradient_matches_finite_differences(make_risk):
    risk = make_risk()
    weights = np.random.default_rng(1).standard_normal((M_ROWS, DIM))
    numeric = central_differences(risk.values, weights, 1e-5).reshape(weights.shape)
    assert relative_error(numeric, risk.gradients(weights)) < 1e-6


@pytest.mark.parametrize("make_risk", RISKS)
def test_hessian_matches_finite_differences_of_the_gradient(make_risk):
    risk = make_risk()
    weights = np.random.default_rng(2).standard_normal((M_ROWS, DIM))
    numeric = central_differences(risk.gradients, weights, 1e-5).reshape(M_ROWS * DIM, -1)
    hessian = risk.hessian(weights)
    assert hessian.shape == (M_ROWS * DIM, M_ROWS * DIM)
    np.testing.assert_array_equal(hessian, hessian.T)
    assert relative_error(numeric, hessian) < 1e-6


def test_empirical_values_are_the_per_sample_risk():
    planted = planted_weights(5, DIM, seed=3)
    x = span.sample_inputs("uniform", 12, DIM, seed=4)
    risk = EmpiricalRisk(planted, x)
    rng = np.random.default_rng(5)
    for weights in [rng.standard_normal((5, DIM)) for _ in range(3)] + [planted, 0 * planted]:
        assert risk.values(weights) == pytest.approx(
            span.empirical_risk(x, weights, planted), rel=1e-10, abs=1e-12
        )
    assert risk.n_samples == 12
    assert risk.values(planted) == pytest.approx(0.0, abs=1e-10)


def test_population_values_match_monte_carlo():
    risk = population("laplace", seed=6)
    weights = np.random.default_rng(7).standard_normal((M_ROWS, DIM))
    difference = risk.difference(weights)
    x = span.sample_inputs("laplace", 200_000, DIM, seed=8)
    samples = np.einsum("ni,ij,nj->n", x, difference, x) ** 2
    standard_error = samples.std() / np.sqrt(len(samples))
    assert abs(samples.mean() - risk.values(weights)) < 4 * standard_error


@pytest.mark.parametrize("make_risk", RISKS)
def test_a_stack_is_evaluated_one_by_one(make_risk):
    risk = make_risk()
    stack = np.random.default_rng(9).standard_normal((5, M_ROWS, DIM))
    values, gradients = risk.values(stack), risk.gradients(stack)
    assert values.shape == (5,) and gradients.shape == stack.shape
    for weights, value, gradient in zip(stack, values, gradients):
        assert isinstance(risk.values(weights), float)
        assert value == pytest.approx(risk.values(weights), rel=1e-12)
        np.testing.assert_allclose(gradient, risk.gradients(weights), rtol=1e-12, atol=1e-12)


def symmetric_basis(dim):
    """An orthonormal basis (Frobenius) of the symmetric ``dim x dim`` matrices."""
    basis = []
    for i in range(dim):
        for j in range(i, dim):
            element = np.zeros((dim, dim))
            element[i, j] = element[j, i] = 1.0 if i == j else 1 / np.sqrt(2)
            basis.append(element)
    return np.stack(basis)


@pytest.mark.parametrize("make_risk", RISKS)
def test_curvature_bounds_the_risk_and_is_the_top_eigenvalue(make_risk):
    risk = make_risk()
    basis = symmetric_basis(DIM)
    offset = risk._difference_gradient(np.zeros((DIM, DIM)))
    # Gamma column by column on the symmetric matrices
    operator = np.array(
        [
            [np.sum(row * (risk._difference_gradient(col) - offset)) for col in basis]
            for row in basis
        ]
    )
    np.testing.assert_allclose(operator, operator.T, atol=1e-9 * np.abs(operator).max())
    exact = np.linalg.eigvalsh(operator)[-1]
    curvature = risk.curvature()
    assert curvature == pytest.approx(exact, rel=0.01)
    assert curvature <= exact * (1 + 1e-12)
    rng = np.random.default_rng(10)
    for _ in range(50):
        difference = random_symmetric(rng, DIM)
        value = risk._value_of_difference(difference)
        assert 0 <= value + 1e-12 and value <= curvature * np.sum(difference**2) / 2 * (1 + 1e-9)
    # l(M) = <M, Gamma M> / 2
    difference = random_symmetric(rng, DIM)
    gamma_m = risk._difference_gradient(difference) - offset
    assert risk._value_of_difference(difference) == pytest.approx(
        np.sum(difference * gamma_m) / 2, rel=1e-9
    )


def test_gaussian_curvature_is_4_plus_2d():
    # Gamma M = 4 M + 2 tr(M) I for Gaussian inputs: top eigenvalue 4 + 2d on the identity
    assert population("gaussian").curvature() == pytest.approx(4 + 2 * DIM, rel=1e-9)


def test_planted_weights():
    planted = planted_weights(6, 3, seed=11)
    assert planted.shape == (6, 3) and np.linalg.matrix_rank(planted) == 3
    np.testing.assert_array_equal(planted, planted_weights(6, 3, seed=11))
    assert planted_weights(3, 3).shape == (3, 3)
    with pytest.raises(InputError) as error:
        planted_weights(2, 3)
    assert error.value.argument == "m"


def test_planted_must_have_full_column_rank():
    with pytest.raises(InputError) as error:
        PopulationRisk(np.ones((4, 3)), "gaussian")
    assert error.value.argument == "planted"
    with pytest.raises(InputError) as error:
        PopulationRisk(np.ones((2, 3)), "gaussian")
    assert error.value.argument == "planted"
    with pytest.raises(InputError) as error:
        PopulationRisk(planted_weights(4, 3), "cauchy")
    assert error.value.argument == "law"
    with pytest.raises(InputError) as error:
        EmpiricalRisk(planted_weights(4, 3), np.ones((5, 2)))
    assert error.value.argument == "x"


@pytest.mark.parametrize("make_risk", RISKS)
def test_hessian_refuses_a_stack(make_risk):
    with pytest.raises(InputError) as error:
        make_risk().hessian(np.zeros((2, M_ROWS, DIM)))
    assert error.value.argument == "weights"


@pytest.mark.parametrize(
    "weights",
    [np.zeros((M_ROWS, DIM + 1)), np.zeros(DIM), np.zeros((1, 2, M_ROWS, DIM)), "W", None],
    ids=["columns", "1-D", "4-D", "string", "None"],
)
@pytest.mark.parametrize("method", ["values", "gradients", "hessian", "difference", "step_size"])
def test_wrong_weights_name_weights(weights, method):
    with pytest.raises(InputError) as error:
        getattr(population("gaussian"), method)(weights)
    assert error.value.argument == "weights"
    assert "weights" in str(error.value)


def test_check_risk():
    risk = population("uniform")
    assert check_risk(risk) is risk
    with pytest.raises(InputError) as error:
        check_risk("not a risk", "objective")
    assert error.value.argument == "objective"
