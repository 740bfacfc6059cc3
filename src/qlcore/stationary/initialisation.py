"""The isotropic initialisation ``W_0^T W_0 = m I`` and when it starts below the barrier (§4.5).

Gamarnik et al. (slides) show that for a planted ``W*`` with i.i.d. centred unit-variance entries
the start ``W_0^T W_0 = m I_d`` has a risk below the barrier with high probability once
``m > C d^2`` for a large constant ``C`` (not given in the source). Both risks depend on ``W_0``
only through ``W_0^T W_0``, so any such ``W_0`` (:func:`isotropic_start`) gives the same risk.

**Heuristic for the constant (ours).** For Gaussian ``W*`` (``m x d``), ``M = m I - W*^T W*`` has
``E M_ii^2 = 2m``, ``E M_ij^2 = m`` and ``E (tr M)^2 = 2md``, so by §4.1

    E L(W_0) = 2 m d [(mu4 - 3 mu2^2) + mu2^2 (d + 2)],

while ``sigma_min(W*) ~ sqrt m - sqrt d`` (Bai–Yin). Setting ``E L(W_0)`` equal to the barrier
``min{mu4 - mu2^2, 2 mu2^2} (sqrt m - sqrt d)^4`` gives the width :func:`heuristic_width_ratio`
``m / d^2``, which tends to ``2 mu2^2 / min{mu4 - mu2^2, 2 mu2^2}`` as ``d`` grows: 1 for Gaussian
and Laplace inputs, 5/2 for uniform ones.
"""

from __future__ import annotations

import numpy as np
from scipy import optimize

from qlcore.infra.checks import (
    InputError,
    as_vector,
    check_choice,
    check_positive_int,
    check_real,
    rng_from_seed,
)
from qlcore.samples import span


def isotropic_start(m: int, d: int, *, seed=0) -> np.ndarray:
    """``W_0 = sqrt(m) U`` with ``U`` (m x d) uniformly random with orthonormal columns, so that
    ``W_0^T W_0 = m I``."""
    m, d = check_positive_int(m, "m"), check_positive_int(d, "d")
    if m < d:
        raise InputError(f"m must be >= d = {d} for W_0^T W_0 = m I, got {m}", argument="m")
    basis, upper = np.linalg.qr(rng_from_seed(seed).standard_normal((m, d)))
    return np.sqrt(m) * basis * np.sign(np.diag(upper))


def expected_start_risk(m: int, d: int, law: str) -> float:
    """``E L(W_0) = 2 m d [(mu4 - 3 mu2^2) + mu2^2 (d + 2)]`` over Gaussian ``W*`` (module
    docstring)."""
    m, d = check_positive_int(m, "m"), check_positive_int(d, "d")
    moments = span.input_law(check_choice(law, "law", span.INPUT_LAWS))
    mu2, mu4 = moments.mu2, moments.mu4
    return float(2 * m * d * ((mu4 - 3 * mu2**2) + mu2**2 * (d + 2)))


def heuristic_width_ratio(d: int, law: str) -> float:
    """The ``m / d^2`` at which ``E L(W_0)`` meets ``min{mu4 - mu2^2, 2 mu2^2} (sqrt m -
    sqrt d)^4`` (module docstring): the larger root, found by Brent's method."""
    d = check_positive_int(d, "d")
    moments = span.input_law(check_choice(law, "law", span.INPUT_LAWS))
    constant = moments.barrier_constant
    if constant == 0:
        raise InputError(f"law {law!r} has mu4 = mu2^2: the barrier is 0", argument="law")
    slope = 2 * d * ((moments.mu4 - 3 * moments.mu2**2) + moments.mu2**2 * (d + 2))

    def gap(m):
        return constant * (np.sqrt(m) - np.sqrt(d)) ** 4 - slope * m

    high = 4.0 * d
    while gap(high) <= 0:
        high *= 2
    return float(optimize.brentq(gap, high / 2 if gap(high / 2) < 0 else d, high) / d**2)


def threshold_ratio(ratios, probabilities, level: float = 0.95) -> float | None:
    """The smallest of ``ratios`` (increasing) from which on every probability exceeds ``level``
    (None if the largest does not)."""
    ratios = as_vector(ratios, "ratios")
    probabilities = as_vector(probabilities, "probabilities", length=len(ratios))
    level = check_real(level, "level", minimum=0.0, maximum=1.0)
    if np.any(np.diff(ratios) <= 0):
        raise InputError("ratios must increase", argument="ratios")
    found = None
    for ratio, probability in zip(ratios[::-1], probabilities[::-1]):
        if probability <= level:
            break
        found = float(ratio)
    return found
