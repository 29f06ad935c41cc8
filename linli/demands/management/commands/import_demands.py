"""``linli import_demands FILE --user USERNAME [--only-good] [--dry-run]``: import sweep results.

Prints one line per problem and per note (row, column, code, reason, tab-separated) and a summary;
exits with status 1 when nothing was imported because of bad rows (a dry run: when the file has
bad rows).
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext

from linli.accounts.models import User
from linli.core.errors import DomainError
from linli.demands.importing import demands_import


class Command(BaseCommand):
    help = "Import sweep results (扫楼排查) as demands from an .xlsx or .csv file (the template's columns)."

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
            report = demands_import(
                user=operator, data=path.read_bytes(), filename=path.name, only_good=only_good, dry_run=dry_run,
            )
        except DomainError as exc:
            raise CommandError(f"{exc.code}: {exc.message}") from None
        for p in sorted(report.problems + report.notes, key=lambda p: p.row):
            self.stdout.write(f"{p.row}\t{p.column}\t{p.code}\t{p.message}")
        self.stdout.write(gettext(
            "%(rows)s rows read, %(none)s visited with no need, %(good)s correct, %(bad)s with problems"
        ) % {"rows": report.rows, "none": report.visited_no_need, "good": report.good, "bad": report.bad})
        if report.written:
            self.stdout.write(gettext("imported %(n)s demands, %(old)s already imported before") % {
                "n": report.created, "old": report.existing,
            })
        elif report.problems:
            raise CommandError(gettext("dry run: the file has errors") if dry_run
                               else gettext("nothing was imported because of the errors above"))
        else:
            self.stdout.write(gettext("dry run: nothing written") if dry_run else gettext("nothing to import"))
