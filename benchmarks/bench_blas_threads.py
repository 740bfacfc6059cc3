"""One BLAS thread against OpenBLAS's default for chapter 6's rank-deficient search.

:func:`qlcore.stationary.barrier.minimise_rank_deficient` runs L-BFGS (SciPy) on a risk of
``(d - 1) x d`` weights: thousands of tiny vector operations and products. This script times the
same search (the same starts, the same risk, ``d = 10``, ``m = 400``, ``N = 550`` Gaussian inputs)
with BLAS limited to one thread, as the library does, and with OpenBLAS's default thread count,
alternating the two, and prints the median time of each and their ratio. It checks that both
reach the same minimum.

    python benchmarks/bench_blas_threads.py [--repeats 5] [--starts 2]
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time

import numpy as np
from threadpoolctl import threadpool_info, threadpool_limits

from qlcore.samples import span
from qlcore.stationary import barrier, risks


def _time(risk, starts: int, limit) -> tuple[float, float]:
    # the library sets one thread inside; an outer limit of None cannot lift it, so the default
    # is measured by replacing threadpool_limits in the module with a no-op context for the call
    original = barrier.threadpool_limits
    if limit is None:
        barrier.threadpool_limits = lambda **_: _NoLimit()
    try:
        begin = time.perf_counter()
        found = barrier.minimise_rank_deficient(risk, starts=starts, seed=1)
        return time.perf_counter() - begin, found.value
    finally:
        barrier.threadpool_limits = original


class _NoLimit:
    def __enter__(self):
        return self

    def __exit__(self, *args):
        return False


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--starts", type=int, default=2)
    args = parser.parse_args()
    print("command:", " ".join([sys.executable, *sys.argv]))
    print(f"machine: {platform.platform()}, {os.cpu_count()} CPUs, load {os.getloadavg()}")
    blas = [i for i in threadpool_info() if i["user_api"] == "blas"]
    print("BLAS:", [(i["internal_api"], i["num_threads"]) for i in blas])
    planted = risks.planted_weights(400, 10, seed=0)
    risk = risks.EmpiricalRisk(planted, span.sample_inputs("gaussian", 550, 10, seed=1))
    times = {"one thread": [], "default threads": []}
    values = {}
    for _ in range(args.repeats):
        for name, limit in (("one thread", 1), ("default threads", None)):
            seconds, value = _time(risk, args.starts, limit)
            times[name].append(seconds)
            values[name] = value
    for name, series in times.items():
        print(f"{name:16s} median {np.median(series):.3f} s over {len(series)} runs")
    ratio = np.median(times["default threads"]) / np.median(times["one thread"])
    print(f"ratio default / one thread: {ratio:.1f}x")
    same = np.isclose(values["one thread"], values["default threads"], rtol=1e-6)
    print("same minimum:", same)
    return 0 if same else 1


if __name__ == "__main__":
    with threadpool_limits(limits=None):
        sys.exit(main())
