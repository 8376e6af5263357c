from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from vigil.accounts.actions import do_create_team, do_create_user
from vigil.accounts.models import Role, Team, User
from vigil.core.management.commands.init import read_password


class Command(BaseCommand):
    help = "Create a user account with a role and teams."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--role", choices=[role.value for role in Role], default=Role.VIEWER.value)
        parser.add_argument("--team", action="append", default=[], help="Team to join (repeat for several).")
        parser.add_argument("--create-teams", action="store_true", help="Create the named teams if they are missing.")
        parser.add_argument("--password-file", help="Read the password from this file.")
        parser.add_argument("--generate-password", action="store_true", help="Generate a password and print it once.")

    def handle(self, *args: Any, **options: Any) -> None:
        username = options["username"]
        if User.objects.filter(username=username).exists():
            raise CommandError(f"a user called {username} already exists; nothing was changed.")
        missing = [name for name in options["team"] if not Team.objects.filter(name=name).exists()]
        if missing and not options["create_teams"]:
            raise CommandError(f"there is no team called {missing[0]}; add --create-teams to create it.")
        password, generated = read_password(
            options["password_file"], prompt=f"Password for {username}: ", generate=options["generate_password"]
        )
        try:
            with transaction.atomic():
                teams = [
                    Team.objects.filter(name=name).first() or do_create_team(name=name) for name in options["team"]
                ]
                do_create_user(username=username, password=password, role=options["role"], teams=teams)
        except ValidationError as error:
            raise CommandError(f"the account was not created: {' '.join(error.messages)}") from None
        self.stdout.write(f"Created {options['role']} {username}.")
        if generated:
            self.stdout.write(f"Password (shown only now): {password}")
