"""gunicorn settings for production and the benchmarks (`gunicorn vendorcollab.wsgi` reads this file).

Workers, binding and timeouts are the deployment's to choose (command line or GUNICORN_CMD_ARGS); what is set here
is about how a worker holds its memory: when Python's garbage collector walks it.

A full collection walks every object that is neither frozen nor freed, at about 0.6 µs an object on the 2-core
machine of the benchmarks: 60 ms for the 100,000 objects a worker loads in its first requests (templates, catalogs,
the API's schemas), and as much again for the objects a heavy request holds (a 50-line answer form: its fifty forms,
their fields and widgets) when the collection falls during it. It fell on one request in ten of the heavier pages.
So a worker freezes what it has loaded (``gc.freeze``: never walked again), and makes its full collections between
requests, after the response is sent, where Python would have made them during one. The young generations are
still collected during a request as usual, so a request's own cycles are freed as it goes.
"""

from __future__ import annotations

import gc
from typing import Any

# Python's thresholds, but no full collection on its own: ``post_request`` makes them (``FULL_COLLECTION_AFTER``).
YOUNG_THRESHOLD, MIDDLE_THRESHOLD = gc.get_threshold()[:2]
NEVER = 2**30
# Python collects everything after ten collections of the middle generation; so does a worker, between requests.
FULL_COLLECTION_AFTER = 10
# The requests after which a worker freezes again what it holds: by then it has loaded what its pages use.
FREEZE_AFTER_REQUESTS = (100, 1000)


def post_worker_init(worker: Any) -> None:
    """Load what every request will need, then move it out of the garbage collector's sight.

    A worker holds several hundred thousand long-lived objects (Django, the URL configuration, every view module).
    Without this, each full collection walks all of them. ``gc.freeze`` keeps them out of every future collection.
    """
    from django.urls import get_resolver

    # Resolving the URL configuration imports every view module now rather than during the first requests.
    _ = get_resolver().url_patterns
    gc.freeze()
    gc.set_threshold(YOUNG_THRESHOLD, MIDDLE_THRESHOLD, NEVER)


def post_request(worker: Any, req: Any, environ: Any, resp: Any) -> None:
    """After the response is written: the full collection Python would have made by now, and, after the first
    hundred and thousand requests, everything the worker holds by then frozen (collected first, so that no garbage
    is frozen with it)."""
    if worker.nr in FREEZE_AFTER_REQUESTS:
        gc.collect()
        gc.freeze()
    elif gc.get_count()[2] >= FULL_COLLECTION_AFTER:
        gc.collect()
