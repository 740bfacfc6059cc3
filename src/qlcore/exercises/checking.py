"""The registry of answer checks, and the functions a student calls.

A chapter module registers a check with :func:`answer_check`::

    @answer_check("ex-norm-escape", "the number of steps, an integer", exact=True)
    def _steps_to_halve():
        ...  # recompute the answer from the exercise's data
        return steps

The decorated function recomputes the expected answer (once per session; it is cached). An answer
is right when it has the expected shape and every entry matches: exactly (``exact=True``, for
counts and yes/no answers) or within ``rtol``/``atol`` (:func:`numpy.isclose`). The verdict never
shows the expected value; a wrong shape is reported with the expected shape, which the exercise
text states anyway.
"""

from __future__ import annotations

import functools
import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from qlcore.infra.checks import InputError


@dataclass(frozen=True)
class AnswerCheck:
    """How one exercise's answer is checked.

    ``label`` is the exercise's label in the book, ``expects`` describes the answer's form (shown
    in hints), ``expected`` recomputes the right answer, ``exact`` asks for exact equality, else
    ``rtol``/``atol`` bound the relative and absolute error."""

    label: str
    expects: str
    expected: Callable[[], object]
    exact: bool = False
    rtol: float = 1e-3
    atol: float = 1e-8


_REGISTRY: dict[str, AnswerCheck] = {}


def answer_check(label: str, expects: str, *, exact: bool = False, rtol=1e-3, atol=1e-8):
    """Register the decorated zero-argument function as the expected answer of ``label``."""

    def register(function):
        if label in _REGISTRY:
            raise RuntimeError(f"two answer checks for the exercise {label!r}")
        cached = functools.cache(function)
        _REGISTRY[label] = AnswerCheck(label, expects, cached, exact, float(rtol), float(atol))
        return function

    return register


@functools.cache
def _load_chapter_modules() -> None:
    """Import every module of this package, so each chapter's checks are registered."""
    package = importlib.import_module("qlcore.exercises")
    for module in pkgutil.iter_modules(package.__path__):
        importlib.import_module(f"qlcore.exercises.{module.name}")


def checks() -> dict[str, AnswerCheck]:
    """Every registered check, by exercise label."""
    _load_chapter_modules()
    return dict(sorted(_REGISTRY.items()))


def _check_for(label) -> AnswerCheck:
    registered = checks()
    if not isinstance(label, str) or label not in registered:
        known = ", ".join(registered)
        raise InputError(
            f"label must be the label of an exercise with a check (one of: {known}), "
            f"got {label!r}; copy it from the exercise's check cell",
            argument="label",
        )
    return registered[label]


def _as_numbers(value, name: str) -> np.ndarray:
    try:
        array = np.asarray(value, dtype=float)
    except (TypeError, ValueError) as error:
        raise InputError(
            f"{name} must be a number or an array of numbers, got {value!r}", argument=name
        ) from error
    return array


def _verdict(check: AnswerCheck, answer) -> tuple[bool, str]:
    expected = _as_numbers(check.expected(), "expected")
    given = _as_numbers(answer, "answer")
    if given.shape != expected.shape:
        shape = "a single number" if expected.shape == () else f"an array of shape {expected.shape}"
        return False, f"Not right yet: the answer should be {shape} ({check.expects})."
    if not np.all(np.isfinite(given)):
        return False, f"Not right yet: the answer has NaN or infinite entries ({check.expects})."
    if check.exact:
        right = bool(np.array_equal(given, expected))
    else:
        right = bool(np.allclose(given, expected, rtol=check.rtol, atol=check.atol))
    if right:
        return True, "Right."
    return False, f"Not right yet. The answer should be {check.expects}."


def is_right(label: str, answer) -> bool:
    """Whether ``answer`` is the right answer of the exercise ``label`` (nothing printed)."""
    check = _check_for(label)
    if answer is None:
        return False
    return _verdict(check, answer)[0]


def check_answer(label: str, answer) -> None:
    """Print whether ``answer`` answers the exercise ``label``: ``Right.`` or a hint.

    ``answer=None`` (the placeholder in the exercise's cell) prints what to fill in. The message
    never contains the expected value."""
    check = _check_for(label)
    if answer is None:
        print(f"No answer yet: set it to {check.expects} and run this cell again.")
        return
    print(_verdict(check, answer)[1])
