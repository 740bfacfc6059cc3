"""qlcore.model.landscape: exact derivatives of eq. 3.2 and the classification of points."""

import numpy as np
import pytest

from qlcore.model import convex, data, landscape, networks

D, K, N = 3, 2, 20


def numpy_objective(theta, x, y, dim, width, gamma, train_alpha, alpha=0.0):
    """Eq. 3.2 in numpy, sample by sample: theta = (lambda, vec Q row-major[, alpha])."""
    lam = theta[:width]
    q = theta[width : width + dim * width].reshape(dim, width)
    a = theta[-1] if train_alpha else alpha
    outputs = [np.sum(lam * (xn @ q) ** 2) + a * xn @ xn for xn in x]
    penalty = np.sum((q @ q.T - np.eye(dim)) ** 2)
    return np.mean((y - np.array(outputs)) ** 2) + gamma * penalty


@pytest.fixture
def problem():
    ds = data.make_dataset("planted-gaussian", n_samples=N, dim=D, seed=0)
    return ds.x, ds.y


def random_network(seed, alpha=0.0, width=K):
    rng = np.random.default_rng(seed)
    return networks.QLNetwork(
        lam=rng.standard_normal(width), q=rng.standard_normal((D, width)), alpha=alpha
    )


def test_pack_unpack_round_trip():
    net = random_network(1, alpha=0.4)
    theta = landscape.pack(net, train_alpha=True)
    assert theta.shape == (K + D * K + 1,)
    back = landscape.unpack(theta, D, K, train_alpha=True)
    np.testing.assert_array_equal(back.lam, net.lam)
    np.testing.assert_array_equal(back.q, net.q)
    assert back.alpha == 0.4
    assert landscape.unpack(landscape.pack(net), D, K, alpha=0.4).alpha == 0.4


@pytest.mark.parametrize("gamma, train_alpha", [(0.0, False), (0.8, False), (0.3, True)])
def test_value_and_gradient_match_finite_differences(problem, gamma, train_alpha):
    x, y = problem
    net = random_network(2, alpha=0.6 if train_alpha else 0.25)
    value, gradient, _ = landscape.loss_and_derivatives(
        x, y, net, gamma=gamma, train_alpha=train_alpha
    )
    theta = landscape.pack(net, train_alpha)

    def f(t):
        return numpy_objective(t, x, y, D, K, gamma, train_alpha, alpha=net.alpha)

    assert value == pytest.approx(f(theta), rel=1e-12)
    h = 1e-6
    fd = np.array([(f(theta + h * e) - f(theta - h * e)) / (2 * h) for e in np.eye(theta.size)])
    np.testing.assert_allclose(gradient, fd, rtol=1e-6, atol=1e-6 * np.abs(fd).max())


@pytest.mark.parametrize("gamma, train_alpha", [(0.0, False), (0.5, True)])
def test_hessian_is_symmetric_and_matches_finite_differences(problem, gamma, train_alpha):
    x, y = problem
    net = random_network(3, alpha=0.1)
    _, _, hess = landscape.loss_and_derivatives(x, y, net, gamma=gamma, train_alpha=train_alpha)
    theta = landscape.pack(net, train_alpha)
    assert hess.shape == (theta.size, theta.size)
    np.testing.assert_allclose(hess, hess.T, rtol=1e-12, atol=1e-12 * np.abs(hess).max())

    def grad_at(t):
        point = landscape.unpack(t, D, K, train_alpha, alpha=net.alpha)
        return landscape.loss_and_derivatives(x, y, point, gamma=gamma, train_alpha=train_alpha)[1]

    h = 1e-6
    fd = np.column_stack(
        [(grad_at(theta + h * e) - grad_at(theta - h * e)) / (2 * h) for e in np.eye(theta.size)]
    )
    np.testing.assert_allclose(hess, fd, rtol=1e-5, atol=1e-6 * np.abs(hess).max())


def test_least_squares_optimum_is_stationary_without_negative_curvature():
    ds = data.make_dataset("non-planted", n_samples=40, dim=D, seed=4)
    a, _ = convex.lifted_least_squares(ds.x, ds.y)
    lam, q = convex.network_from_matrix(a, D)
    report = landscape.classify_point(ds.x, ds.y, networks.QLNetwork(lam=lam, q=q))
    assert report.gradient_norm < 1e-9
    assert report.n_negative == 0
    assert report.hessian_max > 0
    # the rescaling q_j -> c q_j, lambda_j -> lambda_j / c^2 leaves A unchanged: flat directions
    assert report.n_zero >= D
    assert report.verdict == "degenerate"
    assert report.loss == pytest.approx(
        np.mean((ds.y - np.einsum("ni,ij,nj->n", ds.x, a, ds.x)) ** 2), rel=1e-10
    )


