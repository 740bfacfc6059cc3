"""Chapter 7's explorer: slices of a linear network's loss through its saddles."""

import itertools

import matplotlib
import numpy as np
import pytest

from qlcore.homogeneous import critical_points as cp
from qlcore.infra.checks import InputError
from qlcore.viz import linear_widgets

matplotlib.use("Agg", force=True)

COV = linear_widgets.default_covariances()


def test_the_default_instance_satisfies_theorem_1_2():
    lambdas = cp.spectrum(COV)[0]  # strict: raises if an assumption fails
    assert (COV.n0, COV.n2) == (4, 3)
    assert np.all(np.diff(lambdas) < -0.5)


def test_explorer_has_one_labelled_frame_per_index_set():
    explorer = linear_widgets.saddle_explorer(grid=15)
    header, stack = explorer.children
    labels = [label.value for label in header.children[1].children]
    expected = ["J = {1, 2}: global minimum, flat valley"]
    for subset in [(1, 3), (2, 3)]:
        point = cp.critical_point(COV, 2, subset, seed=0)
        assert point.kind == "strict saddle"
        text = ", ".join(map(str, subset))
        expected.append(f"J = {{{text}}}: strict saddle, curvature {point.escape.predicted:.2f}")
    assert labels == expected
    assert len(stack.children) == 3
    assert 'alt="Filled contour plot' in stack.children[0].value
    assert all("strict saddle" in frame.value for frame in stack.children[1:])


def test_explorer_on_other_covariances_has_binom_n2_n1_frames():
    rng = np.random.default_rng(4)
    x = rng.standard_normal((60, 5))
    cov = cp.covariances_from_data(x, x @ rng.standard_normal((5, 4)))
    explorer = linear_widgets.saddle_explorer(cov, 1, grid=11)
    labels = [label.value for label in explorer.children[0].children[1].children]
    assert [label.split(":")[0] for label in labels] == [f"J = {{{j}}}" for j in range(1, 5)]


@pytest.mark.parametrize("index_set", [(1, 3), (2, 3)])
def test_escape_cut_matches_the_theorems_curvature(index_set):
    plane = linear_widgets.saddle_plane(COV, 2, index_set, seed=1, grid=11)
    point = cp.critical_point(COV, 2, index_set, seed=1)
    escape, segment = plane.cuts
    norm = np.linalg.norm(np.concatenate([point.escape.du.ravel(), point.escape.dv.ravel()]))
    assert plane.predicted_curvature == pytest.approx(point.escape.predicted)
    assert escape.curvature == pytest.approx(point.escape.predicted / norm**2)
    # the second difference at the saddle over h^2 is the curvature per unit length
    centre = len(escape.distances) // 2
    assert escape.distances[centre] == pytest.approx(0.0, abs=1e-12)
    h = escape.distances[centre + 1] - escape.distances[centre]
    second = (escape.risks[centre + 1] - 2 * escape.risks[centre] + escape.risks[centre - 1]) / h**2
    assert second == pytest.approx(escape.curvature, rel=1e-2)
    assert second < 0
    near = np.abs(escape.distances) <= 5 * h
    assert np.allclose(escape.risks[near], escape.model[near], rtol=0, atol=1e-3 * point.risk)
    # the segment runs from P_J to the global minimum
    assert segment.risks[0] == pytest.approx(point.risk)
    assert segment.risks[-1] == pytest.approx(plane.minimum_risk, rel=1e-9)
    assert segment.distances[-1] == pytest.approx(plane.scale)
    assert np.linalg.norm(plane.minimum) == pytest.approx(plane.scale)


def test_grid_holds_both_points_and_never_goes_below_the_minimum():
    plane = linear_widgets.saddle_plane(COV, 2, (1, 3), grid=21)
    centre = len(plane.coords) // 2
    assert plane.risks[centre, centre] == pytest.approx(plane.risk)
    assert plane.risk == pytest.approx(COV.syy.trace() - sum(cp.spectrum(COV)[0][[0, 2]]))
    assert np.all(np.abs(plane.minimum) < plane.coords[-1])
    assert plane.risks.min() >= plane.minimum_risk - 1e-9


