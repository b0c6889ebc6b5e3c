"""The vendor's billing documents: a submitted invoice as a PEPPOL BIS Billing 3 Invoice, a credit note as a Credit
Note, both EN 16931 (the CEN and the PEPPOL rule sets).

Amounts are the invoice's own, as ``invoicing.amounts`` computed and stored them; the VAT breakdown is asked of the
same module, so the document's totals and the portal's are one computation. Callers pass an invoice fetched with
``invoice_for_document`` (lines with their PO lines, POs and own allowances and charges, charges, attachments
prefetched); writing queries only the date the goods were received (``Delivery``, which intra-community supply
needs).

Decisions where the rules leave a choice:
- Order references: an invoice of one PO names it (``OrderReference``, each line its ``OrderLineReference``); an
  invoice of several POs has no order reference (EN 16931 takes one), so it carries the buyer's reference and each
  line names its PO and line in its note: a line reference without the order it belongs to would point nowhere,
  and the Dutch rules (NL-R-009) refuse it.
- Payment means: the vendor's bank account is not master data of the portal; the buyer's ERP pays to the account
  it holds for the vendor. The code is 57 "standing agreement" (allowed by BR-61 and NL-R-008 without an account),
  1 "not defined" for Danish sellers, whose rules (DK-R-005) do not list 57.
- Attachments are embedded only in the MIME types PEPPOL allows; others stay in the portal.
"""

from __future__ import annotations

import base64
from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from django.db.models import Max
from lxml import etree

from vendorcollab.invoicing.amounts import invoice_totals
from vendorcollab.invoicing.models import Invoice, InvoiceAttachment, InvoiceCharge, InvoiceLine, InvoiceLineCharge
from vendorcollab.partners.models import Company, Vendor
from vendorcollab.purchasing.models import PurchaseOrder, Receipt

from ..ubl_reader import BILLING, BILLING_CUSTOMIZATION, CAC, CREDIT_NOTE_NS, INVOICE_NS
from .common import (
    ALLOWANCE_REASON_CODES,
    amount,
    line_id,
    named_party,
    note,
    number,
    order_id,
    orders_of,
    party,
    postal_address,
    quantity,
    root_element,
    serialise,
    sub,
    unit_code,
)

INVOICE_TYPE = "380"  # UNCL 1001: commercial invoice
CREDIT_NOTE_TYPE = "381"  # credit note
PAYMENT_STANDING_AGREEMENT = "57"  # UNCL 4461
PAYMENT_NOT_DEFINED = "1"
NOT_SUBJECT_TO_VAT = "O"
# The categories whose VAT breakdown needs an exemption reason (BR-E-10, BR-AE-10, BR-IC-10, BR-G-10, BR-O-10); the
# others must not have one (BR-S-10, BR-Z-10).
EXEMPT_CATEGORIES = frozenset({"E", "AE", "K", "G", "O"})
# ISO 6523 schemes of national company registers, whose identifiers are a legal registration (BT-30, BT-47), and the
# country of each: Swedish organisation number, Dutch KvK and OIN, Danish CVR, Norwegian organisation number, Belgian
# enterprise number. Only a party of that country is named by one (the Dutch rules take no other, NL-R-003/005).
LEGAL_REGISTERS = {"0007": "SE", "0106": "NL", "0190": "NL", "0184": "DK", "0192": "NO", "0208": "BE"}
# The MIME types of an embedded attachment PEPPOL takes (BR-CL-24 as PEPPOL restricts it).
ATTACHMENT_TYPES = frozenset(
    {
        "application/pdf",
        "image/png",
        "image/jpeg",
        "text/csv",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/vnd.oasis.opendocument.spreadsheet",
    }
)
# UNCL 7161, the codes of a charge's reason the rules take (BR-CL-20); another code is written as the reason's text.
CHARGE_REASON_CODES = frozenset(
    """AA AAA AAC AAD AAE AAF AAH AAI AAS AAT AAV AAY AAZ ABA ABB ABC ABD ABF ABK ABL ABN ABR ABS ABT ABU ACF ACG ACH
    ACI ACJ ACK ACL ACM ACS ADC ADE ADJ ADK ADL ADM ADN ADO ADP ADQ ADR ADT ADW ADY ADZ AEA AEB AEC AED AEF AEH AEI
    AEJ AEK AEL AEM AEN AEO AEP AES AET AEU AEV AEW AEX AEY AEZ AJ AU CA CAB CAD CAE CAF CAI CAJ CAK CAL CAM CAN CAO
    CAP CAQ CAR CAS CAT CAU CAV CAW CAX CAY CAZ CD CG CS CT DAB DAD DAC DAF DAG DAH DAI DAJ DAK DAL DAM DAN DAO DAP DAQ
    DL EG EP ER FAA FAB FAC FC FH FI GAA HAA HD HH IAA IAB ID IF IR IS KO L1 LA LAA LAB LF MAE MI ML NAA OA PA PAA PC PL
    PRV RAB RAC RAD RAF RE RF RH RV SA SAA SAD SAE SAI SG SH SM SU TAB TAC TT TV V1 V2 WH XAA YY ZZZ""".split()  # noqa: SIM905
)


