"""The review queue in the web UI: thin views over `access` (reads) and `actions` (writes)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from vigil.accounts.access import login_and_two_factor_required
from vigil.accounts.models import User
from vigil.incidents import vocab
from vigil.incidents.access import access_incident
from vigil.monitoring import actions
from vigil.monitoring.access import access_draft, can_review, pending_drafts, read_draft_content
from vigil.monitoring.candidates import duplicate_candidates
from vigil.monitoring.forms import FieldDecisionForm, MergeForm, QueueFilterForm
from vigil.monitoring.models import Draft
from vigil.monitoring.review import FIELD_SPECS, display, effective_values, highlight

PAGE_SIZE = 50


def _reviewer(request: HttpRequest) -> User:
    user = request.user
    if not can_review(user):
        raise Http404
    assert isinstance(user, User)
    return user


@require_GET
@login_and_two_factor_required
def queue(request: HttpRequest) -> HttpResponse:
    user = _reviewer(request)
    teams = [(team.pk, team.name) for team in user.teams.all()]
    form = QueueFilterForm(request.GET or None, teams=teams)
    filters: dict[str, Any] = {}
    if form.is_valid():
        filters = {key: value for key, value in form.cleaned_data.items() if value not in (None, "")}
    drafts = pending_drafts(
        user,
        team_id=filters.get("team"),
        language=filters.get("language", ""),
        since=filters.get("since"),
        until=filters.get("until"),
    )
    page = Paginator(drafts, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(draft, vocab.place_name(draft.place_code)) for draft in page.object_list]
    return render(request, "monitoring/queue.html", {"form": form, "page": page, "rows": rows})


def _next_pending(user: User, after: Draft) -> str:
    following = pending_drafts(user).exclude(pk=after.pk).first()
    if following is None:
        return reverse("monitoring:queue")
    return reverse("monitoring:draft", args=[following.pk])


@require_GET
@login_and_two_factor_required
def draft_detail(request: HttpRequest, draft_id: str) -> HttpResponse:
    user = _reviewer(request)
    draft = access_draft(user, draft_id)
    content = read_draft_content(user, draft, request)
    values = effective_values(content.incident, content.decisions)
    evidence = content.incident.get("evidence") or {}
    fields = [
        {
            "spec": spec,
            "proposed": display(content.incident.get(spec.name)),
            "value": display(values[spec.name]),
            "decision": content.decisions.get(spec.name, ("", None))[0],
            "evidence": [item.get("text", "") for item in evidence.get(spec.name, [])],
            "confidence": max((item.get("confidence", 0) for item in evidence.get(spec.name, [])), default=None),
        }
        for spec in FIELD_SPECS
    ]
    candidates = duplicate_candidates(user, values, content.text) if draft.status == "pending" else []
    return render(
        request,
        "monitoring/draft.html",
        {
            "draft": draft,
            "segments": highlight(content.text, evidence),
            "fields": fields,
            "provenance": content.provenance,
            "sources_cited": content.sources_cited,
            "candidates": candidates,
            "pending": draft.status == "pending",
        },
    )


def _fail(request: HttpRequest, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


@require_POST
@login_and_two_factor_required
def decide_field(request: HttpRequest, draft_id: str, field: str) -> HttpResponse:
    user = _reviewer(request)
    draft = access_draft(user, draft_id)
    form = FieldDecisionForm(request.POST)
    if form.is_valid():
        try:
            actions.do_decide_field(
                draft=draft,
                field=field,
                status=form.cleaned_data["status"],
                raw_value=form.cleaned_data["value"],
                actor=user,
                request=request,
            )
        except ValidationError as error:
            _fail(request, error)
    else:
        messages.error(request, _("Choose accept, edit or reject."))
    return HttpResponseRedirect(reverse("monitoring:draft", args=[draft.pk]) + f"#field-{field}")


@require_POST
@login_and_two_factor_required
def accept(request: HttpRequest, draft_id: str) -> HttpResponse:
    user = _reviewer(request)
    draft = access_draft(user, draft_id)
    try:
        actions.do_accept_draft(draft=draft, actor=user, request=request)
    except ValidationError as error:
        _fail(request, error)
        return redirect("monitoring:draft", draft.pk)
    except PermissionDenied:
        messages.error(request, _("You may not add incidents for this team."))
        return redirect("monitoring:draft", draft.pk)
    messages.success(request, _("The draft was accepted as a new incident."))
    return HttpResponseRedirect(_next_pending(user, draft))


@require_POST
@login_and_two_factor_required
def reject(request: HttpRequest, draft_id: str) -> HttpResponse:
    user = _reviewer(request)
    draft = access_draft(user, draft_id)
    try:
        actions.do_reject_draft(draft=draft, actor=user, request=request)
    except ValidationError as error:
        _fail(request, error)
        return redirect("monitoring:draft", draft.pk)
    messages.success(request, _("The draft was rejected."))
    return HttpResponseRedirect(_next_pending(user, draft))


@require_POST
@login_and_two_factor_required
def merge(request: HttpRequest, draft_id: str) -> HttpResponse:
    user = _reviewer(request)
    draft = access_draft(user, draft_id)
    form = MergeForm(request.POST)
    if not form.is_valid():
        raise Http404
    incident = access_incident(user, form.cleaned_data["incident"])
    try:
        actions.do_merge_draft(draft=draft, incident=incident, actor=user, request=request)
    except ValidationError as error:
        _fail(request, error)
        return redirect("monitoring:draft", draft.pk)
    except PermissionDenied:
        raise Http404 from None
    messages.success(request, _("The draft was merged into the known incident."))
    return HttpResponseRedirect(_next_pending(user, draft))
