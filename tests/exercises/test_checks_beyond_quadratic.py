"""The expected answers of chapter 7's checks agree with independent computations.

The checks' functions are called directly: :func:`qlcore.exercises.checks` would import every
chapter's module."""

import numpy as np

from qlcore.exercises import beyond_quadratic
from qlcore.homogeneous import critical_points, factorization


def test_excess_risks_are_those_of_the_constructed_points():
    cov = beyond_quadratic.critical_risk_covariances()
    points = critical_points.enumerate_critical_points(cov, 2)
    measured = np.sort([critical_points.risk(cov, p.u, p.v) for p in points])
    assert np.allclose(beyond_quadratic._excess_risks(), measured - measured[0], atol=1e-9)


def test_svt_value_is_reached_by_the_balanced_factors():
    y = np.random.default_rng(5).standard_normal((8, 6))
    width, value = beyond_quadratic._svt_width_and_value()
    optimum = factorization.factorization_optimum(y, 1.5)
    assert optimum.u.shape[1] == width
    assert np.isclose(factorization.objective(y, optimum.u, optimum.v, 1.5), value)
