"""``linli import FILE --user USERNAME [--only-good] [--dry-run]``: import residents from xlsx or csv.

Prints one line per problem (row, column, code, reason) and a summary; exits with status 1 when
nothing was imported because of errors.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext

from linli.accounts.models import User
from linli.core.errors import DomainError
from linli.people.importing import residents_import


class Command(BaseCommand):
    help = "Import residents and households from an .xlsx or .csv file (the template's columns)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="Path of the .xlsx or .csv file.")
        parser.add_argument("--user", required=True, metavar="USERNAME", help="Whose area and rights the import uses.")
        parser.add_argument("--only-good", action="store_true", help="Import the correct rows even if others are wrong.")
        parser.add_argument("--dry-run", action="store_true", help="Check the file and write nothing.")

    def handle(self, *args, file, user, only_good=False, dry_run=False, **options):
        operator = User.objects.filter(username=user, is_active=True).first()
        if operator is None:
            raise CommandError(f"no active user {user!r}")
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"no such file: {file}")
        try:
            report = residents_import(
                user=operator, data=path.read_bytes(), filename=path.name, only_good=only_good, dry_run=dry_run,
            )
        except DomainError as exc:
            raise CommandError(f"{exc.code}: {exc.message}") from None
        for p in report.problems:
            self.stdout.write(f"{p.row}\t{p.column}\t{p.code}\t{p.message}")
        self.stdout.write(gettext("%(rows)s rows read, %(good)s correct, %(bad)s with problems") % {
            "rows": report.rows, "good": report.good, "bad": report.bad,
        })
        if report.written:
            self.stdout.write(gettext("imported %(n)s residents, %(h)s new households") % {
                "n": report.created, "h": report.households_created,
            })
        elif dry_run:
            if report.problems:
                raise CommandError(gettext("dry run: the file has errors"))
            self.stdout.write(gettext("dry run: nothing written"))
        else:
            raise CommandError(gettext("nothing was imported because of the errors above"))
