"""Gradient flows of the teacher-student problem (chapter 4): the population flow, its eigenvalue
ODE, rates and bounds, and gradient descent on the weights (:mod:`~qlcore.dynamics.flows`); the
Lotka-Volterra form of an orthogonal teacher (:mod:`~qlcore.dynamics.lotka_volterra`).

Imports :mod:`qlcore.model` and :mod:`qlcore.infra`."""
