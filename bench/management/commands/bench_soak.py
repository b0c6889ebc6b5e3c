"""``manage.py bench_soak``: the concurrency soak of issue 8 against gunicorn and the bench data set.

50 vendor clients answering, shipping and invoicing and 5 buyer clients confirming and receiving at once for two
minutes; then the checks: no server error, no lost or duplicated response, every buyer action recorded once, every
touched PO's history consistent, every ship notice and invoice a client was told of stored once (and none else),
nothing announced beyond what is open and nothing invoiced beyond what was received. Fails (non-zero exit)
when any check does. ``bench/soak.py`` holds what the clients do, ``bench/soak_checks.py`` what each check
compares.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
from pathlib import Path
from typing import Any

import django
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from bench import soak, soak_checks
from bench.server import Gunicorn, prepare_database
from bench.world import bench_loaded
from vendorcollab.invoicing.models import Invoice
from vendorcollab.shipping.models import ShipNotice


class Command(BaseCommand):
    help = "Many vendor and buyer clients at once, then check that nothing was lost, doubled or left inconsistent."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seconds", type=float, default=120)
        parser.add_argument("--vendor-clients", type=int, default=50)
        parser.add_argument("--buyer-clients", type=int, default=5)
        parser.add_argument("--port", type=int, default=8766)
        parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1), help="gunicorn sync workers")
        parser.add_argument("--seed", type=int, default=20261121)
        parser.add_argument("--output", type=Path, default=Path(settings.VAR_DIR) / "bench" / "soak.json")

    def handle(self, *args: Any, **options: Any) -> None:
        if not bench_loaded():
            raise CommandError("No bench data here: run `manage.py bench_data` first.")
        if options["vendor_clients"] < 1 or options["buyer_clients"] < 0:
            raise CommandError("Give at least one vendor client.")
        log = self.stdout.write
        output = Path(options["output"])
        server_log = output.with_suffix(".gunicorn.log")
        log("Preparing the database (cache table, task queue) ...")
        prepare_database(options["port"])
        plan = soak.choose_plan(vendor_clients=options["vendor_clients"], buyer_clients=options["buyer_clients"])
        snapshot = soak_checks.Snapshot.take(plan)
        pks = sorted(plan.pks)
        baseline = soak_checks.history_problems(pks)
        shipping_before = soak_checks.shipping_problems(pks)
        invoicing_before = soak_checks.invoicing_problems(pks)
        log(
            f"{len(plan.clients)} clients on {len(plan.pks)} POs of vendors {', '.join(plan.vendor_numbers)}; "
            f"{options['seconds']:.0f} s against {options['workers']} gunicorn workers ..."
        )
        with Gunicorn(port=options["port"], workers=options["workers"], log=server_log):
            results, wall = soak.run_clients(
                plan, port=options["port"], seconds=options["seconds"], seed=options["seed"]
            )
        log("Checking ...")
        checks = [
            soak_checks.check_requests(results, server_log.read_text(errors="replace")),
            soak_checks.check_no_lost_response(results, snapshot),
            soak_checks.check_no_duplicated_response(results, snapshot),
            soak_checks.check_buyer_actions(results, snapshot),
            soak_checks.check_history(snapshot, soak_checks.touched(snapshot), baseline),
            soak_checks.check_documents_once(results, snapshot, action="ship_notice", model=ShipNotice),
            soak_checks.check_documents_once(results, snapshot, action="invoice", model=Invoice),
            soak_checks.check_quantities(
                "nothing announced beyond what is open",
                soak_checks.shipping_problems(pks),
                shipping_before,
                plan.pks,
                "in transit = its notices in transit, within what was open",
            ),
            soak_checks.check_quantities(
                "nothing invoiced beyond what was received",
                soak_checks.invoicing_problems(pks),
                invoicing_before,
                plan.pks,
                "invoiced = invoices less credit notes, within what was received",
            ),
        ]
        report = {
            "meta": self._meta(options, plan),
            **soak_checks.summarise(results, wall),
            "purchase_order_changes": snapshot.changes(),
            "documents": snapshot.documents(),
            "checks": [check.as_dict() for check in checks],
            "passed": all(check.passed for check in checks),
        }
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(json.dumps(report, indent=2, default=str))
        actions = output.with_suffix(".actions.jsonl")
        actions.write_text("".join(json.dumps(a) + "\n" for result in results for a in result["actions"]))
        log(self._text(report))
        log(f"Written to {output} (every action: {actions}; server log: {server_log})")
        failed = [check.name for check in checks if not check.passed]
        if failed:
            raise CommandError(f"Soak failed: {', '.join(failed)}")
        log(self.style.SUCCESS("Every check passed."))

    @staticmethod
    def _meta(options: dict[str, Any], plan: soak.Plan) -> dict[str, Any]:
        return {
            "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "database": connection.vendor,
            "seconds": options["seconds"],
            "vendor_clients": options["vendor_clients"],
            "buyer_clients": options["buyer_clients"],
            "clients": {spec.name: spec.username for spec in plan.clients},
            "vendors": plan.vendor_numbers,
            "purchase_orders": len(plan.pks),
            "gunicorn_workers": options["workers"],
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "django": django.get_version(),
        }

    def _text(self, report: dict[str, Any]) -> str:
        lines = [
            "",
            f"{report['requests_total']:,} requests in {report['seconds']} s "
            f"({report['requests_total'] / max(report['seconds'], 0.001):.0f}/s)",
            f"{'request':<42} {'count':>7} {'p50 ms':>8} {'p95 ms':>8}  statuses",
            "-" * 90,
        ]
        for row in report["requests"]:
            statuses = " ".join(f"{status}:{count}" for status, count in row["statuses"].items())
            lines.append(f"{row['name']:<42} {row['count']:>7} {row['p50_ms']:>8.1f} {row['p95_ms']:>8.1f}  {statuses}")
        lines += ["", f"{'action':<24} {'done':>6} {'refused':>8} {'unexp.':>7}  refusals", "-" * 90]
        for row in report["actions"]:
            refusals = " ".join(f"{reason}:{count}" for reason, count in row["refusals"].items())
            lines.append(f"{row['action']:<24} {row['done']:>6} {row['refused']:>8} {row['unexpected']:>7}  {refusals}")
        changes = ", ".join(f"{what}: {count}" for what, count in report["purchase_order_changes"].items())
        documents = ", ".join(f"{what}: {count}" for what, count in report["documents"].items())
        lines += ["", f"POs: {changes}", f"Ship notices and invoices: {documents}", ""]
        for check in report["checks"]:
            verdict = self.style.SUCCESS("pass") if check["passed"] else self.style.ERROR("FAIL")
            lines.append(f"{verdict}  {check['name']}: {check['summary']}")
            lines += [f"        {problem}" for problem in check["problems"][:10]]
        return "\n".join(lines)
