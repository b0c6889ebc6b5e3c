"""``common.planning.planned_for_their_values``: statements run inside are never prepared, so PostgreSQL plans each
for its own parameters; outside, the connection prepares what it runs twice, as the settings say."""

import pytest
from django.db import connection

from vendorcollab.common.planning import planned_for_their_values

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="preparing statements is PostgreSQL's")

PROBE = "SELECT %s::int AS vc_planning_probe"


def prepared_probes() -> int:
    with connection.cursor() as cursor:
        # The pattern is a parameter: written in the statement, this statement would match itself once prepared.
        cursor.execute("SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s", ["%vc_planning_probe%"])
        return cursor.fetchone()[0]


def run_probe(times: int) -> None:
    with connection.cursor() as cursor:
        for value in range(times):
            cursor.execute(PROBE, [value])
            assert cursor.fetchone() == (value,)


def test_statements_inside_are_planned_for_their_values_and_outside_prepared(db):
    connection.ensure_connection()
    threshold = connection.connection.prepare_threshold
    assert threshold is not None  # the settings prepare on PostgreSQL; without it this test would prove nothing
    with planned_for_their_values():
        run_probe(6)
    assert prepared_probes() == 0
    assert connection.connection.prepare_threshold == threshold
    run_probe(6)
    assert prepared_probes() == 1


def test_the_connection_prepares_again_after_a_failure_inside(db):
    connection.ensure_connection()
    threshold = connection.connection.prepare_threshold
    with pytest.raises(ZeroDivisionError), planned_for_their_values():
        1 / 0  # noqa: B018 - any failure inside the block
    assert connection.connection.prepare_threshold == threshold
