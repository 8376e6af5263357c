from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from vigil.accounts.access import login_and_two_factor_required
from vigil.accounts.models import User
from vigil.core.dashboard import dashboard_for
from vigil.vault.decoy import pretends_unsealed


@login_and_two_factor_required
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    teams = [] if user.access_revoked else list(user.teams.all())
    decoy = pretends_unsealed(request)
    return render(request, "core/home.html", {"dashboard": dashboard_for(user, decoy_unsealed=decoy), "teams": teams})


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return render(request, "core/error.html", {"status": 403, "kind": "csrf"}, status=403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "core/error.html", {"status": 404, "kind": "not_found"}, status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    return render(request, "core/error.html", {"status": 500, "kind": "server"}, status=500)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "core/error.html", {"status": 403, "kind": "forbidden"}, status=403)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "core/error.html", {"status": 400, "kind": "bad_request"}, status=400)
