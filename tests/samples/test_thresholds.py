"""qlcore.samples.thresholds: eq. 13 and its limit eq. 14 (Sarao Mannelli et al.): cases and
limits."""

from fractions import Fraction

import pytest

from qlcore.samples.thresholds import alpha_critical, n_critical


@pytest.mark.parametrize("d", range(1, 30))
def test_special_cases(d):
    full = d * (d + 1) // 2
    assert n_critical(d, 0) == d  # eq. A.14: the zero teacher
    assert n_critical(d, 1) == min(2 * d - 1, full)  # Theorem 3.1: n ~ 2d (d = 1: n = 1)
    assert n_critical(d, d - 1) == full  # continuous at m* = d
    for m_star in (d, d + 1, 3 * d):
        assert n_critical(d, m_star) == full


@pytest.mark.parametrize("d", range(1, 25))
def test_compact_form_and_monotonicity(d):
    values = [n_critical(d, m) for m in range(d + 2)]
    for m_star in range(d + 1):
        assert Fraction(values[m_star]) == (m_star + 1) * (d - Fraction(m_star, 2))
        assert isinstance(values[m_star], int)
    assert all(a < b for a, b in zip(values[:d], values[1:d]))  # strictly up to m* = d - 1
    assert values[d - 1] == values[d] == values[d + 1]


def test_theorem_3_1_alpha_is_2():
    assert [n_critical(d, 1) / d for d in (10, 100, 10_000)] == [1.9, 1.99, 1.9999]


@pytest.mark.parametrize("d", [1, 2, 7, 40])
def test_exact_relation_between_eq_13_and_eq_14(d):
    # n_c = alpha_c(m*/d) d^2 + (1 - m*/(2d)) d for m* <= d: eq. 14 keeps the d^2 term only
    for m_star in range(d + 1):
        rho = Fraction(m_star, d)
        assert n_critical(d, m_star) == alpha_critical(rho) * d**2 + (1 - rho / 2) * d
        # so the finite-d counting values lie above the limit curve, by (1 - rho/2) / d
        assert Fraction(n_critical(d, m_star), d**2) > alpha_critical(rho)


@pytest.mark.parametrize(
    "rho",
    [Fraction(1, 10), Fraction(1, 4), Fraction(1, 2), Fraction(3, 4), Fraction(1), Fraction(3, 2)],
)
def test_n_critical_over_d_squared_tends_to_alpha_critical(rho):
    gaps = []
    for d in (8, 80, 800, 8000):
        m_star = int(rho * d)
        gaps.append(abs(Fraction(n_critical(d, m_star), d**2) - alpha_critical(rho)))
    assert all(later < earlier for earlier, later in zip(gaps, gaps[1:]))
    assert gaps[-1] < Fraction(1, 8000)  # the O(1/d) correction


def test_alpha_critical_values_and_types():
    assert alpha_critical(Fraction(1, 2)) == Fraction(3, 8)
    assert alpha_critical(0) == 0.0 and isinstance(alpha_critical(0), float)
    assert alpha_critical(0.5) == 0.375 and isinstance(alpha_critical(0.5), float)
    assert alpha_critical(1) == alpha_critical(7.5) == 0.5
    assert alpha_critical(Fraction(9, 10)) == Fraction(99, 200)
    assert isinstance(alpha_critical(Fraction(2)), Fraction)
    # continuous at rho = 1, increasing below it
    assert alpha_critical(1 - 1e-9) == pytest.approx(0.5, abs=1e-12)
    values = [alpha_critical(Fraction(k, 20)) for k in range(21)]
    assert all(a < b for a, b in zip(values, values[1:]))


@pytest.mark.parametrize(
    "d, m_star, message",
    [
        (0, 1, "d must be >= 1"),
        (2.5, 1, "d must be an integer"),
        (3, -1, "m_star must be >= 0"),
        (3, 1.5, "m_star must be an integer"),
        (True, 1, "d must be an integer"),
    ],
)
def test_n_critical_rejects_bad_input(d, m_star, message):
    with pytest.raises(ValueError, match=message):
        n_critical(d, m_star)


@pytest.mark.parametrize(
    "rho, message",
    [(-0.1, ">= 0"), (float("nan"), ">= 0"), ("1/2", "real number"), (None, "real number")],
)
def test_alpha_critical_rejects_bad_input(rho, message):
    with pytest.raises(ValueError, match=message):
        alpha_critical(rho)
