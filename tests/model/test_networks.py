"""qlcore.model.networks: QL networks (eqs. 2.2, 3.1) and the initialisations of Table 1."""

import numpy as np
import pytest

from qlcore.infra.checks import InputError
from qlcore.model import networks

D = 4


def test_matrix_is_sum_of_rank_one_units_plus_alpha():
    rng = np.random.default_rng(0)
    lam, q, alpha = rng.standard_normal(3), rng.standard_normal((D, 3)), 0.7
    net = networks.QLNetwork(lam=lam, q=q, alpha=alpha)
    assert net.width == 3 and net.dim == D
    expected = alpha * np.eye(D)
    for j in range(3):
        expected += lam[j] * np.outer(q[:, j], q[:, j])
    np.testing.assert_allclose(net.matrix(), expected, rtol=1e-13, atol=1e-14)
    np.testing.assert_allclose(net.matrix(), net.matrix().T)


def test_predict_is_the_network_output():
    rng = np.random.default_rng(1)
    lam, q, alpha = rng.standard_normal(5), rng.standard_normal((D, 5)), -0.3
    net = networks.QLNetwork(lam=lam, q=q, alpha=alpha)
    x = rng.standard_normal((7, D))
    # f(x) = sum_j lambda_j (q_j^T x)^2 + alpha ||x||^2   (eq. 3.1)
    expected = [np.sum(lam * (xn @ q) ** 2) + alpha * xn @ xn for xn in x]
    np.testing.assert_allclose(net.predict(x), expected, rtol=1e-12)


def test_empty_network():
    net = networks.QLNetwork(lam=np.zeros(0), q=np.zeros((D, 0)), alpha=2.0)
    np.testing.assert_array_equal(net.matrix(), 2.0 * np.eye(D))
    x = np.random.default_rng(2).standard_normal((3, D))
    np.testing.assert_allclose(net.predict(x), 2.0 * np.sum(x**2, axis=1))


def test_predict_rejects_wrong_input_width():
    net = networks.QLNetwork(lam=np.ones(2), q=np.ones((D, 2)))
    with pytest.raises(ValueError, match="x"):
        net.predict(np.ones((3, D + 1)))


def test_variants():
    regular, added, orth = (networks.variant(v) for v in networks.VARIANTS)
    assert (regular.train_alpha, regular.orthogonality_penalty) == (False, False)
    assert (added.train_alpha, added.orthogonality_penalty) == (True, False)
    assert (orth.train_alpha, orth.orthogonality_penalty) == (False, True)
    y = np.array([1.0, -2.0, 3.0])
    assert orth.gamma(y) == pytest.approx(14.0)  # gamma = sum y^2 (Table 1)
    assert regular.gamma(y) == 0.0 and added.gamma(y) == 0.0


@pytest.mark.parametrize("width", [D, D + 3])
def test_orthogonality_init_is_lambda_zero_and_orthonormal(width):
    net = networks.initial_network("orthogonality", D, width, np.random.default_rng(0))
    assert net.lam.shape == (width,) and net.q.shape == (D, width)
    np.testing.assert_array_equal(net.lam, 0.0)
    assert net.alpha == 0.0
    np.testing.assert_allclose(net.q @ net.q.T, np.eye(D), atol=1e-15)


def test_orthogonality_init_below_d_is_a_projection():
    q = networks.initial_network("orthogonality", D, 2, np.random.default_rng(0)).q
    p = q @ q.T
    np.testing.assert_allclose(p @ p, p)
    assert np.linalg.matrix_rank(p) == 2


@pytest.mark.parametrize("name", ["regular", "added-norm"])
@pytest.mark.parametrize("width", [1, 3, 9])
def test_random_init_within_pytorch_default_bounds(name, width):
    dim = 6
    net = networks.initial_network(name, dim, width, np.random.default_rng(7))
    assert net.lam.shape == (width,) and net.q.shape == (dim, width)
    assert net.alpha == 0.0
    # nn.Linear(fan_in, out) draws U(-1/sqrt(fan_in), 1/sqrt(fan_in))
    assert np.all(np.abs(net.q) <= 1 / np.sqrt(dim))
    assert np.all(np.abs(net.lam) <= 1 / np.sqrt(width))
    assert len(np.unique(net.q)) == net.q.size  # continuous, not a fixed pattern


def test_random_init_fills_its_bounds():
    dim, width = 6, 50
    net = networks.initial_network("regular", dim, width, np.random.default_rng(8))
    assert np.abs(net.q).max() > 0.9 / np.sqrt(dim)
    assert np.abs(net.lam).max() > 0.9 / np.sqrt(width)
    assert net.q.min() < 0 < net.q.max() and net.lam.min() < 0 < net.lam.max()


def test_random_init_is_seeded():
    a = networks.initial_network("added-norm", D, 5, np.random.default_rng(3))
    b = networks.initial_network("added-norm", D, 5, np.random.default_rng(3))
    c = networks.initial_network("added-norm", D, 5, np.random.default_rng(4))
    np.testing.assert_array_equal(a.q, b.q)
    np.testing.assert_array_equal(a.lam, b.lam)
    assert not np.allclose(a.q, c.q)


@pytest.mark.parametrize("name", networks.VARIANTS)
def test_width_zero(name):
    net = networks.initial_network(name, D, 0, np.random.default_rng(0))
    assert net.width == 0 and net.q.shape == (D, 0)
    np.testing.assert_array_equal(net.matrix(), np.zeros((D, D)))


@pytest.mark.parametrize("name", ["Regular", "added_norm", "orthogonal", ""])
def test_unknown_variant_raises(name):
    with pytest.raises(InputError, match="^name must be one of 'regular'"):
        networks.variant(name)
    with pytest.raises(InputError, match="^variant_name must be one of"):
        networks.initial_network(name, D, 3, np.random.default_rng(0))


def test_bad_sizes_raise():
    rng = np.random.default_rng(0)
    with pytest.raises(ValueError, match="width"):
        networks.initial_network("regular", D, -1, rng)
    with pytest.raises(ValueError, match="dim"):
        networks.initial_network("regular", 0, 3, rng)
