"""The soak's checks: what the clients were told against what the database holds, and every touched PO's
history against the life cycle's rules (see ``bench.soak`` for the clients)."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Max, Q, Sum

from vendorcollab.invoicing.models import COUNTING_STATUSES, Invoice, InvoiceKind, InvoiceLine
from vendorcollab.purchasing.models import (
    Origin,
    POStatus,
    PurchaseOrder,
    PurchaseOrderEvent,
    PurchaseOrderLine,
    PurchaseOrderVersion,
    Receipt,
    ReceiptLine,
    ResponseKind,
    VendorResponse,
)
from vendorcollab.shipping.models import ShipNotice, ShipNoticeLine, ShipNoticeStatus

from .runner import percentile
from .soak import Plan


@dataclass
class Snapshot:
    """The soak's POs before it starts, and the last id of every table whose new rows the checks count."""

    plan: Plan
    states: dict[int, tuple[str, int]]  # pk: (status, latest version number)
    last_ids: dict[str, int] = field(default_factory=dict)

    @classmethod
    def take(cls, plan: Plan) -> Snapshot:
        last_ids = {
            model.__name__: model._default_manager.aggregate(last=Max("id"))["last"] or 0
            for model in (VendorResponse, PurchaseOrderEvent, Receipt, ShipNotice, Invoice)
        }
        return cls(plan, cls.states_now(plan), last_ids)

    @staticmethod
    def states_now(plan: Plan) -> dict[int, tuple[str, int]]:
        rows = PurchaseOrder.objects.filter(pk__in=plan.pks).values_list("pk", "status", "latest_version__number")
        return {pk: (status, number or 0) for pk, status, number in rows}

    def changes(self) -> dict[str, int]:
        """How the soak moved its POs: status changes ("draft → in_external_review") and new versions."""
        moved: Counter[str] = Counter()
        for pk, (status, number) in self.states_now(self.plan).items():
            before, before_number = self.states[pk]
            if status != before:
                moved[f"{before} → {status}"] += 1
            moved["new versions"] += number - before_number
        return dict(moved.most_common())

    def documents(self) -> dict[str, int]:
        """The ship notices and invoices the soak made, by status now ("ship notices shipped", "invoices matched"),
        and the notices older than the soak that it received."""
        made: Counter[str] = Counter()
        for model, label in ((ShipNotice, "ship notices"), (Invoice, "invoices")):
            for status in self.new_of_vendors(model).values_list("status", flat=True):
                made[f"new {label} {status}"] += 1
        received_before = (
            Receipt.objects.filter(id__gt=self.last_ids["Receipt"], ship_notice__vendor_id__in=self.plan.vendor_ids)
            .filter(ship_notice_id__lte=self.last_ids["ShipNotice"])
            .values("ship_notice_id")
            .distinct()
            .count()
        )
        made["older ship notices received from"] = received_before
        return dict(sorted(made.items()))

    def new(self, model: type[Any]) -> Any:
        """The rows of ``model`` made on the soak's POs since the snapshot."""
        return model._default_manager.filter(
            Q(purchase_order__vendor_id__in=self.plan.vendor_ids) & ~Q(purchase_order__origin=Origin.CONSIGNMENT),
            id__gt=self.last_ids[model.__name__],
        )

    def new_of_vendors(self, model: type[ShipNotice] | type[Invoice]) -> Any:
        """The ship notices or invoices of the soak's vendor accounts made since the snapshot."""
        return model._default_manager.filter(vendor_id__in=self.plan.vendor_ids, id__gt=self.last_ids[model.__name__])


# --- the checks ----------------------------------------------------------------------------------------------------


@dataclass
class Check:
    name: str
    passed: bool
    summary: str
    problems: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "passed": self.passed, "summary": self.summary, "problems": self.problems[:50]}


def check_requests(results: list[dict[str, Any]], server_log: str) -> Check:
    """1. No server error and no client exception; refusals only where a race explains them."""
    statuses = Counter(status for result in results for _name, status, _seconds in result["requests"])
    server_errors = sum(count for status, count in statuses.items() if status >= 500)
    exceptions = [text for result in results for text in result["exceptions"]]
    unexpected = [f"{result['client']}: {text}" for result in results for text in result["unexpected"]]
    logged = [line for line in server_log.splitlines() if "Internal Server Error" in line or "WORKER TIMEOUT" in line]
    problems = unexpected + [text.strip().splitlines()[-1] for text in exceptions] + logged
    return Check(
        "no server error",
        not (server_errors or exceptions or unexpected or logged),
        f"{sum(statuses.values())} requests, {server_errors} HTTP 5xx, {len(exceptions)} client exceptions, "
        f"{len(unexpected)} unexpected answers, {len(logged)} errors in the server log; "
        f"statuses {dict(sorted(statuses.items()))}",
        problems + exceptions[:3],
    )


