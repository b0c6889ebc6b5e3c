"""The API's JSON renderer answers decimals and dates first, and must write exactly what ninja's would."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from enum import Enum

from django.test import RequestFactory
from ninja.renderers import JSONRenderer

from vendorcollab.api.renderers import FastJSONRenderer


class Colour(Enum):
    RED = "red"


def test_the_output_is_ninjas_for_every_kind_of_value():
    request = RequestFactory().get("/")
    moment = dt.datetime(2026, 12, 6, 15, 56, 38, 564435, tzinfo=dt.UTC)
    data = {
        "quantity": Decimal("10.0000"),
        "negative": Decimal("-0.01"),
        "exponent": Decimal("1E+2"),
        "date": dt.date(2026, 12, 6),
        "moment": moment,
        "time": dt.time(8, 30),
        "colour": Colour.RED,
        "nested": [{"amount": Decimal("12.40"), "due": dt.date(2027, 1, 31), "none": None, "flag": True}],
    }

    ours = FastJSONRenderer().render(request, data, response_status=200)

    assert ours == JSONRenderer().render(request, data, response_status=200)
    assert json.loads(ours)["quantity"] == "10.0000"
    assert json.loads(ours)["moment"] == "2026-12-06T15:56:38.564Z"
