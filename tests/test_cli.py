"""The command line (`python -m qlcore`) and the result cache of qlcore.reproduce."""

import json
import os
import signal
import socket
import subprocess
import sys
import time
import warnings

import pytest

import qlcore
from qlcore import cli, reproduce
from qlcore.experiments.registry import REGISTRY, figure_module, supported_devices
from qlcore.infra import sweep
from qlcore.infra.checks import InputError, QLCoreError, TooLargeError

# every figure id an issue asks for (chapters 1-4)
FIGURES = (
    "kazemipour-fig2",
    "kazemipour-fig3",
    "kazemipour-penalty-weight",
    "sarao-fig1",
    "sarao-uniqueness",
    "sarao-recovery",
    "sarao-fig4",
    "cover-efron",
    "sarao-cone-link",
    "sarao-fig2",
    "sarao-fig3",
    "sarao-figb6",
)


def run_cli(*args, cwd=None, env=None, timeout=600):
    """``python -m qlcore ARGS``; ``timeout`` guards against a hang (it is no speed test)."""
    env = dict(os.environ, TQDM_DISABLE="1", **(env or {}))
    return subprocess.run(
        [sys.executable, "-m", "qlcore", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        timeout=timeout,
    )


def test_list_prints_every_figure_id():
    done = run_cli("list")
    assert done.returncode == 0, done.stderr
    for figure_id in FIGURES:
        assert figure_id in done.stdout
    assert set(FIGURES) <= set(REGISTRY)


def test_unknown_figure_fails_helpfully(tmp_path):
    done = run_cli("reproduce", "kazemipour-fig99", "--scale", "quick", "--out", str(tmp_path))
    assert done.returncode != 0
    assert "kazemipour-fig99" in done.stderr
    assert "kazemipour-fig2" in done.stderr  # it shows the valid ids
    assert not (tmp_path / "kazemipour-fig99.json").exists()


def test_unknown_scale_fails(tmp_path):
    done = run_cli("reproduce", "kazemipour-fig2", "--scale", "huge", "--out", str(tmp_path))
    assert done.returncode != 0
    assert "scale" in done.stderr


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory):
    """One `reproduce kazemipour-fig2 --scale quick` in a subprocess, shared by the tests below."""
    out = tmp_path_factory.mktemp("fig2")
    done = run_cli("reproduce", "kazemipour-fig2", "--scale", "quick", "--out", str(out), cwd=out)
    return done, out


@pytest.mark.slow
def test_reproduce_quick_succeeds(quick_run):
    done, out = quick_run
    assert done.returncode == 0, done.stderr[-3000:]
    assert "kazemipour-fig2.json" in done.stdout


@pytest.mark.slow
def test_reproduce_writes_the_result_json(quick_run):
    _, out = quick_run
    result = json.loads((out / "kazemipour-fig2.json").read_text())
    for key in ("figure", "scale", "seed", "settings", "provenance", "cells"):
        assert key in result
    assert result["figure"] == "kazemipour-fig2"
    assert result["scale"] == "quick" and result["seed"] == 0
    prov = result["provenance"]
    assert prov["qlcore_version"] == qlcore.__version__
    assert isinstance(prov["wall_time_s"], (int, float)) and prov["wall_time_s"] > 0
    n_widths = len(result["settings"]["widths"])
    assert set(result["cells"]) == {"planted-diagonal", "planted-gaussian", "non-planted"}
    for model, cell in result["cells"].items():
        assert set(cell) == {"regular", "added-norm", "orthogonality"}
        for variant, values in cell.items():
            fractions = values["success_fraction"]
            assert len(fractions) == n_widths
            assert all(0.0 <= f <= 1.0 for f in fractions), (model, variant)


@pytest.mark.slow
def test_reproduce_quick_shows_the_paper_effect(quick_run):
    # the added-norm variant reaches the global minimum once k >= d (Theorem 3.1(1))
    _, out = quick_run
    result = json.loads((out / "kazemipour-fig2.json").read_text())
    widths, dim = result["settings"]["widths"], result["settings"]["dim"]
    for model in ("planted-diagonal", "planted-gaussian"):
        fractions = result["cells"][model]["added-norm"]["success_fraction"]
        assert fractions[widths.index(0)] == 0.0  # the empty network cannot fit
        assert fractions[-1] == 1.0 and widths[-1] >= dim


