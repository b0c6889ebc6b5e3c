"""What a buyer user reads and sends about purchase orders (DESIGN.md section 8, buyer side).

Each output shape is built from objects a query already loaded (``build``), so building queries nothing. The buyer
sees every price; a version is shown as the vendor received it (the vendor's shapes, with prices).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Annotated, ClassVar

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from ninja import Field, Schema
from pydantic import AfterValidator, BeforeValidator

from vendorcollab.accounts.models import User
from vendorcollab.api.errors import ApiErrorCode
from vendorcollab.common.errors import FieldErrors
from vendorcollab.purchasing import transitions
from vendorcollab.purchasing.models import (
    ZERO,
    Origin,
    POStatus,
    PurchaseOrder,
    PurchaseOrderLine,
    PurchaseOrderVersion,
    Receipt,
)
from vendorcollab.purchasing.services import ChargeInput
from vendorcollab.purchasing.transitions import Action

from .order_terms_schemas import (
    LineFieldsIn,
    LineFieldsOut,
    OrderTermsFieldsIn,
    OrderTermsFieldsOut,
    OrderTermsFieldsPatch,
    line_fields_of,
    terms_of,
)
from .schemas import (
    DateTime,
    Id,
    InputSchema,
    NoNullCharacters,
    OutSchema,
    Percent,
    ScheduleIn,
    ScheduleOut,
    Text,
    constructed,
)
from .vendor_schemas import ChargeOut, LineNumber, VendorVersionOut

CURRENCY_PATTERN = r"^[A-Z]{3}$"
# Narrower than the columns (16, 18 and 20 digits): SQLite keeps decimals as floats, exact to 15 significant digits,
# and a PO's total must fit its versions' 20-digit column (``common.text.check_total``, in the purchasing services).
Quantity = Annotated[Decimal, Field(max_digits=15, decimal_places=4)]
Price = Annotated[Decimal, Field(max_digits=15, decimal_places=4)]
Amount = Annotated[Decimal, Field(max_digits=15, decimal_places=2)]
# As the database columns give them, also where a value is computed (a cancelled line's zero).
CENTS = Decimal("0.01")
QUANTITY_PLACES = Decimal("0.0001")


def _none_as_empty_list(value: object) -> object:
    return [] if value is None else value


# The ``build`` methods make their objects with ``model_construct``: the values come from the database already typed,
# and running pydantic's validation over them again was most of the time of a page of 50 POs. The schema still
# holds for every response: the API tests check responses against the OpenAPI document (schemathesis).


class BuyerInput(NoNullCharacters, InputSchema):
    """A request body of the buyer's endpoints."""


# --- reading --------------------------------------------------------------------------------------------------------


class PurchaseOrderLineOut(LineFieldsOut):
    line_number: int
    item: int | None = Field(description="Null for a free-text line (a description and identifiers instead).")
    item_number: str
    description: str
    quantity: Decimal
    unit: str
    unit_price: Decimal
    discount_percent: Decimal
    amount: Decimal
    delivery_date: date
    site: int | None
    warehouse: int | None
    color: str
    size: str
    style: str
    configuration: str
    external_item_number: str = Field(description="The vendor's item, where its substitute was applied.")
    external_description: str
    schedule: list[ScheduleOut] = Field(description="The schedule lines of a split the vendor made, once applied.")
    is_cancelled: bool = Field(description="A line the vendor rejected, kept for the record once confirmed so.")
    received_quantity: Decimal
    remaining_quantity: Decimal = Field(description="Still to be received; 0 for a cancelled line.")

    @classmethod
    def build(cls, line: PurchaseOrderLine) -> PurchaseOrderLineOut:
        return constructed(
            cls,
            dict(
                line_number=line.line_number,
                item=line.item_id,
                item_number=vars(line).get("item_number") or (line.item.number if line.item else ""),
                description=line.description,
                quantity=line.quantity,
                unit=line.unit,
                unit_price=line.unit_price,
                discount_percent=line.discount_percent,
                amount=line.amount.quantize(CENTS),
                delivery_date=line.delivery_date,
                site=line.site_id,
                warehouse=line.warehouse_id,
                color=line.color,
                size=line.size,
                style=line.style,
                configuration=line.configuration,
                external_item_number=line.external_item_number,
                external_description=line.external_description,
                schedule=[
                    ScheduleOut.model_construct(
                        quantity=Decimal(row["quantity"]), delivery_date=date.fromisoformat(row["delivery_date"])
                    )
                    for row in line.schedule
                ],
                is_cancelled=line.is_cancelled,
                received_quantity=line.received_quantity,
                remaining_quantity=line.remaining_quantity.quantize(QUANTITY_PLACES),
                **line_fields_of(line),
            ),
        )