def answers_told_done(results: list[dict[str, Any]]) -> list[dict[str, Any]]:
    kinds = set(ResponseKind.values)
    return [a for r in results for a in r["actions"] if a["action"] in kinds and a["result"] == "done"]


def check_no_lost_response(results: list[dict[str, Any]], snapshot: Snapshot) -> Check:
    """2. Every answer a vendor was told was sent is in the database, with the kind the vendor chose."""
    stored = set(snapshot.new(VendorResponse).values_list("purchase_order_id", "version__number", "kind"))
    done = answers_told_done(results)
    lost = [a for a in done if (a["pk"], a["version"], a["action"]) not in stored]
    problems = [f"PO {a['pk']} version {a['version']}: {a['action']} by {a['client']} is not stored" for a in lost]
    return Check("no lost response", not lost, f"{len(done)} answers reported sent, {len(lost)} not stored", problems)


def check_no_duplicated_response(results: list[dict[str, Any]], snapshot: Snapshot) -> Check:
    """3. No version was answered twice: not in what clients were told, not in the database."""
    done = answers_told_done(results)
    told_twice = [key for key, n in Counter((a["pk"], a["version"]) for a in done).items() if n > 1]
    stored_twice = list(
        VendorResponse.objects.filter(purchase_order_id__in=snapshot.plan.pks)
        .values_list("version_id")
        .annotate(n=Count("id"))
        .order_by()
        .filter(n__gt=1)
    )
    stored = list(snapshot.new(VendorResponse).values_list("purchase_order_id", "version__number", "kind"))
    new = len(stored)
    problems = [f"PO {pk} version {version} was reported answered twice" for pk, version in told_twice]
    problems += [f"version id {version_id} has {n} responses" for version_id, n in stored_twice]
    if new != len(done):
        problems.append(f"{len(done)} answers reported sent but {new} responses stored")
        told = {(a["pk"], a["version"], a["action"]) for a in done}
        problems += [
            f"PO {pk} version {v}: {kind} stored, no client was told so"
            for pk, v, kind in stored
            if (pk, v, kind) not in told
        ]
    return Check(
        "no duplicated response",
        not problems,
        f"{len(done)} answers reported sent, {new} new responses stored, {len(told_twice)} versions reported "
        f"answered twice, {len(stored_twice)} versions with two responses",
        problems,
    )


def check_buyer_actions(results: list[dict[str, Any]], snapshot: Snapshot) -> Check:
    """What buyers were told was done is in the history, exactly once each (confirmations by the portal for
    auto-confirm vendors are not the buyers')."""
    done = Counter(a["action"] for r in results for a in r["actions"] if a["result"] == "done")
    # A receipt from a ship notice posts one receipt per PO it receives: the client counted them.
    done["receive_notice"] = sum(
        a["receipts"]
        for r in results
        for a in r["actions"]
        if a["action"] == "receive_notice" and a["result"] == "done"
    )
    events = snapshot.new(PurchaseOrderEvent)
    receipts = snapshot.new(Receipt)
    stored = {
        "confirm": sum(
            1 for data in events.filter(kind="confirmed").values_list("data", flat=True) if not data.get("automatic")
        ),
        "request_change": events.filter(kind="change_requested").count(),
        "send": events.filter(kind="sent").count(),
        "receive": receipts.filter(ship_notice__isnull=True).count(),
        "receive_notice": receipts.filter(ship_notice__isnull=False).count(),
    }
    problems = [
        f"{action}: {done[action]} reported done, {n} recorded" for action, n in stored.items() if done[action] != n
    ]
    summary = ", ".join(f"{action} {done[action]}/{n}" for action, n in stored.items())
    return Check("buyer actions recorded once", not problems, f"reported done/recorded: {summary}", problems)


