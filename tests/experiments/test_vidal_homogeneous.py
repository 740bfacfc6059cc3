"""The figures vidal-meta-algorithm and vidal-relu (Vidal, Zhu and Haeffele, §1.4) at the quick
scale: every claim holds, the results are JSON, the plots draw and the reductions read what their
docstrings say; and every claim turns False on a copy of the result doctored to break it, the
others staying True."""

import copy

import numpy as np
import pytest

from conftest import check_figure_contract, only_false, run_quick
from qlcore.experiments import vidal_meta_algorithm as meta
from qlcore.experiments import vidal_relu
from qlcore.infra.checks import InputError

MODULES = (meta, vidal_relu)
AXES = {meta: 3, vidal_relu: 4}
REDUCTIONS = {
    meta: (meta.claims, meta.plot, meta.stage_gaps, meta.rank_table),
    vidal_relu: (
        vidal_relu.claims,
        vidal_relu.plot,
        vidal_relu.best_values,
        vidal_relu.certified_spread,
        vidal_relu.two_input_spread,
    ),
}


@pytest.fixture(scope="module")
def meta_result(tmp_path_factory):
    return run_quick(tmp_path_factory, meta)


@pytest.fixture(scope="module")
def relu_result(tmp_path_factory):
    return run_quick(tmp_path_factory, vidal_relu)


@pytest.fixture(scope="module")
def results(meta_result, relu_result):
    return {meta: meta_result, vidal_relu: relu_result}


# Both figures


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.FIGURE_ID)
def test_the_figure_contract(results, module):
    check_figure_contract(module, results[module], AXES[module])


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.FIGURE_ID)
def test_bad_results_are_refused_naming_result(results, module):
    broken = copy.deepcopy(results[module])
    key = "matrices" if module is meta else "lams"
    broken[key] = [{"no": "records"}] if module is meta else {"0.1": {"lam": 0.1}}
    for call in REDUCTIONS[module]:
        for bad in ({}, "x", {"figure": module.FIGURE_ID}, broken):
            with pytest.raises(InputError, match=r"^result\b") as caught:
                call(bad)
            assert caught.value.argument == "result"


# vidal-meta-algorithm


def _runs(result):
    return [(matrix, one) for matrix in result["matrices"] for one in matrix["runs"]]


def test_the_instances_and_lams_are_as_set(meta_result):
    settings = meta_result["settings"]
    matrices = meta_result["matrices"]
    assert len(matrices) == len(settings["instances"]) * settings["draws"]
    for matrix in matrices:
        instance = next(i for i in settings["instances"] if i["name"] == matrix["instance"])
        assert matrix["shape"] == [instance["rows"], instance["cols"]]
        singular = np.asarray(matrix["singular_values"])
        assert singular.size == min(matrix["shape"]) and np.all(np.diff(singular) <= 0)
        lams = [one["lam"] for one in matrix["runs"]]
        assert lams[: len(instance["lams"])] == instance["lams"]
        for one in matrix["runs"][len(instance["lams"]) :]:
            k = one["target_rank"]
            # lam sits strictly between sigma_k and sigma_{k+1}: the predicted rank is k
            assert np.count_nonzero(singular > one["lam"]) == k
            padded = np.concatenate([[2 * singular[0]], singular, [singular[-1] / 2]])
            assert one["lam"] == pytest.approx(np.sqrt(padded[k] * padded[k + 1]), rel=1e-12)


def test_stage_gaps_are_the_relative_excess_per_stage(meta_result):
    gaps = meta.stage_gaps(meta_result)
    runs = _runs(meta_result)
    assert len(gaps) == len(runs)
    for row, (matrix, one) in zip(gaps, runs):
        assert (row["instance"], row["draw"], row["lam"]) == (
            matrix["instance"],
            matrix["draw"],
            one["lam"],
        )
        assert row["widths"] == one["stages"]["widths"]
        expected = (np.asarray(one["stages"]["values"]) - one["optimum"]) / one["optimum"]
        np.testing.assert_allclose(row["relative_gaps"], expected, rtol=0, atol=0)
        assert row["relative_gaps"][-1] <= meta.VALUE_RTOL
        assert np.all(np.diff(row["relative_gaps"]) < 0)  # each stage lower than the last


