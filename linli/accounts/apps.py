from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "linli.accounts"
    verbose_name = _("Accounts and roles")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Mobile and ID numbers never reach a log in full, whatever logs them (linli.core.logmask).
        from linli.core import logmask

        logmask.install()
