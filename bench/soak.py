"""The concurrency soak of issue 8: many vendor and buyer clients at once, then proof that nothing was lost,
nothing was answered twice and every purchase order's history still adds up.

Vendor clients answer through the HTML portal (what vendors use); several clients share each vendor account and
pick among the same few newest rows, so they race on the same POs as a vendor's colleagues in several tabs would.
The same vendor clients also announce shipments (ship notices, from the form the pages prefill with what is still to
ship, sent through the page or the vendor API) and invoice what was received (the invoice form's prefill sent
through the vendor API, submitted at once): clients of one account pick among the same few rows, so two of them
announce or invoice the same quantity and exactly one must win.
Buyer clients (purchasing agents and receiving clerks) mix the buyer pages and the JSON API: they confirm answered
POs, take rejected or changed ones back and resend them (so that vendors keep having work, and answers race with
new versions), send drafts, and receive confirmed POs fully or partly, or from the ship notices in transit.

Every client records each request (for status codes and latency) and each action with what the portal said about
it: done, refused for a known reason (someone else was first: the expected outcome of a race), or something
unexpected. The checks then compare what the clients were told with what the database holds.
"""

from __future__ import annotations

import html
import math
import multiprocessing
import random
import re
import threading
import time
import traceback
import urllib.parse
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_DOWN, Decimal
from typing import Any

from django.db import connections
from django.db.models import Count

from vendorcollab.accounts.models import User, VendorMembership
from vendorcollab.api.services import token_issue
from vendorcollab.partners.models import Vendor
from vendorcollab.purchasing.models import (
    POStatus,
    PurchaseOrder,
    ResponseKind,
)

from .client import BenchClientError, Client, Response, form_fields
from .world import AGENT_USER, BIG_VENDOR_NUMBER, BIG_VENDOR_USER, CLERK_USER, PASSWORD

CLIENTS_PER_VENDOR_USER = 5
PICK_AMONG = 5  # a client picks among the first rows of a list, so clients of one account collide often
# Vendors mostly accept; one answer in four changes something, a few reject.
ANSWERS = (ResponseKind.ACCEPTED, ResponseKind.ACCEPTED_WITH_CHANGES, ResponseKind.REJECTED)
ANSWER_WEIGHTS = (60, 25, 15)

# Refusals that are the expected end of a race (or of a list read a moment too early), by API code and by the
# words of the message the pages show. Anything else refused is reported as unexpected.
EXPECTED_REFUSALS = {
    "already_answered": "already has a response",
    "version_outdated": "is no longer the latest",
    "invalid_transition": "is not possible now",
    "cannot_answer": "cannot be answered any more",
    "no_response": "has not responded yet",
    "response_rejected": "rejected this version",
    "nothing_to_confirm": "nothing is left to confirm",
    "over_receipt": "remains to be received",
    # Ship notices: another notice (or a receipt) took the open quantity, or the PO left "confirmed".
    "over_announced": "not yet announced on another ship notice",
    "not_shippable": "only a confirmed purchase order can be shipped",
    "nothing_to_ship": "Nothing is left to ship",
    "already_received": "is already received",
    # Invoices: another invoice took the received quantity first.
    "over_invoiced": "is received and not yet invoiced",
    "not_invoiceable": "has nothing received that is not yet invoiced",
}
# What the page says when the action was done.
DONE = {
    "answer": "Response sent to",
    "confirm": "is confirmed",
    "request_change": "is a draft again",
    "send": "for confirmation. You will see",
    "receive": "Receipt posted",
    "ship_notice": "Ship notice {number} sent to",
}

VENDOR_ROW = re.compile(r'href="/vendor/purchase-orders/(\d+)/">[^<]*-(\d+)</a>')
BUYER_LINK = re.compile(r'href="/buyer/purchase-orders/(\d+)/">([^<]*)</a>')
RESPONSE_BADGE = re.compile(r"badge badge-(accepted_with_changes|accepted|rejected)\"")
MESSAGE = re.compile(r'class="message message-(\w+)">(.*?)</p>', re.S)
VERSION_INPUT = re.compile(r'name="version" value="(\d+)"')
LINE_ACTION = re.compile(r"^line-(\d+)-action$")
# A row of the vendor's open confirmed list: its ship checkbox, then (further on) what is still to ship.
SHIP_CHECKBOX = re.compile(r'name="po" value="(\d+)" form="ship-from"')
STILL_TO_SHIP = re.compile(r'data-label="Still to ship" class="num">([^<]*)<')
CONFIRMED_BADGE = 'class="badge badge-confirmed"'
# A row of the vendor's ready-to-invoice list: "<vendor account id>:<PO id>".
INVOICEABLE_ROW = re.compile(r'name="po" value="(\d+):(\d+)" form="invoice-from"')
FORM_LINE_QUANTITY = re.compile(r"^lines-(\d+)-quantity$")
# How a vendor client spends a turn: mostly answering (the soak's first concern), else shipping or invoicing.
VENDOR_TURNS = ("answer", "ship", "invoice")
VENDOR_TURN_WEIGHTS = (60, 25, 15)