ACTIONS_DESCRIPTION = (
    "The codes of the actions the caller may take on this purchase order now, as the portal's pages offer them: "
    "the life cycle table's answer for this caller's roles, this status and (for confirming) the vendor's "
    "response. `edit`, `send`, `confirm` (the version as sent, after an acceptance or overruling changes), "
    "`confirm_applying_changes`, `confirm_without_response`, `request_change`, `cancel`, `receive`, `add_note`, "
    "`copy` for buyers; `respond` for the vendor. An action not listed is refused with the code the list "
    "stands for (`invalid_transition`, `role_not_allowed`, `no_response`, …); new codes may be added."
)


def _number(version: PurchaseOrderVersion | None) -> int | None:
    return version.number if version else None


class PurchaseOrderOut(OrderTermsFieldsOut):
    """A purchase order as the buyer works on it (the current lines, not a sent version)."""

    id: int
    number: str
    company: int
    vendor: int
    origin: Origin
    status: POStatus
    currency: str
    order_date: date
    version: int | None = Field(description="The latest version sent to the vendor; null before the first send.")
    version_label: str | None = Field(description="The number with the version suffix: PO-000123-2.")
    confirmed_version: int | None = Field(description="The last version confirmed with the vendor.")
    total: Decimal = Field(description="Lines and charges.")
    created_at: DateTime
    updated_at: DateTime = Field(
        description="Changes with every change of the PO, its lines, its status and every vendor response: "
        "what `updated_since` filters on."
    )
    lines: list[PurchaseOrderLineOut]
    charges: list[ChargeOut]
    actions: list[Action] = Field(description=ACTIONS_DESCRIPTION)

    @classmethod
    def build(cls, po: PurchaseOrder, *, actor: User) -> PurchaseOrderOut:
        """From a PO with ``latest_version``, ``confirmed_version`` selected (or their numbers annotated as
        ``latest_number``, ``confirmed_number``) and ``lines__item`` (or ``lines`` with ``item_number``) and
        ``charges`` prefetched."""
        lines = [PurchaseOrderLineOut.build(line) for line in po.lines.all()]
        charges = [
            ChargeOut.model_construct(
                line_number=c.line_number, code=c.code, description=c.description, amount=c.amount
            )
            for c in po.charges.all()
        ]
        return cls.build_from(po, lines=lines, charges=charges, actor=actor)

    @classmethod
    def build_from(
        cls, po: PurchaseOrder, *, lines: list[PurchaseOrderLineOut], charges: list[ChargeOut], actor: User
    ) -> PurchaseOrderOut:
        """From the PO row and its lines and charges already built (``purchase_order_output`` keeps them)."""
        values = vars(po)  # the list's annotated version numbers, where present; else the selected versions
        latest = values["latest_number"] if "latest_number" in values else _number(po.latest_version)
        confirmed = values["confirmed_number"] if "confirmed_number" in values else _number(po.confirmed_version)
        # The PO's total as ``po_total`` makes it, from the amounts just built rather than computed a second time.
        total = sum((line.amount for line in lines), ZERO) + sum((charge.amount for charge in charges), ZERO)
        return cls.model_construct(
            id=po.pk,
            number=po.number,
            company=po.company_id,
            vendor=po.vendor_id,
            origin=Origin(po.origin),
            status=POStatus(po.status),
            currency=po.currency,
            order_date=po.order_date,
            version=latest,
            version_label=f"{po.number}-{latest}" if latest else None,
            confirmed_version=confirmed,
            total=total.quantize(CENTS),
            created_at=po.created_at,
            updated_at=po.updated_at,
            lines=lines,
            charges=charges,
            actions=sorted(transitions.available(po, actor)),
            **terms_of(po),
        )


