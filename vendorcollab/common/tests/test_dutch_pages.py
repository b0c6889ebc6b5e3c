"""No English on a Dutch page: every page of the URL resolver, as every role that may see it, read by a Dutch user.

The pages and who may see them come from the permission matrix (``test_permission_matrix.PAGES``), so a new page is
walked as soon as it has its row there. The English looked for is every msgid whose Dutch differs from it: ours
(``locale/nl``) and django-allauth's for the apps the portal installs. A msgid found in a page's visible text
(text, and the attributes a person sees or hears: title, placeholder, alt, aria-label, a button's value, the
``data-label`` of a stacked row on a phone) means a string that skipped gettext, a label translated too early, or
a catalogue entry missing. Msgids of fewer than four letters ("PDF", "Yes") and single words that the Dutch
catalogue uses itself ("Open") are left out: they meet data and Dutch alike.

Beyond the matrix's objects the walk reads the states whose words differ: a PO answered with changes (split,
substitute, rejected and changed lines, notes), a confirmed one, every list, a user with two-factor authentication
(its pages), and the audit log with an event of every kind.

A failure reads ``<page name> as <role> (<url>): "<English text>" (msgid "<its msgid>")``, one line each.
"""

from __future__ import annotations

import re
import time
from decimal import Decimal
from html.parser import HTMLParser
from typing import Any

import pytest
from allauth.account.internal.flows.login import (
    _AUTHENTICATION_METHODS_USER_SESSION_KEY,
    AUTHENTICATION_METHODS_SESSION_KEY,
)
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.test import Client
from django.urls import get_resolver
from django.utils import translation

from vendorcollab.audit.models import AuditKind
from vendorcollab.audit.services import audit_record
from vendorcollab.common.testing.factories import make_po
from vendorcollab.common.tests.test_dutch_form_of_address import allauth_entries
from vendorcollab.common.tests.test_permission_matrix import (
    ADMIN,
    AGENT,
    ANONYMOUS,
    CLERK,
    PAGES,
    VA_ADMIN,
    VA_USER,
    WORDS,
    _fill,
    page_patterns,
    world,  # noqa: F401 (the permission matrix's objects, a fixture)
)
from vendorcollab.common.tests.test_translations import CATALOGUE, parse_po
from vendorcollab.invoicing.models import InvoiceNote, InvoiceStatus
from vendorcollab.invoicing.selectors import BuyerInvoiceList, VendorInvoiceList
from vendorcollab.invoicing.tests.buyer_helpers import received_po, stored_invoice
from vendorcollab.invoicing.tests.vendor_helpers import received_po as vendor_received_po
from vendorcollab.invoicing.tests.vendor_helpers import submitted_for
from vendorcollab.performance.services import rebuild_all
from vendorcollab.purchasing.models import LineAction, ResponseKind, Visibility
from vendorcollab.purchasing.selectors import BuyerList, VendorList
from vendorcollab.purchasing.services import note_add, po_confirm, response_submit
from vendorcollab.purchasing.tests.helpers import answer, split

ROLES = (ANONYMOUS, ADMIN, AGENT, CLERK, VA_USER, VA_ADMIN)
# Pages that are not the portal's own words: the API's documents (JSON, and Swagger's own interface).
NOT_WALKED = frozenset({"api-v1:openapi-json", "api-v1:openapi-view", "api-v1:api-root", "api-v1:not-found"})
# The attributes a person sees or hears.
SHOWN_ATTRIBUTES = frozenset({"title", "placeholder", "alt", "aria-label", "data-label"})
# English that is also Dutch, or that the pages show on purpose whatever the language.
ALLOWED = frozenset(
    {
        "English",  # the language switch names each language in its own words
    }
)
# Words of the test data (the factories name items "Item 1", "Item 2"), not of the pages.
DATA = frozenset({"Item"})
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]|\{\w*\}")


