"""``/api/records``: the organising unit's records (pending, overdue), group activities, completing,
confirming and discarding, correction requests and answers; ``/api/me/records`` for volunteers."""

from __future__ import annotations

import datetime as dt

from django.http import Http404
from django.utils.translation import gettext_lazy as _
from ninja import Field, Query, Router, Schema, Status

from linli.core.api_support import IDS_MAX, Id, Minutes, PathId, caller, responses
from linli.core.errors import DomainError
from linli.records import selectors as sel
from linli.records import services
from linli.records.permissions import recorder_paths
from linli.regions.selectors import region_for_input

router = Router(tags=["service records"])


class RecordOut(Schema):
    id: int = Field(description="Record id.")
    volunteer_id: int = Field(description="Volunteer id.")
    kind: str = Field(description="service, reversal (of a corrected record) or corrected.")
    state: str = Field(description="pending (waiting for the organising unit), confirmed or discarded.")
    activity: str = Field(description="Activity name (§7).")
    date: dt.date = Field(description="Date (§7).")
    place: str = Field(description="Place (§7).")
    content: str = Field(description="Service content (§7).")
    minutes: int = Field(description="Service time in minutes, without travel (§7); negative on a reversal.")
    unit_name: str = Field(description="Organising unit (§7).")
    person_in_charge: str = Field(description="Person in charge (§7).")
    due_on: dt.date = Field(description="To be completed by (10 working days, §11).")
    reverses_id: int | None = Field(description="The record a reversal cancels.")
    corrects_id: int | None = Field(description="The record a corrected record replaces.")


class RecordQuery(Schema):
    overdue: bool = Field(False, description="Only pending records past their completion date.")


class GroupIn(Schema):
    region: str = Field(description="Region code of the organising community (or grid).")
    volunteers: list[Id] = Field(max_length=IDS_MAX, description=f"Volunteer ids (at most {IDS_MAX}).")
    activity: str = Field(description="Activity name.")
    date: dt.date = Field(description="Date of the activity.")
    place: str = Field(description="Place.")
    content: str = Field(description="Service content.")
    minutes: Minutes = Field(description="Service time per volunteer, in minutes (a day at most).")
    person_in_charge: str = Field(description="Person in charge.")
    recipient: str = Field("", description="Whom the service was for.")
    confirm: bool = Field(True, description="Confirm at once (the unit recording it is the organising unit).")


class CompleteIn(Schema):
    minutes: Minutes | None = Field(None, description="Service time in minutes.")
    activity: str | None = Field(None, description="Activity name.")
    place: str | None = Field(None, description="Place.")
    content: str | None = Field(None, description="Service content.")
    person_in_charge: str | None = Field(None, description="Person in charge.")


class ReasonIn(Schema):
    reason: str = Field(description="Why.")


class CorrectionIn(Schema):
    minutes: Minutes = Field(description="The correct service time, in minutes.")
    reason: str = Field(description="Why the record is wrong.")
    content: str = Field("", description="The correct content, if it is wrong too.")


class DecideIn(Schema):
    accept: bool = Field(description="Accept (reversing and corrected records) or refuse.")
    reason: str = Field("", description="Needed to refuse; the volunteer reads it.")


class CorrectionOut(Schema):
    id: int = Field(description="Request id.")
    record_id: int = Field(description="The record.")
    minutes: int = Field(description="Requested service time, minutes.")
    reason: str = Field(description="The volunteer's reason.")
    state: str = Field(description="pending, accepted or refused.")
    decision_reason: str = Field(description="The unit's reason.")
    result_id: int | None = Field(description="The corrected record, when accepted.")


def _recorder(request):
    user = caller(request)
    if not recorder_paths(user):
        raise Http404
    return user


@router.get("/records", response=responses({200: list[RecordOut]}, errors=(401, 404, 422)),
            summary="Records waiting for my organising unit, the oldest due first")
def list_records(request, query: Query[RecordQuery]):
    return list(sel.unit_records(_recorder(request), overdue=query.overdue)[:500])


@router.post("/records", response=responses({201: list[RecordOut]}, errors=(400, 401, 404, 422)),
             summary="Record a group activity (one record per volunteer)")
def create_group(request, payload: GroupIn):
    from linli.supply.models import Volunteer

    user = _recorder(request)
    region = region_for_input(user=user, code=payload.region)
    volunteers = list(Volunteer.objects.filter(pk__in=payload.volunteers).select_related("region"))
    if len(volunteers) != len(set(payload.volunteers)):
        raise DomainError("volunteer_unknown", _("Unknown volunteer"), field="volunteers")
    return Status(201, services.record_create(
        user=user, volunteers=volunteers, region=region, activity=payload.activity, date=payload.date,
        place=payload.place, content=payload.content, minutes=payload.minutes,
        person_in_charge=payload.person_in_charge, recipient=payload.recipient, confirm=payload.confirm))


@router.get("/records/corrections", response=responses({200: list[CorrectionOut]}, errors=(401, 404)),
            summary="Correction requests waiting for my unit")
def list_corrections(request):
    return list(sel.open_corrections(_recorder(request))[:500])


@router.post("/records/corrections/{correction_id}/decide", response=responses({200: CorrectionOut}, errors=(400, 401, 404, 422)),
             summary="Accept or refuse a correction request")
def decide(request, correction_id: PathId, payload: DecideIn):
    user = _recorder(request)
    return services.correction_decide(user=user, request=sel.unit_correction(user, correction_id), accept=payload.accept,
                                      reason=payload.reason)


@router.patch("/records/{record_id}", response=responses({200: RecordOut}, errors=(400, 401, 404, 422)),
              summary="Complete a pending record")
def complete(request, record_id: PathId, payload: CompleteIn):
    user = _recorder(request)
    return services.record_complete(user=user, record=sel.unit_record(user, record_id), **payload.dict())


@router.post("/records/{record_id}/confirm", response=responses({200: RecordOut}, errors=(400, 401, 404)),
             summary="Confirm a record: hours, points and coins are posted")
def confirm(request, record_id: PathId):
    user = _recorder(request)
    return services.record_confirm(user=user, record=sel.unit_record(user, record_id))


@router.post("/records/{record_id}/discard", response=responses({200: RecordOut}, errors=(400, 401, 404, 422)),
             summary="Do not count a pending record (it stays on file)")
def discard(request, record_id: PathId, payload: ReasonIn):
    user = _recorder(request)
    return services.record_discard(user=user, record=sel.unit_record(user, record_id), reason=payload.reason)


@router.get("/me/records", response=responses({200: list[RecordOut]}, errors=(401,)), summary="My service records")
def my_records(request):
    return list(sel.my_records(caller(request))[:500])


@router.post("/me/records/{record_id}/corrections", response=responses({201: CorrectionOut}, errors=(400, 401, 404, 422)),
             summary="Ask the organising unit to correct one of my records")
def ask_correction(request, record_id: PathId, payload: CorrectionIn):
    user = caller(request)
    return Status(201, services.correction_request(user=user, record=sel.my_record(user, record_id),
                                                   minutes=payload.minutes, reason=payload.reason, content=payload.content))
