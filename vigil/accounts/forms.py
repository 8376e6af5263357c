from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from vigil.accounts.passwords import MAX_PASSWORD_LENGTH


class LoginForm(forms.Form):
    username = forms.CharField(label=_("User name"), max_length=150)
    # max_length makes the form reject an oversized password before anything hashes it.
    password = forms.CharField(
        label=_("Password"), max_length=MAX_PASSWORD_LENGTH, strip=False, widget=forms.PasswordInput
    )


class TokenForm(forms.Form):
    token = forms.RegexField(
        label=_("Code from your authenticator app"),
        regex=r"^\s*\d{6}\s*$",
        error_messages={"invalid": _("Enter the six digits your authenticator app shows.")},
    )

    def clean_token(self) -> str:
        return str(self.cleaned_data["token"]).strip()
