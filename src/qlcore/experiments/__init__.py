"""Reproduced figures: one module per figure, each with ``run(scale, seed)`` and ``plot(result)``.

The registry maps a figure id (paper and figure, e.g. ``kazemipour-fig2``) to its module; the
CLI (``python -m qlcore list`` / ``reproduce``) reads it.

Each module declares the torch devices its ``run`` computes on in ``DEVICES`` (``("cpu",)`` when
absent): ``("cpu", "cuda")`` for the figures that train with torch and pass ``device`` on, CPU
only for those that compute with NumPy and SciPy. :func:`check_figure_device` refuses any other
device before anything runs.

The modules' other public functions check their arguments with the helpers here: a result,
settings or records that are not the dicts the module makes (:func:`check_result`,
:func:`check_dict`, :func:`check_dicts`), lists of integers (:func:`check_ints`), the size of a
teacher-student instance (:func:`check_instance`); and an error of a callee that names its own
parameter is renamed to the caller's argument (:func:`caller_names`).
"""

from __future__ import annotations

import contextlib
import importlib
import re
import reprlib

import numpy as np

from qlcore.infra.checks import InputError, check_budget, check_device, check_int

SCALES = ("quick", "paper")
DEFAULT_DEVICES = ("cpu",)

REGISTRY = {
    "cover-efron": "qlcore.experiments.cover_efron",
    "kazemipour-fig2": "qlcore.experiments.kazemipour_fig2",
    "kazemipour-fig2-code": "qlcore.experiments.kazemipour_fig2_code",
    "kazemipour-fig3": "qlcore.experiments.kazemipour_fig3",
    "kazemipour-fig4": "qlcore.experiments.kazemipour_fig4",
    "kazemipour-fig5": "qlcore.experiments.kazemipour_fig5",
    "kazemipour-multioutput": "qlcore.experiments.kazemipour_multioutput",
    "kazemipour-penalty-weight": "qlcore.experiments.kazemipour_penalty_weight",
    "sarao-cone-link": "qlcore.experiments.sarao_cone_link",
    "sarao-fig1": "qlcore.experiments.sarao_fig1",
    "sarao-fig2": "qlcore.experiments.sarao_fig2",
    "sarao-fig3": "qlcore.experiments.sarao_fig3",
    "sarao-fig4": "qlcore.experiments.sarao_fig4",
    "sarao-figb6": "qlcore.experiments.sarao_figb6",
    "sarao-recovery": "qlcore.experiments.sarao_recovery",
    "sarao-uniqueness": "qlcore.experiments.sarao_uniqueness",
}


def figure_module(figure_id: str):
    """The module that reproduces ``figure_id``."""
    if not isinstance(figure_id, str) or figure_id not in REGISTRY:
        raise InputError(
            f"figure_id {figure_id!r} is not a figure id; `python -m qlcore list` shows them: "
            f"{', '.join(sorted(REGISTRY))}",
            argument="figure_id",
        )
    return importlib.import_module(REGISTRY[figure_id])


def check_scale(scale: str) -> str:
    """Return ``scale`` if it is one of :data:`SCALES`, else raise
    :class:`~qlcore.infra.checks.InputError`."""
    if not isinstance(scale, str) or scale not in SCALES:
        raise InputError(f"scale must be one of {SCALES}, got {scale!r}", argument="scale")
    return scale


def supported_devices(figure_id: str) -> tuple[str, ...]:
    """The torch device kinds ``figure_id`` computes on: its module's ``DEVICES``, else
    :data:`DEFAULT_DEVICES` (CPU only)."""
    return tuple(getattr(figure_module(figure_id), "DEVICES", DEFAULT_DEVICES))


def _check_name(name) -> str:
    """``name``, the name of an argument that the calling code gives for error messages."""
    if not isinstance(name, str):
        raise InputError(f"name must be an argument's name, got {name!r}", argument="name")
    return name


def check_figure_device(figure_id: str, device, name: str = "device") -> str:
    """Return ``device`` if ``figure_id`` computes on it and this machine has it, else raise
    :class:`~qlcore.infra.checks.InputError` naming ``name`` (the command line passes
    ``"--device"``)."""
    name = _check_name(name)
    supported = supported_devices(figure_id)
    kind = device.split(":", 1)[0] if isinstance(device, str) else None
    if kind in ("cpu", "cuda") and kind not in supported:
        raise InputError(
            f"{name} must be {' or '.join(map(repr, supported))} for {figure_id}, which "
            f"computes on {' and '.join(supported)} only; got {device!r}",
            argument=name.lstrip("-"),
        )
    return check_device(device, name, supported=supported)


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
