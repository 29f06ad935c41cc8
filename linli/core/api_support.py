"""What every API endpoint shares: authentication, the error shape, pagination.

Authentication is a bearer token (``Authorization: Bearer ll_…``, see ``accounts.ApiToken``) or the
Django session of a logged-in browser (with the CSRF check on unsafe methods). The authenticated
user is ``request.auth``; endpoints pass it to the scoped selectors.

Every error answers ``{"code", "message"}`` with a stable ``code`` and a ``message`` in the
request's language (``Accept-Language``; zh-hans by default), plus ``field`` where one input field
is at fault and ``errors`` (one entry per field) for malformed input.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated

from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from ninja import Field, Path, Schema
from ninja.constants import NOT_SET
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.parser import Parser
from ninja.security import SessionAuth as NinjaSessionAuth
from ninja.security.http import HttpBearer
from ninja.utils import check_csrf
from pydantic import BeforeValidator, PlainSerializer, WithJsonSchema
from pydantic_core import PydanticCustomError

from linli.core.errors import DomainError

TOKEN_PREFIX = "ll_"
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)
MAX_PAGE_SIZE = 200


# --- bounded integers ---------------------------------------------------------------------------
# Every integer the API reads has bounds in the schema, so a value the database cannot hold (2⁶³,
# 1e20) is a 422 ``invalid_input`` and never reaches the driver. The ceilings on amounts are far
# above any real request; the services keep the finer business rules with their own stable codes
# (a record holds at most a day: 400 ``minutes_too_long``; a redemption at most 20: 400
# ``quantity_too_large``).

#: Primary keys are ``BigAutoField`` (``DEFAULT_AUTO_FIELD`` and every app): 1 … 2⁶³ − 1.
ID_MAX = 2**63 - 1
#: A ``PositiveIntegerField`` counter such as a demand's version: 0 … 2³¹ − 1.
INT32_MAX = 2**31 - 1
#: A ``PositiveSmallIntegerField`` code (urgency, rating, grade, capacity): 0 … 32,767; the service
#: checks the real range (400 ``urgency_invalid`` …).
SMALLINT_MAX = 32_767
#: Minutes in one request (a gift, a payment, a record): a month of service.
MINUTES_MAX = 31 * 24 * 60
#: Points in one request (a bonus, a price, a rule's points per hour or per service).
POINTS_MAX = 100_000
#: Goods in one request (a donation, a redemption).
QUANTITY_MAX = 10_000
#: Ids in one list (mark read, a group record, a bulk move).
IDS_MAX = 500
#: The last page anyone may ask for.
PAGE_MAX = 1_000_000

# --- local times ---------------------------------------------------------------------------------
# A time of day in the community's time zone (Asia/Shanghai), without an offset: ``HH:MM`` or
# ``HH:MM:SS`` in, always ``HH:MM:SS`` out. Declared as a pattern, not ``format: time``: RFC 3339's
# full-time needs an offset, which a weekly window has not.

LOCAL_TIME_PATTERN = r"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?$"
_LOCAL_TIME_RE = re.compile(LOCAL_TIME_PATTERN)


def _local_time_in(value):
    if isinstance(value, dt.time):
        return value.replace(tzinfo=None, microsecond=0)
    if isinstance(value, str) and _LOCAL_TIME_RE.match(value):
        return dt.time.fromisoformat(value)
    raise PydanticCustomError("local_time", "Enter a time as HH:MM")


LocalTime = Annotated[
    dt.time,
    BeforeValidator(_local_time_in),
    PlainSerializer(lambda t: t.strftime("%H:%M:%S"), return_type=str),
    WithJsonSchema({"type": "string", "pattern": LOCAL_TIME_PATTERN, "examples": ["09:30", "09:30:00"]}),
]

# --- text the database can store -------------------------------------------------------------
# JSON may carry a NUL character or half of a surrogate pair ("\u0000", "\ud800"); PostgreSQL
# refuses the first and no database can encode the second. Such text never reaches a service: in a
# query parameter it is a 422 on that field, in a body a 400 (the body is malformed), and a path
# code is declared with a pattern that excludes control characters.

_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
#: A code in a path (region, service item): up to 32 characters, no control characters.
CODE_PATTERN = r"^[^\u0000-\u001f\u007f]{1,32}$"
PathCode = Path[str, {"pattern": CODE_PATTERN, "description": "Code (at most 32 characters)."}]


def unstorable_text_at(value, path: tuple = ()) -> tuple | None:
    """The path of the first string in ``value`` (JSON data) no database can store, or None."""
    if isinstance(value, str):
        return path if _UNSTORABLE.search(value) else None
    children = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, child in children:
        found = unstorable_text_at(child, (*path, key))
        if found is not None:
            return found
    return None


class StorableTextParser(Parser):
    """Ninja's JSON parser, refusing text with NUL characters or lone surrogates (see above)."""

    def parse_body(self, request: HttpRequest):
        data = super().parse_body(request)
        if unstorable_text_at(data) is not None:
            raise ValueError("text with a NUL character or a lone surrogate")  # ninja answers 400
        return data

    def parse_querydict(self, data, list_fields, request: HttpRequest):
        result = super().parse_querydict(data, list_fields, request)
        source = "query" if data is request.GET else "form"
        for key, value in result.items():
            path = unstorable_text_at(value, (source, key))
            if path is not None:
                raise ValidationError([{"loc": path, "type": "text_characters", "msg": "unstorable text"}])
        return result


