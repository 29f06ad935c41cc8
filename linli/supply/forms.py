"""Forms of the volunteer pages. They check types only; the rules (ranges, overlaps, the age rule)
are the services' job, so the page and the API answer with the same message and code."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from linli.people.models import Gender
from linli.supply.models import PriceKind, Weekday
from linli.supply.services import ExceptionInput, ProfileInput, VolunteerInput, WeeklyInput

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


def _skill_choices(skills) -> list[tuple[str, str]]:
    return [(s.code, s.label) for s in skills]


class ProfileForm(forms.Form):
    skills = forms.MultipleChoiceField(label=_("Skills"), required=False, widget=forms.CheckboxSelectMultiple)
    max_km = forms.DecimalField(
        label=_("Maximum distance (km)"), max_digits=4, decimal_places=1, initial=2,
        widget=forms.NumberInput(attrs={"step": "0.1", "min": "0.1", "max": "50", "inputmode": "decimal"}),
    )
    daily_capacity = forms.IntegerField(
        label=_("Services per day"), initial=3, widget=forms.NumberInput(attrs={"min": "1", "max": "20"}),
    )
    mobile = forms.CharField(label=_("Mobile number"), required=False, max_length=20,
                             widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}))
    insurer = forms.CharField(label=_("Accident insurance: insurer"), required=False, max_length=80)
    insurance_policy = forms.CharField(label=_("Policy number"), required=False, max_length=60)
    insurance_valid_until = forms.DateField(label=_("Insured until"), required=False, widget=DATE)
    lat = forms.DecimalField(label=_("Latitude"), required=False, max_digits=9, decimal_places=6,
                             widget=forms.NumberInput(attrs={"step": "0.000001"}))
    lon = forms.DecimalField(label=_("Longitude"), required=False, max_digits=9, decimal_places=6,
                             widget=forms.NumberInput(attrs={"step": "0.000001"}))

    def __init__(self, *args, skills=(), with_mobile: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["skills"].choices = _skill_choices(skills)
        if not with_mobile:
            del self.fields["mobile"]

    def profile_fields(self) -> dict:
        d = self.cleaned_data
        return {
            "skills": d["skills"], "max_km": d["max_km"], "daily_capacity": d["daily_capacity"],
            "insurer": d["insurer"], "insurance_policy": d["insurance_policy"],
            "insurance_valid_until": d["insurance_valid_until"], "lat": d["lat"], "lon": d["lon"],
            "mobile": d.get("mobile") if "mobile" in self.fields else None,
        }

    def profile_input(self) -> ProfileInput:
        return ProfileInput(**self.profile_fields())


class RegistrationForm(ProfileForm):
    """Becoming a volunteer. A resident's identity comes from the register, so those fields are
    dropped for them."""

    name = forms.CharField(label=_("Name"), max_length=50)
    gender = forms.ChoiceField(label=_("Gender"), choices=Gender.choices, widget=forms.RadioSelect)
    birth_date = forms.DateField(label=_("Birth date"), widget=DATE)
    region = forms.ChoiceField(label=_("Where you live"))
    guardian_consent = forms.BooleanField(
        label=_("I am under 16 and my guardian agrees"), required=False,
    )
    field_order = ["name", "gender", "birth_date", "mobile", "region", "guardian_consent", "skills"]

    def __init__(self, *args, resident=None, regions=(), **kwargs):
        super().__init__(*args, with_mobile=resident is None, **kwargs)
        self.regions = {r.code: r for r in regions}
        self.fields["region"].choices = [("", _("Choose…"))] + [(r.code, str(r)) for r in regions]
        if resident is not None:
            for name in ("name", "gender", "birth_date", "region", "guardian_consent"):
                del self.fields[name]

    def volunteer_input(self) -> VolunteerInput:
        d = self.cleaned_data
        fields = self.profile_fields()
        if "name" in self.fields:
            fields.update(name=d["name"], gender=d["gender"], birth_date=d["birth_date"],
                          region=self.regions.get(d["region"]), guardian_consent=d["guardian_consent"])
        return VolunteerInput(**fields)


class WeeklyForm(forms.Form):
    weekday = forms.TypedChoiceField(label=_("Weekday"), choices=Weekday.choices, coerce=int)
    start = forms.TimeField(label=_("From"), widget=TIME)
    end = forms.TimeField(label=_("To"), widget=TIME)


class ExceptionKind:
    AWAY_DAY = "away_day"
    AWAY_WINDOW = "away_window"
    EXTRA = "extra"
    CHOICES = [
        (AWAY_DAY, _("Away the whole day")),
        (AWAY_WINDOW, _("Away from … to …")),
        (EXTRA, _("Extra time from … to …")),
    ]


class ExceptionForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=DATE)
    kind = forms.ChoiceField(label=_("Kind"), choices=ExceptionKind.CHOICES)
    start = forms.TimeField(label=_("From"), required=False, widget=TIME)
    end = forms.TimeField(label=_("To"), required=False, widget=TIME)


WeeklyFormSet = forms.formset_factory(WeeklyForm, extra=2, can_delete=True, max_num=50)
ExceptionFormSet = forms.formset_factory(ExceptionForm, extra=1, can_delete=True, max_num=200)


def _kept(formset):
    return [f for f in formset.forms if f.has_changed() and not (formset.can_delete and formset._should_delete_form(f))]


def weekly_inputs(formset) -> list[WeeklyInput]:
    return [WeeklyInput(f.cleaned_data["weekday"], f.cleaned_data["start"], f.cleaned_data["end"]) for f in _kept(formset)]


def exception_inputs(formset) -> list[ExceptionInput]:
    out = []
    for f in _kept(formset):
        d = f.cleaned_data
        whole = d["kind"] == ExceptionKind.AWAY_DAY
        out.append(ExceptionInput(
            date=d["date"], start=None if whole else d["start"], end=None if whole else d["end"],
            available=d["kind"] == ExceptionKind.EXTRA,
        ))
    return out


def weekly_initial(volunteer) -> list[dict]:
    return [{"weekday": w.weekday, "start": w.start, "end": w.end} for w in volunteer.weekly.all()]


def exception_initial(volunteer) -> list[dict]:
    def kind(e):
        return ExceptionKind.EXTRA if e.available else ExceptionKind.AWAY_DAY if e.whole_day else ExceptionKind.AWAY_WINDOW

    return [{"date": e.date, "kind": kind(e), "start": e.start, "end": e.end} for e in volunteer.exceptions.all()]


class CertificateForm(forms.Form):
    kind = forms.ChoiceField(label=_("Certificate"))
    number = forms.CharField(label=_("Certificate number"), required=False, max_length=60)
    valid_from = forms.DateField(label=_("Valid from"), required=False, widget=DATE)
    valid_until = forms.DateField(label=_("Valid until"), required=False, widget=DATE,
                                  help_text=_("Leave empty if it does not expire."))

    def __init__(self, *args, kinds=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(k.code, k.label) for k in kinds]


class VolunteerFilterForm(forms.Form):
    """The list filters; choices come from what the user may see, so anything else is ignored."""

    q = forms.CharField(label=_("Search"), required=False, max_length=50, widget=forms.TextInput(
        attrs={"type": "search", "placeholder": _("Name or mobile number"), "autocomplete": "off"}))
    skill = forms.ChoiceField(label=_("Skill"), required=False)
    grid = forms.ChoiceField(label=_("Grid"), required=False)
    available_on = forms.DateField(label=_("Available on"), required=False, widget=DATE)
    insured = forms.ChoiceField(label=_("Accident insurance"), required=False, choices=[
        ("", _("Any")), ("yes", _("Insured")), ("no", _("Not insured")),
    ])
    certificate = forms.ChoiceField(label=_("Valid certificate"), required=False)

    def __init__(self, data, *, skills, grids, kinds):
        super().__init__(data)
        self.skills = {s.code: s for s in skills}
        self.grids = {g.code: g for g in grids}
        self.kinds = {k.code: k for k in kinds}
        self.fields["skill"].choices = [("", _("All skills"))] + _skill_choices(skills)
        self.fields["grid"].choices = [("", _("All grids"))] + [(g.code, g.name) for g in grids]
        self.fields["certificate"].choices = [("", _("Any"))] + [(k.code, k.label) for k in kinds]

    def filters(self) -> dict:
        """Keyword arguments for ``volunteer_list``; invalid values are ignored."""
        self.is_valid()
        d = getattr(self, "cleaned_data", {})
        insured = {"yes": True, "no": False}.get(d.get("insured") or "")
        return {
            "query": d.get("q") or "",
            "skill": self.skills.get(d.get("skill") or ""),
            "within": self.grids.get(d.get("grid") or ""),
            "available_on": d.get("available_on"),
            "insured": insured,
            "certificate": self.kinds.get(d.get("certificate") or ""),
        }


class OfferingFilterForm(forms.Form):
    price_kind = forms.ChoiceField(label=_("Price"), required=False,
                                   choices=[("", _("Any price"))] + list(PriceKind.choices))
