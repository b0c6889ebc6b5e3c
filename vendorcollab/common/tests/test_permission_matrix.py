"""One permission matrix for every page and every API operation: the status each role of the cast gets, GET and POST.

The pages come from ``get_resolver()``, the API's operations from its OpenAPI document, so a new page or endpoint
fails here until it has a row in ``PAGES`` or ``API``: nothing escapes. Each row names who may use the URL (a
profile) and which of vendor A's objects (or the buyer's) fill its ids. The rules the profiles encode:

- anonymous: a redirect to sign-in on pages, 401 in the API;
- the other side of the wall (a buyer on a vendor page, a vendor on a buyer page): 404;
- a user without any role: the "no role" page, 403, before anything is read;
- a buyer without the page's role, a vendor user without the admin role: 403, the same whatever the id;
- vendor B on anything of vendor A: 404, exactly;
- allowed: what the view answers (a page, a redirect after a POST, a 422 for an empty form).

A method a URL does not take answers 405 or the role's refusal, never anything that depends on the object.
Every POST runs in a savepoint that is rolled back, so the walk changes nothing for the next request.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from vendorcollab.accounts.models import Role, User
from vendorcollab.accounts.services.user_requests import new_user_request_submit
from vendorcollab.api.api import api as ninja_api
from vendorcollab.api.services import token_issue
from vendorcollab.common.testing.factories import make_po, make_user
from vendorcollab.consignment.models import ConsignmentPrice, ReplenishmentOrder
from vendorcollab.consignment.services import ownership_change_post
from vendorcollab.consignment.tests.helpers import priced, stock_line, stocked
from vendorcollab.interop.models import Direction, Document
from vendorcollab.invoicing.inputs import InvoiceInput, InvoiceLineInput
from vendorcollab.invoicing.models import Invoice, InvoiceAttachment
from vendorcollab.invoicing.services import invoice_attachment_add, invoice_create_and_submit
from vendorcollab.invoicing.tests.buyer_helpers import accounts_payable, received_po, stored_invoice
from vendorcollab.invoicing.tests.vendor_helpers import draft_for
from vendorcollab.invoicing.tests.vendor_helpers import received_po as vendor_received_po
from vendorcollab.notifications.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint
from vendorcollab.purchasing.models import Attachment, ResponseKind, Visibility
from vendorcollab.purchasing.services import ReceiptLineInput, po_confirm, po_send, receipt_post, response_submit
from vendorcollab.shipping.inputs import ShipNoticeInput, ShipNoticeLineInput
from vendorcollab.shipping.models import ShipNotice
from vendorcollab.shipping.services import ship_notice_create

ANONYMOUS, ADMIN, AGENT, CLERK = "anonymous", "procurement admin", "purchasing agent", "receiving clerk"
AP = "accounts payable"
VA_USER, VA_ADMIN, VB_USER, VB_ADMIN, NO_ROLE = (
    "vendor A user",
    "vendor A admin",
    "vendor B user",
    "vendor B admin",
    "no role",
)
ROLES = (ANONYMOUS, ADMIN, AGENT, CLERK, AP, VA_USER, VA_ADMIN, VB_USER, VB_ADMIN, NO_ROLE)
BUYERS = {
    ADMIN: Role.PROCUREMENT_ADMIN,
    AGENT: Role.PURCHASING_AGENT,
    CLERK: Role.RECEIVING_CLERK,
    AP: Role.ACCOUNTS_PAYABLE,
}
VENDOR_B = (VB_USER, VB_ADMIN)
MISSING_ID = 987654321
# The ids of the world that are words or numbers of no object of vendor A (a list's name, a version number).
WORDS = ("version", "list", "buyer_list", "invoice_list", "vendor_invoice_list")

# What "allowed" may answer: the page or the object, a redirect (after a POST, or to a canonical page), a refused
# empty form (400/422), a conflict with the object's state (409), 201 for a creation.
ALLOWED = frozenset({200, 201, 302, 400, 409, 415, 422})
ANY = frozenset(range(100, 500))  # pages without objects or roles (sign-in, language, the API's documents)


@dataclass(frozen=True)
class Profile:
    """Who may use a URL. ``expect(role, objects)`` is the set of statuses that role may get; ``objects`` says
    whether the URL's ids name vendor A's objects (where vendor B gets 404)."""

    name: str
    rule: Callable[[str, bool], frozenset[int]]

    def expect(self, role: str, objects: bool) -> frozenset[int]:
        return self.rule(role, objects)


def _page(allowed: Callable[[str], bool], *, side: str) -> Callable[[str, bool], frozenset[int]]:
    def rule(role: str, objects: bool) -> frozenset[int]:
        if role == ANONYMOUS:
            return frozenset({302})
        if role == NO_ROLE:
            return frozenset({403})
        if (role in BUYERS) != (side == "buyer"):
            return frozenset({404})  # the other side of the wall
        if side == "vendor" and not allowed(role):
            return frozenset({403})  # a vendor user on a vendor admin's page: refused before any object is read
        if objects and role in VENDOR_B:
            return frozenset({404})
        return ALLOWED if allowed(role) else frozenset({403})

    return rule


def _api(allowed: Callable[[str], bool], *, side: str) -> Callable[[str, bool], frozenset[int]]:
    page = _page(allowed, side=side)
    return lambda role, objects: frozenset({401}) if role == ANONYMOUS else page(role, objects)


def _buyer_roles(*roles: str) -> Callable[[str], bool]:
    return lambda role: not roles or BUYERS[role] in roles


OPEN = Profile("open", lambda role, objects: ANY)
SIGNED_IN = Profile("signed in", lambda role, objects: frozenset({302}) if role == ANONYMOUS else ALLOWED)
OWN_TOKEN = Profile(
    "own token", lambda role, objects: {ANONYMOUS: frozenset({302}), VA_USER: ALLOWED}.get(role, frozenset({404}))
)
VENDOR = Profile("vendor", _page(lambda role: True, side="vendor"))
VENDOR_ADMIN = Profile("vendor admin", _page(lambda role: role in (VA_ADMIN, VB_ADMIN), side="vendor"))
BUYER = Profile("buyer", _page(_buyer_roles(), side="buyer"))
PURCHASING = Profile("purchasing", _page(_buyer_roles(Role.PROCUREMENT_ADMIN, Role.PURCHASING_AGENT), side="buyer"))
RECEIVING = Profile("receiving", _page(_buyer_roles(Role.PROCUREMENT_ADMIN, Role.RECEIVING_CLERK), side="buyer"))
PROCUREMENT_ADMIN = Profile("procurement admin", _page(_buyer_roles(Role.PROCUREMENT_ADMIN), side="buyer"))
INVOICING = Profile("invoicing", _page(_buyer_roles(Role.PROCUREMENT_ADMIN, Role.ACCOUNTS_PAYABLE), side="buyer"))
API_VENDOR = Profile("API vendor", _api(lambda role: True, side="vendor"))
API_BUYER = Profile("API buyer", _api(_buyer_roles(), side="buyer"))
API_PURCHASING = Profile(
    "API purchasing", _api(_buyer_roles(Role.PROCUREMENT_ADMIN, Role.PURCHASING_AGENT), side="buyer")
)
API_RECEIVING = Profile("API receiving", _api(_buyer_roles(Role.PROCUREMENT_ADMIN, Role.RECEIVING_CLERK), side="buyer"))
API_ADMIN = Profile("API admin", _api(_buyer_roles(Role.PROCUREMENT_ADMIN), side="buyer"))
API_INVOICING = Profile(
    "API invoicing", _api(_buyer_roles(Role.PROCUREMENT_ADMIN, Role.ACCOUNTS_PAYABLE), side="buyer")
)


@dataclass(frozen=True)
class Row:
    profile: Profile
    ids: dict[str, str] = field(default_factory=dict)  # URL parameter -> key of the world's objects
    methods: tuple[str, ...] = ("GET", "POST")
    # An API body that passes the schema, where the schema is checked before the object is looked up: with "{}" the
    # answer would be a 422 for any id, and the walk would not reach the object.
    body: str = "{}"
    # Where a page's POST is for fewer roles than its GET (every buyer reads a price, purchasing changes it).
    post_profile: Profile | None = None


def get(profile: Profile, **ids: str) -> Row:
    return Row(profile, ids, ("GET",))


def post(profile: Profile, **ids: str) -> Row:
    return Row(profile, ids, ("POST",))


def both(profile: Profile, **ids: str) -> Row:
    return Row(profile, ids, ("GET", "POST"))


# Every named URL of the project, by "namespace:name". The Django admin (staff only, Django's own checks) and the
# API (walked through its operations below) are left out of the walk.
PAGES: dict[str, Row] = {
    "home": get(OPEN),
    "set_language": both(OPEN),
    **{
        name: both(OPEN)
        for name in (
            "account_login",
            "account_logout",
            "account_inactive",
            "account_signup",
            "account_reauthenticate",
            "account_email",
            "account_email_verification_sent",
            "account_change_password",
            "account_set_password",
            "account_reset_password",
            "account_confirm_login_code",
            "account_confirm_email",
            "account_reset_password_from_key_done",
            "account_reset_password_from_key",
            "account_reset_password_done",
            "mfa_index",
            "mfa_authenticate",
            "mfa_reauthenticate",
            "mfa_activate_totp",
            "mfa_deactivate_totp",
            "mfa_view_recovery_codes",
            "mfa_generate_recovery_codes",
            "mfa_download_recovery_codes",
        )
    },
    "myaccount:profile": both(SIGNED_IN),
    "myaccount:tokens": both(SIGNED_IN),
    "myaccount:token_revoke": post(OWN_TOKEN, pk="token"),
    "myaccount:invitation": both(OPEN),
    "myaccount:invitation_password": both(OPEN),
    "consignment_vendor:purchase_orders": get(VENDOR),
    "consignment_vendor:purchase_order": get(VENDOR, pk="consignment_po"),
    "consignment_vendor:purchase_order_pdf": get(VENDOR, pk="consignment_po"),
    "consignment_vendor:received": get(VENDOR),
    "consignment_vendor:on_hand": get(VENDOR),
    "consignment_vendor:replenishments": get(VENDOR),
    "people_vendor:user_list": get(VENDOR_ADMIN),
    "people_vendor:user_detail": get(VENDOR_ADMIN, pk="contact"),
    "people_vendor:request_inactivation": both(VENDOR_ADMIN, pk="contact"),
    "people_vendor:request_role_change": both(VENDOR_ADMIN, pk="contact"),
    "people_vendor:request_list": get(VENDOR_ADMIN),
    "people_vendor:request_new_user": both(VENDOR_ADMIN),
    "people_vendor:request_detail": get(VENDOR_ADMIN, pk="user_request"),
    "vendor:workspace": get(VENDOR),
    "vendor:po_list": get(VENDOR, which="list"),
    "vendor:history": get(VENDOR),
    "vendor:po_detail": get(VENDOR, pk="po"),
    "vendor:po_version": get(VENDOR, pk="po", number="version"),
    "vendor:po_history": get(VENDOR, pk="po"),
    "vendor:po_pdf": get(VENDOR, pk="po"),
    "vendor:po_version_pdf": get(VENDOR, pk="po", number="version"),
    "vendor:po_print": get(VENDOR, pk="po"),
    "vendor:po_accept": post(VENDOR, pk="po"),
    "vendor:po_bulk_accept": post(VENDOR),
    "vendor:po_reject": both(VENDOR, pk="po"),
    "vendor:po_respond": both(VENDOR, pk="po"),
    "vendor:attachment": get(VENDOR, pk="attachment"),
    "vendor:toggle_dimensions": post(VENDOR),
    "vendor:invoicing": get(VENDOR),
    "vendor:invoice_list": get(VENDOR, which="vendor_invoice_list"),
    "vendor:invoice_create": both(VENDOR),
    "vendor:invoice_detail": get(VENDOR, pk="vendor_invoice"),
    "vendor:invoice_edit": both(VENDOR, pk="vendor_invoice"),
    "vendor:invoice_submit": both(VENDOR, pk="vendor_invoice"),
    "vendor:invoice_delete": both(VENDOR, pk="vendor_invoice"),
    "vendor:credit_note_create": both(VENDOR, pk="vendor_invoice"),
    "vendor:invoice_note_add": post(VENDOR, pk="vendor_invoice"),
    "vendor:invoice_attachment": get(VENDOR, pk="vendor_invoice_attachment"),
    "vendor:invoice_pdf": get(VENDOR, pk="vendor_invoice"),
    "vendor:ship_notices": get(VENDOR),
    "vendor:ship_notice_create": both(VENDOR),
    "vendor:ship_notice": get(VENDOR, pk="vendor_ship_notice"),
    "vendor:ship_notice_cancel": post(VENDOR, pk="vendor_ship_notice"),
    "vendor:performance": get(VENDOR),
    "documents_vendor:document_list": get(VENDOR),
    "documents_vendor:document_detail": get(VENDOR, pk="document"),
    "documents_buyer:document_list": get(BUYER),
    "documents_buyer:document_detail": get(BUYER, pk="document"),
    "consignment_buyer:stock": get(BUYER),
    "consignment_buyer:replenishment_list": get(BUYER),
    "consignment_buyer:replenishment_create": both(PURCHASING),
    "consignment_buyer:replenishment_detail": get(BUYER, pk="replenishment"),
    "consignment_buyer:replenishment_receive": post(RECEIVING, pk="replenishment"),
    "consignment_buyer:replenishment_cancel": post(PURCHASING, pk="replenishment"),
    "consignment_buyer:ownership_list": get(BUYER),
    "consignment_buyer:ownership_create": both(PURCHASING),
    "consignment_buyer:ownership_detail": get(BUYER, pk="journal"),
    "consignment_buyer:price_list": get(BUYER),
    "consignment_buyer:price_create": both(PURCHASING),
    "consignment_buyer:price_edit": Row(BUYER, {"pk": "price"}, post_profile=PURCHASING),
    "buyer:workspace": get(BUYER),
    "buyer:po_list": get(BUYER, which="buyer_list"),
    "buyer:po_create": both(PURCHASING),
    "buyer:po_detail": get(BUYER, pk="po"),
    "buyer:po_edit": both(PURCHASING, pk="po"),
    "buyer:po_copy": post(PURCHASING, pk="po"),
    "buyer:po_send": post(PURCHASING, pk="po"),
    "buyer:po_confirm": both(PURCHASING, pk="po"),
    "buyer:po_request_change": post(PURCHASING, pk="po"),
    "buyer:po_cancel": both(PURCHASING, pk="po"),
    "buyer:po_note_add": post(PURCHASING, pk="po"),
    "buyer:po_attachment_add": post(PURCHASING, pk="po"),
    "buyer:po_version": get(BUYER, pk="po", number="version"),
    "buyer:po_version_pdf": get(BUYER, pk="po", number="version"),
    "buyer:po_history": get(BUYER, pk="po"),
    "buyer:po_receive": both(RECEIVING, pk="po"),
    "buyer:attachment": get(BUYER, pk="attachment"),
    "buyer:item_options": get(PURCHASING),
    "buyer:receiving": get(RECEIVING),
    "buyer:invoices": get(BUYER),
    "buyer:invoice_list": get(BUYER, which="invoice_list"),
    "buyer:invoice_detail": get(BUYER, pk="invoice"),
    "buyer:invoice_approve": post(INVOICING, pk="invoice"),
    "buyer:invoice_reject": post(INVOICING, pk="invoice"),
    "buyer:invoice_record_payment": post(INVOICING, pk="invoice"),
    "buyer:invoice_note_add": post(BUYER, pk="invoice"),
    "buyer:invoice_attachment": get(BUYER, pk="invoice_attachment"),
    "buyer:invoice_pdf": get(BUYER, pk="invoice"),
    "buyer:shipments": get(BUYER),
    "buyer:ship_notice": get(BUYER, pk="ship_notice"),
    "buyer:ship_notice_receive": both(RECEIVING, pk="ship_notice"),
    "buyer:vendor_performance": get(BUYER),
    "buyer:vendor_performance_detail": get(BUYER, pk="vendor"),
    "notifications:preferences": both(SIGNED_IN),
    "notifications:endpoint_list": get(PROCUREMENT_ADMIN),
    "notifications:endpoint_create": both(PROCUREMENT_ADMIN),
    "notifications:endpoint_edit": both(PROCUREMENT_ADMIN, pk="endpoint"),
    "notifications:deliveries": get(PROCUREMENT_ADMIN),
    "notifications:delivery_retry": post(PROCUREMENT_ADMIN, pk="delivery"),
    "audit:events": get(PROCUREMENT_ADMIN),
    "people:user_list": get(PURCHASING),
    "people:user_detail": get(PURCHASING, pk="contact"),
    "people:user_access": both(PROCUREMENT_ADMIN, pk="contact"),
    "people:request_inactivation": both(PURCHASING, pk="contact"),
    "people:request_role_change": both(PURCHASING, pk="contact"),
    "people:request_list": get(PURCHASING),
    "people:request_new_user": both(PURCHASING),
    "people:request_detail": get(PURCHASING, pk="user_request"),
    "people:request_decide": post(PROCUREMENT_ADMIN, pk="user_request"),
    "people:invitation_renew": post(PROCUREMENT_ADMIN, pk="user_request"),
    "partners:vendor_list": get(PROCUREMENT_ADMIN),
    "partners:vendor_edit": both(PROCUREMENT_ADMIN, pk="vendor"),
    "partners:response_messages": both(PROCUREMENT_ADMIN),
    # The API's own documents and fallbacks; its operations are in ``API``.
    "api-v1:openapi-json": get(OPEN),
    "api-v1:openapi-view": get(OPEN),
    "api-v1:api-root": both(OPEN),
    "api-v1:not-found": both(OPEN),
}

# Every operation of the API, by its operationId.
API: dict[str, Row] = {
    "auth_token_create": post(OPEN),
    "vendor_consignment_purchase_orders": get(API_VENDOR),
    "vendor_consignment_receipts": get(API_VENDOR),
    "vendor_consignment_on_hand": get(API_VENDOR),
    "vendor_purchase_order_list": get(API_VENDOR),
    "vendor_purchase_order_get": get(API_VENDOR, id="po"),
    "vendor_purchase_order_history": get(API_VENDOR, id="po"),
    "vendor_response_create": Row(
        API_VENDOR, {"id": "po"}, ("POST",), body='{"version": 1, "action": "reject", "note": "Not this one"}'
    ),
    "vendor_purchase_order_pdf": get(API_VENDOR, id="po"),
    "vendor_bulk_accept": Row(API_VENDOR, {}, ("POST",), body='{"items": [{"purchase_order": 1, "version": 1}]}'),
    "consignment_replenishment_create": post(API_PURCHASING),
    "consignment_replenishment_receive": post(API_RECEIVING, id="replenishment"),
    "consignment_ownership_change_post": post(API_PURCHASING),
    "consignment_price_list": get(API_BUYER),
    "consignment_price_create": post(API_PURCHASING),
    "consignment_price_get": get(API_BUYER, id="price"),
    "consignment_price_update": Row(API_PURCHASING, {"id": "price"}, body='{"unit_price": "5.00"}'),
    "company_list": get(API_BUYER),
    "company_create": post(API_ADMIN),
    "vendor_list": get(API_BUYER),
    "vendor_create": post(API_ADMIN),
    "vendor_get": get(API_BUYER, id="vendor"),
    "vendor_update": Row(API_ADMIN, {"id": "vendor"}),
    "user_list": get(API_BUYER),
    "user_create": post(API_ADMIN),
    "item_list": get(API_BUYER),
    "item_create": post(API_ADMIN),
    "site_list": get(API_BUYER),
    "site_create": post(API_ADMIN),
    "warehouse_list": get(API_BUYER),
    "warehouse_create": post(API_ADMIN),
    "buyer_purchase_order_list": get(API_BUYER),
    "buyer_purchase_order_create": post(API_PURCHASING),
    "buyer_purchase_order_get": get(API_BUYER, id="po"),
    "buyer_purchase_order_update": Row(API_PURCHASING, {"id": "po"}),
    "buyer_purchase_order_versions": get(API_BUYER, id="po"),
    "buyer_purchase_order_responses": get(API_BUYER, id="po"),
    "buyer_purchase_order_send": post(API_PURCHASING, id="po"),
    "buyer_purchase_order_confirm": post(API_PURCHASING, id="po"),
    "buyer_purchase_order_request_change": post(API_PURCHASING, id="po"),
    "buyer_purchase_order_cancel": post(API_PURCHASING, id="po"),
    "buyer_purchase_order_receive": post(API_RECEIVING, id="po"),
    "purchase_order_import_ubl": post(API_PURCHASING),
    "vendor_document_inbound": post(API_VENDOR),
    "purchase_order_version_ubl": get(API_BUYER, id="po", n="version"),
    "purchase_order_response_ubl": get(API_BUYER, id="po", response_id="response"),
    "document_list": get(API_BUYER),
    "document_create": post(API_PURCHASING),
    "vendor_document_create": post(API_VENDOR),
    "document_detail": get(API_BUYER, id="document"),
    "document_xml": get(API_BUYER, id="document"),
    "vendor_document_list": get(API_VENDOR),
    "vendor_document_detail": get(API_VENDOR, id="document"),
    "vendor_document_xml": get(API_VENDOR, id="document"),
    "vendor_invoiceable_lines": get(API_VENDOR),
    "vendor_invoice_list": get(API_VENDOR),
    "vendor_invoice_create": post(API_VENDOR),
    "vendor_invoice_get": get(API_VENDOR, id="api_invoice"),
    "vendor_invoice_update": Row(API_VENDOR, {"id": "api_invoice"}),
    "vendor_invoice_submit": post(API_VENDOR, id="api_invoice"),
    "vendor_invoice_pdf": get(API_VENDOR, id="api_invoice"),
    "vendor_invoice_ubl": get(API_VENDOR, id="api_invoice"),
    "buyer_invoice_list": get(API_BUYER),
    "buyer_invoice_get": get(API_BUYER, id="api_invoice"),
    "buyer_invoice_approve": post(API_INVOICING, id="api_invoice"),
    "buyer_invoice_reject": post(API_INVOICING, id="api_invoice"),
    "buyer_invoice_pay": post(API_INVOICING, id="api_invoice"),
    "buyer_invoice_pdf": get(API_BUYER, id="api_invoice"),
    "buyer_invoice_ubl": get(API_BUYER, id="api_invoice"),
    "vendor_ship_notice_list": get(API_VENDOR),
    "vendor_ship_notice_create": post(API_VENDOR),
    "vendor_ship_notice_get": get(API_VENDOR, id="vendor_ship_notice"),
    "vendor_ship_notice_cancel": post(API_VENDOR, id="vendor_ship_notice"),
    "vendor_ship_notice_ubl": get(API_VENDOR, id="vendor_ship_notice"),
    "buyer_ship_notice_list": get(API_BUYER),
    "buyer_ship_notice_get": get(API_BUYER, id="ship_notice"),
    "buyer_ship_notice_receive": Row(
        API_RECEIVING, {"id": "ship_notice"}, ("POST",), body='{"lines": [{"line_number": 1, "quantity": "1"}]}'
    ),
    "buyer_ship_notice_ubl": get(API_BUYER, id="ship_notice"),
    "vendor_performance_list": get(API_BUYER),
    "vendor_own_performance": get(API_VENDOR),
}


def _submitted_invoice(cast: Any) -> Any:
    """A matched invoice of vendor A (which buyers see too) for a PO received in part."""
    po = make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:1], send=True)
    po = po_confirm(actor=cast.agent, purchase_order=po, without_response=True)
    receipt_post(actor=cast.clerk, purchase_order=po, lines=[ReceiptLineInput(1, Decimal(4))])
    line = InvoiceLineInput(purchase_order_id=po.pk, line_number=1, quantity=Decimal(2), tax_percent=Decimal(21))
    data = InvoiceInput(vendor_id=cast.vendor_a.pk, number="API-1", issue_date=timezone.localdate(), lines=[line])
    return invoice_create_and_submit(actor=cast.vendor_a_user, data=data)


def _ship_notices(cast: Any) -> tuple[ShipNotice, ShipNotice]:
    """Two notices of vendor A in transit, one line each, on a confirmed PO: the buyer's rows name the first, the
    vendor's the second."""
    po = make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:2], send=True)
    po = po_confirm(actor=cast.agent, purchase_order=po, without_response=True)

    def notice(line_number: int) -> ShipNotice:
        data = ShipNoticeInput(
            lines=(ShipNoticeLineInput(purchase_order_id=po.pk, line_number=line_number, quantity=Decimal(2)),),
            expected_delivery_date=timezone.localdate(),
        )
        return ship_notice_create(actor=cast.vendor_a_user, data=data)

    return notice(1), notice(2)


