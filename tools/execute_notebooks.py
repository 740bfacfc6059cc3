"""Execute notebooks in place (kernel in the notebook's folder), storing widget state.

Usage: python tools/execute_notebooks.py notebooks/*.ipynb [--output-dir DIR]
`make notebooks` runs it at QL_SCALE=paper to refresh the outputs committed with the book.
"""

import argparse
from pathlib import Path

import nbformat
from nbclient import NotebookClient


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("notebooks", nargs="+", type=Path)
    parser.add_argument("--output-dir", type=Path, help="write here instead of in place")
    args = parser.parse_args()
    for path in args.notebooks:
        notebook = nbformat.read(path, as_version=4)
        # record_timing=False: no execution timestamps in the committed cells
        NotebookClient(
            notebook,
            timeout=None,
            kernel_name="python3",
            store_widget_state=True,
            record_timing=False,
            resources={"metadata": {"path": str(path.parent)}},
        ).execute()
        target = args.output_dir / path.name if args.output_dir else path
        target.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(notebook, target)
        print(f"executed {path} -> {target}")


if __name__ == "__main__":
    main()
