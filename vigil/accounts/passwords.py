"""Password policy (SECURITY-CRITERIA 13): long passphrases, not complexity rules.

At least 15 characters; long ones (64 and beyond) are welcome; anything over MAX_PASSWORD_LENGTH is refused before it
reaches the hasher, so a megabyte-long "password" cannot be used to burn CPU. Common and breached passwords are
refused by Django's bundled list of 20,000 (no network call).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

MIN_PASSWORD_LENGTH = 15
MAX_PASSWORD_LENGTH = 1024


def is_acceptable_length_for_hashing(password: str) -> bool:
    return len(password) <= MAX_PASSWORD_LENGTH


class LengthValidator:
    def validate(self, password: str, user: Any = None) -> None:
        if len(password) < MIN_PASSWORD_LENGTH:
            raise ValidationError(
                ngettext(
                    "The password must be at least %(count)d character long.",
                    "The password must be at least %(count)d characters long.",
                    MIN_PASSWORD_LENGTH,
                )
                % {"count": MIN_PASSWORD_LENGTH},
                code="password_too_short",
            )
        if len(password) > MAX_PASSWORD_LENGTH:
            raise ValidationError(
                _("The password must be at most %(count)d characters long.") % {"count": MAX_PASSWORD_LENGTH},
                code="password_too_long",
            )

    def get_help_text(self) -> str:
        return _("Use a passphrase of at least %(count)d characters: several unrelated words work well.") % {
            "count": MIN_PASSWORD_LENGTH
        }
