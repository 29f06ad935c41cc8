"""Resident register pages: the list, a resident's record, and the audited reveal."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_http_methods, require_POST

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
@require_http_methods(["GET", "POST"])
def resident_list(request):
    """The register. The filters by grid and tag may be links (GET); the search field (a name, a
    mobile or an ID number) is only read from a POST, so personal data never lands in a URL, an
    access log or the browser's history. The pages of a search are buttons that post it again."""
    scope = _require_register(request.user)
    grids = list(grids_within(user=request.user).order_by("path")) if scope.resident_paths else []
    tags = list(selectors.visible_tags(request.user))
    searching = request.method == "POST"
    data = request.POST.copy() if searching else request.GET.copy()
    if not searching:
        data.pop("q", None)
    form = ResidentFilterForm(data, grids=grids, tags=tags)
    filters = form.filters()
    searching = searching and bool(filters["query"].strip())
    residents = selectors.resident_list(user=request.user, **filters)
    page = Paginator(residents, settings.PAGE_SIZE).get_page(data.get("page"))
    filter_query = data.copy()
    for key in ("page", "q", "csrfmiddlewaretoken"):
        filter_query.pop(key, None)
    return render(request, "people/resident_list.html", {
        "form": form,
        "page": page,
        "filter_query": filter_query.urlencode(),
        "searching": searching,
        "can_import": bool(scope.import_paths),
        # an export of a search would need the search in its URL: export the grid or tag, not the search
        "can_export": bool(scope.resident_paths) and not searching,
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
