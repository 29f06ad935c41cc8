"""The ``linli`` operations command: a thin front for Django's management commands.

``linli demo``, ``linli import``, ``linli export``, ``linli createuser`` … are ordinary management
commands living in the domain apps; ``linli help`` lists them all.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "linli.settings")
    from django.core.management import execute_from_command_line

    args = list(sys.argv[1:] if argv is None else argv)
    aliases = {"import": "import_residents", "export": "export_residents"}
    if args and args[0] in aliases:
        args[0] = aliases[args[0]]
    execute_from_command_line(["linli", *args])
