"""The resident's pages: "我要服务" (ask for a service) and following a demand by tracking number.

Both work without an account: a visitor gives their community and mobile number, gets a tracking
number, and later proves who they are with the tracking number plus the same mobile number. A
logged-in resident skips those fields. The verified demands are remembered in the session.

Without an account both are rate-limited (``settings.RATE_LIMITS``): guesses of the mobile per
address and per tracking number, submissions (each texts the mobile given) per address and per
mobile. Over the limit the page answers 429 with ``Retry-After`` and says how long to wait.
"""

from __future__ import annotations

import hashlib
import secrets
import time

from django import forms
from django.contrib import messages
from django.db import transaction
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from linli.catalog.models import MenuItem
from linli.catalog.selectors import active_items
from linli.core.errors import DomainError
from linli.core.ratelimit import client_ip, ratelimit_hit
from linli.demands.forms import ComplainForm, RatingForm, ServeForm, TrackForm
from linli.demands.models import Channel, Consent, Demand, Satisfaction, normalise_tracking
from linli.demands.services import (
    DemandInput,
    actors_for,
    demand_owner_check,
    demand_rate,
    demand_submit,
    demand_transition,
)
from linli.demands.workflow import RESIDENT_LABELS, Actor, State
from linli.notifications.services import notify
from linli.privacy.crypto import blind_index
from linli.privacy.identifiers import IdentifierError, mask_mobile, parse_mobile
from linli.regions.models import Level, Region

SESSION_KEY = "linli_tracked_demands"


class PersonalServeForm(ServeForm):
    """我要服务 with the one question that decides what is kept: is it about a public place?"""

    public_area = forms.BooleanField(
        label=gettext_lazy("This is about a public place (such as a street light or a manhole cover), not about me"),
        required=False,
    )
    field_order = ["item", "description", "public_area"]


class VerdictForm(RatingForm):
    """The resident's verdict, 好差评-style: five levels from very satisfied to very dissatisfied."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rating"].choices = Satisfaction.choices
        self.fields["comment"].label = _("Reason (optional)")


def _place(community: Region, address: str) -> Region:
    """The building of the community named in the typed address (the longest name that appears in
    it), so the demand lands in that grid worker's queue; the community itself when none matches."""
    address = (address or "").replace(" ", "")
    if not address:
        return community
    buildings = Region.objects.current().filter(level=Level.BUILDING, path__startswith=community.path)
    named = sorted((b for b in buildings if b.name and b.name in address), key=lambda b: -len(b.name))
    return named[0] if named else community


def _own_resident(user):
    return getattr(user, "resident", None) if user.is_authenticated else None


def _items_for(resident):
    """The community's menu when it has one, else the whole catalog."""
    items = active_items()
    if resident is not None:
        menu = MenuItem.objects.filter(community=resident.region.community(), active=True).values_list("item_id", flat=True)
        menu_items = items.filter(pk__in=list(menu))
        if menu_items.exists():
            return menu_items
    return items


def _mobile(text: str) -> str:
    try:
        return parse_mobile(text)
    except IdentifierError:
        return "".join(ch for ch in text if ch.isdigit())


def _too_many(request, template: str, context: dict, form, verdict) -> HttpResponse:
    form.add_error(None, verdict.message)
    response = render(request, template, {**context, "limited": True}, status=429)
    response["Retry-After"] = str(verdict.retry_after)
    return response


def _remember(request, demand: Demand) -> None:
    tracked = [pk for pk in request.session.get(SESSION_KEY, []) if pk != demand.pk][-19:]
    request.session[SESSION_KEY] = [*tracked, demand.pk]


