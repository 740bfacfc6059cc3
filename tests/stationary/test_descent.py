"""qlcore.stationary.descent: gradient descent on an empirical risk whose inputs span the
symmetric matrices reaches a global minimum ``W = Q W*``; ``W = 0`` and the stationary points that
descent reaches from rank-deficient starts are saddles; milestones, monotone risk and the
argument checks."""

import numpy as np
import pytest

from qlcore.infra.checks import InputError
from qlcore.samples import span
from qlcore.stationary import barrier, descent
from qlcore.stationary.risks import EmpiricalRisk, PopulationRisk, planted_weights

M_ROWS, DIM, N = 5, 3, 20  # N >= d(d+1)/2 = 6
STEP = 0.02  # the Hessian's norm at the optimum is ~49: stable, and faster than the safe default


@pytest.fixture(scope="module")
def planted():
    return planted_weights(M_ROWS, DIM, seed=1) / np.sqrt(M_ROWS)


@pytest.fixture(scope="module")
def risk(planted):
    return EmpiricalRisk(planted, span.sample_inputs("gaussian", N, DIM, seed=2))


def random_orthogonal(rng, size):
    q, r = np.linalg.qr(rng.standard_normal((size, size)))
    return q * np.sign(np.diag(r))


def test_descent_from_full_rank_starts_reaches_a_rotation_of_the_planted_weights(risk, planted):
    starts = np.random.default_rng(0).standard_normal((3, M_ROWS, DIM)) / np.sqrt(M_ROWS)
    milestones = (1e-2, 1e-4, 1e-6, 1e-9)
    result = descent.gradient_descent(
        risk, starts, tolerance=1e-9, max_iterations=8000, step=STEP, milestones=milestones
    )
    assert result.step == STEP
    assert np.all(result.iterations > 0)
    assert np.all(result.monotone)
    passed = result.milestone_iterations
    assert passed.shape == (3, len(milestones)) and np.all(passed >= 0)
    assert np.all(np.diff(passed, axis=1) >= 0)
    assert np.all(passed <= result.iterations[:, None])
    np.testing.assert_array_equal(passed[:, -1], result.iterations)  # the last is the tolerance
    assert np.all(result.min_sigma_min > 0)
    for weights in result.weights:
        report = descent.classify(risk, weights, gradient_tol=1e-8)
        assert report.kind == "global minimum"
        assert report.rank == DIM
        assert report.gradient_norm <= 1e-9
        assert report.relative_risk < 1e-12
        rotation, residual = descent.procrustes(weights, planted)
        assert residual < 1e-5
        np.testing.assert_allclose(rotation.T @ rotation, np.eye(M_ROWS), atol=1e-10)


@pytest.mark.parametrize("rows", [DIM, M_ROWS])
def test_procrustes_recovers_a_rotation(rows):
    rng = np.random.default_rng(rows)
    planted = planted_weights(rows, DIM, seed=rows)
    rotation = random_orthogonal(rng, rows)
    found, residual = descent.procrustes(rotation @ planted, planted)
    assert residual < 1e-10
    np.testing.assert_allclose(found.T @ found, np.eye(rows), atol=1e-10)
    np.testing.assert_allclose(found @ planted, rotation @ planted, atol=1e-10)
    if rows == DIM:  # for m > d only Q's action on the columns of W* is determined
        np.testing.assert_allclose(found, rotation, atol=1e-10)
    assert descent.procrustes(planted_weights(rows, DIM, seed=99), planted)[1] > 0.1


def test_zero_is_a_saddle_with_a_negative_definite_hessian(risk, planted):
    zero = np.zeros_like(planted)
    report = descent.classify(risk, zero, gradient_tol=1e-12)
    assert report.kind == "saddle"
    assert report.rank == 0 and report.gradient_norm == 0 and report.relative_risk == 1
    # Hess[E] = 2 E G at W = 0 with G = dl/dM at M = -W*^T W* (negative definite): a maximum
    assert report.n_negative == M_ROWS * DIM and report.hessian_max < 0
    slope = risk._difference_gradient(-risk.target)
    np.testing.assert_allclose(risk.hessian(zero), np.kron(np.eye(M_ROWS), 2 * slope), atol=1e-12)


def test_population_zero_is_also_a_saddle(planted):
    report = descent.classify(
        PopulationRisk(planted, "uniform"), np.zeros_like(planted), gradient_tol=1e-12
    )
    assert report.kind == "saddle" and report.n_negative == M_ROWS * DIM


