"""The catalogue of hostile input the hostile-input tests send to every write of the API and the pages, and the check
that every document made of what was stored still renders."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.test import Client
from django.urls import reverse

from vendorcollab.purchasing.models import PurchaseOrder

# Text: NUL, C0 and C1 controls, line breaks and a tab (refused where one line is expected), a noncharacter, and a
# string far beyond any limit.
TEXTS = ["\x00", "a\x01b", "two\r\nlines", "tab\there", "nel\x85", "end\ufffe", "x" * 100_000]
# Numbers beyond every column, negative, beyond a 64-bit id, and not a number at all.
NUMBERS: list[Any] = [10**30, -(10**30), -1, 2**63, "NaN"]
# Dates at the ends of the calendar, before the window, and beyond what ISO 8601 dates hold without a sign.
DATES = ["0001-01-01", "9999-12-31", "1999-12-31", "+10000-01-01"]
# The value of a field that the hostile tests change.
FIELD_VALUE_KINDS = ("text", "number", "date")


def is_date(value: Any) -> bool:
    return isinstance(value, str) and len(value) == 10 and value[4] == "-" and value[7] == "-"


def variants(value: Any) -> list[Any]:
    """The hostile values to put in place of ``value`` (chosen by what kind of value it is)."""
    if isinstance(value, bool) or value is None:
        return []
    if is_date(value):
        return DATES
    if isinstance(value, str):
        return TEXTS
    if isinstance(value, int | float):
        return NUMBERS
    return []


def leaves(value: Any, path: str = "") -> Iterator[tuple[str, Any]]:
    """Every scalar of a JSON value with its dotted path (``lines.0.quantity``), as the API names fields."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from leaves(item, f"{path}.{key}" if path else key)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from leaves(item, f"{path}.{index}" if path else str(index))
    else:
        yield path, value


def replaced(value: Any, path: list[str], new: Any) -> Any:
    """A copy of ``value`` with the scalar at ``path`` replaced by ``new``."""
    if not path:
        return new
    head, *rest = path
    if isinstance(value, list):
        copy = list(value)
        copy[int(head)] = replaced(copy[int(head)], rest, new)
        return copy
    return {**value, head: replaced(value[head], rest, new)}


def names_field(fields: dict[str, str], path: str) -> bool:
    """Whether an error's ``fields`` name ``path``, one of its parents (a rule of the whole list) or a child."""
    return any(path == key or path.startswith(key + ".") or key.startswith(path + ".") for key in fields)


def render_everything(po: PurchaseOrder, *, buyer: Client, vendor: Client, api_headers: dict[str, str]) -> list[str]:
    """Fetch every document and page made of ``po``: its pages on both sides, the PDF of every version, the UBL
    Order of every version and the UBL Order Response of every response. Returns what did not answer 200."""
    failures = []
    urls: list[tuple[Client, str, dict[str, str]]] = [(buyer, reverse("buyer:po_detail", args=[po.pk]), {})]
    versions = list(po.versions.order_by("number").values_list("number", flat=True))
    for number in versions:
        urls.append((buyer, reverse("buyer:po_version_pdf", args=[po.pk, number]), {}))
        urls.append((buyer, f"/api/v1/purchase-orders/{po.pk}/versions/{number}/ubl", api_headers))
    if versions and po.vendor.collaborates:
        urls.append((vendor, reverse("vendor:po_detail", args=[po.pk]), {}))
    for response in po.responses.values_list("pk", flat=True):
        urls.append((buyer, f"/api/v1/purchase-orders/{po.pk}/responses/{response}/ubl", api_headers))
    for client, url, headers in urls:
        answer = client.get(url, headers=headers)
        if answer.status_code != 200:
            failures.append(f"{url}: {answer.status_code}")
        elif url.endswith("/pdf/"):
            assert answer["Content-Disposition"].count("\n") == 0
    return failures
