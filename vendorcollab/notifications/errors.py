"""The notifications app's error codes. Codes are part of the API contract: add members; never rename a value."""

from __future__ import annotations

from enum import StrEnum


class NotificationsErrorCode(StrEnum):
    """The codes of notification settings, webhook endpoints and their deliveries."""

    MODE_UNKNOWN = "mode_unknown"
    NAME_REQUIRED = "name_required"
    URL_INVALID = "url_invalid"
    URL_PRIVATE_ADDRESS = "url_private_address"
    URL_FORBIDDEN_ADDRESS = "url_forbidden_address"
    EVENTS_REQUIRED = "events_required"
    EVENT_UNKNOWN = "event_unknown"
    SECRET_TOO_SHORT = "secret_too_short"
    DELIVERY_NOT_FAILED = "delivery_not_failed"
    ENDPOINT_INACTIVE = "endpoint_inactive"
