"""What a vendor user reads and sends about purchase orders (DESIGN.md section 8, vendor side).

Each output shape is built from objects a selector already loaded (``build``), so building queries nothing. Prices,
discounts, amounts, totals and charges are null where the vendor account's ``show_prices`` is off.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from ninja import Field
from pydantic import BeforeValidator

from vendorcollab.accounts.models import User
from vendorcollab.purchasing import transitions
from vendorcollab.purchasing.models import (
    LineAction,
    POStatus,
    PurchaseOrder,
    PurchaseOrderVersion,
    ResponseKind,
    VendorResponse,
    VersionKind,
    VersionLine,
    Visibility,
)
from vendorcollab.purchasing.services import (
    BULK_ACCEPT_LIMIT,
    BulkAcceptResult,
    BulkOutcome,
    ChargeInput,
    LineAnswer,
    ScheduleInput,
)
from vendorcollab.purchasing.transitions import Action

from .order_terms_schemas import LineFieldsOut, OrderTermsFieldsOut, line_fields_of, terms_of
from .schemas import Id, InputSchema, OutSchema, Quantity, ScheduleIn, ScheduleOut, Text

LineNumber = Annotated[int, Field(ge=1, le=2**31 - 1)]


def _none_as_empty_list(value: object) -> object:
    return [] if value is None else value


def _schedule(rows: list[dict[str, str]]) -> list[ScheduleOut]:
    return [
        ScheduleOut.model_construct(
            quantity=Decimal(row["quantity"]), delivery_date=date.fromisoformat(row["delivery_date"])
        )
        for row in rows
    ]


def _response_of(version: PurchaseOrderVersion) -> VendorResponse | None:
    # A reverse one-to-one raises (an AttributeError) when there is no response.
    return getattr(version, "response", None)


# --- lists ---------------------------------------------------------------------------------------------------------

# The ``build`` methods make their objects with ``model_construct``: the values come from the database already typed,
# and running pydantic's validation over them again was most of the time of a page of 50 POs. The schema still
# holds for every response: the API tests check responses against the OpenAPI document (schemathesis).


class VendorOrderRow(OutSchema):
    """A row of one of the vendor's lists."""

    id: int
    number: str
    version: int = Field(
        description="The version the row stands for: the latest sent in the review lists, the last confirmed one in "
        "the confirmed lists."
    )
    version_label: str = Field(description="The number with the version suffix: PO-000123-2.")
    status: POStatus
    company: int
    vendor: int
    order_date: date
    sent_at: datetime = Field(description="When that version was sent (or confirmed).")
    first_delivery_date: date | None = Field(description="The earliest delivery date of the version's open lines.")
    total: Decimal | None = Field(description="The version's total; null when the vendor account hides prices.")
    currency: str
    response: ResponseKind | None = Field(description="The vendor's answer to the latest version, if any.")

    @classmethod
    def build(cls, po: PurchaseOrder) -> VendorOrderRow:
        """From a row of ``selectors.po_list_for_vendor`` (its ``list_*`` annotations)."""
        row: dict[str, Any] = vars(po)
        return cls.model_construct(
            id=po.pk,
            number=po.number,
            version=row["list_version"],
            version_label=f"{po.number}-{row['list_version']}",
            status=POStatus(po.status),
            company=po.company_id,
            vendor=po.vendor_id,
            order_date=po.order_date,
            sent_at=row["list_version_sent_at"],
            first_delivery_date=row["list_delivery_date"],
            # Quantized here: SQLite hands a subquery's decimal back without its scale.
            total=row["list_total"].quantize(Decimal("0.01")) if po.vendor.show_prices else None,
            currency=po.currency,
            response=ResponseKind(row["list_response_kind"]) if row["list_response_kind"] else None,
        )


# --- one PO, its versions and responses ----------------------------------------------------------------------------


class LineOut(LineFieldsOut):
    line_number: int
    item: int | None = Field(description="Null for a free-text line (a description and identifiers instead).")
    item_number: str
    description: str
    quantity: Decimal
    unit: str
    unit_price: Decimal | None
    discount_percent: Decimal | None
    amount: Decimal | None
    delivery_date: date
    site: int | None
    warehouse: int | None
    color: str
    size: str
    style: str
    configuration: str
    external_item_number: str
    external_description: str
    schedule: list[ScheduleOut]
    is_cancelled: bool

    @classmethod
    def build(cls, line: VersionLine, *, show_prices: bool) -> LineOut:
        return cls.model_construct(
            line_number=line.line_number,
            item=line.item_id,
            item_number=line.item.number if line.item else "",
            description=line.description,
            quantity=line.quantity,
            unit=line.unit,
            unit_price=line.unit_price if show_prices else None,
            discount_percent=line.discount_percent if show_prices else None,
            amount=line.amount if show_prices else None,
            delivery_date=line.delivery_date,
            site=line.site_id,
            warehouse=line.warehouse_id,
            color=line.color,
            size=line.size,
            style=line.style,
            configuration=line.configuration,
            external_item_number=line.external_item_number,
            external_description=line.external_description,
            schedule=_schedule(line.schedule),
            is_cancelled=line.is_cancelled,
            **line_fields_of(line),
        )