@require_http_methods(["GET", "POST"])
def serve(request):
    resident = _own_resident(request.user)
    anonymous = resident is None
    communities = list(Region.objects.current().filter(level=Level.COMMUNITY).order_by("path")) if anonymous else []
    form = PersonalServeForm(request.POST or None, items=_items_for(resident), communities=communities, anonymous=anonymous)
    context = {"form": form, "anonymous": anonymous, "resident": resident}
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if anonymous:
            verdict = ratelimit_hit(page="serve", values={
                "ip": client_ip(request), "mobile": _mobile(data.get("contact_mobile", ""))})
            if not verdict.allowed:
                return _too_many(request, "demands/serve.html", context, form, verdict)
            region = _place(next(c for c in communities if c.code == data["community"]), data.get("address", ""))
        else:
            region = resident.region
        item = active_items().filter(code=data["item"]).first()
        public = data.get("public_area", False)
        try:
            result = demand_submit(user=request.user, data=DemandInput(
                region=region, description=data["description"], channel=Channel.SELF_SERVICE, item=item,
                resident=None if public else resident, address=data.get("address", ""),
                contact_name=data.get("contact_name", ""), contact_mobile=data.get("contact_mobile", ""),
                consent=Consent.PUBLIC_AREA if public else Consent.SELF,
            ))
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, str(exc.message))
        else:
            _remember(request, result.demand)
            messages.success(request, _("Received. Keep your tracking number: %(n)s") % {"n": result.demand.tracking_display})
            return redirect("demands:track_detail", tracking=result.demand.tracking_number)
    return render(request, "demands/serve.html", context)


@require_http_methods(["GET", "POST"])
def track(request):
    initial = {"tracking_number": normalise_tracking(request.GET.get("n", ""))[:12]}
    form = TrackForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        verdict = ratelimit_hit(page="track", values={
            "ip": client_ip(request), "number": normalise_tracking(form.cleaned_data["tracking_number"])})
        if not verdict.allowed:
            return _too_many(request, "demands/track.html", {"form": form, "mine": []}, form, verdict)
        try:
            demand = demand_owner_check(tracking_number=form.cleaned_data["tracking_number"],
                                        mobile=form.cleaned_data["mobile"])
        except DomainError as exc:
            form.add_error(None, str(exc.message))
        else:
            if demand.pk in request.session.get(SESSION_KEY, []) or \
                    request.session.get(MOBILE_KEY) == demand.contact_mobile_hash:
                return redirect("demands:track_detail", tracking=demand.tracking_number)
            # Knowing a number is not owning it: whoever typed someone else's mobile on 我要服务 must
            # not read that person's progress. The code goes to the phone; the details follow it.
            mobile = parse_mobile(form.cleaned_data["mobile"])
            verdict = ratelimit_hit(page="serve", values={"ip": client_ip(request), "mobile": mobile})
            if not verdict.allowed:
                return _too_many(request, "demands/track.html", {"form": form, "mine": []}, form, verdict)
            _send_code(request, mobile, then=demand.tracking_number)
            return redirect("demands:track_mobile")
    mine = []
    resident = _own_resident(request.user)
    if resident is not None:
        # Their own, and what they reported about a public place (no resident on it, but theirs to follow).
        mine = list(Demand.objects.filter(Q(resident=resident) | Q(created_by=request.user, channel=Channel.SELF_SERVICE))
                    .select_related("item").order_by("-id")[:20])
    return render(request, "demands/track.html", {"form": form, "mine": mine})


def _owned(request, tracking: str) -> tuple[Demand, bool]:
    """The demand, and whether the visitor proved ownership in this session (404 otherwise)."""
    from django.http import Http404

    demand = Demand.objects.select_related("item", "community", "resident", "assignee_org").filter(
        tracking_number=tracking.upper()).first()
    if demand is None:
        raise Http404
    verified = demand.pk in request.session.get(SESSION_KEY, [])
    if not verified and Actor.OWNER not in actors_for(request.user, demand):
        raise Http404
    return demand, verified


