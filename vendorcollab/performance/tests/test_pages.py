"""The vendor performance pages per role: the buyer's ranking (filters, order, paging, export) and one vendor's page,
the vendor's own page and workspace tile; isolation between vendors; query counts that do not grow with vendors or
months."""

from __future__ import annotations

import csv
import io
import re
from datetime import date
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from vendorcollab.accounts.models import Role
from vendorcollab.common.testing import hostile
from vendorcollab.common.testing.factories import CompanyFactory, VendorFactory, make_user
from vendorcollab.invoicing.tests.buyer_helpers import accounts_payable
from vendorcollab.performance.selectors import default_period, forget_kept_figures
from vendorcollab.performance.tests.helpers import delivered
from vendorcollab.purchasing.models import ResponseKind

pytestmark = pytest.mark.django_db


@pytest.fixture
def history(cast) -> dict[str, Any]:
    """Vendor A: one PO received 30 days early (outside a 5-day tolerance: early), one rejected. Vendor B: one PO
    received a day early (on time)."""
    cast.company.delivery_tolerance_days = 5
    cast.company.save(update_fields=["delivery_tolerance_days"])
    common = {"agent": cast.agent, "clerk": cast.clerk, "item": cast.items[0]}
    early = delivered(vendor=cast.vendor_a, vendor_user=cast.vendor_a_user, days=30, **common)
    rejected = delivered(
        vendor=cast.vendor_a, vendor_user=cast.vendor_a_user, days=30, answer=ResponseKind.REJECTED, **common
    )
    on_time = delivered(vendor=cast.vendor_b, vendor_user=cast.vendor_b_user, days=1, **common)
    return {"early": early, "rejected": rejected, "on_time": on_time}


def ranking_vendors(html: str) -> list[str]:
    """The vendor numbers of the ranking's rows, in order."""
    table = html[html.index('id="ranking"') : html.index("</tbody>", html.index('id="ranking"'))]
    return re.findall(r'data-label="Vendor"><a [^>]*>(V-[A-Z0-9]+) ', table)


@pytest.mark.parametrize("role", ["admin", "agent", "clerk", "accounts payable"])
def test_every_buyer_role_sees_the_ranking_best_on_time_first(client, cast, history, role):
    user = accounts_payable() if role == "accounts payable" else getattr(cast, role)
    client.force_login(user)
    response = client.get(reverse("buyer:vendor_performance"))
    assert response.status_code == 200
    html = response.content.decode()
    assert ranking_vendors(html) == ["V-B", "V-A"]
    row_a = html[html.index(">V-A ") :]
    row_a = row_a[: row_a.index("</tr>")]
    # Vendor A: 2 answers, half accepted, half rejected; its one delivery early, none on time.
    assert 'data-label="Answers">2<' in row_a
    assert 'data-label="Accepted as sent">50.0%<' in row_a
    assert 'data-label="Rejected">50.0%<' in row_a
    assert 'data-label="On time">0.0%<' in row_a
    assert 'data-label="Early">100.0%<' in row_a
    assert "All vendors" in html  # the totals row


def test_the_ranking_sorts_by_the_column_chosen(client, cast, history):
    client.force_login(cast.agent)
    html = client.get(reverse("buyer:vendor_performance"), {"order": "vendor"}).content.decode()
    assert ranking_vendors(html) == ["V-A", "V-B"]
    assert 'aria-sort="ascending"' in html
    # Fewest answers with changes, then fastest: both equal here, so company and number decide.
    html = client.get(reverse("buyer:vendor_performance"), {"order": "accuracy"}).content.decode()
    assert 'aria-sort="descending"' in html  # the highest accuracy first
    # An order that does not exist falls back to on-time, never an error page.
    html = client.get(reverse("buyer:vendor_performance"), {"order": "nonsense"}).content.decode()
    assert ranking_vendors(html) == ["V-B", "V-A"]


