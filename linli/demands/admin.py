"""Demands are not in the admin: they hold residents' personal data, which platform admins do not
read (see docs/architecture.md, "Scoping and privacy"). The admin shows the background-task
results instead, read-only, so an operator can see what failed."""

from django.contrib import admin
from django_tasks_db.admin import DBTaskResultAdmin
from django_tasks_db.models import DBTaskResult

from linli.core.admin import is_platform_admin


class TaskResultAdmin(DBTaskResultAdmin):
    def has_module_permission(self, request):
        return is_platform_admin(request.user)

    def has_view_permission(self, request, obj=None):
        return is_platform_admin(request.user)


if admin.site.is_registered(DBTaskResult):
    admin.site.unregister(DBTaskResult)
admin.site.register(DBTaskResult, TaskResultAdmin)
