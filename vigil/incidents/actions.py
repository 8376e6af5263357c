"""Every write to the documentation core. Each action validates against the vocabularies, saves only what changed
(`update_fields`), keeps the full-text index in step and writes its audit entry, all in one transaction.

Callers (views, API, import, commands) must have fetched records through `access.py`; actions check again that the
actor may write to the record's team, so a forgotten check in a caller cannot become a write into another team.
Audit entries name the fields that changed, never their values (titles and summaries may name people).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _

from vigil.accounts.models import Role, Team, User
from vigil.audit.actions import record_event
from vigil.incidents import vocab
from vigil.incidents.access import WRITER_ROLES, can_read_identity, can_write, visible_incidents
from vigil.incidents.dates import UncertainDate
from vigil.incidents.models import (
    Act,
    ActArticle,
    Attribution,
    Confidentiality,
    Degree,
    Hand,
    Incident,
    IncidentLink,
    Involvement,
    LinkKind,
    Person,
    PersonKind,
    Source,
    Verification,
)
from vigil.incidents.search import index_incidents

MAX_TITLE = 300
MAX_SUMMARY = 20_000
MAX_DETAIL = 300
INCIDENT_SOURCE_FIELDS = ("", "title", "summary", "place", "start", "end", "verification", "outcome")
ACT_SOURCE_FIELDS = ("", "act_type", "victim", "start", "end", "place", "facility_type", "articles", "perpetrators")
DEGREES = frozenset(Degree.values)
CONFIDENTIALITIES = frozenset(Confidentiality.values)
DEFAULT_CONFIDENTIALITY = str(Confidentiality.TEAM)
CUSTODY_FACTS = (
    "capture_acknowledged",
    "location_disclosed",
    "family_contact_allowed",
    "lawyer_contact_allowed",
    "consulate_contact_allowed",
)


@dataclass
class PerpetratorInput:
    perpetrator_type: str
    degree: str = Degree.DIRECT
    unit: str = ""
    perpetrator: Person | None = None


@dataclass
class Errors:
    """Collects field errors so a form or an import line reports all of them at once."""

    messages: dict[str, list[str]] = field(default_factory=dict)

    def add(self, name: str, message: str) -> None:
        self.messages.setdefault(name, []).append(message)

    def run(self, name: str, check: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return check(*args, **kwargs)
        except ValidationError as error:
            for message in error.messages:
                self.add(name, message)
            return None

    def raise_if_any(self) -> None:
        if self.messages:
            raise ValidationError(self.messages)


def _require_writer(actor: User, team: Team) -> None:
    if actor.access_revoked or actor.role not in WRITER_ROLES or not actor.teams.filter(pk=team.pk).exists():
        raise PermissionDenied


def _text(errors: Errors, name: str, value: Any, limit: int, *, required: bool = False) -> str:
    text = "" if value is None else str(value).strip().replace("\x00", "")
    if required and not text:
        errors.add(name, _("This field is required."))
    if len(text) > limit:
        errors.add(
            name,
            _("At most %(limit)d characters are allowed (this has %(length)d).")
            % {"limit": limit, "length": len(text)},
        )
    return text


def _allowed(values: Sequence[str]) -> str:
    return _("Allowed values: %(allowed)s.") % {"allowed": ", ".join(values)}


def _dates(errors: Errors, start: UncertainDate, end: UncertainDate) -> None:
    if start.value and end.value and end.value < start.value:
        errors.add("end", _("The end lies before the start."))


def _place_columns(errors: Errors, place_code: str) -> dict[str, str]:
    code = (place_code or "").strip()
    if not code:
        return {"place_code": "", "region_code": "", "country_code": ""}
    checked = errors.run("place", vocab.check_place, code)
    if checked is None:
        return {}
    region, country = vocab.place_parts(checked)
    return {"place_code": checked, "region_code": region, "country_code": country}


def clean_incident(values: Mapping[str, Any], *, partial: bool = False) -> dict[str, Any]:
    """Turn input values (title, summary, place, place_detail, start, end, confidentiality, verification, outcome)
    into model columns, or raise ValidationError naming every bad field. `partial` checks only the keys given."""
    errors = Errors()
    columns: dict[str, Any] = {}
    if not partial or "title" in values:
        columns["title"] = _text(errors, "title", values.get("title"), MAX_TITLE, required=True)
    if not partial or "summary" in values:
        columns["summary"] = _text(errors, "summary", values.get("summary"), MAX_SUMMARY)
    if not partial or "place" in values:
        columns.update(_place_columns(errors, str(values.get("place") or "")))
    if not partial or "place_detail" in values:
        columns["place_detail"] = _text(errors, "place_detail", values.get("place_detail"), MAX_DETAIL)
    _clean_dates(errors, values, columns, partial)
    if not partial or "confidentiality" in values:
        value = values.get("confidentiality") or DEFAULT_CONFIDENTIALITY
        if value not in CONFIDENTIALITIES:
            errors.add(
                "confidentiality",
                _allowed(Confidentiality.values),
            )
        columns["confidentiality"] = value
    if not partial or "verification" in values:
        columns["verification"] = errors.run(
            "verification", vocab.check_code, vocab.VERIFICATION_LEVELS, values.get("verification") or "V0"
        )
    if not partial or "outcome" in values:
        outcome = str(values.get("outcome") or "").strip()
        columns["outcome"] = errors.run("outcome", vocab.check_code, vocab.OUTCOMES, outcome) if outcome else ""
    errors.raise_if_any()
    return columns


def _clean_dates(errors: Errors, values: Mapping[str, Any], columns: dict[str, Any], partial: bool) -> None:
    parsed: dict[str, UncertainDate] = {}
    for name in ("start", "end"):
        if partial and name not in values:
            continue
        raw = values.get(name)
        if isinstance(raw, UncertainDate):
            parsed[name] = raw
        else:
            try:
                parsed[name] = UncertainDate.parse(raw if isinstance(raw, str) else None)
            except ValueError as error:
                errors.add(name, str(error))
                continue
        columns[f"{name}_date"] = parsed[name].value
        columns[f"{name}_precision"] = parsed[name].precision
    if "start" in parsed and "end" in parsed:
        _dates(errors, parsed["start"], parsed["end"])


def _apply(instance: Any, columns: Mapping[str, Any]) -> list[str]:
    changed = [name for name, value in columns.items() if getattr(instance, name) != value]
    for name in changed:
        setattr(instance, name, columns[name])
    return changed


def _audit_fields(changed: Sequence[str]) -> list[str]:
    names = {name.removesuffix("_date").removesuffix("_precision") for name in changed}
    return sorted(names - {"region_code", "country_code"})


def require_confidentiality_right(actor: User, confidentiality: str) -> None:
    """Only a coordinator publishes an incident (DESIGN §1: publishing is theirs); otherwise any caseworker could make
    a team's case readable by every account. Creating an incident already restricted is anyone's choice; changing the
    confidentiality of an existing one is a coordinator's, so nobody can hide a case from colleagues afterwards."""
    if confidentiality == Confidentiality.PUBLIC and actor.role != Role.COORDINATOR:
        raise PermissionDenied


