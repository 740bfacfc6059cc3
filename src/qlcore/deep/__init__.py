"""Deep and multi-output quadratic-linear networks (Kazemipour et al., Sections 3.2-3.4 and
appendices E-F; chapter 5).

``monomials``: forms of degree ``2^L`` in monomial coordinates, the convex regression that is
every depth-``L`` network's global optimum (:func:`~qlcore.deep.monomials.convex_nmse`) and its
certificate (eq. F.3); ``networks``: the per-sample definition of a deep QL network and its
penalty (eq. F.1); ``train``: batched training in the lifted form; ``multioutput``: networks with
several outputs (eq. 3.4, Theorems E.1-E.2, Lemma E.1); ``data``: the data of Figs. 4 and 5;
``expressivity``: how wide a depth-2 network must be to express every quartic form;
``synthetic_runs`` and ``mnist_runs``: the training runs of Figs. 4 and 5 as sweep points.
"""