def test_descent_from_rank_deficient_starts_stays_rank_deficient_and_stops_at_saddles(risk):
    starts = barrier.random_rank_deficient(M_ROWS, DIM, 2, seed=3) / np.sqrt(M_ROWS)
    result = descent.gradient_descent(
        risk, starts, tolerance=1e-5, max_iterations=6000, step=STEP, record_every=50
    )
    assert np.all(result.iterations > 0)
    assert np.all(result.monotone)
    assert result.sigma_min.max() < 1e-6  # W_{t+1} = W_t (I - 2 eta G_t) keeps the kernel
    for weights in result.weights:
        singular = np.linalg.svd(weights, compute_uv=False)
        assert singular[-1] < 1e-12 * singular[0]
        report = descent.classify(risk, weights, gradient_tol=1e-5)
        assert report.rank <= DIM - 1
        assert report.kind == "saddle"
        assert report.n_negative >= 1
        assert report.relative_risk > 1e-6  # above the empirical barrier


def test_classify_not_stationary_and_report_fields(risk, planted):
    weights = planted + 0.1
    report = descent.classify(risk, weights, gradient_tol=1e-6)
    assert report.kind == "not stationary"
    assert report.kind in descent.KINDS
    assert report.risk == pytest.approx(risk.values(weights))
    assert report.gradient_norm == pytest.approx(np.linalg.norm(risk.gradients(weights)))
    assert report.hessian_min <= report.hessian_max


def test_default_step_is_monotone_and_budget_exhaustion_is_reported(risk):
    rng = np.random.default_rng(4)
    starts = np.concatenate(
        [rng.standard_normal((2, M_ROWS, DIM)), 3 * rng.standard_normal((2, M_ROWS, DIM))]
    )
    result = descent.gradient_descent(
        risk, starts, tolerance=1e-12, max_iterations=300, record_every=1, milestones=[1e3]
    )
    assert result.step == pytest.approx(risk.step_size(starts))
    assert np.all(result.monotone)
    assert np.all(np.diff(result.risk, axis=0) <= 0)
    assert np.all(result.iterations == -1)
    np.testing.assert_array_equal(result.record_iterations, np.arange(301))
    assert result.risk.shape == result.sigma_min.shape == (301, 4)
    np.testing.assert_allclose(result.risk[0], risk.values(starts))
    np.testing.assert_allclose(result.risk[-1], risk.values(result.weights))
    np.testing.assert_allclose(result.min_sigma_min, result.sigma_min.min(axis=0))
    assert np.all(result.milestone_iterations[:, 0] >= 0)


def test_stopped_runs_are_frozen(risk, planted):
    starts = np.stack([planted, planted + 0.3])  # the first is stationary at once
    result = descent.gradient_descent(risk, starts, tolerance=1e-8, max_iterations=50, step=STEP)
    assert result.iterations[0] == 0 and result.iterations[1] == -1
    np.testing.assert_array_equal(result.weights[0], planted)
    assert np.all(result.risk[:, 0] == result.risk[0, 0])


@pytest.mark.parametrize(
    ("kwargs", "argument"),
    [
        ({"milestones": [1e-3, 1e-9]}, "milestones"),
        ({"starts": np.zeros((M_ROWS, DIM))}, "starts"),
        ({"starts": np.zeros((2, M_ROWS, DIM + 1))}, "starts"),
        ({"starts": "W"}, "starts"),
        ({"tolerance": 0.0}, "tolerance"),
        ({"tolerance": -1e-3}, "tolerance"),
        ({"max_iterations": 0}, "max_iterations"),
        ({"step": 0.0}, "step"),
        ({"record_every": 0}, "record_every"),
        ({"risk": "risk"}, "risk"),
    ],
)
def test_gradient_descent_argument_checks(risk, kwargs, argument):
    call = {"risk": risk, "starts": np.zeros((2, M_ROWS, DIM)), "tolerance": 1e-6}
    call |= {"max_iterations": 10} | kwargs
    with pytest.raises(InputError) as error:
        descent.gradient_descent(**call)
    assert error.value.argument == argument


@pytest.mark.parametrize(
    ("kwargs", "argument"),
    [
        ({"weights": np.zeros((2, M_ROWS, DIM))}, "weights"),
        ({"weights": np.zeros((M_ROWS, DIM + 1))}, "weights"),
        ({"gradient_tol": 0.0}, "gradient_tol"),
        ({"risk_tol": -1.0}, "risk_tol"),
        ({"eigen_tol": 0}, "eigen_tol"),
    ],
)
def test_classify_argument_checks(risk, planted, kwargs, argument):
    call = {"weights": planted, "gradient_tol": 1e-6} | kwargs
    with pytest.raises(InputError) as error:
        descent.classify(risk, **call)
    assert error.value.argument == argument


def test_procrustes_argument_checks(planted):
    with pytest.raises(InputError) as error:
        descent.procrustes(planted[:-1], planted)
    assert error.value.argument == "weights"
