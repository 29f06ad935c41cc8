"""Writes of the dispatch service: tasks, batch dispatch through the engine, offers and their
answers, bookings that never overlap, check-in and check-out, and emergency calls.

Every race is closed in the database: an offer is answered by a conditional UPDATE on its state;
a booking's time is claimed by unique (volunteer, quantum) rows; a call's quota by
``UPDATE … SET filled = filled + 1 WHERE filled < quota``. Each runs in one transaction with the
writes that depend on it, so a refusal leaves nothing behind.

**Lock order.** A write that locks several rows takes them in this order: the task (``_lock_task``
or the conditional UPDATE of its state), its offers, the booking, the booking's time quanta, then
what follows from it (the service record). Answers, expiries, no-shows and check-outs therefore
never deadlock one another; should PostgreSQL still pick one as a deadlock or serialization
victim, or the connection drop, ``atomic_retry`` runs the whole transaction again.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from decimal import Decimal
from functools import cache
from pathlib import Path

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from linli.accounts.scoping import prefix_q, scope_for
from linli.core.db import atomic_retry
from linli.core.errors import DomainError, interpolate
from linli.dispatch.engine import Need, Problem, Volunteer, solve
from linli.dispatch.engine.shortlist import Candidate, VolunteerIndex, shortlist
from linli.dispatch.models import (
    QUANTUM_MINUTES,
    Booking,
    BookingQuantum,
    MobilisationCall,
    Offer,
    OfferState,
    PlanRule,
    RecurringPlan,
    Task,
    TaskState,
)
from linli.people.models import Resident, ResidentStatus
from linli.regions.models import SEGMENT, Region
from linli.supply.availability import slots_between
from linli.supply.models import Volunteer as VolunteerRecord
from linli.supply.models import VolunteerStatus

SHANGHAI = dt.timezone(dt.timedelta(hours=8))


@cache
def item_skills() -> dict[str, list[str]]:
    """Catalog item code -> the skills a volunteer needs for it (``data/item_skills.json``)."""
    path = Path(__file__).resolve().parent / "data" / "item_skills.json"
    return json.loads(path.read_text(encoding="utf-8"))["items"]


def _offer_ttl(task: Task, now: dt.datetime | None = None) -> dt.timedelta:
    """How long a volunteer has to answer an offer for ``task``: ``DISPATCH_OFFER_MINUTES`` for a
    task today; for a task on a later day ``DISPATCH_OFFER_AHEAD_MINUTES``, but never more than half
    the time left before the task starts (and never less than the same-day window)."""
    now = now or timezone.now()
    short = dt.timedelta(minutes=settings.DISPATCH_OFFER_MINUTES)
    if task.start.astimezone(SHANGHAI).date() <= now.astimezone(SHANGHAI).date():
        return short
    ahead = dt.timedelta(minutes=settings.DISPATCH_OFFER_AHEAD_MINUTES)
    return max(short, min(ahead, (task.start - now) / 2))


def check_window(booking: Booking) -> tuple[dt.datetime, dt.datetime]:
    """When a volunteer may check in and out of a booking: from ``DISPATCH_CHECK_IN_EARLY_MINUTES``
    before its start to the end of its last day (Shanghai time), plus ``DISPATCH_CHECK_GRACE_MINUTES``."""
    opens = booking.start - dt.timedelta(minutes=settings.DISPATCH_CHECK_IN_EARLY_MINUTES)
    last_day = booking.end.astimezone(SHANGHAI).date()
    closes = dt.datetime.combine(last_day + dt.timedelta(days=1), dt.time.min, SHANGHAI)
    return opens, closes + dt.timedelta(minutes=settings.DISPATCH_CHECK_GRACE_MINUTES)


def _require_check_window(booking: Booking, now: dt.datetime) -> None:
    opens, closes = check_window(booking)
    if now < opens:
        raise DomainError("check_in_not_open", interpolate(
            _("Check-in opens at %(time)s"), {"time": f"{opens.astimezone(SHANGHAI):%m-%d %H:%M}"}))
    if now >= closes:
        raise DomainError("check_window_closed", _("The day of this task is over: ask the organiser to record it"))


# --- tasks --------------------------------------------------------------------------------------


def task_create_for_demand(*, user, demand, start: dt.datetime, end: dt.datetime,
                           lat: Decimal | None = None, lon: Decimal | None = None) -> Task:
    """A task for volunteers from a demand: its place, the skills its service item needs, a window."""
    scope = scope_for(user)
    if not scope.covers(demand.path, scope.resident_paths):
        raise DomainError("not_found", _("Not found"))
    skills = item_skills().get(demand.item.code)
    if skills is None:
        raise DomainError("not_volunteer_work", _("This service is not done by volunteers"), field="demand")
    if end <= start:
        raise DomainError("end_before_start", _("The end must be after the start"), field="end")
    lat, lon = lat if lat is not None else demand.lat, lon if lon is not None else demand.lon
    if lat is None or lon is None:
        lat, lon = region_point(demand.region)
    if lat is None or lon is None:
        raise DomainError("location_required", _("Give the place (latitude and longitude) of the task"), field="lat")
    familiar = _last_served([demand.resident_id]).get(demand.resident_id, []) if demand.resident_id else []
    return Task.objects.create(
        demand=demand, resident_id=demand.resident_id, region=demand.region, path=demand.path, item=demand.item,
        lat=lat, lon=lon, skills=skills, start=start, end=end, priority=min(5, max(1, demand.urgency + 1)),
        familiar=familiar,
    )


def region_point(region: Region) -> tuple[Decimal | None, Decimal | None]:
    """The representative point of the region or of its nearest ancestor that has one."""
    return region_points([region.path])[region.path]


def region_points(paths) -> dict[str, tuple[Decimal | None, Decimal | None]]:
    """:func:`region_point` for many regions at once, in one query (path -> point)."""
    paths = set(paths)
    ancestors = {p[: i * SEGMENT] for p in paths for i in range(1, len(p) // SEGMENT + 1)}
    known = dict(((path, (lat, lon)) for path, lat, lon in Region.objects.filter(
        path__in=ancestors, lat__isnull=False, lon__isnull=False).values_list("path", "lat", "lon")))
    out = {}
    for p in paths:
        hits = [p[: i * SEGMENT] for i in range(len(p) // SEGMENT, 0, -1) if p[: i * SEGMENT] in known]
        out[p] = known[hits[0]] if hits else (None, None)
    return out


# --- recurring plans ----------------------------------------------------------------------------


def plan_create(*, user, region: Region, item_code: str, rule: str, start_time: dt.time, end_time: dt.time,
                weekday: int | None = None, day_of_month: int | None = None,
                target_tag_code: str | None = None) -> RecurringPlan:
    from linli.catalog.models import ServiceItem
    from linli.people.models import TargetGroupTag

    scope = scope_for(user)
    if not scope.covers(region.path, scope.resident_paths):
        raise DomainError("region_unknown", _("The region does not exist or is outside your area"), field="region")
    item = ServiceItem.objects.filter(code=item_code, active=True).first()
    if item is None or item_skills().get(item_code) is None:
        raise DomainError("not_volunteer_work", _("This service is not done by volunteers"), field="item")
    if rule not in PlanRule.values:
        raise DomainError("rule_invalid", _("Repeat daily, weekly or monthly"), field="rule")
    if (rule == PlanRule.WEEKLY and weekday is None) or (rule == PlanRule.MONTHLY and day_of_month is None):
        raise DomainError("rule_incomplete", _("Give the weekday or the day of the month"), field="rule")
    if end_time <= start_time:
        raise DomainError("end_before_start", _("The end must be after the start"), field="end_time")
    tag = None
    if target_tag_code:
        tag = TargetGroupTag.objects.filter(code=target_tag_code, active=True,
                                            sensitivity__lte=scope.clearance).first()
        if tag is None:
            raise DomainError("unknown_tag", _("Unknown target-group tag"), field="target_tag")
    return RecurringPlan.objects.create(
        region=region, path=region.path, item=item, rule=rule, weekday=weekday, day_of_month=day_of_month,
        start_time=start_time, end_time=end_time, target_tag=tag, created_by=user,
    )


def plan_dates(plan: RecurringPlan, start: dt.date, end: dt.date) -> list[dt.date]:
    days = [start + dt.timedelta(days=i) for i in range((end - start).days + 1)]
    if plan.rule == PlanRule.DAILY:
        return days
    if plan.rule == PlanRule.WEEKLY:
        return [d for d in days if d.weekday() == plan.weekday]
    return [d for d in days if d.day == plan.day_of_month]


def plan_residents(plan: RecurringPlan) -> list[Resident]:
    chosen = list(plan.residents.filter(status=ResidentStatus.ACTIVE).select_related("region"))
    if plan.target_tag_id:
        chosen += list(Resident.objects.filter(prefix_q("region__path", plan.path), status=ResidentStatus.ACTIVE,
                                               resident_tags__tag_id=plan.target_tag_id).select_related("region"))
    return list({r.pk: r for r in chosen}.values())


def _last_served(resident_ids: list[int]) -> dict[int, list[str]]:
    """Resident id -> the last three volunteers (``v12``) who completed a task for them, most recent
    first, whether the task came from a recurring plan or from a demand: the one rule of continuity."""
    out: dict[int, list[str]] = {}
    done = (Booking.objects.filter(task__resident_id__in=resident_ids, checked_out_at__isnull=False, no_show=False)
            .order_by("-start").values_list("task__resident_id", "volunteer_id"))
    for resident_id, volunteer_id in done:
        ids = out.setdefault(resident_id, [])
        if f"v{volunteer_id}" not in ids and len(ids) < 3:
            ids.append(f"v{volunteer_id}")
    return out


def plan_generate(*, plan: RecurringPlan, start: dt.date, end: dt.date) -> int:
    """One task per resident and occurrence between ``start`` and ``end``; safe to run again
    (existing occurrences are kept). Continuity: the volunteers who last served each resident
    are the task's familiar ones, so the optimum prefers them within the familiarity bonus."""
    skills = item_skills().get(plan.item.code)
    if skills is None:
        raise DomainError("not_volunteer_work", _("This service is not done by volunteers"), field="item")
    residents = plan_residents(plan)
    familiar = _last_served([r.pk for r in residents])
    points = region_points(r.region.path for r in residents)
    tasks = []
    for day in plan_dates(plan, start, end):
        for r in residents:
            lat, lon = points[r.region.path]
            if lat is None:
                continue
            tasks.append(Task(
                plan=plan, resident=r, occurs_on=day, item=plan.item, region=r.region, path=r.region.path,
                lat=lat, lon=lon, skills=skills, priority=4 if plan.target_tag_id else 3,
                start=dt.datetime.combine(day, plan.start_time, SHANGHAI), end=dt.datetime.combine(day, plan.end_time, SHANGHAI),
                familiar=familiar.get(r.pk, []),
            ))
    before = Task.objects.filter(plan=plan).count()
    Task.objects.bulk_create(tasks, ignore_conflicts=True)
    return Task.objects.filter(plan=plan).count() - before


