"""Where qlcore keeps cached results, and how it writes them.

The folder is ``$QLCORE_CACHE`` when set (the Makefile sets ``.qlcore-cache/`` in the repository),
else ``~/.cache/qlcore``. Every write is atomic, so an interrupted run never leaves a
half-written file that a later run would read. Deleting the folder is always safe.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

CACHE_ENV = "QLCORE_CACHE"


def cache_dir() -> Path:
    """``$QLCORE_CACHE``, else ``~/.cache/qlcore``."""
    return Path(os.environ.get(CACHE_ENV, Path.home() / ".cache" / "qlcore"))


def write_atomically(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` (creating its folder) so that a reader sees either the old file
    or the whole new one: a temporary file in the same folder, then :func:`os.replace`."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}-", suffix=".tmp")
    try:
        with os.fdopen(handle, "w") as file:
            file.write(text)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