@dataclass(frozen=True)
class ClientSpec:
    name: str
    role: str  # "vendor", "agent" or "clerk"
    username: str
    token: str = ""


@dataclass
class Plan:
    """What every client works on: the vendor accounts of the soak and their POs."""

    vendor_ids: list[int]
    vendor_numbers: list[str]
    pks: frozenset[int]
    clients: list[ClientSpec]
    # In the numbers of the ship notices and invoices the clients send: a run's numbers never meet an earlier run's
    # (each is unique per vendor account).
    run_tag: str = field(default_factory=lambda: format(int(time.time()) % 36**5, "x"))


def choose_plan(*, vendor_clients: int, buyer_clients: int) -> Plan:
    """The big vendor's two users and the users of the vendors with most to review, five clients per user; the
    agents and clerks of the bench world, one API token per buyer client."""
    user_count = max(1, math.ceil(vendor_clients / CLIENTS_PER_VENDOR_USER))
    big = Vendor.objects.get(number=BIG_VENDOR_NUMBER)
    users = [BIG_VENDOR_USER, f"{BIG_VENDOR_USER}-2"][:user_count]
    vendor_ids = [big.pk]
    to_review = Counter(
        dict(
            PurchaseOrder.objects.collaborative()
            .filter(status=POStatus.IN_EXTERNAL_REVIEW, latest_response__isnull=True)
            .values_list("vendor_id")
            .annotate(n=Count("id"))
            .order_by()
        )
    )
    memberships = VendorMembership.objects.filter(
        user__username__startswith="bench-vendor-", is_active=True
    ).values_list("vendor_id", "user__username")
    for vendor_id, username in sorted(memberships, key=lambda row: (-to_review[row[0]], row[1])):
        if len(users) >= user_count:
            break
        users.append(username)
        vendor_ids.append(vendor_id)
    # One API token per vendor user, shared by its clients (the ship notices and invoices they send through the API).
    vendor_tokens = {user: token_issue(actor=User.objects.get(username=user), name="soak")[1] for user in users}
    clients = []
    for index in range(vendor_clients):
        username = users[index % len(users)]
        clients.append(ClientSpec(f"vendor-{index + 1:02d}", "vendor", username, vendor_tokens[username]))
    clerks = max(1, round(buyer_clients * 2 / 5)) if buyer_clients >= 2 else 0
    agent_names = [AGENT_USER] + [f"{AGENT_USER}-{i}" for i in range(1, 9)]
    clerk_names = [CLERK_USER, f"{CLERK_USER}-1"]
    for index in range(buyer_clients):
        role = "clerk" if index >= buyer_clients - clerks else "agent"
        names = clerk_names if role == "clerk" else agent_names
        user = User.objects.get(username=names[index % len(names)])
        token = token_issue(actor=user, name="soak")[1]
        clients.append(ClientSpec(f"{role}-{index + 1:02d}", role, user.username, token))
    numbers = list(Vendor.objects.filter(pk__in=vendor_ids).values_list("number", flat=True))
    pks = frozenset(PurchaseOrder.objects.collaborative().filter(vendor_id__in=vendor_ids).values_list("pk", flat=True))
    return Plan(vendor_ids, numbers, pks, clients)


