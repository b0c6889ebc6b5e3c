"""DESIGN.md section 4: which POs each vendor list holds and when they leave, scoped to the vendor user."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from vendorcollab.accounts.models import User
from vendorcollab.common.errors import NotFound
from vendorcollab.common.testing.factories import make_po
from vendorcollab.partners.models import Collaboration
from vendorcollab.purchasing.models import LineAction, Origin, ResponseKind
from vendorcollab.purchasing.selectors import (
    VendorList,
    po_count_for_vendor,
    po_get_for_vendor,
    po_list_for_vendor,
    version_history_for_vendor,
)
from vendorcollab.purchasing.services import (
    ReceiptLineInput,
    po_cancel,
    po_confirm,
    po_request_change,
    po_send,
    po_update,
    receipt_post,
    response_submit,
)

from .helpers import answer

FOR_REVIEW, AWAITING, OPEN, ALL = (
    VendorList.FOR_REVIEW,
    VendorList.AWAITING_CUSTOMER,
    VendorList.OPEN_CONFIRMED,
    VendorList.ALL_CONFIRMED,
)


def lists_of(cast, po, actor=None):
    """The lists a PO is in for vendor A's user, with the version each list shows for it."""
    actor = actor or User.objects.get(pk=cast.vendor_a_user.pk)  # fresh: no cached access
    found = {}
    for which in VendorList:
        row = po_list_for_vendor(actor=actor, which=which).filter(pk=po.pk).first()
        if row is not None:
            found[which] = row.list_version
    return found


def respond(cast, po, kind, lines=()):
    po.refresh_from_db()
    return response_submit(
        actor=cast.vendor_a_user, purchase_order=po, version=po.latest_version.number, kind=kind, lines=lines
    )


@pytest.fixture
def sent(cast):
    return make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:2], send=True)


# --- Purchase orders for review ---------------------------------------------------------------------------------


def test_for_review_holds_sent_unanswered_and_leaves_on_answer(cast, sent):
    assert lists_of(cast, sent) == {FOR_REVIEW: 1}
    respond(cast, sent, ResponseKind.REJECTED)
    assert FOR_REVIEW not in lists_of(cast, sent)


def test_for_review_shows_only_the_latest_version(cast, sent):
    po = po_request_change(actor=cast.agent, purchase_order=sent)
    po = po_send(actor=cast.agent, purchase_order=po)
    assert lists_of(cast, po) == {FOR_REVIEW: 2}
    actor = User.objects.get(pk=cast.vendor_a_user.pk)
    assert po_list_for_vendor(actor=actor, which=FOR_REVIEW).filter(pk=po.pk).count() == 1


def test_drafts_never_reach_the_vendor(cast):
    draft = make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:1])
    assert lists_of(cast, draft) == {}
    with pytest.raises(NotFound):
        po_get_for_vendor(actor=cast.vendor_a_user, pk=draft.pk)


# --- Awaiting customer action -------------------------------------------------------------------------------------


def test_awaiting_accepted_leaves_when_confirmed(cast, sent):
    respond(cast, sent, ResponseKind.ACCEPTED)
    assert lists_of(cast, sent) == {AWAITING: 1}
    po_confirm(actor=cast.agent, purchase_order=sent)
    assert lists_of(cast, sent) == {OPEN: 1, ALL: 1}


@pytest.mark.parametrize("kind", [ResponseKind.REJECTED, ResponseKind.ACCEPTED_WITH_CHANGES])
def test_awaiting_rejected_or_changed_leaves_when_a_new_version_is_sent(cast, sent, kind):
    lines = [answer(1, LineAction.CHANGE, quantity=Decimal(3))] if kind == ResponseKind.ACCEPTED_WITH_CHANGES else []
    respond(cast, sent, kind, lines)
    assert lists_of(cast, sent) == {AWAITING: 1}
    po = po_request_change(actor=cast.agent, purchase_order=sent)
    # While the buyer edits, the answered PO still waits for the buyer.
    assert lists_of(cast, po) == {AWAITING: 1}
    po_send(actor=cast.agent, purchase_order=po)
    assert lists_of(cast, po) == {FOR_REVIEW: 2}


def test_awaiting_changed_leaves_when_confirmed(cast, sent):
    respond(cast, sent, ResponseKind.ACCEPTED_WITH_CHANGES, [answer(2, LineAction.REJECT)])
    po_confirm(actor=cast.agent, purchase_order=sent, apply_vendor_changes=True)
    assert lists_of(cast, sent) == {OPEN: 2, ALL: 2}


def test_awaiting_leaves_when_cancelled(cast, sent):
    respond(cast, sent, ResponseKind.REJECTED)
    po_cancel(actor=cast.agent, purchase_order=sent)
    assert lists_of(cast, sent) == {}


# --- Open confirmed / All confirmed ---------------------------------------------------------------------------


