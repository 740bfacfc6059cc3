"""Run a registered figure, record its provenance, and cache the result on disk.

A result is cached in :func:`qlcore.infra.cache.cache_dir` keyed by figure, scale, seed, device
and the hash of the experiment module together with every ``qlcore`` module it imports, found
from the code (:func:`qlcore.infra.codehash.module_closure`), so a change to any code the figure
runs invalidates it. The notebooks call :func:`reproduce` and the CLI calls :func:`compute`; both
run the same experiment function, so the book and the CLI agree.
"""

from __future__ import annotations

import json
import os
import platform
import resource
import time

import numpy as np
import torch

from qlcore import __version__
from qlcore.experiments import check_scale, figure_module
from qlcore.infra.cache import cache_dir, write_atomically
from qlcore.infra.codehash import closure_hash


def source_hash(figure_id: str) -> str:
    """SHA-256 (16 hex digits) of the code ``figure_id`` runs: the module of its ``run`` and every
    ``qlcore`` module that module imports, directly or not."""
    return closure_hash(figure_module(figure_id).run.__module__)


def _run_id(figure_id: str) -> str:
    """Figures computed by the same ``run`` (Figs. 2 and 3) share one cache entry."""
    module = figure_module(figure_id)
    return f"{module.run.__module__}.{module.run.__name__}"


def compute(
    figure_id: str, scale: str, seed: int = 0, *, device: str = "cpu", progress: bool | None = None
) -> dict:
    """Run ``figure_id`` now and return its result with provenance (version, time, machine)."""
    check_scale(scale)
    module = figure_module(figure_id)
    start = time.perf_counter()
    result = module.run(scale, seed, device=device, progress=progress)
    wall = time.perf_counter() - start
    result["provenance"] = {
        "qlcore_version": __version__,
        "source_hash": source_hash(figure_id),
        "torch_version": torch.__version__,
        "numpy_version": np.__version__,
        "python": platform.python_version(),
        "machine": platform.machine(),
        "cpu_count": os.cpu_count(),
        "torch_threads": torch.get_num_threads(),
        "device": device,
        "scheduler": os.environ.get("QLCORE_SCHEDULER"),
        "wall_time_s": round(wall, 2),
        "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }
    return result


def reproduce(
    figure_id: str,
    scale: str,
    seed: int = 0,
    *,
    use_cache: bool = True,
    device: str = "cpu",
    progress: bool | None = None,
) -> dict:
    """The result of ``figure_id`` at ``scale``: from the cache when it is current, else
    computed."""
    check_scale(scale)
    device_tag = "" if device == "cpu" else f"-{device}"
    path = (
        cache_dir() / f"{_run_id(figure_id)}-{scale}-seed{seed}{device_tag}-"
        f"{source_hash(figure_id)}.json"
    )
    if use_cache and path.exists():
        return json.loads(path.read_text())
    result = compute(figure_id, scale, seed, device=device, progress=progress)
    if use_cache:
        write_atomically(path, json.dumps(result))
    return result
