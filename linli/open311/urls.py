"""Open311 GeoReport v2, mounted at ``/open311/``: the spec's URLs under ``v2/``, each ending in
``.json`` or ``.xml``. Any other URL under ``/open311/`` answers the spec's errors array (404)."""

from django.urls import re_path

from linli.open311 import views

app_name = "open311"

FMT = r"\.(?P<fmt>[A-Za-z0-9]+)$"

urlpatterns = [
    re_path(r"^v2/discovery" + FMT, views.discovery, name="discovery"),
    re_path(r"^v2/services" + FMT, views.service_list, name="services"),
    re_path(r"^v2/services/(?P<service_code>[^/]+)" + FMT, views.service_definition, name="service_definition"),
    re_path(r"^v2/requests" + FMT, views.requests_, name="requests"),
    re_path(r"^v2/requests/(?P<service_request_id>[^/]+)" + FMT, views.request_detail, name="request"),
    re_path(r"^v2/tokens/(?P<token>[^/]+)" + FMT, views.token, name="token"),
    re_path(r"^(?P<path>.*)$", views.unknown_path, name="unknown"),
]
