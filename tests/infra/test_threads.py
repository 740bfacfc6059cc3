"""qlcore.infra.threads: the torch threads training uses, and train_networks honouring them."""

import numpy as np
import pytest
import torch

from qlcore.infra.checks import InputError
from qlcore.infra.threads import DEFAULT_THREADS, THREADS_ENV, torch_threads
from qlcore.model import data, networks, train


@pytest.fixture
def no_env(monkeypatch):
    monkeypatch.delenv(THREADS_ENV, raising=False)


def test_one_thread_by_default(no_env):
    assert DEFAULT_THREADS == 1
    assert torch_threads(available=16) == 1


def test_a_request_is_capped_by_the_threads_torch_has(no_env):
    assert torch_threads(2, available=4) == 2
    assert torch_threads(8, available=4) == 4
    assert torch_threads(np.int64(3), available=4) == 3


def test_the_environment_sets_the_default_and_an_argument_overrides_it(monkeypatch):
    monkeypatch.setenv(THREADS_ENV, " 3 ")
    assert torch_threads(available=4) == 3
    assert torch_threads(available=2) == 2  # a sweep worker has one thread: the cap wins
    assert torch_threads(1, available=4) == 1
    monkeypatch.setenv(THREADS_ENV, "")
    assert torch_threads(available=4) == 1


@pytest.mark.parametrize("value", ["0", "-1", "two", "1.5"])
def test_a_bad_environment_value_is_named(monkeypatch, value):
    monkeypatch.setenv(THREADS_ENV, value)
    with pytest.raises(InputError, match=THREADS_ENV) as error:
        torch_threads(available=2)
    assert error.value.argument == "threads"


@pytest.mark.parametrize(
    ("threads", "available", "name"),
    [(0, 2, "threads"), ("2", 2, "threads"), (1.5, 2, "threads"), (1, 0, "available")],
)
def test_bad_arguments_are_named(no_env, threads, available, name):
    with pytest.raises(InputError, match=name) as error:
        torch_threads(threads, available=available)
    assert error.value.argument == name


@pytest.fixture
def counts(monkeypatch):
    """The torch thread counts seen inside training steps (train._train_step counting them)."""
    seen = []
    step = train._train_step

    def counting_step(*args, **kwargs):
        seen.append(torch.get_num_threads())
        return step(*args, **kwargs)

    monkeypatch.setattr(train, "_train_step", counting_step)
    return seen


def _train_160_networks(**kwargs):
    """Train one chunk of 160 networks (above train.SINGLE_THREAD_BELOW) for two epochs."""
    ds = data.make_dataset("planted-gaussian", n_samples=20, dim=3, seed=0)
    rng = np.random.default_rng(0)
    students = [[train.Student(networks.initial_network("regular", 3, 2, rng)) for _ in range(160)]]
    return train.train_networks([(ds.x, ds.y)], students, epochs=2, progress=False, **kwargs)


def test_train_networks_uses_one_thread_unless_asked_and_restores_torch(
    no_env, counts, monkeypatch
):
    assert train.SINGLE_THREAD_BELOW <= 160
    before = torch.get_num_threads()
    torch.set_num_threads(2)
    try:
        default = _train_160_networks()
        assert set(counts) == {1} and torch.get_num_threads() == 2
        counts.clear()
        asked = _train_160_networks(threads=2)
        assert set(counts) == {2} and torch.get_num_threads() == 2
        counts.clear()
        monkeypatch.setenv(THREADS_ENV, "2")
        _train_160_networks()
        assert set(counts) == {2}
    finally:
        torch.set_num_threads(before)
    np.testing.assert_array_equal(default.nmse, asked.nmse)  # threads change speed, not results
