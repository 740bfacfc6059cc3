"""Run a registered figure, record its provenance, and keep its result: shipped or cached.

Three places hold results, looked up in this order by :func:`reproduce`:

1. **Shipped results** (:func:`shipped_dir`, the repository's ``results/``): the reduced result of
   each figure's paper-scale run (seed 0), committed with the code. Each holds its provenance,
   including the hash of the code that computed it; it is used only while that hash equals the
   current one (:func:`shipped_status`), so a change to the code can never return old numbers.
   ``python -m qlcore status`` lists them; ``python -m qlcore ship`` writes them.
2. **The cache** (:func:`qlcore.infra.cache.cache_dir`), keyed by figure, scale, seed, device and
   the same code hash. A cached file that cannot be read is reported (a warning naming it) and
   recomputed.
3. **Computing** the result now (:func:`compute`).

Arguments are checked before anything runs: the scale, the seed (an integer ``>= 0``) and the
device, which must be one the figure's module declares in ``DEVICES`` and this machine has
(``qlcore.experiments.registry.check_figure_device``). Before computing, ``torch.compile``'s scratch
folders are pointed into the cache (:func:`qlcore.infra.cache.use_cache_for_compiler_scratch`).

The code hash covers the experiment module and every ``qlcore`` module it imports, found from the
code (:func:`qlcore.infra.codehash.module_closure`). The notebooks call :func:`reproduce` and so
does the CLI; both run the same experiment function, so the book and the CLI agree. Setting
``QLCORE_FRESH=1`` (``make book FRESH=1``) skips shipped results.
"""

from __future__ import annotations

import importlib
import json
import os
import platform
import resource
import time
import warnings
from pathlib import Path

import numpy as np
import torch

from qlcore import __version__
from qlcore.experiments import check_scale
from qlcore.experiments.registry import check_figure_device, figure_module
from qlcore.infra.cache import cache_dir, use_cache_for_compiler_scratch, write_atomically
from qlcore.infra.checks import check_seed
from qlcore.infra.codehash import PACKAGE_DIR, closure_hash
from qlcore.infra.threads import torch_threads

SHIPPED_ENV = "QLCORE_RESULTS"
FRESH_ENV = "QLCORE_FRESH"
SHIPPED_SCALE = "paper"
SHIPPED_SEED = 0


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
    seed = check_seed(seed)
    check_figure_device(figure_id, device)
    module = figure_module(figure_id)
    use_cache_for_compiler_scratch()
    start = time.perf_counter()
    result = module.run(scale, seed, device=device, progress=progress)
    wall = time.perf_counter() - start
    settings = getattr(importlib.import_module(module.run.__module__), "SCALE_SETTINGS", {})
    result["provenance"] = {
        "figure": figure_id,
        "scale": scale,
        "seed": seed,
        "parameters": settings.get(scale),
        "qlcore_version": __version__,
        "source_hash": source_hash(figure_id),
        "torch_version": torch.__version__,
        "numpy_version": np.__version__,
        "python": platform.python_version(),
        "machine": platform.machine(),
        "cpu_count": os.cpu_count(),
        "torch_threads": torch_threads(available=torch.get_num_threads()),
        "device": device,
        "scheduler": os.environ.get("QLCORE_SCHEDULER"),
        "wall_time_s": round(wall, 2),
        "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }
    return result


def shipped_dir() -> Path:
    """The folder of shipped results: ``$QLCORE_RESULTS``, else ``results/`` of the repository
    that holds this copy of ``qlcore`` (``src/qlcore/../../results``)."""
    return Path(os.environ.get(SHIPPED_ENV, PACKAGE_DIR.parents[1] / "results"))


def shipped_path(figure_id: str) -> Path:
    """Where the shipped result of ``figure_id`` lives; figures computed by the same ``run``
    (Figs. 2 and 3) share one file, named after that run's module."""
    return shipped_dir() / f"{figure_module(figure_id).run.__module__.rsplit('.', 1)[-1]}.json"


def shipped_status(figure_id: str) -> str:
    """``"current"`` when a shipped result exists and was computed by the current code,
    ``"stale"`` when one exists but the code has changed since, ``"missing"`` otherwise."""
    path = shipped_path(figure_id)
    if not path.is_file():
        return "missing"
    try:
        provenance = json.loads(path.read_text())["provenance"]
    except (ValueError, KeyError, TypeError):
        return "stale"
    return "current" if provenance.get("source_hash") == source_hash(figure_id) else "stale"


def ship(figure_id: str, *, progress: bool | None = None) -> Path:
    """Write the paper-scale result (seed 0) of ``figure_id``, from the cache or computed now,
    to :func:`shipped_path`; return that path."""
    result = reproduce(figure_id, SHIPPED_SCALE, SHIPPED_SEED, use_shipped=False, progress=progress)
    path = shipped_path(figure_id)
    write_atomically(path, json.dumps(result, separators=(",", ":")) + "\n")
    return path


def reproduce(
    figure_id: str,
    scale: str,
    seed: int = 0,
    *,
    use_cache: bool = True,
    use_shipped: bool | None = None,
    device: str = "cpu",
    progress: bool | None = None,
) -> dict:
    """The result of ``figure_id`` at ``scale``: the shipped result when it is current and
    ``scale``, ``seed`` are the shipped ones (paper, 0), else the cached one when it is current,
    else computed now (and cached unless ``use_cache=False``).

    ``use_shipped`` defaults to true unless the environment sets ``QLCORE_FRESH=1``."""
    check_scale(scale)
    seed = check_seed(seed)
    check_figure_device(figure_id, device)
    if use_shipped is None:
        use_shipped = os.environ.get(FRESH_ENV, "") not in ("1", "true", "yes")
    if (
        use_shipped
        and (scale, seed) == (SHIPPED_SCALE, SHIPPED_SEED)
        and shipped_status(figure_id) == "current"
    ):
        return json.loads(shipped_path(figure_id).read_text())
    device_tag = "" if device == "cpu" else f"-{device}"
    path = (
        cache_dir() / f"{_run_id(figure_id)}-{scale}-seed{seed}{device_tag}-"
        f"{source_hash(figure_id)}.json"
    )
    if use_cache:
        cached = _read_cached(path)
        if cached is not None:
            return cached
    result = compute(figure_id, scale, seed, device=device, progress=progress)
    if use_cache:
        write_atomically(path, json.dumps(result))
    return result


def _read_cached(path: Path) -> dict | None:
    """The result cached in ``path``, or ``None`` when there is none; a file that cannot be read
    (a truncated write from an older version, a disk error) is reported and ignored."""
    try:
        result = json.loads(path.read_text())
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as error:
        problem = str(error)
    else:
        if isinstance(result, dict):
            return result
        problem = f"it holds a {type(result).__name__}, not a result"
    warnings.warn(
        f"ignoring unreadable cached result {path} ({problem}); recomputing it",
        RuntimeWarning,
        stacklevel=3,
    )
    return None
