"""One answer to "what may this actor do with this PO now": the table, the services, the pages and the API agree.

For every stage a PO goes through and every role of the cast, the expected actions are written out here from
DESIGN.md section 3 (independent of the table); then ``available`` must return exactly them, ``check`` must refuse
exactly the others, the PO page must show exactly their buttons, and the API's ``actions`` must list exactly them.
"""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from vendorcollab.api.tests.helpers import ApiClient
from vendorcollab.common.errors import AppError
from vendorcollab.common.testing.factories import make_po
from vendorcollab.purchasing import transitions
from vendorcollab.purchasing.models import LineAction, POStatus, ResponseKind
from vendorcollab.purchasing.services import (
    ReceiptLineInput,
    po_cancel,
    po_confirm,
    receipt_post,
    response_submit,
)
from vendorcollab.purchasing.transitions import Action

from .helpers import answer

BUYER_OPEN = {"request_change", "cancel", "add_note", "copy"}
# (stage) -> what the purchasing agent may do; the clerk may only receive a confirmed PO; the admin does both.
AGENT = {
    "draft": {"edit", "send", "cancel", "add_note", "copy"},
    "sent": {"confirm_without_response", *BUYER_OPEN},
    "accepted": {"confirm", *BUYER_OPEN},
    "accepted_with_changes": {"confirm", "confirm_applying_changes", *BUYER_OPEN},
    "rejected": BUYER_OPEN,
    "confirmed": BUYER_OPEN,
    "received": {"copy"},
    "cancelled": {"copy"},
}
CLERK = {stage: ({"receive"} if stage == "confirmed" else set()) for stage in AGENT}
VENDOR = {stage: ({"respond"} if stage == "sent" else set()) for stage in AGENT}
EXPECTED = {
    "agent": AGENT,
    "clerk": CLERK,
    "admin": {stage: AGENT[stage] | CLERK[stage] for stage in AGENT},
    "vendor_a_user": VENDOR,
}

# The buttons (``data-action``) each action stands for on the PO pages; the rest (PDF, history) are always there.
BUYER_BUTTONS = {
    "edit": {"edit"},
    "send": {"send"},
    "request_change": {"request-change"},
    "cancel": {"cancel"},
    "receive": {"receive"},
    "copy": {"copy"},
    "confirm_without_response": {"confirm-without-response"},
    "confirm_applying_changes": {"apply-changes"},
    "add_note": {"add-note", "attach"},
}
VENDOR_BUTTONS = {"respond": {"accept", "accept-confirm", "reject", "accept-with-changes"}}
ALWAYS = {"pdf", "history", "dimensions"}


def make_stage(cast, stage):
    """A PO of vendor A at ``stage``, reached through the services."""
    po = make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:2], send=stage != "draft")
    if stage in ("accepted", "accepted_with_changes", "rejected"):
        lines = [answer(1, LineAction.CHANGE, quantity=Decimal(5))] if stage == "accepted_with_changes" else []
        response_submit(actor=cast.vendor_a_user, purchase_order=po, version=1, kind=ResponseKind(stage), lines=lines)
    if stage in ("confirmed", "received"):
        po = po_confirm(actor=cast.agent, purchase_order=po, without_response=True)
    if stage == "received":
        receipt_post(
            actor=cast.clerk,
            purchase_order=po,
            lines=[ReceiptLineInput(line_number=n, quantity=line.quantity) for n, line in enumerate(po.lines.all(), 1)],
        )
    if stage == "cancelled":
        po_cancel(actor=cast.agent, purchase_order=po)
    po.refresh_from_db()
    return po


def buttons(html):
    return set(re.findall(r'data-action="([a-z-]+)"', html)) - ALWAYS


def expected_buyer_buttons(actions):
    shown = set().union(*(BUYER_BUTTONS.get(action, set()) for action in actions))
    if "confirm" in actions:
        # One confirm button: "as sent" beside "apply changes" when there are changes, else plain "confirm".
        shown.add("confirm-as-sent" if "confirm_applying_changes" in actions else "confirm")
    return shown


