"""`vigil`: the one command an operator types. Each subcommand is a Django management command of a Vigil app.

Operators never see `manage.py` or a traceback for a mistake of theirs: a bad setting, a refused action or an
unreachable database ends in one sentence on stderr and a non-zero exit. `vigil manage ...` reaches Django's own
commands for developers.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from importlib import import_module
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent

# Commands that must run without an instance (and without Django settings being valid).
STANDALONE_COMMANDS = {
    "extract": "Extract draft incidents from report files and print them as JSON (no instance needed)."
}
EXIT_USAGE = 2


def vigil_command_modules() -> dict[str, str]:
    """Map each Vigil subcommand to the app that provides it, found on disk so help works even without settings."""
    commands: dict[str, str] = {}
    for commands_dir in sorted(PACKAGE_DIR.glob("*/management/commands")):
        app = commands_dir.parent.parent.name
        for module in sorted(commands_dir.glob("*.py")):
            if not module.name.startswith("_"):
                commands[module.stem] = f"vigil.{app}"
    return commands


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vigil.settings")
    import django

    django.setup()


def _fail(message: str, code: int = 1) -> int:
    print(f"vigil: {message}", file=sys.stderr)
    return code


def print_help() -> None:
    print("usage: vigil COMMAND [options]\n")
    print("Vigil: case work, documentation and monitoring for human-rights defenders.\n")
    print("Commands:")
    helps: dict[str, str] = dict(STANDALONE_COMMANDS)
    try:
        _setup_django()
        from django.core.management import load_command_class

        for name, app in vigil_command_modules().items():
            helps[name] = str(load_command_class(app, name).help).strip().split("\n")[0]
    except Exception as error:  # help must still list the commands when settings are broken
        for name in vigil_command_modules():
            helps.setdefault(name, "")
        print(f"  (settings problem: {error})", file=sys.stderr)
    helps["manage"] = "Run a Django management command (for developers)."
    width = max(len(name) for name in helps)
    for name in sorted(helps):
        print(f"  {name.ljust(width)}  {helps[name]}")
    print("\nRun 'vigil COMMAND --help' for a command's options. Settings come from environment variables:")
    print("see the README.")


def run_command(name: str, args: Sequence[str]) -> int:
    from django.core.management import load_command_class
    from django.core.management.base import CommandError
    from django.db.utils import OperationalError
    from django.utils import translation

    from vigil.conf import ConfigError

    # The command line speaks English throughout, so messages from validators match the rest of the sentence.
    translation.activate("en")
    command = load_command_class(vigil_command_modules()[name], name)
    parser = command.create_parser("vigil", name)
    options = parser.parse_args(list(args))
    cmd_options = vars(options)
    positional = cmd_options.pop("args", ())
    try:
        command.execute(*positional, **cmd_options)
    except CommandError as error:
        return _fail(str(error), error.returncode)
    except ConfigError as error:
        return _fail(str(error), EXIT_USAGE)
    except OperationalError as error:
        first_line = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        return _fail(f"the database cannot be reached or used ({first_line}).")
    except KeyboardInterrupt:
        return _fail("interrupted.", 130)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in {"-h", "--help", "help"}:
        print_help()
        return 0
    name, rest = args[0], args[1:]
    if name in STANDALONE_COMMANDS:
        module = import_module("vigil.extraction.cli")
        return int(module.main(rest))
    from vigil.conf import ConfigError

    try:
        _setup_django()
    except ConfigError as error:
        return _fail(str(error), EXIT_USAGE)
    if name == "manage":
        from django.core.management import execute_from_command_line

        execute_from_command_line(["vigil manage", *rest])
        return 0
    if name not in vigil_command_modules():
        return _fail(f"there is no command '{name}'. Run 'vigil --help' to list the commands.", EXIT_USAGE)
    return run_command(name, rest)


if __name__ == "__main__":
    sys.exit(main())
