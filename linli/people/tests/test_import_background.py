"""A large import runs as a background job: the page answers at once with a progress view that
polls the job, the worker reads, checks and writes, and the file (mode 0600 in a 0700 folder) is
deleted when the job ends, whatever the outcome. Tasks run immediately in tests, after commit."""

from __future__ import annotations

import datetime as dt
import os
import stat
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from linli.demands.models import Demand
from linli.people import uploads
from linli.people.models import ImportJob, Resident
from linli.people.tasks import import_run

FIXTURES = Path(__file__).parent / "fixtures"
IMPORT = "/residents/import/"


@pytest.fixture(autouse=True)
def _large_from_100_bytes(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.IMPORT_SYNC_MAX_BYTES = 100


def _post(client, name="residents_good.csv", data=None, url=IMPORT, **extra):
    data = data if data is not None else (FIXTURES / name).read_bytes()
    return client.post(url, {"file": SimpleUploadedFile(name, data, content_type="text/csv"), **extra})


def _files(settings) -> list[Path]:
    folder = Path(settings.MEDIA_ROOT) / "imports"
    return sorted(folder.iterdir()) if folder.exists() else []


def test_a_large_file_waits_privately_and_the_page_polls_its_progress(login, world, settings, django_capture_on_commit_callbacks):
    client = login(world.users["community_a"])
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = _post(client, check_only="1")
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/residents/import/jobs/{job.pk}/"
    assert (job.state, job.dry_run, job.kind, len(callbacks)) == ("queued", True, "residents", 1)
    [stored] = _files(settings)
    assert stat.S_IMODE(os.stat(stored).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(stored.parent).st_mode) == 0o700

    page = client.get(response["Location"])
    html = page.content.decode()
    assert 'data-state="queued"' in html and f'hx-get="/residents/import/jobs/{job.pk}/"' in html
    assert 'hx-trigger="every 1s"' in html
    fragment = client.get(response["Location"], HTTP_HX_REQUEST="true").content.decode()
    assert 'id="import-job"' in fragment and "<html" not in fragment

    callbacks[0]()  # the worker takes the job
    job.refresh_from_db()
    assert (job.state, job.rows_scanned, job.phase, job.report["good"], job.report["dry_run"]) == ("done", 5, "", 4, True)
    assert _files(settings) == []
    done = client.get(response["Location"], HTTP_HX_REQUEST="true").content.decode()
    assert 'id="import-report"' in done and "hx-trigger" not in done  # the polling stops
    assert 'form="import-form" name="action" value="import"' in done
    assert Resident.objects.count() == 3


def test_a_large_import_writes_the_residents_in_the_background(login, world, settings, django_capture_on_commit_callbacks):
    client = login(world.users["community_a"])
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(client)
    job = ImportJob.objects.get()
    assert (job.state, job.report["created"], job.report["written"]) == ("done", 4, True)
    assert Resident.objects.count() == 7
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert page.context["report"].created == 4
    assert _files(settings) == []


def test_a_refused_file_fails_the_job_with_the_reason_and_is_deleted(login, world, settings, django_capture_on_commit_callbacks):
    client = login(world.users["community_a"])
    big5 = ("戶號,姓名,性別,出生日期,身份證號碼,手機號碼,區域編碼,門牌/房號,與戶主關係,戶籍狀態,人群標籤\r\n" * 3).encode("big5")
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(client, "old.csv", data=big5, check_only="1", HTTP_ACCEPT_LANGUAGE="en")
    job = ImportJob.objects.get()
    assert (job.state, job.report) == ("failed", None)
    assert "big5" in job.error
    assert _files(settings) == []
    assert "big5" in client.get(response["Location"]).content.decode()


def test_only_the_uploader_sees_the_job(login, world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(login(world.users["community_a"]), check_only="1")
    assert login(world.users["grid_a1"]).get(response["Location"]).status_code == 404
    assert login(world.users["community_a"]).get(f"/demands/import/jobs/{ImportJob.objects.get().pk}/").status_code == 404


def test_a_job_that_ended_is_not_run_again(login, world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _post(login(world.users["community_a"]))
    job = ImportJob.objects.get()
    import_run.call(job.pk)
    assert Resident.objects.count() == 7
    job.refresh_from_db()
    assert job.state == "done"


def test_a_large_sweep_import_runs_in_the_background_too(login, world, settings, django_capture_on_commit_callbacks):
    headers = "居民身份证号码,居民姓名,手机号码,区域编码,服务项目编码,需求描述,紧急程度,走访日期,备注"
    data = (headers + f"\r\n{world.resident_a1.id_number},张秀英,,,0102,每天中午需要送餐,高,,\r\n").encode()
    client = login(world.users["grid_a1"])
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(client, "sweep.csv", data=data, url="/demands/import/")
    job = ImportJob.objects.get()
    assert response["Location"] == f"/demands/import/jobs/{job.pk}/"
    assert (job.kind, job.state, job.report["created"]) == ("sweep", "done", 1)
    assert Demand.objects.count() == 1
    assert client.get(response["Location"]).context["report"].created == 1
    assert _files(settings) == []


def test_files_of_jobs_that_never_ran_are_deleted_after_a_day(login, world, settings, django_capture_on_commit_callbacks):
    client = login(world.users["community_a"])
    with django_capture_on_commit_callbacks(execute=False):
        _post(client, check_only="1")
    [stored] = _files(settings)
    day_ago = (timezone.now() - dt.timedelta(seconds=uploads.STALE_SECONDS + 60))
    os.utime(stored, (day_ago.timestamp(), day_ago.timestamp()))
    ImportJob.objects.update(created_at=day_ago)
    uploads.sweep_stale()
    assert _files(settings) == []
    assert ImportJob.objects.get().state == "failed"


def test_a_job_whose_worker_died_is_taken_again_and_gives_up_after_three_tries(login, world, settings, django_capture_on_commit_callbacks):
    client = login(world.users["community_a"])
    with django_capture_on_commit_callbacks(execute=False):
        _post(client)
    ImportJob.objects.update(state="running", attempts=1, phase="checking")  # a worker died half-way
    import_run.call(ImportJob.objects.get().pk)  # the queue hands the task out again
    job = ImportJob.objects.get()
    assert (job.state, job.attempts, job.report["created"]) == ("done", 2, 4)
    assert Resident.objects.count() == 7

    with django_capture_on_commit_callbacks(execute=False):
        _post(client, check_only="1")
    again = ImportJob.objects.exclude(pk=job.pk).get()
    ImportJob.objects.filter(pk=again.pk).update(state="running", attempts=3)
    import_run.call(again.pk)
    again.refresh_from_db()
    assert (again.state, again.attempts, again.report) == ("failed", 4, None)
    assert _files(settings) == []


def test_a_long_list_of_problems_is_kept_short_and_says_so(login, world, monkeypatch, django_capture_on_commit_callbacks):
    monkeypatch.setattr(uploads, "REPORT_ROWS_KEPT", 2)
    client = login(world.users["community_a"])
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(client, "residents_bad.csv", check_only="1", HTTP_ACCEPT_LANGUAGE="en")
    job = ImportJob.objects.get()
    assert (len(job.report["problems"]), job.report["problems_count"], job.report["bad"]) == (2, 12, 8)
    assert "报告列出了全部 12 个问题中的前 2 个。" in client.get(response["Location"]).content.decode()
