"""What a decision changes for the person it is about, from their very next request: inactivation ends the open
session and the bearer tokens; switching off one company's access hides exactly that company's purchase orders."""

import pytest
from django.test import Client
from django.urls import reverse

from vendorcollab.accounts.models import User, VendorMembership
from vendorcollab.accounts.services import user_requests
from vendorcollab.api.services import token_issue
from vendorcollab.audit.models import AuditEvent, AuditKind
from vendorcollab.common.testing.factories import CompanyFactory, ItemFactory, VendorFactory, make_po

VENDOR_LIST = "/api/v1/vendor/purchase-orders"


def bearer(key):
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def test_inactivation_ends_the_open_session_and_the_tokens(client, cast, approve):
    # Given dave is signed in in a browser and an ERP calls the API with his token
    _token, key = token_issue(actor=cast.vendor_a_user, name="ERP")
    client.force_login(cast.vendor_a_user)
    assert client.get(reverse("vendor:workspace")).status_code == 200
    erp = Client()
    assert erp.get(VENDOR_LIST, {"list": "for_review"}, **bearer(key)).status_code == 200

    # When erin asks for his inactivation and alice approves it
    request = user_requests.inactivation_request_submit(
        actor=cast.vendor_a_admin, user=cast.vendor_a_user, reason="Left"
    )
    assert client.get(reverse("vendor:workspace")).status_code == 200  # a request alone changes nothing
    approve(request)

    # Then the next page sends him to sign in, and the next API call is refused
    response = client.get(reverse("vendor:workspace"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))
    assert erp.get(VENDOR_LIST, {"list": "for_review"}, **bearer(key)).status_code == 401
    # ... and signing in again is refused too.
    assert not Client().login(username="dave", password="pw-dave")


def test_an_inactive_user_is_refused_even_with_a_token_that_was_not_revoked(cast):
    _token, key = token_issue(actor=cast.vendor_a_user)
    User.objects.filter(pk=cast.vendor_a_user.pk).update(is_active=False)
    assert Client().get(VENDOR_LIST, {"list": "for_review"}, **bearer(key)).status_code == 401


@pytest.fixture
def two_companies(cast):
    """Dave's supplier also has an account in a Belgian company; one PO sent in each company."""
    other = CompanyFactory(code="BE01", name="Contoso België")
    vendor_be = VendorFactory(company=other, number="V-A-BE", name="Alpha Supplies BE")
    VendorMembership.objects.create(user=cast.vendor_a_user, vendor=vendor_be)
    po_nl = make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:1], send=True, number="NL-1")
    po_be = make_po(actor=cast.agent, vendor=vendor_be, items=[ItemFactory(company=other)], send=True, number="BE-1")
    return other, po_nl, po_be


def listed(client):
    page = client.get(reverse("vendor:po_list", args=["for_review"]))
    return {po.number for po in page.context["page"]}


def test_switching_off_one_company_hides_exactly_its_purchase_orders(client, cast, two_companies):
    other, po_nl, po_be = two_companies
    dave = Client()
    dave.force_login(cast.vendor_a_user)
    _token, key = token_issue(actor=cast.vendor_a_user)
    assert listed(dave) == {"NL-1", "BE-1"}

    # The procurement admin's page lists dave's accounts per company, with a switch per company.
    client.force_login(cast.admin)
    target = reverse("people:user_access", args=[cast.vendor_a_user.pk])
    page = client.get(target).content.decode()
    assert 'data-company="NL01"' in page and 'data-company="BE01"' in page
    assert "Switch off access to Contoso België" in page
    response = client.post(target, {"company": other.pk, "active": "0"})
    assert response.status_code == 302
    assert "access in other companies is unchanged" in client.get(target).content.decode()

    # Dave's very next page shows the Dutch PO only; the Belgian one does not exist for him any more.
    assert listed(dave) == {"NL-1"}
    assert dave.get(reverse("vendor:po_detail", args=[po_be.pk])).status_code == 404
    assert dave.get(reverse("vendor:po_detail", args=[po_nl.pk])).status_code == 200
    api_rows = Client().get(VENDOR_LIST, {"list": "for_review"}, **bearer(key)).json()["items"]
    assert [row["number"] for row in api_rows] == ["NL-1"]
    assert VendorMembership.objects.get(user=cast.vendor_a_user, vendor=cast.vendor_a).is_active
    event = AuditEvent.objects.get(kind=AuditKind.ACCESS_CHANGED)
    assert (event.actor, event.subject, event.data["vendors"]) == (cast.admin, cast.vendor_a_user, ["V-A-BE"])

    # Switched on again, both are back.
    client.post(target, {"company": other.pk, "active": "1"})
    assert listed(dave) == {"NL-1", "BE-1"}


def test_the_access_page_refuses_a_company_the_user_has_no_account_in(client, cast, two_companies):
    client.force_login(cast.admin)
    target = reverse("people:user_access", args=[cast.vendor_a_user.pk])
    stranger = CompanyFactory(code="DE01")
    response = client.post(target, {"company": stranger.pk, "active": "0"}, follow=True)
    assert "Choose a company this user has vendor accounts in." in response.content.decode()
    assert not VendorMembership.objects.filter(is_active=False).exists()
    # Buyer users have no vendor accounts to switch.
    assert client.get(reverse("people:user_access", args=[cast.agent.pk])).status_code == 404
