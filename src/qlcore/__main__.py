"""``python -m qlcore``: see :mod:`qlcore.cli`."""

import sys

from .cli import main

sys.exit(main())
