"""Staff actions on a personal request's contact (see ``contact.py``): reveal the mobile with a
reason, and confirm the link to a registered resident. The panel on the demand page is
``demands/_contact.html``."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from linli.core.errors import DomainError
from linli.demands.contact import demand_contact_reveal, demand_resident_link
from linli.demands.selectors import demand_get


@never_cache
@login_required
@require_POST
def contact_reveal(request, pk: int):
    demand = demand_get(user=request.user, pk=pk)
    try:
        value = demand_contact_reveal(user=request.user, demand=demand, reason=request.POST.get("reason", ""),
                                      reason_text=request.POST.get("reason_text", ""),
                                      ip=request.META.get("REMOTE_ADDR") or None)
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return redirect("demands:detail", pk=demand.pk)
    return render(request, "demands/contact_revealed.html", {"demand": demand, "mobile": value})


@login_required
@require_POST
def contact_link(request, pk: int):
    demand = demand_get(user=request.user, pk=pk)
    try:
        resident_id = int(request.POST.get("resident", "0"))
    except ValueError:
        resident_id = 0
    try:
        linked = demand_resident_link(user=request.user, demand=demand, resident_id=resident_id)
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Linked to %(name)s.") % {"name": linked.resident.name})
    return redirect("demands:detail", pk=demand.pk)
