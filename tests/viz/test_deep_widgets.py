"""Chapter 5's explorer of excess NMSE per width."""

import numpy as np
import pytest

from qlcore.infra.checks import InputError
from qlcore.viz import deep_widgets


def _result():
    excess = np.array([[[0.0, 0.2], [1e-3, 0.5]]])  # (data sets, runs, widths)
    cell = {"excess_nmse": excess.tolist()}
    return {
        "settings": {"widths": [5, 10]},
        "success_tolerance": 0.005,
        "kinds": ["planted", "independent"],
        "cells": {"planted": cell, "independent": cell},
    }


def test_histograms_count_the_runs_that_reach_the_optimum():
    figure = deep_widgets.excess_histograms(_result(), 0, {"planted": "Planted"})
    titles = [ax.get_title() for ax in figure.axes]
    assert titles[0] == "Planted, h₁ = 5: 2 of 2 reach the optimum"
    assert titles[1].startswith("independent, h₁ = 5")
    assert (
        deep_widgets.excess_histograms(_result(), 1)
        .axes[0]
        .get_title()
        .endswith("0 of 2 reach the optimum")
    )


def test_explorer_has_one_frame_per_width():
    explorer = deep_widgets.excess_explorer(_result())
    assert len(explorer.children[1].children) == 2


@pytest.mark.parametrize(
    ("call", "argument"),
    [
        (lambda: deep_widgets.excess_histograms({}, 0), "result"),
        (lambda: deep_widgets.excess_histograms(_result(), 2), "width_index"),
        (lambda: deep_widgets.excess_histograms(_result(), 0, titles="x"), "titles"),
    ],
)
def test_named_errors(call, argument):
    with pytest.raises(InputError) as error:
        call()
    assert error.value.argument == argument
