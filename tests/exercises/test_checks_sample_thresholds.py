"""The chapter 2 answer check agrees with an independent test.

``ch2-ex-instance-threshold`` finds the instance's threshold ``n*`` with the dual certificate or
witness of :func:`qlcore.samples.uniqueness.teacher_is_unique`; the width test
:func:`qlcore.samples.uniqueness.psd_uniqueness`, which uses the labels only, must agree that the
teacher is unique with ``n*`` samples and not with ``n* - 1``.
"""

import pytest

from qlcore.exercises import checks
from qlcore.samples import teacher_student, uniqueness


@pytest.mark.slow
def test_instance_threshold_agrees_with_the_width_test():
    n_star = checks()["ch2-ex-instance-threshold"].expected()
    case = teacher_student.make_data(6, 2, 30, seed=4)
    assert uniqueness.psd_uniqueness(case.x[:n_star], case.y[:n_star]).unique
    assert not uniqueness.psd_uniqueness(case.x[: n_star - 1], case.y[: n_star - 1]).unique
