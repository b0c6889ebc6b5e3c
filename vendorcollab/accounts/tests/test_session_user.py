"""A session's user is read with its roles and vendor accounts in one statement (``accounts.backends``)."""

import pytest
from django.conf import settings
from django.contrib.auth import load_backend
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from vendorcollab.accounts.models import User
from vendorcollab.common.testing.factories import users_of_every_access


@pytest.mark.parametrize("backend_path", settings.AUTHENTICATION_BACKENDS)
def test_the_sessions_user_comes_with_the_access_its_own_reads_give(cast, backend_path):
    """The same sets as the user's own reads: inactive links and vendors that no longer collaborate left out, none
    for a user whose roles were all taken away; an inactive or deleted user is no user."""
    backend = load_backend(backend_path)
    several, nobody = users_of_every_access(cast)
    for user in (several, cast.agent, cast.vendor_a_user, nobody):
        with CaptureQueriesContext(connection) as queries:
            signed_in = backend.get_user(user.pk)
            assert signed_in is not None
            access = (signed_in.role_set, signed_in.vendor_ids)
        assert len(queries) == 1, user.username
        fresh = User.objects.get(pk=user.pk)
        assert access == (fresh.role_set, fresh.vendor_ids), user.username
    assert backend.get_user(several.pk).vendor_ids == {cast.vendor_a.pk, cast.vendor_b.pk}
    assert backend.get_user(nobody.pk).role_set == frozenset()
    User.objects.filter(pk=several.pk).update(is_active=False)
    assert backend.get_user(several.pk) is None
    assert backend.get_user(999_999) is None


def test_a_signed_in_page_reads_session_user_and_access_in_two_statements(cast):
    client = Client()
    client.force_login(cast.vendor_a_user)
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/vendor/").status_code == 200
    statements = [query["sql"] for query in queries.captured_queries]
    assert "django_session" in statements[0]
    assert "accounts_user" in statements[1] and "accounts_roleassignment" in statements[1]
    assert not any("accounts_roleassignment" in sql or "accounts_vendormembership" in sql for sql in statements[2:])