def test_rank_table_counts_singular_values(meta_result):
    table = meta.rank_table(meta_result)
    for row, (matrix, one) in zip(table, _runs(meta_result)):
        top = matrix["singular_values"][0]
        assert row["predicted"] == np.count_nonzero(
            np.asarray(matrix["singular_values"]) > one["lam"]
        )
        found = np.asarray(one["final_singular_values"])
        assert row["found"] == np.count_nonzero(found > meta.RANK_RTOL * top)
        assert row["width"] == one["stages"]["widths"][-1]
        assert row["stages"] == len(one["stages"]["widths"])
        # from width 1, one column per stage
        assert one["stages"]["widths"] == list(range(1, row["stages"] + 1))
    assert {row["predicted"] for row in table} >= {1, 2}


def test_the_too_small_width_is_one_below_the_rank(meta_result):
    counted = 0
    for matrix, one in _runs(meta_result):
        rank = np.count_nonzero(np.asarray(matrix["singular_values"]) > one["lam"])
        if rank < 2:
            assert one["fixed_width"] == []
            continue
        assert len(one["fixed_width"]) == meta_result["settings"]["fixed_width_starts"]
        for point in one["fixed_width"]:
            assert point["width"] == rank - 1
            assert point["value"] > one["optimum"]
            counted += 1
    assert counted


def _meta_run(result, *, stages: int = 1, fixed: bool = False):
    """A run of the doctored copy with at least ``stages`` stages (and fixed-width points)."""
    for _, one in _runs(result):
        if len(one["stages"]["widths"]) >= stages and (one["fixed_width"] or not fixed):
            return one
    raise AssertionError("no such run")


def test_a_value_above_the_optimum_breaks_reaches_svt_optimum(meta_result):
    doctored = copy.deepcopy(meta_result)
    one = _meta_run(doctored)
    one["value"] = one["optimum"] * (1 + 100 * meta.VALUE_RTOL)
    only_false(meta.claims(doctored), "reaches_svt_optimum")
    doctored = copy.deepcopy(meta_result)
    _meta_run(doctored)["converged"] = False  # stopped at the stage cap
    only_false(meta.claims(doctored), "reaches_svt_optimum")


def test_a_lost_singular_value_breaks_predicted_rank(meta_result):
    doctored = copy.deepcopy(meta_result)
    one = _meta_run(doctored, stages=2)
    one["final_singular_values"][-1] = 0.0
    only_false(meta.claims(doctored), "predicted_rank")


def test_a_late_or_early_stop_breaks_stops_exactly_at_lambda(meta_result):
    doctored = copy.deepcopy(meta_result)
    one = _meta_run(doctored, stages=2)
    one["stages"]["sigma_max"][-1] = 0.9 * one["lam"]  # below lam: it should have stopped earlier
    only_false(meta.claims(doctored), "stops_exactly_at_lambda")
    doctored = copy.deepcopy(meta_result)
    one = _meta_run(doctored, stages=2)
    one["stages"]["sigma_max"][-1] = 1.5 * one["lam"]  # stopped although (ii) failed
    only_false(meta.claims(doctored), "stops_exactly_at_lambda")


def test_a_wrong_drop_breaks_columns_decrease(meta_result):
    doctored = copy.deepcopy(meta_result)
    _meta_run(doctored, stages=2)["stages"]["decreases"][0] *= 1.5
    only_false(meta.claims(doctored), "columns_decrease")
    doctored = copy.deepcopy(meta_result)
    one = _meta_run(doctored, stages=2)
    one["stages"]["decreases"][0] = -one["stages"]["decreases"][0]
    verdict = meta.claims(doctored)
    assert verdict["columns_decrease"] is False


