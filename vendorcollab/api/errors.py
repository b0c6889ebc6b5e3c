"""The API's one error shape, ``{"error": {"code", "message", "fields"}}``, and the handlers that produce it.

Every refusal ends here: an ``AppError`` from a service or selector, ninja's request validation, a malformed body, a
missing or wrong credential, a CSRF failure, an unknown URL. Messages are rendered in the language that
authentication activated (the user's own, else the request's Accept-Language).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.core.signals import got_request_exception
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.functional import Promise
from django.utils.log import log_response
from django.utils.translation import gettext_lazy as _
from ninja import Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.parser import Parser

from vendorcollab.accounts.mfa import MFA_REQUIRED_MESSAGE
from vendorcollab.common import request_limits
from vendorcollab.common.errors import AppError, CommonErrorCode, NotFound, PermissionRefused

if TYPE_CHECKING:
    from ninja import NinjaAPI


class ApiErrorCode(StrEnum):
    """The API's own codes: authentication, the request as a whole (its JSON, media type, idempotency key), and
    the references and user fields only the API checks. The generic ones are in ``CommonErrorCode``."""

    MALFORMED_JSON = "malformed_json"
    NOT_AUTHENTICATED = "not_authenticated"
    INVALID_CREDENTIALS = "invalid_credentials"
    TOO_MANY_ATTEMPTS = "too_many_attempts"
    OTP_REQUIRED = "otp_required"
    INVALID_OTP = "invalid_otp"
    MFA_REQUIRED = "mfa_required"
    CSRF_FAILED = "csrf_failed"
    PERMISSION_DENIED = "permission_denied"
    NO_ROLE = "no_role"
    METHOD_NOT_ALLOWED = "method_not_allowed"
    SERVER_ERROR = "server_error"
    UNSUPPORTED_MEDIA_TYPE = "unsupported_media_type"
    IDEMPOTENCY_KEY_REUSED = "idempotency_key_reused"
    BODY_TOO_LARGE = "body_too_large"
    UNKNOWN = "unknown"
    READ_ONLY_FIELD = "read_only_field"
    INVALID_EMAIL = "invalid_email"
    USERNAME_TAKEN = "username_taken"
    PASSWORD_REJECTED = "password_rejected"


# Codes are part of the API contract: clients switch on them. Add codes; never rename one.
MESSAGES: dict[str, Promise] = {
    CommonErrorCode.INVALID_INPUT: _("Some fields are not valid. Correct the marked fields and try again."),
    ApiErrorCode.MALFORMED_JSON: _("The request body is not valid JSON."),
    ApiErrorCode.NOT_AUTHENTICATED: _("Sign in, or send a valid API token as “Authorization: Bearer <token>”."),
    ApiErrorCode.INVALID_CREDENTIALS: _("The username or password is not correct."),
    ApiErrorCode.TOO_MANY_ATTEMPTS: _("Too many failed sign-in attempts. Wait a few minutes and try again."),
    ApiErrorCode.OTP_REQUIRED: _(
        "This account uses two-factor authentication: send the code from your authenticator app (or a recovery "
        "code) as “otp”."
    ),
    ApiErrorCode.INVALID_OTP: _("The two-factor authentication code is not correct."),
    ApiErrorCode.MFA_REQUIRED: MFA_REQUIRED_MESSAGE,
    ApiErrorCode.CSRF_FAILED: _(
        "The request was refused because its CSRF token is missing or wrong. Reload the page and retry."
    ),
    ApiErrorCode.PERMISSION_DENIED: _("You are not allowed to do this."),
    ApiErrorCode.NO_ROLE: _(
        "Your account has no role yet. Ask a procurement admin of your organisation to give it one; the first "
        "admin of an installation is made with “manage.py create_admin”."
    ),
    CommonErrorCode.NOT_FOUND: _("This does not exist."),
    ApiErrorCode.METHOD_NOT_ALLOWED: _("This method is not allowed here."),
    ApiErrorCode.SERVER_ERROR: _("Something went wrong on our side. Try again later."),
    CommonErrorCode.REQUEST_TOO_LARGE: request_limits.MESSAGE,
    ApiErrorCode.UNSUPPORTED_MEDIA_TYPE: _("Send the body as JSON, with the header “Content-Type: application/json”."),
}
# The media types of a JSON body; anything else is a 415 (a UBL import takes XML instead: ubl_endpoints).
JSON_MEDIA_TYPES = frozenset({"application/json"})

# What the field messages of request validation say, per pydantic error type; pydantic's own texts are English only.
FIELD_MESSAGES: dict[str, Promise] = {
    "missing": _("This field is required."),
    "extra_forbidden": _("This field is not allowed."),
    "enum": _("Choose one of: %(expected)s."),
    "literal_error": _("Choose one of: %(expected)s."),
    "int_parsing": _("Enter a whole number."),
    "int_type": _("Enter a whole number."),
    "int_from_float": _("Enter a whole number."),
    "decimal_parsing": _("Enter a number."),
    "decimal_type": _("Enter a number."),
    "finite_number": _("Enter a number."),
    "decimal_max_digits": _("Enter a number with at most %(max_digits)s digits."),
    "decimal_max_places": _("Enter a number with at most %(decimal_places)s decimal places."),
    "decimal_whole_digits": _("Enter a number with at most %(whole_digits)s digits before the decimal point."),
    "date_parsing": _("Enter a date as YYYY-MM-DD."),
    "date_from_datetime_parsing": _("Enter a date as YYYY-MM-DD."),
    "date_from_datetime_inexact": _("Enter a date as YYYY-MM-DD."),
    "date_type": _("Enter a date as YYYY-MM-DD."),
    "bool_parsing": _("Enter true or false."),
    "bool_type": _("Enter true or false."),
    "string_type": _("Enter text."),
    "string_too_long": _("Enter at most %(max_length)s characters."),
    "string_too_short": _("Enter at least %(min_length)s characters."),
    "greater_than_equal": _("Enter a value of at least %(ge)s."),
    "greater_than": _("Enter a value greater than %(gt)s."),
    "less_than_equal": _("Enter a value of at most %(le)s."),
    "less_than": _("Enter a value less than %(lt)s."),
    "list_type": _("Enter a list."),
    "model_type": _("Enter an object."),
    "model_attributes_type": _("Enter an object."),
    "dict_type": _("Enter an object."),
}
FALLBACK_FIELD_MESSAGE = _("This value is not valid.")

# The code of an error status that has no more specific one.
STATUS_CODES = {
    400: ApiErrorCode.MALFORMED_JSON,
    401: ApiErrorCode.NOT_AUTHENTICATED,
    403: ApiErrorCode.PERMISSION_DENIED,
    404: CommonErrorCode.NOT_FOUND,
    405: ApiErrorCode.METHOD_NOT_ALLOWED,
    413: CommonErrorCode.REQUEST_TOO_LARGE,
    415: ApiErrorCode.UNSUPPORTED_MEDIA_TYPE,
    429: ApiErrorCode.TOO_MANY_ATTEMPTS,
}


class ErrorDetail(Schema):
    code: str
    message: str
    fields: dict[str, str]


class ErrorOut(Schema):
    """Every error of the API."""

    error: ErrorDetail


def error_responses(*statuses: int) -> dict[int, type[ErrorOut]]:
    """The error part of an operation's ``response=``: ``{200: Out, **error_responses(401, 404)}``. List every status
    the operation can return (the OpenAPI test checks the ones the framework adds: 401, 403, 400, 422)."""
    return dict.fromkeys(statuses, ErrorOut)


class NotAuthenticated(AppError):
    """No credential, or one that is unknown, revoked or belongs to an inactive user."""

    status = 401


class TooManyAttempts(AppError):
    status = 429


class UnsupportedMediaType(AppError):
    status = 415


def not_authenticated() -> NotAuthenticated:
    return NotAuthenticated(ApiErrorCode.NOT_AUTHENTICATED, MESSAGES["not_authenticated"])


def invalid_credentials() -> NotAuthenticated:
    return NotAuthenticated(ApiErrorCode.INVALID_CREDENTIALS, MESSAGES["invalid_credentials"])


def too_many_attempts() -> TooManyAttempts:
    return TooManyAttempts(ApiErrorCode.TOO_MANY_ATTEMPTS, MESSAGES["too_many_attempts"])


def otp_required() -> NotAuthenticated:
    return NotAuthenticated(ApiErrorCode.OTP_REQUIRED, MESSAGES["otp_required"])


def invalid_otp() -> NotAuthenticated:
    return NotAuthenticated(ApiErrorCode.INVALID_OTP, MESSAGES["invalid_otp"])


def mfa_required() -> PermissionRefused:
    return PermissionRefused(ApiErrorCode.MFA_REQUIRED, MESSAGES["mfa_required"])


def csrf_failed() -> PermissionRefused:
    return PermissionRefused(ApiErrorCode.CSRF_FAILED, MESSAGES["csrf_failed"])


def permission_denied() -> PermissionRefused:
    return PermissionRefused(ApiErrorCode.PERMISSION_DENIED, MESSAGES["permission_denied"])


def unsupported_media_type() -> UnsupportedMediaType:
    message = MESSAGES["unsupported_media_type"]
    return UnsupportedMediaType(ApiErrorCode.UNSUPPORTED_MEDIA_TYPE, message, fields={"Content-Type": message})


def is_json_media_type(content_type: str | None) -> bool:
    media_type = (content_type or "").split(";", 1)[0].strip().lower()
    return media_type in JSON_MEDIA_TYPES or (media_type.startswith("application/") and media_type.endswith("+json"))


def no_role() -> PermissionRefused:
    return PermissionRefused(ApiErrorCode.NO_ROLE, MESSAGES["no_role"])


def not_found() -> NotFound:
    return NotFound(CommonErrorCode.NOT_FOUND, MESSAGES["not_found"])


def error_response(
    status: int, code: str, message: str | Promise, fields: Mapping[str, str | Promise] | None = None
) -> JsonResponse:
    body = {"code": code, "message": str(message), "fields": {key: str(value) for key, value in (fields or {}).items()}}
    response = JsonResponse({"error": body}, status=status)
    if status == 401:
        # RFC 9110: a 401 names the scheme that would work.
        response["WWW-Authenticate"] = 'Bearer realm="api"'
    return response


def _app_error(request: HttpRequest, exc: AppError) -> HttpResponse:
    body = exc.as_dict()
    return error_response(exc.status, body["code"], body["message"], body["fields"])


def field_path(loc: tuple[Any, ...]) -> str:
    """``("body", "payload", "lines", 0, "quantity")`` → ``lines.0.quantity``; ``("query", "list")`` → ``list``.

    Ninja puts the source first and, for a JSON body, the name of the endpoint's body argument second: neither is
    part of what the client sent. A problem with the body as a whole is reported on ``body``.
    """
    source, *rest = loc
    if source == "body":
        rest = rest[1:]
    return ".".join(str(part) for part in rest) or str(source)


def field_message(error: Mapping[str, Any]) -> str:
    text = str(FIELD_MESSAGES.get(error["type"], FALLBACK_FIELD_MESSAGE))
    if "%(" not in text:
        return text
    context = {key: str(value) for key, value in (error.get("ctx") or {}).items()}
    if error["type"] in ("enum", "literal_error") and "expected" in context:
        # pydantic writes "'a', 'b' or 'c'": keep the values, drop its English "or".
        context["expected"] = ", ".join(re.findall(r"'([^']*)'", context["expected"])) or context["expected"]
    try:
        return text % context
    except KeyError:
        return str(FALLBACK_FIELD_MESSAGE)


def _validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    fields: dict[str, str] = {}
    for error in exc.errors:
        fields.setdefault(field_path(tuple(error["loc"])), field_message(error))
    return error_response(422, CommonErrorCode.INVALID_INPUT, MESSAGES["invalid_input"], fields)


def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    """Ninja's own refusals: an unparsable body (400), a failed authentication (401), and the like."""
    if isinstance(exc.__cause__, AppError):
        # Ninja turns whatever its body parser raises into a 400; ``JsonParser`` raises an AppError (415) for a body
        # that is not JSON at all.
        return _app_error(request, exc.__cause__)
    code = STATUS_CODES.get(exc.status_code, "invalid_input")
    return error_response(exc.status_code, code, MESSAGES.get(code, MESSAGES["invalid_input"]))