class BuyerVersionOut(VendorVersionOut):
    """A version exactly as the vendor received it, with prices."""

    id: int
    response: int | None = Field(description="The id of the vendor's response to this version, if any.")
    applies_response: int | None = Field(
        description="For a version confirmed with the vendor's changes: the response whose changes it applies."
    )

    @classmethod
    def build_for_buyer(cls, version: PurchaseOrderVersion) -> BuyerVersionOut:
        response = getattr(version, "response", None)
        return cls.model_construct(
            id=version.pk,
            response=response.pk if response else None,
            applies_response=version.applies_response_id,
            **cls.fields_of(version, show_prices=True),
        )


class ReceiptLineOut(OutSchema):
    line_number: int
    quantity: Decimal


class ReceiptOut(OutSchema):
    id: int
    purchase_order: int
    received_date: date
    posted_at: datetime
    lines: list[ReceiptLineOut]
    status: POStatus = Field(description="The purchase order's status after the receipt: `received` when complete.")
    ship_notice: int | None = Field(description="The ship notice it received from, if any.")

    @classmethod
    def build(cls, receipt: Receipt, *, status: str) -> ReceiptOut:
        return cls.model_construct(
            id=receipt.pk,
            purchase_order=receipt.purchase_order_id,
            received_date=receipt.received_date,
            posted_at=receipt.posted_at,
            lines=[
                ReceiptLineOut(line_number=line.line.line_number, quantity=line.quantity)
                for line in receipt.lines.select_related("line")
            ],
            status=POStatus(status),
            ship_notice=receipt.ship_notice_id,
        )


# --- filters --------------------------------------------------------------------------------------------------------


def _comparable(value: datetime | None) -> datetime | None:
    """An aware datetime the database can compare (a naive one is in the installation's time zone)."""
    if value is None:
        return None
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    try:
        return value.astimezone(UTC)
    except OverflowError:  # 0001-01-01T00:00+01:00 is before the first moment UTC can name
        raise ValueError("out of range") from None


class PurchaseOrderFilters(NoNullCharacters, Schema):
    status: POStatus | None = Field(None, description="Only purchase orders with this status.")
    vendor: Id | None = Field(None, description="Only this vendor account's.")
    company: Id | None = Field(None, description="Only this company's.")
    number: str | None = Field(None, max_length=30, description="The purchase order with this number.")
    updated_since: Annotated[datetime | None, AfterValidator(_comparable)] = Field(
        None,
        description="Only purchase orders changed at or after this moment (ISO 8601; without an offset, in the "
        "installation's time zone). To synchronise: pass the largest `updated_at` seen last time.",
    )


# --- writing --------------------------------------------------------------------------------------------------------


class PurchaseOrderLineIn(BuyerInput, LineFieldsIn):
    line_number: LineNumber | None = Field(None, description="Assigned when left out (after the highest in use).")
    item: Id | None = Field(
        None, description="Null for a free-text line: then `description` and `unit_code` are required."
    )
    description: Text = Field("", max_length=300, description="The item's name when left out.")
    quantity: Quantity
    unit: Text = Field("", max_length=10, description="The item's unit when left out.")
    unit_price: Price
    discount_percent: Percent = Decimal(0)
    delivery_date: date
    site: Id | None = Field(None, description="The warehouse's site when left out.")
    warehouse: Id | None = None
    color: Text = Field("", max_length=40)
    size: Text = Field("", max_length=40)
    style: Text = Field("", max_length=40)
    configuration: Text = Field("", max_length=40)


class PurchaseOrderChargeIn(BuyerInput):
    code: str = Field(min_length=1, max_length=20, description="FRT, PACK, …")
    amount: Amount
    description: Text = Field("", max_length=200)
    line_number: LineNumber | None = Field(None, description="The line it belongs to; null for the whole order.")

    def to_input(self) -> ChargeInput:
        return ChargeInput(
            code=self.code, amount=self.amount, description=self.description, line_number=self.line_number
        )


Lines = Annotated[list[PurchaseOrderLineIn], BeforeValidator(_none_as_empty_list)]
Charges = Annotated[list[PurchaseOrderChargeIn], BeforeValidator(_none_as_empty_list)]


class PurchaseOrderIn(BuyerInput, OrderTermsFieldsIn):
    company: Id | None = Field(None, description="The vendor account's company when left out.")
    vendor: Id
    number: Text = Field(
        "", max_length=30, description="Unique in the company; taken from the company's sequence when left out."
    )
    currency: str = Field("EUR", pattern=CURRENCY_PATTERN, description="ISO 4217.")
    order_date: date | None = Field(None, description="Today when left out.")
    lines: Lines = Field(default_factory=list, max_length=500)
    charges: Charges = Field(default_factory=list, max_length=100)


