"""Number sequences: one statement takes the next number; a scope's first use creates its row."""

from __future__ import annotations

import pytest

from vendorcollab.common.models import NumberSequence

pytestmark = pytest.mark.django_db


def test_a_new_scope_starts_at_one_and_each_scope_counts_on_its_own():
    assert [NumberSequence.next_value("test:a") for _ in range(3)] == [1, 2, 3]
    assert NumberSequence.next_value("test:b") == 1
    assert NumberSequence.next_value("test:a") == 4
    assert NumberSequence.objects.get(scope="test:a").last_value == 4


def test_a_sequence_goes_on_from_the_value_it_holds():
    NumberSequence.objects.create(scope="test:kept", last_value=41)

    assert NumberSequence.next_value("test:kept") == 42
