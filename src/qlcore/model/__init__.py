"""The quadratic-linear model: inputs and targets (:mod:`~qlcore.model.data`), the moments form of
the square loss (:mod:`~qlcore.model.moments`), the lifted convex problem and its certificate
(:mod:`~qlcore.model.convex`), QL networks (:mod:`~qlcore.model.networks`), the batched trainer
(:mod:`~qlcore.model.train`), exact derivatives and the classification of stationary points
(:mod:`~qlcore.model.landscape`) and Example 2.1 (:mod:`~qlcore.model.spurious`).

Imports only :mod:`qlcore.infra`."""
