"""The buyer's pages through Django's test client: entry, sending, processing answers, roles, query counts."""

from decimal import Decimal

import pytest
from django.core.cache import caches
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import resolve, reverse

from vendorcollab.common.testing.factories import ItemFactory, in_days, make_po
from vendorcollab.partners.models import Collaboration
from vendorcollab.purchasing import buyer_urls as purchasing_buyer_urls
from vendorcollab.purchasing.models import (
    Attachment,
    EventKind,
    LineAction,
    POStatus,
    PurchaseOrder,
    ResponseKind,
    VersionKind,
)
from vendorcollab.purchasing.services import LineAnswer, ScheduleInput, po_confirm, response_submit


def signed_in(client, user):
    client.force_login(user)
    return client


def form_data(cast, lines, charges=(), vendor=None, **extra):
    """A posted PO form: ``lines`` as dicts of the line fields (item is the item number)."""
    data = {
        "po-vendor": (vendor or cast.vendor_a).pk,
        "po-currency": "EUR",
        "lines-TOTAL_FORMS": len(lines),
        "lines-INITIAL_FORMS": 0,
        "charges-TOTAL_FORMS": len(charges),
        "charges-INITIAL_FORMS": 0,
    }
    for index, line in enumerate(lines):
        defaults = {"quantity": "5", "unit_price": "3.20", "delivery_date": in_days(10).isoformat()}
        for key, value in {**defaults, **line}.items():
            data[f"lines-{index}-{key}"] = value
    for index, charge in enumerate(charges):
        for key, value in charge.items():
            data[f"charges-{index}-{key}"] = value
    data.update(extra)
    return data


def test_create_a_po_with_dimensions_and_charges(client, cast):
    signed_in(client, cast.agent)
    response = client.post(
        reverse("buyer:po_create"),
        form_data(
            cast,
            [
                {"item": cast.items[0].number.lower(), "warehouse": "AMS-1", "color": "Red", "size": "L"},
                {"item": cast.items[1].number, "quantity": "12", "discount_percent": "5"},
            ],
            charges=[{"code": "FRT", "amount": "25.00", "description": "Freight"}],
        ),
    )
    po = PurchaseOrder.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("buyer:po_detail", args=[po.pk])
    first, second = po.lines.all()
    assert (first.item, first.warehouse, first.site, first.color) == (cast.items[0], cast.warehouse, cast.site, "Red")
    assert (second.quantity, second.discount_percent) == (Decimal(12), Decimal(5))
    assert po.charges.get().amount == Decimal("25.00")
    assert po.status == POStatus.DRAFT and po.buyer_contact == cast.agent


def test_entry_errors_are_next_to_the_field_and_keep_what_was_typed(client, cast):
    signed_in(client, cast.agent)
    response = client.post(
        reverse("buyer:po_create"),
        form_data(
            cast,
            [
                {"item": "NOPE-1", "description": "Typed text"},
                {"item": cast.items[1].number, "delivery_date": in_days(-2).isoformat(), "warehouse": "XX"},
            ],
        ),
    )
    page = response.content.decode()
    assert response.status_code == 422
    assert 'id="id_lines-0-item-error">There is no item NOPE-1 in Contoso Nederland.' in page
    assert 'id="id_lines-1-warehouse-error">There is no warehouse XX in Contoso Nederland.' in page
    assert 'value="Typed text"' in page
    assert not PurchaseOrder.objects.exists()
    # The service's own rules come back to the same place.
    response = client.post(
        reverse("buyer:po_create"),
        form_data(cast, [{"item": cast.items[1].number, "delivery_date": in_days(-2).isoformat()}]),
    )
    assert 'id="id_lines-0-delivery_date-error">The date cannot be in the past.' in response.content.decode()
    assert not PurchaseOrder.objects.exists()


def test_add_line_without_javascript_keeps_the_lines(client, cast):
    signed_in(client, cast.agent)
    data = form_data(cast, [{"item": cast.items[0].number, "description": "First"}], command="add_line")
    editor = client.post(reverse("buyer:po_create"), data).context["editor"]
    assert len(editor.lines.forms) == 2
    assert editor.lines.forms[0]["description"].value() == "First"


