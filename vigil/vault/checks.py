"""System checks: a model with sealed fields derives from `SealedModel` and has a primary key that exists before its
first save.

The sealed fields live in the `SealedModel`'s `sealed` column, and the primary key is bound into its ciphertext as
associated data, so an auto-increment key (known only after the INSERT) cannot be used.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.core import checks
from django.db import models

from vigil.vault.fields import BlindIndexField, SealedField, SealedModel, sealed_fields


@checks.register(checks.Tags.models)
def check_sealed_models(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    errors: list[checks.CheckMessage] = []
    for model in apps.get_models():
        if not sealed_fields(model):
            continue
        if not issubclass(model, SealedModel):
            errors.append(
                checks.Error(
                    f"{model._meta.label} has sealed fields, so it must derive from vigil.vault.fields.SealedModel, "
                    "whose `sealed` column holds them.",
                    obj=model,
                    id="vault.E003",
                )
            )
        pk = model._meta.pk
        if not isinstance(pk, models.UUIDField) or not pk.has_default():
            errors.append(
                checks.Error(
                    f"{model._meta.label} has sealed fields, so its primary key must be "
                    "UUIDField(primary_key=True, default=uuid.uuid4).",
                    obj=model,
                    id="vault.E001",
                )
            )
        for field in model._meta.concrete_fields:
            if isinstance(field, BlindIndexField):
                try:
                    source = model._meta.get_field(field.source)
                except Exception:
                    source = None
                if not isinstance(source, SealedField):
                    errors.append(
                        checks.Error(
                            f"{model._meta.label}.{field.name} indexes {field.source!r}, which is not a sealed field.",
                            obj=model,
                            id="vault.E002",
                        )
                    )
    return errors
