"""HTTP hardening that applies to every response (SECURITY-CRITERIA 16, 17).

Threat: a page of Vigil is opened on a seized or shared computer, or inside a hostile frame, or a third party learns
from a Referer which case was being read. Invariant: every response forbids caching, framing, MIME sniffing, referrers
and any resource from another origin; the browser may talk only to this origin.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import CsrfViewMiddleware

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
    ]
)


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers["Cache-Control"] = "no-store"
        response.headers["Pragma"] = "no-cache"
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["Cross-Origin-Opener-Policy"] = "same-origin"
        response.headers["Cross-Origin-Resource-Policy"] = "same-origin"
        response.headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), interest-cohort=()"
        return response


class FetchMetadataCsrfMiddleware(CsrfViewMiddleware):
    """Django's CSRF protection, adapted to `Referrer-Policy: no-referrer`.

    With that policy browsers send `Origin: null` and no Referer on form posts, which Django would reject. The
    browser-set `Sec-Fetch-Site: same-origin` header (which pages cannot forge) proves the same thing, so it stands in
    for the origin check. The session-bound CSRF token is still required on every unsafe request.
    """

    def _origin_verified(self, request: HttpRequest) -> bool:
        if request.META.get("HTTP_SEC_FETCH_SITE") == "same-origin":
            return True
        return bool(super()._origin_verified(request))  # type: ignore[misc]

    def _check_referer(self, request: HttpRequest) -> None:
        if request.META.get("HTTP_SEC_FETCH_SITE") == "same-origin":
            return
        super()._check_referer(request)  # type: ignore[misc]
