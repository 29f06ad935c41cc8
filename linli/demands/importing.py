"""Batch import of sweep results (扫楼排查): one demand per spreadsheet row, through
:func:`~linli.demands.services.demand_submit` (channel ``sweep_import``, consent given verbally).

It reuses the resident import (:mod:`linli.people.importing`): readers, size limit, numbers as
text, ID-number traps and report rows. :func:`read_sweep_table` reads the file and matches the
headers (file-level problems raise DomainError); :func:`validate_rows` checks each cell and finds
the resident inside the worker's import area by ID number, else mobile, else name within the region
code (or name plus the last four ID digits); unknown and out-of-area residents read alike. A row
without description and service item is a household visited with no need: counted, not stored.
:func:`demands_import` submits the good rows in one transaction, each in its own savepoint, and
rolls it back for a dry run or, unless ``only_good``, when any row is wrong: never half a row.

The visit date is appended to the description (``走访日期：2024-05-03``); the remarks become a staff
note in the history, never shown to the resident. Each row's idempotency key (resident, region,
item, text, urgency) makes a second import of the same file report "already imported".
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from linli.accounts.scoping import path_q, scope_for
from linli.catalog.models import ServiceItem
from linli.catalog.selectors import active_items
from linli.core.errors import DomainError, interpolate
from linli.demands.models import DESCRIPTION_MAX, Channel, Consent, Urgency
from linli.demands.services import DemandInput, SubmitResult, demand_note, demand_submit
from linli.people.importing import (  # the private helpers are shared on purpose: one file format
    _DATE_PATTERNS,
    REGION_MESSAGE,
    Column,
    ImportReport,
    RowProblem,
    ScanCounter,
    Table,
    _chunks,
    _header_key,
    _regions_by_code,
    _text,
    parse_id_cell,
    read_rows,
)
from linli.people.models import Resident
from linli.people.selectors import resident_list
from linli.people.services import log_bulk_access
from linli.privacy.crypto import blind_index
from linli.privacy.identifiers import parse_mobile
from linli.privacy.models import Action
from linli.regions.models import Region

COLUMNS: tuple[Column, ...] = (
    Column("id_number", "居民身份证号码", ("id_number", "身份证号码", "身份证号", "公民身份号码")),
    Column("name", "居民姓名", ("name", "姓名")),
    Column("mobile", "手机号码", ("mobile", "phone", "手机号", "手机")),
    Column("region", "区域编码", ("region", "region_code")),
    Column("item", "服务项目编码", ("item", "item_code", "service", "服务项目", "服务编码")),
    Column("description", "需求描述", ("description", "需求", "需求内容")),
    Column("urgency", "紧急程度", ("urgency",)),
    Column("visit_date", "走访日期", ("visit_date", "走访时间")),
    Column("remarks", "备注", ("remarks", "note", "notes")),
)
HEADERS = [c.header for c in COLUMNS]
TEXT_COLUMNS = ("id_number", "mobile", "item")  # formatted as text ("@") in the xlsx template
_HEADER_LOOKUP = {_header_key(name): c.key for c in COLUMNS for name in (c.header, *c.aliases)}
_ORDER = {c.key: i for i, c in enumerate(COLUMNS)}

URGENCIES = {
    "低": Urgency.LOW, "一般": Urgency.NORMAL, "普通": Urgency.NORMAL, "高": Urgency.HIGH, "紧急": Urgency.CRITICAL,
    "low": Urgency.LOW, "normal": Urgency.NORMAL, "high": Urgency.HIGH, "critical": Urgency.CRITICAL,
    "1": Urgency.LOW, "2": Urgency.NORMAL, "3": Urgency.HIGH, "4": Urgency.CRITICAL,
}
IDEMPOTENCY_SCOPE = "sweep_import"
_ID_TAIL = re.compile(r"^[0-9]{3}[0-9Xx]$")
_ITEM_CODE = re.compile(r"^([0-9]{3,4})(?:\s*\D.*)?$")

#: The same message for a resident who does not exist and one outside the worker's area.
RESIDENT_MESSAGE = _("The resident does not exist or is outside your area")


@dataclass
class SweepReport(ImportReport):
    visited_no_need: int = 0  # rows with neither description nor service item
    existing: int = 0  # rows imported before (same resident, item, text and urgency)
    notes: list[RowProblem] = field(default_factory=list)  # not errors: suggestions, duplicates


@dataclass
class _Row:
    row: int
    values: dict[str, object]
    id_number: str = ""
    id_tail: str = ""
    name: str = ""
    mobile: str = ""
    region: Region | None = None
    item: ServiceItem | None = None
    description: str = ""
    urgency: int = Urgency.NORMAL
    remarks: str = ""
    resident: Resident | None = None


# --- Step 1: read the file -----------------------------------------------------------------------


def read_sweep_table(data: bytes, filename: str, *, counter: ScanCounter | None = None) -> Table:
    """The resident import's reader with this template's columns."""
    return read_rows(data, filename, match_headers=_match_headers, no_rows=_("The file has headers but no rows"),
                     counter=counter)


def _match_headers(header: tuple) -> tuple[dict[str, int], dict[str, str]]:
    columns: dict[str, int] = {}
    labels: dict[str, str] = {}
    unknown: list[str] = []
    duplicate: list[str] = []
    for index, cell in enumerate(header):
        text = _text(cell)
        key = _HEADER_LOOKUP.get(_header_key(text)) if text else ""
        if key is None:
            unknown.append(text)
        elif key in columns:
            duplicate.append(text)
        elif key:
            columns[key], labels[key] = index, text
    parts = []
    missing = [c.header for c in COLUMNS if c.key not in columns]
    for names, label in ((missing, gettext("missing columns: %(names)s")), (unknown, gettext("unknown columns: %(names)s")),
                         (duplicate, gettext("repeated columns: %(names)s"))):
        if names:
            parts.append(label % {"names": "、".join(names)})
    if parts:
        raise DomainError(
            "import_headers",
            _("The first row must hold the template's column headers (%(details)s). Download the template and copy the data into it.")
            % {"details": "; ".join(parts)},
            field="file",
        )
    return columns, labels


# --- Cells ---------------------------------------------------------------------------------------


def parse_urgency_cell(value) -> int:
    text = _text(value)
    if not text:
        return Urgency.NORMAL
    urgency = URGENCIES.get(text.casefold())
    if urgency is None:
        raise DomainError("urgency_invalid", _("Write the urgency as 低, 一般, 高 or 紧急 (or 1 to 4)"))
    return int(urgency)


def parse_visit_date_cell(value) -> dt.date | None:
    if isinstance(value, dt.datetime):
        date = value.date()
    elif isinstance(value, dt.date):
        date = value
    else:
        text = _text(value)
        if not text:
            return None
        date = _date_from_text(text)
    if date > timezone.localdate():
        raise DomainError("visit_date_future", _("The visit date is in the future"))
    return date


def _date_from_text(text: str) -> dt.date:
    for pattern in _DATE_PATTERNS:
        match = pattern.match(text)
        if match:
            try:
                return dt.date(*(int(g) for g in match.groups()))
            except ValueError:
                break
    raise DomainError("visit_date_format", _("Write the visit date as 2024-05-03, 2024/5/3 or 20240503"))


def item_lookup() -> dict[str, ServiceItem]:
    """Active service items by code, Chinese name and English name (case-folded)."""
    lookup: dict[str, ServiceItem] = {}
    for item in active_items().order_by("code"):
        for key in (item.code, item.name, item.name_en):
            lookup.setdefault(key.strip().casefold(), item)
    return lookup


def parse_item_cell(value, items: dict[str, ServiceItem]) -> ServiceItem | None:
    """``0102``, ``102`` (a number cell lost the zero), ``0102 老年助餐`` or ``老年助餐``."""
    text = _text(value)
    if not text:
        return None
    match = _ITEM_CODE.match(text)
    item = items.get(match[1].zfill(4)) if match else items.get(text.casefold())
    if item is None:
        raise DomainError("item_unknown", interpolate(
            _("Unknown service item: %(item)s; use a code or a name from the sheet 服务项目 of the template"), {"item": text},
        ))
    return item


def _id_cell(value) -> tuple[str, str]:
    """(full ID number, last four digits): a four-character cell is the tail, used with the name."""
    text = _text(value) if isinstance(value, str) else ""
    if _ID_TAIL.match(text.replace(" ", "")):
        return "", text.replace(" ", "").upper()
    return parse_id_cell(value), ""


def _mobile_cell(value) -> str:
    text = _text(value)  # an integer cell keeps all 11 digits: accepted, like the resident import
    return parse_mobile(text) if text else ""


# --- Step 2: validate ----------------------------------------------------------------------------


class _Checker:
    """Collects the problems of every row; a row with one problem is bad."""

    def __init__(self, labels: dict[str, str]):
        self.labels = labels
        self.problems: list[RowProblem] = []
        self.bad: set[int] = set()

    def report(self, row: _Row, key: str, exc: DomainError) -> None:
        self.problems.append(RowProblem(row.row, self.labels[key], exc.code, exc.message))
        self.bad.add(row.row)

    def attempt(self, row: _Row, key: str, parse, default=None):
        try:
            return parse(row.values[key])
        except DomainError as exc:
            self.report(row, key, exc)
            return default


def _sorted(problems: list[RowProblem], labels: dict[str, str]) -> list[RowProblem]:
    """By row, then in the template's column order."""
    key_of = {label: key for key, label in labels.items()}
    return sorted(problems, key=lambda p: (p.row, _ORDER[key_of[p.column]]))


