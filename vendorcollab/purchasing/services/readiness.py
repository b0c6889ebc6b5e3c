"""What an Order document needs before a PO is sent: refused here, with the field named, rather than by the
receiver's access point after the fact (BIS Ordering 3: both parties' endpoints, the seller's and the buyer's
postal address with a country, a UN/ECE Rec 20 unit code on every line)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from vendorcollab.common.codelists import EAS_SCHEMES, ISO_COUNTRIES, REC20_UNITS
from vendorcollab.partners.models import Company, Vendor

from ..errors import FieldErrors, PurchasingErrorCode
from ..models import PurchaseOrder


def sends_documents(vendor: Vendor) -> bool:
    """A vendor account with a PEPPOL endpoint is reached by documents; one without works on the portal alone."""
    return bool(vendor.endpoint_id)


def _party(errors: FieldErrors, prefix: str, party: Company | Vendor) -> None:
    missing = _("the %(field)s of %(party)s")
    checks = {
        "endpoint_scheme": (party.endpoint_scheme in EAS_SCHEMES, _("endpoint scheme")),
        "endpoint_id": (bool(party.endpoint_id), _("endpoint ID")),
        "city_name": (bool(party.city_name), _("city")),
        "country_code": (party.country_code in ISO_COUNTRIES, _("country")),
    }
    for name, (present, label) in checks.items():
        if not present:
            errors.add(
                f"{prefix}.{name}",
                PurchasingErrorCode.DOCUMENT_DATA_MISSING,
                missing=missing % {"field": label, "party": party.name},
            )


def po_document_check(po: PurchaseOrder) -> None:
    """Refuse to send ``po`` as an Order document while it lacks what the document needs (nothing is checked for a
    vendor reached through the portal alone)."""
    if not sends_documents(po.vendor):
        return
    errors = FieldErrors()
    _party(errors, "company", po.company)
    _party(errors, "vendor", po.vendor)
    for line in po.lines.all():
        if not line.is_cancelled and line.unit_code not in REC20_UNITS:
            errors.add(
                f"lines.{line.line_number}.unit_code",
                PurchasingErrorCode.DOCUMENT_DATA_MISSING,
                missing=_("a UN/ECE Rec 20 unit code on line %(line)s") % {"line": line.line_number},
            )
    errors.raise_if_any()
