"""Parameter sweeps: one function over a list of points, on local processes or Dask, cached on disk.

``run_sweep(function, points)`` returns ``[function(**point) for point in points]``, in the order
of ``points`` whatever the backend and the order in which points finish.

Backends, first match wins:

* ``executor=``: any :class:`concurrent.futures.Executor`, or a ``distributed.Client`` (run through
  its ``concurrent.futures`` face, ``client.get_executor()``, i.e. ``client.submit``);
* ``scheduler="tcp://host:8786"`` (or ``tls://host:8786``): a Dask distributed cluster (a
  ``Client`` opened and closed here);
* ``max_workers=``: a local process pool of ``min(max_workers, points to compute)`` workers;
  when that is 1 (``max_workers=1``: debugging, tests) the points run in this process, no pool;
* the environment variable ``QLCORE_SCHEDULER`` (a scheduler address), so that
  ``python -m qlcore reproduce FIG --scheduler ADDRESS`` reaches sweeps deep inside an experiment;
* otherwise a local process pool with one worker per available core.

Dask. A scheduler runs whatever code any client that reaches it sends, so a cluster must be
reachable only by its users: a ``tls://`` address with certificates (Dask's
``distributed.security.Security``), or a scheduler bound to a private interface. For a ``tls://``
scheduler the client's certificates come from ``QLCORE_TLS_CA_FILE``, ``QLCORE_TLS_CERT`` and
``QLCORE_TLS_KEY`` (set by the CLI's ``--tls-ca-file``, ``--tls-cert``, ``--tls-key``) when set,
else from Dask's configuration (``distributed.comm.tls.*``, e.g. the environment variables
``DASK_DISTRIBUTED__COMM__TLS__CA_FILE``, ``..._CLIENT__CERT``, ``..._CLIENT__KEY``). A scheduler
that does not answer within :data:`CONNECT_TIMEOUT_S` seconds is reported as unreachable
(:class:`~qlcore.infra.checks.QLCoreError` naming the address).

The local pool starts its workers with ``forkserver`` (safe when this process runs threads: Dask,
torch, tqdm) and sets ``OMP_NUM_THREADS``, ``MKL_NUM_THREADS``, ``OPENBLAS_NUM_THREADS`` to 1 in
each worker before the function's module is imported (and ``torch.set_num_threads(1)`` if torch
is already loaded), so ``n`` workers use ``n`` cores, not ``n`` times the cores. Dask workers
started by a nanny get the same variables from Dask's default
``distributed.nanny.pre-spawn-environ``. A caller's own executor is left as it is. Each worker
imports the main script again, as ``multiprocessing`` does; a script that calls ``run_sweep``
outside an ``if __name__ == "__main__":`` block is refused with a
:class:`~qlcore.infra.checks.QLCoreError` saying so, before any worker starts.

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

Several processes may fill one cache at the same time (two terminals, two jobs): before computing
a point a process claims it with a file ``<point hash>.claim`` (:func:`qlcore.infra.cache.claim`),
removed once the result is written. A process that finds a point claimed by another live process
computes other points first and then waits for that result, so each point is computed once. The
claim of a process that died is taken over (see :mod:`qlcore.infra.cache`).

Stopping: on Ctrl-C the local pool's workers (which ignore SIGINT themselves) are terminated, the
claims released, and one line on stderr says how many points are saved and where; running the
same sweep again resumes. If this process is killed outright (``kill -9``), idle pool workers can
outlive it, as with any ``ProcessPoolExecutor``; end them by their ids.
"""

from __future__ import annotations

import ast
import asyncio
import collections
import concurrent.futures as cf
import contextlib
import hashlib
import inspect
import json
import multiprocessing
import os
import pickle
import signal
import sys
import time
import warnings
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from threadpoolctl import threadpool_limits
from tqdm.auto import tqdm

from qlcore.infra import cache
from qlcore.infra.checks import InputError, QLCoreError, check_positive_int
from qlcore.infra.codehash import module_hash

