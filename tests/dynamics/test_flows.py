"""qlcore.dynamics.flows, qlcore.dynamics.lotka_volterra, the sarao-fig2/fig3/figb6 experiments and
the explorer: Sarao Mannelli et al. §5 and App. B.4."""

import json

import matplotlib
import matplotlib.image
import numpy as np
import pytest

from qlcore import cli
from qlcore.dynamics import flows, lotka_volterra
from qlcore.viz import dynamics_widgets

matplotlib.use("Agg")


def spectrum(rank, dim, value=1.0):
    return np.r_[np.full(rank, value), np.zeros(dim - rank)]


def random_psd(dim, rng):
    w = rng.standard_normal((dim, dim + 2))
    return w @ w.T / (dim + 2)


# --------------------------------------------------------------------------- loss and gradient (9)


def test_population_loss_is_half_the_mean_squared_quadratic_form():
    rng = np.random.default_rng(0)
    teacher, student = random_psd(4, rng), random_psd(4, rng)
    x = rng.standard_normal((400_000, 4))
    forms = np.einsum("ni,ij,nj->n", x, student - teacher, x)
    monte_carlo = 0.5 * np.mean(forms**2)
    error = 0.5 * np.std(forms**2) / np.sqrt(x.shape[0])
    assert abs(flows.population_loss(student, teacher) - monte_carlo) < 5 * error


def test_gradient_is_the_derivative_of_the_loss():
    rng = np.random.default_rng(1)
    teacher, student = random_psd(5, rng), random_psd(5, rng)
    direction = random_psd(5, rng) - random_psd(5, rng)
    eps = 1e-6
    numeric = (
        flows.population_loss(student + eps * direction, teacher)
        - flows.population_loss(student - eps * direction, teacher)
    ) / (2 * eps)
    analytic = np.sum(flows.population_gradient(student, teacher) * direction)
    assert numeric == pytest.approx(analytic, rel=1e-7)


def test_empirical_operator_gives_the_per_sample_gradient_and_loss():
    rng = np.random.default_rng(2)
    dim = 4
    teacher, student = random_psd(dim, rng), random_psd(dim, rng)
    x = rng.standard_normal((30, dim))
    residual = np.einsum("ni,ij,nj->n", x, student - teacher, x)
    per_sample = np.einsum("n,ni,nj->ij", residual, x, x) / x.shape[0]
    operator = flows.empirical_operator(x, teacher)
    deviation = (student - teacher).ravel()
    np.testing.assert_allclose(
        (operator @ deviation).reshape(dim, dim), per_sample, rtol=1e-10, atol=1e-12
    )
    assert 0.5 * deviation @ operator @ deviation == pytest.approx(
        0.5 * np.mean(residual**2), rel=1e-10
    )


def test_population_operator_is_the_large_sample_limit():
    rng = np.random.default_rng(3)
    x = rng.standard_normal((200_000, 3))
    empirical = flows.empirical_operator(x, np.eye(3))
    assert np.abs(empirical - flows.population_operator(3)).max() < 0.1  # entries up to 3


# --------------------------------------------------------------------------- Theorem 5.2


@pytest.mark.parametrize("width", [2, 9])  # rank-deficient and full-rank teacher
def test_matrix_flow_stays_diagonal_in_the_teacher_basis_and_matches_eq_20(width):
    teacher = flows.gaussian_teacher(6, width, np.random.default_rng(width))
    t = np.linspace(0, 4, 41)
    matrices = flows.matrix_flow(teacher.matrix, t)
    rotated = np.einsum("ia,kij,jb->kab", teacher.eigenvectors, matrices, teacher.eigenvectors)
    diagonal = np.einsum("kii->ki", rotated)
    assert np.abs(rotated - diagonal[:, :, None] * np.eye(6)).max() < 1e-9
    flow = flows.eigenvalue_flow(teacher.eigenvalues, t)
    np.testing.assert_allclose(diagonal, flow.eigenvalues, rtol=1e-7, atol=1e-9)
    losses = [flows.population_loss(a, teacher.matrix) for a in matrices]
    np.testing.assert_allclose(losses, flow.loss, rtol=1e-6)