def check_documents_once(
    results: list[dict[str, Any]], snapshot: Snapshot, *, action: str, model: type[ShipNotice] | type[Invoice]
) -> Check:
    """Every ship notice (or invoice) a vendor client was told was created exists exactly once, by its number; none
    was created that no client was told about, unless its request ended in an answer the client recorded as
    unexpected (a server error, say: then it may or may not have been kept). A refused one was not kept."""
    sent = [a for r in results for a in r["actions"] if a["action"] == action]
    told = Counter(a["number"] for a in sent if a["result"] == "done")
    refused = {a["number"] for a in sent if a["result"] == "refused" and a.get("number")}
    unknown_fate = {a["number"] for a in sent if a["result"] == "unexpected" and a.get("number")}
    stored = Counter(snapshot.new_of_vendors(model).values_list("number", flat=True))
    problems = [f"{number}: reported created {n} times" for number, n in told.items() if n > 1]
    problems += [f"{number}: reported created, stored {stored[number]} times" for number in told if stored[number] != 1]
    problems += [
        f"{number}: stored {n} times, " + ("refused to its client" if number in refused else "no client was told so")
        for number, n in stored.items()
        if number not in told and number not in unknown_fate
    ]
    label = "ship notices" if model is ShipNotice else "invoices"
    return Check(
        f"{label} created once",
        not problems,
        f"{len(told)} {label} reported created, {sum(stored.values())} new ones stored, {len(refused)} refused, "
        f"{len(unknown_fate)} of unknown fate",
        problems,
    )


def shipping_problems(pks: list[int]) -> list[str]:
    """Per PO line: what is in transit is the sum of its ship notice lines still in transit (the notice shipped,
    the line not yet received), and was never announced beyond what was open.

    Receipts posted on the PO itself (not from a notice) do not take the quantity out of transit, so a line may
    end up with more in transit than is still open, and that is allowed: the announcement was right when made. What
    must hold: the line's in-transit quantity is at most its quantity less what was received up to the moment its
    newest notice still in transit was announced (every older notice still in transit was in transit then too, so
    the service's check at that moment covered them all). Receipts and notices take the PO's lock before they stamp
    their time, so the stamps follow the order in which the lock was held."""
    problems = []
    for start in range(0, len(pks), 500):
        chunk = pks[start : start + 500]
        in_transit: dict[int, Decimal] = defaultdict(Decimal)
        newest: dict[int, Any] = {}
        for line_id, quantity, announced_at in ShipNoticeLine.objects.filter(
            purchase_order_id__in=chunk, notice__status=ShipNoticeStatus.SHIPPED, received_quantity__isnull=True
        ).values_list("po_line_id", "quantity", "notice__created_at"):
            in_transit[line_id] += quantity
            newest[line_id] = max(newest.get(line_id, announced_at), announced_at)
        receipts: dict[int, list[tuple[Any, Decimal]]] = defaultdict(list)
        for line_id, posted_at, quantity in ReceiptLine.objects.filter(
            line_id__in=list(newest), line__purchase_order_id__in=chunk
        ).values_list("line_id", "receipt__posted_at", "quantity"):
            receipts[line_id].append((posted_at, quantity))
        for line in PurchaseOrderLine.objects.filter(purchase_order_id__in=chunk).values(
            "id", "purchase_order_id", "quantity", "received_quantity", "in_transit_quantity"
        ):
            line_id, summed = line["id"], in_transit.get(line["id"], Decimal(0))
            where = f"PO {line['purchase_order_id']} line {line_id}"
            if line["in_transit_quantity"] != summed:
                problems.append(f"{where}: in transit {line['in_transit_quantity']}, its notices in transit {summed}")
            if line_id not in newest:
                continue
            received_since = sum((q for posted_at, q in receipts[line_id] if posted_at > newest[line_id]), Decimal(0))
            open_then = line["quantity"] - (line["received_quantity"] - received_since)
            if summed > open_then:
                problems.append(f"{where}: {summed} in transit, only {open_then} was open when the last was announced")
    return problems


