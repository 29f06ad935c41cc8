from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from linli.core.admin import ScopedModelAdmin
from linli.regions.models import ALLOWED_PARENT, Level, Region
from linli.regions.services import region_create


class RegionAddForm(forms.ModelForm):
    class Meta:
        model = Region
        fields = ["parent", "level", "name", "code", "stats_code", "community_type", "valid_from", "valid_to", "sort_order"]

    def clean(self):
        data = super().clean()
        parent, level = data.get("parent"), data.get("level")
        if level is None:
            return data
        if parent is None and level != Level.DISTRICT:
            self.add_error("parent", _("Only a district can be a root of the tree"))
        elif parent is not None and parent.level not in ALLOWED_PARENT.get(level, set()):
            self.add_error("parent", _("A %(child)s cannot be placed under a %(parent)s") % {
                "child": Level(level).label, "parent": Level(parent.level).label,
            })
        if data.get("community_type") and level != Level.COMMUNITY:
            self.add_error("community_type", _("Only a community or village has a community type"))
        return data


@admin.register(Region)
class RegionAdmin(ScopedModelAdmin):
    """New nodes go through ``region_create`` (it assigns the path); a node's parent and level
    cannot change afterwards, because every path under it would change too."""

    scope_field = "path"
    list_display = ["name", "code", "level", "stats_code", "community_type", "valid_from", "valid_to", "parent"]
    list_filter = ["level", "community_type"]
    search_fields = ["name", "code", "stats_code"]
    list_select_related = ["parent"]
    fields = RegionAddForm.Meta.fields

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = RegionAddForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        return ["parent", "level"] if obj is not None else []

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        created = region_create(
            parent=obj.parent, level=obj.level, name=obj.name, code=obj.code, stats_code=obj.stats_code,
            community_type=obj.community_type, valid_from=obj.valid_from, valid_to=obj.valid_to,
            sort_order=obj.sort_order,
        )
        obj.pk, obj.path = created.pk, created.path