def distinctive(text: str) -> bool:
    """Long enough not to meet a Dutch word by chance (four letters: "Accept" counts, "PDF" does not)."""
    return sum(char.isalpha() for char in text) >= 4 and text not in DATA


def english_fragments(msgid: str) -> list[str]:
    """The literal parts of a msgid between its placeholders and markup, whitespace collapsed."""
    text = re.sub(r"<[^>]+>", "\n", msgid)
    return [" ".join(part.split()) for part in PLACEHOLDER.split(text) if part.strip()]


def english_msgids() -> dict[str, str]:
    """English fragment -> the msgid it comes from, for every msgid a Dutch page would show in other words."""
    wanted: dict[str, str] = {}
    ours = [
        (context, msgid, texts)
        for (context, msgid), (texts, _fuzzy) in parse_po(CATALOGUE).items()
    ]  # fmt: skip
    # A single English word that Dutch uses too ("Open", "Details") proves nothing on a Dutch page.
    dutch_words = {word.lower() for _c, _m, texts in ours for text in texts for word in re.findall(r"[\w-]+", text)}
    for _context, msgid, texts in ours:
        if all(text == msgid for text in texts):
            continue
        for fragment in english_fragments(msgid):
            if " " not in fragment and fragment.lower() in dutch_words:
                continue
            if distinctive(fragment) and not any(fragment in text for text in texts):
                wanted.setdefault(fragment, msgid)
    with translation.override("nl"):
        for msgid, plural in allauth_entries():
            dutch = translation.gettext(msgid) if plural is None else translation.ngettext(msgid, plural, 2)
            for fragment in english_fragments(msgid):
                if " " not in fragment and fragment.lower() in dutch_words:
                    continue
                if distinctive(fragment) and fragment not in dutch:
                    wanted.setdefault(fragment, msgid)
    for fragment in ALLOWED:
        wanted.pop(fragment, None)
    return wanted


