"""Two ownership changes at the same moment cannot together take more than the vendor owns (SQLite and PostgreSQL)."""

import pytest

from vendorcollab.common.errors import ValidationFailed
from vendorcollab.consignment.models import ConsignmentStock, OwnershipChange
from vendorcollab.consignment.services import ownership_change_post
from vendorcollab.purchasing.tests.test_concurrency import race, split_outcomes

from .helpers import priced, stock_line, stocked

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_concurrent_ownership_changes_cannot_go_below_zero(cast):
    priced(cast)
    stocked(cast, quantity="10")

    def take(actor):
        return lambda: ownership_change_post(actor=actor, vendor=cast.vendor_a, lines=[stock_line(cast, quantity="7")])

    wins, losses = split_outcomes(race(take(cast.agent), take(cast.admin)))
    assert len(wins) == 1 and len(losses) == 1
    assert isinstance(losses[0], ValidationFailed) and losses[0].code == "more_than_owned"
    assert ConsignmentStock.objects.get(vendor=cast.vendor_a).physical_quantity == 3
    assert OwnershipChange.objects.count() == 1
