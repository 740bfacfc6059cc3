"""qlcore.samples.span: span dimensions, the population-risk formula by Monte Carlo, and the
interpolating counterexample of Gamarnik et al. §4.6 for Gaussian, uniform and Rademacher inputs."""

import numpy as np
import pytest

from qlcore.infra.checks import InputError
from qlcore.model.moments import quadratic_features
from qlcore.samples import span


def random_symmetric(rng, dim):
    m = rng.standard_normal((dim, dim))
    return (m + m.T) / 2


@pytest.mark.parametrize("law", ["gaussian", "uniform", "laplace"])
@pytest.mark.parametrize("d", [4, 6, 8])
def test_span_dimension_of_continuous_laws(law, d):
    p = d * (d + 1) // 2  # ranks at N = p - 1, p, p + 3: 9/10/10, 20/21/21, 35/36/36
    for n in (2, d, p - 1, p, p + 3):
        assert span.span_dimension(span.sample_inputs(law, n, d, seed=n)) == min(n, p)


@pytest.mark.parametrize("d", [4, 6, 8])
def test_rademacher_span_never_fills_the_symmetric_matrices(d):
    ceiling = 1 + d * (d - 1) // 2  # X X^T has unit diagonal
    # a discrete law repeats inputs, so N = p draws may span less; many draws reach the ceiling
    assert span.span_dimension(span.sample_inputs("rademacher", d * (d + 1) // 2, d)) <= ceiling
    assert span.span_dimension(span.sample_inputs("rademacher", 4 * d * d, d)) == ceiling


@pytest.mark.parametrize("law", span.INPUT_LAWS)
def test_population_risk_formula_by_monte_carlo(law):
    rng = np.random.default_rng(5)
    difference = random_symmetric(rng, 4)
    x = span.sample_inputs(law, 400_000, 4, seed=6)
    values = np.einsum("ni,ij,nj->n", x, difference, x) ** 2
    standard_error = values.std() / np.sqrt(len(values))
    moments = span.input_law(law)
    assert np.mean(x**2) == pytest.approx(moments.mu2, rel=0.01)
    assert np.mean(x**4) == pytest.approx(moments.mu4, rel=0.01)
    assert (
        abs(values.mean() - span.population_risk(difference, moments.mu2, moments.mu4))
        < 4 * standard_error
    )


def test_gaussian_risk_is_wick():
    difference = random_symmetric(np.random.default_rng(0), 5)
    assert span.population_risk(difference, 1.0, 3.0) == pytest.approx(
        2 * np.sum(difference**2) + np.trace(difference) ** 2
    )


@pytest.mark.parametrize("law", span.INPUT_LAWS)
def test_risk_lower_bound(law):
    moments = span.input_law(law)
    constant = min(moments.mu4 - moments.mu2**2, 2 * moments.mu2**2)
    rng = np.random.default_rng(1)
    for _ in range(200):
        difference = random_symmetric(rng, 5)
        assert span.population_risk(difference, moments.mu2, moments.mu4) >= constant * np.sum(
            difference**2
        ) * (1 - 1e-12)


@pytest.mark.parametrize("law", ["gaussian", "uniform"])
@pytest.mark.parametrize("d, m", [(4, 6), (6, 12)])
def test_interpolating_counterexample(law, d, m):
    planted = np.random.default_rng(d).standard_normal((m, d))
    moments = span.input_law(law)
    for n in (d, d * (d + 1) // 2 - 1):
        x = span.sample_inputs(law, n, d, seed=n)
        weights = span.interpolating_counterexample(x, planted)
        assert weights.shape == planted.shape
        labels = np.sum((x @ planted.T) ** 2, axis=1)
        assert span.empirical_risk(x, weights, planted) < 1e-24 * np.mean(labels**2)
        difference = weights.T @ weights - planted.T @ planted
        assert np.linalg.norm(difference) >= np.linalg.svd(planted, compute_uv=False)[-1] ** 2 * (
            1 - 1e-9
        )
        assert span.population_risk(difference, moments.mu2, moments.mu4) >= span.energy_barrier(
            planted, moments.mu2, moments.mu4
        )


def test_full_span_pins_the_teacher():
    d, m = 4, 5
    planted = np.random.default_rng(0).standard_normal((m, d))
    x = span.sample_inputs("gaussian", 13, d, seed=0)  # N = 13 >= p = 10
    with pytest.raises(ValueError, match="span all symmetric"):
        span.interpolating_counterexample(x, planted)
    # every interpolant solves the same full-rank linear system in the coordinates of W^T W
    labels = np.sum((x @ planted.T) ** 2, axis=1)
    coords = np.linalg.lstsq(quadratic_features(x), labels, rcond=None)[0]
    rows, cols = np.triu_indices(d)
    np.testing.assert_allclose(coords, (planted.T @ planted)[rows, cols], rtol=1e-9, atol=1e-9)


def test_rademacher_interpolants_can_differ_without_rademacher_risk():
    # many Rademacher samples: the remaining freedom is a traceless diagonal M; zero risk under
    # the Rademacher law (the bound min{mu4 - mu2^2, 2 mu2^2} = 0 is vacuous) but not under others
    d = 5
    planted = np.random.default_rng(2).standard_normal((7, d))
    x = span.sample_inputs("rademacher", 200, d, seed=3)
    weights = span.interpolating_counterexample(x, planted)
    difference = weights.T @ weights - planted.T @ planted
    assert np.linalg.norm(difference) >= np.linalg.svd(planted, compute_uv=False)[-1] ** 2 * 0.999
    np.testing.assert_allclose(difference - np.diag(np.diag(difference)), 0, atol=1e-10)
    assert abs(np.trace(difference)) < 1e-10
    rademacher = span.input_law("rademacher")
    assert span.energy_barrier(planted, rademacher.mu2, rademacher.mu4) == 0.0
    assert span.population_risk(difference, rademacher.mu2, rademacher.mu4) < 1e-18
    assert span.population_risk(difference, 1.0, 3.0) == pytest.approx(2 * np.sum(difference**2))


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: span.input_law("cauchy"), "name must be one of"),
        (lambda: span.population_risk(np.eye(2), 1.0, 0.5), "mu4 must be >= mu2"),
        (lambda: span.population_risk(np.eye(2), 0.0, 1.0), "mu2 must be > 0"),
        (lambda: span.span_dimension(np.zeros((3, 2))), "all-zero row"),
        (lambda: span.interpolating_counterexample(np.ones((2, 3)), np.ones((3, 3))), "rank d"),
        (lambda: span.interpolating_counterexample(np.ones((2, 3)), np.ones((2, 3))), "rank d"),
        (
            lambda: span.empirical_risk(np.ones((2, 3)), np.ones((3, 2)), np.ones((3, 3))),
            "3 columns",
        ),
    ],
)
def test_bad_input(call, message):
    with pytest.raises(ValueError, match=message):
        call()


