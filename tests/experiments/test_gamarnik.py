"""Chapter 6's figures gamarnik-barrier, gamarnik-stationary and gamarnik-init at the quick
scale: every claim holds, the results are JSON, the plots draw and the reductions read what their
docstrings say; and every claim turns False on a copy of the result doctored to break it."""

import copy

import numpy as np
import pytest

from conftest import check_figure_contract, only_false, run_quick
from qlcore.experiments import gamarnik_barrier, gamarnik_init, gamarnik_stationary
from qlcore.stationary import initialisation, points

MODULES = (gamarnik_barrier, gamarnik_stationary, gamarnik_init)
AXES = {gamarnik_barrier: 2, gamarnik_stationary: 3, gamarnik_init: 3}
KIND_NAMES = set(gamarnik_stationary.KIND_COLORS)  # descent.classify's kinds


@pytest.fixture(scope="module")
def barrier_result(tmp_path_factory):
    return run_quick(tmp_path_factory, gamarnik_barrier)


@pytest.fixture(scope="module")
def stationary_result(tmp_path_factory):
    return run_quick(tmp_path_factory, gamarnik_stationary)


@pytest.fixture(scope="module")
def init_result(tmp_path_factory):
    return run_quick(tmp_path_factory, gamarnik_init)


@pytest.fixture(scope="module")
def results(barrier_result, stationary_result, init_result):
    return {
        gamarnik_barrier: barrier_result,
        gamarnik_stationary: stationary_result,
        gamarnik_init: init_result,
    }


# Every figure


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.FIGURE_ID)
def test_the_figure_contract(results, module):
    check_figure_contract(module, results[module], AXES[module])


# gamarnik-barrier


def test_ratios_to_bound_reads_the_laws_with_a_positive_bound(barrier_result):
    table = gamarnik_barrier.ratios_to_bound(barrier_result)
    population = barrier_result["population"]
    assert set(table) == {law for law in population if law != "rademacher"}  # mu4 = mu2^2
    for law, cells in table.items():
        assert set(cells) == {str(d) for d in barrier_result["settings"]["dims"]}
        for dim, ratios in cells.items():
            cell = population[law][dim]
            constant = cell["bound_constant"]
            assert ratios == {
                "random_min": cell["random_min"] / constant,
                "search_min": min(cell["search"]) / constant,
                "trace_free": cell["trace_free"] / constant,
                "best_spread": cell["best_spread"] / constant,
            }
    for dim, ratios in table["gaussian"].items():  # the constructions' Gaussian ratios
        d = int(dim)
        assert ratios["trace_free"] == pytest.approx(1 + 1 / (d - 1), rel=1e-9)
        assert ratios["best_spread"] == pytest.approx(1 + 1 / (d + 1), rel=1e-9)
        assert population["gaussian"][dim]["bound_constant"] == 2.0  # min{3 - 1, 2}


def test_half_population_samples_is_where_the_median_ratio_stays_above_one_half(barrier_result):
    found = gamarnik_barrier.half_population_samples(barrier_result)
    assert set(found) == set(barrier_result["empirical"])
    for dim, n in found.items():
        cell = barrier_result["empirical"][dim]
        medians = np.median(np.divide(cell["empirical"], cell["population"]), axis=1)
        assert n in cell["n_samples"]
        start = cell["n_samples"].index(n)
        assert np.all(medians[start:] >= 0.5)
        assert start == 0 or medians[start - 1] < 0.5
    doctored = copy.deepcopy(barrier_result)
    for cell in doctored["empirical"].values():
        cell["empirical"][-1] = [0.0] * len(cell["empirical"][-1])  # the largest N below one half
    assert set(gamarnik_barrier.half_population_samples(doctored).values()) == {None}


def _barrier_cell(result, law):
    return result["population"][law][str(max(result["settings"]["dims"]))]


def test_random_rank_deficient_risk_below_the_bound_breaks_bound_holds(barrier_result):
    doctored = copy.deepcopy(barrier_result)
    cell = _barrier_cell(doctored, "uniform")
    cell["random_min"] = 0.9 * cell["bound_constant"]
    only_false(gamarnik_barrier.claims(doctored), "bound_holds")


