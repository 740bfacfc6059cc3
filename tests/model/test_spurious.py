"""qlcore.model.spurious: the claims of Example 2.1 (a spurious local minimum of the regular
network)."""

import numpy as np
import pytest

from qlcore.model import landscape, networks, spurious, train


@pytest.fixture(scope="module")
def point():
    return spurious.spurious_point()  # x, y, positive definite teacher, (Lambda_0 < 0, Q_0 = 0)


@pytest.fixture(scope="module")
def check(point):
    x, y, _, net = point
    return spurious.check_spurious_point(x, y, net)


def per_sample_loss(x, y, matrix):
    return np.mean([(yn - xn @ matrix @ xn) ** 2 for xn, yn in zip(x, y)])


def test_the_point_is_as_described(point):
    x, y, teacher, net = point
    assert np.all(np.linalg.eigvalsh(teacher) > 0)
    np.testing.assert_allclose(y, [xn @ teacher @ xn for xn in x], rtol=1e-12)
    assert np.all(net.lam < 0) and np.all(net.q == 0) and net.alpha == 0.0
    assert net.width == 3 and net.dim == 5 and x.shape == (50, 5)


def test_local_but_not_global(check):
    assert check.is_local_minimum
    assert not check.is_global_minimum


def test_loss_certificate_and_rank(point, check):
    x, y, teacher, _ = point
    assert check.loss == pytest.approx(np.mean(y**2), rel=1e-12)  # the network outputs 0
    assert check.certificate == pytest.approx(1.0, rel=1e-12)  # A = Q Lambda Q^T = 0
    assert check.rank_q == 0
    assert check.global_loss < 1e-10 * check.loss  # the teacher fits exactly
    assert per_sample_loss(x, y, teacher) < 1e-20


def test_first_and_second_order(point, check):
    report = check.second_order
    width = point[3].width
    assert report.gradient_norm == 0.0
    assert report.hessian_min >= 0.0
    assert report.n_negative == 0
    assert report.n_zero == width  # the lambda directions are flat
    assert report.verdict == "degenerate"


def test_hessian_spectrum_is_the_analytic_one(point):
    # At Q = 0 the Hessian is 0 in lambda and, in q_j, -4 lambda_j M with M = (1/N) sum y_n X_n
    # (the second-order condition 2.4, with the constant factors of our own derivation).
    x, y, _, net = point
    _, gradient, hess = landscape.loss_and_derivatives(x, y, net)
    np.testing.assert_array_equal(gradient, 0.0)
    moment = np.einsum("n,ni,nj->ij", y, x, x) / len(y)
    expected = np.sort(
        np.concatenate(
            [np.zeros(net.width)] + [-4 * lam * np.linalg.eigvalsh(moment) for lam in net.lam]
        )
    )
    np.testing.assert_allclose(
        np.linalg.eigvalsh(hess), expected, rtol=1e-10, atol=1e-10 * expected.max()
    )


def test_no_perturbation_lowers_the_loss(check):
    assert check.n_perturbations == 10_000
    assert check.n_perturbations_below == 0
    assert check.smallest_loss_change >= -1e-12
    assert check.flat_direction_change <= 1e-12


def test_no_perturbation_lowers_the_per_sample_loss(point):
    # the same claim, computed independently of the moments code path
    x, y, _, net = point
    base = per_sample_loss(x, y, net.matrix())
    rng = np.random.default_rng(1)
    for _ in range(200):
        lam = net.lam + 1e-2 * rng.uniform(-1, 1, net.width)
        q = net.q + 1e-2 * rng.uniform(-1, 1, net.q.shape)
        changed = per_sample_loss(x, y, networks.QLNetwork(lam=lam, q=q).matrix())
        assert changed >= base * (1 - 1e-12)


def test_the_check_can_detect_a_non_minimum(point):
    # with lambda > 0 the same point is a strict saddle: the check must say "not local minimum"
    x, y, _, net = point
    flipped = networks.QLNetwork(lam=-net.lam, q=net.q)
    result = spurious.check_spurious_point(x, y, flipped, n_perturbations=500)
    assert not result.is_local_minimum
    assert result.second_order.verdict == "strict saddle"
    assert result.n_perturbations_below > 0


@pytest.fixture(scope="module")
def noisy_start(point):
    x, y, _, net = point
    rng = np.random.default_rng(2)
    return networks.QLNetwork(lam=net.lam, q=1e-6 * rng.standard_normal(net.q.shape))


def test_gradient_descent_stays_at_the_spurious_minimum(point, noisy_start):
    x, y, _, _ = point
    result = train.train_networks(
        [(x, y)],
        [[train.Student(noisy_start)]],
        epochs=300,
        optimizer="gd",
        lr=1e-3,
        record_every=50,
    )
    # NMSE = loss / mean y^2, so NMSE 1 is the loss (1/N) sum y^2 of the zero output
    np.testing.assert_allclose(result.history_nmse[:, 0, 0], 1.0, atol=1e-6)
    final = result.networks[0][0]
    assert per_sample_loss(x, y, final.matrix()) == pytest.approx(np.mean(y**2), rel=1e-6)
    assert np.abs(final.q).max() <= 1e-5  # Q did not grow
    assert np.all(final.lam < 0)


def test_added_norm_escapes_from_the_same_start(point, noisy_start):
    x, y, _, _ = point
    result = train.train_networks(
        [(x, y)],
        [[train.Student(noisy_start, train_alpha=True)]],
        epochs=300,
        optimizer="gd",
        lr=1e-3,
    )
    final = result.networks[0][0]
    assert final.alpha > 0.5
    assert per_sample_loss(x, y, final.matrix()) < 0.2 * np.mean(y**2)
