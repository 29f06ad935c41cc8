"""The weekly pattern, minus exceptions, plus extra windows, as aware Asia/Shanghai datetimes."""

from __future__ import annotations

import datetime as dt

from linli.supply.availability import (
    SHANGHAI,
    DayException,
    Window,
    expand,
    overlapping,
    slots_between,
)
from linli.supply.tests.factories import make_volunteer, t

MON = dt.date(2026, 11, 23)  # a Monday
SUN = dt.date(2026, 11, 29)


def at(day: dt.date, hhmm: str) -> dt.datetime:
    return dt.datetime.combine(day, t(hhmm), tzinfo=SHANGHAI)


def test_pattern_repeats_on_its_weekday_only():
    weekly = [Window(0, t("09:00"), t("11:00")), Window(2, t("14:00"), t("16:00"))]
    assert expand(weekly, [], MON, SUN) == [
        (at(MON, "09:00"), at(MON, "11:00")),
        (at(MON + dt.timedelta(2), "14:00"), at(MON + dt.timedelta(2), "16:00")),
    ]


def test_several_windows_a_day_come_in_order_and_touching_ones_merge():
    weekly = [Window(0, t("14:00"), t("16:00")), Window(0, t("09:00"), t("11:00")), Window(0, t("11:00"), t("12:00"))]
    assert expand(weekly, [], MON, MON) == [(at(MON, "09:00"), at(MON, "12:00")), (at(MON, "14:00"), at(MON, "16:00"))]


def test_whole_day_exception_removes_the_day():
    weekly = [Window(0, t("09:00"), t("11:00")), Window(1, t("09:00"), t("11:00"))]
    away = [DayException(MON)]
    assert expand(weekly, away, MON, MON + dt.timedelta(1)) == [
        (at(MON + dt.timedelta(1), "09:00"), at(MON + dt.timedelta(1), "11:00")),
    ]


def test_window_exception_cuts_a_hole():
    weekly = [Window(0, t("08:00"), t("12:00"))]
    away = [DayException(MON, t("09:00"), t("10:30"))]
    assert expand(weekly, away, MON, MON) == [(at(MON, "08:00"), at(MON, "09:00")), (at(MON, "10:30"), at(MON, "12:00"))]


def test_exception_covering_the_window_start_or_end_trims_it():
    weekly = [Window(0, t("08:00"), t("12:00"))]
    assert expand(weekly, [DayException(MON, t("07:00"), t("09:00"))], MON, MON) == [(at(MON, "09:00"), at(MON, "12:00"))]
    assert expand(weekly, [DayException(MON, t("11:00"), t("13:00"))], MON, MON) == [(at(MON, "08:00"), at(MON, "11:00"))]


def test_extra_window_is_added_and_merged_with_the_pattern():
    weekly = [Window(0, t("09:00"), t("11:00"))]
    extra = [DayException(MON, t("10:00"), t("13:00"), available=True),
             DayException(SUN, t("15:00"), t("17:00"), available=True)]
    assert expand(weekly, extra, MON, SUN) == [(at(MON, "09:00"), at(MON, "13:00")), (at(SUN, "15:00"), at(SUN, "17:00"))]


def test_extra_window_survives_a_whole_day_absence():
    extra = [DayException(MON), DayException(MON, t("18:00"), t("19:00"), available=True)]
    assert expand([Window(0, t("09:00"), t("11:00"))], extra, MON, MON) == [(at(MON, "18:00"), at(MON, "19:00"))]


def test_across_a_week_boundary():
    weekly = [Window(6, t("09:00"), t("10:00")), Window(0, t("09:00"), t("10:00"))]
    got = expand(weekly, [], SUN, SUN + dt.timedelta(1))
    assert got == [(at(SUN, "09:00"), at(SUN, "10:00")), (at(SUN + dt.timedelta(1), "09:00"), at(SUN + dt.timedelta(1), "10:00"))]


def test_times_are_aware_shanghai_with_a_fixed_eight_hour_offset_all_year():
    weekly = [Window(d, t("09:00"), t("10:00")) for d in range(7)]
    for day in (dt.date(2026, 1, 15), dt.date(2026, 7, 15), dt.date(2026, 3, 29), dt.date(2026, 10, 25)):
        start, end = expand(weekly, [], day, day)[0]
        assert start.utcoffset() == dt.timedelta(hours=8)
        assert start.astimezone(dt.UTC).hour == 1
        assert end - start == dt.timedelta(hours=1)


def test_empty_range_and_no_pattern_give_nothing():
    assert expand([Window(0, t("09:00"), t("10:00"))], [], SUN, MON) == []
    assert expand([], [], MON, SUN) == []


def test_overlap_check_allows_touching_windows():
    assert overlapping([(t("09:00"), t("10:00")), (t("10:00"), t("11:00"))]) is False
    assert overlapping([(t("09:00"), t("10:30")), (t("10:00"), t("11:00"))]) is True


def test_slots_between_reads_the_volunteers_rows(world):
    volunteer = make_volunteer(
        region=world.grid_a1, weekly=[(0, t("09:00"), t("11:00")), (3, t("14:00"), t("17:00"))],
        exceptions=[(MON + dt.timedelta(3), None, None, False), (SUN, t("08:00"), t("09:00"), True)],
    )
    assert slots_between(volunteer, MON, SUN) == [(at(MON, "09:00"), at(MON, "11:00")), (at(SUN, "08:00"), at(SUN, "09:00"))]
