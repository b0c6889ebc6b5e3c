"""Money as the portal computes and shows it: half-up per line to the currency's decimals, never cut off."""

from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation

from vendorcollab.common.formatting import currency_places, line_amount, money_text, round_money
from vendorcollab.common.testing.factories import in_days
from vendorcollab.purchasing.models import VersionLine


@pytest.mark.parametrize(
    ("value", "currency", "expected"),
    [
        ("814.625", "EUR", "814.63"),  # the case: half-even (and truncation) gave 814.62
        ("814.615", "EUR", "814.62"),
        ("0.005", "", "0.01"),
        ("-2.345", "EUR", "-2.35"),  # half-up is away from zero, as on an invoice
        ("1234.5", "JPY", "1235"),
        ("1233.5", "JPY", "1234"),
    ],
)
def test_round_money_is_half_up_to_the_currency_decimals(value, currency, expected):
    assert round_money(Decimal(value), currency) == Decimal(expected)
    assert str(round_money(Decimal(value), currency)) == expected


def test_currency_places():
    assert (currency_places("EUR"), currency_places("jpy"), currency_places(""), currency_places("XYZ")) == (2, 0, 2, 2)


def test_a_line_amount_is_rounded_once_half_up():
    assert line_amount(quantity=Decimal(1), unit_price=Decimal("814.625"), discount_percent=Decimal(0)) == Decimal(
        "814.63"
    )
    assert line_amount(quantity=Decimal(10), unit_price=Decimal("90.5139"), discount_percent=Decimal(10)) == Decimal(
        "814.63"
    )  # 905.139 x 0.9 = 814.6251
    assert line_amount(quantity=Decimal(5), unit_price=Decimal("162.925"), discount_percent=Decimal(0)) == Decimal(
        "814.63"
    )  # 814.625 exactly


def test_the_line_model_amount_rounds_half_up():
    line = VersionLine(
        line_number=1,
        quantity=Decimal(5),
        unit="pcs",
        unit_price=Decimal("162.925"),
        discount_percent=Decimal(0),
        delivery_date=in_days(1),
    )
    assert line.amount == Decimal("814.63")
    line.is_cancelled = True
    assert line.amount == Decimal(0)


@pytest.mark.parametrize(
    ("language", "currency", "expected"),
    [
        ("en", "EUR", "12,814.63 EUR"),
        ("nl", "EUR", "12.814,63 EUR"),
        ("en", "", "12,814.63"),
        ("en", "JPY", "12,815 JPY"),
    ],
)
def test_money_text_and_the_money_filter_round_instead_of_cutting_off(language, currency, expected):
    value = Decimal("12814.625")
    with translation.override(language):
        assert money_text(value, currency) == expected
        rendered = Template("{% load vc %}{{ value|money:currency }}").render(
            Context({"value": value, "currency": currency})
        )
    assert rendered == expected