def test_a_searched_minimum_below_the_bound_breaks_bound_holds(barrier_result):
    doctored = copy.deepcopy(barrier_result)
    cell = _barrier_cell(doctored, "laplace")
    cell["search"][0] = (1 - 1e-6) * cell["bound_constant"]
    only_false(gamarnik_barrier.claims(doctored), "bound_holds")


def test_rounding_below_the_bound_is_allowed(barrier_result):
    doctored = copy.deepcopy(barrier_result)
    cell = _barrier_cell(doctored, "laplace")
    cell["random_min"] = (1 - gamarnik_barrier.ROUNDING / 2) * cell["bound_constant"]
    only_false(gamarnik_barrier.claims(doctored))


def test_a_gaussian_search_minimum_above_the_construction_breaks_tightness(barrier_result):
    doctored = copy.deepcopy(barrier_result)
    d = max(doctored["settings"]["dims"])
    cell = _barrier_cell(doctored, "gaussian")
    cell["search"] = [1.01 * (1 + 1 / (d + 1)) * cell["bound_constant"]] * len(cell["search"])
    only_false(gamarnik_barrier.claims(doctored), "tight_for_gaussian")


def test_a_monte_carlo_mean_far_from_the_formula_breaks_construction_risk_sampled(
    barrier_result,
):
    for law in barrier_result["settings"]["laws"]:  # Rademacher's too: it has no bound
        doctored = copy.deepcopy(barrier_result)
        cell = _barrier_cell(doctored, law)
        cell["monte_carlo_mean"] = cell["trace_free"] - 5 * cell["monte_carlo_error"]
        only_false(gamarnik_barrier.claims(doctored), "construction_risk_sampled")


def test_a_nonzero_rademacher_minimum_breaks_no_barrier_rademacher(barrier_result):
    doctored = copy.deepcopy(barrier_result)
    cell = _barrier_cell(doctored, "rademacher")
    cell["search"] = [1e-3 + value for value in cell["search"]]
    only_false(gamarnik_barrier.claims(doctored), "no_barrier_rademacher")


def _rows(result, test):
    """``(cell, index)`` of the empirical rows whose sample count ``n`` passes ``test(n, span)``
    (``span = d(d+1)/2``)."""
    found = []
    for dim, cell in result["empirical"].items():
        span = int(dim) * (int(dim) + 1) // 2
        found += [(cell, i) for i, n in enumerate(cell["n_samples"]) if test(n, span)]
    assert found
    return found


def test_a_positive_minimum_below_the_span_breaks_no_barrier_below_span(barrier_result):
    doctored = copy.deepcopy(barrier_result)
    cell, index = _rows(doctored, lambda n, span: n < span)[0]
    cell["empirical"][index][-1] = 1e-3
    only_false(gamarnik_barrier.claims(doctored), "no_barrier_below_span")


def test_a_zero_minimum_above_twice_the_span_breaks_barrier_above_span(barrier_result):
    doctored = copy.deepcopy(barrier_result)
    cell, index = _rows(doctored, lambda n, span: n >= 2 * span)[0]
    cell["empirical"][index][0] = 0.0
    only_false(gamarnik_barrier.claims(doctored), "barrier_above_span")


def test_sample_counts_between_the_span_and_twice_it_are_not_judged(barrier_result):
    doctored = copy.deepcopy(barrier_result)
    for cell, index in _rows(doctored, lambda n, span: span <= n < 2 * span):
        cell["empirical"][index] = [0.0, 1.0, 1e-12][: len(cell["empirical"][index])]
    only_false(gamarnik_barrier.claims(doctored))


# gamarnik-stationary


def _census_records(result, size=None):
    for dim, sizes in result["census"].items():
        for name, kinds in sizes.items():
            if size in (None, name):
                for cell in kinds.values():
                    yield int(dim), cell["points"]


