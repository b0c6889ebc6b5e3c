"""Vendor B's user walks every object id of vendor A through every route of the portal and the API, and gets
nothing: never a page or a document that shows vendor A's data.

The routes come from the URL configuration (and the API's own routes), so a new page or endpoint is walked too.
"""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver

from vendorcollab.accounts.models import Role
from vendorcollab.accounts.services.user_requests import new_user_request_submit
from vendorcollab.api.api import api as ninja_api
from vendorcollab.api.services import token_issue
from vendorcollab.common.testing.factories import make_po
from vendorcollab.consignment.services import ownership_change_post
from vendorcollab.consignment.tests.helpers import priced, stock_line, stocked
from vendorcollab.purchasing.models import Attachment, ResponseKind, Visibility
from vendorcollab.purchasing.services import po_send, response_submit

# Marks of vendor A's data; none may appear in anything vendor B's user gets.
SECRET_NUMBER = "SECRET-A-77"


def walk(resolver: URLResolver, prefix: str = "") -> list[str]:
    """Every URL pattern of the project as a path template, e.g. "vendor/purchase-orders/<int:pk>/"."""
    paths = []
    for pattern in resolver.url_patterns:
        text = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            if text.startswith(("admin/", "api/v1/", "accounts/")):
                continue  # the back office (staff only), the API (walked below), sign-in pages (no objects)
            paths.extend(walk(pattern, text))
        elif isinstance(pattern, URLPattern):
            paths.append(text)
    return paths


def fill(template: str, ids: list[int]) -> list[str]:
    """The template with every int parameter set to each of ``ids``; other parameters get a harmless word."""
    template = template.lstrip("^").rstrip("$")
    if "<" not in template:
        return ["/" + template]
    urls = []
    for value in ids:
        url = re.sub(r"<int:\w+>", str(value), template)
        url = re.sub(r"<(?:slug|str|path):\w+>", "for_review", url)
        urls.append("/" + url)
    return urls


@pytest.fixture
def vendor_a_world(cast):
    """Vendor A with a PO in every kind of object: versions, a response, files, consignment, a user request."""
    po = make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items, number=SECRET_NUMBER)
    attachment = Attachment(purchase_order=po, visibility=Visibility.EXTERNAL, name="a.txt", uploaded_by=cast.agent)
    attachment.file.save("a.txt", SimpleUploadedFile("a.txt", SECRET_NUMBER.encode()), save=False)
    attachment.save()
    po = po_send(actor=cast.agent, purchase_order=po)
    response = response_submit(actor=cast.vendor_a_user, purchase_order=po, version=1, kind=ResponseKind.ACCEPTED)
    priced(cast)
    stocked(cast, quantity="5")
    journal = ownership_change_post(actor=cast.agent, vendor=cast.vendor_a, lines=[stock_line(cast, quantity="1")])
    user_request = new_user_request_submit(
        actor=cast.vendor_a_admin,
        first_name="Ann",
        email="ann@alpha.example",
        roles=[Role.VENDOR_USER],
        vendors=[cast.vendor_a],
    )
    ids = {
        po.pk,
        po.latest_version.pk,
        1,
        response.pk,
        attachment.pk,
        journal.pk,
        journal.purchase_order.pk,
        user_request.pk,
        cast.vendor_a_user.pk,
        cast.vendor_a.pk,
    }
    return sorted(ids)


def shows_vendor_a(response, cast) -> bool:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    text = body.decode("utf-8", errors="ignore")
    return SECRET_NUMBER in text or cast.vendor_a.name in text or "ann@alpha.example" in text


def test_vendor_b_gets_nothing_of_vendor_a_on_any_page(client, cast, vendor_a_world):
    client.force_login(cast.vendor_b_user)
    walked = 0
    for template in walk(get_resolver()):
        for url in fill(template, vendor_a_world):
            response = client.get(url)
            walked += 1
            if response.status_code == 200:
                assert not shows_vendor_a(response, cast), url
    assert walked > 100


def test_vendor_b_gets_nothing_of_vendor_a_in_the_api(client, cast, vendor_a_world):
    _token, key = token_issue(actor=cast.vendor_b_user)
    walked = 0
    for path in ninja_api.get_openapi_schema()["paths"]:
        template = path.replace("/api/v1/", "", 1).lstrip("/")
        for url in fill(re.sub(r"\{\w+\}", "<int:id>", template), vendor_a_world):
            response = client.get("/api/v1" + url.replace("//", "/"), HTTP_AUTHORIZATION=f"Bearer {key}")
            walked += 1
            if response.status_code == 200:
                assert not shows_vendor_a(response, cast), url
    assert walked > 30


def test_the_walk_does_see_vendor_a_for_vendor_as_user(client, cast, vendor_a_world):
    """The check above can fail: walked by vendor A's own user, vendor A's data shows on some pages."""
    client.force_login(cast.vendor_a_user)
    seen = [
        url
        for template in walk(get_resolver())
        for url in fill(template, vendor_a_world)
        if (response := client.get(url)).status_code == 200 and shows_vendor_a(response, cast)
    ]
    assert len(seen) >= 3
