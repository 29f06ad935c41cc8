"""Background work on demands: reminders, escalation of overdue demands and the follow-up.

``sweep_deadlines`` is enqueued every minute by ``linli worker`` (see ``core/management/commands/
worker.py``) and can run on any number of workers at once: each demand is claimed with a
conditional UPDATE, so a reminder or an escalation is sent once, never twice.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
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
    for d in Demand.objects.filter(due, state__in=OPEN_STATES, reminded_at__isnull=True).only("pk").iterator():
        if Demand.objects.filter(pk=d.pk, reminded_at__isnull=True).update(reminded_at=now) != 1:
            continue  # another worker got it
        full = n.load_demand(d.pk)
        DemandEvent.objects.create(demand=full, actor_role=Actor.SYSTEM, action="remind", from_state=full.state,
                                   to_state=full.state)
        n.notify(template="demand_reminder", context=n.message_context(full),
                 users=_responsible(full), link=f"/demands/{full.pk}/")
        sent += 1
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
    """An overdue demand climbs one level at its deadline and one more every step after it."""
    from linli.demands import notify as n

    step = dt.timedelta(hours=settings.DEMAND_ESCALATION_STEP_HOURS)
    done = 0
    candidates = Demand.objects.filter(state__in=OPEN_STATES, due_at__lte=now, escalation_level__lt=MAX_ESCALATION)
    for d in candidates.only("pk", "due_at", "escalation_level").iterator():
        level = d.escalation_level + 1
        if d.due_at + step * (level - 1) > now:
            continue
        claimed = Demand.objects.filter(pk=d.pk, escalation_level=d.escalation_level).update(
            escalation_level=level, escalated_at=now, version=F("version") + 1,
        )
        if claimed != 1:
            continue
        full = n.load_demand(d.pk)
        DemandEvent.objects.create(demand=full, actor_role=Actor.SYSTEM, action="escalate", from_state=full.state,
                                   to_state=full.state, data={"level": level})
        level_name = str(_("street") if level == 1 else _("district"))
        n.notify(template="demand_escalated", context={**n.message_context(full), "level": level_name},
                 users=n.staff_of(full, _LEVEL_ROLES[level], levels_up=level), link=f"/demands/{full.pk}/", urgent=True)
        done += 1
    return done


def _followups(now: dt.datetime) -> int:
    from linli.demands import notify as n

    done = 0
    due = Demand.objects.filter(state=State.RESOLVED, followup_due_at__lte=now, followup_sent_at__isnull=True)
    for d in due.only("pk").iterator():
        if Demand.objects.filter(pk=d.pk, followup_sent_at__isnull=True).update(followup_sent_at=now) != 1:
            continue
        full = n.load_demand(d.pk)
        DemandEvent.objects.create(demand=full, actor_role=Actor.SYSTEM, action="follow_up", from_state=full.state,
                                   to_state=full.state)
        users, addresses = n.owner_targets(full)
        n.notify(template="demand_followup", context=n.message_context(full), users=users, addresses=addresses,
                 link=n.message_context(full)["link"])
        done += 1
    return done


def sweep(now: dt.datetime | None = None) -> dict[str, int]:
    now = now or timezone.now()
    return {"reminders": _reminders(now), "escalations": _escalations(now), "followups": _followups(now)}


@task()
def sweep_deadlines() -> dict[str, int]:
    return sweep()

