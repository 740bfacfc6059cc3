"""Arguments of the experiment modules' public functions: results, settings and records that are
not the dicts the modules make, and callees' errors, are refused naming the caller's argument."""

import inspect

import numpy as np
import pytest

from qlcore.experiments import (
    caller_names,
    check_dicts,
    check_ints,
    check_result,
    cover_efron,
    kazemipour_fig2,
    sarao_fig4,
    sarao_uniqueness,
)
from qlcore.experiments.registry import REGISTRY, check_figure_device, figure_module
from qlcore.infra.checks import InputError, TooLargeError, check_int


def test_result_settings_and_records_must_be_the_dicts_the_modules_make():
    with pytest.raises(InputError, match=r"^result must be the dict that run\(\) returns") as e:
        check_result({"settings": {}}, "cover-efron", ("settings", "curves"))
    assert e.value.argument == "result" and "without 'curves'" in str(e.value)
    with pytest.raises(InputError, match=r"^cells\[1\] must be") as e:
        check_dicts([{"d": 1}, []], "cells", ("d",), "cells")
    assert e.value.argument == "cells"
    with pytest.raises(InputError, match="^settings must be the settings") as e:
        kazemipour_fig2.build_workload({"dim": 3}, 0)
    for figure_id in sorted(REGISTRY):
        with pytest.raises(InputError, match="^result must be") as e:
            figure_module(figure_id).plot([])
        assert e.value.argument == "result"


def test_claims_and_summaries_read_only_well_formed_records():
    with pytest.raises(InputError, match=r"^cells\[0\]\['instances'\]\[0\] must be"):
        sarao_fig4.claims([{"d": 3, "n": 3, "instances": [{"stretch": 1.0}]}])
    with pytest.raises(InputError, match=r"^rows must be a list") as e:
        sarao_uniqueness.claims("rows")
    assert e.value.argument == "rows"
    with pytest.raises(InputError, match=r"^outcomes\[0\]\['threshold'\] must be <= 10"):
        sarao_uniqueness.summarise(4, 1, [{"threshold": 11, "probes": {}}])


def test_figure_ids_devices_and_lists_of_integers_are_named():
    with pytest.raises(InputError, match="^figure_id 'nope' is not a figure id") as e:
        figure_module("nope")
    assert e.value.argument == "figure_id" and "cover-efron" in str(e.value)
    with pytest.raises(InputError, match="^name must be"):
        check_figure_device("sarao-fig1", "cpu", name=-0.5)
    assert check_ints(np.array([3.0, 4.0]), "dims", minimum=2) == [3, 4]
    with pytest.raises(InputError, match=r"^dims\[1\] must be >= 2") as e:
        cover_efron.exact_curves([3, 1], [1.0, 2.0])
    assert e.value.argument == "dims"
    with pytest.raises(InputError, match="^dims must be a non-empty list"):
        cover_efron.exact_table(3, 5)


def test_callee_errors_name_the_callers_argument():
    with pytest.raises(InputError, match="^draws must be >= 1") as e:
        cover_efron.sampled_point(4, 3, 1, draws=0, seed=0)
    assert e.value.argument == "draws"
    with pytest.raises(TooLargeError, match="^n: ") as e:
        cover_efron.sampled_point(10**12, 2, 1, draws=1, seed=0)
    assert e.value.argument == "n"
    with pytest.raises(InputError, match="^size must be") as e, caller_names(value="size"):
        check_int(-1, "value", minimum=0)
    assert e.value.argument == "size"
    with pytest.raises(InputError, match="^other must be"), caller_names(value="size"):
        check_int(-1, "other", minimum=0)  # not renamed
    with pytest.raises(TooLargeError) as e:
        cover_efron.exact_table([3], 10**9)
    assert e.value.argument == "max_n"


def test_undefined_values_of_a_sampled_point_are_none():
    point = cover_efron.sampled_point(4, 3, 2, draws=3, seed=0)  # one proper draw of three
    assert point["n_proper"] == 1
    assert point["faces_se"] == [None, None] and point["z_faces"] == [None, None]
    assert all(isinstance(mean, float) for mean in point["mean_faces"])


def test_wilson_interval_names_its_arguments():
    for args, name in (
        ((3, 0), "trials"),
        (([1, 2, 3], [4, 4]), "trials"),
        (([np.nan], [4]), "successes"),
        (("1", [4]), "successes"),
    ):
        with pytest.raises(InputError) as e:
            sarao_uniqueness.wilson_interval(*args)
        assert e.value.argument == name
    with pytest.raises(InputError, match="^z must be <= 38"):
        sarao_uniqueness.wilson_interval(1, 2, z=1e300)


CPU_ONLY = [
    figure_id
    for figure_id in sorted(REGISTRY)
    if "require_cpu" in inspect.getsource(figure_module(figure_id).run)
]


@pytest.mark.parametrize("figure_id", CPU_ONLY)
def test_cpu_only_figures_refuse_another_device_by_name(figure_id):
    """Refused before any work: the check is the first thing run() does with device."""
    with pytest.raises(InputError, match=f"^{figure_id} computes with .* on the CPU") as e:
        figure_module(figure_id).run("quick", device="cuda")
    assert e.value.argument == "device" and "device='cpu'" in str(e.value)


def test_the_cpu_only_figures_are_found():
    assert {"gamarnik-stationary", "sarao-fig2", "vidal-relu"} <= set(CPU_ONLY)
    assert "kazemipour-fig4" not in CPU_ONLY  # it trains with torch, on CUDA too