class VisibleText(HTMLParser):
    """The text of a page a person sees or hears, as one line per text node or shown attribute."""

    SKIPPED = frozenset({"script", "style", "template", "noscript"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.SKIPPED:
            self.skipping += 1
        values = dict(attrs)
        for name, value in attrs:
            if value and name in SHOWN_ATTRIBUTES:
                self.parts.append(value)
        if tag == "input" and values.get("type") in ("submit", "button") and values.get("value"):
            self.parts.append(values["value"] or "")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIPPED and self.skipping:
            self.skipping -= 1

    def handle_data(self, data: str) -> None:
        if not self.skipping and data.strip():
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = VisibleText()
    parser.feed(html)
    return "\n".join(" ".join(part.split()) for part in parser.parts)


def finder(fragments: dict[str, str]) -> re.Pattern[str]:
    """One pattern for all fragments, longest first, matching whole words only."""
    alternatives = "|".join(re.escape(fragment) for fragment in sorted(fragments, key=len, reverse=True))
    return re.compile(rf"(?<![\w-])(?:{alternatives})(?![\w-])")


def english_on(html: str, pattern: re.Pattern[str]) -> list[str]:
    return sorted(set(pattern.findall(visible_text(html))))


def test_the_finder_sees_english_in_text_and_in_shown_attributes():
    fragments = {"Purchase orders for review": "Purchase orders for review", "Accept with changes": "x"}
    pattern = finder(fragments)
    html = (
        '<html><head><script>var a = "Accept with changes";</script></head><body>'
        '<td data-label="Accept with changes">1</td><p>3 Purchase orders for review</p>'
        "<p>Purchase orders for reviewing</p></body></html>"
    )
    assert english_on(html, pattern) == ["Accept with changes", "Purchase orders for review"]
    assert english_on("<p>Inkooporders ter beoordeling</p>", pattern) == []


def test_the_english_looked_for_comes_from_both_catalogues():
    fragments = english_msgids()
    assert "Purchase orders for review" in fragments  # ours
    assert "Are you sure you want to sign out?" in fragments  # allauth's, overridden by ours
    assert "Forgot your password?" in fragments  # allauth's own Dutch
    assert "PDF" not in fragments and "English" not in fragments


def dutch_client(user: Any) -> Client:
    """A Dutch user, signed in a moment ago (so pages that ask to confirm one's identity again show themselves)."""
    client = Client(headers={"Accept-Language": "nl"})
    if user is not None:
        user.language = "nl"
        user.save(update_fields=["language"])
        client.force_login(user)
        # allauth's record of a recent sign-in with the password, as its reauthentication flow writes it.
        session = client.session
        session[AUTHENTICATION_METHODS_SESSION_KEY] = [
            {"method": "password", "at": time.time(), "reauthenticated": True}
        ]
        session[_AUTHENTICATION_METHODS_USER_SESSION_KEY] = str(user.pk)
        session.save()
    return client


@pytest.fixture
def states(world, cast) -> list[dict[str, Any]]:  # noqa: F811 (the fixture imported above)
    """Id sets to walk beyond the matrix's own: other POs, every list; and the data that only some pages show."""
    answered = make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:3], send=True)
    note_add(actor=cast.agent, purchase_order=answered, text="Handle with care", visibility=Visibility.EXTERNAL)
    response_submit(
        actor=cast.vendor_a_user,
        purchase_order=answered,
        version=1,
        kind=ResponseKind.ACCEPTED_WITH_CHANGES,
        lines=[
            split(1, ("4", 20), ("6", 35)),
            answer(2, LineAction.SUBSTITUTE, external_item_number="ALT-2", external_description="Blue variant"),
            answer(3, LineAction.REJECT),
        ],
        note="Partly",
    )
    confirmed = make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:2], send=True)
    response_submit(actor=cast.vendor_a_user, purchase_order=confirmed, version=1, kind=ResponseKind.ACCEPTED)
    po_confirm(actor=cast.agent, purchase_order=confirmed)
    for_review = make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:2], send=True)
    draft = make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:2])
    # Invoices whose pages say more: a payment recorded, a rejection with its reason, an internal note.
    paid = stored_invoice(cast, received_po(cast), number="INV-PAID", status=InvoiceStatus.PAID)
    InvoiceNote.objects.create(invoice=paid, text="Betaald", author=cast.admin)
    rejected = stored_invoice(cast, received_po(cast), number="INV-REJ", status=InvoiceStatus.REJECTED)

    TOTP.activate(cast.vendor_a_admin, generate_totp_secret())
    RecoveryCodes.activate(cast.vendor_a_admin)
    for kind in AuditKind:
        audit_record(kind=kind, actor=cast.admin, subject=cast.vendor_a_user, target="x", data=AUDIT_DATA.get(kind))

    # An invoice on hold (a changed price), whose page lists the exceptions and offers a credit note.
    on_hold = submitted_for(cast, vendor_received_po(cast), "NL-HOLD-1", quantity=Decimal(1), price=Decimal("3.10"))
    # The performance pages' figures of these POs (the subscribers that keep them run after a commit).
    rebuild_all()

    # Ship notices whose pages say more: one received with a line short (the difference), one cancelled with a reason.
    short, cancelled = dutch_ship_notices(cast)

    ids = world["ids"]
    return [
        {**ids, "ship_notice": short.pk, "vendor_ship_notice": short.pk},
        {**ids, "vendor_ship_notice": cancelled.pk},
        {**ids, "invoice": on_hold.pk, "vendor_invoice": on_hold.pk},
        ids,
        {**ids, "po": answered.pk},
        {**ids, "po": confirmed.pk},
        {**ids, "po": for_review.pk},
        {**ids, "po": draft.pk},
        *({**ids, "list": which} for which in VendorList.values if which != ids["list"]),
        *({**ids, "buyer_list": which} for which in BuyerList.values if which != ids["buyer_list"]),
        *({**ids, "invoice_list": which} for which in BuyerInvoiceList.values if which != ids["invoice_list"]),
        {**ids, "invoice": paid.pk},
        {**ids, "invoice": rejected.pk},
        *(
            {**ids, "vendor_invoice_list": which}
            for which in VendorInvoiceList.values
            if which != ids["vendor_invoice_list"]
        ),
    ]


