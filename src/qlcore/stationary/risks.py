"""Population and empirical risks of the planted quadratic network, with exact derivatives.

Gamarnik et al. (§4 of the notes; their slides): ``f(W; x) = sum_j <W_j, x>^2 = |W x|^2`` with
``W`` of shape ``m x d``, labels ``y = f(W*; x)`` of a planted ``W*`` of rank ``d``, and

    L(W) = E (f(W; X) - f(W*; X))^2,      L^(W) = (1/N) sum_i (y_i - f(W; X_i))^2.

Both depend on ``W`` only through ``M = W^T W - W*^T W*`` and are quadratic in ``M``:
``L = l(M)`` with ``l(M) = <M, Gamma M> / 2``. For i.i.d. centred coordinates (§4.1, formula in
:func:`qlcore.samples.span.population_risk`)

    dl/dM = 2 (mu4 - 3 mu2^2) diag(M_ii) + mu2^2 (4 M + 2 tr(M) I),

and for the empirical risk ``dl/dM = (2/N) sum_i (x_i^T M x_i) x_i x_i^T`` from the moments of
the data (:mod:`qlcore.model.moments`, so a step costs ``O(d^4)`` whatever ``N``). With
``G = dl/dM`` the chain rule through ``M = W^T W`` gives

    grad_W L = 2 W G,      Hess_W L [E] = 2 E G + 2 W Gamma(W^T E + E^T W),

the second exact because ``l`` is quadratic. Everything is float64 and batched over a leading
axis of weights ``(R, m, d)``.
"""

from __future__ import annotations

import numpy as np

from qlcore.infra.checks import (
    InputError,
    as_array,
    as_matrix,
    check_choice,
    check_positive_int,
    rng_from_seed,
)
from qlcore.model import moments as moment_ops
from qlcore.samples import span


def planted_weights(m: int, d: int, *, seed=0) -> np.ndarray:
    """A planted ``W*`` of shape ``(m, d)`` with i.i.d. ``N(0, 1)`` entries (rank ``d`` almost
    surely when ``m >= d``, as the setting of §4 requires)."""
    m, d = check_positive_int(m, "m"), check_positive_int(d, "d")
    if m < d:
        raise InputError(f"m must be >= d = {d} so that W* can have rank d, got {m}", argument="m")
    return rng_from_seed(seed).standard_normal((m, d))


def check_planted(planted) -> np.ndarray:
    """``planted`` as an ``m x d`` float array of rank ``d`` (so ``m >= d``), as ``W*`` must be for
    the barrier ``sigma_min(W*)^4`` to be positive; an :class:`InputError` naming it otherwise."""
    planted = as_matrix(planted, "planted")
    rank = np.linalg.matrix_rank(planted) if planted.shape[0] >= planted.shape[1] else None
    if rank is None or rank < planted.shape[1]:
        raise InputError(
            f"planted must have rank d = {planted.shape[1]} (m >= d rows), got shape "
            f"{planted.shape}" + ("" if rank is None else f" of rank {rank}"),
            argument="planted",
        )
    return planted


