"""How long paper-scale Figs. 4 and 5 take with the deep engine, from short timed runs.

For each figure it trains, at the paper's settings (``d``, ``N``, 10 networks per call as in a
sweep point), a few hidden widths and takes the time per step as the difference of calls with
``E`` and ``3E`` epochs over ``2E`` (which cancels each call's fixed cost). It fits
``t(h) = a + b h^2`` (the step's arithmetic grows as ``h^2``) and sums it over the figure's widths,
epochs and points. It also prints the arithmetic floor: the three first-layer products of a step
(forward and the two of the backward pass), ``3 h m_1 F_1`` multiply-adds with ``m_1 = d h`` and
``F_1 = d(d+1)/2``, at a single-core float32 matrix-product rate measured here on a product of the
same shape. The projection assumes one worker per core. Run it on an idle machine.

    python benchmarks/deep_paper_estimate.py              # both figures, ~2 min
    python benchmarks/deep_paper_estimate.py --epochs 20  # quicker, noisier
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time

os.environ.setdefault("TQDM_DISABLE", "1")

import numpy as np  # noqa: E402
import torch  # noqa: E402

from qlcore.deep import data, networks, train  # noqa: E402

FIGURES = {
    # dim, samples, widths, points per width (data sets or tasks x blocks), epochs
    "kazemipour-fig4": (9, 1000, list(range(5, 101, 5)), 2 * 5, 25000),
    "kazemipour-fig5": (11, 1504, list(range(5, 126, 5)), 2 * 5, 20000),
}
RUNS = 10


def step_time(dim: int, n: int, width: int, epochs: int) -> float:
    """Seconds per training step of RUNS networks of hidden width ``width``."""
    rng = np.random.default_rng(0)
    x, y = data.tensor_dataset("independent", n, dim, rng)
    starts = [networks.random_network(dim, [width], rng) for _ in range(RUNS)]
    kwargs = {"gamma": 1e4, "penalty": "mean", "progress": False, "threads": 1}
    train.train_deep_networks(x, y, starts, epochs=2, **kwargs)  # untimed: first-call costs
    seconds = []
    for count in (epochs, 3 * epochs):  # the difference cancels the fixed cost of a call
        begin = time.perf_counter()
        train.train_deep_networks(x, y, starts, epochs=count, **kwargs)
        seconds.append(time.perf_counter() - begin)
    return (seconds[1] - seconds[0]) / (2 * epochs)


def gemm_rate(dim: int, width: int) -> float:
    """Single-thread float32 FLOP/s of the first layer's forward product at this shape."""
    m, f = dim * width, dim * (dim + 1) // 2
    a, b = torch.randn(RUNS, width, m), torch.randn(RUNS, m, f)
    torch.bmm(a, b)
    begin, repeats = time.perf_counter(), 50
    for _ in range(repeats):
        torch.bmm(a, b)
    return 2.0 * RUNS * width * m * f * repeats / (time.perf_counter() - begin)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=100, help="timed epochs per width")
    parser.add_argument("--cores", type=int, default=2, help="workers the sweep would run")
    args = parser.parse_args()
    torch.set_num_threads(1)
    print("command:", " ".join([sys.executable, *sys.argv]))
    print(
        f"machine: {platform.platform()}, {os.cpu_count()} CPUs, torch {torch.__version__}, "
        f"load average {os.getloadavg()}"
    )
    for figure, (dim, n, widths, points, epochs) in FIGURES.items():
        sample = [widths[0], widths[len(widths) // 2], widths[-1]]
        times = {h: step_time(dim, n, h, args.epochs) for h in sample}
        design = np.array([[1.0, h * h] for h in sample])
        a, b = np.linalg.lstsq(design, np.array([times[h] for h in sample]), rcond=None)[0]
        per_point = sum(epochs * (a + b * h * h) for h in widths)
        total = per_point * points
        rate = gemm_rate(dim, widths[-1])
        floor = sum(6.0 * RUNS * h * (dim * h) * (dim * (dim + 1) // 2) for h in widths)
        floor *= epochs * points / rate
        steps = RUNS * epochs * points * len(widths)
        print(
            f"\n{figure}: d = {dim}, N = {n}, widths {widths[0]}..{widths[-1]}, {RUNS} networks"
            f" per point, {points} points per width, {epochs} epochs"
        )
        for h in sample:
            print(
                f"  h = {h:3d}: {1e3 * times[h]:7.2f} ms per step of {RUNS} networks, "
                f"{RUNS / times[h]:8.0f} network-steps/s"
            )
        print(
            f"  projected: {total / 3600:.2f} core-hours, {total / 3600 / args.cores:.2f} h on "
            f"{args.cores} cores ({steps / total:.0f} network-steps/s per core on average)"
        )
        print(
            f"  floor (first-layer products at {rate / 1e9:.0f} GFLOP/s per core): "
            f"{floor / 3600:.2f} core-hours, {floor / 3600 / args.cores:.2f} h on {args.cores}"
            " cores"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
