"""Background work on demands: reminders, escalation of overdue demands and the follow-up.

``sweep_deadlines`` is enqueued every minute by ``linli worker`` (see ``core/management/commands/
worker.py``) and can run on any number of workers at once: each demand is claimed with a
conditional UPDATE, so a reminder or an escalation is sent once, never twice.

The claim, the history event and the notification rows (the outbox) go in one transaction per
demand: a worker that dies half-way leaves the demand unclaimed, and the next sweep does it again;
the messages are sent after commit (``notifications.tasks``). A demand whose step fails is logged
and left for the next sweep, without holding up the others.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_tasks import task

from linli.accounts.roles import Role
from linli.demands.models import Demand, DemandEvent
from linli.demands.workflow import OPEN_STATES, Actor, State

#: Escalation levels: 0 the community, 1 the street, 2 the district (the last).
MAX_ESCALATION = 2
_LEVEL_ROLES = {1: {Role.STREET_OFFICER}, 2: {Role.DISTRICT_OFFICER}}

logger = logging.getLogger("linli.demands")


def _in_one_transaction(step, pk: int, kind: str) -> bool:
    """Run ``step()`` (claim, event, notifications) atomically; ``False`` when it was not done."""
    try:
        with transaction.atomic():
            return step()
    except Exception:  # this demand waits for the next sweep; the others go on
        logger.exception("%s of demand %s failed; it is tried again on the next sweep", kind, pk)
        return False


def _reminders(now: dt.datetime) -> int:
    from linli.demands import notify as n

    sent = 0
    # The deadline is set (at submission, and again on a reopen or complaint) to the urgency's hours
    # after that moment; the reminder is due when the last (1 - share) of those hours begins. Asked
    # of the database from due_at alone, so a reopened demand is not reminded at once, and only due
    # demands are read (index on state, due_at).
    left = 1 - settings.DEMAND_REMINDER_AT
    due = Q()
    for urgency, hours in settings.DEMAND_DEADLINE_HOURS.items():
        due |= Q(urgency=urgency, due_at__lte=now + dt.timedelta(hours=hours * left))

    def remind(pk: int) -> bool:
        if Demand.objects.filter(pk=pk, reminded_at__isnull=True, due_at__gt=now).update(reminded_at=now) != 1:
            return False  # another worker got it
        full = n.load_demand(pk)
        DemandEvent.objects.create(demand=full, actor_role=Actor.SYSTEM, action="remind", from_state=full.state,
                                   to_state=full.state)
        n.notify(template="demand_reminder", context=n.message_context(full),
                 users=_responsible(full), link=f"/demands/{full.pk}/")
        return True

    # Only while the deadline is still ahead: an overdue demand is escalated, never told "即将超期".
    pks = list(Demand.objects.filter(due, state__in=OPEN_STATES, reminded_at__isnull=True, due_at__gt=now)
               .values_list("pk", flat=True))
    for pk in pks:
        sent += _in_one_transaction(lambda pk=pk: remind(pk), pk, "reminder")
    return sent


def _responsible(d: Demand):
    from linli.accounts.models import User
    from linli.demands import notify as n

    users = n.staff_of(d, {Role.COMMUNITY_WORKER, Role.GRID_WORKER})
    if d.assignee_org_id:
        users += list(User.objects.filter(memberships__role=Role.ORG_ADMIN, memberships__organisation_id=d.assignee_org_id,
                                          memberships__active=True, is_active=True).distinct())
    return users


def _escalations(now: dt.datetime) -> int:
    """An overdue demand climbs one level at its deadline and one more every step after it.

    Each step waits a full step after the one before (``escalated_at``), not only after the
    deadline: a demand found long overdue (the sweeps were down, or it was dated back) goes to the
    street now and to the district a step later, never to both within a minute."""
    from linli.demands import notify as n

    step = dt.timedelta(hours=settings.DEMAND_ESCALATION_STEP_HOURS)
    done = 0
    candidates = Demand.objects.filter(state__in=OPEN_STATES, due_at__lte=now, escalation_level__lt=MAX_ESCALATION)

    def escalate(pk: int, from_level: int) -> bool:
        level = from_level + 1
        claimed = Demand.objects.filter(pk=pk, escalation_level=from_level).update(
            escalation_level=level, escalated_at=now, version=F("version") + 1,
        )
        if claimed != 1:
            return False
        full = n.load_demand(pk)
        DemandEvent.objects.create(demand=full, actor_role=Actor.SYSTEM, action="escalate", from_state=full.state,
                                   to_state=full.state, data={"level": level})
        level_name = str(_("street") if level == 1 else _("district"))
        n.notify(template="demand_escalated", context={**n.message_context(full), "level": level_name},
                 users=n.staff_of(full, _LEVEL_ROLES[level], levels_up=level), link=f"/demands/{full.pk}/", urgent=True)
        return True

    rows = candidates.values_list("pk", "due_at", "escalation_level", "escalated_at")
    for pk, due_at, from_level, escalated_at in list(rows):
        if due_at + step * from_level > now:
            continue
        if from_level and escalated_at is not None and escalated_at + step > now:
            continue
        done += _in_one_transaction(lambda pk=pk, from_level=from_level: escalate(pk, from_level), pk, "escalation")
    return done


def _followups(now: dt.datetime) -> int:
    from linli.demands import notify as n

    done = 0
    due = Demand.objects.filter(state=State.RESOLVED, followup_due_at__lte=now, followup_sent_at__isnull=True)

    def follow_up(pk: int) -> bool:
        if Demand.objects.filter(pk=pk, followup_sent_at__isnull=True).update(followup_sent_at=now) != 1:
            return False
        full = n.load_demand(pk)
        DemandEvent.objects.create(demand=full, actor_role=Actor.SYSTEM, action="follow_up", from_state=full.state,
                                   to_state=full.state)
        users, addresses = n.owner_targets(full)
        n.notify(template="demand_followup", context=n.message_context(full), users=users, addresses=addresses,
                 link=n.message_context(full)["link"])
        return True

    for pk in list(due.values_list("pk", flat=True)):
        done += _in_one_transaction(lambda pk=pk: follow_up(pk), pk, "follow-up")
    return done


def sweep(now: dt.datetime | None = None) -> dict[str, int]:
    now = now or timezone.now()
    return {"reminders": _reminders(now), "escalations": _escalations(now), "followups": _followups(now)}


@task()
def sweep_deadlines() -> dict[str, int]:
    return sweep()

