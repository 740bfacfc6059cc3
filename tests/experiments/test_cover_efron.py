"""The cover-efron figure: exact table, exact curves and the Monte Carlo check (quick scale)."""

import copy
from fractions import Fraction

import matplotlib
import pytest

from qlcore.cones import counts
from qlcore.experiments import cover_efron


@pytest.fixture(scope="module")
def result():
    return cover_efron.run("quick", seed=0, progress=False)


def test_table_holds_the_exact_rationals_of_math_notes(result):
    row = next(r for r in result["table"] if (r["d"], r["N"]) == (4, 5))
    assert row["C"] == 30 and row["p_proper"]["exact"] == "15/16"
    assert [f["exact"] for f in row["faces"]] == ["14/3", "8", "16/3"]
    assert all(
        Fraction(f["exact"]) == counts.expected_faces(r["N"], r["d"], k)
        for r in result["table"]
        for k, f in enumerate(r["faces"], start=1)
    )


def test_exact_curves_approach_the_limit_at_large_d(result):
    curve = result["curves"]["400"]
    at_3d = curve["ray_fraction"][curve["n"].index(1200)]
    assert abs(at_3d - 2 / 3) < 0.01
    assert curve["p_proper"][curve["n"].index(800)] == 0.5


def test_sampled_points_agree_with_the_exact_values(result):
    assert cover_efron.all_within(result)
    assert {p["dim"] for p in result["ray_points"]} == {3, 5}
    assert all(len(p["mean_faces"]) == 3 for p in result["face_points"])


def test_agreement_check_can_fail(result):
    broken = copy.deepcopy(result)
    point = broken["face_points"][0]
    point["z_faces"][1] = 3.5
    assert not cover_efron.all_within(broken)


def test_plot_draws_three_panels(result):
    matplotlib.use("Agg", force=True)
    figure = cover_efron.plot(result)
    assert len(figure.axes) == 3


def test_plot_leaves_out_undefined_values(result):
    """A point without proper draws has None (JSON null) for its means and standard errors."""
    matplotlib.use("Agg", force=True)
    empty = copy.deepcopy(result)
    point = empty["face_points"][0]
    point["mean_faces"] = point["faces_se"] = point["z_faces"] = [None] * len(point["mean_faces"])
    assert len(cover_efron.plot(empty).axes) == 3
