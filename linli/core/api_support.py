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

from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from ninja import Field, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import SessionAuth as NinjaSessionAuth
from ninja.security.http import HttpBearer
from ninja.utils import check_csrf

from linli.core.errors import DomainError

TOKEN_PREFIX = "ll_"
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)
MAX_PAGE_SIZE = 200


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
    """``Authorization: Bearer ll_…``: a live token of an active, unlocked user."""

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
    """The response map of an endpoint: its success schema(s) and the documented error schemas."""
    out = dict(ok)
    for status in errors:
        out[status] = ValidationErrorOut if status == 422 else ErrorOut
    return out


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
    "date_type": _("Enter a date as YYYY-MM-DD"),
    "date_parsing": _("Enter a date as YYYY-MM-DD"),
    "date_from_datetime_parsing": _("Enter a date as YYYY-MM-DD"),
    "list_type": _("Enter a list"),
    "model_type": _("Enter an object"),
    "model_attributes_type": _("Enter an object"),
    "json_invalid": _("The body is not valid JSON"),
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
    page: int = Field(1, ge=1, description="Page number, from 1.")
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