def dutch_ship_notices(cast: Any) -> tuple[Any, Any]:
    """A notice of vendor A received with its first line short, and one cancelled with a reason."""
    from vendorcollab.shipping import services as shipping
    from vendorcollab.shipping.inputs import NoticeReceiptLineInput
    from vendorcollab.shipping.tests.conftest import confirmed_po, ship

    po = confirmed_po(cast, quantities=("10", "20"))
    short = ship(cast, (po, 1, "10"), number="NL-SN-1")
    shipping.ship_notice_receive(actor=cast.clerk, notice=short, lines=[NoticeReceiptLineInput(1, Decimal(8))])
    cancelled = ship(cast, (po, 2, "5"), number="NL-SN-2", carrier="DHL")
    shipping.ship_notice_cancel(actor=cast.vendor_a_user, notice=cancelled, reason="Vrachtwagen kapot")
    return short, cancelled


# What the product stores with each kind of audit event (vendorcollab.audit.signals and the services).
AUDIT_DATA: dict[str, dict[str, Any]] = {
    AuditKind.LOGIN: {"channel": "web"},
    AuditKind.LOGIN_FAILED: {"reason": "mfa_code", "channel": "api", "reauthentication": False},
    AuditKind.MFA_CHANGED: {"action": "removed", "type": "totp", "via": "back_office"},
    AuditKind.TOKEN_CREATED: {"token": 1, "key_prefix": "abc", "name": "ERP"},
    AuditKind.USER_REQUEST: {"kind": "change_roles", "action": "approved"},
    AuditKind.ROLE_CHANGED: {"before": ["vendor_user"], "after": ["vendor_admin", "vendor_user"]},
    AuditKind.ACCESS_CHANGED: {"company": "NL01", "active": False, "vendors": ["V-A"]},
    AuditKind.USER_INACTIVATED: {"tokens_revoked": 2},
    AuditKind.PASSWORD_CHANGED: {"how": "reset"},
}


def test_no_english_on_any_dutch_page(world, states):  # noqa: F811 (the fixture imported above)
    fragments = english_msgids()
    pattern = finder(fragments)
    templates = page_patterns(get_resolver())
    failures: list[str] = []
    walked = 0
    # One sign-in per role: each writes an audit event, and the audit log's first page should show the states'.
    clients = {role: dutch_client(world["users"][role]) for role in ROLES}
    for name, row in sorted(PAGES.items()):
        if name in NOT_WALKED or name not in templates or "GET" not in row.methods:
            continue
        objects = any(key not in WORDS for key in row.ids.values())
        urls = dict.fromkeys(_fill(templates[name], row, ids) for ids in states)  # each URL once, in order
        for url, role in ((url, role) for url in urls for role in ROLES):
            if 200 not in row.profile.expect(role, objects):
                continue
            response = clients[role].get(url)
            if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
                continue
            walked += 1
            html = response.content.decode()
            # An htmx fragment (the item lookup's options) has no <html>; its text is walked all the same.
            if "<html" in html:
                assert '<html lang="nl"' in html, f"{name} as {role} ({url}) is not served in Dutch"
            for english in english_on(html, pattern):
                source = "" if fragments[english] == english else f' (msgid "{fragments[english][:80]}")'
                failures.append(f'{name} as {role} ({url}): "{english}"{source}')
    assert walked > 150, "the walk reached too few pages"
    if failures:
        pytest.fail("English on Dutch pages:\n" + "\n".join(failures), pytrace=False)
