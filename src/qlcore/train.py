"""Batched full-batch training of many QL networks in the moments form.

All networks that share a data set share its moments (:mod:`qlcore.moments`), so one step for
``G`` data sets times ``M`` networks costs ``O(G M (d^2 K + p^2))`` with ``p = d(d+1)/2`` and ``K``
the largest width, independent of the number of samples ``N``. The fit term is evaluated as

    L(A) = L* + (a - a*)^T H (a - a*),

with ``a*`` the lifted least-squares optimum and ``L*`` its loss (exact for a quadratic, and free of
the cancellation in ``c - 2 b.a + a^T H a``). Networks of different widths are padded with zero
units: a unit with ``lambda_j = 0`` and ``q_j = 0`` has zero gradient for every term of eq. 3.2, so
it stays zero under Adam and gradient descent and padding changes nothing.

Adam acts elementwise, so training a batch equals training each network on its own; the tests
check this against one-at-a-time runs.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Sequence

import numpy as np
import torch
from tqdm.auto import tqdm

from . import convex, moments
from ._validate import check_data, check_positive_int
from .networks import QLNetwork

OPTIMIZERS = ("adam", "gd")
DTYPES = {"float32": torch.float32, "float64": torch.float64}


@dataclass(frozen=True)
class Student:
    """One network to train: its initial weights, penalty weight ``gamma``, trained ``alpha``?"""

    network: QLNetwork
    gamma: float = 0.0
    train_alpha: bool = False


@dataclass(frozen=True)
class TrainResult:
    """Trained networks and their error traces.

    ``networks[g][m]`` is network ``m`` of data set ``g``. ``nmse`` (G, M) is the final
    NMSE ``sum r^2 / sum y^2`` recomputed in float64; ``excess_nmse`` is ``nmse`` minus the
    least-squares NMSE of the data set (the quantity the success criterion thresholds);
    ``certificate`` is the relative residual moment ``||sum r X|| / ||sum y X||`` (Lemma C.1).
    ``history_nmse`` (T, G, M) is recorded at epochs ``history_epochs`` (T,).
    """

    networks: list[list[QLNetwork]]
    nmse: np.ndarray
    excess_nmse: np.ndarray
    certificate: np.ndarray
    least_squares_nmse: np.ndarray
    history_epochs: np.ndarray
    history_nmse: np.ndarray


def _resolve_device(device: str) -> torch.device:
    if device == "cpu":
        return torch.device("cpu")
    if device.startswith("cuda"):
        if not torch.cuda.is_available():
            raise ValueError(f"device={device!r} was asked for but CUDA is not available; use 'cpu'")
        return torch.device(device)
    raise ValueError(f"device must be 'cpu' or 'cuda[:i]', got {device!r}")


def _check_students(students: Sequence[Sequence[Student]], n_datasets: int) -> tuple[int, int, int]:
    if len(students) != n_datasets:
        raise ValueError(f"students must hold one list per data set ({n_datasets}), got {len(students)}")
    sizes = {len(group) for group in students}
    if len(sizes) != 1 or 0 in sizes:
        raise ValueError(f"students must hold the same positive number of networks per data set, got {sorted(sizes)}")
    dims = {s.network.dim for group in students for s in group}
    if len(dims) != 1:
        raise ValueError(f"all networks must have the same input dimension, got {sorted(dims)}")
    if any(s.network.alpha != 0.0 and not s.train_alpha for group in students for s in group):
        raise ValueError("a student with train_alpha=False must have network.alpha == 0 "
                         "(the norm weight is either trained or absent); set alpha=0 or train_alpha=True")
    width = max(s.network.width for group in students for s in group)
    return sizes.pop(), dims.pop(), width


def _stack(students, dim: int, width: int):
    """Padded arrays (G, M, ...) of initial weights, penalty weights and alpha masks."""
    n_groups, n_nets = len(students), len(students[0])
    lam = np.zeros((n_groups, n_nets, width))
    q = np.zeros((n_groups, n_nets, dim, width))
    alpha = np.zeros((n_groups, n_nets))
    gamma = np.zeros((n_groups, n_nets))
    alpha_mask = np.zeros((n_groups, n_nets))
    for g, group in enumerate(students):
        for m, student in enumerate(group):
            k = student.network.width
            lam[g, m, :k] = student.network.lam
            q[g, m, :, :k] = student.network.q
            alpha[g, m] = student.network.alpha
            gamma[g, m] = student.gamma
            alpha_mask[g, m] = float(student.train_alpha)
    return lam, q, alpha, gamma, alpha_mask


class _Objective:
    """Value and hand-written gradient of eq. 3.2 for a batch, in the moments form.

    With ``S`` the symmetric gradient of the fit excess in ``A`` (``2 H (a - a*)`` mapped back to a
    matrix, off-diagonal entries halved) and ``P = Q Q^T - I``:

        dF/dQ = 2 S Q Lambda + 4 gamma P Q,   dF/dlambda_j = q_j^T S q_j,   dF/dalpha = tr S.

    Two batched products serve a step: ``Q [Q Lambda | Q]^T`` gives ``A`` and ``Q Q^T``, and
    ``[S; P] Q`` gives ``S Q`` and ``P Q``. The tests check this against autograd and against
    the per-sample loss.
    """

    def __init__(self, hessians, optima, gamma, alpha_mask, dim, dtype, device):
        rows, cols = np.triu_indices(dim)
        self.dim = dim
        self.rows = torch.as_tensor(rows, device=device)
        self.cols = torch.as_tensor(cols, device=device)
        self.diagonal = torch.as_tensor(rows == cols, dtype=dtype, device=device)
        self.H = torch.as_tensor(hessians, dtype=dtype, device=device)          # (G, p, p)
        self.a_star = torch.as_tensor(optima, dtype=dtype, device=device)       # (G, p)
        self.gamma = torch.as_tensor(gamma, dtype=dtype, device=device)         # (G, M)
        self.alpha_mask = torch.as_tensor(alpha_mask, dtype=dtype, device=device)
        self.eye = torch.eye(dim, dtype=dtype, device=device)

    def __call__(self, lam, q, alpha, *, with_gradient=True):
        """Return ``(excess, gradients)``: the fit excess (G, M) and ``(dlam, dq, dalpha)``."""
        d = self.dim
        alpha = alpha * self.alpha_mask
        products = q @ torch.cat([q * lam.unsqueeze(-2), q], dim=-2).transpose(-1, -2)
        matrix, gram = products[..., :d], products[..., d:]
        coords = matrix[..., self.rows, self.cols] + alpha.unsqueeze(-1) * self.diagonal
        error = coords - self.a_star.unsqueeze(1)                              # (G, M, p)
        h_error = torch.bmm(error, self.H)
        excess = (error * h_error).sum(-1)                                     # (G, M)
        if not with_gradient:
            return excess, None
        grad_coords = 2.0 * h_error * (0.5 + 0.5 * self.diagonal)
        sym = torch.zeros_like(matrix)
        sym[..., self.rows, self.cols] = grad_coords
        sym[..., self.cols, self.rows] = grad_coords
        penalty_factor = (2.0 * self.gamma).unsqueeze(-1).unsqueeze(-1)
        stacked = torch.cat([sym, penalty_factor * (gram - self.eye)], dim=-2) @ q
        sym_q, pen_q = stacked[..., :d, :], stacked[..., d:, :]
        dq = 2.0 * (sym_q * lam.unsqueeze(-2) + pen_q)
        dlam = (q * sym_q).sum(-2)
        dalpha = (grad_coords * self.diagonal).sum(-1) * self.alpha_mask
        return excess, (dlam, dq, dalpha)


def _final_metrics(lam, q, alpha, alpha_mask, moment_list, ls_nmse):
    n_groups, n_nets = alpha.shape
    networks, nmse, cert = [], np.zeros((n_groups, n_nets)), np.zeros((n_groups, n_nets))
    for g, mom in enumerate(moment_list):
        scale = np.linalg.norm(moments.residual_moment(mom, np.zeros((mom.dim, mom.dim))))
        row = []
        for m in range(n_nets):
            net = QLNetwork(lam=lam[g, m], q=q[g, m], alpha=float(alpha[g, m] * alpha_mask[g, m]))
            matrix = net.matrix()
            nmse[g, m] = moments.loss(mom, matrix) / mom.c
            cert[g, m] = np.linalg.norm(moments.residual_moment(mom, matrix)) / scale
            row.append(net)
        networks.append(row)
    return networks, nmse, nmse - ls_nmse[:, None], cert


def train_networks(datasets: Sequence[tuple[np.ndarray, np.ndarray]],
                   students: Sequence[Sequence[Student]], *, epochs: int,
                   optimizer: str = "adam", lr: float = 1e-3, dtype: str = "float64",
                   device: str = "cpu", record_every: int = 100,
                   compile: bool = False, progress: bool | None = None) -> TrainResult:
    """Train ``students[g][m]`` on data set ``datasets[g] = (x, y)`` with full-batch steps.

    Minimises eq. 3.2 with Adam (PyTorch defaults, step size ``lr``; the paper uses 1e-3) or
    plain gradient descent. Every data set must hold the same number of students. The
    trainable widths are kept (padded units stay zero). ``compile=True`` runs the objective
    through ``torch.compile`` (about twice as fast on large batches, after a compile of some
    20 s; the tests compare it with the eager path). A tqdm bar shows progress unless
    ``progress=False`` or ``TQDM_DISABLE=1``.
    """
    epochs = check_positive_int(epochs, "epochs", minimum=0)
    record_every = check_positive_int(record_every, "record_every")
    if optimizer not in OPTIMIZERS:
        raise ValueError(f"optimizer must be one of {OPTIMIZERS}, got {optimizer!r}")
    if dtype not in DTYPES:
        raise ValueError(f"dtype must be one of {tuple(DTYPES)}, got {dtype!r}")
    if not lr > 0:
        raise ValueError(f"lr must be > 0, got {lr}")
    torch_device = _resolve_device(device)
    if len(datasets) == 0:
        raise ValueError("datasets must hold at least one (x, y) pair")
    checked = [check_data(x, y) for x, y in datasets]
    n_nets, dim, width = _check_students(students, len(checked))
    if any(x.shape[1] != dim for x, _ in checked):
        raise ValueError(f"every data set must have d = {dim} columns, the networks' input dimension")

    moment_list = [moments.moments_from_data(x, y) for x, y in checked]
    optima = [convex.lifted_least_squares(x, y) for x, y in checked]
    ls_nmse = np.array([value for _, value in optima])
    lam0, q0, alpha0, gamma, alpha_mask = _stack(students, dim, width)
    objective = _Objective(np.stack([m.H for m in moment_list]),
                           np.stack([moments.to_coordinates(a) for a, _ in optima]),
                           gamma, alpha_mask, dim, DTYPES[dtype], torch_device)
    params = [torch.tensor(v, dtype=DTYPES[dtype], device=torch_device) for v in (lam0, q0, alpha0)]
    if optimizer == "adam":
        opt = torch.optim.Adam(params, lr=lr, foreach=True)
    else:
        opt = torch.optim.SGD(params, lr=lr, foreach=True)
    step_objective = torch.compile(objective.__call__) if compile else objective
    c = torch.as_tensor([m.c for m in moment_list], dtype=torch.float64, device=torch_device)
    fit_offset = torch.as_tensor(ls_nmse, dtype=torch.float64, device=torch_device)

    history_epochs, history = [], []
    show = (epochs >= 1000) if progress is None else progress
    bar = tqdm(total=epochs, disable=not show or os.environ.get("TQDM_DISABLE") == "1",
               desc=f"training {len(checked) * n_nets} networks", unit="epoch")
    for epoch in range(epochs + 1):
        record = epoch % record_every == 0 or epoch == epochs
        excess, grads = step_objective(*params, with_gradient=epoch < epochs)
        if record:
            history_epochs.append(epoch)
            history.append((fit_offset[:, None] + excess.double() / c[:, None]).cpu().numpy())
        if epoch == epochs:
            break
        for param, grad in zip(params, grads):
            param.grad = grad
        opt.step()
        if (epoch + 1) % 100 == 0 or epoch + 1 == epochs:
            bar.update((epoch + 1) - bar.n)
    bar.close()

    lam, q, alpha = (p.detach().cpu().double().numpy() for p in params)
    networks, nmse, excess_nmse, cert = _final_metrics(lam, q, alpha, alpha_mask, moment_list, ls_nmse)
    networks = [[QLNetwork(lam=net.lam[: s.network.width], q=net.q[:, : s.network.width],
                           alpha=net.alpha) for net, s in zip(row, group)]
                for row, group in zip(networks, students)]
    return TrainResult(networks=networks, nmse=nmse, excess_nmse=excess_nmse, certificate=cert,
                       least_squares_nmse=ls_nmse, history_epochs=np.array(history_epochs),
                       history_nmse=np.stack(history))
