"""The sweep import page (upload, check only, confirm, report), the template download and the
``import_demands`` command; only operators with import rights reach the pages."""

from __future__ import annotations

import io
from io import StringIO
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation
from openpyxl import load_workbook

from linli.demands.models import Channel, Demand
from linli.privacy.models import AccessLog

IMPORT = "/demands/import/"
TEMPLATE = "/demands/import/template.xlsx"
HEADERS = "居民身份证号码,居民姓名,手机号码,区域编码,服务项目编码,需求描述,紧急程度,走访日期,备注"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _csv(*lines: str) -> bytes:
    return ("\r\n".join([HEADERS, *lines]) + "\r\n").encode()


def _good(world) -> bytes:
    return _csv(f"{world.resident_a1.id_number},张秀英,,,0102,每天中午需要送餐,高,2024-05-03,",
                ",张秀英,,330502001001-G01-M1,,,,2024-05-04,",
                ",,13800001234,,,家里水管漏水需要维修,,,")


def _bad(world) -> bytes:
    return _csv(f"{world.resident_a1.id_number},张秀英,,,0102,每天中午需要送餐,高,2024-05-03,",
                f"{world.resident_a2.id_number},李建国,,,0101,希望有人上门探访,,,")


def _post(client, data: bytes, name="sweep.csv", **extra):
    return client.post(IMPORT, {"file": SimpleUploadedFile(name, data, content_type="text/csv"), **extra})


def test_grid_worker_sees_the_form_with_both_modes_check_only_and_the_template_link(login, world):
    response = login(world.users["grid_a1"]).get(IMPORT)
    html = response.content.decode()
    assert response.status_code == 200
    for needle in ('name="file"', 'name="only_good"', 'name="check_only" value="1" id="import-check-only" checked',
                   f'href="{TEMPLATE}"'):
        assert needle in html


def test_check_only_reports_without_saving_then_confirm_imports(login, world, settings):
    client = login(world.users["grid_a1"])
    response = _post(client, _good(world), check_only="1")
    assert response.status_code == 200
    report = response.context["report"]
    assert (report.dry_run, report.good, report.visited_no_need, report.written) == (True, 2, 1, False)
    html = response.content.decode()
    assert 'id="import-report"' in html and 'data-code="item_suggested"' in html
    assert 'form="import-form" name="action" value="import"' in html
    assert not Demand.objects.exists()
    imports = Path(settings.MEDIA_ROOT) / "imports"
    assert not imports.exists() or not list(imports.iterdir())  # a check keeps no file

    confirmed = _post(client, _good(world), check_only="1", action="import")  # "Import now" sends it again
    assert confirmed.status_code == 200
    assert (confirmed.context["report"].created, confirmed.context["report"].written) == (2, True)
    assert set(Demand.objects.values_list("channel", "created_by__username")) == {(Channel.SWEEP_IMPORT, "grid_a1")}
    assert AccessLog.objects.get(action="import").count == 2


def test_import_without_check_only_saves_at_once(login, world):
    response = _post(login(world.users["community_a"]), _good(world))
    assert response.status_code == 200
    assert response.context["report"].written
    assert Demand.objects.count() == 2


def test_bad_rows_are_listed_with_row_column_and_code_in_both_modes(login, world):
    client = login(world.users["grid_a1"])
    response = _post(client, _bad(world))
    html = response.content.decode()
    assert response.status_code == 400
    assert 'data-code="resident_unknown"' in html and "居民身份证号码" in html
    assert [(p.row, p.column, p.code) for p in response.context["report"].problems] == [
        (3, "居民身份证号码", "resident_unknown"),
    ]
    assert not Demand.objects.exists()
    response = _post(client, _bad(world), only_good="1")
    assert (response.status_code, response.context["report"].created) == (200, 1)
    assert Demand.objects.count() == 1