class SoakClient:
    """One simulated user in its own process: a session for the pages and, for buyers, a token for the API."""

    def __init__(self, spec: ClientSpec, port: int, plan: Plan, seed: int) -> None:
        self.spec = spec
        self.plan = plan
        self.rng = random.Random(seed)
        self.web = Client("127.0.0.1", port)
        self.api = Client("127.0.0.1", port, token=spec.token)
        self.requests: list[tuple[str, int, float]] = []
        self.actions: list[dict[str, Any]] = []
        self.unexpected: list[str] = []
        self.exceptions: list[str] = []
        self.nothing_remaining: set[int] = set()
        self.serial = 0  # numbers the ship notices and invoices this client sends: unique across clients
        self.clerk_turns = 0

    def result(self) -> dict[str, Any]:
        return {
            "client": self.spec.name,
            "requests": self.requests,
            "actions": self.actions,
            "unexpected": self.unexpected,
            "exceptions": self.exceptions,
        }

    def run(self, seconds: float) -> None:
        turn = {"vendor": self.vendor_turn, "agent": self.agent_turn, "clerk": self.clerk_turn}[self.spec.role]
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline and len(self.exceptions) < 10:
            try:
                if not turn():
                    time.sleep(0.2)  # nothing to do on the lists looked at; do not spin
            except Exception:
                self.exceptions.append(traceback.format_exc())

    # --- HTTP and what the portal said -------------------------------------------------------------------------

    def call(
        self,
        name: str,
        path: str,
        *,
        form: dict[str, str] | None = None,
        payload: Any = None,
        api: bool = False,
        expected: tuple[int, ...] = (200,),
    ) -> Response:
        http = self.api if api else self.web
        if form is not None:
            response = http.post_form(path, form)
        elif payload is not None:
            response = http.post_json(path, payload)
        else:
            response = http.get(path)
        self.requests.append((name, response.status, response.seconds))
        if response.status not in expected:
            self.unexpected.append(f"{name}: {path} answered HTTP {response.status}: {_gist(response.text)}")
        return response

    def record(
        self,
        action: str,
        pk: int,
        version: int | None,
        result: str,
        reason: str = "",
        status: int = 0,
        **extra: Any,
    ) -> None:
        """One action and its outcome: "done", "refused" (with the refusal's code) or "unexpected". ``extra``: what
        the checks need besides, e.g. the ``number`` of the ship notice or invoice sent."""
        self.actions.append(
            {
                "client": self.spec.name,
                "user": self.spec.username,
                "action": action,
                "pk": pk,
                "version": version,
                "status": status,
                "result": result,
                "reason": reason,
                **extra,
            }
        )
        if result == "unexpected":
            self.unexpected.append(f"{action} on PO {pk} (version {version}): HTTP {status}: {reason}")

    def follow(self, response: Response) -> list[tuple[str, str]]:
        """Follow a redirect as a browser does and read the messages on the page it lands on."""
        path = urllib.parse.urlsplit(response.headers.get("Location", "")).path
        page = self.call("page after redirect", path)
        return [(tag, html.unescape(text).strip()) for tag, text in MESSAGE.findall(page.text)]

    def record_page(
        self, action: str, pk: int, version: int | None, response: Response, done: str, **extra: Any
    ) -> bool:
        """Record the outcome of a page post: a redirect whose message says ``done``, or a known refusal."""
        if response.status == 302:
            messages = self.follow(response)
            texts = [text for _tag, text in messages]
            if any(tag in ("success", "info") and done in text for tag, text in messages):
                self.record(action, pk, version, "done", status=302, **extra)
                return True
            return self.refusal(action, pk, version, 302, texts, **extra)
        if response.status in (409, 422):
            return self.refusal(action, pk, version, response.status, [html.unescape(response.text)], **extra)
        self.record(action, pk, version, "unexpected", _gist(response.text), response.status, **extra)
        return False

    def refusal(self, action: str, pk: int, version: int | None, status: int, texts: list[str], **extra: Any) -> bool:
        """A refusal in the words of the page: expected when it is one of the known ends of a race."""
        reason = next((code for code, words in EXPECTED_REFUSALS.items() for t in texts if words in t), None)
        if reason:
            self.record(action, pk, version, "refused", reason, status, **extra)
        else:
            self.record(action, pk, version, "unexpected", _gist(" ".join(texts)), status, **extra)
        return False

    def record_api(self, action: str, pk: int, response: Response, done: int, **extra: Any) -> bool:
        if response.status == done:
            self.record(action, pk, None, "done", status=done, **extra)
            return True
        code = ""
        if response.status in (409, 422):
            error = response.json().get("error") or {}
            code = error.get("code", "")
            if code == "invalid_input":
                # Several lines refused at once (an invoice of several lines another invoice took): the error's code
                # is the generic one and each line's refusal is only in its words. Expected when every line's is.
                code = _common_refusal(list((error.get("fields") or {}).values())) or code
        if code in EXPECTED_REFUSALS:
            self.record(action, pk, None, "refused", code, response.status, **extra)
        else:
            self.record(action, pk, None, "unexpected", _gist(response.text), response.status, **extra)
        return False

    def next_number(self, prefix: str) -> str:
        """A ship notice or invoice number no other client sends (at most 30 characters, as both columns allow)."""
        self.serial += 1
        return f"{prefix}{self.plan.run_tag}-{self.spec.name}-{self.serial:05d}"

    # --- vendor --------------------------------------------------------------------------------------------------

    def vendor_turn(self) -> bool:
        """Answer, ship or invoice; when the lists hold nothing for the turn chosen, answer instead."""
        turn = self.rng.choices(VENDOR_TURNS, weights=VENDOR_TURN_WEIGHTS)[0]
        if turn == "ship" and self.ship():
            return True
        if turn == "invoice" and self.invoice():
            return True
        return self.answer()

    def answer(self) -> bool:
        page = self.call("vendor: for-review list", "/vendor/purchase-orders/list/for_review/")
        rows = [(int(pk), int(version)) for pk, version in VENDOR_ROW.findall(page.text)]
        if not rows:
            return False
        pk, version = self.rng.choice(rows[:PICK_AMONG])
        kind = self.rng.choices(ANSWERS, weights=ANSWER_WEIGHTS)[0]
        if kind == ResponseKind.ACCEPTED:
            answer = self.call(
                "vendor: accept",
                f"/vendor/purchase-orders/{pk}/accept/",
                form={"version": str(version), "vendor_reference": f"SO-{pk}-{version}", "note": "", "confirmed": "1"},
                expected=(302,),
            )
            self.record_page(kind, pk, version, answer, DONE["answer"])
        elif kind == ResponseKind.REJECTED:
            self.vendor_reject(pk, version)
        else:
            self.vendor_answer_with_changes(pk, version)
        return True

    def vendor_reject(self, pk: int, version: int) -> None:
        path = f"/vendor/purchase-orders/{pk}/reject/"
        page = self.call("vendor: reject page", path, expected=(200, 302))
        if page.status == 302:  # answered or replaced since the list was read: the portal says so
            self.record_page(ResponseKind.REJECTED, pk, version, page, DONE["answer"])
            return
        match = VERSION_INPUT.search(page.text)
        version = int(match.group(1)) if match else version
        fields = {"version": str(version), "reason": "We cannot deliver this in time.", "vendor_reference": ""}
        answer = self.call("vendor: reject", path, form=fields, expected=(302,))
        self.record_page(ResponseKind.REJECTED, pk, version, answer, DONE["answer"])

    def vendor_answer_with_changes(self, pk: int, version: int) -> None:
        """The editor as a vendor uses it: one to three lines changed in quantity or date, or rejected."""
        path = f"/vendor/purchase-orders/{pk}/respond/"
        page = self.call("vendor: answer-with-changes editor", path, expected=(200, 302))
        kind = ResponseKind.ACCEPTED_WITH_CHANGES
        if page.status == 302:
            self.record_page(kind, pk, version, page, DONE["answer"])
            return
        fields = form_fields(page.text, path)
        version = int(fields.get("version") or version)
        lines = sorted(int(match.group(1)) for key in fields if (match := LINE_ACTION.match(key)))
        changed = self.rng.sample(lines, self.rng.randint(1, min(3, len(lines))))
        for number in changed:
            prefix = f"line-{number}"
            roll = self.rng.random()
            if roll < 0.2 and len(lines) > len(changed):  # never every line: that answer could not be confirmed
                fields[f"{prefix}-action"] = "reject"
                fields[f"{prefix}-note"] = "No longer available."
            elif roll < 0.6:
                quantity = Decimal(fields[f"{prefix}-quantity"])
                smaller = (quantity / 2).to_integral_value(rounding=ROUND_DOWN)
                fields[f"{prefix}-action"] = "change"
                fields[f"{prefix}-quantity"] = str(smaller if smaller >= 1 else quantity + 1)
            else:
                later = date.today() + timedelta(days=self.rng.randint(21, 60))
                if later.isoformat() == fields.get(f"{prefix}-delivery_date"):
                    later += timedelta(days=1)  # a change must change something, or the editor rightly refuses it
                fields[f"{prefix}-action"] = "change"
                fields[f"{prefix}-delivery_date"] = later.isoformat()
        fields["response-vendor_reference"] = f"SO-{pk}-{version}"
        fields["command"] = "submit"
        fields["quantities_confirmed"] = "1"  # the editor asks once before a smaller quantity goes out
        answer = self.call("vendor: submit answer with changes", path, form=fields, expected=(302, 409))
        self.record_page(kind, pk, version, answer, DONE["answer"])

    def ship(self) -> bool:
        """Announce all or part of what is still to ship of one of the newest open confirmed POs: the notice form
        as the pages prefill it, sent back through the page or (half the time) the vendor API."""
        page = self.call("vendor: open confirmed list", "/vendor/purchase-orders/list/open_confirmed/")
        rows = []
        for block in page.text.split("<tr")[1:]:
            checkbox, still_to_ship = SHIP_CHECKBOX.search(block), STILL_TO_SHIP.search(block)
            # The list keeps a PO under change (a draft again, in review) as its last confirmed version, with its
            # checkbox; a vendor reads its status and ships only what is confirmed now.
            confirmed = CONFIRMED_BADGE in block
            if checkbox and still_to_ship and confirmed and _quantity(still_to_ship.group(1)) > 0:
                rows.append(int(checkbox.group(1)))
        if not rows:
            return False
        pk = self.rng.choice(rows[:PICK_AMONG])
        path = "/vendor/ship-notices/new/"
        form = self.call("vendor: ship notice form", f"{path}?po={pk}", expected=(200, 302))
        if form.status == 302:  # everything announced or received since the list was read: the page says so
            self.refusal("ship_notice", pk, None, 302, [text for _tag, text in self.follow(form)])
            return True
        fields = form_fields(form.text, path)
        rows_on_form = _form_lines(fields)
        to_ship = [(index, quantity) for index, quantity in rows_on_form if quantity > 0]
        if not to_ship:
            self.record("ship_notice", pk, None, "refused", "nothing_to_ship", form.status)
            return True
        shipped = dict(self.portion(to_ship))
        for index, _prefilled in rows_on_form:  # an empty quantity leaves the line off the notice
            fields[f"lines-{index}-quantity"] = str(shipped[index]) if index in shipped else ""
        number = self.next_number("SN")
        today = date.today()
        fields.update(
            {
                "notice-number": number,
                "notice-despatch_date": today.isoformat(),
                "notice-expected_delivery_date": (today + timedelta(days=3)).isoformat(),
                "notice-carrier": "Soak Freight",
            }
        )
        if self.rng.random() < 0.5:
            sent = self.call("vendor: post ship notice", path, form=fields, expected=(302, 409, 422))
            done = DONE["ship_notice"].format(number=number)
            self.record_page("ship_notice", pk, None, sent, done, number=number)
            return True
        body = {
            "number": number,
            "despatch_date": fields["notice-despatch_date"],
            "expected_delivery_date": fields["notice-expected_delivery_date"],
            "carrier": fields["notice-carrier"],
            "lines": _api_lines(fields, shipped),
        }
        path = "/api/v1/vendor/ship-notices"
        sent = self.call("api: vendor ship notice", path, payload=body, api=True, expected=(201, 409, 422))
        self.record_api("ship_notice", pk, sent, 201, number=number)
        return True

    def invoice(self) -> bool:
        """Invoice all or part of what one of the newest ready-to-invoice POs has received and not yet invoiced:
        the invoice form's prefill sent through the vendor API and submitted in the same call."""
        page = self.call("vendor: ready-to-invoice list", "/vendor/invoices/list/ready_to_invoice/")
        rows = [(int(vendor), int(pk)) for vendor, pk in INVOICEABLE_ROW.findall(page.text)]
        if not rows:
            return False
        vendor, pk = self.rng.choice(rows[:PICK_AMONG])
        path = "/vendor/invoices/new/"
        form = self.call("vendor: invoice form", f"{path}?po={vendor}:{pk}", expected=(200, 302))
        if form.status == 302:  # the page would not open the form; it says why (no such case is expected)
            self.refusal("invoice", pk, None, 302, [text for _tag, text in self.follow(form)])
            return True
        fields = form_fields(form.text, "")  # the invoice form posts to its own address
        invoiceable = [(index, quantity) for index, quantity in _form_lines(fields) if quantity > 0]
        if not invoiceable:  # another tab invoiced it in full since the list was read: the form has no line
            self.record("invoice", pk, None, "refused", "nothing_to_invoice", form.status)
            return True
        number = self.next_number("IN")
        body = {
            "vendor": vendor,
            "number": number,
            "issue_date": date.today().isoformat(),
            "lines": _api_lines(fields, dict(self.portion(invoiceable))),
            "submit": True,
        }
        sent = self.call(
            "api: vendor invoice", "/api/v1/vendor/invoices", payload=body, api=True, expected=(201, 409, 422)
        )
        self.record_api("invoice", pk, sent, 201, number=number)
        return True

    # --- buyer: purchasing agent ---------------------------------------------------------------------------------

    def buyer_rows(self, which: str, vendor: str, sort: str = "date") -> list[tuple[int, str]]:
        """(pk, response kind) of the rows of a buyer list searched for one of the soak's vendors."""
        query = urllib.parse.urlencode({"q": vendor, "sort": sort})
        page = self.call(f"buyer: {which} list", f"/buyer/purchase-orders/list/{which}/?{query}")
        rows = []
        for block in page.text.split('<tr class="row-link">')[1:]:
            link = BUYER_LINK.search(block)
            if link and int(link.group(1)) in self.plan.pks:
                badge = RESPONSE_BADGE.search(block)
                rows.append((int(link.group(1)), badge.group(1) if badge else ""))
        return rows[:PICK_AMONG]

    def agent_turn(self) -> bool:
        vendor = self.rng.choice(self.plan.vendor_numbers)
        roll = self.rng.random()
        steps: tuple[Callable[[str], bool], ...]
        if roll < 0.6:
            steps = (self.process_answer, self.send_draft)
        elif roll < 0.85:
            steps = (self.send_draft, self.process_answer)
        else:
            steps = (self.resend_unanswered,)
        return any(step(vendor) for step in steps)

    def process_answer(self, vendor: str) -> bool:
        """Confirm most answers (applying the vendor's changes); take rejections and some others back and resend."""
        rows = self.buyer_rows("requiring_action", vendor)
        if not rows:
            return False
        pk, kind = self.rng.choice(rows)
        if kind == ResponseKind.ACCEPTED and self.rng.random() < 0.9:
            self.confirm(pk, apply_changes=False)
        elif kind == ResponseKind.ACCEPTED_WITH_CHANGES and self.rng.random() < 0.85:
            self.confirm(pk, apply_changes=True)
        else:
            self.take_back_and_send(pk)
        return True

    def send_draft(self, vendor: str) -> bool:
        rows = self.buyer_rows("drafts", vendor)
        if rows:
            self.send(self.rng.choice(rows)[0])
        return bool(rows)

    def resend_unanswered(self, vendor: str) -> bool:
        """A new version of a PO the vendor may be answering right now: the answer to the old one must lose."""
        rows = self.buyer_rows("awaiting_vendor", vendor, sort="-date")
        if rows:
            self.take_back_and_send(self.rng.choice(rows)[0])
        return bool(rows)

    def confirm(self, pk: int, *, apply_changes: bool) -> None:
        if self.rng.random() < 0.5:
            mode = "apply_changes" if apply_changes else "accepted"
            path = f"/buyer/purchase-orders/{pk}/confirm/"
            answer = self.call("buyer: confirm", path, form={"mode": mode}, expected=(302,))
            self.record_page("confirm", pk, None, answer, DONE["confirm"])
        else:
            path = f"/api/v1/purchase-orders/{pk}/confirm"
            body = {"apply_vendor_changes": apply_changes}
            answer = self.call("api: confirm", path, payload=body, api=True, expected=(200, 409, 422))
            self.record_api("confirm", pk, answer, 200)

    def take_back_and_send(self, pk: int) -> None:
        if self.rng.random() < 0.5:
            path = f"/buyer/purchase-orders/{pk}/request-change/"
            answer = self.call("buyer: request change", path, form={"reason": "Soak"}, expected=(302,))
            taken = self.record_page("request_change", pk, None, answer, DONE["request_change"])
        else:
            path = f"/api/v1/purchase-orders/{pk}/request-change"
            answer = self.call("api: request change", path, payload={"reason": "Soak"}, api=True, expected=(200, 409))
            taken = self.record_api("request_change", pk, answer, 200)
        if taken:
            self.send(pk)

    def send(self, pk: int) -> None:
        if self.rng.random() < 0.5:
            answer = self.call("buyer: send", f"/buyer/purchase-orders/{pk}/send/", form={}, expected=(302,))
            self.record_page("send", pk, None, answer, DONE["send"])
        else:
            path = f"/api/v1/purchase-orders/{pk}/send"
            answer = self.call("api: send", path, payload={}, api=True, expected=(200, 409))
            self.record_api("send", pk, answer, 200)

    # --- buyer: receiving clerk ----------------------------------------------------------------------------------

    def clerk_turn(self) -> bool:
        """Receive from a ship notice in transit every third turn, the first included (or when no PO is left to
        receive), else a confirmed PO. Counted rather than drawn: a clerk of the short soak in the test suite has
        only a handful of turns, and must receive from a notice in one of them."""
        self.clerk_turns += 1
        if self.clerk_turns % 3 == 1 and self.receive_from_notice():
            return True
        return self.receive_order() or self.receive_from_notice()

    def receive_from_notice(self) -> bool:
        """One of the soonest expected notices of a soak vendor in transit, received (see ``arrived``): all its lines
        not yet received through ``/receive``, or the lines of one of its POs as a PO receipt naming the notice."""
        vendor_id = self.rng.choice(self.plan.vendor_ids)
        query = urllib.parse.urlencode({"status": "shipped", "vendor": vendor_id})
        listing = self.call("api: incoming ship notices", f"/api/v1/ship-notices?{query}", api=True).json()
        notices = [
            notice for notice in listing["items"] if any(line["received_quantity"] is None for line in notice["lines"])
        ]
        if not notices:
            return False
        notice = self.rng.choice(notices[:PICK_AMONG])
        open_lines = [line for line in notice["lines"] if line["received_quantity"] is None]
        number = notice["number"]
        arrived = self.arrived(open_lines)
        if self.rng.random() < 0.5:
            lines = [
                {"line_number": line["line_number"], "quantity": arrived[line["line_number"]]} for line in open_lines
            ]
            path = f"/api/v1/ship-notices/{notice['id']}/receive"
            answer = self.call(
                "api: receive ship notice", path, payload={"lines": lines}, api=True, expected=(200, 409, 422)
            )
            receipts = len({line["purchase_order"] for line in open_lines})  # one per PO with something received
        else:
            po = self.rng.choice(sorted({line["purchase_order"] for line in open_lines}))
            lines = [
                {"line_number": line["po_line_number"], "quantity": arrived[line["line_number"]]}
                for line in open_lines
                if line["purchase_order"] == po
            ]
            path = f"/api/v1/purchase-orders/{po}/receipts"
            body = {"ship_notice": notice["id"], "lines": lines}
            answer = self.call(
                "api: post receipt from ship notice", path, payload=body, api=True, expected=(201, 409, 422)
            )
            receipts = 1
        self.record_api(
            "receive_notice",
            notice["id"],
            answer,
            200 if path.endswith("/receive") else 201,
            number=number,
            receipts=receipts,
        )
        return True

    def arrived(self, lines: list[dict[str, Any]]) -> dict[int, str]:
        """What arrived of each notice line (by its number): what was shipped, except that one time in five one line
        arrives one short (a difference the notice keeps, while the whole shipped quantity leaves transit)."""
        arrived = {line["line_number"]: Decimal(str(line["quantity"])) for line in lines}
        short = [number for number, quantity in arrived.items() if quantity > 1]
        if short and self.rng.random() < 0.2:
            arrived[self.rng.choice(short)] -= 1
        return {number: str(quantity) for number, quantity in arrived.items()}

    def receive_order(self) -> bool:
        rows = self.buyer_rows("confirmed_not_received", self.rng.choice(self.plan.vendor_numbers))
        rows = [row for row in rows if row[0] not in self.nothing_remaining]
        if not rows:
            return False
        pk = self.rng.choice(rows)[0]
        if self.rng.random() < 0.5:
            self.receive_on_page(pk)
        else:
            self.receive_through_api(pk)
        return True

    def portion(self, remaining: list[tuple[str, Decimal]]) -> list[tuple[str, Decimal]]:
        """Everything that remains, or (two times in five) part of it: some lines, half of others."""
        if self.rng.random() >= 0.4:
            return remaining
        parts = []
        for key, quantity in remaining:
            half = (quantity / 2).to_integral_value(rounding=ROUND_DOWN)
            choice = self.rng.choice((quantity, half, Decimal(0)))
            if choice > 0:
                parts.append((key, choice))
        return parts or remaining[:1]

    def receive_on_page(self, pk: int) -> None:
        path = f"/buyer/purchase-orders/{pk}/receipts/"
        page = self.call("buyer: receipt page", path)
        if 'id="receipt-form"' not in page.text:  # no longer receivable: the page says why
            self.refusal("receive", pk, None, page.status, [page.text])
            return
        fields = {**form_fields(page.text, ""), "command": "fill_remaining"}
        filled = self.call("buyer: receipt page, fill remaining", path, form=fields, expected=(200,))
        fields = form_fields(filled.text, "")
        remaining = [(key, Decimal(value)) for key, value in fields.items() if key.startswith("line_") and value]
        if not remaining:
            self.record("receive", pk, None, "refused", "nothing_remaining")
            self.nothing_remaining.add(pk)  # confirmed with nothing left to receive: see history_problems
            return
        for key, _quantity in remaining:
            fields[key] = ""
        for key, quantity in self.portion(remaining):
            fields[key] = str(quantity)
        answer = self.call("buyer: post receipt", path, form=fields, expected=(302, 409, 422))
        self.record_page("receive", pk, None, answer, DONE["receive"])

    def receive_through_api(self, pk: int) -> None:
        po = self.call("api: PO", f"/api/v1/purchase-orders/{pk}", api=True).json()
        remaining = [
            (str(line["line_number"]), Decimal(str(line["remaining_quantity"])))
            for line in po["lines"]
            if not line["is_cancelled"] and Decimal(str(line["remaining_quantity"])) > 0
        ]
        if not remaining:
            self.record("receive", pk, None, "refused", "nothing_remaining")
            self.nothing_remaining.add(pk)  # confirmed with nothing left to receive: see history_problems
            return
        lines = [{"line_number": int(key), "quantity": str(quantity)} for key, quantity in self.portion(remaining)]
        path = f"/api/v1/purchase-orders/{pk}/receipts"
        answer = self.call("api: post receipt", path, payload={"lines": lines}, api=True, expected=(201, 409, 422))
        self.record_api("receive", pk, answer, 201)