@transaction.atomic
def do_create_incident(
    *, actor: User, team: Team, values: Mapping[str, Any], request: HttpRequest | None = None
) -> Incident:
    _require_writer(actor, team)
    columns = clean_incident(values)
    require_confidentiality_right(actor, columns["confidentiality"])
    incident = Incident.objects.create(team=team, created_by=actor, **columns)
    index_incidents([(incident.pk, incident.title, incident.summary)])
    record_event(
        actor_id=actor.pk,
        action="incident.create",
        object_type="incident",
        object_id=incident.pk,
        fields=_audit_fields(list(columns)),
        request=request,
    )
    return incident


@transaction.atomic
def do_update_incident(
    *, actor: User, incident: Incident, values: Mapping[str, Any], request: HttpRequest | None = None
) -> list[str]:
    """Change the given fields; returns the names of those that really changed (nothing is written if none)."""
    if not can_write(actor, incident):
        raise PermissionDenied
    columns = clean_incident(values, partial=True)
    if {"start_date", "end_date"} - set(columns) and ("start_date" in columns or "end_date" in columns):
        start = UncertainDate.from_columns(
            columns.get("start_date", incident.start_date), columns.get("start_precision", incident.start_precision)
        )
        end = UncertainDate.from_columns(
            columns.get("end_date", incident.end_date), columns.get("end_precision", incident.end_precision)
        )
        errors = Errors()
        _dates(errors, start, end)
        errors.raise_if_any()
    changes_confidentiality = columns.get("confidentiality", incident.confidentiality) != incident.confidentiality
    if changes_confidentiality and actor.role != Role.COORDINATOR:
        raise PermissionDenied
    changed = _apply(incident, columns)
    if not changed:
        return []
    incident.save(update_fields=[*changed, "updated_at"])
    if {"title", "summary"} & set(changed):
        index_incidents([(incident.pk, incident.title, incident.summary)])
    fields = _audit_fields(changed)
    record_event(
        actor_id=actor.pk,
        action="incident.update",
        object_type="incident",
        object_id=incident.pk,
        fields=fields,
        request=request,
    )
    return fields


