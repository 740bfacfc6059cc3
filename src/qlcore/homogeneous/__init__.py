"""Beyond quadratic activations: linear, deep linear and positively homogeneous networks
(Vidal, Zhu and Haeffele, "Optimization landscape of neural networks").

Every critical point of a two-layer linear network (Baldi–Hornik, Theorem 1.2) and its Hessian
(:mod:`~qlcore.homogeneous.critical_points`); deep linear networks, their saddles and the scalar
example (1.31) (:mod:`~qlcore.homogeneous.deep_linear`); matrix factorisation with weight decay,
its singular-value-thresholding optimum and the meta-algorithm
(:mod:`~qlcore.homogeneous.factorization`); and a one-hidden-layer ReLU network with weight decay
and its polar optimality check (:mod:`~qlcore.homogeneous.relu`).
"""
