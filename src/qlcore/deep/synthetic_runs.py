"""The training runs of Fig. 4, one sweep point each (synthetic data).

Each function builds its data set from the seed, trains a batch of networks of one width with
:func:`qlcore.deep.train.train_deep_networks` and returns a small JSON-ready record. Every setting
is an argument, so a point's cache key (:func:`qlcore.infra.sweep.run_sweep`) names all of it.
They live here rather than in :mod:`qlcore.experiments` so that the key's code hash covers only
the code that trains: editing how a figure is assembled or drawn keeps the finished points of a
paper-scale sweep, which take hours. :mod:`qlcore.deep.mnist_runs` holds Fig. 5's.
"""

from __future__ import annotations

import numpy as np

from qlcore.deep import data, networks, train
from qlcore.infra.checks import InputError, check_choice, check_int, check_positive_int, check_seed

DEPTH = 2  # both figures train two QL layers


def random_starts(dim: int, width: int, runs: int, rng) -> list[networks.DeepQLNetwork]:
    """``runs`` networks of hidden width ``width`` with the default initialisation."""
    width = check_positive_int(width, "width")
    runs = check_positive_int(runs, "runs")
    return [networks.random_network(dim, [width], rng) for _ in range(runs)]


def train_record(x, y, starts, training: dict) -> tuple[train.DeepTrainResult, dict]:
    """Train ``starts`` on ``(x, y)`` with the keyword arguments ``training`` of
    :func:`qlcore.deep.train.train_deep_networks` (no progress bar: a sweep shows one). Returns
    the result and its JSON record: the convex optimum's NMSE and, per network, the final NMSE,
    the certificate (eq. F.3) and the NMSE at the recorded epochs."""
    if not isinstance(training, dict) or not all(isinstance(key, str) for key in training):
        raise InputError(
            f"training must be a dict of keyword arguments of train_deep_networks, got "
            f"{type(training).__name__}",
            argument="training",
        )
    result = train.train_deep_networks(x, y, starts, progress=False, **training)
    return result, {
        "convex_nmse": result.convex_nmse,
        "nmse": result.nmse.tolist(),
        "certificate": result.certificate.tolist(),
        "history_epochs": result.history_epochs.tolist(),
        "history_nmse": result.history_nmse.T.tolist(),
    }


def tensor_point(
    *,
    kind: str,
    block: int,
    width: int,
    dim: int,
    n_samples: int,
    runs: int,
    seed: int,
    **training,
) -> dict:
    """Fig. 4: ``runs`` networks of hidden width ``width`` on data set ``block`` of ``kind``
    (:func:`qlcore.deep.data.tensor_dataset`), trained with ``training`` (the keyword arguments
    of :func:`qlcore.deep.train.train_deep_networks`: epochs, lr, halve_every, gamma, penalty,
    record_every, device). Returns :func:`train_record`'s record."""
    kind = check_choice(kind, "kind", data.TENSOR_KINDS)
    block = check_int(block, "block", minimum=0)
    seed = check_seed(seed)
    kind_index = data.TENSOR_KINDS.index(kind)
    x, y = data.tensor_dataset(
        kind, n_samples, dim, np.random.default_rng([seed, kind_index, block])
    )
    rng = np.random.default_rng([seed, kind_index, block, check_positive_int(width, "width"), 1])
    return train_record(x, y, random_starts(dim, width, runs, rng), training)[1]
