"""qlcore: the solvers behind *Landscapes of Quadratic Networks*.

A quadratic network computes ``x -> <A, x x^T>`` for a symmetric matrix ``A`` built
from its weights, so the data enter the square loss only through fixed moments
(:mod:`qlcore.model.moments`). Every solver in the book is built on that fact.
"""

from qlcore.infra.checks import InputError, QLCoreError, TooLargeError

__all__ = ["InputError", "QLCoreError", "TooLargeError", "__version__"]
__version__ = "0.1.0"