def invoice_document_id(invoice: Invoice) -> str:
    """The document's ID: the vendor's own invoice or credit note number."""
    return invoice.number


def ubl_invoice(invoice: Invoice) -> bytes:
    """A submitted invoice as a PEPPOL BIS Billing 3 Invoice."""
    assert not invoice.is_credit_note, "a credit note is written by ubl_credit_note"
    return _write(invoice, credit=False)


def ubl_credit_note(invoice: Invoice) -> bytes:
    """A submitted credit note as a PEPPOL BIS Billing 3 Credit Note, referring to the invoice it credits."""
    assert invoice.is_credit_note, "an invoice is written by ubl_invoice"
    return _write(invoice, credit=True)


def _write(invoice: Invoice, *, credit: bool) -> bytes:
    lines = list(invoice.lines.all())
    charges = list(invoice.charges.all())
    currency = invoice.currency
    orders = orders_of(lines)
    first_po = orders[0] if orders else None
    # Not subject to VAT (O) excludes every VAT identifier of the parties (BR-O-02..04) and every other category.
    categories = {row.tax_category for row in lines} | {charge.tax_category for charge in charges}
    with_vat_ids = NOT_SUBJECT_TO_VAT not in categories

    root = root_element(CREDIT_NOTE_NS, "CreditNote") if credit else root_element(INVOICE_NS, "Invoice")
    sub(root, "cbc:CustomizationID", BILLING_CUSTOMIZATION)
    sub(root, "cbc:ProfileID", BILLING)
    sub(root, "cbc:ID", invoice_document_id(invoice))
    sub(root, "cbc:IssueDate", invoice.issue_date.isoformat())
    if not credit and invoice.due_date:
        sub(root, "cbc:DueDate", invoice.due_date.isoformat())
    if credit:
        sub(root, "cbc:CreditNoteTypeCode", CREDIT_NOTE_TYPE)
    else:
        sub(root, "cbc:InvoiceTypeCode", INVOICE_TYPE)
    note(root, [invoice.note])
    sub(root, "cbc:DocumentCurrencyCode", currency)
    buyer_reference = invoice.buyer_reference or (", ".join(order_id(po) for po in orders) if len(orders) > 1 else "")
    if buyer_reference:
        sub(root, "cbc:BuyerReference", buyer_reference[:100])
    if len(orders) == 1:
        sub(sub(root, "cac:OrderReference"), "cbc:ID", order_id(orders[0]))
    if credit and invoice.credited_invoice is not None:
        reference = sub(sub(root, "cac:BillingReference"), "cac:InvoiceDocumentReference")
        sub(reference, "cbc:ID", invoice.credited_invoice.number)
        sub(reference, "cbc:IssueDate", invoice.credited_invoice.issue_date.isoformat())
    _attachments(root, invoice.attachments.all())

    supplier = party(
        sub(root, "cac:AccountingSupplierParty"),
        invoice.vendor,
        named=named_party(first_po, "seller") if first_po else None,
        with_address=True,
        with_tax=with_vat_ids,
        with_contact=True,
    )
    if not with_vat_ids or not invoice.vendor.vat_id:
        _identification(supplier, invoice.vendor)  # BR-CO-26: some identifier of the seller
    _legal_registration(supplier, invoice.vendor)
    customer = party(
        sub(root, "cac:AccountingCustomerParty"),
        invoice.company,
        named=named_party(first_po, "buyer") if first_po else None,
        with_address=True,
        with_tax=with_vat_ids,
        with_contact=True,
    )
    _legal_registration(customer, invoice.company)
    _delivery(root, invoice, lines, first_po)
    means = sub(root, "cac:PaymentMeans")
    seller_country = invoice.vendor.country_code
    sub(means, "cbc:PaymentMeansCode", PAYMENT_NOT_DEFINED if seller_country == "DK" else PAYMENT_STANDING_AGREEMENT)
    if credit and invoice.due_date:
        sub(means, "cbc:PaymentDueDate", invoice.due_date.isoformat())  # a Credit Note has no DueDate of its own
    sub(means, "cbc:PaymentID", invoice.number)
    days = invoice.vendor.payment_terms_days
    sub(sub(root, "cac:PaymentTerms"), "cbc:Note", f"Payment within {days} days")
    for charge in charges:
        _allowance_charge(root, charge, currency)
    _tax_total(root, lines, charges, invoice)
    _monetary_total(root, invoice)
    for row in lines:
        _line(root, row, currency, credit=credit, several_orders=len(orders) > 1)
    return serialise(root)


