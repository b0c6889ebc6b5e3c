"""Hostile input against the pages' forms: each form the cast can reach is read from its page, submitted once as it
comes (with a few fields filled in) and then with every text, number and date field replaced, one at a time, by the
hostile catalogue.

No answer may be a 5xx. A refusal re-renders the form with the error beside the field and the typed text still in
it; what was accepted must leave every page, PDF and UBL export of the purchase order at 200. The list of forms is
kept here, and a test holds it against the URL configuration, so that a new page cannot escape.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import lxml.html
import pytest
from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone, translation

from vendorcollab.accounts.models import Invitation, Role
from vendorcollab.accounts.selectors import hash_token
from vendorcollab.accounts.services.user_requests import new_user_request_submit, user_request_approve
from vendorcollab.api.services import token_issue
from vendorcollab.common.testing import hostile
from vendorcollab.common.testing.factories import in_days, make_po
from vendorcollab.consignment import services as consignment_services
from vendorcollab.consignment.tests.helpers import stock_line, stocked
from vendorcollab.invoicing.models import InvoiceStatus
from vendorcollab.invoicing.tests.buyer_helpers import received_po, stored_invoice
from vendorcollab.invoicing.tests.vendor_helpers import draft_for, submitted_for
from vendorcollab.invoicing.tests.vendor_helpers import received_po as vendor_received_po
from vendorcollab.notifications.services import webhook_endpoint_create
from vendorcollab.purchasing.models import PurchaseOrder
from vendorcollab.purchasing.services import po_confirm
from vendorcollab.shipping.tests.conftest import confirmed_po, ship


@dataclass(frozen=True)
class Form:
    """A form on a page: who opens it (no one when blank), the page (redirects followed), the form's action (the
    page's own URL when None), and values that make the plain submission valid (a value may be read from the world,
    such as an item's number)."""

    user: str
    page: Callable[[dict[str, Any]], str]
    action: Callable[[dict[str, Any]], str] | None = None
    filled: dict[str, str | Callable[[dict[str, Any]], str]] = field(default_factory=dict)
    # Files chosen in the plain submission (name: file name and content), chosen again for each post.
    files: dict[str, tuple[str, bytes]] = field(default_factory=dict)
    # Names of the rows that stand in for others (read by the same form as the first row): not driven one by one.
    others: str = r"-[1-9][0-9]*-"

    def values(self, world: dict[str, Any]) -> dict[str, str]:
        return {name: value(world) if callable(value) else value for name, value in self.filled.items()}

    def chosen(self) -> dict[str, SimpleUploadedFile]:
        return {name: SimpleUploadedFile(*file) for name, file in self.files.items()}


def _po(kind: str, view: str) -> Callable[[dict[str, Any]], str]:
    return lambda world: reverse(view, args=[world[kind].pk])


def _page(view: str) -> Callable[[dict[str, Any]], str]:
    return lambda world: reverse(view)


def _pk(key: str) -> Callable[[dict[str, Any]], str]:
    return lambda world: str(world[key].pk)


def _item(index: int) -> Callable[[dict[str, Any]], str]:
    return lambda world: world["items"][index].number


def _user(view: str) -> Callable[[dict[str, Any]], str]:
    return lambda world: reverse(view, args=[world["contact"].pk])


def _today(world: dict[str, Any]) -> str:
    return in_days(0).isoformat()


