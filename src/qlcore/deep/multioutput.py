"""Multi-output QL networks with a shared hidden layer (Kazemipour et al., Theorem 3.2, App. E).

A network of width ``k`` with ``M`` outputs on inputs ``x in R^d`` computes (eq. 3.4)

    f_m(x) = sum_j lam_mj (q_j^T x)^2 + alpha_m ||x||^2 = (Q diag(lam_m) Q^T + alpha_m I) . x x^T,

``m = 1..M``, with one ``Q = [q_1 .. q_k] in R^{d x k}`` for all outputs, ``lam`` of shape
``(M, k)`` and ``alpha`` of shape ``(M,)``, and is trained on

    L = (1/(MN)) sum_{m,n} (y_nm - f_m(x_n))^2                                      (eq. 3.4)

in one of three variants (:data:`VARIANTS`):

* ``"added-norm"``: ``alpha`` trained, random start as PyTorch's ``nn.Linear`` default
  (:func:`random_start`). Theorem 3.2 / E.1: for ``k >= M d``, gradient descent from a random
  absolutely continuous start reaches a global minimum with probability 1.
* ``"block-orthogonality"``: Theorem E.2's network and penalty (eq. E.4). The units are split
  into blocks ``I_b`` of ``d`` consecutive columns of ``Q``; output ``m`` uses only the units of
  block ``m`` (``lam_mj = 0`` for ``j`` outside ``I_m``, kept so by a fixed mask), ``alpha = 0``,
  and the loss adds ``gamma sum_b ||Q_b Q_b^T - I_d||_F^2``. Start: ``lam = 0``,
  ``Q = [I I .. I]`` (:func:`block_start`). For ``k < M d`` the last outputs have a partial block
  or none (they output 0); units after the ``M``-th block belong to no output. The theorem needs
  ``gamma > (1/(MN)) sum y^2``; we take twice that, ``gamma = 2 (1/(MN)) sum y^2``
  (:func:`block_penalty_weight`). (With every output using all units instead, the equal blocks
  of the start would stay equal, the fit and penalty gradients being the same for each, and the
  outputs would be confined to one shared ``d x d`` matrix ``Q_1``: E.4 separates the blocks.)
* ``"fixed-units"``: Lemma E.1. The ``d(d+1)/2`` units ``q_ij = e_i + e_j`` (``i <= j``,
  :func:`fixed_pair_units`) have ``q q^T`` spanning the symmetric matrices, so with ``Q`` frozen
  and ``alpha = 0`` the loss is a linear least squares in ``lam`` and Adam on ``lam`` alone
  reaches the global optimum.

Global optimum: each output's loss is that of a single-output network, so the optimum is the
lifted least squares of each ``y_m`` on the quadratic features (eq. 2.5; the norm feature adds
nothing, ``||x||^2`` being itself a quadratic form) and the optimum NMSE is
``sum_{m,n} r_nm^2 / sum y^2`` with ``r`` its residuals (:func:`per_output_least_squares`).
A network is a global minimiser iff ``sum_n r_nm X_n = 0`` for every output ``m`` (Lemma C.1 per
output); :func:`certificate` returns ``max_m ||sum_n r_nm X_n||_F / ||sum_n y_nm X_n||_F``.

Training (:func:`train_multioutput`) is in the lifted form of :mod:`qlcore.model.train`: in the
symmetric coordinates ``a_m`` of ``A_m = Q diag(lam_m) Q^T + alpha_m I``
(:mod:`qlcore.model.moments`),

    L = mean_m [L*_m + (a_m - a*_m)^T H (a_m - a*_m)],    H = mean_n f_n f_n^T,

with ``a*_m`` the least-squares coordinates of output ``m`` and ``L*_m`` their loss: the data
enter only through ``H`` and ``a*``. Networks of different widths are padded with zero units: a
unit with ``q_j = 0`` and ``lam_.j = 0`` has zero gradient in the fit and in the penalty
(``4 (Q_b Q_b^T - I) q_j = 0``), so it stays zero under Adam and a whole sweep point trains as
one batch; blocks made only of padding are left out of the penalty. Adam acts elementwise and
the loss is a sum over networks, so a batch trains as each network would on its own.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import torch

from qlcore.deep.train import (
    ADAM_BETAS,
    DTYPES,
    _progress_bar,
    _record_epochs,
    _torch_thread_count,
)
from qlcore.infra.checks import (
    InputError,
    as_matrix,
    as_vector,
    check_budget,
    check_choice,
    check_device,
    check_positive_int,
    check_real,
    check_rng,
)
from qlcore.infra.threads import torch_threads
from qlcore.model.moments import coordinate_weights, n_coordinates, quadratic_features

VARIANTS = ("added-norm", "block-orthogonality", "fixed-units")


@dataclass(frozen=True)
class MultiOutputNetwork:
    """Weights of one multi-output QL network: ``lam`` (M, k), ``q`` (d, k), ``alpha`` (M,)
    (``None``: zeros). Width ``k = 0`` is allowed (``q`` of shape ``(d, 0)``)."""

    lam: np.ndarray
    q: np.ndarray
    alpha: np.ndarray | None = None

    def __post_init__(self):
        q = as_matrix(self.q, "q", empty_ok=True)
        lam = as_matrix(self.lam, "lam", empty_ok=True)
        if q.shape[0] == 0:
            raise InputError(f"q must have at least one row (d >= 1), got {q.shape}", argument="q")
        if lam.shape[0] == 0 or lam.shape[1] != q.shape[1]:
            raise InputError(
                f"lam must have one row per output (M >= 1) and one column per column of q "
                f"(the width k = {q.shape[1]}), got shape {lam.shape}",
                argument="lam",
            )
        outputs = lam.shape[0]
        alpha = np.zeros(outputs) if self.alpha is None else self.alpha
        object.__setattr__(self, "q", q)
        object.__setattr__(self, "lam", lam)
        object.__setattr__(self, "alpha", as_vector(alpha, "alpha", length=outputs))

    @property
    def dim(self) -> int:
        """The input dimension ``d``."""
        return self.q.shape[0]

    @property
    def width(self) -> int:
        """The number of hidden units ``k``."""
        return self.q.shape[1]

    @property
    def outputs(self) -> int:
        """The number of outputs ``M``."""
        return self.lam.shape[0]

    def matrices(self) -> np.ndarray:
        """``A_m = Q diag(lam_m) Q^T + alpha_m I`` for every output: (M, d, d)."""
        return np.einsum("ak,mk,bk->mab", self.q, self.lam, self.q) + self.alpha[
            :, None, None
        ] * np.eye(self.dim)

    def predict(self, x) -> np.ndarray:
        """``f_m(x_n) = sum_j lam_mj (q_j^T x_n)^2 + alpha_m ||x_n||^2`` per sample in float64:
        (N, M) for ``x`` (N, d)."""
        x = as_matrix(x, "x", cols=self.dim)
        check_budget(
            "the predictions",
            argument="x",
            nbytes=8.0 * x.shape[0] * (self.width + self.outputs),
            fix="predict on fewer samples at a time",
        )
        return (x @ self.q) ** 2 @ self.lam.T + np.sum(x**2, axis=1)[:, None] * self.alpha

    def block_penalty(self) -> float:
        """``sum_b ||Q_b Q_b^T - I_d||_F^2`` over the blocks of ``d`` columns of ``Q`` (the last
        one partial if ``d`` does not divide ``k``), Theorem E.2."""
        total = 0.0
        for start in range(0, self.width, self.dim):
            block = self.q[:, start : start + self.dim]
            total += float(np.sum((block @ block.T - np.eye(self.dim)) ** 2))
        return total


def _check_shape(dim, width, outputs) -> tuple[int, int, int]:
    dim = check_positive_int(dim, "dim")
    width = check_positive_int(width, "width", minimum=0)
    outputs = check_positive_int(outputs, "outputs")
    check_budget(
        "the weights",
        argument="width",
        nbytes=8.0 * (dim + outputs) * width,
        fix="use fewer units or outputs",
    )
    return dim, width, outputs


def random_start(dim: int, width: int, outputs: int, rng: np.random.Generator):
    """Random start of the added-norm variant, PyTorch's ``nn.Linear`` default as the authors'
    code: ``Q^T`` uniform on ``+-1/sqrt(d)``, ``lam`` uniform on ``+-1/sqrt(k)``, ``alpha = 0``."""
    dim, width, outputs = _check_shape(dim, width, outputs)
    rng = check_rng(rng)
    q = rng.uniform(-1.0, 1.0, size=(dim, width)) / np.sqrt(dim)
    lam = rng.uniform(-1.0, 1.0, size=(outputs, width)) / np.sqrt(max(width, 1))
    return MultiOutputNetwork(lam=lam, q=q)


def block_start(dim: int, width: int, outputs: int) -> MultiOutputNetwork:
    """Start of Theorem E.2: ``lam = 0``, ``alpha = 0``, ``Q = [I I .. I]`` cut to ``width``
    columns (column ``j`` is ``e_{j mod d}``)."""
    dim, width, outputs = _check_shape(dim, width, outputs)
    q = np.tile(np.eye(dim), (1, -(-width // dim)))[:, :width]
    return MultiOutputNetwork(lam=np.zeros((outputs, width)), q=q)


def fixed_pair_units(dim: int) -> np.ndarray:
    """The ``d(d+1)/2`` units ``q_ij = e_i + e_j`` (``i <= j``, ``np.triu_indices`` order) of
    Lemma E.1, whose ``q q^T`` span the symmetric matrices: ``q`` of shape (d, d(d+1)/2)."""
    dim = check_positive_int(dim, "dim")
    check_budget(
        "the fixed units", argument="dim", nbytes=8.0 * dim**3, fix="use fewer input dimensions"
    )
    rows, cols = np.triu_indices(dim)
    q = np.zeros((dim, len(rows)))
    columns = np.arange(len(rows))
    q[rows, columns] += 1.0
    q[cols, columns] += 1.0
    return q


def check_targets(x, y) -> tuple[np.ndarray, np.ndarray]:
    """Validate a multi-output data set: ``x`` (N, d), ``y`` (N, M) with ``sum y^2 > 0``."""
    x = as_matrix(x, "x")
    y = as_matrix(y, "y")
    if y.shape[0] != x.shape[0]:
        raise InputError(
            f"y must have one row per sample of x ({x.shape[0]}), got shape {y.shape}; a single "
            "output is y.reshape(-1, 1)",
            argument="y",
        )
    if not np.any(y):
        raise InputError("y must not be all zeros (the NMSE divides by sum y^2)", argument="y")
    return x, y


def block_penalty_weight(y) -> float:
    """``gamma = 2 (1/(MN)) sum y^2``: twice the bound of Theorem E.2."""
    y = as_matrix(y, "y")
    return 2.0 * float(np.mean(y**2))


def per_output_least_squares(x, y) -> tuple[np.ndarray, float]:
    """The global optimum: least squares of each output on the quadratic features (eq. 2.5).

    Returns ``(matrices, nmse)``: the symmetric minimisers ``A*_m`` (M, d, d) (minimum-norm
    ones if not unique) and ``sum_{m,n} r_nm^2 / sum y^2``."""
    x, y = check_targets(x, y)
    dim, n = x.shape[1], x.shape[0]
    p = n_coordinates(dim)
    check_budget(
        "least squares on the quadratic features of x",
        argument="x",
        nbytes=8.0 * (3 * n * p + y.size),
        flops=4.0 * n * p * (min(n, p) + y.shape[1]),
        fix="use fewer input dimensions or samples",
    )
    coords, *_ = np.linalg.lstsq(quadratic_features(x), y, rcond=None)
    rows, cols = np.triu_indices(dim)
    matrices = np.zeros((y.shape[1], dim, dim))
    matrices[:, rows, cols] = coords.T
    matrices[:, cols, rows] = coords.T
    residuals = y - quadratic_features(x) @ coords
    return matrices, float(np.sum(residuals**2) / np.sum(y**2))


def certificate(x, y, predictions) -> float:
    """``max_m ||sum_n r_nm X_n||_F / ||sum_n y_nm X_n||_F`` with ``r = y - predictions``
    (Lemma C.1 per output), per sample in float64: zero exactly at a global minimiser."""
    x, y = check_targets(x, y)
    predictions = as_matrix(predictions, "predictions", rows=y.shape[0], cols=y.shape[1])
    check_budget(
        "the certificate",
        argument="x",
        nbytes=8.0 * (x.shape[0] * x.shape[1] + y.shape[1] * x.shape[1] ** 2),
        fix="use fewer samples or input dimensions",
    )

    def moments(weights):
        return np.linalg.norm(np.einsum("nm,ni,nj->mij", weights, x, x), axis=(1, 2))

    scale = moments(y)
    if np.any(scale == 0.0):
        raise InputError(
            "y: sum_n y_nm X_n is zero for some output m, so its certificate has no scale; use "
            "targets that are not orthogonal to every quadratic form",
            argument="y",
        )
    return float(np.max(moments(y - predictions) / scale))


class _LiftedMultiOutput:
    """The lifted loss of a batch of multi-output networks on one data set (module docstring).

    Tensors carry a leading batch axis: ``q`` (R, d, K), ``lam`` (R, M, K), ``alpha`` (R, M).
    :meth:`fit` is eq. 3.4's loss per network; :meth:`penalty` the block penalty of Theorem E.2
    over the blocks a mask (:meth:`block_mask`) keeps.
    """

    def __init__(self, x, y, *, dtype, device):
        x, y = check_targets(x, y)
        matrices, self.optimum_nmse = per_output_least_squares(x, y)
        self.dim, self.outputs = x.shape[1], y.shape[1]
        features = quadratic_features(x)
        rows, cols = np.triu_indices(self.dim)
        self.mean_square = float(np.mean(y**2))

        def as_tensor(array):
            return torch.as_tensor(np.asarray(array), dtype=dtype, device=device)

        self.hessian = as_tensor(features.T @ features / x.shape[0])
        self.optimum = as_tensor(matrices[:, rows, cols])
        self.optimal_loss = self.optimum_nmse * self.mean_square  # mean_m L*_m
        self.rows = torch.as_tensor(rows, device=device)
        self.cols = torch.as_tensor(cols, device=device)
        self.diagonal = as_tensor(coordinate_weights(self.dim) == 1.0)
        self.eye = as_tensor(np.eye(self.dim))

    def coefficients(self, q, lam, alpha):
        """Symmetric coordinates ``a_m`` of ``A_m = Q diag(lam_m) Q^T + alpha_m I``: (R, M, p)."""
        products = q.index_select(1, self.rows) * q.index_select(1, self.cols)  # (R, p, K)
        return lam @ products.transpose(1, 2) + alpha.unsqueeze(-1) * self.diagonal

    def fit(self, q, lam, alpha):
        """``(1/(MN)) sum_{m,n} (y_nm - f_m(x_n))^2`` per network: (R,)."""
        excess = self.coefficients(q, lam, alpha) - self.optimum
        return self.optimal_loss + ((excess @ self.hessian) * excess).sum(-1).mean(-1)

    def block_mask(self, widths, padded_width: int):
        """(R, B) mask of the blocks of ``d`` columns (``B = padded_width / d``) that hold units of
        each network of width ``widths[r]`` (blocks of padding only are left out)."""
        blocks = torch.arange(padded_width // self.dim, device=self.eye.device)
        counts = torch.as_tensor([-(-k // self.dim) for k in widths], device=self.eye.device)
        return (blocks < counts[:, None]).to(self.eye.dtype)

    def penalty(self, q, mask):
        """``sum_b mask_b ||Q_b Q_b^T - I_d||_F^2`` per network: (R,). ``K`` must be a multiple
        of ``d``."""
        blocks = q.reshape(q.shape[0], self.dim, -1, self.dim).transpose(1, 2)  # (R, B, d, d)
        gram = blocks @ blocks.transpose(-1, -2)
        return (((gram - self.eye) ** 2).sum((-1, -2)) * mask).sum(-1)


@dataclass(frozen=True)
class MultiOutputResult:
    """Trained networks and their errors.

    ``nmse`` (R,) is ``sum_{m,n} r_nm^2 / sum y^2`` of each trained network and ``certificate``
    (R,) its :func:`certificate`, both recomputed per sample in float64; ``optimum_nmse`` the
    global optimum (:func:`per_output_least_squares`). ``history_nmse`` (T, R) is the NMSE of the
    training loss (fit term only) at epochs ``history_epochs`` (T,).
    """

    networks: list[MultiOutputNetwork]
    nmse: np.ndarray
    certificate: np.ndarray
    optimum_nmse: float
    history_epochs: np.ndarray
    history_nmse: np.ndarray


def _check_starts(starts, x, y, variant: str) -> list[MultiOutputNetwork]:
    if not isinstance(starts, (list, tuple)) or len(starts) == 0:
        raise InputError(
            "starts must be a non-empty list of MultiOutputNetwork (one per network to train)",
            argument="starts",
        )
    if not all(isinstance(s, MultiOutputNetwork) for s in starts):
        raise InputError("starts must hold MultiOutputNetwork objects only", argument="starts")
    if {s.dim for s in starts} != {x.shape[1]}:
        raise InputError(
            f"starts must all have input dimension d = {x.shape[1]} (the columns of x), got "
            f"{sorted({s.dim for s in starts})}",
            argument="starts",
        )
    if {s.outputs for s in starts} != {y.shape[1]}:
        raise InputError(
            f"starts must all have M = {y.shape[1]} outputs (the columns of y), got "
            f"{sorted({s.outputs for s in starts})}",
            argument="starts",
        )
    if variant != "added-norm" and any(np.any(s.alpha) for s in starts):
        raise InputError(
            f"starts: the {variant} variant keeps alpha = 0; start from alpha = 0 (block_start, "
            "or MultiOutputNetwork(lam, q) for fixed units)",
            argument="starts",
        )
    return list(starts)


def _stack(starts, width: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``q`` (R, d, K), ``lam`` (R, M, K), ``alpha`` (R, M), padded with zero units to ``K``."""
    n, dim, outputs = len(starts), starts[0].dim, starts[0].outputs
    q, lam = np.zeros((n, dim, width)), np.zeros((n, outputs, width))
    for r, start in enumerate(starts):
        q[r, :, : start.width] = start.q
        lam[r, :, : start.width] = start.lam
    return q, lam, np.stack([s.alpha for s in starts])


