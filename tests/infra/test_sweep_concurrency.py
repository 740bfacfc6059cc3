"""qlcore.infra.sweep across processes: two processes sharing one cache compute each point once;
Ctrl-C is quiet, keeps the finished points and leaves no process behind; a script without the
``if __name__ == "__main__":`` guard gets one clear error.

Each test writes a small module of sweep functions and a script into ``tmp_path`` and runs the
script with ``python`` in a subprocess, as a user would.
"""

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

psutil = pytest.importorskip("psutil")  # installed with distributed

PROBE = '''
import os
import time


def slow_square(x, log):
    """Append "x pid" to ``log`` (one line per computation), then take a while."""
    with open(log, "a") as file:
        file.write(f"{x} {os.getpid()}\\n")
    time.sleep(0.4)
    return x * x


def square(x):
    return x * x
'''

SWEEP_SCRIPT = """
import sys

from probe_functions import slow_square
from qlcore.infra.sweep import run_sweep

if __name__ == "__main__":
    cache, log, workers, n = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    points = [{"x": x, "log": log} for x in range(n)]
    try:
        results = run_sweep(slow_square, points, cache_dir=cache, max_workers=workers)
    except KeyboardInterrupt:  # as the CLI does: the sweep has said what is saved
        sys.exit(130)
    print(results)
"""


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(textwrap.dedent(text))
    return path


def _default_sigint() -> None:
    """In the child: Ctrl-C's default action, even when this test runs in a background job (a
    shell starts those with SIGINT ignored, and Python keeps an inherited SIG_IGN)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def start(folder: Path, script: str, *args, **popen):
    env = dict(os.environ, TQDM_DISABLE="1", PYTHONPATH=str(folder))
    return subprocess.Popen(
        [sys.executable, str(folder / script), *map(str, args)],
        cwd=folder,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=_default_sigint,
        **popen,
    )


def computations(log: Path) -> list[int]:
    """The ``x`` of every computation logged, sorted."""
    if not log.exists():
        return []
    return sorted(int(line.split()[0]) for line in log.read_text().splitlines())


@pytest.fixture
def folder(tmp_path):
    write(tmp_path, "probe_functions.py", PROBE)
    write(tmp_path, "sweep_script.py", SWEEP_SCRIPT)
    return tmp_path


@pytest.mark.slow
def test_two_processes_sharing_a_cache_compute_each_point_once(folder):
    n = 10
    log, cache = folder / "log", folder / "cache"
    runs = [start(folder, "sweep_script.py", cache, log, workers, n) for workers in (2, 1)]
    outputs = [run.communicate(timeout=120) for run in runs]
    for run, (out, err) in zip(runs, outputs):
        assert run.returncode == 0, err[-3000:]
        assert out.strip() == str([x * x for x in range(n)])  # both have every result
    assert computations(log) == list(range(n))  # each point computed exactly once
    assert len(list(cache.glob("*/*.json"))) == n
    assert not list(cache.glob("*/*.claim"))


@pytest.mark.slow
def test_ctrl_c_is_quiet_keeps_finished_points_and_leaves_no_process(folder):
    n = 16
    log, cache = folder / "log", folder / "cache"
    # a session of its own, so that SIGINT goes to its whole process group, as Ctrl-C does
    run = start(folder, "sweep_script.py", cache, log, 2, n, start_new_session=True)
    deadline = time.monotonic() + 60
    while len(computations(log)) < 4 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(computations(log)) >= 4, run.stderr.read() if run.poll() is not None else ""
    family = psutil.Process(run.pid).children(recursive=True)
    assert len(family) >= 2  # the workers (and multiprocessing's helpers)
    os.killpg(run.pid, signal.SIGINT)
    _, err = run.communicate(timeout=60)
    assert run.returncode == 130
    lines = err.strip().splitlines()
    assert len(lines) == 1, err  # no traceback from the workers
    saved = len(list(cache.glob("*/*.json")))
    folder_name = next(cache.iterdir())
    assert lines[0] == (
        f"interrupted: {saved} of {n} points are saved in {folder_name}; run the same command "
        f"again to resume"
    )
    assert 0 < saved < n
    _, alive = psutil.wait_procs(family, timeout=10)
    assert alive == []  # no orphaned worker
    assert not list(cache.glob("*/*.claim"))
    before = computations(log)
    rerun = start(folder, "sweep_script.py", cache, log, 2, n)
    out, err = rerun.communicate(timeout=120)
    assert rerun.returncode == 0, err
    assert out.strip() == str([x * x for x in range(n)])
    assert len(computations(log)) == len(before) + n - saved  # only the missing points


GUARDS = [None, 'if __name__ == "__main__":', "if '__main__' == __name__:"]


@pytest.mark.parametrize("guard", GUARDS)
def test_a_script_without_the_main_guard_gets_one_clear_error(folder, guard):
    call = "print(run_sweep(square, [{'x': x} for x in range(4)], max_workers=2))"
    body = call if guard is None else f"{guard}\n    {call}"
    imports = "from probe_functions import square\nfrom qlcore.infra.sweep import run_sweep\n"
    write(folder, "script.py", f"{imports}\n{body}\n")
    run = start(folder, "script.py")
    out, err = run.communicate(timeout=120)
    if guard is not None:
        assert run.returncode == 0, err
        assert out.strip() == "[0, 1, 4, 9]"
        return
    assert run.returncode == 1
    assert out == ""
    assert err.count("Traceback") == 1  # the script's own, not one per worker
    last = err.strip().splitlines()[-1]
    assert last.startswith("qlcore.infra.checks.QLCoreError: run_sweep was called at the top")
    assert "script.py (line 4)" in last and 'if __name__ == "__main__":' in last
    assert "BrokenProcessPool" not in err
