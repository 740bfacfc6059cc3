"""How many hidden units a depth-2 QL network needs to express every quartic form: counts.

A depth-2 network with hidden width ``h`` computes ``f(x) = z^T B z`` with ``z_i = A_i . x x^T``
(``i = 1..h``) and a symmetric ``B = Q^{(2)} diag(lambda^{(2)}) Q^{(2)T}``: a quadratic form in
``h`` quadratic forms, so a signed sum of at most ``h`` squares of quadratic forms. Quartic forms
in ``d`` variables have ``C(d+3, 4)`` coefficients, a quadratic form ``C(d+1, 2)``.

* The naive count: ``ceil(C(d+3, 4) / C(d+1, 2))`` squares.
* The corrected count: the map ``(A_1..A_h, B) -> f`` is unchanged by ``z -> G z``,
  ``B -> G^{-T} B G^{-1}`` for invertible ``G``, which removes ``h^2`` of the
  ``h C(d+1, 2) + h(h+1)/2`` parameters; the set of functions has dimension at most
  ``h C(d+1, 2) - h(h-1)/2``, so the smallest ``h`` with that at least ``C(d+3, 4)``.
* :func:`function_dimension` measures the dimension: the rank of the Jacobian of the map at a
  random point, evaluated at random inputs.

These counts say which widths cannot fit a generic quartic exactly (dimension below
``C(d+3, 4)``); they do not say that wider networks are found by training. Theorem F.1 asks for
``h_1 = d^2``, far more.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from qlcore.deep import monomials
from qlcore.infra.checks import check_budget, check_positive_int, check_seed


@dataclass(frozen=True)
class WidthCounts:
    """The counts of the module docstring for inputs of dimension ``dim``: the number of quartic
    coefficients and of a quadratic form's, the naive and the corrected width."""

    dim: int
    quartic: int
    quadratic: int
    naive: int
    corrected: int


def width_counts(dim: int) -> WidthCounts:
    """:class:`WidthCounts` for depth-2 networks on ``R^dim``."""
    dim = check_positive_int(dim, "dim")
    quartic, quadratic = monomials.n_monomials(dim, 4), monomials.n_monomials(dim, 2)
    corrected = 1
    while corrected * quadratic - corrected * (corrected - 1) // 2 < quartic:
        corrected += 1
    return WidthCounts(dim, quartic, quadratic, math.ceil(quartic / quadratic), corrected)


def function_dimension(dim: int, width: int, seed: int = 0) -> int:
    """Dimension of the set of functions of depth-2 QL networks of hidden width ``width`` on
    ``R^dim``: the numerical rank (relative tolerance 1e-10) of the Jacobian of
    ``(A_1..A_h, B) -> z^T B z`` at a random point, evaluated at ``2 C(dim+3, 4)`` random
    inputs."""
    dim = check_positive_int(dim, "dim")
    width = check_positive_int(width, "width")
    rng = np.random.default_rng(check_seed(seed))
    counts = width_counts(dim)
    n_inputs = 2 * counts.quartic
    columns = width * counts.quadratic + width * (width + 1) // 2
    check_budget(
        "the Jacobian",
        argument="width",
        nbytes=8.0 * n_inputs * columns * 2,
        flops=4.0 * n_inputs * columns * min(n_inputs, columns),
        fix="use a smaller width or dimension",
    )
    x = rng.standard_normal((n_inputs, dim))
    features = monomials.monomial_features(x, 2)
    a = rng.standard_normal((counts.quadratic, width))
    b = rng.standard_normal((width, width))
    z = features @ a
    zb = z @ (b + b.T)
    rows, cols = np.triu_indices(width)
    jacobian = np.hstack([zb[:, [i]] * features for i in range(width)] + [z[:, rows] * z[:, cols]])
    singular = np.linalg.svd(jacobian, compute_uv=False)
    return int(np.sum(singular > 1e-10 * singular[0]))
