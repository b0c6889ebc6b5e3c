"""Creating, editing and sending purchase orders; the typed errors of bad calls leave the database as it was."""

from decimal import Decimal

import pytest

from vendorcollab.common.errors import Conflict, PermissionRefused, ValidationFailed
from vendorcollab.common.models import AppendOnlyError
from vendorcollab.common.testing.factories import ItemFactory, SiteFactory, WarehouseFactory, in_days, line, make_po
from vendorcollab.partners.models import Collaboration
from vendorcollab.purchasing import transitions
from vendorcollab.purchasing.models import (
    EventKind,
    Note,
    POStatus,
    PurchaseOrderVersion,
    VersionKind,
    VersionLine,
    Visibility,
)
from vendorcollab.purchasing.services import (
    ChargeInput,
    LineInput,
    po_copy,
    po_create,
    po_request_change,
    po_send,
    po_update,
)

from .helpers import database_fingerprint


def test_create_assigns_numbers_and_line_numbers(cast):
    first = make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:2])
    second = make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:1])
    assert first.status == POStatus.DRAFT
    assert first.number == "PO-000001"
    assert second.number == "PO-000002"
    assert [line.line_number for line in first.lines.all()] == [1, 2]
    assert first.events.get().kind == EventKind.CREATED
    assert first.buyer_contact == cast.agent


def test_create_fills_description_unit_and_site_from_master_data(cast):
    item = cast.items[0]
    po = po_create(
        actor=cast.agent,
        company=cast.company,
        vendor=cast.vendor_a,
        lines=[line(item, warehouse=cast.warehouse, color="Red", size="XL", style="Slim", configuration="A")],
    )
    created = po.lines.get()
    assert (created.description, created.unit) == (item.name, item.unit)
    assert created.site == cast.site  # taken from the warehouse
    assert (created.color, created.size, created.style, created.configuration) == ("Red", "XL", "Slim", "A")


@pytest.mark.parametrize(
    ("change", "field", "code"),
    [
        ({"quantity": Decimal("-1")}, "lines.0.quantity", "quantity_not_positive"),
        ({"quantity": Decimal("0")}, "lines.0.quantity", "quantity_not_positive"),
        ({"unit_price": Decimal("-0.01")}, "lines.0.unit_price", "price_negative"),
        ({"discount_percent": Decimal("101")}, "lines.0.discount_percent", "discount_out_of_range"),
        ({"delivery_date": in_days(-1)}, "lines.0.delivery_date", "date_in_past"),
    ],
)
def test_create_refuses_bad_lines_with_a_typed_error_and_changes_nothing(cast, change, field, code):
    values = {"item": cast.items[0], "quantity": Decimal(5), "unit_price": Decimal(1), "delivery_date": in_days(3)}
    before = database_fingerprint()
    with pytest.raises(ValidationFailed) as refused:
        po_create(
            actor=cast.agent, company=cast.company, vendor=cast.vendor_a, lines=[LineInput(**{**values, **change})]
        )
    assert refused.value.code == code
    assert field in refused.value.fields
    assert refused.value.status == 422
    assert str(refused.value.rendered_message())
    assert database_fingerprint() == before


def test_create_reports_every_bad_field_at_once(cast):
    with pytest.raises(ValidationFailed) as refused:
        po_create(
            actor=cast.agent,
            company=cast.company,
            vendor=cast.vendor_a,
            lines=[line(cast.items[0], quantity="0"), line(cast.items[1], days=-3)],
        )
    assert refused.value.code == "invalid_input"
    assert refused.value.field_codes == {
        "lines.0.quantity": "quantity_not_positive",
        "lines.1.delivery_date": "date_in_past",
    }


def test_create_refuses_master_data_of_another_company(cast):
    other_item = ItemFactory()
    other_warehouse = WarehouseFactory()
    foreign_site_warehouse = WarehouseFactory(site=SiteFactory(company=cast.company, code="RTM"))
    with pytest.raises(ValidationFailed) as refused:
        po_create(
            actor=cast.agent,
            company=cast.company,
            vendor=cast.vendor_a,
            lines=[
                line(other_item),
                line(cast.items[0], warehouse=other_warehouse),
                line(cast.items[0], site=cast.site, warehouse=foreign_site_warehouse),
            ],
        )
    assert refused.value.field_codes == {
        "lines.0.item": "wrong_company",
        "lines.1.warehouse": "wrong_company",
        "lines.2.warehouse": "warehouse_not_in_site",
    }


def test_create_refuses_vendor_of_another_company_and_duplicate_numbers(cast):
    from vendorcollab.common.testing.factories import VendorFactory

    with pytest.raises(ValidationFailed) as refused:
        po_create(actor=cast.agent, company=cast.company, vendor=VendorFactory(), lines=[line(cast.items[0])])
    assert refused.value.code == "vendor_not_in_company"
    make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:1], number="ERP-1")
    with pytest.raises(ValidationFailed) as refused:
        make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:1], number="ERP-1")
    assert refused.value.code == "number_taken"


@pytest.mark.parametrize("who", ["clerk", "vendor_a_user", "vendor_a_admin"])
def test_only_purchasing_roles_create(cast, who):
    with pytest.raises(PermissionRefused):
        make_po(actor=getattr(cast, who), vendor=cast.vendor_a, items=cast.items[:1])


