"""Batched full-batch training of deep QL networks in the lifted (moments) form.

A depth-``L`` network computes ``f(x) = w . phi(x)`` with ``phi`` the monomials of degree
``D = 2^L`` (:mod:`qlcore.deep.monomials`), so the fit term of eq. F.1 is the quadratic

    (1/N) sum_n (y_n - f(x_n))^2 = L* + (w - w*)^T H (w - w*),   H = mean phi phi^T,

with ``w*`` a least-squares optimum and ``L*`` its loss: the data enter only through ``H`` and
``w*``, which the networks that share a data set share. The coefficients ``w`` are built layer by
layer. Layer ``l`` outputs ``x^{(l)} = W_l phi_l(x)`` with ``phi_l`` the monomials of degree
``2^l`` and ``W_l`` of shape ``(h_l, F_l)``; with ``v_j = W_{l-1}^T q^{(l)}_j`` (``W_0 = I``),
``(q_j^T x^{(l-1)})^2 = phi_{l-1}^T v_j v_j^T phi_{l-1}`` has monomial coefficients
``k_j = P_l(v_j v_j^T)`` (:func:`qlcore.deep.monomials.product_map`) and

    W_l = lambda^{(l)} K_l^T,    K_l = [k_1 .. k_{m_l}].

A step therefore costs about ``3 h_l m_l F_l`` multiply-adds per layer (forward and the two
products of the backward pass) against ``3 N h_l m_l`` for the per-sample network: for Fig. 4
(``d = 9``, ``F_1 = 45``, ``N = 1000``) the lifted form does 22 times less arithmetic, and the
benchmark ``benchmarks/bench_deep.py`` measures it against a conventional one-network loop.

The penalty uses Gram matrices: ``||Q~ Q~^T - I_n||^2 = ||Q~^T Q~||^2 - 2 tr(Q~^T Q~) + n``, where
``(Q~^T Q~)_{ij} = A_i . A_j`` is computed from the layer's own symmetric coordinates (the
Frobenius product weighs off-diagonal coordinates by 1/2 when they are stored as the
coefficients ``2 A_ab`` of the form).

Networks are batched along a leading axis: Adam acts elementwise and the loss is a sum of the
networks' losses, so training a batch equals training each network on its own (a test checks
it). Training is float32 by default; final NMSEs and certificates are recomputed per sample in
float64 from the trained weights (:class:`qlcore.deep.networks.DeepQLNetwork`).
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass

import numpy as np
import torch
from tqdm.auto import tqdm

from qlcore.deep import monomials
from qlcore.deep.networks import PENALTIES, DeepQLNetwork
from qlcore.infra.checks import (
    InputError,
    check_budget,
    check_choice,
    check_data,
    check_device,
    check_int,
    check_positive_int,
    check_real,
)
from qlcore.infra.threads import torch_threads

DTYPES = {"float32": torch.float32, "float64": torch.float64}
ADAM_BETAS = (0.9, 0.999)


@dataclass(frozen=True)
class DeepTrainResult:
    """Trained networks and their errors.

    ``nmse`` (R,) is ``sum r^2 / sum y^2`` of each trained network, recomputed per sample in
    float64; ``convex_nmse`` the global optimum (Remark 4); ``certificate`` (R,) the relative
    size of ``sum_n r_n x_n^{(x)2^L}`` (eq. F.3); ``convex_coefficients`` the optimum's monomial
    coefficients (:func:`qlcore.deep.monomials.convex_fit`). ``history_nmse`` (T, R) is the NMSE
    from the training loss at epochs ``history_epochs`` (T,).
    """

    networks: list[DeepQLNetwork]
    nmse: np.ndarray
    certificate: np.ndarray
    convex_nmse: float
    convex_coefficients: np.ndarray
    history_epochs: np.ndarray
    history_nmse: np.ndarray


def _check_starts(starts) -> tuple[int, tuple[int, ...]]:
    if not isinstance(starts, (list, tuple)) or len(starts) == 0:
        raise InputError(
            "starts must be a non-empty list of DeepQLNetwork (one per network to train)",
            argument="starts",
        )
    if not all(isinstance(s, DeepQLNetwork) for s in starts):
        raise InputError("starts must hold DeepQLNetwork objects only", argument="starts")
    shapes = {tuple((q.shape, lam.shape) for q, lam in s.layers) for s in starts}
    if len(shapes) != 1:
        raise InputError(
            "starts: every network of a batch must have the same layer shapes; train networks of "
            "other widths in another call",
            argument="starts",
        )
    return starts[0].dim, starts[0].units


class _LiftedNetworks:
    """The lifted form of a batch of deep QL networks of one architecture on one data set.

    ``loss(params)`` returns, per network, the fit term ``(1/N) sum (y - f)^2`` and the penalty
    of eq. F.1 (before ``gamma``) for ``params = [q_1, lam_1, .., q_L, lam_L]`` with leading
    batch axis; ``coefficients(params)`` returns ``w`` (R, F_L).
    """

    def __init__(self, x, y, depth: int, penalty: str, dtype, device):
        x, y = check_data(x, y)
        self.depth = monomials.check_depth(depth)
        self.penalty_kind = check_choice(penalty, "penalty", PENALTIES)
        dim = x.shape[1]
        degree = 2**self.depth
        size = monomials.n_monomials(dim, degree)
        check_budget(
            "the lifted moments",
            argument="x",
            nbytes=8.0 * (size * size + 2 * x.shape[0] * size),
            fix="use fewer input dimensions or a shallower network",
        )
        w_star, ls_nmse = monomials.convex_fit(x, y, self.depth)
        features = monomials.monomial_features(x, degree)
        self.convex_nmse = ls_nmse
        self.convex_coefficients = w_star
        self.mean_square = float(np.mean(y**2))
        as_tensor = _converter(dtype, device)
        self.hessian = as_tensor(features.T @ features / x.shape[0])
        self.optimum = as_tensor(w_star)
        self.optimal_loss = ls_nmse * self.mean_square
        self.maps = []
        for layer in range(1, self.depth + 1):
            first, second, target, weight = monomials.product_map(dim, 2 ** (layer - 1))
            in_order = np.array_equal(target, np.arange(len(target)))  # layer 1: pairs = monomials
            self.maps.append(
                (
                    torch.as_tensor(first, device=device),
                    torch.as_tensor(second, device=device),
                    None if in_order else torch.as_tensor(target, device=device),
                    as_tensor(weight),
                    monomials.n_monomials(dim, 2**layer),
                )
            )
        self.own = {}  # symmetric coordinates of the layers' own A_i, for the penalty

    def _own_map(self, size: int, like: torch.Tensor):
        if size not in self.own:
            first, second = np.triu_indices(size)
            self.own[size] = (
                torch.as_tensor(first, device=like.device),
                torch.as_tensor(second, device=like.device),
                torch.as_tensor(np.where(first == second, 1.0, 2.0), dtype=like.dtype).to(
                    like.device
                ),
                torch.as_tensor(np.where(first == second, 1.0, 0.5), dtype=like.dtype).to(
                    like.device
                ),
            )
        return self.own[size]

    @staticmethod
    def _squares(v, first, second, weight, target, size):
        """Monomial coefficients ``P(v_j v_j^T)`` of the squared units: (R, m, size)."""
        products = v.index_select(1, first) * v.index_select(1, second) * weight[:, None]
        if target is None:
            return products.transpose(1, 2)
        out = products.new_zeros(products.shape[0], size, products.shape[2])
        return out.index_add(1, target, products).transpose(1, 2)

    @staticmethod
    def _through_gram(v, lam, first, second, weight, target, size):
        """The same layer as ``lam @ _squares(v)`` through ``G_i = V diag(lam_i) V^T``:
        (R, h, size). Cheaper when the layer has few outputs and many monomials."""
        gram = (v.unsqueeze(1) * lam.unsqueeze(2)) @ v.transpose(1, 2).unsqueeze(1)
        coeffs = gram.flatten(-2)[..., first * v.shape[1] + second] * weight
        if target is None:
            return coeffs
        return coeffs.new_zeros(*coeffs.shape[:-1], size).index_add(-1, target, coeffs)

    def coefficients(self, params):
        """``w`` (R, F_L) and the own-coordinate matrices of the layers below the last."""
        coeffs, own = None, []
        for layer, (first, second, target, weight, size) in enumerate(self.maps):
            q, lam = params[2 * layer], params[2 * layer + 1]
            v = q if coeffs is None else coeffs.transpose(1, 2) @ q
            outputs, inputs = lam.shape[1], v.shape[1]
            if outputs * inputs * inputs < 3 * len(first) + outputs * size:
                coeffs = self._through_gram(v, lam, first, second, weight, target, size)
            else:
                coeffs = lam @ self._squares(v, first, second, weight, target, size)
            if layer == self.depth - 1:
                break
            if layer == 0:  # the input is x itself: the coefficients are A_i's own coordinates
                own.append(coeffs)
            else:
                o_first, o_second, o_weight, _ = self._own_map(q.shape[1], q)
                own.append(lam @ self._squares(q, o_first, o_second, o_weight, None, 0))
        return coeffs[:, 0, :], own

    def loss(self, params):
        """``(fit, penalty)`` per network (R,) (class docstring)."""
        w, own = self.coefficients(params)
        excess = w - self.optimum
        fit = self.optimal_loss + ((excess @ self.hessian) * excess).sum(-1)
        penalty = 0.0
        for layer, coords in enumerate(own):
            size = params[2 * layer].shape[1]
            *_, frobenius = self._own_map(size, coords)
            gram = (coords * frobenius) @ coords.transpose(1, 2)
            n = size * size
            value = (gram**2).sum((1, 2)) - 2 * gram.diagonal(dim1=1, dim2=2).sum(-1) + n
            penalty = penalty + (value / n**2 if self.penalty_kind == "mean" else value)
        q_last = params[-2]
        n = q_last.shape[1]
        eye = torch.eye(n, dtype=q_last.dtype, device=q_last.device)
        value = ((q_last @ q_last.transpose(1, 2) - eye) ** 2).sum((1, 2))
        penalty = penalty + (value / n**2 if self.penalty_kind == "mean" else value)
        return fit, penalty


def _converter(dtype, device):
    def as_tensor(array):
        return torch.as_tensor(np.asarray(array), dtype=dtype, device=device)

    return as_tensor


@contextlib.contextmanager
def _torch_thread_count(threads: int, device: torch.device):
    """Within the block torch computes on ``threads`` intra-op threads when ``device`` is the
    CPU (unchanged on a GPU); the count before is restored after."""
    before = torch.get_num_threads()
    if device.type == "cpu":
        torch.set_num_threads(check_positive_int(threads, "threads"))
    try:
        yield
    finally:
        torch.set_num_threads(before)


def _record_epochs(epochs: int, record_every: int) -> np.ndarray:
    """The epochs at which a trainer records the NMSE: every ``record_every`` and the last."""
    epochs = check_positive_int(epochs, "epochs", minimum=0)
    record_every = check_positive_int(record_every, "record_every")
    return np.unique(np.append(np.arange(0, epochs + 1, record_every), epochs))


def _progress_bar(epochs: int, description: str, progress: bool | None):
    """A tqdm bar over ``epochs``: shown when ``progress`` is True, or when it is None and the
    run is long (1,000 epochs or more); never with ``TQDM_DISABLE=1``."""
    show = (epochs >= 1000) if progress is None else bool(progress)
    return tqdm(
        total=epochs,
        disable=not show or os.environ.get("TQDM_DISABLE") == "1",
        desc=str(description),
        unit="epoch",
    )


def learning_rate(epoch: int, lr: float, halve_every: int | None) -> float:
    """Step size of update ``epoch`` (0-based) as the authors' code sets it: ``lr`` until
    ``halve_every`` updates have been made after the first, then halved each ``halve_every``
    (``adjustLearningRate`` runs after each update with the epoch just done)."""
    epoch = check_int(epoch, "epoch", minimum=0)
    lr = check_real(lr, "lr", positive=True)
    if halve_every is None:
        return lr
    halve_every = check_positive_int(halve_every, "halve_every")
    return lr * 0.5 ** (max(epoch - 1, 0) // halve_every)


def train_deep_networks(
    x,
    y,
    starts,
    *,
    epochs: int,
    gamma: float,
    lr: float = 1e-3,
    halve_every: int | None = None,
    penalty: str = "mean",
    dtype: str = "float32",
    device: str = "cpu",
    record_every: int = 1000,
    threads: int | None = None,
    progress: bool | None = None,
) -> DeepTrainResult:
    """Train the networks ``starts`` (one architecture) on ``(x, y)`` with full-batch Adam.

    Minimises eq. F.1 with penalty weight ``gamma`` (``penalty``: ``"mean"`` as the authors' code,
    ``"sum"`` as the paper, :mod:`qlcore.deep.networks`) by Adam with PyTorch's defaults and step
    size ``lr``, halved every ``halve_every`` updates (None: constant; :func:`learning_rate`).
    ``threads`` torch threads on CPU (default one, :func:`qlcore.infra.threads.torch_threads`);
    ``device="cuda"`` trains on a GPU. A tqdm bar shows progress unless ``progress=False`` or
    ``TQDM_DISABLE=1``.
    """
    x, y = check_data(x, y)
    dim, units = _check_starts(starts)
    if x.shape[1] != dim:
        raise InputError(
            f"x must have d = {dim} columns (the networks' input dimension), got {x.shape}",
            argument="x",
        )
    epochs = check_positive_int(epochs, "epochs", minimum=0)
    gamma = check_real(gamma, "gamma", minimum=0.0)
    lr = check_real(lr, "lr", positive=True)
    if halve_every is not None:
        halve_every = check_positive_int(halve_every, "halve_every")
    record_every = check_positive_int(record_every, "record_every")
    check_choice(dtype, "dtype", tuple(DTYPES))
    torch_device = torch.device(check_device(device))
    threads = torch_threads(threads, available=torch.get_num_threads())
    depth = starts[0].depth
    sizes = [monomials.n_monomials(dim, 2**layer) for layer in range(1, depth + 1)]
    outputs = [lam.shape[0] for _, lam in starts[0].layers]
    check_budget(
        "training",
        argument="epochs",
        flops=6.0 * epochs * len(starts) * sum(h * m * f for h, m, f in zip(outputs, units, sizes)),
        nbytes=8.0 * (epochs // record_every + 2) * len(starts),
        fix="train for fewer epochs, fewer or narrower networks, or record less often",
    )
    lifted = _LiftedNetworks(x, y, depth, penalty, DTYPES[dtype], torch_device)
    as_tensor = _converter(DTYPES[dtype], torch_device)
    params = [
        as_tensor(np.stack([s.layers[layer][part] for s in starts])).requires_grad_()
        for layer in range(depth)
        for part in (0, 1)
    ]
    optimizer = torch.optim.Adam(params, lr=lr, betas=ADAM_BETAS, fused=True)
    history_epochs = _record_epochs(epochs, record_every)
    history = np.zeros((len(history_epochs), len(starts)))
    bar = _progress_bar(epochs, f"training {len(starts)} deep networks", progress)
    record = 0
    with _torch_thread_count(threads, torch_device):
        for epoch in range(epochs + 1):
            fit, pen = lifted.loss(params)
            if epoch == history_epochs[record]:
                history[record] = fit.detach().double().cpu().numpy() / lifted.mean_square
                record += 1
            if epoch == epochs:
                break
            for group in optimizer.param_groups:
                group["lr"] = learning_rate(epoch, lr, halve_every)
            optimizer.zero_grad(set_to_none=True)
            (fit + gamma * pen).sum().backward()
            optimizer.step()
            bar.update(1)
    bar.close()
    final = [p.detach().double().cpu().numpy() for p in params]
    networks = [
        DeepQLNetwork(tuple((final[2 * i][r], final[2 * i + 1][r]) for i in range(depth)))
        for r in range(len(starts))
    ]
    predictions = [net.predict(x) for net in networks]
    total = float(np.sum(y**2))
    nmse = np.array([float(np.sum((y - p) ** 2)) / total for p in predictions])
    cert = np.array([monomials.certificate(x, y, p, depth) for p in predictions])
    return DeepTrainResult(
        networks=networks,
        nmse=nmse,
        certificate=cert,
        convex_nmse=lifted.convex_nmse,
        convex_coefficients=lifted.convex_coefficients,
        history_epochs=history_epochs,
        history_nmse=history,
    )