def test_save_and_send(client, cast):
    signed_in(client, cast.agent)
    client.post(reverse("buyer:po_create"), form_data(cast, [{"item": cast.items[0].number}], command="save_and_send"))
    po = PurchaseOrder.objects.get()
    assert po.status == POStatus.IN_EXTERNAL_REVIEW and po.latest_version.number == 1


def test_sending_to_a_disabled_vendor_is_refused_with_a_clear_message(client, cast):
    po = make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:1])
    cast.vendor_a.collaboration = Collaboration.DISABLED
    cast.vendor_a.save()
    signed_in(client, cast.agent)
    response = client.post(reverse("buyer:po_send", args=[po.pk]), follow=True)
    assert "does not take part in vendor collaboration" in response.content.decode()
    po.refresh_from_db()
    assert po.status == POStatus.DRAFT


def test_edit_a_draft_and_remove_a_line(client, cast):
    po = make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:2])
    signed_in(client, cast.agent)
    editor = client.get(reverse("buyer:po_edit", args=[po.pk])).context["editor"]
    assert [form["item"].value() for form in editor.lines.forms] == [cast.items[0].number, cast.items[1].number]
    data = form_data(
        cast,
        [
            {"line_number": 1, "item": cast.items[0].number, "quantity": "99"},
            {"line_number": 2, "item": cast.items[1].number, "DELETE": "on"},
        ],
    )
    data["lines-INITIAL_FORMS"] = 2
    client.post(reverse("buyer:po_edit", args=[po.pk]), data)
    assert [(line.line_number, line.quantity) for line in po.lines.all()] == [(1, Decimal(99))]


def test_a_confirmed_po_opens_the_editor_and_request_change_still_works(client, cast):
    po = make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:1], send=True)
    po_confirm(actor=cast.agent, purchase_order=po, without_response=True)
    signed_in(client, cast.agent)
    assert client.get(reverse("buyer:po_edit", args=[po.pk])).status_code == 200  # "Request change": the form
    po.refresh_from_db()
    assert po.status == POStatus.CONFIRMED
    response = client.post(reverse("buyer:po_request_change", args=[po.pk]))
    assert response["Location"] == reverse("buyer:po_edit", args=[po.pk])
    po.refresh_from_db()
    assert po.status == POStatus.DRAFT


def test_a_new_note_defaults_to_internal_like_a_file(client, cast):
    po = make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:1], send=True)
    signed_in(client, cast.agent)
    context = client.get(reverse("buyer:po_detail", args=[po.pk])).context
    assert context["note_form"]["visibility"].value() == "internal"
    assert context["attachment_form"]["visibility"].value() == "internal"


def test_copy(client, cast):
    po = make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:2], send=True)
    signed_in(client, cast.agent)
    client.post(reverse("buyer:po_copy", args=[po.pk]))
    copy = PurchaseOrder.objects.exclude(pk=po.pk).get()
    assert copy.status == POStatus.DRAFT and copy.vendor == po.vendor
    assert [line.item_id for line in copy.lines.all()] == [line.item_id for line in po.lines.all()]
    assert copy.events.filter(kind=EventKind.EDITED, data__copied_from=po.number).exists()


def awc(cast):
    po = make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items, send=True)
    response_submit(
        actor=cast.vendor_a_user,
        purchase_order=po,
        version=1,
        kind=ResponseKind.ACCEPTED_WITH_CHANGES,
        vendor_reference="SO-77",
        note="See lines",
        lines=[
            LineAnswer(line_number=1, action=LineAction.CHANGE, quantity=Decimal(7)),
            LineAnswer(
                line_number=2,
                action=LineAction.SPLIT,
                schedule=(
                    ScheduleInput(quantity=Decimal(12), delivery_date=in_days(20)),
                    ScheduleInput(quantity=Decimal(8), delivery_date=in_days(30)),
                ),
            ),
            LineAnswer(line_number=3, action=LineAction.SUBSTITUTE, external_item_number="ALT-9"),
        ],
    )
    return po


def test_the_response_is_shown_with_every_change_marked(client, cast):
    po = awc(cast)
    signed_in(client, cast.agent)
    page = client.get(reverse("buyer:po_detail", args=[po.pk])).content.decode()
    assert "SO-77" in page and "See lines" in page
    assert "<del>10</del> <ins>7</ins>" in page
    assert "ALT-9" in page
    assert 'data-action="apply-changes"' in page and 'data-action="confirm-as-sent"' in page


