"""The in-app inbox: what is unread first (crisis notices at the top, then one digest line per kind
when a kind has many), then every earlier message, newest first."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from linli.notifications.models import Notification
from linli.notifications.selectors import inbox as inbox_selector
from linli.notifications.services import notification_mark_read

#: A kind with this many unread messages or more is shown as one digest line.
DIGEST_AT = 3
#: Unread messages read for the top of the inbox (the rest are counted in the digests' totals).
UNREAD_MAX = 500
#: Kinds shown first, in this order; the other urgent ones follow, then the rest.
FIRST_KINDS = ("demand_crisis", "demand_escalated")
KIND_LABELS = {
    "demand_crisis": _("Crisis"),
    "demand_escalated": _("Escalated"),
    "demand_reminder": _("Due soon"),
    "demand_assigned": _("New demands for your unit"),
    "demand_complaint": _("Complaint"),
    "dispatch_offer": _("Task offers"),
}


@dataclass
class Group:
    kind: str
    items: list[Notification] = field(default_factory=list)

    @property
    def label(self):
        return KIND_LABELS.get(self.kind, _("Notices"))

    @property
    def digest(self) -> bool:
        return len(self.items) >= DIGEST_AT and self.kind != "demand_crisis"  # each crisis on its own line

    @property
    def urgent(self) -> bool:
        return any(n.urgent for n in self.items)


def unread_groups(unread: list[Notification]) -> list[Group]:
    """Unread messages by kind: crisis first, then the other urgent kinds, then by the newest message."""
    groups: dict[str, Group] = {}
    for n in unread:  # newest first
        groups.setdefault(n.template, Group(n.template)).items.append(n)

    def rank(g: Group):
        first = FIRST_KINDS.index(g.kind) if g.kind in FIRST_KINDS else len(FIRST_KINDS) + (0 if g.urgent else 1)
        return (first, -g.items[0].pk)

    return sorted(groups.values(), key=rank)


@login_required
@require_GET
def inbox(request):
    earlier = inbox_selector(user=request.user).filter(read_at__isnull=False)
    page = Paginator(earlier, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    groups = []
    if page.number == 1:
        groups = unread_groups(list(inbox_selector(user=request.user, unread_only=True)[:UNREAD_MAX]))
    return render(request, "notifications/inbox.html", {"page": page, "groups": groups, "filter_query": ""})


@login_required
@require_POST
def mark_read(request):
    ids = [int(i) for i in request.POST.getlist("ids") if i.isdigit()] or None
    notification_mark_read(user=request.user, ids=ids)
    target = request.POST.get("next", "")
    return redirect(target if target.startswith("/") and not target.startswith("//") else "notifications:inbox")
