"""Deep quadratic-linear networks (Kazemipour et al., Section 3.4 and appendix F).

``monomials``: forms of degree ``2^L`` in monomial coordinates, the convex regression that is
every network's global optimum (:func:`~qlcore.deep.monomials.convex_nmse`) and its certificate
(eq. F.3); ``networks``: the per-sample definition of a deep QL network and its penalty (eq.
F.1); ``train``: batched training in the lifted form.
"""
