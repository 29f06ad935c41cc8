"""The in-app inbox: every message the platform sent the user, newest first."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from linli.notifications.selectors import inbox as inbox_selector
from linli.notifications.services import notification_mark_read


@login_required
@require_GET
def inbox(request):
    page = Paginator(inbox_selector(user=request.user), settings.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "notifications/inbox.html", {"page": page, "filter_query": ""})


@login_required
@require_POST
def mark_read(request):
    ids = [int(i) for i in request.POST.getlist("ids") if i.isdigit()] or None
    notification_mark_read(user=request.user, ids=ids)
    target = request.POST.get("next", "")
    return redirect(target if target.startswith("/") and not target.startswith("//") else "notifications:inbox")
