"""`make run` ends with the address and the demo logins, printed once the server answers, and the
demo's own notifications go to the worker's log, not the console."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from django.core.management import call_command

from linli.accounts.models import Membership
from linli.accounts.roles import Role
from linli.demo.generator import DEMO_PASSWORD
from linli.testing import build_world, make_user

MAKEFILE = Path(__file__).resolve().parents[3] / "Makefile"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_announcement_waits_for_the_server_and_ends_with_the_address_and_logins(live_server, settings):
    world = build_world()
    Membership.objects.create(user=make_user("demo_volunteer"), role=Role.VOLUNTEER, region=world.community_a)
    out = io.StringIO()
    call_command("demo", logins_when_up=live_server.url, stdout=out)
    lines = [line for line in out.getvalue().splitlines() if line.strip()]
    assert lines[1] == f"Linli is running: {live_server.url}/   (stop with Ctrl-C)"
    assert lines[2] == f"demo logins (password for all: {DEMO_PASSWORD}):"
    assert re.fullmatch(r"  demo_volunteer  志愿者 · .+", lines[3])
    assert lines[-2].endswith(str(settings.VAR_DIR / "worker.log"))


@pytest.mark.django_db
def test_the_announcement_gives_up_quietly_when_no_server_answers():
    out = io.StringIO()
    command = __import__("linli.demo.management.commands.demo", fromlist=["Command"]).Command(stdout=out)
    command._announce("http://127.0.0.1:9", timeout=0.5)
    assert out.getvalue() == ""


def test_make_run_keeps_the_worker_supervised_and_its_messages_off_the_console():
    recipe = MAKEFILE.read_text().split("\nrun:", 1)[1].split("\n\n", 1)[0]
    assert "linli demo --if-empty --no-logins" in recipe
    assert re.search(r"linli worker --supervise -v 0 >>\"\$\$\{LINLI_VAR_DIR:-var\}/worker.log\" 2>&1 &", recipe)
    assert "linli demo --logins-when-up http://$(HOST):$(PORT) &" in recipe
    assert recipe.rstrip().endswith("$(PY) -m linli runserver $(HOST):$(PORT)")
