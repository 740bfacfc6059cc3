"""The sarao-uniqueness figure: one exact uniqueness threshold per instance, checked against the
grid of qlcore.samples.uniqueness.uniqueness_probability, known answers, Wilson intervals, quick
run."""

import numpy as np
import pytest

from qlcore.experiments import sarao_uniqueness
from qlcore.samples import uniqueness


def test_search_gives_the_same_fractions_as_one_sdp_per_n():
    thresholds = [sarao_uniqueness.instance_threshold(5, 1, trial, 3) for trial in range(8)]
    summary = sarao_uniqueness.summarise(5, 1, thresholds)
    grid = uniqueness.uniqueness_probability(
        5, 1, summary["n_values"], 8, 3, teacher=sarao_uniqueness.TEACHER
    )
    assert summary["fraction"] == grid["fraction"] and not any(grid["n_failed"])
    assert summary["sdp_solves"] < sum(len(summary["n_values"]) for _ in thresholds)
    for outcome in thresholds:  # the probes bracket the threshold
        verdicts = {int(n): unique for n, unique in outcome["probes"].items()}
        assert all(unique == (n >= outcome["threshold"]) for n, unique in verdicts.items())


@pytest.mark.parametrize(
    "dim, m_star, expected",
    [
        (5, 0, 5),  # A* = 0: n >= d spanning inputs force A = 0 (eq. A.14)
        (4, 4, 10),  # full-rank A*: only d(d+1)/2 measurements pin it down
        (3, 7, 6),
    ],
)
def test_known_thresholds(dim, m_star, expected):
    for trial in range(2):
        assert sarao_uniqueness.instance_threshold(dim, m_star, trial, 0)["threshold"] == expected


def test_wilson_interval_known_values_and_checks():
    low, high = sarao_uniqueness.wilson_interval([0, 5, 10], [10, 10, 10])
    assert np.allclose(low, [0.0, 0.236593, 0.722467], atol=1e-6)
    assert np.allclose(high, [0.277533, 0.763407, 1.0], atol=1e-6)
    with pytest.raises(ValueError, match="successes <= trials"):
        sarao_uniqueness.wilson_interval(3, 2)


def test_summary_counts_failed_instances_and_reads_the_crossing():
    outcomes = [{"threshold": t, "probes": {"1": True}} for t in (7, 8, 8, 9)]
    outcomes.append({"threshold": None, "failed_at": 8, "probes": {}})
    summary = sarao_uniqueness.summarise(4, 1, outcomes)
    assert summary["n_failed"] == 1 and summary["n_instances"] == 4
    assert summary["n_values"][0] == 3 and summary["fraction"][summary["n_values"].index(8)] == 0.75
    assert summary["half_crossing"] == 8 and summary["n_critical"] == 7


@pytest.fixture(scope="module")
def quick(tmp_path_factory):
    patch = pytest.MonkeyPatch()
    patch.setenv("QLCORE_CACHE", str(tmp_path_factory.mktemp("cache")))
    patch.delenv("QLCORE_SCHEDULER", raising=False)
    result = sarao_uniqueness.run("quick", 0, progress=False)
    patch.undo()
    return result


def test_quick_run_curves_rise_from_zero_to_one_around_n_c(quick):
    settings = sarao_uniqueness.SCALE_SETTINGS["quick"]
    assert [[r["d"], r["m_star"]] for r in quick["rows"]] == [c[:2] for c in settings["configs"]]
    for row, (_, _, trials) in zip(quick["rows"], settings["configs"]):
        fraction = np.asarray(row["fraction"])
        assert row["n_instances"] + row["n_failed"] == trials
        assert fraction[0] == 0 and fraction[-1] == 1 and np.all(np.diff(fraction) >= 0)
        assert np.all(np.asarray(row["lower"]) <= fraction)
        assert np.all(fraction <= np.asarray(row["upper"]))
    assert quick["claims"] == {key: True for key in quick["claims"]}


def row_from_thresholds(dim, m_star, found):
    """A summarise() row from instance thresholds (no SDP)."""
    outcomes = [{"threshold": t, "probes": {}} for t in found]
    return sarao_uniqueness.summarise(dim, m_star, outcomes)


def test_claims_hold_and_can_fail():
    # d = 5, m* = 1 (n_c = 9): 100 instances, all thresholds at 8, 9 or 10: crossover at n_c
    at_n_c = row_from_thresholds(5, 1, [8] * 30 + [9] * 40 + [10] * 30)
    # d = 20, m* = 2 (n_c = 57): 40 instances, all above n_c: the drift
    drifted = row_from_thresholds(20, 2, [62] * 20 + [66] * 20)
    assert sarao_uniqueness.claims([at_n_c, drifted]) == {
        "crossover_at_n_c_for_small_d": True,
        "below_half_at_n_c_for_d_ge_20": True,
    }
    late = row_from_thresholds(5, 1, [12] * 100)  # the 50% point 3 samples above n_c
    early = row_from_thresholds(5, 1, [6] * 100)  # 3 samples below
    on_time = row_from_thresholds(20, 2, [55] * 20 + [57] * 20)  # all unique at n_c
    for rows in ([late, drifted], [early, drifted], [at_n_c, on_time], [at_n_c], [drifted]):
        assert not all(sarao_uniqueness.claims(rows).values())
    # too few instances to decide: the Wilson interval at n_c - 2 reaches 1/2
    assert not sarao_uniqueness.claims([row_from_thresholds(5, 1, [8, 9, 10]), drifted])[
        "crossover_at_n_c_for_small_d"
    ]


def test_spread_trend_needs_a_resolved_decrease():
    rng = np.random.default_rng(0)
    wide = row_from_thresholds(10, 1, list(19 + np.round(3 * rng.standard_normal(400)).astype(int)))
    narrow = row_from_thresholds(
        30, 1, list(59 + np.round(3 * rng.standard_normal(400)).astype(int))
    )
    assert sarao_uniqueness.spread_trend([wide, narrow]) == {1: True}  # std/n_c: 0.16 -> 0.05
    widening = row_from_thresholds(
        30, 1, list(59 + np.round(9 * rng.standard_normal(400)).astype(int))
    )
    assert sarao_uniqueness.spread_trend([wide, widening]) == {1: False}  # 0.16 -> 0.15
    few = row_from_thresholds(30, 1, [54, 64])  # std/n_c 0.12 < 0.16, but from two instances
    assert sarao_uniqueness.spread_trend([wide, few]) == {1: False}
    assert sarao_uniqueness.spread_trend([wide]) == {}


def test_plot(quick):
    figure = sarao_uniqueness.plot(quick)
    assert len(figure.axes) == 3 and figure.axes[2].get_yscale() == "log"
