"""Checking a password and the duress password with one Argon2id computation (SECURITY-CRITERIA 14).

Threat: a coerced user types the duress password while someone watches the screen or times the answer. Invariant:
every login attempt — right password, duress password, wrong password, unknown user — costs exactly one Argon2id
computation. The duress password is stored with the same salt and parameters as the account password, so the digest of
whatever was typed is computed once and compared with both; a duress match is reported on the request and the
authentication itself fails, so Django and django-axes see an ordinary failed login.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.hashers import make_password
from django.http import HttpRequest
from django.utils.crypto import constant_time_compare

from vigil.accounts.hashers import encode_like
from vigil.accounts.models import User

BACKEND_PATH = "vigil.accounts.backends.PasswordAndDuressBackend"
DURESS_ATTRIBUTE = "vigil_duress_user"


class PasswordAndDuressBackend(ModelBackend):
    def authenticate(
        self, request: HttpRequest | None, username: str | None = None, password: str | None = None, **kwargs: Any
    ) -> User | None:
        if username is None or password is None:
            return None
        user = User.objects.filter(username=username).first()
        if user is None:
            make_password(password)  # an unknown user costs what a known one does
            return None
        typed = encode_like(password, user.password)
        if typed is None:
            return user if user.check_password(password) and self.user_can_authenticate(user) else None
        if constant_time_compare(typed, user.password):
            return user if self.user_can_authenticate(user) else None
        coerced = bool(user.duress_password) and constant_time_compare(typed, user.duress_password)
        if coerced and request is not None and self.user_can_authenticate(user):
            setattr(request, DURESS_ATTRIBUTE, user)
        return None
