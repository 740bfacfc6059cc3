"""Input checks shared by the public functions: errors name the argument and the fix.

Every error ``qlcore`` raises on purpose is a :class:`QLCoreError`. Bad arguments raise
:class:`InputError`, which is also a ``ValueError`` and a ``TypeError`` (so ``except ValueError``
keeps working) and whose message starts with the argument's name. Requests that would exhaust the
machine's memory or run for days raise :class:`TooLargeError` before anything is allocated, with
the estimate and the limit (:func:`check_budget`).

One rule for matrices meant to be symmetric (second-moment matrices, inner matrices ``A = QΛQᵀ``,
population operators): a non-symmetric one is rejected (:func:`as_symmetric`), never symmetrised
silently, since the loss of ``A`` and of ``(A + Aᵀ)/2`` differ in general; only an asymmetry at
the level of rounding (:data:`SYMMETRY_TOL`) is removed by taking the symmetric part.

Integers may be Python or NumPy integers; floats may be any real number type (not ``bool``, not a
string such as ``"0.1"``: convert it with ``float()``).
"""

from __future__ import annotations

import math
import numbers
import os

import numpy as np

MEMORY_LIMIT_ENV = "QLCORE_MEMORY_LIMIT_GIB"
WORK_LIMIT_ENV = "QLCORE_WORK_LIMIT"
DEFAULT_WORK_LIMIT = 1e14  # floating-point operations: about a day of one core at 1 GFLOP/s
GIB = 2.0**30
MAX_ENTRY = 1e50
"""Largest entry (in absolute value) an input array may hold: the losses are quartic in the data
(``(x^T A x)^2``), so entries beyond about ``1e50`` overflow float64 to ``inf`` and ``NaN``."""
EXACT_INTEGER_FLOAT = 2.0**53
"""Floats are accepted as integers only below this: above it they are no longer exact."""
SYMMETRY_TOL = 1e-8
"""Largest ``max |M - M^T| / max(1, max |M|)`` taken for rounding (see :func:`as_symmetric`)."""


class QLCoreError(Exception):
    """Base class of the errors ``qlcore`` raises on purpose."""


class InputError(QLCoreError, ValueError, TypeError):
    """An argument is invalid; the message names it and says how to fix it.

    ``argument`` is the argument's name (``None`` when the error concerns several)."""

    def __init__(self, message: str, *, argument: str | None = None):
        super().__init__(message)
        self.argument = argument


class TooLargeError(InputError):
    """A request would need more memory or work than the limit; refused before allocating.

    ``estimate`` and ``limit`` are in the unit named by ``unit`` (``"bytes"`` or ``"flop"``)."""

    def __init__(self, message: str, *, argument: str | None, estimate: float, limit: float, unit):
        super().__init__(message, argument=argument)
        self.estimate, self.limit, self.unit = estimate, limit, unit


def _fail(name, message: str) -> InputError:
    name = str(name)
    return InputError(f"{name} {message}", argument=name.split("[")[0])


def as_array(value, name: str) -> np.ndarray:
    """``value`` as a float64 array, or :class:`InputError` naming ``name`` (ragged nested
    lists, strings, ``None``, complex numbers)."""
    if value is None or isinstance(value, (str, bytes)):
        raise _fail(name, f"must be an array of real numbers, got {type(value).__name__}")
    try:
        array = np.asarray(value)
        if np.iscomplexobj(array):
            raise _fail(name, "must be real, got a complex array; pass its .real part")
        return array.astype(np.float64, copy=False)
    except (TypeError, ValueError) as error:
        if isinstance(error, InputError):
            raise
        raise _fail(
            name,
            f"must be an array of real numbers (equal-length rows for a matrix), got "
            f"{type(value).__name__}: {error}",
        ) from None


def check_entries(array: np.ndarray, name: str) -> np.ndarray:
    """``array`` if its entries are finite and at most :data:`MAX_ENTRY` in size, else
    :class:`InputError` naming ``name``."""
    array = as_array(array, name)
    if not np.all(np.isfinite(array)):
        raise _fail(name, "contains NaN or infinite values; clean the data first")
    if array.size and np.abs(array).max() > MAX_ENTRY:
        raise _fail(
            name,
            f"has entries larger than {MAX_ENTRY:g} in size; rescale it (qlcore rejects such "
            "values everywhere: the networks' losses are quartic in the data and overflow)",
        )
    return array