def validate_rows(*, user, table: Table) -> tuple[list[_Row], list[RowProblem], int]:
    """The good rows (resident found), every problem, and the number of households with no need."""
    scope = scope_for(user)
    rows = [
        _Row(row=number, values={key: (values[i] if i < len(values) else None) for key, i in table.columns.items()})
        for number, values in table.rows
    ]
    needs = [r for r in rows if _text(r.values["description"]) or _text(r.values["item"])]
    regions = _regions_by_code({_text(r.values["region"]) for r in needs}, scope)
    items = item_lookup()
    checker = _Checker(table.labels)
    for row in needs:
        _check_row(row, regions, items, checker)
    _identify(user, [r for r in needs if r.row not in checker.bad], checker)
    return [r for r in needs if r.row not in checker.bad], _sorted(checker.problems, table.labels), len(rows) - len(needs)


def _check_row(row: _Row, regions: dict[str, Region], items: dict[str, ServiceItem], checker: _Checker) -> None:
    """The checks of one row that need no other row; each column reports its first problem."""
    _check_who(row, regions, checker)
    _check_need(row, items, checker)


def _check_who(row: _Row, regions: dict[str, Region], checker: _Checker) -> None:
    row.id_number, row.id_tail = checker.attempt(row, "id_number", _id_cell, ("", ""))
    row.name = _text(row.values["name"])
    if row.id_tail and not row.name:
        checker.report(row, "name", DomainError(
            "name_required", _("Give the name with the last four digits of the ID number, or the whole ID number")))
    row.mobile = checker.attempt(row, "mobile", _mobile_cell, "")
    code = _text(row.values["region"])
    row.region = regions.get(code)
    if code and row.region is None:
        checker.report(row, "region", DomainError("region_unknown", REGION_MESSAGE))