@pytest.mark.parametrize(
    "law, constant",
    # min{mu4 - mu2^2, 2 mu2^2} with mu2 = 1: Gaussian min{2, 2}, uniform min{4/5, 2},
    # Rademacher min{0, 2}, Laplace min{5, 2}
    [("gaussian", 2.0), ("uniform", 0.8), ("rademacher", 0.0), ("laplace", 2.0)],
)
def test_barrier_constant_of_each_law(law, constant):
    moments = span.input_law(law)
    assert moments.barrier_constant == pytest.approx(constant)
    assert span.barrier_constant(moments.mu2, moments.mu4) == moments.barrier_constant


def test_smallest_singular_value_of_a_matrix_and_a_stack():
    rng = np.random.default_rng(4)
    stack = rng.standard_normal((3, 6, 4))
    expected = [np.linalg.svd(w, compute_uv=False)[-1] for w in stack]
    np.testing.assert_allclose(span.smallest_singular_value(stack), expected, rtol=1e-12)
    assert span.smallest_singular_value(stack[0]) == pytest.approx(expected[0], rel=1e-12)
    # rank below d when m < d; a known value: diag(3, 2) has sigma_min 2
    assert span.smallest_singular_value(rng.standard_normal((2, 4))) == 0.0
    assert span.smallest_singular_value(np.diag([3.0, 2.0])) == pytest.approx(2.0)
    with pytest.raises(InputError, match="weights must be m x d"):
        span.smallest_singular_value(np.ones(3))