SCHEDULER_ENV = "QLCORE_SCHEDULER"
TLS_ENV = {
    "tls_ca_file": "QLCORE_TLS_CA_FILE",
    "tls_client_cert": "QLCORE_TLS_CERT",
    "tls_client_key": "QLCORE_TLS_KEY",
}
CONNECT_TIMEOUT_S = 5.0
THREAD_VARIABLES = ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS")
POLL_S = 0.2  # how often to look for the results of points another process has claimed
HEARTBEAT_S = 60.0  # how often to refresh this process's claims
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
    :class:`SweepPointError` names the failing point. ``KeyboardInterrupt`` stops at once (the
    local pool's workers are terminated), prints how many points are saved, and propagates. If
    the local pool's workers die (killed, out of memory) a
    :class:`~qlcore.infra.checks.QLCoreError` says so. The points finished before either are
    cached.
    """
    _check_not_importing_main()
    name = _function_name(function)
    keys = _canonical_points(points)
    backend = _check_backend(executor, scheduler, max_workers)
    if version is not None and not isinstance(version, str):
        raise InputError(
            f"version must be a str (or None), got {type(version).__name__}", argument="version"
        )
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
    if backend[0] == "local" and min(backend[1], len(todo)) > 1:
        _check_main_guard()
    claims = None if directory is None else _Claims(directory, [_point_hash(k) for k in keys])

    def record(index: int, text: str) -> None:
        results[index] = json.loads(text)
        if directory is not None:
            entry = {"function": name, "point": points[index], "result": results[index]}
            cache.write_atomically(
                directory / f"{_point_hash(keys[index])}.json", json.dumps(entry)
            )
        bar.update(1)

    def adopt(index: int, result) -> None:
        """Take the result another process computed and cached."""
        results[index] = result
        bar.update(1)

    def finished_elsewhere(index: int):
        """The result another process has cached since the first look (already warned about a
        bad file then)."""
        path = directory / f"{_point_hash(keys[index])}.json"
        return _read_cached(path, points[index], warn=False)

    show = progress and os.environ.get("TQDM_DISABLE") != "1"
    try:
        with tqdm(
            total=len(points),
            initial=len(points) - len(todo),
            disable=not show,
            desc=description or f"sweep {function.__qualname__}",
            unit="point",
        ) as bar:
            if todo:
                with _open_backend(backend, len(todo)) as (pool, window):
                    _compute(
                        function,
                        name,
                        points,
                        keys,
                        todo,
                        pool,
                        window,
                        record,
                        claims,
                        finished_elsewhere,
                        adopt,
                    )
    except KeyboardInterrupt:
        print(_saved_message("interrupted", results, directory), file=sys.stderr, flush=True)
        raise
    except BrokenProcessPool:
        raise QLCoreError(
            f"the worker processes of the local pool died while computing {name} (killed, out "
            f"of memory, or they failed to start); "
            f"{_saved_message('stopped', results, directory)}"
        ) from None
    return results


def _saved_message(what: str, results: list, directory) -> str:
    """One line: how many points are saved, where, and that a rerun resumes."""
    saved = sum(result is not _MISSING for result in results)
    if directory is None:
        return f"{what}: {saved} of {len(results)} points were finished (no cache_dir: not saved)"
    return (
        f"{what}: {saved} of {len(results)} points are saved in {directory}; run the same "
        f"command again to resume"
    )


def _function_name(function) -> str:
    qualname = getattr(function, "__qualname__", "")
    if not inspect.isfunction(function) or "<" in qualname:
        raise InputError(
            f"function must be a module-level function (a plain def, not a lambda, a nested "
            f"function or a functools.partial): workers import it by name and the cache is keyed "
            f"by it; put fixed parameters in every point instead. Got {function!r}",
            argument="function",
        )
    try:
        pickle.dumps(function)
    except (pickle.PicklingError, AttributeError, TypeError) as error:
        raise InputError(
            f"function {function.__module__}.{qualname} cannot be pickled by name "
            f"({error}); define it at the top level of an importable module",
            argument="function",
        ) from None
    return f"{function.__module__}.{qualname}"


def _canonical_points(points) -> list[str]:
    """The canonical JSON of each point (sorted keys), after checking the points."""
    if not isinstance(points, (list, tuple)):
        raise InputError(
            f"points must be a list of dicts of parameters, got "
            f"{type(points).__name__}; pass list(...) for a generator",
            argument="points",
        )
    keys, first_index = [], {}
    for index, point in enumerate(points):
        if not isinstance(point, dict) or not all(isinstance(key, str) for key in point):
            raise InputError(
                f"points[{index}] must be a dict with str keys (parameter names), got {point!r}",
                argument="points",
            )
        try:
            key = json.dumps(point, sort_keys=True, separators=(",", ":"), allow_nan=False)
        except (TypeError, ValueError) as error:
            raise InputError(
                f"points[{index}] must hold only JSON values (str, int, float, bool, "
                f"None, lists, dicts; no NaN): {error}; convert NumPy numbers with "
                f"int() or float() and arrays with .tolist()",
                argument="points",
            ) from None
        if json.loads(key) != point:
            raise InputError(
                f"points[{index}] = {point!r} changes in a JSON round trip; use lists, "
                "not tuples, and str keys in nested dicts",
                argument="points",
            )
        if key in first_index:
            raise InputError(
                f"points[{index}] repeats points[{first_index[key]}] = {key}; every "
                "point must be distinct (vary the seed to repeat a setting)",
                argument="points",
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
        raise InputError(
            f"pass at most one of executor, scheduler and max_workers (max_workers "
            f"sizes the local pool only), got {' and '.join(given)}"
        )
    if executor is not None:
        distributed = sys.modules.get("distributed")
        if not (
            isinstance(executor, cf.Executor)
            or (distributed is not None and isinstance(executor, distributed.Client))
        ):
            raise InputError(
                f"executor must be a concurrent.futures.Executor or a "
                f"distributed.Client, got {type(executor).__name__}",
                argument="executor",
            )
        return "executor", executor
    if scheduler is None and max_workers is None:
        scheduler = os.environ.get(SCHEDULER_ENV) or None
    if scheduler is not None:
        if not isinstance(scheduler, str) or not scheduler:
            raise InputError(
                f"scheduler must be a Dask scheduler address such as "
                f"'tcp://host:8786', got {scheduler!r}",
                argument="scheduler",
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
        with _dask_client(value) as client:
            yield client.get_executor(pure=False), n_todo
    elif min(value, n_todo) == 1:
        yield _InlineExecutor(), 1
    else:
        workers = min(value, n_todo)
        pool = cf.ProcessPoolExecutor(
            workers,
            mp_context=multiprocessing.get_context("forkserver"),
            initializer=_prepare_worker,
        )
        try:
            yield pool, 2 * workers
        except BaseException:
            _terminate(pool)
            raise
        pool.shutdown(wait=True)


def _terminate(pool: cf.ProcessPoolExecutor) -> None:
    """Shut ``pool`` down now: cancel what has not started and end the workers (which ignore
    SIGINT) instead of letting them finish their points."""
    workers = list((pool._processes or {}).values())  # Python 3.14 has pool.terminate_workers()
    pool.shutdown(wait=False, cancel_futures=True)
    for worker in workers:
        with contextlib.suppress(OSError, ValueError):
            worker.terminate()
    for worker in workers:
        with contextlib.suppress(OSError, ValueError, AssertionError):
            worker.join(timeout=5)


@contextlib.contextmanager
def _dask_client(address: str):
    """A ``distributed.Client`` of the scheduler at ``address``, with the TLS settings of the
    environment (module docstring); :class:`QLCoreError` naming the address if no scheduler
    answers there within :data:`CONNECT_TIMEOUT_S` seconds or it refuses this client."""
    from distributed import Client
    from distributed.comm.addressing import parse_address
    from distributed.security import Security

    try:
        scheme = parse_address(address)[0]
    except (ValueError, TypeError) as error:
        raise InputError(
            f"scheduler {address!r} is not a Dask scheduler address such as "
            f"'tls://host:8786' or 'tcp://host:8786' ({error})",
            argument="scheduler",
        ) from None
    settings = {key: os.environ[name] for key, name in TLS_ENV.items() if os.environ.get(name)}
    security = Security(require_encryption=True, **settings) if settings else Security()
    if scheme == "tls" and not (security.tls_client_cert and security.tls_ca_file):
        raise InputError(
            f"scheduler {address} uses TLS, but no certificates are set: pass --tls-ca-file, "
            f"--tls-cert and --tls-key (or set {', '.join(TLS_ENV.values())}, or Dask's "
            f"distributed.comm.tls.* configuration)",
            argument="scheduler",
        )
    _say_hello(address, security)
    with Client(address, security=security, set_as_default=False) as client:
        yield client


def _say_hello(address: str, security) -> None:
    """Open and close one connection to the scheduler at ``address`` (Dask's handshake
    included) within :data:`CONNECT_TIMEOUT_S` seconds, or raise :class:`QLCoreError`. Run in a
    thread of its own, so that it works when this thread runs an event loop (Jupyter)."""
    from distributed.comm import connect

    async def hello():
        comm = await connect(
            address, timeout=CONNECT_TIMEOUT_S, **security.get_connection_args("client")
        )
        await comm.close()

    def in_a_loop():
        asyncio.run(asyncio.wait_for(hello(), CONNECT_TIMEOUT_S + 1))

    with cf.ThreadPoolExecutor(1) as thread:
        try:
            thread.submit(in_a_loop).result()
        except Exception as error:
            hint = (
                "check the --tls-* certificates: the cluster's CA must have signed them"
                if address.startswith("tls://")
                else "check the address, and that the scheduler runs and is reachable from here "
                "(through an SSH tunnel for one bound to a private interface)"
            )
            raise QLCoreError(
                f"cannot connect to a Dask scheduler at {address} ({type(error).__name__}: "
                f"{error}; waited at most {CONNECT_TIMEOUT_S:g} s); {hint}"
            ) from None


def _compute(
    function, name, points, keys, todo, executor, window, record, claims, elsewhere, adopt
) -> None:
    """Submit the points ``todo`` (indices), at most ``window`` at a time; ``record`` each
    result. With ``claims`` (a cache directory), a point is submitted only once this process
    holds its claim; a point another process holds waits, and its result is ``adopt``-ed once
    ``elsewhere`` (a cache read) finds it."""
    queue = collections.deque(todo)
    waiting: list[int] = []  # claimed by another process
    in_flight: dict = {}
    failure = None

    def start(index: int) -> bool:
        """Submit ``index``, or adopt its result; False if another process holds it."""
        if claims is not None:
            if not claims.take(index):
                return False
            result = elsewhere(index)  # finished by another process since this one looked
            if result is not _MISSING:
                claims.drop(index)
                adopt(index, result)
                return True
        in_flight[executor.submit(_evaluate, function, points[index])] = index
        return True

    def submit_more():
        for index in list(waiting):
            if failure is None and len(in_flight) < window and start(index):
                waiting.remove(index)
        while failure is None and len(in_flight) < window and queue:
            index = queue.popleft()
            if not start(index):
                waiting.append(index)

    try:
        submit_more()
        while in_flight or (waiting and failure is None):
            if in_flight:
                timeout = POLL_S if waiting else HEARTBEAT_S
                done, _ = cf.wait(in_flight, timeout=timeout, return_when=cf.FIRST_COMPLETED)
            else:
                time.sleep(POLL_S)
                done = ()
            for future in done:
                index = in_flight.pop(future)
                try:
                    text = future.result()
                except BrokenProcessPool:
                    raise
                except Exception as error:
                    failure = failure or (index, error)
                    for other in [f for f in in_flight if f.cancel()]:
                        del in_flight[other]
                    continue
                record(index, text)
                if claims is not None:
                    claims.drop(index)
            if claims is not None:
                claims.refresh()
            submit_more()
    finally:
        for future in in_flight:
            future.cancel()
        if claims is not None:
            claims.drop_all()
    if failure is not None:
        index, error = failure
        raise SweepPointError(
            f"{name} failed at points[{index}] = {keys[index]}: {type(error).__name__}: {error}",
            index,
            points[index],
        ) from error


class _Claims:
    """The claims (:func:`qlcore.infra.cache.claim`) this process holds on points of one cache
    directory, by point index."""

    def __init__(self, directory: Path, hashes: list[str]):
        self.paths = [directory / f"{point_hash}.claim" for point_hash in hashes]
        self.held: set[int] = set()
        self.refreshed = time.monotonic()

    def take(self, index: int) -> bool:
        """Claim point ``index``; False if another live process holds it."""
        if cache.claim(self.paths[index]):
            self.held.add(index)
            return True
        return False

    def drop(self, index: int) -> None:
        """Release point ``index`` (its result is written, or it will not be computed)."""
        cache.release(self.paths[index])
        self.held.discard(index)

    def drop_all(self) -> None:
        for index in list(self.held):
            self.drop(index)

    def refresh(self) -> None:
        """Refresh the held claims, at most every :data:`HEARTBEAT_S` seconds."""
        if time.monotonic() - self.refreshed >= HEARTBEAT_S:
            for index in self.held:
                cache.refresh(self.paths[index])
            self.refreshed = time.monotonic()


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


def _prepare_worker() -> None:
    """Pool initializer: the worker ignores SIGINT (Ctrl-C reaches every process of the terminal;
    the parent ends the workers), and uses one thread for OpenMP/BLAS libraries and torch.

    The environment variables reach only the libraries loaded later. A worker forked from the
    forkserver has usually loaded NumPy, and its OpenBLAS with a thread per core, before this
    runs (the forkserver preloads the main script, which imports NumPy), so
    :func:`threadpoolctl.threadpool_limits` also sets the libraries already loaded to one
    thread."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    for variable in THREAD_VARIABLES:
        os.environ[variable] = "1"
    threadpool_limits(limits=1)
    if "torch" in sys.modules:
        sys.modules["torch"].set_num_threads(1)


def _guard_message(where: str) -> str:
    return (
        f'run_sweep was called {where}, outside an `if __name__ == "__main__":` block. Its '
        f"worker processes import the main script again, so each would start the sweep again. "
        f'Put the code that runs the sweep under `if __name__ == "__main__":` (or pass '
        f"max_workers=1 to run it in this process)"
    )


def _check_not_importing_main() -> None:
    """Refuse a sweep started while this process (a worker) imports the main script."""
    if getattr(multiprocessing.current_process(), "_inheriting", False):
        raise QLCoreError(_guard_message("while a worker process imported the main script"))


def _check_main_guard() -> None:
    """Refuse to start a local pool from the top level of a main script (or ``python -m``
    module) outside an ``if __name__ == "__main__":`` block: the workers import that module
    again (:func:`multiprocessing.spawn.get_preparation_data`)."""
    main = sys.modules.get("__main__")
    path = getattr(main, "__file__", None)
    spec_name = getattr(getattr(main, "__spec__", None), "name", None) or ""
    if path is None or spec_name.rpartition(".")[2] == "__main__":
        return  # python -c, notebooks, python -m package: the workers do not import it
    frame = sys._getframe(1)
    while frame is not None and not (
        frame.f_code.co_name == "<module>" and frame.f_globals is vars(main)
    ):
        frame = frame.f_back
    if frame is None:
        return
    line = frame.f_lineno
    try:
        tree = ast.parse(Path(path).read_text(), filename=path)
    except (OSError, SyntaxError, ValueError):
        return
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.If)
            and _tests_name_is_main(node.test)
            and node.body[0].lineno <= line <= node.body[-1].end_lineno
        ):
            return
    raise QLCoreError(_guard_message(f"at the top level of {path} (line {line})"))


