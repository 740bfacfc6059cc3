"""``python -m qlcore``: see :mod:`qlcore.cli`."""

import sys

from qlcore.cli import main

sys.exit(main())
