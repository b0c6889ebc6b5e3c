"""The one application error type: a stable code, a translatable message, field errors, and the HTTP status."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class CommonErrorCode(StrEnum):
    """The codes every app answers with the same meaning: one field or several wrong, an object outside the actor's
    reach, a role that does not allow the action, and the input rules of ``common.text``.

    A ``StrEnum`` equals its string, so the JSON output is the string itself. Codes are part of the API contract:
    add members; never rename a value.
    """

    INVALID_INPUT = "invalid_input"
    NOT_FOUND = "not_found"
    ROLE_NOT_ALLOWED = "role_not_allowed"
    REQUEST_TOO_LARGE = "request_too_large"
    # the input rules (common.text)
    CONTROL_CHARACTER = "control_character"
    IDENTIFIER_CHARACTERS = "identifier_characters"
    TEXT_TOO_LONG = "text_too_long"
    TOO_MANY_ROWS = "too_many_rows"
    NUMBER_OUT_OF_RANGE = "number_out_of_range"
    DATE_OUT_OF_RANGE = "date_out_of_range"
    TOTAL_TOO_LARGE = "total_too_large"


INVALID_INPUT = _("Some fields are not valid. Correct the marked fields and try again.")


class AppError(Exception):
    """A refusal that a person or an ERP can act on.

    ``code`` is stable (clients switch on it), ``message`` is a lazy translation rendered in the reader's
    language, ``fields`` maps input field paths (``lines.2.quantity``) to messages. Subclasses fix the HTTP status,
    so one handler can turn any of them into the API's JSON error shape.
    """

    status = 400

    def __init__(
        self,
        code: str,
        message: str | Promise,
        *,
        fields: Mapping[str, str | Promise] | None = None,
        params: Mapping[str, Any] | None = None,
        field_codes: Mapping[str, str] | None = None,
    ) -> None:
        self.code = code
        # The stable code behind each field's message, for clients that act on a field's problem.
        self.field_codes = dict(field_codes or {})
        self.message = message
        self.params = dict(params or {})
        self.fields = dict(fields or {})
        super().__init__(code)

    def __str__(self) -> str:
        return f"{self.code}: {self.rendered_message()}"

    def with_fields_renamed(self, names: Mapping[str, str]) -> AppError:
        """The same error with field paths renamed, for a face whose field has another name than the service's
        argument (the API's ``date`` for ``transfer_date``)."""
        self.fields = {names.get(key, key): value for key, value in self.fields.items()}
        self.field_codes = {names.get(key, key): value for key, value in self.field_codes.items()}
        return self

    def rendered_message(self) -> str:
        text = str(self.message)
        return text % self.params if self.params else text

    def as_dict(self) -> dict[str, Any]:
        """The body of the API's error shape: ``{"error": as_dict()}``."""
        return {
            "code": self.code,
            "message": self.rendered_message(),
            "fields": {key: str(value) for key, value in self.fields.items()},
        }


class ValidationFailed(AppError):
    """The input is wrong; nothing was changed."""

    status = 422


class NotFound(AppError):
    """The object does not exist for this actor (also when it exists but belongs to someone else)."""

    status = 404


class PermissionRefused(AppError):
    """The actor may see the object but not take this action (a role question, never a scoping question)."""

    status = 403


class Conflict(AppError):
    """The object is not in a state that allows the action, or somebody else acted first."""

    status = 409


class FieldErrors:
    """Collects errors per input field so that a person sees every problem at once, not one per try.

    ``catalogue`` maps each stable code to its message. With a single problem the error carries that problem's own
    code and message; with several, ``invalid_input`` and the per-field codes in ``field_codes``.
    """

    def __init__(self, catalogue: Mapping[str, str | Promise]) -> None:
        self.catalogue = catalogue
        self.fields: dict[str, str] = {}
        self.codes: dict[str, str] = {}
        self.params: dict[str, dict[str, Any]] = {}

    def add(self, path: str, code: str, **params: Any) -> None:
        if path not in self.fields:
            text = str(self.catalogue[code])
            self.fields[path] = text % params if params else text
            self.codes[path] = code
            self.params[path] = params

    def error(self) -> ValidationFailed | None:
        if not self.fields:
            return None
        if len(self.fields) == 1:
            [(path, code)] = self.codes.items()
            return ValidationFailed(
                code, self.catalogue[code], fields=self.fields, params=self.params[path], field_codes=self.codes
            )
        return ValidationFailed(
            CommonErrorCode.INVALID_INPUT, INVALID_INPUT, fields=self.fields, field_codes=self.codes
        )

    def conflict(self) -> Conflict | None:
        """The collected errors as a conflict (409): what was valid when entered was taken by someone else since
        (a received quantity another invoice invoiced first, an open quantity another ship notice announced).
        Several lines refused for one reason keep that reason's code, so that a client switches on
        ``over_invoiced`` or ``over_announced`` however many lines it concerns."""
        error = self.error()
        if error is None:
            return None
        codes = set(self.codes.values())
        if len(codes) == 1:
            [code] = codes
            first = next(iter(self.codes))
            return Conflict(
                code, self.catalogue[code], fields=self.fields, params=self.params[first], field_codes=self.codes
            )
        return Conflict(
            error.code, error.message, fields=error.fields, params=error.params, field_codes=error.field_codes
        )

    def raise_if_any(self) -> None:
        error = self.error()
        if error is not None:
            raise error
