"""Parameter sweeps: one function over a list of points, on local processes or Dask, cached on disk.

``run_sweep(function, points)`` returns ``[function(**point) for point in points]``, in the order
of ``points`` whatever the backend and the order in which points finish.

Backends, first match wins:

* ``executor=``: any :class:`concurrent.futures.Executor`, or a ``distributed.Client`` (run through
  its ``concurrent.futures`` face, ``client.get_executor()``, i.e. ``client.submit``);
* ``scheduler="tcp://host:8786"``: a Dask distributed cluster (a ``Client`` opened and closed here);
* ``max_workers=``: a local process pool of ``min(max_workers, points to compute)`` workers;
  when that is 1 (``max_workers=1``: debugging, tests) the points run in this process, no pool;
* the environment variable ``QLCORE_SCHEDULER`` (a scheduler address), so that
  ``python -m qlcore reproduce FIG --scheduler ADDRESS`` reaches sweeps deep inside an experiment;
* otherwise a local process pool with one worker per available core.

The local pool starts its workers with ``forkserver`` (safe when this process runs threads: Dask,
torch, tqdm) and sets ``OMP_NUM_THREADS``, ``MKL_NUM_THREADS``, ``OPENBLAS_NUM_THREADS`` to 1 in
each worker before the function's module is imported (and ``torch.set_num_threads(1)`` if torch
is already loaded), so ``n`` workers use ``n`` cores, not ``n`` times the cores. Dask workers
started by a nanny get the same variables from Dask's default
``distributed.nanny.pre-spawn-environ``. A caller's own executor is left as it is.

Cache. With ``cache_dir``, each point is written as soon as it finishes, atomically (temporary
file + ``os.replace``), to ``cache_dir/<module>.<qualname>-<code hash>/<point hash>.json``,
holding the point and its result; a rerun reads finished points back and computes only the
others, so an interrupted sweep loses only the points that were running. The point hash is
SHA-256 of the point's canonical JSON (sorted keys). The code hash is
:func:`qlcore.infra.codehash.module_hash` of the function's module: its source and that of every
``qlcore`` module it imports, directly or not, found from the code. It is mixed with the caller's
``version`` string if given. Editing any of that code starts a new directory instead of returning
stale results (the price is a recomputation after an edit that changed nothing). Code outside
``qlcore`` (NumPy, data files) is not hashed; pass a new ``version`` when a change there alters
results. A file that cannot be read or holds another point is recomputed
with a warning. ``cache_dir=None`` (the default) caches nothing; experiments pass
:func:`default_cache_dir`. The cache can be deleted at any time. Files are written by this
process, not by the workers, so Dask workers need no shared disk (but must be able to import
qlcore and the function's module; a function defined in a notebook runs only with
``max_workers=1``, uncached).

Stopping: Ctrl-C shuts the local pool down. If this process is killed outright (``kill -9``),
idle pool workers can outlive it, as with any ``ProcessPoolExecutor``; end them by their ids.
"""

from __future__ import annotations

import concurrent.futures as cf
import contextlib
import hashlib
import inspect
import json
import multiprocessing
import os
import pickle
import sys
import warnings
from pathlib import Path

from tqdm.auto import tqdm

from qlcore.infra import cache
from qlcore.infra.checks import check_positive_int
from qlcore.infra.codehash import module_hash

SCHEDULER_ENV = "QLCORE_SCHEDULER"
THREAD_VARIABLES = ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS")
_MISSING = object()


class SweepPointError(RuntimeError):
    """A point of a sweep raised. ``index`` and ``point`` say which; the error is the
    ``__cause__``."""

    def __init__(self, message: str, index: int, point: dict):
        super().__init__(message)
        self.index = index
        self.point = point


def default_cache_dir() -> Path:
    """``sweeps/`` in qlcore's cache: ``$QLCORE_CACHE/sweeps`` (the Makefile sets
    ``QLCORE_CACHE=.qlcore-cache``), else ``~/.cache/qlcore/sweeps``."""
    return cache.cache_dir() / "sweeps"