@pytest.mark.slow
def test_reproduce_writes_a_png(quick_run):
    from matplotlib import image

    _, out = quick_run
    pixels = image.imread(out / "kazemipour-fig2.png")  # fails unless the whole file decodes
    height, width, channels = pixels.shape
    # A figure saved at 150 dpi (qlcore.viz.style) is a few inches on a side: hundreds to a few
    # thousand pixels, in colour, and not one flat colour.
    assert 300 <= width <= 6000 and 200 <= height <= 6000, pixels.shape
    assert channels in (3, 4)
    assert pixels[..., :3].std() > 0.01, "the figure is blank"


@pytest.mark.slow
def test_fig3_plots_the_same_result(quick_run):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from qlcore.experiments import kazemipour_fig3

    _, out = quick_run
    result = json.loads((out / "kazemipour-fig2.json").read_text())
    fig = kazemipour_fig3.plot(result)
    try:
        assert len(fig.axes) == 2 * 3  # planted models x variants
        assert all(ax.get_yscale() == "log" for ax in fig.axes)
    finally:
        plt.close(fig)


@pytest.mark.slow
def test_cli_does_not_write_a_cache(quick_run):
    _, out = quick_run
    assert not (out / ".qlcore-cache").exists()


# ------------------------------------------------------------------- the cache of reproduce()


@pytest.fixture
def counted_compute(monkeypatch, tmp_path):
    """Point the cache at tmp_path and replace compute() by a cheap counting fake."""
    monkeypatch.setenv("QLCORE_CACHE", str(tmp_path / "cache"))
    calls = []

    def fake_compute(figure_id, scale, seed=0, *, device="cpu", progress=None):
        calls.append((figure_id, scale, seed))
        return {"figure": figure_id, "scale": scale, "seed": seed, "value": [1.5, len(calls)]}

    monkeypatch.setattr(reproduce, "compute", fake_compute)
    return calls, tmp_path / "cache"


def test_reproduce_caches_the_result(counted_compute):
    calls, cache = counted_compute
    first = reproduce.reproduce("kazemipour-fig2", "quick", seed=3)
    assert len(calls) == 1
    assert len(list(cache.glob("*.json"))) == 1
    second = reproduce.reproduce("kazemipour-fig2", "quick", seed=3)
    assert len(calls) == 1  # served from the cache, not recomputed
    assert second == first


def test_cache_key_has_figure_run_scale_and_seed(counted_compute):
    calls, cache = counted_compute
    reproduce.reproduce("kazemipour-fig2", "quick", seed=3)
    reproduce.reproduce("kazemipour-fig2", "quick", seed=4)  # another seed: recomputed
    reproduce.reproduce("kazemipour-fig2", "paper", seed=3)  # another scale: recomputed
    assert len(calls) == 3
    reproduce.reproduce("kazemipour-fig3", "quick", seed=3)  # Fig. 3 shares Fig. 2's run
    assert len(calls) == 3
    names = [p.name for p in cache.glob("*.json")]
    assert len(names) == 3
    assert all(reproduce.source_hash("kazemipour-fig2") in name for name in names)


def test_use_cache_false_always_computes(counted_compute):
    calls, cache = counted_compute
    reproduce.reproduce("kazemipour-fig2", "quick", use_cache=False)
    reproduce.reproduce("kazemipour-fig2", "quick", use_cache=False)
    assert len(calls) == 2
    assert not cache.exists()


def test_reproduce_rejects_bad_ids(counted_compute):
    calls, _ = counted_compute
    with pytest.raises(ValueError, match="scale"):
        reproduce.reproduce("kazemipour-fig2", "medium")
    with pytest.raises(ValueError, match="figure"):
        reproduce.reproduce("no-such-figure", "quick")
    assert calls == []


