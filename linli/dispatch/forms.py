"""Forms of the coordinator's pages. They check shapes only; the rules live in ``services.py``."""

from __future__ import annotations

from django import forms
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext_lazy as _

from linli.dispatch.models import PlanRule


class PlanForm(forms.Form):
    """A recurring plan: where, what, when it repeats, the time window and for whom.

    ``regions`` are the user's area and its communities and grids, ``items`` the service items
    volunteers do and ``tags`` the target-group tags the user may see (all chosen by the view)."""

    region = forms.ChoiceField(label=_("Area"))
    item = forms.ChoiceField(label=_("Service"))
    rule = forms.ChoiceField(label=_("Repeats"), choices=PlanRule.choices, initial=PlanRule.MONTHLY)
    weekday = forms.TypedChoiceField(label=_("Weekday (for every week)"), required=False, coerce=int, empty_value=None,
                                     choices=[("", "—")] + [(str(d), name) for d, name in WEEKDAYS.items()])
    day_of_month = forms.IntegerField(label=_("Day of the month (for every month)"), required=False, min_value=1,
                                      max_value=28, widget=forms.NumberInput(attrs={"inputmode": "numeric"}))
    start_time = forms.TimeField(label=_("From"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    end_time = forms.TimeField(label=_("To"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    target_tag = forms.ChoiceField(label=_("For everyone in the target group"), required=False)

    def __init__(self, data=None, *, regions, items, tags):
        super().__init__(data, initial={"region": regions[0].code if regions else ""})
        top = min((r.level for r in regions), default=0)
        self.fields["region"].choices = [(r.code, "\u3000" * (r.level - top) + r.name) for r in regions]
        self.fields["item"].choices = [("", _("Choose a service"))] + [(i.code, f"{i.code} {i.label}") for i in items]
        self.fields["target_tag"].choices = [("", "—")] + [(t.code, t.label) for t in tags]
        self.regions = {r.code: r for r in regions}