def test_a_passing_small_width_breaks_too_small_width_fails(meta_result):
    doctored = copy.deepcopy(meta_result)
    _meta_run(doctored, fixed=True)["fixed_width"][0]["condition_ii"] = True
    only_false(meta.claims(doctored), "too_small_width_fails")
    doctored = copy.deepcopy(meta_result)
    _meta_run(doctored, fixed=True)["fixed_width"][0]["converged"] = False
    only_false(meta.claims(doctored), "too_small_width_fails")
    doctored = copy.deepcopy(meta_result)
    for _, one in _runs(doctored):
        one["fixed_width"] = []
    only_false(meta.claims(doctored), "too_small_width_fails")


# vidal-relu


def _cells(result):
    return list(result["lams"].values())


def test_the_instance_is_one_input_with_a_bias_row(relu_result):
    settings = relu_result["settings"]
    assert len(relu_result["data"]["x"]) == settings["samples"]
    assert relu_result["data"]["norm_sq"] == pytest.approx(
        np.sum(np.square(relu_result["data"]["y"])), rel=1e-12
    )
    assert sorted(relu_result["lams"], key=float) == [str(float(lam)) for lam in settings["lams"]]
    for cell in _cells(relu_result):
        assert len(cell["zero_unit"]) == settings["zero_starts"]
        assert len(cell["paths"]) == settings["path_starts"]
        for run in cell["zero_unit"]:
            assert all(r["exact"] for r in run["rounds"])
            units = [r["units"] for r in run["rounds"]]
            assert units == list(range(settings["width"], settings["width"] + len(units)))
            assert len(run["added"]) == len(run["rounds"]) - 1
            assert run["trajectory"]["events"].count("unit") == len(run["added"])
        for path in cell["paths"]:
            assert path["units"] == settings["samples"] + 1  # r = |phi| + 1
            assert path["trajectory"]["events"][0] == "start"
            assert np.all(np.diff(path["trajectory"]["index"]) > 0)
            assert len(path["trajectory"]["index"]) <= vidal_relu.MAX_POINTS + 10
        assert len(cell["fit"]["output"]) == settings["curve_points"]
        assert len(cell["polar"]["final"]) == settings["circle_points"]
        # the certified point's polar function touches lam from below
        top = max(cell["polar"]["final"]) / cell["lam"]
        assert 0.99 < top <= 1 + vidal_relu.POLAR_TOL
    two = relu_result["two_input"]
    assert len(two["paths"]) == settings["two_input_starts"]
    assert not any(path["exact"] for path in two["paths"])  # a lower bound only


def test_best_values_are_the_lowest_trained_values(relu_result):
    bests = vidal_relu.best_values(relu_result)
    assert set(bests) == set(relu_result["lams"])
    for key, cell in relu_result["lams"].items():
        values = [r["value"] for run in cell["zero_unit"] for r in run["rounds"]]
        values += [path["value"] for path in cell["paths"]]
        assert bests[key] == min(values)
        assert cell["fit"]["value"] >= bests[key]


def test_certified_spread_is_within_the_tolerance(relu_result):
    table = vidal_relu.certified_spread(relu_result)
    for key, row in table.items():
        cell = relu_result["lams"][key]
        count = sum(r["certified"] for run in cell["zero_unit"] for r in run["rounds"])
        assert row["count"] == count + sum(path["certified"] for path in cell["paths"])
        assert row["tolerance"] == vidal_relu.AGREE_FACTOR * relu_result["data"]["norm_sq"]
        assert 0 <= row["spread"] <= row["tolerance"]


