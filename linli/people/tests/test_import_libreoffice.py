"""Files saved by LibreOffice Calc: a csv opened with default column types turns 18-digit ID numbers
into floating-point numbers (15 significant digits) and mobiles into integers; typed as text they
survive. The conversion runs the real ``soffice`` once per test session."""

from __future__ import annotations

import shutil
import subprocess  # noqa: S404 - runs the local soffice binary on a fixture file
from pathlib import Path

import pytest

from linli.people.importing import residents_import
from linli.people.models import Resident

FIXTURE = Path(__file__).parent / "fixtures" / "residents_libreoffice.csv"
SOFFICE = shutil.which("soffice")
# separator 44 (comma), quote 34 ("), charset 76 (UTF-8), start at line 1, then column/type pairs:
# 1 = standard, 2 = text. Every column but the birth date (4) is typed as text.
TEXT_COLUMNS = "/".join(f"{col}/{1 if col == 4 else 2}" for col in range(1, 12))

pytestmark = pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")


def _convert(workdir: Path, infilter: str, name: str) -> bytes:
    source = workdir / f"{name}.csv"
    source.write_bytes(FIXTURE.read_bytes())
    profile = workdir / f"profile-{name}"
    subprocess.run(  # noqa: S603 - fixed arguments
        [SOFFICE, f"-env:UserInstallation={profile.as_uri()}", "--headless", f"--infilter={infilter}",
         "--convert-to", "xlsx", "--outdir", str(workdir / "out"), str(source)],
        check=True, capture_output=True, timeout=180,
    )
    return (workdir / "out" / f"{name}.xlsx").read_bytes()


@pytest.fixture(scope="session")
def libreoffice_files(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("soffice")
    return {
        "default": _convert(workdir, "CSV:44,34,76", "default"),
        "text": _convert(workdir, f"CSV:44,34,76,1,{TEXT_COLUMNS}", "text"),
    }


def test_libreoffice_number_cells_refuse_the_mangled_ids_and_read_the_integer_mobile(world, libreoffice_files):
    report = residents_import(user=world.users["community_a"], data=libreoffice_files["default"],
                              filename="residents.xlsx", only_good=True)
    assert [(p.row, p.column, p.code) for p in report.problems] == [
        (2, "身份证号码", "id_number_mangled"),
        (3, "身份证号码", "id_number_mangled"),
    ]
    assert report.created == 1
    zhao = Resident.objects.get(name="赵丽")
    assert (zhao.mobile, str(zhao.birth_date), zhao.region.code) == ("13812340004", "1990-07-08", "330502001001-G02")


def test_libreoffice_file_with_text_columns_imports_cleanly(world, libreoffice_files):
    report = residents_import(user=world.users["community_a"], data=libreoffice_files["text"],
                              filename="residents.xlsx")
    assert (report.problems, report.created, report.households_created) == ([], 3, 1)
    chen = Resident.objects.by_id_number("330502194805060225").get()
    assert (chen.name, chen.mobile, chen.household.number) == ("陈桂兰", "13812340001", "H-A1-0201")
    assert Resident.objects.by_id_number("330502196203120277").get().mobile == "13812340003"
