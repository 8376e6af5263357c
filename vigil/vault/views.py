"""The unseal page and "seal now" for coordinators; everyone else sees the locked page. Thin: see `actions`."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from vigil.accounts.access import login_and_two_factor_required
from vigil.accounts.models import User
from vigil.vault import actions, state
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
DECOY_SESSION_KEY = "vigil_vault_decoy"


@login_and_two_factor_required
@require_http_methods(["GET", "POST"])
def unseal_view(request: HttpRequest) -> HttpResponse:
    coordinator = _coordinator(request)
    if coordinator is None:
        return locked_response(request)
    form = UnsealForm(request.POST or None)
    error = None
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_unseal(credential=form.credential(), actor=coordinator, request=request)
        except TamperedError as problem:
            error = str(problem)
        except NoVaultError:
            error = _("This instance has no vault; create one with 'vigil init'.")
        except (VaultError, ValueError):
            error = _("That does not unlock the vault. Check what you typed and try again.")
        else:
            # The duress passphrase ends here too, with the same message and redirect; the home page of this session
            # then keeps looking unsealed (DECOY_SESSION_KEY), as it would after the real passphrase.
            if not state.is_unsealed():
                request.session[DECOY_SESSION_KEY] = True
            messages.success(request, _("The vault is unsealed."))
            return redirect("core:home")
    status = 200 if error is None else 400
    return render(
        request, "vault/unseal.html", {"form": form, "error": error, "unsealed": state.is_unsealed()}, status=status
    )


@login_and_two_factor_required
@require_POST
def seal_view(request: HttpRequest) -> HttpResponse:
    coordinator = _coordinator(request)
    if coordinator is None:
        return locked_response(request)
    actions.do_seal(actor=coordinator, request=request)
    messages.success(request, _("The vault is sealed: every server dropped its keys."))
    return redirect("vault:unseal")