# --- the walk -------------------------------------------------------------------------------------------------------


def page_patterns(resolver: URLResolver, prefix: str = "", namespace: str = "") -> dict[str, str]:
    """Every named URL pattern outside the Django admin: "namespace:name" -> its path template."""
    found: dict[str, str] = {}
    for pattern in resolver.url_patterns:
        text = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":
                continue
            inner = ":".join(part for part in (namespace, pattern.namespace or "") if part)
            found.update(page_patterns(pattern, text, inner))
        elif isinstance(pattern, URLPattern) and pattern.name:
            name = f"{namespace}:{pattern.name}" if namespace else pattern.name
            found.setdefault(name, text)  # the API names one view per path; its operations are walked below
    return found


def api_operations() -> dict[str, tuple[str, str]]:
    """Every operation of the API: operationId -> (method, path template with {parameters})."""
    return {
        operation["operationId"]: (method.upper(), path)
        for path, methods in ninja_api.get_openapi_schema()["paths"].items()
        for method, operation in methods.items()
    }


@pytest.fixture
def world(cast) -> dict[str, Any]:
    """Vendor A's objects of every kind a URL names, and the buyer's own (webhooks); plus the cast's missing roles."""
    po = make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items)
    api_invoice = _submitted_invoice(cast)
    attachment = Attachment(purchase_order=po, visibility=Visibility.EXTERNAL, name="a.txt", uploaded_by=cast.agent)
    attachment.file.save("a.txt", SimpleUploadedFile("a.txt", b"A"), save=False)
    attachment.save()
    po = po_send(actor=cast.agent, purchase_order=po)
    response = response_submit(
        actor=cast.vendor_a_user, purchase_order=po, version=1, kind=ResponseKind.REJECTED, note="Later"
    )
    priced(cast)
    stocked(cast, quantity="5")
    journal = ownership_change_post(actor=cast.agent, vendor=cast.vendor_a, lines=[stock_line(cast, quantity="1")])
    user_request = new_user_request_submit(
        actor=cast.vendor_a_admin, first_name="Ann", email="ann@alpha.example", roles=[Role.VENDOR_USER],
        vendors=[cast.vendor_a],
    )  # fmt: skip
    endpoint = WebhookEndpoint.objects.create(
        name="ERP", url="https://erp.example/hook", secret="s", created_by=cast.admin
    )
    delivery = WebhookDelivery.objects.create(endpoint=endpoint, event="po.confirmed", status=DeliveryStatus.FAILED)
    token, _key = token_issue(actor=cast.vendor_a_user)
    document = Document.objects.create(
        direction=Direction.OUTBOUND,
        transaction="T01",
        document_id=f"{po.number}-1",
        xml=b"<Order/>",
        company=cast.company,
        vendor=cast.vendor_a,
        purchase_order=po,
    )
    invoice = stored_invoice(cast, received_po(cast), number="INV-1", price_on_line_1="2.75")
    invoice_attachment = InvoiceAttachment(
        invoice=invoice, name="timesheet.txt", content_type="text/plain", size=1, uploaded_by=cast.vendor_a_user
    )
    invoice_attachment.file.save("timesheet.txt", SimpleUploadedFile("timesheet.txt", b"T"), save=False)
    invoice_attachment.save()
    vendor_invoice = vendor_a_draft_invoice(cast)
    ship_notice, vendor_ship_notice = _ship_notices(cast)
    users: dict[str, User | None] = {
        ANONYMOUS: None,
        ADMIN: cast.admin,
        AGENT: cast.agent,
        CLERK: cast.clerk,
        AP: accounts_payable(),
        VA_USER: cast.vendor_a_user,
        VA_ADMIN: cast.vendor_a_admin,
        VB_USER: cast.vendor_b_user,
        VB_ADMIN: make_user("grace", Role.VENDOR_ADMIN, vendors=(cast.vendor_b,)),
        NO_ROLE: User.objects.create_user("nora", "nora@example.com", "Nora-Password-91"),
    }
    return {
        "users": users,
        "ids": {
            "po": po.pk,
            "api_invoice": api_invoice.pk,
            "version": 1,
            "response": response.pk,
            "attachment": attachment.pk,
            "journal": journal.pk,
            "price": ConsignmentPrice.objects.filter(vendor=cast.vendor_a).earliest("pk").pk,
            "consignment_po": journal.purchase_order_id,
            "replenishment": ReplenishmentOrder.objects.filter(vendor=cast.vendor_a).latest("pk").pk,
            "user_request": user_request.pk,
            "contact": cast.vendor_a_user.pk,
            "vendor": cast.vendor_a.pk,
            "endpoint": endpoint.pk,
            "delivery": delivery.pk,
            "token": token.pk,
            "document": document.pk,
            "list": "for_review",
            "buyer_list": "drafts",
            "invoice": invoice.pk,
            "invoice_attachment": invoice_attachment.pk,
            "invoice_list": "on_hold",
            "vendor_invoice": vendor_invoice.pk,
            "vendor_invoice_attachment": vendor_invoice.attachments.get().pk,
            "vendor_invoice_list": "ready_to_invoice",
            "ship_notice": ship_notice.pk,
            "vendor_ship_notice": vendor_ship_notice.pk,
        },
    }


