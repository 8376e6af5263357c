"""Sealed model fields: one ciphertext per record, decrypted only in an unsealed process.

Threat: a seized database or backup must not show a name, phone, handle, testimony or address. Invariants:

* A model with sealed fields derives from `SealedModel`. Its sealed fields (`SealedTextField`, `SealedJSONField`) have
  no column of their own: together they are one MessagePack map, sealed by `aead.encrypt_value` into the record's
  single `sealed` column and bound to (table, primary key), so a ciphertext copied to another row fails with
  `TamperedError`. One ciphertext per record, not one per field: reading a page of records decrypts each once.
* Plain text can never reach the column: `get_prep_value` refuses `str`, so even `QuerySet.update(sealed="...")` fails
  loudly; sealed fields cannot be used in `filter`, `update` or `values` (Django raises), only through the model.
* Reading a sealed attribute raises `SealedError` while the process is sealed, even for a value decrypted before.
  Assigning one keeps the plaintext in the instance until `save()` seals the whole record again; a value of the wrong
  type is refused by `save()` before any SQL.
* `BlindIndexField` stores HMAC(index key, normalised value) for exact-match look-up (`blind_index_for`), never a
  plain hash. A value the normaliser refuses (an invalid phone) stores no index instead of failing the save.

Sealed fields are declarations inside the record, not columns, so they are not in migrations: adding one needs no
schema change, and a value missing from an older record reads as the field's default. The primary key must exist
before the first save (`UUIDField(primary_key=True, default=uuid.uuid4)`) since it is bound into the ciphertext; a
system check (`vault.E001`) enforces it. Reads are audited by the apps' accessors, not here. `save(update_fields=...)`
accepts sealed field names (they mean the `sealed` column, plus the blind indexes of those that changed).
"""

from __future__ import annotations

import copy
import json
import uuid
from collections.abc import Callable, Iterable
from typing import Any

import msgpack
from django import forms
from django.db import models

from vigil.vault import state
from vigil.vault.aead import decrypt_value, encrypt_value
from vigil.vault.blind_index import blind_index
from vigil.vault.errors import SealedError, TamperedError, UnknownKeyError
from vigil.vault.framing import length_prefixed
from vigil.vault.normalise import normalise_handle, normalise_name, normalise_phone

BLOB_TYPES = (bytes, bytearray, memoryview)
RECORD_COLUMN = "sealed"
_RECORD = "_vault_record"
_MISSING = object()
_AAD_PREFIXES: dict[str, bytes] = {}
_SEALED_FIELDS: dict[type[models.Model], list[SealedField]] = {}
_READING_PLANS: dict[type[models.Model], list[tuple[str, SealedField, Any]]] = {}


def _decrypt(blob: bytes, aad: bytes) -> bytes:
    try:
        return decrypt_value(state.current_keyring(), blob, aad)
    except UnknownKeyError:
        # The keyring may have been rotated by `vigil rekey` since this process loaded it.
        state.reload_keyring()
        return decrypt_value(state.current_keyring(), blob, aad)


def encode_record(values: dict[str, Any]) -> bytes:
    """The plaintext of a record: a MessagePack map of field name to value (text, or what JSON can hold).

    MessagePack rather than JSON because a page of records decodes them all: it is a published, stable format, and
    its decoder is several times faster on long Cyrillic text, where JSON's spends most of a read."""
    packed: bytes = msgpack.packb(values, use_bin_type=True)
    return packed


def decode_record(data: bytes) -> dict[str, Any]:
    """The values of a decrypted record. The bytes were authenticated, so a failure here means a bug, not an attack."""
    try:
        values = msgpack.unpackb(data, raw=False)
    except (ValueError, msgpack.ExtraData) as problem:
        raise TamperedError(f"A sealed record decrypted to something that is not a record ({problem}).") from None
    if not isinstance(values, dict):
        raise TamperedError("A sealed record decrypted to something that is not a record.")
    return values


class _Record:
    """What one model instance knows of its sealed record.

    `blob` is the ciphertext the rest belongs to (a new blob loaded from the database makes it stale); `values` its
    plaintext once decrypted; `changed` the names sealed by this instance's saves, so a blind index declared after
    the `sealed` column still sees that its source changed.
    """

    __slots__ = ("blob", "changed", "values")

    def __init__(self, blob: Any) -> None:
        self.blob = blob
        self.values: dict[str, Any] | None = None
        self.changed: frozenset[str] = frozenset()


