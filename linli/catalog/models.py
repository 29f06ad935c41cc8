"""The service catalog (M2) and each community's menu.

Two levels with stable codes: a category (``01`` 养老服务) and its items (``0102`` 老年助餐). Codes
never change meaning; labels are data in Chinese and English and may be edited. A community's menu
says which items it offers and which organisations provide them.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class Bilingual(models.Model):
    name = models.CharField(_("name (Chinese)"), max_length=80)
    name_en = models.CharField(_("name (English)"), max_length=120)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.code} {self.label}"

    @property
    def label(self) -> str:
        return self.name_en if (get_language() or "").startswith("en") else self.name


class ServiceCategory(Bilingual):
    code = models.CharField(_("code"), max_length=2, unique=True)
    sort_order = models.PositiveIntegerField(_("order"), default=0)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("service category")
        verbose_name_plural = _("service categories")
        ordering = ["sort_order", "code"]
        constraints = [
            models.CheckConstraint(condition=models.Q(code__regex=r"^[0-9]{2}$"), name="category_code_2_digits"),
        ]


class ServiceItem(Bilingual):
    category = models.ForeignKey(ServiceCategory, on_delete=models.PROTECT, related_name="items", verbose_name=_("category"))
    code = models.CharField(_("code"), max_length=4, unique=True)
    description = models.TextField(_("description"), blank=True)
    source = models.CharField(
        _("policy source"), max_length=100, blank=True,
        help_text=_("Where the item comes from, e.g. 十四五·为民 or GB/T 20647.9"),
    )
    sort_order = models.PositiveIntegerField(_("order"), default=0)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("service item")
        verbose_name_plural = _("service items")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(condition=models.Q(code__regex=r"^[0-9]{4}$"), name="item_code_4_digits"),
        ]


class MenuItem(models.Model):
    """One line of a community's service menu (社区服务菜单)."""

    community = models.ForeignKey(
        "regions.Region", on_delete=models.CASCADE, related_name="menu_items", verbose_name=_("community"),
    )
    item = models.ForeignKey(ServiceItem, on_delete=models.PROTECT, related_name="menu_items", verbose_name=_("service item"))
    providers = models.ManyToManyField(
        "supply.Organisation", blank=True, related_name="menu_items", verbose_name=_("providers"),
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    active = models.BooleanField(_("offered"), default=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("menu item")
        verbose_name_plural = _("community menu")
        ordering = ["item__code"]
        constraints = [
            models.UniqueConstraint(fields=["community", "item"], name="menu_item_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.community} · {self.item}"
