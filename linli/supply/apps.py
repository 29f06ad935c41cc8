from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupplyConfig(AppConfig):
    name = "linli.supply"
    verbose_name = _("Supply")
    default_auto_field = "django.db.models.BigAutoField"