def test_apply_vendor_changes_and_confirm(client, cast):
    po = awc(cast)
    signed_in(client, cast.agent)
    response = client.post(reverse("buyer:po_confirm", args=[po.pk]), {"mode": "apply_changes"}, follow=True)
    po.refresh_from_db()
    assert po.status == POStatus.CONFIRMED
    assert (po.confirmed_version.number, po.confirmed_version.kind) == (2, VersionKind.CONFIRMATION)
    assert f"{po.number}-2 is confirmed" in response.content.decode()


def test_confirm_without_response_asks_first_and_is_recorded(client, cast):
    po = make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:1], send=True)
    signed_in(client, cast.agent)
    url = reverse("buyer:po_confirm", args=[po.pk])
    page = client.get(url, {"mode": "without_response"}).content.decode()
    assert "has not responded" in page
    response = client.post(url, {"mode": "without_response"})  # the checkbox was not ticked
    assert response.status_code == 422 and "This field is required." in response.content.decode()
    po.refresh_from_db()
    assert po.status == POStatus.IN_EXTERNAL_REVIEW
    client.post(url, {"mode": "without_response", "understood": "on"})
    po.refresh_from_db()
    assert po.status == POStatus.CONFIRMED
    assert po.events.get(kind=EventKind.CONFIRMED).data == {"without_response": True}
    assert "confirmed without response" in client.get(reverse("buyer:po_detail", args=[po.pk])).content.decode()


def test_cancel_needs_a_reason(client, cast):
    po = make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:1], send=True)
    signed_in(client, cast.agent)
    url = reverse("buyer:po_cancel", args=[po.pk])
    assert "This field is required." in client.post(url, {"reason": ""}).content.decode()
    client.post(url, {"reason": "Project stopped"})
    po.refresh_from_db()
    assert po.status == POStatus.CANCELLED


def test_notes_and_attachments(client, cast):
    po = make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:1])
    signed_in(client, cast.agent)
    client.post(reverse("buyer:po_note_add", args=[po.pk]), {"text": "Dock 4", "visibility": "external"})
    response = client.post(
        reverse("buyer:po_note_add", args=[po.pk]), {"text": "x", "visibility": "external", "line_number": 9}
    )
    assert response.status_code == 422 and "This purchase order has no line 9." in response.content.decode()
    client.post(
        reverse("buyer:po_attachment_add", args=[po.pk]),
        {"file": SimpleUploadedFile("terms.pdf", b"%PDF"), "visibility": "internal"},
    )
    assert po.notes.get().text == "Dock 4"
    attachment = Attachment.objects.get()
    assert client.get(reverse("buyer:attachment", args=[attachment.pk])).status_code == 200


# --- roles ----------------------------------------------------------------------------------------------------------


def buyer_urls(po, attachment):
    return [
        ("get", reverse("buyer:workspace")),
        ("get", reverse("buyer:po_list", args=["drafts"])),
        ("get", reverse("buyer:po_create")),
        ("get", reverse("buyer:po_detail", args=[po.pk])),
        ("get", reverse("buyer:po_edit", args=[po.pk])),
        ("post", reverse("buyer:po_copy", args=[po.pk])),
        ("post", reverse("buyer:po_send", args=[po.pk])),
        ("get", reverse("buyer:po_confirm", args=[po.pk])),
        ("post", reverse("buyer:po_request_change", args=[po.pk])),
        ("get", reverse("buyer:po_cancel", args=[po.pk])),
        ("post", reverse("buyer:po_note_add", args=[po.pk])),
        ("post", reverse("buyer:po_attachment_add", args=[po.pk])),
        ("get", reverse("buyer:po_version", args=[po.pk, 1])),
        ("get", reverse("buyer:po_version_pdf", args=[po.pk, 1])),
        ("get", reverse("buyer:po_history", args=[po.pk])),
        ("get", reverse("buyer:po_receive", args=[po.pk])),
        ("get", reverse("buyer:attachment", args=[attachment.pk])),
        ("get", reverse("buyer:receiving")),
        ("get", reverse("buyer:item_options")),
    ]


# Pages a receiving clerk may use (read, receive); every other buyer page is a 403 for the clerk.
CLERK_ALLOWED = {
    "workspace",
    "po_list",
    "po_detail",
    "po_version",
    "po_version_pdf",
    "po_history",
    "po_receive",
    "attachment",
    "receiving",
}


