"""The penalty-weight experiment: Table 1's gamma against twice the theorem's threshold.

The quick run is checked for what follows from the construction (layout, success fractions as
defined, the least-squares bound, the deterministic start), not for which rule succeeds at
quick scale: that outcome is the experiment's finding, which the chapter reports either way."""

import numpy as np
import pytest

from qlcore.experiments import kazemipour_penalty_weight as experiment
from qlcore.model import data


def test_penalty_rules():
    y = np.array([1.0, -2.0, 3.0, 0.5])
    assert experiment._penalty_weight("table-1", y) == pytest.approx(np.sum(y**2))
    assert experiment._penalty_weight("theorem", y) == pytest.approx(2 * np.mean(y**2))
    # twice the threshold of Theorem 3.1(2), gamma > mean y^2
    assert experiment._penalty_weight("theorem", y) > np.mean(y**2)
    # Table 1's weight is N / 2 times the theorem rule's (N / 1 times the threshold)
    assert experiment._penalty_weight("table-1", y) == pytest.approx(
        len(y) / 2 * experiment._penalty_weight("theorem", y)
    )


@pytest.fixture(scope="module")
def quick():
    return experiment.run("quick", progress=False)


@pytest.mark.slow
def test_quick_run_layout(quick):
    widths = quick["settings"]["widths"]
    n_datasets = quick["settings"]["n_datasets"]
    assert quick["rules"] == ["table-1", "theorem"]
    for model in data.TARGET_MODELS:
        for rule in quick["rules"]:
            cell = quick["cells"][model][rule]
            assert np.shape(cell["excess_nmse"]) == (n_datasets, len(widths))
            assert np.shape(cell["trace_excess_nmse"]) == (len(widths), len(quick["trace_epochs"]))
            success = np.asarray(cell["excess_nmse"]) <= quick["success_tolerance"]
            np.testing.assert_allclose(cell["success_fraction"], success.mean(axis=0))


@pytest.mark.slow
def test_excess_above_least_squares(quick):
    # the lifted least squares minimises the loss over every quadratic form, so no network's
    # NMSE lies below it (up to rounding), whatever its weight, width or training
    for model in data.TARGET_MODELS:
        for rule in quick["rules"]:
            cell = quick["cells"][model][rule]
            assert np.min(cell["excess_nmse"]) >= -1e-6
            assert np.min(cell["trace_excess_nmse"]) >= -1e-6


@pytest.mark.slow
def test_start_and_wide_networks_follow_from_the_construction(quick):
    widths, dim = quick["settings"]["widths"], quick["settings"]["dim"]
    wide = [i for i, k in enumerate(widths) if k >= dim]
    assert quick["trace_epochs"][0] == 0
    for model in data.TARGET_MODELS:
        cells = quick["cells"][model]
        # the start (lambda = 0, Q = I) is the same for both weights, and the penalty is not part
        # of the NMSE: the traces start at the same value
        np.testing.assert_allclose(
            np.asarray(cells["table-1"]["trace_excess_nmse"])[:, 0],
            np.asarray(cells["theorem"]["trace_excess_nmse"])[:, 0],
            rtol=1e-6,
            atol=1e-9,
        )
        # from Q = [I 0] the units beyond d start at zero and receive no gradient, so every
        # k >= d trains the same network: one outcome per data set and rule across those widths
        for rule in quick["rules"]:
            excess = np.asarray(cells[rule]["excess_nmse"])[:, wide]
            np.testing.assert_allclose(
                excess, excess[:, :1].repeat(len(wide), axis=1), rtol=1e-5, atol=1e-9
            )
