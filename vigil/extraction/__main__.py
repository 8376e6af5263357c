"""Allow ``python -m vigil.extraction FILE...`` as a synonym for ``vigil extract``."""

import sys

from vigil.extraction.cli import main

sys.exit(main())
