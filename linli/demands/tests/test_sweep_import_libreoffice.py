"""A sweep file opened in LibreOffice Calc and saved as xlsx with default column types: the ID
number becomes a floating-point number (15 significant digits), the mobile an integer, the service
code 0102 the number 102 and the visit date a date cell. The mangled ID must be refused with the
"format the column as text" message, never matched by the mobile in the same row."""

from __future__ import annotations

import shutil
import subprocess  # noqa: S404 - runs the local soffice binary on a fixture file
from pathlib import Path

import pytest
from django.utils import translation
from openpyxl import load_workbook

from linli.demands.importing import HEADERS, demands_import
from linli.demands.models import Demand
from linli.testing import make_id_number

SOFFICE = shutil.which("soffice")

pytestmark = pytest.mark.skipif(
    SOFFICE is None, reason="LibreOffice (soffice) is not installed: the number-cell conversion cannot be reproduced",
)


A2_ID = make_id_number(birth="19580704", seq=2)  # world.resident_a2, known before the world is built
FIXTURE = "\n".join(",".join(r) for r in [
    HEADERS,
    [A2_ID, "李建国", "13900005678", "", "0101", "腿脚不便，希望有人上门探访", "一般", "2024-05-03", ""],
    ["", "张秀英", "13800001234", "", "0102", "每天中午需要送餐", "高", "2024-05-04", ""],
]) + "\n"


def _convert(workdir: Path, text: str) -> bytes:
    source = workdir / "sweep.csv"
    source.write_text(text, encoding="utf-8")
    profile = workdir / "profile"
    subprocess.run(  # noqa: S603 - fixed arguments
        [SOFFICE, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--infilter=CSV:44,34,76",
         "--convert-to", "xlsx", "--outdir", str(workdir / "out"), str(source)],
        check=True, capture_output=True, timeout=180,
    )
    return (workdir / "out" / "sweep.xlsx").read_bytes()


@pytest.fixture(scope="session")
def converted(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("soffice-sweep")
    data = _convert(workdir, FIXTURE)
    sheet = load_workbook(workdir / "out" / "sweep.xlsx", read_only=True).worksheets[0]
    cells = [list(r) for r in sheet.iter_rows(min_row=2, values_only=True)]
    # The premise: LibreOffice made numbers of the identifiers and the code.
    assert isinstance(cells[0][0], (int, float)) and str(int(cells[0][0])) != A2_ID
    assert isinstance(cells[1][2], (int, float)) and isinstance(cells[0][4], (int, float))
    return data


def test_the_fixture_uses_resident_a2s_id_number(world):
    assert world.resident_a2.id_number == A2_ID


def test_libreoffice_number_cells_refuse_the_mangled_id_with_the_text_format_message(world, converted):
    with translation.override("en"):
        report = demands_import(user=world.users["community_a"], data=converted, filename="sweep.xlsx")
        problems = [(p.row, p.column, p.code, str(p.message)) for p in report.problems]
    assert len(problems) == 1
    assert problems[0][:3] == (2, "居民身份证号码", "id_number_mangled")
    assert "format the column as text" in problems[0][3]
    assert (report.created, report.written) == (0, False)
    assert not Demand.objects.exists()


def test_libreoffice_file_only_good_keeps_the_integer_mobile_row(world, converted):
    report = demands_import(user=world.users["community_a"], data=converted, filename="sweep.xlsx", only_good=True)
    assert [(p.row, p.code) for p in report.problems] == [(2, "id_number_mangled")]
    assert (report.created, report.written) == (1, True)
    demand = Demand.objects.get()
    assert (demand.resident, demand.item.code, demand.urgency) == (world.resident_a1, "0102", 3)
    assert demand.description.endswith("走访日期：2024-05-04")
