"""``gunicorn.conf.py``: a worker freezes what it has loaded and makes its full garbage collections between
requests, after the response is written, never during one."""

from __future__ import annotations

import gc
import importlib.util
from pathlib import Path
from types import SimpleNamespace

import pytest

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def config():
    spec = importlib.util.spec_from_file_location("gunicorn_conf", ROOT / "gunicorn.conf.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    thresholds = gc.get_threshold()
    yield module
    gc.set_threshold(*thresholds)
    gc.unfreeze()  # what the hooks froze in this test process goes back to the collector


@pytest.fixture
def collections(monkeypatch):
    """The full collections and freezes the hooks ask for, recorded instead of made."""
    made: list[str] = []
    monkeypatch.setattr(gc, "collect", lambda generation=2: made.append(f"collect {generation}") or 0)
    monkeypatch.setattr(gc, "freeze", lambda: made.append("freeze"))
    return made


def test_a_started_worker_is_frozen_and_never_collects_everything_on_its_own(config):
    assert gc.get_freeze_count() == 0
    config.post_worker_init(SimpleNamespace())
    assert gc.get_freeze_count() > 100_000  # Django, the URL configuration and every view module
    young, middle, full = gc.get_threshold()
    assert (young, middle) == (config.YOUNG_THRESHOLD, config.MIDDLE_THRESHOLD)
    assert full >= 2**30


def test_the_full_collection_comes_after_the_response_when_python_would_have_made_it(config, collections, monkeypatch):
    def after_request(handled: int, middle_collections: int) -> list[str]:
        monkeypatch.setattr(gc, "get_count", lambda: (0, 0, middle_collections))
        collections.clear()
        config.post_request(SimpleNamespace(nr=handled), None, {}, None)
        return list(collections)

    assert after_request(7, config.FULL_COLLECTION_AFTER - 1) == []
    assert after_request(8, config.FULL_COLLECTION_AFTER) == ["collect 2"]
    # After the first hundred and thousand requests: collected, then what is left frozen.
    assert after_request(100, 0) == ["collect 2", "freeze"]
    assert after_request(1000, 3) == ["collect 2", "freeze"]
    assert after_request(1001, 3) == []