def clean_act(values: Mapping[str, Any], *, partial: bool = False) -> tuple[dict[str, Any], list[str] | None]:
    """Columns of an act and its legal article codes (None when not given in a partial update)."""
    errors = Errors()
    columns: dict[str, Any] = {}
    if not partial or "act_type" in values:
        columns["act_type"] = errors.run("act_type", vocab.check_code, vocab.ACT_TYPES, str(values.get("act_type")))
        columns["vocabulary_version"] = vocab.vocabulary(vocab.ACT_TYPES).version
    if not partial or "place" in values:
        columns.update(_place_columns(errors, str(values.get("place") or "")))
    if not partial or "place_detail" in values:
        columns["place_detail"] = _text(errors, "place_detail", values.get("place_detail"), MAX_DETAIL)
    if not partial or "facility_type" in values:
        facility = str(values.get("facility_type") or "").strip()
        columns["facility_type"] = (
            errors.run("facility_type", vocab.check_code, vocab.FACILITY_TYPES, facility) if facility else ""
        )
    for fact in CUSTODY_FACTS:
        if not partial or fact in values:
            value = values.get(fact)
            if value not in (None, True, False):
                errors.add(fact, _("Use yes, no or leave it unknown."))
            columns[fact] = value
    _clean_dates(errors, values, columns, partial)
    articles: list[str] | None = None
    if not partial or "articles" in values:
        articles = []
        for code in values.get("articles") or ():
            checked = errors.run("articles", vocab.check_article, str(code))
            if checked and checked not in articles:
                articles.append(checked)
    errors.raise_if_any()
    return columns, articles


def clean_perpetrators(perpetrators: Sequence[PerpetratorInput], team: Team) -> None:
    errors = Errors()
    for item in perpetrators:
        errors.run("perpetrators", vocab.check_code, vocab.PERPETRATOR_TYPES, item.perpetrator_type)
        if item.degree not in DEGREES:
            errors.add("perpetrators", _allowed(Degree.values))
        _text(errors, "perpetrators", item.unit, 200)
        if item.perpetrator is not None and item.perpetrator.team_id != team.pk:
            errors.add("perpetrators", _("The person belongs to another team."))
    errors.raise_if_any()


@transaction.atomic
def do_add_act(
    *,
    actor: User,
    incident: Incident,
    values: Mapping[str, Any],
    victim: Person | None = None,
    perpetrators: Sequence[PerpetratorInput] = (),
    request: HttpRequest | None = None,
) -> Act:
    if not can_write(actor, incident):
        raise PermissionDenied
    columns, articles = clean_act(values)
    if victim is not None and victim.team_id != incident.team_id:
        raise ValidationError({"victim": _("The person belongs to another team.")})
    clean_perpetrators(perpetrators, incident.team)
    act = Act.objects.create(incident=incident, victim=victim, **columns)
    ActArticle.objects.bulk_create([ActArticle(act=act, incident=incident, code=code) for code in articles or ()])
    Involvement.objects.bulk_create(
        [
            Involvement(
                act=act,
                incident=incident,
                perpetrator_type=item.perpetrator_type,
                degree=item.degree,
                unit=item.unit.strip(),
                perpetrator=item.perpetrator,
            )
            for item in perpetrators
        ]
    )
    record_event(
        actor_id=actor.pk,
        action="act.create",
        object_type="act",
        object_id=str(act.pk),
        fields=_audit_fields([*columns, "victim", "articles", "perpetrators"]),
        details={"incident": incident.pk},
        request=request,
    )
    return act


