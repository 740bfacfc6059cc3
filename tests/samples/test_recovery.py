"""qlcore.samples.recovery: recovery fractions, relaxation times, the App. B.3 power-law
extrapolation."""

import json

import numpy as np
import pytest
from scipy import stats

from qlcore.samples import recovery, thresholds

ALPHA = np.linspace(2.4, 4.0, 9)  # fit window for m* = 1, d = 10 (n / n_c = 1.26 ... 2.1)


def power_law(alpha, alpha_c=1.9, gamma=1.5, log_prefactor=3.0):
    return np.exp(log_prefactor - gamma * np.log(alpha - alpha_c))


# --------------------------------------------------------------------------- fraction, median


def test_recovered_fraction_counts_and_binomial_error():
    result = recovery.recovered_fraction([1e-5, 1e-2, 1e-4, 0.5], 1e-3)
    assert (result.successes, result.runs, result.fraction) == (2, 4, 0.5)
    assert result.standard_error == pytest.approx(np.sqrt(0.5 * 0.5 / 4))
    assert recovery.recovered_fraction([1e-9] * 3, 1e-3).standard_error == 0


@pytest.mark.parametrize(
    "values, threshold, message",
    [
        ([0.1], 0.0, "threshold must be > 0"),
        ([], 1e-3, "must not be empty"),
        ([[0.1]], 1e-3, "1-D"),
    ],
)
def test_recovered_fraction_rejects_bad_input(values, threshold, message):
    with pytest.raises(ValueError, match=message):
        recovery.recovered_fraction(values, threshold)


def test_relaxation_time_is_finite_only_when_more_than_half_cross():
    assert recovery.relaxation_time([3.0, 1.0, None]) == 3.0
    assert recovery.relaxation_time([1.0, 2.0, np.inf, 4.0, None]) == 4.0
    assert recovery.relaxation_time([1.0, None]) == np.inf  # exactly half: no median
    assert recovery.relaxation_time([None, None, 5.0]) == np.inf


@pytest.mark.parametrize("times", [[], [1.0, -2.0], [np.nan, 1.0]])
def test_relaxation_time_rejects_bad_input(times):
    with pytest.raises(ValueError, match="crossing_times"):
        recovery.relaxation_time(times)


def test_fit_window_is_the_mathnotes_window_for_a_rank_one_teacher():
    ratios = (1.25, 1.35, 1.45, 1.6, 1.75, 1.9, 2.05, 2.2)
    samples = recovery.samples_above_threshold(10, 1, ratios)
    assert samples == [24, 26, 28, 30, 33, 36, 39, 42]  # n / d from 2.4 to 4.2
    # n_c(4, 4) = 10: 12.5 and 14.5 round to even, repeats are dropped
    assert recovery.samples_above_threshold(4, 4, ratios) == [12, 14, 16, 18, 19, 20, 22]
    with pytest.raises(ValueError, match="ratios must be > 0"):
        recovery.samples_above_threshold(4, 1, [0.0, 1.0])


# --------------------------------------------------------------------------- power-law fit


@pytest.mark.parametrize("alpha_c, gamma", [(1.9, 1.5), (0.3, 0.7), (3.5, 2.5)])
def test_fit_recovers_exact_power_laws(alpha_c, gamma):
    alpha = alpha_c + np.geomspace(0.2, 3.0, 7)
    fit = recovery.fit_relaxation_times(alpha, power_law(alpha, alpha_c, gamma, -1.0))
    assert fit.alpha_c == pytest.approx(alpha_c, abs=1e-7)
    assert fit.gamma == pytest.approx(gamma, abs=1e-7)
    assert fit.log_prefactor == pytest.approx(-1.0, abs=1e-6)
    assert fit.dof == 4 and fit.residual_sd < 1e-8
    assert np.allclose(fit.predict(alpha), power_law(alpha, alpha_c, gamma, -1.0))


