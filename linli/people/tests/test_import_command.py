"""``linli import``: the same import from the console, with the report printed."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from linli.people.models import Household, Resident

FIXTURES = Path(__file__).parent / "fixtures"


def _run(*args):
    out = StringIO()
    call_command("import_residents", *args, stdout=out)
    return out.getvalue()


def test_import_command_imports_a_good_file(world):
    output = _run(str(FIXTURES / "residents_good.csv"), "--user", "community_a")
    assert Resident.objects.count() == 7
    assert "4" in output.splitlines()[-1]


def test_import_command_prints_the_report_and_fails_when_nothing_was_imported(world):
    Household.objects.create(number="H-B1-0001", region=world.grid_b1)
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("import_residents", str(FIXTURES / "residents_bad.csv"), "--user", "community_a", stdout=out)
    lines = [line.split("\t")[:3] for line in out.getvalue().splitlines() if "\t" in line]
    assert lines[:3] == [["3", "姓名", "name_required"], ["3", "手机号码", "mobile_format"],
                         ["5", "身份证号码", "id_number_checksum"]]
    assert len(lines) == 13
    assert Resident.objects.count() == 3


def test_import_command_only_good_and_dry_run(world):
    Household.objects.create(number="H-B1-0001", region=world.grid_b1)
    bad = str(FIXTURES / "residents_bad.csv")
    with pytest.raises(CommandError):
        _run(bad, "--user", "community_a", "--dry-run")
    _run(str(FIXTURES / "residents_good.csv"), "--user", "community_a", "--dry-run")
    assert Resident.objects.count() == 3
    _run(bad, "--user", "community_a", "--only-good")
    assert Resident.objects.count() == 6


def test_import_command_refuses_unknown_users_and_users_without_rights(world):
    good = str(FIXTURES / "residents_good.csv")
    with pytest.raises(CommandError, match="no active user"):
        _run(good, "--user", "nobody")
    with pytest.raises(CommandError, match="import_not_allowed"):
        _run(good, "--user", "street")
