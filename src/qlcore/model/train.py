"""Batched full-batch training of many QL networks in the moments form.

All networks that share a data set share its moments (:mod:`qlcore.model.moments`), so a step costs
``O(d^2 K + p^2)`` per network with ``p = d(d+1)/2`` and ``K`` the largest width, independent of
the number of samples ``N``. The fit term is evaluated as

    L(A) = L* + (a - a*)^T H (a - a*),

with ``a*`` the lifted least-squares optimum and ``L*`` its loss (exact for a quadratic, and free of
the cancellation in ``c - 2 b.a + a^T H a``). Networks of different widths are padded with zero
units: a unit with ``lambda_j = 0`` and ``q_j = 0`` has zero gradient for every term of eq. 3.2, so
it stays zero under Adam and gradient descent and padding changes nothing. Empty slots (when data
sets hold different numbers of networks of a kind) are padded the same way with whole zero
networks.

Layout, chosen for speed on CPUs (measurements in ``benchmarks/RESULTS.md``): the network index is
the last, contiguous axis of every tensor (``q`` is ``(G, d, K, M)``), so that every operation of
the gradient is an elementwise or small-reduction loop vectorised across networks, which
``torch.compile`` fuses into a few loops; only ``H (a - a*)`` is a matrix product, one per data set.
The networks are trained in chunks of about :data:`CPU_CHUNK_NETWORKS`, each for all its epochs
before the next, which keeps a chunk's weights and Adam state close to the processor (measured
about 7% faster than the whole Fig. 2 batch at once). Networks
with and without the orthogonality penalty go in separate chunks (the penalty needs ``Q Q^T``).

Adam is PyTorch's update written out (:func:`_adam_update`) so that ``torch.compile`` fuses it with
the gradient into one step; that measured 8-10% faster than calling
``torch.optim.Adam(fused=True)`` after a compiled gradient, and a test checks it equals
``torch.optim.Adam``. Adam and gradient
descent act elementwise, so training a batch equals training each network on its own; the tests
check this against one-at-a-time runs.
"""

from __future__ import annotations

import contextlib
import functools
import math
import os
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import torch
from tqdm.auto import tqdm

from qlcore.infra.checks import (
    InputError,
    check_bool,
    check_budget,
    check_choice,
    check_data,
    check_device,
    check_positive_int,
    check_real,
)
from qlcore.infra.threads import torch_threads
from qlcore.model import convex, moments
from qlcore.model.networks import QLNetwork

OPTIMIZERS = ("adam", "gd")
DTYPES = {"float32": torch.float32, "float64": torch.float64}
ADAM_BETAS = (0.9, 0.999)
ADAM_EPS = 1e-8
CPU_CHUNK_NETWORKS = 2048
"""Networks per chunk on CPU. On the Fig. 2 batch (``d = 10``, ``K = 20``, 2 cores) chunks of
2,048 beat training all 12,915 networks at once in three interleaved pairs of runs (median 7%);
single scans vary by about 25% from run to run (``benchmarks/bench_chunks.py``,
``benchmarks/RESULTS.md``)."""
SLOT_MULTIPLE = 8
"""Networks per data set in a chunk are rounded up to a multiple of this (eight float32 lanes of
an AVX2 register), so the loops across networks have no remainder: 210 networks per data set
measured 1.4x slower than 216 or 224."""
SINGLE_THREAD_BELOW = 128
"""Chunks of fewer networks run on one thread even when more are asked for (``threads``): a few
tiny loops split across threads cost more in synchronisation than they gain (30 networks on 2
idle cores: 12 ms per compiled step on two threads, 0.5 ms on one; at 315 networks two threads
are already faster)."""


