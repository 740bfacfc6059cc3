"""Shared settings for the qlcore unit tests."""

import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tools"))

# No progress bars in test logs (the trainers and the CLI honour TQDM_DISABLE).
os.environ.setdefault("TQDM_DISABLE", "1")
# The problems here are tiny: one intra-op thread is fastest, and on a busy machine more threads
# make torch spin (the quick CLI run takes ~7 s with one thread, ~70 s with two on 2 busy cores).
# Set before torch is imported; subprocesses (the CLI tests) inherit it.
os.environ.setdefault("OMP_NUM_THREADS", "1")

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def toc_pages():
    """Document names listed in _toc.yml, root first (e.g. 'book/intro')."""
    import yaml

    toc = yaml.safe_load((Path(__file__).resolve().parents[1] / "_toc.yml").read_text())
    pages = [toc["root"]]

    def walk(entries):
        for entry in entries or []:
            if "file" in entry:
                pages.append(entry["file"])
            walk(entry.get("sections"))

    walk(toc.get("chapters"))
    for part in toc.get("parts") or []:
        walk(part.get("chapters"))
    return [str(Path(p).with_suffix("")) if p.endswith((".md", ".ipynb")) else p for p in pages]


@pytest.fixture(scope="module")
def browser():
    """Headless Chromium for the browser tests (tools/headless_chromium.py), one per module."""
    from playwright.sync_api import sync_playwright

    from headless_chromium import launch

    with sync_playwright() as playwright:
        chromium = launch(playwright)
        yield chromium
        chromium.close()


def reproduce_quick_via_cli(tmp_path_factory, figures, extra_args=()):
    """`python -m qlcore reproduce FIGURE --scale quick --out DIR [extra_args]` for each figure,
    in order, on one fresh cache (QLCORE_CACHE and QLCORE_SCHEDULER are restored afterwards).

    Returns ``({figure: result}, DIR)`` after checking every exit code and PNG."""
    import json

    from qlcore import cli

    out = tmp_path_factory.mktemp("out")
    patch = pytest.MonkeyPatch()
    patch.setenv("QLCORE_CACHE", str(tmp_path_factory.mktemp("cache")))
    patch.setenv("QLCORE_SCHEDULER", "unset")
    patch.delenv("QLCORE_SCHEDULER")  # the CLI's --scheduler sets it; restored (absent) below
    try:
        codes = [
            cli.main(["reproduce", figure, "--scale", "quick", "--out", str(out), *extra_args])
            for figure in figures
        ]
    finally:
        patch.undo()
    assert codes == [0] * len(figures)
    for figure in figures:
        assert (out / f"{figure}.png").read_bytes()[:8] == PNG_MAGIC
    return {figure: json.loads((out / f"{figure}.json").read_text()) for figure in figures}, out


def run_quick(tmp_path_factory, module) -> dict:
    """``module.run("quick", 0, progress=False)`` on a fresh cache, without progress bars and
    without QLCORE_SCHEDULER (QLCORE_CACHE, TQDM_DISABLE and QLCORE_SCHEDULER are restored
    afterwards). For module-scoped fixtures: ``return run_quick(tmp_path_factory, module)``."""
    import pytest

    patch = pytest.MonkeyPatch()
    patch.setenv("QLCORE_CACHE", str(tmp_path_factory.mktemp("cache")))
    patch.setenv("TQDM_DISABLE", "1")
    patch.delenv("QLCORE_SCHEDULER", raising=False)
    try:
        return module.run("quick", 0, progress=False)
    finally:
        patch.undo()


def only_false(verdict: dict, *broken: str) -> None:
    """The claims in ``broken`` are False and every other one in ``verdict`` is True (for a
    ``claims()`` verdict on a result doctored to break exactly ``broken``)."""
    assert {name for name, value in verdict.items() if value is not True} == set(broken), verdict
    assert all(verdict[name] is False for name in broken)


def check_figure_contract(module, result: dict, axes: int) -> None:
    """What every figure module promises of its quick-scale ``result`` (``module.run("quick", 0)``):

    - every claim is True;
    - the result survives a strict JSON round trip, stays under 200 kB (reduced data) and records
      its figure id, scale ``"quick"``, seed 0 and the quick settings;
    - ``plot`` returns a matplotlib Figure with ``axes`` axes, each titled (closed afterwards);
    - ``claims`` and ``plot`` refuse ``{}`` and ``"x"`` with an InputError naming ``result``;
    - the module is registered under its FIGURE_ID, computes on the CPU only
      (``DEVICES == ("cpu",)``) and ``run`` refuses ``device="cuda"`` naming the CPU."""
    import json

    import pytest
    from matplotlib import pyplot as plt
    from matplotlib.figure import Figure

    from qlcore.experiments.registry import REGISTRY
    from qlcore.infra.checks import InputError

    verdict = module.claims(result)
    assert verdict and all(value is True for value in verdict.values()), verdict

    assert json.loads(json.dumps(result, allow_nan=False)) == result
    assert result["figure"] == module.FIGURE_ID
    assert result["scale"] == "quick" and result["seed"] == 0
    assert result["settings"] == module.SCALE_SETTINGS["quick"]
    assert len(json.dumps(result)) < 200_000  # reduced data: kilobytes

    figure = module.plot(result)
    try:
        assert isinstance(figure, Figure)
        assert len(figure.axes) == axes
        assert all(ax.get_title() for ax in figure.axes)
    finally:
        plt.close(figure)

    for call in (module.claims, module.plot):
        for bad in ({}, "x"):
            with pytest.raises(InputError, match="^result must be") as caught:
                call(bad)
            assert caught.value.argument == "result"

    assert REGISTRY[module.FIGURE_ID] == module.__name__
    assert module.DEVICES == ("cpu",)
    with pytest.raises(ValueError, match="CPU"):
        module.run("quick", 0, device="cuda")
