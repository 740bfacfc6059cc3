"""qlcore.infra.sweep: same results as a plain loop on every backend, a disk cache that resumes,
claims that keep processes sharing a cache from computing a point twice, errors.

Workers are other processes, so the sweep functions count their calls by creating one file per
call in a ``log_dir`` that is part of each point.
"""

import functools
import importlib
import json
import os
import random
import signal
import socket
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest
from threadpoolctl import threadpool_info

from qlcore.infra import cache as cache_module
from qlcore.infra import sweep
from qlcore.infra.checks import QLCoreError
from qlcore.infra.codehash import module_hash
from qlcore.infra.sweep import SweepPointError, run_sweep


def noisy_square(x, seed, log_dir=None, stop_at=None, stop_with="ValueError"):
    """A JSON result that depends on every parameter; logs each call in ``log_dir``.

    Raises ``stop_with`` at ``x == stop_at`` while the file ``log_dir/stop`` exists (the flag is
    outside the point, so a rerun after removing it has the same points and cache keys)."""
    if log_dir is not None:
        if x == stop_at and Path(log_dir, "stop").exists():
            raise {"ValueError": ValueError, "KeyboardInterrupt": KeyboardInterrupt}[stop_with](
                f"stopped at x={x}"
            )
        handle, _ = tempfile.mkstemp(dir=log_dir, prefix=f"call-x{x}-")
        os.close(handle)
    return {"x": x, "square": x * x, "noise": random.Random(seed).random(), "list": [x, None]}


def slower_first(x, n):
    """Earlier points take longer, so a pool finishes them last."""
    time.sleep(0.02 * (n - x))
    return [x, x**3]


def where_am_i(x):
    """Which process and backend ran this point, and its BLAS thread setting."""
    distributed = sys.modules.get("distributed")  # a Dask worker has imported it
    try:
        on_dask = distributed is not None and distributed.get_worker() is not None
    except ValueError:  # imported, but not in a worker
        on_dask = False
    return {
        "x": x,
        "pid": os.getpid(),
        "on_dask": on_dask,
        "openblas_threads": os.environ.get("OPENBLAS_NUM_THREADS"),
        "blas_threads": sorted(
            {lib["num_threads"] for lib in threadpool_info() if lib["user_api"] == "blas"}
        ),
    }


def not_json(x):
    return np.arange(x)


def calls(log_dir) -> list[int]:
    """The ``x`` of every logged call, sorted."""
    return sorted(int(p.name.split("-")[1][1:]) for p in Path(log_dir).glob("call-*"))


def points_for(log_dir, n=8, **extra):
    return [{"x": x, "seed": 100 + x, "log_dir": str(log_dir), **extra} for x in range(n)]


def plain_loop(function, points):
    return [json.loads(json.dumps(function(**point))) for point in points]


@pytest.fixture(autouse=True)
def _no_scheduler_from_environment(monkeypatch):
    monkeypatch.delenv(sweep.SCHEDULER_ENV, raising=False)


# --- backends -------------------------------------------------------------------------------


def test_in_process_equals_plain_loop(tmp_path):
    points = points_for(tmp_path)
    assert run_sweep(noisy_square, points, max_workers=1) == plain_loop(noisy_square, points)
    assert calls(tmp_path) == sorted(list(range(8)) * 2)  # the sweep's calls and the loop's
    assert {r["pid"] for r in run_sweep(where_am_i, [{"x": 0}, {"x": 1}], max_workers=1)} == {
        os.getpid()
    }


def test_process_pool_equals_plain_loop_in_order():
    points = [{"x": x, "n": 6} for x in range(6)]
    assert run_sweep(slower_first, points, max_workers=2) == plain_loop(slower_first, points)
    info = run_sweep(where_am_i, [{"x": x} for x in range(4)], max_workers=2)
    assert [r["x"] for r in info] == [0, 1, 2, 3]
    assert os.getpid() not in {r["pid"] for r in info}
    assert {r["openblas_threads"] for r in info} == {"1"}  # one BLAS thread per worker
    assert all(r["blas_threads"] == [1] for r in info)  # as the loaded BLAS libraries report it


BLAS_PROBE = """
from threadpoolctl import threadpool_info

def blas_threads(x):
    return sorted({lib["num_threads"] for lib in threadpool_info() if lib["user_api"] == "blas"})
"""