def _optional_int(value, name: str) -> int | None:
    return None if value is None else check_int(value, name, minimum=0)


def as_matrix(
    value, name: str, *, rows: int | None = None, cols: int | None = None, empty_ok: bool = False
) -> np.ndarray:
    """Return ``value`` as a finite float64 2-D array (with no entries only if ``empty_ok``) or
    raise :class:`InputError` naming ``name``."""
    rows, cols = _optional_int(rows, "rows"), _optional_int(cols, "cols")
    empty_ok = check_bool(empty_ok, "empty_ok")
    array = as_array(value, name)
    if array.ndim != 2:
        hint = "; reshape a single sample with x.reshape(1, -1)" if array.ndim == 1 else ""
        raise _fail(name, f"must be a 2-D array, got shape {array.shape}{hint}")
    if array.size == 0 and not empty_ok:
        raise _fail(name, f"must not be empty, got shape {array.shape}")
    if rows is not None and array.shape[0] != rows:
        raise _fail(name, f"must have {rows} rows, got shape {array.shape}")
    if cols is not None and array.shape[1] != cols:
        raise _fail(name, f"must have {cols} columns, got shape {array.shape}")
    return check_entries(array, name)


def as_vector(value, name: str, *, length: int | None = None, empty_ok: bool = False) -> np.ndarray:
    """Return ``value`` as a finite float64 1-D array (empty only if ``empty_ok``) or raise
    :class:`InputError` naming ``name``."""
    length, empty_ok = _optional_int(length, "length"), check_bool(empty_ok, "empty_ok")
    array = as_array(value, name)
    if array.ndim != 1:
        raise _fail(name, f"must be a 1-D array, got shape {array.shape}")
    if array.size == 0 and not empty_ok:
        raise _fail(name, "must not be empty")
    if length is not None and array.shape[0] != length:
        raise _fail(name, f"must have length {length}, got {array.shape[0]}")
    return check_entries(array, name)


def as_symmetric(value, name: str, *, dim: int | None = None, stack: bool = False) -> np.ndarray:
    """Return ``value`` as a finite symmetric ``(d, d)`` float64 matrix (a stack ``(..., d, d)``
    if ``stack``), with ``d = dim`` if given.

    The library's one rule: a matrix farther from symmetric than rounding
    (``max |M - M^T| > SYMMETRY_TOL * max(1, max |M|)``) is rejected with :class:`InputError`;
    one within it (the output of an ODE solver, say) is replaced by ``(M + M^T) / 2``."""
    dim, stack = _optional_int(dim, "dim"), check_bool(stack, "stack")
    array = as_array(value, name)
    shape = "a square matrix (d, d)" + (" or a stack (..., d, d)" if stack else "")
    if (array.ndim < 2 if stack else array.ndim != 2) or array.shape[-1] != array.shape[-2]:
        raise _fail(name, f"must be {shape}, got shape {array.shape}")
    if array.size == 0:
        raise _fail(name, f"must not be empty, got shape {array.shape}")
    if dim is not None and array.shape[-1] != dim:
        raise _fail(name, f"must be {dim} x {dim} to match the data, got shape {array.shape}")
    check_entries(array, name)
    transpose = np.swapaxes(array, -1, -2)
    if np.max(np.abs(array - transpose)) > SYMMETRY_TOL * max(1.0, float(np.abs(array).max())):
        raise _fail(name, "must be symmetric; pass (M + M.T) / 2 if that is what you mean")
    return (array + transpose) / 2


def _check_bounds(minimum, maximum) -> None:
    for bound, label in ((minimum, "minimum"), (maximum, "maximum")):
        if bound is not None and (
            not isinstance(bound, numbers.Real) or isinstance(bound, (bool, np.bool_))
        ):
            raise _fail(label, f"must be a number or None, got {bound!r}")


