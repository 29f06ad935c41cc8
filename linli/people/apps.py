from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "linli.people"
    verbose_name = _("Residents")
    default_auto_field = "django.db.models.BigAutoField"
