"""The error pages (``handler404`` … in ``linli/urls.py``): the app's own, in the visitor's
language, with a way back home; under ``/api/`` the JSON error shape of the API instead.

Django renders ``404.html``, ``403.html``, ``400.html`` and ``500.html`` itself; these views only
answer JSON for API paths and otherwise hand over to Django's defaults, which use our templates
(``500.html`` with no request context, so it needs neither a user nor the database).
"""

from __future__ import annotations

from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views import defaults


def _api(request) -> bool:
    return request.path.startswith("/api/")


def _json(code: str, message: str, status: int) -> JsonResponse:
    return JsonResponse({"code": code, "message": message}, status=status, json_dumps_params={"ensure_ascii": False})


def bad_request(request, exception):
    if _api(request):
        return _json("bad_request", _("The request is malformed"), 400)
    return defaults.bad_request(request, exception)


def permission_denied(request, exception):
    if _api(request):
        return _json("forbidden", _("You may not do this"), 403)
    return defaults.permission_denied(request, exception)


def page_not_found(request, exception):
    if _api(request):
        return _json("not_found", _("Not found"), 404)
    return defaults.page_not_found(request, exception)


def server_error(request):
    if _api(request):
        return _json("server_error", _("The server could not finish this request; please try again later"), 500)
    return defaults.server_error(request)