def _check_need(row: _Row, items: dict[str, ServiceItem], checker: _Checker) -> None:
    row.item = checker.attempt(row, "item", lambda value: parse_item_cell(value, items))
    row.urgency = checker.attempt(row, "urgency", parse_urgency_cell, Urgency.NORMAL)
    visit_date = checker.attempt(row, "visit_date", parse_visit_date_cell)
    too_long = _("The description is longer than %(max)s characters")
    row.description = _text(row.values["description"])
    if not row.description:
        checker.report(row, "description", DomainError("description_required", _("Describe what is needed")))
    elif len(row.description) > DESCRIPTION_MAX:
        checker.report(row, "description", DomainError("description_too_long", interpolate(too_long, {"max": DESCRIPTION_MAX})))
    elif visit_date is not None:  # the visit date is kept at the end of the description
        row.description = f"{row.description}\n\n走访日期：{visit_date.isoformat()}"
        if len(row.description) > DESCRIPTION_MAX:
            checker.report(row, "visit_date", DomainError("description_too_long", interpolate(
                _("The description and the visit date together are longer than %(max)s characters"), {"max": DESCRIPTION_MAX})))
    row.remarks = _text(row.values["remarks"])
    if len(row.remarks) > DESCRIPTION_MAX:
        checker.report(row, "remarks", DomainError("remarks_too_long", interpolate(
            _("The remarks are longer than %(max)s characters"), {"max": DESCRIPTION_MAX})))


