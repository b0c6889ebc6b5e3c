"""Test helpers for purchasing: answers in one line, and a fingerprint of the whole database state."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.apps import apps
from django.core import serializers

from vendorcollab.common.testing.factories import in_days
from vendorcollab.purchasing.models import LineAction
from vendorcollab.purchasing.services import LineAnswer, ScheduleInput


def database_fingerprint() -> str:
    """Every row of every project model, serialised: equal before and after means nothing changed."""
    models = [model for model in apps.get_models() if model.__module__.startswith("vendorcollab.")]
    return "\n".join(serializers.serialize("json", model._default_manager.order_by("pk")) for model in models)


def answer(line_number: int, action: LineAction, **extra: Any) -> LineAnswer:
    return LineAnswer(line_number=line_number, action=action, **extra)


def split(line_number: int, *parts: tuple[str, int]) -> LineAnswer:
    return LineAnswer(
        line_number=line_number,
        action=LineAction.SPLIT,
        schedule=tuple(ScheduleInput(quantity=Decimal(q), delivery_date=in_days(d)) for q, d in parts),
    )
