"""Stationary points of shallow quadratic networks (Gamarnik, Kızıldağ & Zadik, arXiv 1912.01599).

The planted model ``f(W; x) = |W x|^2`` with ``W`` of shape ``m x d``: its population and empirical
risks with gradients and Hessians (:mod:`~qlcore.stationary.risks`), the energy barrier that
separates rank-deficient weights from the global minimum (:mod:`~qlcore.stationary.barrier`),
gradient descent and the census of the stationary points it stops at
(:mod:`~qlcore.stationary.descent`), and the isotropic initialisation ``W_0^T W_0 = m I``
(:mod:`~qlcore.stationary.initialisation`). The input laws and the population-risk formula are
chapter 2's (:mod:`qlcore.samples.span`).
"""
