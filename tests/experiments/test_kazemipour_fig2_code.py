"""Fig. 2 as the authors' code ran it: data, starts and penalty of the code's setting."""

import numpy as np
import pytest

from qlcore.experiments import kazemipour_fig2
from qlcore.experiments import kazemipour_fig2_code as code
from qlcore.infra.checks import InputError
from qlcore.model import data

SETTINGS = dict(kazemipour_fig2.SCALE_SETTINGS["quick"], widths=[0, 3, 6], runs=2, n_samples=4000)
DIM = SETTINGS["dim"]


@pytest.mark.parametrize("model", data.TARGET_MODELS)
def test_code_inputs_are_scaled_by_one_over_root_d(model):
    x, _ = code.code_dataset(model, 4000, DIM, np.random.default_rng(0))
    np.testing.assert_array_equal(x[:, 0], 1.0)
    # variance 1/d per coordinate: its estimate from 4000 * 9 draws has relative standard error
    # sqrt(2 / 36000) ~ 0.0075; allow 5 of them
    assert np.var(x[:, 1:]) * DIM == pytest.approx(1.0, abs=5 * np.sqrt(2 / x[:, 1:].size))


def test_code_non_planted_targets_have_standard_deviation_two():
    _, y = code.code_dataset("non-planted", 4000, DIM, np.random.default_rng(1))
    # standard error of a variance estimate of N(0, 4): 4 sqrt(2 / n)
    assert np.var(y) == pytest.approx(4.0, abs=5 * 4.0 * np.sqrt(2 / y.size))


def test_code_model_b_is_a_signed_gram_matrix():
    # y = x^T W^T D W x = sum_i d_i (W x)_i^2: recover it from the same random draws
    rng = np.random.default_rng(2)
    x, y = code.code_dataset("planted-gaussian", 50, DIM, rng)
    replay = np.random.default_rng(2)
    z = replay.standard_normal((50, DIM)) / np.sqrt(DIM)
    z[:, 0] = 1.0
    np.testing.assert_array_equal(z, x)
    w = replay.standard_normal((DIM, DIM)) / np.sqrt(DIM)
    signs = replay.choice([-1.0, 1.0], size=DIM)
    np.testing.assert_allclose(y, ((x @ w.T) ** 2) @ signs, rtol=1e-12)


@pytest.mark.parametrize("width", [DIM, DIM + 5])
def test_random_orthonormal_rows(width):
    q = code.orthonormal_rows(DIM, width, np.random.default_rng(3))
    np.testing.assert_allclose(q @ q.T, np.eye(DIM), atol=1e-12)
    other = code.orthonormal_rows(DIM, width, np.random.default_rng(4))
    assert not np.allclose(q, other)
    assert not np.allclose(q, np.eye(DIM, width))  # not the [I 0] start


def test_random_orthonormal_below_d_is_a_projection():
    q = code.orthonormal_rows(DIM, 3, np.random.default_rng(5))
    np.testing.assert_allclose(q.T @ q, np.eye(3), atol=1e-12)
    assert code.orthonormal_rows(DIM, 0, np.random.default_rng(5)).shape == (DIM, 0)


def test_settings_differ_as_documented():
    y = np.array([1.0, -2.0, 3.0])
    assert code._gamma("paper-text", y, DIM) == pytest.approx(14.0)  # Table 1: sum y^2
    assert code._gamma("authors-code", y, DIM) == pytest.approx(14.0 / DIM**2)
    paper = code.build_setting(SETTINGS, 0, "paper-text", "non-planted", 0)
    ran = code.build_setting(SETTINGS, 0, "authors-code", "non-planted", 0)
    # the paper-text setting is Fig. 2's workload itself (same data, same starts)
    datasets, students, _ = kazemipour_fig2.build_workload(
        SETTINGS, 0, models=["non-planted"], blocks=[0]
    )
    np.testing.assert_array_equal(paper[0][1], datasets[0][1])
    for mine, theirs in zip(paper[1], students[0]):
        np.testing.assert_array_equal(mine.network.q, theirs.network.q)
    for setting, (_, group, layout) in (("paper", paper), ("code", ran)):
        alphas = [s.network.alpha for s, (name, _, _) in zip(group, layout) if name == "added-norm"]
        assert np.all(np.asarray(alphas) == 0.0) == (setting == "paper")
        random_starts = [
            s for s, (name, k, _) in zip(group, layout) if name == "orthogonality-random" and k == 6
        ]
        assert len(random_starts) == SETTINGS["runs"]
        assert not np.allclose(random_starts[0].network.q, random_starts[1].network.q)
        assert all(s.gamma > 0 for s in random_starts)


def test_bad_setting_raises():
    with pytest.raises(InputError):
        code.build_setting(SETTINGS, 0, "code", "non-planted", 0)