@dataclass(frozen=True)
class Student:
    """One network to train: its initial weights, penalty weight ``gamma``, trained ``alpha``?"""

    network: QLNetwork
    gamma: float = 0.0
    train_alpha: bool = False

    def __post_init__(self):
        if not isinstance(self.network, QLNetwork):
            raise InputError(
                f"network must be a QLNetwork, got {type(self.network).__name__}",
                argument="network",
            )
        object.__setattr__(self, "gamma", check_real(self.gamma, "gamma", minimum=0.0))
        object.__setattr__(self, "train_alpha", check_bool(self.train_alpha, "train_alpha"))


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


def _check_datasets(datasets) -> list[tuple[np.ndarray, np.ndarray]]:
    if not isinstance(datasets, Sequence) or isinstance(datasets, str) or len(datasets) == 0:
        raise InputError(
            f"datasets must be a non-empty list of (x, y) pairs, got {type(datasets).__name__}",
            argument="datasets",
        )
    for index, pair in enumerate(datasets):
        if not isinstance(pair, Sequence) or isinstance(pair, str) or len(pair) != 2:
            raise InputError(
                f"datasets[{index}] must be an (x, y) pair, got {type(pair).__name__}",
                argument="datasets",
            )
    return [check_data(x, y) for x, y in datasets]


def _check_students(students: Sequence[Sequence[Student]], n_datasets: int) -> tuple[int, int, int]:
    if not isinstance(students, Sequence) or any(
        not isinstance(group, Sequence) or not all(isinstance(s, Student) for s in group)
        for group in students
    ):
        raise InputError(
            "students must be a list (one per data set) of lists of Student", argument="students"
        )
    if len(students) != n_datasets:
        raise InputError(
            f"students must hold one list per data set ({n_datasets}), got {len(students)}",
            argument="students",
        )
    sizes = {len(group) for group in students}
    if len(sizes) != 1 or 0 in sizes:
        raise InputError(
            "students must hold the same positive number of networks per data set, "
            f"got {sorted(sizes)}",
            argument="students",
        )
    dims = {s.network.dim for group in students for s in group}
    if len(dims) != 1:
        raise InputError(
            f"students: all networks must have the same input dimension, got {sorted(dims)}",
            argument="students",
        )
    if any(s.network.alpha != 0.0 and not s.train_alpha for group in students for s in group):
        raise InputError(
            "students: a student with train_alpha=False must have network.alpha == 0 "
            "(the norm weight is either trained or absent); set alpha=0 or train_alpha=True",
            argument="students",
        )
    width = max(s.network.width for group in students for s in group)
    return sizes.pop(), dims.pop(), width


def _stack(students, slots: np.ndarray, dim: int, width: int):
    """Network-last arrays of the students in ``slots`` (G, M); a slot of -1 is an empty network.

    Returns ``lam`` (G, K, M), ``q`` (G, d, K, M), ``alpha``, ``gamma`` and ``alpha_mask`` (G, M).
    """
    n_groups, n_slots = slots.shape
    lam = np.zeros((n_groups, width, n_slots))
    q = np.zeros((n_groups, dim, width, n_slots))
    alpha, gamma, alpha_mask = (np.zeros((n_groups, n_slots)) for _ in range(3))
    for (g, slot), m in np.ndenumerate(slots):
        if m < 0:
            continue
        student = students[g][m]
        k = student.network.width
        lam[g, :k, slot] = student.network.lam
        q[g, :, :k, slot] = student.network.q
        alpha[g, slot] = student.network.alpha
        gamma[g, slot] = student.gamma
        alpha_mask[g, slot] = float(student.train_alpha)
    return lam, q, alpha, gamma, alpha_mask


