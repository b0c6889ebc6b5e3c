"""The people pages through Django's test client: the role matrix of every URL, raising and deciding requests as a
person does, errors next to their fields, and constant query counts."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import get_resolver, resolve, reverse

from vendorcollab.accounts.models import (
    Role,
    User,
    UserRequest,
    UserRequestKind,
    UserRequestStatus,
    VendorMembership,
)
from vendorcollab.accounts.services import user_requests
from vendorcollab.api.services import token_issue
from vendorcollab.common.testing.factories import CompanyFactory, VendorFactory, make_user

NAMESPACES = ("people", "people_vendor", "myaccount")


@pytest.fixture
def about_a(cast):
    """A request about vendor A's user, raised by vendor A's admin."""
    return user_requests.inactivation_request_submit(
        actor=cast.vendor_a_admin, user=cast.vendor_a_user, reason="Leaves"
    )


def matrix_urls(cast, user_request, token):
    """Every URL of the three namespaces, with the method it is tried with: ``(namespace, name, method, url)``."""
    dave = cast.vendor_a_user.pk
    rows = []
    for ns in ("people", "people_vendor"):
        rows += [
            (ns, "user_list", "get", reverse(f"{ns}:user_list")),
            (ns, "user_detail", "get", reverse(f"{ns}:user_detail", args=[dave])),
            (ns, "request_inactivation", "get", reverse(f"{ns}:request_inactivation", args=[dave])),
            (ns, "request_role_change", "get", reverse(f"{ns}:request_role_change", args=[dave])),
            (ns, "request_list", "get", reverse(f"{ns}:request_list")),
            (ns, "request_new_user", "get", reverse(f"{ns}:request_new_user")),
            (ns, "request_detail", "get", reverse(f"{ns}:request_detail", args=[user_request.pk])),
        ]
    rows += [
        ("people", "user_access", "get", reverse("people:user_access", args=[dave])),
        ("people", "request_decide", "post", reverse("people:request_decide", args=[user_request.pk])),
        ("people", "invitation_renew", "post", reverse("people:invitation_renew", args=[user_request.pk])),
        ("myaccount", "profile", "get", reverse("myaccount:profile")),
        ("myaccount", "tokens", "get", reverse("myaccount:tokens")),
        ("myaccount", "token_revoke", "post", reverse("myaccount:token_revoke", args=[token.pk])),
        ("myaccount", "invitation", "get", reverse("myaccount:invitation", args=["not-a-real-token"])),
        ("myaccount", "invitation_password", "get", reverse("myaccount:invitation_password")),
    ]
    return rows


def test_every_url_of_the_people_namespaces_is_in_the_matrix(cast, about_a):
    token, _key = token_issue(actor=cast.vendor_a_user)
    resolver = get_resolver()
    for ns in NAMESPACES:
        _prefix, sub = resolver.namespace_dict[ns]
        tested = {name for namespace, name, _m, _u in matrix_urls(cast, about_a, token) if namespace == ns}
        assert {pattern.name for pattern in sub.url_patterns} == tested, ns
    for ns, name, _method, url in matrix_urls(cast, about_a, token):
        assert resolve(url).view_name == f"{ns}:{name}"


# Expected status per URL name and user; "*" is every other name of the namespace.
BUYER_SIDE = {
    "admin": {"*": 200, "request_decide": 422, "invitation_renew": 302},
    "agent": {"*": 200, "user_access": 403, "request_decide": 403, "invitation_renew": 403},
    "clerk": {"*": 403},
    "vendor_a_user": {"*": 404},
    "vendor_a_admin": {"*": 404},
    "vendor_b_user": {"*": 404},
    "vendor_b_admin": {"*": 404},
}
VENDOR_SIDE = {
    "admin": {"*": 404},
    "agent": {"*": 404},
    "clerk": {"*": 404},
    "vendor_a_user": {"*": 403},
    "vendor_a_admin": {"*": 200},
    "vendor_b_user": {"*": 403},
    # Vendor A's user and vendor A's request do not exist for vendor B's admin; its own lists and forms do.
    "vendor_b_admin": {"*": 404, "user_list": 200, "request_list": 200, "request_new_user": 200},
}


def people_of(cast, vendor_b_admin):
    return {
        "admin": cast.admin,
        "agent": cast.agent,
        "clerk": cast.clerk,
        "vendor_a_user": cast.vendor_a_user,
        "vendor_a_admin": cast.vendor_a_admin,
        "vendor_b_user": cast.vendor_b_user,
        "vendor_b_admin": vendor_b_admin,
    }


def test_role_matrix(client, cast, about_a, vendor_b_admin):
    token, _key = token_issue(actor=cast.vendor_a_user)
    before = UserRequest.objects.count(), UserRequest.objects.get().status
    for who, user in people_of(cast, vendor_b_admin).items():
        client.force_login(user)
        for ns, name, method, url in matrix_urls(cast, about_a, token):
            if ns == "myaccount":
                continue
            table = (BUYER_SIDE if ns == "people" else VENDOR_SIDE)[who]
            expected = table.get(name, table["*"])
            response = getattr(client, method)(url)
            assert response.status_code == expected, (who, method, url, response.status_code)
            if method == "get" and expected in (403, 404):
                # The same answer to a POST, and nothing is written.
                assert client.post(url, {"reason": "x", "role": "vendor_admin"}).status_code == expected, (who, url)
    assert (UserRequest.objects.count(), UserRequest.objects.get().status) == before
    assert User.objects.get(pk=cast.vendor_a_user.pk).is_active


def test_anonymous_users_are_sent_to_sign_in_except_for_the_invitation(client, cast, about_a):
    token, _key = token_issue(actor=cast.vendor_a_user)
    for ns, name, method, url in matrix_urls(cast, about_a, token):
        response = getattr(client, method)(url)
        if name.startswith("invitation") and ns == "myaccount":
            assert response.status_code == 404, url  # an unknown link; no session holds one
        else:
            assert response.status_code == 302 and response["Location"].startswith(reverse("account_login")), url


def test_personal_pages_are_for_every_user_and_only_their_own_tokens(client, cast, vendor_b_admin):
    dave_token, _key = token_issue(actor=cast.vendor_a_user, name="dave's ERP")
    for user in people_of(cast, vendor_b_admin).values():
        client.force_login(user)
        assert client.get(reverse("myaccount:tokens")).status_code == 200, user
        assert client.get(reverse("myaccount:profile")).status_code == 200, user
        if user != cast.vendor_a_user:
            assert client.post(reverse("myaccount:token_revoke", args=[dave_token.pk])).status_code == 404, user
    dave_token.refresh_from_db()
    assert dave_token.revoked_at is None
    assert client.get(reverse("myaccount:token_revoke", args=[dave_token.pk])).status_code in (404, 405)


def test_the_nav_links(client, cast):
    client.force_login(cast.vendor_a_admin)
    page = client.get(reverse("vendor:workspace")).content.decode()
    assert reverse("people_vendor:user_list") in page and reverse("myaccount:tokens") in page
    client.force_login(cast.vendor_a_user)
    assert reverse("people_vendor:user_list") not in client.get(reverse("vendor:workspace")).content.decode()
    client.force_login(cast.admin)
    assert reverse("people:user_list") in client.get(reverse("buyer:workspace")).content.decode()
    client.force_login(cast.clerk)
    page = client.get(reverse("buyer:receiving")).content.decode()  # the clerk's workspace
    assert reverse("people:user_list") not in page and reverse("myaccount:tokens") in page


# --- the vendor admin's contacts ------------------------------------------------------------------------------------


def test_contacts_show_only_the_vendor_admins_own_accounts(client, cast, vendor_b_admin):
    other = CompanyFactory(code="BE01", name="Contoso België")
    shared = VendorFactory(company=other, number="V-C", name="Gamma")
    VendorMembership.objects.create(user=cast.vendor_a_user, vendor=shared)
    User.objects.filter(pk=cast.vendor_a_user.pk).update(first_name="Dave", last_name="Smith", email="dave@alpha.ex")
    client.force_login(cast.vendor_a_admin)
    response = client.get(reverse("people_vendor:user_list"))
    page = response.content.decode()
    assert {person.username for person in response.context["page"]} == {"dave", "erin"}
    row = page[page.index('data-user="dave"') :]
    row = row[: row.index("</tr>")]
    assert "Dave Smith" in row and "dave@alpha.ex" in row and "Vendor user" in row and "Active" in row
    assert "V-A (NL01)" in row and "V-C" not in row  # the link to another vendor's account is not theirs to see
    assert "frank" not in page and "alice" not in page
    client.force_login(vendor_b_admin)
    assert {p.username for p in client.get(reverse("people_vendor:user_list")).context["page"]} == {"frank", "gina"}


def test_vendor_admin_requests_a_new_user_through_the_page(client, cast):
    second = VendorFactory(company=CompanyFactory(code="BE01"), number="V-A-BE")
    VendorMembership.objects.create(user=cast.vendor_a_admin, vendor=second)
    client.force_login(cast.vendor_a_admin)
    target = reverse("people_vendor:request_new_user")
    page = client.get(target).content.decode()
    for name in ("first_name", "last_name", "email", "role", "reason"):
        assert f'<label for="id_{name}">' in page, name
    assert "<legend>Vendor accounts</legend>" in page and "V-A-BE" in page and "V-B" not in page
    # Errors next to their fields; what was typed stays.
    response = client.post(target, {"first_name": "Hank", "email": "not-an-address", "role": "emperor"})
    assert response.status_code == 422
    page = response.content.decode()
    for name in ("email", "role", "vendors"):
        assert f'id="id_{name}-error"' in page, name
    assert 'value="Hank"' in page and 'value="not-an-address"' in page
    # Another vendor's account is refused, and nothing is stored.
    response = client.post(
        target,
        {"first_name": "Hank", "email": "hank@alpha.example", "role": "vendor_user", "vendors": cast.vendor_b.pk},
    )
    assert response.status_code == 422 and 'id="id_vendors-error"' in response.content.decode()
    assert not UserRequest.objects.exists()
    response = client.post(
        target,
        {
            "first_name": "Hank",
            "last_name": "Hill",
            "email": "hank@alpha.example",
            "role": "vendor_admin",
            "vendors": [cast.vendor_a.pk, second.pk],
            "reason": "Runs our BE account",
        },
    )
    request = UserRequest.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "people_vendor:request_detail", args=[request.pk]
    )
    assert (request.kind, request.roles, set(request.vendors.all())) == (
        UserRequestKind.NEW_USER,
        [Role.VENDOR_ADMIN],
        {cast.vendor_a, second},
    )
    page = client.get(response["Location"]).content.decode()
    assert "is sent to the procurement admins" in page and "Runs our BE account" in page
    # A second request for the same address is refused next to the e-mail field.
    again = client.post(
        target, {"first_name": "H", "email": "HANK@alpha.example", "role": "vendor_user", "vendors": cast.vendor_a.pk}
    )
    assert again.status_code == 422
    assert "already an open request" in again.content.decode()


def test_inactivation_and_role_change_requests_through_the_pages(client, cast):
    client.force_login(cast.vendor_a_admin)
    detail = client.get(reverse("people_vendor:user_detail", args=[cast.vendor_a_user.pk])).content.decode()
    assert reverse("people_vendor:request_inactivation", args=[cast.vendor_a_user.pk]) in detail
    target = reverse("people_vendor:request_role_change", args=[cast.vendor_a_user.pk])
    page = client.get(target).content.decode()
    assert '<option value="vendor_user" selected>' in page  # starts from the current role
    response = client.post(target, {"role": "vendor_user", "reason": "x"})
    assert response.status_code == 422 and 'id="id_role-error"' in response.content.decode()
    assert client.post(target, {"role": "vendor_admin"}).status_code == 302
    target = reverse("people_vendor:request_inactivation", args=[cast.vendor_a_user.pk])
    assert client.post(target, {"reason": "Left"}).status_code == 302
    again = client.post(target, {"reason": "Left, really"})
    assert again.status_code == 422 and "already an open request" in again.content.decode()
    assert 'value="Left, really"' in again.content.decode() or "Left, really</textarea>" in again.content.decode()
    assert sorted(UserRequest.objects.values_list("kind", flat=True)) == ["change_roles", "inactivate"]


def test_procurement_admin_decides_in_the_queue(client, cast, about_a, django_capture_on_commit_callbacks):
    role_change = user_requests.role_change_request_submit(
        actor=cast.agent, user=cast.vendor_a_admin, roles=[Role.VENDOR_USER]
    )
    client.force_login(cast.admin)
    queue = client.get(reverse("people:request_list"))
    assert {row.pk for row in queue.context["page"]} == {about_a.pk, role_change.pk}
    assert client.get(reverse("people:request_list"), {"kind": "inactivate"}).context["page"].paginator.count == 1
    assert client.get(reverse("people:request_list"), {"q": "erin"}).context["page"].paginator.count == 1
    decide = reverse("people:request_decide", args=[role_change.pk])
    # Rejecting without a reason: the error is next to the field, nothing changes.
    response = client.post(decide, {"decision": "reject", "reason": ""})
    assert response.status_code == 422 and 'id="id_reason-error"' in response.content.decode()
    response = client.post(decide, {"decision": "reject", "reason": "Erin stays admin"})
    assert response.status_code == 302
    role_change.refresh_from_db()
    assert role_change.status == UserRequestStatus.REJECTED
    # Approving the inactivation takes effect at once.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("people:request_decide", args=[about_a.pk]), {"decision": "approve"})
    page = client.get(response["Location"]).content.decode()
    assert "is inactive now and signed out everywhere" in page
    assert not User.objects.get(pk=cast.vendor_a_user.pk).is_active
    about_a.refresh_from_db()
    assert about_a.status == UserRequestStatus.COMPLETED
    assert client.get(reverse("people:request_list")).context["page"].paginator.count == 0  # nothing open left
    assert client.get(reverse("people:request_list"), {"status": "all"}).context["page"].paginator.count == 2
    # A decided request shows no decision form, and a late decision is refused.
    assert "request_decide" not in client.get(reverse("people:request_detail", args=[about_a.pk])).content.decode()
    late = client.post(reverse("people:request_decide", args=[about_a.pk]), {"decision": "reject", "reason": "x"})
    assert late.status_code == 302
    assert "is no longer open (status: Completed); nothing was changed" in client.get(late["Location"]).content.decode()
    about_a.refresh_from_db()
    assert about_a.status == UserRequestStatus.COMPLETED
    # The vendor admin reads the decision and its reason.
    client.force_login(cast.vendor_a_admin)
    assert (
        "Erin stays admin"
        in client.get(reverse("people_vendor:request_detail", args=[role_change.pk])).content.decode()
    )


def test_agent_raises_requests_for_any_vendor_but_does_not_decide(client, cast):
    client.force_login(cast.agent)
    response = client.post(
        reverse("people:request_new_user"),
        {"first_name": "Ivy", "email": "ivy@beta.example", "role": "vendor_user", "vendors": [cast.vendor_b.pk]},
    )
    assert response.status_code == 302
    request = UserRequest.objects.get()
    page = client.get(reverse("people:request_detail", args=[request.pk])).content.decode()
    assert "Approve" not in page
    # Agents see vendor users only.
    assert client.get(reverse("people:user_detail", args=[cast.clerk.pk])).status_code == 404
    assert {p.username for p in client.get(reverse("people:user_list")).context["page"]} == {"dave", "erin", "frank"}


def test_user_list_search_and_filters(client, cast):
    other = CompanyFactory(code="BE01", name="Contoso België")
    be_vendor = VendorFactory(company=other)
    make_user("ida", Role.VENDOR_USER, vendors=(be_vendor,), first_name="Ida", email="ida@delta.example")
    User.objects.filter(username="frank").update(is_active=False)
    client.force_login(cast.admin)
    target = reverse("people:user_list")

    def names(**params):
        return {p.username for p in client.get(target, params).context["page"]}

    assert names() == {"alice", "bob", "carol", "dave", "erin", "frank", "ida"}
    assert names(side="buyer") == {"alice", "bob", "carol"}
    assert names(side="vendor", status="active") == {"dave", "erin", "ida"}
    assert names(status="inactive") == {"frank"}
    assert names(role="vendor_admin") == {"erin"}
    assert names(company=other.pk) == {"ida"}
    assert names(q="DELTA") == {"ida"}
    page = client.get(target, {"q": "frank"}).content.decode()
    assert "Inactive" in page
    assert 'name="side"' in page


# --- query counts -----------------------------------------------------------------------------------------------


def count_queries(client, url, **params):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params)
    assert response.status_code == 200, url
    return len(captured)


def populate(cast, count, start):
    for number in range(start, start + count):
        user = make_user(f"user{number}", Role.VENDOR_USER, vendors=(cast.vendor_a, cast.vendor_b))
        user_requests.role_change_request_submit(actor=cast.agent, user=user, roles=[Role.VENDOR_ADMIN])
        user_requests.inactivation_request_submit(actor=cast.agent, user=user)
        token_issue(actor=cast.vendor_a_admin, name=f"token {number}")


def test_pages_use_a_constant_number_of_queries(client, cast):
    pages = [
        (cast.admin, reverse("people:user_list"), {}),
        (cast.admin, reverse("people:request_list"), {}),
        (cast.admin, reverse("people:request_list"), {"status": "all", "q": "user"}),
        (cast.agent, reverse("people:user_list"), {"q": "user"}),
        (cast.vendor_a_admin, reverse("people_vendor:user_list"), {}),
        (cast.vendor_a_admin, reverse("people_vendor:request_list"), {}),
        (cast.vendor_a_admin, reverse("myaccount:tokens"), {}),
    ]
    populate(cast, 2, 0)
    few = []
    for user, url, params in pages:
        client.force_login(user)
        few.append(count_queries(client, url, **params))
    populate(cast, 12, 2)
    many = []
    for user, url, params in pages:
        client.force_login(user)
        many.append(count_queries(client, url, **params))
    assert many == few


def test_detail_pages_use_a_constant_number_of_queries(client, cast):
    def detail_counts():
        client.force_login(cast.admin)
        counts = [
            count_queries(client, reverse("people:user_detail", args=[cast.vendor_a_user.pk])),
            count_queries(client, reverse("people:user_access", args=[cast.vendor_a_user.pk])),
        ]
        client.force_login(cast.vendor_a_admin)
        counts.append(count_queries(client, reverse("people_vendor:user_detail", args=[cast.vendor_a_user.pk])))
        return counts

    def add_links_and_requests(count):
        for _ in range(count):
            company = CompanyFactory()
            VendorMembership.objects.create(user=cast.vendor_a_user, vendor=VendorFactory(company=company))
            request = user_requests.role_change_request_submit(
                actor=cast.agent, user=cast.vendor_a_user, roles=[Role.VENDOR_ADMIN]
            )
            user_requests.user_request_reject(actor=cast.admin, user_request=request, reason="no")

    add_links_and_requests(1)
    few = detail_counts()
    add_links_and_requests(8)
    assert detail_counts() == few
