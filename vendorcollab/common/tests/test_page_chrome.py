"""The top bar is kept per side, language, path and user (``common.templatetags.page_chrome``): a kept bar must be
the one the page would render, for whoever asks, and carry the request's own CSRF token."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.autoreload import file_changed

from vendorcollab.accounts.models import Role, RoleAssignment
from vendorcollab.common.templatetags import page_chrome
from vendorcollab.common.templatetags.page_chrome import CSRF_PLACEHOLDER, forget_kept_headers


@pytest.fixture(autouse=True)
def nothing_kept():
    forget_kept_headers()
    yield
    forget_kept_headers()


def header_of(client, path, language="en"):
    html = client.get(path, headers={"accept-language": language}).content.decode()
    return re.search(r'<header class="topbar">.*</header>', html, re.S).group(0)


def rendered_fresh(client, path, language="en"):
    forget_kept_headers()
    return header_of(client, path, language)


def without_tokens(html):
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


PAGES = [
    ("vendor_a_user", "vendor:workspace"),
    ("vendor_a_admin", "vendor:workspace"),
    ("vendor_a_user", "vendor:history"),
    ("agent", "buyer:workspace"),
    ("clerk", "buyer:receiving"),
    ("agent", "myaccount:profile"),
]


@pytest.mark.parametrize("language", ["en", "nl"])
def test_a_kept_bar_is_the_bar_each_page_renders_for_each_user(cast, language):
    clients = {who: Client() for who, _name in PAGES}
    for who, client in clients.items():
        client.force_login(getattr(cast, who))
    # Every page once, each kept; then each again from what was kept, against a fresh rendering.
    kept = {(who, name): header_of(clients[who], reverse(name), language) for who, name in PAGES}
    for (who, name), first in kept.items():
        again = header_of(clients[who], reverse(name), language)
        assert without_tokens(again) == without_tokens(first)
        assert without_tokens(again) == without_tokens(rendered_fresh(clients[who], reverse(name), language))
        assert CSRF_PLACEHOLDER not in again
    # What differs between users and pages stays apart: the vendor admin's Contacts link, the current page.
    assert reverse("people_vendor:user_list") not in kept["vendor_a_user", "vendor:workspace"]
    assert reverse("people_vendor:user_list") in kept["vendor_a_admin", "vendor:workspace"]
    assert kept["vendor_a_user", "vendor:workspace"] != kept["vendor_a_user", "vendor:history"]
    assert cast.clerk.username in kept["clerk", "buyer:receiving"]


def test_the_kept_bar_carries_the_requests_own_token_which_signs_out(cast):
    # The same user in two browsers: the second is given the bar the first one's visit kept.
    first, client = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    first.force_login(cast.vendor_a_user)
    client.force_login(cast.vendor_a_user)
    header_of(first, reverse("vendor:workspace"))
    header = header_of(client, reverse("vendor:workspace"))
    tokens = set(re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', header))
    assert len(tokens) == 1 and CSRF_PLACEHOLDER not in tokens
    response = client.post(reverse("account_logout"), {"csrfmiddlewaretoken": tokens.pop()})
    assert response.status_code == 302
    assert client.get(reverse("vendor:workspace")).status_code == 302  # signed out: to the sign-in page


def test_a_new_name_a_new_role_and_another_language_show_at_once(cast):
    client = Client()
    user = cast.vendor_a_user
    client.force_login(user)
    path = reverse("vendor:workspace")
    assert "Contacts" not in header_of(client, path)
    user.first_name, user.last_name = "Dana", "Visser"
    user.save()
    assert "Dana Visser" in header_of(client, path)
    RoleAssignment.objects.create(user=user, role=Role.VENDOR_ADMIN)
    assert reverse("people_vendor:user_list") in header_of(client, path)
    assert "Afmelden" in header_of(client, path, "nl") and "Afmelden" not in header_of(client, path)


def test_the_audit_log_filtered_by_a_user_name_keeps_the_admins_menus(cast):
    """The audit log's user filter was handed to the page as ``user``, which made the signed-in admin's top bar the
    one of a visitor (no menu, no sign-out) whenever the log was open."""
    client = Client()
    client.force_login(cast.admin)
    html = client.get(reverse("audit:events"), {"user": "dave"}).content.decode()
    header = re.search(r'<header class="topbar">.*</header>', html, re.S).group(0)
    assert reverse("account_logout") in header and cast.admin.username in header
    assert 'name="user" value="dave"' in html


def test_a_changed_template_drops_the_kept_bars_as_the_development_server_reloads_templates(cast, tmp_path):
    """``runserver`` reloads a changed template without restarting; the kept bars go with the old templates, and
    the signal still leaves the decision to restart to Django (our receiver answers nothing)."""
    client = Client()
    client.force_login(cast.vendor_a_user)
    header_of(client, reverse("vendor:workspace"))
    assert page_chrome._KEPT
    file_changed.send(sender=None, file_path=tmp_path / "notes.py")
    assert page_chrome._KEPT  # not a template
    answers = file_changed.send(sender=None, file_path=tmp_path / "base.html")
    assert not page_chrome._KEPT
    assert dict(answers)[page_chrome.forget_on_template_change] is None