def test_eigenvalue_flow_matches_the_closed_forms():
    dim, t = 20, np.linspace(0, 2, 60)
    logistic = flows.eigenvalue_flow(np.full(dim, 0.3), t).eigenvalues[:, 0]
    expected = 0.3 / (1 + (0.3 - 1) * np.exp(-2 * (dim + 2) * 0.3 * t))
    np.testing.assert_allclose(logistic, expected, rtol=1e-8)
    zero_teacher = flows.eigenvalue_flow(np.zeros(dim), t).eigenvalues[:, 0]
    np.testing.assert_allclose(zero_teacher, 1 / (1 + 2 * (dim + 2) * t), rtol=1e-8)


def test_eigenvalue_flow_from_a_diagonal_start_matches_the_matrix_flow():
    teacher = flows.gaussian_teacher(5, 2, np.random.default_rng(4))
    initial = np.array([0.5, 2.0, 1.0, 0.2, 3.0])
    t = np.linspace(0, 2, 21)
    start = teacher.eigenvectors @ np.diag(initial) @ teacher.eigenvectors.T
    matrices = flows.matrix_flow(teacher.matrix, t, initial=start)
    flow = flows.eigenvalue_flow(teacher.eigenvalues, t, initial=initial)
    np.testing.assert_allclose(
        np.einsum("ia,kij,ja->ka", teacher.eigenvectors, matrices, teacher.eigenvectors),
        flow.eigenvalues,
        rtol=1e-7,
        atol=1e-9,
    )


# --------------------------------------------------------------------------- rates (24)-(28)


@pytest.mark.parametrize(
    "dim, rank, kind",
    [
        (10, 1, "gaussian"),
        (20, 10, "gaussian"),
        (50, 3, "uniform"),
        (200, 2, "flat"),
        (8, 0, "flat"),
    ],
)
def test_t2_constant_is_the_limit_with_an_order_one_over_t_correction(dim, rank, kind):
    rng = np.random.default_rng(dim + rank)
    values = {
        "gaussian": lambda: flows.gaussian_teacher(dim, rank, rng).eigenvalues,
        "uniform": lambda: np.r_[rng.uniform(0.5, 2, rank), np.zeros(dim - rank)],
        "flat": lambda: spectrum(rank, dim),
    }[kind]()
    t = np.array([0, 1e3, 1e4])
    ratio = t[1:] ** 2 * flows.population_loss_curve(values, t)[1:] / flows.t2_constant(dim, rank)
    # a relative O(1/t) correction shrinks 10-fold per decade; a wrong constant would not shrink
    assert abs(ratio[1] - 1) <= abs(ratio[0] - 1) / 5


def test_exponential_rate_is_the_linearisation():
    values = flows.gaussian_teacher(10, 20, np.random.default_rng(5)).eigenvalues
    kappa = flows.linearised_rate(values)
    t = np.linspace(0, 80 / kappa, 4001)
    loss = flows.population_loss_curve(values, t)
    deviation = []
    for level in (1e-10, 1e-30):
        k = int(np.argmax(loss < level))
        local_rate = -np.log(loss[k + 1] / loss[k - 1]) / (t[k + 1] - t[k - 1])
        deviation.append(abs(local_rate / (2 * kappa) - 1))
    # linear regime: the deviation shrinks like exp(-(kappa_2 - kappa_min) t) down to the solver's
    # resolution; 2 kappa of a neighbouring mode would leave it of order one
    assert deviation[1] < 1e-6 or deviation[1] <= deviation[0] / 2


def test_equal_teacher_eigenvalues_are_one_mode():
    assert flows.linearised_rate(np.full(7, 0.5)) == pytest.approx(2 * 9 * 0.5)  # logistic
    # two distinct values have the slow mode (1, -1, 0) of rate 4 min(lambda*); equal values,
    # which stay equal from A(0) = I, do not
    assert flows.linearised_rate([0.5, 0.5 + 1e-9, 1.0]) == pytest.approx(2.0, rel=1e-6)
    assert flows.linearised_rate([0.5, 0.5, 1.0]) > 2.5