def test_file_level_errors_show_on_the_form(login, world):
    client = login(world.users["grid_a1"])
    response = _post(client, b"name,phone\r\nx,y\r\n")
    assert response.status_code == 400
    assert "error" in response.context and 'name="file"' in response.content.decode()
    assert client.post(IMPORT, {"check_only": "1"}).status_code == 400  # no file


@pytest.mark.parametrize("username", ["volunteer_a", "resident_a1", "org_admin_a", "outsider"])
def test_others_get_404(login, world, username):
    client = login(world.users[username])
    assert client.get(IMPORT).status_code == 404
    assert _post(client, _good(world)).status_code == 404
    assert client.get(TEMPLATE).status_code == 404
    assert not Demand.objects.exists()


def test_anonymous_visitors_are_sent_to_log_in(client, world):
    assert client.get(IMPORT).status_code == 302


def test_template_download_has_the_exact_headers_and_the_reference_sheets(login, world):
    response = login(world.users["grid_a1"]).get(TEMPLATE)
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert workbook.sheetnames == ["扫楼排查", "填写说明", "服务项目", "区域编码"]
    sheet = workbook["扫楼排查"]
    assert [c.value for c in sheet[1]] == HEADERS.split(",")
    assert [sheet.cell(row=2, column=col).number_format for col in (1, 3, 5)] == ["@", "@", "@"]
    items = {row[0]: row[1] for row in workbook["服务项目"].iter_rows(min_row=2, values_only=True)}
    assert items["0102"] == "老年助餐"
    regions = [row[0] for row in workbook["区域编码"].iter_rows(min_row=2, values_only=True)]
    assert "330502001001-G01-M1" in regions and "330502001001-G02" not in regions
    assert workbook["填写说明"].max_row > 5


def _command(path, *args, out=None):
    out = out or StringIO()
    with translation.override("en"):
        call_command("import_demands", str(path), *args, stdout=out)
    return out.getvalue()


def test_command_imports_a_good_file_and_prints_the_summary(world, tmp_path):
    path = tmp_path / "sweep.csv"
    path.write_bytes(_good(world))
    output = _command(path, "--user", "grid_a1")
    assert Demand.objects.count() == 2
    assert output.splitlines()[-1].startswith("imported 2 demands")
    assert "4\t服务项目编码\titem_suggested" in output


def test_command_prints_the_report_and_fails_when_bad_rows_stop_the_import(world, tmp_path):
    path = tmp_path / "sweep.csv"
    path.write_bytes(_bad(world))
    out = StringIO()
    with pytest.raises(CommandError, match="nothing was imported"):
        _command(path, "--user", "grid_a1", out=out)
    assert [line.split("\t")[:3] for line in out.getvalue().splitlines() if "\t" in line] == [
        ["3", "居民身份证号码", "resident_unknown"],
    ]
    with pytest.raises(CommandError, match="dry run"):
        _command(path, "--user", "grid_a1", "--dry-run")
    assert not Demand.objects.exists()
    _command(path, "--user", "grid_a1", "--only-good")
    assert Demand.objects.count() == 1


def test_command_dry_run_of_a_good_file_writes_nothing_and_refuses_bad_users(world, tmp_path):
    path = tmp_path / "sweep.csv"
    path.write_bytes(_good(world))
    assert "dry run: nothing written" in _command(path, "--user", "grid_a1", "--dry-run")
    assert not Demand.objects.exists()
    with pytest.raises(CommandError, match="no active user"):
        _command(path, "--user", "nobody")
    with pytest.raises(CommandError, match="import_not_allowed"):
        _command(path, "--user", "volunteer_a")
    with pytest.raises(CommandError, match="no such file"):
        _command(tmp_path / "missing.csv", "--user", "grid_a1")


def test_an_htmx_upload_gets_the_sweep_report_fragment(login, world):
    client = login(world.users["grid_a1"])
    response = client.post(IMPORT, {"file": SimpleUploadedFile("sweep.csv", _good(world)), "check_only": "1"},
                           HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="import-report"' in html and "<html" not in html
    assert 'data-code="item_suggested"' in html  # the sweep report's notes, not the resident report
