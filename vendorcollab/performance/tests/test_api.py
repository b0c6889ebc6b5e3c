"""The vendor performance API: the buyer's ranking and one account's months, the vendor's own figures; decimals as
strings, filters as on the pages, refusals in the JSON error shape, isolation, constant query counts."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from vendorcollab.accounts.models import Role
from vendorcollab.api.tests.helpers import ApiClient, error_of
from vendorcollab.common.testing.factories import VendorFactory, make_user
from vendorcollab.performance.figures import Period
from vendorcollab.performance.selectors import default_period, forget_kept_figures, months_of
from vendorcollab.performance.tests.helpers import delivered
from vendorcollab.performance.tests.test_pages import history  # noqa: F401 (the fixture)

pytestmark = pytest.mark.django_db


def api(user: Any = None) -> ApiClient:
    return ApiClient(Client(), user)


def test_the_buyer_gets_every_vendor_ranked_with_its_figures(cast, history):  # noqa: F811
    response = api(cast.agent).get("/vendor-performance")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2 and body["next"] is None
    assert [row["vendor_number"] for row in body["items"]] == ["V-B", "V-A"]
    row_a = body["items"][1]
    assert row_a["vendor"] == cast.vendor_a.pk and row_a["company"] == cast.company.pk
    assert row_a["company_code"] == "NL01" and row_a["vendor_name"] == "Alpha Supplies"
    figures = row_a["figures"]
    assert figures["responses"] == 2 and figures["accepted"] == 1 and figures["rejected"] == 1
    # Decimals are strings; a share of nothing is null, not "0".
    assert figures["accepted_share"] == "50.0" and figures["rejected_share"] == "50.0"
    assert figures["on_time_share"] == "0.0" and figures["early_share"] == "100.0"
    assert figures["notices_on_time_share"] is None
    assert isinstance(figures["quantity_received"], str)
    # The order of the page: by vendor number.
    body = api(cast.agent).get("/vendor-performance", {"order": "vendor"}).json()
    assert [row["vendor_number"] for row in body["items"]] == ["V-A", "V-B"]


def test_with_vendor_the_buyer_gets_that_accounts_months_and_distributions(cast, history):  # noqa: F811
    response = api(cast.clerk).get("/vendor-performance", {"vendor": cast.vendor_a.pk, "from": "2026-01"})
    assert response.status_code == 200
    body = response.json()
    assert body["vendor"] == cast.vendor_a.pk and body["vendor_number"] == "V-A"
    # From January to the current month (``to`` left out).
    period = Period(start=date(2026, 1, 1), end=max(date(2026, 1, 1), default_period().end))
    assert body["period_from"] == "2026-01" and body["period_to"] == f"{period.end:%Y-%m}"
    assert [month["month"] for month in body["months"]] == [f"{month:%Y-%m}" for month in months_of(period)]
    assert body["figures"]["responses"] == 2
    # Every month is there, the empty ones with zero counts and null shares.
    empty = [month for month in body["months"] if month["figures"]["deliveries"] == 0]
    assert empty and all(month["figures"]["on_time_share"] is None for month in empty)
    buckets = {bucket["label"]: bucket for bucket in body["delivery_days_distribution"]}
    assert buckets["More than 7 days early"]["count"] == 1
    assert buckets["More than 7 days early"]["low"] is None and buckets["More than 7 days early"]["high"] == "-8"
    assert sum(bucket["count"] for bucket in body["response_time_distribution"]) == 2


def test_the_filters_are_the_pages(cast, history):  # noqa: F811
    client = api(cast.agent)
    assert client.get("/vendor-performance", {"from": "2020-01", "to": "2020-06"}).json()["count"] == 0
    assert client.get("/vendor-performance", {"item": cast.items[2].pk}).json()["count"] == 0
    assert client.get("/vendor-performance", {"item": cast.items[0].pk}).json()["count"] == 2
    assert client.get("/vendor-performance", {"company": cast.company.pk}).json()["count"] == 2


@pytest.mark.parametrize(
    ("params", "code", "field"),
    [
        ({"from": "2026-13"}, "period_invalid", "from"),
        ({"to": "june"}, "period_invalid", "to"),
        ({"from": "2026-06", "to": "2026-01"}, "period_ends_before_start", "to"),
        ({"from": "2000-01", "to": "2026-01"}, "period_too_long", "from"),
        ({"company": "987654"}, "company_invalid", "company"),
        ({"item": "987654"}, "item_invalid", "item"),
        ({"order": "best"}, "order_invalid", "order"),
    ],
)
def test_a_bad_filter_is_a_422_in_the_error_shape_naming_the_parameter(cast, params, code, field):
    response = api(cast.agent).get("/vendor-performance", params)
    assert response.status_code == 422
    error = error_of(response)
    assert error["code"] == code
    assert set(error["fields"]) == {field}


def test_a_parameter_of_the_wrong_type_is_refused_by_the_schema(cast):
    response = api(cast.agent).get("/vendor-performance", {"company": "abc"})
    assert response.status_code == 422
    assert error_of(response)["code"] == "invalid_input"


def test_the_vendor_sees_its_own_accounts_only(cast, history):  # noqa: F811
    body = api(cast.vendor_a_user).get("/vendor/performance").json()
    assert body["count"] == 1
    [own] = body["items"]
    assert own["vendor"] == cast.vendor_a.pk and own["figures"]["responses"] == 2
    assert len(own["months"]) == 12
    # Vendor B's account is a 404, by id, for vendor A's user; and the buyer's endpoint does not exist for it.
    response = api(cast.vendor_a_user).get("/vendor/performance", {"vendor": cast.vendor_b.pk})
    assert response.status_code == 404 and error_of(response)["code"] == "not_found"
    response = api(cast.vendor_a_user).get("/vendor-performance")
    assert response.status_code == 404 and error_of(response)["code"] == "not_found"
    body = api(cast.vendor_b_user).get("/vendor/performance").json()
    assert [item["vendor"] for item in body["items"]] == [cast.vendor_b.pk]
    assert body["items"][0]["figures"]["on_time_share"] == "100.0"


def test_a_user_of_two_accounts_gets_both_or_the_one_asked_for(cast, history):  # noqa: F811
    both = make_user("hank", Role.VENDOR_USER, vendors=(cast.vendor_a, cast.vendor_b))
    body = api(both).get("/vendor/performance").json()
    assert [item["vendor_number"] for item in body["items"]] == ["V-A", "V-B"]
    body = api(both).get("/vendor/performance", {"vendor": cast.vendor_b.pk}).json()
    assert [item["vendor_number"] for item in body["items"]] == ["V-B"]


def test_buyers_get_404_on_the_vendor_endpoint_and_anonymous_401(cast):
    response = api(cast.agent).get("/vendor/performance")
    assert response.status_code == 404
    assert api().get("/vendor-performance").status_code == 401
    assert api().get("/vendor/performance").status_code == 401


def test_the_buyer_of_another_vendor_id_gets_404(cast):
    response = api(cast.agent).get("/vendor-performance", {"vendor": 987654})
    assert response.status_code == 404 and error_of(response)["code"] == "not_found"


def test_the_ranking_costs_the_same_queries_for_2_vendors_as_for_7(cast, history):  # noqa: F811
    client = api(cast.agent)

    def queries(**params: Any) -> int:
        forget_kept_figures()  # computed, not kept: what computing the figures costs
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/vendor-performance", params).status_code == 200
        return len(captured)

    queries()  # the token's first use stamps it: not a cost of the list
    small, small_one = queries(), queries(vendor=cast.vendor_a.pk)
    for index in range(5):
        vendor = VendorFactory(company=cast.company, number=f"V-X{index}", name=f"Extra {index}")
        user = make_user(f"x{index}", Role.VENDOR_USER, vendors=(vendor,))
        delivered(agent=cast.agent, clerk=cast.clerk, vendor=vendor, vendor_user=user, item=cast.items[1], days=3)
    assert client.get("/vendor-performance").json()["count"] == 7
    assert queries() == small
    # One account's months: as many queries for 3 months as for 24.
    assert queries(vendor=cast.vendor_a.pk) == small_one
    assert queries(vendor=cast.vendor_a.pk, **{"from": "2025-01", "to": "2025-03"}) == queries(
        vendor=cast.vendor_a.pk, **{"from": "2025-01", "to": "2026-12"}
    )


def test_a_company_carries_its_delivery_tolerance(cast):
    client = api(cast.admin)
    response = client.post("/companies", {"code": "BE01", "name": "Contoso België", "delivery_tolerance_days": 3})
    assert response.status_code == 201, response.content
    assert response.json()["delivery_tolerance_days"] == 3
    listed = {company["code"]: company for company in client.get("/companies").json()["items"]}
    assert listed["BE01"]["delivery_tolerance_days"] == 3 and listed["NL01"]["delivery_tolerance_days"] == 0
    assert client.post("/companies", {"code": "BE02", "name": "B"}).json()["delivery_tolerance_days"] == 0
    # Beyond two months "on time" says nothing: refused by the service beside the field.
    response = client.post("/companies", {"code": "BE03", "name": "C", "delivery_tolerance_days": 61})
    assert response.status_code == 422
    error = error_of(response)
    assert error["code"] == "tolerance_out_of_range" and set(error["fields"]) == {"delivery_tolerance_days"}
    response = client.post("/companies", {"code": "BE04", "name": "D", "delivery_tolerance_days": -1})
    assert response.status_code == 422 and error_of(response)["code"] == "invalid_input"
