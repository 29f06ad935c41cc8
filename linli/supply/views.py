"""The directory of organisations (the supply side): list, export, one organisation's page, and
the services organisations offer."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from linli.core.xlsx import xlsx_response
from linli.regions.models import Level
from linli.regions.selectors import region_list
from linli.supply.forms import OfferingFilterForm
from linli.supply.models import OrgKind, PriceKind
from linli.supply.selectors import offering_list as offering_list_query
from linli.supply.selectors import organisation_get
from linli.supply.selectors import organisation_list as organisation_list_query


class OrganisationFilterForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), required=False)
    community = forms.ChoiceField(label=gettext_lazy("Community"), required=False)

    def __init__(self, data, *, communities):
        super().__init__(data)
        self.communities = {c.code: c for c in communities}
        self.fields["kind"].choices = [("", gettext_lazy("All kinds"))] + list(OrgKind.choices)
        self.fields["community"].choices = [("", gettext_lazy("All communities"))] + [
            (c.code, c.name) for c in communities
        ]

    def filters(self) -> dict:
        kind = self.data.get("kind", "")
        return {
            "kind": kind if kind in OrgKind.values else "",
            "community": self.communities.get(self.data.get("community", "")),
        }


def _filtered(request):
    communities = list(region_list(user=request.user, level=Level.COMMUNITY))
    form = OrganisationFilterForm(request.GET, communities=communities)
    return form, organisation_list_query(user=request.user, **form.filters())


@login_required
def organisation_list(request):
    form, organisations = _filtered(request)
    page = Paginator(organisations, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "supply/organisation_list.html", {
        "form": form, "page": page, "filter_query": query.urlencode(),
    })


@login_required
def organisation_export(request):
    _form, organisations = _filtered(request)
    headers = [
        _("Name"), _("Kind"), _("Hub or specialist"), _("Legal status"), _("Based in"),
        _("Service domains"), _("Contact person"), _("Contact phone"),
    ]
    rows = (
        [
            o.name, o.get_kind_display(), o.get_social_role_display(), o.get_legal_status_display(),
            o.region.name, "、".join(d.label for d in o.domains.all()), o.contact_name, o.contact_phone,
        ]
        for o in organisations
    )
    stamp = timezone.localtime().strftime("%Y%m%d")
    return xlsx_response(f"organisations-{stamp}.xlsx", [(_("Organisations"), headers, rows)])


@login_required
def organisation_detail(request, pk):
    return render(request, "supply/organisation_detail.html", {
        "organisation": organisation_get(user=request.user, pk=pk),
    })


@login_required
def offering_list(request):
    """Services organisations offer in the user's area, with their price (free, low fee, paid)."""
    form = OfferingFilterForm(request.GET)
    price_kind = request.GET.get("price_kind", "")
    offerings = offering_list_query(user=request.user, price_kind=price_kind if price_kind in PriceKind.values else "")
    page = Paginator(offerings, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "supply/offering_list.html", {"form": form, "page": page, "filter_query": query.urlencode()})
