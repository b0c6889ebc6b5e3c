"""Form widgets every app shares."""

from __future__ import annotations

from typing import Any

from django import forms


class DateInput(forms.DateInput):
    """The browser's date picker. Its value is always ISO 8601 (2026-12-06), whatever the page's language: the
    browser shows it in the reader's own convention, and would leave the field empty for a localized value such as
    Dutch 06-12-2026 (Django's default for a DateInput)."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")
