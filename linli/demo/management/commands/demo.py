"""``linli demo [--scale N] [--seed S] [--if-empty] [--reset]``: the demo district.

``make run`` calls ``linli demo --if-empty --no-logins`` on every start (when any district exists it
does nothing, so a second start takes a moment), then, once the server answers,
``linli demo --logins-when-up URL``: the address and the demo logins are the last lines a newcomer
sees, after the server's own banner. ``--reset`` removes the demo district and its logins first
(benchmarks use it; refused in production mode).
"""

from __future__ import annotations

import sys
import time
import urllib.request

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
        parser.add_argument("--no-logins", action="store_true", help="Do not print the demo logins.")
        parser.add_argument("--logins-when-up", metavar="URL",
                            help="Build nothing: wait until URL answers, then print its address and the demo logins.")

    def handle(self, *args, scale, seed, if_empty, reset, no_logins=False, logins_when_up=None, **options):
        if logins_when_up:
            return self._announce(logins_when_up)
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
        if not no_logins:
            self._print_logins()

    def _announce(self, url: str, timeout: float = 120.0) -> None:
        """Wait for the server (its health check) to answer, then print where it is and who to log in as."""
        health = url.rstrip("/") + "/healthz"
        deadline = time.monotonic() + timeout
        while True:
            try:
                with urllib.request.urlopen(health, timeout=2):  # noqa: S310 - our own local address
                    break
            except OSError:
                if time.monotonic() > deadline:
                    return
                time.sleep(0.5)
        time.sleep(0.5)  # let the server write its line about the health check first
        line = "─" * 64
        block = [f"\n{line}", f"Linli is running: {url.rstrip('/')}/   (stop with Ctrl-C)", *self._login_lines(),
                 'What to try first for each role: README.md, section "First run".',
                 "Messages sent by the demo (SMS, WeChat, e-mail) are in the background worker's log: "
                 f"{settings.VAR_DIR / 'worker.log'}", line]
        self.stdout.write("\n".join(block))  # one write: nothing lands in the middle
        self.stdout.flush()

    def _progress(self, message: str) -> None:
        sys.stderr.write(message + "\n")
        sys.stderr.flush()

    def _print_logins(self) -> None:
        for line in self._login_lines():
            self.stdout.write(line)

    def _login_lines(self) -> list[str]:
        rows = login_rows()
        if not rows:
            return ["no demo logins in this database"]
        width = max(len(r[0]) for r in rows)
        return [f"demo logins (password for all: {DEMO_PASSWORD}):",
                *(f"  {username.ljust(width)}  {role} · {region}" for username, role, region in rows)]