def invoicing_problems(pks: list[int]) -> list[str]:
    """Per PO line: the invoiced quantity is what its counting invoices hold less what their credit notes give
    back (``invoicing.models.COUNTING_STATUSES``: submitted, approved or paid; a draft reserves nothing, a rejected
    invoice released its quantities), and never more than received."""
    problems = []
    for start in range(0, len(pks), 500):
        chunk = pks[start : start + 500]
        invoiced: dict[int, Decimal] = defaultdict(Decimal)
        for line_id, kind, quantity in InvoiceLine.objects.filter(
            po_line__purchase_order_id__in=chunk, invoice__status__in=COUNTING_STATUSES
        ).values_list("po_line_id", "invoice__kind", "quantity"):
            invoiced[line_id] += -quantity if kind == InvoiceKind.CREDIT_NOTE else quantity
        for line in PurchaseOrderLine.objects.filter(purchase_order_id__in=chunk).values(
            "id", "purchase_order_id", "received_quantity", "invoiced_quantity"
        ):
            summed = invoiced.get(line["id"], Decimal(0))
            where = f"PO {line['purchase_order_id']} line {line['id']}"
            if line["invoiced_quantity"] != summed:
                problems.append(
                    f"{where}: invoiced {line['invoiced_quantity']}, its invoices less credit notes {summed}"
                )
            if summed > line["received_quantity"]:
                problems.append(f"{where}: invoiced {summed}, received only {line['received_quantity']}")
    return problems


def check_quantities(name: str, found: list[str], baseline: list[str], pks: frozenset[int], explains: str) -> Check:
    """A quantity rule over every line of the soak's POs; a problem the data set had before the soak says so."""
    before = set(baseline)
    problems = [problem + (" (already before the soak)" if problem in before else "") for problem in found]
    return Check(
        name,
        not problems,
        f"{explains} on every line of {len(pks)} POs: {len(found)} lines break it ({len(baseline)} before the soak)",
        problems,
    )


def touched(snapshot: Snapshot) -> list[int]:
    return sorted(set(snapshot.new(PurchaseOrderEvent).values_list("purchase_order_id", flat=True)))


def check_history(snapshot: Snapshot, pks: list[int], baseline: dict[int, list[str]]) -> Check:
    """4. The history of every touched PO is consistent (see ``history_problems``)."""
    found = history_problems(pks)
    problems = [
        f"PO {pk}: {problem}" + (" (already before the soak)" if problem in baseline.get(pk, []) else "")
        for pk, listed in sorted(found.items())
        for problem in listed
    ]
    return Check(
        "consistent history",
        not problems,
        f"{len(pks)} POs touched, {len(found)} with an inconsistency ({len(baseline)} of the soak's "
        f"{len(snapshot.plan.pks)} POs had one before it started)",
        problems,
    )


EVENT_FIELDS = ("purchase_order_id", "kind", "from_status", "to_status", "version_number", "data")
LINE_FIELDS = ("id", "purchase_order_id", "quantity", "received_quantity", "is_cancelled")


def history_problems(pks: list[int]) -> dict[int, list[str]]:
    """For every PO: the events chain from ``created`` to the PO's status; versions are 1..n and the latest is
    the highest; ``latest_response`` is the answer to the latest version; every ``responded`` event has its
    response and every ``sent`` event its version; a confirmed PO has its confirmed version; every line's received
    quantity is the sum of its receipts and at most its quantity; a PO is received exactly when every line is."""
    found: dict[int, list[str]] = {}
    for start in range(0, len(pks), 500):
        chunk = pks[start : start + 500]
        rows: dict[str, dict[int, list[dict[str, Any]]]] = {}
        for name, queryset in (
            ("events", PurchaseOrderEvent.objects.order_by("id").values(*EVENT_FIELDS)),
            ("versions", PurchaseOrderVersion.objects.values("id", "purchase_order_id", "number", "kind")),
            ("responses", VendorResponse.objects.values("id", "purchase_order_id", "version_id", "kind")),
            ("lines", PurchaseOrderLine.objects.values(*LINE_FIELDS)),
        ):
            grouped: dict[int, list[dict[str, Any]]] = defaultdict(list)
            for row in queryset.filter(purchase_order_id__in=chunk):
                grouped[row["purchase_order_id"]].append(dict(row))
            rows[name] = grouped
        received = dict(
            ReceiptLine.objects.filter(line__purchase_order_id__in=chunk)
            .values_list("line_id")
            .annotate(total=Sum("quantity"))
            .order_by()
        )
        for po in PurchaseOrder.objects.filter(pk__in=chunk).values(
            "id", "status", "latest_version_id", "confirmed_version_id", "latest_response_id"
        ):
            pk = po["id"]
            listed = _po_problems(
                dict(po), rows["events"][pk], rows["versions"][pk], rows["responses"][pk], rows["lines"][pk], received
            )
            if listed:
                found[pk] = listed
    return found


