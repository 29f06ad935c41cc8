from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ShopConfig(AppConfig):
    name = "linli.shop"
    verbose_name = _("Shop (爱心铺)")
    default_auto_field = "django.db.models.BigAutoField"
