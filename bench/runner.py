"""The benchmark run: every measured page and endpoint over HTTP against gunicorn, the framework's floor in the
same run, throughput under concurrent clients, and a worker's memory over 10,000 requests.

Latencies are measured by the client, from sending the request to the last byte of the answer, one request at a
time (so a figure is the cost of one request, not of queueing). Query counts come from the server's
``X-Query-Count`` header. Percentiles are nearest-rank over every measured request, after a warm-up that is not
counted.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
import multiprocessing
import re
import statistics
import time
import zlib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from django.db import connections
from django.urls import reverse

from vendorcollab.purchasing.models import VendorResponse

from .client import Client, Response, form_fields
from .server import Gunicorn, rss_kib
from .targets import Targets

FLOOR = "floor: a constant Django view"
INVOICE_CREATED = "invoice of 10 POs x 10 lines, created and submitted (API)"
INVOICE_WARMUP = 3  # each invoice consumes its ten POs, made through the services: a short warm-up is enough


def invoices_measured(requests: int) -> int:
    return max(20, requests // 10)


NOTICE_CREATED = "ship notice of 10 lines, created (vendor API)"
RANKING_COMPUTED = "buyer performance ranking, a period not asked before (figures computed)"
NOTICE_WARMUP = 5  # each notice ships one fresh 10-line PO made through the services


def notices_measured(requests: int) -> int:
    return max(20, requests // 4)


# The budgets of issue 8 (PostgreSQL, 200,000 POs, a 2-core machine): p95 in milliseconds.
BUDGETS_MS = {
    "vendor workspace (big vendor)": 50,
    "vendor list: for review": 40,
    "vendor list: awaiting customer": 40,
    "vendor list: open confirmed": 40,
    "vendor list: all confirmed": 40,
    "vendor list: history": 40,
    "50-line PO, vendor view": 60,
    "accept with changes, 50-line PO": 150,
    "buyer preparation workspace": 60,
    "API list, 50 POs": 30,
    "API PO detail": 30,
    "PEPPOL Order import, 10 lines": 100,
    # Issue 15: an Order Change makes and sends the next version; a 50-line Order Response is written on demand.
    "PEPPOL Order Change import, 10 lines": 150,
    "Order Response (T76) written, 50 lines": 60,
    "PDF of a 50-line PO, after the first": 30,
    # Issue 16: the vendor's invoicing workspace and lists, the buyer's invoice workspace and lists (114,000
    # invoices), an invoice of 10 received POs of 10 lines made and submitted by the vendor's ERP (100 PO lines
    # locked, checked, matched), and its PEPPOL Billing 3 document.
    "vendor invoicing workspace": 50,
    "vendor invoice list: ready to invoice": 50,
    "vendor invoice list: submitted": 50,
    "buyer invoice workspace (accounts payable)": 60,
    "buyer invoice list: on hold": 50,
    "buyer invoice list: all": 50,
    INVOICE_CREATED: 400,
    "Invoice (Billing 3) written, 100 lines": 100,
    # Issue 17: ship notices (about 110,000 over the year, 6,000 in transit) and vendor performance (the facts of
    # 200,000 POs). The lists and pages are indexed reads of one page of rows, budgeted like the invoice lists; a
    # notice of 10 lines locks, checks and moves 10 PO lines and writes its events; the ranking groups a year of
    # facts of every vendor, the one-vendor pages a year of one vendor's.
    "vendor ship-notice list: shipped": 50,
    "vendor ship-notice list: all": 50,
    "buyer incoming shipments: this week": 60,
    "buyer incoming shipments: overdue": 60,
    "ship notice page (vendor)": 50,
    "ship notice page (buyer)": 50,
    NOTICE_CREATED: 150,
    "Despatch Advice (T16) written, 10 lines": 60,
    "buyer performance ranking (12 months, all vendors)": 150,
    # The first view of a filter nobody asked for since the figures last changed: computed, not kept (the ranking's
    # figures are kept per process under their stamp, so the row above is mostly the kept ones).
    RANKING_COMPUTED: 300,
    "vendor performance page (buyer, one vendor)": 100,
    "vendor performance page (the vendor's own)": 100,
    "performance API: ranking": 150,
    "performance API: the vendor's own": 100,
}
# Issue 18: the PO loop over the API and the lists an ERP reads, budgeted on the median (p50) as the issue sets them:
# ten times faster than an established ERP's create-quote-confirm (836-976 ms for the same 10-line PO).
FLOW_MANUAL = "PO loop, manual: create, send, accept, confirm (API)"
FLOW_AUTO = "PO loop, auto-confirm: create, send, accept (API)"
BUYER_VENDOR_LIST = "API list, 50 POs of one vendor"
BUDGETS_P50_MS = {
    FLOW_MANUAL: 80,
    FLOW_AUTO: 60,
    "PO loop step: send (freeze 10 lines)": 20,
    BUYER_VENDOR_LIST: 20,
}
BUDGETS_MS.update(
    {
        # Issue 18 tightened these: the vendor's lists to 30, the API's list and detail to 20 and 15.
        **{name: 30 for name in BUDGETS_MS if name.startswith("vendor list: ")},
        "API list, 50 POs": 20,
        "API PO detail": 15,
    }
)
# Issue 18: every budget set before it must be met with this much room (a p95 at most 75 % of the budget), so that
# a rerun on a busier minute still meets it; the budgets issue 18 set are its own targets and are met as they are.
ROOM = 0.25
BUDGETS_WITHOUT_ROOM = {*BUDGETS_P50_MS, "API list, 50 POs", "API PO detail"} | {
    name for name in BUDGETS_MS if name.startswith("vendor list: ")
}
THROUGHPUT_BUDGET = 250  # vendor workspace requests per second
MEMORY_GROWTH_LIMIT_KIB = 4096  # per worker, from request 1,000 to request 10,000


def fresh_periods(today: dt.date) -> list[tuple[str, str]]:
    """Periods of six to 36 months ending in one of the last twelve months, each once, in a fixed shuffled order:
    every request of the ranking asks for figures no one asked for before, as a buyer changing the filter does."""

    def month(index: int) -> str:
        year, month0 = divmod(index, 12)
        return f"{year:04d}-{month0 + 1:02d}"

    current = today.year * 12 + today.month - 1
    periods = [(month(end - span), month(end)) for end in range(current - 11, current + 1) for span in range(5, 36)]
    return sorted(periods, key=lambda period: zlib.crc32(f"{period}".encode()))


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


@dataclass
class Measurement:
    name: str
    expected_status: int
    seconds: list[float] = field(default_factory=list)
    queries: list[int] = field(default_factory=list)
    statuses: Counter[int] = field(default_factory=Counter)

    def add(self, response: Response) -> None:
        self.statuses[response.status] += 1
        if response.status != self.expected_status:
            raise RuntimeError(
                f"{self.name}: HTTP {response.status} where {self.expected_status} was expected: {response.text[:300]}"
            )
        self.seconds.append(response.seconds)
        if response.queries is not None:
            self.queries.append(response.queries)

    def summary(self, floor_p50_ms: float | None) -> dict[str, Any]:
        p50 = percentile(self.seconds, 0.50) * 1000
        p95 = percentile(self.seconds, 0.95) * 1000
        budget = BUDGETS_MS.get(self.name)
        budget_p50 = BUDGETS_P50_MS.get(self.name)
        room = 0.0 if self.name in BUDGETS_WITHOUT_ROOM else ROOM
        verdicts = [p95 <= budget * (1 - room)] if budget else []
        verdicts += [p50 <= budget_p50] if budget_p50 else []
        return {
            "name": self.name,
            "requests": len(self.seconds),
            "p50_ms": round(p50, 2),
            "p95_ms": round(p95, 2),
            "mean_ms": round(statistics.fmean(self.seconds) * 1000, 2),
            "max_ms": round(max(self.seconds) * 1000, 2),
            "queries": max(self.queries) if self.queries else None,
            "queries_min": min(self.queries) if self.queries else None,
            "p50_to_floor": round(p50 / floor_p50_ms, 1) if floor_p50_ms else None,
            "budget_p95_ms": budget,
            "budget_p50_ms": budget_p50,
            "room_required": room if budget else None,
            "within_budget": all(verdicts) if verdicts else None,
        }


class Runner:
    def __init__(self, *, server: Gunicorn, targets: Targets, requests: int, warmup: int, log: Callable[[str], None]):
        self.server = server
        self.targets = targets
        self.requests = requests
        self.warmup = warmup
        self.log = log
        self.results: list[Measurement] = []

    def client(self, username: str = "", token: str = "") -> Client:
        client = Client("127.0.0.1", self.server.port, token=token)
        if username:
            from .world import PASSWORD

            client.login(username, PASSWORD)
        return client

    def repeat(
        self,
        name: str,
        call: Callable[[], Response],
        *,
        expected: int = 200,
        count: int = 0,
        warmup: int | None = None,
    ) -> Measurement:
        measurement = Measurement(name, expected)
        for _ in range(self.warmup if warmup is None else warmup):
            call()
        for _ in range(count or self.requests):
            measurement.add(call())
        self.results.append(measurement)
        self.log(f"  {name}: p95 {percentile(measurement.seconds, 0.95) * 1000:.1f} ms")
        return measurement

    def once_each(self, name: str, calls: list[Callable[[], Response]], *, expected: int) -> Measurement:
        measurement = Measurement(name, expected)
        for call in calls:
            measurement.add(call())
        self.results.append(measurement)
        self.log(f"  {name}: p95 {percentile(measurement.seconds, 0.95) * 1000:.1f} ms")
        return measurement

    def run_latencies(self) -> None:
        t = self.targets
        anonymous = self.client()
        vendor = self.client(t.vendor_user.username)
        agent = self.client(t.agent.username)
        vendor_api = self.client(token=t.vendor_token)
        agent_api = self.client(token=t.agent_token)

        self.repeat(FLOOR, lambda: anonymous.get("/bench/floor/"))
        self.repeat("vendor workspace (big vendor)", lambda: vendor.get("/vendor/"))
        for which, label in (
            ("for_review", "for review"),
            ("awaiting_customer", "awaiting customer"),
            ("open_confirmed", "open confirmed"),
            ("all_confirmed", "all confirmed"),
        ):
            self.repeat(f"vendor list: {label}", partial(vendor.get, f"/vendor/purchase-orders/list/{which}/"))
        self.repeat("vendor list: history", lambda: vendor.get("/vendor/history/"))
        self.repeat("50-line PO, vendor view", lambda: vendor.get(f"/vendor/purchase-orders/{t.view_po}/"))
        self.answer_with_changes(vendor)
        self.repeat("buyer preparation workspace", lambda: agent.get("/buyer/"))
        self.repeat("API list, 50 POs", lambda: agent_api.get("/api/v1/purchase-orders?page_size=50"))
        self.repeat("API PO detail", lambda: agent_api.get(f"/api/v1/purchase-orders/{t.view_po}"))
        self.repeat(
            "API vendor list, 50 POs",
            lambda: vendor_api.get("/api/v1/vendor/purchase-orders?list=all_confirmed&page_size=50"),
        )
        serial = iter(range(1_000_000))
        self.repeat(
            "PEPPOL Order import, 10 lines",
            lambda: agent_api.request(
                "POST",
                "/api/v1/purchase-orders/import-ubl",
                t.ubl_document(next(serial)),
                {"Content-Type": "application/xml"},
            ),
            expected=201,
            count=max(20, self.requests // 4),
        )
        changes = iter(t.order_changes)
        self.repeat(
            "PEPPOL Order Change import, 10 lines",
            lambda: agent_api.request(
                "POST", "/api/v1/purchase-orders/import-ubl", next(changes), {"Content-Type": "application/xml"}
            ),
            count=max(20, self.requests // 4),
        )
        # The vendor's answers of ``answer_with_changes`` (50 lines, three of them changed), written as Order Responses.
        answered = itertools.cycle(
            VendorResponse.objects.filter(purchase_order_id__in=t.answer_pos).values_list("purchase_order_id", "pk")
        )
        self.repeat(
            "Order Response (T76) written, 50 lines",
            lambda: agent_api.get("/api/v1/purchase-orders/{}/responses/{}/ubl".format(*next(answered))),
        )
        self.once_each(
            "PDF of a 50-line PO, first render",
            [partial(vendor.get, f"/vendor/purchase-orders/{pk}/pdf/") for pk in t.first_render_pos],
            expected=200,
        )
        self.repeat(
            "PDF of a 50-line PO, after the first", lambda: vendor.get(f"/vendor/purchase-orders/{t.view_po}/pdf/")
        )

    def run_invoicing(self) -> None:
        """Issue 16. The invoice is created and submitted in one call, as a vendor's ERP sends finished invoices;
        each consumes ten fresh received POs, and the last one made is then written as a Billing 3 document."""
        self.measure_floor()
        vendor = self.client(self.targets.vendor_user.username)
        vendor_api = self.client(token=self.targets.vendor_token)
        self.repeat("vendor invoicing workspace", partial(vendor.get, reverse("vendor:invoicing")))
        for which, label in (("ready_to_invoice", "ready to invoice"), ("submitted", "submitted")):
            path = reverse("vendor:invoice_list", args=[which])
            self.repeat(f"vendor invoice list: {label}", partial(vendor.get, path))
        payables = self.client(self.targets.payables.username)
        self.repeat("buyer invoice workspace (accounts payable)", partial(payables.get, reverse("buyer:invoices")))
        for which, label in (("on_hold", "on hold"), ("all", "all")):
            path = reverse("buyer:invoice_list", args=[which])
            self.repeat(f"buyer invoice list: {label}", partial(payables.get, path))
        bodies = iter(self.targets.invoices)
        created: list[int] = []

        def create() -> Response:
            answer = vendor_api.post_json("/api/v1/vendor/invoices", next(bodies))
            if answer.status == 201:
                created.append(answer.json()["id"])
            return answer

        self.repeat(
            INVOICE_CREATED, create, expected=201, count=invoices_measured(self.requests), warmup=INVOICE_WARMUP
        )
        self.repeat(
            "Invoice (Billing 3) written, 100 lines",
            lambda: vendor_api.get(f"/api/v1/vendor/invoices/{created[-1]}/ubl"),
        )

    def measure_floor(self) -> None:
        """Each group measures the floor when run on its own, so that "x floor" says what the machine gave."""
        if not any(result.name == FLOOR for result in self.results):
            anonymous = self.client()
            self.repeat(FLOOR, lambda: anonymous.get("/bench/floor/"))

    def run_shipping(self) -> None:
        """Issue 17, ship notices: the big vendor's lists and its largest notice, the clerk's incoming shipments, a
        notice of one fresh 10-line confirmed PO created through the vendor API per request (as a vendor's ERP
        announces a shipment), and the Despatch Advice written for the last one."""
        self.measure_floor()
        t = self.targets
        vendor = self.client(t.vendor_user.username)
        vendor_api = self.client(token=t.vendor_token)
        clerk = self.client(t.clerk.username)
        for which in ("shipped", "all"):
            path = f"{reverse('vendor:ship_notices')}?list={which}"
            self.repeat(f"vendor ship-notice list: {which}", partial(vendor.get, path))
        for which, label in (("this_week", "this week"), ("overdue", "overdue")):
            path = f"{reverse('buyer:shipments')}?list={which}"
            self.repeat(f"buyer incoming shipments: {label}", partial(clerk.get, path))
        self.repeat("ship notice page (vendor)", partial(vendor.get, reverse("vendor:ship_notice", args=[t.notice])))
        self.repeat("ship notice page (buyer)", partial(clerk.get, reverse("buyer:ship_notice", args=[t.notice])))
        bodies = iter(t.ship_notices)
        created: list[int] = []

        def create() -> Response:
            answer = vendor_api.post_json("/api/v1/vendor/ship-notices", next(bodies))
            if answer.status == 201:
                created.append(answer.json()["id"])
            return answer

        self.repeat(NOTICE_CREATED, create, expected=201, count=notices_measured(self.requests), warmup=NOTICE_WARMUP)
        self.repeat(
            "Despatch Advice (T16) written, 10 lines",
            lambda: vendor_api.get(f"/api/v1/vendor/ship-notices/{created[-1]}/ubl"),
        )

    def run_performance(self) -> None:
        """Issue 17, vendor performance over the default period (the last 12 months): the buyer's ranking of every
        vendor, one vendor's page as the buyer sees it and as the vendor sees its own, and both API faces."""
        self.measure_floor()
        t = self.targets
        agent = self.client(t.agent.username)
        vendor = self.client(t.vendor_user.username)
        agent_api = self.client(token=t.agent_token)
        vendor_api = self.client(token=t.vendor_token)
        self.repeat(
            "buyer performance ranking (12 months, all vendors)",
            partial(agent.get, reverse("buyer:vendor_performance")),
        )
        ranking = reverse("buyer:vendor_performance")
        # Each once (372 of them); a run of more requests than that asks some again, which are then kept ones.
        periods = itertools.cycle(fresh_periods(dt.date.today()))

        def new_period() -> Response:
            start, end = next(periods)
            return agent.get(f"{ranking}?from={start}&to={end}")

        self.repeat(RANKING_COMPUTED, new_period)
        detail = reverse("buyer:vendor_performance_detail", args=[t.big_vendor.pk])
        self.repeat("vendor performance page (buyer, one vendor)", partial(agent.get, detail))
        self.repeat("vendor performance page (the vendor's own)", partial(vendor.get, reverse("vendor:performance")))
        self.repeat("performance API: ranking", partial(agent_api.get, "/api/v1/vendor-performance"))
        self.repeat("performance API: the vendor's own", partial(vendor_api.get, "/api/v1/vendor/performance"))

    def run_flow(self) -> None:
        """Issue 18: the PO loop as the buyer's ERP and the vendor's ERP run it, one request after the other: a
        10-line PO created, sent (its first version frozen), accepted by the vendor, confirmed by the buyer; and the
        same for a vendor account that confirms automatically, whose accept confirms. Each step is measured, and
        the whole loop as the sum of its steps. Then the lists of 50 an ERP reads."""
        self.measure_floor()
        flow = self.targets.flow
        assert flow is not None
        agent_api = self.client(token=flow.agent_token)
        loops = max(40, self.requests // 2)
        warm = min(self.warmup, 10)
        for vendor, token, name, confirm in (
            (flow.manual_vendor, flow.manual_vendor_token, FLOW_MANUAL, True),
            (flow.auto_vendor, flow.auto_vendor_token, FLOW_AUTO, False),
        ):
            vendor_api = self.client(token=token)
            kind = "manual" if confirm else "auto-confirm"
            steps = {
                step: Measurement(f"PO loop step: {step}" if confirm else f"PO loop step ({kind}): {step}", status)
                for step, status in (
                    ("create (10 lines)", 201),
                    ("send (freeze 10 lines)", 200),
                    ("vendor accepts", 201),
                    *((("buyer confirms", 200),) if confirm else ()),
                )
            }
            whole = Measurement(name, 200)
            for index in range(warm + loops):
                answers = self._one_loop(agent_api, vendor_api, flow.create_body(vendor), confirm=confirm)
                if index < warm:
                    continue
                for step, answer in zip(steps.values(), answers, strict=True):
                    step.add(answer)
                whole.seconds.append(sum(answer.seconds for answer in answers))
                whole.queries.append(sum(answer.queries or 0 for answer in answers))
                whole.statuses[200] += 1
            for measurement in (whole, *steps.values()):
                self.results.append(measurement)
                self.log(f"  {measurement.name}: p50 {percentile(measurement.seconds, 0.5) * 1000:.1f} ms")
        big = self.targets.big_vendor.pk
        self.repeat(BUYER_VENDOR_LIST, partial(agent_api.get, f"/api/v1/purchase-orders?vendor={big}&page_size=50"))
        vendor_api = self.client(token=flow.manual_vendor_token)
        self.repeat(
            "API vendor list, 50 POs",
            partial(vendor_api.get, "/api/v1/vendor/purchase-orders?list=all_confirmed&page_size=50"),
        )
        self.repeat("document feed, 50 documents (API)", partial(agent_api.get, "/api/v1/documents?page_size=50"))

    @staticmethod
    def _one_loop(agent_api: Client, vendor_api: Client, body: dict[str, Any], *, confirm: bool) -> list[Response]:
        created = agent_api.post_json("/api/v1/purchase-orders", body)
        if created.status != 201:
            raise RuntimeError(f"creating a PO: HTTP {created.status}: {created.text[:300]}")
        pk = created.json()["id"]
        sent = agent_api.post_json(f"/api/v1/purchase-orders/{pk}/send", {})
        version = sent.json().get("version") if sent.status == 200 else None
        accepted = vendor_api.post_json(
            f"/api/v1/vendor/purchase-orders/{pk}/responses", {"version": version, "action": "accept"}
        )
        answers = [created, sent, accepted]
        if confirm:
            answers.append(agent_api.post_json(f"/api/v1/purchase-orders/{pk}/confirm", {}))
        return answers

    def answer_with_changes(self, vendor: Client) -> None:
        """Open the editor (not timed), change three of the fifty lines as a vendor would, submit (timed)."""
        measurement = Measurement("accept with changes, 50-line PO", 302)
        later = dt.date.today() + dt.timedelta(days=60)
        for index, pk in enumerate(self.targets.answer_pos):
            path = f"/vendor/purchase-orders/{pk}/respond/"
            fields = form_fields(vendor.get(path).text, path)
            fields["line-2-action"] = "change"
            fields["line-2-quantity"] = "5"
            fields["line-7-action"] = "reject"
            fields["line-7-note"] = "Discontinued"
            fields["line-11-action"] = "change"
            fields["line-11-delivery_date"] = later.isoformat()  # within the window the services accept
            fields["response-vendor_reference"] = f"SO-BENCH-{pk}"
            fields["command"] = "submit"
            fields["quantities_confirmed"] = "1"  # line 2 confirms 5 of what was ordered: the editor asks once
            answer = vendor.post_form(path, fields)
            if index >= min(self.warmup, len(self.targets.answer_pos) // 5):
                measurement.add(answer)
            elif answer.status != 302:
                errors = re.findall(r'class="[^"]*error[^"]*"[^>]*>\s*(?:<li>)?([^<]+)', answer.text)
                raise RuntimeError(f"answering PO {pk} failed: HTTP {answer.status}: {errors or answer.text[:500]}")
        self.results.append(measurement)
        self.log(f"  {measurement.name}: p95 {percentile(measurement.seconds, 0.95) * 1000:.1f} ms")

    def throughput(self, *, clients: int, seconds: float) -> dict[str, Any]:
        """``clients`` processes (so that the client side is not one GIL) request the workspace for ``seconds``."""
        vendor = self.client(self.targets.vendor_user.username)
        connections.close_all()  # forked processes must not share the parent's database connection
        with multiprocessing.get_context("fork").Pool(clients) as pool:
            outcomes = pool.starmap(_hammer, [(self.server.port, vendor.cookies, "/vendor/", seconds, 0)] * clients)
        latencies = [value for outcome in outcomes for value in outcome["seconds"]]
        statuses: Counter[int] = Counter()
        for outcome in outcomes:
            statuses.update(outcome["statuses"])
        wall = max(outcome["wall"] for outcome in outcomes)
        rate = len(latencies) / wall
        self.log(f"  throughput with {clients} clients: {rate:.0f} requests/s")
        return {
            "clients": clients,
            "seconds": round(wall, 1),
            "requests": len(latencies),
            "requests_per_second": round(rate, 1),
            "p50_ms": round(percentile(latencies, 0.5) * 1000, 1),
            "p95_ms": round(percentile(latencies, 0.95) * 1000, 1),
            "statuses": dict(statuses),
            "budget_requests_per_second": THROUGHPUT_BUDGET,
            "within_budget": rate >= THROUGHPUT_BUDGET and set(statuses) == {200},
        }

    def memory(self, *, requests: int, clients: int) -> dict[str, Any]:
        """Each worker's resident memory after a warm-up of a tenth of the requests and after all of them."""
        vendor = self.client(self.targets.vendor_user.username)
        connections.close_all()
        warm = requests // 10
        context = multiprocessing.get_context("fork")
        with context.Pool(clients) as pool:
            pool.starmap(_hammer, [(self.server.port, vendor.cookies, "/vendor/", 0, warm // clients)] * clients)
            before = {pid: rss_kib(pid) for pid in self.server.worker_pids()}
            outcomes = pool.starmap(
                _hammer, [(self.server.port, vendor.cookies, "/vendor/", 0, (requests - warm) // clients)] * clients
            )
        after = {pid: rss_kib(pid) for pid in self.server.worker_pids()}
        growth = {pid: after[pid] - before[pid] for pid in before if pid in after}
        worst = max(growth.values()) if growth else 0
        statuses: Counter[int] = Counter()
        for outcome in outcomes:
            statuses.update(outcome["statuses"])
        self.log(f"  memory over {requests:,} requests: largest growth of a worker {worst} KiB")
        return {
            "requests": requests,
            "rss_kib_after_warmup": before,
            "rss_kib_after": after,
            "growth_kib": growth,
            "largest_growth_kib": worst,
            "statuses": dict(statuses),
            "limit_kib": MEMORY_GROWTH_LIMIT_KIB,
            "within_budget": worst <= MEMORY_GROWTH_LIMIT_KIB and len(after) == len(before),
        }


def _hammer(port: int, cookies: dict[str, str], path: str, seconds: float, count: int) -> dict[str, Any]:
    """One client process: ``path`` as fast as answers come, for ``seconds`` or ``count`` requests."""
    client = Client("127.0.0.1", port)
    client.cookies = dict(cookies)
    latencies: list[float] = []
    statuses: Counter[int] = Counter()
    started = time.perf_counter()
    deadline = started + seconds
    while (count and len(latencies) < count) or (not count and time.perf_counter() < deadline):
        response = client.get(path)
        statuses[response.status] += 1
        latencies.append(response.seconds)
    return {"seconds": latencies, "statuses": statuses, "wall": time.perf_counter() - started}
