"""Password hashing with Argon2id at parameters that meet SECURITY-CRITERIA 5 (m ≥ 64 MiB, t ≥ 3).

The one exception is the test suite, which may lower them through the explicit VIGIL_CHEAP_KDF_FOR_TESTS setting;
settings refuse that flag unless debug mode was configured, so a real instance can never run with cheap hashing.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import Argon2PasswordHasher


class VigilArgon2Hasher(Argon2PasswordHasher):
    time_cost = 3
    memory_cost = 64 * 1024
    parallelism = 2

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if getattr(settings, "VIGIL_CHEAP_KDF_FOR_TESTS", False):
            self.time_cost = 1
            self.memory_cost = 1024
            self.parallelism = 1