def _po_problems(
    po: dict[str, Any],
    events: list[dict[str, Any]],
    versions: list[dict[str, Any]],
    responses: list[dict[str, Any]],
    lines: list[dict[str, Any]],
    received: dict[int, Decimal],
) -> list[str]:
    problems = []
    if not events or events[0]["kind"] != "created" or events[0]["to_status"] != POStatus.DRAFT:
        problems.append("history does not start with created → draft")
    status = None
    for event in events:
        if not event["to_status"]:
            continue
        if status is not None and event["from_status"] != status:
            problems.append(f"{event['kind']} event from {event['from_status']} follows one ending at {status}")
        status = event["to_status"]
    if status != po["status"]:
        problems.append(f"history ends at {status}, the PO is {po['status']}")
    numbers = sorted(version["number"] for version in versions)
    if numbers != list(range(1, len(numbers) + 1)):
        problems.append(f"versions numbered {numbers}")
    latest = max(versions, key=lambda version: version["number"], default=None)
    if (latest["id"] if latest else None) != po["latest_version_id"]:
        problems.append("latest_version is not the highest version")
    number_of = {version["id"]: version["number"] for version in versions}
    answer = {response["version_id"]: response["id"] for response in responses}
    if len(answer) != len(responses):
        problems.append("a version has two responses")
    if po["latest_response_id"] != answer.get(po["latest_version_id"]):
        problems.append(f"latest_response {po['latest_response_id']} is not the answer to the latest version")
    responded = Counter((e["version_number"], e["data"].get("response")) for e in events if e["kind"] == "responded")
    answered = Counter((number_of.get(r["version_id"]), r["kind"]) for r in responses)
    if responded != answered:
        problems.append(f"responded events {dict(responded)} but responses {dict(answered)}")
    sent = sorted(e["version_number"] for e in events if e["kind"] == "sent")
    if sent != sorted(v["number"] for v in versions if v["kind"] == "sent"):
        problems.append(f"sent events for versions {sent} do not match the sent versions")
    if po["status"] in (POStatus.CONFIRMED, POStatus.RECEIVED) and po["confirmed_version_id"] not in number_of:
        problems.append("confirmed without a confirmed version of its own")
    for line in lines:
        total = received.get(line["id"]) or Decimal(0)
        if line["received_quantity"] != total or total > line["quantity"]:
            problems.append(
                f"line {line['id']}: received {line['received_quantity']}, receipts {total}, "
                f"quantity {line['quantity']}"
            )
    live = [line for line in lines if not line["is_cancelled"]]
    complete = bool(live) and all(line["received_quantity"] >= line["quantity"] for line in live)
    if (po["status"] == POStatus.RECEIVED) != complete and po["status"] in (POStatus.CONFIRMED, POStatus.RECEIVED):
        problems.append(f"status {po['status']} but every line received: {complete}")
    return problems


# --- the figures ---------------------------------------------------------------------------------------------------


def summarise(results: list[dict[str, Any]], wall: float) -> dict[str, Any]:
    """Requests per kind (count, rate, statuses, p50/p95 latency) and actions per kind (done, refused and why,
    unexpected)."""
    seconds: dict[str, list[float]] = defaultdict(list)
    statuses: dict[str, Counter[int]] = defaultdict(Counter)
    for result in results:
        for name, status, took in result["requests"]:
            seconds[name].append(took)
            statuses[name][status] += 1
    requests = [
        {
            "name": name,
            "count": len(values),
            "per_second": round(len(values) / wall, 1),
            "statuses": dict(sorted(statuses[name].items())),
            "p50_ms": round(percentile(values, 0.5) * 1000, 1),
            "p95_ms": round(percentile(values, 0.95) * 1000, 1),
            "max_ms": round(max(values) * 1000, 1),
        }
        for name, values in sorted(seconds.items())
    ]
    outcomes: dict[str, Counter[str]] = defaultdict(Counter)
    reasons: dict[str, Counter[str]] = defaultdict(Counter)
    for result in results:
        for action in result["actions"]:
            outcomes[action["action"]][action["result"]] += 1
            if action["reason"] and action["result"] == "refused":
                reasons[action["action"]][action["reason"]] += 1
    actions = [
        {
            "action": name,
            "done": counts["done"],
            "refused": counts["refused"],
            "unexpected": counts["unexpected"],
            "refusals": dict(reasons[name].most_common()),
        }
        for name, counts in sorted(outcomes.items())
    ]
    total = sum(len(values) for values in seconds.values())
    return {"seconds": round(wall, 1), "requests_total": total, "requests": requests, "actions": actions}
