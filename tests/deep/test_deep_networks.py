"""The per-sample definition of deep QL networks and their penalty (eq. F.1)."""

import numpy as np
import pytest

from qlcore.deep import networks
from qlcore.infra.checks import InputError


def _network(seed=0, dim=3, hidden=(2,)):
    return networks.random_network(dim, list(hidden), np.random.default_rng(seed))


def test_layer_sizes_follow_theorem_f1():
    sizes, units = networks.layer_sizes(9, [20])
    assert sizes == [9, 20, 1] and units == [180, 20]


def test_default_initialisation_is_uniform_in_fan_in():
    net = _network(dim=9, hidden=(10,))
    (q1, lam1), (q2, lam2) = net.layers
    assert q1.shape == (9, 90) and lam1.shape == (10, 90)
    assert q2.shape == (10, 10) and lam2.shape == (1, 10)
    assert np.abs(q1).max() <= 1 / 3 and np.abs(lam1).max() <= 1 / np.sqrt(90)
    assert np.abs(q2).max() <= 1 / np.sqrt(10) and np.abs(lam2).max() <= 1 / np.sqrt(10)


def test_predict_composes_quadratic_and_linear_layers():
    net = _network()
    x = np.random.default_rng(1).standard_normal((4, 3))
    (q1, lam1), (q2, lam2) = net.layers
    hidden = np.array(
        [
            [
                sum(lam1[i, j] * (q1[:, j] @ xn) ** 2 for j in range(q1.shape[1]))
                for i in range(lam1.shape[0])
            ]
            for xn in x
        ]
    )
    expected = [sum(lam2[0, j] * (q2[:, j] @ h) ** 2 for j in range(q2.shape[1])) for h in hidden]
    np.testing.assert_allclose(net.predict(x), expected)
    assert net.depth == 2 and net.dim == 3 and net.hidden == (2,) and net.units == (6, 2)


def test_stacked_matrices_and_penalty_sizes():
    net = _network()
    (q1, lam1), _ = net.layers
    stacked = net.stacked(1)
    assert stacked.shape == (9, 2)
    np.testing.assert_allclose(stacked[:, 0].reshape(3, 3), q1 @ np.diag(lam1[0]) @ q1.T)
    assert net.stacked(2).shape == (2, 2)
    by_sum = net.penalty("sum")
    terms = [
        np.sum((net.stacked(i) @ net.stacked(i).T - np.eye(n)) ** 2) for i, n in ((1, 9), (2, 2))
    ]
    assert by_sum == pytest.approx(sum(terms))
    assert net.penalty("mean") == pytest.approx(terms[0] / 81 + terms[1] / 4)


def test_objective_adds_the_weighted_penalty():
    net = _network()
    rng = np.random.default_rng(2)
    x, y = rng.standard_normal((10, 3)), rng.standard_normal(10)
    assert net.objective(x, y, 2.0) == pytest.approx(
        np.mean((y - net.predict(x)) ** 2) + 2.0 * net.penalty()
    )


@pytest.mark.parametrize(
    ("layers", "argument"),
    [
        ((), "layers"),
        (((np.ones((3, 2)), np.ones((1, 3))),), "layers"),
        (((np.ones((3, 2)), np.ones((2, 2))),), "layers"),
        (((np.ones((3, 2)), np.ones((2, 2))), (np.ones((3, 1)), np.ones((1, 1)))), "layers"),
        (((np.full((3, 2), np.nan), np.ones((1, 2))),), "layers"),
    ],
)
def test_bad_layers_are_named(layers, argument):
    with pytest.raises(InputError) as error:
        networks.DeepQLNetwork(layers)
    assert error.value.argument == argument


def test_other_named_errors():
    net = _network()
    with pytest.raises(InputError, match="x must have d = 3"):
        net.predict(np.ones((2, 4)))
    with pytest.raises(InputError, match="layer must be between"):
        net.stacked(3)
    with pytest.raises(InputError) as error:
        net.penalty("median")
    assert error.value.argument == "penalty"
    with pytest.raises(InputError) as error:
        networks.random_network(3, [0], np.random.default_rng(0))
    assert error.value.argument == "hidden"
