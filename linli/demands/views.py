"""Staff pages: the queue (filters, bulk moves, export), a demand's page, and recording a demand
for a resident during a phone call or a visit."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from linli.accounts.scoping import path_q, scope_for
from linli.catalog.selectors import active_items
from linli.core.errors import DomainError
from linli.core.xlsx import xlsx_response
from linli.demands import triage
from linli.demands.callers import CallerInput, caller_demand_submit
from linli.demands.forms import (
    CallerForm,
    NoteForm,
    PublicationForm,
    QueueFilterForm,
    RecordForm,
    TransitionForm,
)
from linli.demands.models import Demand, normalise_tracking
from linli.demands.selectors import (
    QueueFilter,
    demand_get,
    demand_queue,
    filtered_demands,
    parse_cursor,
)
from linli.demands.services import (
    PUBLISHERS,
    DemandInput,
    actors_for,
    demand_note,
    demand_publication_approve,
    demand_publication_withdraw,
    demand_submit,
    demand_transition,
    duplicate_candidates,
)
from linli.demands.workflow import BY_ACTION, Actor, Reason, actions_from
from linli.people.selectors import resident_get, resident_list
from linli.privacy.models import Action
from linli.regions.selectors import grids_within
from linli.supply.models import Organisation

QUEUE_PAGE = 50
BULK_ACTIONS = ("triage", "assign", "reject", "cancel", "close")


def _require_staff(user):
    if not scope_for(user).resident_paths and not scope_for(user).organisation_ids:
        raise Http404


def _queue_filter(request) -> tuple[QueueFilterForm, QueueFilter]:
    grids = list(grids_within(user=request.user).order_by("path")) if scope_for(request.user).resident_paths else []
    form = QueueFilterForm(request.GET, grids=grids)
    form.is_valid()
    data = form.cleaned_data if hasattr(form, "cleaned_data") else {}
    state = data.get("state", "")
    grid = form.grids.get(data.get("grid", ""))
    return form, QueueFilter(
        within_path=grid.path if grid else "", states=(state,) if state and state != "all" else (),
        open_only=state != "all", urgency_min=int(data["urgency"]) if data.get("urgency") else None,
        overdue=bool(data.get("overdue")), crisis=bool(data.get("crisis")), query=data.get("q", ""),
    )


@login_required
@require_GET
def queue(request):
    _require_staff(request.user)
    form, filters = _queue_filter(request)
    before = parse_cursor(request.GET.get("before"))
    items = demand_queue(user=request.user, filters=filters, before=before, limit=QUEUE_PAGE, by_attention=True)
    total = len(items) if before is None and len(items) < QUEUE_PAGE else filtered_demands(
        user=request.user, filters=filters).count()
    query = request.GET.copy()
    query.pop("before", None)
    last = items[-1] if len(items) == QUEUE_PAGE else None
    return render(request, "demands/queue.html", {
        "form": form, "demands": items, "now": timezone.now(), "filter_query": query.urlencode(), "total": total,
        "next_before": f"{last.priority}.{last.pk}" if last else None, "first_page": before is None,
        "bulk_actions": [(a, BY_ACTION[a].label) for a in BULK_ACTIONS], "reasons": Reason.choices,
        "organisations": _organisations(request.user),
    })


def _organisations(user):
    """Units a coordinator may assign to: those based in the streets the user works in."""
    streets = tuple(p[:8] for p in scope_for(user).paths)
    return Organisation.objects.filter(path_q("region__path", streets), active=True).order_by("name")


@login_required
@require_POST
def bulk(request):
    _require_staff(request.user)
    ids = [int(i) for i in request.POST.getlist("ids") if i.isdigit()][:500]
    action = request.POST.get("action", "")
    if action not in BULK_ACTIONS or not ids:
        messages.error(request, _("Choose demands and an action."))
        return redirect(f"{_queue_url()}?{request.POST.get('filter_query', '')}")
    done, failed = 0, []
    org = Organisation.objects.filter(pk=request.POST.get("assignee_org") or 0).first()
    for pk in ids:
        try:
            demand = demand_get(user=request.user, pk=pk)
            demand_transition(demand=demand, user=request.user, action=action, reason=request.POST.get("reason", ""),
                              note=request.POST.get("note", ""), assignee_org=org)
            done += 1
        except (DomainError, Http404) as exc:
            failed.append(f"{pk}: {getattr(exc, 'message', _('Not found'))}")
    if done:
        messages.success(request, _("%(n)s demand(s) changed.") % {"n": done})
    if failed:
        messages.error(request, _("Not changed: %(list)s") % {"list": "；".join(str(f) for f in failed[:10])})
    return redirect(f"{_queue_url()}?{request.POST.get('filter_query', '')}")


def _queue_url():
    from django.urls import reverse

    return reverse("demands:queue")


@login_required
@require_GET
def export(request):
    _require_staff(request.user)
    _form, filters = _queue_filter(request)
    qs = filtered_demands(user=request.user, filters=filters).order_by("-id")
    from linli.people.services import log_bulk_access

    count = qs.count()
    log_bulk_access(user=request.user, action=Action.EXPORT, count=count, detail=f"demands {request.GET.urlencode()}"[:300],
                    ip=request.META.get("REMOTE_ADDR"))
    headers = [_("Tracking number"), _("Submitted at"), _("State"), _("Service"), _("Urgency"), _("Resident"),
               _("Region"), _("Community"), _("Assigned unit"), _("Due"), _("Channel"), _("Description"), _("Rating")]

    def rows():
        for d in qs.iterator(chunk_size=2000):
            yield [d.tracking_display, timezone.localtime(d.created_at).strftime("%Y-%m-%d %H:%M"),
                   str(d.get_state_display()), f"{d.item.code} {d.item.label}", str(d.get_urgency_display()),
                   d.resident.name if d.resident_id else "", d.region.name, d.community.name,
                   d.assignee_org.name if d.assignee_org_id else "",
                   timezone.localtime(d.due_at).strftime("%Y-%m-%d %H:%M") if d.due_at else "",
                   str(d.get_channel_display()), d.description, d.rating or ""]

    return xlsx_response("demands.xlsx", [(_("Demands"), headers, rows())])


def _publication_form(demand: Demand) -> PublicationForm:
    published = demand.published_at is not None
    return PublicationForm(initial={
        "description": demand.published_description if published else demand.description,
        "address": demand.published_address if published else demand.address,
    })


#: Why triage raised the urgency (``triage.suggest_urgency`` codes), in words.
URGENCY_REASONS = {
    "crisis_phrase": gettext_lazy("crisis words"),
    "emergency_words": gettext_lazy("emergency words"),
    "protection": gettext_lazy("protection case"),
    "vulnerable_child": gettext_lazy("vulnerable child"),
    "vulnerable_elder_health": gettext_lazy("elderly person's health"),
    "information_only": gettext_lazy("a question only"),
}
#: Escalation levels (``tasks.MAX_ESCALATION``): who supervises the overdue demand now.
ESCALATION_LEVELS = {1: gettext_lazy("Escalated to the street for supervision"),
                     2: gettext_lazy("Escalated to the district for supervision")}


def _history(demand: Demand) -> list:
    """The demand's events with their reason and escalation level in words (never a code)."""
    reasons = dict(Reason.choices)
    events = list(demand.events.select_related("actor"))
    for e in events:
        e.reason_label = reasons.get(e.reason, e.reason) if e.reason else ""
        level = (e.data or {}).get("level") if e.action == "escalate" else None
        e.level_label = ESCALATION_LEVELS.get(level, "") if level else ""
    return events


