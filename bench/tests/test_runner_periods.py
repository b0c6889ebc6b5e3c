"""The ranking measured cold asks each request for a period no request asked before, so that its figures are
computed rather than read from those kept under their stamp."""

from __future__ import annotations

import datetime as dt

from bench.runner import fresh_periods


def months_between(start: str, end: str) -> int:
    (start_year, start_month), (end_year, end_month) = (map(int, start.split("-")), map(int, end.split("-")))
    return (end_year - start_year) * 12 + end_month - start_month + 1


def test_every_period_is_asked_once_enough_for_a_default_run():
    periods = fresh_periods(dt.date(2026, 12, 6))
    assert len(set(periods)) == len(periods) >= 20 + 200  # the default warm-up and requests
    assert all(6 <= months_between(start, end) <= 36 for start, end in periods)
    # Every one ends in the last twelve months, where the bench's history is.
    assert {end for _, end in periods} == {f"2026-{month:02d}" for month in range(1, 13)}
    # The same order on every run, so that two runs measure the same requests.
    assert fresh_periods(dt.date(2026, 12, 6)) == periods