@transaction.atomic
def do_update_act(
    *,
    actor: User,
    act: Act,
    values: Mapping[str, Any],
    request: HttpRequest | None = None,
) -> list[str]:
    """Change the given fields (`values` may hold "victim": a Person of the incident's team, or None); returns the
    names of those that really changed (nothing is written if none)."""
    if not can_write(actor, act.incident):
        raise PermissionDenied
    columns, articles = clean_act(values, partial=True)
    columns.pop("vocabulary_version", None) if columns.get("act_type") == act.act_type else None
    if "victim" in values:
        victim = values["victim"]
        if victim is not None and (not isinstance(victim, Person) or victim.team_id != act.incident.team_id):
            raise ValidationError({"victim": _("The person belongs to another team.")})
        if act.victim_id != (victim.pk if victim is not None else None):
            columns["victim"] = victim
    changed = _apply(act, columns)
    if changed:
        act.save(update_fields=changed)
    if articles is not None:
        existing = set(act.articles.values_list("code", flat=True))
        if existing != set(articles):
            act.articles.exclude(code__in=articles).delete()
            ActArticle.objects.bulk_create(
                [ActArticle(act=act, incident_id=act.incident_id, code=c) for c in articles if c not in existing]
            )
            changed.append("articles")
    if not changed:
        return []
    fields = _audit_fields([name for name in changed if name != "vocabulary_version"])
    record_event(
        actor_id=actor.pk, action="act.update", object_type="act", object_id=str(act.pk), fields=fields, request=request
    )
    return fields


@transaction.atomic
def do_add_involvement(
    *, actor: User, act: Act, perpetrator: PerpetratorInput, request: HttpRequest | None = None
) -> Involvement:
    if not can_write(actor, act.incident):
        raise PermissionDenied
    clean_perpetrators([perpetrator], act.incident.team)
    involvement = Involvement.objects.create(
        act=act,
        incident_id=act.incident_id,
        perpetrator_type=perpetrator.perpetrator_type,
        degree=perpetrator.degree,
        unit=perpetrator.unit.strip(),
        perpetrator=perpetrator.perpetrator,
    )
    record_event(
        actor_id=actor.pk,
        action="involvement.create",
        object_type="act",
        object_id=str(act.pk),
        fields=["perpetrators"],
        request=request,
    )
    return involvement


def clean_person(values: Mapping[str, Any], *, partial: bool = False) -> dict[str, Any]:
    from vigil.incidents.models import AgeBand, TargetingBasis

    errors = Errors()
    columns: dict[str, Any] = {}
    if not partial or "pseudonym" in values:
        columns["pseudonym"] = _text(errors, "pseudonym", values.get("pseudonym"), 100, required=True)
    if not partial or "kind" in values:
        kind = values.get("kind") or PersonKind.INDIVIDUAL
        if kind not in PersonKind.values:
            errors.add("kind", _allowed(PersonKind.values))
        columns["kind"] = kind
    for name in ("count_low", "count_best", "count_high"):
        if not partial or name in values:
            raw = values.get(name)
            if raw in (None, ""):
                columns[name] = None
                continue
            try:
                number = int(raw)
                if number < 0 or number > 1_000_000:
                    raise ValueError
                columns[name] = number
            except (TypeError, ValueError):
                errors.add(name, _("Give a whole number of people."))
    counts = [columns.get(n) for n in ("count_low", "count_best", "count_high")]
    present = [c for c in counts if c is not None]
    if present != sorted(present):
        errors.add("count_best", _("The counts must run from the lowest to the highest."))
    if columns.get("kind") == PersonKind.INDIVIDUAL and any(c not in (None, 1) for c in counts):
        errors.add("kind", _("An individual has no counts; make it a group."))
    for name, choices in (("age_band", AgeBand.values), ("targeting_basis", TargetingBasis.values)):
        if not partial or name in values:
            value = values.get(name) or ""
            if value not in choices:
                errors.add(name, _allowed([c for c in choices if c]))
            columns[name] = value
    if not partial or "citizenship" in values:
        citizenship = str(values.get("citizenship") or "").strip().upper()
        if citizenship:
            checked = errors.run("citizenship", vocab.check_place, citizenship)
            if checked is not None and len(checked) != 2:
                errors.add("citizenship", _("Give a country code such as RU or KG."))
        columns["citizenship"] = citizenship
    errors.raise_if_any()
    return columns