def test_open_confirmed_leaves_when_fully_received_all_confirmed_never(cast, sent):
    po_confirm(actor=cast.agent, purchase_order=sent, without_response=True)
    receipt_post(actor=cast.clerk, purchase_order=sent, lines=[ReceiptLineInput(1, Decimal(10))])
    assert lists_of(cast, sent) == {OPEN: 1, ALL: 1}
    receipt_post(actor=cast.clerk, purchase_order=sent, lines=[ReceiptLineInput(2, Decimal(20))])
    assert lists_of(cast, sent) == {ALL: 1}


def test_a_cancelled_confirmed_po_stays_in_all_confirmed(cast, sent):
    po_confirm(actor=cast.agent, purchase_order=sent, without_response=True)
    po_cancel(actor=cast.agent, purchase_order=sent)
    assert lists_of(cast, sent) == {ALL: 1}


def test_a_changed_confirmed_po_stays_confirmed_as_its_last_confirmed_version(cast, sent):
    respond(cast, sent, ResponseKind.ACCEPTED_WITH_CHANGES, [answer(1, LineAction.CHANGE, quantity=Decimal(4))])
    po = po_confirm(actor=cast.agent, purchase_order=sent, apply_vendor_changes=True)
    assert lists_of(cast, po) == {OPEN: 2, ALL: 2}
    po = po_request_change(actor=cast.agent, purchase_order=po)
    assert lists_of(cast, po) == {OPEN: 2, ALL: 2}
    lines = po.lines.all()
    from vendorcollab.common.testing.factories import line

    po = po_update(
        actor=cast.agent,
        purchase_order=po,
        lines=[line(ln.item, quantity="40", line_number=ln.line_number) for ln in lines],
    )
    po = po_send(actor=cast.agent, purchase_order=po)
    assert lists_of(cast, po) == {FOR_REVIEW: 3, OPEN: 2, ALL: 2}
    respond(cast, po, ResponseKind.ACCEPTED)
    assert lists_of(cast, po) == {AWAITING: 3, OPEN: 2, ALL: 2}
    po_confirm(actor=cast.agent, purchase_order=po)
    assert lists_of(cast, po) == {OPEN: 3, ALL: 3}


# --- History ------------------------------------------------------------------------------------------------------


def test_history_holds_every_version_and_every_response(cast, sent):
    respond(cast, sent, ResponseKind.ACCEPTED_WITH_CHANGES, [answer(1, LineAction.CHANGE, quantity=Decimal(4))])
    po_confirm(actor=cast.agent, purchase_order=sent, apply_vendor_changes=True)
    rows = list(version_history_for_vendor(actor=cast.vendor_a_user).filter(purchase_order=sent))
    assert [(v.number, getattr(v, "response", None) is not None) for v in sorted(rows, key=lambda v: v.number)] == [
        (1, True),
        (2, False),
    ]
    assert version_history_for_vendor(actor=cast.vendor_b_user).count() == 0


# --- Consignment, scoping ---------------------------------------------------------------------------------------


def test_consignment_pos_are_in_no_list(cast):
    """Consignment POs in every state a PO can reach: none shows on any vendor page of section 4."""
    states = []
    for step in range(5):
        po = make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:1], origin=Origin.CONSIGNMENT)
        if step >= 1:
            po = po_send(actor=cast.agent, purchase_order=po)
        if step >= 2:
            respond_kind = ResponseKind.ACCEPTED if step == 2 else ResponseKind.REJECTED
            if step in (2, 3):
                # The vendor cannot even answer a consignment PO: it does not exist on its pages.
                with pytest.raises(NotFound):
                    respond(cast, po, respond_kind)
        if step == 4:
            po = po_confirm(actor=cast.agent, purchase_order=po, without_response=True)
            receipt_post(actor=cast.clerk, purchase_order=po, lines=[ReceiptLineInput(1, Decimal(10))])
        states.append(po)
    for po in states:
        assert lists_of(cast, po) == {}
    assert version_history_for_vendor(actor=cast.vendor_a_user).count() == 0


def test_vendor_b_gets_nothing_of_vendor_a(cast):
    pos = [make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:1], send=True) for _ in range(3)]
    respond(cast, pos[1], ResponseKind.ACCEPTED)
    po_confirm(actor=cast.agent, purchase_order=pos[2], without_response=True)
    for which in VendorList:
        assert po_list_for_vendor(actor=cast.vendor_b_user, which=which).count() == 0
    assert po_count_for_vendor(actor=cast.vendor_b_user) == dict.fromkeys(VendorList, 0)
    assert version_history_for_vendor(actor=cast.vendor_b_user).count() == 0
    for po in pos:
        with pytest.raises(NotFound):
            po_get_for_vendor(actor=cast.vendor_b_user, pk=po.pk)


def test_buyers_have_no_vendor_lists(cast, sent):
    for which in VendorList:
        assert po_list_for_vendor(actor=cast.agent, which=which).count() == 0


