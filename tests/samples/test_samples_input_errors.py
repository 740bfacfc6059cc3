"""Bad input to the samples layer: a named InputError, never a silent wrong answer."""

import numpy as np
import pytest

from qlcore.infra.checks import InputError, TooLargeError
from qlcore.samples import recovery, span, strings, teacher_student, uniqueness

NOT_SYMMETRIC = np.array([[1.0, 2.0, 3.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]])


@pytest.fixture(scope="module")
def data():
    return teacher_student.make_data(3, 1, 12, seed=0)


@pytest.mark.parametrize(
    "call",
    [
        lambda d: teacher_student.empirical_loss(d.moments, d.teacher_matrix, NOT_SYMMETRIC),
        lambda d: teacher_student.empirical_gradient(d.moments, d.teacher_matrix, NOT_SYMMETRIC),
        lambda d: teacher_student.matrix_descent(
            d.moments, d.teacher_matrix, NOT_SYMMETRIC, step_size=0.01, n_steps=2
        ),
    ],
)
def test_non_symmetric_student_matrices_are_rejected(data, call):
    with pytest.raises(InputError, match="^matrix must be symmetric"):
        call(data)


def test_non_symmetric_teachers_are_rejected(data):
    with pytest.raises(InputError, match="^teacher must be symmetric"):
        teacher_student.empirical_loss(data.moments, NOT_SYMMETRIC, np.eye(3))


def test_rounding_asymmetry_is_taken_as_the_symmetric_part(data):
    noisy = np.eye(3) + 1e-14 * NOT_SYMMETRIC
    symmetric = (noisy + noisy.T) / 2
    loss = teacher_student.empirical_loss(data.moments, data.teacher_matrix, noisy)
    assert loss == teacher_student.empirical_loss(data.moments, data.teacher_matrix, symmetric)


@pytest.mark.parametrize("seed", [-1, "0", 0.5, None])
def test_bad_seeds_name_the_seed(seed):
    with pytest.raises(InputError, match="^seed"):
        teacher_student.make_data(3, 1, 5, seed=seed)
    with pytest.raises(InputError, match="^seed"):
        span.sample_inputs("gaussian", 4, 2, seed=seed)


def test_sequences_and_generators_are_seeds():
    first = teacher_student.teacher_matrix(3, 2, seed=[1, np.int64(2)])
    assert np.array_equal(first, teacher_student.teacher_matrix(3, 2, seed=[1, 2]))
    assert teacher_student.teacher_matrix(3, 2, seed=np.random.default_rng(0)).shape == (3, 3)


@pytest.mark.parametrize(("mu2", "mu4", "name"), [("1", 3.0, "mu2"), (1.0, "3", "mu4")])
def test_string_numbers_are_rejected(mu2, mu4, name):
    with pytest.raises(InputError, match=f"^{name} must be a real number.*float"):
        span.population_risk(np.eye(2), mu2, mu4)


def test_string_step_sizes_and_thresholds_are_rejected(data):
    with pytest.raises(InputError, match="^step_size"):
        teacher_student.matrix_descent(
            data.moments, data.teacher_matrix, np.eye(3), step_size="0.1", n_steps=1
        )
    with pytest.raises(InputError, match="^threshold"):
        recovery.recovered_fraction([0.1, 0.2], "0.5")
    with pytest.raises(InputError, match="^tol"):
        strings.string_method(data.moments, data.teacher_matrix, np.eye(3), tol=float("nan"))


def test_moments_argument_is_checked(data):
    with pytest.raises(InputError, match="^moments must be a QuadraticMoments"):
        strings.operator_norm(data)


def test_huge_span_matrix_is_refused(monkeypatch):
    monkeypatch.setenv("QLCORE_MEMORY_LIMIT_GIB", "0.001")
    with pytest.raises(TooLargeError, match="^x: the span matrix"):
        span.span_dimension(np.ones((300, 20)))


def test_solver_failures_are_qlcore_errors():
    from qlcore.infra.checks import QLCoreError

    assert issubclass(uniqueness.SolverFailure, QLCoreError)
    assert issubclass(recovery.PowerLawFitError, QLCoreError)


def test_crossing_times_must_be_a_sequence():
    with pytest.raises(InputError, match="^crossing_times"):
        recovery.relaxation_time(3.0)
    with pytest.raises(InputError, match="^crossing_times"):
        recovery.relaxation_time(["a", 1.0])
