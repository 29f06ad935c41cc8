from django import forms
from django.utils.translation import gettext_lazy as _

from linli.privacy.models import RevealReason


class ResidentFilterForm(forms.Form):
    """The list filters. Choices come from the caller (grids and tags the user may see), so a code
    outside the user's area or clearance is simply an invalid choice."""

    q = forms.CharField(
        label=_("Search"), required=False, max_length=50,
        widget=forms.TextInput(attrs={
            "type": "search", "placeholder": _("Name, mobile, ID number or its last 4 digits"),
            "autocomplete": "off",
        }),
    )
    grid = forms.ChoiceField(label=_("Grid"), required=False)
    tag = forms.ChoiceField(label=_("Target group"), required=False)

    def __init__(self, data, *, grids, tags):
        super().__init__(data)
        self.grids = {g.code: g for g in grids}
        self.tags = {t.code: t for t in tags}
        self.fields["grid"].choices = [("", _("All grids"))] + [(g.code, g.name) for g in grids]
        self.fields["tag"].choices = [("", _("All target groups"))] + [(t.code, t.label) for t in tags]

    def filters(self) -> dict:
        """Keyword arguments for ``people.selectors.resident_list``; invalid values are ignored."""
        if not self.is_valid():
            data = {k: self.data.get(k, "") for k in ("q", "grid", "tag")}
            return {
                "within": self.grids.get(data["grid"]),
                "tag": self.tags.get(data["tag"]),
                "query": data["q"][:50] if isinstance(data["q"], str) else "",
            }
        return {
            "within": self.grids.get(self.cleaned_data["grid"]),
            "tag": self.tags.get(self.cleaned_data["tag"]),
            "query": self.cleaned_data["q"],
        }


class RevealForm(forms.Form):
    """Why the full value is needed. Validation of the reason is the service's job (one message,
    one error code, the same for the page and the API); the form only draws the fields."""

    field = forms.CharField(widget=forms.HiddenInput)
    reason = forms.ChoiceField(
        label=_("Reason"), required=False,
        choices=[("", _("Choose a reason…"))] + list(RevealReason.choices),
    )
    reason_text = forms.CharField(
        label=_("Explanation"), required=False, max_length=200,
        widget=forms.TextInput(attrs={"placeholder": _("Required for “Other”")}),
    )
