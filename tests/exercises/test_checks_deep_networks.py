"""The expected answers of chapter 5's checks agree with independent computations.

The checks' functions are called directly: :func:`qlcore.exercises.checks` would import every
chapter's module."""

from qlcore.deep import expressivity
from qlcore.exercises import deep_networks


def test_parameter_count_is_the_formula():
    d, h1 = 9, 81
    m1, m2 = d * h1, h1
    assert deep_networks._parameter_count() == m1 * (d + h1) + m2 * (h1 + 1)


def test_mixing_width_is_the_corrected_count():
    assert deep_networks._full_dimensional_width() == expressivity.width_counts(4).corrected


def test_noise_floors_decrease_with_depth():
    floors = deep_networks._noise_floors()
    assert 0 < floors[2] < floors[1] < floors[0] < 1
