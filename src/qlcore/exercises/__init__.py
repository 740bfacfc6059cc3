"""Self-checks for the chapters' computational exercises: right or wrong, never the answer.

A computational exercise ends with a cell such as ::

    answer = None  # your answer
    check_answer("ex-norm-escape", answer)

which prints ``Right.`` or ``Not right yet.`` (with a hint about the form of the answer, never its
value). Each chapter's checks live in a module of this package named after the chapter
(``spurious_minima``, ``sample_thresholds``, ...): the expected value is recomputed by the library
from the data the exercise fixes, when the check first runs (:mod:`qlcore.exercises.checking`).
"""

from qlcore.exercises.checking import check_answer, checks, is_right

__all__ = ["check_answer", "checks", "is_right"]
