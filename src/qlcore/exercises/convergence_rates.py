"""Answer checks for the exercises of chapter 4, "How fast does gradient descent learn?".

Each check recomputes its exercise's answer with :mod:`qlcore.dynamics` (the linearised rate of
eq. (28), the Lotka–Volterra system of the orthogonal teacher) for the teacher the exercise fixes.
"""

from qlcore.dynamics import flows
from qlcore.dynamics.lotka_volterra import OrthogonalTeacherFlow
from qlcore.exercises.checking import answer_check


@answer_check(
    "ch4-ex-kappa",
    "the late-time exponential decay rate r of E(t) ~ e^(-r t), a positive number in the "
    "chapter's time units",
)
def _late_decay_rate():
    return 2.0 * flows.linearised_rate([2.0, 1.0, 0.5])


@answer_check(
    "ch4-ex-escape",
    "the time t_half at which lambda(t) climbs back through lambda*/2, a positive number in the "
    "chapter's time units, to at least three significant figures",
    rtol=5e-3,
)
def _escape_time():
    return OrthogonalTeacherFlow(dim=1000, rank=1, eigenvalue=1.0).regime_times().t_half