def vendor_a_draft_invoice(cast: Any) -> Invoice:
    """A draft invoice of vendor A for part of a received PO, with an attachment."""
    po = vendor_received_po(cast, items=cast.items[:1], received=[5])
    invoice = draft_for(cast, po, "MATRIX-1", quantity=Decimal(2))
    invoice_attachment_add(
        actor=cast.vendor_a_user, invoice=invoice, upload=SimpleUploadedFile("slip.txt", b"slip", "text/plain")
    )
    return invoice


def _fill(template: str, row: Row, ids: dict[str, Any], missing: bool = False) -> str:
    """The template with the row's ids (or an id that exists nowhere); other parameters get a harmless word."""

    def value(match: re.Match[str]) -> str:
        name = next(group for group in match.groups() if group)
        key = row.ids.get(name)
        if key is None:
            return "nothing"
        if missing and key not in WORDS:
            return str(MISSING_ID)
        return str(ids[key])

    path = re.sub(r"<(?:\w+:)?(\w+)>|\{(\w+)\}|\(\?P<(\w+)>[^)]*\)", value, template)
    return "/" + path.lstrip("^").rstrip("$").replace("^", "").lstrip("/")


def _request(client: Client, method: str, url: str, api: bool, key: str | None, body: str = "{}") -> int:
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    with transaction.atomic():
        if method == "GET":
            response = client.get(url, headers=headers)
        elif api:
            response = client.generic(method, url, body, content_type="application/json", headers=headers)
        else:
            response = client.post(url, {}, headers=headers)
        transaction.set_rollback(True)
    return response.status_code


