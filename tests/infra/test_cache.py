"""Writing files atomically (qlcore.infra.cache.write_atomically)."""

import os
import stat

from qlcore.infra.cache import write_atomically


def test_an_atomic_write_leaves_the_whole_file_with_ordinary_permissions(tmp_path):
    path = tmp_path / "sub" / "result.json"
    previous = os.umask(0o022)
    try:
        write_atomically(path, "{}")
        write_atomically(path, b"[1]")
    finally:
        os.umask(previous)
    assert path.read_bytes() == b"[1]"
    assert stat.S_IMODE(path.stat().st_mode) == 0o644
    assert [p.name for p in path.parent.iterdir()] == ["result.json"]  # no temporary file left