def test_reproduce_takes_a_current_shipped_result_unless_fresh(tmp_path):
    shipped = json.loads(reproduce.shipped_path("sarao-figb6").read_text())
    shipped["provenance"]["marker"] = "from results/"
    # current for the code as it is now, whether or not results/ has been refreshed yet
    shipped["provenance"]["source_hash"] = reproduce.source_hash("sarao-figb6")
    folder = tmp_path / "results"
    folder.mkdir()
    (folder / reproduce.shipped_path("sarao-figb6").name).write_text(json.dumps(shipped))
    env = {reproduce.SHIPPED_ENV: str(folder), "QLCORE_CACHE": str(tmp_path / "cache")}
    for fresh, expected in (((), "from results/"), (("--fresh",), None)):
        out = tmp_path / f"out{len(fresh)}"
        done = run_cli("reproduce", "sarao-figb6", "--out", str(out), *fresh, env=env)
        assert done.returncode == 0, done.stderr[-2000:]
        result = json.loads((out / "sarao-figb6.json").read_text())
        assert result["provenance"].get("marker") == expected


# ------------------------------------------------ user errors: a message, exit 2, no traceback


def assert_usage_error(done, *words):
    assert done.returncode == 2, done.stderr[-3000:]
    assert "Traceback" not in done.stderr
    assert done.stderr.strip().splitlines()[-1].startswith(("error: ", "qlcore reproduce: error"))
    for word in words:
        assert word in done.stderr


@pytest.mark.parametrize("where", ["a file", "under a file", "too long a name"])
def test_an_unusable_out_folder_is_refused_before_any_work(tmp_path, where):
    a_file = tmp_path / "a-file"
    a_file.write_text("keep me")
    out = {
        "a file": a_file,
        "under a file": a_file / "sub",
        "too long a name": tmp_path / ("x" * 300),
    }[where]
    env = {"QLCORE_CACHE": str(tmp_path / "cache")}
    done = run_cli("reproduce", "sarao-figb6", "--scale", "quick", "--out", str(out), env=env)
    assert_usage_error(done, "--out", str(out)[:50])
    assert a_file.read_text() == "keep me"
    assert not (tmp_path / "cache").exists()  # nothing was computed


@pytest.mark.parametrize("seed", ["-1", "abc", "1.5"])
def test_a_bad_seed_is_refused_naming_the_seed(tmp_path, seed):
    done = run_cli(
        "reproduce", "sarao-figb6", "--scale", "quick", "--out", str(tmp_path), "--seed", seed
    )
    assert_usage_error(done, "seed")


@pytest.mark.parametrize("device", ["cuda", "tpu"])
def test_the_cli_refuses_a_device_it_cannot_use(tmp_path, device):
    done = run_cli(
        "reproduce", "sarao-fig1", "--scale", "quick", "--out", str(tmp_path), "--device", device
    )
    assert_usage_error(done, "--device", repr(device))
    assert not list(tmp_path.iterdir())


@pytest.mark.skipif(__import__("torch").cuda.is_available(), reason="this machine has CUDA")
@pytest.mark.parametrize("figure", sorted(REGISTRY))
def test_every_figure_refuses_cuda_without_cuda_and_unknown_devices(figure, monkeypatch, tmp_path):
    monkeypatch.setenv("QLCORE_CACHE", str(tmp_path))
    module = figure_module(figure)
    monkeypatch.setattr(module, "run", lambda *args, **kwargs: pytest.fail("run was called"))
    for device in ("cuda", "cuda:0", "tpu", "gpu", 0):
        for call in (reproduce.compute, reproduce.reproduce):
            with pytest.raises(InputError, match="^device") as caught:
                call(figure, "quick", 0, device=device)
            assert caught.value.argument == "device"
    assert not list(tmp_path.iterdir())


def test_devices_are_declared_by_each_figure():
    for figure in REGISTRY:
        devices = supported_devices(figure)
        assert devices[0] == "cpu" and set(devices) <= {"cpu", "cuda"}
    assert supported_devices("kazemipour-fig2") == ("cpu", "cuda")  # trains with torch
    assert supported_devices("kazemipour-fig3") == ("cpu", "cuda")  # the same run
    assert supported_devices("sarao-fig1") == ("cpu",)  # NumPy


