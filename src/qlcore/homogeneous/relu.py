"""A one-hidden-layer ReLU network with weight decay: the polar certificate of global optimality
and the paths of Theorem 1.10 (Vidal, Zhu and Haeffele, §1.4.2: Theorems 1.9 and 1.10).

**The problem.** Inputs ``X`` (n0, m) and targets ``Y`` (n2, m) hold one sample per *column*, as
in the chapter. ``r`` units with first-layer weights ``W1`` (n0, r) and second-layer weights
``W2`` (n2, r) compute

    Phi_r(X, W) = sum_i phi(X, w1_i, w2_i) = W2 ReLU(W1^T X),     phi = w2_i ReLU(w1_i^T X),

and ``theta(w1_i, w2_i) = 1/2 (|w1_i|^2 + |w2_i|^2)``: a nondegenerate pair of degree 2
(Definition 1.7). The objective (1.46)/(1.50) at fixed ``r``, with the loss of the chapter's
matrix-factorisation example (1.33)::

    F(W) = 1/2 |Y - Phi_r(X, W)|_F^2 + lam sum_i theta(w1_i, w2_i),

sums the squared errors over samples (with a mean ``1/(2m)`` instead, replace ``lam`` by
``m lam``). No biases: a row of ones in ``X`` gives them, at the price of weight decay on them.

**Gradient** (:func:`gradient`). With ``A = W1^T X``, ``H = ReLU(A)``, ``R = Y - W2 H``:
``dF/dW2 = -R H^T + lam W2`` and ``dF/dW1 = X [(-W2^T R) * 1(A > 0)]^T + lam W1``. At the kink
``A = 0`` we take ``ReLU'(0) = 0`` (torch's choice too): an element of the Clarke subdifferential,
and the one that makes a zero unit ``w1_i = 0, w2_i = 0`` a point of zero gradient, so descent
keeps it at zero.

**Certificate** (:func:`polar_check`). The polar of ``Omega_{phi, theta}`` (1.47) is
``Omega°(Q) = sup_{theta <= 1} <Q, phi> = max_{|w1| = 1} |Q ReLU(X^T w1)|_2`` (degree-2
homogeneity and ``|w1| |w2| <= theta``, with equality for balanced units; the best ``w2`` lies
along ``Q ReLU(X^T w1)``). As in Corollary 1.6, ``W`` is a global minimum of (1.46) and (1.50),
and ``Z = Phi_r`` one of the convex problem (1.48), when

(i) ``<Y - Phi, Phi> = lam Theta``, and (ii) ``max_{|w1| = 1} |(Y - Phi) ReLU(X^T w1)|_2 <= lam``:

with ``Q = (Y - Phi) / lam``, Fenchel's inequality and (ii) give
``Theta = <Q, Phi> <= Omega(Phi) Omega°(Q) <= Omega(Phi) <= Theta``, so
``Q`` is in the subdifferential of ``Omega`` at ``Phi`` and ``Theta = Omega(Phi)``. No
stationarity is needed. Condition (i) holds at every local minimum, kinks included: along the
ray ``(1 + tau)^{1/2} W`` the objective is the smooth ``1/2 |Y - (1 + tau) Phi|^2 +
lam (1 + tau) Theta`` (the chapter's second proof of (1.41)); :func:`train` ends with the exact
minimisation along that ray, after which (i) holds to rounding. Condition (ii), the analogue of
(1.42), has no closed form; :func:`polar_check` estimates the maximum from below by multi-start
projected gradient ascent on the sphere. Theorem 1.9 says that (ii) holds at every local
minimum with a zero unit. Near misses are measured by weak duality: for every ``L`` with
``Omega°(L) <= lam``, ``1/2 |Y - Z|^2 + lam Omega(Z) >= <L, Y> - |L|^2 / 2`` for all ``Z``, so
by (1.49), with ``L = min(1, lam / v) (Y - Phi)`` and ``v`` the polar value::

    F(W) - min F <= F(W) - <L, Y> + |L|^2 / 2,

which is 0 when (i) and (ii) hold, and a bound as far as ``v`` is the true maximum.

**Adding a unit** (:func:`add_unit`). If (ii) fails at ``w`` (``f = |R ReLU(X^T w)| > lam``), the
unit ``(sqrt(e) w, sqrt(e) q)``, ``q = R ReLU(X^T w) / f``, changes the objective by exactly
``-e (f - lam) + e^2 |ReLU(X^T w)|^2 / 2``: a decrease for ``0 < e < 2 (f - lam) / |h|^2``,
largest at ``e = (f - lam) / |h|^2``, the cap used (``h = ReLU(X^T w)``).

**Theorem 1.10** (:func:`nonincreasing_paths`). With ``r > |phi| = n2 m`` (``phi``'s output on the
data set is an ``n2 x m`` matrix), the outputs ``phi_i`` of the ``r`` units are linearly
dependent: ``sum_i beta_i phi_i = 0`` for some ``beta != 0``. Scaling unit ``i`` by
``sqrt(1 + t beta_i)`` leaves ``Phi`` unchanged and changes ``Theta`` by ``t sum_i beta_i theta_i``,
made ``<= 0`` by the sign of ``beta``; at ``t = min_{beta_i < 0} 1 / |beta_i|`` a unit is zero
(:func:`flat_rescaling`). So from a first-order point where (ii) fails, a non-increasing path
leads to a point with a zero unit, where a unit can be added along a violating direction.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import optimize
from threadpoolctl import threadpool_limits

from qlcore.infra.checks import (
    InputError,
    as_matrix,
    as_vector,
    check_budget,
    check_int,
    check_positive_int,
    check_real,
    rng_from_seed,
)

ROUNDING = 1e-12
"""Relative rise of the objective along a path taken for rounding (the flat rescaling changes
``Phi`` by rounding errors only)."""
KINK = 1e-3
"""A pair with ``|w^T x_j| <= KINK |w| |x_j|`` counts as on a kink (:func:`stationarity` and the
polish of :func:`polar_check`)."""


def _check_data(x, y) -> tuple[np.ndarray, np.ndarray]:
    x = as_matrix(x, "x")
    return x, as_matrix(y, "y", cols=x.shape[1])


def _check_weights(x, y, w1, w2) -> tuple[np.ndarray, np.ndarray]:
    w1 = as_matrix(w1, "w1", rows=x.shape[0])
    return w1, as_matrix(w2, "w2", rows=y.shape[0], cols=w1.shape[1])


def _check_problem(x, y, w1, w2, lam):
    x, y = _check_data(x, y)
    return (x, y, *_check_weights(x, y, w1, w2), check_real(lam, "lam", positive=True))


def _objective(x, y, w1, w2, lam) -> float:
    residual = y - w2 @ np.maximum(w1.T @ x, 0.0)
    return float(0.5 * np.sum(residual**2) + 0.5 * lam * (np.sum(w1**2) + np.sum(w2**2)))


def _masked_gradient(x, residual, w1, w2, lam, active) -> tuple[np.ndarray, np.ndarray]:
    """The gradient with ``ReLU'(w1_i^T x_j) = active[i, j]``."""
    hidden = np.maximum(w1.T @ x, 0.0)
    back = -(w2.T @ residual) * active
    return x @ back.T + lam * w1, -residual @ hidden.T + lam * w2


