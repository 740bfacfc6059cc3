"""How many torch threads qlcore trains with: one per process, unless asked for more.

Parallelism in qlcore comes from processes: the sweeps (:mod:`qlcore.infra.sweep`) run one
single-threaded worker per core, and training in one process
(:func:`qlcore.model.train.train_networks`, called directly or by a sweep point run in this
process) uses :data:`DEFAULT_THREADS` = 1 torch intra-op thread unless the caller or
``$QLCORE_THREADS`` asks for more.

Why one: torch's default of one intra-op thread per core is fast only on cores nobody else uses.
Its OpenMP runtime (GNU libgomp in the CPU wheels) lets a thread that finishes its share of a
parallel region spin for some 300,000 iterations before it sleeps; when another program holds
one of the cores, the partner thread waits for a time slice while this one spins, at each of the
thousands of small parallel regions of a training run. On 2 cores
(``benchmarks/bench_threads.py``, ``benchmarks/RESULTS.md``), training 2,583 or 12,915 Fig. 2
networks on two threads was 1.8-4.6x slower than on one (medians; one run 238 s against 9-27 s)
while other programs ran, and 1.45-1.6x faster on an idle machine. A passive OpenMP wait policy
(``OMP_WAIT_POLICY=PASSIVE``) removed most of the slow-down but also the gain, and takes effect
only if set before torch is imported. The results are identical on any number of threads.
"""

from __future__ import annotations

import os

from qlcore.infra.checks import InputError, check_positive_int

THREADS_ENV = "QLCORE_THREADS"
DEFAULT_THREADS = 1
"""Torch intra-op threads for training when neither the caller nor ``$QLCORE_THREADS`` says."""


def torch_threads(threads: int | None = None, *, available: int) -> int:
    """The number of torch intra-op threads to train with.

    ``threads`` if given, else the environment variable ``QLCORE_THREADS`` (the CLI's
    ``--threads`` sets it) if set, else :data:`DEFAULT_THREADS`; never more than ``available``,
    the caller's ``torch.get_num_threads()``, so that ``OMP_NUM_THREADS=1`` and
    ``torch.set_num_threads(1)`` hold (the sweep workers set both) and a process never runs more
    threads than torch was given.
    """
    available = check_positive_int(available, "available")
    if threads is None:
        value = os.environ.get(THREADS_ENV, "").strip()
        if not value:
            threads = DEFAULT_THREADS
        elif value.isdigit() and int(value) >= 1:
            threads = int(value)
        else:
            raise InputError(
                f"{THREADS_ENV} must be a positive integer (torch threads), got {value!r}; "
                "unset it for the default of one thread",
                argument="threads",
            )
    return min(check_positive_int(threads, "threads"), available)
