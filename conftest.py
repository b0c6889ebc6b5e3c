"""Test fixtures shared by every app: the fixed cast and the master data they work with."""

pytest_plugins = [
    "vendorcollab.common.testing.fixtures",
    "vendorcollab.common.testing.browser",
    "vendorcollab.common.testing.mail",
    "vendorcollab.common.testing.error_codes",
]