def test_zero_q_with_positive_lambda_is_a_strict_saddle():
    # planted positive definite A: at Q = 0 the residual moment sum y_n X_n is positive definite,
    # so with lambda > 0 every direction U of Q has curvature -4 sum_j lambda_j u_j^T M u_j < 0
    rng = np.random.default_rng(5)
    x = rng.standard_normal((N, D))
    root = rng.standard_normal((D, D))
    teacher = root @ root.T + np.eye(D)
    y = np.einsum("ni,ij,nj->n", x, teacher, x)
    net = networks.QLNetwork(lam=np.array([1.0, 0.5]), q=np.zeros((D, K)))
    report = landscape.classify_point(x, y, net)
    assert report.gradient_norm == 0.0
    assert report.hessian_min < 0
    assert report.n_negative == D * K
    assert report.verdict == "strict saddle"


def test_random_point_is_not_stationary(problem):
    x, y = problem
    report = landscape.classify_point(x, y, random_network(6))
    assert report.verdict == "not stationary"
    assert report.gradient_norm > 1e-3


def isotropic_basis(matrix):
    """``d`` independent vectors ``q`` with ``q^T M q = 0`` for an indefinite symmetric ``M``:
    with eigenpairs ``(e_i, v_i)``, ``sqrt|e_j| v_i +- sqrt|e_i| v_j`` for ``e_i e_j < 0``."""
    values, vectors = np.linalg.eigh(matrix)
    low, high = 0, len(values) - 1  # the most negative and the most positive eigenvalue
    assert values[low] < 0 < values[high]

    def mix(i, j, sign):
        return (
            np.sqrt(abs(values[j])) * vectors[:, i] + sign * np.sqrt(abs(values[i])) * vectors[:, j]
        )

    columns = [mix(high, low, 1.0), mix(high, low, -1.0)]
    columns += [mix(i, low if values[i] > 0 else high, 1.0) for i in range(1, high)]
    return np.stack(columns, axis=1)


@pytest.mark.parametrize("dim", [2, 3, 4])
def test_full_rank_first_order_point_that_is_not_global(dim):
    # Diagonal Lambda: stationarity in lambda_j is q_j^T R q_j = 0 (R = sum_n r_n X_n), in q_j it
    # is lambda_j R q_j = 0. With lambda = 0 (r = y) and Q's columns isotropic for R, both hold
    # although Q has full rank d = k: Lemma C.3, proved for a full inner matrix M (whose
    # stationarity gives Q^T R Q = 0), does not carry over to first-order points here.
    # y = x_1^2 - x_2^2 + noise: E[y X] has diagonal (2, -2, 0, ...), so R = sum_n y_n X_n is
    # indefinite (asserted in isotropic_basis)
    rng = np.random.default_rng(dim)
    x = rng.standard_normal((60, dim))
    y = x[:, 0] ** 2 - x[:, 1] ** 2 + rng.standard_normal(60)
    q = isotropic_basis(np.einsum("n,ni,nj->ij", y, x, x))
    point = networks.QLNetwork(lam=np.zeros(dim), q=q)
    report = landscape.classify_point(x, y, point)
    assert np.linalg.matrix_rank(q) == dim
    assert report.gradient_norm < 1e-10
    _, optimum_nmse = convex.lifted_least_squares(x, y)
    assert report.loss == pytest.approx(np.mean(y**2))  # the zero output: NMSE 1
    assert optimum_nmse < 0.99 and convex.certificate(x, y, point.matrix()) == 1.0
    # but not a second-order point: along (lambda_j, R q_j) the 2x2 block [[a, b], [b, 0]] with
    # b = -(4/N) |R q_j|^2 != 0 has a negative eigenvalue, so the point is a strict saddle
    assert report.verdict == "strict saddle"
    assert report.n_negative >= 1


def test_bad_input_raises(problem):
    x, y = problem
    net = random_network(7)
    with pytest.raises(ValueError, match="gamma"):
        landscape.loss_and_derivatives(x, y, net, gamma=-1.0)
    with pytest.raises(ValueError, match="x"):
        landscape.loss_and_derivatives(x[:, :2], y, net)
    with pytest.raises(ValueError, match="y"):
        landscape.classify_point(x, y[:-1], net)
