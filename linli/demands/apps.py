from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemandsConfig(AppConfig):
    name = "linli.demands"
    verbose_name = _("Demands")
    default_auto_field = "django.db.models.BigAutoField"
