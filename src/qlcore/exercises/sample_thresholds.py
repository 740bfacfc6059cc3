"""Answer checks for the exercises of chapter 2, "How many samples?".

The threshold ``n*`` of one teacher-student instance: the smallest number of its nested samples
from which the teacher is the only positive semidefinite matrix that fits them, decided by the
exact test :func:`qlcore.samples.uniqueness.teacher_is_unique` on the instance
:func:`qlcore.samples.teacher_student.make_data` draws for the exercise's ``d``, ``m*`` and seed.
"""

from qlcore.exercises.checking import answer_check
from qlcore.samples import teacher_student, uniqueness


@answer_check(
    "ch2-ex-instance-threshold",
    "the instance's threshold n*, the smallest number of samples n (an integer between 1 and 30)",
    exact=True,
)
def _instance_threshold():
    case = teacher_student.make_data(6, 2, 30, seed=4)
    for n in range(1, 31):
        if uniqueness.teacher_is_unique(case.x[:n], case.teacher_matrix).unique:
            return n
    raise RuntimeError("the teacher is not unique with all 30 samples")
