"""Password hashing with Argon2id at parameters that meet SECURITY-CRITERIA 5 (m ≥ 64 MiB, t ≥ 3).

The one exception is the test suite, which may lower them through the explicit VIGIL_CHEAP_KDF_FOR_TESTS setting;
settings refuse that flag unless debug mode was configured, so a real instance can never run with cheap hashing.
"""

from __future__ import annotations

from typing import Any

import argon2
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


def salt_of(encoded: str) -> str:
    """The salt of a stored Argon2 encoding."""
    return str(VigilArgon2Hasher().decode(encoded)["salt"])


def encode_like(password: str, encoded: str) -> str | None:
    """What `password` encodes to under the salt and parameters of `encoded`: one Argon2id computation.

    None when `encoded` is not an Argon2 encoding (the caller then falls back to Django's own check).
    """
    hasher = VigilArgon2Hasher()
    if not encoded.startswith(f"{hasher.algorithm}$"):
        return None
    decoded = hasher.decode(encoded)
    params = decoded["params"]
    data = argon2.low_level.hash_secret(
        password.encode(),
        str(decoded["salt"]).encode(),
        time_cost=params.time_cost,
        memory_cost=params.memory_cost,
        parallelism=params.parallelism,
        hash_len=params.hash_len,
        type=params.type,
    )
    return f"{hasher.algorithm}{data.decode('ascii')}"
