"""Input checks shared by the public functions: errors name the argument and the fix."""

from __future__ import annotations

import numpy as np


def as_matrix(value, name: str, *, rows: int | None = None, cols: int | None = None) -> np.ndarray:
    """Return ``value`` as a finite float64 2-D array or raise ``ValueError`` naming ``name``."""
    array = np.asarray(value, dtype=np.float64)
    if array.ndim != 2:
        raise ValueError(f"{name} must be a 2-D array, got shape {array.shape}")
    if array.size == 0:
        raise ValueError(f"{name} must not be empty, got shape {array.shape}")
    if rows is not None and array.shape[0] != rows:
        raise ValueError(f"{name} must have {rows} rows, got shape {array.shape}")
    if cols is not None and array.shape[1] != cols:
        raise ValueError(f"{name} must have {cols} columns, got shape {array.shape}")
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} contains NaN or infinite values; clean the data first")
    return array


def as_vector(value, name: str, *, length: int | None = None) -> np.ndarray:
    """Return ``value`` as a finite float64 1-D array or raise ``ValueError`` naming ``name``."""
    array = np.asarray(value, dtype=np.float64)
    if array.ndim != 1:
        raise ValueError(f"{name} must be a 1-D array, got shape {array.shape}")
    if array.size == 0:
        raise ValueError(f"{name} must not be empty")
    if length is not None and array.shape[0] != length:
        raise ValueError(f"{name} must have length {length}, got {array.shape[0]}")
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} contains NaN or infinite values; clean the data first")
    return array


def as_symmetric(value, name: str, *, dim: int | None = None) -> np.ndarray:
    """Return ``value`` as a finite symmetric square float64 matrix."""
    array = as_matrix(value, name, rows=dim, cols=dim)
    if array.shape[0] != array.shape[1]:
        raise ValueError(f"{name} must be square, got shape {array.shape}")
    if not np.allclose(array, array.T, rtol=1e-10, atol=1e-12 * max(1.0, np.abs(array).max())):
        raise ValueError(f"{name} must be symmetric; pass (M + M.T) / 2")
    return array


def check_positive_int(value, name: str, *, minimum: int = 1) -> int:
    """Return ``value`` as an int, raising ``ValueError`` if it is not an integer >= minimum."""
    try:
        is_integer = not isinstance(value, bool) and int(value) == value
    except (TypeError, ValueError):
        is_integer = False
    if not is_integer:
        raise ValueError(f"{name} must be an integer, got {value!r}")
    if value < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value}")
    return int(value)


def check_data(x, y) -> tuple[np.ndarray, np.ndarray]:
    """Validate a regression data set: ``x`` of shape (N, d), ``y`` of shape (N,)."""
    x = as_matrix(x, "x")
    y = as_vector(y, "y")
    if y.shape[0] != x.shape[0]:
        raise ValueError(
            f"x and y must have the same number of samples, got x {x.shape} and y {y.shape}"
        )
    return x, y
