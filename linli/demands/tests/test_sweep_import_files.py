"""The sweep import (扫楼排查) as a service: good files in csv and xlsx, bad rows in both modes, wrong
headers, how residents are found, the area rule, dry runs and importing the same file twice."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.utils import translation
from openpyxl import Workbook

from linli.core.errors import DomainError
from linli.demands.importing import HEADERS, RESIDENT_MESSAGE, demands_import
from linli.demands.models import Channel, Consent, Demand, DemandEvent
from linli.people.services import resident_create, resident_validate
from linli.privacy.models import AccessLog
from linli.testing import make_id_number

FIELDS = ("id", "name", "mobile", "region", "item", "text", "urgency", "date", "remarks")
M1, G01, VILLAGE_B1 = "330502001001-G01-M1", "330502001001-G01", "330502001201-G01"



def _en(message) -> str:
    """Messages are lazy: the tests read them in English (the pages show them in Chinese)."""
    with translation.override("en"):
        return str(message)

def row(**values) -> tuple[str, ...]:
    return tuple(values.get(f, "") for f in FIELDS)


def csv_bytes(*rows) -> bytes:
    lines = [",".join(HEADERS), *(",".join(r) for r in rows)]
    return ("\ufeff" + "\r\n".join(lines) + "\r\n").encode()


def xlsx_bytes(*rows) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADERS)
    for r in rows:
        sheet.append(list(r))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def good_rows(world):
    return [
        row(id=world.resident_a1.id_number, name="张秀英", item="0102", text="每天中午需要送餐", urgency="高",
            date="2024-05-03", remarks="女儿在外地，周末回来"),
        row(mobile="13900005678", item="探访关爱", text="腿脚不便，希望有人定期上门探访"),
        row(name="张秀英", region=M1, date="2024-05-04"),  # visited, no need
        row(name="张秀英", region=G01, text="家里水管漏水需要维修", urgency="1"),
    ]


def _check_good(world, report):
    assert (report.rows, report.good, report.bad, report.visited_no_need) == (4, 3, 0, 1)
    assert (report.problems, report.created, report.existing, report.written) == ([], 3, 0, True)
    assert [(n.row, n.column, n.code, _en(n.message)) for n in report.notes] == [
        (5, "服务项目编码", "item_suggested", "Service suggested: 1002 维修服务"),
    ]
    demands = list(Demand.objects.order_by("id"))
    assert [(d.resident, d.item.code, d.item_suggested, d.urgency) for d in demands] == [
        (world.resident_a1, "0102", False, 3), (world.resident_a2, "0101", False, 2),
        (world.resident_a1, "1002", True, 1),  # the worker's 低 stands: no urgency rule fired
    ]
    assert {(d.channel, d.consent, d.created_by.username) for d in demands} == {
        (Channel.SWEEP_IMPORT, Consent.VERBAL_TO_WORKER, "community_a"),
    }
    assert demands[0].description == "每天中午需要送餐\n\n走访日期：2024-05-03"
    assert demands[1].description == "腿脚不便，希望有人定期上门探访"
    note = DemandEvent.objects.get(action="note")
    assert (note.demand, note.note, note.actor.username) == (demands[0], "女儿在外地，周末回来", "community_a")
    log = AccessLog.objects.get(action="import")
    assert (log.actor, log.count) == (world.users["community_a"], 3)


def test_good_csv_imports_every_need_and_counts_the_households_with_none(world):
    report = demands_import(user=world.users["community_a"], data=csv_bytes(*good_rows(world)), filename="sweep.csv")
    _check_good(world, report)


def test_good_xlsx_written_by_openpyxl_with_a_date_cell(world):
    rows = [list(r) for r in good_rows(world)]
    rows[0][7] = dt.datetime(2024, 5, 3)  # noqa: DTZ001 - a spreadsheet date cell
    report = demands_import(user=world.users["community_a"], data=xlsx_bytes(*rows), filename="sweep.xlsx")
    _check_good(world, report)


def test_a_dry_run_reports_the_suggestions_and_saves_nothing(world):
    report = demands_import(user=world.users["community_a"], data=csv_bytes(*good_rows(world)),
                            filename="sweep.csv", dry_run=True)
    assert (report.good, report.created, report.written, report.can_write) == (3, 3, False, True)
    assert [n.code for n in report.notes] == ["item_suggested"]
    assert not Demand.objects.exists()
    assert not AccessLog.objects.exists()


def test_the_same_file_twice_does_not_double_the_demands(world):
    data = csv_bytes(*good_rows(world))
    demands_import(user=world.users["community_a"], data=data, filename="sweep.csv")
    again = demands_import(user=world.users["community_a"], data=data, filename="sweep.csv")
    assert (again.created, again.existing, again.written) == (0, 3, True)
    assert {n.code for n in again.notes} == {"already_imported"}
    assert Demand.objects.count() == 3


def test_the_same_need_twice_in_one_file_is_imported_once(world):
    same = row(id=world.resident_a1.id_number, item="0102", text="送餐")
    report = demands_import(user=world.users["grid_a1"], data=csv_bytes(same, same), filename="sweep.csv")
    assert (report.good, report.created, report.existing) == (2, 1, 0)
    assert [(n.row, n.code) for n in report.notes] == [(3, "repeated_in_file")]
    assert Demand.objects.count() == 1


def bad_rows(world):
    return [
        row(id=world.resident_a1.id_number, item="0102", text="每天中午需要送餐"),  # 2: good
        row(id="330502194003120021", item="0102", text="送餐"),  # 3: check digit
        row(mobile="13800001234", item="9876", text="送餐", urgency="很急"),  # 4: item and urgency
        row(mobile="13800001234", item="0102"),  # 5: no description
        row(mobile="13800001234", text="送餐", date="2999-01-01"),  # 6: visit in the future
        row(mobile="13700000000", text="送餐"),  # 7: nobody has this mobile
        row(name="李建国", text="送餐"),  # 8: a name needs the region
        row(mobile="13900005678", item="0101", text="希望有人上门探访"),  # 9: good
        row(name="王小明", region=M1),  # 10: visited, no need
        row(mobile="12345", text="送餐"),  # 11: mobile format
        row(name="王小明", region=VILLAGE_B1, text="送餐"),  # 12: region outside the area
        row(id=world.resident_a1.id_number, name="李建国", text="送餐"),  # 13: wrong name
        row(mobile="13800001234", text="x" * 2001),  # 14: too long
    ]


BAD_PROBLEMS = [
    (3, "居民身份证号码", "id_number_checksum"),
    (4, "服务项目编码", "item_unknown"),
    (4, "紧急程度", "urgency_invalid"),
    (5, "需求描述", "description_required"),
    (6, "走访日期", "visit_date_future"),
    (7, "手机号码", "resident_unknown"),
    (8, "区域编码", "region_required"),
    (11, "手机号码", "mobile_format"),
    (12, "区域编码", "region_unknown"),
    (13, "居民姓名", "resident_name_mismatch"),
    (14, "需求描述", "description_too_long"),
]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_bad_rows_all_or_nothing_stores_nothing_and_names_row_column_and_code(world, fmt):
    data = (csv_bytes if fmt == "csv" else xlsx_bytes)(*bad_rows(world))
    report = demands_import(user=world.users["community_a"], data=data, filename=f"sweep.{fmt}")
    assert [(p.row, p.column, p.code) for p in report.problems] == BAD_PROBLEMS
    assert (report.rows, report.good, report.bad, report.visited_no_need) == (13, 2, 10, 1)
    assert (report.created, report.written) == (0, False)
    assert not Demand.objects.exists()
    assert not AccessLog.objects.exists()


def test_bad_rows_only_good_stores_exactly_the_good_rows(world):
    report = demands_import(user=world.users["community_a"], data=csv_bytes(*bad_rows(world)), filename="sweep.csv",
                            only_good=True)
    assert [(p.row, p.column, p.code) for p in report.problems] == BAD_PROBLEMS
    assert (report.created, report.written) == (2, True)
    assert sorted(Demand.objects.values_list("resident__name", "item__code")) == [("张秀英", "0102"), ("李建国", "0101")]
    assert AccessLog.objects.get(action="import").count == 2


def test_messages_are_readable(world):
    report = demands_import(user=world.users["community_a"], data=csv_bytes(*bad_rows(world)), filename="sweep.csv")
    messages = {p.code: _en(p.message) for p in report.problems}
    assert messages["resident_unknown"] == "The resident does not exist or is outside your area"
    assert messages["urgency_invalid"] == "Write the urgency as 低, 一般, 高 or 紧急 (or 1 to 4)"
    assert "9876" in messages["item_unknown"]


def test_wrong_headers_refuse_the_whole_file(world):
    data = csv_bytes(row(id=world.resident_a1.id_number, text="送餐")).replace("服务项目编码".encode(), "服务".encode())
    with pytest.raises(DomainError) as exc, translation.override("en"):
        demands_import(user=world.users["community_a"], data=data, filename="sweep.csv")
    assert exc.value.code == "import_headers"
    assert "missing columns: 服务项目编码" in str(exc.value.message)
    assert "unknown columns: 服务" in str(exc.value.message)
    resident_template = "户号,姓名,性别,出生日期,身份证号码,手机号码,区域编码,门牌/房号,与户主关系,户籍状态,人群标签\r\n,张三\r\n"
    with pytest.raises(DomainError) as exc, translation.override("en"):
        demands_import(user=world.users["community_a"], data=resident_template.encode(), filename="residents.csv")
    assert "missing columns: 服务项目编码、需求描述、紧急程度、走访日期、备注; unknown columns: 户号、性别" in str(exc.value.message)


def test_empty_and_oversized_files_are_refused(world, settings):
    with pytest.raises(DomainError) as exc:
        demands_import(user=world.users["grid_a1"], data=csv_bytes(), filename="sweep.csv")
    assert exc.value.code == "import_empty"
    settings.IMPORT_MAX_BYTES = 100
    with pytest.raises(DomainError) as exc:
        demands_import(user=world.users["grid_a1"], data=csv_bytes(*good_rows(world)), filename="sweep.csv")
    assert exc.value.code == "import_too_large"


def test_a_resident_outside_the_grid_workers_area_reads_like_an_unknown_one(world):
    unknown_id = make_id_number(birth="19500101", seq=77)
    rows = [
        row(id=world.resident_a2.id_number, text="送餐"),  # exists, grid A2
        row(id=unknown_id, text="送餐"),  # does not exist
        row(mobile="13900005678", text="送餐"),  # resident A2's mobile
        row(mobile="13700000000", text="送餐"),  # nobody's
        row(id=world.resident_a1.id_number, text="送餐"),  # in the grid: fine
    ]
    report = demands_import(user=world.users["grid_a1"], data=csv_bytes(*rows), filename="sweep.csv")
    assert [(p.row, p.column, p.code, _en(p.message)) for p in report.problems] == [
        (2, "居民身份证号码", "resident_unknown", _en(RESIDENT_MESSAGE)),
        (3, "居民身份证号码", "resident_unknown", _en(RESIDENT_MESSAGE)),
        (4, "手机号码", "resident_unknown", _en(RESIDENT_MESSAGE)),
        (5, "手机号码", "resident_unknown", _en(RESIDENT_MESSAGE)),
    ]
    assert not Demand.objects.exists()


def test_roles_without_import_rights_are_refused(world):
    for username in ("volunteer_a", "street", "resident_a1"):
        with pytest.raises(DomainError) as exc:
            demands_import(user=world.users[username], data=csv_bytes(*good_rows(world)), filename="sweep.csv")
        assert exc.value.code == "import_not_allowed"


def test_a_name_must_be_unique_in_its_region_or_come_with_the_id_tail(world):
    twin = resident_create(data=resident_validate(
        region=world.micro_a1, name="张秀英", id_number=make_id_number(birth="19520101", seq=9, male=False),
    ))
    rows = [
        row(name="张秀英", region=G01, text="送餐"),
        row(name="张秀英", id=twin.id_number[-4:], text="送餐"),
        row(name="张秀英", region=M1, id=world.resident_a1.id_number[-4:], mobile="13800001234", text="送餐"),
        row(name="张秀英", id="9999", text="送餐"),
    ]
    report = demands_import(user=world.users["grid_a1"], data=csv_bytes(*rows), filename="sweep.csv", only_good=True)
    assert [(p.row, p.column, p.code, _en(p.message)) for p in report.problems] == [
        (2, "居民姓名", "resident_ambiguous", "Several residents named 张秀英 live in this region: give the ID number"),
        (5, "居民身份证号码", "resident_unknown", _en(RESIDENT_MESSAGE)),
    ]
    assert sorted(Demand.objects.values_list("resident_id", flat=True)) == sorted([twin.pk, world.resident_a1.pk])


def test_a_shared_mobile_needs_the_name_and_the_region_must_hold_the_resident(world):
    resident_create(data=resident_validate(region=world.micro_a1, name="陈明", gender="M", mobile="13800001234"))
    rows = [
        row(mobile="13800001234", text="送餐"),
        row(mobile="13800001234", name="陈明", text="送餐"),
        row(id=world.resident_a1.id_number, region="330502001001-G02", text="送餐"),
    ]
    report = demands_import(user=world.users["community_a"], data=csv_bytes(*rows), filename="sweep.csv", only_good=True)
    assert [(p.row, p.column, p.code) for p in report.problems] == [
        (2, "手机号码", "resident_ambiguous"),
        (4, "区域编码", "resident_region_mismatch"),
    ]
    assert list(Demand.objects.values_list("resident__name", flat=True)) == ["陈明"]


def test_service_items_by_code_number_or_name_and_urgency_words(world):
    rows = [
        row(id=world.resident_a1.id_number, item="102", text="送餐", urgency="紧急"),
        row(id=world.resident_a1.id_number, item="0101 探访关爱", text="探访", urgency="低"),
        row(id=world.resident_a1.id_number, item="老年助餐", text="午饭", urgency="4"),
    ]
    report = demands_import(user=world.users["grid_a1"], data=csv_bytes(*rows), filename="sweep.csv")
    assert report.problems == []
    assert list(Demand.objects.order_by("id").values_list("item__code", "urgency")) == [
        ("0102", 4), ("0101", 1), ("0102", 4),  # the worker's 低 stands: no urgency rule fired
    ]
    assert [(n.row, n.code) for n in report.notes] == [(4, "repeated_in_file")]


def test_an_open_demand_for_the_same_service_is_pointed_out(world):
    from linli.demands.tests.factories import submit

    earlier = submit(world, item="0102")
    report = demands_import(user=world.users["grid_a1"], filename="sweep.csv",
                            data=csv_bytes(row(id=world.resident_a1.id_number, item="0102", text="想请人送饭")))
    assert [(n.code, earlier.tracking_display in _en(n.message)) for n in report.notes] == [("possible_duplicate", True)]
    assert Demand.objects.count() == 2


def test_a_failing_submission_rolls_back_its_row_only_in_only_good_mode(world, monkeypatch):
    from linli.demands import importing

    real = importing.demand_submit

    def flaky(*, user, data, **kwargs):
        result = real(user=user, data=data, **kwargs)
        if "坏" in data.description:
            raise DomainError("boom", "late failure", field="item")
        return result

    monkeypatch.setattr(importing, "demand_submit", flaky)
    rows = [row(id=world.resident_a1.id_number, item="0102", text="送餐", remarks="备注"),
            row(id=world.resident_a1.id_number, item="0101", text="坏", remarks="备注")]
    report = demands_import(user=world.users["grid_a1"], data=csv_bytes(*rows), filename="sweep.csv")
    assert ([(p.row, p.column, p.code) for p in report.problems], report.written) == ([(3, "服务项目编码", "boom")], False)
    assert not Demand.objects.exists()
    report = demands_import(user=world.users["grid_a1"], data=csv_bytes(*rows), filename="sweep.csv", only_good=True)
    assert (report.created, report.good, report.written) == (1, 1, True)
    assert list(Demand.objects.values_list("item__code", flat=True)) == ["0102"]
    assert DemandEvent.objects.filter(action="note").count() == 1
