"""Bad input to the model layer: a named InputError (or TooLargeError before allocating), never a
silent wrong answer or an error from deep inside NumPy or torch."""

import numpy as np
import pytest

from qlcore.infra.checks import InputError, TooLargeError
from qlcore.model import convex, data, landscape, moments, networks, spurious
from qlcore.model.train import Student, train_networks

NOT_SYMMETRIC = np.array([[1.0, 2.0, 3.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]])


@pytest.fixture(scope="module")
def problem():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((30, 3))
    return x, data.quadratic_form(x, np.eye(3))


@pytest.mark.parametrize("function", [moments.loss, moments.residual_moment, moments.gradient])
def test_non_symmetric_matrix_is_rejected(problem, function):
    mom = moments.moments_from_data(*problem)
    with pytest.raises(InputError, match="^matrix must be symmetric"):
        function(mom, NOT_SYMMETRIC)
    with pytest.raises(InputError, match="^matrix must be symmetric"):
        function(mom, np.stack([np.eye(3), NOT_SYMMETRIC]))


def test_symmetric_stacks_still_work(problem):
    mom = moments.moments_from_data(*problem)
    stack = np.stack([np.eye(3), 2 * np.eye(3)])
    assert np.allclose(moments.loss(mom, stack), [moments.loss(mom, m) for m in stack])


def test_moments_must_be_moments():
    with pytest.raises(InputError, match="^moments must be a QuadraticMoments"):
        moments.loss({"c": 1.0}, np.eye(2))


@pytest.mark.parametrize("bad", [-3, "3", 2.5, None, True])
def test_n_coordinates_rejects_non_dimensions(bad):
    with pytest.raises(InputError, match="^dim"):
        moments.n_coordinates(bad)


def test_numpy_integers_are_integers():
    assert moments.n_coordinates(np.int64(4)) == 10
    assert data.make_dataset("non-planted", n_samples=np.int32(5), dim=np.int64(2)).x.shape == (
        5,
        2,
    )


def test_huge_moments_are_refused_before_allocating(monkeypatch):
    monkeypatch.setenv("QLCORE_MEMORY_LIMIT_GIB", "8")
    with pytest.raises(TooLargeError, match=r"^x: .* 15\.\d GiB .* limit of 8 GiB") as info:
        moments.moments_from_data(np.ones((2, 300)), np.ones(2))
    assert info.value.unit == "bytes" and info.value.estimate > 15 * 2**30


def test_ragged_and_string_inputs_get_named_errors(problem):
    with pytest.raises(InputError, match="^x must be an array of real numbers"):
        moments.moments_from_data([[1.0, 2.0], [3.0]], [1.0, 2.0])
    with pytest.raises(InputError, match=r"^x must be a 2-D array.*reshape"):
        convex.lifted_least_squares(np.ones(3), np.ones(3))
    with pytest.raises(InputError, match="^matrix must be an array"):
        convex.nmse(*problem, "eye")


def test_network_weights_must_match_in_size():
    with pytest.raises(InputError, match="^lam must have one entry per column of q"):
        networks.QLNetwork(lam=np.ones(3), q=np.ones((2, 4)))
    with pytest.raises(InputError, match="^q contains NaN"):
        networks.QLNetwork(lam=np.ones(2), q=np.array([[np.nan, 0.0], [0.0, 1.0]]))
    with pytest.raises(InputError, match="^alpha must be a real number.*float"):
        networks.QLNetwork(lam=np.ones(2), q=np.eye(2), alpha="0.1")
    assert networks.QLNetwork(lam=np.zeros(0), q=np.zeros((3, 0))).width == 0


@pytest.mark.parametrize("rng", [None, 0])
def test_generator_arguments_reject_seeds_and_none(rng):
    with pytest.raises(InputError, match=r"^rng must be a numpy Generator.*default_rng"):
        networks.initial_network("regular", 3, 2, rng)
    with pytest.raises(InputError, match="^rng"):
        data.gaussian_inputs(4, 2, rng)


@pytest.mark.parametrize("seed", [-1, "0", 1.5])
def test_bad_seeds_name_the_seed(seed):
    with pytest.raises(InputError, match="^seed"):
        data.make_dataset("non-planted", n_samples=4, dim=2, seed=seed)


@pytest.mark.parametrize("gamma", [-1.0, float("nan"), "1.0"])
def test_students_reject_bad_penalty_weights(gamma):
    with pytest.raises(InputError, match="^gamma"):
        Student(networks.QLNetwork(lam=np.ones(2), q=np.eye(2)), gamma=gamma)


def _one_student(problem):
    net = networks.initial_network("regular", 3, 2, np.random.default_rng(0))
    return [problem], [[Student(net)]]


@pytest.mark.parametrize(
    ("keyword", "value", "name"),
    [
        ("lr", "0.01", "lr"),
        ("lr", -1.0, "lr"),
        ("epochs", -1, "epochs"),
        ("optimizer", "sgd", "optimizer"),
        ("dtype", "float16", "dtype"),
        ("device", None, "device"),
        ("device", "tpu", "device"),
    ],
)
def test_train_networks_names_bad_arguments(problem, keyword, value, name):
    datasets, students = _one_student(problem)
    arguments = {"epochs": 2, keyword: value}
    with pytest.raises(InputError, match=f"^{name}"):
        train_networks(datasets, students, **arguments)


def test_train_networks_refuses_endless_training_before_any_work(problem):
    datasets, students = _one_student(problem)
    with pytest.raises(TooLargeError, match="^epochs: training would need") as info:
        train_networks(datasets, students, epochs=10**12)
    assert info.value.unit == "bytes"  # the record of the trace
    with pytest.raises(TooLargeError, match="^epochs: training would need") as info:
        train_networks(datasets, students, epochs=10**12, record_every=10**12)
    assert info.value.unit == "flop"


def test_train_networks_rejects_a_bare_pair(problem):
    _, students = _one_student(problem)
    with pytest.raises(InputError, match="^datasets"):
        train_networks(problem[0], students, epochs=1)


def test_landscape_rejects_bad_networks_and_tolerances(problem):
    x, y = problem
    with pytest.raises(InputError, match="^network must be a QLNetwork"):
        landscape.classify_point(x, y, "network")
    net = networks.QLNetwork(lam=np.ones(2), q=np.ones((3, 2)))
    with pytest.raises(InputError, match="^gradient_tol"):
        landscape.classify_point(x, y, net, gradient_tol=float("nan"))
    with pytest.raises(InputError, match="^theta must have length 8"):
        landscape.unpack(np.ones(5), 3, 2)


def test_spurious_check_rejects_a_point_of_zero_loss(problem):
    x, y = problem
    exact = networks.QLNetwork(lam=np.ones(3), q=np.eye(3))
    with pytest.raises(InputError, match="^network fits the data exactly"):
        spurious.check_spurious_point(x, y, exact, n_perturbations=5)
