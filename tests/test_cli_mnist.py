"""`qlcore reproduce kazemipour-fig5 --mnist-dir DIR`: the MNIST figure on IDX files."""

import json
import os
import subprocess
import sys

import numpy as np

from qlcore.datasets import mnist


def _write_idx(folder, per_digit=330):
    """IDX files of random images whose labels are the digits of Fig. 5's pairs only."""
    rng = np.random.default_rng(0)
    labels = np.repeat(np.array([3, 4, 7, 8], dtype=np.uint8), per_digit)
    images = rng.integers(0, 256, size=(labels.size, 28, 28), dtype=np.uint8)
    halves = np.array_split(np.arange(labels.size), 2)
    for split, rows in zip(mnist.IDX_SPLITS, halves):
        for kind, magic, array in (
            ("images", mnist.IDX_IMAGES_MAGIC, images[rows]),
            ("labels", mnist.IDX_LABELS_MAGIC, labels[rows]),
        ):
            header = np.array([magic, *array.shape], dtype=">u4").tobytes()
            rank = 3 if kind == "images" else 1
            (folder / f"{split}-{kind}-idx{rank}-ubyte").write_bytes(header + array.tobytes())


def _cli(*args, tmp_path):
    env = dict(os.environ, QLCORE_CACHE=str(tmp_path / "cache"), TQDM_DISABLE="1")
    env.pop("QLCORE_MNIST_DIR", None)
    return subprocess.run(
        [sys.executable, "-m", "qlcore", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
    )


def test_fig5_trains_on_idx_files_from_mnist_dir(tmp_path):
    folder = tmp_path / "idx"
    folder.mkdir()
    _write_idx(folder)
    out = tmp_path / "out"
    done = _cli(
        "reproduce",
        "kazemipour-fig5",
        "--scale",
        "quick",
        "--out",
        str(out),
        "--mnist-dir",
        str(folder),
        tmp_path=tmp_path,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads((out / "kazemipour-fig5.json").read_text())
    assert result["data_source"].startswith("IDX files in")
    assert result["cells"]["4-7"]["n_test"] == 2 * 330 - result["settings"]["n_train"][0]


def test_mnist_dir_errors_name_the_option(tmp_path):
    done = _cli(
        "reproduce",
        "kazemipour-fig5",
        "--scale",
        "quick",
        "--out",
        str(tmp_path / "o"),
        "--mnist-dir",
        str(tmp_path / "missing"),
        tmp_path=tmp_path,
    )
    assert done.returncode == 2 and "--mnist-dir" in done.stderr
    done = _cli(
        "reproduce",
        "sarao-fig2",
        "--scale",
        "quick",
        "--out",
        str(tmp_path / "o"),
        "--mnist-dir",
        str(tmp_path),
        tmp_path=tmp_path,
    )
    assert done.returncode == 2 and "kazemipour-fig5 only" in done.stderr
