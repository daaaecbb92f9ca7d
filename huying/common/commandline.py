"""The console script's help and error texts (`huying/cli.py`): here, in an app, so that
they are translated."""

from __future__ import annotations

HELP_ARGS = {"help", "--help", "-h"}
# Commands that must run on a database that is not (fully) migrated.
MIGRATION_COMMANDS = {"migrate", "makemigrations", "showmigrations", "sqlmigrate",
                      "squashmigrations", "check", "compilemessages", "makemessages",
                      "collectstatic", "dbshell", "shell", "version", "--version"}


def platform_help() -> str:
    """The platform's commands (the apps under `huying.`) with their help text, then Django's
    names; in the active language."""
    from django.core.management import get_commands, load_command_class
    from django.utils.translation import gettext as _

    ours, django = [], []
    for name, app in sorted(get_commands().items()):
        if app.startswith("huying."):
            try:
                text = str(load_command_class(app, name).help).strip().splitlines()[0]
            except Exception:  # a command that cannot load still gets listed by name
                text = ""
            ours.append(f"  {name:<14}{text}")
        else:
            django.append(name)
    lines = [_("Usage: huying COMMAND [options]   (huying COMMAND --help for its options)"),
             "", _("Platform commands:"), *ours, "",
             _("Django's commands (for developers):"),
             *("  " + " ".join(django[i:i + 8]) for i in range(0, len(django), 8)), "",
             _("Data directory: %(path)s (set HUYING_VAR_DIR to change it)")
             % {"path": _var_dir()}]
    return "\n".join(lines)


def _var_dir() -> str:
    from django.conf import settings

    return str(settings.VAR_DIR)


def unmigrated(exc: BaseException) -> bool:
    """A database error that means the schema is missing (SQLite or PostgreSQL)."""
    from django.db import OperationalError, ProgrammingError

    text = str(exc)
    return isinstance(exc, OperationalError | ProgrammingError) and (
        "no such table" in text or ("relation" in text and "does not exist" in text))


def _database_name() -> str:
    from django.db import connection

    return str(connection.settings_dict.get("NAME"))


def unmigrated_message() -> str:
    from django.utils.translation import gettext as _

    return _("The database at %(path)s is not set up yet: run `huying migrate` first.\n") % {
        "path": _database_name()}
