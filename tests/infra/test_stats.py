"""z_score_summary: the statistics that judge Monte Carlo scores against exact values."""

import numpy as np
import pytest

from qlcore.infra.checks import InputError
from qlcore.infra.stats import z_score_summary


def test_standard_normal_scores_pass_and_shifted_scores_fail():
    z = np.random.default_rng(0).standard_normal(200)
    good = z_score_summary(z)
    assert good["chi2_p_value"] > 0.01 and good["max_abs_z"] < good["bonferroni_bound"]
    bad = z_score_summary(z + 1.0)  # a formula off by one standard error everywhere
    assert bad["chi2_p_value"] < 1e-6


def test_counts_and_bound():
    summary = z_score_summary([0.0, 3.5, -3.2, 1.0])
    assert summary["m"] == 4 and summary["beyond_3"] == 2
    assert summary["expected_beyond_3"] == pytest.approx(4 * 0.0026998, rel=1e-4)
    assert summary["bonferroni_bound"] == pytest.approx(3.0233, abs=1e-3)  # Phi^-1(1 - 0.01/8)


def test_bad_level():
    with pytest.raises(ValueError, match="level"):
        z_score_summary([1.0], level=1.5)


@pytest.mark.parametrize(
    "z, level, name",
    [
        ([1.0], "0.1", "level"),
        ([1.0], np.nan, "level"),
        ([[1.0], [2.0, 3.0]], 0.01, "z"),
        ([], 0.01, "z"),
    ],
)
def test_bad_arguments_are_named(z, level, name):
    with pytest.raises(InputError, match=f"^{name}"):
        z_score_summary(z, level=level)