def _gradient(x, y, w1, w2, lam) -> tuple[np.ndarray, np.ndarray]:
    pre = w1.T @ x
    return _masked_gradient(x, y - w2 @ np.maximum(pre, 0.0), w1, w2, lam, pre > 0)


def _gradient_scale(x, y) -> float:
    """``|Y|_2^{3/2} |X|_2^{1/2}``: the size of the gradient when ``Phi`` is of the size of
    ``Y`` and the units are balanced."""
    return float(np.linalg.norm(y, 2) ** 1.5 * np.linalg.norm(x, 2) ** 0.5)


def outputs(x, w1, w2) -> np.ndarray:
    """``Phi_r(X, W) = W2 ReLU(W1^T X)`` (1.44), an ``(n2, m)`` array for ``x`` (n0, m), ``w1``
    (n0, r) and ``w2`` (n2, r)."""
    x = as_matrix(x, "x")
    w1 = as_matrix(w1, "w1", rows=x.shape[0])
    w2 = as_matrix(w2, "w2", cols=w1.shape[1])
    return w2 @ np.maximum(w1.T @ x, 0.0)


def objective(x, y, w1, w2, lam: float) -> float:
    """``F(W) = 1/2 |Y - W2 ReLU(W1^T X)|_F^2 + lam/2 (|W1|_F^2 + |W2|_F^2)``: (1.50) with the
    square loss and ``theta = 1/2 (|w1_i|^2 + |w2_i|^2)``."""
    return _objective(*_check_problem(x, y, w1, w2, lam))


def gradient(x, y, w1, w2, lam: float) -> tuple[np.ndarray, np.ndarray]:
    """``(dF/dW1, dF/dW2)`` with ``ReLU'(0) = 0`` (module docstring)."""
    return _gradient(*_check_problem(x, y, w1, w2, lam))


def random_start(x, y, width: int, *, zero_units: int = 0, seed=0) -> tuple[np.ndarray, np.ndarray]:
    """Weights ``(W1, W2)`` of ``width`` units, the last ``zero_units`` of them zero (a start for
    Theorem 1.9's local minima with a zero unit; descent keeps such a unit at zero). The others
    have i.i.d. entries ``N(0, c^2 / n0)`` in ``W1`` and ``N(0, c^2 / n2)`` in ``W2`` with
    ``c^2 = |Y|_2 / (|X|_2 width)``, so that ``|Phi|`` starts at about the size of ``|Y|``."""
    x, y = _check_data(x, y)
    width = check_positive_int(width, "width")
    zero_units = check_int(zero_units, "zero_units", minimum=0, maximum=width)
    rng = rng_from_seed(seed)
    return _random_start(x, y, width, zero_units, rng)


def _random_start(x, y, width, zero_units, rng) -> tuple[np.ndarray, np.ndarray]:
    (n0, n2), live = (x.shape[0], y.shape[0]), width - zero_units
    x_norm = np.linalg.norm(x, 2)
    size = np.sqrt(np.linalg.norm(y, 2) / (x_norm * width)) if x_norm > 0 else 0.0
    w1 = np.zeros((n0, width))
    w2 = np.zeros((n2, width))
    w1[:, :live] = size / np.sqrt(n0) * rng.standard_normal((n0, live))
    w2[:, :live] = size / np.sqrt(n2) * rng.standard_normal((n2, live))
    return w1, w2


@dataclass(frozen=True)
class Training:
    """Result of :func:`train`: the weights ``w1``, ``w2`` where it stopped, their ``value``,
    ``stationarity`` (the norm of the smallest subgradient, :func:`stationarity`), the
    iterations ``steps`` (L-BFGS-B's and the subgradient steps), ``converged`` (the
    stationarity reached the tolerance) and ``values``, the objective at the start, after each
    iteration and after the final rescaling: a non-increasing sequence."""

    w1: np.ndarray
    w2: np.ndarray
    value: float
    stationarity: float
    steps: int
    converged: bool
    values: np.ndarray


