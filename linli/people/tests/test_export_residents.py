"""Export of the register to xlsx: the user's residents only, identifiers masked, visible tags,
one access-log row; the same from ``linli export``."""

from __future__ import annotations

import io
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import load_workbook

from linli.privacy.models import AccessLog

EXPORT = "/residents/export.xlsx"


def _rows(data: bytes) -> list[tuple]:
    sheet = load_workbook(io.BytesIO(data), read_only=True).worksheets[0]
    return [tuple("" if v is None else str(v) for v in row) for row in sheet.iter_rows(min_row=2, values_only=True)]


def _get(client, **params) -> list[tuple]:
    response = client.get(EXPORT, params)
    assert response.status_code == 200
    return _rows(b"".join(response.streaming_content))


def test_grid_worker_exports_only_the_grid_with_masked_identifiers(login, world):
    rows = _get(login(world.users["grid_a1"]))
    assert [r[1] for r in rows] == ["张秀英"]
    row = rows[0]
    full_id, full_mobile = world.resident_a1.id_number, world.resident_a1.mobile
    assert (row[4], row[5]) == (world.resident_a1.id_number_masked, "138****1234")
    assert row[4] == "3" + "*" * 16 + full_id[-1]
    assert not any(full_id in cell or full_mobile in cell for cell in row)
    assert (row[6], row[7]) == ("330502001001-G01-M1", "第一微网格")
    assert row[11] == "高龄老人、独居老人"  # the restricted 社区矫正对象 is above a grid worker's clearance


def test_export_writes_an_access_log_row_with_count_and_filters(login, world):
    _get(login(world.users["community_a"]), grid="330502001001-G02")
    log = AccessLog.objects.get(action="export")
    assert (log.actor, log.count, log.detail) == (world.users["community_a"], 1, "grid=330502001001-G02")


def test_export_follows_the_list_filters(login, world):
    client = login(world.users["community_a"])
    assert [r[1] for r in _get(client)] == ["张秀英", "李建国"]
    assert [r[1] for r in _get(client, grid="330502001001-G02")] == ["李建国"]
    rows = _get(client, tag="disability-physical")
    assert [(r[1], r[11]) for r in rows] == [("李建国", "肢体残疾:2")]
    assert [r[1] for r in _get(client, q="李")] == ["李建国"]
    assert AccessLog.objects.filter(action="export").count() == 4
    assert AccessLog.objects.filter(action="export", detail="q=李").count() == 1


def test_a_searched_identifier_is_logged_masked(login, world):
    client = login(world.users["community_a"])
    assert [r[1] for r in _get(client, q="13900005678")] == ["李建国"]
    assert AccessLog.objects.get(action="export").detail == "q=139****5678"


@pytest.mark.parametrize("persona", ["outsider", "org_admin_a", "platform", "resident_a1", "volunteer_a"])
def test_users_without_a_register_get_404(login, world, persona):
    assert login(world.users[persona]).get(EXPORT).status_code == 404
    assert AccessLog.objects.filter(action="export").count() == 0


def test_export_command_writes_the_file(world, tmp_path):
    target = tmp_path / "out.xlsx"
    out = StringIO()
    call_command("export_residents", "--user", "grid_a1", "-o", str(target), stdout=out)
    assert [r[1] for r in _rows(target.read_bytes())] == ["张秀英"]
    assert out.getvalue().strip() == f"exported 1 residents to {target}"
    call_command("export_residents", "--user", "community_a", "--grid", "330502001001-G02",
                 "--tag", "disability-physical", "-o", str(target), stdout=out)
    assert [r[1] for r in _rows(target.read_bytes())] == ["李建国"]
    assert list(AccessLog.objects.filter(action="export").values_list("count", flat=True)) == [1, 1]


def test_export_command_refuses_regions_outside_the_area_and_users_without_a_register(world, tmp_path):
    target = tmp_path / "out.xlsx"
    with pytest.raises(CommandError, match="unknown_region"):
        call_command("export_residents", "--user", "grid_a1", "--grid", "330502001001-G02", "-o", str(target))
    with pytest.raises(CommandError, match="export_not_allowed"):
        call_command("export_residents", "--user", "outsider", "-o", str(target))
    assert not target.exists()
