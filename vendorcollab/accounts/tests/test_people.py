"""Requests about a vendor's people, through the services: each kind from submission to completion, refusals,
scoping of vendor admins, and what the history and the audit log keep."""

from datetime import timedelta

import pytest
from django.utils import timezone

from vendorcollab.accounts.models import (
    Invitation,
    Role,
    User,
    UserRequest,
    UserRequestAction,
    UserRequestEvent,
    UserRequestKind,
    UserRequestStatus,
    VendorMembership,
)
from vendorcollab.accounts.selectors import hash_token, user_requests_visible_to
from vendorcollab.accounts.services import access, invitations, user_requests
from vendorcollab.api.models import ApiToken
from vendorcollab.api.services import token_authenticate, token_issue
from vendorcollab.audit.models import AuditEvent, AuditKind
from vendorcollab.common.errors import Conflict, NotFound, PermissionRefused, ValidationFailed
from vendorcollab.common.models import AppendOnlyError
from vendorcollab.common.testing.factories import CompanyFactory, VendorFactory

from .conftest import invitation_link


def new_user(actor, vendors, email="hank@alpha.example", role=Role.VENDOR_USER, **extra):
    return user_requests.new_user_request_submit(
        actor=actor,
        first_name=extra.pop("first_name", "Hank"),
        last_name=extra.pop("last_name", "Hill"),
        email=email,
        roles=[role],
        vendors=vendors,
        **extra,
    )


def actions(user_request):
    return list(UserRequestEvent.objects.filter(request=user_request).values_list("action", flat=True))


def audited(kind, **lookup):
    return list(AuditEvent.objects.filter(kind=kind, **lookup).order_by("pk"))


# --- new user -----------------------------------------------------------------------------------------------------


def test_new_user_from_request_to_first_password(cast, approve, mailoutbox):
    # Given erin, vendor A's admin, asks for a new colleague
    cast.vendor_a.language = "nl"
    cast.vendor_a.save()
    request = new_user(cast.vendor_a_admin, [cast.vendor_a], reason="Our new planner")
    assert request.status == UserRequestStatus.SUBMITTED and request.subject is None
    assert actions(request) == [UserRequestAction.SUBMITTED]
    assert UserRequestEvent.objects.get(request=request).reason == "Our new planner"
    assert not User.objects.filter(email="hank@alpha.example").exists()

    # When alice approves it
    approve(request, reason="Welcome")

    # Then the user exists, without a password, linked and in the vendor's language, and is invited by mail
    request.refresh_from_db()
    hank = request.subject
    assert request.status == UserRequestStatus.APPROVED
    assert (hank.username, hank.email, hank.first_name, hank.last_name) == (
        "hank@alpha.example",
        "hank@alpha.example",
        "Hank",
        "Hill",
    )
    assert not hank.has_usable_password()
    assert hank.role_set == {Role.VENDOR_USER} and hank.vendor_ids == {cast.vendor_a.pk}
    assert hank.language == "nl"
    [mail] = mailoutbox
    assert mail.to == ["hank@alpha.example"]
    assert mail.extra_headers["Content-Language"] == "nl"
    link = invitation_link(mail.body)
    token = link.rstrip("/").rsplit("/", 1)[1]
    invitation = Invitation.objects.get(request=request)
    assert invitation.token_hash == hash_token(token) and invitation.sent_at is not None
    assert abs(invitation.expires_at - (timezone.now() + timedelta(days=7))) < timedelta(minutes=1)
    assert actions(request) == [
        UserRequestAction.SUBMITTED,
        UserRequestAction.APPROVED,
        UserRequestAction.INVITATION_SENT,
    ]
    # The token itself is stored nowhere.
    stored = [str(row) for model in (Invitation, UserRequestEvent, AuditEvent) for row in model.objects.values()]
    assert not any(token in row for row in stored)

    # When hank follows the link and chooses a password
    invitations.invitation_accept(token=token, password="Fresh-pass-8264")

    # Then the request is completed, by hank himself
    request.refresh_from_db()
    hank.refresh_from_db()
    assert request.status == UserRequestStatus.COMPLETED
    assert hank.check_password("Fresh-pass-8264")
    assert actions(request)[-1] == UserRequestAction.COMPLETED
    assert UserRequestEvent.objects.filter(request=request).last().actor == hank
    assert [event.data["action"] for event in audited(AuditKind.USER_REQUEST, target=request.number)] == [
        "submitted",
        "approved",
        "completed",
    ]
    assert audited(AuditKind.PASSWORD_CHANGED, subject=hank)


