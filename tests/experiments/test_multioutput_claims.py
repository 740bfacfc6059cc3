"""The multi-output experiment's claims: each True on a result where it holds and False on one
doctored where it is wrong. The results are made by hand in the layout of
``kazemipour_multioutput.run`` (no training)."""

import copy

import pytest

from qlcore.experiments import kazemipour_multioutput as experiment
from qlcore.experiments import multioutput_claims
from qlcore.infra.checks import InputError

DIM, WIDTHS, OUTPUTS = 2, [1, 2, 3, 4, 5, 6], [2, 3]  # k = M d: 4 and 6
RUNS = {"added-norm": 2, "block-orthogonality": 1}


def _cell(name, m):
    """Below k = M d the runs miss the optimum (excess 0.5, certificate 0.3); from k = M d they
    reach it (excess 1e-7, certificate 1e-5)."""
    reached = [k >= m * DIM for k in WIDTHS]
    excess = [1e-7 if ok else 0.5 for ok in reached]
    cert = [1e-5 if ok else 0.3 for ok in reached]
    return {
        "excess_nmse": [[list(excess) for _ in range(RUNS[name])]],
        "certificate": [[list(cert) for _ in range(RUNS[name])]],
    }


@pytest.fixture
def result():
    return {
        "figure": experiment.FIGURE_ID,
        "settings": {"dim": DIM, "widths": WIDTHS, "outputs": OUTPUTS},
        "success_tolerance": experiment.SUCCESS_TOLERANCE,
        "cells": {str(m): {name: _cell(name, m) for name in experiment.VARIANTS} for m in OUTPUTS},
        "fixed_units": {
            str(m): {"width": 3, "excess_nmse": [1e-8], "certificate": [1e-6]} for m in OUTPUTS
        },
    }


def test_all_claims_hold_on_a_result_where_they_are_true(result):
    assert multioutput_claims.claims(result) == {
        "added_norm_global_from_md": True,
        "block_orthogonality_global_from_md": True,
        "fixed_units_global": True,
        "failures_certified": True,
    }


@pytest.mark.parametrize(
    ("name", "claim"),
    [
        ("added-norm", "added_norm_global_from_md"),
        ("block-orthogonality", "block_orthogonality_global_from_md"),
    ],
)
def test_one_failed_run_at_k_equal_md_breaks_its_variants_claim(result, name, claim):
    changed = copy.deepcopy(result)
    changed["cells"]["3"][name]["excess_nmse"][0][-1][WIDTHS.index(6)] = 0.006
    verdict = multioutput_claims.claims(changed)
    assert not verdict[claim]
    assert all(v for k, v in verdict.items() if k != claim)


def test_failures_below_md_do_not_count(result):
    # M = 3: k = 5 < M d = 6 failing is allowed (the fixture already fails there)
    assert result["cells"]["3"]["added-norm"]["excess_nmse"][0][0][WIDTHS.index(5)] > 0.005
    assert multioutput_claims.claims(result)["added_norm_global_from_md"]


def test_fixed_units_missing_the_optimum_breaks_its_claim(result):
    changed = copy.deepcopy(result)
    changed["fixed_units"]["2"]["excess_nmse"] = [0.01]
    changed["fixed_units"]["2"]["certificate"] = [0.1]
    verdict = multioutput_claims.claims(changed)
    assert not verdict["fixed_units_global"]
    assert verdict["failures_certified"]  # its certificate 0.1 is well above the floor


@pytest.mark.parametrize("where", ["added-norm", "block-orthogonality", "fixed-units"])
def test_a_failure_with_a_vanishing_certificate_breaks_the_certificate_claim(result, where):
    changed = copy.deepcopy(result)
    if where == "fixed-units":
        changed["fixed_units"]["3"]["excess_nmse"] = [0.01]
        changed["fixed_units"]["3"]["certificate"] = [1e-9]
    else:
        changed["cells"]["2"][where]["certificate"][0][0][WIDTHS.index(1)] = 1e-9
    verdict = multioutput_claims.claims(changed)
    assert not verdict["failures_certified"]
    assert all(
        v for k, v in verdict.items() if k not in ("failures_certified", "fixed_units_global")
    )


def test_claims_name_a_result_without_its_keys(result):
    del result["fixed_units"]
    with pytest.raises(InputError, match="^result .*fixed_units"):
        multioutput_claims.claims(result)
