"""qlcore.samples.teacher_student: data, the moments-form loss against per-sample sums, Lemma 2.1
(GD on the weights vs the flow on A), and GD recovery runs."""

import numpy as np
import pytest

from qlcore.model import moments
from qlcore.samples.teacher_student import (
    RecoveryRun,
    empirical_gradient,
    empirical_loss,
    gd_recovery,
    make_data,
    matrix_descent,
    student_matrix,
    teacher_matrix,
    weight_descent,
)


def random_symmetric(rng, dim, size=()):
    m = rng.standard_normal(size + (dim, dim))
    return (m + np.swapaxes(m, -1, -2)) / 2


@pytest.fixture
def problem():
    data = make_data(4, 2, 30, seed=3)
    return data, data.moments


def test_teachers():
    rng_seed = 5
    gaussian = teacher_matrix(6, 2, seed=rng_seed)
    assert np.linalg.matrix_rank(gaussian) == 2
    np.testing.assert_allclose(gaussian, teacher_matrix(6, 2, seed=rng_seed))  # reproducible
    eigenvalues = np.linalg.eigvalsh(teacher_matrix(6, 3, "orthonormal", seed=0))
    np.testing.assert_allclose(eigenvalues, [0, 0, 0, 1, 1, 1], atol=1e-12)
    assert np.linalg.matrix_rank(teacher_matrix(3, 5)) == 3  # m* >= d: full rank
    assert not np.any(teacher_matrix(4, 0))  # the zero teacher


def test_data_are_labelled_by_the_teacher_and_nested():
    small, large = make_data(5, 2, 6, seed=1), make_data(5, 2, 9, seed=1)
    assert small.x.shape == (6, 5) and small.y.shape == (6,)
    np.testing.assert_allclose(
        small.y, np.einsum("ni,ij,nj->n", small.x, small.teacher_matrix, small.x)
    )
    np.testing.assert_array_equal(small.x, large.x[:6])
    np.testing.assert_array_equal(small.teacher_matrix, large.teacher_matrix)


def test_loss_and_gradient_against_per_sample_sums(problem):
    data, mom = problem
    rng = np.random.default_rng(0)
    matrices = random_symmetric(rng, 4, (3,))
    for a in matrices:
        residuals = np.einsum("ni,ij,nj->n", data.x, a - data.teacher_matrix, data.x)
        assert empirical_loss(mom, data.teacher_matrix, a) == pytest.approx(
            0.5 * np.mean(residuals**2), rel=1e-12
        )
        by_sample = np.mean(residuals[:, None, None] * np.einsum("ni,nj->nij", data.x, data.x), 0)
        np.testing.assert_allclose(
            empirical_gradient(mom, data.teacher_matrix, a), by_sample, rtol=1e-12, atol=1e-12
        )
        # the same E_n from the general moments form (c, b, H) of qlcore.model.moments: E_n = L / 2
        assert empirical_loss(mom, data.teacher_matrix, a) == pytest.approx(
            0.5 * moments.loss(mom, a), rel=1e-9
        )
    stacked = empirical_loss(mom, data.teacher_matrix, matrices)
    assert stacked.shape == (3,)
    assert empirical_gradient(mom, data.teacher_matrix, matrices).shape == (3, 4, 4)


def test_gradient_is_the_derivative_of_the_loss(problem):
    data, mom = problem
    rng = np.random.default_rng(1)
    a, direction = random_symmetric(rng, 4), random_symmetric(rng, 4)
    h = 1e-6
    numeric = (
        empirical_loss(mom, data.teacher_matrix, a + h * direction)
        - empirical_loss(mom, data.teacher_matrix, a - h * direction)
    ) / (2 * h)
    assert numeric == pytest.approx(
        np.sum(empirical_gradient(mom, data.teacher_matrix, a) * direction), rel=1e-7
    )


def test_one_euler_step_identity(problem):
    # W_+ W_+^T / m = A - eta (G A + A G) + eta^2 G A G exactly, with G = grad E_n(A)
    data, mom = problem
    weights = np.random.default_rng(2).standard_normal((4, 7))
    a, eta = student_matrix(weights), 0.01
    g = empirical_gradient(mom, data.teacher_matrix, a)
    after = student_matrix(
        weight_descent(mom, data.teacher_matrix, weights, step_size=eta, n_steps=1)
    )
    np.testing.assert_allclose(
        after,
        matrix_descent(mom, data.teacher_matrix, a, step_size=eta, n_steps=1) + eta**2 * g @ a @ g,
        rtol=1e-12,
        atol=1e-13,
    )


