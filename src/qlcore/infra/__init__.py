"""Shared infrastructure, importable by every layer: input checks (:mod:`~qlcore.infra.checks`),
code hashes (:mod:`~qlcore.infra.codehash`), the result cache (:mod:`~qlcore.infra.cache`),
parameter sweeps (:mod:`~qlcore.infra.sweep`), the torch thread policy
(:mod:`~qlcore.infra.threads`) and statistical summaries (:mod:`~qlcore.infra.stats`). Nothing
here imports another ``qlcore`` package."""
