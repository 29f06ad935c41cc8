"""Volunteer pages: becoming a volunteer, one's own profile, and the staff list, export and detail."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from linli.core.errors import DomainError
from linli.core.xlsx import xlsx_response
from linli.ledger.selectors import wallet
from linli.people.services import log_bulk_access
from linli.privacy.models import Action
from linli.regions.models import Level, Region
from linli.regions.selectors import grids_within
from linli.supply import selectors
from linli.supply.forms import (
    CertificateForm,
    ExceptionFormSet,
    ProfileForm,
    RegistrationForm,
    VolunteerFilterForm,
    WeeklyFormSet,
    exception_initial,
    exception_inputs,
    weekly_initial,
    weekly_inputs,
)
from linli.supply.services import (
    certificate_add,
    certificate_remove,
    volunteer_register,
    volunteer_set_availability,
    volunteer_update_profile,
)


def _show_error(form, exc: DomainError) -> None:
    form.add_error(exc.field if exc.field in form.fields else None, str(exc.message))


def _home_regions():
    return list(Region.objects.current().filter(level__in=[Level.COMMUNITY, Level.GRID]).order_by("path"))


@login_required
@require_http_methods(["GET", "POST"])
def register(request):
    if selectors.volunteer_own(user=request.user) is not None:
        return redirect("volunteers:me")
    resident = getattr(request.user, "resident", None)
    form = RegistrationForm(request.POST or None, resident=resident, skills=selectors.skills(),
                            regions=[] if resident else _home_regions())
    if request.method == "POST" and form.is_valid():
        try:
            volunteer_register(user=request.user, data=form.volunteer_input())
        except DomainError as exc:
            _show_error(form, exc)
        else:
            messages.success(request, _("Welcome! You are registered as a volunteer. Add the times you can serve."))
            return redirect("volunteers:me")
    return render(request, "supply/volunteer_register.html", {"form": form, "resident": resident})


def _own_or_register(request):
    volunteer = selectors.volunteer_own(user=request.user)
    if volunteer is None:
        raise Http404
    return volunteer


def _profile_form(volunteer, data=None):
    initial = {
        "skills": [s.code for s in volunteer.skills.all()], "max_km": volunteer.max_km,
        "daily_capacity": volunteer.daily_capacity, "mobile": volunteer.mobile, "insurer": volunteer.insurer,
        "insurance_policy": volunteer.insurance_policy, "insurance_valid_until": volunteer.insurance_valid_until,
        "lat": volunteer.lat, "lon": volunteer.lon,
    }
    return ProfileForm(data, initial=initial, skills=selectors.skills(), with_mobile=volunteer.resident_id is None)


def _forms(volunteer, post=None, do: str = "") -> dict:
    def bound(name):
        return post if do == name else None

    return {
        "profile_form": _profile_form(volunteer, bound("profile")),
        "weekly_formset": WeeklyFormSet(bound("availability"), initial=weekly_initial(volunteer), prefix="weekly"),
        "exception_formset": ExceptionFormSet(bound("availability"), initial=exception_initial(volunteer), prefix="exceptions"),
        "certificate_form": CertificateForm(bound("certificate"), kinds=selectors.certificate_kinds()),
    }


def _save_profile(volunteer, forms) -> bool:
    form = forms["profile_form"]
    if not form.is_valid():
        return False
    try:
        volunteer_update_profile(volunteer=volunteer, data=form.profile_input())
    except DomainError as exc:
        _show_error(form, exc)
        return False
    return True


def _formset_error(forms, exc: DomainError) -> None:
    """Put a service error on the row it names (``weekly.2.end``), else on the formset."""
    parts = (exc.field or "").split(".")
    formset = forms["weekly_formset"] if parts[0] == "weekly" else forms["exception_formset"]
    rows = [f for f in formset.forms if f.has_changed() and not formset._should_delete_form(f)]
    if len(parts) > 1 and parts[1].isdigit() and int(parts[1]) < len(rows):
        row = rows[int(parts[1])]
        row.add_error(parts[2] if len(parts) > 2 and parts[2] in row.fields else None, str(exc.message))
    else:
        formset.non_form_errors().append(str(exc.message))


def _save_availability(volunteer, forms) -> bool:
    weekly, exceptions = forms["weekly_formset"], forms["exception_formset"]
    if not (weekly.is_valid() and exceptions.is_valid()):
        return False
    try:
        volunteer_set_availability(volunteer=volunteer, weekly=weekly_inputs(weekly), exceptions=exception_inputs(exceptions))
    except DomainError as exc:
        _formset_error(forms, exc)
        return False
    return True


def _save_certificate(volunteer, forms) -> bool:
    form = forms["certificate_form"]
    if not form.is_valid():
        return False
    try:
        certificate_add(volunteer=volunteer, **form.cleaned_data)
    except DomainError as exc:
        _show_error(form, exc)
        return False
    return True


SAVERS = {"profile": _save_profile, "availability": _save_availability, "certificate": _save_certificate}


@login_required
@require_http_methods(["GET", "POST"])
def me(request):
    """The volunteer's own profile: one page, one form per section, each saved on its own."""
    volunteer = selectors.volunteer_own(user=request.user)
    if volunteer is None:
        return redirect("volunteers:register")
    do = request.POST.get("do", "") if request.method == "POST" else ""
    forms = _forms(volunteer, request.POST, do)
    status = 200
    if do in SAVERS:
        if SAVERS[do](volunteer, forms):
            messages.success(request, _("Saved."))
            return redirect("volunteers:me")
        status = 400
    return render(request, "supply/volunteer_me.html", {
        "volunteer": volunteer, **forms, "today": timezone.localdate(),
        "unqualified": _unqualified(volunteer), "wallet": wallet(volunteer),
    }, status=status)


