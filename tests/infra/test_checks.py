"""The shared checks: error types, the one symmetric-matrix rule, integers, reals, seeds and the
memory/work budget."""

import numpy as np
import pytest

import qlcore
from qlcore.infra import checks
from qlcore.infra.checks import InputError, QLCoreError, TooLargeError


def test_error_types_are_catchable_as_builtin_ones():
    assert issubclass(InputError, ValueError) and issubclass(InputError, TypeError)
    assert issubclass(TooLargeError, InputError) and issubclass(InputError, QLCoreError)
    assert qlcore.InputError is InputError


def test_symmetric_rule_rejects_real_asymmetry_and_removes_rounding():
    with pytest.raises(InputError, match="^a must be symmetric"):
        checks.as_symmetric([[1.0, 2.0], [0.0, 1.0]], "a")
    noisy = np.array([[1.0, 2.0 + 1e-13], [2.0, 1.0]])
    fixed = checks.as_symmetric(noisy, "a")
    assert np.array_equal(fixed, fixed.T) and abs(fixed[0, 1] - 2.0) < 1e-13
    with pytest.raises(InputError, match="^a must be a square matrix"):
        checks.as_symmetric(np.ones((2, 3)), "a")
    stack = checks.as_symmetric(np.stack([np.eye(2)] * 3), "a", stack=True)
    assert stack.shape == (3, 2, 2)
    with pytest.raises(InputError, match="^a must be a square matrix"):
        checks.as_symmetric(np.stack([np.eye(2)] * 3), "a")


@pytest.mark.parametrize("value", [[[1.0, 2.0], [3.0]], "abc", None, [[1j, 0], [0, 1]]])
def test_arrays_that_are_not_real_arrays_are_named(value):
    with pytest.raises(InputError, match="^m must be"):
        checks.as_matrix(value, "m")


def test_one_dimensional_input_where_a_matrix_is_needed_says_how_to_reshape():
    with pytest.raises(InputError, match=r"reshape\(1, -1\)"):
        checks.as_matrix(np.ones(3), "x")


def test_integers_accept_numpy_integers_and_reject_the_rest():
    assert checks.check_int(np.int32(3), "n") == 3 and checks.check_int(4.0, "n") == 4
    for bad in ("3", True, 2.5, None, float("nan")):
        with pytest.raises(InputError, match="^n must be an integer"):
            checks.check_int(bad, "n")
    with pytest.raises(InputError, match="^n must be >= 1"):
        checks.check_positive_int(0, "n")


def test_reals_reject_strings_nan_and_infinity():
    assert checks.check_real(np.float32(0.5), "lr") == 0.5
    with pytest.raises(InputError, match=r"^lr must be a real number.*float\(\)"):
        checks.check_real("0.1", "lr")
    for bad in (float("nan"), float("inf")):
        with pytest.raises(InputError, match="^lr must be a finite number"):
            checks.check_real(bad, "lr")
    assert checks.check_real(float("inf"), "t", finite=False) == float("inf")
    with pytest.raises(InputError, match="^lr must be > 0"):
        checks.check_real(0.0, "lr", positive=True)


def test_seeds_and_generators():
    assert checks.check_seed(np.int64(5)) == 5
    with pytest.raises(InputError, match="^seed must be >= 0"):
        checks.check_seed(-1)
    with pytest.raises(InputError, match="^seed"):
        checks.rng_from_seed(None)
    generator = np.random.default_rng(0)
    assert checks.rng_from_seed(generator) is generator
    with pytest.raises(InputError, match="^rng must be a numpy Generator.*default_rng"):
        checks.check_rng(3)


def test_devices(monkeypatch):
    assert checks.check_device("cpu") == "cpu"
    with pytest.raises(InputError, match="^device must be one of"):
        checks.check_device("tpu")
    with pytest.raises(InputError, match="^device must be a device name"):
        checks.check_device(None)
    import torch

    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    with pytest.raises(InputError, match="no CUDA device"):
        checks.check_device("cuda")


def test_budget_names_estimate_limit_and_fix(monkeypatch):
    monkeypatch.setenv(checks.MEMORY_LIMIT_ENV, "1")
    with pytest.raises(
        TooLargeError, match=r"^n: the table would need about 2 GiB.*limit of 1 GiB"
    ):
        checks.check_budget("the table", argument="n", nbytes=2 * 2**30, fix="use less")
    monkeypatch.setenv(checks.WORK_LIMIT_ENV, "1e6")
    with pytest.raises(TooLargeError, match="operations") as info:
        checks.check_budget("the loop", argument="n", flops=1e7, fix="use less")
    assert info.value.limit == 1e6
    checks.check_budget("a small thing", argument="n", nbytes=1.0, flops=1.0, fix="-")


def test_memory_limit_defaults_to_half_the_available_memory(monkeypatch):
    monkeypatch.delenv(checks.MEMORY_LIMIT_ENV, raising=False)
    assert 0 < checks.memory_limit() < 2**50
