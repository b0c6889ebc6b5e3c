"""The bench tests install the bench app for themselves: the product's settings install it only when
``VENDORCOLLAB_BENCH`` is on (``make bench``, ``make soak``)."""

import pytest


@pytest.fixture(autouse=True)
def bench_installed(settings):
    """``bench`` in INSTALLED_APPS for this test; Django then finds its management commands."""
    settings.INSTALLED_APPS = [*settings.INSTALLED_APPS, "bench"]
