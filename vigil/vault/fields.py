"""Sealed model fields: values encrypted in the database, decrypted only in an unsealed process.

Threat: a seized database or backup must not show a name, phone, handle, testimony or address. Invariants:

* The column holds only `aead.encrypt_value` blobs bound to (table, primary key, field name): a ciphertext copied to
  another row or field fails with `TamperedError`. Plain text can never reach the column: `get_prep_value` refuses
  `str`, so even `QuerySet.update(name="...")` fails loudly instead of writing plaintext.
* The column is the field's `attname` (`<name>_sealed`); the attribute `<name>` is a descriptor that decrypts lazily
  and raises `SealedError` while the process is sealed, even for a value it decrypted before sealing.
* `BlindIndexField` stores HMAC(index key, normalised value) for exact-match look-up (`blind_index_for`), never a
  plain hash. A value the normaliser refuses (an invalid phone) stores no index instead of failing the save.

Models with sealed fields need a primary key that exists before the first save (`UUIDField(primary_key=True,
default=uuid.uuid4)`), since it is bound into the ciphertext; a system check (`vault.E001`) enforces it.
Reads are audited by the app's accessors, not here. Limits: `QuerySet.update`, `bulk_update` and lookups other than
`isnull` do not work on sealed fields; include a blind index in `update_fields` together with its source.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from typing import Any

from django import forms
from django.db import models

from vigil.vault import state
from vigil.vault.aead import DERIVATION_SIZE, decrypt_value, encrypt_value, field_aad
from vigil.vault.blind_index import blind_index
from vigil.vault.errors import SealedError, UnknownKeyError
from vigil.vault.normalise import normalise_handle, normalise_name, normalise_phone

BLOB_TYPES = (bytes, bytearray, memoryview)
_CACHE = "_vault_plain_"
_DERIVATION = "_vault_derivation_salt"
_PK_BYTES = "_vault_pk_bytes"
ATTNAME_SUFFIX = "_sealed"


def _decrypt(blob: bytes, aad: bytes) -> bytes:
    try:
        return decrypt_value(state.current_keyring(), blob, aad)
    except UnknownKeyError:
        # The keyring may have been rotated by `vigil rekey` since this process loaded it.
        state.reload_keyring()
        return decrypt_value(state.current_keyring(), blob, aad)


class SealedDescriptor:
    """The `<name>` attribute: plaintext in, plaintext out; the instance keeps only the blob or pending plaintext."""

    def __init__(self, field: SealedField) -> None:
        self.field = field

    def __get__(self, instance: models.Model | None, owner: type | None = None) -> Any:
        if instance is None:
            return self
        return self.field.plaintext_of(instance)

    def __set__(self, instance: models.Model, value: Any) -> None:
        instance.__dict__[self.field.attname] = self.field.check_plain(value)
        instance.__dict__.pop(_CACHE + self.field.attname, None)


class SealedField(models.BinaryField):  # type: ignore[type-arg]
    """Base of the sealed fields: subclasses say how a Python value becomes bytes (`encode`) and back (`decode`)."""

    description = "Sealed (encrypted) value"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("editable", True)
        self._aad_parts: tuple[type, bytes, bytes] | None = None
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        if kwargs.get("editable") is True:
            del kwargs["editable"]
        elif "editable" not in kwargs:
            kwargs["editable"] = False
        return name, path, args, kwargs

    # --- plaintext <-> bytes, per subclass
    def encode(self, value: Any) -> bytes:
        """The bytes a Python value is sealed as; each concrete sealed field overrides this."""
        raise NotImplementedError(f"{type(self).__name__} does not implement encode()")

    def decode(self, data: bytes) -> Any:
        """The Python value of unsealed bytes; each concrete sealed field overrides this."""
        raise NotImplementedError(f"{type(self).__name__} does not implement decode()")

    def check_plain(self, value: Any) -> Any:
        """Refuse assigning a blob or a wrong type through the plaintext attribute."""
        if isinstance(value, BLOB_TYPES):
            raise TypeError(f"{self.name} takes a plain value; assign ciphertext only through {self.attname}.")
        return value

    # --- the column
    def get_attname(self) -> str:
        return self.name + ATTNAME_SUFFIX

    def contribute_to_class(self, cls: type[models.Model], name: str, private_only: bool = False) -> None:
        super().contribute_to_class(cls, name, private_only)
        self._cache_key = _CACHE + self.attname
        setattr(cls, name, SealedDescriptor(self))

    def get_default(self) -> Any:
        if self.has_default():
            return self.default() if callable(self.default) else self.default
        return None if self.null else ""

    def to_python(self, value: Any) -> Any:
        return value

    def get_prep_value(self, value: Any) -> Any:
        if value is None or isinstance(value, bytes):
            return value
        if isinstance(value, (bytearray, memoryview)):
            return bytes(value)
        raise TypeError(f"Only ciphertext may be written to the sealed column {self.attname}; it was given plaintext.")

    def aad(self, instance: models.Model) -> bytes:
        """`aead.field_aad(table, pk, name)`, with the parts that never change computed once per model and field."""
        parts = self._aad_parts
        model = type(instance)
        if parts is None or parts[0] is not model:
            head = field_aad(instance._meta.db_table, "", self.name)
            prefix = head[: len(head) - 8 - len(self.name.encode())]
            suffix = len(self.name.encode()).to_bytes(4, "big") + self.name.encode()
            parts = self._aad_parts = (model, prefix, suffix)
        pk = instance.pk
        known = instance.__dict__.get(_PK_BYTES)
        if known is None or known[0] != pk:
            # The sealed fields of one record share the encoded primary key.
            known = instance.__dict__[_PK_BYTES] = (pk, str(pk).encode())
        encoded = known[1]
        return parts[1] + len(encoded).to_bytes(4, "big") + encoded + parts[2]

    def plaintext_of(self, instance: models.Model) -> Any:
        """Decrypt (once per blob) and return the value; `SealedError` while sealed, `TamperedError` if moved."""
        if not state.is_unsealed():
            raise SealedError()
        values = instance.__dict__
        raw = values.get(self.attname)
        if raw is None or not isinstance(raw, BLOB_TYPES):
            return raw
        cached = values.get(self._cache_key)
        if cached is not None and cached[0] is raw:
            return cached[1]
        value = self.decode(_decrypt(raw if isinstance(raw, bytes) else bytes(raw), self.aad(instance)))
        values[self._cache_key] = (raw, value)
        return value

    def pre_save(self, model_instance: models.Model, add: bool) -> Any:
        raw = model_instance.__dict__.get(self.attname)
        if raw is None or isinstance(raw, BLOB_TYPES):
            return raw
        keyring = state.current_keyring()
        # The sealed fields of one record share a derived key (each value has its own nonce): reading the record
        # back then derives one key instead of one per field.
        derivation = model_instance.__dict__.get(_DERIVATION)
        if derivation is None:
            derivation = model_instance.__dict__[_DERIVATION] = os.urandom(DERIVATION_SIZE)
        blob = encrypt_value(keyring, self.encode(raw), self.aad(model_instance), derivation)
        model_instance.__dict__[self.attname] = blob
        model_instance.__dict__[_CACHE + self.attname] = (blob, raw)
        return blob

    def value_from_object(self, obj: models.Model) -> Any:
        """The plaintext (for forms); serializers get the ciphertext through `value_to_string`."""
        return getattr(obj, self.name)

    def value_to_string(self, obj: models.Model) -> str:
        raw = obj.__dict__.get(self.attname)
        if raw is not None and not isinstance(raw, BLOB_TYPES):
            raise TypeError(f"{self.name} has unsaved plaintext; save the record before serialising it.")
        return super().value_to_string(obj)

    def run_validators(self, value: Any) -> None:
        if not isinstance(value, BLOB_TYPES):
            super().run_validators(value)

    def get_lookup(self, lookup_name: str) -> Any:
        if lookup_name not in {"isnull", "exact"}:
            return None
        return super().get_lookup(lookup_name)


class SealedTextField(SealedField):
    """A sealed `str` (names, phones, handles, testimony, addresses, document numbers); `None` if `null=True`."""

    def __init__(self, *args: Any, max_length: int | None = None, **kwargs: Any) -> None:
        self.plain_max_length = max_length
        super().__init__(*args, **kwargs)
        if max_length is not None:
            from django.core.validators import MaxLengthValidator

            self.validators.append(MaxLengthValidator(max_length))

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        if self.plain_max_length is not None:
            kwargs["max_length"] = self.plain_max_length
        return name, path, args, kwargs

    def check_plain(self, value: Any) -> Any:
        value = super().check_plain(value)
        if value is not None and not isinstance(value, str):
            raise TypeError(f"{self.name} holds text; it was given {type(value).__name__}.")
        return value

    def encode(self, value: Any) -> bytes:
        return str(value).encode("utf-8")

    def decode(self, data: bytes) -> Any:
        return data.decode("utf-8")

    def formfield(self, **kwargs: Any) -> Any:  # type: ignore[override]
        defaults: dict[str, Any] = {
            "form_class": forms.CharField,
            "max_length": self.plain_max_length,
            "required": not self.blank,
            "label": self.verbose_name,
            "help_text": self.help_text,
        }
        if self.plain_max_length is None:
            defaults["widget"] = forms.Textarea
        defaults.update(kwargs)
        form_class = defaults.pop("form_class")
        return form_class(**defaults)


class SealedJSONField(SealedField):
    """A sealed JSON value (lists of aliases, structured addresses); `None` means SQL NULL when `null=True`."""

    def get_default(self) -> Any:
        if self.has_default():
            return self.default() if callable(self.default) else self.default
        return None

    def encode(self, value: Any) -> bytes:
        return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")

    def decode(self, data: bytes) -> Any:
        return json.loads(data.decode("utf-8"))

    def formfield(self, **kwargs: Any) -> Any:  # type: ignore[override]
        return forms.JSONField(required=not self.blank, label=self.verbose_name, **kwargs)


NORMALISERS: dict[str, Callable[[str], str]] = {
    "phone": normalise_phone,
    "handle": normalise_handle,
    "name": normalise_name,
    "exact": lambda value: value,
}


def normalised(kind: str, raw_value: str) -> str:
    """The canonical form used for the index of `kind`; raises ValueError for a value the normaliser refuses."""
    try:
        normaliser = NORMALISERS[kind]
    except KeyError:
        raise ValueError(f"There is no blind index kind {kind!r}; use one of {', '.join(NORMALISERS)}.") from None
    return normaliser(raw_value)


def blind_index_for(kind: str, raw_value: str) -> str:
    """The index of `raw_value`, for queries: `Person.objects.filter(phone_index=blind_index_for("phone", text))`.

    Raises ValueError if the value cannot be normalised (never returns something that matches empty indexes), and
    SealedError while sealed.
    """
    return blind_index(state.current_index_key(), kind, normalised(kind, raw_value))


class BlindIndexField(models.CharField):  # type: ignore[type-arg]
    """Keyed index of another (sealed) field's normalised plaintext, filled on save; NULL when there is nothing to
    index or the value is invalid (so that a form, not the save, reports it)."""

    def __init__(self, *args: Any, source: str, kind: str, **kwargs: Any) -> None:
        if kind not in NORMALISERS:
            raise ValueError(f"There is no blind index kind {kind!r}; use one of {', '.join(NORMALISERS)}.")
        self.source, self.kind = source, kind
        kwargs.update(max_length=64, null=True, blank=True, editable=False, db_index=True)
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        for key in ("max_length", "null", "blank", "editable", "db_index"):
            kwargs.pop(key, None)
        kwargs.update(source=self.source, kind=self.kind)
        return name, path, args, kwargs

    def pre_save(self, model_instance: models.Model, add: bool) -> Any:
        source = model_instance._meta.get_field(self.source)
        assert isinstance(source, SealedField)
        raw = model_instance.__dict__.get(source.attname)
        cached = model_instance.__dict__.get(_CACHE + source.attname)
        if isinstance(raw, BLOB_TYPES) and not (cached is not None and cached[0] is raw):
            # The source did not change in this process: keep the stored index.
            return getattr(model_instance, self.attname)
        plain = cached[1] if isinstance(raw, BLOB_TYPES) and cached is not None else raw
        value = None
        if isinstance(plain, str) and plain.strip():
            try:
                value = blind_index_for(self.kind, plain)
            except ValueError:
                value = None
        setattr(model_instance, self.attname, value)
        return value


def sealed_fields(model: type[models.Model]) -> list[SealedField]:
    return [field for field in model._meta.concrete_fields if isinstance(field, SealedField)]
