"""A community worker checks a resident file, then imports it with "Import now", which sends the
same file again from the form (nothing is kept on the server after the check); a large file runs
in the background and the page shows its report when the job ends. Real Chromium, through htmx."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from linli.people.models import Resident
from linli.testing import PASSWORD, build_world
from tests.browser.conftest import needs_chromium

pytestmark = [pytest.mark.browser, needs_chromium]
FILE = Path(__file__).resolve().parents[2] / "linli" / "people" / "tests" / "fixtures" / "residents_good.csv"


def _log_in_and_open_the_import(page, live_server):
    page.goto(f"{live_server.url}/residents/import/")
    page.fill("input[name=username]", "community_a")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit].button-primary")
    page.wait_for_url(re.compile(r"/residents/import/$"))


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_check_then_import_now_sends_the_same_file_again(live_server, phone, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    build_world()
    page = phone
    _log_in_and_open_the_import(page, live_server)
    page.set_input_files("#import-file", str(FILE))
    page.click("#import-form button[type=submit]")
    page.wait_for_selector("#import-report")
    assert Resident.objects.count() == 3
    assert not (tmp_path / "imports").exists() or not list((tmp_path / "imports").iterdir())

    page.click("#import-report button[value=import]")
    page.wait_for_selector("#import-report .msg-success")
    assert Resident.objects.count() == 7
    assert page.url.endswith("/residents/import/")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_large_file_shows_its_report_when_the_background_job_ends(live_server, phone, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.IMPORT_SYNC_MAX_BYTES = 100
    build_world()
    page = phone
    _log_in_and_open_the_import(page, live_server)
    page.set_input_files("#import-file", str(FILE))
    page.uncheck("#import-check-only")
    page.click("#import-form button[type=submit]")
    page.wait_for_selector("#import-report .msg-success")
    assert Resident.objects.count() == 7
    assert list((tmp_path / "imports").iterdir()) == []
