"""``manage.py rebuild_performance``: write every vendor performance fact again from the history.

For the first deployment of vendor performance (the history is there, the facts are not yet) and after a repair;
safe to run at any time, also while the portal is in use: each PO's facts are replaced as a whole.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils.translation import ngettext

from vendorcollab.performance.services import rebuild_all


class Command(BaseCommand):
    help = "Compute the vendor performance facts of every purchase order and ship notice again from their history."

    def handle(self, *args: Any, **options: Any) -> None:
        count = rebuild_all()
        summary = ngettext(
            "Performance figures rebuilt from %(count)s purchase order.",
            "Performance figures rebuilt from %(count)s purchase orders.",
            count,
        )
        self.stdout.write(summary % {"count": count})
