"""Incident pages: thin views over `access` (every read) and `actions` (every write).

Search and filters are posted, never put in the URL: words typed into a search may be a name, and URLs end up in
browser history and logs (SECURITY-CRITERIA 18). Titles of pages never carry incident titles or pseudonyms.
"""

from __future__ import annotations

from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.decorators import decorator_from_middleware
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from vigil.accounts.access import login_and_two_factor_required
from vigil.accounts.models import User
from vigil.audit.actions import record_event
from vigil.core.middleware import FetchMetadataCsrfMiddleware
from vigil.incidents import access, actions, vocab
from vigil.incidents.dates import display_period
from vigil.incidents.forms import (
    ACT_FIELD_LABELS,
    INCIDENT_FIELD_LABELS,
    INVERSE_LINK_LABELS,
    ActForm,
    AttributionForm,
    EvidenceForm,
    IdentityForm,
    IncidentFilterForm,
    IncidentForm,
    LinkForm,
    PersonForm,
    SourceForm,
    apply_errors,
    tristate,
    tristate_text,
)
from vigil.incidents.listing import IncidentFilter, filter_incidents
from vigil.incidents.models import Incident, Person
from vigil.incidents.uploads import BoundedMemoryUploadHandler

PAGE_SIZE = 50
# The project's CSRF check (token plus Sec-Fetch-Site), for the one view that must read its body itself.
csrf_protect_same_origin = decorator_from_middleware(FetchMetadataCsrfMiddleware)


