"""Chapter 6's explorer of the isotropic start against the energy barrier."""

import re

import matplotlib
import numpy as np
import pytest

from qlcore.infra.checks import InputError
from qlcore.stationary import points
from qlcore.viz import stationary_widgets

matplotlib.use("Agg", force=True)

DRAWS = 60


def _fraction(title: str) -> float:
    match = re.fullmatch(r"(\w+): P\(below barrier\) = ([0-9.e+-]+)", title)
    assert match, title
    return float(match.group(2))


@pytest.mark.parametrize(("dim", "ratio"), [(5, 2), (6, 4), (4, 0.5)])
def test_titles_give_the_fraction_of_starts_below_the_barrier(dim, ratio):
    laws = ("gaussian", "uniform", "laplace")
    figure = stationary_widgets.start_histograms(dim, ratio, laws, draws=DRAWS, seed=3)
    assert len(figure.axes) == len(laws)
    for ax, law in zip(figure.axes, laws):
        assert ax.get_title().startswith(f"{law}: ")
        ratios = points.population_init_point(dim, ratio, DRAWS, law, 3)["start_over_barrier"]
        expected = float(np.mean(np.asarray(ratios) < 1))
        assert _fraction(ax.get_title()) == pytest.approx(expected, rel=5e-3, abs=5e-4)
        assert ax.get_xscale() == "log"


def test_one_panel_per_law_and_the_lines_it_marks():
    figure = stationary_widgets.start_histograms(5, 4, ("uniform",), draws=DRAWS)
    (ax,) = figure.axes
    lines = {line.get_label(): line.get_xdata()[0] for line in ax.get_lines()}
    assert lines["barrier"] == 1.0
    rows = 100
    typical = (np.sqrt(rows) - np.sqrt(5)) ** 4
    heuristic = 2 * rows * 5 * ((1.8 - 3) + 7) / (0.8 * typical)  # uniform: mu4 = 9/5
    assert lines["heuristic"] == pytest.approx(heuristic)


def test_explorer_has_one_labelled_frame_per_pair():
    explorer = stationary_widgets.start_explorer(
        dims=(4, 10), ratios=(0.5, 4), laws=("gaussian",), draws=20
    )
    header, stack = explorer.children
    assert len(stack.children) == 4
    labels = [label.value for label in header.children[1].children]
    assert labels == [
        "d = 4, m = 8 (m/d² = 0.5)",
        "d = 4, m = 64 (m/d² = 4)",
        "d = 10, m = 50 (m/d² = 0.5)",
        "d = 10, m = 400 (m/d² = 4)",
    ]
    assert all('alt="Histograms' in frame.value for frame in stack.children)


@pytest.mark.parametrize(
    ("call", "argument"),
    [
        (lambda: stationary_widgets.start_histograms(1, 2), "dim"),
        (lambda: stationary_widgets.start_histograms(5, 0), "ratio"),
        (lambda: stationary_widgets.start_histograms(5, float("nan")), "ratio"),
        (lambda: stationary_widgets.start_histograms(5, 2, ("rademacher",)), "laws"),
        (lambda: stationary_widgets.start_histograms(5, 2, "gaussian"), "laws"),
        (lambda: stationary_widgets.start_histograms(5, 2, ("normal",)), "laws"),
        (lambda: stationary_widgets.start_histograms(5, 2, ("uniform", "uniform")), "laws"),
        (lambda: stationary_widgets.start_histograms(5, 2, draws=0), "draws"),
        (lambda: stationary_widgets.start_histograms(5, 2, seed=-1), "seed"),
        (lambda: stationary_widgets.start_explorer(dims=()), "dims"),
        (lambda: stationary_widgets.start_explorer(dims=(5, "10")), "dims"),
        (lambda: stationary_widgets.start_explorer(ratios=(1, -2)), "ratios"),
        (lambda: stationary_widgets.start_explorer(ratios=tuple(range(1, 100))), "ratios"),
        (lambda: stationary_widgets.start_explorer(laws=("gaussian", "rademacher")), "laws"),
        (lambda: stationary_widgets.start_explorer(draws=1.5), "draws"),
    ],
)
def test_named_errors(call, argument):
    with pytest.raises(InputError) as error:
        call()
    assert error.value.argument == argument