def _blob_of(instance: models.Model) -> Any:
    values = instance.__dict__
    if RECORD_COLUMN in values:
        return values[RECORD_COLUMN]
    return getattr(instance, RECORD_COLUMN)  # loads a deferred column


def _record_of(instance: models.Model) -> _Record:
    blob = _blob_of(instance)
    record = instance.__dict__.get(_RECORD)
    if record is None or record.blob is not blob:
        record = instance.__dict__[_RECORD] = _Record(blob)
    return record


def record_aad(table: str, pk: uuid.UUID | str) -> bytes:
    """Associated data naming one record, so its ciphertext cannot move to another row or table."""
    prefix = _AAD_PREFIXES.get(table)
    if prefix is None:
        prefix = _AAD_PREFIXES[table] = length_prefixed(b"vigil/record/v1", table.encode()) + b"\x00\x00\x00\x10"
    key = pk if isinstance(pk, uuid.UUID) else uuid.UUID(str(pk))
    return prefix + key.int.to_bytes(16, "big")


def _aad(instance: models.Model) -> bytes:
    return record_aad(instance._meta.db_table, instance.pk)


def _plain_values(instance: models.Model, record: _Record) -> dict[str, Any]:
    """The decrypted record (decrypted once per blob); `SealedError` while sealed, `TamperedError` if moved."""
    if record.values is None:
        blob = record.blob
        if blob is None:
            record.values = {}
        else:
            aad = record_aad(instance._meta.db_table, instance.pk)
            record.values = decode_record(_decrypt(blob if isinstance(blob, bytes) else bytes(blob), aad))
    return record.values


def _assigned(instance: models.Model, record: _Record, fields: list[SealedField]) -> dict[str, Any]:
    """Sealed values assigned on the instance that differ from the record it holds (all of them if never read)."""
    mine = instance.__dict__
    known = record.values
    changes: dict[str, Any] = {}
    for field in fields:
        value = mine.get(field.name, _MISSING)
        if value is _MISSING:
            continue
        if known is None or value != known.get(field.name, field.get_default()):
            changes[field.name] = field.check_plain(value)
    return changes


def forget_plaintext(instance: models.Model) -> None:
    """Drop the decrypted and assigned sealed values an instance holds (its `sealed` column was reloaded)."""
    for field in sealed_fields(type(instance)):
        instance.__dict__.pop(field.name, None)
    instance.__dict__.pop(_RECORD, None)


class SealedRecordField(models.BinaryField):  # type: ignore[type-arg]
    """The `sealed` column of a `SealedModel`: every sealed field of the record as one ciphertext, or NULL while they
    all hold their defaults."""

    description = "Sealed (encrypted) record"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.update(null=True, blank=True, editable=False)
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        for key in ("null", "blank", "editable"):
            kwargs.pop(key, None)
        return name, path, args, kwargs

    def get_prep_value(self, value: Any) -> Any:
        if value is None or isinstance(value, bytes):
            return value
        if isinstance(value, (bytearray, memoryview)):
            return bytes(value)
        raise TypeError(f"Only ciphertext may be written to the sealed column {self.attname}; it was given plaintext.")

    def pre_save(self, model_instance: models.Model, add: bool) -> Any:
        record = _record_of(model_instance)
        fields = sealed_fields(type(model_instance))
        changes = _assigned(model_instance, record, fields)
        if not changes:
            return record.blob
        if record.blob is None:
            defaults = {field.name: field.get_default() for field in fields}
            values = {**defaults, **changes}
            nothing_to_hide = values == defaults
        else:
            values = {**_plain_values(model_instance, record), **changes}
            nothing_to_hide = False
        if nothing_to_hide:
            # A new record whose sealed fields all hold their defaults needs no key: it can be written while sealed.
            blob = None
        else:
            encoded = encode_record(values)
            blob = encrypt_value(state.current_keyring(), encoded, _aad(model_instance))
            # What was sealed, as objects of its own: a list or dict the caller changes in place later still differs.
            values = decode_record(encoded)
        model_instance.__dict__[self.attname] = blob
        record.blob, record.values = blob, values
        record.changed = record.changed.union(changes)
        return blob

    def value_to_string(self, obj: models.Model) -> str:
        record = _record_of(obj)
        if _assigned(obj, record, sealed_fields(type(obj))):
            raise TypeError("The record has unsaved sealed values; save it before serialising it.")
        return super().value_to_string(obj)

    def get_lookup(self, lookup_name: str) -> Any:
        if lookup_name not in {"isnull", "exact"}:
            return None
        return super().get_lookup(lookup_name)