@transaction.atomic
def do_create_person(
    *,
    actor: User,
    team: Team,
    values: Mapping[str, Any],
    identity: Mapping[str, str] | None = None,
    request: HttpRequest | None = None,
) -> Person:
    """Create a person; `identity` (name, phone, handles, documents) is sealed in the vault, never stored plain."""
    _require_writer(actor, team)
    columns = clean_person(values)
    person = Person(team=team, created_by=actor, **columns)
    identity_fields: list[str] = []
    if identity:
        from vigil.incidents.identity import write_identity

        identity_fields = write_identity(person, identity)
    person.save()
    record_event(
        actor_id=actor.pk,
        action="person.create",
        object_type="person",
        object_id=str(person.pk),
        fields=sorted([*columns, *identity_fields]),
        request=request,
    )
    return person


@transaction.atomic
def do_update_person(
    *,
    actor: User,
    person: Person,
    values: Mapping[str, Any],
    identity: Mapping[str, str] | None = None,
    request: HttpRequest | None = None,
) -> list[str]:
    """Change the given fields; `identity` (name, phone, handles, documents) only by those who may read it, since
    writing a field over a value one cannot see is a way to learn or destroy it. Returns the names that changed."""
    _require_writer(actor, person.team)
    if identity and not can_read_identity(actor, person):
        raise PermissionDenied
    columns = clean_person(values, partial=True)
    changed = _apply(person, columns)
    if identity:
        from vigil.incidents.identity import write_identity

        changed += write_identity(person, identity)
    if not changed:
        return []
    person.save(update_fields=changed)
    fields = sorted(name for name in changed if not name.endswith("_index"))
    record_event(
        actor_id=actor.pk,
        action="person.update",
        object_type="person",
        object_id=str(person.pk),
        fields=fields,
        request=request,
    )
    return fields


def clean_source(values: Mapping[str, Any], *, partial: bool = False) -> dict[str, Any]:
    errors = Errors()
    columns: dict[str, Any] = {}
    if not partial or "source_type" in values:
        columns["source_type"] = errors.run(
            "source_type", vocab.check_code, vocab.SOURCE_TYPES, str(values.get("source_type"))
        )
    if not partial or "label" in values:
        columns["label"] = _text(errors, "label", values.get("label"), 200, required=True)
    if not partial or "url" in values:
        columns["url"] = _text(errors, "url", values.get("url"), 500)
    if not partial or "hand" in values:
        hand = values.get("hand")
        if not hand and columns.get("source_type"):
            hand = str(vocab.vocabulary(vocab.SOURCE_TYPES).get(columns["source_type"]).property("default_hand", ""))
        hand = hand or Hand.SECOND
        if hand not in Hand.values:
            errors.add("hand", _allowed(Hand.values))
        columns["hand"] = hand
    if not partial or "reliability" in values:
        columns["reliability"] = errors.run(
            "reliability",
            vocab.check_code,
            vocab.RELIABILITY,
            str(values.get("reliability") or "F"),
            parent="source_reliability",
        )
    if not partial or "received_on" in values:
        raw = values.get("received_on")
        if isinstance(raw, date) or raw in (None, ""):
            columns["received_on"] = raw or None
        else:
            try:
                columns["received_on"] = date.fromisoformat(str(raw))
            except ValueError:
                errors.add("received_on", _("Give a date as 2025-03-14."))
    errors.raise_if_any()
    return columns