def _walk(entries: dict[str, tuple[str, str, Row]], world: dict[str, Any], api: bool) -> list[str]:
    """Every row by every role, GET and POST (an API operation: its own method); the failures as readable lines."""
    failures = []
    keys = {role: token_issue(actor=user)[1] for role, user in world["users"].items() if user and api}
    for name, (method_of_api, template, row) in sorted(entries.items()):
        objects = any(key not in WORDS for key in row.ids.values())
        methods = (method_of_api,) if api else ("GET", "POST")
        for role, user in world["users"].items():
            client = Client()
            if user is not None and not api:
                client.force_login(user)
            for method in methods:
                profile = row.post_profile if method == "POST" and row.post_profile else row.profile
                expected = profile.expect(role, objects)
                url = _fill(template, row, world["ids"])
                # A method a page does not take: 405, or what the page answers to its own method (some read pages
                # render on a POST as on a GET); for vendor B always the 404 of vendor A's objects.
                wanted = expected if api or method in row.methods else expected | {405}
                if method not in row.methods and role not in VENDOR_B and not api:
                    continue  # a page answering another method as its own is walked for the vendor B rule only
                status = _request(client, method, url, api, keys.get(role), row.body)
                if status not in wanted:
                    failures.append(f"{name} {method} {role}: {status}, expected {sorted(wanted)}")
                if objects and user is not None and expected != ANY and not expected & ALLOWED:
                    # A refusal that does not depend on the object: the same for an id that exists nowhere.
                    missing = _fill(template, row, world["ids"], missing=True)
                    again = _request(client, method, missing, api, keys.get(role), row.body)
                    if again != status:
                        failures.append(f"{name} {method} {role}: {status} for the object, {again} for no object")
                if not api and user is not None and name in ("account_logout", "set_language"):
                    client.force_login(user)
    return failures


