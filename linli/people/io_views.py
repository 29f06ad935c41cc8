"""Pages for the batch import (upload → report → confirm) and the xlsx export of the register.

An upload is first checked without writing (a dry run) and the report shown; the file waits under
``MEDIA_ROOT/imports`` with a random name bound to the uploader until it is confirmed, and is
deleted once the import ran. Files left behind by abandoned uploads are removed after a day.
"""

from __future__ import annotations

import io
import re
import secrets
import tempfile
import time
from pathlib import Path

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from linli.accounts.scoping import scope_for
from linli.core.errors import DomainError
from linli.core.xlsx import XLSX_MIME
from linli.people import exporting, importing, selectors
from linli.people.forms import ResidentFilterForm
from linli.regions.selectors import grids_within

UPLOAD_NAME = re.compile(r"^[A-Za-z0-9_-]{20,64}\.(xlsx|csv)$")
STALE_SECONDS = 24 * 3600


def _require_import(user) -> None:
    if not scope_for(user).import_paths:
        raise Http404


def _upload_dir() -> Path:
    path = Path(settings.MEDIA_ROOT) / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _stash(user, data: bytes, filename: str) -> str:
    """Keep an uploaded file until it is confirmed; returns the name to post back."""
    folder = _upload_dir()
    cutoff = time.time() - STALE_SECONDS
    for old in folder.iterdir():
        if old.is_file() and old.stat().st_mtime < cutoff:
            old.unlink(missing_ok=True)
    ext = "xlsx" if filename.lower().endswith(".xlsx") or data[:4] == b"PK\x03\x04" else "csv"
    name = f"{secrets.token_urlsafe(24)}.{ext}"
    (folder / f"{user.pk}-{name}").write_bytes(data)
    return name


def _stashed_path(user, name: str) -> Path | None:
    if not UPLOAD_NAME.match(name or ""):
        return None
    path = _upload_dir() / f"{user.pk}-{name}"
    return path if path.is_file() else None


@login_required
def import_upload(request):
    _require_import(request.user)
    context: dict = {"max_mb": settings.IMPORT_MAX_BYTES // (1024 * 1024)}
    if request.method != "POST":
        return render(request, "people/import.html", context)
    only_good = request.POST.get("only_good") == "1"
    context["only_good"] = only_good
    ip = request.META.get("REMOTE_ADDR") or None
    if "upload" in request.POST:  # the confirmation of a checked file
        path = _stashed_path(request.user, request.POST["upload"])
        filename = (request.POST.get("filename") or "import")[:120]
        if path is None:
            context["error"] = _("The uploaded file has expired; upload it again")
            return render(request, "people/import.html", context, status=400)
        try:
            report = importing.residents_import(
                user=request.user, data=path.read_bytes(), filename=filename, only_good=only_good, ip=ip,
            )
        except DomainError as exc:
            context["error"] = exc.message
            return render(request, "people/import.html", context, status=400)
        finally:
            path.unlink(missing_ok=True)
        context["report"] = report
        return render(request, "people/import.html", context, status=200 if report.written else 400)

    upload = request.FILES.get("file")
    if upload is None:
        context["error"] = _("Choose a file to upload")
        return render(request, "people/import.html", context, status=400)
    try:
        importing.check_file_size(upload.size)
        data = upload.read()
        report = importing.residents_import(
            user=request.user, data=data, filename=upload.name, only_good=only_good, dry_run=True, ip=ip,
        )
    except DomainError as exc:
        context["error"] = exc.message
        return render(request, "people/import.html", context, status=400)
    context["report"] = report
    if report.can_write:
        context["upload"] = _stash(request.user, data, upload.name)
        context["filename"] = upload.name
    return render(request, "people/import.html", context)


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
    grids = list(grids_within(user=request.user).order_by("path"))
    tags = list(selectors.visible_tags(request.user))
    filters = ResidentFilterForm(request.GET, grids=grids, tags=tags).filters()
    handle = tempfile.TemporaryFile()
    exporting.residents_export(
        user=request.user, handle=handle, ip=request.META.get("REMOTE_ADDR") or None, **filters,
    )
    handle.seek(0)
    filename = f"居民名单-{timezone.localdate():%Y%m%d}.xlsx"
    return FileResponse(handle, as_attachment=True, filename=filename, content_type=XLSX_MIME)
