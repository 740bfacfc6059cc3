"""The linear-network figures vidal-critical-points and vidal-deep-linear at the quick scale:
every claim holds, the results are JSON, the plots draw and the reductions read what their
docstrings say; and every claim turns False on a copy of the result doctored to break it."""

import copy
import itertools
import math

import numpy as np
import pytest

from conftest import check_figure_contract, only_false, run_quick
from qlcore.experiments import vidal_critical_points as vcp
from qlcore.experiments import vidal_deep_linear as vdl
from qlcore.infra.checks import InputError

MODULES = (vcp, vdl)
AXES = {vcp: 4, vdl: 6}


@pytest.fixture(scope="module")
def points_result(tmp_path_factory):
    return run_quick(tmp_path_factory, vcp)


@pytest.fixture(scope="module")
def deep_result(tmp_path_factory):
    return run_quick(tmp_path_factory, vdl)


@pytest.fixture(scope="module")
def results(points_result, deep_result):
    return {vcp: points_result, vdl: deep_result}


# Both figures


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.FIGURE_ID)
def test_the_figure_contract(results, module):
    check_figure_contract(module, results[module], AXES[module])


REDUCTIONS = {
    vcp: (vcp.claims, vcp.plot, vcp.point_table, vcp.summary),
    vdl: (vdl.claims, vdl.plot, vdl.success_table, vdl.census_counts, vdl.cubic_ratios),
}


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.FIGURE_ID)
def test_bad_results_are_refused_naming_result(results, module):
    wrong_figure = {"figure": "x", "settings": {}}
    for call in REDUCTIONS[module]:
        for bad in ({}, "x", None, wrong_figure):
            with pytest.raises(InputError, match="^result must be") as caught:
                call(bad)
            assert caught.value.argument == "result"


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.FIGURE_ID)
def test_run_refuses_a_bad_scale_and_seed(module):
    with pytest.raises(InputError) as caught:
        module.run("huge")
    assert caught.value.argument == "scale"
    with pytest.raises(InputError) as caught:
        module.run("quick", -1)
    assert caught.value.argument == "seed"


# vidal-critical-points


def _case(result):
    """The first draw of the first instance."""
    return result["instances"][0]["draws"][0]


def _first_set(result) -> list[int]:
    return list(range(1, result["instances"][0]["n1"] + 1))


def test_the_point_table_has_a_row_per_critical_point(points_result):
    rows = vcp.point_table(points_result)
    expected = sum(
        len(instance["draws"])
        * sum(math.comb(instance["n2"], size) for size in range(instance["n1"] + 1))
        for instance in points_result["instances"]
    )
    assert len(rows) == expected
    case = _case(points_result)
    for row, record in zip(rows, case["points"] + case["rank_deficient"]):
        assert row["index_set"] == tuple(record["index_set"])
        assert row["rank_deficient"] == (len(record["index_set"]) < row["n1"])
        assert row["excess"] == pytest.approx(
            (record["risk"] - case["optimum"]) / case["trace_syy"]
        )
        assert row["risk"] == abs(record["risk"] - record["predicted_risk"]) / case["trace_syy"]
        assert row["curvature"] == (record["escape"] or {}).get("curvature")
    top = [r for r in rows if r["index_set"] == tuple(_first_set(points_result))]
    assert all(r["kind"] == "global minimum" and r["curvature"] is None for r in top)
    assert all(r["predicted_excess"] == pytest.approx(0.0, abs=1e-12) for r in top)
    assert all(r["gradient"] < vcp.GRADIENT_RTOL for r in rows)  # the origin's is 0 / 0 = 0


def test_the_summary_counts_one_minimum_and_strict_saddles(points_result):
    (found,) = vcp.summary(points_result)
    instance = points_result["instances"][0]
    n0, n1, n2 = instance["n0"], instance["n1"], instance["n2"]
    draws = len(instance["draws"])
    assert found["shape"] == (n0, n1, n2) and found["draws"] == draws
    assert found["index_sets"] == math.comb(n2, n1)
    assert found["kinds"] == {
        "global minimum": draws,
        "strict saddle": (math.comb(n2, n1) - 1) * draws,
    }
    deficient = sum(math.comb(n2, size) for size in range(n1))
    assert found["rank_deficient_kinds"] == {"strict saddle": deficient * draws}
    assert found["gradient"] < vcp.GRADIENT_RTOL and found["risk"] < vcp.RISK_RTOL


