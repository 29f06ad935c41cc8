"""Setting a volunteer's service times: replaced together, or not at all."""

from __future__ import annotations

import datetime as dt

import pytest

from linli.core.errors import DomainError
from linli.supply.services import ExceptionInput, WeeklyInput, volunteer_set_availability
from linli.supply.tests.factories import make_volunteer, t

DAY = dt.date(2026, 12, 1)


@pytest.fixture
def volunteer(world):
    return make_volunteer(region=world.grid_a1, weekly=[(0, t("09:00"), t("11:00"))])


def test_pattern_and_exceptions_are_replaced(volunteer):
    volunteer_set_availability(
        volunteer=volunteer,
        weekly=[WeeklyInput(1, t("08:00"), t("10:00")), WeeklyInput(1, t("14:00"), t("16:00"))],
        exceptions=[ExceptionInput(DAY), ExceptionInput(DAY, t("18:00"), t("19:00"), available=True)],
    )
    assert [(w.weekday, w.start, w.end) for w in volunteer.weekly.order_by("weekday", "start")] == [
        (1, t("08:00"), t("10:00")), (1, t("14:00"), t("16:00")),
    ]
    assert [(e.date, e.start, e.available) for e in volunteer.exceptions.order_by("available")] == [
        (DAY, None, False), (DAY, t("18:00"), True),
    ]


@pytest.mark.parametrize(("weekly", "exceptions", "code", "field"), [
    ([WeeklyInput(0, t("10:00"), t("09:00"))], [], "time_order", "weekly.0.end"),
    ([WeeklyInput(0, t("10:00"), t("10:00"))], [], "time_order", "weekly.0.end"),
    ([WeeklyInput(7, t("09:00"), t("10:00"))], [], "weekday_invalid", "weekly.0.weekday"),
    ([WeeklyInput(0, None, t("10:00"))], [], "time_required", "weekly.0.start"),
    ([WeeklyInput(2, t("09:00"), t("11:00")), WeeklyInput(2, t("10:30"), t("12:00"))], [], "availability_overlap", "weekly.0"),
    ([], [ExceptionInput(None)], "date_required", "exceptions.0.date"),
    ([], [ExceptionInput(DAY, t("09:00"))], "time_required", "exceptions.0.start"),
    ([], [ExceptionInput(DAY, available=True)], "extra_time_needs_window", "exceptions.0.start"),
    ([], [ExceptionInput(DAY, t("11:00"), t("10:00"))], "time_order", "exceptions.0.end"),
    ([], [ExceptionInput(DAY), ExceptionInput(DAY, t("09:00"), t("10:00"))], "exception_overlap", "exceptions.1"),
])
def test_bad_times_are_refused_and_nothing_changes(volunteer, weekly, exceptions, code, field):
    with pytest.raises(DomainError) as exc:
        volunteer_set_availability(volunteer=volunteer, weekly=weekly, exceptions=exceptions)
    assert (exc.value.code, exc.value.field) == (code, field)
    assert [(w.weekday, w.start) for w in volunteer.weekly.all()] == [(0, t("09:00"))]
    assert volunteer.exceptions.count() == 0


def test_touching_windows_are_allowed(volunteer):
    volunteer_set_availability(volunteer=volunteer, weekly=[
        WeeklyInput(3, t("09:00"), t("10:00")), WeeklyInput(3, t("10:00"), t("11:00")),
    ], exceptions=[])
    assert volunteer.weekly.count() == 2
