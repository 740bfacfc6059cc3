"""Recompute every paper-scale figure from scratch and time each one, on a chosen backend.

    python benchmarks/recompute_figures.py --backend pool
    python benchmarks/recompute_figures.py --backend dask --workers 2

Each figure (one per experiment ``run``: Figs. 2 and 3 of Kazemipour et al. share one) is computed
with :func:`qlcore.reproduce.reproduce` at paper scale, seed 0, ignoring the shipped results and
with an empty cache, so nothing is reused. ``pool`` runs the sweeps on the default local process
pool (one single-threaded worker per core); ``dask`` starts a ``distributed.LocalCluster`` with
``--workers`` single-threaded worker processes and passes its address to every sweep through
``QLCORE_SCHEDULER``. Experiments without a sweep run in this process either way. Each result is
compared with the shipped one (``results/``): ``identical``, or the largest relative difference
of any number in it. Prints a Markdown table for ``benchmarks/RESULTS.md``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import tempfile
import time

import numpy as np


def _largest_difference(a, b) -> float:
    """The largest relative difference between the numbers of two JSON values (0 if equal)."""
    if isinstance(a, dict):
        return max((_largest_difference(a[k], b[k]) for k in a), default=0.0)
    if isinstance(a, list):
        if len(a) != len(b):
            return float("inf")
        return max((_largest_difference(x, y) for x, y in zip(a, b)), default=0.0)
    if isinstance(a, float) or isinstance(b, float):
        x, y = float(a), float(b)
        if x == y or (np.isnan(x) and np.isnan(y)):
            return 0.0
        return abs(x - y) / max(abs(x), abs(y), 1e-300)
    return 0.0 if a == b else float("inf")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--backend", choices=("pool", "dask"), default="pool")
    parser.add_argument("--workers", type=int, default=2, help="Dask worker processes")
    parser.add_argument("--figures", nargs="*", help="figure ids (default: every figure)")
    args = parser.parse_args()
    os.environ["QLCORE_CACHE"] = tempfile.mkdtemp(prefix="qlcore-recompute-")
    os.environ.pop("QLCORE_SCHEDULER", None)
    os.environ.setdefault("TQDM_DISABLE", "1")

    from qlcore.experiments.registry import REGISTRY, figure_module
    from qlcore.reproduce import reproduce, shipped_path

    cluster = None
    if args.backend == "dask":
        from distributed import LocalCluster

        cluster = LocalCluster(n_workers=args.workers, threads_per_worker=1, processes=True)
        os.environ["QLCORE_SCHEDULER"] = cluster.scheduler_address
    runs = {}
    for figure_id in args.figures or sorted(REGISTRY):
        runs.setdefault(figure_module(figure_id).run.__module__, figure_id)
    rows, total = [], 0.0
    start_all = time.perf_counter()
    for figure_id in runs.values():
        start = time.perf_counter()
        result = reproduce(figure_id, "paper", 0, use_shipped=False)
        wall = time.perf_counter() - start
        total += wall
        shipped = json.loads(shipped_path(figure_id).read_text())
        result.pop("provenance")
        shipped.pop("provenance")
        difference = _largest_difference(shipped, json.loads(json.dumps(result)))
        agreement = "identical" if difference == 0 else f"max rel. diff {difference:.1e}"
        rows.append((figure_id, wall, agreement))
        print(f"{figure_id}: {wall:.1f} s, {agreement}", flush=True)
    elapsed = time.perf_counter() - start_all
    if cluster is not None:
        cluster.close()
    label = "local pool" if args.backend == "pool" else f"Dask LocalCluster, {args.workers} w."
    print(f"\n{label}; {platform.machine()}, {os.cpu_count()} cores\n")
    print("| figure | wall time (s) | against the shipped result |\n|---|---|---|")
    for figure_id, wall, agreement in rows:
        print(f"| `{figure_id}` | {wall:.0f} | {agreement} |")
    print(f"| **all** | **{elapsed:.0f}** ({elapsed / 60:.1f} min) | |")


if __name__ == "__main__":
    main()
