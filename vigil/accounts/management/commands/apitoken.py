from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from vigil.accounts.actions import do_create_api_token, do_revoke_api_tokens
from vigil.accounts.models import User


class Command(BaseCommand):
    help = "Create an API bearer token for a user (printed once), or revoke all of a user's tokens."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, metavar="{create,revoke}")
        create = sub.add_parser("create", help="Create a token and print it once.")
        create.add_argument("username")
        create.add_argument("--label", default="api", help="What the token is for (shown in the audit log).")
        create.add_argument("--days", type=int, default=90, help="Days until the token expires (default 90).")
        revoke = sub.add_parser("revoke", help="Revoke every token of a user.")
        revoke.add_argument("username")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["username"], is_active=True).first()
        if user is None:
            raise CommandError(f"there is no active user called {options['username']}.")
        if options["action"] == "create":
            if not 1 <= options["days"] <= 366:
                raise CommandError("--days must be between 1 and 366.")
            token = do_create_api_token(user=user, label=options["label"], days=options["days"])
            self.stdout.write(token)
        else:
            count = do_revoke_api_tokens(user=user)
            self.stdout.write(f"Revoked {count} token(s) of {user.username}.")