def test_lemma_2_1_weights_and_matrix_flow_agree_to_order_step():
    # chapter 2's check: d = 5, m = 8, m* = 2, n = 40, up to t = 0.05
    data = make_data(5, 2, 40, seed=0)
    mom = data.moments
    weights = np.random.default_rng(0).standard_normal((5, 8))
    t_end, gaps = 0.05, []
    for step in (1e-4, 5e-5, 2.5e-5):
        n_steps = round(t_end / step)
        w_end = weight_descent(mom, data.teacher_matrix, weights, step_size=step, n_steps=n_steps)
        a_end = matrix_descent(
            mom, data.teacher_matrix, student_matrix(weights), step_size=step, n_steps=n_steps
        )
        gaps.append(np.max(np.abs(student_matrix(w_end) - a_end)))
    moved = np.max(np.abs(a_end - student_matrix(weights)))
    assert gaps[0] < 1e-3 * moved
    assert gaps[0] / gaps[1] == pytest.approx(2, rel=0.02)
    assert gaps[1] / gaps[2] == pytest.approx(2, rel=0.02)


def test_gd_recovery_above_and_below_the_threshold():
    # d = 4, m* = 1: n_c = 7 and p = d(d+1)/2 = 10
    runs = {}
    for n in (14, 5):
        data = make_data(4, 1, n, seed=0)
        runs[n] = gd_recovery(
            data.x,
            data.teacher_matrix,
            width=4,
            t_max=400.0,
            n_runs=3,
            seed=1,
            step_size=0.01,
            n_records=50,
        )
        run = runs[n]
        assert run.training_loss.shape == run.generalisation.shape == (3, len(run.t))
        np.testing.assert_array_equal(run.generalisation[:, 0], 1.0)
        residuals = np.einsum("ni,rij,nj->rn", data.x, run.matrices - data.teacher_matrix, data.x)
        np.testing.assert_allclose(
            run.training_loss[:, -1], 0.5 * np.mean(residuals**2, axis=1), rtol=1e-6, atol=1e-14
        )  # rounding floor of the moments form
        np.testing.assert_allclose(
            run.training_loss[:, -1],
            empirical_loss(data.moments, data.teacher_matrix, run.matrices),
            rtol=1e-6,
            atol=1e-14,
        )
        assert np.all(run.training_loss[:, -1] < 1e-4 * run.training_loss[:, 0])  # interpolates
    decade = np.searchsorted(runs[14].t, 40.0)
    # n = 14 > p: A* is the only interpolant, the generalisation error keeps falling
    assert np.all(runs[14].generalisation[:, -1] < 0.2 * runs[14].generalisation[:, decade])
    assert np.all(np.isfinite(runs[14].crossing_time(1e-2)))
    # n = 5 < n_c: zero training loss at another PSD matrix; the error plateaus
    assert np.all(runs[5].generalisation[:, -1] > 0.8 * runs[5].generalisation[:, decade])
    assert np.all(runs[5].generalisation[:, -1] > 1e-2)


def test_gd_recovery_on_a_stack_of_data_sets():
    stack = np.stack([make_data(3, 1, 9, seed=s).x for s in range(2)])
    teacher = make_data(3, 1, 9, seed=0).teacher_matrix
    run = gd_recovery(stack, teacher, width=3, t_max=1.0, step_size=0.01, n_records=10)
    assert run.generalisation.shape[0] == 2 and run.matrices.shape == (2, 3, 3)
    with pytest.raises(ValueError, match="one run each"):
        gd_recovery(stack, teacher, width=3, t_max=1.0, n_runs=5)


def test_crossing_time():
    run = RecoveryRun(
        t=np.array([0.0, 1.0, 2.0, 3.0]),
        training_loss=np.zeros((2, 4)),
        generalisation=np.array([[1.0, 0.5, 0.05, 0.01], [1.0, 0.9, 0.8, 0.7]]),
        matrices=np.zeros((2, 2, 2)),
    )
    np.testing.assert_array_equal(run.crossing_time(0.1), [2.0, np.inf])
    with pytest.raises(ValueError, match="threshold"):
        run.crossing_time(0.0)


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: teacher_matrix(3, 4, "orthonormal"), "m_star <= d"),
        (lambda: teacher_matrix(3, 1, "uniform"), "teacher must be one of"),
        (lambda: teacher_matrix(3, -1), "m_star must be >= 0"),
        (lambda: student_matrix(np.ones(3)), "shape"),
        (
            lambda: matrix_descent(
                make_data(3, 1, 5).moments, np.eye(3), np.eye(3), step_size=0.0, n_steps=1
            ),
            "step_size",
        ),
        (lambda: empirical_loss(make_data(3, 1, 5).moments, np.eye(3), np.eye(4)), "shape"),
    ],
)
def test_bad_input(call, message):
    with pytest.raises(ValueError, match=message):
        call()
