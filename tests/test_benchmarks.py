"""The benchmark commands run and their methods agree (no timing is asserted)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def run_benchmark(script: str, *args: str) -> str:
    """Run ``benchmarks/<script> <args>`` without progress bars; its stdout once it exited 0."""
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / script), *args],
        capture_output=True,
        text=True,
        env=dict(os.environ, TQDM_DISABLE="1"),
        timeout=600,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    return done.stdout


@pytest.mark.slow
def test_compare_loops_quick_runs_and_the_three_methods_agree():
    out = run_benchmark("compare_loops.py", "--quick")
    for method in ("(a) one-at-a-time", "(b) batched per-sample", "(c) engine, warm"):
        assert method in out
    assert "final NMSEs agree" in out
    assert "GFLOP/s" in out


@pytest.mark.slow
def test_recompute_figures_on_a_dask_cluster_reproduces_the_shipped_results():
    out = run_benchmark(
        "recompute_figures.py",
        *("--backend", "dask", "--workers", "1", "--figures", "sarao-fig2", "sarao-figb6"),
    )
    assert "| `sarao-fig2` |" in out and "| **all** |" in out
    assert out.count("| identical |") == 2


@pytest.mark.slow
def test_bench_threads_tiny_runs_every_policy_with_identical_results():
    out = run_benchmark(
        "bench_threads.py", "--workload", "eager", "--epochs", "1", "--repeats", "1"
    )
    for policy in ("spin", "one", "passive", "qlcore"):
        assert f"| `{policy}` |" in out
    assert "| `qlcore` | 1 |" in out  # the library trains on one thread by default
    assert "results identical across policies: yes" in out


@pytest.mark.slow
def test_bench_deep_quick_runs_and_the_engine_matches_the_one_network_loop():
    out = run_benchmark("bench_deep.py", "--quick")
    for method in ("(a) one-at-a-time", "(b) engine"):
        assert method in out
    assert "final NMSEs agree" in out


@pytest.mark.slow
def test_bench_blas_threads_runs_and_both_settings_reach_the_same_minimum():
    out = run_benchmark("bench_blas_threads.py", "--repeats", "1", "--starts", "1")
    assert "ratio default / one thread:" in out
    assert "same minimum: True" in out


@pytest.mark.slow
def test_bench_sweep_blas_tiny_runs_both_thread_settings_with_the_same_thresholds():
    out = run_benchmark("bench_sweep_blas.py", "--repeats", "1", "--instances", "1")
    assert "repeat 1: one" in out and "repeat 1: default" in out
    assert "same thresholds" in out
