"""Imports that cannot take a server down: every row scanned counts against the limit (blank rows
and skipped row numbers too), a huge declared dimension or a far cell costs nothing, a zip bomb and
files that are not spreadsheets or not text in a known encoding are refused with a clear reason.
No timing here: the reader's counter shows how many rows it went through."""

from __future__ import annotations

import codecs
import io
import os
import re
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from linli.core.errors import DomainError
from linli.people import importing
from linli.people.importing import HEADERS, MAX_ROWS, ScanCounter, read_table

ROW = ["H-1", "赵一", "男", "1950-03-12", "", "", "330502001001-G01-M1", "1幢101", "户主", "户籍", ""]


def _xlsx(sheet_data: str, dimension: str | None = None) -> bytes:
    """An xlsx whose sheet XML holds ``sheet_data`` (row elements), written into the zip by hand."""
    book = Workbook()
    book.active.append(HEADERS)
    buffer = io.BytesIO()
    book.save(buffer)
    out = io.BytesIO()
    with zipfile.ZipFile(buffer) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            body = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                xml = body.decode()
                xml = re.sub(r"</row>\s*</sheetData>", "</row>" + sheet_data + "</sheetData>", xml)
                if dimension:
                    xml, found = re.subn(r'<dimension ref="[^"]*"\s*/>', f'<dimension ref="{dimension}"/>', xml)
                    assert found == 1
                body = xml.encode()
            target.writestr(info.filename, body)
    return out.getvalue()


def _cells(row: int, values: list[str]) -> str:
    cells = "".join(
        f'<c r="{chr(65 + i)}{row}" t="inlineStr"><is><t>{v}</t></is></c>' for i, v in enumerate(values) if v
    )
    return f'<row r="{row}">{cells}</row>'


def _refused(data: bytes, name: str = "file.xlsx") -> tuple[DomainError, ScanCounter]:
    counter = ScanCounter()
    with pytest.raises(DomainError) as caught:
        read_table(data, name, counter=counter)
    return caught.value, counter


def test_a_million_blank_rows_are_refused_after_the_limit():
    blank = "".join(f'<row r="{n}" ht="15" customHeight="1"/>' for n in range(3, 1_000_003))
    data = _xlsx(_cells(2, ROW) + blank, dimension="A1:K1000002")
    assert len(data) < 3_000_000  # small on disk, a million rows inside
    error, counter = _refused(data)
    assert error.code == "import_too_many_rows"
    assert counter.parsed == MAX_ROWS + 2  # the header, the limit, and the first row past it
    assert counter.rows == MAX_ROWS + 2


def test_rows_without_numbers_count_too():
    error, counter = _refused(_xlsx(_cells(2, ROW) + "<row/>" * 1_000_000, dimension="A1:K1000002"))
    assert error.code == "import_too_many_rows"
    assert counter.parsed == MAX_ROWS + 2


def test_one_far_row_is_refused_at_once():
    error, counter = _refused(_xlsx(_cells(2, ROW) + _cells(1_048_576, ["x"]), dimension="A1:XFD1048576"))
    assert error.code == "import_too_many_rows"
    assert (counter.parsed, counter.rows) == (3, 1_048_576)


def test_a_huge_declared_dimension_is_ignored_and_rows_keep_their_width():
    far_blank = '<row r="2000"><c r="XFD2000" s="0"/></row>'
    counter = ScanCounter()
    table = read_table(_xlsx(_cells(2, ROW) + far_blank, dimension="A1:XFD2000"), "file.xlsx", counter=counter)
    assert [(number, len(values)) for number, values in table.rows] == [(2, 10)]  # up to the last filled cell
    assert (counter.parsed, counter.rows) == (3, 2000)


def test_data_in_a_far_column_is_refused():
    far = '<row r="2000"><c r="XFD2000" t="inlineStr"><is><t>x</t></is></c></row>'
    error, counter = _refused(_xlsx(_cells(2, ROW) + far, dimension="A1:XFD2000"))
    assert error.code == "import_too_many_columns"
    assert (counter.parsed, counter.rows) == (3, 2000)


def test_a_row_with_thousands_of_cells_is_refused_before_it_is_read():
    cells = "".join(f'<c r="{get_column_letter(i)}2"/>' for i in range(1, 16_385))
    error, _counter = _refused(_xlsx(f'<row r="2">{cells}</row>'))
    assert error.code == "import_too_many_columns"


