"""The Open311 GeoReport v2 endpoints: parse, call one service or selector, render JSON or XML.

Machine clients only: CSRF-exempt, no session, no login. The format is the URL's suffix
(``.json`` / ``.xml``); ``locale=en`` (or ``Accept-Language``) chooses the language of names and
error descriptions, Chinese by default.
"""

from __future__ import annotations

import functools

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt

from linli.core.errors import interpolate
from linli.open311 import selectors, services
from linli.open311.errors import Open311Error
from linli.open311.serialize import render, render_error

FORMATS = ("json", "xml")
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def _language(request) -> str:
    asked = (request.GET.get("locale") or "").strip().lower()
    if asked.startswith("en"):
        return "en"
    if asked.startswith("zh"):
        return "zh-hans"
    return translation.get_language()


def endpoint(*methods: str):
    """An Open311 endpoint answering ``methods``; every failure becomes the spec's error body."""

    def decorate(handler):
        @csrf_exempt
        @functools.wraps(handler)
        def view(request, fmt: str, **kwargs):
            language = _language(request)
            with translation.override(language):
                try:
                    if fmt not in FORMATS:
                        fmt = "xml"  # the spec's required format
                        raise Open311Error(404, "format_unknown", _("Unknown format: add .xml or .json to the URL"))
                    if request.method not in methods:
                        raise Open311Error(405, "method_not_allowed", interpolate(
                            _("Use %(methods)s on this URL"), {"methods": " or ".join(methods)}))
                    response = handler(request, fmt, **kwargs)
                except Open311Error as exc:
                    response = render_error(fmt, exc.status, exc.description)
                    if exc.status == 405:
                        response["Allow"] = ", ".join(methods)
                response.headers["Content-Language"] = language
            return response

        return view

    return decorate


def _key(request):
    return services.apikey_authenticate(request.GET.get("api_key"))


@endpoint("GET")
def discovery(request, fmt):
    url = request.build_absolute_uri(reverse("open311:discovery", kwargs={"fmt": fmt}))
    return render(fmt, "discovery", selectors.discovery(url.rsplit("/", 1)[0]))


@endpoint("GET")
def service_list(request, fmt):
    return render(fmt, "services", selectors.service_list())


@endpoint("GET")
def service_definition(request, fmt, service_code):
    return render(fmt, "service_definition", selectors.service_definition(service_code))


@endpoint("GET", "POST")
def requests_(request, fmt):
    if request.method == "POST":
        return _create(request, fmt)
    key = _key(request)
    query = selectors.parse_request_query(request.GET)
    return render(fmt, "service_requests", selectors.request_rows(selectors.request_search(key, query)))


def _form(request):
    """The POSTed form, refused *before* it is read when it is larger than any valid one."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > services.MAX_BODY_BYTES:
        raise Open311Error(400, "request_too_large", interpolate(
            _("The request is larger than %(kib)s KiB; the description may have at most 2000 characters"),
            {"kib": services.MAX_BODY_BYTES // 1024}))
    if request.content_type not in FORM_TYPES:
        raise Open311Error(400, "content_type_invalid", _("Send the form as application/x-www-form-urlencoded"))
    try:
        return request.POST
    except (RequestDataTooBig, TooManyFieldsSent):
        raise Open311Error(400, "request_too_large", _("The request has too many fields")) from None


def _create(request, fmt):
    form = _form(request)
    key = services.apikey_authenticate(form.get("api_key") or request.GET.get("api_key"))
    result = services.request_create(key=key, params=form, idempotency_key=request.headers.get("Idempotency-Key", ""))
    demand = result.demand
    row = {"service_request_id": demand.tracking_number, "service_notice": selectors.service_notice(demand),
           "account_id": None}
    return render(fmt, "service_requests", [row])


@endpoint("GET")
def request_detail(request, fmt, service_request_id):
    demand = selectors.request_get(_key(request), service_request_id)
    return render(fmt, "service_requests", [selectors.request_row(demand)])


@endpoint("GET")
def token(request, fmt, token):
    """Requests are created synchronously, so a token *is* the service_request_id."""
    key = _key(request)
    try:
        demand = selectors.request_get(key, token)
    except Open311Error:
        raise Open311Error(404, "token_unknown", _("No service request has this token in the area of this api_key")) from None
    return render(fmt, "service_requests", [{"service_request_id": demand.tracking_number, "token": demand.tracking_number}])
