"""What changed between two versions of a PO, and what a vendor's response changes on the version it answers.

Pure functions over objects the caller has loaded (``selectors.po_versions`` prefetches everything they touch), so
that every screen and document marks changes from the same facts: the old value struck through beside the new one.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from vendorcollab.common.formatting import line_amount

from .models import ZERO, LineAction, PurchaseOrderVersion, ResponseLine, VendorResponse, VersionCharge, VersionLine

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class ChangeStatus(models.TextChoices):
    ADDED = "added", _("Added")
    REMOVED = "removed", _("Removed")
    CHANGED = "changed", _("Changed")
    UNCHANGED = "unchanged", _("Unchanged")
    CANCELLED = "cancelled", _("Cancelled")


@dataclass(frozen=True)
class ScheduleRow:
    """One part of a split line."""

    quantity: Decimal
    delivery_date: date


def schedule_rows(schedule: Iterable[dict[str, str]]) -> tuple[ScheduleRow, ...]:
    """The stored JSON schedule (strings) as typed rows; equal rows compare equal whatever the decimal places."""
    return tuple(
        ScheduleRow(quantity=Decimal(row["quantity"]), delivery_date=date.fromisoformat(row["delivery_date"]))
        for row in schedule
    )


@dataclass(frozen=True)
class FieldChange:
    """One field that differs: ``old`` and ``new`` as a person reads them (an item as its number, a site as its
    code, a schedule as ``ScheduleRow`` tuples, an empty reference as ``None``)."""

    field: str
    old: Any
    new: Any

    @property
    def label(self) -> StrOrPromise:
        for model in (VersionLine, PurchaseOrderVersion, VersionCharge):
            try:
                field = model._meta.get_field(self.field)
            except FieldDoesNotExist:
                continue
            if isinstance(field, models.Field):
                return field.verbose_name
        return self.field


# The line fields compared between versions, in the order a screen shows them. ``is_cancelled`` is compared too
# (a line can be restored), but a line that became cancelled gets its own status.
LINE_FIELDS = (
    "item",
    "description",
    "quantity",
    "unit",
    "unit_price",
    "discount_percent",
    "delivery_date",
    "site",
    "warehouse",
    "color",
    "size",
    "style",
    "configuration",
    "external_item_number",
    "external_description",
    "schedule",
    "is_cancelled",
)
HEADER_FIELDS = ("currency", "order_date", "total_amount", "buyer_contact_name", "buyer_contact_email")
CHARGE_FIELDS = ("description", "amount")
_REFERENCES = {"item": "number", "site": "code", "warehouse": "code"}
# What a reader who is not shown prices (a vendor without ``show_prices``) must not see change either.
PRICE_LINE_FIELDS = frozenset({"unit_price", "discount_percent"})
PRICE_HEADER_FIELDS = frozenset({"total_amount"})


def _line_value(line: VersionLine, name: str) -> Any:
    """What is compared: the id of a reference (no query), the typed schedule, else the field itself."""
    if name in _REFERENCES:
        return getattr(line, f"{name}_id")
    if name == "schedule":
        return schedule_rows(line.schedule)
    return getattr(line, name)


def _line_shown(line: VersionLine, name: str) -> Any:
    """What is shown: a reference by its number or code, only read once it differs."""
    if name in _REFERENCES:
        related = getattr(line, name)
        return getattr(related, _REFERENCES[name]) if related is not None else None
    return _line_value(line, name)


def _field_changes(
    before: Any,
    after: Any,
    names: Iterable[str],
    value: Callable[[Any, str], Any] = getattr,
    shown: Callable[[Any, str], Any] = getattr,
) -> dict[str, FieldChange]:
    return {
        name: FieldChange(name, shown(before, name), shown(after, name))
        for name in names
        if value(before, name) != value(after, name)
    }


@dataclass(frozen=True)
class LineDiff:
    line_number: int
    status: ChangeStatus
    before: VersionLine | None
    after: VersionLine | None
    changes: dict[str, FieldChange]

    @property
    def line(self) -> VersionLine:
        """The line to show: as it is now, or as it was for a removed line."""
        shown = self.after or self.before
        assert shown is not None
        return shown

    @property
    def is_added(self) -> bool:
        return self.status == ChangeStatus.ADDED

    @property
    def is_removed(self) -> bool:
        return self.status == ChangeStatus.REMOVED

    @property
    def is_cancelled(self) -> bool:
        """Became cancelled in this version (a line cancelled before and still cancelled is not marked)."""
        return self.status == ChangeStatus.CANCELLED

    @property
    def is_changed(self) -> bool:
        return self.status == ChangeStatus.CHANGED

    @property
    def is_unchanged(self) -> bool:
        return self.status == ChangeStatus.UNCHANGED

    @property
    def amount(self) -> FieldChange | None:
        """The line's amount before and after, where a change of quantity, price or discount moved it."""
        if self.before is None or self.after is None or self.before.amount == self.after.amount:
            return None
        return FieldChange("amount", self.before.amount, self.after.amount)

    def without(self, names: frozenset[str]) -> LineDiff:
        """The same line with the changes of ``names`` left out: a line changed only there reads as unchanged."""
        changes = {name: change for name, change in self.changes.items() if name not in names}
        status = ChangeStatus.UNCHANGED if self.is_changed and not changes else self.status
        return replace(self, changes=changes, status=status)