def check_int(value, name: str, *, minimum: int | None = None, maximum: int | None = None) -> int:
    """``value`` as a Python int (NumPy integers and integral floats accepted) within
    ``[minimum, maximum]``, or :class:`InputError` naming ``name``."""
    _check_bounds(minimum, maximum)
    is_integer = isinstance(value, numbers.Integral) and not isinstance(value, (bool, np.bool_))
    if (
        isinstance(value, (float, np.floating))
        and abs(value) < EXACT_INTEGER_FLOAT
        and value == int(value)
    ):
        is_integer = True
    if not is_integer:
        hint = "; convert it with int()" if isinstance(value, str) else ""
        raise _fail(name, f"must be an integer, got {value!r}{hint}")
    value = int(value)
    if minimum is not None and value < minimum:
        raise _fail(name, f"must be >= {minimum}, got {value}")
    if maximum is not None and value > maximum:
        raise _fail(name, f"must be <= {maximum}, got {value}")
    return value


def check_positive_int(value, name: str, *, minimum: int = 1) -> int:
    """``value`` as an int >= ``minimum`` (default 1), or :class:`InputError` naming ``name``."""
    return check_int(value, name, minimum=minimum)


def check_bool(value, name: str) -> bool:
    """``value`` if it is ``True`` or ``False`` (NumPy booleans accepted), else
    :class:`InputError` naming ``name``."""
    if not isinstance(value, (bool, np.bool_)):
        raise _fail(name, f"must be True or False, got {value!r}")
    return bool(value)


def check_real(
    value,
    name: str,
    *,
    minimum: float | None = None,
    maximum: float | None = None,
    positive: bool = False,
    finite: bool = True,
) -> float:
    """``value`` as a float (any real number type, not ``bool`` or ``str``), finite unless
    ``finite=False`` (NaN is never accepted), ``> 0`` if ``positive``, within
    ``[minimum, maximum]``; otherwise :class:`InputError` naming ``name``."""
    _check_bounds(minimum, maximum)
    positive, finite = check_bool(positive, "positive"), check_bool(finite, "finite")
    if not isinstance(value, numbers.Real) or isinstance(value, (bool, np.bool_)):
        hint = "; convert it with float()" if isinstance(value, str) else ""
        raise _fail(name, f"must be a real number, got {value!r}{hint}")
    try:
        value = float(value)
    except OverflowError:
        raise _fail(name, "must be a finite number, got an integer too large for a float") from None
    if math.isnan(value) or (finite and math.isinf(value)):
        raise _fail(name, f"must be a finite number, got {value}")
    if positive and not value > 0:
        raise _fail(name, f"must be > 0, got {value}")
    if minimum is not None and value < minimum:
        raise _fail(name, f"must be >= {minimum}, got {value}")
    if maximum is not None and value > maximum:
        raise _fail(name, f"must be <= {maximum}, got {value}")
    return value


def check_seed(value, name: str = "seed") -> int:
    """A seed for ``np.random.default_rng`` / ``torch.manual_seed``: an integer ``>= 0``."""
    return check_int(value, name, minimum=0, maximum=2**63 - 1)


def rng_from_seed(seed, name: str = "seed") -> np.random.Generator:
    """``np.random.default_rng(seed)`` for a seed that is an integer ``>= 0``, a non-empty
    sequence of them, or a ``np.random.Generator`` (returned as is); :class:`InputError` naming
    ``name`` otherwise (negative, string, float or ``None`` seeds)."""
    if isinstance(seed, np.random.Generator):
        return seed
    if isinstance(seed, (list, tuple)) or (isinstance(seed, np.ndarray) and seed.ndim == 1):
        if len(seed) == 0:
            raise _fail(name, "must be an integer >= 0 or a non-empty list of them, got []")
        return np.random.default_rng([check_seed(value, name) for value in seed])
    if seed is None:
        raise _fail(name, "must be an integer >= 0 (None would draw a fresh, unrepeatable seed)")
    return np.random.default_rng(check_seed(seed, name))


def check_rng(value, name: str = "rng") -> np.random.Generator:
    """``value`` if it is a ``np.random.Generator``, else :class:`InputError` naming ``name``."""
    if not isinstance(value, np.random.Generator):
        raise _fail(
            name,
            f"must be a numpy Generator, got {type(value).__name__}; pass "
            f"np.random.default_rng(seed)",
        )
    return value


