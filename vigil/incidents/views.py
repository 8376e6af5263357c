"""Incident pages: thin views over `access` (every read) and `actions` (every write).

Search and filters are posted, never put in the URL: words typed into a search may be a name, and URLs end up in
browser history and logs (SECURITY-CRITERIA 18). Titles of pages never carry incident titles or pseudonyms.
"""

from __future__ import annotations

from functools import wraps
from typing import Any

from django.conf import settings
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
from vigil.core.middleware import FetchMetadataCsrfMiddleware
from vigil.incidents import access, actions, vocab
from vigil.incidents.dates import display_period
from vigil.incidents.forms import (
    ActForm,
    EvidenceForm,
    IncidentFilterForm,
    IncidentForm,
    PersonForm,
    SourceForm,
    apply_errors,
    tristate,
)
from vigil.incidents.listing import IncidentFilter, filter_incidents
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
    incident = access.access_incident(user, pk, for_update=request.method == "POST")
    if not access.can_write(user, incident):
        raise Http404
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
    acts = incident.acts.select_related("victim").prefetch_related("articles", "involvements", "attributions__source")
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
            "sources": [a.source for a in act.attributions.all()],
        }
        for act in acts
    ]
    sources = [{"source": s, "type": vocab.label(vocab.SOURCE_TYPES, s.source_type)} for s in incident.sources.all()]
    context = {
        "incident": incident,
        "place": vocab.place_name(incident.place_code),
        "when": display_period(incident.start, incident.end),
        "verification": vocab.label(vocab.VERIFICATION_LEVELS, incident.verification),
        "outcome": vocab.label(vocab.OUTCOMES, incident.outcome),
        "act_rows": act_rows,
        "sources": sources,
        "evidence": incident.evidence.all(),
        "links_out": incident.links_out.filter(to_incident__in=access.visible_incidents(user)),
        "can_write": access.can_write(user, incident),
        "evidence_form": EvidenceForm(),
    }
    return render(request, "incidents/detail.html", context)


@login_and_two_factor_required
@require_http_methods(["GET", "POST"])
@atomic_post
def act_create(request: HttpRequest, pk: str) -> HttpResponse:
    user = _user(request)
    incident = access.access_incident(user, pk, for_update=request.method == "POST")
    if not access.can_write(user, incident):
        raise Http404
    people = list(access.visible_people(user).filter(team=incident.team))
    form = ActForm(
        request.POST or None, people=people, initial={"start": incident.start.text(), "place": incident.place_code}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            victim = None
            if data["victim"]:
                victim = access.access_person(user, data["victim"])
            elif data["new_victim"]:
                victim = actions.do_create_person(
                    actor=user, team=incident.team, values={"pseudonym": data["new_victim"]}, request=request
                )
            perpetrators = (
                [actions.PerpetratorInput(data["perpetrator_type"], data["degree"] or "direct", data["unit"])]
                if data["perpetrator_type"]
                else []
            )
            values = {k: data[k] for k in ("act_type", "start", "end", "place", "place_detail", "facility_type")}
            values["articles"] = [a.strip() for a in data["articles"].split(",") if a.strip()]
            values.update({fact: tristate(data[fact]) for fact in actions.CUSTODY_FACTS})
            actions.do_add_act(
                actor=user, incident=incident, values=values, victim=victim, perpetrators=perpetrators, request=request
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            return redirect("incidents:detail", pk=incident.uid)
    return render(request, "incidents/form.html", {"form": form, "heading": _("New act"), "incident": incident})


@login_and_two_factor_required
@require_http_methods(["GET", "POST"])
@atomic_post
def source_create(request: HttpRequest, pk: str) -> HttpResponse:
    user = _user(request)
    incident = access.access_incident(user, pk, for_update=request.method == "POST")
    if not access.can_write(user, incident):
        raise Http404
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


@csrf_exempt
@login_and_two_factor_required
@require_http_methods(["GET", "POST"])
def evidence_upload(request: HttpRequest, pk: str) -> HttpResponse:
    """Upload handlers must be set before the body is read, hence before the CSRF check, which follows at once."""
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
    evidence = access.access_evidence(_user(request), pk)
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
def person_detail(request: HttpRequest, pk: str) -> HttpResponse:
    """The person's page. The sealed identity is shown only on request (a POST), to those allowed, after the
    audit entry for the read is written."""
    from vigil.vault.errors import SealedError

    user = _user(request)
    person = access.access_person(user, pk)
    identity: dict[str, str] | None = None
    sealed = False
    if request.method == "POST" and access.can_read_identity(user, person):
        try:
            identity = access.read_person_identity(user, person, request=request)
        except SealedError:
            sealed = True
    incidents = access.visible_incidents(user).filter(acts__victim=person).distinct()
    return render(
        request,
        "incidents/person.html",
        {
            "person": person,
            "identity": identity,
            "sealed": sealed,
            "may_read_identity": access.can_read_identity(user, person),
            "incidents": incidents,
        },
    )
