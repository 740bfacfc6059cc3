"""qlcore.model.train: the batched moments-form trainer against independent per-sample
computations."""

import numpy as np
import pytest
import torch

from qlcore.model import convex, data, networks, train

TORCH64 = torch.float64


# ---------------------------------------------------------------- independent reference code


def per_sample_objective(x, y, lam, q, alpha, gamma):
    """Eq. 3.2 written out sample by sample: (fit, fit + gamma ||Q Q^T - I||_F^2), torch."""
    d = q.shape[0]
    eye = torch.eye(d, dtype=q.dtype)
    matrix = (q * lam) @ q.T + alpha * eye
    outputs = torch.stack([xn @ matrix @ xn for xn in x])
    fit = ((y - outputs) ** 2).mean()
    return fit, fit + gamma * ((q @ q.T - eye) ** 2).sum()


def least_squares(x, y):
    """My own solution of eq. 2.5: coordinates a*_ij (i <= j) and its loss mean r^2."""
    d = x.shape[1]
    rows, cols = np.triu_indices(d)
    design = x[:, rows] * x[:, cols]  # columns x_i x_j, i <= j
    coef, *_ = np.linalg.lstsq(design, y, rcond=None)
    weights = np.where(rows == cols, 1.0, 2.0)  # x^T A x = sum_{i<=j} s_ij A_ij x_i x_j
    features = design * weights
    return coef / weights, np.mean((y - design @ coef) ** 2), features.T @ features / len(y)


def dataset(model, n=30, d=3, seed=0):
    ds = data.make_dataset(model, n_samples=n, dim=d, seed=seed)
    return ds.x, ds.y


def students_for(y, dim, widths, rng, variants=networks.VARIANTS):
    out = []
    for name in variants:
        spec = networks.variant(name)
        for k in widths:
            out.append(
                train.Student(
                    networks.initial_network(name, dim, k, rng),
                    gamma=spec.gamma(y),
                    train_alpha=spec.train_alpha,
                )
            )
    return out


# ---------------------------------------------------------------- (1) hand-written gradient


def test_objective_gradient_equals_autograd_of_per_sample_loss():
    d, widths = 3, (1, 2, 4)
    sets = [
        dataset("planted-gaussian", n=25, d=d, seed=1),
        dataset("non-planted", n=25, d=d, seed=2),
    ]
    gammas = np.array([[0.0, 0.7, 2.0], [1.5, 0.0, 0.3]])
    masks = np.array([[0.0, 1.0, 1.0], [1.0, 0.0, 1.0]])  # alpha trained or not
    rng = np.random.default_rng(3)
    width = max(widths)
    lam = np.zeros((2, 3, width))
    q = np.zeros((2, 3, d, width))
    alpha = rng.standard_normal((2, 3)) * masks  # untrained alpha is 0
    for g in range(2):
        for m, k in enumerate(widths):  # padding by hand
            lam[g, m, :k] = rng.standard_normal(k)
            q[g, m, :, :k] = rng.standard_normal((d, k))
    refs = [least_squares(x, y) for x, y in sets]
    objective = train._Objective(
        np.stack([h for _, _, h in refs]),
        np.stack([a for a, _, _ in refs]),
        gammas,
        masks,
        d,
        TORCH64,
        torch.device("cpu"),
    )
    # the engine keeps the network index last: lam (G, K, M), q (G, d, K, M)
    excess, (dlam, dq, dalpha) = objective(
        torch.tensor(np.moveaxis(lam, 1, -1)),
        torch.tensor(np.moveaxis(q, 1, -1)),
        torch.tensor(alpha),
    )

    for g, (x, y) in enumerate(sets):
        xt, yt = torch.tensor(x), torch.tensor(y)
        for m, k in enumerate(widths):
            lam_t = torch.tensor(lam[g, m, :k], requires_grad=True)
            q_t = torch.tensor(q[g, m, :, :k], requires_grad=True)
            alpha_t = torch.tensor(alpha[g, m], requires_grad=True)
            fit, total = per_sample_objective(xt, yt, lam_t, q_t, alpha_t, gammas[g, m])
            g_lam, g_q, g_alpha = torch.autograd.grad(total, (lam_t, q_t, alpha_t))
            # the engine returns the fit excess over the least-squares loss
            assert excess[g, m].item() + refs[g][1] == pytest.approx(fit.item(), rel=1e-10)
            np.testing.assert_allclose(dlam[g, :k, m], g_lam, rtol=1e-10, atol=1e-10)
            np.testing.assert_allclose(dq[g, :, :k, m], g_q, rtol=1e-10, atol=1e-10)
            expected_alpha = g_alpha.item() if masks[g, m] else 0.0
            assert dalpha[g, m].item() == pytest.approx(expected_alpha, rel=1e-10, abs=1e-10)
            # padded units have exactly zero gradient
            assert torch.all(dlam[g, k:, m] == 0) and torch.all(dq[g, :, k:, m] == 0)


