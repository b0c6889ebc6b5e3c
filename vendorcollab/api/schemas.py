"""Building blocks shared by every part of the API: input strictness, the number types, the token's shapes.

Decimals are read from JSON numbers or strings and written as strings; dates are ISO 8601 (DESIGN.md section 8).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, TypeVar

from django.core.serializers.json import DjangoJSONEncoder
from ninja import Field, Schema
from pydantic import BaseModel, BeforeValidator, ConfigDict, PlainSerializer, WithJsonSchema, field_validator

# A primary key: bounded so that an absurd number is a 422, not a database overflow.
Id = Annotated[int, Field(ge=1, le=2**63 - 1)]
# The precision of the database columns (``purchasing.models.quantity_field`` and ``price_field``).
Quantity = Annotated[Decimal, Field(max_digits=16, decimal_places=4)]
Price = Annotated[Decimal, Field(max_digits=18, decimal_places=4)]
Percent = Annotated[Decimal, Field(max_digits=5, decimal_places=2)]
Amount = Annotated[Decimal, Field(max_digits=20, decimal_places=2)]


def _as_django_writes_it(value: datetime) -> Any:
    return DjangoJSONEncoder().default(value)


# A date and time as every answer writes it (ninja's renderer, through Django's encoder: milliseconds, "Z" for UTC),
# also where pydantic writes the JSON itself (``api.purchase_order_output``'s pages of POs).
DateTime = Annotated[
    datetime,
    PlainSerializer(_as_django_writes_it, when_used="json"),
    WithJsonSchema({"type": "string", "format": "date-time"}),
]


def _none_as_empty(value: object) -> object:
    return "" if value is None else value


# Optional text: a client may leave it out, send "" or send null, and all three mean "nothing".
Text = Annotated[str, BeforeValidator(_none_as_empty)]


class OutSchema(BaseModel):
    """An object the API returns, made field by field by its schema's ``build`` from typed database values.

    A plain pydantic model rather than ``ninja.Schema``: ninja's schema validates every object again through an
    attribute-lookup wrapper when a response is returned, which for a page of 50 POs with their lines cost more
    than reading them from the database. The OpenAPI document is the same, and the tests check every response
    against it (schemathesis).
    """


_Out = TypeVar("_Out", bound="OutSchema")


def constructed(cls: type[_Out], values: dict[str, Any]) -> _Out:
    """What ``cls.model_construct(**values)`` makes, for ``values`` that give every field: without its walk over the
    fields for defaults and aliases, which for the ~600 lines of a page of 50 POs cost more than reading them."""
    instance = cls.__new__(cls)
    object.__setattr__(instance, "__dict__", values)
    object.__setattr__(instance, "__pydantic_fields_set__", set(values))
    object.__setattr__(instance, "__pydantic_extra__", None)
    object.__setattr__(instance, "__pydantic_private__", None)
    return instance


class InputSchema(Schema):
    """A request body. Unknown fields are refused rather than ignored: a misspelt field must not be lost in silence."""

    model_config = ConfigDict(extra="forbid")


class NoNullCharacters:
    """Refuses text with a NUL character, which PostgreSQL cannot store or compare (a 500 otherwise)."""

    @field_validator("*", mode="after")
    @classmethod
    def _no_null_character(cls, value: object) -> object:
        if isinstance(value, str) and "\x00" in value:
            raise ValueError("NUL character")
        return value


class TokenIn(NoNullCharacters, InputSchema):
    username: str = Field(max_length=254, description="The user name or e-mail address, as on the sign-in page.")
    password: str = Field(max_length=4096)
    name: Text = Field("", max_length=100, description="What the token is for, shown in the back office.")
    otp: Text = Field(
        "",
        max_length=64,
        description="For accounts with two-factor authentication: the code of the authenticator app, or a recovery "
        "code (which is then used up).",
    )


class TokenOut(Schema):
    token: str = Field(description="Send it as `Authorization: Bearer <token>`. It is shown only this once.")
    expires_at: datetime | None = Field(description="Tokens do not expire; they are revoked in the back office.")


class ScheduleOut(OutSchema):
    """A schedule line of a split line."""

    quantity: Decimal
    delivery_date: date


class ScheduleIn(InputSchema):
    quantity: Quantity
    delivery_date: date
