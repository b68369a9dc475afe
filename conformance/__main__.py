"""``python -m conformance``: the ``netconformance`` command (see :mod:`conformance.cli`)."""

import sys

from conformance.cli import main

sys.exit(main())