# ---------------------------------------------------------------- result bookkeeping


def test_result_metrics_match_independent_computation():
    sets = [dataset("planted-gaussian", n=30, seed=6), dataset("non-planted", n=30, seed=7)]
    rng = np.random.default_rng(8)
    students = [students_for(y, 3, (2, 4), rng) for _, y in sets]
    result = train.train_networks(sets, students, epochs=40, lr=1e-2, record_every=15)
    np.testing.assert_array_equal(result.history_epochs, [0, 15, 30, 40])
    assert result.history_nmse.shape == (4, 2, 6)
    for g, (x, y) in enumerate(sets):
        _, ls_loss, _ = least_squares(x, y)
        assert result.least_squares_nmse[g] == pytest.approx(
            ls_loss / np.mean(y**2), rel=1e-8, abs=1e-14
        )
        for m, (student, net) in enumerate(zip(students[g], result.networks[g])):
            assert net.width == student.network.width
            value = convex.nmse(x, y, net.matrix())
            assert result.nmse[g, m] == pytest.approx(value, rel=1e-9)
            assert result.excess_nmse[g, m] == pytest.approx(
                value - result.least_squares_nmse[g], rel=1e-7, abs=1e-12
            )
            assert result.certificate[g, m] == pytest.approx(
                convex.certificate(x, y, net.matrix()), rel=1e-8
            )
            assert result.history_nmse[0, g, m] == pytest.approx(
                convex.nmse(x, y, student.network.matrix()), rel=1e-9
            )
            assert result.history_nmse[-1, g, m] == pytest.approx(value, rel=1e-9)
            if not student.train_alpha:
                assert net.alpha == 0.0


def test_zero_epochs_returns_the_initial_networks():
    x, y = dataset("planted-diagonal", seed=9)
    students = students_for(y, 3, (2, 3), np.random.default_rng(10))
    result = train.train_networks([(x, y)], [students], epochs=0)
    for student, net in zip(students, result.networks[0]):
        np.testing.assert_array_equal(net.lam, student.network.lam)
        np.testing.assert_array_equal(net.q, student.network.q)


def test_fixed_nonzero_alpha_is_rejected():
    # alpha is either trained or absent; a fixed non-zero alpha used to be silently set to 0
    x, y = dataset("planted-gaussian", seed=11)
    rng = np.random.default_rng(12)
    net = networks.QLNetwork(lam=rng.standard_normal(2), q=rng.standard_normal((3, 2)), alpha=0.5)
    with pytest.raises(ValueError, match="alpha"):
        train.train_networks([(x, y)], [[train.Student(net, train_alpha=False)]], epochs=0)
    result = train.train_networks([(x, y)], [[train.Student(net, train_alpha=True)]], epochs=0)
    assert result.networks[0][0].alpha == 0.5
    assert result.nmse[0, 0] == pytest.approx(convex.nmse(x, y, net.matrix()), rel=1e-9)


# ---------------------------------------------------------------- (2) batching and padding


