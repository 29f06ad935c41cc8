"""Forms of the demand pages. They validate shapes only; the rules live in ``services.py``."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from linli.demands.models import DESCRIPTION_MAX, Channel, Consent, Urgency
from linli.demands.workflow import Reason, State


def item_choices(items) -> list:
    """Service items grouped by category, for a <select> with <optgroup>s."""
    groups: dict = {}
    for item in items:
        groups.setdefault(item.category, []).append((item.code, item.label))
    return [("", _("Choose a service"))] + [(cat.label, entries) for cat, entries in groups.items()]


class ItemField(forms.ChoiceField):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, label=_("Service"), **kwargs)


class ServeForm(forms.Form):
    """The resident's "我要服务" page; ``anonymous`` adds where and how to reach them."""

    item = ItemField()
    description = forms.CharField(
        label=_("What do you need?"), max_length=DESCRIPTION_MAX,
        widget=forms.Textarea(attrs={"rows": 4, "placeholder": _("For example: my mother lives alone and needs lunch delivered")}),
    )
    community = forms.ChoiceField(label=_("Your community or village"), required=False)
    address = forms.CharField(label=_("Address (building and room)"), max_length=200, required=False)
    contact_name = forms.CharField(label=_("Your name"), max_length=50, required=False)
    contact_mobile = forms.CharField(label=_("Mobile number"), max_length=20, required=False,
                                     widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}))

    def __init__(self, data=None, *, items, communities=None, anonymous=False):
        super().__init__(data)
        self.fields["item"].choices = item_choices(items)
        self.anonymous = anonymous
        if anonymous:
            self.fields["community"].choices = [("", _("Choose"))] + [(c.code, c.name) for c in communities or []]
            for name in ("community", "contact_mobile"):
                self.fields[name].required = True
        else:
            for name in ("community", "contact_name", "contact_mobile"):
                del self.fields[name]


class TrackForm(forms.Form):
    tracking_number = forms.CharField(label=_("Tracking number"), max_length=12,
                                      widget=forms.TextInput(attrs={"autocapitalize": "characters", "autocomplete": "off"}))
    mobile = forms.CharField(label=_("Mobile number"), max_length=20,
                             widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}))


class RatingForm(forms.Form):
    rating = forms.TypedChoiceField(label=_("Your rating"), coerce=int, widget=forms.RadioSelect,
                                    choices=[(i, "★" * i) for i in range(5, 0, -1)])
    comment = forms.CharField(label=_("Comment (optional)"), max_length=500, required=False,
                              widget=forms.Textarea(attrs={"rows": 2}))


class ComplainForm(forms.Form):
    note = forms.CharField(label=_("What is still wrong?"), max_length=DESCRIPTION_MAX, widget=forms.Textarea(attrs={"rows": 3}))


class RecordForm(forms.Form):
    """A worker recording a demand for a resident during a phone call or a visit."""

    resident = forms.IntegerField(widget=forms.HiddenInput, required=False)
    item = ItemField()
    description = forms.CharField(label=_("What is needed"), max_length=DESCRIPTION_MAX,
                                  widget=forms.Textarea(attrs={"rows": 3}))
    urgency = forms.TypedChoiceField(label=_("Urgency"), coerce=int, choices=Urgency.choices, initial=Urgency.NORMAL)
    channel = forms.ChoiceField(label=_("Channel"), initial=Channel.PHONE, choices=[
        (c.value, c.label) for c in (Channel.PHONE, Channel.VISIT, Channel.HOTLINE)])
    consent = forms.ChoiceField(label=_("Consent"), initial=Consent.VERBAL_TO_WORKER, choices=[
        (c.value, c.label) for c in (Consent.VERBAL_TO_WORKER, Consent.GUARDIAN, Consent.VITAL_INTEREST)])

    def __init__(self, data=None, *, items, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["item"].choices = item_choices(items)


class TransitionForm(forms.Form):
    action = forms.CharField(max_length=30)
    reason = forms.ChoiceField(label=_("Reason"), required=False, choices=[("", "—")] + list(Reason.choices))
    note = forms.CharField(label=_("Note"), required=False, max_length=DESCRIPTION_MAX, widget=forms.Textarea(attrs={"rows": 2}))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    assignee_org = forms.IntegerField(required=False)
    duplicate_of = forms.CharField(label=_("Duplicate of (tracking number)"), required=False, max_length=12)


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Note"), max_length=DESCRIPTION_MAX, widget=forms.Textarea(attrs={"rows": 2}))


class QueueFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=50, widget=forms.TextInput(
        attrs={"type": "search", "placeholder": _("Tracking number, name or last 4 mobile digits"), "autocomplete": "off"}))
    grid = forms.ChoiceField(label=_("Grid"), required=False)
    state = forms.ChoiceField(label=_("State"), required=False, choices=[("", _("All open")), ("all", _("All"))] + list(State.choices))
    urgency = forms.ChoiceField(label=_("Urgency"), required=False, choices=[("", _("Any"))] + [
        (str(u.value), u.label) for u in Urgency if u >= Urgency.NORMAL])
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)
    crisis = forms.BooleanField(label=_("Crisis only"), required=False)

    def __init__(self, data, *, grids):
        super().__init__(data)
        self.grids = {g.code: g for g in grids}
        self.fields["grid"].choices = [("", _("All grids"))] + [(g.code, g.name) for g in grids]


class PublicationForm(forms.Form):
    """Approve a public-area demand's words for Open311 (the text as edited here), or withdraw them."""

    op = forms.ChoiceField(choices=[("approve", _("Approve for publication")), ("withdraw", _("Withdraw publication"))])
    description = forms.CharField(label=_("Text to publish"), required=False, strip=True,
                                  widget=forms.Textarea(attrs={"rows": 3}))
    address = forms.CharField(label=_("Address to publish"), required=False, strip=True)


class CallerForm(forms.Form):
    """The caller's details when they are not in the register (the quick recording page)."""

    caller_name = forms.CharField(label=_("Caller's name"), max_length=50)
    caller_mobile = forms.CharField(label=_("Caller's mobile number"), max_length=20,
                                    widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}))
    caller_address = forms.CharField(label=_("Address (building and room)"), max_length=200)
    caller_region = forms.ChoiceField(label=_("Grid"))
    register = forms.BooleanField(label=_("The caller agrees to be added to the register"), required=False)
    gender = forms.ChoiceField(label=_("Gender (for the register)"), required=False,
                               choices=[("", _("Choose")), ("F", _("Female")), ("M", _("Male"))])

    def __init__(self, data=None, *, regions, **kwargs):
        super().__init__(data, **kwargs)
        self.regions = {r.code: r for r in regions}
        choices = [(r.code, r.name) for r in regions]
        self.fields["caller_region"].choices = ([("", _("Choose"))] if len(choices) > 1 else []) + choices

    def clean(self):
        data = super().clean()
        if data.get("register") and not data.get("gender"):
            self.add_error("gender", _("Choose the gender to add the caller to the register."))
        return data