def test_invitation_valid_days_is_a_setting(cast, approve, settings):
    settings.INVITATION_VALID_DAYS = 2
    request = new_user(cast.admin, [cast.vendor_a])
    approve(request)
    invitation = Invitation.objects.get(request=request)
    assert abs(invitation.expires_at - (timezone.now() + timedelta(days=2))) < timedelta(minutes=1)


def test_new_user_request_refusals(cast):
    with pytest.raises(ValidationFailed) as refused:
        user_requests.new_user_request_submit(
            actor=cast.agent, first_name=" ", email="", roles=["procurement_admin"], vendors=[]
        )
    assert set(refused.value.fields) == {"first_name", "email", "roles", "vendors"}
    User.objects.filter(pk=cast.vendor_a_user.pk).update(email="dave@example.com")
    with pytest.raises(ValidationFailed) as refused:
        new_user(cast.agent, [cast.vendor_a], email="DAVE@example.com")
    assert refused.value.field_codes == {"email": "email_taken"}
    new_user(cast.agent, [cast.vendor_a], email="ivy@example.com")
    with pytest.raises(ValidationFailed) as refused:
        new_user(cast.vendor_a_admin, [cast.vendor_a], email="IVY@example.com")
    assert refused.value.field_codes == {"email": "email_requested"}
    assert UserRequest.objects.count() == 1


def test_who_may_raise_and_decide(cast):
    for outsider in (cast.clerk, cast.vendor_a_user, cast.vendor_b_user):
        with pytest.raises(PermissionRefused):
            new_user(outsider, [cast.vendor_a])
    request = new_user(cast.agent, [cast.vendor_a, cast.vendor_b])  # a buyer asks for any vendor
    for outsider in (cast.agent, cast.clerk, cast.vendor_a_admin):
        with pytest.raises(PermissionRefused):
            user_requests.user_request_approve(actor=outsider, user_request=request, link_base="http://x/")
        with pytest.raises(PermissionRefused):
            user_requests.user_request_reject(actor=outsider, user_request=request, reason="no")
    request.refresh_from_db()
    assert request.status == UserRequestStatus.SUBMITTED


def test_a_vendor_admin_asks_only_for_its_own_accounts(cast, vendor_b_admin):
    with pytest.raises(NotFound):
        new_user(vendor_b_admin, [cast.vendor_a])
    with pytest.raises(NotFound):
        new_user(vendor_b_admin, [cast.vendor_b, cast.vendor_a])
    # An account whose access was switched off is no longer its own.
    VendorMembership.objects.filter(user=cast.vendor_a_admin).update(is_active=False)
    with pytest.raises(NotFound):
        new_user(User.objects.get(pk=cast.vendor_a_admin.pk), [cast.vendor_a])
    assert not UserRequest.objects.exists()


# --- rejection and decisions --------------------------------------------------------------------------------------