def test_the_failing_cases_are_what_the_settings_say(points_result):
    singular = points_result["singular"]
    assert singular["sxx_rank"] == singular["samples"] < singular["n0"]
    repeated = points_result["repeated"]
    np.testing.assert_allclose(repeated["lambdas"], vcp.REPEATED_SPECTRUM, rtol=1e-12)
    assert len(repeated["points"]) == math.comb(repeated["n2"], repeated["n1"])


def test_a_gradient_above_rounding_breaks_every_point_critical(points_result):
    doctored = copy.deepcopy(points_result)
    record = _case(doctored)["points"][1]
    record["gradient_norm"] = 1e-6 * record["gradient_scale"]
    only_false(vcp.claims(doctored), "every_point_critical")


def test_a_non_critical_failing_case_point_breaks_every_point_critical(points_result):
    doctored = copy.deepcopy(points_result)
    record = doctored["repeated"]["points"][-1]
    record["gradient_norm"] = 1e-6 * record["gradient_scale"]
    only_false(vcp.claims(doctored), "every_point_critical")


def test_a_risk_off_the_prediction_breaks_risks_match_prediction(points_result):
    doctored = copy.deepcopy(points_result)
    case = _case(doctored)
    case["rank_deficient"][0]["risk"] += 1e-6 * case["trace_syy"]
    only_false(vcp.claims(doctored), "risks_match_prediction")


def test_rounding_in_the_risk_is_allowed(points_result):
    doctored = copy.deepcopy(points_result)
    case = _case(doctored)
    case["points"][-1]["risk"] += vcp.RISK_RTOL / 2 * case["trace_syy"]
    only_false(vcp.claims(doctored))


def _top(result):
    (best,) = [r for r in _case(result)["points"] if r["index_set"] == _first_set(result)]
    return best


@pytest.mark.parametrize("change", ["extra zero", "negative", "not smallest"])
def test_a_top_set_that_is_not_an_isolated_minimum_breaks_top_set_is_the_minimum(
    points_result, change
):
    doctored = copy.deepcopy(points_result)
    best = _top(doctored)
    if change == "extra zero":
        best["n_zero"] += 1
    elif change == "negative":
        best["n_negative"] = 1
    else:
        other = _case(doctored)["points"][1]
        other["risk"] = other["predicted_risk"] = best["risk"] - 1e-3
    only_false(vcp.claims(doctored), "top_set_is_the_minimum")


def test_a_saddle_without_negative_eigenvalue_breaks_others_are_strict_saddles(points_result):
    doctored = copy.deepcopy(points_result)
    _case(doctored)["points"][-1]["n_negative"] = 0
    only_false(vcp.claims(doctored), "others_are_strict_saddles")


def test_the_curvature_of_126_as_printed_breaks_escape_curvature_as_predicted(points_result):
    doctored = copy.deepcopy(points_result)
    escape = _case(doctored)["points"][1]["escape"]
    assert escape["predicted"] < 0
    escape["curvature"] = escape["predicted"] / 2  # lambda_J - lambda_k, half the true value
    only_false(vcp.claims(doctored), "escape_curvature_as_predicted")


def test_a_positive_predicted_curvature_breaks_escape_curvature_as_predicted(points_result):
    doctored = copy.deepcopy(points_result)
    escape = _case(doctored)["points"][1]["escape"]
    escape["curvature"] = escape["predicted"] = -escape["predicted"]
    only_false(vcp.claims(doctored), "escape_curvature_as_predicted")


@pytest.mark.parametrize("change", ["no negative eigenvalue", "curvature"])
def test_a_rank_deficient_point_without_descent_breaks_rank_deficient_strict_saddles(
    points_result, change
):
    doctored = copy.deepcopy(points_result)
    record = _case(doctored)["rank_deficient"][-1]
    if change == "no negative eigenvalue":
        record["n_negative"] = 0
    else:
        record["escape"]["curvature"] += 1e-3
    only_false(vcp.claims(doctored), "rank_deficient_strict_saddles")


@pytest.mark.parametrize("change", ["flat count", "saddle becomes flat", "minimum has descent"])
def test_a_singular_case_off_the_reduction_breaks_singular_sxx_only_adds_flat_directions(
    points_result, change
):
    doctored = copy.deepcopy(points_result)
    singular = doctored["singular"]
    expected = singular["n1"] ** 2 + singular["n1"] * (singular["n0"] - singular["sxx_rank"])
    assert all(r["n_zero"] == expected for r in singular["points"])
    if change == "flat count":
        singular["points"][1]["n_zero"] = singular["n1"] ** 2  # only the GL(n1) orbit
    elif change == "saddle becomes flat":
        singular["points"][-1]["n_negative"] = 0
    else:
        singular["points"][0]["n_negative"] = 1
    only_false(vcp.claims(doctored), "singular_sxx_only_adds_flat_directions")