def atomic_post(view: Any) -> Any:
    """Run a POST in one transaction (the row locks of `for_update` reads hold until the action's audit entry is
    written); GETs stay outside, so reading never takes SQLite's write lock."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.method == "POST":
            with transaction.atomic():
                return view(request, *args, **kwargs)  # type: ignore[no-any-return]
        return view(request, *args, **kwargs)  # type: ignore[no-any-return]

    return wrapper


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _writable_teams(user: User) -> Any:
    if user.access_revoked or user.role not in access.WRITER_ROLES:
        return user.teams.none()
    return user.teams.all()


def _writable_incident(request: HttpRequest, user: User, pk: str) -> Incident:
    """The incident this user may change (locked for a POST); 404, like a missing one, for anyone else."""
    incident = access.access_incident(user, pk, for_update=request.method == "POST")
    if not access.can_write(user, incident):
        raise Http404
    return incident


@login_and_two_factor_required
@require_http_methods(["GET", "POST"])
def incident_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = IncidentFilterForm(request.POST if request.method == "POST" else None)
    wanted = IncidentFilter()
    page_number = 1
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        wanted = IncidentFilter(
            q=data["q"],
            place=data["place"],
            period_from=data["period_from"],
            period_to=data["period_to"],
            act_type=data["act_type"],
            perpetrator=data["perpetrator"],
            article=data["article"],
            verification=data["verification"],
        )
        page_number = data.get("page") or 1
    queryset = filter_incidents(access.visible_incidents(user), wanted).order_by("-start_date", "-id")
    page = Paginator(
        queryset.only(
            "id",
            "uid",
            "title",
            "place_code",
            "start_date",
            "start_precision",
            "end_date",
            "end_precision",
            "verification",
        ),
        PAGE_SIZE,
    ).get_page(page_number)
    rows = [
        {
            "incident": incident,
            "place": vocab.place_name(incident.place_code),
            "when": display_period(incident.start, incident.end),
        }
        for incident in page
    ]
    return render(
        request,
        "incidents/list.html",
        {"form": form, "page": page, "rows": rows, "can_create": _writable_teams(user).exists()},
    )


@login_and_two_factor_required
@require_http_methods(["GET", "POST"])
@atomic_post
def incident_create(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    teams = _writable_teams(user)
    if not teams.exists():
        raise Http404
    initial = {"verification": "V0", "confidentiality": "team", "team": teams.first() if teams.count() == 1 else None}
    form = IncidentForm(request.POST or None, teams=teams, initial=initial)
    if request.method == "POST" and form.is_valid():
        values = {k: v for k, v in form.cleaned_data.items() if k != "team"}
        try:
            incident = actions.do_create_incident(
                actor=user, team=form.cleaned_data["team"], values=values, request=request
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            return redirect("incidents:detail", pk=incident.uid)
    return render(request, "incidents/form.html", {"form": form, "heading": _("New incident")})


@login_and_two_factor_required
@require_http_methods(["GET", "POST"])
@atomic_post
def incident_edit(request: HttpRequest, pk: str) -> HttpResponse:
    user = _user(request)
    incident = _writable_incident(request, user, pk)
    initial = {
        "title": incident.title,
        "summary": incident.summary,
        "place": incident.place_code,
        "place_detail": incident.place_detail,
        "start": incident.start.text(),
        "end": incident.end.text(),
        "confidentiality": incident.confidentiality,
        "verification": incident.verification,
        "outcome": incident.outcome,
    }
    form = IncidentForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_update_incident(actor=user, incident=incident, values=form.cleaned_data, request=request)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            return redirect("incidents:detail", pk=incident.uid)
    return render(request, "incidents/form.html", {"form": form, "heading": _("Edit incident"), "incident": incident})


@login_and_two_factor_required
def incident_detail(request: HttpRequest, pk: str) -> HttpResponse:
    user = _user(request)
    incident = access.access_incident(user, pk)
    # Summaries may name people: every opening of an incident is recorded before anything is shown.
    record_event(
        actor_id=user.pk, action="incident.read", object_type="incident", object_id=incident.pk, request=request
    )
    acts = list(
        incident.acts.select_related("victim").prefetch_related("articles", "involvements", "attributions__source")
    )
    act_rows = [
        {
            "act": act,
            "type": vocab.label(vocab.ACT_TYPES, act.act_type),
            "victim": act.victim,
            "perpetrators": [
                {
                    "type": vocab.label(vocab.PERPETRATOR_TYPES, inv.perpetrator_type),
                    "unit": inv.unit,
                    "degree": inv.get_degree_display(),
                }
                for inv in act.involvements.all()
            ],
            "when": display_period(act.start, act.end),
            "where": vocab.place_name(act.place_code or incident.place_code),
            "facility": vocab.label(vocab.FACILITY_TYPES, act.facility_type),
            "articles": [article.code for article in act.articles.all()],
            "support": _support(act.attributions.all(), ACT_FIELD_LABELS),
        }
        for act in acts
    ]
    incident_sources = list(incident.sources.all())
    sources = [{"source": s, "type": vocab.label(vocab.SOURCE_TYPES, s.source_type)} for s in incident_sources]
    can_write = access.can_write(user, incident)
    context = {
        "incident": incident,
        "place": vocab.place_name(incident.place_code),
        "when": display_period(incident.start, incident.end),
        "verification": vocab.label(vocab.VERIFICATION_LEVELS, incident.verification),
        "outcome": vocab.label(vocab.OUTCOMES, incident.outcome),
        "act_rows": act_rows,
        "sources": sources,
        "evidence": incident.evidence.all(),
        "links_out": incident.links_out.filter(to_incident__in=access.visible_incidents(user)).select_related(
            "to_incident"
        ),
        "links_in": [
            {"link": link, "label": INVERSE_LINK_LABELS.get(link.kind, link.kind)}
            for link in incident.links_in.filter(from_incident__in=access.visible_incidents(user)).select_related(
                "from_incident"
            )
        ],
        "link_form": LinkForm(auto_id="link_%s") if can_write else None,
        "can_write": can_write,
        "evidence_form": EvidenceForm(),
        "incident_support": _support(
            incident.attributions.filter(act=None).select_related("source"), INCIDENT_FIELD_LABELS
        ),
        "attribution_form": (
            AttributionForm(sources=incident_sources, acts=acts, auto_id="attribution_%s")
            if can_write and incident_sources
            else None
        ),
    }
    return render(request, "incidents/detail.html", context)


def _support(attributions: Any, labels: dict[str, Any]) -> list[dict[str, Any]]:
    """Which sources support which field, with the grade as reliability and credibility ("B2"), by field."""
    rows = [
        {
            "field": labels.get(a.field, a.field),
            "source": a.source,
            "grade": f"{a.source.reliability}{a.credibility}",
            "order": list(labels).index(a.field) if a.field in labels else len(labels),
        }
        for a in attributions
    ]
    return sorted(rows, key=lambda row: (row["order"], row["source"].label))


@login_and_two_factor_required
@require_http_methods(["GET", "POST"])
@atomic_post
def attribution_create(request: HttpRequest, pk: str) -> HttpResponse:
    user = _user(request)
    incident = _writable_incident(request, user, pk)
    acts = list(incident.acts.select_related("victim"))
    form = AttributionForm(request.POST or None, sources=incident.sources.all(), acts=acts)
    if request.method == "POST" and form.is_valid():
        act_id, field_name = form.target()
        try:
            source = access.access_source(user, form.cleaned_data["source"])
            act = access.access_act(user, act_id) if act_id else None
            if source.incident_id != incident.pk or (act is not None and act.incident_id != incident.pk):
                raise Http404
            actions.do_attribute(
                actor=user,
                source=source,
                field_name=field_name,
                act=act,
                credibility=form.cleaned_data["credibility"],
                request=request,
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            return redirect("incidents:detail", pk=incident.uid)
    heading = _("Link a source to a field")
    return render(request, "incidents/form.html", {"form": form, "heading": heading, "incident": incident})


@login_and_two_factor_required
@require_http_methods(["GET", "POST"])
@atomic_post
def link_create(request: HttpRequest, pk: str) -> HttpResponse:
    """Link the incident to another: by the id typed, or by one picked (`pick`) from a search posted with `find`."""
    from vigil.incidents.search import search_incidents

    user = _user(request)
    incident = _writable_incident(request, user, pk)
    form = LinkForm(request.POST or None)
    found: list[Incident] = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        target = request.POST.get("pick") or data["to"]
        if "find" in request.POST and not request.POST.get("pick"):
            others = access.visible_incidents(user).exclude(pk=incident.pk)
            found = list(search_incidents(others, data["q"]).only("uid", "title")[:10]) if data["q"] else []
            if not found:
                form.add_error("q", _("No incident you can see matches these words."))
        elif not target:
            form.add_error("to", _("Give the id of the other incident, or find it by words."))
        else:
            try:
                other = access.access_incident(user, target)
                actions.do_link_incidents(
                    actor=user, from_incident=incident, to_incident=other, kind=data["kind"], request=request
                )
            except Http404:
                form.add_error("to", _("There is no incident with this id that you can see."))
            except ValidationError as error:
                apply_errors(form, error)
            else:
                return redirect("incidents:detail", pk=incident.uid)
    return render(request, "incidents/link.html", {"form": form, "incident": incident, "found": found})


@login_and_two_factor_required
@require_http_methods(["GET", "POST"])
@atomic_post
def act_create(request: HttpRequest, pk: str) -> HttpResponse:
    user = _user(request)
    incident = _writable_incident(request, user, pk)
    people = list(access.visible_people(user).filter(team=incident.team))
    form = ActForm(
        request.POST or None, people=people, initial={"start": incident.start.text(), "place": incident.place_code}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            victim = _chosen_victim(request, user, incident, data)
            actions.do_add_act(
                actor=user,
                incident=incident,
                values=_act_values(data),
                victim=victim,
                perpetrators=_perpetrators(data),
                request=request,
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            return redirect("incidents:detail", pk=incident.uid)
    return render(request, "incidents/form.html", {"form": form, "heading": _("New act"), "incident": incident})


def _chosen_victim(request: HttpRequest, user: User, incident: Incident, data: dict[str, Any]) -> Person | None:
    if data["victim"]:
        return access.access_person(user, data["victim"])
    if data["new_victim"]:
        return actions.do_create_person(
            actor=user, team=incident.team, values={"pseudonym": data["new_victim"]}, request=request
        )
    return None


def _perpetrators(data: dict[str, Any]) -> list[actions.PerpetratorInput]:
    if not data["perpetrator_type"]:
        return []
    return [actions.PerpetratorInput(data["perpetrator_type"], data["degree"] or "direct", data["unit"])]


def _act_values(data: dict[str, Any]) -> dict[str, Any]:
    values = {k: data[k] for k in ("act_type", "start", "end", "place", "place_detail", "facility_type")}
    values["articles"] = [a.strip() for a in data["articles"].split(",") if a.strip()]
    values.update({fact: tristate(data[fact]) for fact in actions.CUSTODY_FACTS})
    return values


@login_and_two_factor_required
@require_http_methods(["GET", "POST"])
@atomic_post
def act_edit(request: HttpRequest, pk: str) -> HttpResponse:
    user = _user(request)
    act = access.access_act(user, pk, for_update=request.method == "POST")
    incident = act.incident
    if not access.can_write(user, incident):
        raise Http404
    people = list(access.visible_people(user).filter(team=incident.team))
    initial = {
        "act_type": act.act_type,
        "victim": str(act.victim_id) if act.victim_id else "",
        "start": act.start.text(),
        "end": act.end.text(),
        "place": act.place_code,
        "place_detail": act.place_detail,
        "facility_type": act.facility_type,
        "articles": ", ".join(act.articles.values_list("code", flat=True)),
        **{fact: tristate_text(getattr(act, fact)) for fact in actions.CUSTODY_FACTS},
    }
    form = ActForm(request.POST or None, people=people, editing=True, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            values = _act_values(data)
            values["victim"] = _chosen_victim(request, user, incident, data)
            actions.do_update_act(actor=user, act=act, values=values, request=request)
            for perpetrator in _perpetrators(data):
                actions.do_add_involvement(actor=user, act=act, perpetrator=perpetrator, request=request)
        except ValidationError as error:
            # Roll back what this request wrote (a new victim, say) so that nothing half-saved remains.
            transaction.set_rollback(True)
            apply_errors(form, error)
        else:
            return redirect("incidents:detail", pk=incident.uid)
    return render(request, "incidents/form.html", {"form": form, "heading": _("Edit act"), "incident": incident})


@login_and_two_factor_required
@require_http_methods(["GET", "POST"])
@atomic_post
def source_create(request: HttpRequest, pk: str) -> HttpResponse:
    user = _user(request)
    incident = _writable_incident(request, user, pk)
    form = SourceForm(request.POST or None, initial={"reliability": "C", "credibility": "3"})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            source = actions.do_add_source(
                actor=user,
                incident=incident,
                values={k: v for k, v in data.items() if k != "credibility"},
                request=request,
            )
            actions.do_attribute(actor=user, source=source, credibility=data["credibility"], request=request)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            return redirect("incidents:detail", pk=incident.uid)
    return render(request, "incidents/form.html", {"form": form, "heading": _("New source"), "incident": incident})


@login_and_two_factor_required
@require_http_methods(["GET", "POST"])
@atomic_post
def source_edit(request: HttpRequest, pk: str) -> HttpResponse:
    user = _user(request)
    source = access.access_source(user, pk, for_update=request.method == "POST")
    incident = source.incident
    if not access.can_write(user, incident):
        raise Http404
    initial = {
        "source_type": source.source_type,
        "label": source.label,
        "url": source.url,
        "hand": source.hand,
        "reliability": source.reliability,
        "received_on": source.received_on,
    }
    form = SourceForm(request.POST or None, editing=True, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_update_source(actor=user, source=source, values=form.cleaned_data, request=request)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            return redirect("incidents:detail", pk=incident.uid)
    return render(request, "incidents/form.html", {"form": form, "heading": _("Edit source"), "incident": incident})


@csrf_exempt
@login_and_two_factor_required
@require_http_methods(["GET", "POST"])
def evidence_upload(request: HttpRequest, pk: str) -> HttpResponse:
    """Upload handlers must be set before the body is read, hence before the CSRF check, which follows at once.

    Who may add evidence here is decided first, from the URL alone: someone who may not would otherwise make the
    server read a body of up to the upload limit before being told "not found".
    """
    incident = access.access_incident(_user(request), pk)
    if not access.can_write(_user(request), incident):
        raise Http404
    handler = BoundedMemoryUploadHandler(request)
    request.upload_handlers = [handler]
    response = _evidence_upload(request, pk, handler)
    assert isinstance(response, HttpResponse)
    return response


@csrf_protect_same_origin
def _evidence_upload(request: HttpRequest, pk: str, handler: BoundedMemoryUploadHandler) -> HttpResponse:
    from vigil.vault.errors import SealedError

    user = _user(request)
    # No row lock here: receiving a large file takes a while, and the action locks only to record it.
    incident = access.access_incident(user, pk)
    if not access.can_write(user, incident):
        raise Http404
    form = EvidenceForm(request.POST or None, request.FILES or None)
    error = ""
    if request.method == "POST" and handler.too_large:
        form = EvidenceForm()
        error = _("The file is larger than the %(limit)d MB this instance accepts.") % {
            "limit": int(settings.MAX_UPLOAD_BYTES) // (1024 * 1024)
        }
    elif request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            actions.do_add_evidence(
                actor=user,
                incident=incident,
                stream=upload,
                media_type=upload.content_type or "",
                declared_size=upload.size,
                request=request,
            )
        except ValidationError as error:
            apply_errors(form, error)
        except SealedError:
            form.add_error(None, _("The vault is sealed: files cannot be received until an operator unseals it."))
        else:
            return redirect("incidents:detail", pk=incident.uid)
    context = {"form": form, "heading": _("Add evidence"), "incident": incident, "multipart": True, "error": error}
    return render(request, "incidents/form.html", context)


@login_and_two_factor_required
def evidence_manifest(request: HttpRequest, pk: str) -> HttpResponse:
    """The signed manifest names the team member who received the file: for the owning team only."""
    evidence = access.access_evidence(_user(request), pk)
    if not access.can_write(_user(request), evidence.incident):
        raise Http404
    response = JsonResponse(actions.manifest_document(evidence), json_dumps_params={"ensure_ascii": False})
    response["Content-Disposition"] = 'attachment; filename="manifest.json"'
    return response


@login_and_two_factor_required
@require_http_methods(["GET", "POST"])
@atomic_post
def person_create(request: HttpRequest) -> HttpResponse:
    from vigil.vault.errors import SealedError

    user = _user(request)
    teams = _writable_teams(user)
    if not teams.exists():
        raise Http404
    form = PersonForm(
        request.POST or None, teams=teams, initial={"team": teams.first() if teams.count() == 1 else None}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        identity = {k: data[k] for k in ("name", "phone", "handles", "documents") if data[k]}
        values = {k: v for k, v in data.items() if k not in ("team", "name", "phone", "handles", "documents")}
        try:
            person = actions.do_create_person(
                actor=user, team=data["team"], values=values, identity=identity or None, request=request
            )
        except ValidationError as error:
            apply_errors(form, error)
        except SealedError:
            form.add_error(
                None, _("The vault is sealed: identity fields cannot be saved until an operator unseals it.")
            )
        else:
            return redirect("incidents:person", pk=person.pk)
    return render(request, "incidents/form.html", {"form": form, "heading": _("New person")})


@login_and_two_factor_required
@require_http_methods(["GET", "POST"])
@atomic_post
def person_edit(request: HttpRequest, pk: str) -> HttpResponse:
    """The person's plain attributes; the sealed identity is edited on the person page (see `person_detail`)."""
    user = _user(request)
    person = access.access_person(user, pk, for_update=request.method == "POST")
    fields = ("pseudonym", "kind", "count_low", "count_best", "count_high", "age_band", "citizenship")
    initial = {name: getattr(person, name) for name in (*fields, "targeting_basis")}
    form = PersonForm(request.POST or None, editing=True, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_update_person(actor=user, person=person, values=form.cleaned_data, request=request)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            return redirect("incidents:person", pk=person.pk)
    return render(request, "incidents/form.html", {"form": form, "heading": _("Edit person"), "person": person})


@login_and_two_factor_required
@require_http_methods(["GET", "POST"])
@atomic_post
def person_detail(request: HttpRequest, pk: str) -> HttpResponse:
    """The person's page. The sealed identity is shown only on request (a POST), to those allowed, after the
    audit entry for the read is written; they may then change it (posted with `action=identity`), which the
    update action audits. Nobody else is shown the fields or may post them."""
    from vigil.vault.errors import SealedError

    user = _user(request)
    person = access.access_person(user, pk, for_update=request.method == "POST")
    may_read = access.can_read_identity(user, person)
    identity: dict[str, str] | None = None
    identity_form: IdentityForm | None = None
    sealed = False
    if request.method == "POST" and request.POST.get("action") == "identity":
        if not may_read:
            raise Http404
        identity_form = IdentityForm(request.POST)
        if identity_form.is_valid():
            try:
                actions.do_update_person(
                    actor=user, person=person, values={}, identity=identity_form.cleaned_data, request=request
                )
            except ValidationError as error:
                apply_errors(identity_form, error)
            except SealedError:
                sealed = True
            else:
                messages.success(request, _("The identity was saved."))
                return redirect("incidents:person", pk=person.pk)
    elif request.method == "POST" and may_read:
        try:
            identity = access.read_person_identity(user, person, request=request)
        except SealedError:
            sealed = True
        else:
            identity_form = IdentityForm(initial=identity)
    incidents = access.visible_incidents(user).filter(acts__victim=person).distinct()
    return render(
        request,
        "incidents/person.html",
        {
            "person": person,
            "identity": identity,
            "identity_form": identity_form,
            "sealed": sealed,
            "may_read_identity": may_read,
            "incidents": incidents,
        },
    )
