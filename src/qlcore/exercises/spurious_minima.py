"""Answer checks for the exercises of chapter 1, "A spurious minimum and how to escape it".

Both exercises use the data and the point of Example 2.1 that
:func:`qlcore.model.spurious.spurious_point` builds for ``dim=5, n_samples=50, width=3, seed=0``:
the number of gradient-descent steps the added-norm network needs to halve its NMSE from the
spurious point (:func:`qlcore.model.train.train_networks`), and the number of negative Hessian
eigenvalues at ``Q = 0`` with two positive units (:func:`qlcore.model.landscape.classify_point`).
"""

import numpy as np

from qlcore.exercises.checking import answer_check
from qlcore.model import landscape, networks, spurious, train


def _example_data():
    """Data ``(x, y)`` and the point ``(Lambda_0, Q_0)`` the exercises fix."""
    x, y, _, point = spurious.spurious_point(dim=5, n_samples=50, width=3, seed=0)
    return x, y, point


@answer_check(
    "ex-norm-escape",
    "the number of gradient-descent steps after which the NMSE is first at most 1/2, an integer",
    exact=True,
)
def _steps_to_halve():
    x, y, point = _example_data()
    run = train.train_networks(
        [(x, y)],
        [[train.Student(point, train_alpha=True)]],
        epochs=400,
        optimizer="gd",
        lr=1e-4,
        record_every=1,
        progress=False,
    )
    history = run.history_nmse[:, 0, 0]
    return int(run.history_epochs[np.argmax(history <= 0.5)])


@answer_check(
    "ch1-ex-positive-unit",
    "the number of negative eigenvalues of the Hessian in (lambda, Q), an integer",
    exact=True,
)
def _negative_eigenvalues_with_positive_units():
    x, y, point = _example_data()
    saddle = networks.QLNetwork(lam=np.array([1.0, 2.0, -3.0]), q=np.zeros_like(point.q))
    return landscape.classify_point(x, y, saddle).n_negative
