from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PerformanceConfig(AppConfig):
    name = "vendorcollab.performance"
    verbose_name = _("Vendor performance")

    def ready(self) -> None:
        # Subscribing to the domain events happens on import of the subscribers module; importing the aggregates
        # registers the SQLite percentile on every new connection.
        from . import aggregates, subscribers  # noqa: F401
