"""Shared settings for the qlcore unit tests."""

import os

# No progress bars in test logs (the trainers and the CLI honour TQDM_DISABLE).
os.environ.setdefault("TQDM_DISABLE", "1")
# The problems here are tiny: one intra-op thread is fastest, and on a busy machine more threads
# make torch spin (the quick CLI run takes ~7 s with one thread, ~70 s with two on 2 busy cores).
# Set before torch is imported; subprocesses (the CLI tests) inherit it.
os.environ.setdefault("OMP_NUM_THREADS", "1")

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def reproduce_quick_via_cli(tmp_path_factory, figures, extra_args=()):
    """`python -m qlcore reproduce FIGURE --scale quick --out DIR [extra_args]` for each figure,
    in order, on one fresh cache (QLCORE_CACHE and QLCORE_SCHEDULER are restored afterwards).

    Returns ``({figure: result}, DIR)`` after checking every exit code and PNG."""
    import json

    import pytest

    from qlcore import cli

    out = tmp_path_factory.mktemp("out")
    patch = pytest.MonkeyPatch()
    patch.setenv("QLCORE_CACHE", str(tmp_path_factory.mktemp("cache")))
    patch.setenv("QLCORE_SCHEDULER", "unset")
    patch.delenv("QLCORE_SCHEDULER")  # the CLI's --scheduler sets it; restored (absent) below
    try:
        codes = [
            cli.main(["reproduce", figure, "--scale", "quick", "--out", str(out), *extra_args])
            for figure in figures
        ]
    finally:
        patch.undo()
    assert codes == [0] * len(figures)
    for figure in figures:
        assert (out / f"{figure}.png").read_bytes()[:8] == PNG_MAGIC
    return {figure: json.loads((out / f"{figure}.json").read_text()) for figure in figures}, out
