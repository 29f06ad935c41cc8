"""``linli demo [--scale N] [--seed S] [--if-empty] [--reset]``: the demo district.

``make run`` calls ``linli demo --if-empty`` on every start: when any district exists it only
prints the demo logins, so a second start takes a moment. ``--reset`` removes the demo district
and its logins first (benchmarks use it; refused in production mode).
"""

from __future__ import annotations

import sys

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from linli.core.errors import DomainError
from linli.demo.generator import (
    DEFAULT_SEED,
    DEMO_PASSWORD,
    MAX_SCALE,
    any_district_exists,
    demo_build,
    demo_reset,
    login_rows,
)


class Command(BaseCommand):
    requires_system_checks: list = []  # a data command; `make run` calls it on every start
    help = "Build the deterministic demo district (streets, communities, residents, organisations, one login per role)."

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=int, default=1, help=f"Number of streets (1–{MAX_SCALE}); each has ~11,750 residents.")
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="Random seed; the same seed gives the same data.")
        parser.add_argument("--if-empty", action="store_true", help="Do nothing when a district already exists.")
        parser.add_argument("--reset", action="store_true", help="Delete the demo district and logins first, without asking.")

    def handle(self, *args, scale, seed, if_empty, reset, **options):
        progress = self._progress
        if reset:
            if settings.PRODUCTION:
                raise CommandError("demo --reset is refused in production mode")
            if demo_reset(progress=progress):
                progress("removed the previous demo district")
        if if_empty and any_district_exists():
            progress("a district exists already; demo data left as it is")
        else:
            progress(f"building the demo district: {scale} street(s), seed {seed}")
            try:
                summary = demo_build(seed=seed, scale=scale, progress=progress)
            except DomainError as exc:
                raise CommandError(str(exc.message)) from None
            self.stdout.write(
                f"demo: {summary.streets} street(s), {summary.regions:,} regions, {summary.households:,} households, "
                f"{summary.residents:,} residents, {summary.tags:,} target-group tags, "
                f"{summary.organisations} organisations, {summary.demands} demands, {summary.volunteers} volunteers in {summary.seconds:.1f} s"
            )
        self._print_logins()

    def _progress(self, message: str) -> None:
        sys.stderr.write(message + "\n")
        sys.stderr.flush()

    def _print_logins(self) -> None:
        rows = login_rows()
        if not rows:
            self.stdout.write("no demo logins in this database")
            return
        width = max(len(r[0]) for r in rows)
        self.stdout.write(f"demo logins (password for all: {DEMO_PASSWORD}):")
        for username, role, region in rows:
            self.stdout.write(f"  {username.ljust(width)}  {role} · {region}")