def test_batched_training_equals_one_at_a_time():
    sets = [dataset("planted-gaussian", n=30, seed=13), dataset("non-planted", n=30, seed=14)]
    rng = np.random.default_rng(15)
    students = [students_for(y, 3, (1, 4), rng) for _, y in sets]  # mixed widths: padding
    kwargs = dict(epochs=300, lr=1e-2, optimizer="adam", dtype="float64")
    batched = train.train_networks(sets, students, **kwargs)
    moved = 0.0
    for g, (x, y) in enumerate(sets):
        for m, student in enumerate(students[g]):
            alone = train.train_networks([(x, y)], [[student]], **kwargs)
            a, b = batched.networks[g][m], alone.networks[0][0]
            assert batched.nmse[g, m] == pytest.approx(alone.nmse[0, 0], rel=1e-8, abs=1e-12)
            np.testing.assert_allclose(a.lam, b.lam, rtol=1e-8, atol=1e-8)
            np.testing.assert_allclose(a.q, b.q, rtol=1e-8, atol=1e-8)
            assert a.alpha == pytest.approx(b.alpha, rel=1e-8, abs=1e-8)
            moved = max(moved, np.abs(a.q - student.network.q).max())
    assert moved > 0.1  # the weights really did train


def test_padding_with_zero_units_changes_nothing():
    x, y = dataset("planted-gaussian", n=30, seed=16)
    rng = np.random.default_rng(17)
    for name in networks.VARIANTS:
        spec = networks.variant(name)
        net = networks.initial_network(name, 3, 2, rng)
        padded = networks.QLNetwork(
            lam=np.concatenate([net.lam, np.zeros(3)]),
            q=np.concatenate([net.q, np.zeros((3, 3))], axis=1),
        )

        def make(n, spec=spec):
            return train.Student(n, gamma=spec.gamma(y), train_alpha=spec.train_alpha)

        kwargs = dict(epochs=150, lr=1e-2)
        small = train.train_networks([(x, y)], [[make(net)]], **kwargs).networks[0][0]
        big = train.train_networks([(x, y)], [[make(padded)]], **kwargs).networks[0][0]
        np.testing.assert_array_equal(big.lam[2:], 0.0)
        np.testing.assert_array_equal(big.q[:, 2:], 0.0)
        np.testing.assert_allclose(big.lam[:2], small.lam, rtol=1e-10, atol=1e-12)
        np.testing.assert_allclose(big.q[:, :2], small.q, rtol=1e-10, atol=1e-12)
        assert big.alpha == pytest.approx(small.alpha, rel=1e-10, abs=1e-12)


def test_chunking_changes_nothing():
    # unequal numbers of penalised students per data set leave empty slots in the penalty chunk
    sets = [dataset("planted-gaussian", n=30, seed=27), dataset("non-planted", n=30, seed=28)]
    rng = np.random.default_rng(29)
    students = [students_for(y, 3, (0, 2, 3), rng) for _, y in sets]
    students[1][-1] = students_for(sets[1][1], 3, (3,), rng, variants=("added-norm",))[0]
    kwargs = dict(epochs=60, lr=1e-2, record_every=20)
    whole = train.train_networks(sets, students, chunk_networks=1000, **kwargs)
    pieces = train.train_networks(sets, students, chunk_networks=2, **kwargs)
    np.testing.assert_allclose(pieces.history_nmse, whole.history_nmse, rtol=1e-12)
    np.testing.assert_allclose(pieces.nmse, whole.nmse, rtol=1e-12)
    for row_a, row_b in zip(pieces.networks, whole.networks):
        for a, b in zip(row_a, row_b):
            np.testing.assert_allclose(a.q, b.q, rtol=1e-12, atol=1e-15)
            np.testing.assert_allclose(a.lam, b.lam, rtol=1e-12, atol=1e-15)
            assert a.alpha == pytest.approx(b.alpha, rel=1e-12, abs=1e-15)


def test_chunk_plan_places_every_student_once():
    rng = np.random.default_rng(30)
    y = np.ones(5)
    students = [
        students_for(y, 3, range(7), rng),
        students_for(y, 3, range(5), rng)
        + students_for(y, 3, range(2), rng, variants=("added-norm",)),
    ]
    chunks = train._plan_chunks(students, chunk_networks=6)
    placed = sorted((g, int(m)) for slots in chunks for g in range(2) for m in slots[g] if m >= 0)
    assert placed == [(g, m) for g in range(2) for m in range(len(students[g]))]
    for slots in chunks:  # a chunk holds one kind: penalised or not
        kinds = {students[g][m].gamma != 0 for g in range(2) for m in slots[g] if m >= 0}
        assert len(kinds) == 1
    # 3 slots per data set asked for, rounded up to whole vector registers
    assert all(slots.shape[1] == train.SLOT_MULTIPLE for slots in chunks)
    assert len(chunks) == 3  # 21 unpenalised students in 3 chunks of 8; 1 penalised chunk


