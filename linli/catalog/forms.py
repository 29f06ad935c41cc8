from django import forms
from django.utils.translation import gettext_lazy as _


class CatalogEntryForm(forms.Form):
    """Names and the on/off switch of a category or item; the code never changes."""

    name = forms.CharField(label=_("Name (Chinese)"), max_length=80)
    name_en = forms.CharField(label=_("Name (English)"), max_length=120)
    active = forms.BooleanField(label=_("Active"), required=False)