# --- output-only fields sent back (GET → edit → PATCH) ----------------------------------------------------------------
#
# Google's AIP-203: a field the server computes or keeps is accepted in an update and ignored, so that a client can
# send back what it read. Where ignoring a changed value would mislead (the client believes it set an amount, a
# received quantity, a status), a value different from the stored one is refused, naming the field. Unknown fields
# are still refused (``InputSchema``).

READ_ONLY = (
    "Output-only: accepted so that what `GET` returned can be sent back, and ignored when unchanged. A value "
    "different from the stored one is refused (422 `read_only_field`, naming the field)."
)
IGNORED = "Output-only: accepted so that what `GET` returned can be sent back, and always ignored."

COMPUTED_LINE = _("It is computed from the quantity, the unit price and the discount; change those instead.")
COMPUTED_TOTAL = _("It is computed from the lines and the charges; change those instead.")
RECEIVED = _("It changes only when a product receipt is posted.")
ITEM_NUMBER = _("It is the number of the item of the line; to change the item, send another item id in “item”.")
FROM_RESPONSE = _(
    "It comes from the response of the vendor and changes only when its changes are applied on confirming."
)
FIXED = _("It is fixed when the purchase order is created.")
STATUS = _("The status changes only through the actions: send, confirm, request a change, cancel.")

READ_ONLY_MESSAGES = {"read_only_field": _("“%(field)s” cannot be changed. %(hint)s")}


def _read_only(description: str = READ_ONLY) -> object:
    # ``readOnly`` tells generators the field need not be sent; it is still accepted when it is.
    return Field(None, description=description, json_schema_extra={"readOnly": True})


ReadOnlyDecimal = Annotated[Decimal | None, Field(max_digits=24, decimal_places=4)]


class PurchaseOrderLinePatch(PurchaseOrderLineIn):
    """A line of a PATCH: the line as `GET` returns it may be sent back whole."""

    item_number: str | None = _read_only()  # type: ignore[assignment]
    amount: ReadOnlyDecimal = _read_only()  # type: ignore[assignment]
    external_item_number: str | None = _read_only()  # type: ignore[assignment]
    external_description: str | None = _read_only()  # type: ignore[assignment]
    schedule: list[ScheduleIn] | None = _read_only()  # type: ignore[assignment]
    is_cancelled: bool | None = _read_only()  # type: ignore[assignment]
    received_quantity: ReadOnlyDecimal = _read_only()  # type: ignore[assignment]
    remaining_quantity: ReadOnlyDecimal = _read_only()  # type: ignore[assignment]

    # The hint of each output-only field: why it cannot be changed here and what to change instead.
    HINTS: ClassVar[dict[str, Promise]] = {
        "item_number": ITEM_NUMBER,
        "amount": COMPUTED_LINE,
        "external_item_number": FROM_RESPONSE,
        "external_description": FROM_RESPONSE,
        "schedule": FROM_RESPONSE,
        "is_cancelled": FROM_RESPONSE,
        "received_quantity": RECEIVED,
        "remaining_quantity": RECEIVED,
    }

    def sent_back(self, name: str) -> object:
        """The value sent for an output-only field, comparable with the read shape's (None: not sent)."""
        value = getattr(self, name)
        if name == "schedule" and value is not None:
            return [(row.quantity, row.delivery_date) for row in value]
        return value

    @staticmethod
    def stored(line: PurchaseOrderLineOut | None, name: str) -> object:
        """What the read shape holds; for a line being added, what a new line will hold (None: anything goes)."""
        if line is None:
            return {"received_quantity": ZERO, "schedule": [], "is_cancelled": False}.get(name)
        value = getattr(line, name)
        if name == "schedule":
            return [(row.quantity, row.delivery_date) for row in value]
        return value


