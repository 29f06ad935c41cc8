"""``linli grant USERNAME --role ROLE --region CODE``: give an existing account a role, at once.

Run on the server, so no second administrator is needed (whoever runs it controls the server); a
pending grant asked for in the admin for the same role and region is settled by it. The grant is
written to the accounts' audit trail (``AccountEvent``) with the command and the system user.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from linli.accounts.management.commands.createuser import role_place
from linli.accounts.models import User
from linli.accounts.roles import Role
from linli.accounts.services import role_grant_by_command
from linli.core.errors import DomainError


class Command(BaseCommand):
    help = "Give an existing user a role at one region of the tree (logged in the accounts' audit trail)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=Role.values)
        parser.add_argument("--region", metavar="CODE", help="Code of the region the role applies to.")
        parser.add_argument("--organisation", metavar="ID", type=int, help="Organisation id (organisation admins).")

    def handle(self, *args, username, role, region=None, organisation=None, **options):
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"no user {username!r}")
        region_obj, org_obj = role_place(region, organisation)
        try:
            role_grant_by_command(user=user, role=role, region=region_obj, organisation=org_obj)
        except DomainError as exc:
            raise CommandError(f"{exc.field or exc.code}: {exc.message}") from None
        self.stdout.write(f"granted {role} at {region or '-'} to {user.username}")