def _detail_context(request, demand: Demand, *, form=None, note_form=None, publication_form=None) -> dict:
    actors = actors_for(request.user, demand)
    transitions = [t for t in actions_from(demand.state, actors) if t.action not in {"confirm", "complain"}]
    orgs = Organisation.objects.filter(active=True, region__path__startswith=demand.community.path[:8]).order_by("name")
    return {
        "demand": demand, "transitions": transitions, "form": form or TransitionForm(initial={"version": demand.version}),
        "note_form": note_form or NoteForm(), "events": _history(demand),
        "urgency_reasons": [URGENCY_REASONS.get(r, r) for r in demand.urgency_reasons or ()],
        "escalation_label": ESCALATION_LEVELS.get(demand.escalation_level, ""),
        "can_merge": any(t.action == "mark_duplicate" for t in transitions),
        "duplicates": duplicate_candidates(demand) if demand.is_open else [],
        "linked": demand.linked.select_related("item")[:20], "organisations": orgs,
        "is_social_worker": Actor.SOCIAL_WORKER in actors, "can_note": bool(actors - {Actor.OWNER}),
        "tags": demand.target_groups.filter(sensitivity__lte=scope_for(request.user).clearance),
        "now": timezone.now(),
        "volunteer_work": demand.is_open and demand.item.code in _item_skills(),
        "can_publish": demand.is_public_area and bool(actors & PUBLISHERS),
        "publication_form": publication_form or _publication_form(demand),
    }


def _item_skills() -> dict:
    from linli.dispatch.services import item_skills

    return item_skills()


@login_required
@require_GET
def detail(request, pk: int):
    demand = demand_get(user=request.user, pk=pk)
    return render(request, "demands/detail.html", _detail_context(request, demand))


@login_required
@require_POST
def transition(request, pk: int):
    demand = demand_get(user=request.user, pk=pk)
    form = TransitionForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        org = Organisation.objects.filter(pk=data["assignee_org"]).first() if data["assignee_org"] else None
        original = None
        if data["duplicate_of"]:
            number = normalise_tracking(data["duplicate_of"])
            original = Demand.objects.filter(tracking_number=number, community=demand.community).first()
        try:
            demand_transition(demand=demand, user=request.user, action=data["action"], reason=data["reason"],
                              note=data["note"], expected_version=data["version"], assignee_org=org, duplicate_of=original)
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, str(exc.message))
        else:
            messages.success(request, _("Saved."))
            return redirect("demands:detail", pk=demand.pk)
    return render(request, "demands/detail.html", _detail_context(request, demand, form=form), status=400)


