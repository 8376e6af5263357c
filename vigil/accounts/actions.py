"""Every change to an account goes through these functions, each writing its audit entry in the same transaction."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from datetime import timedelta

from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from vigil.accounts.hashers import salt_of
from vigil.accounts.models import ApiToken, DuressAlert, Role, Team, User
from vigil.audit.actions import record_event


@transaction.atomic
def do_create_team(*, name: str, actor: User | None = None) -> Team:
    team = Team.objects.create(name=name)
    record_event(actor_id=actor.pk if actor else None, action="team.create", object_type="team", object_id=team.pk)
    return team


@transaction.atomic
def do_create_user(
    *,
    username: str,
    password: str,
    role: Role | str,
    teams: Iterable[Team] = (),
    actor: User | None = None,
    language: str = "",
) -> User:
    """Create an account after checking the password policy; raises ValidationError with the policy's sentences."""
    candidate = User(username=username, role=Role(role), language=language)
    validate_password(password, candidate)
    candidate.set_password(password)
    candidate.full_clean(exclude=["password"])
    candidate.save()
    candidate.teams.set(list(teams))
    record_event(
        actor_id=actor.pk if actor else None,
        action="user.create",
        object_type="user",
        object_id=candidate.pk,
        fields=["username", "role", "teams"],
        details={"role": candidate.role},
    )
    return candidate


@transaction.atomic
def do_set_duress_password(*, user: User, duress_password: str, actor: User | None = None) -> None:
    validate_password(duress_password, user)
    if user.check_password(duress_password):
        raise ValidationError(_("The duress password must differ from the normal password."))
    # Same salt and parameters as the account password: one Argon2id computation checks both at login.
    user.duress_password = make_password(duress_password, salt=salt_of(user.password))
    user.save(update_fields=["duress_password"])
    record_event(actor_id=(actor or user).pk, action="user.set_duress_password", object_type="user", object_id=user.pk)


@transaction.atomic
def do_change_password(*, user: User, new_password: str, actor: User | None = None) -> None:
    """Change the password and end every session the user has (a changed password means a possibly stolen one)."""
    validate_password(new_password, user)
    # The salt is kept so that a duress password set earlier (hashed with it) keeps working.
    user.password = make_password(new_password, salt=salt_of(user.password))
    user.session_epoch += 1
    user.save(update_fields=["password", "session_epoch"])
    record_event(actor_id=(actor or user).pk, action="user.change_password", object_type="user", object_id=user.pk)


@transaction.atomic
def do_end_all_sessions(*, user: User, actor: User | None = None, request: HttpRequest | None = None) -> None:
    user.session_epoch += 1
    user.save(update_fields=["session_epoch"])
    record_event(
        actor_id=(actor or user).pk,
        action="user.end_sessions",
        object_type="user",
        object_id=user.pk,
        request=request,
    )


@transaction.atomic
def do_deactivate_user(*, user: User, actor: User | None = None) -> None:
    user.is_active = False
    user.session_epoch += 1
    user.save(update_fields=["is_active", "session_epoch"])
    record_event(actor_id=actor.pk if actor else None, action="user.deactivate", object_type="user", object_id=user.pk)


@transaction.atomic
def do_trigger_duress(*, user: User, request: HttpRequest | None = None) -> DuressAlert:
    """A coerced login: revoke the user's access, end their other sessions and raise a silent alarm.

    The organisation's data is untouched; the user keeps an account that now shows nothing, which is what the
    person holding them sees. Only a coordinator can restore access.
    """
    user.teams.clear()
    user.access_revoked = True
    user.session_epoch += 1
    user.save(update_fields=["access_revoked", "session_epoch"])
    alert = DuressAlert.objects.create(user=user)
    record_event(actor_id=user.pk, action="user.duress", object_type="user", object_id=user.pk, request=request)
    return alert


@transaction.atomic
def do_restore_access(*, user: User, teams: Iterable[Team], actor: User) -> None:
    user.access_revoked = False
    user.save(update_fields=["access_revoked"])
    user.teams.set(list(teams))
    record_event(actor_id=actor.pk, action="user.restore_access", object_type="user", object_id=user.pk)


def record_login(*, user: User, request: HttpRequest) -> None:
    record_event(actor_id=user.pk, action="auth.login", object_type="user", object_id=user.pk, request=request)


def record_logout(*, user: User, request: HttpRequest) -> None:
    record_event(actor_id=user.pk, action="auth.logout", object_type="user", object_id=user.pk, request=request)


API_TOKEN_PREFIX = "vgl_"  # noqa: S105  # nosec B105 - a public marker, not a secret


def hash_api_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@transaction.atomic
def do_create_api_token(*, user: User, label: str, days: int = 90, actor: User | None = None) -> str:
    """Create a token and return it; this is the only time it exists in plain form."""
    token = API_TOKEN_PREFIX + secrets.token_urlsafe(32)
    api_token = ApiToken.objects.create(
        user=user, label=label, token_hash=hash_api_token(token), expires_at=timezone.now() + timedelta(days=days)
    )
    record_event(
        actor_id=(actor or user).pk, action="api_token.create", object_type="api_token", object_id=api_token.pk
    )
    return token


def user_for_api_token(token: str) -> User | None:
    if not token.startswith(API_TOKEN_PREFIX) or len(token) > 200:
        return None
    api_token = (
        ApiToken.objects.select_related("user")
        .filter(token_hash=hash_api_token(token), revoked_at=None, expires_at__gt=timezone.now())
        .first()
    )
    if api_token is None or not api_token.user.is_active:
        return None
    return api_token.user


@transaction.atomic
def do_revoke_api_tokens(*, user: User, actor: User | None = None) -> int:
    count = ApiToken.objects.filter(user=user, revoked_at=None).update(revoked_at=timezone.now())
    record_event(actor_id=(actor or user).pk, action="api_token.revoke", object_type="user", object_id=user.pk)
    return count