@transaction.atomic
def do_add_source(
    *, actor: User, incident: Incident, values: Mapping[str, Any], request: HttpRequest | None = None
) -> Source:
    if not can_write(actor, incident):
        raise PermissionDenied
    columns = clean_source(values)
    source = Source.objects.create(incident=incident, created_by=actor, **columns)
    record_event(
        actor_id=actor.pk,
        action="source.create",
        object_type="source",
        object_id=str(source.pk),
        fields=sorted(columns),
        details={"incident": incident.pk},
        request=request,
    )
    return source


@transaction.atomic
def do_update_source(
    *, actor: User, source: Source, values: Mapping[str, Any], request: HttpRequest | None = None
) -> list[str]:
    if not can_write(actor, source.incident):
        raise PermissionDenied
    changed = _apply(source, clean_source(values, partial=True))
    if not changed:
        return []
    source.save(update_fields=changed)
    record_event(
        actor_id=actor.pk,
        action="source.update",
        object_type="source",
        object_id=str(source.pk),
        fields=sorted(changed),
        request=request,
    )
    return sorted(changed)


@transaction.atomic
def do_attribute(
    *,
    actor: User,
    source: Source,
    field_name: str = "",
    act: Act | None = None,
    credibility: str = "6",
    request: HttpRequest | None = None,
) -> Attribution:
    """Record that `source` supports a field (or the whole record) of its incident or of one of its acts."""
    incident = source.incident
    if not can_write(actor, incident):
        raise PermissionDenied
    errors = Errors()
    if act is not None and act.incident_id != incident.pk:
        errors.add("act", _("The act belongs to another incident."))
    allowed = ACT_SOURCE_FIELDS if act is not None else INCIDENT_SOURCE_FIELDS
    if field_name not in allowed:
        errors.add("field", _allowed([a or "(whole record)" for a in allowed]))
    errors.run("credibility", vocab.check_code, vocab.RELIABILITY, credibility, parent="information_credibility")
    errors.raise_if_any()
    attribution, created = Attribution.objects.get_or_create(
        source=source, incident=incident, act=act, field=field_name, defaults={"credibility": credibility}
    )
    if not created:
        if attribution.credibility == credibility:
            return attribution
        attribution.credibility = credibility
        attribution.save(update_fields=["credibility"])
    record_event(
        actor_id=actor.pk,
        action="source.attribute",
        object_type="act" if act is not None else "incident",
        object_id=str(act.pk) if act is not None else incident.pk,
        fields=[field_name or "record"],
        details={"source": str(source.pk), "credibility": credibility},
        request=request,
    )
    return attribution


@transaction.atomic
def do_link_incidents(
    *, actor: User, from_incident: Incident, to_incident: Incident, kind: str, request: HttpRequest | None = None
) -> IncidentLink:
    """Link `from_incident` (which the actor may change) to `to_incident` (which the actor need only see: a chain
    may run into another team's published incident). Linking twice writes nothing."""
    if not can_write(actor, from_incident):
        raise PermissionDenied
    if not visible_incidents(actor).filter(pk=to_incident.pk).exists():
        raise PermissionDenied
    if kind not in LinkKind.values:
        raise ValidationError({"kind": _allowed(LinkKind.values)})
    if from_incident.pk == to_incident.pk:
        raise ValidationError({"to_incident": _("An incident cannot be linked to itself.")})
    link, created = IncidentLink.objects.get_or_create(from_incident=from_incident, to_incident=to_incident, kind=kind)
    if not created:
        return link
    record_event(
        actor_id=actor.pk,
        action="incident.link",
        object_type="incident",
        object_id=from_incident.pk,
        fields=["links"],
        details={"to": to_incident.pk, "kind": kind},
        request=request,
    )
    return link


__all__ = [
    "Errors",
    "PerpetratorInput",
    "Verification",
    "clean_act",
    "clean_incident",
    "clean_person",
    "clean_source",
    "do_add_act",
    "do_add_involvement",
    "do_add_source",
    "do_attribute",
    "do_create_incident",
    "do_create_person",
    "do_link_incidents",
    "do_update_act",
    "do_update_incident",
    "do_update_person",
    "do_update_source",
]


