"""Vendor performance in the bench data (issue 17): the facts the performance pages read, computed from the
history the data set already holds.

The figures come from versions, responses, confirmations, receipts and ship notices, all of which the generator
writes; the facts are what ``performance.services`` keeps of them per PO. They are built by its ``rebuild_all``,
which reads and writes a whole batch of POs in a few statements (never the per-PO services or refresh), so the
facts are exactly those the portal's own refresh would keep, computed in one pass after the rows are written; an
older data set gets them the same way when ``bench_data --skip-if-loaded`` completes it. (200,000 POs: 22 minutes
on the shared 2-core machine, 5 of them Python; the generator's own rows take 5.)
"""

from __future__ import annotations

from django.apps import apps


def performance_loaded() -> bool:
    """Whether the performance facts are there: rows in every one of the performance app's tables, so that a
    table the app gained since the data set was loaded (its vendor months did) makes them be built again."""
    return all(model._default_manager.exists() for model in apps.get_app_config("performance").get_models())


def performance_fact_count() -> int:
    return sum(model._default_manager.count() for model in apps.get_app_config("performance").get_models())


def add_performance_facts() -> int:
    """Compute every PO's facts from its history; returns what ``rebuild_all`` counts (the POs it went through)."""
    from vendorcollab.performance.services import rebuild_all

    return rebuild_all()