Id = Annotated[int, Field(ge=1, le=ID_MAX)]
PathId = Path[int, {"ge": 1, "le": ID_MAX, "description": "Id (1 … 2⁶³ − 1); malformed: 422."}]
Version = Annotated[int, Field(ge=0, le=INT32_MAX)]
SmallInt = Annotated[int, Field(ge=0, le=SMALLINT_MAX)]
Minutes = Annotated[int, Field(ge=1, le=MINUTES_MAX)]
Points = Annotated[int, Field(ge=1, le=POINTS_MAX)]
PointsOrZero = Annotated[int, Field(ge=0, le=POINTS_MAX)]
Quantity = Annotated[int, Field(ge=1, le=QUANTITY_MAX)]


# --- authentication -----------------------------------------------------------------------------


class ApiError(HttpError):
    """An HTTP error with a stable code, raised by the API plumbing itself (not by services)."""

    def __init__(self, status_code: int, code: str, message) -> None:
        super().__init__(status_code, str(message))
        self.code = code
        self.lazy_message = message


def _usable_user(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active and not user.is_locked)


class BearerTokenAuth(HttpBearer):
    """``Authorization: Bearer ll_…``: a live token of an active, unlocked user.

    ``__call__`` replaces ninja's, which logs a header of another scheme word for word when DEBUG is
    on (``Basic <base64 of user:password>``): a credential never reaches a log."""

    def __call__(self, request: HttpRequest):
        scheme, _sep, token = (request.headers.get(self.header) or "").partition(" ")
        if scheme.lower() != self.openapi_scheme:
            return None
        return self.authenticate(request, token)

    def authenticate(self, request: HttpRequest, token: str):
        from linli.accounts.models import ApiToken

        token = token.strip()
        if not token.startswith(TOKEN_PREFIX):
            return None
        api_token = (
            ApiToken.objects.usable().select_related("user").filter(digest=ApiToken.digest_of(token)).first()
        )
        if api_token is None or not _usable_user(api_token.user):
            return None
        now = timezone.now()
        if api_token.last_used_at is None or now - api_token.last_used_at >= LAST_USED_RESOLUTION:
            ApiToken.objects.filter(pk=api_token.pk).update(last_used_at=now)
            api_token.last_used_at = now
        request.api_token = api_token
        request.user = api_token.user
        return api_token.user


class SessionAuth(NinjaSessionAuth):
    """The Django session of a logged-in user; unsafe methods must carry the CSRF token.

    Unlike ninja's ``SessionAuth``, a request without a logged-in session is simply not
    authenticated (401) instead of failing the CSRF check first (403).
    """

    def __call__(self, request: HttpRequest):
        user = getattr(request, "user", None)
        if not _usable_user(user):
            return None
        if self.csrf and not getattr(request, "_ninja_csrf_exempt", False) and check_csrf(request):
            raise ApiError(403, "csrf_failed", _("The CSRF check failed; reload the page and try again"))
        return user


API_AUTH = [BearerTokenAuth(), SessionAuth()]


# --- errors -------------------------------------------------------------------------------------


