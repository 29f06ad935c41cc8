"""``/api/dispatch``: the volunteer's offers, bookings and calls; the coordinator's tasks, batch
dispatch, the shortlist for one task and emergency calls."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from ninja import Field, Query, Router, Schema, Status

from linli.core.api_support import Id, LocalTime, PathId, caller, responses
from linli.core.errors import DomainError
from linli.demands.selectors import demand_get
from linli.dispatch import selectors as sel
from linli.dispatch import services
from linli.regions.selectors import region_for_input

router = Router(tags=["dispatch"])


class TaskOut(Schema):
    id: int = Field(description="Task id.")
    title: str = Field(description="What is to be done (the service item).")
    start: dt.datetime = Field(description="Start of the window.")
    end: dt.datetime = Field(description="End of the window.")
    lat: Decimal = Field(description="Latitude of the place.")
    lon: Decimal = Field(description="Longitude of the place.")
    skills: list[str] = Field(description="Skill codes needed.")
    priority: int = Field(description="1–5.")
    state: str = Field(description="open, offered, booked, done, no_show or cancelled.")
    demand_id: int | None = Field(description="The demand it serves, or null.")

    @staticmethod
    def resolve_title(obj) -> str:
        return obj.label


class OfferOut(Schema):
    id: int = Field(description="Offer id.")
    task: TaskOut = Field(description="The task offered.")
    state: str = Field(description="pending, accepted, declined, expired or withdrawn.")
    rank: int = Field(description="1 = the first choice for the task.")
    distance_m: int = Field(description="Distance from the volunteer's home, metres.")
    reasons: list[str] = Field(description="Why this volunteer: optimal, familiar, nearest, light_load, busy.")
    expires_at: dt.datetime = Field(description="Answer before this time.")


class BookingOut(Schema):
    id: int = Field(description="Booking id.")
    task_id: int | None = Field(description="The task, or null for an emergency call.")
    call_id: int | None = Field(description="The emergency call, or null.")
    start: dt.datetime = Field(description="Start.")
    end: dt.datetime = Field(description="End.")
    checked_in_at: dt.datetime | None = Field(description="When the volunteer checked in.")
    checked_out_at: dt.datetime | None = Field(description="When the volunteer checked out.")


class CallOut(Schema):
    id: int = Field(description="Call id.")
    title: str = Field(description="What help is needed.")
    start: dt.datetime = Field(description="Start.")
    end: dt.datetime = Field(description="End.")
    quota: int = Field(description="People needed.")
    filled: int = Field(description="People booked so far.")
    requires_insurance: bool = Field(description="Only insured volunteers.")
    min_age: int = Field(description="Minimum age.")


class DeclineIn(Schema):
    reason: str = Field("", description="Optional; a volunteer never has to give one.")


class TaskIn(Schema):
    demand: Id = Field(description="Demand id.")
    start: dt.datetime = Field(description="Start of the window (with offset).")
    end: dt.datetime = Field(description="End of the window.")
    lat: Decimal | None = Field(None, ge=-90, le=90, description="Latitude; defaults to the demand's.")
    lon: Decimal | None = Field(None, ge=-180, le=180, description="Longitude; defaults to the demand's.")


class BatchIn(Schema):
    region: str = Field(description="Region code (community or grid).")
    day: dt.date = Field(description="The day whose open tasks are dispatched.")


class BatchOut(Schema):
    tasks: int = Field(description="Open tasks considered.")
    offers: int = Field(description="Offers made.")
    unassigned: int = Field(description="Tasks no volunteer could take.")


class CallIn(Schema):
    region: str = Field(description="Region code.")
    title: str = Field(description="What help is needed.")
    quota: int = Field(ge=1, le=10_000, description="People needed.")
    start: dt.datetime = Field(description="Start.")
    end: dt.datetime = Field(description="End.")
    requires_insurance: bool = Field(True, description="Only insured volunteers.")
    min_age: int = Field(18, ge=16, le=100, description="Minimum age.")


class DayQuery(Schema):
    day: dt.date | None = Field(None, description="Only tasks starting on this day.")


class PlanIn(Schema):
    region: str = Field(description="Region code (the community, or a grid).")
    item: str = Field(description="4-digit service item code (one volunteers do, e.g. 0101 visits).")
    rule: str = Field(description="daily, weekly or monthly.")
    weekday: int | None = Field(None, ge=0, le=6, description="For weekly: 0 = Monday.")
    day_of_month: int | None = Field(None, ge=1, le=28, description="For monthly.")
    start_time: LocalTime = Field(description="Window start, local time (HH:MM).")
    end_time: LocalTime = Field(description="Window end, local time (HH:MM).")
    target_tag: str | None = Field(None, description="Everyone with this target-group tag in the region, e.g. elderly-living-alone.")


class PlanOut(Schema):
    id: int = Field(description="Plan id.")
    rule: str = Field(description="daily, weekly or monthly.")
    active: bool = Field(description="Whether occurrences are still generated.")


class GenerateIn(Schema):
    start: dt.date = Field(description="First day.")
    end: dt.date = Field(description="Last day (at most 92 days after the first).")


class GenerateOut(Schema):
    created: int = Field(description="Tasks created (existing occurrences are kept).")
    served: int = Field(description="Residents served at least once in the start's month.")
    covered: int = Field(description="Residents the plan covers.")


class CandidateOut(Schema):
    volunteer_id: int = Field(description="Volunteer id.")
    distance_m: int = Field(description="Distance, metres.")
    cost: int = Field(description="Ranking cost: distance less familiarity bonus plus load.")
    reasons: list[str] = Field(description="familiar, nearest, light_load, busy.")


class OfferMadeOut(Schema):
    id: int = Field(description="Offer id.")
    task_id: int = Field(description="The task offered.")
    volunteer_id: int = Field(description="The volunteer asked.")
    state: str = Field(description="pending, accepted, declined, expired or withdrawn.")
    rank: int = Field(description="1 = the first choice for the task.")
    method: str = Field(description="batch, next_best, chosen or broadcast.")
    distance_m: int = Field(description="Distance from the volunteer's home, metres.")
    reasons: list[str] = Field(description="Why this volunteer.")
    expires_at: dt.datetime = Field(description="The volunteer answers before this time.")


class OfferMakeIn(Schema):
    volunteer: Id = Field(description="Volunteer id, e.g. from the shortlist.")


class BroadcastIn(Schema):
    count: int = Field(services.BROADCAST_DEFAULT, ge=1, le=services.BROADCAST_MAX,
                       description="How many of the best volunteers not yet asked get an offer at once.")


class BroadcastOut(Schema):
    offers: int = Field(description="Offers sent (fewer than asked for when fewer volunteers can take the task).")


class NoShowOut(Schema):
    booking: BookingOut = Field(description="The booking, now marked as a no-show.")
    stand_in: OfferMadeOut | None = Field(description="The offer to the next best volunteer, or null when nobody can stand in.")


class MonthQuery(Schema):
    month: str | None = Field(None, pattern=r"^\d{4}-\d{2}$", description="YYYY-MM; this month by default.")


class PlanListOut(Schema):
    id: int = Field(description="Plan id.")
    region: str = Field(description="Region code.")
    item: str = Field(description="Service item code.")
    item_label: str = Field(description="Service item, in the request's language.")
    rule: str = Field(description="daily, weekly or monthly.")
    weekday: int | None = Field(description="For weekly: 0 = Monday.")
    day_of_month: int | None = Field(description="For monthly.")
    start_time: LocalTime = Field(description="Window start, local time (HH:MM:SS).")
    end_time: LocalTime = Field(description="Window end, local time (HH:MM:SS).")
    target_tag: str | None = Field(description="Target-group tag code, or null.")
    active: bool = Field(description="Whether occurrences are still generated.")
    served: int = Field(description="Residents served at least once in the month.")
    covered: int = Field(description="Residents the plan covers.")


class PlanActiveIn(Schema):
    active: bool = Field(description="false pauses the plan (no new occurrences), true resumes it.")


@router.get("/dispatch/offers", response=responses({200: list[OfferOut]}, errors=(401,)), summary="My pending offers")
def list_offers(request):
    return list(sel.my_offers(user=caller(request)))


@router.post("/dispatch/offers/{offer_id}/accept", response=responses({200: BookingOut}, errors=(400, 401, 404, 422)),
             summary="Accept an offer (books my time)")
def accept_offer(request, offer_id: PathId):
    user = caller(request)
    return services.offer_accept(offer=sel.my_offer(user=user, pk=offer_id), user=user)


@router.post("/dispatch/offers/{offer_id}/decline", response=responses({200: OfferOut}, errors=(400, 401, 404, 422)),
             summary="Decline an offer")
def decline_offer(request, offer_id: PathId, payload: DeclineIn):
    user = caller(request)
    offer = sel.my_offer(user=user, pk=offer_id)
    services.offer_decline(offer=offer, user=user, reason=payload.reason)
    offer.refresh_from_db()
    return offer


@router.get("/dispatch/bookings", response=responses({200: list[BookingOut]}, errors=(401,)), summary="My bookings from today")
def list_bookings(request):
    return list(sel.my_bookings(user=caller(request)))


@router.post("/dispatch/bookings/{booking_id}/check-in", response=responses({200: BookingOut}, errors=(400, 401, 404)),
             summary="Check in")
def check_in(request, booking_id: PathId):
    user = caller(request)
    return services.booking_check_in(booking=sel.my_booking(user=user, pk=booking_id), user=user)


@router.post("/dispatch/bookings/{booking_id}/check-out", response=responses({200: BookingOut}, errors=(400, 401, 404)),
             summary="Check out")
def check_out(request, booking_id: PathId):
    user = caller(request)
    return services.booking_check_out(booking=sel.my_booking(user=user, pk=booking_id), user=user)


@router.get("/dispatch/calls", response=responses({200: list[CallOut]}, errors=(401,)), summary="Emergency calls open to me")
def list_calls(request):
    return list(sel.open_calls(user=caller(request)))


@router.post("/dispatch/calls/{call_id}/accept", response=responses({200: BookingOut}, errors=(400, 401, 404)),
             summary="Answer an emergency call")
def accept_call(request, call_id: PathId):
    user = caller(request)
    return services.call_accept(call=sel.call_get(user=user, pk=call_id), user=user)


@router.post("/dispatch/calls", response=responses({201: CallOut}, errors=(400, 401, 422)), summary="Make an emergency call")
def create_call(request, payload: CallIn):
    user = caller(request)
    region = region_for_input(user=user, code=payload.region)
    call = services.call_create(user=user, region=region, title=payload.title, quota=payload.quota, start=payload.start,
                                end=payload.end, requires_insurance=payload.requires_insurance, min_age=payload.min_age)
    return Status(201, call)


@router.post("/dispatch/tasks", response=responses({201: TaskOut}, errors=(400, 401, 404, 422)),
             summary="Make a task for volunteers from a demand")
def create_task(request, payload: TaskIn):
    user = caller(request)
    demand = demand_get(user=user, pk=payload.demand)
    return Status(201, services.task_create_for_demand(user=user, demand=demand, start=payload.start, end=payload.end,
                                                       lat=payload.lat, lon=payload.lon))


@router.get("/dispatch/tasks", response=responses({200: list[TaskOut]}, errors=(401, 422)), summary="Tasks in my area")
def list_tasks(request, query: Query[DayQuery]):
    return list(sel.coordinator_tasks(user=caller(request), day=query.day)[:500])


@router.get("/dispatch/tasks/{task_id}/shortlist", response=responses({200: list[CandidateOut]}),
            summary="The best five volunteers not yet asked about a task, with reasons")
def task_shortlist(request, task_id: PathId):
    user = caller(request)
    task = sel.coordinator_task(user=user, pk=task_id)
    return [{"volunteer_id": pk, "distance_m": c.distance_m, "cost": c.cost, "reasons": list(c.reasons)}
            for pk, c in services.task_candidates(task, k=5)]


@router.post("/dispatch/tasks/{task_id}/offers", response=responses({201: OfferMadeOut}, errors=(400, 401, 404, 422)),
             summary="Ask one chosen volunteer to take a task (they still decide)")
def make_offer(request, task_id: PathId, payload: OfferMakeIn):
    user = caller(request)
    task = sel.coordinator_task(user=user, pk=task_id)
    return Status(201, services.offer_make(user=user, task=task, volunteer_id=payload.volunteer))


@router.post("/dispatch/tasks/{task_id}/broadcast", response=responses({200: BroadcastOut}, errors=(400, 401, 404, 422)),
             summary="Ask the best volunteers not yet asked all at once; the first to accept is booked")
def broadcast_task(request, task_id: PathId, payload: BroadcastIn):
    user = caller(request)
    task = sel.coordinator_task(user=user, pk=task_id)
    return {"offers": services.task_broadcast(user=user, task=task, count=payload.count)}


@router.post("/dispatch/bookings/{booking_id}/no-show", response=responses({200: NoShowOut}, errors=(400, 401, 404)),
             summary="Record that the volunteer did not come; the next best is asked to stand in")
def no_show(request, booking_id: PathId):
    user = caller(request)
    booking = sel.coordinator_booking(user=user, pk=booking_id)
    stand_in = services.booking_no_show(user=user, booking=booking)
    booking.refresh_from_db()
    return {"booking": booking, "stand_in": stand_in}


@router.post("/dispatch/batch", response=responses({200: BatchOut}, errors=(400, 401, 422)),
             summary="Dispatch a region's open tasks of a day (the optimum)")
def batch(request, payload: BatchIn):
    user = caller(request)
    return services.dispatch_batch(user=user, region=region_for_input(user=user, code=payload.region), day=payload.day)



@router.post("/dispatch/plans", response=responses({201: PlanOut}, errors=(400, 401, 422)), summary="Make a recurring plan")
def create_plan(request, payload: PlanIn):
    user = caller(request)
    region = region_for_input(user=user, code=payload.region)
    return Status(201, services.plan_create(
        user=user, region=region, item_code=payload.item, rule=payload.rule, weekday=payload.weekday,
        day_of_month=payload.day_of_month, start_time=payload.start_time, end_time=payload.end_time,
        target_tag_code=payload.target_tag,
    ))


@router.post("/dispatch/plans/{plan_id}/generate", response=responses({200: GenerateOut}, errors=(400, 401, 404, 422)),
             summary="Generate a plan's tasks for a period")
def generate_plan(request, plan_id: PathId, payload: GenerateIn):
    user = caller(request)
    plan = sel.plan_get(user=user, pk=plan_id)
    if not 0 <= (payload.end - payload.start).days <= 92:
        raise DomainError("period_invalid", _("Give a period of at most 92 days, the end not before the start"), field="end")
    created = services.plan_generate(plan=plan, start=payload.start, end=payload.end)
    served, covered = services.plan_coverage(plan=plan, month_start=payload.start.replace(day=1))
    return {"created": created, "served": served, "covered": covered}


@router.get("/dispatch/plans", response=responses({200: list[PlanListOut]}, errors=(400, 401, 422)),
            summary="Recurring plans in my area, each with the month's visit rate (served / covered)")
def list_plans(request, query: Query[MonthQuery]):
    user = caller(request)
    try:
        month = dt.datetime.strptime(query.month, "%Y-%m").date() if query.month else timezone.localdate().replace(day=1)  # noqa: DTZ007
    except ValueError:
        raise DomainError("month_invalid", _("Give the month as YYYY-MM"), field="month") from None
    out = []
    for p in sel.coordinator_plans(user=user):
        served, covered = services.plan_coverage(plan=p, month_start=month)
        out.append({
            "id": p.id, "region": p.region.code, "item": p.item.code, "item_label": p.item.label, "rule": p.rule,
            "weekday": p.weekday, "day_of_month": p.day_of_month, "start_time": p.start_time, "end_time": p.end_time,
            "target_tag": p.target_tag.code if p.target_tag_id else None, "active": p.active,
            "served": served, "covered": covered,
        })
    return out


@router.post("/dispatch/plans/{plan_id}/active", response=responses({200: PlanOut}, errors=(401, 404, 422)),
             summary="Pause a recurring plan (no new occurrences) or resume it")
def set_plan_active(request, plan_id: PathId, payload: PlanActiveIn):
    user = caller(request)
    return services.plan_set_active(user=user, plan=sel.plan_get(user=user, pk=plan_id), active=payload.active)