def test_two_input_spread_reads_the_paths_ends(relu_result):
    two = vidal_relu.two_input_spread(relu_result)
    paths = relu_result["two_input"]["paths"]
    values = [path["value"] for path in paths]
    assert two["lam"] == relu_result["settings"]["two_input_lam"]
    assert two["count"] == len(paths) and two["certified"] == sum(p["certified"] for p in paths)
    assert two["best"] == min(values) and two["spread"] == max(values) - min(values)
    assert two["tolerance"] == vidal_relu.AGREE_FACTOR * relu_result["two_input"]["norm_sq"]
    # it carries no claim: doctoring it leaves every claim True
    doctored = copy.deepcopy(relu_result)
    for path in doctored["two_input"]["paths"]:
        path.update(certified=False, max_rise=1.0)
    only_false(vidal_relu.claims(doctored))


def _relu_run(result, *, added: bool = True):
    for cell in _cells(result):
        for run in cell["zero_unit"]:
            if bool(run["added"]) == added:
                return cell, run
    raise AssertionError("no such run")


def test_an_unfinished_run_breaks_zero_unit_runs_certified(relu_result):
    doctored = copy.deepcopy(relu_result)
    _relu_run(doctored)[1]["certified"] = False
    only_false(vidal_relu.claims(doctored), "zero_unit_runs_certified")
    doctored = copy.deepcopy(relu_result)
    _relu_run(doctored)[1]["zero_unit_norm"] = 1e-3
    only_false(vidal_relu.claims(doctored), "zero_unit_runs_certified")


def test_a_false_certificate_breaks_certified_value_is_global(relu_result):
    doctored = copy.deepcopy(relu_result)
    _, run = _relu_run(doctored)
    shift = 100 * vidal_relu.AGREE_FACTOR * doctored["data"]["norm_sq"]
    last = run["rounds"][-1]
    assert last["certified"]
    last["value"] += shift  # a certified point above the lowest value ...
    last["duality_gap"] += shift  # ... with a bound that covers it
    run["added"][-1]["value_after"] += shift  # its training still did not rise
    only_false(vidal_relu.claims(doctored), "certified_value_is_global")


def test_a_small_duality_gap_breaks_duality_gap_bounds_excess(relu_result):
    doctored = copy.deepcopy(relu_result)
    bests = vidal_relu.best_values(doctored)
    key, cell = next(
        (k, c) for k, c in doctored["lams"].items() if any(r["added"] for r in c["zero_unit"])
    )
    failing = max(
        (r for run in cell["zero_unit"] for r in run["rounds"] if not r["certified"]),
        key=lambda r: r["value"],
    )
    assert failing["value"] - bests[key] > vidal_relu.AGREE_FACTOR * doctored["data"]["norm_sq"]
    failing["duality_gap"] = 0.0
    only_false(vidal_relu.claims(doctored), "duality_gap_bounds_excess")


def test_a_wrong_decrease_breaks_added_units_decrease(relu_result):
    doctored = copy.deepcopy(relu_result)
    _relu_run(doctored)[1]["added"][0]["decrease"] *= 1.5
    only_false(vidal_relu.claims(doctored), "added_units_decrease")
    doctored = copy.deepcopy(relu_result)
    _, run = _relu_run(doctored)
    run["added"][0]["value_after"] = run["rounds"][1]["value"] - 1.0  # training rose after it
    only_false(vidal_relu.claims(doctored), "added_units_decrease")


@pytest.mark.parametrize(
    ("field", "value"),
    [("max_rise", 1e-6), ("certified", False), ("exact", False)],
)
def test_a_rising_or_uncertified_path_breaks_paths_claim(relu_result, field, value):
    doctored = copy.deepcopy(relu_result)
    _cells(doctored)[0]["paths"][0][field] = value
    only_false(vidal_relu.claims(doctored), "paths_nonincreasing_and_certified")


def test_a_path_ending_elsewhere_breaks_paths_claim(relu_result):
    doctored = copy.deepcopy(relu_result)
    path = _cells(doctored)[0]["paths"][0]
    shift = 100 * vidal_relu.AGREE_FACTOR * doctored["data"]["norm_sq"]
    path["value"] += shift
    path["duality_gap"] += shift
    only_false(vidal_relu.claims(doctored), "paths_nonincreasing_and_certified")
