"""The accounts app's error codes. Codes are part of the API contract: add members; never rename a value."""

from __future__ import annotations

from enum import StrEnum


class AccountsErrorCode(StrEnum):
    """The codes of users, user requests, invitations and API tokens."""

    FIRST_NAME_REQUIRED = "first_name_required"
    EMAIL_REQUIRED = "email_required"
    EMAIL_TAKEN = "email_taken"
    EMAIL_REQUESTED = "email_requested"
    ROLES_INVALID = "roles_invalid"
    ROLES_UNCHANGED = "roles_unchanged"
    VENDORS_REQUIRED = "vendors_required"
    REASON_REQUIRED = "reason_required"
    REASON_TOO_LONG = "reason_too_long"
    NAME_REQUIRED = "name_required"
    NAME_TOO_LONG = "name_too_long"
    USER_INACTIVE = "user_inactive"
    VENDOR_USER = "vendor_user"
    REQUEST_NOT_OPEN = "request_not_open"
    DUPLICATE_REQUEST = "duplicate_request"
    NO_INVITATION_PENDING = "no_invitation_pending"
    MFA_REQUIRED = "mfa_required"
