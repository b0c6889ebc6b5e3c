"""``manage.py create_admin``: the first procurement admin, asked for or from the environment, safe to run again."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from vendorcollab.accounts.models import Role, User
from vendorcollab.audit.models import AuditEvent, AuditKind
from vendorcollab.common.testing.factories import make_user

PASSWORD = "Lantern-Quarry-58"


def run(*args: str, stdin: str | None = None, monkeypatch: pytest.MonkeyPatch | None = None) -> str:
    if stdin is not None:
        assert monkeypatch is not None
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    out = io.StringIO()
    call_command("create_admin", *args, stdout=out, stderr=out)
    return out.getvalue()


@pytest.fixture
def admin_password(monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("VENDORCOLLAB_ADMIN_PASSWORD", PASSWORD)
    return PASSWORD


@pytest.mark.django_db
def test_noinput_makes_a_procurement_admin_with_the_back_office(admin_password):
    output = run("--noinput", "--username", "olivia", "--email", "olivia@buyer.example")
    assert "Procurement admin olivia created" in output
    olivia = User.objects.get(username="olivia")
    assert olivia.role_set == {Role.PROCUREMENT_ADMIN}
    assert olivia.is_buyer and olivia.is_staff and olivia.is_superuser
    assert olivia.email == "olivia@buyer.example"
    assert olivia.check_password(PASSWORD)
    assert AuditEvent.objects.filter(kind=AuditKind.ROLE_CHANGED, subject=olivia).exists()


@pytest.mark.django_db
def test_running_it_again_changes_nothing_not_even_the_password(admin_password, monkeypatch):
    run("--noinput", "--username", "olivia", "--email", "olivia@buyer.example")
    monkeypatch.setenv("VENDORCOLLAB_ADMIN_PASSWORD", "Another-Password-77")
    output = run("--noinput", "--username", "Olivia", "--email", "other@buyer.example")
    assert "already exists; nothing changed" in output
    olivia = User.objects.get(username="olivia")
    assert olivia.check_password(PASSWORD) and olivia.email == "olivia@buyer.example"
    assert User.objects.count() == 1


@pytest.mark.django_db
def test_a_createsuperuser_user_without_a_role_is_promoted_and_keeps_its_password(monkeypatch):
    User.objects.create_superuser("root", "root@buyer.example", "Root-Password-91")
    monkeypatch.delenv("VENDORCOLLAB_ADMIN_PASSWORD", raising=False)
    output = run("--noinput", "--username", "root")
    assert "root is now a procurement admin" in output
    root = User.objects.get(username="root")
    assert root.role_set == {Role.PROCUREMENT_ADMIN} and root.is_staff and root.is_superuser
    assert root.check_password("Root-Password-91")


@pytest.mark.django_db
def test_a_vendor_user_is_refused(cast, admin_password):
    with pytest.raises(CommandError, match="vendor user"):
        run("--noinput", "--username", cast.vendor_a_user.username, "--email", "x@vendor.example")
    assert not User.objects.get(pk=cast.vendor_a_user.pk).has_role(Role.PROCUREMENT_ADMIN)


@pytest.mark.django_db
def test_an_inactive_user_is_not_switched_on_again(admin_password):
    make_user("gone", Role.PROCUREMENT_ADMIN)
    User.objects.filter(username="gone").update(is_active=False)
    with pytest.raises(CommandError, match="inactive"):
        run("--noinput", "--username", "gone", "--email", "gone@buyer.example")
    assert not User.objects.get(username="gone").is_active


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("password", "email", "expected"),
    [
        ("short", "olivia@buyer.example", "password: This password is too short"),
        ("password123", "olivia@buyer.example", "password: This password is too common"),
        (PASSWORD, "not-an-address", "email: Enter a valid e-mail address"),
        ("", "olivia@buyer.example", "VENDORCOLLAB_ADMIN_PASSWORD"),
    ],
)
def test_noinput_refuses_bad_input_and_creates_nothing(monkeypatch, password, email, expected):
    monkeypatch.setenv("VENDORCOLLAB_ADMIN_PASSWORD", password)
    with pytest.raises(CommandError, match=expected):
        run("--noinput", "--username", "olivia", "--email", email)
    assert not User.objects.exists()


@pytest.mark.django_db
def test_noinput_needs_a_username(admin_password):
    with pytest.raises(CommandError, match="--username"):
        run("--noinput", "--email", "olivia@buyer.example")


@pytest.mark.django_db
def test_interactive_asks_again_for_what_was_wrong(monkeypatch):
    answers = "\n".join(
        [
            "olivia",  # username
            "olivia@buyer.example",
            "Lantern-Quarry-58",
            "Lantern-Quarry-59",  # differs: asked again
            "olivia",
            "olivia",  # too short and too like the username: asked again
            PASSWORD,
            PASSWORD,
        ]
    )
    output = run(stdin=answers + "\n", monkeypatch=monkeypatch)
    assert "The two passwords differ" in output
    assert "password: " in output and "too short" in output
    assert "Procurement admin olivia created" in output
    assert User.objects.get(username="olivia").check_password(PASSWORD)


@pytest.mark.django_db
def test_interactive_stops_cleanly_when_the_input_ends(monkeypatch):
    with pytest.raises(CommandError, match="no admin created"):
        run(stdin="olivia\n", monkeypatch=monkeypatch)
    assert not User.objects.exists()