def _identify(user, rows: list[_Row], checker: _Checker) -> None:
    """Find each row's resident among the active residents of the worker's import area."""
    base = resident_list(user=user).filter(path_q("region__path", scope_for(user).import_paths))
    by_id = _grouped(base, "id_number_hash", {blind_index(r.id_number) for r in rows if r.id_number})
    by_mobile = _grouped(base, "mobile_hash", {blind_index(r.mobile) for r in rows if r.mobile and not r.id_number})
    by_name = _grouped(base, "name", {r.name for r in rows if r.name and (r.id_tail or not (r.id_number or r.mobile))})
    for row in rows:
        if row.id_number:
            _pick(row, "id_number", by_id.get(blind_index(row.id_number), []), checker)
        elif row.id_tail:
            found = [c for c in by_name.get(row.name, []) if c.id_number_tail == row.id_tail]
            _pick(row, "id_number", found, checker)
        elif row.mobile:
            _pick(row, "mobile", by_mobile.get(blind_index(row.mobile), []), checker)
        elif row.name and row.region is None:
            checker.report(row, "region", DomainError(
                "region_required", _("Give the region code with the name, or the ID number or mobile number")))
        elif row.name:
            _pick(row, "name", by_name.get(row.name, []), checker)
        else:
            checker.report(row, "id_number", DomainError(
                "resident_required", _("Give the resident's ID number, mobile number, or name and region code")))


def _grouped(base, field_name: str, values: set[str]) -> dict[str, list[Resident]]:
    out: dict[str, list[Resident]] = {}
    for chunk in _chunks(sorted(values)):
        for resident in base.filter(**{f"{field_name}__in": chunk}):
            out.setdefault(getattr(resident, field_name), []).append(resident)
    return out


def _same_name(a: str, b: str) -> bool:
    return a.replace(" ", "") == b.replace(" ", "")


def _pick(row: _Row, key: str, candidates: list[Resident], checker: _Checker) -> None:
    if row.region is not None:
        inside = [c for c in candidates if c.region.path.startswith(row.region.path)]
        if candidates and not inside and key != "name":
            checker.report(row, "region", DomainError(
                "resident_region_mismatch", _("The resident does not live in this region")))
            return
        candidates = inside
    if row.name and key != "name":
        named = [c for c in candidates if _same_name(c.name, row.name)]
        if candidates and not named:
            checker.report(row, "name", DomainError(
                "resident_name_mismatch", _("The name does not match the resident's ID number or mobile number")))
            return
        candidates = named
    if len(candidates) == 1:
        row.resident = candidates[0]
    elif not candidates:
        checker.report(row, key, DomainError("resident_unknown", RESIDENT_MESSAGE))
    elif key == "mobile":
        checker.report(row, key, DomainError(
            "resident_ambiguous", _("Several residents have this mobile number: give the ID number or the name")))
    else:
        checker.report(row, "name", DomainError("resident_ambiguous", interpolate(
            _("Several residents named %(name)s live in this region: give the ID number"), {"name": row.name})))


# --- Step 3: write -------------------------------------------------------------------------------


class _Rollback(Exception):
    """Undoes the transaction of a dry run or of a refused all-or-nothing import."""


def can_import(user) -> bool:
    """Who may import sweep results: the operators of the resident import (grid and community
    workers), within their import area."""
    return bool(scope_for(user).import_paths)


def demands_import(
    *, user, data: bytes, filename: str, only_good: bool = False, dry_run: bool = False, ip: str | None = None,
    counter: ScanCounter | None = None,
) -> SweepReport:
    """Validate the whole file, then submit the good rows (see the module docstring)."""
    if not can_import(user):
        raise DomainError("import_not_allowed", _("Your role may not import sweep results"))
    counter = counter if counter is not None else ScanCounter()
    table = read_sweep_table(data, filename, counter=counter)
    counter.enter("checking")
    good, problems, no_need = validate_rows(user=user, table=table)
    report = SweepReport(
        filename=filename, rows=len(table.rows), good=len(good), problems=problems, dry_run=dry_run,
        only_good=only_good, visited_no_need=no_need,
    )
    if not good or (problems and not only_good and not dry_run):
        return report
    counter.enter("writing")
    try:
        with transaction.atomic():
            _submit_all(user, good, report, table.labels)
            if dry_run or not report.good or (report.problems and not only_good):
                raise _Rollback
            log_bulk_access(
                user=user, action=Action.IMPORT, count=report.created, ip=ip,
                detail=gettext("%(file)s: %(demands)s demands from a sweep, %(none)s households with no need") % {
                    "file": filename[-120:], "demands": report.created, "none": no_need,
                },
            )
    except _Rollback:
        if not dry_run:
            report.created = report.existing = 0
        return report
    report.written = True
    return report