FORMS: dict[str, Form] = {
    "buyer:po_note_add": Form(
        "admin",
        _po("draft", "buyer:po_detail"),
        _po("draft", "buyer:po_note_add"),
        {"text": "Deliver to gate 2.", "visibility": "external"},
    ),
    "buyer:po_edit": Form("admin", _po("draft", "buyer:po_edit")),
    "buyer:po_cancel": Form("admin", _po("sent", "buyer:po_cancel"), filled={"reason": "No longer needed."}),
    "vendor:po_reject": Form("vendor_a_user", _po("sent", "vendor:po_reject"), filled={"reason": "Out of stock."}),
    "partners:vendor_edit": Form("admin", lambda world: reverse("partners:vendor_edit", args=[world["vendor"].pk])),
    "myaccount:tokens": Form("agent", lambda world: reverse("myaccount:tokens"), filled={"name": "ERP"}),
    "myaccount:profile": Form("agent", lambda world: reverse("myaccount:profile"), filled={"language": "nl"}),
    "consignment_buyer:price_create": Form(
        "agent",
        lambda world: reverse("consignment_buyer:price_create"),
        filled={
            "vendor": lambda world: str(world["vendor"].pk),
            "item": lambda world: world["items"][1].number,
            "unit_price": "2.50",
            "currency": "EUR",
            "valid_from": lambda world: in_days(0).isoformat(),
        },
    ),
    "consignment_buyer:price_edit": Form(
        "agent", lambda world: reverse("consignment_buyer:price_edit", args=[world["price"].pk])
    ),
    "buyer:po_create": Form(
        "agent",
        _page("buyer:po_create"),
        filled={"po-vendor": _pk("vendor"), "lines-0-item": _item(0), "lines-0-unit_price": "2.50"},
    ),
    # The response editor names its rows by line number: line 1 (with its first delivery) stands for the others.
    "vendor:po_respond": Form(
        "vendor_a_user",
        _po("sent", "vendor:po_respond"),
        filled={"line-1-action": "change", "line-1-quantity": "9"},
        others=r"^line-[2-9]|-schedule-[1-9]",
    ),
    "buyer:po_receive": Form("clerk", _po("confirmed", "buyer:po_receive"), filled={"line_1": "1"}),
    "consignment_buyer:replenishment_create": Form(
        "agent",
        _page("consignment_buyer:replenishment_create"),
        filled={
            "header-vendor": _pk("vendor"),
            "lines-0-item": _item(0),
            "lines-0-quantity": "5",
            "lines-0-warehouse": "AMS-1",
        },
    ),
    "consignment_buyer:ownership_create": Form(
        "agent",
        _page("consignment_buyer:ownership_create"),
        filled={
            "header-vendor": _pk("vendor"),
            # An item of the vendor's in the warehouse, with a price to take ownership at.
            "lines-0-item": lambda world: world["owned"].item.number,
            "lines-0-quantity": "1",
            "lines-0-warehouse": "AMS-1",
        },
    ),
    "partners:response_messages": Form(
        "admin", _page("partners:response_messages"), filled={"accepted__en": "Thank you."}
    ),
    "people:request_new_user": Form(
        "admin",
        _page("people:request_new_user"),
        filled={
            "first_name": "Grace",
            "last_name": "Hopper",
            "email": "grace@alpha.example",
            "vendors": _pk("vendor"),
            "reason": "New planner.",
        },
    ),
    "people_vendor:request_new_user": Form(
        "vendor_a_admin",
        _page("people_vendor:request_new_user"),
        filled={"first_name": "Grace", "last_name": "Hopper", "email": "grace@alpha.example", "reason": "New planner."},
    ),
    "notifications:endpoint_create": Form(
        "admin",
        _page("notifications:endpoint_create"),
        filled={"name": "ERP", "url": "https://erp.example.com/hook", "events": "po.confirmed"},
    ),
    "notifications:endpoint_edit": Form(
        "admin", lambda world: reverse("notifications:endpoint_edit", args=[world["endpoint"].pk])
    ),
    "consignment_buyer:replenishment_receive": Form(
        "clerk",
        lambda world: reverse("consignment_buyer:replenishment_detail", args=[world["replenishment"].pk]),
        lambda world: reverse("consignment_buyer:replenishment_receive", args=[world["replenishment"].pk]),
        filled={"line_1": "4"},
    ),
    "people:request_inactivation": Form("admin", _user("people:request_inactivation"), filled={"reason": "Left."}),
    "people:request_role_change": Form(
        "admin", _user("people:request_role_change"), filled={"role": "vendor_admin", "reason": "Leads sales."}
    ),
    "people_vendor:request_inactivation": Form(
        "vendor_a_admin", _user("people_vendor:request_inactivation"), filled={"reason": "Left."}
    ),
    "people_vendor:request_role_change": Form(
        "vendor_a_admin",
        _user("people_vendor:request_role_change"),
        filled={"role": "vendor_admin", "reason": "Leads sales."},
    ),
    "notifications:preferences": Form("vendor_a_user", _page("notifications:preferences")),
    # Rejected: approving sends the invitation, which this test does not read.
    "people:request_decide": Form(
        "admin",
        lambda world: reverse("people:request_detail", args=[world["user_request"].pk]),
        lambda world: reverse("people:request_decide", args=[world["user_request"].pk]),
        filled={"decision": "reject", "reason": "Not at this time."},
    ),
    # Opened by the invitation link (no one signed in), which keeps the invitation in the session.
    "myaccount:invitation_password": Form(
        "",
        lambda world: reverse("myaccount:invitation", args=[world["invitation"]]),
        _page("myaccount:invitation_password"),
        filled={"new_password1": "A long enough passphrase 42", "new_password2": "A long enough passphrase 42"},
    ),
    "buyer:invoice_reject": Form(
        "admin",
        _po("invoice", "buyer:invoice_detail"),
        _po("invoice", "buyer:invoice_reject"),
        filled={"reason": "The price was not agreed."},
    ),
    "buyer:invoice_record_payment": Form(
        "admin",
        _po("approved_invoice", "buyer:invoice_detail"),
        _po("approved_invoice", "buyer:invoice_record_payment"),
        filled={"payment_date": _today, "reference": "BANK-1"},
    ),
    "buyer:invoice_note_add": Form(
        "admin",
        _po("invoice", "buyer:invoice_detail"),
        _po("invoice", "buyer:invoice_note_add"),
        filled={"text": "Ask purchasing about the price.", "visibility": "internal"},
    ),
    # The vendor's invoice form: opened from the POs ticked on the "ready to invoice" list; a draft; a credit note.
    "vendor:invoice_create": Form(
        "vendor_a_user",
        lambda world: reverse("vendor:invoice_create") + f"?po={world['vendor'].pk}:{world['to_invoice'].pk}",
        _page("vendor:invoice_create"),
        filled={"invoice-number": "H-2026-1"},
    ),
    "vendor:invoice_edit": Form("vendor_a_user", _po("invoice_draft", "vendor:invoice_edit")),
    "vendor:credit_note_create": Form(
        "vendor_a_user", _po("invoice_sent", "vendor:credit_note_create"), filled={"invoice-number": "H-CN-1"}
    ),
    "vendor:invoice_note_add": Form(
        "vendor_a_user",
        _po("invoice_sent", "vendor:invoice_detail"),
        _po("invoice_sent", "vendor:invoice_note_add"),
        filled={"text": "Paid by the 30th?"},
    ),
    "buyer:po_attachment_add": Form(
        "agent",
        _po("draft", "buyer:po_detail"),
        _po("draft", "buyer:po_attachment_add"),
        files={"file": ("drawing.pdf", b"%PDF-1.4\n%%EOF\n")},
    ),
    # Ship notices: the vendor's form opened for a confirmed PO (its lines prefilled), cancelling with a reason (the
    # dialog's form), and the clerk's receipt from a notice (prefilled with what was shipped).
    "vendor:ship_notice_create": Form(
        "vendor_a_user",
        lambda world: reverse("vendor:ship_notice_create") + f"?po={world['confirmed'].pk}",
        _page("vendor:ship_notice_create"),
        filled={"notice-expected_delivery_date": lambda world: in_days(2).isoformat(), "notice-carrier": "DHL"},
    ),
    "vendor:ship_notice_cancel": Form(
        "vendor_a_user",
        _po("ship_notice", "vendor:ship_notice"),
        _po("ship_notice", "vendor:ship_notice_cancel"),
        filled={"reason": "The truck broke down."},
    ),
    "buyer:ship_notice_receive": Form("clerk", _po("ship_notice", "buyer:ship_notice_receive")),
}
# Pages that take no typed text (lists, documents, buttons), or whose forms belong to another part of this work.
WITHOUT_TYPED_INPUT = {
    "home",
    "documents_buyer:document_list",  # filters are choices only
    "documents_buyer:document_detail",
    "documents_vendor:document_list",  # filters are choices only
    "documents_vendor:document_detail",
    "vendor:ship_notices",  # its search box is a GET filter, like buyer:po_list
    "vendor:ship_notice",
    "buyer:shipments",  # its search box is a GET filter, like buyer:po_list
    "buyer:ship_notice",
    "set_language",
    "myaccount:token_revoke",
    "myaccount:profile",  # one choice of language: nothing typed
    "consignment_vendor:purchase_orders",
    "consignment_vendor:purchase_order",
    "consignment_vendor:purchase_order_pdf",
    "consignment_vendor:received",
    "consignment_vendor:on_hand",
    "consignment_vendor:replenishments",
    "people_vendor:user_list",
    "people_vendor:user_detail",
    "people_vendor:request_list",
    "people_vendor:request_detail",
    "vendor:workspace",
    "vendor:po_list",
    "vendor:po_accept",
    "vendor:po_bulk_accept",  # checkboxes of the list: ids it chose, nothing typed
    "vendor:history",
    "vendor:po_detail",
    "vendor:po_version",
    "vendor:po_history",
    "vendor:po_pdf",
    "vendor:po_version_pdf",
    "vendor:po_print",
    "vendor:attachment",
    "vendor:toggle_dimensions",
    "vendor:invoicing",
    "vendor:invoice_list",  # a list: its search box is a GET filter, like vendor:po_list
    "vendor:invoice_detail",
    "vendor:invoice_submit",  # a button that asks once
    "vendor:invoice_delete",  # a button that asks once
    "vendor:invoice_attachment",
    "vendor:invoice_pdf",
    "consignment_buyer:stock",
    "consignment_buyer:price_list",
    "consignment_buyer:replenishment_list",
    "consignment_buyer:replenishment_detail",
    "consignment_buyer:replenishment_cancel",
    "consignment_buyer:ownership_list",
    "consignment_buyer:ownership_detail",
    "buyer:workspace",
    "buyer:po_list",
    "buyer:po_detail",
    "buyer:po_copy",
    "buyer:po_send",
    "buyer:po_confirm",
    "buyer:po_request_change",
    "buyer:po_version",
    "buyer:po_version_pdf",
    "buyer:po_history",
    "buyer:attachment",
    # The PO form's item lookup: a GET fragment, not a form; its hostile text is in purchasing's test_item_lookup.
    "buyer:item_options",
    "buyer:receiving",  # a list: its search box is a GET filter, like buyer:po_list
    "buyer:invoices",
    "buyer:invoice_list",  # its search box is a GET filter, like buyer:po_list
    "buyer:invoice_detail",
    "buyer:invoice_approve",  # a button
    "buyer:invoice_attachment",
    "buyer:invoice_pdf",
    "audit:events",
    "people:user_list",
    "people:user_detail",
    "people:request_list",
    "people:request_detail",
    "people:invitation_renew",
    # Buttons: the company switched is compared as text with the person's own companies, anything else is refused.
    "people:user_access",
    # The link in the invitation mail: its token is looked up by hash and the page redirects to the password form.
    "myaccount:invitation",
    "partners:vendor_list",
    "notifications:deliveries",
    "notifications:endpoint_list",
    "notifications:delivery_retry",
}
# Forms with typed input that this test does not yet drive (empty: every form is driven; a form added here must say
# why in the report of its change).
NOT_YET_DRIVEN: set[str] = set()
# Django's admin, allauth's pages and the API have their own tests (the API's hostile test among them).
OUTSIDE = ("admin:", "api-v1:", "account_", "mfa_", "socialaccount_", "bench_")
TEXT_TYPES = {"text", "search", "email", "url", "tel", "number", "date", "password", ""}
# Fields whose refused text the form shows again (a browser keeps no invalid number or date in its input, a
# password is never sent back, and a choice shows its options).
TYPED_BACK = TEXT_TYPES - {"number", "date", "password"} | {"textarea", "input"}
# What a crafted request can put in place of a choice (a select, radio buttons, a list of checkboxes): a NUL, a
# string far beyond any limit, and an id beyond 64 bits.
CHOICES = ["\x00", "x" * 100_000, str(2**63)]