def check_choice(value, name: str, choices) -> str:
    """``value`` if it is one of ``choices``, else :class:`InputError` listing them."""
    choices = _as_choices(choices, "choices")
    if not isinstance(value, str) or value not in choices:
        raise _fail(name, f"must be one of {', '.join(map(repr, choices))}, got {value!r}")
    return value


def _as_choices(choices, name: str) -> tuple[str, ...]:
    if isinstance(choices, (list, tuple)) and all(isinstance(c, str) for c in choices):
        return tuple(choices)
    raise _fail(name, f"must be a list of strings, got {type(choices).__name__}")


def check_device(value, name: str = "device", *, supported=("cpu", "cuda")) -> str:
    """A torch device name this code supports (``"cpu"``, ``"cuda"``, ``"cuda:N"``) and this
    machine has; :class:`InputError` naming ``name`` otherwise."""
    supported = _as_choices(supported, "supported")
    if not isinstance(value, str):
        raise _fail(name, f"must be a device name such as 'cpu' or 'cuda', got {value!r}")
    kind = value.split(":", 1)[0]
    if kind not in supported:
        raise _fail(name, f"must be one of {', '.join(map(repr, supported))}, got {value!r}")
    if kind == "cuda":
        import torch

        if not torch.cuda.is_available():
            raise _fail(name, f"is {value!r} but this machine has no CUDA device; use 'cpu'")
        index = value.split(":", 1)[1] if ":" in value else "0"
        if not index.isdigit() or int(index) >= torch.cuda.device_count():
            raise _fail(name, f"names a CUDA device this machine lacks: {value!r}")
    return value


def memory_limit() -> float:
    """Bytes one request may allocate: ``$QLCORE_MEMORY_LIMIT_GIB`` GiB, else half the memory
    available now (``MemAvailable`` of ``/proc/meminfo``; half the physical memory where that
    cannot be read)."""
    if os.environ.get(MEMORY_LIMIT_ENV):
        return float(os.environ[MEMORY_LIMIT_ENV]) * GIB
    try:
        with open("/proc/meminfo") as meminfo:
            for line in meminfo:
                if line.startswith("MemAvailable:"):
                    return 0.5 * float(line.split()[1]) * 1024
    except OSError:
        pass
    try:
        return 0.5 * os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        return 8 * GIB


def work_limit() -> float:
    """Floating-point operations one request may take: ``$QLCORE_WORK_LIMIT``, else 1e14."""
    return float(os.environ.get(WORK_LIMIT_ENV) or DEFAULT_WORK_LIMIT)


def check_budget(
    what: str, *, argument: str | None, nbytes: float = 0.0, flops: float = 0.0, fix: str
) -> None:
    """Refuse, before anything is allocated, a request estimated to need ``nbytes`` of memory or
    ``flops`` operations beyond :func:`memory_limit` / :func:`work_limit`: raise
    :class:`TooLargeError` saying what, the estimate, the limit and ``fix``."""
    argument = None if argument is None else str(argument)
    nbytes = check_real(nbytes, "nbytes", minimum=0.0, finite=False)
    flops = check_real(flops, "flops", minimum=0.0, finite=False)
    memory = memory_limit()
    if nbytes > memory:
        raise TooLargeError(
            f"{argument or what}: {what} would need about {nbytes / GIB:,.3g} GiB of memory, more "
            f"than the limit of {memory / GIB:,.3g} GiB; {fix} (or raise the limit with "
            f"{MEMORY_LIMIT_ENV})",
            argument=argument,
            estimate=nbytes,
            limit=memory,
            unit="bytes",
        )
    work = work_limit()
    if flops > work:
        raise TooLargeError(
            f"{argument or what}: {what} would need about {flops:.2g} operations, more than "
            f"the limit of {work:.1e} (about a day on one core); {fix} (or raise the limit with "
            f"{WORK_LIMIT_ENV})",
            argument=argument,
            estimate=flops,
            limit=work,
            unit="flop",
        )


def check_data(x, y) -> tuple[np.ndarray, np.ndarray]:
    """Validate a regression data set: ``x`` of shape (N, d), ``y`` of shape (N,)."""
    x = as_matrix(x, "x")
    y = as_vector(y, "y")
    if y.shape[0] != x.shape[0]:
        raise InputError(
            f"x and y must have the same number of samples, got x {x.shape} and y {y.shape}",
            argument="y",
        )
    return x, y