SCRIPT_THAT_IMPORTS_NUMPY_FIRST = """
import json
import numpy  # loaded in the workers before their initializer runs (forkserver preloads main)
from qlcore.infra.sweep import run_sweep
import blas_probe

if __name__ == "__main__":
    points = [{"x": x} for x in range(2)]
    print(json.dumps(run_sweep(blas_probe.blas_threads, points, max_workers=2)))
"""


def test_workers_use_one_blas_thread_even_when_the_script_loaded_numpy_first(tmp_path):
    import subprocess

    (tmp_path / "blas_probe.py").write_text(BLAS_PROBE)
    (tmp_path / "main.py").write_text(SCRIPT_THAT_IMPORTS_NUMPY_FIRST)
    python_path = os.pathsep.join(filter(None, [str(tmp_path), os.environ.get("PYTHONPATH")]))
    environment = {**os.environ, "PYTHONPATH": python_path, "TQDM_DISABLE": "1"}
    for variable in sweep.THREAD_VARIABLES:
        environment.pop(variable, None)
    done = subprocess.run(
        [sys.executable, "main.py"], cwd=tmp_path, env=environment, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.strip().splitlines()[-1]) == [[1], [1]]


def test_default_backend_is_a_local_pool():
    info = run_sweep(where_am_i, [{"x": x} for x in range(3)])
    assert os.getpid() not in {r["pid"] for r in info}
    assert not any(r["on_dask"] for r in info)


def test_any_concurrent_futures_executor():
    points = [{"x": x, "n": 4} for x in range(4)]
    with ThreadPoolExecutor(2) as executor:
        assert run_sweep(slower_first, points, executor=executor) == plain_loop(
            slower_first, points
        )


@pytest.fixture(scope="module")
def dask_cluster():
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(
        n_workers=1, threads_per_worker=2, processes=True, dashboard_address=None
    ) as cluster:
        yield cluster


def test_dask_cluster_equals_plain_loop_in_order(dask_cluster, monkeypatch):
    from distributed import Client

    points = [{"x": x, "n": 6} for x in range(6)]
    expected = plain_loop(slower_first, points)
    assert run_sweep(slower_first, points, scheduler=dask_cluster.scheduler_address) == expected
    with Client(dask_cluster) as client:
        assert run_sweep(slower_first, points, executor=client) == expected
    monkeypatch.setenv(sweep.SCHEDULER_ENV, dask_cluster.scheduler_address)
    info = run_sweep(where_am_i, [{"x": x} for x in range(3)])
    assert [r["x"] for r in info] == [0, 1, 2]
    assert all(r["on_dask"] for r in info)
    assert {r["openblas_threads"] for r in info} == {"1"}  # Dask's nanny sets it
    assert all(r["blas_threads"] == [1] for r in info)


def test_dask_failure_names_the_point(dask_cluster, tmp_path):
    (tmp_path / "stop").touch()
    points = points_for(tmp_path, n=3, stop_at=1)
    with pytest.raises(SweepPointError, match=r"points\[1\].*stopped at x=1"):
        run_sweep(noisy_square, points, scheduler=dask_cluster.scheduler_address)


# --- cache ----------------------------------------------------------------------------------


def test_second_run_reads_the_cache_and_computes_nothing(tmp_path):
    log, cache = tmp_path / "log", tmp_path / "cache"
    log.mkdir()
    points = points_for(log)
    first = run_sweep(noisy_square, points, cache_dir=cache, max_workers=2)
    assert calls(log) == list(range(8))
    files = list(cache.glob("*/*.json"))
    assert len(files) == 8
    assert files[0].parent.name.startswith("test_sweep.noisy_square-")
    assert run_sweep(noisy_square, points, cache_dir=cache, max_workers=2) == first
    assert run_sweep(noisy_square, points[::-1], cache_dir=cache, max_workers=1) == first[::-1]
    assert calls(log) == list(range(8))  # nothing recomputed
    entry = json.loads(files[0].read_text())
    assert entry["function"] == "test_sweep.noisy_square"
    assert entry["point"] in points
    assert entry["result"] == first[points.index(entry["point"])]


