"""Fig. 2 of Kazemipour et al.: the relative criterion and the chapter's claims on a result.

The results here are made by hand in the layout of ``kazemipour_fig2.run`` (no training): each
claim must hold on a result where it is true and fail on one changed where it is wrong.
"""

import copy

import numpy as np
import pytest

from qlcore.experiments import kazemipour_fig2 as fig2
from qlcore.infra.checks import InputError
from qlcore.model import data, networks

DIM, WIDTHS = 2, [0, 1, 2, 3]
LEAST_SQUARES = {"planted-diagonal": [0.0], "planted-gaussian": [0.0], "non-planted": [0.9]}
TOL = fig2.SUCCESS_TOLERANCE


def _cell(excess, model):
    excess = np.asarray(excess, dtype=float).reshape(1, 1, len(WIDTHS))
    return {
        "excess_nmse": excess.tolist(),
        "relative_excess": fig2.relative_excess(excess, LEAST_SQUARES[model]).tolist(),
    }


@pytest.fixture
def result():
    """Every claim true: added norm and orthogonality reach the optimum from k = d, the regular
    network fails at k = d in the planted models, and on the non-planted model the regular
    network at k = 1 < d passes the absolute criterion (excess 0.003) but not the relative one
    (0.003 / 0.1 = 0.03), while from k = d both criteria agree."""
    excess = {
        "regular": [1.0, 0.5, 0.2, 0.0],
        "added-norm": [1.0, 0.5, 0.0, 0.0],
        "orthogonality": [1.0, 0.5, 1e-6, 1e-6],
    }
    cells = {}
    for model in data.TARGET_MODELS:
        cells[model] = {name: _cell(excess[name], model) for name in networks.VARIANTS}
    cells["non-planted"]["regular"] = _cell([1.0, 0.003, 0.0, 0.0], "non-planted")
    return {
        "figure": fig2.FIGURE_ID,
        "settings": {"dim": DIM, "widths": WIDTHS},
        "success_tolerance": TOL,
        "cells": cells,
    }


def _set(result, model, name, width, value):
    changed = copy.deepcopy(result)
    cell = changed["cells"][model][name]
    w = WIDTHS.index(width)
    cell["excess_nmse"][0][0][w] = value
    cell["relative_excess"][0][0][w] = value / (1.0 - LEAST_SQUARES[model][0])
    return changed


def test_all_claims_hold_on_the_reference(result):
    assert fig2.claims(result) == dict.fromkeys(
        (
            "added_norm_global_from_d",
            "orthogonality_global_from_d",
            "regular_fails_at_d",
            "criteria_agree_on_non_planted",
            "absolute_accepts_below_d",
        ),
        True,
    )


@pytest.mark.parametrize(
    ("key", "model", "name", "width", "value"),
    [
        # one added-norm trial beyond k = d above the tolerance
        ("added_norm_global_from_d", "planted-gaussian", "added-norm", 3, 2 * TOL),
        ("orthogonality_global_from_d", "non-planted", "orthogonality", 2, 0.5),
        # the regular network at k = d succeeding everywhere: set in both planted models below
        ("criteria_agree_on_non_planted", "non-planted", "added-norm", 3, 0.003),
    ],
)
def test_each_claim_fails_where_it_is_wrong(result, key, model, name, width, value):
    assert not fig2.claims(_set(result, model, name, width, value))[key]


def test_regular_claim_fails_when_the_regular_network_succeeds_at_d(result):
    changed = _set(result, "planted-diagonal", "regular", DIM, 0.0)
    assert fig2.claims(changed)["regular_fails_at_d"]  # the other planted model still fails
    changed = _set(changed, "planted-gaussian", "regular", DIM, 0.0)
    assert not fig2.claims(changed)["regular_fails_at_d"]


def test_below_d_claim_fails_when_no_narrow_network_passes(result):
    changed = _set(result, "non-planted", "regular", 1, 0.5)
    assert not fig2.claims(changed)["absolute_accepts_below_d"]


def test_disagreements_name_the_width_and_count(result):
    assert fig2.criteria_disagreements(result) == {
        "regular": {1: 1},
        "added-norm": {},
        "orthogonality": {},
    }
    assert fig2.criteria_disagreements(result, "planted-diagonal") == dict.fromkeys(
        networks.VARIANTS, {}
    )


def test_relative_excess_divides_by_the_explainable_part():
    excess = np.array([[0.01, 0.02], [0.01, 0.02]])
    # planted data set (nothing unexplainable): unchanged; NMSE_LS = 0.96: 25 times larger
    np.testing.assert_allclose(
        fig2.relative_excess(excess, [0.0, 0.96]), [[0.01, 0.02], [0.25, 0.5]]
    )


@pytest.mark.parametrize(
    ("excess", "least_squares", "argument"),
    [
        (np.zeros((2, 3)), [0.5], "excess_nmse"),
        (0.1, [0.5], "excess_nmse"),
        (np.zeros((1, 3)), [1.0], "least_squares_nmse"),
    ],
)
def test_relative_excess_bad_input(excess, least_squares, argument):
    with pytest.raises(InputError) as info:
        fig2.relative_excess(excess, least_squares)
    assert info.value.argument == argument


def test_claims_need_the_width_d(result):
    result["settings"]["widths"] = [0, 1, 3]
    with pytest.raises(InputError):
        fig2.claims(result)
