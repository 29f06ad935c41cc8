"""Every xlsx download writes text as inert string cells: a name or description starting with
``=``, ``+``, ``-``, ``@``, a tab or a carriage return never becomes a live formula (OWASP)."""

from __future__ import annotations

import csv
import io
import shutil
import subprocess  # noqa: S404 - runs the local soffice binary on a file the test wrote
import zipfile

import pytest
from openpyxl import load_workbook

from linli.core.xlsx import neutralise, write_xlsx
from linli.demands.tests.factories import submit

PAYLOADS = ["=1+1", "+1+1", "-1+1", "@SUM(1,1)", "\t=1+1", "\r=1+1", '=HYPERLINK("http://evil.example","x")']
SOFFICE = shutil.which("soffice")


def _sheet_xml(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return archive.read("xl/worksheets/sheet1.xml").decode()


def _cells(data: bytes) -> list[list]:
    sheet = load_workbook(io.BytesIO(data)).worksheets[0]
    return [[(c.value, c.data_type) for c in row] for row in sheet.iter_rows()]


def test_neutralise_prefixes_formula_triggers_and_leaves_plain_text_and_numbers():
    assert [neutralise(p) for p in PAYLOADS] == ["'" + p for p in PAYLOADS]
    assert neutralise("张秀英") == "张秀英"
    assert neutralise("-1.5") == "-1.5"  # a number as text is no formula
    assert neutralise("+86") == "+86"
    assert neutralise("a\x01b") == "ab"  # a control character XML cannot hold is dropped


def test_text_cells_are_strings_with_the_apostrophe_and_numbers_stay_numbers():
    handle = io.BytesIO()
    write_xlsx(handle, [("T", ["=HEADER"], [[p] for p in PAYLOADS] + [[-5]])])
    data = handle.getvalue()
    assert "<f>" not in _sheet_xml(data)
    expected = [("'" + p).replace("\r", "\n") for p in PAYLOADS]  # XML reads a carriage return as a newline
    assert _cells(data) == [[("'=HEADER", "s")]] + [[(e, "s")] for e in expected] + [[(-5, "n")]]


def _resident_export(client) -> bytes:
    response = client.get("/residents/export.xlsx")
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def test_the_resident_export_keeps_a_formula_name_as_text(login, world):
    world.resident_a1.name = "=1+1"
    world.resident_a1.address_detail = '=HYPERLINK("http://evil.example","点我")'
    world.resident_a1.save(update_fields=["name", "address_detail"])
    data = _resident_export(login(world.users["grid_a1"]))
    assert "<f>" not in _sheet_xml(data)
    row = _cells(data)[1]
    assert (row[1], row[8]) == (("'=1+1", "s"), ("'=HYPERLINK(\"http://evil.example\",\"点我\")", "s"))


def test_the_demand_export_keeps_a_formula_description_as_text(login, world):
    submit(world, description="=1+1 想请人每天中午送一份饭")
    response = login(world.users["community_a"]).get("/demands/export/")
    data = b"".join(response.streaming_content)
    assert "<f>" not in _sheet_xml(data)
    assert _cells(data)[1][11] == ("'=1+1 想请人每天中午送一份饭", "s")


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")
def test_libreoffice_evaluates_no_formula_in_an_export(login, world, tmp_path):
    world.resident_a1.name = "=1+1"
    world.resident_a1.address_detail = "@SUM(2,2)"
    world.resident_a1.save(update_fields=["name", "address_detail"])
    (tmp_path / "export.xlsx").write_bytes(_resident_export(login(world.users["grid_a1"])))
    subprocess.run(  # noqa: S603 - fixed arguments
        [SOFFICE, f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless",
         "--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76", "--outdir", str(tmp_path / "out"),
         str(tmp_path / "export.xlsx")],
        check=True, capture_output=True, timeout=180,
    )
    rows = list(csv.reader(io.StringIO((tmp_path / "out" / "export.csv").read_text(encoding="utf-8"))))
    assert (rows[1][1], rows[1][8]) == ("'=1+1", "'@SUM(2,2)")  # as typed, not 2 and 4


def test_the_import_templates_list_region_names_as_text(login, world):
    world.micro_a1.name = "=1+1"
    world.micro_a1.save(update_fields=["name"])
    client = login(world.users["grid_a1"])
    for url, sheet in (("/residents/import/template.xlsx", "区域编码"), ("/demands/import/template.xlsx", "区域编码")):
        data = b"".join(client.get(url).streaming_content)
        rows = {row[0].value: (row[1].value, row[1].data_type) for row in load_workbook(io.BytesIO(data))[sheet].iter_rows(min_row=2)}
        assert rows["330502001001-G01-M1"] == ("'=1+1", "s")