class SealedDescriptor:
    """The `<name>` attribute of a sealed field.

    Reading any sealed field of an instance decrypts its record once and keeps every sealed value in the instance's
    `__dict__` (under the field's name; this descriptor takes precedence over it), so a page that shows four sealed
    fields of a hundred records decrypts a hundred times. Assignment writes there too, and `save()` seals what differs
    from the record. Every read checks the process state, so while sealed even a value decrypted before raises
    `SealedError`.
    """

    __slots__ = ("field", "name")

    def __init__(self, field: SealedField) -> None:
        self.field = field
        self.name = field.name

    def __get__(self, instance: models.Model | None, owner: type | None = None) -> Any:
        if instance is None:
            return self
        if not state.is_unsealed():
            raise SealedError()
        try:
            return instance.__dict__[self.name]
        except KeyError:
            return self._read(instance)

    def _read(self, instance: models.Model) -> Any:
        """Decrypt the record once and put every sealed value into the instance. The steps of `_record_of` and
        `_plain_values` are written out here: a page of a hundred records comes through this once per record."""
        mine = instance.__dict__
        blob = mine.get(RECORD_COLUMN, _MISSING)
        record = mine.get(_RECORD)
        if blob is _MISSING or record is None or record.blob is not blob:
            record = _record_of(instance)
            blob = record.blob
        values = record.values
        if values is None:
            if blob is None:
                values = {}
            else:
                model = type(instance)
                aad = record_aad(model._meta.db_table, instance.pk)
                values = decode_record(_decrypt(blob if isinstance(blob, bytes) else bytes(blob), aad))
            record.values = values
        plan = _READING_PLANS.get(type(instance)) or _reading_plan(type(instance))
        for name, field, default in plan:
            if name not in mine:
                value = values.get(name, default)
                if value is _MISSING:
                    value = field.get_default()
                elif value is not default and not isinstance(value, str):
                    value = field.own_copy(value)
                mine[name] = value
        return mine[self.name]

    def __set__(self, instance: models.Model, value: Any) -> None:
        instance.__dict__[self.name] = value


class SealedField(models.Field):  # type: ignore[type-arg]
    """Base of the sealed fields: a value inside the record's `sealed` column, never a column of its own."""

    description = "Sealed (encrypted) value"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("editable", True)
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        if kwargs.get("editable") is True:
            del kwargs["editable"]
        return name, path, args, kwargs

    def get_attname_column(self) -> tuple[str, None]:  # type: ignore[override]
        return self.get_attname(), None

    def db_type(self, connection: Any) -> None:
        return None

    def contribute_to_class(self, cls: type[models.Model], name: str, private_only: bool = False) -> None:
        # A private field: in `_meta.fields` (forms, `Model(**kwargs)`), not in migrations or SQL.
        super().contribute_to_class(cls, name, private_only=True)
        setattr(cls, name, SealedDescriptor(self))

    def get_default(self) -> Any:
        if self.has_default():
            return self.default() if callable(self.default) else self.default
        return None if self.null else ""

    def own_copy(self, value: Any) -> Any:
        """The value an instance holds, safe to change in place without changing the decrypted record it came from
        (which `save()` compares against)."""
        return value

    def check_plain(self, value: Any) -> Any:
        """Refuse a ciphertext or a value of the wrong type."""
        if isinstance(value, BLOB_TYPES):
            raise TypeError(f"{self.name} takes a plain value, not bytes.")
        return value

    def value_from_object(self, obj: models.Model) -> Any:
        return getattr(obj, self.name)

    def get_lookup(self, lookup_name: str) -> Any:
        return None

    def get_transform(self, lookup_name: str) -> Any:
        return None


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
    """A sealed JSON value (lists of aliases, structured addresses); `None` when `null=True` and nothing is set."""

    def get_default(self) -> Any:
        if self.has_default():
            return self.default() if callable(self.default) else self.default
        return None

    def check_plain(self, value: Any) -> Any:
        value = super().check_plain(value)
        try:
            json.dumps(value, ensure_ascii=False)
        except (TypeError, ValueError) as problem:
            raise TypeError(f"{self.name} holds JSON; {problem}") from None
        return value

    def own_copy(self, value: Any) -> Any:
        return copy.deepcopy(value) if isinstance(value, (dict, list)) else value

    def formfield(self, **kwargs: Any) -> Any:  # type: ignore[override]
        return forms.JSONField(required=not self.blank, label=self.verbose_name, **kwargs)


