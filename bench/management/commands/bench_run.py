"""``manage.py bench_run``: measure the portal over HTTP against gunicorn and the bench data set."""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import subprocess
from pathlib import Path
from typing import Any

import django
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from bench.runner import FLOOR, INVOICE_WARMUP, NOTICE_WARMUP, Runner, invoices_measured, notices_measured
from bench.server import Gunicorn, prepare_database
from bench.targets import make_targets
from bench.world import bench_loaded
from vendorcollab.purchasing.models import PurchaseOrder, PurchaseOrderLine


class Command(BaseCommand):
    help = "Measure p50/p95 latency, query counts, throughput and worker memory over HTTP (see README: Benchmarks)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=8765)
        parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1), help="gunicorn sync workers")
        parser.add_argument("--requests", type=int, default=200, help="measured requests per page")
        parser.add_argument("--warmup", type=int, default=20, help="requests per page before measuring")
        parser.add_argument("--answers", type=int, default=100, help="accept-with-changes submissions measured")
        parser.add_argument("--first-renders", type=int, default=10, help="PDFs measured at their first render")
        parser.add_argument("--clients", type=int, default=8, help="concurrent clients for throughput")
        parser.add_argument("--throughput-seconds", type=float, default=20)
        parser.add_argument("--memory-requests", type=int, default=10_000)
        parser.add_argument(
            "--only",
            default="latencies,flow,invoicing,shipping,performance,throughput,memory",
            help="what to measure, comma-separated: latencies, flow, invoicing, shipping, performance, throughput, "
            "memory",
        )
        parser.add_argument("--output", type=Path, default=Path(settings.VAR_DIR) / "bench" / "results.json")

    def handle(self, *args: Any, **options: Any) -> None:
        if not bench_loaded():
            raise CommandError("No bench data here: run `manage.py bench_data` first (or `make bench`).")
        log = self.stdout.write
        log("Preparing the database (cache table, task queue) and the targets ...")
        prepare_database(options["port"])
        only = {part.strip() for part in options["only"].split(",")}
        answers = options["answers"] + options["warmup"] if "latencies" in only else 0
        # Each Order Change is taken once (it makes the next version), so the run needs one per measured import.
        changes = options["warmup"] + max(20, options["requests"] // 4) if "latencies" in only else 0
        targets = make_targets(
            answers=answers,
            first_renders=options["first_renders"] if "latencies" in only else 0,
            order_changes=changes,
            invoices=INVOICE_WARMUP + invoices_measured(options["requests"]) if "invoicing" in only else 0,
            ship_notices=NOTICE_WARMUP + notices_measured(options["requests"]) if "shipping" in only else 0,
            flow="flow" in only,
        )
        meta = self._meta(options)
        server_log = Path(options["output"]).with_suffix(".gunicorn.log")
        throughput: dict[str, Any] = {}
        memory: dict[str, Any] = {}
        with Gunicorn(port=options["port"], workers=options["workers"], log=server_log) as server:
            runner = Runner(
                server=server, targets=targets, requests=options["requests"], warmup=options["warmup"], log=log
            )
            if "latencies" in only:
                log(f"Measuring one request at a time, {options['requests']} per page after {options['warmup']} ...")
                runner.run_latencies()
            if "flow" in only:
                log("Measuring the PO loop over the API and the lists of 50 ...")
                runner.run_flow()
            if "invoicing" in only:
                log(f"Measuring invoicing, {options['requests']} per page after {options['warmup']} ...")
                runner.run_invoicing()
            if "shipping" in only:
                if targets.notice is None:
                    raise CommandError("No ship notices here: run `manage.py bench_data --add ship_notices` first.")
                log(f"Measuring ship notices, {options['requests']} per page after {options['warmup']} ...")
                runner.run_shipping()
            if "performance" in only:
                log(f"Measuring vendor performance, {options['requests']} per page after {options['warmup']} ...")
                runner.run_performance()
            if "throughput" in only:
                log("Throughput ...")
                throughput = runner.throughput(clients=options["clients"], seconds=options["throughput_seconds"])
            if "memory" in only:
                log("Memory ...")
                memory = runner.memory(requests=options["memory_requests"], clients=min(4, options["clients"]))
        floors = [result.summary(None)["p50_ms"] for result in runner.results if result.name == FLOOR]
        floor = floors[0] if floors else None
        rows = [measurement.summary(floor) for measurement in runner.results]
        report = {"meta": meta, "latencies": rows, "throughput": throughput, "memory": memory}
        output = Path(options["output"])
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(json.dumps(report, indent=2, default=str))
        self.stdout.write(self._table(rows, throughput, memory))
        self.stdout.write(f"Written to {output}")
        missed = [row["name"] for row in rows if row["within_budget"] is False]
        missed += ["throughput"] if throughput and not throughput["within_budget"] else []
        missed += ["memory"] if memory and not memory["within_budget"] else []
        if missed:
            # A missed budget fails the run (non-zero exit), so that a script or CI running the bench notices.
            raise CommandError(f"Over budget: {', '.join(missed)}")
        else:
            self.stdout.write(self.style.SUCCESS("Every figure is within its budget."))

    def _meta(self, options: dict[str, Any]) -> dict[str, Any]:
        try:
            commit = subprocess.run(
                ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=settings.BASE_DIR
            ).stdout.strip()
        except OSError:
            commit = ""
        return {
            "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "commit": commit,
            "database": connection.vendor,
            "purchase_orders": PurchaseOrder.objects.count(),
            "purchase_order_lines": PurchaseOrderLine.objects.count(),
            "cpus": os.cpu_count(),
            "gunicorn_workers": options["workers"],
            "python": platform.python_version(),
            "django": django.get_version(),
            "requests_per_page": options["requests"],
            "warmup_per_page": options["warmup"],
        }

    @staticmethod
    def _table(rows: list[dict[str, Any]], throughput: dict[str, Any], memory: dict[str, Any]) -> str:
        def verdict(value: bool | None) -> str:
            return "" if value is None else ("ok" if value else "OVER")

        lines = [
            "",
            f"{'what':<56} {'p50 ms':>8} {'p95 ms':>8} {'queries':>8} {'x floor':>8} {'budget':>16}  ",
            "-" * 112,
        ]
        for row in rows:
            budgets = []
            if row.get("budget_p50_ms"):
                budgets.append(f"p50 {row['budget_p50_ms']}")
            if row["budget_p95_ms"]:
                # A budget set before issue 18 is met with 25 % room: the p95 may reach three quarters of it.
                room = row.get("room_required") or 0
                budgets.append(
                    f"p95 {row['budget_p95_ms']}" + (f" ({row['budget_p95_ms'] * (1 - room):g})" if room else "")
                )
            lines.append(
                f"{row['name']:<56} {row['p50_ms']:>8.1f} {row['p95_ms']:>8.1f} {row['queries'] or '':>8} "
                f"{row['p50_to_floor'] or '':>8} {', '.join(budgets):>16}  {verdict(row['within_budget'])}"
            )
        lines.append("-" * 112)
        if throughput:
            lines.append(
                f"vendor workspace throughput, {throughput['clients']} clients: {throughput['requests_per_second']} "
                f"requests/s (p95 {throughput['p95_ms']} ms; budget >= {throughput['budget_requests_per_second']})  "
                f"{verdict(throughput['within_budget'])}"
            )
        if memory:
            lines.append(
                f"worker memory over {memory['requests']:,} requests: largest growth "
                f"{memory['largest_growth_kib']} KiB (limit {memory['limit_kib']} KiB)  "
                f"{verdict(memory['within_budget'])}"
            )
        return "\n".join(lines)