@pytest.mark.parametrize("rank", [1, 3])
def test_early_decay_error_shrinks_like_one_over_d(rank):
    errors = []
    for dim in (250, 500, 1000, 2000):
        t = np.linspace(0, 10 / dim, 50)
        flow = flows.eigenvalue_flow(spectrum(rank, dim), t)
        early = flows.early_decay(dim, rank, t)
        errors.append(np.abs(flow.eigenvalues / early[:, None] - 1).max() * dim)
    # error = c/d + O(1/d^2): error * d converges, its change shrinks at every doubling of d
    changes = np.abs(np.diff(errors))
    assert np.all(np.diff(changes) < 0)


# --------------------------------------------------------------------------- Theorem 5.1


def test_bound_18_holds_along_the_eigenvalue_flow_and_t_e_goes_to_zero():
    for values in (
        spectrum(2, 12, 1.5),
        flows.gaussian_teacher(6, 12, np.random.default_rng(6)).eigenvalues,
    ):
        t = np.r_[0, np.geomspace(1e-4, 1e3, 3000)]
        flow = flows.eigenvalue_flow(values, t)
        keep = flow.loss > 1e-40  # below, the absolute tolerance 1e-30 dominates
        bound = flows.rate_bound(t[keep], flow.loss[keep], flow.k[keep])
        assert bound.holds()
        # K and t E fall like 1/t (or faster): at least 5-fold over the last decade
        t_loss, k, kept = t[keep] * flow.loss[keep], flow.k[keep], t[keep]
        decade = int(np.argmin(np.abs(kept - kept[-1] / 10)))
        assert k[-1] <= k[decade] / 5 and t_loss[-1] <= t_loss[decade] / 5


def test_bound_18_holds_for_a_random_non_commuting_start():
    rng = np.random.default_rng(7)
    teacher = flows.gaussian_teacher(4, 2, rng).matrix
    t = np.r_[0, np.geomspace(1e-3, 50, 300)]
    matrices = flows.matrix_flow(teacher, t, initial=random_psd(4, rng))
    loss = np.array([flows.population_loss(a, teacher) for a in matrices])
    bound = flows.rate_bound(t, loss, flows.k_function(matrices, teacher))
    assert bound.holds()


def test_key_inequality_of_the_proof():
    # E(A)^2 <= tr(G A G) K(A) (eqs. A.40-A.42, reconstructed), for random positive definite A
    rng = np.random.default_rng(8)
    for _ in range(50):
        teacher, student = flows.gaussian_teacher(5, 2, rng).matrix, random_psd(5, rng)
        gradient = flows.population_gradient(student, teacher)
        k = flows.k_function(student[None], teacher)[0]
        assert flows.population_loss(student, teacher) ** 2 <= (
            np.trace(gradient @ student @ gradient) * k * (1 + 1e-12)
        )


def test_rate_bound_detects_a_violation():
    t = np.linspace(0, 1, 5)
    bound = flows.rate_bound(t, np.ones(5), np.ones(5))  # a loss that does not decay
    assert not bound.holds()


# --------------------------------------------------------------------------- Lotka-Volterra


def test_lotka_volterra_is_the_eigenvalue_flow_of_an_orthonormal_teacher():
    system = lotka_volterra.OrthogonalTeacherFlow(dim=40, rank=3, eigenvalue=0.7)
    t = np.r_[0, np.geomspace(1e-3, 1e3, 200)]
    path = system.solve(t)
    flow = flows.eigenvalue_flow(spectrum(3, 40, 0.7), t)
    np.testing.assert_allclose(path.lam, flow.eigenvalues[:, 0], rtol=1e-7)
    np.testing.assert_allclose(path.mu, flow.eigenvalues[:, -1], rtol=1e-7)
    np.testing.assert_allclose(path.loss, flow.loss, rtol=1e-6)


def test_fixed_points_and_their_stability():
    system = lotka_volterra.OrthogonalTeacherFlow(dim=10, rank=2, eigenvalue=1.0)
    points = system.fixed_points()
    assert [(p.lam, p.mu) for p in points] == [(0, 0), (0, pytest.approx(0.2)), (1, 0)]
    for point in points:
        assert np.abs(system.rhs(point.lam, point.mu)).max() < 1e-14
    assert [p.kind.split(",")[0] for p in points] == ["unstable node", "saddle", "stable"]
    assert points[2].jacobian_eigenvalues == (-8.0, 0.0)  # not hyperbolic


