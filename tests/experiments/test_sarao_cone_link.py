"""The sarao-cone-link figure: rank-one teachers, SDP verdicts and cone rays, end to end
through the CLI on a Dask scheduler (qlcore.infra.sweep)."""

import copy

import pytest
from distributed import LocalCluster

from conftest import reproduce_quick_via_cli
from qlcore.experiments import sarao_cone_link


@pytest.fixture(scope="module")
def cli_result(tmp_path_factory):
    """`python -m qlcore reproduce sarao-cone-link --scale quick --scheduler ADDRESS`."""
    with LocalCluster(
        n_workers=1, threads_per_worker=2, processes=False, dashboard_address=None
    ) as cluster:
        address = cluster.scheduler_address
        results, out = reproduce_quick_via_cli(
            tmp_path_factory, ["sarao-cone-link"], ["--scheduler", address]
        )
    return results["sarao-cone-link"], address, out


def test_cli_ran_the_sweep_on_the_scheduler_and_wrote_the_figure(cli_result):
    result, address, out = cli_result
    assert result["provenance"]["scheduler"] == address
    assert (out / "sarao-cone-link.json").exists()


def test_rows_cover_the_grid_with_sensible_verdicts(cli_result):
    result, _, _ = cli_result
    rows = result["rows"]
    assert [(r["d"], r["n"]) for r in rows] == [(5, 5), (5, 8), (5, 10), (5, 12), (5, 15), (5, 20)]
    assert all(r["n_critical"] == 2 * r["d"] - 1 for r in rows)
    # n <= d: a PSD competitor always exists, and every sign-corrected vector is extremal
    assert rows[0]["p_sdp_unique"] == 0 and rows[0]["mean_ray_fraction"] == 1
    # n = 4d, far above n_c = 2d - 1: unique in every instance
    assert rows[-1]["p_sdp_unique"] == 1
    for r in rows:
        assert r["agreement"] == pytest.approx(
            1 - (r["sdp_unique_cone_not"] + r["cone_unique_sdp_not"]) / r["trials"]
        )


def test_an_instance_is_a_function_of_its_seed():
    first = sarao_cone_link.instance(4, 9, seed=3)
    assert first == sarao_cone_link.instance(4, 9, seed=3)
    assert set(first) == {"sdp_unique", "extremal_rays"} and 1 <= first["extremal_rays"] <= 9


def test_claims_hold_on_the_quick_run_and_each_can_fail(cli_result):
    result, _, _ = cli_result
    assert sarao_cone_link.claims(result) == dict.fromkeys(
        ("cone_implies_sdp", "sdp_unique_from_3d", "more_rays_than_cover_efron"), True
    )
    rows = result["rows"]
    for key, change in (
        ("cone_implies_sdp", {"cone_unique_sdp_not": 1}),
        ("sdp_unique_from_3d", {"p_sdp_unique": 11 / 12}),
        ("more_rays_than_cover_efron", {"mean_ray_fraction": rows[-1]["cover_efron_ray_fraction"]}),
    ):
        broken = copy.deepcopy(result)
        broken["rows"][-1].update(change)
        assert not sarao_cone_link.claims(broken)[key]


def test_converse_failures_locate_the_missed_instances(cli_result):
    result, _, _ = cli_result
    missed = sarao_cone_link.converse_failures(result)
    rows = [r for r in result["rows"] if r["sdp_unique_cone_not"]]
    assert missed["count"] == sum(r["sdp_unique_cone_not"] for r in rows)
    if rows:
        assert missed["min_ratio"] == min(r["n"] / r["d"] for r in rows)
        assert missed["below_critical"] == any(r["n"] < r["n_critical"] for r in rows)
    none = copy.deepcopy(result)
    for r in none["rows"]:
        r["sdp_unique_cone_not"] = 0
    assert sarao_cone_link.converse_failures(none)["min_ratio"] is None
    assert not sarao_cone_link.converse_failures(none)["above_critical"]
