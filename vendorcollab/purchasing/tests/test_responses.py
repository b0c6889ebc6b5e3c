"""The vendor's answers: what is stored per line, and every refusal (which changes nothing)."""

from decimal import Decimal

import pytest

from vendorcollab.common.errors import Conflict, NotFound, PermissionRefused, ValidationFailed
from vendorcollab.common.testing.factories import in_days, make_po
from vendorcollab.partners.models import Collaboration
from vendorcollab.purchasing.models import LineAction, POStatus, ResponseKind, VendorResponse
from vendorcollab.purchasing.services import (
    ChargeInput,
    po_request_change,
    po_send,
    response_submit,
)

from .helpers import answer, database_fingerprint, split


@pytest.fixture
def sent(cast):
    """A PO of vendor A with three lines (10, 20, 30 at 2.50), sent as version 1."""
    return make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items, send=True)


def submit(cast, po, kind=ResponseKind.ACCEPTED_WITH_CHANGES, version=1, actor=None, **kwargs):
    return response_submit(actor=actor or cast.vendor_a_user, purchase_order=po, version=version, kind=kind, **kwargs)


def test_accept_answers_every_line_with_the_ordered_values(cast, sent):
    response = submit(cast, sent, kind=ResponseKind.ACCEPTED, vendor_reference="SO-981", note="Thanks")
    rows = [(r.line_number, r.action, r.quantity) for r in response.lines.all()]
    assert rows == [(1, "accept", Decimal(10)), (2, "accept", Decimal(20)), (3, "accept", Decimal(30))]
    assert (response.vendor_reference, response.note, response.submitted_by) == ("SO-981", "Thanks", cast.vendor_a_user)


def test_reject_answers_every_line_rejected(cast, sent):
    response = submit(cast, sent, kind=ResponseKind.REJECTED, note="Out of stock")
    assert {r.action for r in response.lines.all()} == {LineAction.REJECT}
    assert all(r.quantity is None for r in response.lines.all())


def test_accept_with_changes_stores_every_line_action(cast, sent):
    response = submit(
        cast,
        sent,
        lines=[
            answer(1, LineAction.CHANGE, quantity=Decimal(8), delivery_date=in_days(30), note="Only 8 left"),
            split(2, ("5", 20), ("15", 10)),
            answer(
                3,
                LineAction.SUBSTITUTE,
                external_item_number="ALT-77",
                external_description="Newer model",
                quantity=Decimal(30),
            ),
        ],
    )
    one, two, three = response.lines.all()
    assert (one.action, one.quantity, one.delivery_date, one.note) == ("change", Decimal(8), in_days(30), "Only 8 left")
    assert two.action == "split"
    assert two.quantity == Decimal(20) and two.delivery_date == in_days(10)  # total, and the earliest date
    assert two.schedule == [
        {"quantity": "15", "delivery_date": in_days(10).isoformat()},
        {"quantity": "5", "delivery_date": in_days(20).isoformat()},
    ]
    assert (three.action, three.external_item_number, three.external_description) == (
        "substitute",
        "ALT-77",
        "Newer model",
    )


def test_lines_left_out_of_accept_with_changes_are_accepted(cast, sent):
    response = submit(cast, sent, lines=[answer(2, LineAction.REJECT)])
    assert [(r.line_number, r.action) for r in response.lines.all()] == [(1, "accept"), (2, "reject"), (3, "accept")]


def test_answer_to_an_older_version_is_refused(cast, sent):
    po = po_request_change(actor=cast.agent, purchase_order=sent)
    po = po_send(actor=cast.agent, purchase_order=po)
    before = database_fingerprint()
    with pytest.raises(Conflict) as refused:
        submit(cast, po, kind=ResponseKind.ACCEPTED, version=1)
    assert refused.value.code == "version_outdated"
    assert refused.value.status == 409
    assert "version 2" in refused.value.rendered_message()
    assert database_fingerprint() == before
    assert submit(cast, po, kind=ResponseKind.ACCEPTED, version=2).version.number == 2


def test_second_answer_is_refused(cast, sent):
    submit(cast, sent, kind=ResponseKind.REJECTED)
    before = database_fingerprint()
    with pytest.raises(Conflict) as refused:
        submit(cast, sent, kind=ResponseKind.ACCEPTED, actor=cast.vendor_a_admin)
    assert refused.value.code == "already_answered"
    assert database_fingerprint() == before
    assert VendorResponse.objects.filter(purchase_order=sent).count() == 1


def test_price_change_is_refused(cast, sent):
    before = database_fingerprint()
    with pytest.raises(ValidationFailed) as refused:
        submit(cast, sent, lines=[answer(1, LineAction.CHANGE, quantity=Decimal(5), unit_price=Decimal("2.00"))])
    assert refused.value.code == "price_change_not_allowed"
    assert "lines.0.unit_price" in refused.value.fields
    with pytest.raises(ValidationFailed) as refused:
        submit(cast, sent, lines=[answer(1, LineAction.ACCEPT, discount_percent=Decimal(5))])
    assert refused.value.code == "price_change_not_allowed"
    assert database_fingerprint() == before


