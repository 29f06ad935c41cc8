"""The validation report of an import: every bad row with its spreadsheet row number, column header
and stable code; all-or-nothing by default, only the good rows on request."""

from __future__ import annotations

from pathlib import Path

from django.utils import translation

from linli.people.importing import residents_import
from linli.people.models import Household, Resident
from linli.privacy.identifiers import MANGLED_MESSAGE
from linli.privacy.models import AccessLog
from linli.testing import make_id_number

FIXTURES = Path(__file__).parent / "fixtures"
BAD = (FIXTURES / "residents_bad.csv").read_bytes()
HEADER = "户号,姓名,性别,出生日期,身份证号码,手机号码,区域编码,门牌/房号,与户主关系,户籍状态,人群标签\n"

EXPECTED_PROBLEMS = [
    (3, "姓名", "name_required"),
    (3, "手机号码", "mobile_format"),
    (5, "身份证号码", "id_number_checksum"),
    (6, "区域编码", "region_unknown"),
    (6, "人群标签", "tag_unknown"),
    (7, "身份证号码", "id_number_duplicate"),
    (9, "性别", "gender_mismatch"),
    (10, "身份证号码", "id_number_taken"),
    (11, "人群标签", "tag_unknown"),
    (12, "户号", "household_region_mismatch"),
    (13, "性别", "gender_invalid"),
    (13, "出生日期", "birth_date_format"),
    (13, "户籍状态", "residence_invalid"),
]


def _problems(report):
    return [(p.row, p.column, p.code) for p in report.problems]


def _household_in_village(world):
    Household.objects.create(number="H-B1-0001", region=world.grid_b1)


def test_all_or_nothing_writes_nothing_when_a_row_is_bad(world):
    _household_in_village(world)
    report = residents_import(user=world.users["community_a"], data=BAD, filename="bad.csv")
    assert _problems(report) == EXPECTED_PROBLEMS
    assert (report.rows, report.good, report.bad, report.written, report.created) == (12, 3, 9, False, 0)
    assert Resident.objects.count() == 3
    assert Household.objects.count() == 1
    assert AccessLog.objects.filter(action="import").count() == 0


def test_only_good_writes_exactly_the_good_rows(world):
    _household_in_village(world)
    report = residents_import(user=world.users["community_a"], data=BAD, filename="bad.csv", only_good=True)
    assert _problems(report) == EXPECTED_PROBLEMS
    assert (report.written, report.created, report.households_created) == (True, 3, 2)
    new = Resident.objects.exclude(name__in=["张秀英", "李建国", "王小明"]).order_by("id")
    assert [(r.name, r.region.code, r.household.number if r.household else "") for r in new] == [
        ("王芳", "330502001001-G01", "H-A1-0101"),
        ("孙强", "330502001001-G02", ""),
        ("曹雪", "330502001001-G01-M1", "H-A1-0102"),
    ]
    cao = new.get(name="曹雪")
    assert [(t.tag.name, t.grade) for t in cao.resident_tags.all()] == [("肢体残疾", 2)]
    assert AccessLog.objects.get(action="import").count == 3


def test_reasons_are_translated_messages_and_the_region_message_does_not_confirm_existence(world):
    report = residents_import(user=world.users["community_a"], data=BAD, filename="bad.csv", dry_run=True)
    with translation.override("en"):
        messages = {(p.row, p.code): str(p.message) for p in report.problems}
    assert messages[6, "region_unknown"] == "The region code does not exist or is outside your area"
    assert messages[7, "id_number_duplicate"] == "The same ID number is on row 2"
    assert messages[6, "tag_unknown"] == "Unknown target group: 不存在标签"
    assert messages[11, "tag_unknown"] == "Unknown target group: 社区矫正对象"


