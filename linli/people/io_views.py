"""Pages for the batch import (upload → report → import) and the xlsx export of the register.

The form checks a file without writing (the default) or imports it; a checked file that can be
imported is imported by sending the same file again (the report's button submits the form, which
still holds the file). Small files are handled within the request and never stored; a large one
runs in the background with its progress shown (``people/uploads.py``).
"""

from __future__ import annotations

import io
import tempfile

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from linli.accounts.scoping import scope_for
from linli.core.errors import DomainError
from linli.core.xlsx import XLSX_MIME
from linli.people import exporting, importing, uploads
from linli.people.models import ImportJob

PAGE = "people/import.html"
RESULT = "people/_import_result.html"


def _require_import(user) -> None:
    if not scope_for(user).import_paths:
        raise Http404


def import_mode(request) -> tuple[bool, bool]:
    """(check only, only the correct rows) from the form; the report's "Import now" button sends
    ``action=import``, which overrides the "check only" box."""
    only_good = request.POST.get("only_good") == "1"
    check_only = request.POST.get("check_only") == "1" and request.POST.get("action") != "import"
    return check_only, only_good


def render_import(request, template: str, context: dict, *, result: str = RESULT, status: int = 200):
    """The whole page, or only the ``result`` below the form for an htmx request (always 200 then:
    htmx does not swap error responses, and the fragment says what went wrong)."""
    if request.headers.get("HX-Request"):
        return render(request, result, context)
    return render(request, template, context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def import_upload(request):
    _require_import(request.user)
    context: dict = {"max_mb": settings.IMPORT_MAX_BYTES // (1024 * 1024), "check_only": True}
    if request.method != "POST":
        return render(request, PAGE, context)
    check_only, only_good = import_mode(request)
    context.update(check_only=check_only, only_good=only_good)
    upload = request.FILES.get("file")
    if upload is None:
        context["error"] = _("Choose a file to upload")
        return render_import(request, PAGE, context, status=400)
    try:
        importing.check_file_size(upload.size)
        if uploads.runs_in_background(upload):
            job = uploads.job_start(
                user=request.user, upload=upload, kind=ImportJob.Kind.RESIDENTS, only_good=only_good,
                dry_run=check_only, language=getattr(request, "LANGUAGE_CODE", "") or "",
                ip=request.META.get("REMOTE_ADDR") or None,
            )
            return redirect("people:import_job", pk=job.pk)
        report = importing.residents_import(
            user=request.user, data=upload.read(), filename=upload.name, only_good=only_good, dry_run=check_only,
            ip=request.META.get("REMOTE_ADDR") or None,
        )
    except DomainError as exc:
        context["error"] = exc.message
        return render_import(request, PAGE, context, status=400)
    context["report"] = report
    status = 200 if report.written or report.dry_run else 400
    return render_import(request, PAGE, context, status=status)


@login_required
@require_GET
def import_job(request, pk: int):
    """A background import: its progress while it runs (polled by htmx), then its report."""
    _require_import(request.user)
    job = uploads.job_get(user=request.user, pk=pk, kind=ImportJob.Kind.RESIDENTS)
    context = job_context(job, reverse("people:import_job", args=[job.pk]))
    context["max_mb"] = settings.IMPORT_MAX_BYTES // (1024 * 1024)
    return render_import(request, PAGE, context)


def job_context(job: ImportJob, url: str) -> dict:
    context: dict = {"job": job, "job_url": url, "check_only": job.dry_run, "only_good": job.only_good}
    if job.state == ImportJob.State.DONE and job.report is not None:
        context["report"] = uploads.report_from_json(job.report)
    elif job.state == ImportJob.State.FAILED:
        context["error"] = job.error
    return context


@login_required
@require_GET
def import_template(request, fmt):
    _require_import(request.user)
    if fmt == "xlsx":
        body, mime = importing.template_xlsx(request.user), XLSX_MIME
    elif fmt == "csv":
        body, mime = importing.template_csv(), "text/csv; charset=utf-8"
    else:
        raise Http404
    filename = f"{importing.TEMPLATE_BASENAME}.{fmt}"
    return FileResponse(io.BytesIO(body), as_attachment=True, filename=filename, content_type=mime)


@login_required
@require_GET
def export_xlsx(request):
    scope = scope_for(request.user)
    if not scope.resident_paths:
        raise Http404
    try:
        filters = exporting.export_filters(
            user=request.user, region=request.GET.get("grid", ""), tag=request.GET.get("tag", ""),
            query=request.GET.get("q", ""),
        )
        handle = tempfile.TemporaryFile()
        exporting.residents_export(
            user=request.user, handle=handle, ip=request.META.get("REMOTE_ADDR") or None, **filters,
        )
    except DomainError as exc:
        return render(request, "people/export_refused.html", {"error": exc.message, "code": exc.code}, status=400)
    handle.seek(0)
    filename = f"居民名单-{timezone.localdate():%Y%m%d}.xlsx"
    return FileResponse(handle, as_attachment=True, filename=filename, content_type=XLSX_MIME)
