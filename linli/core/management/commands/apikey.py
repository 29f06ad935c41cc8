"""``linli apikey create|list|revoke``: Open311 API keys, each bound to one region's subtree.

    linli apikey create --name "12345 hotline bridge" --region 330502001
    linli apikey list
    linli apikey revoke o311_Ab3      (the prefix shown by list, or the key's id)

The key is printed once, by ``create``; only its SHA-256 digest is stored.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from linli.core.errors import DomainError


def _when(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else "-"


class Command(BaseCommand):
    help = "Create, list and revoke Open311 API keys."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, metavar="{create,list,revoke}")
        create = actions.add_parser("create", help="Create a key and print it once.")
        create.add_argument("--name", required=True, help="Who uses the key (the integrating system).")
        create.add_argument("--region", required=True, help="Region code: the key may use this subtree only.")
        actions.add_parser("list", help="List keys (prefix, name, region, last use, status).")
        revoke = actions.add_parser("revoke", help="Revoke a key by its prefix or id.")
        revoke.add_argument("ref", metavar="PREFIX", help="The prefix shown by `list` (o311_…), the id, or the whole key.")

    def handle(self, *args, **options):
        from linli.open311 import services

        try:
            if options["action"] == "create":
                self._create(services, options["name"], options["region"])
            elif options["action"] == "list":
                self._list()
            else:
                self._revoke(services, options["ref"])
        except DomainError as exc:
            raise CommandError(str(exc.message)) from None

    def _create(self, services, name: str, region: str) -> None:
        key, raw = services.apikey_create(name=name, region_code=region)
        self.stdout.write(f"Created Open311 key {key.pk} \"{key.name}\" for {key.region.name} ({key.region.code}).")
        self.stdout.write(raw)
        self.stdout.write(self.style.WARNING("Store this key now: it cannot be shown again."))

    def _list(self) -> None:
        from linli.open311.models import ApiKey

        keys = ApiKey.objects.select_related("region").order_by("id")
        if not keys:
            self.stdout.write("No Open311 keys.")
            return
        self.stdout.write(f"{'id':>4}  {'prefix':8}  {'status':7}  {'created':16}  {'last used':16}  region  name")
        for key in keys:
            status = "revoked" if key.is_revoked else "live"
            self.stdout.write(
                f"{key.pk:>4}  {key.prefix:8}  {status:7}  {_when(key.created_at):16}  {_when(key.last_used_at):16}  "
                f"{key.region.code}  {key.name}"
            )

    def _revoke(self, services, ref: str) -> None:
        key, changed = services.apikey_revoke(ref=ref)
        if changed:
            self.stdout.write(f"Revoked Open311 key {key.pk} ({key.prefix}…, \"{key.name}\").")
        else:
            self.stdout.write(f"Open311 key {key.pk} ({key.prefix}…) was already revoked on {_when(key.revoked_at)}.")