def test_jacobian_matches_finite_differences():
    system = lotka_volterra.OrthogonalTeacherFlow(dim=12, rank=3, eigenvalue=0.8)
    point, eps = np.array([0.4, 0.3]), 1e-7
    numeric = np.column_stack(
        [
            (np.array(system.rhs(*(point + eps * e))) - np.array(system.rhs(*(point - eps * e))))
            / (2 * eps)
            for e in np.eye(2)
        ]
    )
    np.testing.assert_allclose(system.jacobian(*point), numeric, rtol=1e-6)


def test_centre_manifold_gives_mu_of_order_one_over_t():
    system = lotka_volterra.OrthogonalTeacherFlow(dim=100, rank=2)
    t = np.array([0, 1e4, 1e5])
    mu = system.solve(t).mu
    deviation = np.abs(mu[1:] * system.centre_manifold_coefficient() * t[1:] - 1)
    assert deviation[1] <= deviation[0] / 5  # a relative O(1/t) correction: 10-fold per decade


def test_escape_time_grows_like_log_d_over_four_lambda():
    for eigenvalue in (1.0, 0.5):
        times = [
            lotka_volterra.OrthogonalTeacherFlow(d, 1, eigenvalue).regime_times().t_half
            for d in (4000, 8000, 16000)
        ]
        slopes = np.diff(times) / np.log(2)
        # ours, 1/(4 lambda*), against the reconstructed (B.6), 1/(2 (m* + 2) lambda*)
        assert np.all(np.abs(slopes - 1 / (4 * eigenvalue)) < np.abs(slopes - 1 / (6 * eigenvalue)))


def test_regime_approximations_come_early_and_b3_is_low_by_the_predicted_factor():
    system = lotka_volterra.OrthogonalTeacherFlow(dim=1000, rank=1)
    times = system.regime_times()
    assert times.t_min > system.t1_b4()  # (B.4) is early
    assert times.t_half > system.t_half_b6(rate=4.0) > system.t_half_b6()  # (B.6) is earlier
    late = np.array([1e4, 1e5])
    ratio = system.mu_b3(late) / system.solve(np.r_[0, late]).mu[1:]
    deviation = np.abs(ratio / (2 * 1002 / (3 * 1001)) - 1)  # (B.3) is low by 2(d+2)/(3(d+1))
    assert deviation[1] <= deviation[0] / 5  # ... up to a relative O(1/t)


# --------------------------------------------------------------------------- GD on the weights


def test_population_gd_on_weights_converges_to_the_ode_at_first_order():
    teacher = flows.gaussian_teacher(6, 2, np.random.default_rng(9))
    errors = []
    for step in (0.004, 0.002):
        run = flows.train_student_weights(
            teacher.matrix, width=8, step_size=step, t_max=2.0, n_records=20
        )
        ode = flows.population_loss_curve(teacher.eigenvalues, run.t)
        errors.append(np.abs(run.population_loss[0] / ode - 1).max())
    # first order: the ratio is 2 (1 + O(eta kappa)), kappa ~ 2(d + 2) the fastest rate at A(0) = I
    assert errors[0] / errors[1] == pytest.approx(2, rel=0.004 * 2 * (6 + 2))


def test_empirical_gd_approaches_the_population_flow_as_n_grows():
    rng = np.random.default_rng(10)
    teacher = flows.gaussian_teacher(4, 1, rng)
    inputs = [rng.standard_normal((n, 4)) for n in (100, 10_000)]
    run = flows.train_student_weights(
        teacher.matrix, width=4, step_size=0.004, t_max=2.0, inputs=inputs, n_records=20
    )
    ode = flows.population_loss_curve(teacher.eigenvalues, run.t)
    deviation = np.abs(run.population_loss / ode - 1).max(axis=1)
    assert deviation[1] < 0.05 < deviation[0]
    assert np.all(np.diff(run.training_loss, axis=1) <= 0)  # GD decreases E_n