def run_sweep(
    function,
    points,
    *,
    cache_dir=None,
    version: str | None = None,
    executor=None,
    scheduler: str | None = None,
    max_workers: int | None = None,
    progress: bool = True,
    description: str | None = None,
) -> list:
    """``[function(**point) for point in points]``, computed in parallel, cached and resumable.

    ``function`` is a module-level function (workers import it by name; fix parameters by putting
    them in every point, never with ``functools.partial``, so they are part of the cache key)
    returning a JSON-serialisable result (dicts, lists, str, numbers; NaN allowed); results come
    back as JSON decodes them, identical whether computed now or read from the cache. ``points``
    is a list of distinct dicts of JSON parameters (include the seed). Backend and cache: see the
    module docstring. A tqdm bar counts finished points unless ``progress=False`` or
    ``TQDM_DISABLE=1``.

    If a point raises, no further points are started (on the local pool the points already
    running are finished and cached; other executors cancel what they can) and
    :class:`SweepPointError` names the failing point. ``KeyboardInterrupt`` stops at once; the
    points finished before it are cached.
    """
    name = _function_name(function)
    keys = _canonical_points(points)
    backend = _check_backend(executor, scheduler, max_workers)
    if version is not None and not isinstance(version, str):
        raise ValueError(f"version must be a str (or None), got {type(version).__name__}")
    directory = None
    if cache_dir is not None:
        code = module_hash(sys.modules[function.__module__])
        if version is not None:
            code = hashlib.sha256(f"{code}\0{version}".encode()).hexdigest()[:16]
        directory = Path(cache_dir) / f"{name}-{code}"
        directory.mkdir(parents=True, exist_ok=True)

    results = [_MISSING] * len(points)
    if directory is not None:
        for index, key in enumerate(keys):
            results[index] = _read_cached(directory / f"{_point_hash(key)}.json", points[index])
    todo = [index for index, result in enumerate(results) if result is _MISSING]

    def record(index: int, text: str) -> None:
        results[index] = json.loads(text)
        if directory is not None:
            entry = {"function": name, "point": points[index], "result": results[index]}
            cache.write_atomically(
                directory / f"{_point_hash(keys[index])}.json", json.dumps(entry)
            )
        bar.update(1)

    show = progress and os.environ.get("TQDM_DISABLE") != "1"
    with tqdm(
        total=len(points),
        initial=len(points) - len(todo),
        disable=not show,
        desc=description or f"sweep {function.__qualname__}",
        unit="point",
    ) as bar:
        if todo:
            with _open_backend(backend, len(todo)) as (pool, window):
                _compute(function, name, points, keys, todo, pool, window, record)
    return results


def _function_name(function) -> str:
    qualname = getattr(function, "__qualname__", "")
    if not inspect.isfunction(function) or "<" in qualname:
        raise ValueError(
            f"function must be a module-level function (a plain def, not a lambda, a nested "
            f"function or a functools.partial): workers import it by name and the cache is keyed "
            f"by it; put fixed parameters in every point instead. Got {function!r}"
        )
    try:
        pickle.dumps(function)
    except (pickle.PicklingError, AttributeError, TypeError) as error:
        raise ValueError(
            f"function {function.__module__}.{qualname} cannot be pickled by name "
            f"({error}); define it at the top level of an importable module"
        ) from None
    return f"{function.__module__}.{qualname}"


def _canonical_points(points) -> list[str]:
    """The canonical JSON of each point (sorted keys), after checking the points."""
    if not isinstance(points, (list, tuple)):
        raise ValueError(
            f"points must be a list of dicts of parameters, got "
            f"{type(points).__name__}; pass list(...) for a generator"
        )
    keys, first_index = [], {}
    for index, point in enumerate(points):
        if not isinstance(point, dict) or not all(isinstance(key, str) for key in point):
            raise ValueError(
                f"points[{index}] must be a dict with str keys (parameter names), got {point!r}"
            )
        try:
            key = json.dumps(point, sort_keys=True, separators=(",", ":"), allow_nan=False)
        except (TypeError, ValueError) as error:
            raise ValueError(
                f"points[{index}] must hold only JSON values (str, int, float, bool, "
                f"None, lists, dicts; no NaN): {error}; convert NumPy numbers with "
                f"int() or float() and arrays with .tolist()"
            ) from None
        if json.loads(key) != point:
            raise ValueError(
                f"points[{index}] = {point!r} changes in a JSON round trip; use lists, "
                "not tuples, and str keys in nested dicts"
            )
        if key in first_index:
            raise ValueError(
                f"points[{index}] repeats points[{first_index[key]}] = {key}; every "
                "point must be distinct (vary the seed to repeat a setting)"
            )
        first_index[key] = index
        keys.append(key)
    return keys


def _point_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()[:32]