def _legal_registration(party_element: etree._Element, partner: Vendor | Company) -> None:
    """The party's legal registration identifier (BT-30, BT-47) where its endpoint is one: an endpoint in a national
    company register's scheme names the legal entity (Danish sellers must give it, DK-R-002)."""
    if LEGAL_REGISTERS.get(partner.endpoint_scheme) != partner.country_code or not partner.endpoint_id:
        return
    legal = party_element.find(f"{{{CAC}}}PartyLegalEntity")
    if legal is not None:
        sub(legal, "cbc:CompanyID", partner.endpoint_id, schemeID=partner.endpoint_scheme)


def _identification(party_element: etree._Element, partner: Vendor | Company) -> None:
    """The seller's identifier (BT-29) from its endpoint, where the endpoint's scheme is an ISO 6523 one (0xxx)."""
    if not partner.endpoint_id or not partner.endpoint_scheme.startswith("0"):
        return
    identification = etree.Element(f"{{{CAC}}}PartyIdentification")
    party_element.insert(1, identification)  # right after the EndpointID, as the schema orders them
    sub(identification, "cbc:ID", partner.endpoint_id, schemeID=partner.endpoint_scheme)


def _attachments(root: etree._Element, attachments: Iterable[InvoiceAttachment]) -> None:
    for attachment in attachments:
        if attachment.content_type not in ATTACHMENT_TYPES:
            continue
        with attachment.file.open("rb") as handle:
            content = handle.read()
        reference = sub(root, "cac:AdditionalDocumentReference")
        sub(reference, "cbc:ID", attachment.name[:100])
        sub(
            sub(reference, "cac:Attachment"),
            "cbc:EmbeddedDocumentBinaryObject",
            base64.b64encode(content).decode("ascii"),
            mimeCode=attachment.content_type,
            filename=attachment.name,
        )


def _delivery(root: etree._Element, invoice: Invoice, lines: list[InvoiceLine], po: PurchaseOrder | None) -> None:
    """When and where the goods were delivered: the last receipt of the invoiced lines, at the PO's delivery
    address, else the company's (intra-community supply needs both, BR-IC-11 and BR-IC-12)."""
    delivered = _delivered_on(lines)
    has_place = bool(po is not None and po.delivery_country_code) or bool(invoice.company.country_code)
    if delivered is None and not has_place:
        return
    delivery = sub(root, "cac:Delivery")
    if delivered is not None:
        sub(delivery, "cbc:ActualDeliveryDate", delivered.isoformat())
    if po is not None and po.delivery_country_code:
        postal_address(sub(delivery, "cac:DeliveryLocation"), po, name="cac:Address", prefix="delivery_")
    elif invoice.company.country_code:
        postal_address(sub(delivery, "cac:DeliveryLocation"), invoice.company, name="cac:Address")


def _delivered_on(lines: list[InvoiceLine]) -> date | None:
    if not lines:
        return None
    found = Receipt.objects.filter(lines__line_id__in=[row.po_line_id for row in lines]).aggregate(
        last=Max("received_date")
    )
    return found["last"]


def _tax_category(parent: etree._Element, name: str, category: str, percent: Decimal | None) -> etree._Element:
    """A VAT category; not subject to VAT (O) has no rate (BR-O-05, BR-O-09)."""
    element = sub(parent, name)
    sub(element, "cbc:ID", category)
    if category != NOT_SUBJECT_TO_VAT:
        sub(element, "cbc:Percent", number(Decimal(percent or 0)))
    return element


def _vat_scheme(element: etree._Element) -> None:
    sub(sub(element, "cac:TaxScheme"), "cbc:ID", "VAT")


