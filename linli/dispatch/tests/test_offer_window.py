"""The time to answer an offer follows how far ahead the task is: 30 minutes for today, longer
for a task days ahead (never more than half the time left before it)."""

from __future__ import annotations

import datetime as dt

import pytest

from linli.dispatch.models import Task
from linli.dispatch.services import _offer_ttl

TZ = dt.timezone(dt.timedelta(hours=8))
NOW = dt.datetime(2026, 11, 24, 8, 0, tzinfo=TZ)


def _ttl(start, settings, ahead=720):
    settings.DISPATCH_OFFER_MINUTES, settings.DISPATCH_OFFER_AHEAD_MINUTES = 30, ahead
    return _offer_ttl(Task(start=start, end=start + dt.timedelta(hours=1)), NOW)


@pytest.mark.parametrize(("start", "minutes"), [
    (dt.datetime(2026, 11, 24, 11, 0, tzinfo=TZ), 30),     # today
    (dt.datetime(2026, 11, 24, 23, 30, tzinfo=TZ), 30),    # still today
    (dt.datetime(2026, 11, 26, 14, 0, tzinfo=TZ), 720),    # two days ahead: the configured 12 hours
    (dt.datetime(2026, 11, 25, 2, 0, tzinfo=TZ), 540),     # tomorrow at 2: half the 18 hours left
    (dt.datetime(2026, 11, 25, 0, 20, tzinfo=TZ), 490),    # just after midnight: half of 16 h 20
])
def test_the_answer_window_follows_how_far_ahead_the_task_is(start, minutes, settings):
    assert _ttl(start, settings) == dt.timedelta(minutes=minutes)


def test_the_window_ahead_is_configurable(settings):
    assert _ttl(dt.datetime(2026, 11, 27, 9, 0, tzinfo=TZ), settings, ahead=1440) == dt.timedelta(minutes=1440)
