"""The invitation a new user receives: a real mail over SMTP, a link that works once and not after it expires."""

from datetime import timedelta
from unittest import mock

import pytest
from django.contrib.auth import get_user
from django.urls import reverse
from django.utils import timezone

from vendorcollab.accounts.models import Invitation, Role, UserRequestAction, UserRequestEvent, UserRequestStatus
from vendorcollab.accounts.services import invitations, user_requests
from vendorcollab.audit.models import AuditEvent, AuditKind
from vendorcollab.common.errors import NotFound

from .conftest import invitation_link, link_path


@pytest.fixture
def requested(cast):
    return user_requests.new_user_request_submit(
        actor=cast.vendor_a_admin,
        first_name="Hank",
        last_name="Hill",
        email="hank@alpha.example",
        roles=[Role.VENDOR_USER],
        vendors=[cast.vendor_a],
    )


def test_the_invitation_arrives_and_its_link_works_once(client, cast, requested, approve, smtp_server):
    approve(requested)
    [message] = smtp_server.wait_for(1)
    assert message.to == ["hank@alpha.example"]
    assert message.subject == "Your access to the vendor collaboration portal"
    assert message.content_language == "en"
    assert "V-A Alpha Supplies" in message.text and "hank@alpha.example" in message.text
    link = invitation_link(message.text)
    assert link.startswith("http://testserver/account/invitation/")
    assert link in message.html

    # The link moves the token into the session and out of the address bar.
    response = client.get(link_path(link))
    assert response.status_code == 302 and response["Location"] == reverse("myaccount:invitation_password")
    page = client.get(response["Location"])
    assert page.status_code == 200 and page["Cache-Control"].startswith("max-age=0")
    html = page.content.decode()
    assert '<label for="id_new_password1">' in html and '<label for="id_new_password2">' in html
    assert "hank@alpha.example" in html

    # A weak or mismatched password is refused next to its field, and the link still works.
    refused = client.post(response["Location"], {"new_password1": "Fresh-pass-8264", "new_password2": "other"})
    assert refused.status_code == 422 and 'id="id_new_password2-error"' in refused.content.decode()
    refused = client.post(response["Location"], {"new_password1": "hank", "new_password2": "hank"})
    assert refused.status_code == 422 and 'id="id_new_password2-error"' in refused.content.decode()

    done = client.post(response["Location"], {"new_password1": "Fresh-pass-8264", "new_password2": "Fresh-pass-8264"})
    assert done.status_code == 302
    hank = requested.__class__.objects.get(pk=requested.pk).subject
    assert get_user(client).pk == hank.pk  # signed in
    assert client.get(reverse("home"), follow=True).request["PATH_INFO"] == reverse("vendor:workspace")
    hank.refresh_from_db()
    assert hank.check_password("Fresh-pass-8264")
    requested.refresh_from_db()
    assert requested.status == UserRequestStatus.COMPLETED
    assert AuditEvent.objects.filter(kind=AuditKind.PASSWORD_CHANGED, subject=hank).exists()

    # Once only: the same link again, signed out, is refused and says why.
    client.logout()
    again = client.get(link_path(link))
    assert again.status_code == 410 and "used already" in again.content.decode()
    assert client.get(reverse("myaccount:invitation_password")).status_code == 404
    # And the new user signs in with the password chosen.
    assert client.login(username="hank@alpha.example", password="Fresh-pass-8264")


def test_the_link_expires(client, cast, requested, approve, smtp_server, settings):
    settings.INVITATION_VALID_DAYS = 7
    approve(requested)
    link = invitation_link(smtp_server.wait_for(1)[0].text)
    token = link.rstrip("/").rsplit("/", 1)[1]
    now = timezone.now()
    with mock.patch("django.utils.timezone.now", return_value=now + timedelta(days=6, hours=23)):
        assert client.get(link_path(link)).status_code == 302  # still good; the token is in the session now
    with mock.patch("django.utils.timezone.now", return_value=now + timedelta(days=7, minutes=1)):
        expired = client.get(reverse("myaccount:invitation_password"))
        assert expired.status_code == 410 and "has expired" in expired.content.decode()
        posted = client.post(
            reverse("myaccount:invitation_password"),
            {"new_password1": "Fresh-pass-8264", "new_password2": "Fresh-pass-8264"},
        )
        assert posted.status_code == 410
        assert client.get(link_path(link)).status_code == 410
        with pytest.raises(invitations.InvitationRefused):
            invitations.invitation_accept(token=token, password="Fresh-pass-8264")
    requested.refresh_from_db()
    assert requested.status == UserRequestStatus.APPROVED
    assert not requested.subject.has_usable_password()


def test_a_new_invitation_replaces_the_old_link(
    client, cast, requested, approve, smtp_server, django_capture_on_commit_callbacks
):
    approve(requested)
    old = invitation_link(smtp_server.wait_for(1)[0].text)
    client.force_login(cast.admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("people:invitation_renew", args=[requested.pk]))
    assert response.status_code == 302
    messages = smtp_server.wait_for(2)
    new = invitation_link(messages[1].text)
    assert new != old
    client.logout()
    replaced = client.get(link_path(old))
    assert replaced.status_code == 410 and "replaced" in replaced.content.decode()
    assert client.get(link_path(new)).status_code == 302
    assert list(UserRequestEvent.objects.filter(request=requested).values_list("action", flat=True)) == [
        UserRequestAction.SUBMITTED,
        UserRequestAction.APPROVED,
        UserRequestAction.INVITATION_SENT,
        UserRequestAction.INVITATION_RENEWED,
        UserRequestAction.INVITATION_SENT,
    ]
    assert Invitation.objects.filter(request=requested, cancelled_at__isnull=True).count() == 1


def test_unknown_links_are_not_found(client, db):
    assert client.get(reverse("myaccount:invitation", args=["x" * 43])).status_code == 404
    with pytest.raises(NotFound):
        invitations.invitation_accept(token="x" * 43, password="Fresh-pass-8264")


def test_inactivating_an_invited_user_withdraws_the_link(client, cast, requested, approve, smtp_server):
    approve(requested)
    link = invitation_link(smtp_server.wait_for(1)[0].text)
    requested.refresh_from_db()
    inactivation = user_requests.inactivation_request_submit(actor=cast.admin, user=requested.subject)
    approve(inactivation)
    assert client.get(link_path(link)).status_code == 410


def test_the_mail_is_in_the_new_users_language(cast, requested, approve, smtp_server):
    cast.vendor_a.language = "nl"
    cast.vendor_a.save()
    approve(requested)
    [message] = smtp_server.wait_for(1)
    assert message.content_language == "nl"
    assert "/account/invitation/" in message.text


@pytest.mark.mfa_required
def test_a_new_vendor_admin_sets_up_two_factor_authentication_first(client, cast, approve, smtp_server):
    requested = user_requests.new_user_request_submit(
        actor=cast.vendor_a_admin,
        first_name="Ivy",
        email="ivy@alpha.example",
        roles=[Role.VENDOR_ADMIN],
        vendors=[cast.vendor_a],
    )
    approve(requested)
    client.get(link_path(invitation_link(smtp_server.wait_for(1)[0].text)))
    response = client.post(
        reverse("myaccount:invitation_password"),
        {"new_password1": "Fresh-pass-8264", "new_password2": "Fresh-pass-8264"},
        follow=True,
    )
    assert response.request["PATH_INFO"].startswith("/accounts/2fa/")
    assert get_user(client).username == "ivy@alpha.example"