@pytest.mark.parametrize("n1", [1, 2])
def test_the_minimum_frame_has_a_flat_valley(n1):
    plane = linear_widgets.saddle_plane(COV, n1, tuple(range(1, n1 + 1)), grid=11)
    flat, random = plane.cuts
    assert plane.predicted_curvature is None
    assert plane.risk == pytest.approx(plane.minimum_risk)
    excess = flat.risks - plane.minimum_risk
    if n1 == 2:  # A^2 = 0: the line stays on the GL(2) orbit
        assert np.max(np.abs(excess)) < 1e-9 * plane.minimum_risk
    else:  # the rescaling: R - R_* grows as s^4
        assert np.all(excess >= -1e-12)
        half = len(excess) * 3 // 4  # at half the largest distance
        assert flat.distances[half] == pytest.approx(flat.distances[-1] / 2)
        assert excess[-1] == pytest.approx(16 * excess[half], rel=1e-6)
    assert random.curvature > 0
    assert np.all(random.risks >= plane.minimum_risk - 1e-9)


def test_slice_titles_give_the_index_set_risk_and_curvature():
    figure = linear_widgets.saddle_slice(COV, 2, (1, 3), grid=11)
    point = cp.critical_point(COV, 2, (1, 3), seed=0)
    title = figure.get_suptitle()
    assert title.startswith("J = {1, 3}: strict saddle")
    assert f"{point.risk:.3f}" in title
    assert f"curvature {point.escape.predicted:.3f}" in title
    assert len(figure.axes) == 3  # the plane, its colour bar and the cuts
    matplotlib.pyplot.close(figure)


def test_every_index_set_is_drawn_in_the_order_of_combinations():
    planes = [
        linear_widgets.saddle_plane(COV, 2, subset, grid=11)
        for subset in itertools.combinations(range(1, 4), 2)
    ]
    assert [plane.index_set for plane in planes] == [(1, 2), (1, 3), (2, 3)]
    assert [plane.kind for plane in planes] == ["global minimum"] + 2 * ["strict saddle"]


@pytest.mark.parametrize(
    ("call", "argument"),
    [
        (lambda: linear_widgets.saddle_plane("cov", 2, (1, 3)), "cov"),
        (lambda: linear_widgets.saddle_plane(COV, 0, (1,)), "n1"),
        (lambda: linear_widgets.saddle_plane(COV, 4, (1, 2, 3)), "n1"),
        (lambda: linear_widgets.saddle_plane(COV, 2, (1, 4)), "index_set"),
        (lambda: linear_widgets.saddle_plane(COV, 2, (1, 1)), "index_set"),
        (lambda: linear_widgets.saddle_plane(COV, 2, "13"), "index_set"),
        (lambda: linear_widgets.saddle_plane(COV, 2, (1, 3), seed=-1), "seed"),
        (lambda: linear_widgets.saddle_plane(COV, 2, (1, 3), grid=5), "grid"),
        (lambda: linear_widgets.saddle_plane(COV, 2, (1, 3), grid=1e9), "grid"),
        (lambda: linear_widgets.saddle_plane(COV, 2, (1, 3), extent=0.5), "extent"),
        (lambda: linear_widgets.saddle_plane(COV, 2, (1, 3), extent=float("nan")), "extent"),
        (lambda: linear_widgets.saddle_slice(COV, 2, (1, 3), grid=2.5), "grid"),
        (lambda: linear_widgets.saddle_explorer(COV, n1="2"), "n1"),
        (lambda: linear_widgets.saddle_explorer(np.eye(3)), "cov"),
        (lambda: linear_widgets.saddle_explorer(seed=None), "seed"),
        (lambda: linear_widgets.saddle_explorer(extent=100), "extent"),
    ],
)
def test_named_errors(call, argument):
    with pytest.raises(InputError) as error:
        call()
    assert error.value.argument == argument


def test_too_many_frames_is_refused():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((200, 9))
    cov = cp.covariances_from_data(x, x @ rng.standard_normal((9, 9)))
    with pytest.raises(InputError) as error:
        linear_widgets.saddle_explorer(cov, 4)  # binom(9, 4) = 126 frames
    assert error.value.argument == "n1"
