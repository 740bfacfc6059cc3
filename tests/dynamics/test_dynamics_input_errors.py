"""Bad input to qlcore.dynamics: a named InputError, never a NumPy, SciPy or solver error."""

import numpy as np
import pytest

from qlcore.dynamics import flows, lotka_volterra
from qlcore.infra.checks import InputError, TooLargeError

TEACHER = np.array([[1.0, 0.2], [0.2, 0.5]])
T = np.array([0.0, 0.1, 1.0])


def test_k_function_rejects_singular_and_non_symmetric_matrices():
    singular = np.stack([np.eye(2), np.ones((2, 2))])
    with pytest.raises(InputError, match=r"^matrices\[1\] must be positive definite"):
        flows.k_function(singular, TEACHER)
    with pytest.raises(InputError, match="^matrices must be symmetric"):
        flows.k_function(np.array([[[1.0, 0.5], [0.0, 1.0]]]), TEACHER)
    with pytest.raises(InputError, match="^matrices"):  # one matrix, not a stack
        flows.k_function(np.eye(2), TEACHER)
    assert flows.k_function(np.stack([TEACHER]), TEACHER) == pytest.approx([0.0])


@pytest.mark.parametrize(
    "kwargs, name",
    [
        ({"t_max": float("inf")}, "t_max"),
        ({"t_max": "1.0"}, "t_max"),
        ({"step_size": "0.1"}, "step_size"),
        ({"step_size": 0.0}, "step_size"),
        ({"n_records": -1}, "n_records"),
        ({"n_records": 2.5}, "n_records"),
        ({"seed": -1}, "seed"),
        ({"seed": "0"}, "seed"),
        ({"init": "uniform"}, "init"),
        ({"inputs": []}, "inputs"),
        ({"inputs": "x"}, "inputs"),
        ({"inputs": [np.ones(5)]}, "inputs"),  # one sample, 1-D: needs (n, d)
        ({"inputs": [np.ones((5, 3))]}, "inputs"),  # d = 3 for a 2 x 2 teacher
        ({"n_runs": 0}, "n_runs"),
    ],
)
def test_gradient_descent_names_its_bad_arguments(kwargs, name):
    arguments = {"width": 2, "step_size": 0.1, "t_max": 1.0, **kwargs}
    with pytest.raises(InputError, match=f"^{name}"):
        flows.train_student_weights(TEACHER, **arguments)


def test_gradient_descent_beyond_the_budget_is_refused_before_it_starts():
    with pytest.raises(TooLargeError, match="^t_max"):  # 1e300 steps
        flows.train_student_weights(TEACHER, width=2, step_size=1e-300, t_max=1.0)
    with pytest.raises(TooLargeError, match="^n_records"):
        flows.train_student_weights(TEACHER, width=2, step_size=0.1, t_max=1.0, n_records=10**12)
    with pytest.raises(TooLargeError, match="^dim"):
        flows.population_operator(10**4)  # 32 d^4 bytes = 320 TB


def test_numpy_integers_are_accepted():
    run = flows.train_student_weights(
        TEACHER,
        width=np.int64(2),
        step_size=0.1,
        t_max=1.0,
        n_records=np.int32(3),
        seed=np.int64(1),
    )
    assert run.population_loss.shape == (1, len(run.t))
    flow = lotka_volterra.OrthogonalTeacherFlow(np.int64(6), np.int32(1))
    assert type(flow.dim) is int and type(flow.eigenvalue) is float


@pytest.mark.parametrize("rng", [None, 0, np.random.RandomState(0)])
def test_generators_are_required_where_a_generator_is_expected(rng):
    for call in (
        lambda: flows.gaussian_teacher(3, 2, rng),
        lambda: flows.orthonormal_teacher(3, 2, rng),
        lambda: flows.initial_weights(3, 3, "gaussian", rng),
    ):
        with pytest.raises(InputError, match=r"^rng .*np\.random\.default_rng\(seed\)"):
            call()


