"""qlcore.samples.strings: the string method of Sarao Mannelli et al. §6 on cases with known
answers."""

import numpy as np
import pytest
from scipy.integrate import solve_ivp

from qlcore.samples import strings, teacher_student

N_IMAGES = 30


def converged_string(dim, m_star, n, seed, iterations=6000):
    data = teacher_student.make_data(dim, m_star, n, seed=seed)
    path = strings.string_method(
        data.moments, data.teacher_matrix, np.eye(dim), n_images=N_IMAGES, max_iterations=iterations
    )
    return data, path, strings.loss_profile(data.moments, data.teacher_matrix, path.images)


@pytest.fixture(scope="module")
def zero_teacher():
    """m* = 0, n = 2 < d = 4: the zero-loss set is every PSD matrix supported on x^perp."""
    return converged_string(4, 0, 2, seed=1)


@pytest.fixture(scope="module")
def few_samples():
    """m* = 1, n = d = 4 < n_c = 7: a zero-loss set larger than {A*}."""
    return converged_string(4, 1, 4, seed=0)


@pytest.fixture(scope="module")
def many_samples():
    """m* = 1, n = 20 >= d(d+1)/2 = 10: the measurements are injective, the zero set is {A*}."""
    return converged_string(4, 1, 20, seed=0)


def distance_to_polyline(points, vertices):
    """Frobenius distance from each point to the polygon through ``vertices``."""
    points, vertices = points.reshape(len(points), -1), vertices.reshape(len(vertices), -1)
    starts, edges = vertices[:-1], np.diff(vertices, axis=0)
    offsets = points[:, None] - starts[None]
    where = np.clip(np.sum(offsets * edges, axis=2) / np.sum(edges**2, axis=1), 0, 1)
    return np.linalg.norm(offsets - where[..., None] * edges, axis=2).min(axis=1)


def gradient_flow(data, t_max, n_times=3000):
    """The flow of eq. 5 from A(0) = I, ``dA/dt = -(G A + A G)``, integrated accurately (LSODA)
    and recorded at log-spaced times up to ``t_max``."""
    dim = data.x.shape[1]

    def velocity(_, flat):
        matrix = flat.reshape(dim, dim)
        gradient = teacher_student.empirical_gradient(data.moments, data.teacher_matrix, matrix)
        return -(gradient @ matrix + matrix @ gradient).ravel()

    times = np.concatenate([[0.0], np.geomspace(1e-5, t_max, n_times)])
    solution = solve_ivp(
        velocity,
        (0.0, t_max),
        np.eye(dim).ravel(),
        method="LSODA",
        t_eval=times,
        rtol=1e-10,
        atol=1e-13,
    )
    assert solution.success
    return solution.y.T.reshape(-1, dim, dim)


# --------------------------------------------------------------------------- building blocks


def test_straight_string_is_equidistant_and_psd():
    start, end = np.eye(3), np.diag([4.0, 0.0, 0.0])
    images = strings.straight_string(start, end, 7)
    assert np.array_equal(images[0], start) and np.array_equal(images[-1], end)
    assert np.allclose(np.diff(strings.arc_length(images)), np.linalg.norm(end - start) / 6)
    assert np.linalg.eigvalsh(images).min() >= 0


def test_reparametrise_puts_images_at_equal_arc_length_on_the_old_polygon():
    # polygon A -> B -> C with |AB| = 1 and |BC| = 3 (Frobenius), images bunched near A
    a, b, c = np.zeros((2, 2)), np.diag([1.0, 0.0]), np.diag([1.0, 3.0])
    old = np.array([a, 0.1 * b, 0.2 * b, b, c])
    new = strings.reparametrise(old)
    expected = [a, b, b + (c - b) / 3, b + 2 * (c - b) / 3, c]  # arc lengths 0, 1, 2, 3, 4
    assert np.allclose(new, expected, atol=1e-15)
    assert np.allclose(strings.reparametrise(new), new, atol=1e-15)  # already equidistant
    finer = strings.resample(old, 9)
    assert np.allclose(np.diff(strings.arc_length(finer)), 0.5)


