"""``linli export --user USERNAME [--grid CODE] [--tag CODE] [-q TEXT] -o FILE.xlsx``.

Writes the residents the user may see, identifiers masked, and logs the export like the page does.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.http import Http404

from linli.accounts.models import User
from linli.core.errors import DomainError
from linli.people.exporting import residents_export
from linli.people.selectors import visible_tags
from linli.regions.selectors import region_get


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
        within = None
        if grid:
            try:
                within = region_get(user=operator, code=grid)
            except Http404:
                raise CommandError(f"no region {grid!r} in the area of {user}") from None
        tag_obj = None
        if tag:
            tag_obj = visible_tags(operator).filter(code=tag).first()
            if tag_obj is None:
                raise CommandError(f"no target group {tag!r} visible to {user}")
        try:
            with open(output, "wb") as handle:
                count = residents_export(user=operator, handle=handle, within=within, tag=tag_obj, query=query)
        except DomainError as exc:
            Path(output).unlink(missing_ok=True)
            raise CommandError(f"{exc.code}: {exc.message}") from None
        self.stdout.write(f"exported {count} residents to {output}")
