"""Loaded with `-p` before pytest-django reads settings: an isolated data directory and fast key derivation.

Slow crypto is lowered by one explicit setting (VIGIL_CHEAP_KDF_FOR_TESTS), which settings accept only together with
VIGIL_DEBUG; pytest-django then runs the tests themselves with DEBUG off, as production does.
"""

from __future__ import annotations

import os
import tempfile

os.environ["VIGIL_DATA_DIR"] = tempfile.mkdtemp(prefix="vigil-test-")
os.environ["VIGIL_DEBUG"] = "true"
os.environ["VIGIL_CHEAP_KDF_FOR_TESTS"] = "true"
os.environ["VIGIL_LANGUAGE"] = "en"
# Playwright's sync API keeps an event loop in the test thread; the ORM calls the tests make there are synchronous.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