def sealed_fields(model: type[models.Model]) -> list[SealedField]:
    fields = _SEALED_FIELDS.get(model)
    if fields is None:
        fields = _SEALED_FIELDS[model] = [
            field for field in model._meta.private_fields if isinstance(field, SealedField)
        ]
    return fields


def _reading_plan(model: type[models.Model]) -> list[tuple[str, SealedField, Any]]:
    """(name, field, default) of each sealed field; the defaults are immutable ones, so they are computed once."""
    plan = _READING_PLANS.get(model)
    if plan is None:
        plan = _READING_PLANS[model] = [(field.name, field, field.get_default()) for field in sealed_fields(model)]
        if any(isinstance(default, (dict, list)) for _, _, default in plan):
            # A mutable default must be fresh for each instance: read it through the field, after the fast path.
            plan = _READING_PLANS[model] = [(name, field, _MISSING) for name, field, _ in plan]
    return plan


def blind_indexes(model: type[models.Model]) -> list[BlindIndexField]:
    return [field for field in model._meta.concrete_fields if isinstance(field, BlindIndexField)]


def concrete_update_fields(model: type[models.Model], names: Iterable[str]) -> list[str]:
    """`update_fields` in columns: a sealed field means the `sealed` column and the blind indexes of that field."""
    sealed = {field.name for field in sealed_fields(model)}
    columns: list[str] = []
    for name in names:
        if name in sealed:
            extra = [RECORD_COLUMN, *(index.name for index in blind_indexes(model) if index.source == name)]
        else:
            extra = [name]
        columns.extend(column for column in extra if column not in columns)
    return columns


class SealedModel(models.Model):
    """Base of every model with sealed fields: adds the `sealed` column that holds them all."""

    sealed = SealedRecordField()

    class Meta:
        abstract = True

    def save(self, *args: Any, update_fields: Iterable[str] | None = None, **kwargs: Any) -> None:
        # A value of the wrong type is refused here, before any SQL, rather than in the middle of the save.
        _assigned(self, _record_of(self), sealed_fields(type(self)))
        if update_fields is not None:
            update_fields = concrete_update_fields(type(self), update_fields)
        super().save(*args, update_fields=update_fields, **kwargs)

    def refresh_from_db(
        self,
        using: str | None = None,
        fields: Iterable[str] | None = None,
        from_queryset: models.QuerySet[Any] | None = None,
    ) -> None:
        if fields is not None:
            fields = concrete_update_fields(type(self), fields)
        if fields is None or RECORD_COLUMN in fields:
            forget_plaintext(self)
        super().refresh_from_db(using=using, fields=fields, from_queryset=from_queryset)


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
    """Keyed index of a sealed field's normalised plaintext, filled on save; NULL when there is nothing to index or
    the value is invalid (so that a form, not the save, reports it)."""

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
        record = _record_of(model_instance)
        source = model_instance._meta.get_field(self.source)
        assert isinstance(source, SealedField)
        changes = _assigned(model_instance, record, [source])
        if self.source in changes:
            plain = changes[self.source]
        elif self.source in record.changed:
            plain = (record.values or {}).get(self.source)
        else:
            # The source did not change in this process: keep the stored index.
            return getattr(model_instance, self.attname)
        value = None
        if isinstance(plain, str) and plain.strip():
            try:
                value = blind_index_for(self.kind, plain)
            except ValueError:
                value = None
        setattr(model_instance, self.attname, value)
        return value