# ---------------------------------------------------------------- (3) the updates

# the engine writes both updates out to fuse them into its compiled step; torch.optim.SGD and
# torch.optim.Adam on eq. 3.2 written sample by sample are the reference
REFERENCE_RUNS = {
    "gd": (torch.optim.SGD, 2e-3, 25, 1e-4),
    "adam": (torch.optim.Adam, 1e-2, 40, 0.1),
}


@pytest.mark.parametrize("optimizer", sorted(REFERENCE_RUNS))
@pytest.mark.parametrize("name", networks.VARIANTS)
def test_training_equals_torch_optim_on_the_per_sample_loss(name, optimizer):
    reference, lr, steps, moved = REFERENCE_RUNS[optimizer]
    x, y = dataset("planted-gaussian", n=25, seed=18)
    spec = networks.variant(name)
    gamma = 0.05 * spec.gamma(y)
    net = networks.initial_network(name, 3, 4, np.random.default_rng(19))
    if name == "orthogonality":  # start off the fixed point lambda = 0
        net = networks.QLNetwork(lam=np.full(4, 0.1), q=net.q)
    result = train.train_networks(
        [(x, y)],
        [[train.Student(net, gamma, spec.train_alpha)]],
        epochs=steps,
        optimizer=optimizer,
        lr=lr,
    )

    xt, yt = torch.tensor(x), torch.tensor(y)
    params = [
        torch.tensor(net.lam, requires_grad=True),
        torch.tensor(net.q, requires_grad=True),
        torch.tensor(0.0, dtype=TORCH64, requires_grad=True),
    ]
    opt = reference(params if spec.train_alpha else params[:2], lr=lr)
    for _ in range(steps):
        opt.zero_grad()
        _, total = per_sample_objective(xt, yt, *params, gamma)
        total.backward()
        opt.step()
    trained = result.networks[0][0]
    np.testing.assert_allclose(trained.lam, params[0].detach().numpy(), rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(trained.q, params[1].detach().numpy(), rtol=1e-9, atol=1e-12)
    assert trained.alpha == pytest.approx(params[2].item(), rel=1e-9, abs=1e-12)
    assert max(np.abs(trained.q - net.q).max(), np.abs(trained.lam - net.lam).max()) > moved


# ---------------------------------------------------------------- (4) float32


def test_float32_gives_the_same_verdicts_as_float64():
    sets = [
        dataset("planted-gaussian", n=40, d=3, seed=20),
        dataset("non-planted", n=40, d=3, seed=21),
    ]
    rng = np.random.default_rng(22)
    # the orthogonality variant below k = d is ill-conditioned in float32 (gamma = sum y^2 is
    # large), so it is run at k >= d only
    students = [
        students_for(y, 3, (1, 2, 4), rng, variants=("regular", "added-norm"))
        + students_for(y, 3, (3, 4), rng, variants=("orthogonality",))
        for _, y in sets
    ]
    kwargs = dict(epochs=400, lr=3e-2)
    r64 = train.train_networks(sets, students, dtype="float64", **kwargs)
    r32 = train.train_networks(sets, students, dtype="float32", **kwargs)
    np.testing.assert_allclose(r32.nmse, r64.nmse, atol=1e-4)
    success64 = r64.excess_nmse <= 0.005
    np.testing.assert_array_equal(r32.excess_nmse <= 0.005, success64)
    assert success64.any() and not success64.all()  # the comparison is not trivial
    assert r32.networks[0][0].lam.dtype == np.float64  # results come back in float64


# ---------------------------------------------------------------- (5) torch.compile


@pytest.mark.slow
def test_compiled_objective_agrees_with_eager():
    x, y = dataset("planted-gaussian", n=20, seed=23)
    students = students_for(y, 3, (2,), np.random.default_rng(24))
    kwargs = dict(epochs=5, lr=1e-2)
    eager = train.train_networks([(x, y)], [students], **kwargs)
    compiled = train.train_networks([(x, y)], [students], compile=True, **kwargs)
    np.testing.assert_allclose(compiled.nmse, eager.nmse, rtol=1e-9)
    np.testing.assert_allclose(compiled.history_nmse, eager.history_nmse, rtol=1e-9)
    for a, b in zip(compiled.networks[0], eager.networks[0]):
        np.testing.assert_allclose(a.q, b.q, rtol=1e-9, atol=1e-12)
        np.testing.assert_allclose(a.lam, b.lam, rtol=1e-9, atol=1e-12)


# ---------------------------------------------------------------- (6) reaches the global minimum


def test_added_norm_reaches_the_global_minimum_on_an_easy_case():
    x, y = dataset("planted-gaussian", n=50, d=3, seed=0)
    rng = np.random.default_rng(0)
    students = students_for(y, 3, (3, 4, 6), rng, variants=("added-norm",))
    result = train.train_networks([(x, y)], [students], epochs=400, lr=3e-2)
    assert np.all(result.excess_nmse < 1e-3)
    for net in result.networks[0]:
        assert convex.nmse(x, y, net.matrix()) < 1e-3  # planted: the optimum has NMSE 0
        assert convex.certificate(x, y, net.matrix()) < 1e-3
    assert np.all(result.history_nmse[0] > 0.1)  # and it did not start there


# ---------------------------------------------------------------- (7) bad input


@pytest.fixture
def small_problem():
    x, y = dataset("planted-diagonal", n=10, d=3, seed=25)
    net = networks.initial_network("regular", 3, 2, np.random.default_rng(26))
    return [(x, y)], [[train.Student(net)]]


@pytest.mark.parametrize(
    "kwargs, name",
    [
        (dict(epochs=-1), "epochs"),
        (dict(epochs=2.5), "epochs"),
        (dict(epochs=3, lr=0.0), "lr"),
        (dict(epochs=3, lr=-1e-3), "lr"),
        (dict(epochs=3, lr=float("nan")), "lr"),
        (dict(epochs=3, optimizer="sgd"), "optimizer"),
        (dict(epochs=3, dtype="float16"), "dtype"),
        (dict(epochs=3, device="tpu"), "device"),
        (dict(epochs=3, record_every=0), "record_every"),
        (dict(epochs=3, chunk_networks=0), "chunk_networks"),
    ],
)
def test_bad_arguments_raise(small_problem, kwargs, name):
    datasets, students = small_problem
    with pytest.raises(ValueError, match=name):
        train.train_networks(datasets, students, **kwargs)


@pytest.mark.skipif(torch.cuda.is_available(), reason="checks the CPU-only error")
def test_cuda_without_cuda_raises(small_problem):
    datasets, students = small_problem
    with pytest.raises(ValueError, match="device"):
        train.train_networks(datasets, students, epochs=1, device="cuda")


def test_mismatched_student_groups_raise(small_problem):
    datasets, students = small_problem
    with pytest.raises(ValueError, match="students"):
        train.train_networks(datasets * 2, students, epochs=1)
    with pytest.raises(ValueError, match="students"):
        train.train_networks(datasets, students * 2, epochs=1)
    with pytest.raises(ValueError, match="students"):  # unequal group sizes
        train.train_networks(datasets * 2, [students[0], students[0] * 2], epochs=1)
    with pytest.raises(ValueError, match="students"):  # an empty group
        train.train_networks(datasets, [[]], epochs=1)


def test_mismatched_dimensions_raise(small_problem):
    datasets, students = small_problem
    x, y = datasets[0]
    with pytest.raises(ValueError, match="d = 3"):
        train.train_networks([(x[:, :2], y)], students, epochs=1)
    with pytest.raises(ValueError, match="y"):
        train.train_networks([(x, y[:-1])], students, epochs=1)
    with pytest.raises(ValueError, match="datasets"):
        train.train_networks([], [], epochs=1)