def _submit_all(user, rows: list[_Row], report: SweepReport, labels: dict[str, str]) -> None:
    checker = _Checker(labels)
    seen = _Seen()
    for row in rows:
        result = _submit_row(user, row, checker)
        if result is not None:
            _note_result(row, result, report, labels, seen)
    report.good -= len(checker.bad)
    report.problems = _sorted(report.problems + checker.problems, labels)
    report.notes = _sorted(report.notes, labels)


@dataclass
class _Seen:
    """What this import created so far, to tell repeats within the file from earlier demands."""

    pairs: dict[tuple[int, int], int] = field(default_factory=dict)  # (resident, item) -> row
    pks: dict[int, int] = field(default_factory=dict)  # demand -> row


_FIELD_COLUMNS = {"description": "description", "item": "item", "urgency": "urgency", "region": "region",
                  "resident": "id_number", "consent": "description", "note": "remarks"}


def _submit_row(user, row: _Row, checker: _Checker) -> SubmitResult | None:
    """One row in its own savepoint: the demand and its note, or nothing."""
    data = DemandInput(
        region=row.resident.region, description=row.description, channel=Channel.SWEEP_IMPORT, item=row.item,
        resident=row.resident, urgency=row.urgency, consent=Consent.VERBAL_TO_WORKER,
    )
    try:
        with transaction.atomic():
            result = demand_submit(user=user, data=data, idempotency_scope=IDEMPOTENCY_SCOPE,
                                   idempotency_key=_row_key(row))
            if result.created and row.remarks:
                demand_note(demand=result.demand, user=user, note=row.remarks)
    except DomainError as exc:
        checker.report(row, _FIELD_COLUMNS.get(exc.field or "", "description"), exc)
        return None
    except IntegrityError:
        checker.report(row, "description", DomainError(
            "import_conflict", _("Someone changed this resident's demands meanwhile; check the file again")))
        return None
    return result


def _row_key(row: _Row) -> str:
    body = json.dumps([row.resident.pk, row.resident.region_id, row.item.code if row.item else "",
                       row.description, row.urgency], ensure_ascii=False)
    return hashlib.sha256(body.encode()).hexdigest()


def _note_result(row: _Row, result: SubmitResult, report: SweepReport, labels, seen: _Seen) -> None:
    demand = result.demand

    def note(key: str, code: str, message) -> None:
        report.notes.append(RowProblem(row.row, labels[key], code, message))

    if not result.created and demand.pk in seen.pks:
        note("description", "repeated_in_file", interpolate(
            _("The same need as row %(row)s; imported once"), {"row": seen.pks[demand.pk]}))
        return
    if not result.created:
        report.existing += 1
        note("description", "already_imported", interpolate(
            _("Already imported as %(tracking)s; not imported again"), {"tracking": demand.tracking_display}))
        return
    report.created += 1
    seen.pks[demand.pk] = row.row
    if demand.item_suggested:
        note("item", "item_suggested", interpolate(
            _("Service suggested: %(item)s"), {"item": f"{demand.item.code} {demand.item.name}"}))
    earlier = seen.pairs.setdefault((demand.resident_id, demand.item_id), row.row)
    if earlier != row.row:
        note("item", "repeated_in_file", interpolate(
            _("Row %(row)s has the same resident and service"), {"row": earlier}))
    others = [d.tracking_display for d in result.duplicates if d.pk not in seen.pks]
    if others:
        note("item", "possible_duplicate", interpolate(
            _("The resident already has an open demand for this service: %(tracking)s"), {"tracking": "、".join(others)}))
    if demand.crisis:
        note("description", "crisis", _("Crisis words found: a social worker must look at this demand"))
