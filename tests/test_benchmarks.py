"""The benchmark commands run and their methods agree (no timing is asserted)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_compare_loops_quick_runs_and_the_three_methods_agree():
    env = dict(os.environ, TQDM_DISABLE="1")
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "compare_loops.py"), "--quick"],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    for method in ("(a) one-at-a-time", "(b) batched per-sample", "(c) engine, warm"):
        assert method in done.stdout
    assert "final NMSEs agree" in done.stdout
    assert "GFLOP/s" in done.stdout


@pytest.mark.slow
def test_recompute_figures_on_a_dask_cluster_reproduces_the_shipped_results():
    env = dict(os.environ, TQDM_DISABLE="1")
    script = ROOT / "benchmarks" / "recompute_figures.py"
    done = subprocess.run(
        [sys.executable, str(script), "--backend", "dask", "--workers", "1"]
        + ["--figures", "sarao-fig2", "sarao-figb6"],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert "| `sarao-fig2` |" in done.stdout and "| **all** |" in done.stdout
    assert done.stdout.count("| identical |") == 2


@pytest.mark.slow
def test_bench_threads_tiny_runs_every_policy_with_identical_results():
    env = dict(os.environ, TQDM_DISABLE="1")
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "bench_threads.py")]
        + ["--workload", "eager", "--epochs", "1", "--repeats", "1"],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    for policy in ("spin", "one", "passive", "qlcore"):
        assert f"| `{policy}` |" in done.stdout
    assert "| `qlcore` | 1 |" in done.stdout  # the library trains on one thread by default
    assert "results identical across policies: yes" in done.stdout


@pytest.mark.slow
def test_bench_deep_quick_runs_and_the_engine_matches_the_one_network_loop():
    env = dict(os.environ, TQDM_DISABLE="1")
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "bench_deep.py"), "--quick"],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    for method in ("(a) one-at-a-time", "(b) engine"):
        assert method in done.stdout
    assert "final NMSEs agree" in done.stdout


@pytest.mark.slow
def test_bench_blas_threads_runs_and_both_settings_reach_the_same_minimum():
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "bench_blas_threads.py")]
        + ["--repeats", "1", "--starts", "1"],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert "ratio default / one thread:" in done.stdout
    assert "same minimum: True" in done.stdout
