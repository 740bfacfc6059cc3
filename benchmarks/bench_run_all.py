"""How long a student waits for "Run All" on each chapter at the default (paper) scale.

With the shipped paper-scale results (``results/``), a chapter loads its figures instead of
recomputing them; what remains is the chapter's own cells (claims, small checks, explorer frames,
the exercises' solutions). This runs each chapter's MyST source top to bottom in a fresh kernel,
as "Run All" in JupyterLab does (``tools/execute_notebooks.py``, outputs written to a temporary
folder, never over the committed notebooks), and prints the wall time of each.

Usage: python benchmarks/bench_run_all.py [notebooks/NN_name.md ...] [--scale paper]
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("chapters", nargs="*", type=Path)
    parser.add_argument("--scale", default="paper", choices=("paper", "quick"))
    args = parser.parse_args()
    chapters = args.chapters or sorted(ROOT.glob("notebooks/[0-9][0-9]_*.md"))
    env = {**os.environ, "QL_SCALE": args.scale, "TQDM_DISABLE": "1"}
    print(f"| chapter | Run All at {args.scale} scale (s) |\n|---|---|")
    with tempfile.TemporaryDirectory() as out:
        for chapter in chapters:
            start = time.perf_counter()
            subprocess.run(
                [sys.executable, ROOT / "tools" / "execute_notebooks.py", chapter,
                 "--output-dir", out],
                check=True, env=env, cwd=ROOT,
            )  # fmt: skip
            print(f"| `{chapter.name}` | {time.perf_counter() - start:.0f} |", flush=True)


if __name__ == "__main__":
    main()
