"""What happens to an uploaded import file (residents and sweep results alike).

A file up to ``IMPORT_SYNC_MAX_BYTES`` is checked or imported within the request, from memory:
it is never written under ``MEDIA_ROOT``, so nothing with ID numbers stays behind when the check
ends, whether it succeeded or failed. (Django spools uploads above ``FILE_UPLOAD_MAX_MEMORY_SIZE``
to a temporary file of mode 0600 that it deletes at the end of the request.) To import a file
after checking it, the page sends the same file again (the form keeps it); an import is
all-or-nothing unless "only the correct rows" is ticked, so importing without a check is safe too.

A larger file becomes an :class:`~linli.people.models.ImportJob` run by the worker
(:func:`linli.people.tasks.import_run`): the file waits in ``MEDIA_ROOT/imports`` (directory 0700,
file 0600, a random name) only while the job is queued or running, and the task deletes it when
the job ends, whatever the outcome. A file left by a job that never ran (no worker) is deleted,
and its job failed, after ``STALE_SECONDS``. The page polls the job for its progress.
"""

from __future__ import annotations

import dataclasses
import os
import secrets
import time
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from linli.conf import private_dir
from linli.people.importing import ImportReport, RowProblem
from linli.people.models import ImportJob

STALE_SECONDS = 24 * 3600
#: Rows of problems (and notes) kept with a job's report; the counts stay exact.
REPORT_ROWS_KEPT = 2000


def sync_max_bytes() -> int:
    return settings.IMPORT_SYNC_MAX_BYTES


def runs_in_background(upload) -> bool:
    return upload.size > sync_max_bytes()


def upload_dir() -> Path:
    return private_dir(Path(settings.MEDIA_ROOT) / "imports")


def sweep_stale() -> None:
    """Delete files of jobs that never ran (or whose worker died) and fail those jobs."""
    folder = upload_dir()
    cutoff = time.time() - STALE_SECONDS
    for old in folder.iterdir():
        if old.is_file() and old.stat().st_mtime < cutoff:
            old.unlink(missing_ok=True)
    ImportJob.objects.filter(
        state__in=[ImportJob.State.QUEUED, ImportJob.State.RUNNING],
        created_at__lt=timezone.now() - timedelta(seconds=STALE_SECONDS),
    ).update(state=ImportJob.State.FAILED, error=str(_("The import was not run in time; upload the file again")),
             finished_at=timezone.now())


def job_start(*, user, upload, kind: str, only_good: bool, dry_run: bool, language: str, ip: str | None) -> ImportJob:
    """Keep the uploaded file (mode 0600) and queue its import; the task runs after commit."""
    from linli.people.tasks import import_run

    sweep_stale()
    name = upload.name or "import"
    ext = "xlsx" if name.lower().endswith(".xlsx") else "csv"
    stored = f"{secrets.token_urlsafe(24)}.{ext}"
    path = upload_dir() / stored
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as handle:
            for chunk in upload.chunks():
                handle.write(chunk)
        with transaction.atomic():
            job = ImportJob.objects.create(
                user=user, kind=kind, filename=name[-120:], stored_name=stored, size=upload.size,
                only_good=only_good, dry_run=dry_run, language=language[:10], ip=ip,
            )
            transaction.on_commit(lambda: import_run.enqueue(job.pk))
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return job


def job_get(*, user, pk: int, kind: str) -> ImportJob:
    """The user's own job; anyone else's is a 404."""
    job = ImportJob.objects.filter(pk=pk, user=user, kind=kind).first()
    if job is None:
        raise Http404
    return job


def report_to_json(report: ImportReport) -> dict:
    data = {f.name: getattr(report, f.name) for f in dataclasses.fields(report)
            if f.name not in {"problems", "notes"}}
    data["bad"] = report.bad
    for key in ("problems", "notes"):
        rows = getattr(report, key, None)
        if rows is not None:
            data[key] = [[p.row, p.column, p.code, str(p.message)] for p in rows[:REPORT_ROWS_KEPT]]
            data[f"{key}_count"] = len(rows)
    return data


@dataclasses.dataclass
class StoredReport:
    """A job's report as the report templates read it."""

    filename: str = ""
    rows: int = 0
    good: int = 0
    bad: int = 0
    created: int = 0
    households_created: int = 0
    existing: int = 0
    visited_no_need: int = 0
    written: bool = False
    dry_run: bool = False
    only_good: bool = False
    problems: list[RowProblem] = dataclasses.field(default_factory=list)
    notes: list[RowProblem] = dataclasses.field(default_factory=list)
    problems_count: int = 0
    notes_count: int = 0

    @property
    def can_write(self) -> bool:
        return self.good > 0 and (self.only_good or not self.problems_count)


def report_from_json(data: dict) -> StoredReport:
    names = {f.name for f in dataclasses.fields(StoredReport)}
    values = {k: v for k, v in data.items() if k in names and k not in {"problems", "notes"}}
    for key in ("problems", "notes"):
        values[key] = [RowProblem(*row) for row in data.get(key, [])]
    return StoredReport(**values)
