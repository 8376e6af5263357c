"""JSON API for incidents, acts, people and sources: the same accessors and actions as the web UI.

Object endpoints answer 404 for anything the caller may not see; validation errors answer 422 with the field
messages from the actions (which list allowed vocabulary values). People are returned without their sealed
identity: the API has no identity read (a caseworker reads it on the person page, where it is audited).
"""

from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import PageNumberPagination, paginate

from vigil.accounts.models import Team, User
from vigil.audit.actions import record_event
from vigil.incidents import access, actions
from vigil.incidents.listing import IncidentFilter, filter_incidents
from vigil.incidents.models import Act, Incident, Person, Source

router = Router(tags=["incidents"])


def _user(request: HttpRequest) -> User:
    user = request.auth  # type: ignore[attr-defined]
    assert isinstance(user, User)
    return user


class InvalidInput(HttpError):
    def __init__(self, error: ValidationError) -> None:
        detail = error.message_dict if hasattr(error, "error_dict") else {"__all__": error.messages}
        super().__init__(422, str(detail))


def _call(function: Any, **kwargs: Any) -> Any:
    try:
        return function(**kwargs)
    except ValidationError as error:
        raise InvalidInput(error) from None
    except PermissionDenied:
        raise HttpError(403, "You may not change this record.") from None


class IncidentOut(Schema):
    id: str
    team: str
    title: str
    summary: str
    place: str
    place_detail: str
    start: str
    end: str
    confidentiality: str
    verification: str
    outcome: str

    @staticmethod
    def resolve_id(obj: Incident) -> str:
        return str(obj.uid)

    @staticmethod
    def resolve_team(obj: Incident) -> str:
        return obj.team.name

    @staticmethod
    def resolve_place(obj: Incident) -> str:
        return obj.place_code

    @staticmethod
    def resolve_start(obj: Incident) -> str:
        return obj.start.text()

    @staticmethod
    def resolve_end(obj: Incident) -> str:
        return obj.end.text()


class IncidentIn(Schema):
    team: str
    title: str
    summary: str = ""
    place: str = ""
    place_detail: str = ""
    start: str = ""
    end: str = ""
    confidentiality: str = "team"
    verification: str = "V0"
    outcome: str = ""


class IncidentPatch(Schema):
    title: str | None = None
    summary: str | None = None
    place: str | None = None
    place_detail: str | None = None
    start: str | None = None
    end: str | None = None
    confidentiality: str | None = None
    verification: str | None = None
    outcome: str | None = None


class IncidentCodes(Schema):
    """Filters made of codes and dates only: safe in a URL."""

    place: str = ""
    period_from: date | None = None
    period_to: date | None = None
    act_type: str = ""
    perpetrator: str = ""
    article: str = ""
    verification: str = ""


class IncidentQuery(IncidentCodes):
    """Filters with words: sent in a request body, never in a URL (URLs end up in logs and histories)."""

    q: str = ""


class PerpetratorSchema(Schema):
    type: str
    degree: str = "direct"
    unit: str = ""


class ActOut(Schema):
    id: str
    incident: str
    act_type: str
    victim: str | None
    start: str
    end: str
    place: str
    place_detail: str
    facility_type: str
    articles: list[str]
    perpetrators: list[PerpetratorSchema]
    capture_acknowledged: bool | None
    location_disclosed: bool | None
    family_contact_allowed: bool | None
    lawyer_contact_allowed: bool | None
    consulate_contact_allowed: bool | None

    @staticmethod
    def resolve_id(obj: Act) -> str:
        return str(obj.pk)

    @staticmethod
    def resolve_incident(obj: Act) -> str:
        return str(obj.incident.uid)

    @staticmethod
    def resolve_victim(obj: Act, context: Any) -> str | None:
        """People are the owning team's records: others reading a published act learn only that there was a victim."""
        request = (context or {}).get("request")
        user = getattr(request, "auth", None) or getattr(request, "user", None)
        if not obj.victim_id or not access.can_write(user, obj.incident):
            return None
        return str(obj.victim_id)

    @staticmethod
    def resolve_start(obj: Act) -> str:
        return obj.start.text()

    @staticmethod
    def resolve_end(obj: Act) -> str:
        return obj.end.text()

    @staticmethod
    def resolve_place(obj: Act) -> str:
        return obj.place_code

    @staticmethod
    def resolve_articles(obj: Act) -> list[str]:
        return [a.code for a in obj.articles.all()]

    @staticmethod
    def resolve_perpetrators(obj: Act) -> list[dict[str, str]]:
        return [{"type": i.perpetrator_type, "degree": i.degree, "unit": i.unit} for i in obj.involvements.all()]