def test_fit_is_equivariant_under_a_change_of_units_of_alpha():
    # alpha = n/d against alpha = n/d^2: alpha_c scales, the exponent and the residuals do not
    noisy = power_law(ALPHA) * np.exp(0.1 * np.random.default_rng(0).standard_normal(ALPHA.size))
    first = recovery.fit_relaxation_times(ALPHA, noisy)
    scaled = recovery.fit_relaxation_times(ALPHA / 10, noisy)
    assert scaled.alpha_c == pytest.approx(first.alpha_c / 10, rel=1e-6)
    assert scaled.gamma == pytest.approx(first.gamma, rel=1e-6)
    assert np.allclose(scaled.alpha_c_interval, np.divide(first.alpha_c_interval, 10), rtol=1e-5)
    assert scaled.residual_sd == pytest.approx(first.residual_sd, rel=1e-6)


def test_student_t_intervals_have_their_nominal_coverage():
    """400 synthetic curves with small Gaussian noise on log tau: the 95% Student-t intervals
    (6 degrees of freedom) and the profile interval must cover the truth 95% of the time within
    3 binomial standard errors (normal-quantile intervals cover about 90% here and would fail).
    With noise 10 times larger the Student-t interval of alpha_c undercovers (about 88%): the
    linearisation fails, see qlcore.samples.recovery.PowerLawFit."""
    rng = np.random.default_rng(1)
    replicates, covered, covered_gamma, covered_profile = 400, 0, 0, 0
    for _ in range(replicates):
        tau = power_law(ALPHA) * np.exp(0.02 * rng.standard_normal(ALPHA.size))
        fit = recovery.fit_relaxation_times(ALPHA, tau)
        covered += fit.alpha_c_interval[0] <= 1.9 <= fit.alpha_c_interval[1]
        covered_gamma += fit.gamma_interval[0] <= 1.5 <= fit.gamma_interval[1]
        low, high = fit.alpha_c_profile_interval
        covered_profile += low <= 1.9 <= high
    band = 3 * np.sqrt(0.95 * 0.05 / replicates)
    for count in (covered, covered_gamma, covered_profile):
        assert abs(count / replicates - 0.95) < band


def test_intervals_use_the_t_quantile_and_the_profile_brackets_the_estimate():
    tau = power_law(ALPHA) * np.exp(0.05 * np.random.default_rng(2).standard_normal(ALPHA.size))
    fit = recovery.fit_relaxation_times(ALPHA, tau, level=0.9)
    half_width = (fit.alpha_c_interval[1] - fit.alpha_c_interval[0]) / 2
    assert half_width == pytest.approx(stats.t.ppf(0.95, 6) * fit.standard_errors[0])
    low, high = fit.alpha_c_profile_interval
    assert low < fit.alpha_c < high <= ALPHA.min()
    assert json.loads(json.dumps(fit.as_dict()))["alpha_c"] == fit.alpha_c


def test_profile_interval_is_unbounded_below_when_the_data_cannot_exclude_no_divergence():
    tau = power_law(ALPHA) * np.exp(0.3 * np.random.default_rng(5).standard_normal(ALPHA.size))
    fit = recovery.fit_relaxation_times(ALPHA, tau)
    assert fit.alpha_c_profile_interval[0] == -np.inf
    assert fit.as_dict()["alpha_c_profile_interval"][0] is None


@pytest.mark.parametrize("log_tau", [5.0 - ALPHA, 1.0 + 0.5 * ALPHA])
def test_fit_refuses_curves_without_a_divergence(log_tau):
    # a straight line in alpha is a power law with alpha_c -> -infinity; growing times: gamma < 0
    with pytest.raises(recovery.PowerLawFitError):
        recovery.fit_relaxation_times(ALPHA, np.exp(log_tau))


