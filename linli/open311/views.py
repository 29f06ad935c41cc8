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
from django.utils.cache import patch_cache_control
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


def _without_body(request, response):
    """HEAD answers what GET would, headers and all, without the body.

    Every answer also says ``Cache-Control: no-store`` itself (requests are read with a key, and
    nothing here is worth a stale copy), so the site's middleware never looks for a session.
    """
    patch_cache_control(response, no_store=True)
    if request.method == "HEAD":
        response["Content-Length"] = str(len(response.content))
        response.content = b""
    return response


def endpoint(*methods: str):
    """An Open311 endpoint answering ``methods`` (and HEAD where GET is one of them); every failure
    becomes the spec's error body."""
    allowed = (*methods, "HEAD") if "GET" in methods else methods

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
                    if request.method not in allowed:
                        raise Open311Error(405, "method_not_allowed", interpolate(
                            _("Use %(methods)s on this URL"), {"methods": " or ".join(methods)}))
                    response = handler(request, fmt, **kwargs)
                except Open311Error as exc:
                    response = render_error(fmt, exc.status, exc.description)
                    if exc.status == 405:
                        response["Allow"] = ", ".join(allowed)
                response.headers["Content-Language"] = language
            return _without_body(request, response)

        return view

    return decorate


@csrf_exempt
def unknown_path(request, path: str = ""):
    """Any other URL under /open311/: the errors array, in JSON when the URL asks for JSON, else XML."""
    fmt = "json" if ".json" in path.lower() else "xml"
    language = _language(request)
    with translation.override(language):
        response = render_error(fmt, 404, Open311Error(
            404, "path_unknown", _("No such Open311 URL: see discovery.xml")).description)
        response.headers["Content-Language"] = language
    return _without_body(request, response)


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
