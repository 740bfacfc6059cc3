"""The expected answers of chapter 4's checks agree with independent computations.

The checks' functions are called directly: :func:`qlcore.exercises.checks` would import every
chapter's module."""

import numpy as np

from qlcore.dynamics import flows
from qlcore.exercises import convergence_rates


def test_late_rate_is_twice_the_smallest_eigenvalue_of_the_linearisation():
    values = np.array([2.0, 1.0, 0.5])
    operator = 2 * np.diag(values) @ (2 * np.eye(3) + np.ones((3, 3)))
    expected = 2 * np.linalg.eigvals(operator).real.min()
    assert np.isclose(convergence_rates._late_decay_rate(), expected, rtol=1e-12)
    # and it is the measured decay rate of the loss deep in the tail
    t = np.linspace(0, 40, 4001)
    loss = flows.population_loss_curve(values, t)
    k = int(np.argmax(loss < 1e-30))
    measured = -np.log(loss[k + 1] / loss[k - 1]) / (t[k + 1] - t[k - 1])
    assert np.isclose(measured, expected, rtol=1e-4)


def test_escape_time_matches_the_full_eigenvalue_flow():
    # the d eigenvalue ODEs (20), not the Lotka-Volterra reduction, on a fine grid
    t = np.linspace(1.7, 1.95, 2501)
    flow = flows.eigenvalue_flow(np.r_[1.0, np.zeros(999)], np.r_[0.0, t])
    lam = flow.eigenvalues[1:, 0]
    k = int(np.argmax(lam >= 0.5))
    assert 0 < k and lam[k - 1] < 0.5
    crossing = np.interp(0.5, lam[k - 1 : k + 1], t[k - 1 : k + 1])
    assert np.isclose(convergence_rates._escape_time(), crossing, rtol=1e-5)
