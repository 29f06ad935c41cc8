"""A volunteer asks for a correction; the unit refuses with a reason or accepts, which adds a
reversing record and a corrected one and moves the ledgers to match; nothing is ever deleted."""

from __future__ import annotations

import datetime as dt

import pytest

from linli.core.errors import DomainError
from linli.ledger.models import Ledger
from linli.ledger.services import ledger_check, volunteer_account
from linli.ledger.tests.factories import confirmed, points_rule, volunteer
from linli.records.models import ServiceRecord
from linli.records.services import (
    correction_decide,
    correction_request,
    current_records,
    record_from_booking,
)
from linli.shop.services import redeem
from linli.shop.tests.factories import stocked_item


def _balances(vol):
    return tuple(volunteer_account(vol, ledger).balance for ledger in ("hours", "points", "coins"))


def test_an_accepted_correction_reverses_the_record_and_adds_the_corrected_one(world):
    points_rule(world, per_hour=10)
    vol = volunteer(world, "li")
    record = confirmed(world, vol, minutes=60)
    req = correction_request(user=vol.user, record=record, minutes=150, reason="实际服务了两个半小时")
    assert _balances(vol) == (60, 10, 60)
    req = correction_decide(user=world.users["community_a"], request=req, accept=True)
    assert req.state == "accepted"
    reversal = ServiceRecord.objects.get(reverses=record)
    assert (reversal.kind, reversal.minutes, req.result.kind, req.result.minutes, req.result.corrects_id) == (
        "reversal", -60, "corrected", 150, record.pk)
    assert ServiceRecord.objects.count() == 3
    assert _balances(vol) == (150, 25, 150)
    assert [r.minutes for r in current_records(vol)] == [150]
    assert ledger_check() == []


def test_a_refusal_needs_a_reason_and_changes_nothing(world):
    vol = volunteer(world, "li")
    record = confirmed(world, vol, minutes=60)
    req = correction_request(user=vol.user, record=record, minutes=90, reason="少记了")
    with pytest.raises(DomainError) as caught:
        correction_decide(user=world.users["community_a"], request=req, accept=False, reason=" ")
    assert caught.value.code == "required"
    req = correction_decide(user=world.users["community_a"], request=req, accept=False, reason="签到记录显示一小时")
    assert (req.state, req.decision_reason) == ("refused", "签到记录显示一小时")
    assert _balances(vol) == (60, 0, 60) and ServiceRecord.objects.count() == 1
    with pytest.raises(DomainError) as caught:
        correction_decide(user=world.users["community_a"], request=req, accept=True)
    assert caught.value.code == "correction_decided"


def test_nobody_corrects_someone_elses_record_or_answers_outside_their_area(world):
    vol, other = volunteer(world, "li"), volunteer(world, "wang")
    record = confirmed(world, vol, minutes=60)
    with pytest.raises(DomainError) as caught:
        correction_request(user=other.user, record=record, minutes=90, reason="x")
    assert caught.value.code == "not_found"
    req = correction_request(user=vol.user, record=record, minutes=90, reason="少记了")
    with pytest.raises(DomainError) as caught:
        correction_decide(user=world.users["community_b"], request=req, accept=True)
    assert caught.value.code == "not_found"
    with pytest.raises(DomainError) as caught:
        correction_request(user=vol.user, record=record, minutes=90, reason="again")
    assert caught.value.code == "correction_open"


@pytest.mark.parametrize(("minutes", "code"), [(0, "amount_invalid"), (-5, "amount_invalid"), (1.5, "amount_invalid"),
                                               (24 * 60 + 1, "minutes_too_long")])
def test_a_correction_with_a_bad_time_is_refused(world, minutes, code):
    vol = volunteer(world, "li")
    record = confirmed(world, vol, minutes=60)
    with pytest.raises(DomainError) as caught:
        correction_request(user=vol.user, record=record, minutes=minutes, reason="x")
    assert caught.value.code == code


def test_points_already_spent_are_not_clawed_back_by_a_correction(world):
    points_rule(world, per_hour=10)
    vol = volunteer(world, "li")
    record = confirmed(world, vol, minutes=120)  # 20 points
    redeem(user=vol.user, item=stocked_item(world, price=15), quantity=1)  # 5 points left
    req = correction_request(user=vol.user, record=record, minutes=60, reason="多记了")
    correction_decide(user=world.users["community_a"], request=req, accept=True)
    # the reversal takes back the 5 still held; the corrected hour earns 10
    assert _balances(vol) == (60, 10, 60)
    assert ledger_check() == []


def test_a_reversal_record_itself_cannot_be_corrected(world):
    vol = volunteer(world, "li")
    record = confirmed(world, vol, minutes=60)
    req = correction_request(user=vol.user, record=record, minutes=90, reason="少记了")
    correction_decide(user=world.users["community_a"], request=req, accept=True)
    for r in (record, ServiceRecord.objects.get(reverses=record)):
        with pytest.raises(DomainError) as caught:
            correction_request(user=vol.user, record=r, minutes=30, reason="x")
        assert caught.value.code == "record_not_correctable"


@pytest.mark.clock("2026-11-24T08:00:00+08:00")
def test_a_finished_booking_becomes_a_pending_record_capped_at_the_task_window(world):
    from linli.dispatch.services import offer_accept
    from linli.dispatch.tests.test_offers import NOON, _offered, _task, _volunteer

    v = _volunteer(world, "zhao")
    task = _task(world)
    booking = offer_accept(offer=_offered(task, v), user=v.user)
    booking.checked_in_at = NOON - dt.timedelta(minutes=5)
    booking.checked_out_at = NOON + dt.timedelta(hours=5)  # forgot to check out
    booking.save()
    record = record_from_booking(booking)
    assert (record.state, record.minutes, record.volunteer_id, record.item.code) == ("pending", 60, v.pk, "0102")
    assert record.due_on == dt.date(2026, 12, 8)  # 10 working days after Tuesday 24 November
    assert record_from_booking(booking) == record
    assert volunteer_account(v, Ledger.HOURS).balance == 0