def test_an_unreachable_scheduler_fails_within_seconds_naming_it(tmp_path):
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        address = f"tcp://127.0.0.1:{probe.getsockname()[1]}"
    env = {"QLCORE_CACHE": str(tmp_path / "cache")}
    done = run_cli(
        "reproduce",
        "sarao-fig2",
        "--scale",
        "quick",
        "--out",
        str(tmp_path / "out"),
        "--scheduler",
        address,
        env=env,
        # The connection gives up after sweep.CONNECT_TIMEOUT_S (5 s); a command still running
        # long after that would be waiting forever: a hang guard, not a speed test.
        timeout=300,
    )
    assert_usage_error(done, address, "cannot connect")


def test_a_scheduler_that_does_not_speak_dask_fails_within_seconds(tmp_path):
    with socket.socket() as silent:  # accepts connections, never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        address = f"tcp://127.0.0.1:{silent.getsockname()[1]}"
        # The socket never answers: without a connection timeout (sweep.CONNECT_TIMEOUT_S) this
        # call would wait forever, so getting the error back at all shows the timeout applies.
        with pytest.raises(QLCoreError, match=f"cannot connect to a Dask scheduler at {address}"):
            run_sweep_on(address)


def run_sweep_on(address):
    return sweep.run_sweep(run_cli, [{"x": 1}], scheduler=address)  # never runs: no scheduler


def test_library_errors_exit_2_with_one_line(monkeypatch, capsys, tmp_path):
    def too_large(*args, **kwargs):
        raise TooLargeError(
            "dim: needs 9 TiB; pass a smaller dim",
            argument="dim",
            estimate=1,
            limit=0,
            unit="bytes",
        )

    monkeypatch.setattr(reproduce, "reproduce", too_large)
    code = cli.main(["reproduce", "sarao-figb6", "--scale", "quick", "--out", str(tmp_path)])
    assert code == 2
    assert capsys.readouterr().err.splitlines()[-1] == "error: dim: needs 9 TiB; pass a smaller dim"


def test_ctrl_c_exits_130(monkeypatch, tmp_path):
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(reproduce, "reproduce", interrupted)
    assert cli.main(["reproduce", "sarao-figb6", "--scale", "quick", "--out", str(tmp_path)]) == 130


def test_list_into_a_closed_pipe_ends_quietly():
    # `python -m qlcore list | head -1`, with the reader gone before the first write
    child = subprocess.Popen(
        [sys.executable, "-m", "qlcore", "list"], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    child.stdout.close()
    err = child.stderr.read().decode()
    child.wait(timeout=120)
    assert err == ""
    assert child.returncode == 1
    piped = subprocess.run(
        f"{sys.executable} -m qlcore list | head -1", shell=True, capture_output=True, text=True
    )
    assert piped.stderr == "" and piped.stdout.startswith("cover-efron")


# ------------------------------------------------------------------ where files go


def test_help_and_output_say_where_the_cache_goes(tmp_path):
    done = run_cli("reproduce", "--help")
    assert done.returncode == 0
    assert "~/.cache/qlcore" in done.stdout and "QLCORE_CACHE" in done.stdout
    env = dict(os.environ, HOME=str(tmp_path / "home"), TQDM_DISABLE="1")
    env.pop("QLCORE_CACHE", None)
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "qlcore",
            "reproduce",
            "sarao-figb6",
            "--scale",
            "quick",
            "--out",
            str(tmp_path / "out"),
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    default = str(tmp_path / "home" / ".cache" / "qlcore")
    assert default in done.stderr  # said before computing
    assert default in done.stdout  # and in the summary
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "sarao-figb6.json",
        "sarao-figb6.png",
    ]  # written atomically: no temporary file left behind