def _tied(result, index_set):
    (record,) = [r for r in result["repeated"]["points"] if r["index_set"] == index_set]
    return record


@pytest.mark.parametrize("change", ["negative", "no extra zero", "curvature"])
def test_a_broken_tie_breaks_repeated_eigenvalue_ties(points_result, change):
    doctored = copy.deepcopy(points_result)
    record = _tied(doctored, [1, 3])
    if change == "negative":
        record["n_negative"] = 1
    elif change == "no extra zero":
        _tied(doctored, [1, 2])["n_zero"] = doctored["repeated"]["n1"] ** 2
    else:
        record["escape"]["curvature"] = -1e-3
    only_false(vcp.claims(doctored), "repeated_eigenvalue_ties")


def test_unequal_tied_risks_break_repeated_eigenvalue_ties(points_result):
    doctored = copy.deepcopy(points_result)
    record = _tied(doctored, [1, 3])
    record["risk"] += 1e-3
    record["predicted_risk"] += 1e-3  # the prediction moves with it: only the tie breaks
    only_false(vcp.claims(doctored), "repeated_eigenvalue_ties")


# vidal-deep-linear


def _runs(result):
    return result["descent"]["runs"]


def test_success_table_reads_fractions_medians_and_gaps(deep_result):
    table = vdl.success_table(deep_result)
    settings = deep_result["settings"]["descent"]
    assert set(table) == {str(s) for s in settings["init_scales"]}
    trace = deep_result["descent"]["trace_syy"]
    for scale, cells in table.items():
        assert set(cells) == {str(d) for d in settings["depths"]}
        for depth, row in cells.items():
            cell = _runs(deep_result)[scale][depth]
            steps = np.asarray(cell["steps"])
            assert len(steps) == settings["n_starts"]
            assert row["fraction"] == cell["fraction"] == np.mean(steps >= 0)
            assert row["largest_gap"] == max(cell["final_gap"]) / trace
            if np.mean(steps >= 0) > 0.5:
                assert row["median_steps"] == np.median(np.where(steps < 0, np.inf, steps))
            else:
                assert row["median_steps"] is None
    doctored = copy.deepcopy(deep_result)
    cell = _runs(doctored)["0.5"]["2"]
    cell["steps"] = [-1] * (len(cell["steps"]) // 2 + 1) + cell["steps"][
        len(cell["steps"]) // 2 + 1 :
    ]
    assert vdl.success_table(doctored)["0.5"]["2"]["median_steps"] is None


def test_the_descent_instance_has_the_bottleneck_optimum(deep_result):
    descent = deep_result["descent"]
    lambdas = descent["lambdas"]
    width = deep_result["settings"]["descent"]["width"]
    optimum = descent["trace_syy"] - sum(lambdas[:width])
    for cells in descent["runs"].values():
        for cell in cells.values():
            assert cell["optimum"] == pytest.approx(optimum, rel=1e-12)
    assert descent["saddle_gaps"][-1] == pytest.approx(sum(lambdas[:width]), rel=1e-9)  # origin
    assert min(descent["saddle_gaps"]) > 0


def test_census_counts_tally_every_point_by_middle_rank_and_kind(deep_result):
    counts = vdl.census_counts(deep_result)
    for census in deep_result["census"]:
        cell = counts["-".join(map(str, census["widths"]))]
        assert sum(sum(tally.values()) for tally in cell.values()) == len(census["points"])
        assert set(cell["full"]) <= {"global minimum", "strict saddle"}
        assert cell["full"]["global minimum"] == 1
        assert cell["deficient"].get("non-strict saddle", 0) >= 1  # the origin at least
    widths = deep_result["census"][0]["widths"]
    bottleneck = min(widths[1:-1])
    assert len(deep_result["census"][0]["points"]) == sum(
        math.comb(widths[-1], size) * (bottleneck - size + 1)
        for size in range(min(bottleneck, widths[-1]) + 1)
    )


