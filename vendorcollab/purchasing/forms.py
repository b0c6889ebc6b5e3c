"""The vendor's response editor: the header and one small form per line, parsed from one plain form post.

The editor only collects and checks the input's shape (numbers are numbers, dates are dates); every business rule
is the service's. Service refusals come back as field paths (``lines.2.quantity``) and are shown next to the
same fields here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext_lazy as _

from vendorcollab.common.errors import AppError
from vendorcollab.common.formatting import plain_number
from vendorcollab.common.widgets import DateInput

from .errors import MESSAGES
from .models import LineAction, PurchaseOrderVersion, VersionLine
from .services import LineAnswer, ScheduleInput, UploadInput
from .services.attachments import safe_file_name


def choose_again(file: Any) -> str:
    """What to say next to a file input whose file was chosen but not kept: the page is shown again (another field's
    error), and no browser lets a page fill in a file input, so the person must choose the file again."""
    return str(MESSAGES["file_choose_again"]) % {"name": safe_file_name(getattr(file, "name", "") or "")}


MAX_SCHEDULE_ROWS = 20
# Form keys that are not the vendor's input and are never kept in a draft.
NOT_TYPED = frozenset({"csrfmiddlewaretoken", "command", "version"})


class ReasonForm(forms.Form):
    """Reject: the vendor says why."""

    reason = forms.CharField(label=_("Reason for rejecting"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)
    vendor_reference = forms.CharField(label=_("Your reference"), required=False, max_length=100)


class AcceptForm(forms.Form):
    vendor_reference = forms.CharField(label=_("Your reference"), required=False, max_length=100)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=4000)


class HeaderForm(forms.Form):
    vendor_reference = forms.CharField(label=_("Your reference"), required=False, max_length=100)
    note = forms.CharField(
        label=_("Note to the customer"), required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=4000
    )
    delivery_date = forms.DateField(
        label=_("Confirmed delivery date for all lines"), required=False, widget=DateInput()
    )
    attachment = forms.FileField(label=_("Attach a file"), required=False)


class LineForm(forms.Form):
    action = forms.ChoiceField(label=_("Response"), choices=LineAction.choices)
    quantity = forms.DecimalField(label=_("Confirmed quantity"), required=False, max_digits=16, decimal_places=4)
    delivery_date = forms.DateField(label=_("Confirmed delivery date"), required=False, widget=DateInput())
    external_item_number = forms.CharField(label=_("Your item number"), required=False, max_length=60)
    external_description = forms.CharField(label=_("Your description"), required=False, max_length=300)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=4000)
    attachment = forms.FileField(label=_("Attach a file"), required=False)


class ScheduleRowForm(forms.Form):
    quantity = forms.DecimalField(label=_("Quantity"), required=False, max_digits=16, decimal_places=4)
    delivery_date = forms.DateField(label=_("Delivery date"), required=False, widget=DateInput())

    @property
    def is_blank(self) -> bool:
        return not any((self.data.get(self.add_prefix(name)) or "").strip() for name in self.fields)


@dataclass
class LineEditor:
    """One version line in the editor: what was ordered, and the vendor's answer as typed."""

    line: VersionLine
    index: int
    form: LineForm
    schedule: list[ScheduleRowForm] = field(default_factory=list)
    service_errors: dict[str, str] = field(default_factory=dict)

    @property
    def prefix(self) -> str:
        return f"line-{self.line.line_number}"

    @property
    def action(self) -> str:
        return str(self.form["action"].value() or LineAction.ACCEPT)

    def schedule_total(self) -> Decimal:
        total = Decimal(0)
        for row in self.schedule:
            try:
                value = Decimal(str(row["quantity"].value() or "0").replace(",", "."))
            except ArithmeticError:
                continue
            # What no quantity field holds (NaN, 1E+30) is refused beside its field; the total leaves it out.
            if value.is_finite() and abs(value) < 10**12:
                total += value
        return total

    @property
    def schedule_difference(self) -> Decimal:
        return self.schedule_total() - self.line.quantity

    def error(self, name: str) -> str:
        return self.service_errors.get(name, "")