def test_compute_points_torch_compile_scratch_into_the_cache(monkeypatch, tmp_path):
    monkeypatch.setenv("QLCORE_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("TRITON_CACHE_DIR", str(tmp_path / "mine"))  # the user's choice is kept
    monkeypatch.setenv("TORCHINDUCTOR_CACHE_DIR", "")
    seen = {}

    def fake_run(scale, seed, *, device="cpu", progress=None):
        seen.update({v: os.environ.get(v) for v in ("TORCHINDUCTOR_CACHE_DIR", "TRITON_CACHE_DIR")})
        return {"figure": "sarao-figb6"}

    module = figure_module("sarao-figb6")
    fake_run.__module__ = module.__name__  # the code hash is taken of the run's module
    monkeypatch.setattr(module, "run", fake_run)
    reproduce.compute("sarao-figb6", "quick")
    assert seen == {
        "TORCHINDUCTOR_CACHE_DIR": str(tmp_path / "cache" / "torchinductor"),
        "TRITON_CACHE_DIR": str(tmp_path / "mine"),
    }


def test_a_corrupt_cached_figure_is_reported_once_and_recomputed(counted_compute):
    calls, cache = counted_compute
    first = reproduce.reproduce("kazemipour-fig2", "quick", seed=3)
    (path,) = cache.glob("*.json")
    path.write_text(path.read_text()[:7])  # truncated, as by a crash of an older version
    with pytest.warns(RuntimeWarning, match=f"ignoring unreadable cached result {path}"):
        again = reproduce.reproduce("kazemipour-fig2", "quick", seed=3)
    assert len(calls) == 2 and again["value"][0] == first["value"][0]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert reproduce.reproduce("kazemipour-fig2", "quick", seed=3) == again  # repaired
    assert len(calls) == 2


def test_tls_options_go_together_and_name_files(tmp_path, capsys, monkeypatch):
    for variable in ("QLCORE_SCHEDULER", "QLCORE_TLS_CA_FILE", "QLCORE_TLS_CERT", "QLCORE_TLS_KEY"):
        monkeypatch.setenv(variable, "unset")
        monkeypatch.delenv(variable)  # restored (absent) after the test
    pem = tmp_path / "client.pem"
    pem.write_text("-----BEGIN CERTIFICATE-----\n")
    base = ["reproduce", "sarao-figb6", "--scale", "quick", "--out", str(tmp_path / "out")]
    tls = ["--scheduler", "tls://127.0.0.1:8786", "--tls-cert", str(pem)]
    assert cli.main([*base, *tls]) == 2
    assert "--tls-ca-file, --tls-key missing" in capsys.readouterr().err
    missing = str(tmp_path / "nowhere.pem")
    assert cli.main([*base, *tls, "--tls-ca-file", missing, "--tls-key", str(pem)]) == 2
    assert f"--tls-ca-file {missing} is not a file" in capsys.readouterr().err
    assert "QLCORE_SCHEDULER" not in os.environ  # nothing was set before the checks passed


def test_a_point_too_large_for_the_machine_is_a_usage_error_other_failures_are_not(
    monkeypatch, capsys, tmp_path
):
    cause = TooLargeError("n: needs 9 TiB", argument="n", estimate=1, limit=0, unit="bytes")
    failure = sweep.SweepPointError("f failed at points[0] = {}: TooLargeError: n: ...", 0, {})
    failure.__cause__ = cause

    def fails(*args, **kwargs):
        raise failure

    monkeypatch.setattr(reproduce, "reproduce", fails)
    args = ["reproduce", "sarao-figb6", "--scale", "quick", "--out", str(tmp_path)]
    assert cli.main(args) == 2
    assert capsys.readouterr().err.splitlines()[-1].startswith("error: f failed at points[0]")
    failure.__cause__ = InputError("seed must be an integer", argument="seed")  # a bug inside
    with pytest.raises(sweep.SweepPointError):
        cli.main(args)


def test_sigterm_ends_the_command_and_its_workers(tmp_path):
    """``kill PID`` during a sweep: exit 143 and no worker process left running."""
    psutil = pytest.importorskip("psutil")
    env = dict(os.environ, QLCORE_CACHE=str(tmp_path / "cache"), TQDM_DISABLE="1")
    command = [sys.executable, "-m", "qlcore", "reproduce", "sarao-uniqueness", "--fresh"]
    run = subprocess.Popen(
        [*command, "--scale", "paper", "--out", str(tmp_path / "out")],
        env=env,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    family, deadline = [], time.monotonic() + 120
    while len(family) < 3 and time.monotonic() < deadline and run.poll() is None:
        time.sleep(0.2)
        family = psutil.Process(run.pid).children(recursive=True)
    assert len(family) >= 3, "the sweep's worker processes never started"
    run.send_signal(signal.SIGTERM)  # to the command only, as `kill PID` does
    assert run.wait(timeout=60) == 128 + signal.SIGTERM
    _, alive = psutil.wait_procs(family, timeout=10)
    assert alive == []
