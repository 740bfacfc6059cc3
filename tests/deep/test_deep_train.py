"""The lifted trainer of deep QL networks against the per-sample definition."""

import numpy as np
import pytest
import torch

from qlcore.deep import data, monomials, networks, train
from qlcore.infra.checks import InputError


def _problem(seed=0, dim=3, n=120):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, dim)) / np.sqrt(dim)
    return rng, x, rng.standard_normal(n)


def _params(nets, dtype=torch.float64, grad=False):
    depth = nets[0].depth
    return [
        torch.tensor(np.stack([n.layers[i][part] for n in nets]), dtype=dtype).requires_grad_(grad)
        for i in range(depth)
        for part in (0, 1)
    ]


@pytest.mark.parametrize(
    ("hidden", "penalty"), [([], "mean"), ([4], "mean"), ([4], "sum"), ([3, 2], "mean")]
)
def test_lifted_loss_equals_per_sample_loss(hidden, penalty):
    rng, x, y = _problem(n=400)
    nets = [networks.random_network(3, hidden, rng) for _ in range(3)]
    lifted = train._LiftedNetworks(x, y, len(hidden) + 1, penalty, torch.float64, "cpu")
    fit, pen = lifted.loss(_params(nets))
    np.testing.assert_allclose(
        fit.numpy(), [np.mean((y - n.predict(x)) ** 2) for n in nets], rtol=1e-9
    )
    np.testing.assert_allclose(pen.numpy(), [n.penalty(penalty) for n in nets], rtol=1e-12)


def _per_sample_objective(params, x, y, gamma):
    """Eq. F.1 written the conventional way (per sample, explicit stacked matrices)."""
    h = torch.tensor(x)
    total = 0.0
    depth = len(params) // 2
    for i in range(depth):
        q, lam = params[2 * i], params[2 * i + 1]
        h = (h @ q) ** 2 @ lam.T
        if i < depth - 1:
            stacked = torch.einsum("am,im,bm->iab", q, lam, q).reshape(lam.shape[0], -1).T
        else:
            stacked = q
        n = stacked.shape[0]
        total = total + ((stacked @ stacked.T - torch.eye(n, dtype=q.dtype)) ** 2).sum() / n**2
    return torch.mean((torch.tensor(y) - h[:, 0]) ** 2) + gamma * total


def test_gradient_equals_autograd_of_the_per_sample_objective():
    rng, x, y = _problem(1)
    net = networks.random_network(3, [3], rng)
    lifted = train._LiftedNetworks(x, y, 2, "mean", torch.float64, "cpu")
    batched = _params([net], grad=True)
    fit, pen = lifted.loss(batched)
    (fit + 7.0 * pen).sum().backward()
    single = [p.detach()[0].clone().requires_grad_() for p in batched]
    _per_sample_objective(single, x, y, 7.0).backward()
    for a, b in zip(batched, single):
        np.testing.assert_allclose(a.grad[0].numpy(), b.grad.numpy(), rtol=1e-8, atol=1e-12)


def test_a_batch_trains_like_separate_runs():
    rng, x, y = _problem(2)
    nets = [networks.random_network(3, [3], rng) for _ in range(3)]
    kwargs = {"epochs": 60, "gamma": 10.0, "dtype": "float64", "halve_every": 25}
    together = train.train_deep_networks(x, y, nets, **kwargs)
    for index, net in enumerate(nets):
        alone = train.train_deep_networks(x, y, [net], **kwargs)
        for (qa, la), (qb, lb) in zip(together.networks[index].layers, alone.networks[0].layers):
            np.testing.assert_allclose(qa, qb, rtol=1e-10, atol=1e-13)
            np.testing.assert_allclose(la, lb, rtol=1e-10, atol=1e-13)


def test_float32_training_matches_float64():
    rng, x, y = _problem(3)
    nets = [networks.random_network(3, [4], rng) for _ in range(2)]
    kwargs = {"epochs": 400, "gamma": 100.0}
    single = train.train_deep_networks(x, y, nets, dtype="float32", **kwargs)
    double = train.train_deep_networks(x, y, nets, dtype="float64", **kwargs)
    np.testing.assert_allclose(single.nmse, double.nmse, rtol=1e-3)


def test_wide_networks_reach_the_convex_optimum_on_planted_data():
    rng = np.random.default_rng(4)
    x, y = data.tensor_dataset("planted", 200, 3, rng)
    nets = [networks.random_network(3, [9], rng) for _ in range(2)]
    result = train.train_deep_networks(
        x, y, nets, epochs=4000, gamma=1e4, lr=1e-2, halve_every=2000
    )
    assert result.convex_nmse < 1e-20
    assert np.all(result.nmse < 1e-3)
    assert np.all(result.certificate < 0.05)


def test_no_network_beats_the_convex_optimum():
    rng, x, y = _problem(5)
    nets = [networks.random_network(3, [w], rng) for w in (1, 1, 1)]
    result = train.train_deep_networks(x, y, nets, epochs=300, gamma=0.0, lr=1e-2)
    assert np.all(result.nmse >= result.convex_nmse - 1e-12)
    assert result.convex_nmse == pytest.approx(monomials.convex_nmse(x, y, 2))
    assert result.history_nmse.shape == (len(result.history_epochs), 3)


def test_learning_rate_follows_the_authors_schedule():
    rates = [train.learning_rate(e, 1.0, 3) for e in range(8)]
    assert rates == [1.0, 1.0, 1.0, 1.0, 0.5, 0.5, 0.5, 0.25]
    assert train.learning_rate(10**6, 0.1, None) == 0.1


def test_named_errors():
    rng, x, y = _problem(6)
    a = networks.random_network(3, [2], rng)
    b = networks.random_network(3, [3], rng)
    for call, argument in [
        (lambda: train.train_deep_networks(x, y, [a, b], epochs=1, gamma=0.0), "starts"),
        (lambda: train.train_deep_networks(x, y, [], epochs=1, gamma=0.0), "starts"),
        (lambda: train.train_deep_networks(x[:, :2], y, [a], epochs=1, gamma=0.0), "x"),
        (lambda: train.train_deep_networks(x, y, [a], epochs=1, gamma=-1.0), "gamma"),
        (lambda: train.train_deep_networks(x, y, [a], epochs=1, gamma=0.0, dtype="half"), "dtype"),
        (lambda: train.train_deep_networks(x, y, [a], epochs=10**13, gamma=0.0), "epochs"),
    ]:
        with pytest.raises(InputError) as error:
            call()
        assert error.value.argument == argument
