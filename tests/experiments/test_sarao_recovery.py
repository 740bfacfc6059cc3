"""The sarao-recovery and sarao-fig1 figures at quick scale, through the CLI, on one sweep cache
(their m* = 1 points are shared)."""

import numpy as np
import pytest

from conftest import reproduce_quick_via_cli
from qlcore.experiments import sarao_fig1, sarao_recovery
from qlcore.samples import recovery, thresholds


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    """`python -m qlcore reproduce sarao-recovery` then `... sarao-fig1`, quick, one cache."""
    return reproduce_quick_via_cli(tmp_path_factory, ["sarao-recovery", "sarao-fig1"])


def test_cli_wrote_both_figures(results):
    data, out = results
    for figure in data:
        assert data[figure]["figure"] == figure and data[figure]["scale"] == "quick"
        assert data[figure]["provenance"]["wall_time_s"] > 0


def test_recovery_curve_covers_its_grid_and_the_counting_threshold(results):
    (curve,) = results[0]["sarao-recovery"]["curves"]
    window = recovery.samples_above_threshold(4, 1, sarao_recovery.FIT_RATIOS)
    assert curve["window"] == window == [9, 10, 11, 12, 13, 14, 15]
    assert curve["samples"] == [4, 8] + window
    assert curve["counting_alpha_c"] == thresholds.n_critical(4, 1) / 4
    assert curve["extrapolation"]["alpha"] == pytest.approx([n / 4 for n in window])
    runs = results[0]["sarao-recovery"]["settings"]["runs"]
    for p, se in zip(curve["recovered_fraction"], curve["recovered_fraction_se"]):
        assert 0 <= p <= 1 and se == pytest.approx(np.sqrt(p * (1 - p) / runs))


def test_claims_hold_at_quick_scale(results):
    data, _ = results
    assert sarao_recovery.claims(data["sarao-recovery"]["curves"]) == {
        "no_recovery_at_n_equals_d": True,
        "training_converges_at_n_equals_d": True,
        "most_recover_at_top": True,
    }
    assert sarao_fig1.claims(data["sarao-fig1"]["curves"]) == {"most_recover_at_top": True}


def test_recovery_claims_can_fail():
    curve = {
        "d": 4,
        "samples": [4, 8, 9, 15],
        "window": [9, 15],
        "recovered_fraction": [0.0, 0.5, 0.6, 0.95],
        "median_training_loss": [1e-6, 1e-6, 1e-6, 1e-6],
    }
    assert all(sarao_recovery.claims([curve]).values())
    broken = {
        "no_recovery_at_n_equals_d": dict(curve, recovered_fraction=[0.05, 0.5, 0.6, 0.95]),
        "training_converges_at_n_equals_d": dict(curve, median_training_loss=[1e-3, 0, 0, 0]),
        "most_recover_at_top": dict(curve, recovered_fraction=[0.0, 0.5, 0.6, 0.85]),
    }
    for name, bad in broken.items():
        claims = sarao_recovery.claims([curve, bad])
        assert not claims[name] and all(v for k, v in claims.items() if k != name)
    assert not any(sarao_recovery.claims([]).values())
    assert not sarao_recovery.claims([dict(curve, samples=[5, 8, 9, 15])])[
        "no_recovery_at_n_equals_d"
    ]  # no point at n = d


def check_extrapolation(extrapolation, t_max):
    """Either a fit on the points with a relaxation time, or the reason there is none."""
    assert (extrapolation["fit"] is None) != (extrapolation["failure"] is None)
    finite = [
        a
        for a, t in zip(extrapolation["alpha"], extrapolation["relaxation_times"])
        if t is not None
    ]
    assert all(0 < t <= t_max for t in extrapolation["relaxation_times"] if t is not None)
    if extrapolation["fit"] is not None:
        fit = extrapolation["fit"]
        assert fit["alpha"] == pytest.approx(finite)
        assert fit["alpha_c"] < min(finite) and fit["gamma"] > 0
        low, high = fit["alpha_c_interval"]
        assert low < fit["alpha_c"] < high


def test_every_curve_has_a_fit_or_a_reason(results):
    data, _ = results
    for figure in data:
        for curve in data[figure]["curves"]:
            check_extrapolation(curve["extrapolation"], data[figure]["settings"]["t_max"])


def test_fig1_curves_theory_and_teachers(results):
    fig1 = results[0]["sarao-fig1"]
    curves = fig1["curves"]
    assert [(c["d"], c["m_star"], c["teacher"]) for c in curves] == [
        (4, 1, "orthonormal"),
        (4, 4, "gaussian"),
    ]
    for c in curves:
        assert c["counting_alpha_c"] == thresholds.n_critical(4, c["m_star"]) / 16
        assert c["limit_alpha_c"] == thresholds.alpha_critical(c["m_star"] / 4)
        assert c["samples"] == recovery.samples_above_threshold(
            4, c["m_star"], sarao_fig1.FIT_RATIOS
        )
    rho, alpha_c = np.array(fig1["theory"]["rho"]), np.array(fig1["theory"]["alpha_c"])
    assert alpha_c == pytest.approx([thresholds.alpha_critical(r) for r in rho])


def test_the_rank_one_curve_is_the_same_runs_in_both_figures(results):
    """sarao-fig1 (alpha = n/d^2) read the m* = 1 runs of sarao-recovery (alpha = n/d) from the
    cache: the same relaxation times, and alpha_c differs by the factor d."""
    data, _ = results
    by_n = data["sarao-recovery"]["curves"][0]["extrapolation"]
    by_n2 = data["sarao-fig1"]["curves"][0]["extrapolation"]
    assert by_n["relaxation_times"] == by_n2["relaxation_times"]
    assert (by_n["fit"] is None) == (by_n2["fit"] is None)
    if by_n["fit"] is not None:
        assert by_n["fit"]["alpha_c"] == pytest.approx(4 * by_n2["fit"]["alpha_c"], rel=1e-6)


@pytest.mark.parametrize(
    "dim, widths", [(3, [1, 2, 3]), (4, [1, 2, 3, 4]), (6, [1, 2, 3, 4, 6]), (8, [1, 2, 4, 6, 8])]
)
def test_paper_teacher_widths(dim, widths):
    assert sarao_fig1.teacher_widths(dim, sarao_fig1.SCALE_SETTINGS["paper"]["rhos"]) == widths
