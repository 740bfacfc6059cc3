"""Execute chapters and write each one's paired ``.ipynb`` with the outputs (widget state included).

Usage: python tools/execute_notebooks.py notebooks/NN_name.md [...] [--output-dir DIR]

Each chapter's text lives in its MyST source ``notebooks/NN_name.md``; the paired
``notebooks/NN_name.ipynb`` (jupytext pairing ``ipynb,md:myst``) carries the outputs. This script
reads the ``.md``, executes it with the kernel in the notebook's folder, and writes the ``.ipynb``
(in place, or into ``--output-dir``), so the pair agrees cell by cell. ``make notebooks`` runs it
at ``QL_SCALE=paper`` to refresh the outputs committed with the book. Passing an ``.ipynb`` runs
its ``.md`` partner.
"""

import argparse
from pathlib import Path

import jupytext
from nbclient import NotebookClient


def execute(source: Path, target: Path) -> None:
    """Run the MyST notebook ``source`` and write it with its outputs to ``target``."""
    notebook = jupytext.read(source)
    # record_timing=False: no execution timestamps in the committed cells
    NotebookClient(
        notebook,
        timeout=None,
        kernel_name="python3",
        store_widget_state=True,
        record_timing=False,
        resources={"metadata": {"path": str(source.parent)}},
    ).execute()
    target.parent.mkdir(parents=True, exist_ok=True)
    jupytext.write(notebook, target, fmt="ipynb")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("chapters", nargs="+", type=Path, help="notebooks/NN_name.md files")
    parser.add_argument("--output-dir", type=Path, help="write the .ipynb here, not beside the .md")
    args = parser.parse_args()
    for path in args.chapters:
        source = path.with_suffix(".md")
        if not source.is_file():
            parser.error(f"{source} not found: pass the chapter's MyST source notebooks/NN_name.md")
        target = (args.output_dir or source.parent) / source.with_suffix(".ipynb").name
        execute(source, target)
        print(f"executed {source} -> {target}")


if __name__ == "__main__":
    main()