def test_cubic_ratios_tend_to_one_as_the_next_term_says(deep_result):
    scalar = deep_result["scalar"]
    ratios = vdl.cubic_ratios(deep_result)
    assert len(ratios) == len(vdl.SMALL_T)
    for ratio, fraction in zip(ratios, vdl.SMALL_T):
        assert ratio == pytest.approx(1 - fraction**3 / 2, abs=1e-6)
    assert scalar["third_order_coefficient"] == pytest.approx(
        -2 * abs(scalar["syx"]) / 3**1.5, rel=1e-12
    )
    assert scalar["minimum_risk"] == pytest.approx(
        scalar["syy"] - scalar["syx"] ** 2 / scalar["sxx"], rel=1e-12
    )


def test_the_scalar_risk_is_constant_along_an_axis_and_the_plane_is_square(deep_result):
    scalar = deep_result["scalar"]
    np.testing.assert_allclose(scalar["risk_along_axis"], scalar["syy"], rtol=1e-14)
    side = len(scalar["plane_grid"])
    assert np.shape(scalar["plane_risk"]) == (side, side)
    assert min(map(min, scalar["plane_risk"])) < scalar["syy"] < max(map(max, scalar["plane_risk"]))


def test_an_unreached_two_layer_run_breaks_two_layer_runs_reach_optimum(deep_result):
    doctored = copy.deepcopy(deep_result)
    largest = max(_runs(doctored), key=float)  # the smallest scale's medians stay as they are
    cell = _runs(doctored)[largest]["2"]
    cell["steps"][0] = -1
    cell["final_gap"][0] = 0.1 * doctored["descent"]["trace_syy"]
    cell["fraction"] = float(np.mean(np.asarray(cell["steps"]) >= 0))
    only_false(vdl.claims(doctored), "two_layer_runs_reach_optimum")


def test_a_run_below_the_optimum_breaks_no_run_below_optimum(deep_result):
    doctored = copy.deepcopy(deep_result)
    cell = _runs(doctored)[max(_runs(doctored), key=float)]["3"]
    cell["final_gap"][1] = -1e-9 * doctored["descent"]["trace_syy"]
    only_false(vdl.claims(doctored), "no_run_below_optimum")


def test_rounding_below_the_optimum_is_allowed(deep_result):
    doctored = copy.deepcopy(deep_result)
    cell = _runs(doctored)[max(_runs(doctored), key=float)]["3"]
    cell["final_gap"][1] = -vdl.ROUNDING / 2 * doctored["descent"]["trace_syy"]
    only_false(vdl.claims(doctored))


def test_a_fast_deep_network_breaks_small_starts_slow_with_depth(deep_result):
    doctored = copy.deepcopy(deep_result)
    cells = _runs(doctored)[min(_runs(doctored), key=float)]
    deepest = max(cells, key=int)
    cells[deepest]["steps"] = [1] * len(cells[deepest]["steps"])
    only_false(vdl.claims(doctored), "small_starts_slow_with_depth")


def test_the_largest_init_scale_is_not_judged_on_speed(deep_result):
    doctored = copy.deepcopy(deep_result)
    cells = _runs(doctored)[max(_runs(doctored), key=float)]
    cells[max(cells, key=int)]["steps"] = [1] * len(cells["2"]["steps"])
    only_false(vdl.claims(doctored))


@pytest.mark.parametrize("change", ["hessian", "gradient", "model"])
def test_a_second_order_term_at_the_origin_breaks_scalar_origin_flat(deep_result, change):
    doctored = copy.deepcopy(deep_result)
    scalar = doctored["scalar"]
    if change == "hessian":
        scalar["hessian_at_origin"][0][1] = scalar["hessian_at_origin"][1][0] = -1e-3
    elif change == "gradient":
        scalar["gradient_at_origin"][2] = 1e-3
    else:
        scalar["second_order_model"][0] -= 1e-3
    only_false(vdl.claims(doctored), "scalar_origin_flat_to_second_order")


@pytest.mark.parametrize("change", ["no descent", "ascent backwards", "cubic off", "sign"])
def test_a_risk_that_is_not_a_cubic_saddle_breaks_scalar_descends_at_third_order(
    deep_result, change
):
    doctored = copy.deepcopy(deep_result)
    scalar = doctored["scalar"]
    t = np.asarray(scalar["t"])
    if change == "no descent":  # e.g. a degenerate minimum (1 - u^4)^2-like: risk above R(0)
        index = int(np.flatnonzero(t > 0)[0])
        scalar["risk_along"][index] = scalar["syy"] + 1e-9
    elif change == "ascent backwards":  # an even term: descent on both sides
        index = int(np.flatnonzero(t < 0)[-1])
        scalar["risk_along"][index] = scalar["syy"] - 1e-9
    elif change == "cubic off":
        scalar["small_change"][-1] *= 1.01
    else:
        scalar["third_order_coefficient"] *= -1
        scalar["small_change"] = [-change for change in scalar["small_change"]]
    only_false(vdl.claims(doctored), "scalar_descends_at_third_order")