@pytest.mark.parametrize(
    "call, name",
    [
        (lambda: flows.population_loss([[1.0, 0.0], [0.0]], TEACHER), "matrix"),
        (lambda: flows.population_loss(np.ones(2), TEACHER), "matrix"),
        (lambda: flows.eigenvalue_loss("1", [1.0]), "eigenvalues"),
        (lambda: flows.eigenvalue_loss([1.0, 2.0, 3.0], [1.0]), "eigenvalues"),
        (lambda: flows.eigenvalue_flow([1e300, 0.0], T), "teacher_eigenvalues"),
        (lambda: flows.eigenvalue_flow([1.0, 0.0], T, initial=[1e300, 1.0]), "initial"),
        (lambda: flows.matrix_flow(1e300 * np.eye(2), T), "teacher"),
        (lambda: flows.eigenvalue_flow([1.0, 0.0], [0.0, 1e300]), "t"),  # LSODA fails
        (lambda: flows.linearised_rate([1.0, None]), "teacher_eigenvalues"),
        (lambda: flows.exponential_reference(T, T, "1"), "rate"),
        (lambda: flows.early_decay(4, 1, -1.0), "t"),
        (lambda: flows.rate_bound(T, [1.0, -0.5, 0.1], [1.0, 1.0, 1.0]), "loss"),
        (lambda: flows.integrate(None, [1.0], T), "rhs"),
        (lambda: flows.integrate(lambda t, y: -y, [1.0], T, events="stop"), "events"),
        (lambda: flows.orthonormal_teacher(3, 2, np.random.default_rng(0), "1.0"), "eigenvalue"),
        (lambda: flows.empirical_operator(np.ones(2), TEACHER), "x"),
        (lambda: flows.empirical_operator(1e300 * np.ones((3, 2)), TEACHER), "x"),
        (lambda: flows.check_scale([1.0], None), "name"),
        (lambda: lotka_volterra.OrthogonalTeacherFlow(5, 1, "1"), "eigenvalue"),
        (lambda: lotka_volterra.OrthogonalTeacherFlow(5, 1, 1e300), "eigenvalue"),
        (lambda: lotka_volterra.OrthogonalTeacherFlow(5, "1"), "rank"),
        (lambda: lotka_volterra.OrthogonalTeacherFlow(5, 1).solve(T, (1.0,)), "initial"),
        (lambda: lotka_volterra.OrthogonalTeacherFlow(5, 1).rhs([1.0, 2.0], [1.0, 2, 3]), "mu"),
        (lambda: lotka_volterra.OrthogonalTeacherFlow(5, 1).jacobian("1", 0.0), "lam"),
        (lambda: lotka_volterra.OrthogonalTeacherFlow(5, 1).lam_b5(1.0, rate=-1), "rate"),
        (lambda: lotka_volterra.OrthogonalTeacherFlow(5, 1).mu_b3(None), "t"),
    ],
)
def test_bad_arguments_are_named(call, name):
    with pytest.raises(InputError, match=f"^{name}"):
        call()


def test_a_stalling_solver_is_stopped(monkeypatch):
    monkeypatch.setattr(flows, "MAX_EVALUATIONS", 500)
    with pytest.raises(InputError, match="^t: the ODE solver took more than 500 steps"):
        lotka_volterra.OrthogonalTeacherFlow(4, 1).solve([0.0, 1e6])


def test_huge_states_give_infinities_not_nan():
    flow = lotka_volterra.OrthogonalTeacherFlow(4, 1)
    dlam, dmu = flow.rhs(1e100, -1e100)
    assert np.isfinite(dlam) and np.isfinite(dmu)
    with pytest.raises(InputError, match="^matrix has entries larger than 1e\\+50"):
        flows.population_loss(1e300 * np.eye(2), TEACHER)


def test_too_many_runs_are_refused_by_their_memory():
    with pytest.raises(TooLargeError, match="^n_runs"):
        flows.train_student_weights(TEACHER, width=2, step_size=0.1, t_max=1.0, n_runs=10**12)
    with pytest.raises(TooLargeError, match="^width"):
        flows.initial_weights(10**6, 10**7, "gaussian", np.random.default_rng(0))
