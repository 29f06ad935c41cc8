"""Pages for the batch import of sweep results (扫楼排查): upload, report, import, and the template.

The form uploads a file in one of two modes (all or nothing / only the correct rows). With "check
only" the file is checked without saving; the report's "Import now" sends the same file again
(as in the resident import: files are never kept after a check, and a large file runs in the
background with its progress shown, see ``people/uploads.py``). Only operators with import rights
(grid and community workers) see the pages; others get a 404.
"""

from __future__ import annotations

import io

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from linli.catalog.selectors import active_items
from linli.core.errors import DomainError
from linli.core.xlsx import XLSX_MIME, inert
from linli.demands import importing
from linli.people import uploads
from linli.people.importing import check_file_size, template_regions
from linli.people.io_views import import_mode, job_context, render_import
from linli.people.models import ImportJob

PAGE = "demands/import.html"
RESULT = "demands/_import_result.html"


def _require_import(user) -> None:
    if not importing.can_import(user):
        raise Http404


@login_required
@require_http_methods(["GET", "POST"])
def sweep_import(request):
    _require_import(request.user)
    context: dict = {"max_mb": settings.IMPORT_MAX_BYTES // (1024 * 1024), "check_only": True}
    if request.method != "POST":
        return render(request, PAGE, context)
    check_only, only_good = import_mode(request)
    context.update(check_only=check_only, only_good=only_good)
    upload = request.FILES.get("file")
    if upload is None:
        return _error(request, context, _("Choose a file to upload"))
    try:
        check_file_size(upload.size)
        if uploads.runs_in_background(upload):
            job = uploads.job_start(
                user=request.user, upload=upload, kind=ImportJob.Kind.SWEEP, only_good=only_good, dry_run=check_only,
                language=getattr(request, "LANGUAGE_CODE", "") or "", ip=_ip(request),
            )
            return redirect("demands:import_job", pk=job.pk)
        report = importing.demands_import(
            user=request.user, data=upload.read(), filename=upload.name, only_good=only_good, dry_run=check_only,
            ip=_ip(request),
        )
    except DomainError as exc:
        return _error(request, context, exc.message)
    context["report"] = report
    return render_import(request, PAGE, context, result=RESULT, status=_status(report))


@login_required
@require_GET
def sweep_import_job(request, pk: int):
    """A background sweep import: progress while it runs (polled), then the report."""
    _require_import(request.user)
    job = uploads.job_get(user=request.user, pk=pk, kind=ImportJob.Kind.SWEEP)
    context = job_context(job, reverse("demands:import_job", args=[job.pk]))
    context["max_mb"] = settings.IMPORT_MAX_BYTES // (1024 * 1024)
    return render_import(request, PAGE, context, result=RESULT)


def _status(report: importing.SweepReport) -> int:
    """400 when bad rows stopped the import; a check, an import or a file with no need is fine."""
    return 400 if report.problems and not report.written and not report.dry_run else 200


def _error(request, context: dict, message):
    context["error"] = message
    return render_import(request, PAGE, context, result=RESULT, status=400)


def _ip(request) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


@login_required
@require_GET
def sweep_template(request):
    _require_import(request.user)
    body = template_xlsx(request.user)
    filename = f"{TEMPLATE_BASENAME}.xlsx"
    return FileResponse(io.BytesIO(body), as_attachment=True, filename=filename, content_type=XLSX_MIME)


# --- The template --------------------------------------------------------------------------------


TEMPLATE_BASENAME = "扫楼排查导入模板"
INSTRUCTIONS = (
    _("One row per household visited. Identify the resident by ID number; without it by mobile number; "
      "without both by name and region code."),
    _("A name alone must be unique in the region; otherwise give the whole ID number, or the name with "
      "the last four digits of the ID number."),
    _("Only residents already registered in your area can be matched; register new residents first."),
    _("服务项目编码: a code (0102) or a name (老年助餐) from the sheet 服务项目. Leave it empty and Linli "
      "suggests one from the description; the report shows the suggestion."),
    _("需求描述: what the household needs, at most 2000 characters. A household visited with no need: "
      "leave 需求描述 and 服务项目编码 empty; it is counted, not stored."),
    _("紧急程度: 低, 一般, 高 or 紧急 (or 1 to 4); empty means 一般."),
    _("走访日期: the day of the visit, e.g. 2024-05-03, not in the future; it is added to the description."),
    _("备注: remarks for staff; they become a note in the demand's history and are not shown to the resident."),
    _("Keep the ID number, mobile and service code columns formatted as text, or the spreadsheet "
      "destroys the digits."),
    _("Importing the same file again does not create the same demands twice."),
)


def template_xlsx(user) -> bytes:
    """The data sheet (headers, text columns), the instructions, the service items and regions."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    bold = Font(bold=True)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "扫楼排查"
    sheet.append(importing.HEADERS)
    widths = {"id_number": 22, "mobile": 15, "region": 24, "item": 14, "description": 40, "visit_date": 12, "remarks": 24}
    for index, column in enumerate(importing.COLUMNS, start=1):
        cell = sheet.cell(row=1, column=index)
        cell.font = bold
        sheet.column_dimensions[cell.column_letter].width = widths.get(column.key, 10)
        if column.key in importing.TEXT_COLUMNS:  # as people.importing.template_xlsx: Excel/WPS and LibreOffice
            sheet.column_dimensions[cell.column_letter].number_format = "@"
            for row in range(2, 1002):
                sheet.cell(row=row, column=index).number_format = "@"
    sheet.freeze_panes = "A2"

    notes = workbook.create_sheet("填写说明")
    notes.append([gettext("How to fill in the sheet 扫楼排查")])
    for text in INSTRUCTIONS:
        notes.append([str(text)])
    notes.column_dimensions["A"].width = 110
    for row_cells in notes.iter_rows(min_row=2):
        row_cells[0].alignment = Alignment(wrap_text=True, vertical="top")

    items = workbook.create_sheet("服务项目")
    items.append([gettext("Code"), gettext("Service item"), gettext("Category")])
    for item in active_items().order_by("code"):
        items.append(inert([item.code, item.name, item.category.name]))
    items.column_dimensions["B"].width = 28
    items.column_dimensions["C"].width = 20

    regions = workbook.create_sheet("区域编码")
    regions.append([gettext("Region code"), gettext("Name"), gettext("Level"), gettext("Part of")])
    for region in template_regions(user):
        regions.append(inert([region.code, region.name, region.get_level_display(),
                              region.parent.name if region.parent else ""]))
    regions.column_dimensions["A"].width = 26
    regions.column_dimensions["B"].width = 16
    for row_cells in (notes[1], items[1], regions[1]):
        for cell in row_cells:
            cell.font = bold
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
