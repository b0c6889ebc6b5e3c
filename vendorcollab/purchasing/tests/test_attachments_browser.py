"""In Chromium: a file chosen before another field's error is gone from the page, and the page says so next to it."""

from __future__ import annotations

import pytest

from vendorcollab.common.testing.browser import login
from vendorcollab.common.testing.factories import make_po
from vendorcollab.purchasing.models import Attachment

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_buyer_is_told_to_choose_the_file_again_then_attaches_it(page, live_server, cast, tmp_path):
    po = make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:1])
    spec = tmp_path / "spec.pdf"
    spec.write_bytes(b"%PDF-1.7\n%%EOF\n")
    login(page, live_server.url, "bob", "pw-bob")
    page.goto(f"{live_server.url}/buyer/purchase-orders/{po.pk}/")
    form = page.locator("form:has(#id_file)")  # the note form beside it has a line number field too
    form.locator("#id_file").set_input_files(str(spec))
    form.locator("[name=line_number]").fill("9")
    form.locator("button[type=submit]").click()
    error = page.locator("#id_file-error")
    assert "You chose spec.pdf" in error.inner_text() and "Choose it again." in error.inner_text()
    assert page.locator("#id_file").input_value() == ""  # what the browser really did with the file
    assert not Attachment.objects.exists()
    form.locator("#id_file").set_input_files(str(spec))
    form.locator("[name=line_number]").fill("")
    form.locator("button[type=submit]").click()
    assert "File attached." in page.locator(".messages").inner_text()
    assert Attachment.objects.get().name == "spec.pdf"
