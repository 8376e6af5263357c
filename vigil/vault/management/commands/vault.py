from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from vigil.vault import actions, control
from vigil.vault.credentials import add_credential_arguments, credential_from_options, new_passphrase
from vigil.vault.errors import VaultError
from vigil.vault.files import check_files
from vigil.vault.keys import get_vault, wraps_of
from vigil.vault.wrapping import KdfParams

SHOWN_ONCE = "Shown only now: write it down and keep it offline, away from this server."


class Command(BaseCommand):
    help = "Manage the vault: status, operator passphrases, the duress passphrase, M-of-N shares, the recovery key."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        sub.add_parser("status", help="Say whether the running server is sealed and list the key wraps.")
        add = sub.add_parser("add-passphrase", help="Add an operator passphrase under a role label.")
        add.add_argument("label", help='A role, never a person\'s name (e.g. "operator 2").')
        add.add_argument("--new-passphrase-file", metavar="FILE", help="Read the new passphrase from FILE.")
        add_credential_arguments(add)
        remove = sub.add_parser("remove-passphrase", help="Remove an operator passphrase by its label.")
        remove.add_argument("label")
        add_credential_arguments(remove)
        duress = sub.add_parser("set-duress", help="Set the duress passphrase that destroys the passphrase wraps.")
        duress.add_argument("--duress-passphrase-file", metavar="FILE", help="Read the duress passphrase from FILE.")
        add_credential_arguments(duress)
        split = sub.add_parser("split-shares", help="Split unsealing into N shares of which any M unseal.")
        split.add_argument("m", type=int)
        split.add_argument("n", type=int)
        split.add_argument(
            "--only-shares",
            action="store_true",
            help="Also destroy every operator passphrase, so that no single person can unseal (M holders are needed).",
        )
        add_credential_arguments(split)
        rewrap = sub.add_parser("recovery-rewrap", help="Replace the recovery key and print the new one once.")
        add_credential_arguments(rewrap)
        sub.add_parser("check-files", help="List rows whose file is missing and files that no row points to.")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        try:
            getattr(self, "_" + action.replace("-", "_"))(options)
        except VaultError as error:
            raise CommandError(f"{str(error).rstrip('.')}. Nothing was changed.") from None

    def _vault_key(self, options: dict[str, Any]) -> bytes:
        return actions.unlock(credential_from_options(options))

    def _status(self, options: dict[str, Any]) -> None:
        vault = get_vault()
        try:
            answer = control.send({"op": "status"}, timeout=5)
            running = "sealed" if answer.get("sealed") else "unsealed"
            self.stdout.write(f"The running server is {running}.")
        except control.ControlError:
            self.stdout.write("No server is running on this machine.")
        params = KdfParams.from_dict(vault.kdf)
        self.stdout.write(
            f"Argon2id: {params.memory_kib // 1024} MiB, {params.iterations} passes, {params.parallelism} lanes."
        )
        for wrap in wraps_of(vault):
            self.stdout.write(f"  {wrap.kind:<10} {wrap.label}")
        if vault.rekey:
            self.stdout.write("A key rotation was interrupted: run 'vigil rekey' again to finish it.")

    def _add_passphrase(self, options: dict[str, Any]) -> None:
        vault_key = self._vault_key(options)
        passphrase = new_passphrase(options["new_passphrase_file"], prompt="New operator passphrase: ")
        actions.do_add_passphrase(vault_key=vault_key, passphrase=passphrase, label=options["label"])
        self.stdout.write(f"Added the passphrase {options['label']!r}.")

    def _remove_passphrase(self, options: dict[str, Any]) -> None:
        actions.do_remove_passphrase(vault_key=self._vault_key(options), label=options["label"])
        self.stdout.write(f"Removed the passphrase {options['label']!r}.")

    def _set_duress(self, options: dict[str, Any]) -> None:
        vault_key = self._vault_key(options)
        duress = new_passphrase(options["duress_passphrase_file"], prompt="Duress passphrase: ")
        actions.do_set_duress(vault_key=vault_key, duress_passphrase=duress)
        self.stdout.write(
            "The duress passphrase is set. Typed at unseal, it looks like a normal unseal but destroys every "
            "passphrase wrap; only the recovery key or the shares open the vault afterwards."
        )

    def _split_shares(self, options: dict[str, Any]) -> None:
        vault_key = self._vault_key(options)
        texts = actions.do_split_shares(
            vault_key=vault_key, threshold=options["m"], count=options["n"], only_shares=options["only_shares"]
        )
        if options["only_shares"]:
            self.stdout.write("Every operator passphrase is destroyed: only the shares or the recovery key unseal now.")
        self.stdout.write(f"Any {options['m']} of these {options['n']} shares unseal the vault. {SHOWN_ONCE}")
        self.stdout.write("Give each share to a different person.")
        for number, text in enumerate(texts, start=1):
            self.stdout.write(f"  share {number}: {text}")

    def _recovery_rewrap(self, options: dict[str, Any]) -> None:
        text = actions.do_recovery_rewrap(vault_key=self._vault_key(options))
        self.stdout.write(f"The old recovery key no longer works. New recovery key: {text}")
        self.stdout.write(SHOWN_ONCE)

    def _check_files(self, options: dict[str, Any]) -> None:
        report = check_files()
        for model, pk, address in report.missing:
            self.stdout.write(f"missing file: {model} {pk} points to {address}, which is not in the store")
        for address in report.orphans:
            self.stdout.write(f"orphan file: {address} is in the store but no row points to it")
        if not report.ok:
            raise CommandError(
                f"{len(report.missing)} row(s) without their file and {len(report.orphans)} file(s) without a row."
            )
        self.stdout.write("Every row has its file and every file has its row.")
