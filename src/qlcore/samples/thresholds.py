"""How many samples make the teacher the unique zero-loss matrix: Sarao Mannelli et al. eqs. 13-14.

A student of width ``m >= d`` realises every positive semidefinite ``A``, so its zero-loss set is
the spectrahedron ``{A >= 0 : x_k^T A x_k = y_k, k = 1..n}`` (eq. 10). Counting constraints
(App. A.5, eqs. A.13-A.16) gives the number of samples above which the teacher
``A*`` of rank ``m*`` is the only point of it:

    n_c = d(d+1)/2 - (d - m*)(d - m* - 1)/2   (m* < d),      n_c = d(d+1)/2   (m* >= d)   (eq. 13)

``d(d+1)/2`` is the dimension of the symmetric matrices; positivity of the block of ``A - A*`` on
``ker A*`` removes ``(d - m*)(d - m* - 1)/2`` of them. Equivalently ``n_c = (m* + 1)(d - m*/2)``
for ``m* <= d``, the dimension of the PSD matrices of rank ``m* + 1``. Special cases:
``m* = 0`` gives ``d`` (eq. A.14); ``m* = 1`` gives ``2d - 1``, i.e. ``n ~ 2d``, the threshold
``alpha_c = 2`` of Theorem 3.1 (eqs. 11-12); ``m* = d - 1`` already gives ``d(d+1)/2``.

With ``m* = rho d`` and ``n = alpha d^2``, ``d -> infinity`` (eq. 14):

    alpha_c(rho) = rho - rho^2/2   (rho < 1),        alpha_c(rho) = 1/2   (rho >= 1).

For ``m* <= d`` the two are related exactly by ``n_c = alpha_c(m*/d) d^2 + (1 - m*/(2d)) d``:
the limit keeps the ``d^2`` term only, which is why ``m* = 1`` (``rho -> 0``) needs eq. 13 itself.
The argument is the paper's heuristic (it calls it non-rigorous); :mod:`qlcore.samples.uniqueness`
tests it by semidefinite programming.
"""

from __future__ import annotations

from fractions import Fraction

from qlcore.infra.checks import InputError, check_positive_int


def n_critical(d: int, m_star: int) -> int:
    """Sample threshold of eq. 13 (Sarao Mannelli et al., = eq. A.16) for input dimension ``d``
    and teacher width ``m_star``: ``d(d+1)/2 - (d-m*)(d-m*-1)/2`` if ``m* < d``, else
    ``d(d+1)/2``. An exact ``int``; ``m_star = 0`` (the zero teacher) gives ``d``."""
    d = check_positive_int(d, "d")
    m_star = check_positive_int(m_star, "m_star", minimum=0)
    full = d * (d + 1) // 2
    if m_star >= d:
        return full
    return full - (d - m_star) * (d - m_star - 1) // 2


def alpha_critical(rho):
    """Limit threshold of eq. 14 (Sarao Mannelli et al.): ``lim n_c / d^2`` for ``m* = rho d``,
    ``rho - rho^2/2`` for ``rho < 1`` and ``1/2`` for ``rho >= 1``.

    Exact (a :class:`~fractions.Fraction`) when ``rho`` is a ``Fraction``; a ``float`` for
    ``int`` or ``float`` input.
    """
    if isinstance(rho, bool) or not isinstance(rho, (int, float, Fraction)):
        raise InputError(f"rho = m*/d must be a real number (int, float or Fraction), got {rho!r}")
    if not rho >= 0:  # also rejects NaN
        raise InputError(f"rho = m*/d must be >= 0, got {rho}")
    exact = isinstance(rho, Fraction)
    half = Fraction(1, 2) if exact else 0.5
    value = half if rho >= 1 else rho - rho * rho * half
    return value if exact else float(value)