def _authentication_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return error_response(401, ApiErrorCode.NOT_AUTHENTICATED, MESSAGES["not_authenticated"])


def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return error_response(404, CommonErrorCode.NOT_FOUND, MESSAGES["not_found"])


def _permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return error_response(403, ApiErrorCode.PERMISSION_DENIED, MESSAGES["permission_denied"])


def _too_large(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    """A body without a declared length that outgrew what Django holds in memory (a declared one over the limit
    never gets this far: ``RequestBodyLimitMiddleware``). Without this, the catch-all below made it a 500."""
    return request_limits.too_large_response(request, settings.DATA_UPLOAD_MAX_MEMORY_SIZE)


def _unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
    """A bug: logged and signalled as Django does for any view (the test client re-raises it), answered in the error
    shape instead of an HTML page."""
    got_request_exception.send(sender=None, request=request)
    response = error_response(500, ApiErrorCode.SERVER_ERROR, MESSAGES["server_error"])
    log_response("Internal Server Error: %s", request.path, response=response, request=request, exception=exc)
    return response


# Ninja picks the handler of the nearest class in the exception's MRO, so the order here does not matter.
HANDLERS: tuple[tuple[type[Exception], Callable[..., HttpResponse]], ...] = (
    (AppError, _app_error),
    (NinjaValidationError, _validation_error),
    (AuthenticationError, _authentication_error),
    (HttpError, _http_error),
    (Http404, _not_found),
    (PermissionDenied, _permission_denied),
    (RequestDataTooBig, _too_large),
    (Exception, _unexpected),
)


class JsonParser(Parser):
    """Ninja's JSON parser, which refuses a body sent as anything but JSON (a form, plain text, XML) with 415
    instead of trying to read it. Only called for a non-empty body of an operation that takes one."""

    def parse_body(self, request: HttpRequest) -> Any:
        if not is_json_media_type(request.content_type):
            raise unsupported_media_type()
        return super().parse_body(request)


def install_handlers(api: NinjaAPI) -> None:
    """Replace ninja's default handlers (``{"detail": ...}``) with ours."""
    for exc_class, handler in HANDLERS:
        api.add_exception_handler(exc_class, handler)


def json_not_found(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    """Any URL under the API that names no endpoint."""
    return error_response(404, CommonErrorCode.NOT_FOUND, MESSAGES["not_found"])


def json_method_not_allowed(allowed: str) -> HttpResponse:
    response = error_response(405, ApiErrorCode.METHOD_NOT_ALLOWED, MESSAGES["method_not_allowed"])
    response["Allow"] = allowed
    return response
