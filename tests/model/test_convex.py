"""qlcore.model.convex: the lifted least-squares problem (eq. 2.5) and the Lemma C.1 certificate."""

import numpy as np
import pytest

from qlcore.model import convex, data

D, N = 4, 60


@pytest.fixture(params=data.TARGET_MODELS)
def dataset(request):
    ds = data.make_dataset(request.param, n_samples=N, dim=D, seed=21)
    return ds.x, ds.y


def independent_least_squares(x, y):
    """Solve eq. 2.5 with my own design matrix: one column x_i x_j per pair i <= j."""
    d = x.shape[1]
    pairs = [(i, j) for i in range(d) for j in range(i, d)]
    design = np.column_stack([x[:, i] * x[:, j] for i, j in pairs])
    coef, *_ = np.linalg.lstsq(design, y, rcond=None)
    a = np.zeros((d, d))
    for (i, j), c in zip(pairs, coef):
        # x^T A x = sum_i A_ii x_i^2 + sum_{i<j} 2 A_ij x_i x_j
        a[i, j] = a[j, i] = c if i == j else c / 2
    return a


def random_symmetric(rng, dim=D):
    m = rng.standard_normal((dim, dim))
    return (m + m.T) / 2


def test_least_squares_matches_numpy_lstsq(dataset):
    x, y = dataset
    a, value = convex.lifted_least_squares(x, y)
    expected = independent_least_squares(x, y)
    np.testing.assert_allclose(a, expected, rtol=1e-8, atol=1e-9)
    np.testing.assert_array_equal(a, a.T)
    r = y - np.einsum("ni,ij,nj->n", x, expected, x)
    assert value == pytest.approx(np.sum(r**2) / np.sum(y**2), rel=1e-8, abs=1e-14)


def test_least_squares_recovers_planted_matrix():
    ds = data.make_dataset("planted-gaussian", n_samples=N, dim=D, seed=2)
    a, value = convex.lifted_least_squares(ds.x, ds.y)
    np.testing.assert_allclose(a, ds.planted_matrix, atol=1e-9)
    assert value < 1e-20


def test_least_squares_is_a_minimum_of_the_loss(dataset):
    x, y = dataset
    a, value = convex.lifted_least_squares(x, y)
    rng = np.random.default_rng(0)
    for _ in range(5):
        assert convex.nmse(x, y, a + 1e-3 * random_symmetric(rng)) > value


def test_nmse_definition():
    rng = np.random.default_rng(1)
    x, y = rng.standard_normal((N, D)), rng.standard_normal(N)
    a = random_symmetric(rng)
    predictions = np.array([xn @ a @ xn for xn in x])
    assert convex.nmse(x, y, a) == pytest.approx(
        np.sum((y - predictions) ** 2) / np.sum(y**2), rel=1e-12
    )
    assert convex.nmse(x, y, np.zeros((D, D))) == pytest.approx(1.0, rel=1e-14)


def test_nmse_of_zero_targets_raises():
    with pytest.raises(ValueError, match="y"):
        convex.nmse(np.ones((3, 2)), np.zeros(3), np.eye(2))


def test_certificate_at_optimum_random_point_and_zero(dataset):
    x, y = dataset
    a, _ = convex.lifted_least_squares(x, y)
    assert convex.certificate(x, y, a) < 1e-9
    assert convex.certificate(x, y, np.zeros((D, D))) == pytest.approx(1.0, rel=1e-14)
    rng = np.random.default_rng(2)
    assert 0.05 < convex.certificate(x, y, a + random_symmetric(rng)) < 100


def test_certificate_definition():
    rng = np.random.default_rng(3)
    x, y = rng.standard_normal((N, D)), rng.standard_normal(N)
    a = random_symmetric(rng)
    num = sum((yn - xn @ a @ xn) * np.outer(xn, xn) for xn, yn in zip(x, y))
    den = sum(yn * np.outer(xn, xn) for xn, yn in zip(x, y))
    assert convex.certificate(x, y, a) == pytest.approx(
        np.linalg.norm(num) / np.linalg.norm(den), rel=1e-10
    )


