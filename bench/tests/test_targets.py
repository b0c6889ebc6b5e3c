"""The documents the benchmark posts are taken as the measurement means them to be: a run that measured refusals
would report the speed of an error page."""

from django.test import Client

from bench.targets import order_change_for, purchase_order_with_lines
from vendorcollab.api.tests.helpers import API, ApiClient
from vendorcollab.interop.tests.conftest import endpoints  # noqa: F401  (a fixture: the cast with PEPPOL endpoints)
from vendorcollab.purchasing.models import POStatus


def test_the_order_change_makes_the_next_version_with_its_first_line_changed(endpoints):  # noqa: F811
    po = purchase_order_with_lines(agent=endpoints.agent, vendor=endpoints.vendor_a, count=3)
    client = ApiClient(Client(), endpoints.agent)

    answer = client.client.post(
        API + "/purchase-orders/import-ubl",
        order_change_for(po),
        content_type="application/xml",
        headers=client.headers,
    )

    assert answer.status_code == 200, answer.content
    po.refresh_from_db()
    assert (po.latest_version.number, po.status) == (2, POStatus.IN_EXTERNAL_REVIEW)
    assert [line.quantity for line in po.latest_version.lines.order_by("line_number")] == [15, 11, 12]
