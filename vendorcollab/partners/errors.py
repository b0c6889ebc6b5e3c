"""The partners app's error codes. Codes are part of the API contract: add members; never rename a value."""

from __future__ import annotations

from enum import StrEnum


class PartnersErrorCode(StrEnum):
    """The codes of the master data: companies, vendor accounts, sites, warehouses, items."""

    REQUIRED = "required"
    INVALID_EMAIL = "invalid_email"
    UNKNOWN_COLLABORATION = "unknown_collaboration"
    UNKNOWN_LANGUAGE = "unknown_language"
    COMPANY_CODE_TAKEN = "company_code_taken"
    VENDOR_NUMBER_TAKEN = "vendor_number_taken"
    SITE_CODE_TAKEN = "site_code_taken"
    WAREHOUSE_CODE_TAKEN = "warehouse_code_taken"
    ITEM_NUMBER_TAKEN = "item_number_taken"
    ENDPOINT_TAKEN = "endpoint_taken"
    UNKNOWN_ENDPOINT_SCHEME = "unknown_endpoint_scheme"
    ENDPOINT_INCOMPLETE = "endpoint_incomplete"
    UNKNOWN_COUNTRY = "unknown_country"
    INVALID_UNIT_CODE = "invalid_unit_code"
    UNKNOWN_ORDERING_PROFILE = "unknown_ordering_profile"
    PAYMENT_TERMS_OUT_OF_RANGE = "payment_terms_out_of_range"
    TOLERANCE_OUT_OF_RANGE = "tolerance_out_of_range"
    UNKNOWN_TAX_CATEGORY = "unknown_tax_category"
    TAX_PERCENT_OUT_OF_RANGE = "tax_percent_out_of_range"
    TAX_PERCENT_NOT_FOR_CATEGORY = "tax_percent_not_for_category"