@dataclass(frozen=True)
class ChargeDiff:
    status: ChangeStatus
    before: VersionCharge | None
    after: VersionCharge | None
    changes: dict[str, FieldChange]

    @property
    def charge(self) -> VersionCharge:
        shown = self.after or self.before
        assert shown is not None
        return shown

    @property
    def is_changed(self) -> bool:
        return self.status == ChangeStatus.CHANGED


@dataclass(frozen=True)
class VersionDiff:
    """``after`` compared with ``before``. Against no earlier version (the first send) nothing is marked: every
    line and charge is "unchanged", because marking everything "added" marks nothing worth a look."""

    before: PurchaseOrderVersion | None
    after: PurchaseOrderVersion
    header: dict[str, FieldChange]
    lines: list[LineDiff]
    charges: list[ChargeDiff]

    @property
    def is_first(self) -> bool:
        return self.before is None

    @property
    def changed_lines(self) -> list[LineDiff]:
        return [line for line in self.lines if not line.is_unchanged]

    @property
    def changed_charges(self) -> list[ChargeDiff]:
        return [charge for charge in self.charges if charge.status != ChangeStatus.UNCHANGED]

    @property
    def has_changes(self) -> bool:
        return bool(self.header or self.changed_lines or self.changed_charges)

    def for_reader(self, *, show_prices: bool) -> VersionDiff:
        """What a reader may see change: without prices, a change of price, discount, total or charge is none."""
        if show_prices:
            return self
        return replace(
            self,
            header={name: change for name, change in self.header.items() if name not in PRICE_HEADER_FIELDS},
            lines=[line.without(PRICE_LINE_FIELDS) for line in self.lines],
            charges=[],
        )


def diff_versions(before: PurchaseOrderVersion | None, after: PurchaseOrderVersion) -> VersionDiff:
    """What changed from ``before`` to ``after``; lines are matched by line number."""
    after_lines = {line.line_number: line for line in after.lines.all()}
    if before is None:
        return VersionDiff(
            before=None,
            after=after,
            header={},
            lines=[LineDiff(n, ChangeStatus.UNCHANGED, None, after_lines[n], {}) for n in sorted(after_lines)],
            charges=[ChargeDiff(ChangeStatus.UNCHANGED, None, charge, {}) for charge in after.charges.all()],
        )
    before_lines = {line.line_number: line for line in before.lines.all()}
    lines = [
        _line_diff(number, before_lines.get(number), after_lines.get(number))
        for number in sorted(before_lines.keys() | after_lines.keys())
    ]
    return VersionDiff(
        before=before,
        after=after,
        header=_field_changes(before, after, HEADER_FIELDS),
        lines=lines,
        charges=_charge_diffs(list(before.charges.all()), list(after.charges.all())),
    )


