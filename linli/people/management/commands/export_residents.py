"""``linli export --user USERNAME [--grid CODE] [--tag CODE] [-q TEXT] -o FILE.xlsx``.

Writes the residents the user may see, identifiers masked, and logs the export like the page does.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from linli.accounts.models import User
from linli.core.errors import DomainError
from linli.people.exporting import export_filters, residents_export


class Command(BaseCommand):
    help = "Export the resident register (masked identifiers) to an .xlsx file."

    def add_arguments(self, parser):
        parser.add_argument("--user", required=True, metavar="USERNAME", help="Whose area and rights the export uses.")
        parser.add_argument("--grid", metavar="CODE", help="Only residents within this region.")
        parser.add_argument("--tag", metavar="CODE", help="Only residents with this target-group tag.")
        parser.add_argument("-q", "--query", default="", help="Name, mobile or ID number search, as on the list page.")
        parser.add_argument("-o", "--output", required=True, metavar="FILE.xlsx")

    def handle(self, *args, user, grid=None, tag=None, query="", output, **options):
        operator = User.objects.filter(username=user, is_active=True).first()
        if operator is None:
            raise CommandError(f"no active user {user!r}")
        try:
            filters = export_filters(user=operator, region=grid or "", tag=tag or "", query=query)
        except DomainError as exc:
            raise CommandError(f"{exc.code}: {exc.message}") from None
        try:
            with open(output, "wb") as handle:
                count = residents_export(user=operator, handle=handle, **filters)
        except DomainError as exc:
            Path(output).unlink(missing_ok=True)
            raise CommandError(f"{exc.code}: {exc.message}") from None
        self.stdout.write(f"exported {count} residents to {output}")
