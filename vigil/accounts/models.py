"""People who use Vigil, their roles and their teams.

Access in Vigil is need-to-know: a role says what kind of work someone does, a team says whose cases they may see.
A user's duress password and session epoch live here too, because ending every session of a coerced user must not
depend on finding their sessions one by one.
"""

from __future__ import annotations

from typing import ClassVar

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    COORDINATOR = "coordinator", _("Coordinator")
    CASEWORKER = "caseworker", _("Caseworker")
    DOCUMENTER = "documenter", _("Documenter")
    VIEWER = "viewer", _("Viewer")


# Roles whose work involves reading sealed data; every account with one of them must use two-factor login.
ROLES_READING_SEALED_DATA = frozenset({Role.COORDINATOR, Role.CASEWORKER, Role.DOCUMENTER})


class Team(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("team")
        verbose_name_plural = _("teams")

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.VIEWER)
    teams = models.ManyToManyField(Team, related_name="members", blank=True, verbose_name=_("teams"))
    # Bumped to end every session of this user at once: password change, deactivation, duress, "log out everywhere".
    session_epoch = models.PositiveIntegerField(default=0)
    # A second password that looks like a normal login but empties the account and raises an alarm.
    duress_password = models.CharField(max_length=255, blank=True, default="")
    language = models.CharField(_("language"), max_length=8, blank=True, default="")
    # Set by a duress login: every accessor then shows this user nothing until a coordinator restores access.
    access_revoked = models.BooleanField(default=False)

    # Email is not collected: an address identifies a person and helps nobody do the work.
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    @property
    def needs_two_factor(self) -> bool:
        return self.role in ROLES_READING_SEALED_DATA

    @property
    def is_coordinator(self) -> bool:
        return self.role == Role.COORDINATOR


class DuressAlert(models.Model):
    """A silent alarm for coordinators: someone logged in with a duress password."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"duress alert {self.pk}"


class ApiToken(models.Model):
    """A bearer token for the JSON API. Only its SHA-256 is stored: a copy of the database grants no access."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    label = models.CharField(max_length=100)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.label
