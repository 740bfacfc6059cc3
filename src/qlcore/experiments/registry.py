"""The registry of reproduced figures: figure id -> module, and the devices each computes on.

Each figure module declares the torch devices its ``run`` computes on in ``DEVICES``
(``("cpu",)`` when absent): ``("cpu", "cuda")`` for the figures that train with torch and pass
``device`` on, CPU only for those that compute with NumPy and SciPy. :func:`check_figure_device`
refuses any other device before anything runs. The figure modules never import this module, so
registering a new figure does not change their code hashes (their shipped results stay current).
"""

from __future__ import annotations

import importlib

from qlcore.experiments import _check_name
from qlcore.infra.checks import InputError, check_device

DEFAULT_DEVICES = ("cpu",)

REGISTRY = {
    "cover-efron": "qlcore.experiments.cover_efron",
    "gamarnik-barrier": "qlcore.experiments.gamarnik_barrier",
    "gamarnik-init": "qlcore.experiments.gamarnik_init",
    "gamarnik-stationary": "qlcore.experiments.gamarnik_stationary",
    "kazemipour-fig2": "qlcore.experiments.kazemipour_fig2",
    "kazemipour-fig2-code": "qlcore.experiments.kazemipour_fig2_code",
    "kazemipour-fig3": "qlcore.experiments.kazemipour_fig3",
    "kazemipour-fig4": "qlcore.experiments.kazemipour_fig4",
    "kazemipour-fig5": "qlcore.experiments.kazemipour_fig5",
    "kazemipour-multioutput": "qlcore.experiments.kazemipour_multioutput",
    "kazemipour-penalty-weight": "qlcore.experiments.kazemipour_penalty_weight",
    "sarao-cone-link": "qlcore.experiments.sarao_cone_link",
    "sarao-fig1": "qlcore.experiments.sarao_fig1",
    "sarao-fig2": "qlcore.experiments.sarao_fig2",
    "sarao-fig3": "qlcore.experiments.sarao_fig3",
    "sarao-fig4": "qlcore.experiments.sarao_fig4",
    "sarao-figb6": "qlcore.experiments.sarao_figb6",
    "sarao-recovery": "qlcore.experiments.sarao_recovery",
    "sarao-uniqueness": "qlcore.experiments.sarao_uniqueness",
    "vidal-critical-points": "qlcore.experiments.vidal_critical_points",
    "vidal-deep-linear": "qlcore.experiments.vidal_deep_linear",
    "vidal-meta-algorithm": "qlcore.experiments.vidal_meta_algorithm",
    "vidal-relu": "qlcore.experiments.vidal_relu",
}


def figure_module(figure_id: str):
    """The module that reproduces ``figure_id``."""
    if not isinstance(figure_id, str) or figure_id not in REGISTRY:
        raise InputError(
            f"figure_id {figure_id!r} is not a figure id; `python -m qlcore list` shows them: "
            f"{', '.join(sorted(REGISTRY))}",
            argument="figure_id",
        )
    return importlib.import_module(REGISTRY[figure_id])


def supported_devices(figure_id: str) -> tuple[str, ...]:
    """The torch device kinds ``figure_id`` computes on: its module's ``DEVICES``, else
    :data:`DEFAULT_DEVICES` (CPU only)."""
    return tuple(getattr(figure_module(figure_id), "DEVICES", DEFAULT_DEVICES))


def check_figure_device(figure_id: str, device, name: str = "device") -> str:
    """Return ``device`` if ``figure_id`` computes on it and this machine has it, else raise
    :class:`~qlcore.infra.checks.InputError` naming ``name`` (the command line passes
    ``"--device"``)."""
    name = _check_name(name)
    supported = supported_devices(figure_id)
    kind = device.split(":", 1)[0] if isinstance(device, str) else None
    if kind in ("cpu", "cuda") and kind not in supported:
        raise InputError(
            f"{name} must be {' or '.join(map(repr, supported))} for {figure_id}, which "
            f"computes on {' and '.join(supported)} only; got {device!r}",
            argument=name.lstrip("-"),
        )
    return check_device(device, name, supported=supported)
