"""Batch import of residents and households from a spreadsheet (xlsx or csv).

Three steps, each its own function:

1. :func:`read_table` turns the uploaded bytes into a header and raw rows (xlsx: the rows of the
   first sheet streamed from its XML; csv: UTF-8 with or without BOM, UTF-16 with BOM, else
   GB18030 when charset-normalizer agrees). File-level problems (type, size, encoding, headers,
   too many rows) raise :class:`~linli.core.errors.DomainError`: the whole file is refused.
   Every row scanned counts against the limit, blank rows and skipped row numbers included, so a
   small file declaring a million rows is refused after ``MAX_ROWS`` rows, not read to its end.
2. :func:`validate_rows` checks every row and every column, collecting one :class:`RowProblem` per bad
   cell (row number as the worker sees it, header row = 1), then the cross-row rules (duplicate ID
   numbers in the file and in the register, households lying in another region).
3. :func:`residents_import` writes the good rows in one transaction with bulk inserts, or nothing
   when any row is bad and ``only_good`` is off, and records the import in the access log.

The template offered for download (:func:`template_xlsx`, :func:`template_csv`) lives here too, so
the columns are defined once.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import closing
from dataclasses import dataclass, field

import charset_normalizer
from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet._reader import WorkSheetParser

from linli.accounts.scoping import path_q, scope_for
from linli.core.errors import DomainError, interpolate
from linli.core.xlsx import inert
from linli.people.models import Gender, Household, Residence, Resident, ResidentTag, TargetGroupTag
from linli.people.selectors import visible_tags
from linli.people.services import (
    ResidentInput,
    TagAssignment,
    log_bulk_access,
    resident_validate,
    set_identifiers,
)
from linli.privacy.crypto import blind_index
from linli.privacy.identifiers import (
    MANGLED_MESSAGE,
    IdentifierError,
    parse_id_number,
    parse_mobile,
)
from linli.privacy.models import Action
from linli.regions.models import Level, Region

MAX_ROWS = 50_000  # data rows; with the header, the number of rows scanned may not pass MAX_ROWS + 1
MAX_COLUMNS = 50  # a template has about ten; data beyond this column refuses the file
BATCH = 500


# --- Columns -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    key: str
    header: str  # the Chinese header of the template
    aliases: tuple[str, ...]  # accepted alternatives (English keys, common variants)


COLUMNS: tuple[Column, ...] = (
    Column("household", "户号", ("household", "household_number", "household_no")),
    Column("name", "姓名", ("name",)),
    Column("gender", "性别", ("gender", "sex")),
    Column("birth_date", "出生日期", ("birth_date", "birthdate", "date_of_birth")),
    Column("id_number", "身份证号码", ("id_number", "身份证号", "公民身份号码")),
    Column("mobile", "手机号码", ("mobile", "phone", "手机号", "手机")),
    Column("region", "区域编码", ("region", "region_code")),
    Column("address_detail", "门牌/房号", ("address", "address_detail", "门牌号", "房号")),
    Column("relation_to_head", "与户主关系", ("relation", "relation_to_head")),
    Column("residence", "户籍状态", ("residence",)),
    Column("tags", "人群标签", ("tags", "target_groups")),
)
HEADERS = [c.header for c in COLUMNS]
TEXT_COLUMNS = ("id_number", "mobile")  # formatted as text ("@") in the xlsx template


def _header_key(text: str) -> str:
    return re.sub(r"[\s\-]+", "_", text.strip().strip("*＊").strip().lower())


_HEADER_LOOKUP = {
    _header_key(name): c.key for c in COLUMNS for name in (c.header, *c.aliases)
}

GENDERS = {"男": Gender.MALE, "男性": Gender.MALE, "m": Gender.MALE, "male": Gender.MALE,
           "女": Gender.FEMALE, "女性": Gender.FEMALE, "f": Gender.FEMALE, "female": Gender.FEMALE}
RESIDENCES = {
    "户籍": Residence.REGISTERED, "户籍人口": Residence.REGISTERED, "registered": Residence.REGISTERED,
    "常住": Residence.RESIDENT, "常住人口": Residence.RESIDENT, "resident": Residence.RESIDENT,
    "流动": Residence.FLOATING, "流动人口": Residence.FLOATING, "floating": Residence.FLOATING,
}
_GRADES = {"1": 1, "2": 2, "3": 3, "4": 4, "一": 1, "二": 2, "三": 3, "四": 4}
_TAG_SPLIT = re.compile(r"[,，、;；\n]+")
_TAG_GRADE = re.compile(r"^(?P<name>.+?)\s*(?:[:：]\s*(?P<grade>\S+?)|(?P<cn>[0-9一二三四五六七八九十]+)\s*级)$")
_DATE_PATTERNS = (
    re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T]0{1,2}:00(?::00)?)?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日?$"),
)


# --- Results -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RowProblem:
    row: int  # as the worker sees it in the spreadsheet; the header is row 1
    column: str  # the header as written in the file
    code: str
    message: str  # translated (lazily)


@dataclass
class ImportReport:
    filename: str
    rows: int = 0  # non-empty data rows read
    good: int = 0  # rows that passed every check
    problems: list[RowProblem] = field(default_factory=list)
    created: int = 0
    households_created: int = 0
    written: bool = False
    dry_run: bool = False
    only_good: bool = False

    @property
    def bad(self) -> int:
        return len({p.row for p in self.problems})

    @property
    def can_write(self) -> bool:
        """Whether a confirmed import of the same file would write anything."""
        return self.good > 0 and (self.only_good or not self.problems)


@dataclass
class Table:
    columns: dict[str, int]  # column key -> index in the row
    labels: dict[str, str]  # column key -> header as written in the file
    rows: list[tuple[int, tuple]]  # (spreadsheet row number, raw cell values)


@dataclass
class _Row:
    row: int
    values: dict[str, object]
    household: str = ""
    region: Region | None = None
    id_number: str = ""
    data: ResidentInput | None = None


# --- Step 1: read the file -----------------------------------------------------------------------


def read_table(data: bytes, filename: str, *, counter: ScanCounter | None = None) -> Table:
    """Read the first sheet of an xlsx file or a csv file; refuse the whole file when it cannot be
    read or its headers are wrong."""
    return read_rows(data, filename, match_headers=_match_headers,
                     no_rows=_("The file has headers but no residents"), counter=counter)


@dataclass
class ScanCounter:
    """How far an import went: ``rows`` is the number of row positions scanned (blank rows and
    row numbers a sheet skips included), ``parsed`` the rows actually read from the file, ``phase``
    reading, checking or writing; ``progress(phase, rows)`` is called at each phase and every
    ``every`` rows read (a background import shows it)."""

    rows: int = 0
    parsed: int = 0
    phase: str = "reading"
    progress: Callable[[str, int], None] | None = None
    every: int = 1000
    _next: int = 0

    def advance(self, number: int | None = None) -> None:
        self.parsed += 1
        self.rows = max(self.rows + 1, number or 0)
        if self.progress is not None and self.rows >= self._next:
            self._next = self.rows + self.every
            self.progress(self.phase, self.rows)

    def enter(self, phase: str) -> None:
        self.phase = phase
        if self.progress is not None:
            self.progress(phase, self.rows)


def too_many_rows() -> DomainError:
    return DomainError("import_too_many_rows", interpolate(
        _("The file has more than %(n)s rows (empty rows count too); delete the empty rows at the end or split it into several files"),
        {"n": MAX_ROWS}), field="file")


def read_rows(data: bytes, filename: str, *, match_headers, no_rows, counter: ScanCounter | None = None) -> Table:
    """The spreadsheet reader every import shares: size limit, xlsx or csv, numbers read as text,
    empty rows skipped, the first non-empty row as headers (``match_headers(header) ->
    (columns, labels)`` refuses wrong ones), at most ``MAX_ROWS`` rows scanned after the header
    row's position, empty ones included."""
    check_file_size(len(data))
    if not data.strip():
        raise DomainError("import_empty", _("The file is empty"), field="file")
    counter = counter if counter is not None else ScanCounter()
    reader = _xlsx_rows(data, counter) if _file_kind(data, filename) == "xlsx" else _csv_rows(data, counter)
    header: tuple = ()
    rows: list[tuple[int, tuple]] = []
    with closing(reader):
        for number, values in reader:
            if counter.rows > MAX_ROWS + 1:
                raise too_many_rows()
            if _is_empty(values):
                continue
            if not header:
                header = values
                continue
            rows.append((number, values))
    if not header:
        raise DomainError("import_empty", _("The file is empty"), field="file")
    columns, labels = match_headers(header)
    if not rows:
        raise DomainError("import_empty", no_rows, field="file")
    return Table(columns=columns, labels=labels, rows=rows)