def _plan_chunks(students, chunk_networks: int | None) -> list[np.ndarray]:
    """Split the students into chunks of about ``chunk_networks`` networks (all, if None).

    Each chunk is an int array (G, M): slot ``(g, j)`` holds the index of a student of data set
    ``g``, or -1 when data set ``g`` has fewer students of the chunk's kind (or to round the
    slots up to a multiple of :data:`SLOT_MULTIPLE`). Students with and
    without the orthogonality penalty go in different chunks; the chunks of a kind have one shape,
    so a compiled step is reused across them.
    """
    n_groups = len(students)
    chunks = []
    for penalty in (False, True):
        members = [
            [m for m, s in enumerate(group) if (s.gamma != 0.0) == penalty] for group in students
        ]
        most = max(len(group) for group in members)
        if most == 0:
            continue
        per_group = most if chunk_networks is None else max(1, chunk_networks // n_groups)
        size = SLOT_MULTIPLE * math.ceil(most / math.ceil(most / per_group) / SLOT_MULTIPLE)
        n_chunks = math.ceil(most / size)
        for c in range(n_chunks):
            slots = np.full((n_groups, size), -1)
            for g, group in enumerate(members):
                part = group[c * size : (c + 1) * size]
                slots[g, : len(part)] = part
            chunks.append(slots)
    return chunks


def _fit_and_gradient(
    lam,
    q,
    alpha,
    hessians,
    optima,
    gamma,
    alpha_mask,
    rows,
    cols,
    symmetric_index,
    diagonal,
    eye,
    with_penalty: bool,
):
    """Fit excess and gradient of eq. 3.2 for a batch in the network-last layout.

    With ``S`` the symmetric gradient of the fit excess in ``A`` (``2 H (a - a*)`` mapped back to
    a matrix, off-diagonal entries halved) and ``P = Q Q^T - I``:

        dF/dQ = 2 S Q Lambda + 4 gamma P Q,   dF/dlambda_j = q_j^T S q_j,   dF/dalpha = tr S.

    Shapes: ``lam`` (G, K, M), ``q`` (G, d, K, M), ``alpha`` (G, M); returns the excess
    ``L(A) - L*`` (G, M) and ``(dlam, dq, dalpha)``. The tests check this against autograd of
    the per-sample loss.
    """
    n_groups, dim = q.shape[0], q.shape[1]
    column = diagonal.unsqueeze(-1)  # (p, 1)
    coords = (
        (q[:, rows] * (q * lam.unsqueeze(1))[:, cols]).sum(2)  # A_ij, i <= j
        + (alpha * alpha_mask).unsqueeze(1) * column
    )
    error = coords - optima.unsqueeze(-1)  # (G, p, M)
    h_error = torch.bmm(hessians, error)
    excess = (error * h_error).sum(1)
    grad_coords = h_error * (1.0 + column)
    sym = grad_coords[:, symmetric_index].reshape(n_groups, dim, dim, -1)  # S (G, d, d, M)
    sym_q = (sym.unsqueeze(3) * q.unsqueeze(1)).sum(2)  # S Q (G, d, K, M)
    dq = 2.0 * sym_q * lam.unsqueeze(1)
    if with_penalty:
        gram = (q.unsqueeze(2) * q.unsqueeze(1)).sum(3)  # Q Q^T (G, d, d, M)
        penalty = (gram - eye.unsqueeze(-1)) * (4.0 * gamma).unsqueeze(1).unsqueeze(1)
        dq = dq + (penalty.unsqueeze(3) * q.unsqueeze(1)).sum(2)
    dlam = (q * sym_q).sum(1)
    dalpha = (grad_coords * column).sum(1) * alpha_mask
    return excess, (dlam, dq, dalpha)


def _adam_update(param, grad, first, second, step_size, bias2_sqrt) -> None:
    """One Adam update in place, PyTorch's formula (``torch.optim.Adam``, defaults):

        m <- b1 m + (1 - b1) g,   v <- b2 v + (1 - b2) g^2,
        p <- p - (lr / (1 - b1^t)) m / (sqrt(v) / sqrt(1 - b2^t) + eps).

    ``step_size = lr / (1 - b1^t)`` and ``bias2_sqrt = sqrt(1 - b2^t)`` are 0-d tensors, so a
    compiled step is not recompiled as ``t`` changes.
    """
    beta1, beta2 = ADAM_BETAS
    first.lerp_(grad, 1.0 - beta1)
    second.mul_(beta2).addcmul_(grad, grad, value=1.0 - beta2)
    param.sub_(step_size * first / (second.sqrt() / bias2_sqrt + ADAM_EPS))


def _train_step(
    params, firsts, seconds, step_size, bias2_sqrt, constants, with_penalty: bool, adam: bool
):
    """Gradient of eq. 3.2 and one Adam (or gradient-descent) update of ``params`` in place.

    Returns the fit excess before the update. For gradient descent ``step_size`` is ``lr`` and
    ``firsts``, ``seconds`` and ``bias2_sqrt`` are unused.
    """
    excess, grads = _fit_and_gradient(*params, **constants, with_penalty=with_penalty)
    for param, grad, first, second in zip(params, grads, firsts, seconds):
        if adam:
            _adam_update(param, grad, first, second, step_size, bias2_sqrt)
        else:
            param.sub_(step_size * grad)
    return excess


@contextlib.contextmanager
def _threads_for(n_networks: int, threads: int):
    """Run a chunk of ``n_networks`` on ``threads`` torch threads, or on one if it is small
    (:data:`SINGLE_THREAD_BELOW`); torch's thread count is restored afterwards."""
    before = torch.get_num_threads()
    torch.set_num_threads(1 if n_networks < SINGLE_THREAD_BELOW else threads)
    try:
        yield
    finally:
        torch.set_num_threads(before)


@functools.cache
def _compiled(function):
    # static shapes: a kind's chunks share one shape, and static loops are faster than dynamic
    return torch.compile(function, dynamic=False)


class _Objective:
    """:func:`_fit_and_gradient` with the constants of one chunk bound.

    ``hessians`` (G, p, p) and ``optima`` (G, p) are the moments and least-squares coordinates of
    the data sets; ``gamma`` and ``alpha_mask`` (G, M) the penalty weights and trained-alpha flags.
    Calling it returns the excess and the gradient; :meth:`step` also updates the weights, through
    ``torch.compile`` when ``compile=True``.
    """

    def __init__(self, hessians, optima, gamma, alpha_mask, dim, dtype, device, compile=False):
        rows, cols = np.triu_indices(dim)
        index = np.zeros((dim, dim), dtype=np.int64)
        index[rows, cols] = index[cols, rows] = np.arange(len(rows))
        as_float = functools.partial(torch.as_tensor, dtype=dtype, device=device)
        as_index = functools.partial(torch.as_tensor, device=device)
        self.constants = dict(
            hessians=as_float(hessians),
            optima=as_float(optima),
            gamma=as_float(gamma),
            alpha_mask=as_float(alpha_mask),
            rows=as_index(rows),
            cols=as_index(cols),
            symmetric_index=as_index(index.reshape(-1)),
            diagonal=as_float((rows == cols).astype(float)),
            eye=torch.eye(dim, dtype=dtype, device=device),
        )
        self.with_penalty = bool(np.any(np.asarray(gamma) != 0.0))
        self.compile = compile

    def __call__(self, lam, q, alpha):
        # always eager: training goes through step(), this serves one final evaluation
        return _fit_and_gradient(lam, q, alpha, **self.constants, with_penalty=self.with_penalty)

    def step(self, params, firsts, seconds, step_size, bias2_sqrt, adam: bool):
        """:func:`_train_step` on this chunk: update ``params`` in place, return the excess."""
        function = _compiled(_train_step) if self.compile else _train_step
        return function(
            params, firsts, seconds, step_size, bias2_sqrt, self.constants, self.with_penalty, adam
        )


def _final_metrics(lam, q, alpha, alpha_mask, moment_list, ls_nmse):
    """Networks, float64 NMSE, excess NMSE and certificate (Lemma C.1) of the trained weights."""
    alpha = alpha * alpha_mask
    networks = [
        [
            QLNetwork(lam=lam[g, m], q=q[g, m], alpha=float(alpha[g, m]))
            for m in range(alpha.shape[1])
        ]
        for g in range(alpha.shape[0])
    ]
    matrices = np.einsum("gmik,gmk,gmjk->gmij", q, lam, q) + alpha[..., None, None] * np.eye(
        q.shape[2]
    )
    nmse, cert = np.zeros(alpha.shape), np.zeros(alpha.shape)
    for g, mom in enumerate(moment_list):
        scale = np.linalg.norm(moments.residual_moment(mom, np.zeros((mom.dim, mom.dim))))
        nmse[g] = moments.loss(mom, matrices[g]) / mom.c
        cert[g] = np.linalg.norm(moments.residual_moment(mom, matrices[g]), axis=(-2, -1)) / scale
    return networks, nmse, nmse - ls_nmse[:, None], cert


def train_networks(
    datasets: Sequence[tuple[np.ndarray, np.ndarray]],
    students: Sequence[Sequence[Student]],
    *,
    epochs: int,
    optimizer: str = "adam",
    lr: float = 1e-3,
    dtype: str = "float64",
    device: str = "cpu",
    record_every: int = 100,
    compile: bool = False,
    chunk_networks: int | None = None,
    threads: int | None = None,
    progress: bool | None = None,
) -> TrainResult:
    """Train ``students[g][m]`` on data set ``datasets[g] = (x, y)`` with full-batch steps.

    Minimises eq. 3.2 with Adam (PyTorch defaults, step size ``lr``; the paper uses 1e-3) or
    plain gradient descent. Every data set must hold the same number of students. The
    trainable widths are kept (padded units stay zero). ``compile=True`` runs the gradient
    through ``torch.compile`` (several times faster on large batches, after a compile of some
    10 s per chunk shape; the tests compare it with the eager path). ``chunk_networks`` is the
    number of networks trained together (default :data:`CPU_CHUNK_NETWORKS` on CPU, all at once
    on CUDA); it changes the speed, not the result. ``threads`` is the number of torch intra-op
    threads on CPU (default ``$QLCORE_THREADS``, else one; never more than
    ``torch.get_num_threads()``; :func:`qlcore.infra.threads.torch_threads`): one thread is the
    robust choice: two threads spin-wait, and ran 1.8-4.6x slower (medians) while other programs
    used the cores and 1.45-1.6x faster on an idle machine (``benchmarks/RESULTS.md``); it
    changes the speed, not the result. A tqdm bar shows progress unless ``progress=False`` or
    ``TQDM_DISABLE=1``.
    """
    epochs = check_positive_int(epochs, "epochs", minimum=0)
    record_every = check_positive_int(record_every, "record_every")
    if chunk_networks is not None:
        chunk_networks = check_positive_int(chunk_networks, "chunk_networks")
    threads = torch_threads(threads, available=torch.get_num_threads())
    check_choice(optimizer, "optimizer", OPTIMIZERS)
    check_choice(dtype, "dtype", tuple(DTYPES))
    lr = check_real(lr, "lr", positive=True)
    compile = check_bool(compile, "compile")
    torch_device = torch.device(check_device(device))
    checked = _check_datasets(datasets)
    n_nets, dim, width = _check_students(students, len(checked))
    if any(x.shape[1] != dim for x, _ in checked):
        raise InputError(
            f"datasets: every data set must have d = {dim} columns, the networks' input dimension",
            argument="datasets",
        )
    p = dim * (dim + 1) // 2
    check_budget(
        "training",
        argument="epochs",
        flops=float(epochs) * len(checked) * n_nets * (2.0 * p * p + 12.0 * dim * dim * width),
        nbytes=8.0 * (epochs // record_every + 2) * len(checked) * n_nets,
        fix="train for fewer epochs or fewer networks, or record less often (record_every)",
    )
    if chunk_networks is None and torch_device.type == "cpu":
        chunk_networks = CPU_CHUNK_NETWORKS

    moment_list = [moments.moments_from_data(x, y) for x, y in checked]
    optima = [convex.lifted_least_squares(x, y) for x, y in checked]
    ls_nmse = np.array([value for _, value in optima])
    hessians = np.stack([m.H for m in moment_list])
    optimum_coords = np.stack([moments.to_coordinates(a) for a, _ in optima])
    c = np.array([m.c for m in moment_list])
    n_groups, width = len(checked), max(width, 1)
    history_epochs = np.unique(np.append(np.arange(0, epochs + 1, record_every), epochs))
    history = np.zeros((len(history_epochs), n_groups, n_nets))
    lam = np.zeros((n_groups, n_nets, width))
    q = np.zeros((n_groups, n_nets, dim, width))
    alpha, alpha_mask = np.zeros((n_groups, n_nets)), np.zeros((n_groups, n_nets))

    chunks = _plan_chunks(students, chunk_networks)
    as_scalar = functools.partial(torch.tensor, dtype=DTYPES[dtype], device=torch_device)
    show = (epochs >= 1000) if progress is None else progress
    bar = tqdm(
        total=epochs * len(chunks),
        disable=not show or os.environ.get("TQDM_DISABLE") == "1",
        desc=f"training {n_groups * n_nets} networks in {len(chunks)} chunk(s)",
        unit="epoch",
    )
    for slots in chunks:
        lam0, q0, alpha0, gamma, mask = _stack(students, slots, dim, width)
        objective = _Objective(
            hessians, optimum_coords, gamma, mask, dim, DTYPES[dtype], torch_device, compile=compile
        )
        params = [
            torch.tensor(v, dtype=DTYPES[dtype], device=torch_device) for v in (lam0, q0, alpha0)
        ]
        firsts = [torch.zeros_like(p) for p in params]
        seconds = [torch.zeros_like(p) for p in params]
        groups, places = np.nonzero(slots >= 0)
        members = slots[groups, places]
        record = 0
        with _threads_for(slots.size, threads):
            for epoch in range(epochs + 1):
                if epoch < epochs:
                    if optimizer == "adam":
                        t = epoch + 1
                        step_size = as_scalar(lr / (1.0 - ADAM_BETAS[0] ** t))
                        bias2_sqrt = as_scalar(math.sqrt(1.0 - ADAM_BETAS[1] ** t))
                    else:
                        step_size, bias2_sqrt = as_scalar(lr), as_scalar(1.0)
                    excess = objective.step(
                        params, firsts, seconds, step_size, bias2_sqrt, adam=optimizer == "adam"
                    )
                else:
                    excess, _ = objective(*params)
                if epoch == history_epochs[record]:
                    values = excess.double().cpu().numpy()[groups, places]
                    history[record, groups, members] = ls_nmse[groups] + values / c[groups]
                    record += 1
                if epoch < epochs:
                    bar.update(1)
        final = [p.detach().cpu().double().numpy() for p in params]
        lam[groups, members] = final[0][groups, :, places]
        q[groups, members] = final[1][groups, :, :, places]
        alpha[groups, members] = final[2][groups, places]
        alpha_mask[groups, members] = mask[groups, places]
    bar.close()

    networks, nmse, excess_nmse, cert = _final_metrics(
        lam, q, alpha, alpha_mask, moment_list, ls_nmse
    )
    networks = [
        [
            QLNetwork(
                lam=net.lam[: s.network.width], q=net.q[:, : s.network.width], alpha=net.alpha
            )
            for net, s in zip(row, group)
        ]
        for row, group in zip(networks, students)
    ]
    return TrainResult(
        networks=networks,
        nmse=nmse,
        excess_nmse=excess_nmse,
        certificate=cert,
        least_squares_nmse=ls_nmse,
        history_epochs=history_epochs,
        history_nmse=history,
    )