def test_operator_norm_is_the_largest_gram_eigenvalue():
    data = teacher_student.make_data(5, 1, 9, seed=3)
    gram = (data.x @ data.x.T) ** 2 / 9
    assert strings.operator_norm(data.moments) == pytest.approx(
        np.linalg.eigvalsh(gram)[-1], rel=1e-12
    )


def test_descent_step_is_euler_on_eq5_plus_a_second_order_term_and_keeps_psd():
    data = teacher_student.make_data(4, 2, 6, seed=2)
    images = strings.straight_string(np.eye(4), data.teacher_matrix, 5)
    step = 0.01
    moved = strings.descent_step(data.moments, data.teacher_matrix, images, step)
    euler = teacher_student.matrix_descent(
        data.moments, data.teacher_matrix, images, step_size=step, n_steps=1
    )
    gradient = teacher_student.empirical_gradient(data.moments, data.teacher_matrix, images)
    assert np.allclose(moved, euler + step**2 * gradient @ images @ gradient, atol=1e-13)
    # a step far beyond stability still gives PSD images (a congruence), unlike the Euler step
    huge = strings.descent_step(data.moments, data.teacher_matrix, images, 10.0)
    assert np.linalg.eigvalsh(huge).min() >= -1e-9 * np.abs(huge).max()


def test_step_sizes_respect_stability_and_move_images_at_most_max_shift_spacings():
    data = teacher_student.make_data(4, 1, 6, seed=4)
    images = strings.straight_string(np.eye(4), data.teacher_matrix, 12)
    steps = strings.step_sizes(
        data.moments, data.teacher_matrix, images, step_fraction=0.5, max_shift=0.3
    )
    norm = strings.operator_norm(data.moments)
    sizes = np.linalg.norm(images.reshape(12, -1), axis=1)
    assert np.all(steps <= 0.5 / (norm * sizes) * (1 + 1e-12))
    gradient = teacher_student.empirical_gradient(data.moments, data.teacher_matrix, images)
    speed = np.linalg.norm((gradient @ images + images @ gradient).reshape(12, -1), axis=1)
    spacing = np.linalg.norm(data.teacher_matrix - np.eye(4)) / 11
    assert np.all(steps * speed <= 0.3 * spacing * (1 + 1e-12))
    assert np.any(np.isclose(steps * speed, 0.3 * spacing))  # the shift bound is active


# --------------------------------------------------------------------------- known answers


@pytest.mark.parametrize("name", ["zero_teacher", "few_samples", "many_samples"])
def test_end_points_stay_images_psd_and_equidistant(name, request):
    data, path, profile = request.getfixturevalue(name)
    assert np.array_equal(path.images[0], np.eye(4))
    assert np.array_equal(path.images[-1], data.teacher_matrix)
    assert np.linalg.eigvalsh(path.images).min() >= -1e-12
    # equal arc length along the polygon they were interpolated from; the new polygon's chords
    # are shorter where the path bends (linear interpolation cuts corners, O(h^2 curvature^2))
    spacing = np.diff(profile.arc_length) / (profile.arc_length[-1] / (N_IMAGES - 1))
    assert np.all(np.abs(spacing - 1) < 0.02)
    # a minimum-energy path from A(0) down to the teacher: E_n never goes up along it (up to the
    # level, ~1e-12 of E_n(A(0)) here, that the flat stretch has converged to)
    assert np.all(np.diff(profile.training) <= 1e-9 * profile.training[0])


