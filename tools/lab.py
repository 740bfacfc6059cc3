"""Start JupyterLab on the chapters, each chapter's ``.md`` opening as a notebook.

Usage: python tools/lab.py [DIR] [jupyter-lab options ...]    (``make lab``: DIR = notebooks)

The chapters are MyST Markdown notebooks, ``notebooks/NN_name.md``, paired by jupytext with
``NN_name.ipynb``. JupyterLab opens a ``.md`` in its text editor by default; jupytext's JupyterLab
extension (installed with ``jupytext``) can open it as a notebook instead, and the settings
override shipped in ``tools/lab_settings/overrides.json`` makes that the default viewer of
Markdown and MyST files: a double-click opens the chapter as a notebook (right-click, *Open With*,
*Editor* still shows its text). Saving writes the ``.md`` and its paired ``.ipynb``. The folder is
passed as JupyterLab's application settings folder (``--LabApp.app_settings_dir``), read-only, so
the user's own JupyterLab settings are neither changed nor needed; a viewer chosen there wins.

The kernel inherits this process's environment. ``QL_SCALE`` unset (``make lab``) runs each
chapter at the paper's scale, taking the paper-scale figures from the shipped results in
``results/`` (found from the installed ``qlcore``, whatever folder the notebook is in);
``QL_SCALE=quick`` runs the small grids. ``tests/test_lab.py`` starts JupyterLab with
:func:`lab_command` too.
"""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SETTINGS = ROOT / "tools" / "lab_settings"


def lab_command(root_dir, *options: str) -> list[str]:
    """The command that serves ``root_dir`` in JupyterLab with this book's settings, followed
    by further ``jupyter lab`` options (e.g. ``--no-browser``, ``--ServerApp.port=8889``)."""
    return [
        sys.executable,
        "-m",
        "jupyterlab",
        f"--ServerApp.root_dir={Path(root_dir).resolve()}",
        f"--LabApp.app_settings_dir={SETTINGS}",
        # JupyterLab refuses to run as root (containers, CI) unless told to.
        *(["--allow-root"] if os.name == "posix" and os.geteuid() == 0 else []),
        *options,
    ]


def main(argv: list[str]) -> None:
    if argv and argv[0] in {"-h", "--help"}:
        print(__doc__)
        return
    root_dir = ROOT / "notebooks"
    if argv and not argv[0].startswith("-"):
        root_dir, argv = Path(argv[0]), argv[1:]
    if not root_dir.is_dir():
        sys.exit(f"error: {root_dir} is not a folder")
    command = lab_command(root_dir, *argv)
    print("Starting JupyterLab on", root_dir.resolve(), flush=True)
    # exec: Ctrl-C and `kill` reach JupyterLab itself, which then stops its kernels.
    os.execv(command[0], command)


if __name__ == "__main__":
    main(sys.argv[1:])
