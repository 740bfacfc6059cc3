"""Monomial forms, the convex regression of Remark 4 and the certificate of eq. F.3."""

import itertools
import math

import numpy as np
import pytest

from qlcore.deep import monomials
from qlcore.infra.checks import InputError
from qlcore.model import convex


def test_counts_and_order():
    rows = monomials.monomial_indices(3, 2)
    assert rows.tolist() == [[0, 0], [0, 1], [0, 2], [1, 1], [1, 2], [2, 2]]
    assert monomials.n_monomials(9, 4) == math.comb(12, 4) == 495
    assert monomials.multiplicities(3, 2).tolist() == [1, 2, 2, 1, 2, 1]


def test_multiplicities_count_orderings():
    dim, degree = 3, 4
    rows = monomials.monomial_indices(dim, degree)
    counts = {tuple(r): 0 for r in rows}
    for word in itertools.product(range(dim), repeat=degree):
        counts[tuple(sorted(word))] += 1
    assert monomials.multiplicities(dim, degree).tolist() == [counts[tuple(r)] for r in rows]


def test_features_are_products_of_coordinates():
    x = np.random.default_rng(0).standard_normal((5, 3))
    features = monomials.monomial_features(x, 3)
    for column, row in enumerate(monomials.monomial_indices(3, 3)):
        np.testing.assert_allclose(features[:, column], np.prod(x[:, row], axis=1))


def test_product_map_multiplies_forms():
    rng = np.random.default_rng(1)
    dim, degree = 3, 2
    size = monomials.n_monomials(dim, degree)
    gram = rng.standard_normal((size, size))
    gram = gram + gram.T
    first, second, target, weight = monomials.product_map(dim, degree)
    coefficients = np.zeros(monomials.n_monomials(dim, 2 * degree))
    np.add.at(coefficients, target, weight * gram[first, second])
    x = rng.standard_normal((7, dim))
    phi = monomials.monomial_features(x, degree)
    np.testing.assert_allclose(
        monomials.monomial_features(x, 2 * degree) @ coefficients,
        np.einsum("ni,ij,nj->n", phi, gram, phi),
    )


def test_depth_one_is_the_lifted_problem():
    rng = np.random.default_rng(2)
    x, y = rng.standard_normal((80, 4)), rng.standard_normal(80)
    assert monomials.convex_nmse(x, y, 1) == pytest.approx(convex.lifted_least_squares(x, y)[1])


def test_planted_quartic_is_fitted_exactly_and_certified():
    rng = np.random.default_rng(3)
    x = rng.standard_normal((200, 3))
    y = monomials.monomial_features(x, 4) @ rng.standard_normal(15)
    coefficients, nmse = monomials.convex_fit(x, y, 2)
    assert nmse < 1e-20
    predictions = monomials.monomial_features(x, 4) @ coefficients
    assert monomials.certificate(x, y, predictions, 2) < 1e-10


def test_certificate_vanishes_only_at_the_optimum():
    rng = np.random.default_rng(4)
    x, y = rng.standard_normal((300, 3)), rng.standard_normal(300)
    coefficients, _ = monomials.convex_fit(x, y, 2)
    features = monomials.monomial_features(x, 4)
    assert monomials.certificate(x, y, features @ coefficients, 2) < 1e-10
    assert monomials.certificate(x, y, 0.9 * features @ coefficients, 2) > 1e-2


def test_convex_nmse_is_a_lower_bound_for_any_form():
    rng = np.random.default_rng(5)
    x, y = rng.standard_normal((100, 3)), rng.standard_normal(100)
    best = monomials.convex_nmse(x, y, 2)
    for _ in range(20):
        other = monomials.monomial_features(x, 4) @ rng.standard_normal(15)
        assert np.sum((y - other) ** 2) / np.sum(y**2) >= best


@pytest.mark.parametrize(
    ("call", "argument"),
    [
        (lambda: monomials.convex_nmse(np.ones((5, 2)), np.ones(5), 0), "depth"),
        (lambda: monomials.convex_nmse(np.ones((5, 2)), np.ones(5), 7), "depth"),
        (lambda: monomials.convex_nmse(np.ones((5, 2)), np.ones(4), 1), "y"),
        (lambda: monomials.convex_nmse(np.ones((5, 2)), np.zeros(5), 1), "y"),
        (lambda: monomials.convex_nmse(np.ones(5), np.ones(5), 1), "x"),
        (lambda: monomials.certificate(np.ones((5, 2)), np.ones(5), np.ones(4), 1), "predictions"),
    ],
)
def test_named_errors(call, argument):
    with pytest.raises(InputError) as error:
        call()
    assert error.value.argument == argument


def test_huge_bases_are_refused_before_allocating():
    with pytest.raises(InputError) as error:
        monomials.convex_nmse(np.ones((5, 400)), np.ones(5), 3)
    assert error.value.argument == "x"