def _common_refusal(messages: list[str]) -> str | None:
    """The expected refusal every one of ``messages`` states (the first such when they state several), else None."""
    reasons = [next((code for code, words in EXPECTED_REFUSALS.items() if words in text), None) for text in messages]
    return reasons[0] if reasons and None not in reasons else None


def _quantity(text: str) -> Decimal:
    """A quantity as a page shows or a form holds it ("1,250", "12.5", empty or a dash for none)."""
    cleaned = text.replace(",", "").replace("\xa0", "").strip()
    try:
        return Decimal(cleaned) if cleaned else Decimal(0)
    except ArithmeticError:
        return Decimal(0)


def _form_lines(fields: dict[str, str]) -> list[tuple[str, Decimal]]:
    """(row index, quantity) of every line row of a ship notice or invoice form (``lines-<index>-quantity``)."""
    return [
        (match.group(1), _quantity(value)) for key, value in fields.items() if (match := FORM_LINE_QUANTITY.match(key))
    ]


def _api_lines(fields: dict[str, str], quantities: dict[str, Decimal]) -> list[dict[str, Any]]:
    """The API's lines for the form rows in ``quantities`` (row index: quantity): the PO and line number each row
    names in its hidden fields."""
    return [
        {
            "purchase_order": int(fields[f"lines-{index}-purchase_order"]),
            "line_number": int(fields[f"lines-{index}-line_number"]),
            "quantity": str(quantity),
        }
        for index, quantity in quantities.items()
    ]


