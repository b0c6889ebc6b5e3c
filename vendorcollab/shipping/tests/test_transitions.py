"""The ship-notice life cycle: what each side may do with a notice in each status, as the faces ask it."""

from __future__ import annotations

from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext

from vendorcollab.accounts.models import RECEIVING_ROLES, VENDOR_ROLES
from vendorcollab.shipping import selectors, services, transitions
from vendorcollab.shipping.inputs import NoticeReceiptLineInput
from vendorcollab.shipping.transitions import ShipNoticeAction

from .conftest import confirmed_po, ship


def offered(notice, actor):
    return [str(action) for action in transitions.available(notice, actor)]


def test_each_side_is_offered_its_own_action_while_in_transit(cast):
    notice = ship(cast, (confirmed_po(cast), 1, "2"), (confirmed_po(cast), 1, "3"))
    assert offered(notice, cast.vendor_a_user) == ["cancel"]
    assert offered(notice, cast.vendor_a_admin) == ["cancel"]
    assert offered(notice, cast.clerk) == ["receive"]
    assert offered(notice, cast.admin) == ["receive"]
    assert offered(notice, cast.agent) == []
    # Received in part: still to receive, no longer to cancel.
    services.ship_notice_receive(actor=cast.clerk, notice=notice, lines=[NoticeReceiptLineInput(1, Decimal(2))])
    notice = selectors.ship_notice_get(cast.clerk, notice.pk)
    assert offered(notice, cast.vendor_a_user) == []
    assert offered(notice, cast.clerk) == ["receive"]
    # Received in full, or cancelled: nothing more.
    services.ship_notice_receive(actor=cast.clerk, notice=notice, lines=[NoticeReceiptLineInput(2, Decimal(3))])
    notice.refresh_from_db()
    assert offered(notice, cast.clerk) == offered(notice, cast.vendor_a_user) == []
    cancelled = services.ship_notice_cancel(actor=cast.vendor_a_user, notice=ship(cast, (confirmed_po(cast), 1, "1")))
    assert offered(cancelled, cast.clerk) == offered(cancelled, cast.vendor_a_user) == []


def test_the_roles_of_each_action(cast):
    assert transitions.roles_for(ShipNoticeAction.CANCEL) == VENDOR_ROLES
    assert transitions.roles_for(ShipNoticeAction.RECEIVE) == RECEIVING_ROLES


def test_asking_a_fetched_notice_for_its_actions_reads_nothing_more(cast):
    notice = ship(cast, (confirmed_po(cast), 1, "2"))
    fetched = selectors.ship_notice_get(cast.vendor_a_user, notice.pk)
    with CaptureQueriesContext(connection) as context:
        assert transitions.allows(fetched, cast.vendor_a_user, ShipNoticeAction.CANCEL)
    assert len(context.captured_queries) == 0
