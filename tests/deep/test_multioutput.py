"""qlcore.deep.multioutput: the lifted batched trainer against per-sample computations, the
starts, the optimum and certificate, bad inputs, and the kazemipour-multioutput experiment."""

import numpy as np
import pytest
import torch

from qlcore.deep import multioutput as mo
from qlcore.infra.checks import InputError
from qlcore.model import convex, data

TORCH64 = torch.float64


def dataset(n=40, d=3, outputs=2, seed=0, planted=True):
    rng = np.random.default_rng(seed)
    x = data.gaussian_inputs(n, d, rng)
    if not planted:
        return x, rng.standard_normal((n, outputs))
    teachers = [data.planted_matrix("planted-gaussian", d, rng) for _ in range(outputs)]
    return x, np.stack([data.quadratic_form(x, a) for a in teachers], axis=1)


def random_networks(d, outputs, widths, seed=1):
    """Random starts with random nonzero alpha, to exercise every term."""
    rng = np.random.default_rng(seed)
    return [
        mo.MultiOutputNetwork(s.lam, s.q, rng.standard_normal(outputs))
        for s in (mo.random_start(d, k, outputs, rng) for k in widths)
    ]


def per_sample_objective(x, y, q, lam, alpha, gamma):
    """Eq. 3.4 sample by sample plus gamma times the block penalty of Theorem E.2, in torch."""
    d = q.shape[0]
    outputs = torch.stack(
        [
            torch.stack(
                [(lam[m] * (xn @ q) ** 2).sum() + alpha[m] * xn @ xn for m in range(len(lam))]
            )
            for xn in x
        ]
    )
    fit = ((y - outputs) ** 2).mean()
    penalty = sum(
        ((q[:, b : b + d] @ q[:, b : b + d].T - torch.eye(d, dtype=q.dtype)) ** 2).sum()
        for b in range(0, q.shape[1], d)
    )
    return fit + gamma * penalty


def train(x, y, starts, variant, epochs=200, **kwargs):
    kwargs = {"lr": 1e-2, "dtype": "float64", "progress": False, **kwargs}
    return mo.train_multioutput(x, y, starts, epochs=epochs, variant=variant, **kwargs)


# ---------------------------------------------------------------- lifted form


def test_lifted_loss_and_penalty_equal_the_per_sample_ones():
    x, y = dataset()
    nets = random_networks(3, 2, [0, 2, 5, 6])
    lifted = mo._LiftedMultiOutput(x, y, dtype=TORCH64, device="cpu")
    q, lam, alpha = (torch.as_tensor(a) for a in mo._stack(nets, 6))
    fit = lifted.fit(q, lam, alpha).numpy()
    penalty = lifted.penalty(q, lifted.block_mask([n.width for n in nets], 6)).numpy()
    for r, net in enumerate(nets):
        assert fit[r] == pytest.approx(np.mean((y - net.predict(x)) ** 2), rel=1e-10)
        assert penalty[r] == pytest.approx(net.block_penalty(), rel=1e-12)
    assert nets[0].block_penalty() == 0.0  # width 0: no block


def test_gradient_equals_autograd_of_the_per_sample_objective():
    x, y = dataset(n=12)
    net = random_networks(3, 2, [5])[0]  # one full and one partial block
    gamma = mo.block_penalty_weight(y)
    lifted = mo._LiftedMultiOutput(x, y, dtype=TORCH64, device="cpu")
    mask = lifted.block_mask([5], 6)
    grads = []
    for per_sample in (False, True):
        q, lam, alpha = (torch.as_tensor(a).requires_grad_() for a in mo._stack([net], 6))
        if per_sample:
            loss = per_sample_objective(
                torch.as_tensor(x), torch.as_tensor(y), q[0], lam[0], alpha[0], gamma
            )
        else:
            loss = (lifted.fit(q, lam, alpha) + gamma * lifted.penalty(q, mask)).sum()
        loss.backward()
        grads.append([t.grad.numpy() for t in (q, lam, alpha)])
    for lifted_grad, reference in zip(*grads):
        np.testing.assert_allclose(lifted_grad, reference, rtol=1e-9, atol=1e-9)


# ---------------------------------------------------------------- batched training


@pytest.mark.parametrize("variant", ["added-norm", "block-orthogonality"])
def test_batch_of_widths_trains_as_each_network_alone(variant):
    x, y = dataset()
    starts = (
        random_networks(3, 2, [2, 4, 7])
        if variant == "added-norm"
        else [mo.block_start(3, k, 2) for k in (2, 4, 7)]
    )
    together = train(x, y, starts, variant)
    for r, start in enumerate(starts):
        alone = train(x, y, [start], variant)
        for name in ("q", "lam", "alpha"):
            np.testing.assert_allclose(
                getattr(together.networks[r], name),
                getattr(alone.networks[0], name),
                rtol=1e-9,
                atol=1e-12,
            )
        assert together.nmse[r] == pytest.approx(alone.nmse[0], rel=1e-9)


