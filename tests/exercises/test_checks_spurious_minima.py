"""The chapter 1 answer checks agree with independent computations.

* ``ex-norm-escape``: from ``Q = 0`` the gradient in ``Q`` vanishes, so gradient descent on the
  added-norm network moves ``alpha`` alone; the number of steps to halve the NMSE follows from the
  scalar recursion ``alpha <- alpha + lr (2/N) sum_n r_n ||x_n||^2``, written here in NumPy.
* ``ch1-ex-positive-unit``: at ``Q = 0`` the Hessian block of unit ``j`` is ``-4 lambda_j R`` with
  ``R = (1/N) sum_n y_n X_n`` positive definite, so there are ``d`` negative eigenvalues per
  positive ``lambda_j``.
"""

import numpy as np
import pytest

from qlcore.exercises import checks
from qlcore.model import spurious


@pytest.fixture(scope="module")
def example():
    x, y, _, point = spurious.spurious_point(dim=5, n_samples=50, width=3, seed=0)
    return x, y, point


@pytest.mark.slow
def test_steps_to_halve_agree_with_the_recursion_in_alpha(example):
    x, y, _ = example
    norms = np.sum(x**2, axis=1)
    alpha, steps = 0.0, 0
    while np.sum((y - alpha * norms) ** 2) / np.sum(y**2) > 0.5:
        alpha += 1e-4 * 2.0 * np.mean((y - alpha * norms) * norms)
        steps += 1
    assert checks()["ex-norm-escape"].expected() == steps


def test_negative_eigenvalues_are_d_per_positive_unit(example):
    x, y, point = example
    r_matrix = np.einsum("n,ni,nj->ij", y, x, x) / len(y)
    assert np.linalg.eigvalsh(r_matrix).min() > 0
    positive_units = int(np.sum(np.array([1.0, 2.0, -3.0]) > 0))
    assert checks()["ch1-ex-positive-unit"].expected() == point.dim * positive_units