@pytest.mark.parametrize(
    "stop_with, error", [("ValueError", SweepPointError), ("KeyboardInterrupt", KeyboardInterrupt)]
)
def test_interrupted_sweep_resumes_with_only_the_missing_points(tmp_path, stop_with, error):
    log, cache = tmp_path / "log", tmp_path / "cache"
    log.mkdir()
    points = points_for(log, n=10, stop_at=6, stop_with=stop_with)
    (log / "stop").touch()
    with pytest.raises(error, match="stopped at x=6"):
        run_sweep(noisy_square, points, cache_dir=cache, max_workers=1)
    assert calls(log) == list(range(6))  # in order, up to the failure
    assert len(list(cache.glob("*/*.json"))) == 6
    (log / "stop").unlink()
    resumed = run_sweep(noisy_square, points, cache_dir=cache, max_workers=1)
    assert calls(log) == list(range(10))  # 6..9 computed once each
    assert resumed == plain_loop(noisy_square, points)


def test_failure_in_a_pool_keeps_finished_points_and_names_the_failing_one(tmp_path):
    log, cache = tmp_path / "log", tmp_path / "cache"
    log.mkdir()
    points = points_for(log, n=12, stop_at=3)
    (log / "stop").touch()
    with pytest.raises(SweepPointError) as caught:
        run_sweep(noisy_square, points, cache_dir=cache, max_workers=2)
    assert caught.value.index == 3 and caught.value.point == points[3]
    assert '"x":3' in str(caught.value) and "stopped at x=3" in str(caught.value)
    done_before = calls(log)
    assert 3 not in done_before and len(done_before) < 12  # it stopped early
    assert len(list(cache.glob("*/*.json"))) == len(done_before)  # and saved what finished
    (log / "stop").unlink()
    resumed = run_sweep(noisy_square, points, cache_dir=cache, max_workers=2)
    assert calls(log) == list(range(12))  # the rest, each exactly once
    assert resumed == plain_loop(noisy_square, points)


def test_corrupt_or_foreign_cache_files_are_recomputed_with_a_warning(tmp_path):
    log, cache = tmp_path / "log", tmp_path / "cache"
    log.mkdir()
    points = points_for(log, n=4)
    first = run_sweep(noisy_square, points, cache_dir=cache, max_workers=1)
    files = {json.loads(f.read_text())["point"]["x"]: f for f in cache.glob("*/*.json")}
    files[0].write_text(files[0].read_text()[:20])  # a truncated file
    files[1].write_text(files[2].read_text())  # another point's entry
    files[3].write_text("[]")  # not an entry
    with pytest.warns(RuntimeWarning, match="recomputing") as caught:
        again = run_sweep(noisy_square, points, cache_dir=cache, max_workers=1)
    assert len(caught) == 3
    assert again == first
    assert calls(log) == [0, 0, 1, 1, 2, 3, 3]
    assert run_sweep(noisy_square, points, cache_dir=cache, max_workers=1) == first
    assert calls(log) == [0, 0, 1, 1, 2, 3, 3]  # repaired


def test_editing_the_function_or_its_version_invalidates_the_cache(tmp_path, monkeypatch):
    code = tmp_path / "code"
    code.mkdir()
    monkeypatch.syspath_prepend(str(code))
    source = code / "sweep_edit_probe.py"
    source.write_text("def f(x):\n    return x + 1\n")
    module = importlib.import_module("sweep_edit_probe")
    points = [{"x": 1}, {"x": 2}]
    cache = tmp_path / "cache"
    assert run_sweep(module.f, points, cache_dir=cache, max_workers=1) == [2, 3]
    source.write_text("def f(x):\n    return x + 100\n")
    module = importlib.reload(module)
    assert run_sweep(module.f, points, cache_dir=cache, max_workers=1) == [101, 102]
    assert len(list(cache.iterdir())) == 2
    run_sweep(module.f, points, cache_dir=cache, version="data v2", max_workers=1)
    assert len(list(cache.iterdir())) == 3


def test_code_hash_follows_qlcore_imports_of_a_module_outside_qlcore(tmp_path, monkeypatch):
    monkeypatch.syspath_prepend(str(tmp_path))
    (tmp_path / "probe_alone.py").write_text("X = 1\n")
    (tmp_path / "probe_with_cones.py").write_text("from qlcore.cones import counts\n\nX = 1\n")
    alone, with_cones = (importlib.import_module(n) for n in ("probe_alone", "probe_with_cones"))
    assert len(module_hash(alone)) == 16
    assert module_hash(alone) != module_hash(with_cones)


