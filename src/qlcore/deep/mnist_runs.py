"""The training runs of Fig. 5, one sweep point each (MNIST digit pairs).

As :mod:`qlcore.deep.synthetic_runs`: every setting is an argument of the point, and the module
sits outside :mod:`qlcore.experiments` so that the cache key covers only the training code.
"""

from __future__ import annotations

import numpy as np

from qlcore.datasets import mnist
from qlcore.deep import data, monomials
from qlcore.deep.synthetic_runs import DEPTH, random_starts, train_record
from qlcore.infra.checks import InputError, check_int, check_positive_int, check_seed


def mnist_task(
    pair, *, n_components: int, n_train: int, seed: int, mnist_dir: str | None
) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """The Fig. 5 task ``pair = (first, second)``: the digits' examples split at random into
    ``n_train`` training and the rest test examples, principal-component features
    (:func:`qlcore.deep.data.pca_features`) and labels +1 (``first``) / -1 (``second``).
    Returns ``((x_train, y_train), (x_test, y_test))``."""
    if not isinstance(pair, (list, tuple)) or len(pair) != 2:
        raise InputError(f"pair must be two digits such as (4, 7), got {pair!r}", argument="pair")
    first, second = (check_int(d, "pair", minimum=0, maximum=9) for d in pair)
    images, labels = mnist.digit_pair(mnist.load_digits(mnist_dir), first, second)
    n_train = check_positive_int(n_train, "n_train")
    if n_train >= len(labels):
        raise InputError(
            f"n_train must leave test examples: at most {len(labels) - 1} of the "
            f"{len(labels)} examples of {first} and {second}, got {n_train}",
            argument="n_train",
        )
    order = np.random.default_rng([check_seed(seed), first, second]).permutation(len(labels))
    train_rows, test_rows = order[:n_train], order[n_train:]
    x_train, x_test = data.pca_features(images[train_rows], images[test_rows], n_components)
    return (x_train, labels[train_rows]), (x_test, labels[test_rows])


def _accuracy(labels: np.ndarray, outputs: np.ndarray) -> float:
    return float(np.mean(np.sign(outputs) == labels))


def mnist_point(
    *,
    pair: list,
    block: int,
    width: int,
    n_components: int,
    n_train: int,
    runs: int,
    seed: int,
    mnist_dir: str | None = None,
    **training,
) -> dict:
    """Fig. 5: ``runs`` networks of hidden width ``width`` (realisations ``block * runs`` on) on
    the task :func:`mnist_task`, trained with ``training`` (the keyword arguments of
    :func:`qlcore.deep.train.train_deep_networks`). Returns the record of
    :func:`qlcore.deep.synthetic_runs.train_record` with the convex optimum's training and test
    accuracy, the sizes of both sets, and per network the training and test accuracy (the sign
    of the output against the label)."""
    (x, y), (x_test, y_test) = mnist_task(
        pair, n_components=n_components, n_train=n_train, seed=seed, mnist_dir=mnist_dir
    )
    block = check_int(block, "block", minimum=0)
    rng = np.random.default_rng([seed, *pair, block, check_positive_int(width, "width"), 1])
    result, record = train_record(x, y, random_starts(x.shape[1], width, runs, rng), training)

    def convex_outputs(inputs):
        return monomials.monomial_features(inputs, 2**DEPTH) @ result.convex_coefficients

    return {
        **record,
        "convex_train_accuracy": _accuracy(y, convex_outputs(x)),
        "convex_test_accuracy": _accuracy(y_test, convex_outputs(x_test)),
        "n_train": int(len(y)),
        "n_test": int(len(y_test)),
        "train_accuracy": [_accuracy(y, net.predict(x)) for net in result.networks],
        "test_accuracy": [_accuracy(y_test, net.predict(x_test)) for net in result.networks],
    }