def _first(result, size, test):
    """The first census record at ``size`` that passes ``test(dim, record)``."""
    for dim, records in _census_records(result, size):
        for record in records:
            if test(dim, record):
                return dim, record
    raise AssertionError("no such record in the quick result")


def test_census_counts_tally_every_start_by_rank_and_kind(stationary_result):
    counts = gamarnik_stationary.census_counts(stationary_result)
    settings = stationary_result["settings"]
    assert set(counts) == {
        (str(d), size, kind)
        for d in settings["census_dims"]
        for size in ("above", "below")
        for kind in points.START_KINDS
    }
    for (dim, size, kind), tally in counts.items():
        assert sum(tally.values()) == settings["census_starts"]
        records = stationary_result["census"][dim][size][kind]["points"]
        for label, count in tally.items():
            rank, name = label.removeprefix("rank ").split(", ", 1)
            assert name in KIND_NAMES and 1 <= int(rank) <= int(dim)
            assert count == sum(r["rank"] == int(rank) and r["kind"] == name for r in records)


def test_census_sizes_and_sample_counts(stationary_result):
    for dim, sizes in stationary_result["census"].items():
        assert set(sizes) == {"above", "below"}
        expected = gamarnik_stationary.sample_settings(int(dim))
        assert expected == {
            "above": int(dim) * (int(dim) + 1),
            "below": int(dim) * (int(dim) + 1) // 2 - 2,
        }
        for size, kinds in sizes.items():
            assert {cell["n_samples"] for cell in kinds.values()} == {expected[size]}


def _descent(iterations: dict, milestones) -> dict:
    return {
        dim: {"milestones": list(milestones), "iterations": runs}
        for dim, runs in iterations.items()
    }


def test_exponents_are_the_slopes_of_the_median_iterations(stationary_result):
    eps = [10.0**-k for k in range(1, 6)]
    runs = {  # 1 + T = c d^2 (1/eps)^(1/2) (median c = 10), three runs per d
        str(d): [[float(c * d**2 * e**-0.5) - 1 for e in eps] for c in (5.0, 10.0, 40.0)]
        for d in (3, 6)
    }
    runs["6"][1][-1] = -1  # eps = 1e-5 not reached by one run at d = 6: left out there
    doctored = copy.deepcopy(stationary_result)
    doctored["descent"] = _descent(runs, eps)
    found = gamarnik_stationary.exponents(doctored)
    assert found["eps"] == {"3": pytest.approx(0.5), "6": pytest.approx(0.5)}
    assert found["d"] == pytest.approx(2.0)  # at eps = 1e-4, the smallest both reached
    quick = gamarnik_stationary.exponents(stationary_result)
    assert set(quick["eps"]) == set(stationary_result["descent"])
    assert all(np.isfinite(slope) for slope in quick["eps"].values())
    assert isinstance(quick["d"], float) and np.isfinite(quick["d"])


def test_a_full_rank_saddle_breaks_full_rank_are_global(stationary_result):
    doctored = copy.deepcopy(stationary_result)
    dim, record = _first(doctored, "above", lambda d, r: r["kind"] == "global minimum")
    assert record["rank"] == dim
    record.update(kind="saddle", n_negative=1, relative_risk=1e-3)
    only_false(gamarnik_stationary.claims(doctored), "full_rank_are_global")


def test_a_full_rank_non_global_minimum_below_the_span_breaks_full_rank_are_global(
    stationary_result,
):
    doctored = copy.deepcopy(stationary_result)
    dim, record = _first(doctored, "below", lambda d, r: r["kind"] == "global minimum")
    record.update(kind="non-global minimum", n_negative=0, rank=dim)
    only_false(gamarnik_stationary.claims(doctored), "full_rank_are_global")


def test_points_that_are_not_stationary_are_not_judged(stationary_result):
    doctored = copy.deepcopy(stationary_result)
    dim, record = _first(doctored, "above", lambda d, r: r["kind"] == "global minimum")
    record.update(kind="not stationary", rank=dim, n_negative=0, procrustes=0.5, iterations=-1)
    only_false(gamarnik_stationary.claims(doctored))


