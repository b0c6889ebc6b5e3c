"""The JSON API under /api/v1/ (DESIGN.md section 8): one NinjaAPI, its routers, one error shape, its docs.

To add endpoints: write a ``Router(auth=api_auth(gate), tags=[...])`` in a module of this package (see
``vendor_endpoints.py``), list every error status in ``response=`` with ``error_responses``, and register it below
with ``api.add_router``. Reads go through a selector, writes through a service; an ``AppError`` they raise becomes
the error shape by itself.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponseNotAllowed
from django.http.response import HttpResponseBase
from django.urls import URLPattern, URLResolver, re_path
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI, Swagger
from ninja.operation import Operation

from . import (
    buyer_endpoints,
    consignment_endpoints,
    document_endpoints,
    error_codes,
    idempotency,
    invoice_endpoints,
    master_data_endpoints,
    performance_endpoints,
    ship_notice_endpoints,
    token_endpoints,
    ubl_endpoints,
    vendor_endpoints,
)
from .auth import api_auth
from .errors import JsonParser, install_handlers, json_method_not_allowed, json_not_found
from .renderers import FastJSONRenderer

DESCRIPTION = """
The vendor collaboration portal's API. JSON in and out; decimals are returned as strings and accepted as strings or
numbers; dates are ISO 8601.

**Authentication**: `Authorization: Bearer <token>` with a token from `POST /api/v1/auth/token`, or the browser's
session (unsafe methods then need the `X-CSRFToken` header).

**Errors** always have the shape `{"error": {"code": "...", "message": "...", "fields": {"lines.0.quantity": "..."}}}`;
clients switch on `code`, people read `message` (in the user's language).

**Bodies** are JSON, sent with `Content-Type: application/json`, at most `API_MAX_BODY_BYTES` (2 MB); a UBL import
takes XML (`application/xml`) up to `UBL_MAX_BYTES` (10 MB). A larger body is a 413 `request_too_large`, another
media type a 415 `unsupported_media_type`.

**Lists** are paginated: `{"items": [...], "count": N, "next": URL or null}`, with `?page=` (from 1) and
`?page_size=` (50 by default, at most 200).

**Retries**: send every POST with an `Idempotency-Key` header (a UUID, say). Sending it again with the same key and
body returns the first response (`Idempotent-Replayed: true`) and changes nothing; the same key with another request
is a 422 `idempotency_key_reused`. Keys are kept for 24 hours.
"""


class VendorCollabAPI(NinjaAPI):
    # The endpoint function of each operation id, seen while the document is built: it carries the codes the
    # endpoint declares (``error_codes.answers``).
    _views: dict[str, Any]

    def get_openapi_operation_id(self, operation: Operation) -> str:
        # Endpoint functions carry unique names (``vendor_purchase_order_list``); module paths add only noise.
        name = operation.view_func.__name__
        self._views[name] = operation.view_func
        return name

    def get_openapi_schema(self, *, path_prefix: str | None = None, path_params: Any = None) -> Any:
        # The Idempotency-Key header that every authenticated POST honours (``idempotency.install`` below), and
        # each operation's error codes as an enum.
        self._views = {}
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        return error_codes.document(idempotency.document(_document_body_refusals(schema)), self._views)

    @property
    def urls(self) -> tuple[list[URLResolver | URLPattern], str, str]:
        """Ninja's URLs, with every error in the API's shape: a wrong method (405) and any unknown path (404)."""
        patterns, app_name, namespace = super().urls
        wrapped: list[URLResolver | URLPattern] = []
        for pattern in patterns:
            if isinstance(pattern, URLPattern):
                # Ninja's root view raises Http404 outside the API's handlers, which would be an HTML page.
                view = (
                    csrf_exempt(json_not_found) if pattern.name == "api-root" else _json_not_allowed(pattern.callback)
                )
                pattern = URLPattern(pattern.pattern, view, pattern.default_args, pattern.name)
            wrapped.append(pattern)
        wrapped.append(re_path(r"^.*$", csrf_exempt(json_not_found), name="not-found"))
        return wrapped, app_name, namespace


def _document_body_refusals(schema: Any) -> Any:
    """Every operation that takes a body may answer 413 (too large) and 415 (not the media type it takes)."""
    error_ref = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}}
    descriptions = {413: "Request body too large", 415: "Unsupported media type"}
    for methods in schema.get("paths", {}).values():
        for operation in methods.values():
            if "requestBody" in operation:
                for status, description in descriptions.items():
                    operation["responses"].setdefault(status, {"description": description, "content": error_ref})
    return schema


def _json_not_allowed(view: Any) -> Any:
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        response = view(request, *args, **kwargs)
        if isinstance(response, HttpResponseNotAllowed):
            return json_method_not_allowed(response["Allow"])
        return response

    wrapper.csrf_exempt = getattr(view, "csrf_exempt", False)  # type: ignore[attr-defined]
    return wrapper


api = VendorCollabAPI(
    title="vendorcollab API",
    version="1",
    description=DESCRIPTION.strip(),
    urls_namespace="api-v1",
    auth=api_auth(),
    # Swagger UI from the static files of the ninja app (in INSTALLED_APPS), never a CDN; no online validator badge.
    docs=Swagger(settings={"validatorUrl": None}),
    parser=JsonParser(),
    renderer=FastJSONRenderer(),
)
install_handlers(api)
idempotency.install(api)
api.add_router("/auth", token_endpoints.router)
api.add_router("/vendor/consignment", consignment_endpoints.vendor_router)
api.add_router("/vendor/documents", document_endpoints.vendor_router)
api.add_router("/vendor", vendor_endpoints.router)
api.add_router("/vendor", invoice_endpoints.vendor_router)
api.add_router("/vendor", ship_notice_endpoints.vendor_router)
api.add_router("/vendor/documents", ubl_endpoints.vendor_router)
api.add_router("/consignment", consignment_endpoints.buyer_router)
api.add_router("/documents", document_endpoints.buyer_router)
api.add_router("/invoices", invoice_endpoints.buyer_router)
api.add_router("/ship-notices", ship_notice_endpoints.buyer_router)
api.add_router("/vendor-performance", performance_endpoints.buyer_router)
api.add_router("/vendor", performance_endpoints.vendor_router)
api.add_router("/", master_data_endpoints.router)
# The UBL router may share this prefix (ninja allows it); the PO paths take {int:id}, so that its fixed paths such as
# /purchase-orders/import-ubl never resolve to a PO whatever order the routers are registered in.
api.add_router("/purchase-orders", buyer_endpoints.router)
api.add_router("/purchase-orders", ubl_endpoints.router)
