"""The tables the bench data fills, with their columns in the order the generator writes them."""

from __future__ import annotations

from vendorcollab.consignment.models import (
    ConsignmentMovement,
    ConsignmentPrice,
    ConsignmentStock,
    OwnershipChange,
    OwnershipChangeLine,
    ReplenishmentLine,
    ReplenishmentOrder,
)
from vendorcollab.invoicing.models import Invoice, InvoiceEvent, InvoiceLine, InvoiceOrigin
from vendorcollab.purchasing.models import (
    PurchaseOrder,
    PurchaseOrderEvent,
    PurchaseOrderLine,
    PurchaseOrderVersion,
    Receipt,
    ReceiptLine,
    ResponseLine,
    VendorResponse,
    VersionLine,
)
from vendorcollab.shipping.models import ShipNotice, ShipNoticeEvent, ShipNoticeLine

from .writers import Table

LINE_COLUMNS = (
    "line_number",
    "item_id",
    "description",
    "quantity",
    "unit",
    "unit_price",
    "discount_percent",
    "delivery_date",
    "site_id",
    "warehouse_id",
    "color",
    "size",
    "style",
    "configuration",
    "external_item_number",
    "external_description",
    "schedule",
    "is_cancelled",
    "unit_code",  # the Rec 20 code of ``unit`` (``world.UNIT_CODES``)
)
# A line as the portal's entry page makes it: identified by its item, standard VAT at the Dutch rate (what an
# invoice of the line needs; a line without a rate cannot be invoiced), no requested period, no identifiers from
# a buyer's Order document.
LINE_CONSTANTS: tuple[tuple[str, object], ...] = (
    ("buyer_line_id", ""),
    ("buyers_item_id", ""),
    ("sellers_item_id", ""),
    ("standard_item_id", ""),
    ("standard_item_scheme", "0160"),
    ("tax_category", "S"),
    ("tax_percent", "21.00"),
    ("requested_start", None),
    ("requested_end", None),
)
# A PO entered in the portal: none of the terms a PEPPOL Order may carry, a response expected.
ORDER_TERMS_CONSTANTS: tuple[tuple[str, object], ...] = (
    ("order_document_id", ""),
    ("response_expected", True),
    ("payment_terms", ""),
    ("delivery_terms_code", ""),
    ("delivery_terms", ""),
    ("contract_reference", ""),
    ("quotation_reference", ""),
    ("originator_reference", ""),
    ("delivery_party_name", ""),
    ("delivery_location_id", ""),
    ("delivery_location_scheme", ""),
    ("delivery_street_name", ""),
    ("delivery_additional_street_name", ""),
    ("delivery_city_name", ""),
    ("delivery_postal_zone", ""),
    ("delivery_country_subentity", ""),
    ("delivery_country_code", ""),
    ("parties", {}),
)
STOCK_KEY_COLUMNS = ("vendor_id", "item_id", "site_id", "warehouse_id", "color", "size", "style", "configuration")

PO = Table(
    PurchaseOrder,
    (
        "id",
        "company_id",
        "vendor_id",
        "number",
        "origin",
        "status",
        "currency",
        "order_date",
        "buyer_contact_id",
        "latest_version_id",
        "latest_response_id",
        "confirmed_version_id",
        "confirmed_at",
        "created_by_id",
        "created_at",
        "updated_at",
        "status_changed_at",
        "status_changed_by_id",
        "has_uninvoiced_receipts",
    ),
    ORDER_TERMS_CONSTANTS,
)
PO_LINE = Table(
    PurchaseOrderLine,
    ("id", "purchase_order_id", *LINE_COLUMNS, "received_quantity", "invoiced_quantity"),
    # Nothing is in transit when the POs are written: the ship notices (``bench.shipping``) are added afterwards,
    # from what the database then holds, and move the quantities they announce into transit themselves.
    (*LINE_CONSTANTS, ("in_transit_quantity", "0")),
)
VERSION = Table(
    PurchaseOrderVersion,
    (
        "id",
        "purchase_order_id",
        "number",
        "kind",
        "applies_response_id",
        "currency",
        "order_date",
        "total_amount",
        "buyer_contact_name",
        "buyer_contact_email",
        "created_by_id",
        "created_at",
    ),
    ORDER_TERMS_CONSTANTS,
)
VERSION_LINE = Table(VersionLine, ("id", "version_id", *LINE_COLUMNS), LINE_CONSTANTS)
RESPONSE = Table(
    VendorResponse,
    ("id", "version_id", "purchase_order_id", "kind", "vendor_reference", "note", "submitted_by_id", "submitted_at"),
)
RESPONSE_LINE = Table(
    ResponseLine,
    (
        "id",
        "response_id",
        "line_number",
        "action",
        "quantity",
        "delivery_date",
        "schedule",
        "external_item_number",
        "external_description",
        "note",
    ),
)
# A receipt names the ship notice it was received from; ``bench.shipping`` sets that when it adds the notices.
RECEIPT = Table(
    Receipt, ("id", "purchase_order_id", "received_date", "posted_by_id", "posted_at"), (("ship_notice_id", None),)
)
RECEIPT_LINE = Table(ReceiptLine, ("id", "receipt_id", "line_id", "quantity"))
EVENT = Table(
    PurchaseOrderEvent,
    ("id", "purchase_order_id", "kind", "from_status", "to_status", "version_number", "actor_id", "created_at", "data"),
)
OWNERSHIP = Table(
    OwnershipChange,
    ("id", "company_id", "vendor_id", "number", "purchase_order_id", "transfer_date", "posted_by_id", "posted_at"),
)
OWNERSHIP_LINE = Table(
    OwnershipChangeLine,
    ("id", "journal_id", "line_number", *STOCK_KEY_COLUMNS[1:], "quantity", "unit_price", "amount"),
)
STOCK = Table(ConsignmentStock, ("id", *STOCK_KEY_COLUMNS, "physical_quantity", "expected_quantity"))
REPLENISHMENT = Table(
    ReplenishmentOrder,
    ("id", "company_id", "vendor_id", "number", "status", "note", "created_by_id", "created_at"),
)
REPLENISHMENT_LINE = Table(
    ReplenishmentLine,
    ("id", "order_id", "line_number", *STOCK_KEY_COLUMNS[1:], "quantity", "received_quantity", "expected_date"),
)
MOVEMENT = Table(
    ConsignmentMovement,
    (
        "id",
        *STOCK_KEY_COLUMNS,
        "kind",
        "physical_change",
        "expected_change",
        "replenishment_line_id",
        "ownership_line_id",
        "actor_id",
        "created_at",
    ),
)
PRICE = Table(ConsignmentPrice, ("id", "vendor_id", "item_id", "unit_price", "currency", "valid_from"))