def _least_subgradient(x, y, w1, w2, lam) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The smallest element (flattened ``(dF/dW1, dF/dW2)``) of the subdifferential model of
    :func:`stationarity`, by bounded least squares over the shares ``s_k``; also the pairs on a
    kink (an ``(r, m)`` mask) and their shares (in ``numpy.nonzero`` order)."""
    pre = w1.T @ x
    near = np.abs(pre) <= KINK * np.outer(np.linalg.norm(w1, axis=0), np.linalg.norm(x, axis=0))
    residual = y - w2 @ np.maximum(pre, 0.0)
    base = np.concatenate(
        [part.ravel() for part in _masked_gradient(x, residual, w1, w2, lam, (pre > 0) & ~near)]
    )
    units, samples = np.nonzero(near)
    if not units.size:
        return base, near, np.zeros(0)
    slopes = -np.sum(w2[:, units] * residual[:, samples], axis=0)  # -(w2_i^T r_j)
    columns = np.zeros((base.size, units.size))
    for column, (unit, sample) in enumerate(zip(units, samples)):
        columns[unit : w1.size : w1.shape[1], column] = slopes[column] * x[:, sample]
    shares = optimize.lsq_linear(columns, -base, bounds=(0.0, 1.0), method="bvls").x
    return base + columns @ shares, near, shares


def stationarity(x, y, w1, w2, lam: float) -> float:
    """A first-order measure that also works on kinks: the norm of the smallest element of
    ``{g(s) : s in [0, 1]^K}``, where ``g(s)`` is the gradient with ``ReLU'(w1_i^T x_j) = s_k``
    for the ``K`` pairs ``k = (i, j)`` on a kink (``|w1_i^T x_j| <= KINK |w1_i| |x_j|``) and the
    usual derivative elsewhere. This set contains the Clarke subdifferential of nearby points,
    so the measure is 0 at a first-order point on a kink, where ``|gradient|`` is not; away from
    kinks it is ``|gradient|``. Where it is positive, minus the smallest element is a descent
    direction (:func:`train` steps along it when L-BFGS-B stalls on a kink)."""
    x, y, w1, w2, lam = _check_problem(x, y, w1, w2, lam)
    return float(np.linalg.norm(_least_subgradient(x, y, w1, w2, lam)[0]))


def _rescale(x, y, w1, w2, lam) -> tuple[np.ndarray, np.ndarray]:
    """The weights times ``sqrt(c)``, ``c >= 0`` minimising ``1/2 |Y - c Phi|_F^2 + lam c Theta``
    (``Phi`` and ``Theta`` are homogeneous of degree 2): ``c = (<Y, Phi> - lam Theta)_+ /
    |Phi|_F^2``, after which condition (i) ``<Y - Phi, Phi> = lam Theta`` holds exactly."""
    phi = w2 @ np.maximum(w1.T @ x, 0.0)
    theta = 0.5 * (np.sum(w1**2) + np.sum(w2**2))
    size = float(np.sum(phi**2))
    scale = max(float(np.sum(y * phi)) - lam * theta, 0.0) / size if size > 0 else 0.0
    return np.sqrt(scale) * w1, np.sqrt(scale) * w2


ARMIJO = 1e-4
"""Sufficient decrease asked of a subgradient step: ``F(W - t d) <= F(W) - ARMIJO t |d|^2``."""


def _complements(x, pinned) -> list[np.ndarray]:
    """For each unit, an orthonormal basis of the ``w1`` orthogonal to its pinned samples."""
    bases = []
    for row in pinned:
        left, spread, _ = np.linalg.svd(x[:, row], full_matrices=True)
        bases.append(left[:, int(np.sum(spread > 1e-12 * spread[0])) if spread.size else 0 :])
    return bases


def _descend(x, y, w1, w2, lam, pinned, tolerance, max_steps, values):
    """L-BFGS-B on the weights with ``w1_i`` orthogonal to the samples ``pinned[i]`` (there
    ``w1_i^T x_j = 0`` stays exact and the objective is smooth in these pairs); appends the
    objective after each iteration to ``values``. Returns ``w1``, ``w2`` and the iterations."""
    bases = _complements(x, pinned)
    sizes = np.cumsum([basis.shape[1] for basis in bases])

    def unpack(vector):
        parts = np.split(vector[: sizes[-1]], sizes[:-1])
        first = np.stack([basis @ part for basis, part in zip(bases, parts)], axis=1)
        return first, vector[sizes[-1] :].reshape(w2.shape)

    def value_and_gradient(vector):
        a, b = unpack(vector)
        grad1, grad2 = _gradient(x, y, a, b, lam)
        reduced = [basis.T @ grad1[:, i] for i, basis in enumerate(bases)]
        return _objective(x, y, a, b, lam), np.concatenate(reduced + [grad2.ravel()])

    def record(intermediate_result):
        values.append(float(intermediate_result.fun))

    start = np.concatenate([basis.T @ w1[:, i] for i, basis in enumerate(bases)] + [w2.ravel()])
    found = optimize.minimize(
        value_and_gradient,
        start,
        jac=True,
        method="L-BFGS-B",
        callback=record,
        options={
            "maxiter": max_steps,
            "maxfun": 2 * max_steps,
            "ftol": 0.0,
            "gtol": tolerance / np.sqrt(start.size),
            "maxcor": 20,
        },
    )
    return (*unpack(found.x), int(found.nit))


def _subgradient_step(x, y, w1, w2, lam, direction, value):
    """``W - t d`` for the first ``t = F / |d|^2, F / (2 |d|^2), ...`` with an Armijo decrease,
    or ``None`` if ``t |d|^2`` falls below ``1e-16 F`` first."""
    flat, size = np.concatenate([w1.ravel(), w2.ravel()]), float(direction @ direction)
    trial = value / size
    while trial * size > 1e-16 * value:
        moved = flat - trial * direction
        first, second = moved[: w1.size].reshape(w1.shape), moved[w1.size :].reshape(w2.shape)
        if _objective(x, y, first, second, lam) <= value - ARMIJO * trial * size:
            return first, second
        trial /= 2
    return None


def _train(x, y, w1, w2, lam, tolerance, max_steps) -> Training:
    """An active-set descent for the piecewise-smooth objective (see :func:`train`)."""
    values, steps = [_objective(x, y, w1, w2, lam)], 0
    pinned = np.zeros((w1.shape[1], x.shape[1]), dtype=bool)
    while steps < max_steps:
        w1, w2, iterations = _descend(
            x, y, w1, w2, lam, pinned, tolerance, max_steps - steps, values
        )
        steps += iterations
        direction, near, shares = _least_subgradient(x, y, w1, w2, lam)
        if np.linalg.norm(direction) <= tolerance or steps >= max_steps:
            break
        inside = np.zeros_like(near)
        inside[near] = (shares > 1e-9) & (shares < 1 - 1e-9)
        if np.any(inside & ~pinned):  # new kinks the minimum seems to sit on: pin them too
            bases = _complements(x, pinned | inside)
            projected = np.stack([b @ (b.T @ w1[:, i]) for i, b in enumerate(bases)], axis=1)
            if _objective(x, y, projected, w2, lam) <= values[-1]:
                w1, pinned = projected, pinned | inside  # grows until a subgradient step
                values.append(_objective(x, y, w1, w2, lam))
                continue
        stepped = _subgradient_step(x, y, w1, w2, lam, direction, values[-1])
        if stepped is None:
            break
        (w1, w2), steps, pinned = stepped, steps + 1, np.zeros_like(pinned)
        values.append(_objective(x, y, w1, w2, lam))
    rescaled = _rescale(x, y, w1, w2, lam)
    if _objective(x, y, *rescaled, lam) <= values[-1]:  # not raised by rounding
        w1, w2 = rescaled
    values.append(_objective(x, y, w1, w2, lam))
    norm = float(np.linalg.norm(_least_subgradient(x, y, w1, w2, lam)[0]))
    return Training(
        w1=w1,
        w2=w2,
        value=values[-1],
        stationarity=norm,
        steps=steps,
        converged=bool(norm <= tolerance),
        values=np.array(values),
    )


def _check_finite_start(x, y, w1, w2, lam) -> None:
    """Refuse a start whose objective, ``lam`` times it (a bound on ``|lam W|^2`` along the
    descent) or gradient overflows float64."""
    with np.errstate(over="ignore", invalid="ignore"):
        start = _objective(x, y, w1, w2, lam)
        gradients = _gradient(x, y, w1, w2, lam)
        finite = np.isfinite(lam * start) and all(np.isfinite(np.sum(g**2)) for g in gradients)
    if not finite:
        raise InputError(
            "lam is too large for the scale of x, y and the weights: the objective or its "
            "gradient overflows float64; rescale them together",
            argument="lam",
        )


def _check_training(x, width, gradient_tol, max_steps) -> tuple[float, int]:
    gradient_tol = check_real(gradient_tol, "gradient_tol", positive=True)
    max_steps = check_positive_int(max_steps, "max_steps")
    check_budget(
        "the training",
        argument="max_steps",
        flops=40.0 * max_steps * x.size * width,
        fix="use fewer steps",
    )
    return gradient_tol, max_steps


def train(
    x, y, w1, w2, lam: float, *, gradient_tol: float = 1e-8, max_steps: int = 5000
) -> Training:
    """Train from ``(w1, w2)`` (say :func:`random_start`) to a first-order point: until the
    :func:`stationarity` is at most ``gradient_tol |Y|_2^{3/2} |X|_2^{1/2}`` or ``max_steps``
    steps in all.

    The objective is piecewise smooth, with kinks where ``w1_i^T x_j = 0``, and minima often
    sit on kinks (a unit's hyperplane through a sample), where plain L-BFGS-B stalls or
    zigzags. So this is an active-set descent. L-BFGS-B runs with :func:`gradient`, with the
    ``w1_i`` restricted to be orthogonal to a set of *pinned* samples (none at first), which
    keeps the objective smooth in those pairs. Where it stops, the smallest subgradient decides:
    if it is small enough, stop; if it gives a share strictly between 0 and 1 to pairs not yet
    pinned, pin them too (projecting ``w1_i`` on the kinks, if that does not raise the
    objective) and run L-BFGS-B again; else step along minus it, halving the step until the
    objective drops by ``ARMIJO t |d|^2`` (the training stops, unconverged, if none does), unpin
    all and run L-BFGS-B again. Last, all weights are scaled by the best ``sqrt(c)``,
    ``c = (<Y, Phi> - lam Theta)_+ / |Phi|_F^2`` (exact: ``Phi`` and ``Theta`` are both
    homogeneous of degree 2), which lowers the objective and makes condition (i) of the module
    docstring hold. Every step lowers the objective or keeps it; a zero unit stays zero."""
    x, y, w1, w2, lam = _check_problem(x, y, w1, w2, lam)
    gradient_tol, max_steps = _check_training(x, w1.shape[1], gradient_tol, max_steps)
    _check_finite_start(x, y, w1, w2, lam)
    with threadpool_limits(limits=1, user_api="blas"):  # tiny products: see stationary.barrier
        return _train(x, y, w1, w2, lam, gradient_tol * _gradient_scale(x, y), max_steps)


@dataclass(frozen=True)
class PolarCheck:
    """Result of :func:`polar_check`: the best ``value`` of ``|(Y - Phi) ReLU(X^T w)|_2`` over
    unit ``w`` found, its ``maximiser`` (n0,) and ``left`` vector ``(Y - Phi) ReLU(X^T w)`` over
    its norm (n2,; zero when the value is 0), ``agreeing`` (how many of the ``starts`` ended
    within ``tolerance`` of the best value, relatively), ``exact`` (``n0 = 2``: the value is
    the maximum, found by a sweep of the circle), ``holds`` (``value <= lam
    (1 + tolerance)``: the polar condition (ii), up to the estimate), ``first_order_gap``
    ``|<Y - Phi, Phi> - lam Theta|`` and ``condition_i`` (gap at most ``tolerance`` times
    ``|Y|_F^2 + lam Theta``), ``duality_gap`` (a bound on ``F(W) - min F``, module docstring)
    and ``certified`` (conditions (i) and (ii): a global minimum, up to the estimate)."""

    value: float
    maximiser: np.ndarray
    left: np.ndarray
    agreeing: int
    starts: int
    exact: bool
    holds: bool
    first_order_gap: float
    condition_i: bool
    duality_gap: float
    certified: bool


def _polar_values(x, residual, w) -> np.ndarray:
    return np.linalg.norm(residual @ np.maximum(x.T @ w, 0.0), axis=0)


def _ascend(x, residual, w, steps) -> np.ndarray:
    """Projected gradient ascent of ``|R ReLU(X^T w)|^2 / 2`` on the unit sphere, all starts (the
    columns of ``w``) at once: ``w <- (w + eta g) / |w + eta g|`` with ``g`` the gradient
    projected on the tangent space, accepted if the value does not drop. Each start's ``eta``
    begins at ``1 / (|X|_2^2 |R|_2^2)`` (a bound on the curvature of every piece), doubles after
    an accepted step and halves after a rejected one, so each start's value never decreases."""
    curvature = np.linalg.norm(x, 2) ** 2 * np.linalg.norm(residual, 2) ** 2
    if curvature == 0:
        return w
    eta = np.full(w.shape[1], 1.0 / curvature)
    current = _polar_values(x, residual, w)
    for _ in range(steps):
        pre = x.T @ w
        ascent = x @ ((residual.T @ (residual @ np.maximum(pre, 0.0))) * (pre > 0))
        ascent -= w * np.sum(w * ascent, axis=0)
        trial = w + eta * ascent
        trial /= np.linalg.norm(trial, axis=0)
        values = _polar_values(x, residual, trial)
        better = values >= current
        w[:, better], current[better] = trial[:, better], values[better]
        eta = np.where(better, 2 * eta, eta / 2)
    return w


def _polish(x, residual, w) -> np.ndarray:
    """Replace each start by the best of ``+-v``, ``v`` the top eigenvector of the quadratic
    ``|R D_A X^T w|^2`` of its piece (``A`` the samples with ``x_j^T w > 0``) restricted to the
    samples on a kink (``x_j^T w = 0``, up to :data:`KINK`), when that is better. Ascent creeps
    towards maxima on kinks and inside pieces; this lands on them. Any unit vector gives a lower
    bound on the maximum, so the polish cannot spoil the estimate."""
    norms = np.maximum(np.linalg.norm(x, axis=0), np.finfo(float).tiny)
    current = _polar_values(x, residual, w)
    for start in range(w.shape[1]):
        pre = x.T @ w[:, start] / norms
        active, kink = pre > KINK, np.abs(pre) <= KINK
        piece = residual[:, active] @ x[:, active].T
        if kink.any():
            basis, spread, _ = np.linalg.svd(x[:, kink], full_matrices=False)
            basis = basis[:, spread > 1e-12 * spread[0]]
            piece = piece - (piece @ basis) @ basis.T
        top = np.linalg.svd(piece)[2][0]
        candidates = np.stack([top, -top], axis=1)
        values = _polar_values(x, residual, candidates)
        if values.max() > current[start]:
            w[:, start], current[start] = candidates[:, np.argmax(values)], values.max()
    return w


def _sweep(x, residual) -> np.ndarray:
    """For two inputs (``n0 = 2``): unit vectors among which is the maximiser of
    ``|R ReLU(X^T w)|`` on the circle. The ``2m`` points where some ``x_j^T w = 0`` cut the
    circle into arcs with a fixed pattern ``A``; on each, ``|R D_A X^T w|^2`` is a quadratic
    whose maximum on the arc lies at an end or at an eigenvector of its ``2 x 2`` matrix. All
    of these are returned (those outside their arc are harmless: any unit vector is a lower
    bound)."""
    angles = np.arctan2(x[1], x[0])[np.linalg.norm(x, axis=0) > 0]
    cuts = np.sort(np.mod(np.concatenate([angles + np.pi / 2, angles - np.pi / 2]), 2 * np.pi))
    middles = (cuts + np.diff(np.append(cuts, cuts[:1] + 2 * np.pi)) / 2) if cuts.size else [0.0]
    middles = np.stack([np.cos(middles), np.sin(middles)])
    active = (x.T @ middles > 0).T  # (arcs, m)
    maps = np.einsum("km,am,mi->aki", residual, active, x.T)  # R D_A X^T per arc
    vectors = np.linalg.eigh(np.swapaxes(maps, 1, 2) @ maps)[1]  # (arcs, 2, 2)
    ends = np.stack([np.cos(cuts), np.sin(cuts)])
    eigen = np.swapaxes(vectors, 0, 1).reshape(2, -1)
    return np.hstack([ends, eigen, -eigen])


def _polar(x, y, w1, w2, lam, starts, steps, tolerance, rng) -> PolarCheck:
    """Multi-start ascent (:func:`_ascend`, then :func:`_polish`), the exact :func:`_sweep` for
    ``n0 = 2``, and the two conditions."""
    phi = w2 @ np.maximum(w1.T @ x, 0.0)
    residual = y - phi
    w = rng.standard_normal((x.shape[0], starts))
    w /= np.linalg.norm(w, axis=0)
    w = _polish(x, residual, _ascend(x, residual, w, steps))
    image = residual @ np.maximum(x.T @ w, 0.0)
    values = np.linalg.norm(image, axis=0)
    best = int(np.argmax(values))
    value = float(values[best])
    exact = x.shape[0] == 2
    if exact:
        candidates = _sweep(x, residual)
        swept = _polar_values(x, residual, candidates)
        if swept.max() > value:
            w, image = candidates, residual @ np.maximum(x.T @ candidates, 0.0)
            best, value = int(np.argmax(swept)), float(swept.max())
    decay = 0.5 * lam * (np.sum(w1**2) + np.sum(w2**2))
    gap = abs(float(np.sum(residual * phi) - decay))
    holds = value <= lam * (1 + tolerance)
    condition_i = gap <= tolerance * (np.sum(y**2) + decay)
    dual = min(1.0, lam / value) * residual if value > 0 else residual
    objective = 0.5 * np.sum(residual**2) + decay
    duality_gap = max(objective - np.sum(dual * y) + 0.5 * np.sum(dual**2), 0.0)
    return PolarCheck(
        value=value,
        maximiser=w[:, best],
        left=image[:, best] / value if value > 0 else np.zeros(residual.shape[0]),
        agreeing=int(np.sum(value - values <= tolerance * value)),
        starts=starts,
        exact=exact,
        holds=bool(holds),
        first_order_gap=gap,
        condition_i=bool(condition_i),
        duality_gap=float(duality_gap),
        certified=bool(holds and condition_i),
    )


def _check_polar_options(
    x, y, starts, steps, tolerance, names=("starts", "steps")
) -> tuple[int, int, float]:
    starts = check_positive_int(starts, names[0])
    steps = check_positive_int(steps, names[1])
    tolerance = check_real(tolerance, "tolerance", minimum=0.0)
    check_budget(
        "the polar ascent",
        argument=names[0],
        nbytes=8.0 * starts * (x.shape[0] + x.shape[1] + y.shape[0]),
        flops=8.0 * starts * steps * (x.size + y.size),
        fix="use fewer starts or steps",
    )
    return starts, steps, tolerance


def polar_check(
    x,
    y,
    w1,
    w2,
    lam: float,
    *,
    starts: int = 20,
    steps: int = 500,
    tolerance: float = 1e-6,
    seed=0,
) -> PolarCheck:
    """Estimate ``max_{|w| = 1} |(Y - Phi) ReLU(X^T w)|_2`` and test both conditions of the
    certificate (module docstring): (ii) ``value <= lam (1 + tolerance)`` and (i).

    Multi-start projected gradient ascent on the sphere: ``starts`` uniform random unit vectors
    (from ``seed``), ``steps`` steps ``w <- (w + eta g) / |w + eta g|``, ``g`` the gradient of
    ``|R ReLU(X^T w)|^2 / 2`` projected on the tangent space, ``eta`` adapted per start from
    ``1 / (|X|_2^2 |R|_2^2)`` so that no step lowers the value; then each start jumps to the top
    singular vector of its piece's linear map ``R D_A X^T`` restricted to the samples it lies
    on the kink of, if that is better (maxima often sit on kinks, which ascent only creeps
    towards). The best value is a lower bound on the maximum: ``holds=False`` proves a violation
    (:func:`add_unit` then lowers the objective); ``holds=True`` is evidence, stronger when many
    starts agree. A start with ``X^T w <= 0`` everywhere has zero gradient and stays put.

    For ``n0 = 2`` (one input and a row of ones, say) the maximum is also found exactly by
    sweeping the circle, and ``exact`` is ``True``. For ``n0 = 3`` we have seen the estimate
    pass a first-order point whose objective was ``8e-4`` (relative) above another's."""
    x, y, w1, w2, lam = _check_problem(x, y, w1, w2, lam)
    starts, steps, tolerance = _check_polar_options(x, y, starts, steps, tolerance)
    rng = rng_from_seed(seed)
    with threadpool_limits(limits=1, user_api="blas"):  # tiny products: see stationary.barrier
        return _polar(x, y, w1, w2, lam, starts, steps, tolerance, rng)


@dataclass(frozen=True)
class AddedUnit:
    """Result of :func:`add_unit`: the weights ``w1`` (n0, r + 1) and ``w2`` (n2, r + 1) with the
    new unit last, the ``epsilon`` used, the objective's ``decrease`` (before minus after,
    ``> 0``) and the new ``value``."""

    w1: np.ndarray
    w2: np.ndarray
    epsilon: float
    decrease: float
    value: float


def _new_unit(x, residual, lam, direction, epsilon) -> tuple[np.ndarray, np.ndarray, float]:
    """The unit ``(sqrt(e) w, sqrt(e) q)`` along ``direction`` with ``e`` capped (module
    docstring); ``e = 0`` when ``direction`` does not violate the polar condition."""
    w = direction / np.linalg.norm(direction)
    hidden = np.maximum(x.T @ w, 0.0)
    image = residual @ hidden
    value = float(np.linalg.norm(image))
    if value <= lam:
        return np.zeros_like(w), np.zeros_like(image), 0.0
    used = min(epsilon, (value - lam) / float(hidden @ hidden))
    return np.sqrt(used) * w, np.sqrt(used) * image / value, used


def add_unit(x, y, w1, w2, lam: float, direction, *, epsilon: float = 1e-2) -> AddedUnit:
    """Append the unit ``(sqrt(e) w, sqrt(e) q)`` along a violating ``direction`` ``w`` (say
    :attr:`PolarCheck.maximiser`; normalised here), ``q = R ReLU(X^T w) / |R ReLU(X^T w)|``,
    ``e = min(epsilon, (f - lam) / |ReLU(X^T w)|^2)`` with ``f = |R ReLU(X^T w)|``: the
    objective drops by ``e (f - lam) - e^2 |ReLU(X^T w)|^2 / 2 > 0`` (module docstring).
    :class:`InputError` if ``f <= lam``: ``direction`` violates nothing."""
    x, y, w1, w2, lam = _check_problem(x, y, w1, w2, lam)
    direction = as_vector(direction, "direction", length=x.shape[0])
    epsilon = check_real(epsilon, "epsilon", positive=True)
    if not np.linalg.norm(direction) > 0:
        raise InputError("direction must be a non-zero vector", argument="direction")
    residual = y - w2 @ np.maximum(w1.T @ x, 0.0)
    new1, new2, used = _new_unit(x, residual, lam, direction, epsilon)
    if used == 0:
        raise InputError(
            f"direction does not violate the polar condition (|(Y - Phi) ReLU(X^T w)| <= "
            f"lam = {lam}): no unit along it lowers the objective; pass the maximiser of "
            "polar_check when its holds is False",
            argument="direction",
        )
    before = _objective(x, y, w1, w2, lam)
    w1, w2 = np.hstack([w1, new1[:, None]]), np.hstack([w2, new2[:, None]])
    value = _objective(x, y, w1, w2, lam)
    return AddedUnit(w1=w1, w2=w2, epsilon=used, decrease=before - value, value=value)


@dataclass(frozen=True)
class FlatMove:
    """Result of :func:`flat_rescaling`: the weights ``w1``, ``w2`` with unit ``unit`` zero, the
    ``scales`` ``c_i = 1 + t beta_i >= 0`` that multiplied each unit's ``phi`` and ``theta``
    (its weights by ``sqrt(c_i)``), the change of ``Theta`` (``theta_change <= 0``) and
    ``output_change`` ``|Delta Phi|_F`` (rounding errors only)."""

    w1: np.ndarray
    w2: np.ndarray
    unit: int
    scales: np.ndarray
    theta_change: float
    output_change: float


def _flat(x, w1, w2) -> FlatMove:
    hidden = np.maximum(w1.T @ x, 0.0)
    theta = 0.5 * (np.sum(w1**2, axis=0) + np.sum(w2**2, axis=0))
    zero = np.flatnonzero(theta == 0)
    if zero.size:
        beta = -np.eye(len(theta))[zero[0]]
    else:
        units = np.einsum("ki,im->ikm", w2, hidden).reshape(len(theta), -1)
        beta = np.linalg.svd(units.T)[2][-1]  # a null vector: r > n2 m columns
        if beta @ theta > 0 or not np.any(beta < 0):
            beta = -beta
    negative = np.flatnonzero(beta < 0)
    unit = int(negative[np.argmax(-beta[negative])])
    scales = np.clip(1 - beta / beta[unit], 0.0, None)
    scales[unit] = 0.0
    new1, new2 = w1 * np.sqrt(scales), w2 * np.sqrt(scales)
    change = np.linalg.norm(new2 @ np.maximum(new1.T @ x, 0.0) - w2 @ hidden)
    return FlatMove(
        w1=new1,
        w2=new2,
        unit=unit,
        scales=scales,
        theta_change=float((scales - 1) @ theta),
        output_change=float(change),
    )


def flat_rescaling(x, w1, w2) -> FlatMove:
    """Move along the flat path of Theorem 1.10's proof until a unit is zero: for ``r > n2 m``
    units the outputs ``phi_i`` (each ``n2 x m``) are linearly dependent, ``sum_i beta_i phi_i
    = 0`` (``beta`` the last right singular vector of the ``(n2 m) x r`` matrix of the
    ``vec(phi_i)``, signed so that ``sum_i beta_i theta_i <= 0``, with a negative entry);
    scaling unit ``i``'s weights by ``sqrt(1 + t beta_i)`` keeps ``Phi``, changes ``Theta`` by
    ``t sum_i beta_i theta_i <= 0``, and zeroes unit ``argmax(-beta)`` at
    ``t = 1 / max(-beta_i)``. The objective is linear in ``t`` along the way, so it never
    increases. A unit already zero is returned as is."""
    x = as_matrix(x, "x")
    w1 = as_matrix(w1, "w1", rows=x.shape[0])
    w2 = as_matrix(w2, "w2", cols=w1.shape[1])
    outputs_size = w2.shape[0] * x.shape[1]
    if w1.shape[1] <= outputs_size:
        raise InputError(
            f"w1 must have more units (columns) than the n2 m = {outputs_size} entries of a "
            f"unit's output for Theorem 1.10's flat path, got {w1.shape[1]}",
            argument="w1",
        )
    return _flat(x, w1, w2)


@dataclass(frozen=True)
class DescentPath:
    """One path of :func:`nonincreasing_paths`: the final weights ``w1``, ``w2`` and ``value``;
    ``values`` the objective at every recorded point of the path and ``events`` what led to
    each (``"start"``; ``"descent"`` a step of :func:`train`: an L-BFGS-B iteration, a pinning
    or a subgradient step; ``"rescale"`` the exact rescaling that ends each training;
    ``"flat"`` the end of a flat rescaling; ``"unit"`` a unit added in the freed slot);
    ``monotone`` (``values`` never rises by more than :data:`ROUNDING` times ``values[0]``);
    ``rounds`` of training; the :func:`stationarity` at the end; the final ``polar`` check and
    ``certified``, its certificate of a global minimum (conditions (i) and (ii))."""

    w1: np.ndarray
    w2: np.ndarray
    value: float
    values: np.ndarray
    events: np.ndarray
    monotone: bool
    rounds: int
    stationarity: float
    polar: PolarCheck
    certified: bool


def nonincreasing_paths(
    x,
    y,
    lam: float,
    *,
    width: int | None = None,
    starts: int = 3,
    seed=0,
    max_rounds: int = 10,
    epsilon: float = 1e-2,
    gradient_tol: float = 1e-8,
    max_steps: int = 5000,
    polar_starts: int = 20,
    polar_steps: int = 500,
    tolerance: float = 1e-6,
) -> tuple[DescentPath, ...]:
    """Theorem 1.10 in numbers: from ``starts`` random initialisations (:func:`random_start`
    with ``width`` units, default ``n2 m + 1 = |phi| + 1``; all draws from ``seed``), a path
    along which the objective never increases, ending where the certificate of a global minimum
    holds.

    Each round trains (:func:`train` with ``gradient_tol`` and ``max_steps``: every step lowers
    the objective or keeps it) and runs :func:`polar_check` (``polar_starts``,
    ``polar_steps``, ``tolerance``). If the polar condition holds, the path ends. If not,
    :func:`flat_rescaling` frees a unit without raising the objective, :func:`add_unit`'s unit
    (with ``epsilon``) fills it, a strict decrease, and the next round trains again; at most
    ``max_rounds`` rounds.

    What this shows: on these data and starts, a concrete path of descent iterates, rescalings,
    flat moves and unit insertions has non-increasing objective values at its recorded points
    (``monotone``), and its end passes condition (i) (exactly, by the final rescaling) and the
    estimated polar condition (ii), which together certify a global minimum of (1.50) and
    (1.46) (module docstring; this does not need the end to be a local minimum). Along each
    rescaling and flat move the objective is convex or linear in the parameter of the move, and
    along each insertion convex and decreasing, so the recorded endpoints suffice there; between
    descent iterates only the endpoints are checked. What it does not show: that such a path
    exists from *every* initialisation (the theorem's claim; here a few seeds); for ``n0 >= 3``,
    that the polar maximum is not larger than the multi-start estimate (a lower bound, so
    ``certified`` is evidence, not proof; for ``n0 = 2`` the maximum is exact); or that descent
    alone would have sufficed (``events`` tells whether a flat move and a new unit were
    needed)."""
    x, y = _check_data(x, y)
    lam = check_real(lam, "lam", positive=True)
    outputs_size = y.shape[0] * x.shape[1]
    width = outputs_size + 1 if width is None else check_positive_int(width, "width")
    if width <= outputs_size:
        raise InputError(
            f"width must exceed |phi| = n2 m = {outputs_size} (Theorem 1.10), got {width}",
            argument="width",
        )
    starts = check_positive_int(starts, "starts")
    rng = rng_from_seed(seed)
    max_rounds = check_positive_int(max_rounds, "max_rounds")
    epsilon = check_real(epsilon, "epsilon", positive=True)
    gradient_tol, max_steps = _check_training(x, width, gradient_tol, max_steps)
    polar_starts, polar_steps, tolerance = _check_polar_options(
        x, y, polar_starts, polar_steps, tolerance, ("polar_starts", "polar_steps")
    )
    check_budget(
        "the paths",
        argument="starts",
        flops=40.0
        * starts
        * max_rounds
        * (max_steps + polar_starts * polar_steps)
        * x.size
        * width,
        fix="use fewer starts, rounds or steps",
    )
    absolute = gradient_tol * _gradient_scale(x, y)

    def path(w1, w2) -> DescentPath:
        _check_finite_start(x, y, w1, w2, lam)
        values, events = [_objective(x, y, w1, w2, lam)], ["start"]
        for rounds in range(1, max_rounds + 1):
            trained = _train(x, y, w1, w2, lam, absolute, max_steps)
            w1, w2 = trained.w1, trained.w2
            values += list(trained.values[1:])
            events += ["descent"] * (len(trained.values) - 2) + ["rescale"]
            polar = _polar(x, y, w1, w2, lam, polar_starts, polar_steps, tolerance, rng)
            if polar.holds or rounds == max_rounds:
                break
            move = _flat(x, w1, w2)
            w1, w2 = move.w1, move.w2
            values.append(_objective(x, y, w1, w2, lam))
            residual = y - w2 @ np.maximum(w1.T @ x, 0.0)
            w1[:, move.unit], w2[:, move.unit], _ = _new_unit(
                x, residual, lam, polar.maximiser, epsilon
            )
            values.append(_objective(x, y, w1, w2, lam))
            events += ["flat", "unit"]
        values = np.array(values)
        return DescentPath(
            w1=w1,
            w2=w2,
            value=float(values[-1]),
            values=values,
            events=np.array(events),
            monotone=bool(np.all(np.diff(values) <= ROUNDING * abs(values[0]))),
            rounds=rounds,
            stationarity=trained.stationarity,
            polar=polar,
            certified=polar.certified,
        )

    with threadpool_limits(limits=1, user_api="blas"):  # tiny products: see stationary.barrier
        return tuple(path(*_random_start(x, y, width, 0, rng)) for _ in range(starts))
