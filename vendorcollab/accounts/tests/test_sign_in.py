"""Signing in and out with django-allauth: user name or e-mail, password reset by e-mail over real SMTP."""

import re

import pytest
from django.urls import reverse

from vendorcollab.accounts.models import User


@pytest.fixture
def dave(cast):
    cast.vendor_a_user.email = "dave@alpha.example"
    cast.vendor_a_user.save()
    return cast.vendor_a_user


@pytest.mark.parametrize("login", ["dave", "dave@alpha.example", "DAVE@alpha.example"])
def test_sign_in_with_user_name_or_email(client, dave, login):
    response = client.post(reverse("account_login"), {"login": login, "password": "pw-dave"})
    assert response.status_code == 302
    assert client.get(response["Location"], follow=True).request["PATH_INFO"] == reverse("vendor:workspace")


def test_wrong_password_keeps_the_login_and_says_why(client, dave):
    response = client.post(reverse("account_login"), {"login": "dave", "password": "nope"})
    page = response.content.decode()
    assert response.status_code == 200
    assert 'value="dave"' in page and 'role="alert"' in page


def test_nobody_can_sign_up(client, db):
    client.post(
        reverse("account_signup"),
        {"username": "mallory", "email": "m@x.example", "password1": "Secret-123-abc", "password2": "Secret-123-abc"},
    )
    assert not User.objects.filter(username="mallory").exists()


def test_sign_out(client, dave):
    client.force_login(dave)
    client.post(reverse("account_logout"))
    assert client.get(reverse("vendor:workspace")).status_code == 302


def test_password_reset_by_email(client, dave, smtp_server, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):  # the mail is queued, and sent after the commit
        client.post(reverse("account_reset_password"), {"email": "dave@alpha.example"})
    [message] = smtp_server.wait_for(1)
    assert "dave@alpha.example" in message.to
    link = re.search(r"https?://[^\s]+/accounts/password/reset/key/[^\s]+", message.text).group(0)
    path = link.split("testserver", 1)[-1] if "testserver" in link else "/" + link.split("/", 3)[3]
    form_page = client.get(path, follow=True)
    assert form_page.status_code == 200
    response = client.post(
        form_page.request["PATH_INFO"], {"password1": "New-secret-4821", "password2": "New-secret-4821"}
    )
    assert response.status_code == 302
    dave.refresh_from_db()
    assert dave.check_password("New-secret-4821")
    # The link works once.
    assert "password1" not in client.get(path, follow=True).content.decode()


def test_the_chosen_language_is_kept_for_the_user(client, dave):
    client.force_login(dave)
    client.post(reverse("set_language"), {"language": "nl", "next": reverse("vendor:workspace")})
    dave.refresh_from_db()
    assert dave.language == "nl"
    assert 'lang="nl"' in client.get(reverse("vendor:workspace")).content.decode()


def test_a_password_reset_link_stops_working_after_it_expires(
    client, dave, smtp_server, settings, django_capture_on_commit_callbacks
):
    from datetime import datetime, timedelta
    from unittest import mock

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_reset_password"), {"email": "dave@alpha.example"})
    [message] = smtp_server.wait_for(1)
    link = re.search(r"https?://[^\s]+/accounts/password/reset/key/[^\s]+", message.text).group(0)
    path = "/" + link.split("/", 3)[3]
    later = datetime.now() + timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT + 60)
    with mock.patch("django.contrib.auth.tokens.PasswordResetTokenGenerator._now", return_value=later):
        page = client.get(path, follow=True).content.decode()
    assert "password1" not in page