def _tests_name_is_main(test: ast.expr) -> bool:
    """Whether ``test`` compares ``__name__`` with ``"__main__"``."""
    for node in ast.walk(test):
        if isinstance(node, ast.Compare):
            operands = [node.left, *node.comparators]
            if any(isinstance(o, ast.Name) and o.id == "__name__" for o in operands) and any(
                isinstance(o, ast.Constant) and o.value == "__main__" for o in operands
            ):
                return True
    return False


class _InlineExecutor(cf.Executor):
    """Runs each submitted call at once in this process (``max_workers=1``)."""

    def submit(self, fn, /, *args, **kwargs):
        future = cf.Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except Exception as error:
            future.set_exception(error)
        return future


def _read_cached(path: Path, point: dict, *, warn: bool = True):
    """The result cached in ``path`` for ``point``, or ``_MISSING`` (with a warning, if ``warn``,
    when the file exists but is unreadable or holds another point)."""
    try:
        entry = json.loads(path.read_text())
    except FileNotFoundError:
        return _MISSING
    except (OSError, ValueError) as error:
        problem = f"ignoring unreadable sweep cache file {path} ({error}); recomputing it"
    else:
        if isinstance(entry, dict) and "result" in entry and entry.get("point") == point:
            return entry["result"]
        problem = (
            f"ignoring sweep cache file {path}: it does not hold the result for {point!r}; "
            f"recomputing it"
        )
    if warn:
        warnings.warn(problem, RuntimeWarning, stacklevel=3)
    return _MISSING
