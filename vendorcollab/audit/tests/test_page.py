"""The audit log page: procurement admins only, newest first, filtered by event and user, paginated, few queries."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from vendorcollab.audit.models import AuditEvent, AuditKind
from vendorcollab.audit.services import audit_record

URL = "/settings/audit/"


def test_the_page_lives_under_settings():
    assert reverse("audit:events") == URL


def test_who_may_read_it(client, cast):
    response = client.get(URL)
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))
    for user, status in [
        (cast.admin, 200),
        (cast.agent, 403),
        (cast.clerk, 403),
        (cast.vendor_a_user, 404),
        (cast.vendor_a_admin, 404),
    ]:
        client.force_login(user)
        assert client.get(URL).status_code == status, user


def rows(response) -> list[str]:
    return re.findall(r'<tr data-kind="([a-z_]+)">', response.content.decode())


def test_newest_first_filtered_by_event_and_user(client, cast):
    audit_record(kind=AuditKind.LOGIN_FAILED, target="dave", subject=cast.vendor_a_user)
    audit_record(kind=AuditKind.LOGIN, actor=cast.vendor_a_user, subject=cast.vendor_a_user)
    audit_record(kind=AuditKind.TOKEN_REVOKED, actor=cast.admin, subject=cast.vendor_b_user, target="abc… ERP")
    audit_record(kind=AuditKind.LOGIN_FAILED, target="mallory")
    client.force_login(cast.admin)  # itself a "login" event

    everything = client.get(URL)
    assert rows(everything) == ["login", "login_failed", "token_revoked", "login", "login_failed"]
    assert "mallory" in everything.content.decode()

    assert rows(client.get(URL, {"kind": "login_failed"})) == ["login_failed", "login_failed"]
    assert rows(client.get(URL, {"user": "dave"})) == ["login", "login_failed"]  # by, about, or the name tried
    assert rows(client.get(URL, {"user": "FRANK"})) == ["token_revoked"]
    assert rows(client.get(URL, {"user": "mallory", "kind": "login_failed"})) == ["login_failed"]
    assert rows(client.get(URL, {"user": "alice"})) == ["login", "token_revoked"]
    assert rows(client.get(URL, {"kind": "not-a-kind"})) == rows(everything)
    page = client.get(URL, {"kind": "logout"}).content.decode()
    assert "No events match." in page
    assert '<option value="login_failed" selected>' in client.get(URL, {"kind": "login_failed"}).content.decode()


def test_paginated_with_a_constant_number_of_queries(client, cast):
    def add(count: int) -> None:
        for index in range(count):
            audit_record(
                kind=AuditKind.TOKEN_USED,
                actor=cast.vendor_a_user if index % 2 else cast.agent,
                subject=cast.vendor_b_user,
                target=f"token {index}",
                data={"token": index},
            )

    client.force_login(cast.admin)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(URL).status_code == 200
        return len(captured)

    add(3)
    few = queries()
    add(60)
    assert queries() == few
    first = client.get(URL).content.decode()
    assert len(rows(client.get(URL))) == 25
    assert "64 events" in first and "Page 1 of 3" in first
    assert len(rows(client.get(URL, {"page": 3}))) == 14


@pytest.mark.parametrize("action", ["add", "change", "delete"])
def test_the_back_office_shows_but_never_changes_events(client, cast, action):
    cast.admin.is_staff = cast.admin.is_superuser = True
    cast.admin.save()
    client.force_login(cast.admin)
    event = AuditEvent.objects.first()
    assert client.get(reverse("admin:audit_auditevent_changelist")).status_code == 200
    url = {
        "add": reverse("admin:audit_auditevent_add"),
        "change": reverse("admin:audit_auditevent_change", args=[event.pk]),
        "delete": reverse("admin:audit_auditevent_delete", args=[event.pk]),
    }[action]
    response = client.post(url, {"kind": "logout", "post": "yes"})
    assert response.status_code == 403
    assert AuditEvent.objects.filter(pk=event.pk, kind=event.kind).exists()


def details_cells(response) -> list[str]:
    """The text of every row's last cell (Details), tags removed."""
    rows = re.findall(r"<tr data-kind=.*?</tr>", response.content.decode(), re.DOTALL)
    return [re.sub(r"<[^>]+>", "", re.findall(r"<td[^>]*>(.*?)</td>", row, re.DOTALL)[-1]) for row in rows]


def test_details_read_in_the_readers_language(client, cast):
    """Stored as codes, shown translated: a Dutch admin reads no "reason: password, channel: web", and the
    two-factor method is named in Dutch even for a row that stored its English name."""
    audit_record(kind=AuditKind.LOGIN_FAILED, target="dave", data={"reason": "password", "channel": "web"})
    audit_record(
        kind=AuditKind.MFA_CHANGED, subject=cast.vendor_a_user, target="Recovery codes",
        data={"action": "added", "type": "recovery_codes"},
    )  # fmt: skip
    audit_record(
        kind=AuditKind.ROLE_CHANGED, subject=cast.vendor_a_user, data={"before": [], "after": ["vendor_admin"]}
    )
    audit_record(
        kind=AuditKind.USER_REQUEST,
        target="UR-1",
        data={"kind": "new_user", "action": "rejected", "reason": "password"},
    )
    cast.admin.language = "nl"
    cast.admin.save(update_fields=["language"])
    client.force_login(cast.admin)

    response = client.get(URL, {"kind": "login_failed"})
    assert details_cells(response) == ["reden: onjuiste gebruikersnaam of onjuist wachtwoord, kanaal: portaal"]
    response = client.get(URL)
    cells = details_cells(response)
    assert "actie: toegevoegd, methode: Herstelcodes" in cells
    assert "rollen vooraf: geen, rollen daarna: Leveranciersbeheerder" in cells
    # A user request's reason is the admin's own words, never taken for a code.
    assert "aanvraag: Nieuwe gebruiker, actie: Afgewezen, reden: password" in cells
    page = response.content.decode()
    assert '<td data-label="Betreft">Herstelcodes</td>' in page and "Recovery codes" not in page
    assert "channel" not in page and "reason:" not in page
