from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from vigil.core.health import run_checks


class Command(BaseCommand):
    help = "Check the instance and say in plain words what is wrong."

    def handle(self, *args: Any, **options: Any) -> None:
        failures = 0
        for check in run_checks():
            mark = "ok  " if check.ok else "FAIL"
            self.stdout.write(f"[{mark}] {check.message}")
            failures += 0 if check.ok else 1
        if failures:
            raise CommandError(f"{failures} check(s) failed; see above.")
        self.stdout.write("Everything looks right.")