@pytest.mark.parametrize("variant", ["added-norm", "block-orthogonality"])
def test_zero_units_stay_zero(variant):
    x, y = dataset()
    start = random_networks(3, 2, [4])[0] if variant == "added-norm" else mo.block_start(3, 4, 2)
    q, lam = np.zeros((3, 6)), np.zeros((2, 6))
    q[:, [0, 2, 3, 5]], lam[:, [0, 2, 3, 5]] = start.q, start.lam  # units 1 and 4 zero
    alpha = start.alpha if variant == "added-norm" else None
    trained = train(x, y, [mo.MultiOutputNetwork(lam, q, alpha)], variant).networks[0]
    assert np.all(trained.q[:, [1, 4]] == 0.0) and np.all(trained.lam[:, [1, 4]] == 0.0)
    assert np.any(trained.q[:, [0, 2, 3, 5]] != q[:, [0, 2, 3, 5]])


def test_float32_ends_close_to_float64():
    x, y = dataset()
    starts = random_networks(3, 2, [3, 8])
    single = train(x, y, starts, "added-norm", epochs=300, dtype="float32")
    double = train(x, y, starts, "added-norm", epochs=300)
    assert double.nmse[1] < 1e-6 < double.nmse[0]  # one network at the optimum, one not yet
    np.testing.assert_allclose(single.nmse, double.nmse, rtol=1e-4, atol=1e-7)
    np.testing.assert_allclose(single.history_nmse, double.history_nmse, rtol=1e-4, atol=1e-7)


def test_fixed_units_reach_the_least_squares_optimum():
    x, y = dataset(n=30, d=2, outputs=3, planted=False)  # the optimum misses: NMSE > 0
    q = mo.fixed_pair_units(2)
    result = train(
        x, y, [mo.MultiOutputNetwork(np.zeros((3, 3)), q)], "fixed-units", epochs=3000, lr=5e-2
    )
    assert result.optimum_nmse > 0.1
    assert result.nmse[0] == pytest.approx(result.optimum_nmse, abs=1e-8)
    assert result.certificate[0] < 1e-5
    np.testing.assert_array_equal(result.networks[0].q, q)  # the units are frozen
    assert np.all(result.networks[0].alpha == 0.0)


def test_each_output_uses_only_its_own_block():
    """Eq. E.4: output m uses the units of block m; from Q = [I I] the blocks then separate and
    reach the optimum, which the shared network of eq. 3.4 from this start cannot."""
    x, y = dataset(n=80)
    result = train(x, y, [mo.block_start(3, 6, 2)], "block-orthogonality", epochs=3000)
    trained = result.networks[0]
    assert np.all(trained.lam[0, 3:] == 0.0) and np.all(trained.lam[1, :3] == 0.0)
    assert not np.allclose(trained.q[:, :3], trained.q[:, 3:])
    optimum = mo.per_output_least_squares(x, y)[1]
    assert result.nmse[0] - optimum < 1e-3


def test_history_starts_at_the_start_and_ends_at_the_final_nmse():
    x, y = dataset()
    starts = random_networks(3, 2, [4])
    result = train(x, y, starts, "added-norm", epochs=50, record_every=20)
    np.testing.assert_array_equal(result.history_epochs, [0, 20, 40, 50])
    total = np.sum(y**2)
    assert result.history_nmse[0, 0] == pytest.approx(
        np.sum((y - starts[0].predict(x)) ** 2) / total
    )
    assert result.history_nmse[-1, 0] == pytest.approx(result.nmse[0], rel=1e-9)


# ---------------------------------------------------------------- starts, optimum, certificate


def test_starts():
    block = mo.block_start(3, 7, 2)
    np.testing.assert_array_equal(block.q, np.hstack([np.eye(3), np.eye(3), np.eye(3)[:, :1]]))
    assert np.all(block.lam == 0) and block.lam.shape == (2, 7) and np.all(block.alpha == 0)
    assert mo.block_start(3, 6, 2).block_penalty() == 0.0
    rand = mo.random_start(4, 9, 3, np.random.default_rng(0))
    assert rand.q.shape == (4, 9) and rand.lam.shape == (3, 9) and np.all(rand.alpha == 0)
    assert np.abs(rand.q).max() <= 0.5 and np.abs(rand.lam).max() <= 1 / 3


def test_fixed_pair_units_span_the_symmetric_matrices():
    q = mo.fixed_pair_units(4)
    assert q.shape == (4, 10)
    np.testing.assert_array_equal(q[:, 0], [2, 0, 0, 0])  # e_1 + e_1
    np.testing.assert_array_equal(q[:, 1], [1, 1, 0, 0])  # e_1 + e_2
    rows, cols = np.triu_indices(4)
    outer = np.stack([np.outer(c, c)[rows, cols] for c in q.T])
    assert np.linalg.matrix_rank(outer) == 10


