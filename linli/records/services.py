"""Writes of service records: made from a finished booking or by the organising unit, completed and
confirmed (which posts hours, points and coins), corrected by reversal, and certified."""

from __future__ import annotations

import datetime as dt
import secrets

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from linli.core.errors import DomainError
from linli.ledger import services as ledger
from linli.ledger.models import AccountKind, Ledger, TransferKind
from linli.ledger.units import hours_text
from linli.records.models import (
    Certificate,
    CorrectionRequest,
    CorrectionState,
    RecordKind,
    RecordState,
    ServiceRecord,
)
from linli.records.permissions import recorder_covers

#: The longest service one record may hold (a day); longer work is several records.
MAX_MINUTES = 24 * 60


def working_days_after(day: dt.date, n: int) -> dt.date:
    """The ``n``-th working day (Monday to Friday) after ``day``. Public holidays and the weekend
    days China works in exchange for them are not modelled: the date can be a day or two early."""
    out = day
    while n > 0:
        out += dt.timedelta(days=1)
        if out.weekday() < 5:
            n -= 1
    return out


def star_level(minutes: int, ladder: tuple[int, ...] | None = None) -> int:
    """Stars (0–5) for certified ``minutes`` on the ladder of hours (default 100/300/600/1000/1500)."""
    ladder = settings.STAR_LADDER_HOURS if ladder is None else ladder
    return sum(1 for hours in ladder if minutes >= hours * 60)


