"""Reading import files: csv in UTF-8 (with or without BOM) and GB18030, xlsx from openpyxl,
English headers, and the file-level refusals (headers, empty, too large, wrong type)."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from openpyxl import Workbook

from linli.core.errors import DomainError
from linli.people.importing import HEADERS, residents_import
from linli.people.models import Household, Residence, Resident
from linli.privacy.models import AccessLog

FIXTURES = Path(__file__).parent / "fixtures"
GOOD = (FIXTURES / "residents_good.csv").read_bytes()


def _summary():
    return sorted(
        (r.name, r.gender, r.birth_date, r.id_number, r.mobile, r.region.code, r.household.number if r.household else "",
         r.residence, sorted((t.tag.name, t.grade) for t in r.resident_tags.all()))
        for r in Resident.objects.exclude(name__in=["张秀英", "李建国", "王小明"])
    )


EXPECTED_GOOD = sorted([
    ("陈桂兰", "F", dt.date(1948, 5, 6), "330502194805060225", "13812340001", "330502001001-G01-M1", "H-A1-0001",
     Residence.REGISTERED, [("独居老人", None), ("高龄老人", None)]),
    ("陈明", "M", dt.date(1975, 2, 10), "330502197502100254", "13812340002", "330502001001-G01-M1", "H-A1-0001",
     Residence.REGISTERED, []),
    ("刘伟", "M", dt.date(1962, 3, 12), "330502196203120277", "", "330502001001-G02", "H-A2-0001",
     Residence.RESIDENT, [("肢体残疾", 2)]),
    ("赵丽", "F", dt.date(1990, 7, 8), "", "13812340004", "330502001001-G02", "", Residence.FLOATING, []),
])


def test_good_csv_imports_every_row_with_households_and_tags(world):
    report = residents_import(user=world.users["community_a"], data=GOOD, filename="good.csv")
    assert (report.rows, report.good, report.problems, report.written) == (4, 4, [], True)
    assert (report.created, report.households_created) == (4, 2)
    assert _summary() == EXPECTED_GOOD
    assert Household.objects.get(number="H-A1-0001").region == world.micro_a1
    assert Household.objects.get(number="H-A1-0001").members.count() == 2
    log = AccessLog.objects.get(action="import")
    assert (log.actor, log.count) == (world.users["community_a"], 4)


def test_imported_identifiers_are_encrypted_and_findable_by_blind_index(world):
    residents_import(user=world.users["community_a"], data=GOOD, filename="good.csv")
    resident = Resident.objects.by_id_number("330502194805060225").get()
    assert resident.name == "陈桂兰"
    assert resident.id_number_tail == "0225"
    assert Resident.objects.by_mobile("13812340004").get().name == "赵丽"
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT id_number, mobile FROM people_resident WHERE id = %s", [resident.pk])
        raw_id, raw_mobile = cursor.fetchone()
    assert raw_id.startswith("v1:") and "330502194805060225" not in raw_id
    assert raw_mobile.startswith("v1:")


def test_dry_run_reports_and_writes_nothing(world):
    report = residents_import(user=world.users["community_a"], data=GOOD, filename="good.csv", dry_run=True)
    assert (report.good, report.written, report.created) == (4, False, 0)
    assert Resident.objects.count() == 3
    assert AccessLog.objects.filter(action="import").count() == 0


def test_csv_with_bom_and_gb18030_csv_read_the_same(world):
    text = GOOD.decode("utf-8")
    assert residents_import(user=world.users["community_a"], data=b"\xef\xbb\xbf" + GOOD, filename="a.csv",
                            dry_run=True).good == 4
    report = residents_import(user=world.users["community_a"], data=text.encode("gb18030"), filename="old-pc.csv")
    assert (report.created, report.problems) == (4, [])
    assert _summary() == EXPECTED_GOOD


def test_good_xlsx_written_by_openpyxl_reads_number_and_date_cells(world):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADERS)
    sheet.append(["H-A1-0001", " 陈桂兰 ", "女", dt.datetime(1948, 5, 6),  # noqa: DTZ001 - a spreadsheet date cell
                  "330502194805060225", 13812340001,
                  "330502001001-G01-M1", "5幢101", "户主", "户籍", "独居老人、高龄老人"])
    sheet.append([None] * 11)
    sheet.append(["H-A1-0001", "陈明", None, None, "330502197502100254", 13812340002.0, "330502001001-G01-M1",
                  "5幢101", "子", "户籍", None])
    sheet.append(["H-A2-0001", "刘伟", "男", dt.date(1962, 3, 12), "330502196203120277", None, "330502001001-G02",
                  "7幢302", "户主", "常住", "肢体残疾二级"])
    sheet.append([None, "赵丽", "女", 19900708, None, "13812340004", "330502001001-G02", None, None, "流动", None])
    sheet.append([None, "钱多", "男", None, 330502196203120277, None, "330502001001-G02", None, None, None, None])
    buffer = io.BytesIO()
    workbook.save(buffer)

    report = residents_import(user=world.users["community_a"], data=buffer.getvalue(), filename="good.xlsx",
                              only_good=True)
    assert [(p.row, p.column, p.code) for p in report.problems] == [(7, "身份证号码", "id_number_mangled")]
    assert (report.rows, report.created) == (5, 4)
    assert _summary() == EXPECTED_GOOD


def test_english_headers_are_accepted(world):
    data = GOOD.decode().replace(
        "户号,姓名,性别,出生日期,身份证号码,手机号码,区域编码,门牌/房号,与户主关系,户籍状态,人群标签",
        "household,name,Gender,birth_date,id_number,mobile,region,address,relation,residence,tags",
    ).encode()
    assert residents_import(user=world.users["community_a"], data=data, filename="en.csv").created == 4


def _refusal(world, data: bytes, filename: str = "x.csv") -> DomainError:
    with pytest.raises(DomainError) as caught:
        residents_import(user=world.users["community_a"], data=data, filename=filename)
    assert Resident.objects.count() == 3
    return caught.value


def test_wrong_headers_refuse_the_whole_file_naming_missing_and_unknown_columns(world):
    error = _refusal(world, "姓名,性别,电话\n张三,男,13800000000\n".encode())
    assert error.code == "import_headers"
    message = str(error.message)
    assert "户号、出生日期、身份证号码、手机号码、区域编码、门牌/房号、与户主关系、户籍状态、人群标签" in message
    assert "电话" in message


def test_empty_file_and_file_with_only_headers_are_refused(world):
    assert _refusal(world, b"").code == "import_empty"
    assert _refusal(world, ",".join(HEADERS).encode() + b"\n,,,,,,,,,,\n").code == "import_empty"


def test_file_larger_than_the_limit_is_refused(world, settings):
    settings.IMPORT_MAX_BYTES = 100
    assert _refusal(world, GOOD).code == "import_too_large"


@pytest.mark.parametrize("filename", ["residents.xls", "residents.pdf", "residents.docx"])
def test_other_file_types_are_refused(world, filename):
    assert _refusal(world, b"\xd0\xcf\x11\xe0" + GOOD, filename).code == "import_file_type"


def test_a_broken_xlsx_is_refused(world):
    assert _refusal(world, b"PK\x03\x04 not really a zip", "x.xlsx").code == "import_unreadable"