@require_http_methods(["GET", "POST"])
def track_detail(request, tracking: str):
    demand, verified = _owned(request, tracking)
    rating_form = VerdictForm(request.POST if request.POST.get("do") == "rate" else None)
    complain_form = ComplainForm(request.POST if request.POST.get("do") == "complain" else None)
    if request.method == "POST":
        try:
            _verdict(request, demand, verified, rating_form, complain_form)
        except DomainError as exc:
            messages.error(request, str(exc.message))
        else:
            if not rating_form.errors and not complain_form.errors:
                return redirect("demands:track_detail", tracking=demand.tracking_number)
    events = list(demand.events.exclude(action__in=INTERNAL_EVENTS).select_related("actor").order_by("at", "id"))
    return render(request, "demands/track_detail.html", {
        "demand": demand, "timeline": resident_timeline(events), "answer": _answer(demand, events),
        "rating_form": rating_form, "complain_form": complain_form,
        "can_verdict": demand.state in {"resolved", "closed"}, "can_rate": demand.rating is None,
        "verdict_label": Satisfaction(demand.rating).label if demand.rating in Satisfaction.values else "",
    })


#: History lines that are the staff's business, not the resident's.
INTERNAL_EVENTS = ["note", "remind", "escalate", "publish", "unpublish", "follow_up"]
RESIDENT_EVENT_LABELS = {
    "submit": gettext_lazy("Received"),
    "rate": gettext_lazy("You gave your verdict"),
    "complain": gettext_lazy("You said it was not resolved: handled again"),
    "merge_in": gettext_lazy("A repeat of this request was merged into it"),
}


def resident_timeline(events) -> list[dict]:
    """The history in the resident's words, one line per step: a step that reads the same as the
    one before it (a triage and an automatic assignment, a reassignment) is not repeated."""
    lines: list[dict] = []
    for e in events:
        if e.action in RESIDENT_EVENT_LABELS:
            label = str(RESIDENT_EVENT_LABELS[e.action])
        elif e.action == "reassign" or (e.to_state and e.to_state != e.from_state):
            label = str(RESIDENT_LABELS.get(e.to_state or State.ASSIGNED, e.label))
        else:
            continue
        if lines and lines[-1]["label"] == label:
            continue
        lines.append({"at": e.at, "label": label})
    return lines


def _answer(demand: Demand, events) -> dict | None:
    """What was done (the resolution note in the server's words), by whom (an organisation or the
    community, never a username) and when: the latest resolution."""
    resolved = [e for e in events if e.action == "resolve"]
    if not resolved:
        return None
    e = resolved[-1]
    who = demand.assignee_org.name if demand.assignee_org_id else demand.community.name
    return {"note": e.note, "who": who, "at": e.at}


def _verdict(request, demand, verified, rating_form, complain_form) -> None:
    do = request.POST.get("do")
    if do == "confirm":
        demand_transition(demand=demand, user=request.user, action="confirm", owner_verified=verified)
        messages.success(request, _("Thank you for confirming."))
    elif do == "rate" and rating_form.is_valid():
        demand_rate(demand=demand, user=request.user, rating=rating_form.cleaned_data["rating"],
                    comment=rating_form.cleaned_data["comment"], owner_verified=verified)
        messages.success(request, _("Thank you for your rating."))
    elif do == "complain" and complain_form.is_valid():
        demand_transition(demand=demand, user=request.user, action="complain", note=complain_form.cleaned_data["note"],
                          owner_verified=verified)
        messages.success(request, _("Your complaint was sent; the demand is open again."))


# --- finding one's requests by mobile number and a one-time code ------------------------------------

CODE_KEY = "linli_track_code"
MOBILE_KEY = "linli_track_mobile"
#: A code lives this many seconds and survives this many wrong guesses.
CODE_TTL = 600
CODE_TRIES = 5


class MobileForm(forms.Form):
    mobile = forms.CharField(label=gettext_lazy("Mobile number"), max_length=20,
                             widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}))


