"""The data sets of Figs. 4 and 5 as the authors' code draws them."""

import numpy as np
import pytest

from qlcore.deep import data
from qlcore.infra.checks import InputError


def test_planted_targets_are_a_quartic_form_of_scaled_inputs():
    x, y = data.tensor_dataset("planted", 50, 4, np.random.default_rng(0))
    replay = np.random.default_rng(0)
    z = replay.standard_normal((50, 4)) / 2.0
    z[:, 0] = 1.0
    np.testing.assert_array_equal(x, z)
    tensor = replay.standard_normal((16, 16)).reshape(4, 4, 4, 4)
    np.testing.assert_allclose(y, np.einsum("abce,na,nb,nc,ne->n", tensor, x, x, x, x))


def test_independent_targets_are_centred_and_inputs_unscaled():
    x, y = data.tensor_dataset("independent", 4000, 9, np.random.default_rng(1))
    assert abs(y.mean()) < 1e-12
    assert not np.allclose(x[:, 0], 1.0)
    # variance 1 per coordinate: relative standard error sqrt(2 / 36000); allow 5 of them
    assert np.var(x) == pytest.approx(1.0, abs=5 * np.sqrt(2 / x.size))


def test_pca_features_fit_on_the_training_set_only():
    rng = np.random.default_rng(2)
    train = rng.standard_normal((40, 6)) * [5, 4, 3, 1, 1, 1]
    test = rng.standard_normal((10, 6))
    a_train, a_test = data.pca_features(train, test, 3)
    _, b_test = data.pca_features(train, 100 * test, 3)
    assert a_train.shape == (40, 4) and a_test.shape == (10, 4)
    np.testing.assert_array_equal(a_train[:, 0], 1.0)
    np.testing.assert_allclose(np.linalg.norm(a_train[:, 1:], axis=1), 1.0)
    assert not np.allclose(a_test, b_test)  # the test set does not move the components
    np.testing.assert_allclose(a_train, data.pca_features(train, 100 * test, 3)[0])


@pytest.mark.parametrize(
    ("call", "argument"),
    [
        (lambda: data.tensor_dataset("gaussian", 10, 3, np.random.default_rng(0)), "kind"),
        (lambda: data.tensor_dataset("planted", 0, 3, np.random.default_rng(0)), "n_samples"),
        (lambda: data.tensor_dataset("planted", 10, 3, 7), "rng"),
        (lambda: data.pca_features(np.ones((5, 3)), np.ones((2, 4)), 1), "test"),
        (lambda: data.pca_features(np.ones((5, 3)), np.ones((2, 3)), 4), "n_components"),
    ],
)
def test_named_errors(call, argument):
    with pytest.raises(InputError) as error:
        call()
    assert error.value.argument == argument