INVOICE = Table(
    Invoice,
    (
        "id",
        "vendor_id",
        "company_id",
        "kind",
        "number",
        "status",
        "issue_date",
        "due_date",
        "credited_invoice_id",
        "line_total",
        "tax_exclusive_total",
        "tax_total",
        "tax_inclusive_total",
        "payable_amount",
        "exceptions",
        "reject_reason",
        "payment_date",
        "payment_reference",
        "created_by_id",
        "created_at",
        "updated_at",
        "submitted_at",
        "status_changed_at",
        "status_changed_by_id",
    ),
    # An invoice entered in the portal in euros, without document-level allowances or charges, note, buyer's
    # reference (the documents take the PO's) or amount paid in advance.
    (
        ("origin", InvoiceOrigin.PORTAL),
        ("prepaid_amount", "0.00"),
        ("currency", "EUR"),
        ("buyer_reference", ""),
        ("note", ""),
        ("allowance_total", "0.00"),
        ("charge_total", "0.00"),
    ),
)
INVOICE_LINE = Table(
    InvoiceLine,
    (
        "id",
        "invoice_id",
        "line_number",
        "purchase_order_id",
        "po_line_id",
        "description",
        "unit",
        "unit_code",
        "quantity",
        "unit_price",
        "order_unit_price",
        "net_amount",
    ),
    # Standard-rated as the PO lines are (``LINE_CONSTANTS``), so no exemption reason.
    (
        ("tax_category", "S"),
        ("tax_percent", "21.00"),
        ("tax_exemption_reason", ""),
        ("tax_exemption_reason_code", ""),
        ("note", ""),
    ),
)
INVOICE_EVENT = Table(
    InvoiceEvent, ("id", "invoice_id", "kind", "from_status", "to_status", "actor_id", "created_at", "data")
)

SHIP_NOTICE = Table(
    ShipNotice,
    (
        "id",
        "vendor_id",
        "company_id",
        "number",
        "status",
        "origin",
        "site_id",
        "despatch_date",
        "expected_delivery_date",
        "carrier",
        "tracking_number",
        "packages",
        "note",
        "created_by_id",
        "created_at",
        "updated_at",
        "received_date",
        "has_difference",
        "cancelled_at",
        "cancel_reason",
        "status_changed_at",
    ),
)
SHIP_NOTICE_LINE = Table(
    ShipNoticeLine,
    ("id", "notice_id", "line_number", "purchase_order_id", "po_line_id", "quantity", "received_quantity", "note"),
)
SHIP_NOTICE_EVENT = Table(
    ShipNoticeEvent, ("id", "notice_id", "kind", "from_status", "to_status", "actor_id", "created_at", "data")
)
# Written after the POs, from what the database holds (``bench.shipping``).
SHIPPING_TABLES = (SHIP_NOTICE, SHIP_NOTICE_LINE, SHIP_NOTICE_EVENT)

# In dependency order, the order in which batches write them.
TABLES = (
    PO,
    PO_LINE,
    VERSION,
    VERSION_LINE,
    RESPONSE,
    RESPONSE_LINE,
    RECEIPT,
    RECEIPT_LINE,
    EVENT,
    PRICE,
    STOCK,
    REPLENISHMENT,
    REPLENISHMENT_LINE,
    OWNERSHIP,
    OWNERSHIP_LINE,
    MOVEMENT,
    INVOICE,
    INVOICE_LINE,
    INVOICE_EVENT,
    *SHIPPING_TABLES,
)