def test_region_outside_the_grid_workers_scope_gets_the_same_message_as_an_unknown_code(world):
    data = (HEADER
            + ",甲,男,1950-01-01,,,330502001001-G02,,,,\n"
            + ",乙,男,1950-01-01,,,330502001001-G99,,,,\n"
            + ",丙,男,1950-01-01,,,330502001001,,,,\n"
            + ",丁,男,1950-01-01,,,330502001001-G01-M1,,,,\n").encode()
    report = residents_import(user=world.users["grid_a1"], data=data, filename="g.csv", dry_run=True)
    assert _problems(report) == [(2, "区域编码", "region_unknown"), (3, "区域编码", "region_unknown"),
                                 (4, "区域编码", "region_unknown")]
    assert len({str(p.message) for p in report.problems}) == 1
    assert report.good == 1


def test_duplicate_id_within_the_file_refuses_the_second_row(world):
    number = make_id_number(birth="19660606", seq=40)
    data = (HEADER + f",甲,,,{number},,330502001001-G01,,,,\n" + f",乙,,,{number},,330502001001-G01,,,,\n").encode()
    report = residents_import(user=world.users["community_a"], data=data, filename="d.csv", only_good=True)
    assert _problems(report) == [(3, "身份证号码", "id_number_duplicate")]
    assert list(Resident.objects.by_id_number(number).values_list("name", flat=True)) == ["甲"]


def test_tags_above_the_operators_clearance_are_unknown(world):
    data = (HEADER + ",甲,男,1950-01-01,,,330502001001-G01,,,,社区矫正对象\n").encode()
    report = residents_import(user=world.users["grid_a1"], data=data, filename="t.csv", dry_run=True)
    assert _problems(report) == [(2, "人群标签", "tag_unknown")]


def test_tag_grades_are_checked(world):
    data = (HEADER
            + ",甲,男,1950-01-01,,,330502001001-G01,,,,肢体残疾:5\n"
            + ",乙,男,1950-01-01,,,330502001001-G01,,,,独居老人:2\n"
            + ",丙,男,1950-01-01,,,330502001001-G01,,,,视力残疾：一、独居老人\n").encode()
    report = residents_import(user=world.users["community_a"], data=data, filename="t.csv", only_good=True)
    assert _problems(report) == [(2, "人群标签", "tag_grade_range"), (3, "人群标签", "tag_grade_not_allowed")]
    bing = Resident.objects.get(name="丙")
    assert sorted((t.tag.name, t.grade) for t in bing.resident_tags.all()) == [("独居老人", None), ("视力残疾", 1)]


def test_id_numbers_destroyed_by_a_spreadsheet_are_refused_with_the_mangled_code(world):
    data = (HEADER
            + ",甲,,,3.30502E+17,,330502001001-G01,,,,\n"
            + ",乙,,,330502194805060000,,330502001001-G01,,,,\n").encode()
    report = residents_import(user=world.users["community_a"], data=data, filename="m.csv", dry_run=True)
    assert _problems(report) == [(2, "身份证号码", "id_number_mangled"), (3, "身份证号码", "id_number_mangled")]
    with translation.override("en"):
        assert str(report.problems[0].message) == str(MANGLED_MESSAGE)


def test_members_of_one_new_household_must_live_in_the_same_place(world):
    data = (HEADER
            + "H-NEW,甲,男,1950-01-01,,,330502001001-G01,,,,\n"
            + "H-NEW,乙,男,1950-01-01,,,330502001001-G01-M1,,,,\n"
            + "H-NEW,丙,男,1950-01-01,,,330502001001-G02,,,,\n").encode()
    report = residents_import(user=world.users["community_a"], data=data, filename="h.csv", dry_run=True)
    assert _problems(report) == [(4, "户号", "household_region_mismatch")]


def test_users_without_import_rights_are_refused(world):
    from linli.core.errors import DomainError

    for persona in ("street", "social_a", "outsider"):
        try:
            residents_import(user=world.users[persona], data=BAD, filename="bad.csv")
        except DomainError as exc:
            assert exc.code == "import_not_allowed"
        else:  # pragma: no cover
            raise AssertionError(persona)
