from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from vigil.accounts.passwords import MAX_PASSWORD_LENGTH
from vigil.vault.keys import Credential


class UnsealForm(forms.Form):
    METHODS = (
        ("passphrase", _("Operator passphrase")),
        ("recovery", _("Recovery key")),
        ("shares", _("Unsealing shares")),
    )
    method = forms.ChoiceField(label=_("Unlock with"), choices=METHODS, initial="passphrase")
    # max_length rejects an oversized input before Argon2id sees it.
    secret = forms.CharField(
        label=_("Passphrase or recovery key"),
        max_length=MAX_PASSWORD_LENGTH,
        strip=False,
        required=False,
        widget=forms.PasswordInput,
    )
    shares = forms.CharField(
        label=_("Shares, one per line"), max_length=20_000, required=False, widget=forms.Textarea(attrs={"rows": 4})
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        method = data.get("method")
        if method == "shares" and not str(data.get("shares") or "").strip():
            raise forms.ValidationError(_("Enter the shares, one per line."))
        if method in {"passphrase", "recovery"} and not data.get("secret"):
            raise forms.ValidationError(_("Enter the passphrase or the recovery key."))
        return data

    def credential(self) -> Credential:
        data = self.cleaned_data
        if data["method"] == "shares":
            lines = tuple(line.strip() for line in str(data["shares"]).splitlines() if line.strip())
            return Credential("shares", shares=lines)
        return Credential(data["method"], secret=str(data["secret"]))