def test_a_disabled_vendor_sees_nothing(cast, sent):
    assert lists_of(cast, sent) == {FOR_REVIEW: 1}
    cast.vendor_a.collaboration = Collaboration.DISABLED
    cast.vendor_a.save()
    assert lists_of(cast, sent) == {}


def test_one_user_sees_vendor_accounts_of_several_companies(cast):
    from vendorcollab.accounts.models import VendorMembership
    from vendorcollab.common.testing.factories import CompanyFactory, ItemFactory, VendorFactory

    other = CompanyFactory(code="BE01")
    account = VendorFactory(company=other, number="V-A", name="Alpha Supplies BE")
    VendorMembership.objects.create(user=cast.vendor_a_user, vendor=account)
    here = make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:1], send=True)
    there = make_po(actor=cast.agent, vendor=account, items=[ItemFactory(company=other)], send=True)
    actor = User.objects.get(pk=cast.vendor_a_user.pk)
    rows = po_list_for_vendor(actor=actor, which=FOR_REVIEW)
    assert {row.pk for row in rows} == {here.pk, there.pk}
    assert {row.company.code for row in rows} == {"NL01", "BE01"}


# --- Query counts -------------------------------------------------------------------------------------------------


def populate(cast, count):
    """``count`` POs in each of the four lists (the confirmed ones are in two)."""
    for _ in range(count):
        make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:1], send=True)
        waiting = make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:1], send=True)
        respond(cast, waiting, ResponseKind.ACCEPTED)
        confirmed = make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:1], send=True)
        po_confirm(actor=cast.agent, purchase_order=confirmed, without_response=True)


def queries_to_render(cast, which):
    """The queries a list page needs for its rows: the list with every field a row shows."""
    actor = User.objects.get(pk=cast.vendor_a_user.pk)
    with CaptureQueriesContext(connection) as captured:
        rows = [
            (
                row.number,
                row.company.name,
                row.vendor.number,
                row.vendor.show_prices,
                row.list_version,
                row.list_version_sent_at,
                row.list_total,
                row.currency,
                row.status,
                row.order_date,
            )
            for row in po_list_for_vendor(actor=actor, which=which)
        ]
    return len(captured), len(rows)


def history_queries(cast):
    actor = User.objects.get(pk=cast.vendor_a_user.pk)
    with CaptureQueriesContext(connection) as captured:
        rows = [
            (v.label, v.purchase_order.company.name, v.purchase_order.vendor.name, getattr(v, "response", None))
            for v in version_history_for_vendor(actor=actor)
        ]
    return len(captured), len(rows)


def test_query_counts_do_not_grow_with_rows(cast):
    populate(cast, 5)
    small = {which: queries_to_render(cast, which) for which in VendorList}
    small_history = history_queries(cast)
    populate(cast, 45)
    large = {which: queries_to_render(cast, which) for which in VendorList}
    large_history = history_queries(cast)
    for which in VendorList:
        (small_queries, small_rows), (large_queries, large_rows) = small[which], large[which]
        assert (small_rows, large_rows) == (5, 50), which
        assert large_queries == small_queries, which
    assert large_history[1] == 10 * small_history[1]
    assert large_history[0] == small_history[0]


def test_the_history_page_shows_each_version_its_kind_and_its_answer(client, cast):
    """The history's rows are written in Python (``list_rows.vendor_history_rows``): each version links to its page
    and shows its customer, account and kind; an answered one its answer's badge, an open one a dash; in the
    reader's language, with every stored text escaped."""
    cast.company.name = 'Acme <b>"&'
    cast.company.save()
    answered = make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:1], send=True)
    response_submit(actor=cast.vendor_a_user, purchase_order=answered, version=1, kind=ResponseKind.REJECTED)
    waiting = make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:1], send=True)
    client.force_login(cast.vendor_a_user)
    page = client.get("/vendor/history/", headers={"accept-language": "nl"}).content.decode()
    rows = page.split('<tr class="row-link">')[1:]
    assert len(rows) == 2
    newest, oldest = rows
    assert f'<a href="/vendor/purchase-orders/{waiting.pk}/versions/1/">{waiting.number}-1</a>' in newest
    assert f'<a href="/vendor/purchase-orders/{answered.pk}/versions/1/">{answered.number}-1</a>' in oldest
    for row in rows:
        assert '<td data-label="Klant">Acme &lt;b&gt;&quot;&amp;</td>' in row
        assert f'<td data-label="Leveranciersaccount">{cast.vendor_a.number}</td>' in row
        assert '<td data-label="Soort">Verzonden ter bevestiging</td>' in row
    assert '<span class="badge badge-rejected">Afgewezen</span>' in oldest
    assert '<td data-label="Reactie"><span class="muted">—</span></td>' in newest
    assert '<td data-label="Gereageerd op"></td>' in newest
    assert '<td data-label="Gereageerd op"></td>' not in oldest