def test_send_freezes_version_one(cast):
    po = make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:2])
    Note.objects.create(purchase_order=po, visibility=Visibility.EXTERNAL, text="Deliver at dock 3", author=cast.agent)
    Note.objects.create(purchase_order=po, visibility=Visibility.INTERNAL, text="Vendor is slow", author=cast.agent)
    po = po_send(actor=cast.agent, purchase_order=po)
    assert po.status == POStatus.IN_EXTERNAL_REVIEW
    version = po.latest_version
    assert (version.number, version.kind, version.label) == (1, VersionKind.SENT, f"{po.number}-1")
    assert [(v.line_number, v.quantity) for v in version.lines.all()] == [(1, Decimal(10)), (2, Decimal(20))]
    assert version.total_amount == Decimal("75.00")  # 10 x 2.50 + 20 x 2.50
    assert [note.text for note in version.notes.all()] == ["Deliver at dock 3"]
    assert po.events.last().kind == EventKind.SENT


def test_version_is_immutable(cast):
    po = make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:1], send=True)
    version = po.latest_version
    version.currency = "USD"
    with pytest.raises(AppendOnlyError):
        version.save()
    with pytest.raises(AppendOnlyError):
        VersionLine.objects.filter(version=version).update(quantity=1)
    with pytest.raises(AppendOnlyError):
        PurchaseOrderVersion.objects.all().delete()


def test_send_refused_for_disabled_vendor_and_without_lines(cast):
    cast.vendor_a.collaboration = Collaboration.DISABLED
    cast.vendor_a.save()
    po = make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:1])
    with pytest.raises(Conflict) as refused:
        po_send(actor=cast.agent, purchase_order=po)
    assert refused.value.code == "vendor_not_collaborating"
    empty = po_create(actor=cast.agent, company=cast.company, vendor=cast.vendor_b)
    with pytest.raises(Conflict) as refused:
        po_send(actor=cast.agent, purchase_order=empty)
    assert refused.value.code == "no_lines"
    po.refresh_from_db()
    assert po.status == POStatus.DRAFT and po.latest_version is None


def test_edit_only_in_draft_then_resend_creates_version_two(cast):
    po = make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:2], send=True)
    with pytest.raises(Conflict) as refused:
        po_update(actor=cast.agent, purchase_order=po, currency="USD")
    assert refused.value.code == "invalid_transition"
    po = po_request_change(actor=cast.agent, purchase_order=po)
    po = po_update(
        actor=cast.agent,
        purchase_order=po,
        lines=[
            line(cast.items[0], quantity="15", line_number=1),
            line(cast.items[2], quantity="1"),
        ],
        charges=[ChargeInput(code="FRT", amount=Decimal("12.50"), description="Freight")],
    )
    assert [(ln.line_number, ln.item_id, ln.quantity) for ln in po.lines.all()] == [
        (1, cast.items[0].pk, Decimal(15)),
        (3, cast.items[2].pk, Decimal(1)),
    ]
    po = po_send(actor=cast.agent, purchase_order=po)
    assert po.latest_version.number == 2
    assert [v.line_number for v in po.latest_version.lines.all()] == [1, 3]
    assert [(c.code, c.amount) for c in po.latest_version.charges.all()] == [("FRT", Decimal("12.50"))]
    # Version 1 still holds what was first sent.
    first = po.versions.get(number=1)
    assert [(v.line_number, v.quantity) for v in first.lines.all()] == [(1, Decimal(10)), (2, Decimal(20))]


def test_edit_keeps_an_agreed_past_date_but_refuses_a_new_one(cast):
    po = make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:1])
    old = po.lines.get()
    # A date agreed earlier that has passed since (simulated by writing it directly) does not block an edit.
    po.lines.update(delivery_date=in_days(-5))
    po_update(
        actor=cast.agent,
        purchase_order=po,
        lines=[
            LineInput(
                item=old.item, quantity=Decimal(3), unit_price=old.unit_price, delivery_date=in_days(-5), line_number=1
            )
        ],
    )
    with pytest.raises(ValidationFailed) as refused:
        po_update(
            actor=cast.agent,
            purchase_order=po,
            lines=[
                LineInput(
                    item=old.item,
                    quantity=Decimal(3),
                    unit_price=old.unit_price,
                    delivery_date=in_days(-2),
                    line_number=1,
                )
            ],
        )
    assert refused.value.code == "date_in_past"


def test_charge_on_unknown_line_is_refused(cast):
    with pytest.raises(ValidationFailed) as refused:
        po_create(
            actor=cast.agent,
            company=cast.company,
            vendor=cast.vendor_a,
            lines=[line(cast.items[0])],
            charges=[ChargeInput(code="FRT", amount=Decimal(1), line_number=7)],
        )
    assert refused.value.code == "unknown_line"
    assert refused.value.fields == {"charges.0.line_number": "This purchase order has no line 7."}


def test_a_copy_that_fails_halfway_leaves_no_draft_behind(cast, monkeypatch):
    """``po_copy`` writes the copy and its history event in one transaction. Before, a failure after ``po_create``
    (here the history write, made to fail) left a draft without the event saying where it came from."""
    source = make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:2])
    before = database_fingerprint()

    real = transitions.record_event

    def broken(po, kind, **kwargs):
        if "copied_from" in (kwargs.get("data") or {}):
            raise RuntimeError("the history write failed")
        return real(po, kind, **kwargs)

    monkeypatch.setattr(transitions, "record_event", broken)
    with pytest.raises(RuntimeError):
        po_copy(actor=cast.agent, purchase_order=source)
    assert database_fingerprint() == before
    monkeypatch.undo()
    copy = po_copy(actor=cast.agent, purchase_order=source)
    assert copy.lines.count() == 2 and copy.events.filter(kind=EventKind.EDITED).exists()
