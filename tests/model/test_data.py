"""qlcore.model.data: the three target models of Kazemipour et al., Table 1."""

import numpy as np
import pytest

from qlcore.model import data

N, D = 40, 5


@pytest.mark.parametrize("model", data.TARGET_MODELS)
def test_shapes_and_constant_first_column(model):
    ds = data.make_dataset(model, n_samples=N, dim=D, seed=3)
    assert ds.x.shape == (N, D) and ds.y.shape == (N,)
    assert ds.n_samples == N and ds.dim == D
    assert ds.model == model and ds.seed == 3
    assert np.all(ds.x[:, 0] == 1.0)
    assert np.all(np.isfinite(ds.x)) and np.all(np.isfinite(ds.y))
    # the other coordinates are genuinely random, not constant
    assert np.all(np.std(ds.x[:, 1:], axis=0) > 0.3)


def test_constant_first_can_be_switched_off():
    ds = data.make_dataset("non-planted", n_samples=N, dim=D, seed=3, constant_first=False)
    assert not np.all(ds.x[:, 0] == 1.0)


@pytest.mark.parametrize("model", data.TARGET_MODELS)
def test_same_seed_same_data_different_seed_different_data(model):
    a = data.make_dataset(model, n_samples=N, dim=D, seed=11)
    b = data.make_dataset(model, n_samples=N, dim=D, seed=11)
    c = data.make_dataset(model, n_samples=N, dim=D, seed=12)
    np.testing.assert_array_equal(a.x, b.x)
    np.testing.assert_array_equal(a.y, b.y)
    assert not np.allclose(a.x[:, 1:], c.x[:, 1:])
    assert not np.allclose(a.y, c.y)
    if a.planted_matrix is not None:
        np.testing.assert_array_equal(a.planted_matrix, b.planted_matrix)


@pytest.mark.parametrize("model", ["planted-diagonal", "planted-gaussian"])
def test_planted_targets_are_the_quadratic_form(model):
    ds = data.make_dataset(model, n_samples=N, dim=D, seed=5)
    a = ds.planted_matrix
    assert a.shape == (D, D)
    expected = np.array([xn @ a @ xn for xn in ds.x])  # one sample at a time
    np.testing.assert_allclose(ds.y, expected, rtol=1e-12, atol=1e-12)


def test_planted_diagonal_is_diagonal_with_signs():
    ds = data.make_dataset("planted-diagonal", n_samples=N, dim=8, seed=2)
    a = ds.planted_matrix
    np.testing.assert_array_equal(a, np.diag(np.diag(a)))
    assert set(np.diag(a)) <= {-1.0, 1.0}


def test_planted_diagonal_signs_vary_over_seeds():
    signs = np.concatenate(
        [
            data.make_dataset(
                "planted-diagonal", n_samples=5, dim=8, seed=s
            ).planted_matrix.diagonal()
            for s in range(5)
        ]
    )
    assert np.any(signs == 1.0) and np.any(signs == -1.0)


def test_planted_gaussian_is_symmetric_and_dense():
    a = data.make_dataset("planted-gaussian", n_samples=N, dim=D, seed=4).planted_matrix
    np.testing.assert_array_equal(a, a.T)
    assert np.all(a[np.triu_indices(D, 1)] != 0.0)
    # the off-diagonal entries are free, not mirrored copies of the diagonal
    assert len(np.unique(a[np.triu_indices(D)])) == D * (D + 1) // 2


def test_planted_gaussian_entries_have_unit_variance():
    # entries on and above the diagonal are i.i.d. N(0, 1): pool them over many seeds
    mats = [
        data.make_dataset("planted-gaussian", n_samples=1, dim=10, seed=s).planted_matrix
        for s in range(100)
    ]
    diagonal = np.concatenate([np.diag(a) for a in mats])
    upper = np.concatenate([a[np.triu_indices(10, 1)] for a in mats])
    assert abs(diagonal.std() - 1.0) < 0.1 and abs(diagonal.mean()) < 0.1
    assert abs(upper.std() - 1.0) < 0.1 and abs(upper.mean()) < 0.1


def test_non_planted_has_no_matrix_and_independent_targets():
    ds = data.make_dataset("non-planted", n_samples=2000, dim=3, seed=0)
    assert ds.planted_matrix is None
    assert abs(ds.y.mean()) < 0.1 and abs(ds.y.std() - 1.0) < 0.1


@pytest.mark.parametrize("model", ["planted", "linear", ""])
def test_unknown_model_raises(model):
    with pytest.raises(ValueError, match="model"):
        data.make_dataset(model, n_samples=N, dim=D)


@pytest.mark.parametrize("n_samples", [0, -3])
def test_bad_n_samples_raises(n_samples):
    with pytest.raises(ValueError, match="n_samples"):
        data.make_dataset("non-planted", n_samples=n_samples, dim=D)


def test_bad_dim_raises():
    with pytest.raises(ValueError, match="dim"):
        data.make_dataset("non-planted", n_samples=N, dim=0)
