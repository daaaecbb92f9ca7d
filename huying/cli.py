"""The `huying` console script: the installed package's manage.py.

Two things differ from Django's manage.py, both for operators: `huying` (or `huying help`)
lists the platform's own commands first, each with what it does, and Django's below; and a
command run on a database that was never migrated says so in one line instead of a
traceback.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "huying.settings")
    import django
    from django.core.management import execute_from_command_line

    from huying.common.commandline import (
        HELP_ARGS,
        MIGRATION_COMMANDS,
        platform_help,
        unmigrated,
        unmigrated_message,
    )

    args = list(sys.argv[1:] if argv is None else argv)
    if not args or (args[0] in HELP_ARGS and len(args) == 1):
        django.setup()
        print(platform_help())
        return
    try:
        execute_from_command_line(["huying", *args])
    except Exception as exc:
        if args[0] in MIGRATION_COMMANDS or not unmigrated(exc):
            raise
        sys.stderr.write(unmigrated_message())
        sys.exit(2)


if __name__ == "__main__":
    main()
