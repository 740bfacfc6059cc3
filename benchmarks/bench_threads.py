"""Thread policies of the training engine side by side, on an idle or a loaded machine.

    python benchmarks/bench_threads.py --workload eager --repeats 5
    python benchmarks/bench_threads.py --workload eager --repeats 5 --busy 2
    python benchmarks/bench_threads.py --workload compiled --blocks 5 --epochs 1000 --busy 2
    python benchmarks/bench_threads.py --workload cli --repeats 3 --busy 2

Each measurement runs in a fresh Python process, because the OpenMP runtime that torch loads reads
its settings (``OMP_WAIT_POLICY``, ``GOMP_SPINCOUNT``) once, when it is loaded. The policies
(``--policies``) are run in turn within each repetition, so every policy sees the same load on
average (interleaved, not one block after the other):

* ``spin``: one torch thread per core (torch's default, and qlcore's before
  :mod:`qlcore.infra.threads`), and threads that wait at the end of a parallel region spin for
  300,000 iterations (a few milliseconds) before they sleep: the default of GNU libgomp, the
  OpenMP runtime in torch's CPU wheels (``GOMP_SPINCOUNT=300000``, its value when no policy is
  set);
* ``one``: one torch thread;
* ``passive``: one thread per core, ``OMP_WAIT_POLICY=PASSIVE`` (waiting threads sleep at once);
* ``qlcore``: the library's default, nothing set (:mod:`qlcore.infra.threads`).

Thread counts are set through ``QLCORE_THREADS`` (:func:`qlcore.infra.threads.torch_threads`).

Workloads: ``eager`` and ``compiled`` train ``--blocks`` paper-scale data sets of each of
Fig. 2's three target models (861 networks each, float32, Adam; ``--blocks 5`` is the whole Fig. 2
batch of 12,915 networks) for ``--epochs`` epochs in one call of
:func:`qlcore.model.train.train_networks` in the measured process, without or with
``torch.compile`` (the compiled call is timed after a warm-up call that compiles). ``cli`` times
``python -m qlcore reproduce kazemipour-fig2 --scale quick --fresh`` end to end on an empty cache;
its data sets train in a process pool whose workers have one thread each whatever the policy, so
the policy reaches only the command's own process.

``--busy N`` starts ``N`` busy-loop processes before the measurements and ends them afterwards.
The load averages (``os.getloadavg``) are printed before, after and at each measurement, and the
results (final NMSEs, or the CLI's result JSON without its provenance) are compared between
policies and rounds: they must be identical.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

CORES = str(len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count())
POLICIES = {
    "spin": {"QLCORE_THREADS": CORES, "GOMP_SPINCOUNT": "300000"},
    "one": {"QLCORE_THREADS": "1"},
    "passive": {"QLCORE_THREADS": CORES, "OMP_WAIT_POLICY": "PASSIVE"},
    "qlcore": {},
}
"""Policy name: the environment of its process (set before torch loads)."""
THREAD_VARIABLES = (
    "QLCORE_THREADS",
    "OMP_WAIT_POLICY",
    "GOMP_SPINCOUNT",
    "OMP_NUM_THREADS",
    "MKL_NUM_THREADS",
)


def _child(workload: str, blocks: int, epochs: int) -> None:
    """Run one measurement in this (fresh) process; print its JSON record."""
    import torch

    from qlcore.experiments import kazemipour_fig2
    from qlcore.infra.threads import torch_threads

    settings = dict(kazemipour_fig2.SCALE_SETTINGS["paper"], epochs=epochs)
    settings.update(compile=workload == "compiled")
    work, students, _ = kazemipour_fig2.build_workload(settings, blocks=list(range(blocks)))
    if settings["compile"]:
        kazemipour_fig2.train_as_in_table_1(work, students, dict(settings, epochs=2), "cpu")
    start = time.perf_counter()
    result = kazemipour_fig2.train_as_in_table_1(work, students, settings, "cpu")
    seconds = time.perf_counter() - start
    record = {
        "seconds": seconds,
        "threads": torch_threads(available=torch.get_num_threads()),
        "result": result.nmse.tolist(),
    }
    print(json.dumps(record))


def _run(command: list[str], env: dict) -> str:
    """Run ``command``; its standard output, or exit with its standard error if it fails."""
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{done.stderr[-3000:]}")
    return done.stdout


def _measure(policy: str, args) -> dict:
    """One measurement of ``policy`` in a fresh process: seconds and the result to compare."""
    env = {k: v for k, v in os.environ.items() if k not in THREAD_VARIABLES}
    env.update(POLICIES[policy], TQDM_DISABLE="1")
    if args.workload != "cli":
        command = [sys.executable, __file__, "--child", "--workload", args.workload]
        command += ["--blocks", str(args.blocks), "--epochs", str(args.epochs)]
        return json.loads(_run(command, env).strip().splitlines()[-1])
    with tempfile.TemporaryDirectory() as folder:
        env["QLCORE_CACHE"] = os.path.join(folder, "cache")
        command = [sys.executable, "-m", "qlcore", "reproduce", "kazemipour-fig2"]
        command += ["--scale", "quick", "--fresh", "--out", folder]
        start = time.perf_counter()
        _run(command, env)
        seconds = time.perf_counter() - start
        with open(os.path.join(folder, "kazemipour-fig2.json")) as file:
            result = json.load(file)
    result.pop("provenance")  # wall times
    return {"seconds": seconds, "threads": "-", "result": result}


def _load() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workload", choices=("eager", "compiled", "cli"), default="eager")
    parser.add_argument("--policies", nargs="+", choices=POLICIES, default=list(POLICIES))
    parser.add_argument("--repeats", type=int, default=3, help="interleaved rounds")
    parser.add_argument("--blocks", type=int, default=1, help="data sets per target model")
    parser.add_argument("--epochs", type=int, default=300)
    parser.add_argument("--busy", type=int, default=0, help="busy-loop processes meanwhile")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(args.workload, args.blocks, args.epochs)
        return

    busy = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(args.busy)]
    try:
        print(f"{args.workload}, {args.busy} busy loop(s), {os.cpu_count()} cores")
        print(f"load averages before (1, 5, 15 min): {_load()}", flush=True)
        times = {policy: [] for policy in args.policies}
        results, threads = {}, {}
        for round_index in range(args.repeats):
            for policy in args.policies:
                record = _measure(policy, args)
                times[policy].append(record["seconds"])
                threads[policy] = record["threads"]
                results.setdefault(policy, record["result"])
                same = record["result"] == results[policy]
                print(
                    f"round {round_index + 1} {policy:>8}: {record['seconds']:7.2f} s "
                    f"(load {_load()}){'' if same else ' RESULT DIFFERS FROM ROUND 1'}",
                    flush=True,
                )
        print(f"load averages after (1, 5, 15 min): {_load()}\n")
    finally:
        for process in busy:
            process.kill()
            process.wait()
    first = args.policies[0]
    print("| policy | training threads | median s | min s | max s | vs first |")
    print("|---|---:|---:|---:|---:|---:|")
    for policy, seconds in times.items():
        ratio = statistics.median(seconds) / statistics.median(times[first])
        print(
            f"| `{policy}` | {threads[policy]} | {statistics.median(seconds):.2f} | "
            f"{min(seconds):.2f} | {max(seconds):.2f} | {ratio:.2f} |"
        )
    identical = all(result == results[first] for result in results.values())
    print(f"\nresults identical across policies: {'yes' if identical else 'NO'}")


if __name__ == "__main__":
    main()