def test_rejection_needs_a_reason_and_changes_nothing_else(cast, approve):
    request = new_user(cast.vendor_a_admin, [cast.vendor_a])
    with pytest.raises(ValidationFailed) as refused:
        user_requests.user_request_reject(actor=cast.admin, user_request=request, reason="  ")
    assert refused.value.field_codes == {"reason": "reason_required"}
    user_requests.user_request_reject(actor=cast.admin, user_request=request, reason="We have enough planners")
    request.refresh_from_db()
    assert request.status == UserRequestStatus.REJECTED
    assert not User.objects.filter(email="hank@alpha.example").exists()
    last = UserRequestEvent.objects.filter(request=request).last()
    assert (last.action, last.actor, last.reason) == (UserRequestAction.REJECTED, cast.admin, "We have enough planners")
    # Decided once: neither a second rejection nor an approval changes it.
    with pytest.raises(Conflict):
        user_requests.user_request_reject(actor=cast.admin, user_request=request, reason="again")
    with pytest.raises(Conflict):
        approve(request)
    assert request.status == UserRequestStatus.REJECTED and not Invitation.objects.exists()
    # A rejected request no longer blocks a new one for the same address.
    new_user(cast.vendor_a_admin, [cast.vendor_a])


def test_history_is_append_only(cast):
    request = new_user(cast.vendor_a_admin, [cast.vendor_a])
    event = UserRequestEvent.objects.get(request=request)
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        UserRequestEvent.objects.filter(request=request).update(reason="rewritten")
    with pytest.raises(AppendOnlyError):
        event.delete()


# --- inactivation -------------------------------------------------------------------------------------------------


def test_inactivation_from_request_to_completion(cast, approve):
    _token, key = token_issue(actor=cast.vendor_a_user, name="ERP")
    request = user_requests.inactivation_request_submit(
        actor=cast.vendor_a_admin, user=cast.vendor_a_user, reason="Left us"
    )
    assert (request.kind, request.subject, request.email) == (
        UserRequestKind.INACTIVATE,
        cast.vendor_a_user,
        cast.vendor_a_user.email,
    )
    assert list(request.vendors.all()) == [cast.vendor_a]
    assert User.objects.get(pk=cast.vendor_a_user.pk).is_active

    approve(request)

    request.refresh_from_db()
    dave = User.objects.get(pk=cast.vendor_a_user.pk)
    assert request.status == UserRequestStatus.COMPLETED
    assert actions(request) == [UserRequestAction.SUBMITTED, UserRequestAction.APPROVED, UserRequestAction.COMPLETED]
    assert not dave.is_active
    assert token_authenticate(key=key) is None
    assert not ApiToken.objects.filter(user=dave, revoked_at__isnull=True).exists()
    [event] = audited(AuditKind.USER_INACTIVATED, subject=dave)
    assert event.actor == cast.admin and event.target == request.number
    # Nothing further can be asked about an inactive user.
    with pytest.raises(Conflict):
        user_requests.inactivation_request_submit(actor=cast.admin, user=dave)


def test_one_open_request_of_a_kind_per_user(cast):
    user_requests.inactivation_request_submit(actor=cast.vendor_a_admin, user=cast.vendor_a_user)
    with pytest.raises(Conflict) as refused:
        user_requests.inactivation_request_submit(actor=cast.agent, user=cast.vendor_a_user)
    assert refused.value.code == "duplicate_request"
    # Another kind is fine.
    user_requests.role_change_request_submit(actor=cast.agent, user=cast.vendor_a_user, roles=[Role.VENDOR_ADMIN])


# --- role change --------------------------------------------------------------------------------------------------


def test_role_change_from_request_to_completion(cast, approve):
    with pytest.raises(ValidationFailed) as refused:
        user_requests.role_change_request_submit(
            actor=cast.vendor_a_admin, user=cast.vendor_a_user, roles=[Role.VENDOR_USER]
        )
    assert refused.value.field_codes == {"roles": "roles_unchanged"}
    with pytest.raises(ValidationFailed):
        user_requests.role_change_request_submit(
            actor=cast.vendor_a_admin, user=cast.vendor_a_user, roles=[Role.PROCUREMENT_ADMIN]
        )
    request = user_requests.role_change_request_submit(
        actor=cast.vendor_a_admin, user=cast.vendor_a_user, roles=[Role.VENDOR_ADMIN], reason="Runs the account now"
    )
    assert request.roles == [Role.VENDOR_ADMIN]

    approve(request)

    request.refresh_from_db()
    assert request.status == UserRequestStatus.COMPLETED
    assert User.objects.get(pk=cast.vendor_a_user.pk).role_set == {Role.VENDOR_ADMIN}
    [event] = audited(AuditKind.ROLE_CHANGED, subject=cast.vendor_a_user)
    assert event.data == {"before": [Role.VENDOR_USER], "after": [Role.VENDOR_ADMIN]}


