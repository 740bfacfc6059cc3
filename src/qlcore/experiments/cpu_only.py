"""The device check of the figures that compute with NumPy or SciPy, on the CPU only."""

from __future__ import annotations

from qlcore.infra.checks import InputError


def require_cpu(device, figure_id: str, library: str = "NumPy") -> None:
    """Nothing if ``device`` is ``"cpu"``; else :class:`~qlcore.infra.checks.InputError` naming
    ``device``: figure ``figure_id`` computes with ``library`` on the CPU, and no other device
    would change its numbers."""
    if not (isinstance(device, str) and device == "cpu"):
        raise InputError(
            f"{figure_id} computes with {library} on the CPU; got device={device!r}. Pass "
            "device='cpu' (the default; on the command line, leave out --device)",
            argument="device",
        )
