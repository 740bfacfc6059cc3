"""Reproduced figures: one module per figure, each with ``run(scale, seed)`` and ``plot(result)``.

:mod:`qlcore.experiments.registry` maps a figure id (paper and figure, e.g. ``kazemipour-fig2``)
to its module; the CLI (``python -m qlcore list`` / ``reproduce``) reads it. The figure modules
do not import the registry, so adding a figure leaves the code hash of the others unchanged.

The modules' other public functions check their arguments with the helpers here: a result,
settings or records that are not the dicts the module makes (:func:`check_result`,
:func:`check_dict`, :func:`check_dicts`), lists of integers (:func:`check_ints`), the size of a
teacher-student instance (:func:`check_instance`); and an error of a callee that names its own
parameter is renamed to the caller's argument (:func:`caller_names`).
"""

from __future__ import annotations

import contextlib
import re
import reprlib

import numpy as np

from qlcore.infra.checks import InputError, check_budget, check_int

SCALES = ("quick", "paper")


def check_scale(scale: str) -> str:
    """Return ``scale`` if it is one of :data:`SCALES`, else raise
    :class:`~qlcore.infra.checks.InputError`."""
    if not isinstance(scale, str) or scale not in SCALES:
        raise InputError(f"scale must be one of {SCALES}, got {scale!r}", argument="scale")
    return scale


def _check_name(name) -> str:
    """``name``, the name of an argument that the calling code gives for error messages."""
    if not isinstance(name, str):
        raise InputError(f"name must be an argument's name, got {name!r}", argument="name")
    return name


def _check_spec(name, keys) -> tuple[str, tuple[str, ...]]:
    """The ``name`` and ``keys`` the code passes to :func:`check_dict`: a string and strings."""
    if not isinstance(keys, (tuple, list)) or not all(isinstance(key, str) for key in keys):
        raise InputError(
            f"keys must be a tuple of strings, got {reprlib.repr(keys)}", argument="keys"
        )
    return _check_name(name), tuple(keys)


def check_dict(value, name: str, keys, what: str) -> dict:
    """``value`` if it is a dict holding every key in ``keys``; else
    :class:`~qlcore.infra.checks.InputError` naming ``name`` (``cells[2]`` names ``cells``) that
    says it must be ``what`` and which keys it lacks."""
    name, keys = _check_spec(name, keys)
    if isinstance(value, dict):
        missing = [key for key in keys if key not in value]
        if not missing:
            return value
        got = f"a dict without {', '.join(map(repr, missing))}"
    else:
        got = f"{type(value).__name__} {reprlib.repr(value)}"
    raise InputError(
        f"{name} must be {what} (a dict with keys {', '.join(map(repr, keys))}); got {got}",
        argument=name.split("[")[0],
    )


def check_dicts(values, name: str, keys, what: str) -> list[dict]:
    """``values`` as a list if it is a list or tuple of dicts that each hold ``keys``
    (:func:`check_dict`); else :class:`~qlcore.infra.checks.InputError` naming ``name``."""
    name, keys = _check_spec(name, keys)
    if not isinstance(values, (list, tuple)):
        raise InputError(
            f"{name} must be a list of {what}; got {type(values).__name__} {reprlib.repr(values)}",
            argument=name,
        )
    return [check_dict(value, f"{name}[{i}]", keys, what) for i, value in enumerate(values)]


def check_result(result, figure_id: str, keys, name: str = "result") -> dict:
    """``result`` if it is a dict holding ``keys``, as the ``run()`` of ``figure_id`` returns it;
    else :class:`~qlcore.infra.checks.InputError` naming ``name`` (:func:`check_dict`)."""
    return check_dict(result, name, keys, f"the dict that run() returns for {figure_id}")


def check_ints(values, name: str, *, minimum: int | None = None) -> list[int]:
    """``values`` (a non-empty list, tuple, range or 1-D array of integers, each ``>= minimum``)
    as a list of ints, or :class:`~qlcore.infra.checks.InputError` naming ``name``."""
    name = _check_name(name)
    if isinstance(values, np.ndarray) and values.ndim == 1:
        values = values.tolist()
    if not isinstance(values, (list, tuple, range)) or not values:
        raise InputError(
            f"{name} must be a non-empty list of integers, got {reprlib.repr(values)}",
            argument=name,
        )
    return [check_int(value, f"{name}[{i}]", minimum=minimum) for i, value in enumerate(values)]


def check_instance(dim, n_samples) -> tuple[int, int]:
    """``dim`` and ``n_samples`` of a teacher-student instance as ints ``>= 1``; refused
    (:class:`~qlcore.infra.checks.TooLargeError` naming the larger of the two) when its
    ``n_samples x dim`` inputs and ``dim x dim`` matrices would exceed the memory limit."""
    dim = check_int(dim, "dim", minimum=1)
    n_samples = check_int(n_samples, "n_samples", minimum=1)
    check_budget(
        "the inputs and matrices of the instance",
        argument="n_samples" if n_samples > dim else "dim",
        nbytes=8.0 * (float(n_samples) + 4.0 * dim) * dim,
        fix="use fewer samples or dimensions",
    )
    return dim, n_samples


@contextlib.contextmanager
def caller_names(**names: str):
    """Within the block, an :class:`~qlcore.infra.checks.InputError` whose argument is a key of
    ``names`` (a parameter of a function called there) is re-raised naming the caller's argument
    ``names[key]`` instead, in ``.argument`` and at the start of its message. For a caller that
    passes its arguments on under other names, whose callee's checks (a work budget, say) it
    cannot repeat without copying them: ``with caller_names(n_draws="draws"):
    estimate_faces(..., n_draws=draws)``."""
    try:
        yield
    except InputError as error:
        if error.argument not in names:
            raise
        message = re.sub(rf"^{re.escape(error.argument)}\b", names[error.argument], str(error))
        error.args = (message, *error.args[1:])
        error.argument = names[error.argument]
        raise