PAGE_ERRORS = re.compile(r'class="(?:field-error|message message-error|form-errors?)"[^>]*>(.*?)</(?:p|div|ul)>', re.S)


def _gist(text: str) -> str:
    """What a page said, for the report: its error messages when it has any, else its beginning."""
    errors = [re.sub(r"<[^>]+>", " ", error) for error in PAGE_ERRORS.findall(text)]
    shown = " | ".join(errors) if errors else text
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html.unescape(shown))).strip()[:300]


def _client_process(
    spec: ClientSpec,
    port: int,
    plan: Plan,
    sessions: dict[str, dict[str, str]],
    seconds: float,
    seed: int,
    barrier: Any,
    results: Any,
) -> None:
    """One client process: wait until every client is ready, run for ``seconds``, hand the records back."""
    client = SoakClient(spec, port, plan, seed)
    client.web.cookies = dict(sessions[spec.username])
    try:
        barrier.wait(timeout=600)
    except threading.BrokenBarrierError:
        client.exceptions.append("the start barrier broke: another client failed to start")
    if not client.exceptions:
        client.run(seconds)
    results.put(client.result())


def sign_in(usernames: set[str], port: int) -> dict[str, dict[str, str]]:
    """One session per user, shared by that user's clients as by the tabs of one browser. The portal allows a
    few dozen sign-ins per minute from one address (and back-to-back runs come from the same one): on HTTP 429,
    wait and try again."""
    sessions = {}
    for username in sorted(usernames):
        client = Client("127.0.0.1", port)
        for attempt in range(30):
            try:
                client.login(username, PASSWORD)
                break
            except BenchClientError as error:
                if "HTTP 429" not in str(error) or attempt == 29:
                    raise
                time.sleep(5)
        sessions[username] = client.cookies
    return sessions


def run_clients(plan: Plan, *, port: int, seconds: float, seed: int) -> tuple[list[dict[str, Any]], float]:
    """Every client in a process of its own (forked: the client side must not be one GIL), started together.
    Returns the clients' records and the wall-clock seconds the soak ran."""
    sessions = sign_in({spec.username for spec in plan.clients}, port)
    context = multiprocessing.get_context("fork")
    barrier = context.Barrier(len(plan.clients) + 1)
    results = context.Queue()
    connections.close_all()  # a forked process must not share the parent's database connection
    processes = [
        context.Process(
            target=_client_process,
            args=(spec, port, plan, sessions, seconds, seed + index, barrier, results),
            daemon=True,
        )
        for index, spec in enumerate(plan.clients)
    ]
    for process in processes:
        process.start()
    barrier.wait(timeout=600)
    started = time.monotonic()
    collected = [results.get(timeout=seconds + 600) for _ in processes]
    wall = time.monotonic() - started
    for process in processes:
        process.join(timeout=30)
    return collected, wall