# --- scoping ------------------------------------------------------------------------------------------------------


def test_vendor_admin_b_gets_nothing_of_vendor_a(cast, vendor_b_admin):
    request_a = user_requests.inactivation_request_submit(actor=cast.vendor_a_admin, user=cast.vendor_a_user)
    with pytest.raises(NotFound):
        user_requests.inactivation_request_submit(actor=vendor_b_admin, user=cast.vendor_a_user)
    with pytest.raises(NotFound):
        user_requests.role_change_request_submit(
            actor=vendor_b_admin, user=cast.vendor_a_admin, roles=[Role.VENDOR_USER]
        )
    with pytest.raises(NotFound):
        user_requests.inactivation_request_submit(actor=cast.vendor_a_admin, user=cast.agent)  # not a contact at all
    assert list(user_requests_visible_to(vendor_b_admin)) == []
    assert list(user_requests_visible_to(cast.vendor_a_admin)) == [request_a]
    assert list(user_requests_visible_to(cast.clerk)) == []
    assert set(user_requests_visible_to(cast.agent)) == {request_a}


def test_a_user_shared_by_two_vendors_is_a_contact_of_both(cast, vendor_b_admin):
    VendorMembership.objects.create(user=cast.vendor_a_user, vendor=cast.vendor_b)
    request = user_requests.inactivation_request_submit(actor=vendor_b_admin, user=cast.vendor_a_user)
    assert set(request.vendors.all()) == {cast.vendor_a, cast.vendor_b}
    assert list(user_requests_visible_to(cast.vendor_a_admin)) == [request]


def test_buyers_raise_requests_about_vendor_users_only(cast):
    with pytest.raises(NotFound):
        user_requests.inactivation_request_submit(actor=cast.admin, user=cast.agent)
    with pytest.raises(NotFound):
        user_requests.role_change_request_submit(actor=cast.agent, user=cast.clerk, roles=[Role.VENDOR_USER])


# --- access per company -------------------------------------------------------------------------------------------


def test_access_per_company_leaves_other_companies_alone(cast):
    other = CompanyFactory(code="BE01", name="Contoso België")
    vendor_be = VendorFactory(company=other, number="V-A-BE")
    second_be = VendorFactory(company=other, number="V-A-BE2")
    for vendor in (vendor_be, second_be):
        VendorMembership.objects.create(user=cast.vendor_a_user, vendor=vendor)
    with pytest.raises(PermissionRefused):
        access.vendor_access_set(actor=cast.agent, user=cast.vendor_a_user, company=other, active=False)

    assert access.vendor_access_set(actor=cast.admin, user=cast.vendor_a_user, company=other, active=False) == 2

    dave = User.objects.get(pk=cast.vendor_a_user.pk)
    assert dave.vendor_ids == {cast.vendor_a.pk}
    [event] = audited(AuditKind.ACCESS_CHANGED, subject=dave)
    assert event.data == {"company": "BE01", "active": False, "vendors": ["V-A-BE", "V-A-BE2"]}
    assert access.vendor_access_set(actor=cast.admin, user=dave, company=other, active=False) == 0  # no change
    assert len(audited(AuditKind.ACCESS_CHANGED, subject=dave)) == 1
    access.vendor_access_set(actor=cast.admin, user=dave, company=other, active=True)
    assert User.objects.get(pk=dave.pk).vendor_ids == {cast.vendor_a.pk, vendor_be.pk, second_be.pk}
    with pytest.raises(NotFound):
        access.vendor_access_set(actor=cast.admin, user=cast.agent, company=other, active=False)