@pytest.mark.parametrize("stage", list(AGENT))
@pytest.mark.parametrize("who", list(EXPECTED))
def test_table_services_page_and_api_agree(cast, stage, who):
    po = make_stage(cast, stage)
    actor = getattr(cast, who)
    expected = EXPECTED[who][stage]

    # The table: available, and check refusing exactly the others with a typed error.
    assert transitions.available(po, actor) == expected
    offered = {row.action for row in transitions.TRANSITIONS if row.offered}
    for action in offered:
        if action in expected:
            transitions.check(po, Action(action), actor=actor)
        else:
            with pytest.raises(AppError) as refused:
                transitions.check(po, Action(action), actor=actor)
            assert refused.value.code and refused.value.status in (403, 409)

    # The page shows exactly those buttons.
    client = Client()
    client.force_login(actor)
    if who == "vendor_a_user":
        if stage == "draft":
            return  # never sent: the vendor does not see it at all
        page = client.get(reverse("vendor:po_detail", args=[po.pk]))
        shown = set().union(*(VENDOR_BUTTONS[action] for action in expected)) if expected else set()
        if po.status == POStatus.CONFIRMED:
            # Not a PO action but shipping's: an open confirmed PO with quantities still to announce.
            shown.add("create-ship-notice")
        api_path = f"/vendor/purchase-orders/{po.pk}"
    else:
        page = client.get(reverse("buyer:po_detail", args=[po.pk]))
        shown = expected_buyer_buttons(expected)
        api_path = f"/purchase-orders/{po.pk}"
    assert page.status_code == 200
    assert buttons(page.content.decode()) == shown

    # The API's actions list is the same answer.
    response = ApiClient(Client(), actor).get(api_path)
    assert response.status_code == 200, response.json()
    assert response.json()["actions"] == sorted(expected)


def test_a_vendor_does_not_see_answer_buttons_on_an_older_version(client, cast):
    po = make_stage(cast, "sent")
    client.force_login(cast.agent)
    client.post(reverse("buyer:po_request_change", args=[po.pk]))
    client.post(reverse("buyer:po_send", args=[po.pk]))
    client.force_login(cast.vendor_a_user)
    latest = client.get(reverse("vendor:po_detail", args=[po.pk]))
    older = client.get(reverse("vendor:po_version", args=[po.pk, 1]))
    assert buttons(latest.content.decode()) == VENDOR_BUTTONS["respond"]
    assert buttons(older.content.decode()) == set()


def test_every_offered_action_has_a_face(cast):
    """Adding an action is a row and a service, and a button: a row no page shows is caught here."""
    offered = {row.action for row in transitions.TRANSITIONS if row.offered}
    assert offered == set(BUYER_BUTTONS) | set(VENDOR_BUTTONS) | {"confirm"}


# --- the rule that cannot come back: templates never compare raw statuses ---------------------------------------

STATUS_WORDS = r"draft|in_external_review|confirmed|received|cancelled|open"
RAW_STATUS = re.compile(
    r"\{%[^%]*?(?:status\S*\s*(?:==|!=|in)\s*['\"](?:" + STATUS_WORDS + r")['\"]"
    r"|['\"](?:" + STATUS_WORDS + r")['\"]\s*(?:==|!=|in)\s*\S*status)[^%]*%\}"
)


def raw_status_comparisons(text):
    return RAW_STATUS.findall(text)


def test_the_lint_catches_a_raw_status_comparison():
    assert raw_status_comparisons("{% if po.status == 'in_external_review' %}")
    assert raw_status_comparisons('{% if order.status != "open" %}')
    assert raw_status_comparisons("{% elif 'draft' == po.status %}")
    assert not raw_status_comparisons("{% if po.is_in_review %}{% if actions.confirm %}")
    assert not raw_status_comparisons("{% badge po.status po.get_status_display %}")


def test_no_template_compares_raw_statuses():
    root = Path(__file__).resolve().parents[2]
    found = {
        str(path.relative_to(root)): hits
        for path in root.rglob("templates/**/*.html")
        if (hits := raw_status_comparisons(path.read_text(encoding="utf-8")))
    }
    assert found == {}, f"Ask the life cycle table (actions) or an intent-named property instead: {found}"


def test_the_api_list_answers_actions_without_a_query_per_row(cast):
    """The guards read what the list has loaded: more rows of every stage cost no more queries."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = ApiClient(Client(), cast.agent)
    client.get("/purchase-orders")  # stamps the token's first use

    def queries():
        with CaptureQueriesContext(connection) as captured:
            response = client.get("/purchase-orders?page_size=100")
        assert response.status_code == 200
        return len(captured), {row["id"]: row["actions"] for row in response.json()["items"]}

    pos = [make_stage(cast, stage) for stage in ("draft", "sent", "accepted")]
    few, actions = queries()
    assert actions[pos[2].pk] == sorted(AGENT["accepted"])
    pos += [make_stage(cast, stage) for stage in AGENT]
    many, actions = queries()
    assert few == many
    assert actions[pos[-5].pk] == sorted(AGENT["accepted_with_changes"])
