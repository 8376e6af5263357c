"""Login with a second factor, enrolment, logout. Thin: the decisions live in `actions` and `two_factor`.

Every failed step answers with the same page, status and message whatever went wrong (unknown user, wrong password,
locked out), so the login page cannot be used to learn which accounts exist or are locked.
"""

from __future__ import annotations

import time
from typing import Any

from axes.utils import reset as reset_login_failures
from django.contrib.auth import authenticate, login, logout
from django.contrib.auth.hashers import make_password
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login

from vigil.accounts import actions, two_factor
from vigil.accounts.backends import BACKEND_PATH, DURESS_ATTRIBUTE
from vigil.accounts.forms import LoginForm, TokenForm
from vigil.accounts.middleware import start_session_clock
from vigil.accounts.models import User

PREAUTH_USER = "vigil_preauth_user"
PREAUTH_AT = "vigil_preauth_at"
PREAUTH_FAILURES = "vigil_preauth_failures"
PREAUTH_SECONDS = 300
MAX_TOKEN_FAILURES = 5


def bad_credentials_message() -> str:
    return _("The user name or password is not right, or the account is temporarily locked. Try again later.")


def check_credentials(request: HttpRequest, username: str, password: str) -> tuple[User | None, bool]:
    """Return (user, is_duress). Every path costs one Argon2id computation (see `vigil.accounts.backends`)."""
    user = authenticate(request, username=username, password=password)
    if getattr(request, "axes_locked_out", False):
        # The lock-out stopped the backends before they hashed: hash once so a lock-out costs what a login costs.
        make_password(password)
        return None, False
    if isinstance(user, User):
        return user, False
    coerced = getattr(request, DURESS_ATTRIBUTE, None)
    if isinstance(coerced, User):
        reset_login_failures(username=username)
        return coerced, True
    return None, False


def _render_login(request: HttpRequest, form: LoginForm, error: str | None = None) -> HttpResponse:
    return render(request, "accounts/login.html", {"form": form, "error": error})


def lockout_response(request: HttpRequest, credentials: Any = None, *args: Any, **kwargs: Any) -> HttpResponse:
    """Axes calls this when a lock-out applies: the page is the same as for a wrong password, user name included."""
    typed = request.POST.get("username", "")[:150] if request.method == "POST" else ""
    return _render_login(request, LoginForm(initial={"username": typed}), bad_credentials_message())


@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("core:home")
    form = LoginForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            user, is_duress = check_credentials(request, form.cleaned_data["username"], form.cleaned_data["password"])
            if user is not None:
                if is_duress:
                    actions.do_trigger_duress(user=user, request=request)
                request.session.cycle_key()
                request.session[PREAUTH_USER] = user.pk
                request.session[PREAUTH_AT] = int(time.time())
                request.session[PREAUTH_FAILURES] = 0
                return redirect("accounts:two_factor")
        return _render_login(
            request, LoginForm(initial={"username": request.POST.get("username", "")[:150]}), bad_credentials_message()
        )
    return _render_login(request, form)


def _pending_user(request: HttpRequest) -> User | None:
    user_id = request.session.get(PREAUTH_USER)
    started = request.session.get(PREAUTH_AT, 0)
    if user_id is None or time.time() - started > PREAUTH_SECONDS:
        return None
    return User.objects.filter(pk=user_id, is_active=True).first()


def _complete_login(request: HttpRequest, user: User, device: Any) -> HttpResponse:
    for key in (PREAUTH_USER, PREAUTH_AT, PREAUTH_FAILURES):
        request.session.pop(key, None)
    login(request, user, backend=BACKEND_PATH)
    if device is not None:
        otp_login(request, device)
    start_session_clock(request, user.session_epoch)
    actions.record_login(user=user, request=request)
    return redirect("core:home")


def _count_token_failure(request: HttpRequest) -> bool:
    """Record a wrong code; return True when the attempt must start over from the password."""
    failures = int(request.session.get(PREAUTH_FAILURES, 0)) + 1
    request.session[PREAUTH_FAILURES] = failures
    if failures >= MAX_TOKEN_FAILURES:
        request.session.flush()
        return True
    return False


@require_http_methods(["GET", "POST"])
def two_factor_view(request: HttpRequest) -> HttpResponse:
    user = _pending_user(request)
    if user is None:
        return redirect("accounts:login")
    device = two_factor.confirmed_device(user)
    if device is None:
        if user.needs_two_factor:
            return redirect("accounts:enrol")
        return _complete_login(request, user, None)
    form = TokenForm(request.POST or None)
    error = None
    if request.method == "POST":
        if form.is_valid() and two_factor.verify(device, form.cleaned_data["token"]):
            return _complete_login(request, user, device)
        if _count_token_failure(request):
            return redirect("accounts:login")
        error = _("That code is not right. Codes change every 30 seconds and each works once.")
    return render(request, "accounts/two_factor.html", {"form": form, "error": error})


@require_http_methods(["GET", "POST"])
def enrol_view(request: HttpRequest) -> HttpResponse:
    user = _pending_user(request)
    if user is None:
        return redirect("accounts:login")
    if two_factor.confirmed_device(user) is not None:
        return redirect("accounts:two_factor")
    device = two_factor.pending_device(user)
    form = TokenForm(request.POST or None)
    error = None
    if request.method == "POST":
        if form.is_valid() and two_factor.verify(device, form.cleaned_data["token"]):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            return _complete_login(request, user, device)
        if _count_token_failure(request):
            return redirect("accounts:login")
        error = _("That code is not right. Check the time on your phone and try the newest code.")
    context = {
        "form": form,
        "error": error,
        "qr_svg": two_factor.enrolment_qr_svg(device),
        "secret": two_factor.secret_base32(device),
    }
    return render(request, "accounts/enrol.html", context)


def _logged_out_response(request: HttpRequest) -> HttpResponse:
    response = HttpResponseRedirect(reverse("accounts:login"))
    response.headers["Clear-Site-Data"] = '"cache", "cookies", "storage"'
    return response


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    if isinstance(request.user, User):
        actions.record_logout(user=request.user, request=request)
    logout(request)
    return _logged_out_response(request)


@require_POST
def logout_everywhere_view(request: HttpRequest) -> HttpResponse:
    if isinstance(request.user, User):
        actions.do_end_all_sessions(user=request.user, request=request)
    logout(request)
    return _logged_out_response(request)
