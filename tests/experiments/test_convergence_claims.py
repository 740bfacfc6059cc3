"""Chapter 4's verdict rules: True where the claim holds, False on numbers where it is wrong."""

import numpy as np
import pytest

from qlcore.experiments import convergence_claims as claims
from qlcore.infra.checks import InputError

STEPS = np.array([1e-3, 5e-4, 2.5e-4, 1.25e-4])
KAPPA = 2 * (10 + 2)


def test_step_halving_first_order_holds():
    # error = a eta (1 + c eta kappa): ratios 2 (1 + O(eta kappa))
    errors = 0.3 * STEPS * (1 + 0.5 * STEPS * KAPPA)
    assert claims.step_halving_claim(errors, STEPS, KAPPA)


@pytest.mark.parametrize("order", [0, 2])
def test_step_halving_fails_for_other_orders(order):
    # ratio 1 (error independent of the step) or 4 (second order), not 2
    errors = 0.3 * STEPS**order * np.ones_like(STEPS)
    assert not claims.step_halving_claim(errors, STEPS, KAPPA)


def test_step_halving_fails_for_ratio_three():
    errors = 0.3 * 3.0 ** -np.arange(len(STEPS))
    assert not claims.step_halving_claim(errors, STEPS, KAPPA)


def test_decreasing():
    assert claims.decreasing_claim([3.0, 2.0, 1.0])
    assert not claims.decreasing_claim([3.0, 2.0, 2.5])
    assert not claims.decreasing_claim([3.0, 3.0, 1.0])


def test_converging_changes():
    dims = np.array([250, 500, 1000, 2000, 4000])
    # error = c/d + e/d^2: error * d = c + e/d converges
    assert claims.converging_changes_claim((2.0 / dims + 30.0 / dims**2) * dims)
    # error = c d^-0.8: error * d = c d^0.2 drifts, its changes grow
    assert not claims.converging_changes_claim(2.0 * dims**-0.8 * dims)
    # error = c d^-0.5: error * d = c d^0.5 drifts, its changes grow
    assert not claims.converging_changes_claim(2.0 * dims**-0.5 * dims)


def test_decade_shrink():
    early = np.array([1e-2, 3e-3, 0.2])
    assert claims.decade_shrink_claim(early, early / 10)  # O(1/t): 10-fold per decade
    assert claims.decade_shrink_claim(early, early / 5)  # the boundary is allowed
    assert not claims.decade_shrink_claim(early, early / 2)  # shrinks, but too slowly
    assert not claims.decade_shrink_claim(early, early)  # a wrong limit: does not shrink
    # one entry out of three failing is enough
    assert not claims.decade_shrink_claim(early, np.array([1e-3, 3e-3, 0.02]))
    # scalars and 2-D arrays (paired entry by entry), and another factor
    assert claims.decade_shrink_claim(0.1, 0.01)
    assert claims.decade_shrink_claim([[0.1, 0.2]], [[0.01, 0.02]])
    assert not claims.decade_shrink_claim(0.1, 0.01, factor=20)


def test_escape_slope():
    for ls in (1.0, 0.5):
        ours, b6 = 1 / (4 * ls), 1 / (6 * ls)
        assert claims.escape_slope_claim(ours * np.array([1.05, 1.02, 1.01]), ls)
        assert not claims.escape_slope_claim(b6 * np.array([1.05, 1.02, 1.01]), ls)
        # one slope nearer (B.6) fails the claim
        assert not claims.escape_slope_claim([ours, ours, b6 * 1.01], ls)


def test_local_rate():
    early = np.array([1.1, 0.95, 1.02])
    assert claims.local_rate_claim([1.001, 0.999, 1.0 + 1e-8], early, 1e-6)
    # at the solver's resolution the shrink is not required
    assert claims.local_rate_claim([1.0 + 1e-7], [1.0 + 1e-7], 1e-6)
    # a rate that tends elsewhere: deviation does not shrink by half
    assert not claims.local_rate_claim([1.08, 0.999, 1.0], early, 1e-6)
    assert not claims.local_rate_claim([0.8, 0.8, 0.8], early, 1e-6)


def test_closer_to_one_and_above_one():
    assert claims.closer_to_one_claim([1.01, 0.98], [1.3, 0.7])
    assert not claims.closer_to_one_claim([1.01, 0.6], [1.3, 0.7])
    assert claims.above_one_claim([1.2, 3.0])
    assert not claims.above_one_claim([1.2, 0.9])
    assert not claims.above_one_claim([1.0])


@pytest.mark.parametrize(
    ("call", "argument"),
    [
        (lambda: claims.step_halving_claim([1.0], [1.0], 1.0), "errors"),
        (lambda: claims.step_halving_claim([1.0, 0.5], [1.0], 1.0), "steps"),
        (lambda: claims.step_halving_claim([1.0, -0.5], [1.0, 0.5], 1.0), "errors"),
        (lambda: claims.step_halving_claim([1.0, 0.5], [1.0, 0.5], 0.0), "kappa"),
        (lambda: claims.decreasing_claim([1.0]), "values"),
        (lambda: claims.converging_changes_claim([1.0, 2.0]), "values"),
        (lambda: claims.decade_shrink_claim([1.0, 2.0], [1.0]), "deviation_late"),
        (lambda: claims.decade_shrink_claim([np.nan], [1.0]), "deviation_early"),
        (lambda: claims.decade_shrink_claim([1.0], [1.0], factor=0.5), "factor"),
        (lambda: claims.escape_slope_claim([0.25], 0.0), "lambda_star"),
        (lambda: claims.local_rate_claim([1.0], [1.0], -1.0), "resolution"),
        (lambda: claims.local_rate_claim([1.0], [], 1e-6), "ratio_early"),
        (lambda: claims.closer_to_one_claim([1.0], "x"), "alternative_ratios"),
        (lambda: claims.above_one_claim(None), "ratios"),
    ],
)
def test_bad_arguments_name_the_argument(call, argument):
    with pytest.raises(InputError) as error:
        call()
    assert error.value.argument == argument
    assert str(error.value).startswith(argument)
