"""Every permission-checked read of incidents, acts, people, sources and evidence (DESIGN §5).

Invariant: a record the user may not see answers exactly like one that does not exist (Http404), so ids reveal
nothing. Rules: a user whose access was revoked (duress) sees nothing; a viewer sees only published incidents;
members of the owner team (caseworkers, documenters, coordinators) see its team and published incidents;
restricted incidents only the team's coordinators and their creator; anyone else sees only published incidents.
People are team records (no viewer, no outsider). A person's sealed identity is read only through
`read_person_identity`, which writes its audit entry before returning anything (fail-closed).
"""

from __future__ import annotations

import uuid
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest

from vigil.accounts.models import Role, User
from vigil.audit.actions import record_event
from vigil.incidents.models import Act, Confidentiality, Evidence, Incident, Person, Source

WRITER_ROLES = frozenset({Role.COORDINATOR, Role.CASEWORKER, Role.DOCUMENTER})
IDENTITY_READER_ROLES = frozenset({Role.COORDINATOR, Role.CASEWORKER})
IDENTITY_FIELDS = ("name", "phone", "handles", "documents")


def _active(user: Any) -> bool:
    return isinstance(user, User) and user.is_authenticated and user.is_active and not user.access_revoked


def team_ids(user: User) -> list[int]:
    return list(user.teams.values_list("id", flat=True))


def visible_incidents(user: Any) -> QuerySet[Incident]:
    if not _active(user):
        return Incident.objects.none()
    published = Q(confidentiality=Confidentiality.PUBLIC)
    if user.role == Role.VIEWER:
        return Incident.objects.filter(published)
    teams = team_ids(user)
    member = Q(team_id__in=teams) & Q(confidentiality=Confidentiality.TEAM)
    if user.role == Role.COORDINATOR:
        restricted = Q(team_id__in=teams)
    else:
        restricted = Q(team_id__in=teams, confidentiality=Confidentiality.RESTRICTED, created_by=user)
    return Incident.objects.filter(published | member | restricted)


def can_write(user: Any, incident: Incident) -> bool:
    return _active(user) and user.role in WRITER_ROLES and incident.team_id in team_ids(user)


def _uuid(value: Any) -> uuid.UUID:
    try:
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    except ValueError:
        raise Http404 from None


def access_incident(user: Any, uid: Any, *, for_update: bool = False) -> Incident:
    """The incident with this `uid` if the user may see it (and, `for_update`, change it); Http404 otherwise.

    URLs and the API name incidents by `uid`; code inside Vigil may pass the integer primary key (an `int`) instead.
    A user who may see a published incident of another team but not change it gets PermissionDenied on update.
    """
    if isinstance(uid, int) and not isinstance(uid, bool):
        return _incident_where(user, {"pk": uid}, for_update)
    return _incident_where(user, {"uid": _uuid(uid)}, for_update)


def _incident_where(user: Any, where: dict[str, Any], for_update: bool) -> Incident:
    queryset = visible_incidents(user)
    if for_update:
        queryset = queryset.select_for_update()
    incident = queryset.filter(**where).first()
    if incident is None:
        raise Http404
    if for_update and not can_write(user, incident):
        raise PermissionDenied
    return incident


def visible_acts(user: Any) -> QuerySet[Act]:
    return Act.objects.filter(incident__in=visible_incidents(user))


def access_act(user: Any, pk: Any, *, for_update: bool = False) -> Act:
    act = Act.objects.filter(pk=_uuid(pk)).first()
    if act is None:
        raise Http404
    act.incident = _incident_where(user, {"pk": act.incident_id}, for_update)
    return act


def visible_sources(user: Any) -> QuerySet[Source]:
    return Source.objects.filter(incident__in=visible_incidents(user))


def access_source(user: Any, pk: Any, *, for_update: bool = False) -> Source:
    source = Source.objects.filter(pk=_uuid(pk)).first()
    if source is None:
        raise Http404
    source.incident = _incident_where(user, {"pk": source.incident_id}, for_update)
    return source


def visible_people(user: Any) -> QuerySet[Person]:
    if not _active(user) or user.role not in WRITER_ROLES:
        return Person.objects.none()
    return Person.objects.filter(team_id__in=team_ids(user))


def access_person(user: Any, pk: Any, *, for_update: bool = False) -> Person:
    key = _uuid(pk)
    queryset = visible_people(user)
    if for_update:
        queryset = queryset.select_for_update()
    person = queryset.filter(pk=key).first()
    if person is None:
        raise Http404
    return person


def can_read_identity(user: Any, person: Person) -> bool:
    return _active(user) and user.role in IDENTITY_READER_ROLES and person.team_id in team_ids(user)


def read_person_identity(user: Any, person: Person, *, request: HttpRequest | None = None) -> dict[str, str]:
    """The person's sealed identity fields, after writing exactly one audit entry naming the fields read.

    PermissionDenied for users who may see the person but not who they are. The audit entry is written first: if it
    fails, AuditWriteError propagates and nothing is returned. Raises vigil.vault.errors.SealedError when sealed.
    """
    if not can_read_identity(user, person):
        raise PermissionDenied
    from vigil.incidents.identity import read_identity

    fields = list(IDENTITY_FIELDS)
    record_event(
        actor_id=user.pk,
        action="person.read_identity",
        object_type="person",
        object_id=str(person.pk),
        fields=fields,
        request=request,
    )
    return read_identity(person, fields)


def visible_evidence(user: Any) -> QuerySet[Evidence]:
    return Evidence.objects.filter(incident__in=visible_incidents(user))


def access_evidence(user: Any, pk: Any) -> Evidence:
    evidence = Evidence.objects.filter(pk=_uuid(pk)).first()
    if evidence is None:
        raise Http404
    evidence.incident = _incident_where(user, {"pk": evidence.incident_id}, False)
    return evidence
