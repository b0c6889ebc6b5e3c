"""An audit event's details in the reader's language.

Events store their details as plain data (stable keys and codes: ``{"reason": "password", "channel": "web"}``), so
the log reads the same in every language and old rows stay readable when a wording changes. Here the keys and the
known codes get their labels, at rendering; names, numbers and free text written by people are shown as stored.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from vendorcollab.accounts.models import Role, UserRequestAction, UserRequestKind, UserRequestStatus

from .models import AuditKind

# In the order the details are read: PostgreSQL's JSONB keeps no key order of its own, so this order is the one.
LABELS: dict[str, Promise] = {
    "kind": pgettext_lazy("audit detail", "request"),
    "action": pgettext_lazy("audit detail", "action"),
    "reason": pgettext_lazy("audit detail", "reason"),
    "channel": pgettext_lazy("audit detail", "channel"),
    "type": pgettext_lazy("audit detail", "method"),
    "via": pgettext_lazy("audit detail", "via"),
    "reauthentication": pgettext_lazy("audit detail", "when confirming identity"),
    "how": pgettext_lazy("audit detail", "how"),
    "roles": pgettext_lazy("audit detail", "roles"),
    "before": pgettext_lazy("audit detail", "roles before"),
    "after": pgettext_lazy("audit detail", "roles after"),
    "company": pgettext_lazy("audit detail", "company"),
    "active": pgettext_lazy("audit detail", "access"),
    "vendors": pgettext_lazy("audit detail", "vendor accounts"),
    "tokens_revoked": pgettext_lazy("audit detail", "tokens revoked"),
    "token": pgettext_lazy("audit detail", "token"),
    "key_prefix": pgettext_lazy("audit detail", "key starts with"),
    "name": pgettext_lazy("audit detail", "name"),
}

# Two-factor methods (allauth's ``Authenticator.Type`` values), in the words of the portal's own pages.
MFA_TYPES: dict[str, Promise] = {
    "totp": _("Authenticator app"),
    "recovery_codes": _("Recovery codes"),
    "webauthn": _("Security key"),
}

CODES: dict[str, dict[str, Promise]] = {
    "channel": {"web": pgettext_lazy("audit channel", "portal"), "api": pgettext_lazy("audit channel", "API")},
    "type": MFA_TYPES,
    "via": {
        "back_office": pgettext_lazy("audit via", "back office"),
        "server": pgettext_lazy("audit via", "server (command line)"),
    },
    "how": {
        "changed": pgettext_lazy("audit password", "changed by the user"),
        "set": pgettext_lazy("audit password", "set by the user"),
        "reset": pgettext_lazy("audit password", "reset through the e-mailed link"),
    },
    "kind": dict(UserRequestKind.choices),
    "action": {
        **dict(UserRequestStatus.choices),
        **dict(UserRequestAction.choices),
        "added": pgettext_lazy("audit mfa", "added"),
        "removed": pgettext_lazy("audit mfa", "removed"),
        "reset": pgettext_lazy("audit mfa", "reset"),
    },
}

# Codes that mean one thing for one kind of event only: a user request's "reason" is the admin's own text.
CODES_OF_KIND: dict[tuple[str, str], dict[str, Promise]] = {
    (AuditKind.LOGIN_FAILED, "reason"): {
        "password": pgettext_lazy("audit reason", "wrong user name or password"),
        "mfa_code": pgettext_lazy("audit reason", "wrong two-factor code"),
    },
}

ROLES: dict[str, Promise] = dict(Role.choices)
NONE = pgettext_lazy("audit detail", "none")


def _yes_no(value: Any, yes: Promise, no: Promise) -> str:
    return str(yes if value else no)


def _roles(value: Any) -> str:
    if not value:
        return str(NONE)
    return ", ".join(str(ROLES.get(role, role)) for role in value)


FORMATTERS: dict[str, Callable[[Any], str]] = {
    "roles": _roles,
    "before": _roles,
    "after": _roles,
    "active": lambda value: _yes_no(
        value, pgettext_lazy("audit access", "given"), pgettext_lazy("audit access", "taken away")
    ),
    "reauthentication": lambda value: _yes_no(value, _("Yes"), _("No")),
}


def _value(kind: str, key: str, value: Any) -> str:
    if key in FORMATTERS:
        return FORMATTERS[key](value)
    codes = CODES_OF_KIND.get((kind, key)) or CODES.get(key, {})
    if isinstance(value, str) and value in codes:
        return str(codes[value])
    if isinstance(value, list):
        return ", ".join(str(item) for item in value) or str(NONE)
    if isinstance(value, bool):
        return _yes_no(value, _("Yes"), _("No"))
    return str(value)


def detail_items(kind: str, data: dict[str, Any]) -> list[tuple[str, str]]:
    """(label, value) for every stored detail, labels and known codes translated; unknown keys as stored."""
    # Known keys in the order of ``LABELS``, any other after them by name.
    order = {key: index for index, key in enumerate(LABELS)}
    keys = sorted(data, key=lambda key: (order.get(key, len(order)), key))
    return [(str(LABELS.get(key, key)), _value(kind, key, data[key])) for key in keys]


def target_display(kind: str, target: str, data: dict[str, Any]) -> str:
    """What the event was about. A two-factor change stored its method's English name; the code says it in the
    reader's language (also for rows written before the code was read here)."""
    if kind == AuditKind.MFA_CHANGED and data.get("type") in MFA_TYPES:
        return str(MFA_TYPES[data["type"]])
    return target
