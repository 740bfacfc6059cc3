"""Sweep workers with one BLAS thread against OpenBLAS's default, on the points of a real figure.

The sweep workers (:func:`qlcore.infra.sweep.run_sweep`, a pool of one process per core) are meant
to run one BLAS thread each. Before :func:`qlcore.infra.sweep._prepare_worker` called
:func:`threadpoolctl.threadpool_limits`, a worker started by a script that had imported NumPy
first (the CLI does) kept OpenBLAS's default of one thread per core: two workers on two cores ran
four BLAS threads. This script runs the same sweep both ways, side by side in one run, alternating,
and prints the median wall time of each and their ratio:

* ``one``: the workers as the library sets them up (one BLAS thread);
* ``default``: each point first raises the BLAS limit to one thread per core, as the workers had
  it before the fix.

The points are those of ``sarao-uniqueness`` at paper scale (SDPs with CVXPY and Clarabel; every
instance of its ``configs``, or the first ``--instances`` of each), computed without a cache. The
thresholds found must be the same both ways. The script first prints the thread count of each
BLAS library loaded in a worker both ways (SCS, which CVXPY loads, brings a single-threaded
OpenBLAS of its own that stays at 1).

    python benchmarks/bench_sweep_blas.py [--repeats 2] [--instances 400] [--busy 0]

``--busy K`` keeps K other processes spinning on the CPU during the measurement (a loaded
machine).
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import platform
import statistics
import sys
import time

from threadpoolctl import threadpool_info, threadpool_limits

from qlcore.experiments import sarao_uniqueness
from qlcore.infra.sweep import run_sweep


def instance_with_default_blas(**point) -> dict:
    """``sarao_uniqueness.instance_threshold`` with BLAS at one thread per core."""
    threadpool_limits(limits=os.cpu_count(), user_api="blas")
    return sarao_uniqueness.instance_threshold(**point)


def worker_blas_threads(raise_limit: bool) -> list[int]:
    """The BLAS thread counts in a sweep worker, after raising the limit as ``default`` does."""
    if raise_limit:
        threadpool_limits(limits=os.cpu_count(), user_api="blas")
    return sorted({lib["num_threads"] for lib in threadpool_info() if lib["user_api"] == "blas"})


def _points(instances: int) -> list[dict]:
    configs = sarao_uniqueness.SCALE_SETTINGS["paper"]["configs"]
    return [
        {"dim": d, "m_star": m, "trial": t, "seed": 0}
        for d, m, trials in configs
        for t in range(min(trials, instances))
    ]


def _spin() -> None:
    while True:
        pass


def _time(function, points) -> tuple[float, list]:
    begin = time.perf_counter()
    outcomes = run_sweep(function, points, max_workers=os.cpu_count(), progress=False)
    return time.perf_counter() - begin, [outcome["threshold"] for outcome in outcomes]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--instances", type=int, default=400, help="at most this many per config")
    parser.add_argument("--busy", type=int, default=0, help="spinning processes alongside")
    args = parser.parse_args()
    points = _points(args.instances)
    # this module's functions must be importable by name in the workers
    import bench_sweep_blas as this

    variants = {
        "one": sarao_uniqueness.instance_threshold,
        "default": this.instance_with_default_blas,
    }
    print(
        f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}; {len(points)} sarao-uniqueness points, {args.repeats} "
        f"repeats, {args.busy} busy processes"
    )
    probe = [{"raise_limit": False}, {"raise_limit": True}]
    one_threads, default_threads = run_sweep(this.worker_blas_threads, probe, progress=False)
    print(f"BLAS threads in a worker: one {one_threads}, default {default_threads}")
    spinners = [multiprocessing.Process(target=_spin, daemon=True) for _ in range(args.busy)]
    for spinner in spinners:
        spinner.start()
    try:
        times: dict[str, list[float]] = {name: [] for name in variants}
        thresholds = {}
        for repeat in range(args.repeats):
            for name, function in variants.items():
                seconds, thresholds[name] = _time(function, points)
                times[name].append(seconds)
                print(f"repeat {repeat + 1}: {name:8s} {seconds:7.1f} s", flush=True)
    finally:
        for spinner in spinners:
            spinner.terminate()
    one, default = (statistics.median(times[name]) for name in ("one", "default"))
    print(
        f"median: one BLAS thread {one:.1f} s, default {default:.1f} s, "
        f"default / one {default / one:.2f}x"
    )
    print("same thresholds" if thresholds["one"] == thresholds["default"] else "THRESHOLDS DIFFER")
    if thresholds["one"] != thresholds["default"]:
        sys.exit(1)


if __name__ == "__main__":
    main()
