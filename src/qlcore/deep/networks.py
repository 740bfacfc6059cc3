"""Deep quadratic-linear (QL) networks of depth ``L`` (Kazemipour et al., Section 3.4, App. F).

Layer ``l = 1..L`` maps ``x^{(l-1)} in R^{h_{l-1}}`` (``x^{(0)} = x``, ``h_0 = d``) to

    x^{(l)}_i = sum_j lambda^{(l)}_{ij} (q^{(l)T}_j x^{(l-1)})^2 = A^{(l)}_i . x^{(l-1)} x^{(l-1)T},
    A^{(l)}_i = Q^{(l)} diag(lambda^{(l)}_i) Q^{(l)T},     i = 1..h_l,

with ``Q^{(l)} in R^{h_{l-1} x m_l}`` and ``lambda^{(l)} in R^{h_l x m_l}``: a quadratic layer of
``m_l`` units followed by a linear layer. The output ``x^{(L)}`` is a scalar (``h_L = 1``).
Theorem F.1 takes ``m_l = h_{l-1} h_l``, as the authors' code does (:func:`random_network`).

The network is trained on the penalised loss (eq. F.1)

    F = (1/N) sum_n (y_n - x^{(L)}_n)^2 + gamma sum_l c_l ||Q~^{(l)} Q~^{(l)T} - I||_F^2,

with the stacked matrices ``Q~^{(l)} = [vec A^{(l)}_1, .., vec A^{(l)}_{h_l}]`` (``h_{l-1}^2 x
h_l``) for ``l < L`` and ``Q~^{(L)} = Q^{(L)}``, so the identities have sizes ``h_{l-1}^2`` and
``h_{L-1}``. ``c_l = 1`` in the paper (``penalty="sum"``); the authors' code divides each term by
its number of entries, ``c_l = 1 / n_l^2`` for an ``n_l x n_l`` identity (``penalty="mean"``,
``eta * MSELoss``).

Everything here is the plain per-sample definition in float64, the reference that the lifted
trainer of :mod:`qlcore.deep.train` is tested against.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from qlcore.infra.checks import (
    InputError,
    as_array,
    as_matrix,
    check_budget,
    check_choice,
    check_data,
    check_positive_int,
    check_real,
    check_rng,
)

PENALTIES = ("mean", "sum")


@dataclass(frozen=True)
class DeepQLNetwork:
    """Weights of one deep QL network: ``layers[l] = (q, lam)`` with ``q`` of shape
    ``(h_{l-1}, m_l)`` and ``lam`` of shape ``(h_l, m_l)``; the last layer has ``h_L = 1``."""

    layers: tuple

    def __post_init__(self):
        if not isinstance(self.layers, (tuple, list)) or len(self.layers) == 0:
            raise InputError(
                "layers must be a non-empty sequence of (q, lam) pairs, one per QL layer",
                argument="layers",
            )
        checked, inputs = [], None
        for index, pair in enumerate(self.layers):
            if not isinstance(pair, (tuple, list)) or len(pair) != 2:
                raise InputError(
                    f"layers[{index}] must be a (q, lam) pair, got {type(pair).__name__}",
                    argument="layers",
                )
            q = as_matrix(pair[0], f"layers[{index}][0] (q)")
            lam = as_matrix(pair[1], f"layers[{index}][1] (lam)")
            if inputs is not None and q.shape[0] != inputs:
                raise InputError(
                    f"layers[{index}]: q must have one row per output of the layer before "
                    f"({inputs}), got shape {q.shape}",
                    argument="layers",
                )
            if lam.shape[1] != q.shape[1]:
                raise InputError(
                    f"layers[{index}]: lam must have one column per unit (column of q, "
                    f"{q.shape[1]}), got shape {lam.shape}",
                    argument="layers",
                )
            checked.append((q, lam))
            inputs = lam.shape[0]
        if inputs != 1:
            raise InputError(
                f"layers: the last layer must have one output (lam of one row), got {inputs}",
                argument="layers",
            )
        object.__setattr__(self, "layers", tuple(checked))

    @property
    def depth(self) -> int:
        """``L``, the number of QL layers."""
        return len(self.layers)

    @property
    def dim(self) -> int:
        """The input dimension ``d = h_0``."""
        return self.layers[0][0].shape[0]

    @property
    def hidden(self) -> tuple[int, ...]:
        """The widths ``(h_1, .., h_{L-1})`` between the QL layers."""
        return tuple(lam.shape[0] for _, lam in self.layers[:-1])

    @property
    def units(self) -> tuple[int, ...]:
        """The quadratic units per layer ``(m_1, .., m_L)``."""
        return tuple(q.shape[1] for q, _ in self.layers)

    def predict(self, x) -> np.ndarray:
        """``x^{(L)}_n`` for each row of ``x`` (N, d), computed layer by layer in float64."""
        x = as_matrix(x, "x", empty_ok=True)
        if x.shape[1] != self.dim:
            raise InputError(
                f"x must have d = {self.dim} columns (the network's input dimension), got "
                f"shape {x.shape}",
                argument="x",
            )
        check_budget(
            "the layer-by-layer predictions",
            argument="x",
            nbytes=16.0 * x.shape[0] * max(self.units),
            fix="predict on fewer samples at a time",
        )
        h = x
        for q, lam in self.layers:
            h = (h @ q) ** 2 @ lam.T
        return h[:, 0]

    def stacked(self, layer: int) -> np.ndarray:
        """``Q~^{(l)}`` for ``l = layer`` (1-based): ``[vec A^{(l)}_i]_i`` for ``l < L``,
        ``Q^{(L)}`` for ``l = L``."""
        layer = check_positive_int(layer, "layer")
        if layer > self.depth:
            raise InputError(
                f"layer must be between 1 and the depth {self.depth}, got {layer}",
                argument="layer",
            )
        q, lam = self.layers[layer - 1]
        if layer == self.depth:
            return q
        matrices = np.einsum("am,im,bm->iab", q, lam, q)
        return matrices.reshape(lam.shape[0], -1).T

    def penalty(self, penalty: str = "mean") -> float:
        """``sum_l c_l ||Q~^{(l)} Q~^{(l)T} - I||_F^2`` of eq. F.1 (module docstring for
        ``c_l``)."""
        penalty = check_choice(penalty, "penalty", PENALTIES)
        total = 0.0
        for layer in range(1, self.depth + 1):
            stacked = self.stacked(layer)
            n = stacked.shape[0]
            value = float(np.sum((stacked @ stacked.T - np.eye(n)) ** 2))
            total += value / n**2 if penalty == "mean" else value
        return total

    def objective(self, x, y, gamma: float, penalty: str = "mean") -> float:
        """``F`` of eq. F.1 on ``(x, y)``."""
        x, y = check_data(x, y)
        gamma = check_real(gamma, "gamma", minimum=0.0)
        return float(np.mean((y - self.predict(x)) ** 2)) + gamma * self.penalty(penalty)


def layer_sizes(dim: int, hidden) -> tuple[list[int], list[int]]:
    """``([h_0, .., h_L], [m_1, .., m_L])`` of a network on ``R^dim`` with hidden widths
    ``hidden = (h_1, .., h_{L-1})``, ``h_L = 1`` and Theorem F.1's ``m_l = h_{l-1} h_l``."""
    dim = check_positive_int(dim, "dim")
    values = as_array(hidden, "hidden").reshape(-1)
    widths = [check_positive_int(h, "hidden") for h in values.tolist()]
    sizes = [dim, *widths, 1]
    return sizes, [a * b for a, b in zip(sizes[:-1], sizes[1:])]


def random_network(dim: int, hidden, rng) -> DeepQLNetwork:
    """A network with PyTorch's default ``nn.Linear`` initialisation, as the authors' code
    starts (``QuadraticNet2``): every weight uniform on ``+-1/sqrt(fan_in)``, so ``q^{(l)}`` on
    ``+-1/sqrt(h_{l-1})`` and ``lambda^{(l)}`` on ``+-1/sqrt(m_l)``; ``m_l = h_{l-1} h_l``."""
    sizes, units = layer_sizes(dim, hidden)
    rng = check_rng(rng)
    check_budget(
        "the network's weights",
        argument="hidden",
        nbytes=8.0 * sum(m * (a + b) for m, a, b in zip(units, sizes[:-1], sizes[1:])),
        fix="use narrower layers",
    )
    layers = []
    for fan_in, outputs, m in zip(sizes[:-1], sizes[1:], units):
        q = rng.uniform(-1.0, 1.0, size=(m, fan_in)).T / np.sqrt(fan_in)
        lam = rng.uniform(-1.0, 1.0, size=(outputs, m)) / np.sqrt(m)
        layers.append((q, lam))
    return DeepQLNetwork(tuple(layers))
