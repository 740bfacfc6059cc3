"""Counts of the widths a depth-2 network needs to express every quartic form."""

import pytest

from qlcore.deep import expressivity
from qlcore.infra.checks import InputError


def test_counts_for_the_papers_dimensions():
    nine = expressivity.width_counts(9)
    assert (nine.quartic, nine.quadratic, nine.naive, nine.corrected) == (495, 45, 11, 13)
    assert expressivity.width_counts(11).corrected == 18
    assert expressivity.width_counts(4).corrected == 5


@pytest.mark.parametrize("dim", [3, 4])
def test_measured_dimension_matches_the_corrected_count(dim):
    counts = expressivity.width_counts(dim)
    for width in range(1, counts.corrected + 2):
        expected = min(width * counts.quadratic - width * (width - 1) // 2, counts.quartic)
        assert expressivity.function_dimension(dim, width) == expected


def test_named_errors():
    with pytest.raises(InputError) as error:
        expressivity.function_dimension(3, 0)
    assert error.value.argument == "width"
    with pytest.raises(InputError) as error:
        expressivity.width_counts(-1)
    assert error.value.argument == "dim"