def _check_backend(executor, scheduler, max_workers):
    """Check the backend arguments; return ``("executor", x)``, ``("dask", address)`` or
    ``("local", n_workers)``."""
    given = [
        label
        for label, value in (
            ("executor", executor),
            ("scheduler", scheduler),
            ("max_workers", max_workers),
        )
        if value is not None
    ]
    if len(given) > 1:
        raise ValueError(
            f"pass at most one of executor, scheduler and max_workers (max_workers "
            f"sizes the local pool only), got {' and '.join(given)}"
        )
    if executor is not None:
        distributed = sys.modules.get("distributed")
        if not (
            isinstance(executor, cf.Executor)
            or (distributed is not None and isinstance(executor, distributed.Client))
        ):
            raise ValueError(
                f"executor must be a concurrent.futures.Executor or a "
                f"distributed.Client, got {type(executor).__name__}"
            )
        return "executor", executor
    if scheduler is None and max_workers is None:
        scheduler = os.environ.get(SCHEDULER_ENV) or None
    if scheduler is not None:
        if not isinstance(scheduler, str) or not scheduler:
            raise ValueError(
                f"scheduler must be a Dask scheduler address such as "
                f"'tcp://host:8786', got {scheduler!r}"
            )
        return "dask", scheduler
    if max_workers is None:
        max_workers = (
            len(os.sched_getaffinity(0))
            if hasattr(os, "sched_getaffinity")
            else (os.cpu_count() or 1)
        )
    return "local", check_positive_int(max_workers, "max_workers")


@contextlib.contextmanager
def _open_backend(backend, n_todo: int):
    """Yield ``(executor, window)``: where to submit, and how many points to keep in flight (the
    local pool gets a few more than its workers, so a failure stops the sweep early)."""
    kind, value = backend
    if kind == "executor":
        distributed = sys.modules.get("distributed")
        if distributed is not None and isinstance(value, distributed.Client):
            value = value.get_executor(pure=False)
        yield value, n_todo
    elif kind == "dask":
        from distributed import Client

        with Client(value, set_as_default=False) as client:
            yield client.get_executor(pure=False), n_todo
    elif min(value, n_todo) == 1:
        yield _InlineExecutor(), 1
    else:
        workers = min(value, n_todo)
        pool = cf.ProcessPoolExecutor(
            workers,
            mp_context=multiprocessing.get_context("forkserver"),
            initializer=_one_thread_per_worker,
        )
        try:
            yield pool, 2 * workers
        except BaseException:
            pool.shutdown(wait=False, cancel_futures=True)
            raise
        pool.shutdown(wait=True)


def _compute(function, name, points, keys, todo, executor, window, record) -> None:
    """Submit the points ``todo`` (indices), at most ``window`` at a time; ``record`` each
    result."""
    queue = iter(todo)
    in_flight: dict = {}
    failure = None

    def submit_more():
        while failure is None and len(in_flight) < window:
            index = next(queue, None)
            if index is None:
                return
            in_flight[executor.submit(_evaluate, function, points[index])] = index

    try:
        submit_more()
        while in_flight:
            done, _ = cf.wait(in_flight, return_when=cf.FIRST_COMPLETED)
            for future in done:
                index = in_flight.pop(future)
                try:
                    text = future.result()
                except Exception as error:
                    failure = failure or (index, error)
                    for other in [f for f in in_flight if f.cancel()]:
                        del in_flight[other]
                    continue
                record(index, text)
            submit_more()
    finally:
        for future in in_flight:
            future.cancel()
    if failure is not None:
        index, error = failure
        raise SweepPointError(
            f"{name} failed at points[{index}] = {keys[index]}: {type(error).__name__}: {error}",
            index,
            points[index],
        ) from error


def _evaluate(function, point: dict) -> str:
    """Run one point (in a worker): its result as JSON text, checked where it is made."""
    result = function(**point)
    try:
        return json.dumps(result)
    except (TypeError, ValueError) as error:
        raise TypeError(
            f"the result must be JSON-serialisable (dicts, lists, str, numbers; "
            f"convert arrays with .tolist()): {error}"
        ) from None


def _one_thread_per_worker() -> None:
    """Pool initializer: one thread per worker for OpenMP/BLAS libraries and torch."""
    for variable in THREAD_VARIABLES:
        os.environ[variable] = "1"
    if "torch" in sys.modules:
        sys.modules["torch"].set_num_threads(1)


class _InlineExecutor(cf.Executor):
    """Runs each submitted call at once in this process (``max_workers=1``)."""

    def submit(self, fn, /, *args, **kwargs):
        future = cf.Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except Exception as error:
            future.set_exception(error)
        return future


def _read_cached(path: Path, point: dict):
    """The result cached in ``path`` for ``point``, or ``_MISSING`` (with a warning if the file
    exists but is unreadable or holds another point)."""
    try:
        entry = json.loads(path.read_text())
    except FileNotFoundError:
        return _MISSING
    except (OSError, ValueError) as error:
        warnings.warn(
            f"ignoring unreadable sweep cache file {path} ({error}); recomputing it",
            RuntimeWarning,
            stacklevel=3,
        )
        return _MISSING
    if not isinstance(entry, dict) or "result" not in entry or entry.get("point") != point:
        warnings.warn(
            f"ignoring sweep cache file {path}: it does not hold the result for "
            f"{point!r}; recomputing it",
            RuntimeWarning,
            stacklevel=3,
        )
        return _MISSING
    return entry["result"]
