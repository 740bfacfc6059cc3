"""Command line: ``python -m qlcore list``, ``reproduce FIGURE``, ``status`` and ``ship``."""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
from pathlib import Path

from qlcore.experiments import REGISTRY, SCALES, figure_module


def _list(_args) -> int:
    for figure_id in sorted(REGISTRY):
        print(f"{figure_id:20s} {figure_module(figure_id).TITLE}")
    return 0


def _reproduce(args) -> int:
    from qlcore.reproduce import reproduce

    module = figure_module(args.figure)
    _set_threads(args.threads)
    if args.scheduler is not None:
        os.environ["QLCORE_SCHEDULER"] = args.scheduler  # read by qlcore.infra.sweep.run_sweep
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    result = reproduce(
        args.figure,
        args.scale,
        args.seed,
        use_cache=not args.fresh,
        use_shipped=False if args.fresh else None,
        device=args.device,
        progress=True,
    )
    (out / f"{args.figure}.json").write_text(json.dumps(result, indent=1))
    figure = module.plot(result)
    figure.savefig(out / f"{args.figure}.png", bbox_inches="tight")
    prov = result["provenance"]
    print(
        f"wrote {out / (args.figure + '.json')} and {out / (args.figure + '.png')} "
        f"(scale {args.scale}; computed in {prov['wall_time_s']} s, peak memory "
        f"{prov['peak_rss_mib']} MiB, code {prov['source_hash']})"
    )
    return 0


def _set_threads(threads: int | None) -> None:
    if threads is not None:
        if threads < 1:
            raise ValueError(f"--threads must be a positive integer, got {threads}")
        import torch

        torch.set_num_threads(threads)


def _status(_args) -> int:
    from qlcore.reproduce import shipped_dir, shipped_path, shipped_status

    print(f"shipped results in {shipped_dir()} (paper scale, seed 0)")
    print(f"{'figure':27s} {'shipped':8s} {'state':8s} {'wall time':>10s}  file")
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
    rep = commands.add_parser("reproduce", help="recompute a figure and write FIGURE.json/.png")
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
    rep.add_argument("--out", required=True, help="output folder (created if missing)")
    rep.add_argument("--seed", type=int, default=0, help="master seed (default 0)")
    rep.add_argument("--device", default="cpu", help="cpu (default) or cuda")
    rep.add_argument(
        "--threads",
        type=int,
        default=None,
        help="torch intra-op threads (default: torch's choice, one per core; "
        "all cores is fastest here, see benchmarks/RESULTS.md)",
    )
    rep.add_argument(
        "--scheduler",
        default=None,
        metavar="ADDRESS",
        help="Dask scheduler address (tcp://host:8786) for the experiment's "
        "parameter sweeps (default: a local process pool)",
    )
    rep.add_argument(
        "--fresh",
        action="store_true",
        help="compute now: ignore the shipped result and the cache (default: use them when "
        "they were computed by the current code)",
    )
    rep.set_defaults(handler=_reproduce)
    commands.add_parser(
        "status",
        help="list every figure's shipped result (present, current or stale, wall time); "
        "exit 1 when one lacks a current shipped result",
    ).set_defaults(handler=_status)
    shp = commands.add_parser(
        "ship",
        help="write the paper-scale results (seed 0) of FIGURES (default: all) to the shipped "
        "folder, from the cache or computed now",
    )
    shp.add_argument("figures", nargs="*", metavar="FIGURE", help="figure ids (default: all)")
    shp.add_argument("--force", action="store_true", help="rewrite current results too")
    shp.add_argument("--threads", type=int, default=None, help="torch intra-op threads")
    shp.set_defaults(handler=_ship)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.handler(args)
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
