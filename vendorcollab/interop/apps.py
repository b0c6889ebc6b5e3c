from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InteropConfig(AppConfig):
    name = "vendorcollab.interop"
    verbose_name = _("UBL documents")

    def ready(self) -> None:
        # Subscribing to the domain events happens on import of the subscribers module.
        from . import subscribers  # noqa: F401