class ErrorOut(Schema):
    code: str = Field(description="Stable machine-readable code, e.g. `not_found`, `id_number_checksum`.")
    message: str = Field(description="Human-readable message in the request's language (Accept-Language).")
    field: str | None = Field(None, description="The input field at fault, when there is one.")


class FieldErrorOut(Schema):
    field: str = Field(description="Dotted path of the field, e.g. `tags.0.grade`; `body` for the whole body.")
    message: str = Field(description="What is wrong with it, in the request's language.")


class ValidationErrorOut(Schema):
    code: str = Field(description="Always `invalid_input`.")
    message: str = Field(description="A summary in the request's language.")
    errors: list[FieldErrorOut] = Field(description="One entry per invalid field, in input order.")


def responses(ok: dict, *, errors: tuple[int, ...] = (401, 404, 422)) -> dict:
    """The response map of an endpoint: its success schema(s) and the error statuses its own code
    answers (400 for a ``DomainError``, 404, 409 …). The statuses the plumbing answers for every
    endpoint of a kind are added by :func:`document_plumbing_statuses`."""
    out = dict(ok)
    for status in errors:
        out[status] = ValidationErrorOut if status == 422 else ErrorOut
    return out


_UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


def plumbing_statuses(operation, *, default_auth=API_AUTH) -> set[int]:
    """What any endpoint shaped like ``operation`` may answer, whatever its own code does:

    - 401 without valid credentials (every endpoint is authenticated);
    - 403 ``csrf_failed`` for an unsafe method under a browser session without the CSRF token;
    - 422 ``invalid_input`` when it reads any parameter (a malformed path id, query or body);
    - 400 ``bad_request`` when it reads a JSON body (the body is not JSON);
    - 503 ``try_again`` for a transient database fault (``core/db.py``).
    """
    statuses = {503}
    auth = operation.auth_param if operation.auth_param is not NOT_SET else default_auth
    if auth:
        statuses.add(401)
        if _UNSAFE_METHODS & set(operation.methods):
            statuses.add(403)
    if operation.models:
        statuses.add(422)
    if any(getattr(m, "__ninja_param_source__", None) == "body" for m in operation.models):
        statuses.add(400)
    return statuses


def api_operations(api):
    """Every operation of ``api`` (from its routers as mounted so far)."""
    for _prefix, router in api._routers:
        for path_view in router.path_operations.values():
            yield from path_view.operations


def document_plumbing_statuses(api) -> None:
    """Add :func:`plumbing_statuses` to each operation's documented responses. Call it after the
    last ``add_router`` and before the URLs are built (operations are copied when mounted)."""
    for operation in api_operations(api):
        for status in sorted(plumbing_statuses(operation, default_auth=api.auth) - set(operation.response_models)):
            model = ValidationErrorOut if status == 422 else ErrorOut
            operation.response_models[status] = operation._create_response_model(model)


_HTTP_CODES = {
    400: ("bad_request", _("The request is malformed")),
    401: ("not_authenticated", _("Authentication required")),
    403: ("forbidden", _("You may not do this")),
    404: ("not_found", _("Not found")),
    405: ("method_not_allowed", _("Method not allowed")),
    429: ("throttled", _("Too many requests; try again later")),
}

_PYDANTIC_MESSAGES = {
    "missing": _("This field is required"),
    "string_type": _("Enter text"),
    "int_type": _("Enter a whole number"),
    "int_parsing": _("Enter a whole number"),
    "int_parsing_size": _("The value is too large"),
    "int_from_float": _("Enter a whole number"),
    "float_type": _("Enter a number"),
    "float_parsing": _("Enter a number"),
    "finite_number": _("Enter a number"),
    "bool_type": _("Enter true or false"),
    "bool_parsing": _("Enter true or false"),
    "date_type": _("Enter a date as YYYY-MM-DD"),
    "date_parsing": _("Enter a date as YYYY-MM-DD"),
    "date_from_datetime_parsing": _("Enter a date as YYYY-MM-DD"),
    "list_type": _("Enter a list"),
    "model_type": _("Enter an object"),
    "model_attributes_type": _("Enter an object"),
    "json_invalid": _("The body is not valid JSON"),
    "local_time": _("Enter a time as HH:MM"),
    "text_characters": _("The text contains a character that is not allowed"),
    "string_pattern_mismatch": _("The value is not in the expected form"),
    "greater_than_equal": _("The value is too small"),
    "less_than_equal": _("The value is too large"),
    "string_too_long": _("The text is too long"),
    "literal_error": _("Choose one of the allowed values"),
    "enum": _("Choose one of the allowed values"),
}