class ChargeOut(OutSchema):
    line_number: int | None = Field(description="null for a charge on the whole order.")
    code: str
    description: str
    amount: Decimal


class NoteOut(OutSchema):
    text: str
    line_number: int | None = Field(description="null for a note on the whole order.")


class AttachmentOut(OutSchema):
    id: int
    name: str
    line_number: int | None = Field(description="null for a file on the whole order.")


class VendorVersionOut(OrderTermsFieldsOut):
    """A version as the vendor received it."""

    version: int
    version_label: str
    kind: VersionKind
    sent_at: datetime
    order_date: date
    currency: str
    total: Decimal | None
    lines: list[LineOut]
    charges: list[ChargeOut] | None = Field(description="null when the vendor account hides prices.")
    notes: list[NoteOut]
    attachments: list[AttachmentOut]

    @classmethod
    def fields_of(cls, version: PurchaseOrderVersion, *, show_prices: bool) -> dict[str, Any]:
        """From a version of ``selectors.version_get`` or ``po_versions`` (lines, charges, notes, files prefetched)."""
        return {
            **terms_of(version),
            "version": version.number,
            "version_label": version.label,
            "kind": VersionKind(version.kind),
            "sent_at": version.created_at,
            "order_date": version.order_date,
            "currency": version.currency,
            "total": version.total_amount if show_prices else None,
            "lines": [LineOut.build(line, show_prices=show_prices) for line in version.lines.all()],
            "charges": [
                ChargeOut.model_construct(
                    line_number=c.line_number, code=c.code, description=c.description, amount=c.amount
                )
                for c in version.charges.all()
            ]
            if show_prices
            else None,
            # Only external notes and files are frozen into a version; the filter is a second lock on that door.
            "notes": [
                NoteOut(text=note.text, line_number=note.line_number)
                for note in version.notes.all()
                if note.visibility == Visibility.EXTERNAL
            ],
            "attachments": [
                AttachmentOut(id=a.pk, name=a.name, line_number=a.line_number)
                for a in version.attachments.all()
                if a.visibility == Visibility.EXTERNAL
            ],
        }

    @classmethod
    def build(cls, version: PurchaseOrderVersion, *, show_prices: bool) -> VendorVersionOut:
        return cls.model_construct(**cls.fields_of(version, show_prices=show_prices))


class _OrderHead(OutSchema):
    id: int
    number: str
    status: POStatus
    company: int
    vendor: int


class VendorOrderOut(VendorVersionOut, _OrderHead):  # pydantic puts the last base's fields first: the head's
    """The latest version of a PO sent to the vendor, with the PO's current status."""

    response: ResponseKind | None = Field(description="The vendor's answer to this version, if any.")
    actions: list[Action] = Field(
        description="The codes of the actions the caller may take on this purchase order now, as the portal's "
        "pages offer them: `respond` while the latest version is in external review without an answer; empty "
        "otherwise. Codes may be added."
    )

    @classmethod
    def build_order(cls, po: PurchaseOrder, version: PurchaseOrderVersion, *, actor: User) -> VendorOrderOut:
        response = _response_of(version)
        return cls.model_construct(
            id=po.pk,
            number=po.number,
            status=POStatus(po.status),
            company=po.company_id,
            vendor=po.vendor_id,
            response=ResponseKind(response.kind) if response else None,
            actions=sorted(transitions.available(po, actor)),
            **cls.fields_of(version, show_prices=po.vendor.show_prices),
        )


class ResponseLineOut(OutSchema):
    line_number: int
    action: LineAction
    quantity: Decimal | None = Field(description="The confirmed quantity; for a split, the schedule's total.")
    delivery_date: date | None = Field(description="The confirmed date; for a split, the schedule's earliest.")
    schedule: list[ScheduleOut]
    external_item_number: str
    external_description: str
    note: str


class VendorResponseOut(OutSchema):
    """A vendor's answer to one version."""

    id: int
    version: int = Field(description="The number of the version this response answers.")
    kind: ResponseKind
    vendor_reference: str
    note: str
    submitted_at: datetime
    lines: list[ResponseLineOut]
    attachments: list[AttachmentOut]

    @classmethod
    def build(cls, response: VendorResponse, *, version_number: int) -> VendorResponseOut:
        return cls.model_construct(
            id=response.pk,
            version=version_number,
            kind=ResponseKind(response.kind),
            vendor_reference=response.vendor_reference,
            note=response.note,
            submitted_at=response.submitted_at,
            lines=[
                ResponseLineOut(
                    line_number=line.line_number,
                    action=LineAction(line.action),
                    quantity=line.quantity,
                    delivery_date=line.delivery_date,
                    schedule=_schedule(line.schedule),
                    external_item_number=line.external_item_number,
                    external_description=line.external_description,
                    note=line.note,
                )
                for line in response.lines.all()
            ],
            attachments=[
                AttachmentOut(id=a.pk, name=a.name, line_number=a.line_number) for a in response.attachments.all()
            ],
        )