def test_gaussian_initialisation_is_close_to_identity_for_wide_students():
    teacher = flows.gaussian_teacher(5, 2, np.random.default_rng(11)).matrix
    narrow, wide = (
        flows.train_student_weights(
            teacher, width=m, step_size=0.01, t_max=0.01, init="gaussian", n_runs=20, n_records=2
        )
        for m in (5, 500)
    )
    exact = flows.population_loss(np.eye(5), teacher)
    spread = [np.abs(r.population_loss[:, 0] / exact - 1).mean() for r in (narrow, wide)]
    assert spread[1] < spread[0] / 4


def test_too_large_a_step_is_reported():
    teacher = np.diag([1.0, 0, 0])
    with pytest.raises(ValueError, match="step_size"):
        flows.train_student_weights(teacher, width=3, step_size=1.0, t_max=200.0)


# --------------------------------------------------------------------------- teachers and checks


def test_teachers_have_exact_spectra():
    rng = np.random.default_rng(12)
    for teacher in (
        flows.gaussian_teacher(6, 2, rng),
        flows.gaussian_teacher(4, 9, rng),
        flows.orthonormal_teacher(6, 3, rng, eigenvalue=2.0),
    ):
        vectors, values = teacher.eigenvectors, teacher.eigenvalues
        np.testing.assert_allclose(
            vectors @ np.diag(values) @ vectors.T, teacher.matrix, atol=1e-12
        )
        np.testing.assert_allclose(vectors.T @ vectors, np.eye(len(values)), atol=1e-12)
    assert np.count_nonzero(flows.gaussian_teacher(6, 2, rng).eigenvalues) == 2


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: flows.eigenvalue_flow([1.0, -0.1], [0, 1]), "teacher_eigenvalues"),
        (lambda: flows.eigenvalue_flow([1.0, 0.0], [0, 2, 1]), "strictly increasing"),
        (lambda: flows.eigenvalue_flow([1.0, 0.0], [0, 1], initial=[1.0, 0.0]), "initial"),
        (lambda: flows.t2_constant(5, 5), "teacher_rank"),
        (lambda: flows.linearised_rate([1.0, 0.0]), "full-rank"),
        (lambda: flows.initial_weights(4, 3, "identity", np.random.default_rng()), "width"),
        (lambda: flows.initial_weights(4, 3, "uniform", np.random.default_rng()), "init"),
        (lambda: flows.matrix_flow(np.eye(2), [0, 1], initial=-np.eye(2)), "positive definite"),
        (lambda: lotka_volterra.OrthogonalTeacherFlow(dim=3, rank=3), "rank"),
        (
            lambda: dynamics_widgets.explorer_frame(5, "d/3", dynamics_widgets.SPECTRA[0]),
            "width_label",
        ),
    ],
)
def test_bad_input_is_named(call, message):
    with pytest.raises(ValueError, match=message):
        call()


# --------------------------------------------------------------------------- experiments, CLI


@pytest.mark.parametrize(
    "figure_id",
    [
        "sarao-fig2",
        pytest.param("sarao-fig3", marks=pytest.mark.slow),
        pytest.param("sarao-figb6", marks=pytest.mark.slow),
    ],
)
def test_cli_reproduces_quick(figure_id, tmp_path):
    assert cli.main(["reproduce", figure_id, "--scale", "quick", "--out", str(tmp_path)]) == 0
    result = json.loads((tmp_path / f"{figure_id}.json").read_text())
    assert result["figure"] == figure_id and result["scale"] == "quick"
    image = matplotlib.image.imread(tmp_path / f"{figure_id}.png")
    assert min(image.shape[:2]) > 200 and image[..., :3].std() > 0.05  # a drawn figure


def test_fig2_result_has_the_four_regimes():
    from qlcore.experiments import sarao_fig2

    result = sarao_fig2.run("quick", 0)
    kinds = [{"t2_constant" in c for c in panel["curves"]} for panel in result["panels"]]
    assert kinds == [{True}, {True}, {False}, {False}]  # t^-2 twice, exponential twice


def test_figb6_finds_the_three_fixed_points():
    from qlcore.experiments.registry import figure_module

    result = figure_module("sarao-figb6").run("quick", 0)
    kinds = [p["kind"].split(",")[0] for p in result["portrait"]["fixed_points"]]
    assert kinds == ["unstable node", "saddle", "stable"]