class ActIn(Schema):
    act_type: str
    victim: str | None = None
    start: str = ""
    end: str = ""
    place: str = ""
    place_detail: str = ""
    facility_type: str = ""
    articles: list[str] = []
    perpetrators: list[PerpetratorSchema] = []
    capture_acknowledged: bool | None = None
    location_disclosed: bool | None = None
    family_contact_allowed: bool | None = None
    lawyer_contact_allowed: bool | None = None
    consulate_contact_allowed: bool | None = None


class ActPatch(Schema):
    act_type: str | None = None
    start: str | None = None
    end: str | None = None
    place: str | None = None
    place_detail: str | None = None
    facility_type: str | None = None
    articles: list[str] | None = None


class PersonOut(Schema):
    id: str
    team: str
    pseudonym: str
    kind: str
    count_low: int | None
    count_best: int | None
    count_high: int | None
    age_band: str
    citizenship: str
    targeting_basis: str

    @staticmethod
    def resolve_id(obj: Person) -> str:
        return str(obj.pk)

    @staticmethod
    def resolve_team(obj: Person) -> str:
        return obj.team.name


class PersonIn(Schema):
    team: str
    pseudonym: str
    kind: str = "individual"
    count_low: int | None = None
    count_best: int | None = None
    count_high: int | None = None
    age_band: str = ""
    citizenship: str = ""
    targeting_basis: str = ""


class PersonPatch(Schema):
    pseudonym: str | None = None
    kind: str | None = None
    count_low: int | None = None
    count_best: int | None = None
    count_high: int | None = None
    age_band: str | None = None
    citizenship: str | None = None
    targeting_basis: str | None = None


class SourceOut(Schema):
    id: str
    incident: str
    source_type: str
    label: str
    url: str
    hand: str
    reliability: str
    received_on: date | None

    @staticmethod
    def resolve_id(obj: Source) -> str:
        return str(obj.pk)

    @staticmethod
    def resolve_incident(obj: Source) -> str:
        return str(obj.incident.uid)


class SourceIn(Schema):
    source_type: str
    label: str
    url: str = ""
    hand: str = ""
    reliability: str = "F"
    received_on: date | None = None


class SourcePatch(Schema):
    source_type: str | None = None
    label: str | None = None
    url: str | None = None
    hand: str | None = None
    reliability: str | None = None
    received_on: date | None = None


def _team(user: User, name: str) -> Team:
    team = user.teams.filter(name=name).first()
    if team is None or user.access_revoked:
        raise HttpError(422, "You are not a member of this team.")
    return team


def _given(payload: Schema) -> dict[str, Any]:
    return payload.dict(exclude_unset=True)


def _listed(request: HttpRequest, filters: dict[str, Any]) -> Any:
    return (
        filter_incidents(access.visible_incidents(_user(request)), IncidentFilter(**filters))
        .select_related("team")
        .order_by("-start_date", "-id")
    )


@router.get("/incidents", response=list[IncidentOut], summary="List incidents (filters by code and date, pages)")
@paginate(PageNumberPagination, page_size=50)
def list_incidents(request: HttpRequest, filters: Query[IncidentCodes]) -> Any:
    return _listed(request, filters.dict())


@router.post(
    "/incidents/search", response=list[IncidentOut], summary="Search incidents by words and filters (in the body)"
)
@paginate(PageNumberPagination, page_size=50)
def search_incidents_api(request: HttpRequest, filters: IncidentQuery) -> Any:
    return _listed(request, filters.dict())


@router.post("/incidents", response={201: IncidentOut}, summary="Create an incident")
@transaction.atomic
def create_incident(request: HttpRequest, payload: IncidentIn) -> Any:
    user = _user(request)
    values = payload.dict()
    team = _team(user, values.pop("team"))
    return 201, _call(actions.do_create_incident, actor=user, team=team, values=values, request=request)


@router.get("/incidents/{incident_id}", response=IncidentOut, summary="Read an incident")
def read_incident(request: HttpRequest, incident_id: str) -> Any:
    user = _user(request)
    incident = access.access_incident(user, incident_id)
    record_event(
        actor_id=user.pk, action="incident.read", object_type="incident", object_id=incident.pk, request=request
    )
    return incident


