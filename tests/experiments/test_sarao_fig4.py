"""The sarao-fig4 figure (string method of Sarao Mannelli et al. §6), quick scale, via the CLI."""

import numpy as np
import pytest

from conftest import reproduce_quick_via_cli
from qlcore.experiments import sarao_fig4


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    """`python -m qlcore reproduce sarao-fig4 --scale quick --out DIR` on a fresh cache."""
    return reproduce_quick_via_cli(tmp_path_factory, ["sarao-fig4"])[0]["sarao-fig4"]


def test_grid_and_instances(result):
    settings = sarao_fig4.SCALE_SETTINGS["quick"]
    assert [(c["d"], c["n"]) for c in result["cells"]] == [
        (d, n) for d in settings["dims"] for n in settings["n_values"]
    ]
    for cell in result["cells"]:
        assert cell["n_critical"] == 2 * cell["d"] - 1
        assert len(cell["instances"]) == settings["trials"]
        for run in cell["instances"]:
            assert len(run["training"]) == settings["n_images"]
            assert run["training"][0] == run["population"][0] == 1  # normalised at A(0) = I
            assert run["training"][-1] == run["population"][-1] == 0  # zero at A*
            assert run["ends_fixed"] and run["min_eigenvalue"] >= -1e-12


def test_flat_stretch_below_threshold_and_none_above_agreeing_with_the_sdp(result):
    first, *_, last = result["cells"]
    below, above = first["instances"][0], last["instances"][0]
    assert first["n"] <= first["d"] and not below["sdp_unique"]
    assert below["stretch_fraction"] > 0.2 and below["sharpness"] < 1e-10
    assert above["sdp_unique"] and above["stretch"] == 0 and above["sharpness"] > 1e-2
    assert all(cell["n_agree"] == len(cell["instances"]) for cell in result["cells"])


def test_claims_hold_at_quick_scale(result):
    assert result["claims"] == {key: True for key in result["claims"]}
    assert set(result["claims"]) == {
        "flat_when_n_le_d",
        "sharp_when_injective",
        "flat_stretch_shrinks_with_n",
        "losses_align_with_n",
    }


def test_claims_can_fail():
    """A string with a flat stretch at large n breaks two claims (the checks are not vacuous)."""
    flat = {"stretch": 1.0, "loss_correlation": 0.5}
    sharp = {"stretch": 0.0, "loss_correlation": 0.9}
    cells = [{"d": 3, "n": 3, "instances": [flat]}, {"d": 3, "n": 9, "instances": [flat]}]
    claims = sarao_fig4.claims(cells)
    assert not claims["sharp_when_injective"] and not claims["flat_stretch_shrinks_with_n"]
    assert claims["flat_when_n_le_d"]
    cells[1]["instances"] = [sharp]
    assert all(sarao_fig4.claims(cells).values())
    cells[1]["instances"] = [dict(sharp, loss_correlation=0.4)]  # losses no better aligned
    assert not sarao_fig4.claims(cells)["losses_align_with_n"]
    cells[0]["instances"] = [dict(flat, stretch=0.0)]  # no flat stretch although n <= d
    assert not sarao_fig4.claims(cells)["flat_when_n_le_d"]


def test_plot_has_a_loss_and_a_curvature_panel_per_n(result):
    figure = sarao_fig4.plot(result)
    assert len(figure.axes) == 2 * len(result["settings"]["n_values"])
    assert figure.axes[len(result["settings"]["n_values"])].get_yscale() == "log"
    assert np.isclose(figure.axes[-1].lines[-1].get_ydata()[0], result["settings"]["zero_tol"])