def _line_diff(number: int, before: VersionLine | None, after: VersionLine | None) -> LineDiff:
    if before is None:
        return LineDiff(number, ChangeStatus.ADDED, None, after, {})
    if after is None:
        return LineDiff(number, ChangeStatus.REMOVED, before, None, {})
    changes = _field_changes(before, after, LINE_FIELDS, _line_value, _line_shown)
    if after.is_cancelled and not before.is_cancelled:
        status = ChangeStatus.CANCELLED
    elif changes:
        status = ChangeStatus.CHANGED
    else:
        status = ChangeStatus.UNCHANGED
    return LineDiff(number, status, before, after, changes)


def _charge_diffs(before: list[VersionCharge], after: list[VersionCharge]) -> list[ChargeDiff]:
    """Charges have no number of their own: they are matched on (line, code), repeated codes in their order."""

    def keyed(charges: list[VersionCharge]) -> dict[tuple[int | None, str, int], VersionCharge]:
        seen: defaultdict[tuple[int | None, str], int] = defaultdict(int)
        result = {}
        for charge in charges:
            key = (charge.line_number, charge.code)
            result[(*key, seen[key])] = charge
            seen[key] += 1
        return result

    old, new = keyed(before), keyed(after)
    diffs = []
    for key, charge in new.items():
        previous = old.get(key)
        if previous is None:
            diffs.append(ChargeDiff(ChangeStatus.ADDED, None, charge, {}))
            continue
        changes = _field_changes(previous, charge, CHARGE_FIELDS)
        diffs.append(ChargeDiff(ChangeStatus.CHANGED if changes else ChangeStatus.UNCHANGED, previous, charge, changes))
    diffs.extend(ChargeDiff(ChangeStatus.REMOVED, charge, None, {}) for key, charge in old.items() if key not in new)
    return diffs


@dataclass(frozen=True)
class ResponseLineView:
    """One line of a version beside the vendor's answer for it.

    ``answer`` is ``None`` for a line that has none: a cancelled line (nothing to answer) or a version not
    answered yet. ``quantity`` and ``delivery_date`` are set only where the confirmed value differs from the
    ordered one; a rejected line confirms nothing, so it has neither (it is shown as rejected instead).
    """

    line: VersionLine
    answer: ResponseLine | None
    quantity: FieldChange | None
    delivery_date: FieldChange | None
    schedule: tuple[ScheduleRow, ...]

    @property
    def action(self) -> LineAction | None:
        return LineAction(self.answer.action) if self.answer else None

    @property
    def note(self) -> str:
        return self.answer.note if self.answer else ""

    @property
    def external_item_number(self) -> str:
        return self.answer.external_item_number if self.answer else ""

    @property
    def external_description(self) -> str:
        return self.answer.external_description if self.answer else ""

    @property
    def changes(self) -> dict[str, FieldChange]:
        return {change.field: change for change in (self.quantity, self.delivery_date) if change is not None}

    @property
    def is_answered(self) -> bool:
        return self.answer is not None

    @property
    def is_rejected(self) -> bool:
        return self.action == LineAction.REJECT

    @property
    def is_split(self) -> bool:
        return bool(self.schedule)

    @property
    def is_substitute(self) -> bool:
        return bool(self.external_item_number)

    @property
    def is_changed(self) -> bool:
        """The vendor confirms something other than what was ordered (a "change" to the same values is not)."""
        return not self.is_rejected and bool(self.changes or self.is_split or self.is_substitute)

    @property
    def outcome(self) -> StrOrPromise:
        """The answer as a result ("Accepted", "Split"), not as the command the vendor chose ("Accept")."""
        return LINE_OUTCOMES[self.action] if self.action else ""

    @property
    def amount_before(self) -> Decimal:
        """The line's amount as ordered in the version (nothing for a line cancelled before)."""
        return self.line.amount

    @property
    def amount_after(self) -> Decimal:
        """The line's amount once the vendor's answer is applied: the confirmed quantity (a split's total) at the
        ordered price and discount, nothing for a rejected line, the ordered amount for a line without answer."""
        if self.answer is None or self.line.is_cancelled:
            return self.amount_before
        if self.is_rejected:
            return ZERO
        if self.answer.quantity is None:
            return self.amount_before
        return line_amount(
            quantity=self.answer.quantity,
            unit_price=self.line.unit_price,
            discount_percent=self.line.discount_percent,
        )

    @property
    def amount(self) -> FieldChange | None:
        """Before and after where the answer moves the amount."""
        before, after = self.amount_before, self.amount_after
        return FieldChange("amount", before, after) if before != after else None