def next_star(minutes: int) -> int | None:
    """Hours still needed for the next star, or None at the top of the ladder."""
    for hours in settings.STAR_LADDER_HOURS:
        if minutes < hours * 60:
            return -(-(hours * 60 - minutes) // 60)
    return None


def _check_minutes(value) -> int:
    minutes = ledger.check_amount(value, field="minutes")
    if minutes > MAX_MINUTES:
        raise DomainError("minutes_too_long", _("One record holds at most 24 hours; record each day separately"),
                          field="minutes")
    return minutes


def _require_recorder(user, path: str):
    if not recorder_covers(user, path):
        raise DomainError("not_found", _("Not found"))


def _require_not_self(user, volunteers) -> None:
    """Nobody records, confirms or corrects their own service: hours are certified by someone else."""
    uid = getattr(user, "pk", None)
    if uid is not None and any(v.user_id == uid for v in volunteers):
        raise DomainError("recorder_is_volunteer", _("You cannot record service hours for yourself; ask a colleague"),
                          field="volunteers")


def _text(value, field: str, limit: int) -> str:
    text = (value or "").strip()
    if not text:
        raise DomainError("required", _("This field is required"), field=field)
    return text[:limit]


# --- making records ------------------------------------------------------------------------------


def record_from_booking(booking) -> ServiceRecord | None:
    """A pending record for a booking checked in and out (once: the booking is unique on the
    record). The time is what was actually given but never more than the task's window, so a
    forgotten check-out does not inflate the hours; the unit can change it before confirming. The
    date is the day the service was given (the check-in), never the day it was booked for."""
    if booking.task_id is None or booking.checked_in_at is None or booking.checked_out_at is None:
        return None
    task = booking.task
    given = booking.checked_out_at - booking.checked_in_at
    minutes = max(1, min(int(given.total_seconds() // 60), int((task.end - task.start).total_seconds() // 60)))
    day = timezone.localdate(booking.checked_in_at)
    try:
        with transaction.atomic():
            return ServiceRecord.objects.create(
                volunteer_id=booking.volunteer_id, activity=task.label[:120], date=day, place=task.region.name,
                content=task.label, minutes=minutes, region=task.region, path=task.path,
                person_in_charge="", item=task.item, booking=booking, due_on=working_days_after(day, settings.RECORD_DUE_WORKING_DAYS),
                recipient=task.demand.tracking_number if task.demand_id else "",
            )
    except IntegrityError:
        return ServiceRecord.objects.filter(booking=booking).first()


def record_create(*, user, volunteers, region, activity: str, date: dt.date, place: str, content: str, minutes,
                  person_in_charge: str, organisation=None, recipient: str = "", item=None,
                  confirm: bool = True) -> list[ServiceRecord]:
    """The organising unit records a group activity: one record per volunteer, confirmed at once
    unless ``confirm`` is false."""
    _require_recorder(user, region.path)
    minutes = _check_minutes(minutes)
    activity, place = _text(activity, "activity", 120), _text(place, "place", 200)
    content, person = _text(content, "content", 2000), _text(person_in_charge, "person_in_charge", 50)
    if date > timezone.localdate():
        raise DomainError("date_in_future", _("A service is recorded after it happened"), field="date")
    volunteers = list(volunteers)
    if not volunteers:
        raise DomainError("volunteers_required", _("Choose at least one volunteer"), field="volunteers")
    if organisation is not None and organisation.pk not in _org_ids(user):
        raise DomainError("organisation_unknown", _("You do not record for this organisation"), field="organisation")
    _require_not_self(user, volunteers)
    if any(not recorder_covers(user, v.region.path) for v in volunteers):
        raise DomainError("outside_region", _("A volunteer is outside your area"), field="volunteers")
    with transaction.atomic():
        records = [ServiceRecord.objects.create(
            volunteer=v, activity=activity, date=date, place=place, content=content, minutes=minutes, region=region,
            path=region.path, person_in_charge=person, organisation=organisation, recipient=(recipient or "")[:120],
            recorder=user, item=item, due_on=working_days_after(date, settings.RECORD_DUE_WORKING_DAYS),
        ) for v in volunteers]
        if confirm:
            for r in records:
                _confirm(r, user)
    return records


def _org_ids(user) -> set[int]:
    from linli.accounts.scoping import scope_for

    return set(scope_for(user).organisation_ids)


def record_complete(*, user, record: ServiceRecord, minutes=None, activity: str | None = None, place: str | None = None,
                    content: str | None = None, person_in_charge: str | None = None) -> ServiceRecord:
    """Fill in or change a pending record before confirming it."""
    _require_recorder(user, record.path)
    _require_not_self(user, [record.volunteer])
    if record.state != RecordState.PENDING:
        raise DomainError("record_not_pending", _("Only a record waiting for the organising unit can be changed"))
    changes = {"recorder": user}
    if minutes is not None:
        changes["minutes"] = _check_minutes(minutes)
    for field, value, limit in (("activity", activity, 120), ("place", place, 200), ("content", content, 2000)):
        if value is not None:
            changes[field] = _text(value, field, limit)
    if person_in_charge is not None:  # may stay blank while pending; confirming asks for it
        changes["person_in_charge"] = person_in_charge.strip()[:50]
    if ServiceRecord.objects.filter(pk=record.pk, state=RecordState.PENDING).update(**changes) != 1:
        raise DomainError("record_not_pending", _("Only a record waiting for the organising unit can be changed"))
    record.refresh_from_db()
    return record


def record_confirm(*, user, record: ServiceRecord) -> ServiceRecord:
    _require_recorder(user, record.path)
    _require_not_self(user, [record.volunteer])
    if not record.person_in_charge.strip():
        raise DomainError("required", _("Name the person in charge before confirming"), field="person_in_charge")
    with transaction.atomic():
        _confirm(record, user)
    record.refresh_from_db()
    return record


def record_discard(*, user, record: ServiceRecord, reason: str) -> ServiceRecord:
    """A pending record that should not count (the booking was a mistake); it stays on file."""
    _require_recorder(user, record.path)
    _text(reason, "reason", 200)
    if ServiceRecord.objects.filter(pk=record.pk, state=RecordState.PENDING).update(
            state=RecordState.DISCARDED, recorder=user, content=f"{record.content}\n—— {reason.strip()[:200]}") != 1:
        raise DomainError("record_not_pending", _("Only a record waiting for the organising unit can be changed"))
    record.refresh_from_db()
    return record


def _confirm(record: ServiceRecord, user) -> None:
    """Claim the pending record and post hours, points and coins; inside the caller's transaction."""
    now = timezone.now()
    if ServiceRecord.objects.filter(pk=record.pk, state=RecordState.PENDING).update(
            state=RecordState.CONFIRMED, confirmed_at=now, confirmed_by=user) != 1:
        raise DomainError("record_not_pending", _("This record is already confirmed"))
    record.refresh_from_db()
    _post(record, user)
    record.refresh_from_db()
    _tell_volunteer(record)


def _tell_volunteer(record: ServiceRecord) -> None:
    user = record.volunteer.user
    if user is None:
        return
    from linli.notifications.services import notify

    context = {"unit": record.unit_name, "activity": record.activity, "date": record.date.isoformat(),
               "hours": hours_text(record.minutes)}
    notify(template="record_confirmed", users=[user], link="/me/hours/", context=context)  # the caller's transaction: outbox


def _post(record: ServiceRecord, user) -> None:
    volunteer, source = record.volunteer, f"record:{record.pk}"
    hours = ledger.transfer_post(
        ledger=Ledger.HOURS, kind=TransferKind.RECORD, source=source, created_by=user, memo=record.activity,
        lines=[(ledger.system_account(Ledger.HOURS, AccountKind.ISSUER, record.region), -record.minutes),
               (ledger.volunteer_account(volunteer, Ledger.HOURS), record.minutes)],
    )
    points, applied = ledger.points_for(path=record.path, day=record.date, item_id=record.item_id, minutes=record.minutes)
    points_transfer = None
    if points:
        points_transfer = ledger.transfer_post(
            ledger=Ledger.POINTS, kind=TransferKind.ISSUE, source=source, created_by=user, memo=record.activity,
            data={"rules": applied}, lines=[(ledger.system_account(Ledger.POINTS, AccountKind.ISSUER, record.region), -points),
                                            (ledger.volunteer_account(volunteer, Ledger.POINTS), points)],
        )
    coins = ledger.coins_issue(volunteer=volunteer, minutes=record.minutes, region=record.region, source=source,
                               created_by=user)
    ServiceRecord.objects.filter(pk=record.pk).update(hours_transfer=hours, points_transfer=points_transfer,
                                                      coins_transfer=coins)


# --- corrections ---------------------------------------------------------------------------------


def _current(record: ServiceRecord) -> bool:
    return (record.state == RecordState.CONFIRMED and record.kind != RecordKind.REVERSAL
            and not ServiceRecord.objects.filter(reverses=record).exists())


def correction_request(*, user, record: ServiceRecord, minutes, reason: str, content: str = "") -> CorrectionRequest:
    """The volunteer asks the organising unit to correct one of their confirmed records."""
    if record.volunteer.user_id is None or record.volunteer.user_id != getattr(user, "pk", None):
        raise DomainError("not_found", _("Not found"))
    if not _current(record):
        raise DomainError("record_not_correctable", _("Only a confirmed record that has not been corrected can be corrected"))
    minutes = _check_minutes(minutes)
    reason = _text(reason, "reason", 1000)
    try:
        with transaction.atomic():
            return CorrectionRequest.objects.create(record=record, requested_by=user, minutes=minutes,
                                                    content=(content or "").strip()[:2000], reason=reason)
    except IntegrityError:
        raise DomainError("correction_open", _("A correction of this record is already waiting for an answer")) from None


def correction_decide(*, user, request: CorrectionRequest, accept: bool, reason: str = "") -> CorrectionRequest:
    """The unit accepts (a reversing record and a corrected one, with their ledger postings) or
    refuses with a reason the volunteer can read."""
    record = request.record
    _require_recorder(user, record.path)
    _require_not_self(user, [record.volunteer])
    if not accept:
        reason = _text(reason, "reason", 1000)
    now = timezone.now()
    with transaction.atomic():
        if CorrectionRequest.objects.filter(pk=request.pk, state=CorrectionState.PENDING).update(
                state=CorrectionState.ACCEPTED if accept else CorrectionState.REFUSED, decided_by=user, decided_at=now,
                decision_reason=(reason or "").strip()[:1000]) != 1:
            raise DomainError("correction_decided", _("This request has already been answered"))
        if accept:
            if not _current(record):
                raise DomainError("record_not_correctable", _("Only a confirmed record that has not been corrected can be corrected"))
            corrected = _correct(record, user, minutes=request.minutes, content=request.content or record.content,
                                 note=request.reason)
            CorrectionRequest.objects.filter(pk=request.pk).update(result=corrected)
        volunteer_user = record.volunteer.user
        if volunteer_user is not None:
            from linli.notifications.services import notify

            decision = _("accepted") if accept else _("refused")
            notify(  # in the decision's transaction: the answer and the message commit together
                template="record_correction_answered", users=[volunteer_user], link="/me/hours/",
                context={"activity": record.activity, "date": record.date.isoformat(), "decision": decision,
                         "reason": (reason or "").strip()},
            )
    request.refresh_from_db()
    return request


def _correct(record: ServiceRecord, user, *, minutes: int, content: str, note: str) -> ServiceRecord:
    memo = f"correction of record {record.pk}"
    reversal = ServiceRecord.objects.create(
        volunteer=record.volunteer, kind=RecordKind.REVERSAL, state=RecordState.CONFIRMED, activity=record.activity,
        date=record.date, place=record.place, content=note[:2000] or record.content, minutes=-record.minutes,
        organisation=record.organisation, region=record.region, path=record.path, person_in_charge=record.person_in_charge,
        recipient=record.recipient, recorder=user, item=record.item, due_on=record.due_on, confirmed_at=timezone.now(),
        confirmed_by=user, reverses=record,
    )
    transfers = {}
    for field in ("hours_transfer", "points_transfer", "coins_transfer"):
        original = getattr(record, field)
        if original is not None:
            transfers[field] = ledger.transfer_reverse(transfer=original, created_by=user, memo=memo,
                                                       spent_ok=field != "hours_transfer")
    ServiceRecord.objects.filter(pk=reversal.pk).update(**transfers)
    corrected = ServiceRecord.objects.create(
        volunteer=record.volunteer, kind=RecordKind.CORRECTED, activity=record.activity, date=record.date,
        place=record.place, content=content, minutes=minutes, organisation=record.organisation, region=record.region,
        path=record.path, person_in_charge=record.person_in_charge, recipient=record.recipient, recorder=user,
        item=record.item, due_on=record.due_on, corrects=record,
    )
    _confirm(corrected, user)
    return corrected


# --- certificates --------------------------------------------------------------------------------


def current_records(volunteer):
    """A volunteer's records that count: confirmed, not reversals, not reversed."""
    return (ServiceRecord.objects.filter(volunteer=volunteer, state=RecordState.CONFIRMED, reversed_by__isnull=True)
            .exclude(kind=RecordKind.REVERSAL).select_related("organisation", "region").order_by("date", "id"))


def _new_code() -> str:
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud and typed by hand
    return "".join(secrets.choice(alphabet) for _ in range(12))


def certificate_issue(*, user) -> Certificate:
    """The volunteer's own certificate of every record that counts (free, at any time: §14)."""
    from linli.supply.selectors import volunteer_required

    volunteer = volunteer_required(user)
    records = list(current_records(volunteer))
    if not records:
        raise DomainError("no_records", _("You have no confirmed service records yet"))
    snapshot = [{"date": r.date.isoformat(), "activity": r.activity, "content": r.content[:200], "place": r.place,
                 "minutes": r.minutes, "unit": r.unit_name, "person_in_charge": r.person_in_charge} for r in records]
    return Certificate.objects.create(
        code=_new_code(), volunteer=volunteer, minutes=sum(r.minutes for r in records), records=len(records),
        first_date=records[0].date, last_date=records[-1].date, snapshot=snapshot,
    )


def certificate_certify(*, user, certificate: Certificate, unit: str) -> Certificate:
    """The organising unit certifies a certificate (证明): its wording changes from 平台记录."""
    _require_recorder(user, certificate.volunteer.region.path)
    unit = _text(unit, "unit", 120)
    if Certificate.objects.filter(pk=certificate.pk, certified_at__isnull=True).update(
            certified_by=user, certified_at=timezone.now(), certifying_unit=unit) != 1:
        raise DomainError("already_certified", _("This certificate is already certified"))
    certificate.refresh_from_db()
    return certificate
