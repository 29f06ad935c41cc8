"""Resident register pages: the list, a resident's record, and the audited reveal."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_POST

from linli.accounts.roles import Role
from linli.accounts.scoping import scope_for
from linli.core.errors import DomainError
from linli.people import selectors
from linli.people.forms import ResidentFilterForm, RevealForm
from linli.people.services import REVEALABLE_FIELDS
from linli.people.services import resident_reveal as reveal_service
from linli.privacy.models import AccessLog
from linli.regions.selectors import grids_within


def _require_register(user):
    scope = scope_for(user)
    if not scope.resident_paths and Role.RESIDENT not in scope.roles:
        raise Http404
    return scope


@login_required
def resident_list(request):
    scope = _require_register(request.user)
    grids = list(grids_within(user=request.user).order_by("path")) if scope.resident_paths else []
    tags = list(selectors.visible_tags(request.user))
    form = ResidentFilterForm(request.GET, grids=grids, tags=tags)
    residents = selectors.resident_list(user=request.user, **form.filters())
    page = Paginator(residents, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    filter_query = request.GET.copy()
    filter_query.pop("page", None)
    return render(request, "people/resident_list.html", {
        "form": form,
        "page": page,
        "filter_query": filter_query.urlencode(),
        "can_import": bool(scope.import_paths),
        "can_export": bool(scope.resident_paths),
        "show_filters": bool(scope.resident_paths),
    })


def _can_reveal(user, resident) -> bool:
    scope = scope_for(user)
    return scope.covers(resident.region.path, scope.reveal_paths)


def _detail_context(request, resident, *, revealed=None, errors=None, forms=None):
    can_reveal = _can_reveal(request.user, resident)
    revealed = revealed or {}
    errors = errors or {}
    forms = forms or {}
    fields = []
    for name, label in REVEALABLE_FIELDS.items():
        masked = getattr(resident, f"{name}_masked")
        fields.append({
            "name": name,
            "label": label,
            "masked": masked,
            "value": revealed.get(name),
            "error": errors.get(name),
            "form": forms.get(name) or RevealForm(initial={"field": name}),
            "can_reveal": can_reveal and bool(masked),
        })
    logs = (
        list(AccessLog.objects.filter(resident=resident).select_related("actor")[:20]) if can_reveal else []
    )
    return {
        "resident": resident,
        "fields": fields,
        "can_reveal": can_reveal,
        "logs": logs,
    }


@login_required
def resident_detail(request, pk):
    _require_register(request.user)
    resident = selectors.resident_get(user=request.user, pk=pk)
    return render(request, "people/resident_detail.html", _detail_context(request, resident))


@login_required
@require_POST
def resident_reveal(request, pk):
    """Reveal one identifier with a reason. With htmx the answer is the field's fragment; without
    JavaScript it is the whole record page."""
    _require_register(request.user)
    resident = selectors.resident_get(user=request.user, pk=pk)
    form = RevealForm(request.POST)
    field = request.POST.get("field", "")
    revealed: dict = {}
    errors: dict = {}
    status = 200
    try:
        value = reveal_service(
            user=request.user, resident=resident, field=field,
            reason=request.POST.get("reason", ""), reason_text=request.POST.get("reason_text", ""),
            ip=request.META.get("REMOTE_ADDR") or None,
        )
    except DomainError as exc:
        status = 403 if exc.code == "reveal_not_allowed" else 400
        if status == 403 or field not in REVEALABLE_FIELDS:
            context = _detail_context(request, resident)
            context["page_error"] = exc.message
            return render(request, "people/resident_detail.html", context, status=status)
        errors[field] = exc.message
    else:
        revealed[field] = value
    context = _detail_context(request, resident, revealed=revealed, errors=errors, forms={field: form})
    if request.headers.get("HX-Request"):
        # htmx swaps only 2xx answers, so a refused reason comes back as 200 with its message.
        entry = next(f for f in context["fields"] if f["name"] == field)
        return render(request, "people/resident_reveal.html", {**context, "f": entry, "oob": context["can_reveal"]})
    return render(request, "people/resident_detail.html", context, status=status)