def check_file_size(size: int) -> None:
    if size > settings.IMPORT_MAX_BYTES:
        raise DomainError("import_too_large", _("The file is larger than %(mb)s MB; split it into several files")
                          % {"mb": max(1, settings.IMPORT_MAX_BYTES // (1024 * 1024))}, field="file")


_ZIP = b"PK\x03\x04"
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the old binary .xls (and .doc) format


def _file_kind(data: bytes, filename: str) -> str:
    name = (filename or "").lower()
    if data.startswith(_ZIP):
        return "xlsx"  # whatever its name says: a zip is never a csv
    if data.startswith(_OLE) or name.endswith(".xls"):
        raise DomainError(
            "import_file_type", _("This is an old Excel .xls file: open it in Excel or WPS and save it as .xlsx"), field="file",
        )
    if name.endswith((".xlsx", ".xlsm")):
        raise DomainError("import_not_spreadsheet", _(
            "The file is not an Excel workbook, although its name ends in .xlsx: open it in Excel or WPS and save it "
            "as .xlsx, or save it as .csv"), field="file")
    if name.endswith((".csv", ".txt")) or "." not in name:
        return "csv"
    raise DomainError(
        "import_file_type", _("Upload an Excel .xlsx file or a .csv file (save old .xls files as .xlsx first)"),
        field="file",
    )


def _unreadable() -> DomainError:
    return DomainError("import_unreadable", _("The file cannot be read as an Excel workbook"), field="file")


def unpacked_limit(size: int) -> int:
    """How much a workbook of ``size`` bytes may unpack to: real workbooks unpack to about 13 times
    their size; allow 100 times (at least 16 MiB), never more than 8 times the upload limit, so a
    small file cannot hide a sheet that takes a worker minutes to parse."""
    return min(8 * settings.IMPORT_MAX_BYTES, max(16 * 1024 * 1024, 100 * size))


def _check_zip(data: bytes) -> None:
    """Refuse a zip that unpacks to much more than any real workbook of the size limit (a zip bomb):
    the sizes in the directory are an upper bound, since reading more fails the CRC check."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError):
        raise _unreadable() from None
    limit = getattr(settings, "IMPORT_MAX_UNPACKED_BYTES", None) or unpacked_limit(len(data))
    if unpacked > limit:
        raise DomainError("import_too_large", interpolate(
            _("The workbook unpacks to more than %(mb)s MB; split it into several files"),
            {"mb": max(1, limit // (1024 * 1024))}), field="file")


class _RowParser(WorkSheetParser):
    """openpyxl's sheet parser, refusing a row with more cells than a template could have (the
    cells of a row are parsed before it is handed over)."""

    def parse_row(self, row):
        if len(row) > MAX_COLUMNS * 4:
            raise _too_many_columns()
        return super().parse_row(row)


def _too_many_columns() -> DomainError:
    return DomainError("import_too_many_columns", interpolate(
        _("The file has data beyond column %(n)s; the template has far fewer columns"), {"n": MAX_COLUMNS}), field="file")


def _xlsx_rows(data: bytes, counter: ScanCounter) -> Iterator[tuple[int, tuple]]:
    """The rows of the first sheet as (row number, values), straight from the sheet's XML: the
    declared dimension (``A1:XFD1048576``) is ignored, rows and cells missing from the XML cost
    nothing, and each row is as wide as its last cell holding data (at most ``MAX_COLUMNS``)."""
    from openpyxl import load_workbook

    _check_zip(data)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, TypeError, IndexError, OSError, SyntaxError, InvalidFileException):
        raise _unreadable() from None
    try:
        if not workbook.worksheets:
            raise _unreadable()
        sheet = workbook.worksheets[0]
        with sheet._get_source() as source:  # noqa: SLF001 - openpyxl's streaming read, without its padding
            parser = _RowParser(
                source, sheet._shared_strings, data_only=True, epoch=workbook.epoch,  # noqa: SLF001
                date_formats=workbook._date_formats, timedelta_formats=workbook._timedelta_formats,  # noqa: SLF001
            )
            for number, cells in parser.parse():
                counter.advance(number)
                yield number, _row_values(cells)
    except DomainError:  # a ValueError, but already the right answer
        raise
    except (zipfile.BadZipFile, KeyError, ValueError, TypeError, IndexError, OSError, SyntaxError):
        raise _unreadable() from None
    finally:
        workbook.close()


def _row_values(cells: list[dict]) -> tuple:
    values: dict[int, object] = {}
    for cell in cells:
        column, value = cell["column"], cell["value"]
        if column > MAX_COLUMNS:
            if value is None or (isinstance(value, str) and not value.strip()):
                continue
            raise _too_many_columns()
        values[column] = value
    return tuple(values.get(i) for i in range(1, max(values, default=0) + 1))


#: Encodings read as the GB18030 superset (charset-normalizer's names).
_GB_ENCODINGS = {"gb18030", "gbk", "gb2312", "cp936"}


def _decode_text(data: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 with BOM, or GB18030; anything else is refused with the
    encoding charset-normalizer recognises, instead of being read as garbled headers (Big5 bytes,
    for one, are valid GB18030)."""
    if data.startswith(codecs.BOM_UTF8):
        data = data[3:]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise _not_text() from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    matches = list(charset_normalizer.from_bytes(data))
    if matches:
        least = min(m.chaos for m in matches)
        if any(m.encoding in _GB_ENCODINGS and m.chaos <= least for m in matches):
            try:
                return data.decode("gb18030")
            except UnicodeDecodeError:
                raise _not_text() from None
        raise DomainError("import_encoding", interpolate(
            _("The csv file is in the %(encoding)s encoding, which Linli does not read: save it again as “CSV UTF-8” "
              "(Excel: Save as → CSV UTF-8; WPS or LibreOffice: choose the UTF-8 character set)"),
            {"encoding": matches[0].encoding}), field="file")
    raise _not_text()


def _not_text() -> DomainError:
    return DomainError("import_encoding", _(
        "The csv file is not text in any encoding Linli knows (is it a damaged or binary file?): save it again as “CSV UTF-8”"),
        field="file")


def _csv_rows(data: bytes, counter: ScanCounter) -> Iterator[tuple[int, tuple]]:
    text = _decode_text(data)
    first_line = text.split("\n", 1)[0]
    delimiter = "\t" if "\t" in first_line and "," not in first_line else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        for number, row in enumerate(reader, start=1):  # a record is one row, even with a line break in a cell
            counter.advance()
            if len(row) > MAX_COLUMNS and any(v.strip() for v in row[MAX_COLUMNS:]):
                raise _too_many_columns()
            yield number, tuple(row[:MAX_COLUMNS])
    except csv.Error:
        raise DomainError("import_unreadable_csv", _("The csv file cannot be read (a quote is never closed, or a cell is too long)"),
                          field="file") from None


def _is_empty(values: Iterable) -> bool:
    return all(v is None or (isinstance(v, str) and not v.strip()) for v in values)


def _match_headers(header: tuple) -> tuple[dict[str, int], dict[str, str]]:
    columns: dict[str, int] = {}
    labels: dict[str, str] = {}
    unknown: list[str] = []
    duplicate: list[str] = []
    for index, cell in enumerate(header):
        text = _text(cell)
        if not text:
            continue
        key = _HEADER_LOOKUP.get(_header_key(text))
        if key is None:
            unknown.append(text)
        elif key in columns:
            duplicate.append(text)
        else:
            columns[key], labels[key] = index, text
    missing = [c.header for c in COLUMNS if c.key not in columns]
    if missing or unknown or duplicate:
        parts = []
        if missing:
            parts.append(gettext("missing columns: %(names)s") % {"names": "、".join(missing)})
        if unknown:
            parts.append(gettext("unknown columns: %(names)s") % {"names": "、".join(unknown)})
        if duplicate:
            parts.append(gettext("repeated columns: %(names)s") % {"names": "、".join(duplicate)})
        raise DomainError(
            "import_headers",
            _("The first row must hold the template's column headers (%(details)s). Download the template and copy the data into it.")
            % {"details": "; ".join(parts)},
            field="file",
        )
    return columns, labels


# --- Cell values ---------------------------------------------------------------------------------


def _text(value) -> str:
    """A cell as text: numbers without a trailing .0, dates in ISO form, everything trimmed."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).replace("\u3000", " ").strip()


def parse_id_cell(value) -> str:
    """The ID number of a cell, or ``""``; a number cell, a scientific notation or a number whose last
    digits were replaced by zeros means the spreadsheet destroyed it (15 significant digits)."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        raise IdentifierError("id_number_mangled", MANGLED_MESSAGE)
    text = _text(value)
    if not text:
        return ""
    try:
        return parse_id_number(text).number
    except IdentifierError as exc:
        number = text.replace(" ", "")
        if exc.code == "id_number_checksum" and number.isdigit() and number.endswith("000"):
            raise IdentifierError("id_number_mangled", MANGLED_MESSAGE) from None
        raise


def parse_date_cell(value) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = _text(value)
    if not text:
        return None
    for pattern in _DATE_PATTERNS:
        match = pattern.match(text)
        if match:
            try:
                date = dt.date(*(int(g) for g in match.groups()))
            except ValueError:
                break
            if date.year < 1880 or date > dt.date.today():  # noqa: DTZ011 - a calendar date
                break
            return date
    raise DomainError("birth_date_format", _("Write the birth date as 1950-03-12, 1950/3/12 or 19500312"))


def parse_tags_cell(value, tags: dict[str, TargetGroupTag]) -> list[TagAssignment]:
    """``独居老人、肢体残疾:2`` → assignments; ``tags`` maps names and codes the operator may use."""
    out: list[TagAssignment] = []
    for token in _TAG_SPLIT.split(_text(value)):
        token = token.strip()
        if not token:
            continue
        grade: int | None = None
        tag = tags.get(token.casefold())
        if tag is None:
            match = _TAG_GRADE.match(token)
            if match:
                tag = tags.get(match["name"].strip().casefold())
                grade_text = match["grade"] or match["cn"]
                grade = _GRADES.get(grade_text.strip())
                if tag is not None and grade is None:
                    raise DomainError("tag_grade_range", _("A disability grade is between 1 and 4"))
        if tag is None:
            raise DomainError("tag_unknown", interpolate(_("Unknown target group: %(tag)s"), {"tag": token}))
        if grade is not None and not tag.has_grade:
            raise DomainError("tag_grade_not_allowed", interpolate(_("The tag %(tag)s has no grade"), {"tag": tag.name}))
        if any(a.tag.pk == tag.pk for a in out):
            raise DomainError("tag_repeated", interpolate(_("The tag %(tag)s is given twice"), {"tag": tag.name}))
        out.append(TagAssignment(tag=tag, grade=grade))
    return out


# --- Step 2: validate ----------------------------------------------------------------------------


REGION_MESSAGE = _("The region code does not exist or is outside your area")


def validate_rows(*, user, table: Table) -> tuple[list[_Row], list[RowProblem]]:
    """Check every row; return the good rows (with their validated input) and every problem found."""
    scope = scope_for(user)
    labels = table.labels
    rows = [
        _Row(row=number, values={key: (values[i] if i < len(values) else None) for key, i in table.columns.items()})
        for number, values in table.rows
    ]
    regions = _regions_by_code({_text(r.values["region"]) for r in rows}, scope)
    tags = _tag_lookup(user)
    problems: list[RowProblem] = []
    bad: set[int] = set()

    def report(row: _Row, key: str, exc: DomainError) -> None:
        problems.append(RowProblem(row.row, labels[key], exc.code, exc.message))
        bad.add(row.row)

    seen_ids: dict[str, int] = {}
    for row in rows:
        _check_row(row, regions, tags, seen_ids, report)
    _check_taken_ids([r for r in rows if r.row not in bad and r.id_number], report)
    _check_households([r for r in rows if r.row not in bad and r.household], report)
    order = {c.key: i for i, c in enumerate(COLUMNS)}
    key_of = {label: key for key, label in labels.items()}
    problems.sort(key=lambda p: (p.row, order[key_of[p.column]]))
    return [r for r in rows if r.row not in bad], problems


def _regions_by_code(codes: set[str], scope) -> dict[str, Region]:
    codes.discard("")
    found: dict[str, Region] = {}
    if not scope.import_paths:
        return found
    for chunk in _chunks(sorted(codes)):
        for region in (
            Region.objects.current().filter(code__in=chunk, level__gte=Level.COMMUNITY)
            .filter(path_q("path", scope.import_paths))
        ):
            if scope.covers(region.path, scope.import_paths):
                found[region.code] = region
    return found


def _tag_lookup(user) -> dict[str, TargetGroupTag]:
    lookup: dict[str, TargetGroupTag] = {}
    for tag in visible_tags(user):
        for key in (tag.code, tag.name, tag.name_en):
            lookup.setdefault(key.casefold(), tag)
    return lookup


def _check_row(row: _Row, regions, tags, seen_ids: dict[str, int], report) -> None:
    """The checks of one row that need no other row; each column reports its first problem."""
    v = row.values
    ok = True

    def attempt(key: str, parse):
        nonlocal ok
        try:
            return parse(v[key])
        except DomainError as exc:
            report(row, key, exc)
            ok = False
            return None

    name = _text(v["name"])
    if not name:
        report(row, "name", DomainError("name_required", _("Name is required")))
        ok = False
    gender_text = _text(v["gender"])
    gender = GENDERS.get(gender_text.casefold(), "") if gender_text else ""
    if gender_text and not gender:
        report(row, "gender", DomainError("gender_invalid", _("Write the gender as 男 or 女")))
        ok = False
    birth_date = attempt("birth_date", parse_date_cell)
    id_number = attempt("id_number", parse_id_cell) or ""
    if id_number:
        if id_number in seen_ids:
            report(row, "id_number", DomainError(
                "id_number_duplicate", interpolate(_("The same ID number is on row %(row)s"), {"row": seen_ids[id_number]}),
            ))
            ok = False
        else:
            seen_ids[id_number] = row.row
    mobile = attempt("mobile", lambda value: parse_mobile(_text(value)) if _text(value) else "") or ""
    region_code = _text(v["region"])
    region = regions.get(region_code)
    if not region_code:
        report(row, "region", DomainError("region_required", _("The region code is required")))
        ok = False
    elif region is None:
        report(row, "region", DomainError("region_unknown", REGION_MESSAGE))
        ok = False
    residence_text = _text(v["residence"])
    residence = RESIDENCES.get(residence_text.casefold(), "") if residence_text else Residence.REGISTERED
    if not residence:
        report(row, "residence", DomainError("residence_invalid", _("Write 户籍, 常住 or 流动")))
        ok = False
    assignments = attempt("tags", lambda value: parse_tags_cell(value, tags))
    household = _text(v["household"])
    if len(household) > 40:
        report(row, "household", DomainError("household_too_long", _("A household number has at most 40 characters")))
        ok = False
    if not ok:
        return
    try:
        row.data = resident_validate(
            region=region, name=name, gender=gender, birth_date=birth_date, id_number=id_number, mobile=mobile,
            address_detail=_text(v["address_detail"]), residence=residence,
            relation_to_head=_text(v["relation_to_head"]), tags=assignments or [],
        )
    except DomainError as exc:
        report(row, exc.field if exc.field in row.values else "name", exc)
        return
    row.household, row.region, row.id_number = household, region, id_number


def _check_taken_ids(rows: list[_Row], report) -> None:
    by_hash = {blind_index(r.id_number): r for r in rows}
    for chunk in _chunks(list(by_hash)):
        for taken in Resident.objects.filter(id_number_hash__in=chunk).values_list("id_number_hash", flat=True):
            report(by_hash[taken], "id_number", DomainError(
                "id_number_taken", _("A resident with this ID number is already registered"),
            ))


def _compatible(a: Region, b: Region) -> bool:
    return a.is_within(b) or b.is_within(a)


def _check_households(rows: list[_Row], report) -> None:
    """A household lives in one place: an existing household keeps its region, a new one takes the
    region of its first row; a member's region must contain it or lie within it."""
    regions: dict[str, Region] = {}
    for chunk in _chunks(sorted({r.household for r in rows})):
        regions.update(
            (h.number, h.region) for h in Household.objects.filter(number__in=chunk).select_related("region")
        )
    for row in rows:
        home = regions.setdefault(row.household, row.region)
        if not _compatible(row.region, home):
            report(row, "household", DomainError(
                "household_region_mismatch",
                interpolate(_("Household %(number)s is registered in another region"), {"number": row.household}),
            ))


def _chunks(items: list, size: int = BATCH) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


# --- Step 3: write -------------------------------------------------------------------------------


def residents_import(
    *, user, data: bytes, filename: str, only_good: bool = False, dry_run: bool = False, ip: str | None = None,
    counter: ScanCounter | None = None,
) -> ImportReport:
    """Validate the whole file, then write the good rows in one transaction (all rows, or only the
    good ones with ``only_good``). File-level problems raise DomainError."""
    if not scope_for(user).import_paths:
        raise DomainError("import_not_allowed", _("Your role may not import residents"))
    counter = counter if counter is not None else ScanCounter()
    table = read_table(data, filename, counter=counter)
    counter.enter("checking")
    good, problems = validate_rows(user=user, table=table)
    report = ImportReport(
        filename=filename, rows=len(table.rows), good=len(good), problems=problems, dry_run=dry_run, only_good=only_good,
    )
    if dry_run or not good or (problems and not only_good):
        return report
    counter.enter("writing")
    try:
        with transaction.atomic():
            report.created, report.households_created = _write(good)
            log_bulk_access(
                user=user, action=Action.IMPORT, count=report.created, ip=ip,
                detail=gettext("%(file)s: %(residents)s residents, %(households)s new households") % {
                    "file": filename[-120:], "residents": report.created, "households": report.households_created,
                },
            )
    except IntegrityError:
        raise DomainError(
            "import_conflict", _("Someone registered some of these residents or households meanwhile; check the file again"),
        ) from None
    report.written = True
    return report


def _write(rows: list[_Row]) -> tuple[int, int]:
    numbers = sorted({r.household for r in rows if r.household})
    households: dict[str, Household] = {}
    for chunk in _chunks(numbers):
        households.update((h.number, h) for h in Household.objects.filter(number__in=chunk))
    new: dict[str, Household] = {}
    for row in rows:
        if row.household and row.household not in households and row.household not in new:
            new[row.household] = Household(
                number=row.household, region=row.data.region, address_detail=row.data.address_detail,
            )
    Household.objects.bulk_create(list(new.values()), batch_size=BATCH)
    for chunk in _chunks(list(new)):
        households.update((h.number, h) for h in Household.objects.filter(number__in=chunk))

    residents = []
    for row in rows:
        d = row.data
        resident = Resident(
            region=d.region, household=households.get(row.household), name=d.name, gender=d.gender,
            birth_date=d.birth_date, address_detail=d.address_detail, residence=d.residence,
            relation_to_head=d.relation_to_head,
        )
        set_identifiers(resident, id_number=d.id_number, mobile=d.mobile)
        residents.append(resident)
    if connection.features.can_return_rows_from_bulk_insert:
        Resident.objects.bulk_create(residents, batch_size=BATCH)
    else:  # pragma: no cover - every supported database returns ids
        for resident in residents:
            resident.save()
    ResidentTag.objects.bulk_create(
        [ResidentTag(resident=res, tag=a.tag, grade=a.grade) for res, row in zip(residents, rows, strict=True)
         for a in row.data.tags],
        batch_size=BATCH,
    )
    return len(residents), len(new)


# --- The template --------------------------------------------------------------------------------


TEMPLATE_BASENAME = "居民导入模板"


def template_regions(user) -> list[Region]:
    """Regions the operator may import into: communities and below within the import scope."""
    scope = scope_for(user)
    if not scope.import_paths:
        return []
    return list(
        Region.objects.current().filter(path_q("path", scope.import_paths), level__gte=Level.COMMUNITY)
        .select_related("parent").order_by("path")
    )


def template_csv() -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerow(HEADERS)
    return "\ufeff".encode() + buffer.getvalue().encode("utf-8")


def template_xlsx(user) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    bold = Font(bold=True)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "居民"
    sheet.append(HEADERS)
    widths = {"id_number": 22, "mobile": 15, "region": 24, "tags": 28, "address_detail": 14, "birth_date": 12}
    for index, column in enumerate(COLUMNS, start=1):
        letter = sheet.cell(row=1, column=index).column_letter
        sheet.cell(row=1, column=index).font = bold
        sheet.column_dimensions[letter].width = widths.get(column.key, 10)
        if column.key in TEXT_COLUMNS:
            # The column style makes Excel and WPS keep typed numbers as text; the first rows are
            # formatted too because LibreOffice only reads cell styles.
            sheet.column_dimensions[letter].number_format = "@"
            for row in range(2, 1002):
                sheet.cell(row=row, column=index).number_format = "@"
    sheet.freeze_panes = "A2"

    regions = workbook.create_sheet("区域编码")
    regions.append([gettext("Region code"), gettext("Name"), gettext("Level"), gettext("Part of")])
    for region in template_regions(user):
        regions.append(inert([region.code, region.name, region.get_level_display(),
                               region.parent.name if region.parent else ""]))
    regions.column_dimensions["A"].width = 26
    regions.column_dimensions["B"].width = 16

    tags = workbook.create_sheet("人群标签")
    tags.append([gettext("Target group"), gettext("Code"), gettext("Takes a grade")])
    for tag in visible_tags(user):
        tags.append(inert([tag.name, tag.code, gettext("yes (1–4)") if tag.has_grade else ""]))
    tags.append([])
    for note in (
        gettext("Separate several target groups with 、 or a comma, e.g. 独居老人、高龄老人."),
        gettext("Disability tags take a grade: 肢体残疾:2 or 肢体残疾二级."),
        gettext("Gender (性别): 男 or 女; it may be left empty when the ID number is given."),
        gettext("Residence (户籍状态): 户籍 (hukou here), 常住 (living here, hukou elsewhere) or 流动 (floating)."),
        gettext("Keep the ID number and mobile columns formatted as text, or the spreadsheet destroys the last digits."),
    ):
        tags.append([gettext("Note"), note])
    tags.column_dimensions["A"].width = 20
    tags.column_dimensions["B"].width = 30
    for row_cells in (regions[1], tags[1]):
        for cell in row_cells:
            cell.font = bold

    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
