"""qlcore.stationary.initialisation: the isotropic start ``W_0^T W_0 = m I``, its expected risk
over Gaussian ``W*`` by Monte Carlo, the heuristic width ``m / d^2`` (decreasing to
``2 mu2^2 / min{mu4 - mu2^2, 2 mu2^2}``) and :func:`threshold_ratio`."""

import numpy as np
import pytest

from qlcore.infra.checks import InputError
from qlcore.samples import span
from qlcore.stationary import initialisation as init
from qlcore.stationary.risks import PopulationRisk, planted_weights


@pytest.mark.parametrize(("m", "d"), [(1, 1), (3, 3), (8, 3), (50, 7)])
def test_isotropic_start(m, d):
    start = init.isotropic_start(m, d, seed=m)
    assert start.shape == (m, d)
    np.testing.assert_allclose(start.T @ start, m * np.eye(d), atol=1e-12 * m)
    np.testing.assert_array_equal(start, init.isotropic_start(m, d, seed=m))
    assert not np.allclose(start, init.isotropic_start(m, d, seed=m + 1)) or m == d == 1


def test_isotropic_start_refuses_m_below_d():
    with pytest.raises(InputError) as error:
        init.isotropic_start(2, 3)
    assert error.value.argument == "m"


@pytest.mark.parametrize("law", span.INPUT_LAWS)
def test_expected_start_risk_by_monte_carlo(law):
    m, d = 8, 3
    start = init.isotropic_start(m, d)
    values = np.array(
        [PopulationRisk(planted_weights(m, d, seed=s), law).values(start) for s in range(3000)]
    )
    standard_error = values.std() / np.sqrt(len(values))
    assert abs(values.mean() - init.expected_start_risk(m, d, law)) < 4 * standard_error


def test_expected_start_risk_for_gaussian_inputs():
    # mu2 = 1, mu4 = 3: E L = 2 m d (d + 2)
    assert init.expected_start_risk(10, 4, "gaussian") == 2 * 10 * 4 * 6


@pytest.mark.parametrize(("law", "limit"), [("gaussian", 1.0), ("laplace", 1.0), ("uniform", 2.5)])
def test_heuristic_width_ratio_decreases_to_its_limit(law, limit):
    dims = [1, 2, 3, 5, 10, 30, 100, 1000, 10**4, 10**6]
    ratios = [init.heuristic_width_ratio(d, law) for d in dims]
    assert np.all(np.diff(ratios) < 0)
    assert ratios[-1] > limit
    assert ratios[-1] == pytest.approx(limit, rel=0.01)


@pytest.mark.parametrize("law", ["gaussian", "uniform", "laplace"])
@pytest.mark.parametrize("d", [1, 4, 50])
def test_heuristic_width_is_the_larger_root(law, d):
    moments = span.input_law(law)
    constant = min(moments.mu4 - moments.mu2**2, 2 * moments.mu2**2)
    m = init.heuristic_width_ratio(d, law) * d**2
    assert m > d
    # E L(W_0) is linear in m: m times its value at m = 1
    expected = m * init.expected_start_risk(1, d, law)
    assert constant * (np.sqrt(m) - np.sqrt(d)) ** 4 == pytest.approx(expected, rel=1e-9)


def test_heuristic_width_refuses_rademacher():
    with pytest.raises(InputError) as error:
        init.heuristic_width_ratio(3, "rademacher")
    assert error.value.argument == "law"


@pytest.mark.parametrize(
    ("probabilities", "level", "expected"),
    [
        ([0.1, 0.5, 0.96, 0.99, 1.0], 0.95, 3.0),
        ([0.96, 0.97, 0.98, 0.99, 1.0], 0.95, 1.0),
        ([0.1, 0.96, 0.5, 0.97, 1.0], 0.95, 4.0),  # a dip below the level in the middle
        ([0.96, 0.97, 0.98, 0.99, 0.9], 0.95, None),  # the last is below
        ([0.1, 0.5, 0.95, 0.99, 1.0], 0.95, 4.0),  # "exceeds": equal to the level is not enough
        ([0.1, 0.5, 0.6, 0.7, 0.8], 0.55, 3.0),
        ([1.0, 1.0, 1.0, 1.0, 1.0], 1.0, None),
    ],
)
def test_threshold_ratio(probabilities, level, expected):
    ratios = [1.0, 2.0, 3.0, 4.0, 5.0]
    assert init.threshold_ratio(ratios, probabilities, level) == expected


@pytest.mark.parametrize(
    ("args", "argument"),
    [
        (([1.0, 3.0, 2.0], [1.0, 1.0, 1.0]), "ratios"),
        (([1.0, 1.0], [1.0, 1.0]), "ratios"),
        (([1.0, 2.0], [1.0, 1.0, 1.0]), "probabilities"),
        (([1.0, 2.0], [1.0, 1.0], 1.5), "level"),
        (([], []), "ratios"),
    ],
)
def test_threshold_ratio_argument_checks(args, argument):
    with pytest.raises(InputError) as error:
        init.threshold_ratio(*args)
    assert error.value.argument == argument
