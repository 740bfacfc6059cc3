"""Where qlcore keeps cached results, how it writes them, and claims on work in progress.

The folder is ``$QLCORE_CACHE`` when set (the Makefile sets ``.qlcore-cache/`` in the repository),
else ``~/.cache/qlcore``. Every write is atomic (:func:`write_atomically`), so an interrupted run
never leaves a half-written file that a later run would read. Deleting the folder is always safe.

:func:`use_cache_for_compiler_scratch` points ``torch.compile``'s scratch folders
(``TORCHINDUCTOR_CACHE_DIR``, ``TRITON_CACHE_DIR``) into the same folder, unless the user has set
them, so that computing a figure writes nothing outside it.

A *claim* (:func:`claim`, :func:`release`) is a small file, created only if it does not exist yet,
that says "this process is computing this result": it holds the owner's process id, host name and
start time. Two processes filling the same cache use claims to split the work instead of
computing everything twice. A claim is *stale*, and may be taken over, when its owner is a dead
process on this host (or this very process, which has not made it: a dead owner whose process id
came back), or when it has not been refreshed (:func:`refresh`) for :data:`CLAIM_MAX_AGE_S`
seconds (an owner on another host that died).
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import tempfile
import time
from pathlib import Path

CACHE_ENV = "QLCORE_CACHE"
COMPILER_SCRATCH = {"TORCHINDUCTOR_CACHE_DIR": "torchinductor", "TRITON_CACHE_DIR": "triton"}
CLAIM_MAX_AGE_S = 3600.0  # a live owner refreshes its claims every minute or so
_HELD: set[str] = set()  # the claims this process holds


def cache_dir() -> Path:
    """``$QLCORE_CACHE``, else ``~/.cache/qlcore``."""
    return Path(os.environ.get(CACHE_ENV) or Path.home() / ".cache" / "qlcore")


def use_cache_for_compiler_scratch() -> dict[str, str]:
    """Set ``TORCHINDUCTOR_CACHE_DIR`` and ``TRITON_CACHE_DIR`` (``torch.compile``'s scratch
    folders, by default under ``/tmp``) to folders in :func:`cache_dir`, each only if the
    environment does not set it already; return the two values now in effect. Worker processes
    started afterwards inherit them."""
    for variable, folder in COMPILER_SCRATCH.items():
        if not os.environ.get(variable):
            os.environ[variable] = str(cache_dir() / folder)
    return {variable: os.environ[variable] for variable in COMPILER_SCRATCH}


def write_atomically(path: Path, data: str | bytes) -> None:
    """Write ``data`` (text, or bytes) to ``path`` (creating its folder) so that a reader sees
    either the old file or the whole new one: a temporary file in the same folder, then
    :func:`os.replace`. The file gets the permissions of any new file (``0666`` less the umask),
    not the private ``0600`` of a temporary file."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}-", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb" if isinstance(data, bytes) else "w") as file:
            os.fchmod(file.fileno(), 0o666 & ~_current_umask())
            file.write(data)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def _current_umask() -> int:
    """This process's file-mode creation mask, from ``/proc/self/status`` where Linux has it
    (reading it with :func:`os.umask` means setting it, a race with other threads creating
    files), else by setting and restoring it."""
    with contextlib.suppress(OSError, ValueError):
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    mask = os.umask(0o077)
    os.umask(mask)
    return mask


def claim(path: Path, *, max_age: float = CLAIM_MAX_AGE_S) -> bool:
    """Claim ``path`` for this process: create it, holding this process's id, host and time, if it
    does not exist, or take it over if it is stale (see the module docstring). True if this
    process now holds it, False if another live owner does.

    The file appears complete or not at all (written aside, then hard-linked into place, which
    fails if the name exists). Two processes that take over the same stale claim at the same
    instant can both succeed; the price is one result computed twice, never a wrong one."""
    path = Path(path).absolute()
    if _create_claim(path):
        return True
    owner = _read_claim(path)
    if owner is None:  # released just now
        return _create_claim(path)
    if not _is_stale(path, owner, max_age):
        return False
    if _read_claim(path) != owner:  # replaced since: someone else took it over
        return False
    with contextlib.suppress(FileNotFoundError):
        os.unlink(path)
    return _create_claim(path)


def release(path: Path) -> None:
    """Remove the claim ``path`` (nothing if it is gone)."""
    _HELD.discard(str(Path(path).absolute()))
    with contextlib.suppress(FileNotFoundError):
        os.unlink(path)


def refresh(path: Path) -> None:
    """Mark the claim ``path`` as alive now (its modification time), so that other hosts do not
    take it over."""
    with contextlib.suppress(FileNotFoundError):
        os.utime(path)


def _create_claim(path: Path) -> bool:
    """Create the claim ``path`` if it does not exist; True if this call created it."""
    owner = json.dumps({"pid": os.getpid(), "host": socket.gethostname(), "time": time.time()})
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}-", suffix=".tmp")
    try:
        with os.fdopen(handle, "w") as file:
            file.write(owner)
        try:
            os.link(temporary, path)
        except FileExistsError:
            return False
        except OSError:  # a file system without hard links: create it exclusively, then fill it
            try:
                handle = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
            except FileExistsError:
                return False
            with os.fdopen(handle, "w") as file:
                file.write(owner)
        _HELD.add(str(path))
        return True
    finally:
        with contextlib.suppress(OSError):
            os.unlink(temporary)


def _read_claim(path: Path) -> dict | None:
    """The claim's owner, ``{}`` if the file is unreadable, ``None`` if it is gone."""
    try:
        owner = json.loads(path.read_text())
    except FileNotFoundError:
        return None
    except (OSError, ValueError):
        return {}
    return owner if isinstance(owner, dict) else {}


def _is_stale(path: Path, owner: dict, max_age: float) -> bool:
    try:
        age = time.time() - path.stat().st_mtime
    except FileNotFoundError:
        return True
    if age > max_age:
        return True
    pid = owner.get("pid")
    if owner.get("host") != socket.gethostname() or not isinstance(pid, int):
        return False
    if pid == os.getpid():
        return str(path) not in _HELD
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # alive, another user's
        return False
    return False
