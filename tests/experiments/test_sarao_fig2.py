"""Claims of chapter 4's Fig. 2 cell: true on the quick result, false on results where they fail."""

import copy

import numpy as np
import pytest

from qlcore.experiments import sarao_fig2


@pytest.fixture(scope="module")
def result():
    return sarao_fig2.run("quick", 0, progress=False)


def test_claims_hold_on_the_quick_result(result):
    assert sarao_fig2.claims(result) == {"t2_limit": True, "exponential_rate": True}


def test_a_wrong_t2_constant_is_caught(result):
    wrong = copy.deepcopy(result)
    for curve in wrong["panels"][0]["curves"]:
        curve["t2_constant"] *= 1.02  # 2% off: the deviation stays at 2% instead of shrinking
    assert not sarao_fig2.claims(wrong)["t2_limit"]


def test_a_slower_than_t2_decay_is_caught(result):
    wrong = copy.deepcopy(result)
    t = np.asarray(wrong["t"])
    curve = wrong["panels"][1]["curves"][0]
    curve["loss"] = (np.asarray(curve["loss"]) * (1 + np.log1p(t))).tolist()  # t^-2 log t
    assert not sarao_fig2.claims(wrong)["t2_limit"]


def test_a_wrong_exponential_rate_is_caught(result):
    wrong = copy.deepcopy(result)
    for curve in wrong["panels"][3]["curves"]:
        curve["kappa_min"] *= 1.1  # the measured rate is then 10% below 2 kappa_min throughout
    assert not sarao_fig2.claims(wrong)["exponential_rate"]


def test_rate_deviation_is_measured_on_the_tail(result):
    # a pure exponential at exactly 2 kappa_min has no deviation at either point
    pure = copy.deepcopy(result)
    t = np.asarray(pure["t"])
    for panel in pure["panels"][2:]:
        for curve in panel["curves"]:
            curve["loss"] = np.exp(-2 * curve["kappa_min"] * t).tolist()
            curve["loss"] = np.maximum(curve["loss"], 1e-300).tolist()
    for early, end in sarao_fig2.rate_deviations(pure):
        assert early < 1e-9 and end < 1e-9