def _unqualified(volunteer) -> list:
    """Skills the volunteer chose that need a certificate they do not hold (valid today)."""
    qualified = volunteer.qualified_skill_codes()
    return [s for s in volunteer.skills.all() if s.code not in qualified]


@login_required
@require_POST
def certificate_delete(request, pk):
    volunteer = _own_or_register(request)
    try:
        certificate_remove(volunteer=volunteer, certificate_id=pk)
    except DomainError:
        raise Http404 from None
    messages.success(request, _("Certificate removed."))
    return redirect("volunteers:me")


# --- staff pages --------------------------------------------------------------------------------


def _require_list(user) -> None:
    if not selectors.sees_volunteer_list(user):
        raise Http404


def _filtered(request):
    form = VolunteerFilterForm(
        request.GET, skills=list(selectors.skills()), grids=list(grids_within(user=request.user).order_by("path")),
        kinds=list(selectors.certificate_kinds()),
    )
    return form, selectors.volunteer_list(user=request.user, **form.filters())


@login_required
def volunteer_list(request):
    _require_list(request.user)
    form, volunteers = _filtered(request)
    page = Paginator(volunteers, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "supply/volunteer_list.html", {
        "form": form, "page": page, "filter_query": query.urlencode(), "today": timezone.localdate(),
    })


@login_required
def volunteer_export(request):
    """The filtered list as a spreadsheet; mobiles stay masked; the export is logged."""
    _require_list(request.user)
    _form, volunteers = _filtered(request)
    rows = [_export_row(v) for v in volunteers]
    log_bulk_access(user=request.user, action=Action.EXPORT, count=len(rows),
                    detail=f"volunteers {request.GET.urlencode()}", ip=request.META.get("REMOTE_ADDR") or None)
    headers = [
        _("Name"), _("Gender"), _("Age"), _("Home region"), _("Mobile number"), _("Skills"),
        _("Maximum distance (km)"), _("Services per day"), _("Insured until"), _("Certificates"),
    ]
    stamp = timezone.localtime().strftime("%Y%m%d")
    return xlsx_response(f"volunteers-{stamp}.xlsx", [(_("Volunteers"), headers, rows)])


def _export_row(v) -> list:
    certificates = "、".join(
        f"{c.kind.label}{' ' + c.valid_until.isoformat() if c.valid_until else ''}" for c in v.certificates.all()
    )
    return [
        v.name, v.get_gender_display(), v.age, v.region.name, v.mobile_masked,
        "、".join(s.label for s in v.skills.all()), float(v.max_km), v.daily_capacity,
        v.insurance_valid_until.isoformat() if v.insurance_valid_until else "", certificates,
    ]


@login_required
def volunteer_detail(request, pk):
    """One volunteer: staff within their area, or the volunteer themselves (404 otherwise)."""
    volunteer = selectors.volunteer_get(user=request.user, pk=pk)
    return render(request, "supply/volunteer_detail.html", {
        "volunteer": volunteer, "today": timezone.localdate(), "unqualified": _unqualified(volunteer),
        "wallet": wallet(volunteer),
    })


@login_required
def team_list(request):
    return render(request, "supply/team_list.html", {"teams": selectors.team_list(user=request.user)})


@login_required
def team_detail(request, pk):
    return render(request, "supply/team_detail.html", {"team": selectors.team_get(user=request.user, pk=pk)})
