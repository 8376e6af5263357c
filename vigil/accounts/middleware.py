"""Session lifetime (SECURITY-CRITERIA 10): idle and absolute limits, and "end every session of this user".

Threat: a laptop left open or seized with a live session. Invariant: a session older than the absolute limit, idle
longer than the idle limit, or issued before the user's session epoch was bumped (password change, deactivation,
duress, "log out everywhere") is flushed before any view runs.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse

LOGIN_AT = "vigil_login_at"
LAST_SEEN = "vigil_last_seen"
EPOCH = "vigil_epoch"


def start_session_clock(request: HttpRequest, epoch: int) -> None:
    now = int(time.time())
    request.session[LOGIN_AT] = now
    request.session[LAST_SEEN] = now
    request.session[EPOCH] = epoch


def session_is_expired(request: HttpRequest, now: float) -> bool:
    user = request.user
    login_at = request.session.get(LOGIN_AT)
    last_seen = request.session.get(LAST_SEEN)
    if login_at is None or last_seen is None:
        return True
    if now - login_at > settings.SESSION_ABSOLUTE_SECONDS:
        return True
    if now - last_seen > settings.SESSION_IDLE_SECONDS:
        return True
    return request.session.get(EPOCH) != getattr(user, "session_epoch", None)


class SessionLifetimeMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = time.time()
            if session_is_expired(request, now):
                logout(request)
            else:
                request.session[LAST_SEEN] = int(now)
        return self.get_response(request)