def test_default_cache_dir_is_under_qlcore_cache(monkeypatch, tmp_path):
    monkeypatch.setenv("QLCORE_CACHE", str(tmp_path))
    assert sweep.default_cache_dir() == tmp_path / "sweeps"


# --- errors ---------------------------------------------------------------------------------


def nested_function_factory():
    def inner(x):
        return x

    return inner


@pytest.mark.parametrize(
    "function, message",
    [
        (lambda x: x, "module-level function"),
        (nested_function_factory(), "module-level function"),
        (functools.partial(slower_first, n=3), "module-level function"),
        (len, "module-level function"),
    ],
)
def test_functions_that_workers_cannot_import_are_refused(function, message):
    with pytest.raises(ValueError, match=message):
        run_sweep(function, [{"x": 1}], max_workers=1)


@pytest.mark.parametrize(
    "points, message",
    [
        ({"x": 1}, "points must be a list"),
        (({"x": x} for x in range(2)), "points must be a list"),
        ([{"x": 1}, 2], r"points\[1\] must be a dict"),
        ([{1: 1}], r"points\[0\] must be a dict with str keys"),
        ([{"x": np.int64(1)}], r"points\[0\] must hold only JSON values.*int\(\)"),
        ([{"x": float("nan")}], r"points\[0\] must hold only JSON values"),
        ([{"x": (1, 2)}], r"points\[0\].*JSON round trip"),
        ([{"x": {1: 2}}], r"points\[0\].*JSON round trip"),
        ([{"x": 1, "n": 2}, {"n": 2, "x": 1}], r"points\[1\] repeats points\[0\]"),
    ],
)
def test_bad_points_are_refused(points, message):
    with pytest.raises(ValueError, match=message):
        run_sweep(slower_first, points, max_workers=1)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"max_workers": 0}, "max_workers must be >= 1"),
        ({"max_workers": 1.5}, "max_workers must be an integer"),
        ({"executor": "processes"}, "executor must be a concurrent.futures.Executor"),
        ({"scheduler": ""}, "scheduler must be a Dask scheduler address"),
        ({"scheduler": "tcp://h:1", "max_workers": 2}, "at most one of executor, scheduler"),
        ({"version": 2, "max_workers": 1}, "version must be a str"),
    ],
)
def test_bad_backend_arguments_are_refused(kwargs, message):
    with pytest.raises(ValueError, match=message):
        run_sweep(slower_first, [{"x": 1, "n": 1}], **kwargs)


def test_a_result_that_is_not_json_names_the_point():
    with pytest.raises(SweepPointError, match=r"points\[0\] = \{\"x\":3\}.*JSON-serialisable"):
        run_sweep(not_json, [{"x": 3}], max_workers=1)


def test_no_points_no_work(tmp_path):
    assert run_sweep(slower_first, [], cache_dir=tmp_path) == []


# --- claims: processes sharing a cache ------------------------------------------------------


def cache_files_of(cache, function, points):
    """The cache folder of ``function`` and the path stem of each point in it."""
    folder = cache / f"test_sweep.{function.__name__}-{module_hash(sys.modules[__name__])}"
    stems = [
        sweep._point_hash(json.dumps(p, sort_keys=True, separators=(",", ":"))) for p in points
    ]
    return folder, stems


def write_claim(path, *, pid, host, age_s=0.0):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"pid": pid, "host": host, "time": time.time() - age_s}))
    os.utime(path, (time.time() - age_s, time.time() - age_s))


def dead_pid() -> int:
    import subprocess

    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_a_point_claimed_by_a_live_process_is_waited_for_not_computed(tmp_path):
    log, cache = tmp_path / "log", tmp_path / "cache"
    log.mkdir()
    points = points_for(log, n=3)
    folder, stems = cache_files_of(cache, noisy_square, points)
    claim = folder / f"{stems[1]}.claim"
    write_claim(claim, pid=os.getppid(), host=socket.gethostname())  # alive: pytest's parent

    def other_process_finishes():
        time.sleep(1.0)
        entry = {"function": "x", "point": points[1], "result": "from the other process"}
        (folder / f"{stems[1]}.json").write_text(json.dumps(entry))
        claim.unlink()

    helper = threading.Thread(target=other_process_finishes)
    helper.start()
    try:
        results = run_sweep(noisy_square, points, cache_dir=cache, max_workers=1)
    finally:
        helper.join()
    assert calls(log) == [0, 2]  # point 1 was not computed here
    assert results[1] == "from the other process"
    assert not list(folder.glob("*.claim"))


