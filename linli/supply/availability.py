"""When a volunteer can serve: the weekly pattern, minus exceptions, plus extra windows.

:func:`expand` is pure (plain data in, aware datetimes out; nothing from Django) so dispatch, tests
and benchmarks can use it alone. :func:`slots_between` reads one volunteer's rows and calls it.

Rules for one date:

1. start from the weekly windows of its weekday;
2. remove each "unavailable" exception of the date (the whole day, or its window);
3. add each "extra" window of the date;
4. merge windows that overlap or touch.

Asia/Shanghai has had no daylight saving time since 1991, so every local day is 24 hours; the
arithmetic is done on local wall-clock times and made aware at the end with ``zoneinfo``, which
stays correct for any zone.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")


@dataclass(frozen=True)
class Window:
    """A weekly window: ``weekday`` 0 = Monday … 6 = Sunday, local times, start < end."""

    weekday: int
    start: dt.time
    end: dt.time


@dataclass(frozen=True)
class DayException:
    """A change on one date. ``start``/``end`` None means the whole day (only when unavailable)."""

    date: dt.date
    start: dt.time | None = None
    end: dt.time | None = None
    available: bool = False


Interval = tuple[dt.datetime, dt.datetime]


def _subtract(intervals: list[Interval], cut: Interval) -> list[Interval]:
    out: list[Interval] = []
    for start, end in intervals:
        if cut[1] <= start or cut[0] >= end:
            out.append((start, end))
            continue
        if start < cut[0]:
            out.append((start, cut[0]))
        if cut[1] < end:
            out.append((cut[1], end))
    return out


def _merge(intervals: Iterable[Interval]) -> list[Interval]:
    out: list[Interval] = []
    for start, end in sorted(intervals):
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return out


def _day(date: dt.date, weekly: list[Window], exceptions: list[DayException]) -> list[Interval]:
    def at(t: dt.time) -> dt.datetime:
        return dt.datetime.combine(date, t)  # noqa: DTZ001 - local wall time, made aware in expand()

    intervals = [(at(w.start), at(w.end)) for w in weekly if w.weekday == date.weekday()]
    for ex in exceptions:
        if not ex.available:
            if ex.start is None or ex.end is None:
                intervals = []
            else:
                intervals = _subtract(intervals, (at(ex.start), at(ex.end)))
    extras = [(at(ex.start), at(ex.end)) for ex in exceptions if ex.available and ex.start and ex.end]
    return _merge(intervals + extras)


def expand(
    weekly: Iterable[Window],
    exceptions: Iterable[DayException],
    start_date: dt.date,
    end_date: dt.date,
    tz: dt.tzinfo = SHANGHAI,
) -> list[tuple[dt.datetime, dt.datetime]]:
    """Every window from ``start_date`` to ``end_date`` (both included), in order, as aware
    datetimes in ``tz``."""
    weekly = list(weekly)
    by_date: dict[dt.date, list[DayException]] = {}
    for ex in exceptions:
        by_date.setdefault(ex.date, []).append(ex)
    out = []
    day = start_date
    while day <= end_date:
        for start, end in _day(day, weekly, by_date.get(day, [])):
            out.append((start.replace(tzinfo=tz), end.replace(tzinfo=tz)))
        day += dt.timedelta(days=1)
    return out


def overlapping(windows: Iterable[tuple[dt.time, dt.time]]) -> bool:
    """Whether any two of the (start, end) windows overlap (touching is fine)."""
    ordered = sorted(windows)
    return any(b[0] < a[1] for a, b in zip(ordered, ordered[1:], strict=False))


def slots_between(volunteer, start_date: dt.date, end_date: dt.date, tz: dt.tzinfo = SHANGHAI):
    """The volunteer's windows between two dates (both included): two queries, or none when
    ``weekly`` and ``exceptions`` are prefetched."""
    weekly = [Window(w.weekday, w.start, w.end) for w in volunteer.weekly.all()]
    exceptions = [
        DayException(e.date, e.start, e.end, e.available)
        for e in volunteer.exceptions.all() if start_date <= e.date <= end_date
    ]
    return expand(weekly, exceptions, start_date, end_date, tz)
