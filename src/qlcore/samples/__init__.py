"""How many samples make the teacher the only fit (chapter 2): the counting threshold
(:mod:`~qlcore.samples.thresholds`), exact SDP uniqueness (:mod:`~qlcore.samples.uniqueness`),
teacher-student data and gradient descent (:mod:`~qlcore.samples.teacher_student`), recovery and
its extrapolation (:mod:`~qlcore.samples.recovery`), the span condition
(:mod:`~qlcore.samples.span`) and the string method (:mod:`~qlcore.samples.strings`).

Imports :mod:`qlcore.dynamics`, :mod:`qlcore.model` and :mod:`qlcore.infra`."""