def train_multioutput(
    x,
    y,
    starts,
    *,
    epochs: int,
    lr: float = 1e-3,
    variant: str = "added-norm",
    dtype: str = "float32",
    device: str = "cpu",
    record_every: int = 1000,
    threads: int | None = None,
    progress: bool | None = None,
) -> MultiOutputResult:
    """Train the networks ``starts`` (any widths) on ``x`` (N, d), ``y`` (N, M) by full-batch Adam.

    ``variant`` (:data:`VARIANTS`, module docstring) says what is trained: ``q``, ``lam`` and
    ``alpha`` (``"added-norm"``); ``q`` and ``lam`` with the block penalty at
    :func:`block_penalty_weight` and ``alpha = 0`` (``"block-orthogonality"``); ``lam`` alone
    with ``q`` frozen at the starts' units and ``alpha = 0`` (``"fixed-units"``, Lemma E.1 for the
    units of :func:`fixed_pair_units`). Adam is ``torch.optim.Adam(fused=True)`` with PyTorch's
    defaults and step ``lr``, in ``dtype``; ``threads`` torch threads on CPU (default one,
    :func:`qlcore.infra.threads.torch_threads`); ``device="cuda"`` trains on a GPU. A tqdm bar
    shows progress unless ``progress=False`` or ``TQDM_DISABLE=1``.
    """
    x, y = check_targets(x, y)
    variant = check_choice(variant, "variant", VARIANTS)
    starts = _check_starts(starts, x, y, variant)
    epochs = check_positive_int(epochs, "epochs", minimum=0)
    lr = check_real(lr, "lr", positive=True)
    record_every = check_positive_int(record_every, "record_every")
    check_choice(dtype, "dtype", tuple(DTYPES))
    torch_device = torch.device(check_device(device))
    threads = torch_threads(threads, available=torch.get_num_threads())
    dim, outputs = x.shape[1], y.shape[1]
    width = max(s.width for s in starts)
    if variant == "block-orthogonality":
        width = dim * math.ceil(width / dim)  # whole blocks for the penalty
    p = n_coordinates(dim)
    check_budget(
        "training",
        argument="epochs",
        flops=6.0 * epochs * len(starts) * outputs * p * (width + p),
        nbytes=8.0 * len(starts) * (4 * (dim + outputs) * width + (epochs // record_every + 2)),
        fix="train for fewer epochs, fewer or narrower networks, or record less often",
    )
    lifted = _LiftedMultiOutput(x, y, dtype=DTYPES[dtype], device=torch_device)
    q, lam, alpha = (
        torch.as_tensor(a, dtype=DTYPES[dtype], device=torch_device) for a in _stack(starts, width)
    )
    trained = {"added-norm": [q, lam, alpha], "block-orthogonality": [q, lam]}.get(variant, [lam])
    for param in trained:
        param.requires_grad_()
    optimizer = torch.optim.Adam(trained, lr=lr, betas=ADAM_BETAS, fused=True)
    gamma = block_penalty_weight(y) if variant == "block-orthogonality" else 0.0
    mask = lifted.block_mask([s.width for s in starts], width) if gamma else None
    owner = np.arange(width) // dim  # the block of each unit
    own_units = (
        torch.as_tensor(owner[None, :] == np.arange(outputs)[:, None], dtype=q.dtype).to(q.device)
        if gamma
        else 1.0
    )  # (M, K): output m uses block m only (eq. E.4)
    history_epochs = _record_epochs(epochs, record_every)
    history = np.zeros((len(history_epochs), len(starts)))
    bar = _progress_bar(epochs, f"training {len(starts)} {variant} networks", progress)
    with _torch_thread_count(threads, torch_device), bar:
        record = 0
        for epoch in range(epochs + 1):
            fit = lifted.fit(q, lam * own_units, alpha)
            if epoch == history_epochs[record]:
                history[record] = fit.detach().double().cpu().numpy() / lifted.mean_square
                record += 1
            if epoch == epochs:
                break
            optimizer.zero_grad(set_to_none=True)
            loss = fit + gamma * lifted.penalty(q, mask) if gamma else fit
            loss.sum().backward()
            optimizer.step()
            bar.update(1)
    q, lam, alpha = (t.detach().double().cpu().numpy() for t in (q, lam, alpha))
    networks = [
        MultiOutputNetwork(lam=lam[r, :, : s.width], q=q[r, :, : s.width], alpha=alpha[r])
        for r, s in enumerate(starts)
    ]
    predictions = [net.predict(x) for net in networks]
    total = float(np.sum(y**2))
    return MultiOutputResult(
        networks=networks,
        nmse=np.array([float(np.sum((y - f) ** 2)) / total for f in predictions]),
        certificate=np.array([certificate(x, y, f) for f in predictions]),
        optimum_nmse=lifted.optimum_nmse,
        history_epochs=history_epochs,
        history_nmse=history,
    )
