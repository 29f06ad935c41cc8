"""Write any list to an .xlsx download (openpyxl, write-only mode: constant memory).

**Formula injection.** Text never becomes a formula: every ``str`` is written as an explicit
string cell (``t="inlineStr"``, never ``<f>``), whatever it starts with. On top of that, text
starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a leading apostrophe
(OWASP, "CSV injection"), so it stays inert even when someone copies the cells into another
sheet or saves the workbook as csv and opens that. A plain number written as text (``-1.5``) is
not a formula and keeps its form. Characters XML cannot hold (control characters) are dropped
instead of failing the whole download. Numbers, dates and booleans stay typed as given.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Iterable, Sequence

from django.http import FileResponse
from django.utils.functional import Promise
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

#: The first characters that make a spreadsheet read a cell as a formula (OWASP).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"^[+-]?[0-9]+(?:\.[0-9]+)?$")


def neutralise(text: str) -> str:
    """``text`` made safe to put in a spreadsheet cell: illegal characters dropped, and an
    apostrophe in front of a formula trigger (``=1+1`` → ``'=1+1``)."""
    text = ILLEGAL_CHARACTERS_RE.sub("", text)
    if text.startswith(FORMULA_TRIGGERS) and not _PLAIN_NUMBER.match(text):
        return "'" + text
    return text


def text_cell(cell, value) -> None:
    """Put ``value`` in an openpyxl cell (of any workbook): strings as inert string cells."""
    if isinstance(value, Promise):  # a lazy translation
        value = str(value)
    if isinstance(value, str):
        cell.value = neutralise(value)
        cell.data_type = "s"  # openpyxl guesses "f" for a leading "="; a string cell is never a formula
    else:
        cell.value = value


def inert(values: Iterable) -> list:
    """A row for ``sheet.append`` of an ordinary (not write-only) workbook: text neutralised, so
    openpyxl never takes it for a formula; other values as given."""
    return [neutralise(str(v)) if isinstance(v, (str, Promise)) else v for v in values]


def _cell(sheet, value, font=None) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet)
    text_cell(cell, value)
    if font is not None:
        cell.font = font
    return cell


def write_xlsx(handle, sheets: Sequence[tuple[str, Sequence[str], Iterable[Sequence]]]) -> None:
    """Write sheets of (title, headers, rows) to a binary file handle. Strings are text cells (see
    the module docstring); identifiers are passed as strings so a spreadsheet never turns them into
    numbers."""
    workbook = Workbook(write_only=True)
    bold = Font(bold=True)
    for title, headers, rows in sheets:
        sheet = workbook.create_sheet(title=title[:31])
        sheet.append([_cell(sheet, str(header), bold) for header in headers])
        for row in rows:
            sheet.append([_cell(sheet, v) for v in row])
    workbook.save(handle)


def xlsx_response(filename: str, sheets: Sequence[tuple[str, Sequence[str], Iterable[Sequence]]]) -> FileResponse:
    handle = tempfile.TemporaryFile()
    write_xlsx(handle, sheets)
    handle.seek(0)
    return FileResponse(handle, as_attachment=True, filename=filename, content_type=XLSX_MIME)