def test_a_zip_that_unpacks_to_too_much_is_refused(settings):
    settings.IMPORT_MAX_UNPACKED_BYTES = 1_000_000
    error, counter = _refused(_xlsx(_cells(2, [" " * 2_000_000])))
    assert error.code == "import_too_large"
    assert counter.parsed == 0


def test_a_csv_of_blank_lines_is_refused_after_the_limit():
    data = ",".join(HEADERS).encode() + b"\r\n" + b",,,\r\n" * 1_000_000
    error, counter = _refused(data, "file.csv")
    assert error.code == "import_too_many_rows"
    assert counter.parsed == MAX_ROWS + 2


@pytest.mark.parametrize(("data", "name", "code"), [
    (b"this is a plain text file, not a workbook\n", "residents.xlsx", "import_not_spreadsheet"),
    (os.urandom(4096), "residents.xlsx", "import_not_spreadsheet"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "residents.xls", "import_file_type"),
    (b"PK\x03\x04 broken zip", "residents.xlsx", "import_unreadable"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "residents.xlsx", "import_file_type"),
])
def test_files_that_are_not_workbooks_say_so(data, name, code):
    error, _counter = _refused(data, name)
    assert error.code == code


BIG5_TEXT = "戶號,姓名,性別,出生日期,身份證號碼,手機號碼,區域編碼,門牌/房號,與戶主關係,戶籍狀態,人群標籤\r\nH-1,張秀英,女,1940-03-12,,,330502001001-G01-M1,3幢201,戶主,戶籍,獨居老人\r\n"


def test_a_big5_csv_is_an_encoding_problem_not_garbled_headers():
    error, _counter = _refused(BIG5_TEXT.encode("big5"), "residents.csv")
    assert error.code == "import_encoding"
    assert "big5" in str(error.message)


def test_random_bytes_are_an_encoding_problem():
    error, _counter = _refused(bytes(range(128, 256)) * 40 + os.urandom(4000), "residents.csv")
    assert error.code == "import_encoding"


@pytest.mark.parametrize("encoding", ["gb18030", "gbk", "utf-16"])
def test_mainland_and_unicode_encodings_still_read(encoding):
    text = ",".join(HEADERS) + "\r\n" + ",".join(ROW) + "\r\n"
    data = text.encode(encoding)
    if encoding == "utf-16":
        assert data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    table = read_table(data, "residents.csv")
    assert [values[1] for _number, values in table.rows] == ["赵一"]


def test_a_csv_cell_longer_than_csv_allows_is_refused():
    error, _counter = _refused((",".join(HEADERS) + '\r\n"' + "x" * 200_000 + '"\r\n').encode(), "residents.csv")
    assert error.code == "import_unreadable_csv"


def test_the_page_refuses_a_million_blank_rows_with_the_translated_reason(login, world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    data = _xlsx(_cells(2, ROW) + "<row/>" * 1_000_000, dimension="A1:K1000002")
    response = login(world.users["community_a"]).post(
        "/residents/import/", {"file": SimpleUploadedFile("big.xlsx", data)}, HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert response.status_code == 400
    assert "空行也计算在内" in response.content.decode()


def test_the_sweep_import_refuses_a_big5_file(login, world):
    response = login(world.users["community_a"]).post(
        "/demands/import/", {"file": SimpleUploadedFile("sweep.csv", BIG5_TEXT.encode("big5")), "check_only": "1"},
    )
    assert response.status_code == 400
    assert "big5" in response.content.decode()


def test_the_unpacked_limit_follows_the_file_size(settings):
    settings.IMPORT_MAX_BYTES = 20 * 1024 * 1024
    assert [importing.unpacked_limit(size) for size in (13_000, 1_000_000, 20 * 1024 * 1024)] == [
        16 * 1024 * 1024, 100_000_000, 160 * 1024 * 1024,
    ]
    small_bomb = _xlsx(_cells(2, ["a" * 17_000_000]))  # 17 MB of text in a file of a few dozen KB
    error, counter = _refused(small_bomb)
    assert (error.code, counter.parsed) == ("import_too_large", 0)