class ResponseEditor:
    """Every field of an "Accept with changes" answer to one version."""

    def __init__(
        self,
        version: PurchaseOrderVersion,
        data: Mapping[str, Any] | None = None,
        files: Any = None,
    ) -> None:
        self.version = version
        self.bound = data is not None
        self.data = data if data is not None else self._initial_data(version)
        self.files = files if files is not None else MultiValueDict()
        self.header = HeaderForm(self.data, self.files, prefix="response")
        self.general_errors: list[str] = []
        self.header_errors: dict[str, str] = {}
        self.lines: list[LineEditor] = []
        for index, line in enumerate(line for line in version.lines.all() if not line.is_cancelled):
            prefix = f"line-{line.line_number}"
            editor = LineEditor(line=line, index=index, form=LineForm(self.data, self.files, prefix=prefix))
            count = self._row_count(prefix)
            editor.schedule = [ScheduleRowForm(self.data, prefix=f"{prefix}-schedule-{row}") for row in range(count)]
            self.lines.append(editor)

    @staticmethod
    def _initial_data(version: PurchaseOrderVersion) -> dict[str, str]:
        data: dict[str, str] = {}
        for line in version.lines.all():
            prefix = f"line-{line.line_number}"
            data[f"{prefix}-action"] = LineAction.ACCEPT
            data[f"{prefix}-quantity"] = plain_number(line.quantity)
            data[f"{prefix}-delivery_date"] = line.delivery_date.isoformat()
            # A split starts from the ordered quantity and date on its first row, and an empty second row.
            data[f"{prefix}-schedule-count"] = "2"
            data[f"{prefix}-schedule-0-quantity"] = data[f"{prefix}-quantity"]
            data[f"{prefix}-schedule-0-delivery_date"] = data[f"{prefix}-delivery_date"]
        return data

    def _row_count(self, prefix: str) -> int:
        try:
            count = int(self.data.get(f"{prefix}-schedule-count", 2))
        except (TypeError, ValueError):
            count = 2
        return max(0, min(count, MAX_SCHEDULE_ROWS))

    # --- commands that only change the form (add a schedule row, fill every date) ---------------------------

    def _place_typed(self, key: str, message: str) -> bool:
        """An error on a typed field by its form name (``line-3-note``), as a saved draft names them."""
        if key.startswith("response-") and key.removeprefix("response-") in self.header.fields:
            self.header.add_error(key.removeprefix("response-"), message)
            return True
        for editor in self.lines:
            name = key.removeprefix(f"{editor.form.prefix}-")
            if name != key and name in editor.form.fields and editor.form.errors is not None:
                editor.form.add_error(name, message)
                return True
            for row in editor.schedule:
                name = key.removeprefix(f"{row.prefix}-")
                if name != key and name in row.fields and row.errors is not None:
                    row.add_error(name, message)
                    return True
        return False

    def payload(self) -> dict[str, str]:
        """The typed fields, for a draft or a re-render: plain strings, files left out."""
        return {key: value for key, value in self._flat(self.data).items() if key not in NOT_TYPED}

    @staticmethod
    def _flat(data: Mapping[str, Any]) -> dict[str, str]:
        getter = getattr(data, "get", None)
        return {key: str(getter(key) if getter else data[key]) for key in data}

    def with_changes(self, changes: dict[str, str]) -> ResponseEditor:
        data = {**self.payload(), **changes}
        return ResponseEditor(self.version, data, self.files)

    def add_schedule_row(self, line_number: int) -> ResponseEditor:
        prefix = f"line-{line_number}"
        return self.with_changes({f"{prefix}-schedule-count": str(min(self._row_count(prefix) + 1, MAX_SCHEDULE_ROWS))})

    def remove_schedule_row(self, line_number: int, row: int) -> ResponseEditor:
        prefix = f"line-{line_number}"
        data = self.payload()
        count = self._row_count(prefix)
        for position in range(row, count - 1):
            for name in ("quantity", "delivery_date"):
                data[f"{prefix}-schedule-{position}-{name}"] = data.get(f"{prefix}-schedule-{position + 1}-{name}", "")
        for name in ("quantity", "delivery_date"):
            data.pop(f"{prefix}-schedule-{count - 1}-{name}", None)
        data[f"{prefix}-schedule-count"] = str(max(count - 1, 0))
        return ResponseEditor(self.version, data, self.files)

    def fill_delivery_dates(self) -> ResponseEditor:
        """ "Update delivery date": the header's date on every line; accepted lines become changed lines."""
        date = str(self.data.get("response-delivery_date") or "")
        if not date:
            return self
        changes: dict[str, str] = {}
        for editor in self.lines:
            if editor.action in (LineAction.REJECT, LineAction.SPLIT):
                continue
            changes[f"{editor.prefix}-delivery_date"] = date
            if editor.action == LineAction.ACCEPT and date != editor.line.delivery_date.isoformat():
                changes[f"{editor.prefix}-action"] = LineAction.CHANGE
        return self.with_changes(changes)

    # --- validation and conversion to the service's input --------------------------------------------------------

    def is_valid(self) -> bool:
        valid = self.header.is_valid()
        for editor in self.lines:
            valid = editor.form.is_valid() and valid
            if editor.action == LineAction.SPLIT:
                valid = all([row.is_valid() for row in editor.schedule]) and valid
        return valid

    def answers(self) -> list[LineAnswer]:
        """The line answers, in line order (so a service error ``lines.N`` is ``self.lines[N]``)."""
        answers = []
        for editor in self.lines:
            values = editor.form.cleaned_data
            action = LineAction(values["action"])
            line = editor.line
            quantity = values.get("quantity")
            date = values.get("delivery_date")
            schedule: tuple[ScheduleInput, ...] = ()
            if action == LineAction.SPLIT:
                schedule = tuple(
                    ScheduleInput(
                        quantity=row.cleaned_data["quantity"], delivery_date=row.cleaned_data["delivery_date"]
                    )
                    for row in editor.schedule
                    if not row.is_blank
                    and row.cleaned_data.get("quantity") is not None
                    and row.cleaned_data.get("delivery_date") is not None
                )
            answers.append(
                LineAnswer(
                    line_number=line.line_number,
                    action=action,
                    # The prefilled values are the ordered ones: the service tells a change from an echo of them.
                    quantity=quantity if action in (LineAction.CHANGE, LineAction.SUBSTITUTE) else None,
                    delivery_date=date if action in (LineAction.CHANGE, LineAction.SUBSTITUTE) else None,
                    schedule=schedule,
                    external_item_number=values.get("external_item_number") or "",
                    external_description=values.get("external_description") or "",
                    note=values.get("note") or "",
                )
            )
        return answers

    def quantity_differences(self) -> list[dict[str, Any]]:
        """The changed, substituted and split lines whose confirmed total is not the ordered quantity: what the
        vendor is asked to confirm once before the answer goes out. Call after ``is_valid``."""
        found = []
        for editor in self.lines:
            action = editor.action
            if action in (LineAction.CHANGE, LineAction.SUBSTITUTE):
                confirmed = editor.form.cleaned_data.get("quantity")
            elif action == LineAction.SPLIT:
                confirmed = sum(
                    (
                        row.cleaned_data["quantity"]
                        for row in editor.schedule
                        if not row.is_blank and row.cleaned_data.get("quantity") is not None
                    ),
                    Decimal(0),
                )
            else:
                continue
            # A quantity of zero or less is refused by the service anyway: no question before that error.
            if confirmed is not None and confirmed > 0 and confirmed != editor.line.quantity:
                found.append({"line": editor.line.line_number, "confirmed": confirmed, "ordered": editor.line.quantity})
        return found

    def _chosen_files(self) -> list[tuple[LineEditor | None, Any]]:
        """Each file chosen in this post, with its line (None for the header), in the order of ``uploads()``."""
        chosen: list[tuple[LineEditor | None, Any]] = []
        header_file = self.files.get("response-attachment")
        if header_file:
            chosen.append((None, header_file))
        for editor in self.lines:
            line_file = self.files.get(f"{editor.prefix}-attachment")
            if line_file:
                chosen.append((editor, line_file))
        return chosen

    def uploads(self) -> list[UploadInput]:
        return [
            UploadInput(file=file, line_number=editor.line.line_number if editor else None)
            for editor, file in self._chosen_files()
        ]

    def _file_error(self, editor: LineEditor | None) -> str:
        form = self.header if editor is None else editor.form
        own = self.header_errors.get("attachment", "") if editor is None else ""
        return own or " ".join(str(message) for message in form.errors.get("attachment") or [])

    def _add_file_error(self, editor: LineEditor | None, message: str) -> None:
        if editor is None:
            self.header_errors["attachment"] = message
        else:
            editor.form.add_error("attachment", message)

    def ask_to_choose_files_again(self) -> None:
        """The page is shown again with this post's files lost: say so next to each file that has no error of its
        own (one that has says what to do with it already)."""
        for editor, file in self._chosen_files():
            if not self._file_error(editor):
                self._add_file_error(editor, choose_again(file))

    @property
    def vendor_reference(self) -> str:
        return str(self.header.cleaned_data.get("vendor_reference") or "")

    @property
    def note(self) -> str:
        return str(self.header.cleaned_data.get("note") or "")

    def add_service_error(self, error: AppError) -> None:
        """Put each of the service's field errors next to its field; the rest on top of the form."""
        for path, message in error.fields.items():
            if not self._place(path.split("."), str(message)):
                self.general_errors.append(str(message))
        if not error.fields:
            self.general_errors.append(error.rendered_message())

    def _place(self, parts: list[str], message: str) -> bool:
        if parts[0] == "attachments":
            # ``attachments.<n>`` is the n-th of ``uploads()``: the header's file or a line's, next to its input.
            chosen = self._chosen_files()
            index = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else 0
            self._add_file_error(chosen[index][0] if index < len(chosen) else None, message)
            return True
        if len(parts) == 1 and parts[0] in self.header.fields and self.header.errors is not None:
            self.header.add_error(parts[0], message)
            return True
        if len(parts) == 1 and self._place_typed(parts[0], message):
            return True
        if parts[0] != "lines" or len(parts) < 3 or not parts[1].isdigit() or int(parts[1]) >= len(self.lines):
            return False
        editor = self.lines[int(parts[1])]
        rest = parts[2:]
        if rest[0] == "schedule" and len(rest) == 3 and rest[1].isdigit() and int(rest[1]) < len(editor.schedule):
            row = editor.schedule[int(rest[1])]
            if rest[2] in row.fields and row.errors is not None:
                row.add_error(rest[2], message)
                return True
        if len(rest) == 1 and rest[0] in editor.form.fields and rest[0] != "action" and editor.form.errors is not None:
            editor.form.add_error(rest[0], message)
            return True
        editor.service_errors[".".join(rest)] = message
        return True

    @property
    def has_errors(self) -> bool:
        return bool(
            self.general_errors
            or self.header_errors
            or self.header.errors
            or any(editor.form.errors or editor.service_errors for editor in self.lines)
            or any(row.errors for editor in self.lines if editor.action == LineAction.SPLIT for row in editor.schedule)
        )

    def typed_notes(self) -> list[tuple[str, str]]:
        """What the vendor wrote in free text, to show again when a newer version made the answer moot."""
        notes = []
        if self.data.get("response-note"):
            notes.append((str(_("Note to the customer")), str(self.data["response-note"])))
        for editor in self.lines:
            text = self.data.get(f"{editor.prefix}-note")
            if text:
                notes.append((str(_("Line %(number)s") % {"number": editor.line.line_number}), str(text)))
        return notes
