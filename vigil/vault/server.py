"""What `vigil serve` adds for the vault: the seal watcher, the control socket, and optional unseal at start.

`--unseal-passphrase-file` exists for automated restarts. Its risk: the passphrase then sits in a file on the same
machine, so whoever seizes the machine holds the key. Keep the file on a medium that leaves with the operator, or
unseal in the web UI or with `vigil unseal` instead.
"""

from __future__ import annotations

from django.core.management.base import CommandError

from vigil.vault import actions, control, state
from vigil.vault.credentials import read_secret_file
from vigil.vault.errors import VaultError
from vigil.vault.keys import Credential, vault_exists


def prepare_server(unseal_passphrase_file: str | None) -> None:
    """Start sealed, watch the seal epoch, listen on the control socket; unseal first if a passphrase file is given."""
    state.enable_watcher()
    if unseal_passphrase_file:
        if not vault_exists():
            raise CommandError("this instance has no vault to unseal; nothing was changed.")
        credential = Credential("passphrase", secret=read_secret_file(unseal_passphrase_file, "passphrase"))
        try:
            actions.do_unseal(credential=credential)
        except VaultError as error:
            raise CommandError(f"the vault could not be unsealed: {error}") from None
    try:
        control.start_server()
    except (control.ControlError, OSError) as error:
        raise CommandError(f"the control socket cannot be opened ({error}).") from None