class _Risk:
    """Shared part of :class:`PopulationRisk` and :class:`EmpiricalRisk`: everything follows from
    ``_difference_gradient(M) = dl/dM`` (batched, affine in ``M``)."""

    planted: np.ndarray

    def __init__(self, planted):
        planted = check_planted(planted)
        self.planted = planted
        self.dim = planted.shape[1]
        self.target = planted.T @ planted

    def _weights(self, weights) -> np.ndarray:
        weights = as_array(weights, "weights")
        if weights.ndim not in (2, 3) or weights.shape[-1] != self.dim:
            raise InputError(
                f"weights must have shape (m, {self.dim}) or (R, m, {self.dim}) (d = {self.dim} "
                f"columns, as W*), got {weights.shape}",
                argument="weights",
            )
        return weights

    def difference(self, weights) -> np.ndarray:
        """``M = W^T W - W*^T W*`` (a stack when ``weights`` is one)."""
        weights = self._weights(weights)
        return np.swapaxes(weights, -1, -2) @ weights - self.target

    def values(self, weights) -> float | np.ndarray:
        """The risk at ``weights`` ``(m, d)`` (a float) or ``(R, m, d)`` (an array)."""
        return self._value_of_difference(self.difference(weights))

    def gradients(self, weights) -> np.ndarray:
        """``grad_W = 2 W dl/dM``, of the shape of ``weights``."""
        weights = self._weights(weights)
        return 2.0 * weights @ self._difference_gradient(self.difference(weights))

    def hessian(self, weights) -> np.ndarray:
        """The ``md x md`` Hessian of the risk at one ``W`` (row-major ``vec W``), from
        ``Hess[E] = 2 E G + 2 W Gamma(W^T E + E^T W)`` on the basis matrices ``E``."""
        weights = self._weights(weights)
        if weights.ndim != 2:
            raise InputError(
                "weights must be one (m, d) matrix for the Hessian", argument="weights"
            )
        m, d = weights.shape
        basis = np.eye(m * d).reshape(m * d, m, d)
        slope = self._difference_gradient(self.difference(weights))
        change = weights.T @ basis
        change = change + np.swapaxes(change, -1, -2)
        curvature = self._difference_gradient(change) - self._difference_gradient(np.zeros((d, d)))
        columns = 2.0 * basis @ slope + 2.0 * weights @ curvature
        hess = columns.reshape(m * d, m * d).T
        return (hess + hess.T) / 2

    def curvature(self, *, iterations: int = 200, seed=0) -> float:
        """The largest eigenvalue of ``Gamma`` on symmetric matrices (Frobenius inner product):
        ``l(M) <= curvature |M|_F^2 / 2``. By power iteration from a random symmetric start."""
        rng = rng_from_seed(seed)
        probe = rng.standard_normal((self.dim, self.dim))
        probe = probe + probe.T
        offset = self._difference_gradient(np.zeros((self.dim, self.dim)))
        value = 0.0
        for _ in range(iterations):
            probe = probe / np.linalg.norm(probe)
            image = self._difference_gradient(probe) - offset
            value = float(np.sum(probe * image))
            probe = image
        return value

    def step_size(self, weights) -> float:
        """A gradient-descent step ``1 / S`` with ``S = 2 |G(W)|_2 + 8 c max(|W|_2^2, |W*|_2^2)``
        (``c`` = :meth:`curvature`), which bounds the Hessian's norm at ``W`` and at the
        optimum: a standard safe step for smooth descent."""
        weights = self._weights(weights)
        slope = self._difference_gradient(self.difference(weights))
        scale = max(
            float(np.max(np.linalg.norm(weights, 2, axis=(-2, -1)))) ** 2,
            float(np.linalg.norm(self.planted, 2)) ** 2,
        )
        sharpness = 2 * float(np.max(np.linalg.norm(slope, 2, axis=(-2, -1))))
        return 1.0 / (sharpness + 8 * self.curvature() * scale)


class PopulationRisk(_Risk):
    """``L(W)`` for inputs with i.i.d. centred coordinates of law ``law`` (a name of
    ``qlcore.samples.span.INPUT_LAWS``), in closed form (§4.1)."""

    def __init__(self, planted, law: str):
        super().__init__(planted)
        self.law = span.input_law(check_choice(law, "law", span.INPUT_LAWS))

    def _value_of_difference(self, difference):
        return span.population_risk(difference, self.law.mu2, self.law.mu4)

    def _difference_gradient(self, difference):
        mu2, mu4 = self.law.mu2, self.law.mu4
        diagonal = np.diagonal(difference, axis1=-2, axis2=-1)
        trace = diagonal.sum(-1)[..., None, None]
        eye = np.eye(self.dim)
        return 2 * (mu4 - 3 * mu2**2) * diagonal[..., None] * eye + mu2**2 * (
            4 * difference + 2 * trace * eye
        )

    def bound(self) -> float:
        """The barrier ``min{mu4 - mu2^2, 2 mu2^2} sigma_min(W*)^4`` (§4.2)."""
        return span.energy_barrier(self.planted, self.law.mu2, self.law.mu4)


class EmpiricalRisk(_Risk):
    """``L^(W) = (1/N) sum_i (y_i - |W x_i|^2)^2`` with ``y_i = |W* x_i|^2``, through the moments
    of ``x`` (:class:`qlcore.model.moments.QuadraticMoments`)."""

    def __init__(self, planted, x):
        super().__init__(planted)
        x = as_matrix(x, "x", cols=self.dim)
        self.n_samples = x.shape[0]
        self.moments = moment_ops.moments_from_data(x, np.sum((x @ self.planted.T) ** 2, axis=1))

    def _value_of_difference(self, difference):
        return moment_ops.loss(self.moments, self.target + difference)

    def _difference_gradient(self, difference):
        return moment_ops.gradient(self.moments, self.target + difference)


def check_risk(risk, name: str = "risk") -> _Risk:
    """``risk`` if it is a :class:`PopulationRisk` or :class:`EmpiricalRisk`, else an InputError."""
    if not isinstance(name, str):
        raise InputError(f"name must be a string, got {type(name).__name__}", argument="name")
    if not isinstance(risk, _Risk):
        raise InputError(
            f"{name} must be a PopulationRisk or EmpiricalRisk, got {type(risk).__name__}",
            argument=name,
        )
    return risk