def _url_names(resolver: URLResolver, namespace: str = "") -> set[str]:
    names = set()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            names |= _url_names(pattern, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(namespace + pattern.name)
    return names


def test_every_page_is_driven_or_listed_as_without_typed_input():
    names = {name for name in _url_names(get_resolver()) if not name.startswith(OUTSIDE)}
    listed = set(FORMS) | WITHOUT_TYPED_INPUT | NOT_YET_DRIVEN
    assert names - listed == set(), "a new page: add it to FORMS (or say why it takes no typed input)"
    assert listed - names == set(), "a page that no longer exists"


class World(dict[str, Any]):
    """What the forms act on, each thing made when a form first asks for it (a test makes only what its form needs)."""

    def __init__(self, makers: dict[str, Callable[[], Any]]) -> None:
        super().__init__()
        self.makers = makers

    def __missing__(self, key: str) -> Any:
        self[key] = self.makers[key]()
        return self[key]

    def purchase_orders(self) -> list[int]:
        return [self[key].pk for key in ("draft", "sent", "confirmed") if key in self]


def _invitation(user_request: Any, admin: Any) -> str:
    """The token of the link in the invitation of an approved request, as the mail would carry it."""
    user_request_approve(actor=admin, user_request=user_request, link_base="http://testserver/")
    token = "hostile-forms-invitation-token"
    Invitation.objects.filter(request=user_request).update(token_hash=hash_token(token), sent_at=timezone.now())
    return token


@pytest.fixture
def world(cast):
    world = World(
        {
            "draft": lambda: make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:2]),
            "sent": lambda: make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:2], send=True),
            "confirmed": lambda: po_confirm(
                actor=cast.agent,
                purchase_order=make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:2], send=True),
                without_response=True,
            ),
            "vendor": lambda: cast.vendor_a,
            "items": lambda: cast.items,
            "price": lambda: consignment_services.price_create(
                actor=cast.agent,
                vendor=cast.vendor_a,
                item=cast.items[0],
                unit_price=Decimal("1.25"),
                valid_from=in_days(0),
            ),
            "owned": lambda: (world["price"], stocked(cast, quantity="5"))[1],
            "replenishment": lambda: consignment_services.replenishment_create(
                actor=cast.agent, vendor=cast.vendor_a, lines=[stock_line(cast)]
            ),
            "contact": lambda: cast.vendor_a_user,
            "user_request": lambda: new_user_request_submit(
                actor=cast.vendor_a_admin,
                first_name="Grace",
                email="grace@alpha.example",
                roles=[Role.VENDOR_USER],
                vendors=[cast.vendor_a],
            ),
            "endpoint": lambda: webhook_endpoint_create(
                actor=cast.admin, name="ERP", url="https://erp.example.com/hook", events=["po.confirmed"]
            ),
            "invitation": lambda: _invitation(world["user_request"], cast.admin),
            "headers": lambda: {"Authorization": "Bearer " + token_issue(actor=cast.admin)[1]},
            "invoice": lambda: stored_invoice(cast, received_po(cast), number="INV-H", price_on_line_1="2.75"),
            "approved_invoice": lambda: stored_invoice(
                cast, received_po(cast), number="INV-A", status=InvoiceStatus.APPROVED
            ),
            "to_invoice": lambda: vendor_received_po(cast),
            "invoice_draft": lambda: draft_for(cast, vendor_received_po(cast), "H-DRAFT", quantity=Decimal(1)),
            "invoice_sent": lambda: submitted_for(cast, vendor_received_po(cast), "H-SENT", quantity=Decimal(1)),
            "ship_notice": lambda: ship(cast, (confirmed_po(cast, quantities=("10", "20")), 1, "6"), number="SN-H"),
        }
    )
    return world


