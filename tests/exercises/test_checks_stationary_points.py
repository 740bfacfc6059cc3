"""The expected answers of chapter 6's checks agree with independent computations.

The checks' functions are called directly: :func:`qlcore.exercises.checks` would import every
chapter's module."""

import numpy as np

from qlcore.exercises import stationary_points
from qlcore.samples import span
from qlcore.stationary import initialisation, risks


def test_widths_are_the_first_below_the_barrier_by_search():
    d = 10
    widths = stationary_points._heuristic_widths()
    for law, width in zip(("gaussian", "uniform", "laplace"), widths):
        moments = span.input_law(law)
        kappa = min(moments.mu4 - moments.mu2**2, 2 * moments.mu2**2)
        m = d
        while initialisation.expected_start_risk(m, d, law) > kappa * (m**0.5 - d**0.5) ** 4:
            m += 1
        assert width == m


def test_barrier_value_from_the_closed_form():
    planted = risks.planted_weights(6, 3, seed=0)
    sigma = np.linalg.svd(planted, compute_uv=False)[-1]
    bound, best = stationary_points._barrier_and_best_construction()
    assert np.isclose(bound, 0.8 * sigma**4)  # kappa = mu4 - mu2^2 = 9/5 - 1 for uniform inputs
    # the best M(t) lies above the bound and below the trace-free construction
    t_free = sigma**2 / 2
    v = np.linalg.svd(planted)[2][-1]
    m_free = -(sigma**2) * np.outer(v, v) + t_free * (np.eye(3) - np.outer(v, v))
    risk_free = -1.2 * np.sum(np.diag(m_free) ** 2) + 2 * np.sum(m_free**2)
    assert bound < best <= risk_free + 1e-12
