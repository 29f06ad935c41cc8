"""Reads of service records: the organising unit's queue (pending, overdue first), a volunteer's
own records, open correction requests."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from linli.accounts.scoping import path_q
from linli.records.models import CorrectionRequest, CorrectionState, RecordState, ServiceRecord
from linli.records.permissions import recorder_paths


def unit_records(user, *, state: str | None = RecordState.PENDING, overdue: bool = False) -> QuerySet[ServiceRecord]:
    qs = ServiceRecord.objects.filter(path_q("path", recorder_paths(user)))
    if state:
        qs = qs.filter(state=state)
    if overdue:
        qs = qs.filter(state=RecordState.PENDING, due_on__lt=timezone.localdate())
    return qs.select_related("volunteer", "region", "organisation", "item").order_by("due_on", "id")


def unit_record(user, pk: int) -> ServiceRecord:
    try:
        return unit_records(user, state=None).get(pk=pk)
    except ServiceRecord.DoesNotExist:
        raise Http404 from None


def open_corrections(user) -> QuerySet[CorrectionRequest]:
    return (CorrectionRequest.objects.filter(path_q("record__path", recorder_paths(user)), state=CorrectionState.PENDING)
            .select_related("record__volunteer", "record__region", "record__organisation").order_by("id"))


def unit_correction(user, pk: int) -> CorrectionRequest:
    try:
        return open_corrections(user).get(pk=pk)
    except CorrectionRequest.DoesNotExist:
        raise Http404 from None


def my_records(user) -> QuerySet[ServiceRecord]:
    return (ServiceRecord.objects.filter(volunteer__user=user).exclude(state=RecordState.DISCARDED)
            .select_related("region", "organisation").prefetch_related("correction_requests").order_by("-date", "-id"))


def my_record(user, pk: int) -> ServiceRecord:
    try:
        return my_records(user).get(pk=pk)
    except ServiceRecord.DoesNotExist:
        raise Http404 from None