def test_optimum_and_certificate_per_output_agree_with_the_single_output_ones():
    x, y = dataset(outputs=3, planted=False)
    matrices, nmse = mo.per_output_least_squares(x, y)
    residual = 0.0
    for m in range(3):
        single, _ = convex.lifted_least_squares(x, y[:, m])
        np.testing.assert_allclose(matrices[m], single, atol=1e-10)
        residual += np.sum((y[:, m] - data.quadratic_form(x, single)) ** 2)
    assert nmse == pytest.approx(residual / np.sum(y**2))
    net = random_networks(3, 3, [4])[0]
    per_output = [convex.certificate(x, y[:, m], net.matrices()[m]) for m in range(3)]
    assert mo.certificate(x, y, net.predict(x)) == pytest.approx(max(per_output))
    optimum = np.einsum("ni,mij,nj->nm", x, matrices, x)
    assert mo.certificate(x, y, optimum) < 1e-10


# ---------------------------------------------------------------- bad inputs


@pytest.mark.parametrize(
    ("make", "argument"),
    [
        (lambda: mo.MultiOutputNetwork(np.zeros(3), np.zeros((2, 3))), "lam"),
        (lambda: mo.MultiOutputNetwork(np.zeros((2, 4)), np.zeros((2, 3))), "lam"),
        (lambda: mo.MultiOutputNetwork(np.zeros((2, 3)), np.zeros((2, 3)), [1.0]), "alpha"),
        (lambda: mo.MultiOutputNetwork(np.zeros((2, 3)), [[np.nan] * 3] * 2), "q"),
        (lambda: mo.random_start(3, 2, 0, np.random.default_rng(0)), "outputs"),
        (lambda: mo.random_start(3, 2, 2, 0), "rng"),
        (lambda: mo.block_start(0, 2, 2), "dim"),
        (lambda: mo.fixed_pair_units(-1), "dim"),
        (lambda: mo.per_output_least_squares(np.ones((5, 2)), np.ones(5)), "y"),
        (lambda: mo.per_output_least_squares(np.ones((5, 2)), np.zeros((5, 2))), "y"),
        (lambda: mo.certificate(np.ones((5, 2)), np.ones((5, 2)), np.ones((4, 2))), "predictions"),
    ],
)
def test_named_errors(make, argument):
    with pytest.raises(InputError, match=f"^{argument}") as error:
        make()
    assert error.value.argument == argument


@pytest.mark.parametrize(
    ("change", "argument"),
    [
        ({"starts": []}, "starts"),
        ({"starts": ["net"]}, "starts"),
        ({"starts": [mo.block_start(2, 3, 2)]}, "starts"),  # d = 2, x has 3 columns
        ({"starts": [mo.block_start(3, 3, 3)]}, "starts"),  # M = 3, y has 2 columns
        ({"variant": "orthogonality"}, "variant"),
        ({"variant": "block-orthogonality", "starts": random_networks(3, 2, [3])}, "starts"),
        ({"epochs": -1}, "epochs"),
        ({"lr": 0.0}, "lr"),
        ({"dtype": "float16"}, "dtype"),
        ({"device": "tpu"}, "device"),
        ({"record_every": 0}, "record_every"),
        ({"y": np.ones((39, 2))}, "y"),
    ],
)
def test_trainer_names_bad_arguments(change, argument):
    x, y = dataset()
    kwargs = {"x": x, "y": y, "starts": [mo.block_start(3, 3, 2)], "epochs": 1, **change}
    with pytest.raises(InputError, match=f"^{argument}") as error:
        mo.train_multioutput(**kwargs)
    assert error.value.argument == argument


# ---------------------------------------------------------------- the experiment


@pytest.fixture(scope="module")
def quick(tmp_path_factory):
    from qlcore.experiments import kazemipour_multioutput as experiment

    patch = pytest.MonkeyPatch()
    patch.setenv("QLCORE_CACHE", str(tmp_path_factory.mktemp("cache")))
    try:
        return experiment, experiment.run("quick", progress=False)
    finally:
        patch.undo()


def test_quick_run_returns_the_documented_keys_and_plots(quick):
    import matplotlib.pyplot as plt

    from qlcore.experiments import multioutput_claims

    experiment, result = quick
    settings = result["settings"]
    assert result["figure"] == experiment.FIGURE_ID
    assert set(result) >= {
        "settings",
        "success_tolerance",
        "variants",
        "optimum_nmse",
        "cells",
        "fixed_units",
    }
    for m in map(str, settings["outputs"]):
        assert len(result["optimum_nmse"][m]) == settings["n_datasets"]
        for name, runs in (("added-norm", settings["runs"]), ("block-orthogonality", 1)):
            cell = result["cells"][m][name]
            for key in ("nmse", "excess_nmse", "certificate"):
                assert np.shape(cell[key]) == (
                    settings["n_datasets"],
                    runs,
                    len(settings["widths"]),
                )
            assert len(cell["success_fraction"]) == len(settings["widths"])
            assert np.all(np.asarray(cell["excess_nmse"]) >= -1e-6)  # the optimum bounds them
        fixed = result["fixed_units"][m]
        assert fixed["width"] == 6 and len(fixed["excess_nmse"]) == settings["n_datasets"]
    assert set(multioutput_claims.claims(result)) == {
        "added_norm_global_from_md",
        "block_orthogonality_global_from_md",
        "fixed_units_global",
        "failures_certified",
    }
    fig = experiment.plot(result)
    assert len(fig.axes) == len(settings["outputs"])
    plt.close(fig)