def _allowance_charge(root: etree._Element, charge: InvoiceCharge | InvoiceLineCharge, currency: str) -> None:
    """A document-level allowance or charge with its VAT category, or a line's, which bears the line's VAT and so
    names none (BG-27, BG-28)."""
    element = sub(root, "cac:AllowanceCharge")
    sub(element, "cbc:ChargeIndicator", "true" if charge.is_charge else "false")
    codes = CHARGE_REASON_CODES if charge.is_charge else ALLOWANCE_REASON_CODES
    if charge.reason_code in codes:
        sub(element, "cbc:AllowanceChargeReasonCode", charge.reason_code)
    reason = charge.reason.strip() or charge.reason_code
    if reason:
        sub(element, "cbc:AllowanceChargeReason", reason)
    amount(element, "cbc:Amount", charge.amount, currency)
    if isinstance(charge, InvoiceCharge):
        _vat_scheme(_tax_category(element, "cac:TaxCategory", charge.tax_category, charge.tax_percent))


def _tax_total(root: etree._Element, lines: list[InvoiceLine], charges: list[InvoiceCharge], invoice: Invoice) -> None:
    currency = invoice.currency
    totals = invoice_totals(lines, charges)
    total = sub(root, "cac:TaxTotal")
    amount(total, "cbc:TaxAmount", invoice.tax_total, currency)
    for subtotal in totals.tax_breakdown:
        element = sub(total, "cac:TaxSubtotal")
        amount(element, "cbc:TaxableAmount", subtotal.taxable_amount, currency)
        amount(element, "cbc:TaxAmount", subtotal.tax_amount, currency)
        category = _tax_category(element, "cac:TaxCategory", subtotal.category, subtotal.percent)
        if subtotal.category in EXEMPT_CATEGORIES:
            if subtotal.exemption_reason_code:
                sub(category, "cbc:TaxExemptionReasonCode", subtotal.exemption_reason_code)
            if subtotal.exemption_reason:
                sub(category, "cbc:TaxExemptionReason", subtotal.exemption_reason)
        _vat_scheme(category)


def _monetary_total(root: etree._Element, invoice: Invoice) -> None:
    currency = invoice.currency
    total = sub(root, "cac:LegalMonetaryTotal")
    amount(total, "cbc:LineExtensionAmount", invoice.line_total, currency)
    amount(total, "cbc:TaxExclusiveAmount", invoice.tax_exclusive_total, currency)
    amount(total, "cbc:TaxInclusiveAmount", invoice.tax_inclusive_total, currency)
    if invoice.allowance_total:
        amount(total, "cbc:AllowanceTotalAmount", invoice.allowance_total, currency)
    if invoice.charge_total:
        amount(total, "cbc:ChargeTotalAmount", invoice.charge_total, currency)
    if invoice.prepaid_amount:
        amount(total, "cbc:PrepaidAmount", invoice.prepaid_amount, currency)
    amount(total, "cbc:PayableAmount", invoice.payable_amount, currency)


def _line(root: etree._Element, row: InvoiceLine, currency: str, *, credit: bool, several_orders: bool) -> None:
    po_line = row.po_line
    element = sub(root, "cac:CreditNoteLine" if credit else "cac:InvoiceLine")
    sub(element, "cbc:ID", str(row.line_number))
    texts = [row.note]
    if several_orders:
        texts.insert(0, f"Purchase order {order_id(row.purchase_order)}, line {line_id(po_line)}")
    note(element, texts)
    unit = row.unit_code or unit_code(po_line)
    quantity(element, "cbc:CreditedQuantity" if credit else "cbc:InvoicedQuantity", row.quantity, unit)
    amount(element, "cbc:LineExtensionAmount", row.net_amount, currency)
    if not several_orders:
        sub(sub(element, "cac:OrderLineReference"), "cbc:LineID", line_id(po_line))
    for charge in row.charges.all():
        _allowance_charge(element, charge, currency)
    item = sub(element, "cac:Item")
    name = row.description or po_line.description or (po_line.item.name if po_line.item else "") or line_id(po_line)
    sub(item, "cbc:Name", name)
    if po_line.buyers_item_id or po_line.item:
        buyers = po_line.buyers_item_id or (po_line.item.number if po_line.item else "")
        sub(sub(item, "cac:BuyersItemIdentification"), "cbc:ID", buyers)
    sellers = po_line.external_item_number or po_line.sellers_item_id
    if sellers:
        sub(sub(item, "cac:SellersItemIdentification"), "cbc:ID", sellers)
    if po_line.standard_item_id:
        scheme = po_line.standard_item_scheme or "0160"
        sub(sub(item, "cac:StandardItemIdentification"), "cbc:ID", po_line.standard_item_id, schemeID=scheme)
    _vat_scheme(_tax_category(item, "cac:ClassifiedTaxCategory", row.tax_category, row.tax_percent))
    price = sub(element, "cac:Price")
    amount(price, "cbc:PriceAmount", row.unit_price, currency, places=None)