class CodeForm(forms.Form):
    code = forms.CharField(label=gettext_lazy("Code from the SMS"), max_length=6, min_length=6,
                           widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}))


def _code_digest(code: str, mobile_hash: str) -> str:
    return hashlib.sha256(f"{code}:{mobile_hash}".encode()).hexdigest()


def _mobile_demands(mobile_hash: str) -> list[Demand]:
    """Requests given with this mobile number, or of the registered resident with it."""
    return list(Demand.objects.filter(Q(contact_mobile_hash=mobile_hash) | Q(resident__mobile_hash=mobile_hash))
                .select_related("item").order_by("-id")[:50])


def _send_code(request, mobile: str, *, then: str = "") -> None:
    """Text a one-time code to ``mobile``; the session keeps only its digest (and, with ``then``, the
    tracking number to open once the code is right)."""
    code = f"{secrets.randbelow(10**6):06d}"
    mobile_hash = blind_index(mobile)
    with transaction.atomic():
        notify(template="track_code", context={"code": code}, addresses=[mobile])
    request.session[CODE_KEY] = {"digest": _code_digest(code, mobile_hash), "mobile_hash": mobile_hash,
                                 "masked": mask_mobile(mobile), "expires": time.time() + CODE_TTL, "tries": 0,
                                 "then": then}
    request.session.pop(MOBILE_KEY, None)
    messages.success(request, _("A code was sent to %(m)s.") % {"m": mask_mobile(mobile)})


@never_cache
@require_http_methods(["GET", "POST"])
def track_mobile(request):
    """Step 1: the mobile number, a code is texted to it. Step 2: the code; the requests are listed
    and may be opened, as after tracking number + mobile."""
    mobile_form = MobileForm(request.POST if request.POST.get("do") == "send" else None)
    code_form = CodeForm(request.POST if request.POST.get("do") == "check" else None)
    pending = request.session.get(CODE_KEY)
    context = {"mobile_form": mobile_form, "code_form": code_form, "pending": pending}
    if request.method == "POST" and mobile_form.is_valid():
        try:
            mobile = parse_mobile(mobile_form.cleaned_data["mobile"])
        except IdentifierError as exc:
            mobile_form.add_error("mobile", str(exc.message))
            return render(request, "demands/track_mobile.html", context)
        verdict = ratelimit_hit(page="serve", values={"ip": client_ip(request), "mobile": mobile})
        if not verdict.allowed:
            return _too_many(request, "demands/track_mobile.html", context, mobile_form, verdict)
        _send_code(request, mobile)
        return redirect("demands:track_mobile")
    if request.method == "POST" and code_form.is_valid():
        if not pending or pending["expires"] < time.time() or pending["tries"] >= CODE_TRIES:
            request.session.pop(CODE_KEY, None)
            code_form.add_error("code", _("The code has expired. Ask for a new one."))
            context["pending"] = None
        elif not secrets.compare_digest(_code_digest(code_form.cleaned_data["code"], pending["mobile_hash"]),
                                        pending["digest"]):
            pending["tries"] += 1
            request.session[CODE_KEY] = pending
            code_form.add_error("code", _("The code is not right."))
        else:
            request.session.pop(CODE_KEY, None)
            request.session[MOBILE_KEY] = pending["mobile_hash"]
            then = Demand.objects.filter(tracking_number=pending.get("then") or "",
                                         contact_mobile_hash=pending["mobile_hash"]).first()
            if then is not None:  # came from tracking number + mobile: straight to that request
                _remember(request, then)
                return redirect("demands:track_detail", tracking=then.tracking_number)
            return redirect("demands:track_mobile")
        return render(request, "demands/track_mobile.html", context)
    verified = request.session.get(MOBILE_KEY)
    if verified:
        found = _mobile_demands(verified)
        for demand in found:
            _remember(request, demand)
        context["found"] = found
        context["verified"] = True
    return render(request, "demands/track_mobile.html", context)