def _form(html: bytes, action: str) -> Any:
    document = lxml.html.fromstring(html)
    forms = [form for form in document.forms if (form.get("action") or action) == action]
    assert forms, f"no form posting to {action}"
    return forms[0]


def _typed_fields(form: Any, others: str) -> dict[str, str]:
    """Which of the form's fields take typed text, numbers or dates, or a choice (which a crafted request can send
    anything in place of)."""
    typed = {}
    for element in form.inputs:
        name = element.get("name")
        # The first row of a formset stands for the others: they are read by the same form.
        if not name or name == "csrfmiddlewaretoken" or re.search(others, name):
            continue
        if element.tag == "textarea" or (element.tag == "input" and (element.get("type") or "") in TEXT_TYPES):
            typed[name] = element.get("type") or element.tag
        elif element.tag == "select" or element.get("type") == "radio":
            typed[name] = "choice"
        elif element.get("type") == "checkbox" and element.get("value") is not None:
            # One of a list of choices; a checkbox without a value is a yes or no, which any value turns on.
            typed[name] = "choice"
    return typed


def _error_beside(html: bytes, action: str, name: str) -> bool:
    """Whether the field ``name`` of the re-rendered form is marked invalid, with a message in its own block."""
    form = _form(html, action)
    element = next((item for item in form.inputs if item.get("name") == name), None)
    if element is None:
        return False
    block = element.getparent()
    for _level in range(3):
        if block is None:
            break
        if block.xpath('.//*[contains(@class, "error")][normalize-space()]'):
            return True
        block = block.getparent()
    return False


