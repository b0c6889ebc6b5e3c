"""Vendor performance in the bench data (issue 17): the facts the performance pages read, computed from the
history the data set already holds.

The figures come from versions, responses, confirmations, receipts and ship notices, all of which the generator
writes; the facts are what ``performance.services`` keeps of them per PO. They are built by perfcore's
``rebuild_all``, which works in set-based statements over every PO at once (never the per-PO refresh), so a data
set of 200,000 POs gets its facts in one pass after its rows are written, and an older data set gets them the same
way when ``bench_data --skip-if-loaded`` completes it.
"""

from __future__ import annotations

from django.apps import apps


def performance_loaded() -> bool:
    """Whether the performance facts are there: any row in any of the performance app's tables."""
    return any(model._default_manager.exists() for model in apps.get_app_config("performance").get_models())


def add_performance_facts() -> int:
    """Compute every PO's facts from its history; returns what ``rebuild_all`` counts (the POs it went through)."""
    from vendorcollab.performance.services import rebuild_all

    return rebuild_all()
