"""The command line (`python -m qlcore`) and the result cache of qlcore.reproduce."""

import json
import os
import subprocess
import sys

import pytest

import qlcore
from qlcore import reproduce
from qlcore.experiments import REGISTRY

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
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def run_cli(*args, cwd=None, env=None):
    env = dict(os.environ, TQDM_DISABLE="1", **(env or {}))
    return subprocess.run(
        [sys.executable, "-m", "qlcore", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        timeout=600,
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
    _, out = quick_run
    png = (out / "kazemipour-fig2.png").read_bytes()
    assert len(png) > 1000
    assert png.startswith(PNG_MAGIC)


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
