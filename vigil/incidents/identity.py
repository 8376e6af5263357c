"""A person's sealed identity (name, phone, handles, documents): the only code that touches those fields.

Threat: a seized database or backup must hold no name, phone or handle in plaintext (SECURITY-CRITERIA 1). The
fields are the vault's `SealedTextField`s on `Person` (ciphertext bound to the row and field); the phone also gets
a keyed blind index so a caseworker can ask "do we know +7 928 ...?" without plaintext in the database. Reading
them is done only by `access.read_person_identity`, which audits first; this module does no access checks.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from vigil.incidents.models import Person

IDENTITY_FIELDS = ("name", "phone", "handles", "documents")
MAX_IDENTITY = 2000


def write_identity(person: Person, identity: Mapping[str, str]) -> list[str]:
    """Set the given identity fields on the (unsaved or locked) person; returns the names that changed.

    Raises vigil.vault.errors.SealedError when the vault is sealed: nothing is written then.
    """
    changed: list[str] = []
    for name, raw in identity.items():
        if name not in IDENTITY_FIELDS:
            raise ValidationError({name: _("This is not an identity field.")})
        value = (raw or "").strip() or None
        if value is not None and len(value) > MAX_IDENTITY:
            raise ValidationError({name: _("At most %(limit)d characters are allowed.") % {"limit": MAX_IDENTITY}})
        current = getattr(person, name) if person.pk and not person._state.adding else None
        if person._state.adding or current != value:
            setattr(person, name, value)
            changed.append(name)
    if "phone" in changed:
        changed.append("phone_index")
    return changed


def read_identity(person: Person, fields: Sequence[str]) -> dict[str, str]:
    return {name: getattr(person, name) or "" for name in fields}


def find_by_phone(queryset: object, phone: str) -> object:
    from vigil.vault.fields import blind_index_for

    return queryset.filter(phone_index=blind_index_for("phone", phone))  # type: ignore[attr-defined]
