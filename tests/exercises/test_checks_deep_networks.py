"""The expected answers of chapter 5's checks agree with independent computations.

The checks' functions are called directly: :func:`qlcore.exercises.checks` would import every
chapter's module."""

from qlcore.deep import expressivity
from qlcore.exercises import deep_networks
from qlcore.experiments import kazemipour_fig4


def test_parameter_count_is_the_formula():
    d, h1 = 9, 81
    m1, m2 = d * h1, h1
    assert deep_networks._parameter_count() == m1 * (d + h1) + m2 * (h1 + 1)


def test_mixing_width_is_the_corrected_count():
    dim = deep_networks.MIXING_DIM
    assert deep_networks._full_dimensional_width() == expressivity.width_counts(dim).corrected
    # the chapter's parameter-count cell prints Fig. 4's dimension: never this one
    assert dim not in {
        kazemipour_fig4.SCALE_SETTINGS[scale]["dim"] for scale in kazemipour_fig4.SCALE_SETTINGS
    }


def test_noise_floors_decrease_with_depth():
    floors = deep_networks._noise_floors()
    assert 0 < floors[2] < floors[1] < floors[0] < 1