#: HTTP status of the DomainError codes that are not a plain 400 Bad Request.
DOMAIN_ERROR_STATUS = {
    "not_found": 404,
    "action_forbidden": 403,
    "conflict": 409,
    "state_conflict": 409,
    "idempotency_key_reused": 409,
}

_PARAM_SOURCES = {"body", "query", "path", "header", "cookie", "form", "file"}


def _field_of(loc) -> str:
    """``("body", "payload", "tags", 0, "grade")`` → ``tags.0.grade``."""
    parts = [str(p) for p in loc]
    if parts and parts[0] in _PARAM_SOURCES:
        source = parts.pop(0)
        if source == "body" and len(parts) > 1:
            parts.pop(0)  # the view's parameter name, not part of the client's JSON
    return ".".join(parts) or "body"


def _error_payload(code: str, message, field: str | None = None) -> dict:
    data = {"code": code, "message": str(message)}
    if field:
        data["field"] = field
    return data


def install_error_handlers(api) -> None:
    def domain_error(request, exc: DomainError):
        status = DOMAIN_ERROR_STATUS.get(exc.code, 400)
        data = exc.as_dict()
        data.pop("row", None)
        return api.create_response(request, data, status=status)

    def not_found(request, exc):
        return api.create_response(request, _error_payload("not_found", _("Not found")), status=404)

    def not_authenticated(request, exc):
        message = _("Authentication required: send 'Authorization: Bearer <token>' or log in")
        return api.create_response(request, _error_payload("not_authenticated", message), status=401)

    def http_error(request, exc: HttpError):
        code, message = _HTTP_CODES.get(exc.status_code, ("error", _("The request failed")))
        if isinstance(exc, ApiError):
            code, message = exc.code, exc.lazy_message
        return api.create_response(request, _error_payload(code, message), status=exc.status_code)

    def invalid_input(request, exc: ValidationError):
        errors = [
            {
                "field": _field_of(err.get("loc", ())),
                "message": str(_PYDANTIC_MESSAGES.get(err.get("type", ""), err.get("msg", ""))),
            }
            for err in exc.errors
        ]
        data = {"code": "invalid_input", "message": str(_("Some fields are missing or invalid")), "errors": errors}
        return api.create_response(request, data, status=422)

    api.add_exception_handler(DomainError, domain_error)
    api.add_exception_handler(Http404, not_found)
    api.add_exception_handler(AuthenticationError, not_authenticated)
    api.add_exception_handler(HttpError, http_error)
    api.add_exception_handler(ValidationError, invalid_input)


# --- pagination ---------------------------------------------------------------------------------


class PageQuery(Schema):
    page: int = Field(1, ge=1, le=PAGE_MAX, description=f"Page number, from 1 (at most {PAGE_MAX:,}).")
    page_size: int = Field(50, ge=1, le=MAX_PAGE_SIZE, description=f"Items per page (at most {MAX_PAGE_SIZE}).")


def paginate(request: HttpRequest, qs, query: PageQuery) -> dict:
    """``{"count", "next", "previous", "items"}`` for one page of ``qs`` (a count and a slice)."""
    count = qs.count()
    start = (query.page - 1) * query.page_size
    items = list(qs[start : start + query.page_size]) if start < count else []

    def url(page: int) -> str:
        params = request.GET.copy()
        params["page"] = str(page)
        return request.build_absolute_uri(request.path) + "?" + params.urlencode()

    return {
        "count": count,
        "next": url(query.page + 1) if start + query.page_size < count else None,
        "previous": url(query.page - 1) if query.page > 1 and count else None,
        "items": items,
    }


COUNT_DESCRIPTION = "Number of items on all pages."
NEXT_DESCRIPTION = "URL of the next page, or null on the last page."
PREVIOUS_DESCRIPTION = "URL of the previous page, or null on the first page."


def caller(request: HttpRequest):
    """The authenticated user of an API request."""
    return request.auth