@pytest.mark.parametrize(
    "alpha, tau, message",
    [
        (ALPHA[:3], power_law(ALPHA[:3]), "at least 4 points"),
        (np.r_[ALPHA[:4], ALPHA[3]], power_law(np.r_[ALPHA[:4], ALPHA[3]]), "distinct"),
        (ALPHA, np.r_[power_law(ALPHA[:-1]), np.inf], "tau contains NaN or infinite"),
        (ALPHA, np.r_[power_law(ALPHA[:-1]), 0.0], "finite and > 0"),
        (ALPHA, power_law(ALPHA)[:-1], "tau must have length 9"),
    ],
)
def test_fit_rejects_bad_input(alpha, tau, message):
    with pytest.raises(ValueError, match=message):
        recovery.fit_relaxation_times(alpha, tau)


def test_extrapolation_drops_points_without_a_median_and_fits_the_rest():
    times = [[t, t, t] for t in power_law(ALPHA)]
    times[0] = [1e3, None, None]  # only one of three crossed
    result = recovery.extrapolate_threshold(ALPHA, times)
    assert result["relaxation_times"][0] is None and result["failure"] is None
    assert result["fit"]["alpha"] == pytest.approx(ALPHA[1:].tolist())
    assert result["fit"]["alpha_c"] == pytest.approx(1.9, abs=1e-6)
    short = recovery.extrapolate_threshold(ALPHA[:4], times[:4])
    assert short["fit"] is None and "only 3 of 4 points" in short["failure"]
    flat = recovery.extrapolate_threshold(ALPHA, [[float(np.exp(5 - a))] for a in ALPHA])
    assert flat["fit"] is None and "no divergence" in flat["failure"]
    with pytest.raises(ValueError, match="one sequence per alpha"):
        recovery.extrapolate_threshold(ALPHA, times[:-1])


# --------------------------------------------------------------------------- the GD runs


@pytest.fixture(scope="module")
def runs_d3():
    """d = 3, m* = 1 (n_c = 5): n = d, below the threshold, and n = 4 n_c, far above."""
    return {
        n: recovery.simulate_recovery(3, 1, n, runs=8, t_max=100.0, threshold=1e-3, seed=0)
        for n in (3, 20)
    }


def test_below_the_threshold_training_converges_but_the_teacher_is_not_recovered(runs_d3):
    below = runs_d3[3]  # n = d < n_c: PSD zeros of E_n other than A* exist a.s.
    assert thresholds.n_critical(3, 1) == 5
    assert recovery.recovered_fraction(below["final_generalisation"], 1e-3).fraction == 0
    assert all(t is None for t in below["crossing_times"])
    assert min(below["final_generalisation"]) > 1e-2
    assert max(below["final_training_loss"]) < 1e-3 * min(below["final_generalisation"])


def test_far_above_the_threshold_every_run_recovers_the_teacher(runs_d3):
    above = runs_d3[20]
    assert recovery.recovered_fraction(above["final_generalisation"], 1e-3).fraction == 1
    assert all(0 < t <= 100.0 for t in above["crossing_times"])


def test_a_point_is_a_json_function_of_its_parameters(runs_d3):
    again = recovery.simulate_recovery(3, 1, 20, runs=8, t_max=100.0, threshold=1e-3, seed=0)
    assert again == runs_d3[20]
    assert json.loads(json.dumps(again)) == again
    other = recovery.simulate_recovery(3, 1, 20, runs=8, t_max=100.0, threshold=1e-3, seed=1)
    assert other["final_generalisation"] != again["final_generalisation"]


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"threshold": 0.0}, "threshold must be > 0"),
        ({"runs": 0}, "runs must be >= 1"),
        ({"teacher": "uniform"}, "teacher must be one of"),
    ],
)
def test_simulate_recovery_rejects_bad_input(kwargs, message):
    arguments = {
        "dim": 3,
        "m_star": 1,
        "n_samples": 5,
        "runs": 2,
        "t_max": 1.0,
        "threshold": 1e-3,
    } | kwargs
    with pytest.raises(ValueError, match=message):
        recovery.simulate_recovery(**arguments)