def test_zero_teacher_flat_stretch_is_the_segment_from_the_projection_to_zero(zero_teacher):
    # A* = 0 and n < d: gradient descent from I ends at P, the projection onto x^perp (the part
    # of A on span(x) decays, the rest never moves), then the string runs along t P to 0.
    data, path, profile = zero_teacher
    basis = np.linalg.svd(data.x)[2][data.x.shape[0] :]
    projection = basis.T @ basis
    length, spacing = strings.zero_loss_stretch(profile), profile.arc_length[1]
    assert np.sqrt(2) - 1.5 * spacing < length <= np.sqrt(2) + 1e-3
    flat = strings.ray_curvature(profile) <= 1e-4
    coefficient = np.einsum("kij,ij->k", path.images[flat], projection) / 2  # <A, P> / |P|^2
    assert np.allclose(path.images[flat], coefficient[:, None, None] * projection, atol=5e-3)


def test_below_threshold_flat_stretch_joins_the_gradient_descent_limit_to_the_teacher(few_samples):
    data, path, profile = few_samples
    limit = gradient_flow(data, 1e4, n_times=2)[-1]
    assert teacher_student.empirical_loss(data.moments, data.teacher_matrix, limit) < 1e-12
    gap = np.linalg.norm(limit - data.teacher_matrix)
    assert gap > 0.5  # a zero-loss matrix far from A*
    # the zero-loss set is convex: the stretch is (close to) the segment from the limit to A*
    assert gap - 1.5 * profile.arc_length[1] < strings.zero_loss_stretch(profile) < 1.05 * gap


def test_well_above_threshold_the_string_is_the_descent_path_with_no_flat_stretch(many_samples):
    data, path, profile = many_samples
    assert strings.zero_loss_stretch(profile) == 0.0
    assert strings.ray_curvature(profile)[1:-1].min() > 1e-2  # A* is a sharp minimum
    # the string is the gradient-descent trajectory from I to A*, parametrised by arc length
    trajectory = gradient_flow(data, 1e4)
    gaps = distance_to_polyline(path.images, trajectory)
    assert gaps.max() < 0.01 * profile.arc_length[-1]


def test_population_loss_is_recorded_and_positive_off_the_teacher(many_samples):
    _, _, profile = many_samples
    assert profile.population[-1] == 0 and np.all(profile.population[:-1] > 0)


# --------------------------------------------------------------------------- input checks


def test_bad_inputs_are_rejected_with_the_argument_named():
    data = teacher_student.make_data(3, 1, 5, seed=0)
    with pytest.raises(ValueError, match="start must be positive semidefinite"):
        strings.string_method(data.moments, data.teacher_matrix, -np.eye(3))
    with pytest.raises(ValueError, match="n_images must be >= 3"):
        strings.string_method(data.moments, data.teacher_matrix, np.eye(3), n_images=2)
    with pytest.raises(ValueError, match="step_fraction"):
        strings.string_method(data.moments, data.teacher_matrix, np.eye(3), step_fraction=2)
    with pytest.raises(ValueError, match="initial\\[0\\] = start"):
        strings.string_method(
            data.moments,
            data.teacher_matrix,
            np.eye(3),
            initial=strings.straight_string(2 * np.eye(3), data.teacher_matrix, 5),
        )
    with pytest.raises(ValueError, match="images must be 3 x 3"):
        strings.descent_step(data.moments, data.teacher_matrix, np.zeros((4, 2, 2)), 0.1)
    with pytest.raises(ValueError, match="images must be a stack"):
        strings.arc_length(np.eye(3))
    profile = strings.loss_profile(
        data.moments,
        data.teacher_matrix,
        strings.straight_string(np.eye(3), data.teacher_matrix, 4),
    )
    with pytest.raises(ValueError, match="zero_tol must be in"):
        strings.zero_loss_stretch(profile, zero_tol=0)
    flat_start = strings.loss_profile(
        data.moments, data.teacher_matrix, np.array([data.teacher_matrix] * 3)
    )
    with pytest.raises(ValueError, match="positive loss"):
        strings.ray_curvature(flat_start)
