"""Deep linear networks: the risk (1.29), gradient descent, the scalar saddle (1.31) and a census
of critical points (Theorem 1.4, Kawaguchi 2016; Vidal, Zhu and Haeffele §1.3.2).

The network ``f(x) = W_L ... W_1 x`` has weights ``W_l`` of shape ``n_l x n_{l-1}`` (``weights``
is the list ``[W_1, ..., W_L]``, ``widths`` the tuple ``(n_0, ..., n_L)``). With ``W = W_L ... W_1``
and the moments of :class:`~qlcore.homogeneous.critical_points.Covariances`,

    R(W_1, ..., W_L) = tr(Syy - 2 Syx W^T + W Sxx W^T),                                 (1.29)
    dR/dW_l = -2 (W_L ... W_{l+1})^T (Syx - W Sxx) (W_{l-1} ... W_1)^T.

Every product has rank at most ``r = min_l n_l``, so the smallest risk is that of the best
rank-``r`` map, ``tr Syy - (sum of the r largest eigenvalues of Sigma = Syx Sxx^{-1} Sxy)``: the
``J = [r]`` point of Theorem 1.2 for the end-to-end map
(:func:`~qlcore.homogeneous.critical_points.optimal_risk`).

**Theorem 1.4** (``Sxx``, ``Sxy`` of full rank, ``n_L <= n_0``, ``Sigma`` of full rank with
distinct eigenvalues). Every local minimum is global and every other critical point a saddle; a
saddle where ``rank(W_{L-1} ... W_2) = min_{1 <= l <= L-1} n_l`` is strict; one of smaller rank may
not be. :func:`census` builds critical points of both kinds and :func:`classify` decides each from
the exact Hessian, and where that is inconclusive (positive semidefinite, not global) by probing
the Hessian's null space for a direction along which the risk decreases at higher order.

**The scalar example** (1.31), ``L = 3`` and all widths 1:
``R = syy - 2 syx w1 w2 w3 + sxx (w1 w2 w3)^2``. At 0 the gradient and the Hessian vanish (every
monomial has degree >= 3), yet along ``d = (1, 1, sign syx) / sqrt 3``
``R(t d) = syy - 2 |syx| t^3 / 3^{3/2} + sxx t^6 / 27`` decreases for small ``t > 0``: the origin is
a non-strict saddle, found by the third derivative ``D^3 R(0)[d, d, d] = -12 syx d1 d2 d3``
(:func:`scalar_saddle`).
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

import numpy as np
import torch
from threadpoolctl import threadpool_limits
from torch.func import hessian as torch_hessian
from torch.func import jacfwd

from qlcore.homogeneous.critical_points import (
    check_covariances,
    optimal_risk,
    spectrum,
)
from qlcore.infra.checks import (
    MAX_ENTRY,
    InputError,
    as_matrix,
    check_budget,
    check_positive_int,
    check_real,
    check_seed,
    rng_from_seed,
)

KINDS = (
    "global minimum",
    "strict saddle",
    "non-strict saddle",
    "spurious local minimum",
    "undecided",
    "not critical",
)
"""How :func:`classify` names a point."""
PROBE_STEPS = np.concatenate([np.geomspace(1e-3, 1e-1, 5), -np.geomspace(1e-3, 1e-1, 5)])
"""Step lengths (times the weights' scale) of the higher-order probe of :func:`classify`."""
DIVERGED = 1e100
"""A risk above this times ``max(1, tr Syy)`` means gradient descent diverged."""


def _check_weights(cov, weights) -> list[np.ndarray]:
    if isinstance(weights, np.ndarray) and weights.ndim == 3:
        weights = list(weights)
    if not isinstance(weights, (list, tuple)) or len(weights) == 0:
        raise InputError(
            f"weights must be a non-empty list of matrices [W_1, ..., W_L], got "
            f"{type(weights).__name__}",
            argument="weights",
        )
    checked, previous = [], cov.n0
    for index, matrix in enumerate(weights):
        checked.append(as_matrix(matrix, f"weights[{index}]", cols=previous))
        previous = checked[-1].shape[0]
    if previous != cov.n2:
        raise InputError(
            f"weights: the last layer must have n2 = {cov.n2} rows (the outputs), got {previous}",
            argument="weights",
        )
    return checked


def _check_widths(cov, widths, *, layers: int = 1) -> tuple[int, ...]:
    if isinstance(widths, (str, bytes)) or not hasattr(widths, "__len__"):
        raise InputError(
            f"widths must be a sequence (n_0, ..., n_L), got {widths!r}", argument="widths"
        )
    widths = tuple(check_positive_int(n, "widths") for n in widths)
    if len(widths) < layers + 1 or widths[0] != cov.n0 or widths[-1] != cov.n2:
        raise InputError(
            f"widths must be (n_0, ..., n_L) with at least {layers} layer(s), n_0 = {cov.n0} "
            f"inputs and n_L = {cov.n2} outputs, got {widths}",
            argument="widths",
        )
    return widths


def _product(weights: list[np.ndarray]) -> np.ndarray:
    product = weights[0]
    for matrix in weights[1:]:
        product = matrix @ product
    return product


def _risk_of_product(cov, product: np.ndarray) -> float:
    return float(
        np.trace(cov.syy) - 2 * np.sum(cov.syx * product) + np.sum((product @ cov.sxx) * product)
    )


def risk(cov, weights) -> float:
    """``R`` of (1.29) at ``weights = [W_1, ..., W_L]``."""
    cov = check_covariances(cov)
    return _risk_of_product(cov, _product(_check_weights(cov, weights)))


def gradient(cov, weights) -> list[np.ndarray]:
    """``[dR/dW_1, ..., dR/dW_L]`` in closed form (module docstring)."""
    cov = check_covariances(cov)
    weights = _check_weights(cov, weights)
    residual = cov.syx - _product(weights) @ cov.sxx
    gradients = []
    for index in range(len(weights)):
        below = _product(weights[:index]) if index else np.eye(cov.n0)
        above = _product(weights[index + 1 :]) if index + 1 < len(weights) else np.eye(cov.n2)
        gradients.append(-2 * above.T @ residual @ below.T)
    return gradients


def _torch_risk(cov, shapes: list[tuple[int, int]]):
    """``R`` as a function of ``theta = (vec W_1, ..., vec W_L)`` (row-major), float64 torch."""
    sxx, syx, syy = (torch.as_tensor(m, dtype=torch.float64) for m in (cov.sxx, cov.syx, cov.syy))
    bounds = np.cumsum([0] + [rows * cols for rows, cols in shapes])

    def objective(theta):
        product = theta[bounds[0] : bounds[1]].reshape(shapes[0])
        for (start, stop), shape in zip(itertools.pairwise(bounds[1:]), shapes[1:]):
            product = theta[start:stop].reshape(shape) @ product
        return torch.trace(syy) - 2 * torch.sum(syx * product) + torch.sum(product @ sxx * product)

    return objective


def hessian(cov, weights) -> np.ndarray:
    """The exact Hessian of ``R`` (``torch.func``, float64) in the coordinates
    ``theta = (vec W_1, ..., vec W_L)`` (row-major)."""
    cov = check_covariances(cov)
    weights = _check_weights(cov, weights)
    size = sum(w.size for w in weights)
    check_budget(
        "the Hessian",
        argument="weights",
        nbytes=24.0 * size**2,
        flops=50.0 * size**2 * sum(w.size for w in weights),
        fix="use narrower layers",
    )
    theta = torch.as_tensor(np.concatenate([w.ravel() for w in weights]), dtype=torch.float64)
    matrix = torch_hessian(_torch_risk(cov, [w.shape for w in weights]))(theta).numpy()
    return (matrix + matrix.T) / 2


@dataclass(frozen=True)
class DescentRuns:
    """Result of :func:`gradient_descent`: the ``widths``; ``optimum``, the smallest risk of a
    product of these widths; per start, the ``final_risk``, the ``steps`` at which
    ``risk - optimum <= tol * tr Syy`` first held (-1 if never) and whether it did
    (``reached``); ``fraction``, the fraction of starts that reached the optimum."""

    widths: tuple[int, ...]
    optimum: float
    final_risk: np.ndarray
    steps: np.ndarray
    reached: np.ndarray
    fraction: float


def _descent_settings(n_starts, step, max_steps, init_scale, tol):
    return (
        check_positive_int(n_starts, "n_starts"),
        check_real(step, "step", positive=True, maximum=MAX_ENTRY),
        check_positive_int(max_steps, "max_steps"),
        check_real(init_scale, "init_scale", positive=True, maximum=MAX_ENTRY),
        check_real(tol, "tol", positive=True),
    )


def gradient_descent(
    cov,
    widths,
    *,
    n_starts: int = 8,
    step: float = 0.01,
    max_steps: int = 5000,
    init_scale: float = 0.1,
    tol: float = 1e-6,
    seed=0,
) -> DescentRuns:
    """Gradient descent ``W_l <- W_l - step dR/dW_l`` on (1.29) from ``n_starts`` random starts
    with i.i.d. ``N(0, init_scale^2)`` entries, for at most ``max_steps`` steps (it stops early
    when every start is within ``tol * tr Syy`` of the optimum). Divergence (a too large ``step``
    or ``init_scale``) is an InputError naming ``step``."""
    cov = check_covariances(cov)
    widths = _check_widths(cov, widths)
    n_starts, step, max_steps, init_scale, tol = _descent_settings(
        n_starts, step, max_steps, init_scale, tol
    )
    widest = max(widths)
    check_budget(
        "gradient descent",
        argument="max_steps",
        flops=8.0 * max_steps * n_starts * len(widths) * widest**3,
        nbytes=8.0 * 4 * n_starts * len(widths) * widest**2,
        fix="use fewer starts or steps, or narrower layers",
    )
    rng = rng_from_seed(seed)
    weights = [
        init_scale * rng.standard_normal((n_starts, rows, cols))
        for cols, rows in itertools.pairwise(widths)
    ]
    optimum = optimal_risk(cov, min(widths))
    base = float(np.trace(cov.syy))
    threshold = tol * max(base, np.finfo(float).tiny)
    steps = np.full(n_starts, -1)
    with threadpool_limits(limits=1, user_api="blas"), np.errstate(all="ignore"):
        for iteration in range(max_steps + 1):
            values, gradients = _batched_risk_and_gradient(cov, weights)
            if not np.all(np.isfinite(values)) or values.max() > DIVERGED * max(1.0, base):
                raise InputError(
                    f"step = {step:g} (with init_scale = {init_scale:g}) made gradient descent "
                    f"diverge at step {iteration}; use a smaller step or init_scale",
                    argument="step",
                )
            newly = (steps < 0) & (values - optimum <= threshold)
            steps[newly] = iteration
            if np.all(steps >= 0) or iteration == max_steps:
                break
            weights = [w - step * g for w, g in zip(weights, gradients)]
    reached = steps >= 0
    return DescentRuns(
        widths=widths,
        optimum=optimum,
        final_risk=values,
        steps=steps,
        reached=reached,
        fraction=float(reached.mean()),
    )


def _batched_risk_and_gradient(cov, weights: list[np.ndarray]):
    """Risks (S,) and gradients of a batch of networks (each ``W_l`` of shape (S, n_l, n_{l-1}))."""
    below = [np.broadcast_to(np.eye(cov.n0), (weights[0].shape[0], cov.n0, cov.n0))]
    for matrix in weights:
        below.append(matrix @ below[-1])
    above = [np.broadcast_to(np.eye(cov.n2), (weights[0].shape[0], cov.n2, cov.n2))]
    for matrix in weights[:0:-1]:
        above.append(above[-1] @ matrix)
    above = above[::-1]  # above[l] = W_L ... W_{l+2} (0-based layer l)
    product = below[-1]
    values = (
        np.trace(cov.syy)
        - 2 * np.einsum("ij,sij->s", cov.syx, product)
        + np.einsum("sij,sij->s", product @ cov.sxx, product)
    )
    residual = cov.syx - product @ cov.sxx
    gradients = [
        -2 * np.swapaxes(above[index], -1, -2) @ residual @ np.swapaxes(below[index], -1, -2)
        for index in range(len(weights))
    ]
    return values, gradients


@dataclass(frozen=True)
class DepthSweep:
    """Result of :func:`success_by_depth`: per depth ``L`` (``depths``), the ``optimum`` (the
    same for every ``L >= 2`` when the hidden width is the bottleneck), the ``fraction`` of starts
    that reached it and the gaps ``final_risk - optimum`` (depths x starts)."""

    depths: np.ndarray
    optimum: np.ndarray
    fraction: np.ndarray
    final_gap: np.ndarray


def success_by_depth(
    cov,
    depths,
    width,
    *,
    n_starts: int = 8,
    step: float = 0.01,
    max_steps: int = 5000,
    init_scale: float = 0.1,
    tol: float = 1e-6,
    seed=0,
) -> DepthSweep:
    """:func:`gradient_descent` for each depth ``L`` in ``depths`` with ``L - 1`` hidden layers of
    ``width`` units (widths ``(n0, width, ..., width, n2)``), the starts of depth ``L`` drawn from
    the seed ``[seed, L]``. Small starts sit near the origin, a saddle of order ``L``: the
    deeper the network, the longer descent takes to leave it."""
    cov = check_covariances(cov)
    if isinstance(depths, (str, bytes)) or not hasattr(depths, "__len__") or len(depths) == 0:
        raise InputError(
            f"depths must be a non-empty list of depths, got {depths!r}", argument="depths"
        )
    depths = [check_positive_int(depth, "depths") for depth in depths]
    width = check_positive_int(width, "width")
    runs = [
        gradient_descent(
            cov,
            (cov.n0,) + (width,) * (depth - 1) + (cov.n2,),
            n_starts=n_starts,
            step=step,
            max_steps=max_steps,
            init_scale=init_scale,
            tol=tol,
            seed=[check_seed(seed), depth],
        )
        for depth in depths
    ]
    return DepthSweep(
        depths=np.array(depths),
        optimum=np.array([run.optimum for run in runs]),
        fraction=np.array([run.fraction for run in runs]),
        final_gap=np.array([run.final_risk - run.optimum for run in runs]),
    )


@dataclass(frozen=True)
class ScalarSaddle:
    """The origin of the scalar example (1.31), computed by :func:`scalar_saddle`.

    ``hessian`` (3 x 3) and ``third_derivative`` (3 x 3 x 3) of ``R`` at 0 (``torch.func``);
    ``direction`` ``d`` (unit) with ``R(t d) = syy + cubic_coefficient t^3 + O(t^6)``,
    ``cubic_coefficient = D^3 R(0)[d, d, d] / 6 < 0``; the risk ``risk_along`` at ``t``; its
    minimiser ``minimum_t`` along ``d`` and the minimum ``minimum_risk = syy - syx^2 / sxx``, the
    global minimum of (1.31)."""

    hessian: np.ndarray
    third_derivative: np.ndarray
    direction: np.ndarray
    cubic_coefficient: float
    t: np.ndarray
    risk_along: np.ndarray
    minimum_t: float
    minimum_risk: float


def scalar_saddle(
    sxx: float = 1.0, syx: float = 1.0, syy: float = 1.0, *, n_points: int = 101
) -> ScalarSaddle:
    """The non-strict saddle at the origin of (1.31) for scalar moments ``sxx > 0``,
    ``syx != 0`` and ``syy >= syx^2 / sxx`` (a covariance); ``risk_along`` on ``n_points`` values
    of ``t`` in ``[-1.25, 1.25] minimum_t``."""
    sxx = check_real(sxx, "sxx", positive=True, maximum=MAX_ENTRY)
    syx = check_real(syx, "syx", minimum=-MAX_ENTRY, maximum=MAX_ENTRY)
    syy = check_real(syy, "syy", minimum=0.0, maximum=MAX_ENTRY)
    n_points = check_positive_int(n_points, "n_points", minimum=2)
    if syx == 0:
        raise InputError(
            "syx must be non-zero: with syx = 0 Sigma = 0 is not of full rank and the origin is "
            "a global minimum (R = syy + sxx (w1 w2 w3)^2)",
            argument="syx",
        )
    depth = syx**2 / sxx
    if not syy >= depth * (1 - 1e-12):
        raise InputError(
            f"syy must be >= syx^2 / sxx = {depth:.6g} (the moments of a joint law), got {syy}",
            argument="syy",
        )
    moments = torch.tensor([sxx, syx, syy], dtype=torch.float64)

    def objective(w):
        product = w[0] * w[1] * w[2]
        return moments[2] - 2 * moments[1] * product + moments[0] * product**2

    origin = torch.zeros(3, dtype=torch.float64)
    direction = np.array([1.0, 1.0, np.sign(syx)]) / np.sqrt(3.0)
    product = float(np.prod(direction))  # sign(syx) / 3^{3/2}
    minimum_t = float(np.cbrt(syx / (sxx * product)))
    scaled = np.linspace(-1.25, 1.25, n_points)  # t / minimum_t
    return ScalarSaddle(
        hessian=torch_hessian(objective)(origin).numpy(),
        third_derivative=jacfwd(torch_hessian(objective))(origin).numpy(),
        direction=direction,
        cubic_coefficient=-2 * syx * product,
        t=scaled * minimum_t,
        risk_along=syy + depth * (scaled**6 - 2 * scaled**3),
        minimum_t=minimum_t,
        minimum_risk=syy - depth,
    )


@dataclass(frozen=True)
class PointReport:
    """What :func:`classify` finds at one point: ``risk`` and ``optimum``; ``gradient_norm``; the
    smallest Hessian eigenvalue, the numbers of negative and zero ones; ``probe_decrease``, the
    largest decrease of the risk found by the higher-order probe (``None`` if not probed);
    ``middle_rank``, the rank of ``W_{L-1} ... W_2`` (Theorem 1.4's condition; the identity of
    size ``n_1`` when ``L = 2``), ``min_width``, ``min_{1 <= l <= L-1} n_l``; ``product_rank``; and
    the ``kind`` (:data:`KINDS`)."""

    risk: float
    optimum: float
    gradient_norm: float
    hessian_min: float
    n_negative: int
    n_zero: int
    probe_decrease: float | None
    middle_rank: int
    min_width: int
    product_rank: int
    kind: str


def _rank(matrix: np.ndarray, tol: float) -> int:
    singular = np.linalg.svd(matrix, compute_uv=False)
    return int(np.sum(singular > tol * max(1.0, float(singular.max(initial=0.0)))))


def classify(cov, weights, *, seed=0, n_probes: int = 20, tol: float = 1e-8) -> PointReport:
    """Classify ``weights`` (at least two layers) as a point of (1.29).

    ``"not critical"`` if the gradient norm exceeds ``tol`` (relative to the moments' scale);
    ``"strict saddle"`` if the exact Hessian has an eigenvalue below ``-tol`` times its largest;
    ``"global minimum"`` if the risk is the optimum (within ``tol * max(1, tr Syy)``); otherwise
    the Hessian is positive semidefinite and a probe decides: along ``n_probes`` random directions
    of its null space (from ``seed``), steps ``t`` of :data:`PROBE_STEPS` times the weights'
    scale; a decrease of the risk beyond ``tol * max(1, tr Syy)`` makes a ``"non-strict saddle"``
    (the decrease is of order 3 or more); none makes it ``"undecided"`` if the Hessian has zero
    eigenvalues and a ``"spurious local minimum"`` if it is positive definite."""
    cov = check_covariances(cov)
    weights = _check_weights(cov, weights)
    if len(weights) < 2:
        raise InputError("weights must have at least 2 layers (a hidden layer)", argument="weights")
    n_probes = check_positive_int(n_probes, "n_probes")
    tol = check_real(tol, "tol", positive=True)
    rng = rng_from_seed(seed)
    value = risk(cov, weights)
    optimum = optimal_risk(cov, min(w.shape[0] for w in weights[:-1]))
    scale = max(1.0, float(np.abs(np.block([[cov.sxx, cov.sxy], [cov.syx, cov.syy]])).max()))
    weight_scale = max(1.0, max(float(np.abs(w).max()) for w in weights))
    gradient_norm = float(np.sqrt(sum(np.sum(g**2) for g in gradient(cov, weights))))
    eigenvalues, vectors = np.linalg.eigh(hessian(cov, weights))
    zero = tol * max(1.0, float(np.abs(eigenvalues).max()))
    n_negative = int(np.sum(eigenvalues < -zero))
    null = vectors[:, np.abs(eigenvalues) <= zero]
    risk_tol = tol * max(1.0, float(np.trace(cov.syy)))
    probe = None
    if gradient_norm > tol * scale * weight_scale ** len(weights):
        kind = "not critical"
    elif n_negative:
        kind = "strict saddle"
    elif value <= optimum + risk_tol:
        kind = "global minimum"
    else:
        probe = _probe(cov, weights, null, rng, n_probes, weight_scale) - value
        if probe < -risk_tol:
            kind = "non-strict saddle"
        else:
            kind = "undecided" if null.shape[1] else "spurious local minimum"
    middle = weights[1:-1]
    return PointReport(
        risk=value,
        optimum=optimum,
        gradient_norm=gradient_norm,
        hessian_min=float(eigenvalues[0]),
        n_negative=n_negative,
        n_zero=int(null.shape[1]),
        probe_decrease=probe,
        middle_rank=_rank(_product(middle), tol) if middle else weights[0].shape[0],
        min_width=min(w.shape[0] for w in weights[:-1]),
        product_rank=_rank(_product(weights), tol),
        kind=kind,
    )


def _probe(cov, weights, null, rng, n_probes, weight_scale) -> float:
    """The smallest risk at ``theta + t d`` over random unit ``d`` in the columns' span of
    ``null`` and ``t`` in :data:`PROBE_STEPS` times ``weight_scale`` (the risk at ``theta`` when
    ``null`` is empty)."""
    theta = np.concatenate([w.ravel() for w in weights])
    bounds = np.cumsum([0] + [w.size for w in weights])
    best = risk(cov, weights)
    for _ in range(n_probes if null.shape[1] else 0):
        direction = null @ rng.standard_normal(null.shape[1])
        direction /= np.linalg.norm(direction)
        for length in PROBE_STEPS * weight_scale:
            moved = theta + length * direction
            layers = [
                moved[start:stop].reshape(w.shape)
                for (start, stop), w in zip(itertools.pairwise(bounds), weights)
            ]
            best = min(best, _risk_of_product(cov, _product(layers)))
    return best


@dataclass(frozen=True)
class CensusPoint:
    """One critical point of :func:`census`: the index set ``J`` (1-based) of the end-to-end map
    ``Q_J Q_J^T Syx Sxx^{-1}``; ``middle_rank_built``, the rank ``k`` given to every middle layer;
    the ``weights``; ``predicted``, what Theorem 1.4 says (``"global minimum"``,
    ``"strict saddle"`` when the middle rank is full, ``"saddle, maybe non-strict"`` otherwise);
    and the :class:`PointReport` of :func:`classify`."""

    index_set: tuple[int, ...]
    middle_rank_built: int
    weights: tuple[np.ndarray, ...]
    predicted: str
    report: PointReport


def _channel_point(cov, widths, indices, rank, q, inverse) -> list[np.ndarray]:
    """Weights of the end-to-end map ``Q_J Q_J^T Syx Sxx^{-1}`` sent through ``|J|`` channels:
    ``W_L = [Q_J, 0]``, ``W_1 = [Q_J^T Syx Sxx^{-1}; 0]``, every middle layer the identity on the
    first ``rank`` coordinates and 0 elsewhere (``rank >= |J|``)."""
    columns = q[:, list(indices)]
    weights = []
    for layer, (cols, rows) in enumerate(itertools.pairwise(widths), start=1):
        matrix = np.zeros((rows, cols))
        if layer == 1:
            matrix[: len(indices)] = columns.T @ cov.syx @ inverse
        elif layer == len(widths) - 1:
            matrix[:, : len(indices)] = columns
        else:
            matrix[np.arange(rank), np.arange(rank)] = 1.0
        weights.append(matrix)
    return weights


def _mixed(weights: list[np.ndarray], rng: np.random.Generator) -> list[np.ndarray]:
    """``W_l <- C_l W_l C_{l-1}^{-1}`` with random invertible ``C_l`` for the hidden layers
    (``C_0 = I``, ``C_L = I``): the same end-to-end map, still critical, same Hessian inertia."""
    mixers = [np.eye(weights[0].shape[1])]
    for matrix in weights[:-1]:
        size = matrix.shape[0]
        left = np.linalg.qr(rng.standard_normal((size, size)))[0]
        right = np.linalg.qr(rng.standard_normal((size, size)))[0]
        mixers.append((left * rng.uniform(0.5, 2.0, size)) @ right.T)
    mixers.append(np.eye(weights[-1].shape[0]))
    return [
        mixers[index + 1] @ matrix @ np.linalg.inv(mixers[index])
        for index, matrix in enumerate(weights)
    ]


def census(
    cov, widths, *, seed=0, n_probes: int = 20, strict: bool = True, tol: float = 1e-8
) -> tuple[CensusPoint, ...]:
    """Critical points of a deep linear network with ``L >= 3`` layers of ``widths``, classified.

    With ``r = min(n_1, ..., n_{L-1})``: for every index set ``J`` of at most ``min(r, n_L)``
    eigen-indices of ``Sigma`` and every middle rank ``k`` from ``|J|`` to ``r``, the end-to-end
    map ``Q_J Q_J^T Syx Sxx^{-1}`` (the critical point (1.24) of the product) factored across the
    layers with ``|J|`` channels, ``k`` of them open in every middle layer
    (``W_{L-1} ... W_2`` has rank ``k``), then mixed by random invertible matrices from ``seed``
    (:func:`_mixed`). ``J = {}`` and ``k = 0`` is the origin. Each is critical; :func:`classify`
    decides its kind. ``strict`` checks the assumptions of Theorem 1.4 on ``cov``
    (:func:`~qlcore.homogeneous.critical_points.spectrum`)."""
    cov = check_covariances(cov)
    widths = _check_widths(cov, widths, layers=3)
    _, q, inverse = spectrum(cov, strict=strict)
    n_probes = check_positive_int(n_probes, "n_probes")
    rng = rng_from_seed(seed)
    bottleneck = min(widths[1:-1])
    channels = min(bottleneck, widths[-1])
    count = sum(
        math.comb(widths[-1], size) * (bottleneck - size + 1) for size in range(channels + 1)
    )
    parameters = sum(a * b for a, b in itertools.pairwise(widths))
    check_budget(
        "the census",
        argument="widths",
        nbytes=24.0 * parameters**2,
        flops=count * (50.0 * parameters**3 + n_probes * 10 * parameters * max(widths) ** 2),
        fix="use narrower layers or fewer outputs",
    )
    points = []
    for size in range(channels + 1):
        for indices in itertools.combinations(range(widths[-1]), size):
            for rank in range(size, bottleneck + 1):
                weights = _mixed(_channel_point(cov, widths, indices, rank, q, inverse), rng)
                if size == channels and indices == tuple(range(channels)):
                    predicted = "global minimum"
                elif rank == bottleneck:
                    predicted = "strict saddle"
                else:
                    predicted = "saddle, maybe non-strict"
                report = classify(cov, weights, seed=rng, n_probes=n_probes, tol=tol)
                points.append(
                    CensusPoint(
                        index_set=tuple(i + 1 for i in indices),
                        middle_rank_built=rank,
                        weights=tuple(weights),
                        predicted=predicted,
                        report=report,
                    )
                )
    return tuple(points)
