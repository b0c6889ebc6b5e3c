"""``manage.py bench_data --vendors 1000 --pos 200000``: load the benchmark data set."""

from __future__ import annotations

import random
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction

from bench.consignment import ConsignmentFactory
from bench.generator import PurchaseOrderFactory
from bench.performance import add_performance_facts, performance_fact_count, performance_loaded
from bench.shipping import ShipNoticeFactory, ship_notices_loaded
from bench.tables import TABLES
from bench.world import BIG_VENDOR_USER, DELIVERY_TOLERANCE_DAYS, PASSWORD, Ids, Size, bench_loaded, create_world
from bench.writers import reset_sequences, write_batch, writer_for_connection
from vendorcollab.partners.models import Company

# What can be added to a data set loaded before it existed, in the order it must be added: the performance facts
# count the ship notices.
ADDITIONS = ("ship_notices", "performance")


class Command(BaseCommand):
    help = (
        "Load the benchmark data set: a buyer with VENDORS vendors and POS purchase orders in every state, with "
        "versions, responses, receipts and consignment, written in bulk (COPY on PostgreSQL)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--vendors", type=int, default=1000)
        parser.add_argument("--pos", type=int, default=200_000)
        parser.add_argument(
            "--big-vendor-pos",
            type=int,
            default=5000,
            help="POs of the one big vendor whose pages are measured (at most a quarter of all POs)",
        )
        parser.add_argument("--consignment-vendors", type=int, default=Size.consignment_vendors)
        parser.add_argument("--seed", type=int, default=Size.seed)
        parser.add_argument("--batch-size", type=int, default=2000, help="POs per transaction")
        parser.add_argument(
            "--skip-if-loaded",
            action="store_true",
            help="when the data set is there, load nothing again but add what it lacks (see --add), and succeed",
        )
        parser.add_argument(
            "--add",
            default="",
            help=f"to a data set already loaded, add only these, comma-separated: {', '.join(ADDITIONS)} "
            "(ship notices only where there are none yet)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["vendors"] < 2 or options["pos"] < 100:
            raise CommandError("Give at least 2 vendors and 100 purchase orders.")
        additions = [part.strip() for part in options["add"].split(",") if part.strip()]
        unknown = sorted(set(additions) - set(ADDITIONS))
        if unknown:
            raise CommandError(f"Unknown addition {', '.join(unknown)}; choose from {', '.join(ADDITIONS)}.")
        if bench_loaded():
            if additions or options["skip_if_loaded"]:
                self._complete(additions or self._missing(), options["seed"])
                return
            raise CommandError("The bench data set is already loaded; load it into an empty database.")
        if additions:
            raise CommandError("No bench data here to add to: load the data set first.")
        for table in TABLES:
            table.check_against_model()
        size = Size(
            vendors=options["vendors"],
            pos=options["pos"],
            big_vendor_pos=min(options["big_vendor_pos"], options["pos"] // 4),
            consignment_vendors=min(options["consignment_vendors"], options["vendors"]),
            seed=options["seed"],
        )
        rng = random.Random(size.seed)
        started = time.monotonic()
        with transaction.atomic():
            world = create_world(size, rng)
        orders = PurchaseOrderFactory(world, Ids.after_existing(), size, rng)
        writer = writer_for_connection()
        rows = 0
        for number, batch in enumerate(orders.batches(options["batch_size"]), start=1):
            rows += write_batch(writer, batch)
            if number % 10 == 0:
                self._progress(f"{number * options['batch_size']:,} purchase orders", rows, started)
        for batch in ConsignmentFactory(orders).batches():
            rows += write_batch(writer, batch)
        with transaction.atomic():
            world.save_numbers()
            reset_sequences([table.model for table in TABLES])
        self._progress("purchase orders, consignment and invoices written", rows, started)
        rows += self._ship_notices(size.seed, started)
        rows += self._performance(started)
        self._progress("all written", rows, started)
        with connection.cursor() as cursor:
            # Fresh statistics, or the planner guesses at tables it believes empty. On PostgreSQL also the visibility
            # map that index-only scans need: what autovacuum would do in the minutes after such a load, done now so
            # that the first measurements see the database as it will stay.
            # (VACUUM cannot run inside a transaction, as when a test loads a small set.)
            vacuum = connection.vendor == "postgresql" and not connection.in_atomic_block
            cursor.execute("VACUUM ANALYZE" if vacuum else "ANALYZE")
        self._progress("vacuumed and analysed", rows, started)
        self.stdout.write(
            self.style.SUCCESS(
                f"Loaded {size.pos:,} purchase orders for {size.vendors:,} vendors ({rows:,} rows) in "
                f"{time.monotonic() - started:.0f} s. The big vendor signs in as {BIG_VENDOR_USER} / {PASSWORD}."
            )
        )

    def _missing(self) -> list[str]:
        """What a data set loaded before issue 17 lacks."""
        missing = [] if ship_notices_loaded() else ["ship_notices"]
        if missing or not performance_loaded():
            missing.append("performance")  # new notices change the figures too
        return missing

    def _complete(self, additions: list[str], seed: int) -> None:
        """Add ``additions`` to the loaded data set, each in bulk, without touching what is there."""
        if not additions:
            self.stdout.write("The bench data set is already loaded, ship notices and performance facts included.")
            return
        started = time.monotonic()
        if "ship_notices" in additions:
            if ship_notices_loaded():
                self.stdout.write("The bench data set holds ship notices already; none added.")
            else:
                # Data sets loaded before issue 17 have no delivery tolerance yet: the one a fresh load sets.
                Company.objects.filter(code__startswith="BENCH-", delivery_tolerance_days=0).update(
                    delivery_tolerance_days=DELIVERY_TOLERANCE_DAYS
                )
                self._ship_notices(seed, started)
        if "performance" in additions:
            self._performance(started)
        self._analyse()
        self.stdout.write(self.style.SUCCESS(f"Added {', '.join(additions)} in {time.monotonic() - started:.0f} s."))

    def _ship_notices(self, seed: int, started: float) -> int:
        counts = ShipNoticeFactory(seed=seed).write(progress=lambda what: None)
        self._progress(
            f"{counts.notices:,} ship notices ({counts.received:,} received, {counts.with_difference:,} of them "
            f"with a difference; {counts.in_transit:,} in transit, {counts.overdue:,} of them overdue; "
            f"{counts.cancelled:,} cancelled)",
            counts.lines,
            started,
        )
        return counts.notices + counts.lines

    def _performance(self, started: float) -> int:
        purchase_orders = add_performance_facts()
        facts = performance_fact_count()
        self._progress(f"performance facts of {purchase_orders:,} purchase orders", facts, started)
        return facts

    def _analyse(self) -> None:
        with connection.cursor() as cursor:
            vacuum = connection.vendor == "postgresql" and not connection.in_atomic_block
            cursor.execute("VACUUM ANALYZE" if vacuum else "ANALYZE")

    def _progress(self, what: str, rows: int, started: float) -> None:
        elapsed = time.monotonic() - started
        self.stdout.write(f"{elapsed:7.1f} s  {what}: {rows:,} rows ({rows / max(elapsed, 0.001):,.0f} rows/s)")
