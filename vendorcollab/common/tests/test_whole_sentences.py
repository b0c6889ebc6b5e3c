"""Messages that say what happened and what comes next are one translatable unit each, never two translated
sentences glued together: a translator sees the whole, and may reorder or merge it."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import ngettext

from vendorcollab.common.testing.factories import make_po
from vendorcollab.purchasing.services import po_confirm

# The whole messages, as the code passes them to gettext (singular, plural).
WHOLE = [
    (
        "Receipt posted for %(number)s: %(count)s line. The purchase order is fully received.",
        "Receipt posted for %(number)s: %(count)s lines. The purchase order is fully received.",
    ),
    (
        "Receipt posted for %(number)s: %(count)s lines. %(open)s line is still to be received.",
        "Receipt posted for %(number)s: %(count)s lines. %(open)s lines are still to be received.",
    ),
    (
        "Receipt posted for replenishment order %(number)s: %(count)s line. The vendor owns what arrived. "
        "The rest is still expected.",
        "Receipt posted for replenishment order %(number)s: %(count)s lines. The vendor owns what arrived. "
        "The rest is still expected.",
    ),
    (
        "Response sent to %(company)s: accepted with changes on %(changed)s of %(total)s line. "
        "The customer will review your changes.",
        "Response sent to %(company)s: accepted with changes on %(changed)s of %(total)s lines. "
        "The customer will review your changes.",
    ),
]


@pytest.mark.parametrize(("singular", "plural"), WHOLE)
def test_each_outcome_message_is_one_catalogue_entry(singular, plural):
    with translation.override("nl"):
        assert ngettext(singular, plural, 2) != plural, "not in the Dutch catalogue as one message"


def test_a_dutch_clerk_reads_the_receipt_message_from_one_entry(client, cast):
    po = make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items, send=True)  # quantities 10, 20, 30
    po = po_confirm(actor=cast.agent, purchase_order=po, without_response=True)
    client.force_login(cast.clerk)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "nl"
    cast.clerk.language = "nl"
    cast.clerk.save(update_fields=["language"])
    response = client.post(
        reverse("buyer:po_receive", args=[po.pk]),
        {"received_date": timezone.localdate().isoformat(), "line_1": "4", "line_3": "30"},
    )
    assert response.status_code == 302
    with translation.override("nl"):
        expected = ngettext(*WHOLE[1], 2) % {"number": po.number, "count": 2, "open": 2}
    assert [str(message) for message in get_messages(response.wsgi_request)] == [expected]
    assert expected.startswith("Ontvangst geboekt")
