"""Write or check the committed OpenAPI document (docs/openapi.json)."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError


def render_schema() -> str:
    from linli.api import api

    schema = api.get_openapi_schema()
    return json.dumps(schema, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


class Command(BaseCommand):
    help = "Print the OpenAPI document, write it (--write PATH) or fail when PATH is stale (--check PATH)."

    def add_arguments(self, parser):
        group = parser.add_mutually_exclusive_group()
        group.add_argument("--write", metavar="PATH")
        group.add_argument("--check", metavar="PATH")

    def handle(self, *args, write=None, check=None, **options):
        text = render_schema()
        if write:
            Path(write).write_text(text, encoding="utf-8")
            self.stdout.write(f"wrote {write}")
        elif check:
            path = Path(check)
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                raise CommandError(f"{check} is stale: run `make schema-update` and commit it")
        else:
            self.stdout.write(text)