def test_norm_regressor_does_not_change_the_global_minimum(dataset):
    x, y = dataset
    _, plain = convex.lifted_least_squares(x, y)
    a, alpha, with_norm = convex.lifted_least_squares_with_norm(x, y)
    assert with_norm == pytest.approx(plain, rel=1e-8, abs=1e-14)
    np.testing.assert_array_equal(a, a.T)
    assert np.isfinite(alpha)
    model = a + alpha * np.eye(D)
    assert convex.nmse(x, y, model) == pytest.approx(with_norm, rel=1e-10, abs=1e-14)
    assert convex.certificate(x, y, model) < 1e-9


@pytest.mark.parametrize("k", [D, D + 3])
def test_network_from_matrix_reproduces_the_matrix(k):
    a = random_symmetric(np.random.default_rng(4))
    lam, q = convex.network_from_matrix(a, k)
    assert lam.shape == (k,) and q.shape == (D, k)
    rebuilt = sum(lam[j] * np.outer(q[:, j], q[:, j]) for j in range(k))
    np.testing.assert_allclose(rebuilt, a, atol=1e-12)
    assert np.all(lam[D:] == 0) and np.all(q[:, D:] == 0)


@pytest.mark.parametrize("k", [D - 1, 1, 0])
def test_network_from_matrix_needs_k_at_least_d(k):
    with pytest.raises(ValueError, match="k"):
        convex.network_from_matrix(np.eye(D), k)


# Bad input: the error names the argument.


def _x_with_nan():
    x = np.ones((N, D))
    x[3, 1] = np.nan
    return x


@pytest.mark.parametrize(
    "x, y, name",
    [
        (_x_with_nan(), np.ones(N), "x"),
        (np.zeros((0, D)), np.zeros(0), "x"),
        (np.array([]), np.array([]), "x"),
        (np.ones(N), np.ones(N), "x"),  # 1-D x
        (np.ones((N, D)), np.ones(N - 1), "y"),  # wrong length
        (np.ones((N, D)), np.ones((N, 1)), "y"),  # 2-D y
        (np.ones((N, D)), np.full(N, np.inf), "y"),
    ],
)
def test_bad_data_raises_naming_the_argument(x, y, name):
    pattern = rf"\b{name}\b"
    with pytest.raises(ValueError, match=pattern):
        convex.lifted_least_squares(x, y)
    with pytest.raises(ValueError, match=pattern):
        convex.lifted_least_squares_with_norm(x, y)
    with pytest.raises(ValueError, match=pattern):
        convex.nmse(x, y, np.eye(D))
    with pytest.raises(ValueError, match=pattern):
        convex.certificate(x, y, np.eye(D))


@pytest.mark.parametrize(
    "matrix",
    [
        np.triu(np.ones((D, D))),  # not symmetric
        np.ones((D, D + 1)),  # not square
        np.eye(D + 1),  # wrong size for d = D
        np.ones(D),  # 1-D
        np.full((D, D), np.nan),
    ],
)
def test_bad_matrix_raises_naming_the_argument(matrix):
    rng = np.random.default_rng(5)
    x, y = rng.standard_normal((N, D)), rng.standard_normal(N)
    with pytest.raises(ValueError, match="matrix"):
        convex.nmse(x, y, matrix)
    with pytest.raises(ValueError, match="matrix"):
        convex.certificate(x, y, matrix)
    with pytest.raises(ValueError, match="matrix"):
        convex.optimality_residual(x, y, matrix)


def test_network_from_non_symmetric_matrix_raises():
    with pytest.raises(ValueError, match="matrix"):
        convex.network_from_matrix(np.triu(np.ones((D, D))), D)
