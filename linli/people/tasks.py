"""Background imports: a large resident or sweep file is read, checked and written by the worker,
which records its progress on the :class:`~linli.people.models.ImportJob` for the page to poll.

The job is claimed with a conditional UPDATE (queued or running → running): a job that ended is
never run again, and one whose worker died is taken again when the queue reclaims the task (at
most ``MAX_ATTEMPTS`` times; the import is one transaction, so a dead worker wrote nothing). The
file is deleted when the task ends, whatever the outcome (see ``people/uploads.py``).
"""

from __future__ import annotations

import logging

from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext
from django_tasks import task

from linli.core.errors import DomainError
from linli.people.importing import ScanCounter
from linli.people.models import ImportJob

logger = logging.getLogger("linli.imports")
MAX_ATTEMPTS = 3


@task()
def import_run(job_id: int) -> None:
    from linli.people import uploads

    # Queued, or running when the queue hands the task out again (its worker died: the import is one
    # transaction, so nothing of it was written); a job that ended is never run again.
    claimed = ImportJob.objects.filter(
        pk=job_id, state__in=[ImportJob.State.QUEUED, ImportJob.State.RUNNING],
    ).update(state=ImportJob.State.RUNNING, phase="reading", attempts=F("attempts") + 1)
    if not claimed:
        return
    job = ImportJob.objects.select_related("user").get(pk=job_id)
    path = uploads.upload_dir() / job.stored_name
    if job.attempts > MAX_ATTEMPTS:
        path.unlink(missing_ok=True)
        with translation.override(job.language or None):
            error = gettext("The import failed; nothing was saved. Try again, or split the file.")
        ImportJob.objects.filter(pk=job_id).update(state=ImportJob.State.FAILED, error=error, phase="",
                                                   finished_at=timezone.now())
        return

    def progress(phase: str, rows: int) -> None:
        ImportJob.objects.filter(pk=job_id).update(phase=phase, rows_scanned=rows)

    state, report, error = ImportJob.State.FAILED, None, ""
    with translation.override(job.language or None):
        try:
            data = path.read_bytes()
            counter = ScanCounter(progress=progress)
            arguments = {"user": job.user, "data": data, "filename": job.filename, "only_good": job.only_good,
                         "dry_run": job.dry_run, "ip": job.ip, "counter": counter}
            if job.kind == ImportJob.Kind.SWEEP:
                from linli.demands.importing import demands_import

                result = demands_import(**arguments)
            else:
                from linli.people.importing import residents_import

                result = residents_import(**arguments)
            state, report = ImportJob.State.DONE, uploads.report_to_json(result)
        except DomainError as exc:
            error = str(exc.message)
        except FileNotFoundError:
            error = gettext("The uploaded file has expired; upload it again")
        except Exception:
            logger.exception("import job %s failed", job_id)
            error = gettext("The import failed; nothing was saved. Try again, or split the file.")
        finally:
            path.unlink(missing_ok=True)
    ImportJob.objects.filter(pk=job_id).update(
        state=state, report=report, error=error, phase="", finished_at=timezone.now(),
    )
