from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "vendorcollab.notifications"
    verbose_name = _("Notifications and webhooks")

    def ready(self) -> None:
        # Subscribing to the domain events happens on import of the subscribers module.
        from . import subscribers  # noqa: F401
