"""``linli createuser USERNAME --role ROLE --region CODE``: create an account with its membership.

The password comes from ``--password``, else the ``LINLI_PASSWORD`` environment variable, else an
interactive prompt (typed twice).
"""

from __future__ import annotations

import getpass
import os
import sys

from django.core.management.base import BaseCommand, CommandError

from linli.accounts.roles import Role
from linli.accounts.services import user_create
from linli.core.errors import DomainError
from linli.regions.models import Region
from linli.supply.models import Organisation


def role_place(region: str | None, organisation: int | None):
    """The region (by code) and organisation (by id) a role is given at, as the commands name them."""
    region_obj = None
    if region:
        region_obj = Region.objects.filter(code=region).first()
        if region_obj is None:
            raise CommandError(f"no region with code {region!r}")
    org_obj = None
    if organisation is not None:
        org_obj = Organisation.objects.filter(pk=organisation).first()
        if org_obj is None:
            raise CommandError(f"no organisation with id {organisation}")
    return region_obj, org_obj


class Command(BaseCommand):
    help = "Create a user with one role at one region of the tree."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=Role.values)
        parser.add_argument("--region", metavar="CODE", help="Code of the region the role applies to.")
        parser.add_argument("--organisation", metavar="ID", type=int, help="Organisation id (organisation admins).")
        parser.add_argument("--display-name", default="")
        parser.add_argument("--password", help="Prefer LINLI_PASSWORD or the prompt: arguments end up in shell history.")

    def handle(self, *args, username, role, region=None, organisation=None, display_name="", password=None, **options):
        region_obj, org_obj = role_place(region, organisation)
        password = password or os.environ.get("LINLI_PASSWORD") or self._prompt()
        try:
            user = user_create(
                username=username, password=password, role=role, region=region_obj,
                organisation=org_obj, display_name=display_name,
            )
        except DomainError as exc:
            raise CommandError(f"{exc.field or exc.code}: {exc.message}") from None
        self.stdout.write(f"created {user.username} ({role} at {region or '-'})")

    def _prompt(self) -> str:
        if not sys.stdin.isatty():
            raise CommandError("no password: pass --password, set LINLI_PASSWORD or run interactively")
        first = getpass.getpass("Password: ")
        if first != getpass.getpass("Password (again): "):
            raise CommandError("the passwords do not match")
        return first
