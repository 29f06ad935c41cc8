"""The import page: upload checks the file without writing, confirm imports it; the template
downloads; only operators with import rights reach any of it."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from linli.people.models import Household, Resident
from linli.privacy.models import AccessLog

FIXTURES = Path(__file__).parent / "fixtures"
IMPORT = "/residents/import/"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def village_household(world):
    return Household.objects.create(number="H-B1-0001", region=world.grid_b1)


def _upload(client, name="residents_good.csv", **extra):
    data = (FIXTURES / name).read_bytes()
    headers = {k: extra.pop(k) for k in list(extra) if k.startswith("HTTP_")}
    return client.post(IMPORT, {"file": SimpleUploadedFile(name, data, content_type="text/csv"), **extra}, **headers)


def test_a_check_shows_the_report_writes_nothing_and_keeps_no_file(login, world, settings):
    client = login(world.users["community_a"])
    response = _upload(client, check_only="1")
    assert response.status_code == 200
    report = response.context["report"]
    assert (report.rows, report.good, report.problems, report.written, report.dry_run) == (4, 4, [], False, True)
    assert Resident.objects.count() == 3
    imports = Path(settings.MEDIA_ROOT) / "imports"
    assert not imports.exists() or not list(imports.iterdir())
    html = response.content.decode()
    assert 'form="import-form" name="action" value="import"' in html  # "Import now" sends the same file again

    imported = _upload(client, check_only="1", action="import")
    assert imported.status_code == 200
    assert (imported.context["report"].created, imported.context["report"].written) == (4, True)
    assert Resident.objects.count() == 7
    assert AccessLog.objects.get(action="import").count == 4


def test_the_form_checks_only_by_default_and_the_page_loads_htmx_targets(login, world):
    html = login(world.users["community_a"]).get(IMPORT).content.decode()
    assert 'name="check_only" value="1" id="import-check-only" checked' in html
    assert 'id="import-form"' in html and 'hx-target="#import-result"' in html


def test_an_htmx_request_gets_only_the_result_and_a_200_even_for_errors(login, world):
    client = login(world.users["community_a"])
    response = _upload(client, "residents_bad.csv", HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="import-report"' in html and "<form" not in html and "<html" not in html


def test_bad_rows_are_listed_and_no_import_button_is_offered_without_only_good(login, world, village_household):
    response = _upload(login(world.users["community_a"]), "residents_bad.csv", check_only="1")
    html = response.content.decode()
    assert response.context["report"].bad == 9
    assert 'value="import"' not in html
    assert 'data-code="id_number_duplicate"' in html


def test_only_good_mode_offers_the_import_and_imports_the_good_rows(login, world, village_household):
    client = login(world.users["community_a"])
    response = _upload(client, "residents_bad.csv", only_good="1", check_only="1")
    assert response.context["report"].good == 3
    assert 'value="import"' in response.content.decode()
    imported = _upload(client, "residents_bad.csv", only_good="1", action="import")
    assert imported.context["report"].created == 3
    assert Resident.objects.count() == 6


def test_an_import_of_a_file_with_bad_rows_writes_nothing(login, world, village_household):
    response = _upload(login(world.users["community_a"]), "residents_bad.csv")
    assert response.status_code == 400
    assert (response.context["report"].written, Resident.objects.count()) == (False, 3)


def test_a_failed_check_keeps_no_file_either(login, world, settings):
    client = login(world.users["community_a"])
    bad = SimpleUploadedFile("x.csv", "姓名,电话\n张三,1\n".encode(), content_type="text/csv")
    assert client.post(IMPORT, {"file": bad, "check_only": "1"}).status_code == 400
    imports = Path(settings.MEDIA_ROOT) / "imports"
    assert not imports.exists() or not list(imports.iterdir())


def test_wrong_headers_show_the_file_level_message(login, world):
    client = login(world.users["community_a"])
    bad = SimpleUploadedFile("x.csv", "姓名,电话\n张三,1\n".encode(), content_type="text/csv")
    response = client.post(IMPORT, {"file": bad})
    assert response.status_code == 400
    assert "电话" in str(response.context["error"])


@pytest.mark.parametrize("persona", ["street", "social_a", "org_admin_a", "resident_a1", "outsider"])
def test_users_without_import_rights_get_404(login, world, persona):
    client = login(world.users[persona])
    assert client.get(IMPORT).status_code == 404
    assert client.get("/residents/import/template.xlsx").status_code == 404


def test_xlsx_template_has_text_identifier_columns_and_the_operators_regions_and_tags(login, world):
    response = login(world.users["grid_a1"]).get("/residents/import/template.xlsx")
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert workbook.sheetnames == ["居民", "区域编码", "人群标签"]
    sheet = workbook["居民"]
    assert [c.value for c in sheet[1]] == [
        "户号", "姓名", "性别", "出生日期", "身份证号码", "手机号码", "区域编码", "门牌/房号", "与户主关系", "户籍状态", "人群标签",
    ]
    assert (sheet["E2"].number_format, sheet["F2"].number_format, sheet["B2"].number_format) == ("@", "@", "General")
    assert sheet.column_dimensions["E"].number_format == "@"
    codes = [row[0] for row in workbook["区域编码"].iter_rows(min_row=2, values_only=True)]
    assert codes == ["330502001001-G01", "330502001001-G01-M1"]
    tag_names = [row[0] for row in workbook["人群标签"].iter_rows(min_row=2, values_only=True) if row[0]]
    assert "独居老人" in tag_names and "肢体残疾" in tag_names
    assert "社区矫正对象" not in tag_names


def test_csv_template_is_utf8_with_bom(login, world):
    response = login(world.users["community_a"]).get("/residents/import/template.csv")
    body = b"".join(response.streaming_content)
    assert body == "\ufeff户号,姓名,性别,出生日期,身份证号码,手机号码,区域编码,门牌/房号,与户主关系,户籍状态,人群标签\r\n".encode()
    assert login(world.users["community_a"]).get("/residents/import/template.pdf").status_code == 404