def test_echoing_the_same_price_is_not_a_change(cast, sent):
    response = submit(cast, sent, lines=[answer(1, LineAction.ACCEPT, unit_price=Decimal("2.50"))])
    assert response.lines.count() == 3


def test_charge_change_is_refused(cast, sent):
    before = database_fingerprint()
    with pytest.raises(ValidationFailed) as refused:
        submit(cast, sent, charges=[ChargeInput(code="FRT", amount=Decimal("-10"))])
    assert refused.value.code == "charge_change_not_allowed"
    assert database_fingerprint() == before
    # The version's own charges (none) echoed back are not a change.
    assert submit(cast, sent, kind=ResponseKind.ACCEPTED, charges=[]).kind == ResponseKind.ACCEPTED


@pytest.mark.parametrize(
    ("line_answer", "field", "code"),
    [
        (split(1, ("10", 5)), "lines.0.schedule", "split_too_few_lines"),
        (split(1, ("4", 5), ("0", 6)), "lines.0.schedule.1.quantity", "quantity_not_positive"),
        (split(1, ("4", 5), ("-2", 6)), "lines.0.schedule.1.quantity", "quantity_not_positive"),
        (split(1, ("4", -1), ("6", 6)), "lines.0.schedule.0.delivery_date", "date_in_past"),
        (answer(1, LineAction.CHANGE), "lines.0.quantity", "change_without_change"),
        (answer(1, LineAction.CHANGE, quantity=Decimal(-1)), "lines.0.quantity", "quantity_not_positive"),
        (answer(1, LineAction.CHANGE, delivery_date=in_days(-1)), "lines.0.delivery_date", "date_in_past"),
        (
            answer(1, LineAction.SUBSTITUTE, external_item_number=" "),
            "lines.0.external_item_number",
            "substitute_without_item",
        ),
        (answer(9, LineAction.ACCEPT), "lines.0.line_number", "unknown_line"),
    ],
)
def test_bad_line_answers_are_refused_and_change_nothing(cast, sent, line_answer, field, code):
    before = database_fingerprint()
    with pytest.raises(ValidationFailed) as refused:
        submit(cast, sent, lines=[line_answer])
    assert refused.value.code == code
    assert field in refused.value.fields
    assert database_fingerprint() == before


def test_a_line_answered_twice_is_refused(cast, sent):
    with pytest.raises(ValidationFailed) as refused:
        submit(cast, sent, lines=[answer(1, LineAction.ACCEPT), answer(1, LineAction.REJECT)])
    assert refused.value.code == "line_answered_twice"


def test_line_changes_need_accept_with_changes(cast, sent):
    with pytest.raises(ValidationFailed) as refused:
        submit(cast, sent, kind=ResponseKind.ACCEPTED, lines=[answer(1, LineAction.CHANGE, quantity=Decimal(1))])
    assert refused.value.code == "answer_lines_not_allowed"
    with pytest.raises(ValidationFailed):
        submit(cast, sent, kind=ResponseKind.REJECTED, lines=[answer(1, LineAction.ACCEPT)])
    # Line notes on a plain accept are fine.
    response = submit(cast, sent, kind=ResponseKind.ACCEPTED, lines=[answer(1, LineAction.ACCEPT, note="Dock B")])
    assert response.lines.get(line_number=1).note == "Dock B"


def test_another_vendor_cannot_answer_and_learns_nothing(cast, sent):
    before = database_fingerprint()
    with pytest.raises(NotFound) as refused:
        submit(cast, sent, kind=ResponseKind.ACCEPTED, actor=cast.vendor_b_user)
    assert refused.value.status == 404
    assert database_fingerprint() == before


def test_a_buyer_cannot_answer_for_the_vendor(cast, sent):
    with pytest.raises(PermissionRefused):
        submit(cast, sent, kind=ResponseKind.ACCEPTED, actor=cast.agent)


def test_a_disabled_vendor_cannot_answer(cast, sent):
    cast.vendor_a.collaboration = Collaboration.DISABLED
    cast.vendor_a.save()
    with pytest.raises(NotFound):
        submit(cast, sent, kind=ResponseKind.ACCEPTED)


def test_an_inactive_vendor_link_cannot_answer(cast, sent):
    cast.vendor_a_user.vendor_memberships.update(is_active=False)
    cast.vendor_a_user.forget_cached_access()
    with pytest.raises(NotFound):
        submit(cast, sent, kind=ResponseKind.ACCEPTED)


def test_a_draft_cannot_be_answered(cast, sent):
    po = po_request_change(actor=cast.agent, purchase_order=sent)
    with pytest.raises(Conflict) as refused:
        submit(cast, po, kind=ResponseKind.ACCEPTED)
    assert refused.value.code == "invalid_transition"
    assert po.status == POStatus.DRAFT