class UploadTooLarge(ValidationError):
    """The evidence file is larger than VIGIL_MAX_UPLOAD_MB allows; nothing was stored."""


class _ReceivingReader:
    """Reads an upload for the file store, counting what passes and refusing more than `limit` bytes. The store
    hashes exactly the bytes it reads from here, so its digest is the digest of what was received."""

    def __init__(self, stream: Any, limit: int) -> None:
        self.stream = stream
        self.limit = limit
        self.size = 0

    def read(self, size: int = -1) -> bytes:
        data: bytes = self.stream.read(size)
        self.size += len(data)
        if self.size > self.limit:
            raise UploadTooLarge(
                _("The file is larger than the %(limit)d MB this instance accepts.")
                % {"limit": self.limit // (1024 * 1024)}
            )
        return data

    def readinto(self, buffer: Any) -> int:
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


def evidence_store() -> Any:
    """The instance's encrypted file store; raises vigil.vault.errors.SealedError while the vault is sealed."""
    from vigil.vault.files import file_store

    return file_store()


def do_add_evidence(
    *,
    actor: User,
    incident: Incident,
    stream: Any,
    media_type: str,
    declared_size: int | None = None,
    store: Any = None,
    request: HttpRequest | None = None,
) -> Any:
    """Receive a file for an incident: refuse it if over VIGIL_MAX_UPLOAD_MB, encrypt it into the vault's store,
    record the SHA-256 computed over the bytes received, and sign the manifest. Nothing is recorded on any error
    (a file already put in the store without a row is content-addressed and found by `vigil vault check-files`).
    The file is encrypted into the store before the transaction starts, so no lock is held while it streams."""
    import uuid as uuid_module

    from django.conf import settings
    from django.utils import timezone

    if not can_write(actor, incident):
        raise PermissionDenied
    limit = int(settings.MAX_UPLOAD_BYTES)
    if declared_size is not None and declared_size > limit:
        raise UploadTooLarge(
            _("The file is larger than the %(limit)d MB this instance accepts.") % {"limit": limit // (1024 * 1024)}
        )
    media = (media_type or "application/octet-stream").strip()[:100]
    reader = _ReceivingReader(stream, limit)
    stored = (store or evidence_store()).put(reader)
    sha256 = stored.sha256_hex
    if stored.size != reader.size:
        raise ValidationError(_("The file changed while it was being received; nothing was recorded."))
    evidence_id = uuid_module.uuid4()
    received_at = timezone.now()
    with transaction.atomic():
        return _record_evidence(
            actor, incident, evidence_id, received_at, sha256, reader.size, media, stored.address, request
        )


def _record_evidence(
    actor: User,
    incident: Incident,
    evidence_id: Any,
    received_at: Any,
    sha256: str,
    size: int,
    media: str,
    address: str,
    request: HttpRequest | None,
) -> Any:
    from vigil.incidents.manifest import canonical_json, load_or_create_signing_key, sign_manifest
    from vigil.incidents.models import Evidence

    if not Incident.objects.select_for_update().filter(pk=incident.pk).exists():
        raise ValidationError(_("The incident no longer exists; nothing was recorded."))
    document = sign_manifest(
        load_or_create_signing_key(),
        {
            "evidence_id": str(evidence_id),
            "sha256": sha256,
            "size": size,
            "media_type": media,
            "received_at": received_at.isoformat(),
            "added_by": actor.get_username(),
            "incident": str(incident.uid),
        },
    )
    evidence = Evidence.objects.create(
        id=evidence_id,
        incident=incident,
        sha256=sha256,
        size=size,
        media_type=media,
        received_at=received_at,
        added_by=actor,
        store_address=address,
        manifest=canonical_json(document["manifest"]).decode("utf-8"),
        signature=document["signature"],
    )
    record_event(
        actor_id=actor.pk,
        action="evidence.add",
        object_type="evidence",
        object_id=str(evidence.pk),
        fields=["file"],
        details={"incident": incident.pk, "sha256": sha256, "size": size},
        request=request,
    )
    return evidence


def manifest_document(evidence: Any) -> dict[str, Any]:
    import json

    return {"manifest": json.loads(evidence.manifest), "signature": evidence.signature}