@pytest.fixture
def sent_with_file(cast):
    po = make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:1])
    attachment = Attachment(purchase_order=po, visibility="internal", name="a.txt", uploaded_by=cast.agent)
    attachment.file.save("a.txt", SimpleUploadedFile("a.txt", b"x"), save=False)
    attachment.save()
    from vendorcollab.purchasing.services import po_send

    return po_send(actor=cast.agent, purchase_order=po), attachment


def test_every_buyer_url_is_in_the_role_tests():
    """Purchasing's pages of the ``buyer`` namespace, and its workspace (the namespace's invoice pages are tested
    with invoicing)."""
    po = PurchaseOrder(pk=1)
    assert {p.name for p in purchasing_buyer_urls.urlpatterns} | {"workspace"} == {
        resolve(url).url_name for _, url in buyer_urls(po, Attachment(pk=1))
    }


def test_vendor_users_reach_no_buyer_page(client, cast, sent_with_file):
    po, attachment = sent_with_file
    for user in (cast.vendor_a_user, cast.vendor_a_admin):
        signed_in(client, user)
        for method, url in buyer_urls(po, attachment):
            assert getattr(client, method)(url).status_code == 404, url


def test_a_receiving_clerk_reads_and_receives_but_cannot_edit_or_send(client, cast, sent_with_file):
    po, attachment = sent_with_file
    signed_in(client, cast.clerk)
    for method, url in buyer_urls(po, attachment):
        status = getattr(client, method)(url).status_code
        if resolve(url).url_name in CLERK_ALLOWED:
            assert status in (200, 302), url
        else:
            assert status == 403, url
    po.refresh_from_db()
    assert po.status == POStatus.IN_EXTERNAL_REVIEW and PurchaseOrder.objects.count() == 1


def test_anonymous_users_are_sent_to_sign_in(client, cast, sent_with_file):
    po, attachment = sent_with_file
    for method, url in buyer_urls(po, attachment):
        response = getattr(client, method)(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("account_login")), url


# --- query counts ---------------------------------------------------------------------------------------------------


def count_queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200, url
    return len(captured)


def test_workspace_and_lists_use_a_constant_number_of_queries(client, cast):
    def populate(count):
        for _ in range(count):
            make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:1])
            sent = make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:1], send=True)
            answered = make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:1], send=True)
            response_submit(actor=cast.vendor_a_user, purchase_order=answered, version=1, kind=ResponseKind.ACCEPTED)
            po_confirm(actor=cast.agent, purchase_order=sent, without_response=True)

    urls = [reverse("buyer:workspace")] + [
        reverse("buyer:po_list", args=[which])
        for which in ("requiring_action", "awaiting_vendor", "drafts", "confirmed_not_received")
    ]
    signed_in(client, cast.agent)
    populate(3)
    # Measured cold each time: counts kept per table stamp (the invoice tiles' among them) would otherwise be read
    # from the cache the second time for a table the 27 new POs do not touch.
    caches["pages"].clear()
    small = [count_queries(client, url) for url in urls]
    populate(27)
    caches["pages"].clear()
    assert [count_queries(client, url) for url in urls] == small


def test_po_pages_use_a_constant_number_of_queries_whatever_the_lines(client, cast):
    def po_with(lines):
        po = awc_like(cast, [ItemFactory(company=cast.company) for _ in range(lines)])
        return po

    small, large = po_with(3), po_with(40)
    signed_in(client, cast.agent)
    for name in ("buyer:po_detail", "buyer:po_history"):
        assert count_queries(client, reverse(name, args=[small.pk])) == count_queries(
            client, reverse(name, args=[large.pk])
        ), name
    assert count_queries(client, reverse("buyer:po_version", args=[small.pk, 1])) == count_queries(
        client, reverse("buyer:po_version", args=[large.pk, 1])
    )


def awc_like(cast, items):
    po = make_po(actor=cast.agent, vendor=cast.vendor_a, items=items, send=True)
    response_submit(
        actor=cast.vendor_a_user,
        purchase_order=po,
        version=1,
        kind=ResponseKind.ACCEPTED_WITH_CHANGES,
        lines=[LineAnswer(line_number=1, action=LineAction.CHANGE, quantity=Decimal(1))],
    )
    return po
