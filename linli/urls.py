from django.contrib import admin
from django.urls import include, path

from linli.api import api

urlpatterns = [
    path("", include("linli.core.urls")),
    path("accounts/", include("linli.accounts.urls")),
    path("regions/", include("linli.regions.urls")),
    path("residents/", include("linli.people.urls")),
    path("catalog/", include("linli.catalog.urls")),
    path("organisations/", include("linli.supply.urls")),
    path("volunteers/", include("linli.supply.volunteer_urls")),
    path("", include("linli.demands.urls")),
    path("notifications/", include("linli.notifications.urls")),
    path("dispatch/", include("linli.dispatch.urls")),
    path("", include("linli.ledger.urls")),
    path("records/", include("linli.records.urls")),
    path("shop/", include("linli.shop.urls")),
    path("certificates/", include("linli.records.certificate_urls")),
    path("verify/", include("linli.records.verify_urls")),
    path("open311/", include("linli.open311.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/", api.urls),
    path("admin/", admin.site.urls),
]

handler400 = "linli.core.error_views.bad_request"
handler403 = "linli.core.error_views.permission_denied"
handler404 = "linli.core.error_views.page_not_found"
handler500 = "linli.core.error_views.server_error"