def _refused(html: bytes) -> bool:
    """Whether a page answered 200 shows a form with an error (a page that shows a result, such as a new token's
    key, answers 200 too)."""
    return bool(lxml.html.fromstring(html).xpath('//form//*[contains(@class, "error")][normalize-space()]'))


def _errors(html: bytes) -> list[str]:
    return [item.text_content().strip() for item in lxml.html.fromstring(html).xpath('//*[contains(@class, "error")]')]


def _kept(html: bytes, action: str, name: str, typed: str) -> bool:
    form = _form(html, action)
    element = next(item for item in form.inputs if item.get("name") == name)
    shown = element.text if element.tag == "textarea" else element.get("value")
    # What a page can show of it: HTML parsers replace NUL and turn CR LF into LF; text fields lose outer blanks.
    return bool(shown) and shown.strip()[:20].replace("\ufffd", "") in typed.replace("\r\n", "\n")


@pytest.mark.parametrize("name", sorted(FORMS))
def test_hostile_values_in_forms_are_refused_beside_the_field_and_break_nothing(cast, world, name):
    spec = FORMS[name]
    client = Client(raise_request_exception=False)
    if spec.user:
        client.force_login(getattr(cast, spec.user))
    page = spec.page(world)
    action = spec.action(world) if spec.action else page
    form = _form(client.get(page, follow=True).content, action)
    base = {**dict(form.form_values()), **spec.values(world)}
    problems: list[str] = []
    # Made before the first rolled-back submission, so that the token outlives it.
    api_headers = world["headers"]

    with transaction.atomic():
        answer = client.post(action, {**base, **spec.chosen()})
        transaction.set_rollback(True)
    assert answer.status_code in (200, 302), (name, answer.status_code, _errors(answer.content))
    if answer.status_code == 302 and not spec.user:
        client.get(page, follow=True)  # what the accepted submission used up (the invitation in the session)

    for field_name, kind in _typed_fields(form, spec.others).items():
        values = {"date": hostile.DATES, "number": hostile.NUMBERS, "choice": CHOICES}.get(kind, hostile.TEXTS)
        for bad in values:
            with transaction.atomic():
                answer = client.post(action, {**base, **spec.chosen(), field_name: str(bad)})
                shown = f"{name} {field_name}={str(bad)!r:.40}: {answer.status_code}"
                if answer.status_code >= 500:
                    problems.append(shown)
                elif answer.status_code in (400, 422) or (answer.status_code == 200 and _refused(answer.content)):
                    if not _error_beside(answer.content, action, field_name):
                        problems.append(f"{shown} without an error beside the field")
                    elif kind in TYPED_BACK and not _kept(answer.content, action, field_name, str(bad)):
                        problems.append(f"{shown} lost what was typed")
                elif answer.status_code not in (200, 302):
                    # A 404 or 403 here would mean the form was never read (a lost session, a wrong page).
                    problems.append(f"{shown}, neither refused nor accepted")
                else:
                    if not spec.user:
                        client.get(page, follow=True)
                    for po in PurchaseOrder.objects.filter(pk__in=world.purchase_orders()):
                        problems += [
                            f"{shown}, then {failure}"
                            for failure in hostile.render_everything(
                                po,
                                buyer=_client(cast.admin),
                                vendor=_client(cast.vendor_a_user),
                                api_headers=api_headers,
                            )
                        ]
                transaction.set_rollback(True)
    assert not problems, "\n".join(problems)


def _client(user: Any) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


def test_a_refusal_is_shown_beside_the_field_in_the_reader_s_language(cast, world, settings):
    """The same hostile number, typed by someone who reads Dutch: the message beside the field is Dutch."""
    spec = FORMS["consignment_buyer:price_create"]
    client = _client(cast.agent)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "nl"
    action = spec.page(world)
    answer = client.post(action, {**spec.values(world), "unit_price": "NaN"})
    assert answer.status_code == 422
    with translation.override("nl"):
        expected = str(forms.DecimalField().error_messages["invalid"])
    assert expected != "Enter a number."
    block = _form(answer.content, action).xpath('.//*[@name="unit_price"]/..')[0]
    assert expected in block.text_content()