@pytest.mark.parametrize(
    "owner",
    [
        "dead process on this host",
        "this process, which did not make it",
        "silent process on another host",
        "unreadable",
    ],
)
def test_a_stale_claim_is_taken_over(tmp_path, owner):
    log, cache = tmp_path / "log", tmp_path / "cache"
    log.mkdir()
    points = points_for(log, n=2)
    folder, stems = cache_files_of(cache, noisy_square, points)
    claim = folder / f"{stems[0]}.claim"
    if owner == "dead process on this host":
        write_claim(claim, pid=dead_pid(), host=socket.gethostname())
    elif owner == "this process, which did not make it":  # a dead owner whose pid came back
        write_claim(claim, pid=os.getpid(), host=socket.gethostname())
    elif owner == "silent process on another host":
        write_claim(claim, pid=1, host="elsewhere", age_s=2 * cache_module.CLAIM_MAX_AGE_S)
    else:
        write_claim(claim, pid=1, host="elsewhere", age_s=2 * cache_module.CLAIM_MAX_AGE_S)
        claim.write_text("{trunc")
        os.utime(claim, (0, 0))
    assert run_sweep(noisy_square, points, cache_dir=cache, max_workers=1) == plain_loop(
        noisy_square, points
    )
    assert calls(log) == [0, 0, 1, 1]  # the sweep's calls and the loop's
    assert not claim.exists()


def test_a_fresh_claim_from_another_host_is_respected(tmp_path):
    path = tmp_path / "point.claim"
    write_claim(path, pid=1, host="elsewhere", age_s=60)
    assert not cache_module.claim(path)
    write_claim(path, pid=1, host="elsewhere", age_s=2 * cache_module.CLAIM_MAX_AGE_S)
    assert cache_module.claim(path)
    assert json.loads(path.read_text())["pid"] == os.getpid()
    assert not cache_module.claim(path)  # now this process holds it: a second claim fails
    cache_module.release(path)
    assert not path.exists()


def test_no_claims_are_left_after_success_or_failure(tmp_path):
    log, cache_folder = tmp_path / "log", tmp_path / "cache"
    log.mkdir()
    points = points_for(log, n=6, stop_at=3)
    (log / "stop").touch()
    with pytest.raises(SweepPointError):
        run_sweep(noisy_square, points, cache_dir=cache_folder, max_workers=2)
    assert not list(cache_folder.glob("*/*.claim"))
    (log / "stop").unlink()
    run_sweep(noisy_square, points, cache_dir=cache_folder, max_workers=2)
    assert not list(cache_folder.glob("*/*.claim"))
    assert not list(cache_folder.glob("*/.*"))  # no temporary files either


# --- worker processes that die, scripts without a main guard ---------------------------------


def kill_own_worker(x):
    """Point 1 kills the process it runs in, as the out-of-memory killer would."""
    if x == 1:
        os.kill(os.getpid(), signal.SIGKILL)
    time.sleep(0.2)
    return x


def test_dead_workers_are_reported_as_such_not_as_a_failing_point(tmp_path):
    with pytest.raises(QLCoreError, match="worker processes of the local pool died") as caught:
        run_sweep(kill_own_worker, [{"x": x} for x in range(4)], cache_dir=tmp_path, max_workers=2)
    assert not isinstance(caught.value, SweepPointError)
    assert "run the same command again to resume" in str(caught.value)


def test_claims_work_on_a_file_system_without_hard_links(tmp_path, monkeypatch):
    def no_links(*args, **kwargs):
        raise PermissionError("hard links are not supported here")

    monkeypatch.setattr(os, "link", no_links)
    path = tmp_path / "point.claim"
    assert cache_module.claim(path)
    assert json.loads(path.read_text())["pid"] == os.getpid()
    assert not cache_module.claim(path)  # held
    cache_module.release(path)
    assert cache_module.claim(path)
    assert not list(tmp_path.glob(".*"))  # no temporary file left
