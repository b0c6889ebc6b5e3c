from django.apps import AppConfig


class WorkspaceConfig(AppConfig):
    """The vendor workspace sits above purchasing and consignment: it reads both, and neither imports it."""

    name = "vendorcollab.workspace"
    verbose_name = "Vendor workspace"