@login_required
@require_POST
def note(request, pk: int):
    demand = demand_get(user=request.user, pk=pk)
    form = NoteForm(request.POST)
    if form.is_valid():
        try:
            demand_note(demand=demand, user=request.user, note=form.cleaned_data["note"])
        except DomainError as exc:
            form.add_error("note", str(exc.message))
        else:
            return redirect("demands:detail", pk=demand.pk)
    return render(request, "demands/detail.html", _detail_context(request, demand, note_form=form), status=400)


@login_required
@require_POST
def publication(request, pk: int):
    """Approve a public-area demand's words for Open311, as edited on the page, or withdraw them."""
    demand = demand_get(user=request.user, pk=pk)
    form = PublicationForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            if data["op"] == "approve":
                demand_publication_approve(demand=demand, user=request.user, description=data["description"],
                                           address=data["address"])
            else:
                demand_publication_withdraw(demand=demand, user=request.user)
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, str(exc.message))
        else:
            messages.success(request, _("Saved."))
            return redirect("demands:detail", pk=demand.pk)
    return render(request, "demands/detail.html", _detail_context(request, demand, publication_form=form), status=400)


def _caller_regions(user) -> list:
    """Where a caller may live, for the worker: the grids of their area (or its communities)."""
    from linli.regions.models import Level
    from linli.regions.selectors import region_list

    grids = list(grids_within(user=user).order_by("path"))
    return grids or list(region_list(user=user, level=Level.COMMUNITY).order_by("path"))


@login_required
@require_http_methods(["GET", "POST"])
def record(request):
    """Record a demand: for a resident found in the register, or for a caller who is not in it
    (name, mobile, address; with their consent also a resident record)."""
    scope = scope_for(request.user)
    if not scope.resident_paths:
        raise Http404
    form = RecordForm(request.POST or None, items=active_items())
    resident = None
    rid = request.POST.get("resident") or request.GET.get("resident")
    if rid and str(rid).isdigit():
        resident = resident_get(user=request.user, pk=int(rid))
    caller_form = None if resident else CallerForm(request.POST or None, regions=_caller_regions(request.user))
    if request.method == "POST" and form.is_valid() and (caller_form is None or caller_form.is_valid()):
        data = form.cleaned_data
        demand_input = DemandInput(
            region=resident.region if resident else None, description=data["description"], channel=data["channel"],
            item=active_items().filter(code=data["item"]).first(), resident=resident,
            urgency=data["urgency"], consent=data["consent"],
        )
        try:
            if resident is not None:
                result, note = demand_submit(user=request.user, data=demand_input), ""
            else:
                c = caller_form.cleaned_data
                done = caller_demand_submit(user=request.user, data=demand_input, caller=CallerInput(
                    name=c["caller_name"], mobile=c["caller_mobile"], address=c["caller_address"],
                    region=caller_form.regions[c["caller_region"]], register=c["register"], gender=c["gender"],
                ))
                result = done.submitted
                note = (_("Added to the register.") if done.registered else
                        _("Already in the register: recorded for the existing resident.") if done.resident else "")
        except DomainError as exc:
            target = caller_form if caller_form is not None and exc.field in caller_form.fields else form
            target.add_error(exc.field if exc.field in target.fields else None, str(exc.message))
        else:
            d = result.demand
            messages.success(request, " ".join(filter(None, [_("Recorded: %(n)s") % {"n": d.tracking_display}, note])))
            if result.duplicates:
                messages.warning(request, _("This resident already has an open demand for the same service: "
                                            "%(list)s. Merge it from the demand's page if it is the same need.")
                                 % {"list": "、".join(x.tracking_display for x in result.duplicates)})
            return redirect("demands:detail", pk=d.pk)
    return render(request, "demands/record.html", {"form": form, "resident": resident, "caller_form": caller_form})


@login_required
@require_POST
def resident_search(request):
    """htmx: residents matching a name prefix, a mobile number or the last 4 ID digits. A POST, so
    the number typed never appears in a URL or an access log."""
    if not scope_for(request.user).resident_paths:
        raise Http404
    q = request.POST.get("q", "").strip()[:50]
    found = list(resident_list(user=request.user, query=q)[:8]) if len(q) >= 1 else []
    return render(request, "demands/_resident_results.html", {"residents": found, "q": q})


@login_required
@require_POST
def suggest(request):
    """htmx: the service items the description suggests, and any crisis words, while the worker
    types. A POST: the description (often with a name, an address or a number) stays out of URLs."""
    text = request.POST.get("description", "")[:2000]
    lexicon = triage.load_default_lexicon()
    suggestions = triage.suggest_items(text, lexicon, limit=3) if text.strip() else []
    items = {i.code: i for i in active_items().filter(code__in=[s.item_code for s in suggestions])}
    return render(request, "demands/_suggestions.html", {
        "suggestions": [(items[s.item_code], s) for s in suggestions if s.item_code in items],
        "crisis": triage.find_crisis_phrases(text),
    })