def test_a_global_minimum_far_from_the_teacher_above_the_span_breaks_recovery(
    stationary_result,
):
    doctored = copy.deepcopy(stationary_result)
    _, record = _first(doctored, "above", lambda d, r: r["kind"] == "global minimum")
    record["procrustes"] = 0.3
    only_false(gamarnik_stationary.claims(doctored), "global_recovers_teacher")


def test_below_the_span_global_minima_need_not_recover_the_teacher(stationary_result):
    below = [
        r["procrustes"]
        for _, records in _census_records(stationary_result, "below")
        for r in records
        if r["kind"] == "global minimum"
    ]
    assert max(below) > gamarnik_stationary.RECOVERY  # and yet the claims hold (first test)


def test_a_rank_deficient_non_global_minimum_breaks_rank_deficient_are_saddles(stationary_result):
    doctored = copy.deepcopy(stationary_result)
    dim, record = _first(doctored, "above", lambda d, r: r["kind"] == "saddle")
    assert record["rank"] < dim and record["n_negative"] >= 1
    record.update(kind="non-global minimum", n_negative=0)
    only_false(gamarnik_stationary.claims(doctored), "rank_deficient_are_saddles")


def test_below_span_minima_that_generalise_break_below_span_does_not_generalise(
    stationary_result,
):
    doctored = copy.deepcopy(stationary_result)
    above = [
        r["population"]
        for _, records in _census_records(doctored, "above")
        for r in records
        if r["kind"] == "global minimum"
    ]
    for _, records in _census_records(doctored, "below"):
        for record in records:
            if record["kind"] == "global minimum":
                record["population"] = float(np.median(above))
    only_false(gamarnik_stationary.claims(doctored), "below_span_does_not_generalise")


def test_no_global_minimum_below_the_span_breaks_below_span_does_not_generalise(
    stationary_result,
):
    doctored = copy.deepcopy(stationary_result)
    for _, records in _census_records(doctored, "below"):
        for record in records:
            if record["kind"] == "global minimum":
                record["kind"] = "not stationary"
    only_false(gamarnik_stationary.claims(doctored), "below_span_does_not_generalise")


@pytest.mark.parametrize("change", ["unreached milestone", "not monotone", "not global"])
def test_a_bad_descent_run_breaks_descent_from_below_barrier(stationary_result, change):
    doctored = copy.deepcopy(stationary_result)
    cell = doctored["descent"][str(max(doctored["settings"]["descent_dims"]))]
    if change == "unreached milestone":
        cell["iterations"][1][-1] = -1
    elif change == "not monotone":
        cell["monotone"] = False
    else:
        cell["final_risk"][0] = 1e-3
    only_false(gamarnik_stationary.claims(doctored), "descent_from_below_barrier")


def test_descent_runs_stay_away_from_rank_deficiency(stationary_result):
    for cell in stationary_result["descent"].values():
        runs = stationary_result["settings"]["descent_starts"]
        assert np.shape(cell["iterations"]) == (runs, len(cell["milestones"]))
        assert len(cell["min_sigma_ratio"]) == runs and min(cell["min_sigma_ratio"]) > 0.5
        assert max(cell["start_risk"]) < cell["barrier"]  # started below the barrier


# gamarnik-init


def _threshold(ratios, fractions, level):
    """The smallest ratio from which on every fraction exceeds ``level``, by hand."""
    found = None
    for ratio, fraction in reversed(list(zip(ratios, fractions))):
        if fraction <= level:
            break
        found = ratio
    return found