@router.patch("/incidents/{incident_id}", response=IncidentOut, summary="Change fields of an incident")
@transaction.atomic
def update_incident(request: HttpRequest, incident_id: str, payload: IncidentPatch) -> Any:
    user = _user(request)
    incident = _call(access.access_incident, user=user, uid=incident_id, for_update=True)
    _call(actions.do_update_incident, actor=user, incident=incident, values=_given(payload), request=request)
    return incident


def _acts(incident: Incident) -> Any:
    return incident.acts.prefetch_related("articles", "involvements").order_by("id")


@router.get("/incidents/{incident_id}/acts", response=list[ActOut], summary="List an incident's acts")
@paginate(PageNumberPagination, page_size=100)
def list_acts(request: HttpRequest, incident_id: str) -> Any:
    return _acts(access.access_incident(_user(request), incident_id))


@router.post("/incidents/{incident_id}/acts", response={201: ActOut}, summary="Add an act to an incident")
@transaction.atomic
def create_act(request: HttpRequest, incident_id: str, payload: ActIn) -> Any:
    user = _user(request)
    incident = _call(access.access_incident, user=user, uid=incident_id, for_update=True)
    values = payload.dict()
    victim_id = values.pop("victim")
    victim = access.access_person(user, victim_id) if victim_id else None
    perpetrators = [actions.PerpetratorInput(p["type"], p["degree"], p["unit"]) for p in values.pop("perpetrators")]
    act = _call(
        actions.do_add_act,
        actor=user,
        incident=incident,
        values=values,
        victim=victim,
        perpetrators=perpetrators,
        request=request,
    )
    return 201, act


@router.get("/acts/{act_id}", response=ActOut, summary="Read an act")
def read_act(request: HttpRequest, act_id: str) -> Any:
    return access.access_act(_user(request), act_id)


@router.patch("/acts/{act_id}", response=ActOut, summary="Change fields of an act")
@transaction.atomic
def update_act(request: HttpRequest, act_id: str, payload: ActPatch) -> Any:
    user = _user(request)
    act = _call(access.access_act, user=user, pk=act_id, for_update=True)
    _call(actions.do_update_act, actor=user, act=act, values=_given(payload), request=request)
    return act


@router.get("/people", response=list[PersonOut], summary="List people (pseudonyms only)")
@paginate(PageNumberPagination, page_size=50)
def list_people(request: HttpRequest) -> Any:
    return access.visible_people(_user(request)).select_related("team")


@router.post("/people", response={201: PersonOut}, summary="Create a person (identity fields are set in the UI)")
@transaction.atomic
def create_person(request: HttpRequest, payload: PersonIn) -> Any:
    user = _user(request)
    values = payload.dict()
    team = _team(user, values.pop("team"))
    return 201, _call(actions.do_create_person, actor=user, team=team, values=values, request=request)


@router.get("/people/{person_id}", response=PersonOut, summary="Read a person (pseudonym, no identity)")
def read_person(request: HttpRequest, person_id: str) -> Any:
    return access.access_person(_user(request), person_id)


@router.patch("/people/{person_id}", response=PersonOut, summary="Change fields of a person")
@transaction.atomic
def update_person(request: HttpRequest, person_id: str, payload: PersonPatch) -> Any:
    user = _user(request)
    person = access.access_person(user, person_id, for_update=True)
    _call(actions.do_update_person, actor=user, person=person, values=_given(payload), request=request)
    return person


@router.get("/incidents/{incident_id}/sources", response=list[SourceOut], summary="List an incident's sources")
@paginate(PageNumberPagination, page_size=100)
def list_sources(request: HttpRequest, incident_id: str) -> Any:
    return access.access_incident(_user(request), incident_id).sources.all()


@router.post("/incidents/{incident_id}/sources", response={201: SourceOut}, summary="Add a source to an incident")
@transaction.atomic
def create_source(request: HttpRequest, incident_id: str, payload: SourceIn) -> Any:
    user = _user(request)
    incident = _call(access.access_incident, user=user, uid=incident_id, for_update=True)
    return 201, _call(actions.do_add_source, actor=user, incident=incident, values=payload.dict(), request=request)


@router.get("/sources/{source_id}", response=SourceOut, summary="Read a source")
def read_source(request: HttpRequest, source_id: str) -> Any:
    return access.access_source(_user(request), source_id)


@router.patch("/sources/{source_id}", response=SourceOut, summary="Change fields of a source")
@transaction.atomic
def update_source(request: HttpRequest, source_id: str, payload: SourcePatch) -> Any:
    user = _user(request)
    source = _call(access.access_source, user=user, pk=source_id, for_update=True)
    _call(actions.do_update_source, actor=user, source=source, values=_given(payload), request=request)
    return source
