"""gunicorn settings for production and the benchmarks (`gunicorn vendorcollab.wsgi` reads this file).

Workers, binding and timeouts are the deployment's to choose (command line or GUNICORN_CMD_ARGS); what is set here
is about how a worker holds its memory.
"""

from __future__ import annotations

import gc
from typing import Any


def post_worker_init(worker: Any) -> None:
    """Load what every request will need, then move it out of the garbage collector's sight.

    A worker holds several hundred thousand long-lived objects (Django, the URL configuration, every view module).
    Without this, each full collection walks all of them: a pause of about 100 ms that fell on one request in ten
    of the heavier pages (measured with `make bench`). ``gc.freeze`` keeps them out of every future collection.
    """
    from django.urls import get_resolver

    # Resolving the URL configuration imports every view module now rather than during the first requests.
    _ = get_resolver().url_patterns
    gc.freeze()
