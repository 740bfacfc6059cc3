"""Data sets of the deep experiments (Kazemipour et al., Section 4.2-4.3, as the authors' code
draws them).

* Planted (Fig. 4): inputs ``x = z / sqrt(d)``, ``z ~ N(0, I_d)``, then ``x_1 = 1`` (a constant
  coordinate, the network's bias); targets ``y = A . x^{(x)4}`` for a tensor ``A`` of ``d^4``
  i.i.d. ``N(0, 1)`` entries (not symmetrised: only its symmetric part acts).
* Independent (Fig. 4): inputs ``x ~ N(0, I_d)`` (not scaled, no constant coordinate) and targets
  ``y ~ N(0, 1)`` independent of ``x``, then centred.
* Principal-component features (Fig. 5): the first components of the training images (fitted on
  the training set only, after centring on its mean), each example scaled to unit norm, then a
  constant 1 prepended.
"""

from __future__ import annotations

import numpy as np

from qlcore.infra.checks import (
    InputError,
    as_matrix,
    check_budget,
    check_choice,
    check_positive_int,
    check_rng,
)

TENSOR_KINDS = ("planted", "independent")


def tensor_dataset(kind: str, n_samples: int, dim: int, rng) -> tuple[np.ndarray, np.ndarray]:
    """``(x, y)`` of kind ``"planted"`` or ``"independent"`` (module docstring)."""
    kind = check_choice(kind, "kind", TENSOR_KINDS)
    n_samples = check_positive_int(n_samples, "n_samples")
    dim = check_positive_int(dim, "dim", minimum=2 if kind == "planted" else 1)
    rng = check_rng(rng)
    check_budget(
        "the data set",
        argument="n_samples",
        nbytes=8.0 * (n_samples * dim * dim + dim**4),
        fix="use fewer samples or dimensions",
    )
    if kind == "independent":
        x = rng.standard_normal((n_samples, dim))
        y = rng.standard_normal(n_samples)
        return x, y - y.mean()
    x = rng.standard_normal((n_samples, dim)) / np.sqrt(dim)
    x[:, 0] = 1.0
    tensor = rng.standard_normal((dim * dim, dim * dim))
    outer = (x[:, :, None] * x[:, None, :]).reshape(n_samples, -1)
    return x, np.einsum("ni,ij,nj->n", outer, tensor, outer)


def pca_features(train, test, n_components: int) -> tuple[np.ndarray, np.ndarray]:
    """Features of Fig. 5: project ``train`` and ``test`` (rows are examples) on the first
    ``n_components`` principal components of ``train`` (centred on the training mean), scale each
    example to unit norm and prepend a constant 1. Returns arrays with ``n_components + 1``
    columns."""
    train = as_matrix(train, "train")
    test = as_matrix(test, "test")
    if test.shape[1] != train.shape[1]:
        raise InputError(
            f"test must have the columns of train ({train.shape[1]}), got {test.shape}",
            argument="test",
        )
    n_components = check_positive_int(n_components, "n_components")
    if n_components > min(train.shape):
        raise InputError(
            f"n_components must be at most min(examples, features) of train = "
            f"{min(train.shape)}, got {n_components}",
            argument="n_components",
        )
    mean = train.mean(axis=0)
    _, _, components = np.linalg.svd(train - mean, full_matrices=False)
    basis = components[:n_components].T

    def features(images):
        projected = (images - mean) @ basis
        norms = np.linalg.norm(projected, axis=1, keepdims=True)
        if np.any(norms == 0.0):
            raise InputError(
                "train/test: an example projects to zero on the principal components and "
                "cannot be scaled to unit norm",
                argument="test",
            )
        return np.hstack([np.ones((len(images), 1)), projected / norms])

    return features(train), features(test)
