"""The cover-efron figure: exact table, exact curves and the Monte Carlo check (quick scale)."""

import copy
from fractions import Fraction
from math import comb, pi, sqrt

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


def test_claims_hold_on_the_quick_run_and_fail_on_a_wrong_formula(result):
    assert cover_efron.claims(result) == {"chi2": True, "max_below_bonferroni": True}
    broken = copy.deepcopy(result)
    for point in broken["ray_points"]:  # every P(proper) off by 2 standard errors
        point["z_proper"] += 2.0
    assert not cover_efron.claims(broken)["chi2"]
    one_off = copy.deepcopy(result)
    one_off["ray_points"][0]["z_proper"] = 6.0  # a single gross error
    assert not cover_efron.claims(one_off)["max_below_bonferroni"]


def test_redrawn_worst_point_is_checked_against_its_exact_value(result):
    again = cover_efron.redraw_worst(result, seed=10**6, factor=2)
    worst = max(cover_efron.z_scores(result), key=lambda score: abs(score["z"]))
    assert (again["quantity"], again["n_vectors"], again["dim"]) == (
        worst["quantity"],
        worst["n_vectors"],
        worst["dim"],
    )
    assert cover_efron.redraw_claim(again)
    assert not cover_efron.redraw_claim({**again, "z": 3.5})
    assert not cover_efron.redraw_claim({**again, "z": None})


@pytest.mark.parametrize("d", [2, 10, 100, 1600])
def test_gap_at_alpha_2_is_a_central_binomial_coefficient(d):
    """``1 - E[F_1 | proper] / 2d = binom(2d-2, d-1) / 4^(d-1)`` (from ``C(2d, d) = 2^(2d-1)``),
    ``~ 1 / sqrt(pi (d-1))``: the gap closes like ``d^(-1/2)``."""
    gap = 1 - counts.expected_faces(2 * d, d, 1) / (2 * d)
    assert gap == Fraction(comb(2 * d - 2, d - 1), 4 ** (d - 1))
    if d >= 100:
        assert float(gap) * sqrt(pi * (d - 1)) == pytest.approx(1, rel=1 / d)


def test_gap_at_alpha_3_closes_like_one_over_d():
    """Away from the threshold ``d (E[F_1]/N - 2/3)`` converges: its ratio between ``4d`` and
    ``d`` tends to 1, the gap's to 1/4."""
    scaled = [
        d * float(counts.expected_faces(3 * d, d, 1) / (3 * d) - Fraction(2, 3))
        for d in (100, 400, 1600)
    ]
    changes = [abs(b / a - 1) for a, b in zip(scaled, scaled[1:])]
    assert changes[1] < changes[0] < 0.05
