"""The orthogonal teacher: Lotka–Volterra reduction of the eigenvalue flow (App. B.4).

Sarao Mannelli et al., eqs. (B.1)-(B.6), as we reconstruct them. A teacher with
``m*`` orthonormal vectors and ``A* = lambda* sum_i w_i* w_i*^T`` has ``m*`` eigenvalues equal to
``lambda*`` and ``d - m*`` zeros. From ``A(0) = I`` the informative eigenvalues share one value
``lambda(t)`` and the non-informative ones one value ``mu(t)``, and eq. (20) becomes

    dlambda/dt = -2 lambda [(m* + 2)(lambda - lambda*) + (d - m*) mu]            (B.1)
    dmu/dt     = -2 m* mu (lambda - lambda*) - 2 (d - m* + 2) mu^2                (B.2)

a competitive Lotka–Volterra system. Times are in the book's normalisation
(:mod:`qlcore.dynamics.flows`). The approximations (B.3)-(B.6) are our reconstructions; their
constants are not recoverable from the source, and the chapter measures how accurate they are.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from qlcore.dynamics.flows import (
    MAX_VALUE,
    check_scale,
    check_time_values,
    check_times,
    integrate,
)
from qlcore.infra.checks import InputError, as_array, as_vector, check_positive_int, check_real


@dataclass(frozen=True)
class FixedPoint:
    """A fixed point ``(lambda, mu)`` of (B.1)-(B.2), its Jacobian eigenvalues and its type."""

    lam: float
    mu: float
    jacobian_eigenvalues: tuple[float, float]
    kind: str


@dataclass(frozen=True)
class LotkaVolterraTrajectory:
    """``lambda(t)``, ``mu(t)`` and the loss ``E(t)`` (eq. 21) of (B.1)-(B.2)."""

    t: np.ndarray
    lam: np.ndarray
    mu: np.ndarray
    loss: np.ndarray


@dataclass(frozen=True)
class RegimeTimes:
    """Measured on the exact solution from ``(1, 1)``: ``t_min`` where ``lambda`` is smallest
    (end of the first regime), ``lam_min = lambda(t_min)``, and ``t_half`` where ``lambda``
    climbs back through ``lambda* / 2`` (the informative eigenvalue has escaped)."""

    t_min: float
    lam_min: float
    t_half: float


def _check_state(value, name: str) -> np.ndarray:
    """``lambda`` or ``mu`` values: finite float64 numbers or arrays within ``MAX_VALUE``."""
    value = as_array(value, name)
    if not np.all(np.isfinite(value)):
        raise InputError(f"{name} contains NaN or infinite values", argument=name)
    return check_scale(value, name)


@dataclass(frozen=True)
class OrthogonalTeacherFlow:
    """(B.1)-(B.2) for input dimension ``dim``, ``rank = m*`` (``1 <= m* < d``) teacher vectors
    and teacher eigenvalue ``eigenvalue = lambda* > 0``; ``d`` and ``lambda*`` at most
    :data:`qlcore.dynamics.flows.MAX_VALUE` (the rates are quadratic in them)."""

    dim: int
    rank: int
    eigenvalue: float = 1.0

    def __post_init__(self):
        dim = check_positive_int(self.dim, "dim", minimum=2)
        rank = check_positive_int(self.rank, "rank")
        if rank >= dim:
            raise InputError(
                f"rank must be < dim = {dim} (for m* = d there is no "
                f"non-informative eigenvalue mu), got {rank}",
                argument="rank",
            )
        if dim > MAX_VALUE:
            raise InputError(f"dim must be at most {MAX_VALUE:g}, got {dim:g}", argument="dim")
        eigenvalue = check_real(self.eigenvalue, "eigenvalue", positive=True, maximum=MAX_VALUE)
        object.__setattr__(self, "dim", dim)
        object.__setattr__(self, "rank", rank)
        object.__setattr__(self, "eigenvalue", eigenvalue)

    # ------------------------------------------------------------------ the vector field
    def rhs(self, lam, mu):
        """Right-hand sides of (B.1) and (B.2); works on arrays (for phase portraits)."""
        return self._field(*_check_pair(lam, mu))

    def _field(self, lam, mu):
        d, m, ls = self.dim, self.rank, self.eigenvalue
        dlam = -2.0 * lam * ((m + 2) * (lam - ls) + (d - m) * mu)
        dmu = -2.0 * m * mu * (lam - ls) - 2.0 * (d - m + 2) * mu**2
        return dlam, dmu

    def jacobian(self, lam: float, mu: float) -> np.ndarray:
        """The 2 x 2 Jacobian of (B.1)-(B.2) at ``(lam, mu)``."""
        return self._jacobian(
            check_real(lam, "lam", minimum=-MAX_VALUE, maximum=MAX_VALUE),
            check_real(mu, "mu", minimum=-MAX_VALUE, maximum=MAX_VALUE),
        )

    def _jacobian(self, lam: float, mu: float) -> np.ndarray:
        d, m, ls = self.dim, self.rank, self.eigenvalue
        return np.array(
            [
                [
                    -2.0 * ((m + 2) * (lam - ls) + (d - m) * mu) - 2.0 * (m + 2) * lam,
                    -2.0 * (d - m) * lam,
                ],
                [-2.0 * m * mu, -2.0 * m * (lam - ls) - 4.0 * (d - m + 2) * mu],
            ]
        )

    def fixed_points(self) -> list[FixedPoint]:
        """The three fixed points: ``(0, 0)``, ``(0, m* lambda* / (d - m* + 2))`` and
        ``(lambda*, 0)``, classified by their Jacobian eigenvalues. At ``(lambda*, 0)`` one
        eigenvalue is exactly 0: the point is not hyperbolic, and attracts ``mu >= 0`` along its
        centre manifold, where ``dmu/dt = -c mu^2`` (:meth:`centre_manifold_coefficient`)."""
        d, m, ls = self.dim, self.rank, self.eigenvalue
        points = []
        for lam, mu in ((0.0, 0.0), (0.0, m * ls / (d - m + 2)), (ls, 0.0)):
            eigenvalues = np.sort(np.linalg.eigvals(self._jacobian(lam, mu)).real)
            scale = np.abs(eigenvalues).max()
            signs = [0 if abs(v) <= 1e-12 * scale else int(np.sign(v)) for v in eigenvalues]
            kind = {
                (1, 1): "unstable node",
                (-1, 1): "saddle",
                (-1, -1): "stable node",
                (-1, 0): "stable, not hyperbolic (centre direction, attracting for mu > 0)",
            }.get(tuple(signs), f"other (signs {signs})")
            eigenvalues = tuple(float(v) if s else 0.0 for v, s in zip(eigenvalues, signs))
            points.append(FixedPoint(lam, mu, eigenvalues, kind))
        return points

    def centre_manifold_coefficient(self) -> float:
        """``c = 4 (d + 2) / (m* + 2)``: near ``(lambda*, 0)``, ``lambda - lambda*`` is slaved to
        ``-(d - m*) mu / (m* + 2)`` and ``dmu/dt = -c mu^2``, so ``mu ~ 1 / (c t)``."""
        return 4.0 * (self.dim + 2) / (self.rank + 2)

    # ------------------------------------------------------------------ exact solution
    def loss(self, lam, mu):
        """``E = m* (lambda - lambda*)^2 + (d - m*) mu^2 + 1/2 (m* (lambda - lambda*) + (d - m*)
        mu)^2`` (eq. 21 for this spectrum)."""
        return self._loss(*_check_pair(lam, mu))

    def _loss(self, lam, mu):
        d, m, ls = self.dim, self.rank, self.eigenvalue
        dev = lam - ls
        return m * dev**2 + (d - m) * mu**2 + 0.5 * (m * dev + (d - m) * mu) ** 2

    def _deviation_rhs(self, _, y):
        dlam, dmu = self._field(self.eigenvalue + y[0], y[1])
        return np.array([dlam, dmu])

    def _deviation_jac(self, _, y):
        return self._jacobian(self.eigenvalue + y[0], y[1])

    def solve(self, t, initial: tuple[float, float] = (1.0, 1.0)) -> LotkaVolterraTrajectory:
        """Integrate (B.1)-(B.2) from ``(lambda(0), mu(0)) = initial`` (default ``A(0) = I``),
        with the tolerances of :mod:`qlcore.dynamics.flows`, in ``lambda - lambda*`` and ``mu``."""
        t = check_times(t)
        lam0, mu0 = check_scale(as_vector(initial, "initial", length=2), "initial")
        if not (lam0 > 0 and mu0 >= 0):
            raise InputError(
                f"initial must have lambda > 0 and mu >= 0, got {initial}", argument="initial"
            )
        y = integrate(
            self._deviation_rhs, np.array([lam0 - self.eigenvalue, mu0]), t, jac=self._deviation_jac
        ).y
        lam, mu = self.eigenvalue + y[0], y[1]
        return LotkaVolterraTrajectory(t=t, lam=lam, mu=mu, loss=self._loss(lam, mu))

    def regime_times(self) -> RegimeTimes:
        """``t_min`` (``dlambda/dt = 0``), ``lambda(t_min)`` and ``t_half`` (``lambda =
        lambda*/2`` on the way up), located by ``solve_ivp`` events on the exact solution from
        ``(1, 1)``. Raises ``RuntimeError`` if ``lambda`` does not first decrease (a teacher
        eigenvalue so large that there is no first regime, or ``d`` too small for ``lambda`` to fall
        below ``lambda*/2``)."""
        d, m, ls = self.dim, self.rank, self.eigenvalue

        def turning(_, y):
            return (m + 2) * y[0] + (d - m) * y[1]

        turning.direction = -1.0

        def half(_, y):
            return y[0] + 0.5 * ls

        half.direction = 1.0

        horizon = (20.0 + 5.0 * np.log(d)) / ls
        try:
            solution = integrate(
                self._deviation_rhs,
                np.array([1.0 - ls, 1.0]),
                np.array([horizon]),
                jac=self._deviation_jac,
                events=[turning, half],
            )
        except InputError as error:
            raise InputError(
                f"dim, rank, eigenvalue: {error} (dim={d}, rank={m}, eigenvalue={ls})",
                argument="dim",
            ) from None
        (t_turn, y_turn), (t_up, _) = zip(solution.t_events, solution.y_events)
        if len(t_turn) == 0 or len(t_up) == 0:
            raise InputError(
                f"dim, rank, eigenvalue: lambda does not dip and climb back through lambda*/2 "
                f"before t = {horizon:g}: the two regimes need d >> m* (dim={d}, rank={m}, "
                f"eigenvalue={ls})",
                argument="dim",
            )
        return RegimeTimes(
            t_min=float(t_turn[0]), lam_min=float(ls + y_turn[0][0]), t_half=float(t_up[0])
        )

    # ------------------------------------------------------------------ approximations (B.3)-(B.6)
    def mu_b3(self, t) -> np.ndarray:
        """(B.3): ``mu ~ 1 / (1 + 2 (d - m* + 2) t)``, (B.2) without its first term."""
        return 1.0 / (1.0 + 2.0 * (self.dim - self.rank + 2) * check_time_values(t))

    def t1_b4(self) -> float:
        """(B.4): ``t_1 = ((d + 2) / ((m* + 2) lambda*) - 1) / (2 (d - m* + 2))``, where the
        bracket of (B.1) changes sign if ``lambda = mu = mu_B3``; then ``lambda(t_1) = (m* + 2)
        lambda* / (d + 2)`` (:meth:`lam_t1_b4`)."""
        d, m, ls = self.dim, self.rank, self.eigenvalue
        return ((d + 2) / ((m + 2) * ls) - 1.0) / (2.0 * (d - m + 2))

    def lam_t1_b4(self) -> float:
        """``lambda(t_1) = mu_B3(t_1) = (m* + 2) lambda* / (d + 2)``."""
        return (self.rank + 2) * self.eigenvalue / (self.dim + 2)

    def lam_b5(self, t, rate: float | None = None) -> np.ndarray:
        """(B.5): logistic growth ``lambda* / (1 + (lambda*/lambda(t_1) - 1) e^{-r (t - t_1)})``
        from ``t_1``; ``r = 2 (m* + 2) lambda*`` (the last term of (B.1) neglected) unless
        ``rate`` is given."""
        ls = self.eigenvalue
        rate = self._check_rate(rate)
        start = ls / self.lam_t1_b4() - 1.0
        with np.errstate(over="ignore"):  # exp overflows to inf long before t_1: lambda = 0
            return ls / (1.0 + start * np.exp(-rate * (check_time_values(t) - self.t1_b4())))

    def _check_rate(self, rate: float | None) -> float:
        if rate is None:
            return 2.0 * (self.rank + 2) * self.eigenvalue
        return check_real(rate, "rate", positive=True)

    def t_half_b6(self, rate: float | None = None) -> float:
        """(B.6)-type arrival time: when the logistic (B.5) with rate ``r`` reaches ``lambda*/2``,
        ``t_1 + ln(lambda*/lambda(t_1) - 1) / r``; ``O(log d)``."""
        rate = self._check_rate(rate)
        return self.t1_b4() + np.log(self.eigenvalue / self.lam_t1_b4() - 1.0) / rate

    def loss_27(self, t) -> np.ndarray:
        """A reading of eq. (27), whose exact form is not recoverable from the source:
        ``E ~ 1/2 ((d - m*) mu_B3(t))^2``."""
        return 0.5 * ((self.dim - self.rank) * self.mu_b3(t)) ** 2


def _check_pair(lam, mu) -> tuple[np.ndarray, np.ndarray]:
    """``lam`` and ``mu`` (numbers or arrays of shapes that broadcast), checked."""
    lam, mu = _check_state(lam, "lam"), _check_state(mu, "mu")
    try:
        np.broadcast_shapes(lam.shape, mu.shape)
    except ValueError:
        raise InputError(
            f"mu must have a shape that broadcasts with lam's, got {mu.shape} and {lam.shape}",
            argument="mu",
        ) from None
    return lam, mu