def plan_coverage(*, plan: RecurringPlan, month_start: dt.date) -> tuple[int, int]:
    """(residents served at least once in the month, residents the plan covers): the monthly
    visit rate the national target asks to be 100%."""
    nxt = (month_start.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    residents = plan_residents(plan)
    served = set(Booking.objects.filter(task__plan=plan, task__occurs_on__gte=month_start, task__occurs_on__lt=nxt,
                                        checked_out_at__isnull=False, no_show=False).values_list("task__resident_id", flat=True))
    return len(served & {r.pk for r in residents}), len(residents)


def plan_set_active(*, user, plan: RecurringPlan, active: bool) -> RecurringPlan:
    """Pause a plan (no new occurrences are generated; those already made stay) or resume it."""
    scope = scope_for(user)
    if not scope.covers(plan.path, scope.resident_paths):
        raise DomainError("not_found", _("Not found"))
    RecurringPlan.objects.filter(pk=plan.pk).update(active=bool(active))
    plan.active = bool(active)
    return plan


# --- the problem the engine solves ----------------------------------------------------------------


def _quantum_range(start: dt.datetime, end: dt.datetime) -> range:
    """The 5-minute quanta a booking from ``start`` to ``end`` holds (start down, end up)."""
    size = QUANTUM_MINUTES * 60
    return range(int(start.timestamp() // size), -int(-end.timestamp() // size))


def _free_windows(windows, bookings) -> list[tuple[dt.datetime, dt.datetime]]:
    """Availability windows minus booked intervals."""
    out = []
    for start, end in windows:
        pieces = [(start, end)]
        for b_start, b_end in bookings:
            pieces = [p for s, e in pieces for p in ((s, min(e, b_start)), (max(s, b_end), e)) if p[0] < p[1]]
        out.extend(pieces)
    return out


def volunteers_for(region: Region, day: dt.date) -> list[VolunteerRecord]:
    return _street_volunteers(region.path)


def _street_volunteers(path: str) -> list[VolunteerRecord]:
    """Active volunteers with a home point in the street of ``path``."""
    street = path[: 2 * SEGMENT]
    return list(
        VolunteerRecord.objects.filter(prefix_q("region__path", street), status=VolunteerStatus.ACTIVE,
                                       lat__isnull=False, lon__isnull=False)
        .prefetch_related("skills", "certificates__kind", "weekly", "exceptions")
    )


def engine_volunteers(records: list[VolunteerRecord], day: dt.date, *, load: dict[str, int] | None = None) -> list[Volunteer]:
    """The engine's view of volunteers on ``day``: qualified skills, free slots, remaining capacity.
    Given a ``load`` dict, it is filled with the tasks each already has that day and capacities are
    left whole, as the shortlist wants them (it ranks by load and stops at capacity itself)."""
    start = dt.datetime.combine(day, dt.time.min, SHANGHAI)
    booked: dict[int, list[tuple[dt.datetime, dt.datetime]]] = {}
    for b in Booking.objects.filter(volunteer__in=records, start__lt=start + dt.timedelta(days=1), end__gt=start):
        booked.setdefault(b.volunteer_id, []).append((b.start, b.end))
    pending = {}
    for o in Offer.objects.filter(volunteer__in=records, state=OfferState.PENDING,
                                  task__start__gte=start, task__start__lt=start + dt.timedelta(days=1)):
        pending[o.volunteer_id] = pending.get(o.volunteer_id, 0) + 1
    out = []
    for v in records:
        taken = len(booked.get(v.pk, [])) + pending.get(v.pk, 0)
        if load is not None and taken:
            load[f"v{v.pk}"] = taken
        out.append(Volunteer(
            id=f"v{v.pk}", lat=float(v.lat), lon=float(v.lon), skills=frozenset(v.qualified_skill_codes(day)),
            max_km=float(v.max_km), capacity=v.daily_capacity if load is not None else max(0, v.daily_capacity - taken),
            slots=tuple(_free_windows(slots_between(v, day, day), booked.get(v.pk, []))),
        ))
    return out


def engine_need(task: Task) -> Need:
    return Need(id=f"t{task.pk}", lat=float(task.lat), lon=float(task.lon), skills=frozenset(task.skills),
                start=task.start, end=task.end, priority=task.priority, familiar=frozenset(task.familiar))


# --- batch dispatch and the next best ------------------------------------------------------------


def dispatch_batch(*, user, region: Region, day: dt.date) -> dict[str, int]:
    """Offer each open task of ``region`` on ``day`` to the volunteer the optimum picks."""
    scope = scope_for(user)
    if not scope.covers(region.path, scope.resident_paths):
        raise DomainError("region_unknown", _("The region does not exist or is outside your area"), field="region")
    return dispatch_open(path=region.path, day=day)


def dispatch_open(*, path: str, day: dt.date, not_before: dt.datetime | None = None) -> dict[str, int]:
    """Offer the open tasks under ``path`` starting on ``day`` (after ``not_before``, when given)
    to the volunteers of its street the optimum picks. No scope check: the coordinator's
    :func:`dispatch_batch` checks it; the worker's :func:`dispatch_due` runs for everyone.

    Each task is claimed (``open`` → ``offered`` by a conditional UPDATE) before its offer is
    written, and skipped when the claim finds it no longer open: of two dispatchers running at once
    (the worker and a coordinator's button, or two workers), one offers each task and the other
    passes over it. Claims go in the order of the tasks (start, id), so two runs never deadlock.
    """
    start = dt.datetime.combine(day, dt.time.min, SHANGHAI)
    tasks = Task.objects.filter(prefix_q("path", path), state=TaskState.OPEN,
                                start__gte=start, start__lt=start + dt.timedelta(days=1))
    if not_before is not None:
        tasks = tasks.filter(start__gt=not_before)
    tasks = list(tasks.order_by("start", "id"))
    if not tasks:
        return {"tasks": 0, "offers": 0, "unassigned": 0}
    records = _street_volunteers(path)
    problem = Problem(tuple(engine_need(t) for t in tasks), tuple(engine_volunteers(records, day)))
    result = solve(problem)
    by_task = {f"t{t.pk}": t for t in tasks}
    # A task back to open after its offers were declined: those volunteers are not asked again.
    asked = set(Offer.objects.filter(task__in=tasks).values_list("task_id", "volunteer_id"))
    earlier = Counter(task_id for task_id, _v in asked)
    now = timezone.now()
    offers, made = 0, []
    with transaction.atomic():
        for a in result.assignments:
            task, volunteer_id = by_task[a.need], int(a.volunteer[1:])
            if (task.pk, volunteer_id) in asked:
                continue
            if Task.objects.filter(pk=task.pk, state=TaskState.OPEN).update(state=TaskState.OFFERED) != 1:
                continue  # another dispatcher (or a coordinator) got there first
            familiar = a.volunteer in task.familiar
            made.append(Offer.objects.create(
                task=task, volunteer_id=volunteer_id, rank=earlier[task.pk] + 1, distance_m=a.distance_m,
                cost=a.distance_m - (problem.weights.familiar_bonus_m if familiar else 0), method="batch",
                reasons=["optimal"] + (["familiar"] if familiar else []), expires_at=now + _offer_ttl(task, now),
            ).pk)
            offers += 1
        _announce(made)
    return {"tasks": len(tasks), "offers": offers, "unassigned": len(tasks) - offers}


#: The worker dispatches the open tasks starting within this time.
DISPATCH_HORIZON = dt.timedelta(days=2)


def dispatch_due(now: dt.datetime | None = None) -> dict[str, int]:
    """The worker's batch dispatch: for every street and day with open tasks starting within
    :data:`DISPATCH_HORIZON`, offer that day's open tasks that have not started yet."""
    now = now or timezone.now()
    starts = Task.objects.filter(state=TaskState.OPEN, start__gt=now, start__lte=now + DISPATCH_HORIZON).values_list(
        "path", "start")
    groups = sorted({(path[: 2 * SEGMENT], start.astimezone(SHANGHAI).date()) for path, start in starts})
    total = {"groups": len(groups), "tasks": 0, "offers": 0, "unassigned": 0}
    for street, day in groups:
        for key, value in dispatch_open(path=street, day=day, not_before=now).items():
            total[key] += value
    return total


def task_candidates(task: Task, *, k: int = 5, only: int | None = None) -> list[tuple[int, Candidate]]:
    """The ``k`` best volunteers for a task who have not been asked about it yet, as (volunteer
    id, candidate with distance, cost and reasons); ``only`` restricts it to one volunteer."""
    asked = set(task.offers.values_list("volunteer_id", flat=True))
    day = task.start.astimezone(SHANGHAI).date()
    records = [v for v in volunteers_for(task.region, day)
               if v.pk not in asked and (only is None or v.pk == only)]
    if not records:
        return []
    load: dict[str, int] = {}
    index = VolunteerIndex(engine_volunteers(records, day, load=load))
    best = shortlist(engine_need(task), index, k=k, load=load)
    return [(int(c.volunteer[1:]), c) for c in best]


def _announce(offer_ids: list[int]) -> None:
    """Tell each volunteer of their new offer (in-app, and by SMS or WeChat through the notification
    backends). The messages are written in the caller's transaction (outbox) and sent after it
    commits: an offer rolled back is never announced, and a committed one always is."""
    if not offer_ids:
        return
    from linli.notifications.services import notify

    for offer in Offer.objects.filter(pk__in=offer_ids).select_related("task__item", "volunteer__user"):
        if offer.volunteer.user is None:
            continue
        start = timezone.localtime(offer.task.start)
        notify(template="dispatch_offer", users=[offer.volunteer.user], link="/dispatch/me/", context={
            "task": str(offer.task.label), "start": f"{start:%m-%d %H:%M}",
            "expires": f"{timezone.localtime(offer.expires_at):%m-%d %H:%M}"})


def offer_next(task: Task) -> Offer | None:
    """Offer the task to the best volunteer not yet asked; back to open when there is none."""
    best = task_candidates(task, k=1)
    if not best:
        Task.objects.filter(pk=task.pk).update(state=TaskState.OPEN)
        return None
    volunteer_id, c = best[0]
    rank = task.offers.count() + 1
    offer = Offer.objects.create(task=task, volunteer_id=volunteer_id, rank=rank, distance_m=c.distance_m,
                                 cost=c.cost, method="next_best", reasons=list(c.reasons),
                                 expires_at=timezone.now() + _offer_ttl(task))
    Task.objects.filter(pk=task.pk).update(state=TaskState.OFFERED)
    _announce([offer.pk])
    return offer


# --- answering an offer ----------------------------------------------------------------------------


def _own_volunteer(user, offer: Offer):
    if offer.volunteer.user_id is None or offer.volunteer.user_id != getattr(user, "pk", None):
        raise DomainError("not_found", _("Not found"))


def _claim_time(booking: Booking) -> None:
    BookingQuantum.objects.bulk_create([
        BookingQuantum(booking=booking, volunteer_id=booking.volunteer_id, quantum=q)
        for q in _quantum_range(booking.start, booking.end)
    ])


def _lock_task(task_id: int) -> None:
    """Hold the task's row until the transaction ends. Every write that touches a task and its
    offers takes the task first, so answers, expiries and dispatchers never deadlock."""
    list(Task.objects.select_for_update().filter(pk=task_id).values_list("pk", flat=True))


def offer_accept(*, offer: Offer, user) -> Booking:
    """The volunteer accepts: the task is claimed, the offer answered and their time booked
    together or not at all. Of several volunteers asked at once (a broadcast), the first to accept
    is booked; the others' pending offers are withdrawn and a late one gets ``task_taken``."""
    _own_volunteer(user, offer)
    try:
        booking = _accept(offer, timezone.now())
    except IntegrityError:
        raise DomainError("double_booked", _("You are already booked at that time")) from None
    offer.refresh_from_db()
    return booking


@atomic_retry
def _accept(offer: Offer, now: dt.datetime) -> Booking:
    # The task first (the lock order of every answer): of two accepting at once, one wins.
    if Task.objects.filter(pk=offer.task_id, state=TaskState.OFFERED).update(state=TaskState.BOOKED) != 1:
        offer.refresh_from_db()
        if offer.state == OfferState.WITHDRAWN or (offer.state == OfferState.PENDING and offer.expires_at > now):
            raise DomainError("task_taken", _("Someone else has already taken this task. Thank you!"))
        _refuse_answer(offer, now)
    answered = Offer.objects.filter(pk=offer.pk, state=OfferState.PENDING, expires_at__gt=now).update(
        state=OfferState.ACCEPTED, answered_at=now)
    if answered != 1:
        _refuse_answer(offer, now)
    task = offer.task
    booking = Booking.objects.create(task=task, offer=offer, volunteer=offer.volunteer, start=task.start, end=task.end)
    _claim_time(booking)
    Offer.objects.filter(task_id=task.pk, state=OfferState.PENDING).exclude(pk=offer.pk).update(
        state=OfferState.WITHDRAWN, answered_at=now)
    return booking


def _refuse_answer(offer: Offer, now: dt.datetime):
    offer.refresh_from_db()
    if offer.state == OfferState.PENDING and offer.expires_at <= now:
        raise DomainError("offer_expired", _("This offer has expired"))
    raise DomainError("offer_answered", _("This offer was already answered"))


def _pass_on(task: Task) -> Offer | None:
    """After a decline or an expiry: the next best volunteer is asked, unless other offers of the
    task (a broadcast) are still waiting for an answer; the last of them to go passes it on."""
    if Offer.objects.filter(task_id=task.pk, state=OfferState.PENDING).exists():
        return None
    if not Task.objects.filter(pk=task.pk, state=TaskState.OFFERED).exists():
        return None  # booked, done or cancelled meanwhile: nothing to pass on
    return offer_next(task)


def offer_decline(*, offer: Offer, user, reason: str = "") -> Offer | None:
    """The volunteer declines (no reason needed); the task goes to the next best volunteer."""
    _own_volunteer(user, offer)
    return _decline(offer, timezone.now(), (reason or "")[:200])


@atomic_retry
def _decline(offer: Offer, now: dt.datetime, reason: str) -> Offer | None:
    _lock_task(offer.task_id)
    if Offer.objects.filter(pk=offer.pk, state=OfferState.PENDING, expires_at__gt=now).update(
            state=OfferState.DECLINED, answered_at=now, decline_reason=reason) != 1:
        _refuse_answer(offer, now)
    return _pass_on(offer.task)


def offers_expire(now: dt.datetime | None = None) -> int:
    """Expire unanswered offers past their time and pass each task on; safe on many workers."""
    now = now or timezone.now()
    done = 0
    for offer in Offer.objects.filter(state=OfferState.PENDING, expires_at__lte=now).select_related("task"):
        done += _expire(offer)
    return done


@atomic_retry
def _expire(offer: Offer) -> int:
    _lock_task(offer.task_id)
    if Offer.objects.filter(pk=offer.pk, state=OfferState.PENDING).update(state=OfferState.EXPIRED) != 1:
        return 0  # answered or expired by another worker meanwhile
    _pass_on(offer.task)
    return 1


# --- the day: check-in and check-out -------------------------------------------------------------


def booking_check_in(*, booking: Booking, user) -> Booking:
    if booking.volunteer.user_id != getattr(user, "pk", None):
        raise DomainError("not_found", _("Not found"))
    _require_check_window(booking, timezone.now())
    _check_in(booking)
    booking.refresh_from_db()
    return booking


@atomic_retry
def _check_in(booking: Booking) -> None:
    if Booking.objects.filter(pk=booking.pk, checked_in_at__isnull=True).update(checked_in_at=timezone.now()) != 1:
        raise DomainError("already_checked_in", _("You have already checked in"))


def booking_check_out(*, booking: Booking, user) -> Booking:
    """The booking checked out, the task done and the pending service record made: all three in one
    transaction, or none (the volunteer can simply check out again). A check-out left half-done by
    an earlier version (checked out, no record) is completed by checking out again."""
    if booking.volunteer.user_id != getattr(user, "pk", None):
        raise DomainError("not_found", _("Not found"))
    if booking.checked_in_at is None:
        raise DomainError("not_checked_in", _("Check in before you check out"))
    _require_check_window(booking, timezone.now())
    _check_out(booking)
    booking.refresh_from_db()
    return booking


@atomic_retry
def _check_out(booking: Booking) -> None:
    from linli.records.models import ServiceRecord
    from linli.records.services import record_from_booking

    if booking.task_id:
        _lock_task(booking.task_id)  # the task, then the booking (the lock order)
    if Booking.objects.filter(pk=booking.pk, checked_out_at__isnull=True).update(checked_out_at=timezone.now()) != 1:
        if booking.task_id is None or ServiceRecord.objects.filter(booking_id=booking.pk).exists():
            raise DomainError("already_checked_out", _("You have already checked out"))
    if booking.task_id:
        Task.objects.filter(pk=booking.task_id).update(state=TaskState.DONE)
        booking.refresh_from_db()
        # The service record the organising unit completes and confirms (M6).
        record_from_booking(booking)


# --- the resident's contact, for the booked volunteer ---------------------------------------------


def booking_contact(booking: Booking) -> dict:
    """Who the booked volunteer serves: the name, the address and the mobile masked (no log: the
    number itself is not shown). Empty for a booking without a resident (an emergency call)."""
    from linli.privacy.identifiers import mask_mobile

    task, demand = booking.task, booking.task.demand if booking.task_id else None
    resident = task.resident if task is not None and task.resident_id else (demand.resident if demand else None)
    name = (demand.contact_name if demand and demand.contact_name else "") or (resident.name if resident else "")
    mobile = _contact_mobile(demand, resident)
    if not (name or mobile):
        return {}
    address = demand.address if demand and demand.address else (getattr(resident, "address_detail", "") if resident else "")
    return {"name": name, "address": address, "mobile_masked": mask_mobile(mobile) if mobile else "",
            "revealable": bool(mobile) and contact_day_open(booking)}


def _contact_mobile(demand, resident) -> str:
    if demand is not None and demand.contact_mobile:
        return demand.contact_mobile
    return resident.mobile if resident is not None and resident.mobile else ""


def contact_day_open(booking: Booking, now: dt.datetime | None = None) -> bool:
    """The resident's number is for the task's day only (Shanghai time)."""
    now = now or timezone.now()
    return (not booking.no_show and booking.checked_out_at is None
            and now.astimezone(SHANGHAI).date() == booking.start.astimezone(SHANGHAI).date())


def booking_contact_reveal(*, booking: Booking, user, ip: str | None = None) -> str:
    """The resident's full mobile number for the volunteer booked for the task, on the task's day
    only, written to the access log like any reveal."""
    from linli.privacy.models import AccessLog, Action, RevealReason

    if booking.volunteer.user_id != getattr(user, "pk", None) or booking.task_id is None:
        raise DomainError("not_found", _("Not found"))
    if not contact_day_open(booking):
        raise DomainError("contact_not_today", _("The resident's number is shown on the day of the task only"))
    task = booking.task
    demand = task.demand if task.demand_id else None
    resident = task.resident if task.resident_id else (demand.resident if demand else None)
    mobile = _contact_mobile(demand, resident)
    if not mobile:
        raise DomainError("no_contact", _("No number was given for this task"))
    AccessLog.objects.create(
        actor=user, actor_username=user.get_username(), action=Action.REVEAL, resident=resident,
        field="mobile", reason=RevealReason.CONTACT, ip=ip,
        detail=f"booking {booking.pk}" + (f" demand {demand.tracking_number}" if demand else ""),
    )
    return mobile


# --- emergency mobilisation ----------------------------------------------------------------------


def call_create(*, user, region: Region, title: str, quota: int, start: dt.datetime, end: dt.datetime,
                requires_insurance: bool = True, min_age: int = 18, skills: list[str] | None = None) -> MobilisationCall:
    scope = scope_for(user)
    if not scope.covers(region.path, scope.resident_paths):
        raise DomainError("region_unknown", _("The region does not exist or is outside your area"), field="region")
    if not isinstance(quota, int) or quota < 1:
        raise DomainError("quota_invalid", _("Ask for at least one person"), field="quota")
    if end <= start:
        raise DomainError("end_before_start", _("The end must be after the start"), field="end")
    return MobilisationCall.objects.create(
        region=region, path=region.path, title=title.strip()[:120], quota=quota, start=start, end=end,
        requires_insurance=requires_insurance, min_age=min_age, skills=list(skills or []), created_by=user,
    )


def _check_eligible(call: MobilisationCall, volunteer: VolunteerRecord) -> None:
    day = call.start.astimezone(SHANGHAI).date()
    if volunteer.status != VolunteerStatus.ACTIVE or not volunteer.region.path.startswith(call.path[: 2 * SEGMENT]):
        raise DomainError("outside_region", _("This call is for volunteers of another area"))
    if call.requires_insurance and not volunteer.is_insured_on(day):
        raise DomainError("insurance_required", _("This call needs volunteers with valid accident insurance"))
    if volunteer.age < call.min_age:
        raise DomainError("too_young", _("This call needs volunteers who are older"))
    if not set(call.skills) <= volunteer.qualified_skill_codes(day):
        raise DomainError("skills_missing", _("This call needs skills you have not registered"))


def call_accept(*, call: MobilisationCall, user) -> Booking:
    """Book the volunteer if a place is left: the first ``quota`` who accept, never one more."""
    from linli.supply.selectors import volunteer_required

    volunteer = volunteer_required(user)
    _check_eligible(call, volunteer)
    try:
        booking = _take_place(call, volunteer)
    except IntegrityError:
        if Booking.objects.filter(call=call, volunteer=volunteer).exists():
            raise DomainError("already_answered", _("You have already answered this call")) from None
        raise DomainError("double_booked", _("You are already booked at that time")) from None
    return booking


@atomic_retry
def _take_place(call: MobilisationCall, volunteer: VolunteerRecord) -> Booking:
    if MobilisationCall.objects.filter(pk=call.pk, closed_at__isnull=True, filled__lt=F("quota")).update(
            filled=F("filled") + 1) != 1:
        raise DomainError("call_full", _("Enough people have already answered this call. Thank you!"))
    booking = Booking.objects.create(call=call, volunteer=volunteer, start=call.start, end=call.end)
    _claim_time(booking)
    return booking


# --- the coordinator: a chosen volunteer, no-shows and stand-ins -----------------------------------


def offer_make(*, user, task: Task, volunteer_id: int) -> Offer:
    """The coordinator picks one volunteer from the shortlist; they still have to accept."""
    scope = scope_for(user)
    if not scope.covers(task.path, scope.resident_paths):
        raise DomainError("not_found", _("Not found"))
    not_open = DomainError("task_not_open", _("This task already has an offer or a booking"))
    best = task_candidates(task, k=1, only=volunteer_id)
    if not best:
        raise DomainError("volunteer_unsuitable", _("This volunteer cannot take this task (skills, distance, time or already asked)"))
    _pk, c = best[0]
    try:
        return _make_offer(task, volunteer_id, c, not_open)
    except IntegrityError:
        raise not_open from None


@atomic_retry
def _make_offer(task: Task, volunteer_id: int, c: Candidate, not_open: DomainError) -> Offer:
    # Claim the task first: of two coordinators asking at once, one wins.
    if Task.objects.filter(pk=task.pk, state__in=[TaskState.OPEN, TaskState.NO_SHOW]).update(
            state=TaskState.OFFERED) != 1:
        raise not_open
    offer = Offer.objects.create(task=task, volunteer_id=volunteer_id, rank=task.offers.count() + 1,
                                 distance_m=c.distance_m, cost=c.cost, method="chosen",
                                 reasons=["chosen_by_coordinator", *c.reasons], expires_at=timezone.now() + _offer_ttl(task))
    _announce([offer.pk])
    return offer


def booking_no_show(*, user, booking: Booking) -> Offer | None:
    """The volunteer did not come: the coordinator records it and the task goes to a stand-in."""
    task = booking.task
    scope = scope_for(user)
    if task is None or not scope.covers(task.path, scope.resident_paths):
        raise DomainError("not_found", _("Not found"))
    if booking.checked_in_at is not None:
        raise DomainError("checked_in", _("The volunteer checked in"))
    if timezone.now() < booking.start:
        raise DomainError("not_started", _("The task has not started yet"))
    return _no_show(task, booking)


@atomic_retry
def _no_show(task: Task, booking: Booking) -> Offer | None:
    # The task, then the booking (the lock order); a volunteer who has checked in meanwhile stays booked.
    if Task.objects.filter(pk=task.pk, state=TaskState.BOOKED).update(state=TaskState.NO_SHOW) != 1:
        raise DomainError("task_not_booked", _("This task is not booked"))
    if Booking.objects.filter(pk=booking.pk, checked_in_at__isnull=True).update(no_show=True) != 1:
        raise DomainError("checked_in", _("The volunteer checked in"))
    BookingQuantum.objects.filter(booking=booking).delete()
    task.refresh_from_db()
    return offer_next(task)


#: A broadcast asks this many volunteers at once unless told otherwise, and never more than the maximum.
BROADCAST_DEFAULT, BROADCAST_MAX = 10, 30


def task_broadcast(*, user, task: Task, count: int = BROADCAST_DEFAULT) -> int:
    """Ask the ``count`` best volunteers not yet asked, all at once (after a no-show, or when
    nobody answers in time): the first to accept is booked and the others' offers are withdrawn.
    Returns the number of offers sent."""
    scope = scope_for(user)
    if not scope.covers(task.path, scope.resident_paths):
        raise DomainError("not_found", _("Not found"))
    if not isinstance(count, int) or not 1 <= count <= BROADCAST_MAX:
        raise DomainError("count_invalid", interpolate(_("Ask between 1 and %(max)s volunteers at once"),
                                                       {"max": BROADCAST_MAX}), field="count")
    not_open = DomainError("task_not_open", _("This task is already booked, done or cancelled"))
    with transaction.atomic():
        # Claim the task first (it stays offered while anyone is asked), then read who was asked:
        # every writer of a task's offers takes the task first, so the list cannot change meanwhile.
        if Task.objects.filter(pk=task.pk, state__in=[TaskState.OPEN, TaskState.OFFERED, TaskState.NO_SHOW]).update(
                state=TaskState.OFFERED) != 1:
            raise not_open
        best = task_candidates(task, k=count)
        if not best:
            raise DomainError("no_candidates", _("No volunteer who has not been asked yet can take this task"))
        rank = task.offers.count()
        expires = timezone.now() + _offer_ttl(task)
        made = Offer.objects.bulk_create([
            Offer(task=task, volunteer_id=volunteer_id, rank=rank + i, distance_m=c.distance_m, cost=c.cost,
                  method="broadcast", reasons=["broadcast", *c.reasons], expires_at=expires)
            for i, (volunteer_id, c) in enumerate(best, start=1)
        ])
        _announce([o.pk for o in made if o.pk is not None])
    return len(best)