def test_every_page_has_a_row_and_every_row_a_page():
    names = set(page_patterns(get_resolver()))
    api_names = {name for name in names if name.startswith("api-v1:")} - set(PAGES)
    assert api_names <= {f"api-v1:{operation}" for operation in API}, "API paths are walked through their operations"
    assert sorted(names - set(PAGES) - api_names) == [], "pages without a row in PAGES"
    assert sorted(set(PAGES) - names) == [], "rows of PAGES without a page"
    assert sorted(set(api_operations()) ^ set(API)) == [], "API operations without a row, or rows without one"


def test_every_page_answers_every_role_as_the_matrix_says(world):
    templates = page_patterns(get_resolver())
    entries = {name: ("", templates[name], row) for name, row in PAGES.items() if name in templates}
    failures = _walk(entries, world, api=False)
    assert failures == []


def test_every_api_operation_answers_every_role_as_the_matrix_says(world):
    operations = api_operations()
    entries = {name: (*operations[name], row) for name, row in API.items() if name in operations}
    failures = _walk(entries, world, api=True)
    assert failures == []


def test_the_matrix_can_fail(world, client):
    """The matrix is not blind: vendor B does reach vendor A's PO when the scope is taken away (a real 200), and
    the sign-in redirect is what anonymous gets on a vendor page."""
    client.force_login(world["users"][VA_USER])
    assert client.get(reverse("vendor:po_detail", args=[world["ids"]["po"]])).status_code == 200
    client.force_login(world["users"][VB_USER])
    assert client.get(reverse("vendor:po_detail", args=[world["ids"]["po"]])).status_code == 404
    assert VENDOR.expect(VB_USER, True) == {404} and VENDOR.expect(VA_USER, True) == ALLOWED
    assert Client().get(reverse("vendor:workspace")).status_code == 302
