"""``linli match PROBLEM.json [--out FILE] [--greedy]``: run the matching engine on a JSON problem."""

from __future__ import annotations

from django.core.management import BaseCommand, CommandError

from linli.dispatch.engine.cli import run


class Command(BaseCommand):
    help = "Match needs to volunteers optimally (or with --greedy, the baseline) and print the result as JSON."
    requires_system_checks: list = []
    requires_migrations_checks = False

    def add_arguments(self, parser):
        parser.add_argument("problem", help="the problem as JSON (a file, or - for standard input)")
        parser.add_argument("--out", help="write the result here instead of printing it")
        parser.add_argument("--greedy", action="store_true", help="the greedy baseline instead of the optimum")

    def handle(self, *args, problem, out=None, greedy=False, **options):
        status = run(problem, out=out, use_greedy=greedy)
        if status:
            raise CommandError("the problem could not be solved (see the message above)", returncode=status)