# A line's answer as a result, wherever a response is shown; the vendor's choice while answering stays a verb
# (``LineAction``'s labels). The context keeps "Split" (a result) apart from "Split" (the verb) in the catalogue.
LINE_OUTCOMES: dict[LineAction, StrOrPromise] = {
    LineAction.ACCEPT: pgettext_lazy("line outcome", "Accepted"),
    LineAction.REJECT: pgettext_lazy("line outcome", "Rejected"),
    LineAction.CHANGE: pgettext_lazy("line outcome", "Changed"),
    LineAction.SPLIT: pgettext_lazy("line outcome", "Split"),
    LineAction.SUBSTITUTE: pgettext_lazy("line outcome", "Substituted"),
}


def response_lines(version: PurchaseOrderVersion, response: VendorResponse | None) -> list[ResponseLineView]:
    """Every line of ``version`` with the vendor's answer for it, whatever the kind of response (or none yet)."""
    answers = {answer.line_number: answer for answer in response.lines.all()} if response else {}
    views = []
    for line in version.lines.all():
        answer = answers.get(line.line_number)
        confirmed = answer if answer is not None and answer.action != LineAction.REJECT else None
        views.append(
            ResponseLineView(
                line=line,
                answer=answer,
                quantity=_confirmed("quantity", line.quantity, confirmed.quantity) if confirmed else None,
                delivery_date=_confirmed("delivery_date", line.delivery_date, confirmed.delivery_date)
                if confirmed
                else None,
                schedule=schedule_rows(answer.schedule) if answer else (),
            )
        )
    return views


@dataclass(frozen=True)
class ResponseTotals:
    """The order's total before and after a response is applied: the lines' amounts (per line, as
    ``ResponseLineView.amount_before`` / ``amount_after``) and the charges, which no answer changes."""

    currency: str
    lines_before: Decimal
    lines_after: Decimal
    charges: Decimal

    @property
    def before(self) -> Decimal:
        return self.lines_before + self.charges

    @property
    def after(self) -> Decimal:
        return self.lines_after + self.charges

    @property
    def difference(self) -> Decimal:
        return self.after - self.before

    @property
    def is_changed(self) -> bool:
        return self.before != self.after


def response_totals(version: PurchaseOrderVersion, rows: Iterable[ResponseLineView]) -> ResponseTotals:
    """What applying the answer in ``rows`` (``response_lines``) costs: the same sums ``services.po_total`` makes
    of the PO once the changes are applied."""
    rows = list(rows)
    return ResponseTotals(
        currency=version.currency,
        lines_before=sum((row.amount_before for row in rows), ZERO),
        lines_after=sum((row.amount_after for row in rows), ZERO),
        charges=sum((charge.amount for charge in version.charges.all()), ZERO),
    )


def _confirmed(name: str, ordered: Any, confirmed: Any) -> FieldChange | None:
    return FieldChange(name, ordered, confirmed) if confirmed is not None and confirmed != ordered else None


@dataclass(frozen=True)
class HistoryEntry:
    """One version in a PO's history: what changed since the version before, and the vendor's response."""

    version: PurchaseOrderVersion
    diff: VersionDiff
    response: VendorResponse | None
    response_lines: list[ResponseLineView] | None


def version_history(versions: Iterable[PurchaseOrderVersion]) -> list[HistoryEntry]:
    """The history pages' entries, newest first, from versions in ascending order (``selectors.po_versions``)."""
    entries = []
    previous = None
    for version in versions:
        response = getattr(version, "response", None)
        entries.append(
            HistoryEntry(
                version=version,
                diff=diff_versions(previous, version),
                response=response,
                response_lines=response_lines(version, response) if response else None,
            )
        )
        previous = version
    return list(reversed(entries))
