"""Verdict rules of chapter 4's claim cells, as pure functions of the numbers the cells compute.

Each function states one rule and where its band comes from; the chapter's cells compute the
numbers (errors, deviations, slopes) and print the verdict these functions return. Arguments are
checked with :mod:`qlcore.infra.checks`: an :class:`~qlcore.infra.checks.InputError` names the
argument. Scalars and arrays of any shape are accepted where a function says "values"; they are
flattened, must not be empty, and must be finite.
"""

from __future__ import annotations

import numpy as np

from qlcore.infra import checks

DECADE_SHRINK_FACTOR = 5.0
"""Least factor a relatively ``O(1/t)`` correction must shrink by over one decade of ``t`` (it
shrinks 10-fold; 5 leaves room for the next order)."""


def _values(value, name: str, *, minimum_length: int = 1) -> np.ndarray:
    array = checks.as_array(value, name)
    array = checks.as_vector(np.reshape(array, -1), name)
    if array.size < minimum_length:
        raise checks.InputError(
            f"{name} must hold at least {minimum_length} values, got {array.size}",
            argument=name,
        )
    return array


def _same_length(array: np.ndarray, reference: np.ndarray, name: str, reference_name: str):
    if array.size != reference.size:
        raise checks.InputError(
            f"{name} must hold as many values as {reference_name} ({reference.size}), "
            f"got {array.size}",
            argument=name,
        )


def step_halving_claim(errors, steps, kappa) -> bool:
    """Gradient descent's error against the flow is first order in the step: ``True`` when
    halving the step halves the error, within ``2 (1 +- eta kappa)``.

    ``errors[i]`` is the error of the run with step ``steps[i]``, each step half the previous one.
    To first order ``error(eta) = a eta (1 + O(eta kappa))`` with ``kappa`` the fastest rate of
    the eigenvalue ODE (20) (``kappa ~ 2 (d + 2)`` at ``A(0) = I``), so the ratio of consecutive
    errors is ``2 (1 +- eta kappa)``: the rule is ``|errors[i] / errors[i + 1] - 2| <
    2 steps[i] kappa`` for every ``i``. A second-order method (ratio 4) or a zeroth-order error
    (ratio 1) fails it once the steps are small."""
    errors = _values(errors, "errors", minimum_length=2)
    steps = _values(steps, "steps", minimum_length=2)
    _same_length(steps, errors, "steps", "errors")
    if np.any(errors <= 0):
        raise checks.InputError("errors must be > 0 (they are divided)", argument="errors")
    if np.any(steps <= 0):
        raise checks.InputError("steps must be > 0", argument="steps")
    kappa = checks.check_real(kappa, "kappa", positive=True)
    ratios = errors[:-1] / errors[1:]
    band = 2 * steps[:-1] * kappa
    return bool(np.all(np.abs(ratios - 2) < band))


def decreasing_claim(values) -> bool:
    """``True`` when ``values`` strictly decrease (``values[i + 1] < values[i]`` for every ``i``):
    an error that must fall as a parameter grows (wider Gaussian starts, more samples)."""
    values = _values(values, "values", minimum_length=2)
    return bool(np.all(np.diff(values) < 0))


def converging_changes_claim(values) -> bool:
    """``True`` when the changes ``|values[i + 1] - values[i]|`` strictly shrink: the sequence
    converges (in the chapter, ``d`` times an error at ``d`` doubling each time).

    An error ``c/d + O(1/d^2)`` gives ``d * error = c + O(1/d)``, whose changes halve at every
    doubling; a power ``d^-p`` with ``p != 1`` gives changes that grow or do not shrink."""
    values = _values(values, "values", minimum_length=3)
    return bool(np.all(np.diff(np.abs(np.diff(values))) < 0))


def decade_shrink_claim(deviation_early, deviation_late, factor=DECADE_SHRINK_FACTOR) -> bool:
    """``True`` when every late deviation is at most ``1/factor`` of the early one, a decade of
    ``t`` before: ``|deviation_late[i]| <= |deviation_early[i]| / factor``.

    A relative correction ``O(1/t)`` (the chapter's ``t^2 E(t) -> (26)``, ``mu(t) t`` on the
    centre manifold, the late factors of (B.3) and (27)), or a quantity itself ``O(1/t)``
    (``K(t)``, ``t E(t)``), shrinks 10-fold per decade; the default ``factor = 5``
    (:data:`DECADE_SHRINK_FACTOR`) leaves room for the next order. A wrong limit leaves a
    deviation that does not shrink. The two arguments pair up entry by entry."""
    early = _values(deviation_early, "deviation_early")
    late = _values(deviation_late, "deviation_late")
    _same_length(late, early, "deviation_late", "deviation_early")
    factor = checks.check_real(factor, "factor", minimum=1.0)
    return bool(np.all(np.abs(late) <= np.abs(early) / factor))


def escape_slope_claim(slopes, lambda_star) -> bool:
    """``True`` when every measured slope of the escape time against ``ln d`` is closer to
    ``1 / (4 lambda*)`` (the chapter's estimate) than to ``1 / (6 lambda*)``, the slope of
    (B.6): ``|slopes - 1/(4 lambda*)| < |slopes - 1/(6 lambda*)|``."""
    slopes = _values(slopes, "slopes")
    lambda_star = checks.check_real(lambda_star, "lambda_star", positive=True)
    ours, b6 = 1 / (4 * lambda_star), 1 / (6 * lambda_star)
    return bool(np.all(np.abs(slopes - ours) < np.abs(slopes - b6)))


def local_rate_claim(ratio_late, ratio_early, resolution) -> bool:
    """``True`` when every local decay rate tends to its limit: for each ``i``, the late ratio
    (local rate over ``2 kappa_min`` of (28)) deviates from 1 by less than ``resolution`` (the
    solver's level), or by at most half of the early deviation.

    In the linear regime the deviation shrinks like ``exp(-(kappa_2 - kappa_min) t)``, so between
    ``E = 1e-10`` and ``E = 1e-30`` it shrinks many-fold; half is a loose requirement."""
    late = _values(ratio_late, "ratio_late")
    early = _values(ratio_early, "ratio_early")
    _same_length(early, late, "ratio_early", "ratio_late")
    resolution = checks.check_real(resolution, "resolution", positive=True)
    late_dev, early_dev = np.abs(late - 1), np.abs(early - 1)
    return bool(np.all((late_dev < resolution) | (late_dev <= early_dev / 2)))


def closer_to_one_claim(ratios, alternative_ratios) -> bool:
    """``True`` when every ratio (estimate over measurement) is closer to 1 than the alternative
    estimate's: ``|ratios[i] - 1| < |alternative_ratios[i] - 1|`` (the chapter: the escape
    estimate with rate ``4 lambda*`` against (B.6))."""
    ratios = _values(ratios, "ratios")
    alternative = _values(alternative_ratios, "alternative_ratios")
    _same_length(alternative, ratios, "alternative_ratios", "ratios")
    return bool(np.all(np.abs(ratios - 1) < np.abs(alternative - 1)))


def above_one_claim(ratios) -> bool:
    """``True`` when every ratio exceeds 1 (the chapter: the measured ``t_min`` over ``t1`` of
    (B.4), which comes early)."""
    ratios = _values(ratios, "ratios")
    return bool(np.all(ratios > 1))
