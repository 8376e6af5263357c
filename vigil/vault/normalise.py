"""Canonical forms of identifiers, so one person's phone, handle or name has one index.

Why: blind indexes (``blind_index.py``) match exactly. ``+7 (928) 123-45-67`` and
``89281234567`` must give the same index or a caseworker misses that a detainee is
already known; ``@User`` and ``user`` likewise (criterion 24). Every function is
idempotent: a canonical value normalises to itself, so values can be re-normalised
safely. Bad input raises ``ValueError`` with a sentence the caseworker can act on.
"""

import re
import unicodedata

import phonenumbers

_HANDLE_HOSTS = re.compile(
    r"^(?:https?://)?(?:www\.|m\.)?"
    r"(?:t\.me|telegram\.me|telegram\.dog|instagram\.com|vk\.com|tiktok\.com)/+",
)
_HANDLE = re.compile(r"[a-z0-9._]+")
_MAX_HANDLE = 64
_YO = "\u0451"  # Cyrillic yo, often written without its dots
_IE = "\u0435"


def normalise_phone(text: str, default_region: str = "RU") -> str:
    """Return the E.164 form (``+79281234567``) of a phone number.

    National forms (``8 928 ...``, ``928 ...``) are read in ``default_region``.
    """
    try:
        number = phonenumbers.parse(text, default_region)
    except phonenumbers.NumberParseException:
        raise ValueError(f"{text!r} is not a phone number.") from None
    if not phonenumbers.is_valid_number(number):
        raise ValueError(
            f"{text!r} is not a valid phone number; check the digits and, for a "
            "number outside Russia, start it with + and the country code."
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def normalise_handle(text: str) -> str:
    """Return a social-media handle without ``@``, in lower case.

    Accepts profile links on t.me, telegram.me, instagram.com, vk.com and tiktok.com.
    """
    value = unicodedata.normalize("NFKC", text).strip()
    value = _HANDLE_HOSTS.sub("", value, count=1)
    value = re.split(r"[/?#]", value, maxsplit=1)[0].lstrip("@").lower()
    if not value:
        raise ValueError(f"{text!r} holds no handle.")
    if not _HANDLE.fullmatch(value) or len(value) > _MAX_HANDLE:
        raise ValueError(f"{text!r} is not a handle: handles use only Latin letters, digits, dots and underscores.")
    return value


def _fold(text: str) -> str:
    folded = unicodedata.normalize("NFKC", text).casefold()
    folded = unicodedata.normalize("NFKC", folded).replace(_YO, _IE)
    kept = (c for c in folded if unicodedata.category(c) != "Cf")
    return " ".join("".join(kept).split())


def normalise_name(text: str) -> str:
    """Return a name NFKC-normalised, case-folded, yo (U+0451) as ie, spaced once.

    Invisible format characters (soft hyphens, zero-width joiners) are dropped.
    """
    value = _fold(text)
    while (again := _fold(value)) != value:
        value = again
    if not value:
        raise ValueError("The name is empty.")
    return value
