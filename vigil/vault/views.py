"""The unseal page and "seal now" for coordinators; everyone else sees the locked page. Thin: see `actions`."""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from vigil.accounts.access import login_and_two_factor_required
from vigil.accounts.models import User
from vigil.vault import actions, decoy, state
from vigil.vault.errors import TamperedError, VaultError
from vigil.vault.forms import UnsealForm
from vigil.vault.keys import NoVaultError
from vigil.vault.middleware import locked_response


def _coordinator(request: HttpRequest) -> User | None:
    user = request.user
    if isinstance(user, User) and user.is_coordinator and not user.access_revoked:
        return user
    return None


# Set in the session that typed the operator's duress passphrase.


def _retry_after_seconds(retry_at: datetime) -> int:
    return max(1, math.ceil((retry_at - timezone.now()).total_seconds()))


def _minute_after(moment: datetime) -> datetime:
    """The moment rounded up to a whole minute, as pages show times without seconds."""
    whole = moment.replace(second=0, microsecond=0)
    return whole if whole == moment else whole + timedelta(minutes=1)


@login_and_two_factor_required
@require_http_methods(["GET", "POST"])
def unseal_view(request: HttpRequest) -> HttpResponse:
    coordinator = _coordinator(request)
    if coordinator is None:
        return locked_response(request)
    form = UnsealForm(request.POST or None)
    error = None
    status = 400
    retry_after = 0
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_unseal(credential=form.credential(), actor=coordinator, request=request)
        except actions.UnsealBusyError:
            error = _("Another attempt to unseal is being checked on this server. Wait a few seconds and try again.")
            status, retry_after = 503, 5
        except actions.UnsealThrottledError as refusal:
            when = formats.date_format(timezone.localtime(_minute_after(refusal.retry_at)), "DATETIME_FORMAT")
            # Translators: %(when)s is a date and time in the reader's time zone.
            error = _("Too many attempts to unseal failed recently: none is checked until %(when)s; try again then.")
            error %= {"when": when}
            status, retry_after = 429, _retry_after_seconds(refusal.retry_at)
        except TamperedError as problem:
            error = str(problem)
        except NoVaultError:
            error = _("This instance has no vault; create one with 'vigil init'.")
        except (VaultError, ValueError):
            error = _("That does not unlock the vault. Check what you typed and try again.")
        else:
            # The duress passphrase ends here too, with the same message and redirect; the home page of this session
            # then keeps looking unsealed (`decoy`), as it would after the real passphrase. A genuine unseal in this
            # session ends the pretence, so that a later real "sealed" is shown again.
            if state.is_unsealed():
                decoy.stop_pretending(request)
            else:
                decoy.pretend_unsealed(request)
            messages.success(request, _("The vault is unsealed."))
            return redirect("core:home")
    response = render(
        request,
        "vault/unseal.html",
        {"form": form, "error": error, "unsealed": state.is_unsealed()},
        status=200 if error is None else status,
    )
    if retry_after:
        response["Retry-After"] = str(retry_after)
    return response


@login_and_two_factor_required
@require_POST
def seal_view(request: HttpRequest) -> HttpResponse:
    coordinator = _coordinator(request)
    if coordinator is None:
        return locked_response(request)
    actions.do_seal(actor=coordinator, request=request)
    messages.success(request, _("The vault is sealed: every server dropped its keys."))
    return redirect("vault:unseal")
