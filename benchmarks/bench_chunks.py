"""Engine speed on the full Fig. 2 paper batch against chunk size and thread count.

Trains all 12,915 networks of Fig. 2 (paper scale, float32, torch.compile) for a few hundred
epochs with each setting and reports network-steps per second, after a warm-up run that pays
for compilation. This is the measurement behind :data:`qlcore.model.train.CPU_CHUNK_NETWORKS` and
the thread choice recorded in ``benchmarks/RESULTS.md``. The fixed cost of a call (moments, least
squares, stacking and the float64 final metrics of every network) is measured with 0 epochs and
subtracted.

    python benchmarks/bench_chunks.py --epochs 300 --chunks 512 1024 2048 4096 0 --threads 1 2

A chunk of 0 means all networks at once.
"""

from __future__ import annotations

import argparse
import os
import time

os.environ.setdefault("TQDM_DISABLE", "1")

import torch  # noqa: E402

from qlcore.experiments import kazemipour_fig2  # noqa: E402
from qlcore.model import train  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=300)
    parser.add_argument("--chunks", type=int, nargs="+", default=[512, 1024, 2048, 4096, 0])
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    args = parser.parse_args()

    settings = dict(kazemipour_fig2.SCALE_SETTINGS["paper"])
    datasets, students, _ = kazemipour_fig2.build_workload(settings)
    n_networks = sum(len(group) for group in students)
    print(f"{n_networks} networks, {args.epochs} epochs, torch {torch.__version__}")
    print(f"{'threads':>7} {'chunk':>6} {'fixed s':>8} {'train s':>8} {'net-steps/s':>12}")
    for threads in args.threads:
        torch.set_num_threads(threads)
        for chunk in args.chunks:
            torch._dynamo.reset()  # compile afresh for this thread count
            kwargs = dict(
                lr=1e-3,
                dtype="float32",
                compile=True,
                record_every=100,
                chunk_networks=chunk or None,
                threads=threads,
            )
            train.train_networks(datasets, students, epochs=2, **kwargs)  # compile
            seconds = []
            for epochs in (0, args.epochs):
                start = time.perf_counter()
                train.train_networks(datasets, students, epochs=epochs, **kwargs)
                seconds.append(time.perf_counter() - start)
            training = seconds[1] - seconds[0]
            print(
                f"{threads:>7} {chunk or 'all':>6} {seconds[0]:>8.2f} {training:>8.2f} "
                f"{n_networks * args.epochs / training:>12.3g}",
                flush=True,
            )


if __name__ == "__main__":
    main()