class VendorHistoryOut(OutSchema):
    versions: list[VendorVersionOut]
    responses: list[VendorResponseOut]

    @classmethod
    def build(cls, po: PurchaseOrder, versions: list[PurchaseOrderVersion]) -> VendorHistoryOut:
        show_prices = po.vendor.show_prices
        responses = [
            VendorResponseOut.build(response, version_number=version.number)
            for version in versions
            if (response := _response_of(version)) is not None
        ]
        return cls.model_construct(
            versions=[VendorVersionOut.build(version, show_prices=show_prices) for version in versions],
            responses=responses,
        )


# --- answering -----------------------------------------------------------------------------------------------------

RESPONSE_KINDS = {
    "accept": ResponseKind.ACCEPTED,
    "reject": ResponseKind.REJECTED,
    "accept_with_changes": ResponseKind.ACCEPTED_WITH_CHANGES,
}


class LineAnswerIn(InputSchema):
    line_number: LineNumber
    action: LineAction
    quantity: Quantity | None = Field(None, description="The quantity the vendor confirms (change, substitute).")
    delivery_date: date | None = Field(None, description="The date the vendor confirms (change, substitute).")
    schedule: Annotated[list[ScheduleIn], BeforeValidator(_none_as_empty_list)] = Field(
        default_factory=list, description="The parts of a split: at least two."
    )
    external_item_number: Text = Field("", max_length=60, description="The vendor's item (substitute).")
    external_description: Text = Field("", max_length=300)
    note: Text = ""
    # Only so that an attempt to change them is refused (422 price_change_not_allowed) instead of dropped.
    unit_price: Decimal | None = Field(None, description="Must equal the version's; vendors cannot change prices.")
    discount_percent: Decimal | None = Field(None, description="Must equal the version's.")

    def to_answer(self) -> LineAnswer:
        return LineAnswer(
            line_number=self.line_number,
            action=LineAction(self.action),
            quantity=self.quantity,
            delivery_date=self.delivery_date,
            schedule=tuple(ScheduleInput(quantity=p.quantity, delivery_date=p.delivery_date) for p in self.schedule),
            external_item_number=self.external_item_number,
            external_description=self.external_description,
            note=self.note,
            unit_price=self.unit_price,
            discount_percent=self.discount_percent,
        )


class ChargeIn(InputSchema):
    code: str = Field(max_length=20)
    amount: Decimal
    description: Text = ""
    line_number: LineNumber | None = None

    def to_input(self) -> ChargeInput:
        return ChargeInput(
            code=self.code, amount=self.amount, description=self.description, line_number=self.line_number
        )


class ResponseIn(InputSchema):
    version: Id = Field(description="The version answered: it must be the latest one sent.")
    action: Literal["accept", "reject", "accept_with_changes"]
    vendor_reference: Text = Field("", max_length=100)
    note: Text = ""
    lines: Annotated[list[LineAnswerIn], BeforeValidator(_none_as_empty_list)] = Field(
        default_factory=list,
        description="Per line answers; lines left out take the whole answer's (accept or reject). Other line "
        "actions than accept need accept_with_changes.",
    )
    charges: list[ChargeIn] | None = Field(
        None, description="Must equal the version's charges when given; vendors cannot change charges."
    )


# --- bulk accept -----------------------------------------------------------------------------------------------------


class BulkAcceptItemIn(InputSchema):
    purchase_order: Id = Field(description="The purchase order's id.")
    version: Id = Field(description="The version accepted: it must be the latest one sent, not answered yet.")


class BulkAcceptIn(InputSchema):
    items: list[BulkAcceptItemIn] = Field(
        min_length=1,
        description=f"The purchase orders to accept, each exactly as a single `accept` answer. At most "
        f"{BULK_ACCEPT_LIMIT} (422 `too_many_rows`, nothing accepted).",
    )


class BulkErrorOut(OutSchema):
    code: str = Field(
        description="Why this purchase order was not accepted: a code of the single answer's 409/404/403."
    )
    message: str


class BulkAcceptResultOut(OutSchema):
    purchase_order: int
    version: int
    outcome: BulkOutcome = Field(
        description="`accepted` (the customer confirms), `confirmed` (accepted and confirmed at once, for a vendor "
        "account set to auto-confirm), or `refused` (nothing changed; `error` says why)."
    )
    version_label: str | None = Field(description="PO-000123-2; null for a purchase order this user cannot see.")
    response: int | None = Field(description="The id of the stored answer, when accepted.")
    error: BulkErrorOut | None

    @classmethod
    def build(cls, result: BulkAcceptResult) -> BulkAcceptResultOut:
        error = result.error
        return cls.model_construct(
            purchase_order=result.purchase_order,
            version=result.version,
            outcome=result.outcome,
            version_label=f"{result.order.number}-{result.version}" if result.order else None,
            response=result.response.pk if result.response else None,
            error=BulkErrorOut.model_construct(code=error.code, message=error.rendered_message()) if error else None,
        )


class BulkAcceptOut(OutSchema):
    """What became of each purchase order of the batch, in the order given."""

    results: list[BulkAcceptResultOut]
