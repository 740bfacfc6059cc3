"""The penalty-weight experiment: Table 1's gamma against twice the theorem's threshold."""

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


@pytest.fixture(scope="module")
def quick():
    return experiment.run("quick", progress=False)


@pytest.mark.slow
def test_quick_run_layout(quick):
    widths = quick["settings"]["widths"]
    assert quick["rules"] == ["table-1", "theorem"]
    for model in data.TARGET_MODELS:
        for rule in quick["rules"]:
            cell = quick["cells"][model][rule]
            assert np.shape(cell["excess_nmse"]) == (quick["settings"]["n_datasets"], len(widths))
            assert np.shape(cell["trace_excess_nmse"]) == (len(widths), len(quick["trace_epochs"]))
            success = np.asarray(cell["excess_nmse"]) <= quick["success_tolerance"]
            np.testing.assert_allclose(cell["success_fraction"], success.mean(axis=0))


@pytest.mark.slow
def test_theorem_weight_converges_where_table_1_weight_does_not(quick):
    # the chapter's finding, at quick scale: non-planted data, widths k >= d
    widths, dim = quick["settings"]["widths"], quick["settings"]["dim"]
    wide = [i for i, k in enumerate(widths) if k >= dim]
    cells = quick["cells"]["non-planted"]
    assert np.all(np.asarray(cells["theorem"]["success_fraction"])[wide] == 1.0)
    assert np.all(np.asarray(cells["table-1"]["success_fraction"])[wide] == 0.0)
    table1 = np.asarray(cells["table-1"]["trace_excess_nmse"])[wide[0]]
    assert table1[-1] < table1[0]  # it is descending, not stuck at a critical point