def test_the_filters_narrow_the_ranking(client, cast, history):
    other = CompanyFactory(code="BE01", name="Contoso België")
    vendor_c = VendorFactory(company=other, number="V-C", name="Gamma")
    other_item = type(cast.items[0]).objects.create(company=other, number="BE-1", name="Bolt", unit="ea")
    user_c = make_user("gina", Role.VENDOR_USER, vendors=(vendor_c,))
    delivered(agent=cast.agent, clerk=cast.clerk, vendor=vendor_c, vendor_user=user_c, item=other_item, days=2)
    client.force_login(cast.agent)
    url = reverse("buyer:vendor_performance")
    # Vendor C received two days early with its company's tolerance of 0: early, like vendor A; the company's code
    # orders the two.
    assert ranking_vendors(client.get(url).content.decode()) == ["V-B", "V-C", "V-A"]
    assert ranking_vendors(client.get(url, {"company": other.pk}).content.decode()) == ["V-C"]
    assert ranking_vendors(client.get(url, {"item": other_item.pk}).content.decode()) == ["V-C"]
    html = client.get(url, {"from": "2020-01", "to": "2020-12"}).content.decode()
    assert ranking_vendors(html) == []
    assert "No vendor has answered or delivered in this period." in html
    # The filter stays in its fields.
    assert 'value="2020-01"' in html and 'value="2020-12"' in html


def test_a_wrong_period_is_refused_beside_its_field_and_keeps_what_was_typed(client, cast, history):
    client.force_login(cast.agent)
    response = client.get(reverse("buyer:vendor_performance"), {"from": "2026-13", "to": "2026-06"})
    assert response.status_code == 422
    html = response.content.decode()
    assert 'id="perf-from-error"' in html and "Enter a month as year and month" in html
    assert 'value="2026-13"' in html and 'value="2026-06"' in html
    assert 'id="ranking"' not in html
    response = client.get(reverse("buyer:vendor_performance"), {"from": "2026-06", "to": "2026-01"})
    assert response.status_code == 422
    assert 'id="perf-to-error"' in response.content.decode()


def test_the_ranking_pages_by_25(client, cast):
    for index in range(27):
        vendor = VendorFactory(company=cast.company, number=f"V-{index:02d}", name=f"Vendor {index}")
        user = make_user(f"v{index}", Role.VENDOR_USER, vendors=(vendor,))
        delivered(agent=cast.agent, clerk=cast.clerk, vendor=vendor, vendor_user=user, item=cast.items[0], days=1)
    client.force_login(cast.agent)
    first = client.get(reverse("buyer:vendor_performance"), {"order": "vendor"}).content.decode()
    second = client.get(reverse("buyer:vendor_performance"), {"order": "vendor", "page": 2}).content.decode()
    assert len(ranking_vendors(first)) == 25 and ranking_vendors(second) == ["V-25", "V-26"]
    assert "27 vendor accounts" in first