class PurchaseOrderPatch(BuyerInput, OrderTermsFieldsPatch):
    """Only what is sent changes. ``lines`` replaces the line set: lines are matched by `line_number`, a line
    without one is added, a line left out is removed (never one with receipts).

    What `GET /purchase-orders/{id}` returns may be sent back whole, edited (Google AIP-203): output-only fields
    are ignored when unchanged; `updated_at`, `created_at`, `version`, `version_label`, `confirmed_version` and
    `actions` always, since they move on their own. The others, changed, are refused with 422 `read_only_field`
    naming the field (`lines.0.amount`): an amount or a total is computed, a received quantity changes only by a
    receipt, a status only by an action, the company, vendor, number and order date are fixed at creation. Unknown
    fields are still refused (422 `extra_forbidden`)."""

    currency: str | None = Field(None, pattern=CURRENCY_PATTERN)
    lines: list[PurchaseOrderLinePatch] | None = Field(None, max_length=500)
    charges: list[PurchaseOrderChargeIn] | None = Field(None, max_length=100, description="Replaces every charge.")

    id: int | None = _read_only()  # type: ignore[assignment]
    number: str | None = _read_only()  # type: ignore[assignment]
    company: int | None = _read_only()  # type: ignore[assignment]
    vendor: int | None = _read_only()  # type: ignore[assignment]
    origin: str | None = _read_only()  # type: ignore[assignment]
    status: str | None = _read_only()  # type: ignore[assignment]
    order_date: date | None = _read_only()  # type: ignore[assignment]
    total: ReadOnlyDecimal = _read_only()  # type: ignore[assignment]
    version: int | None = _read_only(IGNORED)  # type: ignore[assignment]
    version_label: str | None = _read_only(IGNORED)  # type: ignore[assignment]
    confirmed_version: int | None = _read_only(IGNORED)  # type: ignore[assignment]
    created_at: datetime | None = _read_only(IGNORED)  # type: ignore[assignment]
    updated_at: datetime | None = _read_only(IGNORED)  # type: ignore[assignment]
    actions: list[object] | None = _read_only(IGNORED)  # type: ignore[assignment]

    HINTS: ClassVar[dict[str, Promise]] = {
        "id": FIXED,
        "number": FIXED,
        "company": FIXED,
        "vendor": FIXED,
        "order_date": FIXED,
        "origin": FIXED,
        "status": STATUS,
        "total": COMPUTED_TOTAL,
    }

    @property
    def sends_read_only(self) -> bool:
        return any(getattr(self, name) is not None for name in self.HINTS) or any(
            getattr(line, name) is not None for line in self.lines or () for name in PurchaseOrderLinePatch.HINTS
        )

    def read_only_errors(self, current: PurchaseOrderOut) -> FieldErrors:
        """A field error for each output-only field sent with a value other than ``current`` holds."""
        errors = FieldErrors(READ_ONLY_MESSAGES)
        for name, hint in self.HINTS.items():
            sent = getattr(self, name)
            if sent is not None and sent != getattr(current, name):
                errors.add(name, ApiErrorCode.READ_ONLY_FIELD, field=name, hint=hint)
        stored = {line.line_number: line for line in current.lines}
        for index, line in enumerate(self.lines or ()):
            before = stored.get(line.line_number) if line.line_number is not None else None
            for name, hint in PurchaseOrderLinePatch.HINTS.items():
                sent = line.sent_back(name)
                expected = PurchaseOrderLinePatch.stored(before, name)
                if sent is not None and (before is not None or expected is not None) and sent != expected:
                    errors.add(f"lines.{index}.{name}", ApiErrorCode.READ_ONLY_FIELD, field=name, hint=hint)
        return errors


class ConfirmIn(BuyerInput):
    apply_vendor_changes: bool = Field(
        False,
        description="Write every change of the vendor's response (quantities, dates, splits, substitutes, rejected "
        "lines) into the PO and confirm it as the next version. Without it an `accepted_with_changes` response is "
        "overruled (the version as sent is confirmed) and a `rejected` one refused.",
    )
    without_response: bool = Field(
        False,
        description="Confirm although the vendor has not answered (recorded as such in the history). Without it, "
        "confirming an unanswered version is a 409 `no_response`.",
    )


class ReasonIn(BuyerInput):
    reason: Text = Field("", max_length=1000)


class ReceiptLineIn(BuyerInput):
    line_number: LineNumber
    quantity: Quantity


class ReceiptIn(BuyerInput):
    lines: list[ReceiptLineIn] = Field(min_length=1, max_length=500)
    received_date: date | None = Field(None, description="Today when left out; never in the future.")
    ship_notice: Id | None = Field(
        None,
        description="The ship notice the goods came with: each line must be on it for this purchase order "
        "(`not_on_notice`); its announced quantity leaves transit and a difference is recorded on the notice.",
    )