def test_thresholds_are_where_the_fractions_stay_above_the_level(init_result):
    found = gamarnik_init.thresholds(init_result)
    settings, level = init_result["settings"], gamarnik_init.LEVEL
    assert init_result["level"] == level
    assert found["population"] == {
        law: {d: _threshold(settings["ratios"], f, level) for d, f in cells.items()}
        for law, cells in init_result["population"].items()
    }
    assert found["empirical"] == {
        d: _threshold(settings["empirical_ratios"], cell["below_barrier"], level)
        for d, cell in init_result["empirical"].items()
    }
    assert all(
        value is not None for cells in found["population"].values() for value in cells.values()
    )
    doctored = copy.deepcopy(init_result)
    fractions = doctored["population"]["gaussian"][str(settings["dims"][0])]
    fractions[:] = [1.0] * len(fractions)
    fractions[-3] = level  # not above: the threshold is the ratio after it
    assert (
        gamarnik_init.thresholds(doctored)["population"]["gaussian"][str(settings["dims"][0])]
        == settings["ratios"][-2]
    )
    fractions[-1] = 0.5
    assert (
        gamarnik_init.thresholds(doctored)["population"]["gaussian"][str(settings["dims"][0])]
        is None
    )


def test_the_heuristic_is_the_module_formula(init_result):
    for law, cells in init_result["heuristic"].items():
        assert cells == {
            str(d): initialisation.heuristic_width_ratio(d, law)
            for d in init_result["settings"]["dims"]
        }


def _set_thresholds(result, law, small: int, large: int, heuristic_small, heuristic_large):
    """Fractions of ``law`` that cross the level at ratio index ``small`` for the smallest ``d``
    and ``large`` for the largest, with the given heuristic widths."""
    settings = result["settings"]
    ratios = settings["ratios"]
    dims = [str(d) for d in sorted(settings["dims"])]
    for dim, index in ((dims[0], small), (dims[-1], large)):
        result["population"][law][dim] = [0.0] * index + [1.0] * (len(ratios) - index)
    result["heuristic"][law][dims[0]] = heuristic_small * ratios[small]
    result["heuristic"][law][dims[-1]] = heuristic_large * ratios[large]


def test_a_threshold_that_grows_with_d_breaks_a_constant_suffices(init_result):
    doctored = copy.deepcopy(init_result)
    # thresholds 2^(1/2) at the smallest d, 2^(3/2) at the largest; the heuristic exact there
    _set_thresholds(doctored, "gaussian", 3, 5, heuristic_small=0.5, heuristic_large=1.0)
    only_false(gamarnik_init.claims(doctored), "a_constant_suffices")


def test_a_threshold_farther_from_the_heuristic_at_large_d_breaks_heuristic_improves(
    init_result,
):
    doctored = copy.deepcopy(init_result)
    _set_thresholds(doctored, "uniform", 5, 3, heuristic_small=1.0, heuristic_large=0.5)
    only_false(gamarnik_init.claims(doctored), "heuristic_improves")


def test_no_threshold_on_the_grid_breaks_both_population_claims(init_result):
    doctored = copy.deepcopy(init_result)
    cell = doctored["population"]["gaussian"][str(max(doctored["settings"]["dims"]))]
    cell[:] = [min(value, 0.9) for value in cell]
    only_false(gamarnik_init.claims(doctored), "a_constant_suffices", "heuristic_improves")


def test_an_empirical_fraction_never_above_the_level_breaks_empirical_threshold_exists(
    init_result,
):
    doctored = copy.deepcopy(init_result)
    for cell in doctored["empirical"].values():
        cell["below_barrier"] = [min(value, gamarnik_init.LEVEL) for value in cell["below_barrier"]]
    only_false(gamarnik_init.claims(doctored), "empirical_threshold_exists")


# Every claim has a test above that makes it False.
CLAIMS = {
    gamarnik_barrier: {
        "bound_holds",
        "tight_for_gaussian",
        "construction_risk_sampled",
        "no_barrier_rademacher",
        "no_barrier_below_span",
        "barrier_above_span",
    },
    gamarnik_stationary: {
        "full_rank_are_global",
        "global_recovers_teacher",
        "rank_deficient_are_saddles",
        "below_span_does_not_generalise",
        "descent_from_below_barrier",
    },
    gamarnik_init: {"a_constant_suffices", "heuristic_improves", "empirical_threshold_exists"},
}


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.FIGURE_ID)
def test_the_claims_tested_here_are_all_the_claims(results, module):
    assert set(module.claims(results[module])) == CLAIMS[module]