def test_the_ranking_exports_every_row_as_csv_and_excel(client, cast, history):
    client.force_login(cast.agent)
    response = client.get(reverse("buyer:vendor_performance"), {"format": "csv"})
    assert response.status_code == 200
    period = default_period()
    filename = f"vendor-performance-{period.start:%Y-%m}-{period.end:%Y-%m}.csv"
    assert f'filename="{filename}"' in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    header = rows[0]
    assert header[:4] == ["Vendor number", "Vendor", "Company", "Answers"]
    by_vendor = {row[0]: dict(zip(header, row, strict=True)) for row in rows[1:]}
    assert list(by_vendor) == ["V-B", "V-A"]
    assert by_vendor["V-A"]["Answers"] == "2"
    assert by_vendor["V-A"]["Rejected (%)"] == "50"
    assert by_vendor["V-A"]["On time (%)"] == "0"
    assert by_vendor["V-B"]["On time (%)"] == "100"
    assert by_vendor["V-A"]["Ship notices on time (%)"] == ""  # nothing to measure is empty, not 0

    response = client.get(reverse("buyer:vendor_performance"), {"format": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    cells = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert cells[0] == header
    assert [row[0] for row in cells[1:]] == ["V-B", "V-A"]
    answers = header.index("Answers")
    assert cells[2][answers] == 2  # a number in Excel, not text


def test_one_vendors_page_shows_its_figures_charts_and_their_tables(client, cast, history):
    client.force_login(cast.clerk)
    response = client.get(reverse("buyer:vendor_performance_detail", args=[cast.vendor_a.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Performance of Alpha Supplies" in html
    for key in ("chart-delivery-trend", "chart-response-trend", "chart-response-distribution", "chart-delivery-days"):
        assert f'id="{key}-numbers"' in html, key  # the table of each chart's numbers
    assert html.count('role="img"') >= 3  # the response trend is empty (answers take no time here) or drawn
    # Twelve months in each trend's table, the current one among them.
    today = date.today()
    assert html.count('<th scope="row">') >= 24
    assert f"{today:%Y}" in html
    # The one early delivery in the days distribution.
    days = html[html.index('id="chart-delivery-days-numbers"') :]
    assert re.search(r"<th scope=\"row\">More than 7 days early</th>\s*<td[^>]*>1</td>", days)


def test_one_vendors_page_exports_its_months(client, cast, history):
    client.force_login(cast.agent)
    response = client.get(
        reverse("buyer:vendor_performance_detail", args=[cast.vendor_a.pk]),
        {"format": "csv", "from": "2026-01", "to": "2026-06"},
    )
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][0] == "Month"
    assert [row[0] for row in rows[1:]] == [f"2026-0{month}-01" for month in range(1, 7)] + ["Whole period"]


def test_the_vendors_own_page_shows_only_its_own_accounts(client, cast, history):
    client.force_login(cast.vendor_a_user)
    response = client.get(reverse("vendor:performance"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Alpha Supplies" in html and "Beta Trading" not in html
    assert 'id="chart-delivery-trend"' in html
    # Its months as Excel: twelve months and the whole period, two answers in the total.
    response = client.get(reverse("vendor:performance"), {"format": "xlsx"})
    assert f"performance-v-a-{default_period().start:%Y-%m}" in response["Content-Disposition"]
    cells = [[cell.value for cell in row] for row in load_workbook(io.BytesIO(response.content)).active.iter_rows()]
    assert len(cells) == 1 + 12 + 1 and cells[-1][0] == "Whole period" and cells[-1][1] == 2
    # Another vendor's account is a 404, as are the buyer's pages.
    assert client.get(reverse("vendor:performance"), {"vendor": cast.vendor_b.pk}).status_code == 404
    assert client.get(reverse("vendor:performance"), {"vendor": "x"}).status_code == 404
    assert client.get(reverse("buyer:vendor_performance")).status_code == 404
    assert client.get(reverse("buyer:vendor_performance_detail", args=[cast.vendor_a.pk])).status_code == 404
    client.force_login(cast.vendor_b_user)
    html = client.get(reverse("vendor:performance")).content.decode()
    assert "Beta Trading" in html and "Alpha Supplies" not in html
    assert client.get(reverse("vendor:performance"), {"vendor": cast.vendor_a.pk}).status_code == 404


def test_a_user_of_two_accounts_switches_between_them(client, cast, history):
    both = make_user("hank", Role.VENDOR_USER, vendors=(cast.vendor_a, cast.vendor_b))
    client.force_login(both)
    html = client.get(reverse("vendor:performance")).content.decode()
    assert 'id="perf-vendor"' in html
    html = client.get(reverse("vendor:performance"), {"vendor": cast.vendor_b.pk}).content.decode()
    assert "V-B Beta Trading" in html
    assert re.search(rf'<option value="{cast.vendor_b.pk}" selected>', html)


def test_the_vendor_workspace_has_an_on_time_tile_and_the_buyers_a_link(client, cast, history):
    client.force_login(cast.vendor_b_user)
    html = client.get(reverse("vendor:workspace")).content.decode()
    tile = html[html.index('data-tile="on-time-') :]
    tile = tile[: tile.index("</a>")]
    assert "100.0%" in tile and "On-time delivery" in tile and "1 delivery" in tile
    client.force_login(cast.vendor_a_user)
    html = client.get(reverse("vendor:workspace")).content.decode()
    tile = html[html.index('data-tile="on-time-') :]
    assert "0.0%" in tile[: tile.index("</a>")]
    client.force_login(cast.agent)
    html = client.get(reverse("buyer:workspace")).content.decode()
    assert reverse("buyer:vendor_performance") in html


def test_the_ranking_costs_the_same_queries_for_2_vendors_as_for_8(client, cast, history):
    client.force_login(cast.agent)

    def queries() -> int:
        forget_kept_figures()  # cold: the figures are kept per stamp, and the count is of computing them
        with CaptureQueriesContext(connection) as captured:
            response = client.get(reverse("buyer:vendor_performance"))
        assert response.status_code == 200
        return len(captured)

    small = queries()
    for index in range(6):
        vendor = VendorFactory(company=cast.company, number=f"V-X{index}", name=f"Extra {index}")
        user = make_user(f"x{index}", Role.VENDOR_USER, vendors=(vendor,))
        delivered(agent=cast.agent, clerk=cast.clerk, vendor=vendor, vendor_user=user, item=cast.items[1], days=3)
    assert len(ranking_vendors(client.get(reverse("buyer:vendor_performance")).content.decode())) == 8
    assert queries() == small


def test_a_vendors_page_costs_the_same_queries_for_3_months_as_for_24(client, cast, history):
    def queries(user: Any, url: str, months: int) -> int:
        client.force_login(user)
        period = {"from": "2025-01", "to": f"{2025 + (months - 1) // 12}-{(months - 1) % 12 + 1:02d}"}
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url, period)
        assert response.status_code == 200
        assert response.content.decode().count('<th scope="row">') >= 2 * months
        return len(captured)

    buyer_page = reverse("buyer:vendor_performance_detail", args=[cast.vendor_a.pk])
    assert queries(cast.agent, buyer_page, 3) == queries(cast.agent, buyer_page, 24)
    vendor_page = reverse("vendor:performance")
    assert queries(cast.vendor_a_user, vendor_page, 3) == queries(cast.vendor_a_user, vendor_page, 24)


def test_the_vendor_workspace_tile_costs_the_same_queries_whatever_the_pos(client, cast, history):
    client.force_login(cast.vendor_a_user)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("vendor:workspace")).status_code == 200
        return len(captured)

    queries()  # the workspace's own fragment is cached from the second visit on
    small = queries()
    for _index in range(4):
        delivered(
            agent=cast.agent,
            clerk=cast.clerk,
            vendor=cast.vendor_a,
            vendor_user=cast.vendor_a_user,
            item=cast.items[2],
            days=2,
        )
    queries()
    assert queries() == small


def test_the_item_is_typed_by_its_number_and_a_wrong_one_is_refused_beside_the_field(client, cast, history):
    other = CompanyFactory(code="BE01", name="Contoso België")
    twin = type(cast.items[0]).objects.create(company=other, number=cast.items[0].number, name="Twin", unit="ea")
    vendor_c = VendorFactory(company=other, number="V-C", name="Gamma")
    user_c = make_user("gina", Role.VENDOR_USER, vendors=(vendor_c,))
    delivered(agent=cast.agent, clerk=cast.clerk, vendor=vendor_c, vendor_user=user_c, item=twin, days=2)
    client.force_login(cast.agent)
    url = reverse("buyer:vendor_performance")
    number = cast.items[0].number
    # The number is in both companies: the company decides which item.
    response = client.get(url, {"item_number": number})
    assert response.status_code == 422
    html = response.content.decode()
    assert 'id="perf-item-error"' in html and "choose the company too" in html
    assert f'value="{number}"' in html
    assert ranking_vendors(client.get(url, {"item_number": number, "company": other.pk}).content.decode()) == ["V-C"]
    html = client.get(url, {"item_number": number.lower(), "company": cast.company.pk}).content.decode()
    assert ranking_vendors(html) == ["V-B", "V-A"]
    # The detail page's filter reads it the same way.
    detail = reverse("buyer:vendor_performance_detail", args=[cast.vendor_a.pk])
    assert client.get(detail, {"item_number": cast.items[1].number}).status_code == 200
    response = client.get(url, {"item_number": "NO-SUCH-ITEM", "from": "2026-13"})
    assert response.status_code == 422
    html = response.content.decode()
    assert "No item has this number." in html and 'id="perf-from-error"' in html  # every problem at once


@pytest.mark.parametrize(
    ("view", "args_of"),
    [
        ("buyer:vendor_performance", lambda cast: []),
        ("buyer:vendor_performance_detail", lambda cast: [cast.vendor_a.pk]),
        ("vendor:performance", lambda cast: []),
    ],
)
def test_hostile_filters_are_refused_beside_their_field(client, cast, history, view, args_of):
    """Every hostile value typed into a filter (the pages' only typed input, a GET form) is answered, never a server
    error: a refusal beside the field it was typed in, or the page with the value ignored."""
    client.force_login(cast.vendor_a_user if view.startswith("vendor:") else cast.agent)
    url = reverse(view, args=args_of(cast))
    problems = []
    for field in ("from", "to", "item_number", "company", "item", "order", "vendor"):
        for bad in [*hostile.TEXTS, *hostile.DATES, *map(str, hostile.NUMBERS)]:
            response = client.get(url, {field: bad})
            if response.status_code >= 500 or response.status_code not in (200, 404, 422):
                problems.append(f"{field}={bad!r:.30}: {response.status_code}")
            elif response.status_code == 422 and f'id="perf-{field.removesuffix("_number")}-error"' not in (
                response.content.decode()
            ):
                problems.append(f"{field}={bad!r:.30}: refused without naming the field")
    assert not problems, "\n".join(problems)
