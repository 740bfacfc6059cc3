"""Command line: ``python -m qlcore list`` and ``python -m qlcore reproduce FIGURE``."""

from __future__ import annotations

import argparse
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
    from qlcore.reproduce import compute

    module = figure_module(args.figure)
    if args.threads is not None:
        if args.threads < 1:
            raise ValueError(f"--threads must be a positive integer, got {args.threads}")
        import torch

        torch.set_num_threads(args.threads)
    if args.scheduler is not None:
        os.environ["QLCORE_SCHEDULER"] = args.scheduler  # read by qlcore.infra.sweep.run_sweep
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    result = compute(args.figure, args.scale, args.seed, device=args.device, progress=True)
    (out / f"{args.figure}.json").write_text(json.dumps(result, indent=1))
    figure = module.plot(result)
    figure.savefig(out / f"{args.figure}.png", bbox_inches="tight")
    prov = result["provenance"]
    print(
        f"wrote {out / (args.figure + '.json')} and {out / (args.figure + '.png')} "
        f"(scale {args.scale}, {prov['wall_time_s']} s, peak memory {prov['peak_rss_mib']} MiB)"
    )
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
    rep.set_defaults(handler=_reproduce)
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