def _census_point(result, test):
    """The first census point (of the first census) that passes ``test(record)``."""
    for record in result["census"][0]["points"]:
        if test(record):
            return record
    raise AssertionError("no such census point in the quick result")


def _deficient_saddle(record) -> bool:
    """A census point with a deficient middle rank, other than the origin."""
    return record["middle_rank"] < record["min_width"] and record["index_set"]


@pytest.mark.parametrize(
    ("kind", "claim"),
    [
        ("not critical", "census_points_critical"),
        ("spurious local minimum", "no_spurious_minimum"),
        ("undecided", "every_saddle_certified"),
        ("global minimum", "global_only_at_top"),
    ],
)
def test_a_deficient_saddle_of_another_kind_breaks_its_claim(deep_result, kind, claim):
    doctored = copy.deepcopy(deep_result)
    record = _census_point(doctored, _deficient_saddle)
    record["kind"] = kind
    only_false(vdl.claims(doctored), claim)


def test_a_non_strict_saddle_of_full_middle_rank_breaks_full_middle_rank_strict_or_global(
    deep_result,
):
    doctored = copy.deepcopy(deep_result)
    record = _census_point(
        doctored,
        lambda r: r["middle_rank"] == r["min_width"] and r["kind"] == "strict saddle",
    )
    record.update(kind="non-strict saddle", n_negative=0)
    only_false(vdl.claims(doctored), "full_middle_rank_strict_or_global")


def test_a_top_set_that_is_not_global_breaks_global_only_at_top(deep_result):
    doctored = copy.deepcopy(deep_result)
    widths = doctored["census"][0]["widths"]
    first = list(range(1, min(min(widths[1:-1]), widths[-1]) + 1))
    record = _census_point(doctored, lambda r: r["index_set"] == first)
    assert record["kind"] == "global minimum"
    record["kind"] = "strict saddle"
    only_false(vdl.claims(doctored), "global_only_at_top")


@pytest.mark.parametrize("change", ["strict", "hessian"])
def test_an_origin_with_a_second_order_term_breaks_origin_is_non_strict_saddle(deep_result, change):
    doctored = copy.deepcopy(deep_result)
    origin = _census_point(doctored, lambda r: not r["index_set"] and r["middle_rank_built"] == 0)
    if change == "strict":
        origin.update(kind="strict saddle", n_negative=1)
    else:
        origin["n_zero"] -= 2
    only_false(vdl.claims(doctored), "origin_is_non_strict_saddle")


def test_every_census_origin_has_an_all_zero_hessian(deep_result):
    for census in deep_result["census"]:
        parameters = sum(a * b for a, b in itertools.pairwise(census["widths"]))
        assert census["n_parameters"] == parameters
        (origin,) = [r for r in census["points"] if not r["index_set"] and r["middle_rank"] == 0]
        assert origin["n_zero"] == parameters and origin["probe_decrease"] < 0


# Every claim has a test above that makes it False.
CLAIMS = {
    vcp: {
        "every_point_critical",
        "risks_match_prediction",
        "top_set_is_the_minimum",
        "others_are_strict_saddles",
        "escape_curvature_as_predicted",
        "rank_deficient_strict_saddles",
        "singular_sxx_only_adds_flat_directions",
        "repeated_eigenvalue_ties",
    },
    vdl: {
        "two_layer_runs_reach_optimum",
        "no_run_below_optimum",
        "small_starts_slow_with_depth",
        "scalar_origin_flat_to_second_order",
        "scalar_descends_at_third_order",
        "census_points_critical",
        "full_middle_rank_strict_or_global",
        "no_spurious_minimum",
        "every_saddle_certified",
        "global_only_at_top",
        "origin_is_non_strict_saddle",
    },
}


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.FIGURE_ID)
def test_the_claims_tested_here_are_all_the_claims(results, module):
    assert set(module.claims(results[module])) == CLAIMS[module]
