"""The notification pages: each user's own setting; the procurement admin's webhook endpoints and delivery log,
with the role matrix built from the URL configuration, and the log's query count independent of its length."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import get_resolver, resolve, reverse
from django.utils import timezone

from vendorcollab.notifications.models import (
    DeliveryStatus,
    NotificationMode,
    NotificationSetting,
    WebhookDelivery,
    WebhookEndpoint,
)
from vendorcollab.notifications.services import webhook_endpoint_create

from .conftest import SECRET


def make_endpoint(cast, url="https://erp.example.com/hooks", name="ERP", events=("po.confirmed",)):
    return webhook_endpoint_create(actor=cast.admin, name=name, url=url, events=list(events), secret=SECRET)


def make_deliveries(endpoint, count, status=DeliveryStatus.DELIVERED):
    now = timezone.now()
    WebhookDelivery.objects.bulk_create(
        WebhookDelivery(
            endpoint=endpoint,
            event="po.confirmed",
            payload={"purchase_order": number, "number": f"PO-{number:06d}"},
            status=status,
            attempts=1,
            last_status_code=200 if status == DeliveryStatus.DELIVERED else 500,
            last_error="" if status == DeliveryStatus.DELIVERED else "HTTP 500 Internal Server Error",
            created_at=now,
            last_attempt_at=now,
            delivered_at=now if status == DeliveryStatus.DELIVERED else None,
        )
        for number in range(count)
    )


def admin_urls(endpoint, delivery):
    return [
        reverse("notifications:endpoint_list"),
        reverse("notifications:endpoint_create"),
        reverse("notifications:endpoint_edit", args=[endpoint.pk]),
        reverse("notifications:deliveries"),
        reverse("notifications:delivery_retry", args=[delivery.pk]),
    ]


def test_every_notifications_url_is_in_a_matrix():
    """A new page must be added to ``admin_urls`` (or be the preferences page), or this fails."""
    _, resolver = get_resolver().namespace_dict["notifications"]
    names = {pattern.name for pattern in resolver.url_patterns}
    tested = {resolve(url).url_name for url in admin_urls(WebhookEndpoint(pk=1), WebhookDelivery(pk=1))}
    assert names == tested | {"preferences"}


def test_admin_pages_role_matrix(client, cast):
    endpoint = make_endpoint(cast)
    make_deliveries(endpoint, 1, status=DeliveryStatus.FAILED)
    delivery = WebhookDelivery.objects.get()
    expected = {
        cast.admin: 200,
        cast.agent: 403,
        cast.clerk: 403,
        cast.vendor_a_user: 404,
        cast.vendor_a_admin: 404,
        cast.vendor_b_user: 404,
    }
    retry = reverse("notifications:delivery_retry", args=[delivery.pk])
    for target in admin_urls(endpoint, delivery):
        for user, status in expected.items():
            client.force_login(user)
            if target == retry:
                if status == 200:
                    continue  # the admin's retry is tested on its own
                assert client.post(target).status_code == status, (target, user.username)
                continue
            assert client.get(target).status_code == status, (target, user.username)
            if status != 200:
                posted = client.post(
                    target, {"name": "Evil", "url": "https://evil.example", "events": ["po.confirmed"]}
                )
                assert posted.status_code == status, (target, user.username)
        client.logout()
        response = client.post(target) if target == retry else client.get(target)
        assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))
    assert list(WebhookEndpoint.objects.values_list("name", flat=True)) == ["ERP"]
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.FAILED and delivery.attempts == 1


def test_a_retry_is_a_post(client, cast):
    endpoint = make_endpoint(cast)
    make_deliveries(endpoint, 1, status=DeliveryStatus.FAILED)
    client.force_login(cast.admin)
    delivery = WebhookDelivery.objects.get()
    assert client.get(reverse("notifications:delivery_retry", args=[delivery.pk])).status_code == 405


def test_preferences_for_every_signed_in_user(client, cast):
    target = reverse("notifications:preferences")
    for user in (cast.admin, cast.agent, cast.clerk, cast.vendor_a_user, cast.vendor_a_admin, cast.vendor_b_user):
        client.force_login(user)
        response = client.get(target)
        assert response.status_code == 200, user.username
        assert response.context["form"]["mode"].value() == NotificationMode.IMMEDIATE
        page = response.content.decode()
        # the link next to the user's name, on every page
        assert f'href="{target}"' in page
        # the page sits in the user's own side of the portal
        assert (reverse("vendor:workspace") in page) == user.is_vendor_user
    client.logout()
    response = client.get(target)
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))


def test_preferences_are_saved_per_user(client, cast):
    target = reverse("notifications:preferences")
    client.force_login(cast.vendor_a_user)
    response = client.post(target, {"mode": "digest"}, follow=True)
    assert response.redirect_chain == [(target, 302)]
    assert [str(message) for message in response.context["messages"]] == [
        "Saved. You get one e-mail a day with every update of that day."
    ]
    assert NotificationSetting.objects.get(user=cast.vendor_a_user).mode == NotificationMode.DIGEST
    response = client.get(target)
    assert response.context["form"]["mode"].value() == NotificationMode.DIGEST
    client.post(target, {"mode": "off"})
    assert NotificationSetting.objects.get(user=cast.vendor_a_user).mode == NotificationMode.OFF
    assert client.post(target, {"mode": "hourly"}).status_code == 422
    assert NotificationSetting.objects.get(user=cast.vendor_a_user).mode == NotificationMode.OFF
    # nobody else's setting changed
    assert NotificationSetting.objects.count() == 1


def test_an_admin_adds_an_endpoint_with_a_made_secret(client, cast):
    client.force_login(cast.admin)
    response = client.post(
        reverse("notifications:endpoint_create"),
        {"name": "ERP production", "url": "https://erp.example.com/vc", "events": ["po.confirmed", "receipt.posted"]},
    )
    endpoint = WebhookEndpoint.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "notifications:endpoint_edit", args=[endpoint.pk]
    )
    assert (endpoint.name, endpoint.url, endpoint.events) == (
        "ERP production",
        "https://erp.example.com/vc",
        ["po.confirmed", "receipt.posted"],
    )
    assert endpoint.created_by == cast.admin and len(endpoint.secret) >= 32
    assert not endpoint.is_active  # the box was not ticked in this post
    page = client.get(reverse("notifications:endpoint_edit", args=[endpoint.pk])).content.decode()
    assert endpoint.secret in page


@pytest.mark.parametrize(
    "data, field",
    [
        ({"name": "x", "url": "ftp://erp.example.com/hooks", "events": ["po.confirmed"]}, "url"),
        ({"name": "x", "url": "javascript:alert(1)", "events": ["po.confirmed"]}, "url"),
        ({"name": "x", "url": "file:///etc/passwd", "events": ["po.confirmed"]}, "url"),
        ({"name": "x", "url": "https://erp.example.com/hooks", "events": []}, "events"),
        ({"name": "x", "url": "https://erp.example.com/hooks", "events": ["po.sent"]}, "events"),
        ({"name": " ", "url": "https://erp.example.com/hooks", "events": ["po.confirmed"]}, "name"),
        (
            {"name": "x", "url": "https://erp.example.com/hooks", "events": ["po.confirmed"], "secret": "short"},
            "secret",
        ),
    ],
)
def test_an_endpoint_is_refused_next_to_the_field(client, cast, data, field):
    client.force_login(cast.admin)
    response = client.post(reverse("notifications:endpoint_create"), data)
    assert response.status_code == 422
    assert response.context["form"].errors.get(field), response.context["form"].errors
    assert not WebhookEndpoint.objects.exists()


def test_an_admin_edits_an_endpoint_and_makes_a_new_secret(client, cast, settings):
    settings.WEBHOOK_ALLOW_PRIVATE_NETWORKS = True  # the test ERP is on the LAN
    endpoint = make_endpoint(cast)
    client.force_login(cast.admin)
    target = reverse("notifications:endpoint_edit", args=[endpoint.pk])
    response = client.post(
        target, {"name": "ERP test", "url": "http://10.0.0.5:8080/in", "events": ["receipt.posted"], "is_active": "on"}
    )
    assert response.status_code == 302 and response["Location"] == reverse("notifications:endpoint_list")
    endpoint.refresh_from_db()
    assert (endpoint.name, endpoint.url, endpoint.events, endpoint.is_active) == (
        "ERP test",
        "http://10.0.0.5:8080/in",
        ["receipt.posted"],
        True,
    )
    assert endpoint.secret == SECRET
    response = client.post(
        target,
        {"name": "ERP test", "url": "http://10.0.0.5:8080/in", "events": ["receipt.posted"], "new_secret": "on"},
    )
    assert response.status_code == 302 and response["Location"] == target
    endpoint.refresh_from_db()
    assert endpoint.secret != SECRET and not endpoint.is_active
    assert client.get(reverse("notifications:endpoint_edit", args=[endpoint.pk + 100])).status_code == 404


def test_the_endpoint_list(client, cast):
    endpoint = make_endpoint(cast)
    make_deliveries(endpoint, 2, status=DeliveryStatus.FAILED)
    client.force_login(cast.admin)
    response = client.get(reverse("notifications:endpoint_list"))
    page = response.content.decode()
    assert "https://erp.example.com/hooks" in page and "Purchase order confirmed" in page
    assert [(row.pending, row.failed) for row in response.context["endpoints"]] == [(0, 2)]
    assert SECRET not in page  # the secret shows on the endpoint's own page only


def test_the_delivery_log_shows_and_filters(client, cast):
    endpoint = make_endpoint(cast)
    other = make_endpoint(cast, name="Warehouse system", url="https://wms.example.com/hooks")
    make_deliveries(endpoint, 3)
    make_deliveries(other, 2, status=DeliveryStatus.FAILED)
    client.force_login(cast.admin)
    target = reverse("notifications:deliveries")
    response = client.get(target)
    assert response.status_code == 200 and response.context["page"].paginator.count == 5
    page = response.content.decode()
    assert page.count('data-action="retry"') == 2
    assert "HTTP 500 Internal Server Error" in page and "Warehouse system" in page
    assert client.get(target, {"status": "failed"}).context["page"].paginator.count == 2
    assert client.get(target, {"endpoint": endpoint.pk}).context["page"].paginator.count == 3
    assert client.get(target, {"event": "receipt.posted"}).context["page"].paginator.count == 0
    assert client.get(target, {"status": "nonsense"}).context["page"].paginator.count == 5


@pytest.mark.django_db(transaction=True)
def test_retry_now_from_the_log(client, cast, receiver_factory):
    receiver = receiver_factory()
    endpoint = make_endpoint(cast, url=receiver.url)
    make_deliveries(endpoint, 1, status=DeliveryStatus.FAILED)
    delivered = WebhookDelivery.objects.create(endpoint=endpoint, event="po.confirmed", status=DeliveryStatus.DELIVERED)
    delivery = WebhookDelivery.objects.get(status=DeliveryStatus.FAILED)
    client.force_login(cast.admin)
    log = reverse("notifications:deliveries")
    response = client.post(
        reverse("notifications:delivery_retry", args=[delivery.pk]), {"next": log + "?status=failed"}
    )
    assert response.status_code == 302 and response["Location"] == log + "?status=failed"
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.DELIVERED, 2)
    assert len(receiver.requests) == 1 and receiver.requests[0].signature_valid
    # a delivered one is not sent again; a foreign "next" is ignored
    response = client.post(
        reverse("notifications:delivery_retry", args=[delivered.pk]), {"next": "https://evil.example/"}
    )
    assert response["Location"] == log
    assert len(receiver.requests) == 1
    messages = [str(message) for message in response.wsgi_request._messages]
    assert messages[-1] == "Only a failed delivery can be retried."


def test_delivery_log_queries_do_not_grow_with_rows(client, cast):
    first = make_endpoint(cast)
    second = make_endpoint(cast, name="WMS", url="https://wms.example.com/hooks")
    make_deliveries(first, 2)
    make_deliveries(second, 1, status=DeliveryStatus.FAILED)
    client.force_login(cast.admin)
    target = reverse("notifications:deliveries")
    client.get(target)  # warm up what is cached per process
    with CaptureQueriesContext(connection) as few:
        assert client.get(target).status_code == 200
    make_deliveries(first, 10)
    make_deliveries(second, 10, status=DeliveryStatus.FAILED)
    with CaptureQueriesContext(connection) as many:
        response = client.get(target)
    assert response.context["page"].paginator.count == 23
    assert len(many) == len(few), [query["sql"] for query in many]
