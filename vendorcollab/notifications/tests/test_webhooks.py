"""Webhooks to a real HTTP receiver on loopback that checks the HMAC signature: the four events and their JSON,
retries with back-off (fails twice, delivered on the third try), giving up, and nothing for rolled-back changes."""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal
from unittest import mock

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from vendorcollab.common.testing.factories import make_po
from vendorcollab.consignment.services import ownership_change_post
from vendorcollab.consignment.tests.helpers import priced, stock_line, stocked
from vendorcollab.notifications.models import MAX_ATTEMPTS, DeliveryStatus, WebhookDelivery, WebhookEndpoint
from vendorcollab.notifications.services import webhook_delivery_retry, webhook_endpoint_create
from vendorcollab.notifications.webhooks import body_of, sign
from vendorcollab.purchasing.models import ResponseKind
from vendorcollab.purchasing.services import po_confirm, receipt_post, response_submit
from vendorcollab.purchasing.services.inputs import ReceiptLineInput

from .conftest import SECRET

pytestmark = pytest.mark.django_db(transaction=True)

ALL_EVENTS = ["response.submitted", "po.confirmed", "receipt.posted", "ownership_change.posted"]


def endpoint_for(cast, receiver, events=ALL_EVENTS, **extra) -> WebhookEndpoint:
    return webhook_endpoint_create(
        actor=cast.admin, name="ERP", url=receiver.url, events=events, secret=receiver.secret, **extra
    )


def confirmed_po(cast):
    po = make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:2], send=True)
    response_submit(actor=cast.vendor_a_user, purchase_order=po, version=1, kind=ResponseKind.ACCEPTED)
    return po_confirm(actor=cast.agent, purchase_order=po)


def at(moment):
    """Move the clock of everything that asks ``timezone.now()``."""
    return mock.patch("django.utils.timezone.now", return_value=moment)


def test_every_event_arrives_signed_with_its_data(cast, receiver_factory):
    receiver = receiver_factory()
    endpoint = endpoint_for(cast, receiver)
    # when: a response, a confirmation, a receipt and an ownership change
    po = confirmed_po(cast)
    receipt = receipt_post(actor=cast.clerk, purchase_order=po, lines=[ReceiptLineInput(1, Decimal("4"))])
    priced(cast)
    stocked(cast, quantity="10")
    journal = ownership_change_post(actor=cast.agent, vendor=cast.vendor_a, lines=[stock_line(cast, quantity="3")])
    # then
    assert [request.headers["x-vendorcollab-event"] for request in receiver.requests] == ALL_EVENTS
    assert all(request.signature_valid for request in receiver.requests)
    assert all(request.path == "/erp/hooks" for request in receiver.requests)
    assert all(request.headers["content-type"] == "application/json" for request in receiver.requests)
    deliveries = {delivery.event: delivery for delivery in WebhookDelivery.objects.all()}
    assert {delivery.status for delivery in deliveries.values()} == {DeliveryStatus.DELIVERED}
    assert all(delivery.endpoint == endpoint and delivery.attempts == 1 for delivery in deliveries.values())
    bodies = {request.headers["x-vendorcollab-event"]: request.json for request in receiver.requests}
    for event, body in bodies.items():
        assert set(body) == {"event", "id", "created_at", "data"}
        assert body["event"] == event and body["id"] == deliveries[event].pk
        assert receiver.requests[ALL_EVENTS.index(event)].headers["x-vendorcollab-delivery"] == str(body["id"])
    response = bodies["response.submitted"]["data"]
    assert response["purchase_order"] == po.pk and response["number"] == po.number
    assert (response["version"], response["version_label"], response["response_kind"]) == (
        1,
        f"{po.number}-1",
        "accepted",
    )
    confirmed = bodies["po.confirmed"]["data"]
    assert (confirmed["status"], confirmed["version"], confirmed["automatic"]) == ("confirmed", 1, False)
    received = bodies["receipt.posted"]["data"]
    assert received["receipt"] == receipt.pk and received["complete"] is False
    assert [(line["line_number"], Decimal(line["quantity"])) for line in received["lines"]] == [(1, Decimal("4"))]
    ownership = bodies["ownership_change.posted"]["data"]
    assert ownership["ownership_change"] == journal.pk and ownership["number"] == journal.number
    assert ownership["purchase_order"] == journal.purchase_order_id
    assert [Decimal(line["quantity"]) for line in ownership["lines"]] == [Decimal("3")]


def test_the_receiver_refuses_a_wrong_signature(cast, receiver_factory):
    """The receiver's check can fail: with another secret than the endpoint's, every delivery is refused."""
    receiver = receiver_factory(secret="not-the-endpoint-secret-000000")
    webhook_endpoint_create(actor=cast.admin, name="ERP", url=receiver.url, events=["po.confirmed"], secret=SECRET)
    confirmed_po(cast)
    [request] = receiver.requests
    assert not request.signature_valid
    assert request.headers["x-vendorcollab-signature"] == sign(SECRET, request.body)
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.last_status_code) == (DeliveryStatus.PENDING, 401)


def test_only_subscribed_active_endpoints_receive(cast, receiver_factory):
    confirmations, switched_off = receiver_factory(), receiver_factory()
    endpoint_for(cast, confirmations, events=["po.confirmed"])
    endpoint_for(cast, switched_off, is_active=False)
    confirmed_po(cast)
    assert [request.headers["x-vendorcollab-event"] for request in confirmations.requests] == ["po.confirmed"]
    assert switched_off.requests == []
    assert WebhookDelivery.objects.count() == 1


def test_fails_twice_then_delivered_on_the_third_try(cast, receiver_factory):
    receiver = receiver_factory(statuses=[500, 500])
    endpoint_for(cast, receiver, events=["po.confirmed"])
    confirmed_po(cast)
    # first try, right after the commit: refused
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == (DeliveryStatus.PENDING, 1, 500)
    assert "500" in delivery.last_error
    first_due = delivery.next_attempt_at
    assert timedelta(seconds=55) < first_due - delivery.last_attempt_at <= timedelta(minutes=1, seconds=5)

    call_command("deliver_webhooks", verbosity=0)  # not due yet: nothing is posted
    assert len(receiver.requests) == 1

    with at(first_due + timedelta(seconds=1)):
        call_command("deliver_webhooks", verbosity=0)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == (DeliveryStatus.PENDING, 2, 500)
    second_due = delivery.next_attempt_at
    assert second_due - (first_due + timedelta(seconds=1)) == timedelta(minutes=5)

    with at(second_due - timedelta(seconds=1)):
        call_command("deliver_webhooks", verbosity=0)  # a second early: still waiting
    assert len(receiver.requests) == 2

    with at(second_due + timedelta(seconds=1)):
        call_command("deliver_webhooks", verbosity=0)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == (DeliveryStatus.DELIVERED, 3, 200)
    assert delivery.delivered_at == second_due + timedelta(seconds=1) and delivery.next_attempt_at is None
    assert delivery.last_error == ""
    # the same body, the same id and a valid signature on every try
    assert len(receiver.requests) == 3 and all(request.signature_valid for request in receiver.requests)
    assert len({request.body for request in receiver.requests}) == 1
    assert {request.headers["x-vendorcollab-delivery"] for request in receiver.requests} == {str(delivery.pk)}
    assert receiver.requests[0].body == body_of(delivery)

    with at(second_due + timedelta(days=1)):
        call_command("deliver_webhooks", verbosity=0)  # delivered stays delivered
    assert len(receiver.requests) == 3


def test_gives_up_after_the_last_attempt_and_an_admin_retries(cast, receiver_factory):
    receiver = receiver_factory(statuses=[503] * MAX_ATTEMPTS)
    endpoint_for(cast, receiver, events=["po.confirmed"])
    confirmed_po(cast)
    delivery = WebhookDelivery.objects.get()
    moment = timezone.now()
    for _ in range(MAX_ATTEMPTS - 1):
        moment += timedelta(hours=13)  # past the longest back-off
        with at(moment):
            call_command("deliver_webhooks", verbosity=0)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.next_attempt_at) == (DeliveryStatus.FAILED, MAX_ATTEMPTS, None)
    with at(moment + timedelta(days=2)):
        call_command("deliver_webhooks", verbosity=0)  # failed is final for the scheduler
    assert len(receiver.requests) == MAX_ATTEMPTS

    webhook_delivery_retry(actor=cast.admin, delivery=delivery)  # the receiver is fixed now: answers 200
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.DELIVERED, MAX_ATTEMPTS + 1)
    assert len(receiver.requests) == MAX_ATTEMPTS + 1


def test_an_unreachable_endpoint_is_retried_later(cast, receiver_factory):
    receiver = receiver_factory()
    endpoint = endpoint_for(cast, receiver, events=["po.confirmed"])
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(url="http://127.0.0.1:9/nothing-listens-here")
    confirmed_po(cast)
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == (DeliveryStatus.PENDING, 1, None)
    assert delivery.last_error.startswith("URLError")
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(url=receiver.url)
    with at(delivery.next_attempt_at):
        call_command("deliver_webhooks", verbosity=0)
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.DELIVERED and len(receiver.requests) == 1


def test_a_redirect_is_not_followed(cast, receiver_factory):
    receiver = receiver_factory(statuses=[302])
    endpoint_for(cast, receiver, events=["po.confirmed"])
    confirmed_po(cast)
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.last_status_code) == (DeliveryStatus.PENDING, 302)
    assert len(receiver.requests) == 1


def test_two_workers_never_post_the_same_delivery_twice(cast, receiver_factory):
    from vendorcollab.notifications.webhooks import delivery_attempt

    receiver = receiver_factory(statuses=[500])
    endpoint_for(cast, receiver, events=["po.confirmed"])
    confirmed_po(cast)
    delivery = WebhookDelivery.objects.get()
    with at(delivery.next_attempt_at):
        # the first worker claims it (pushing next_attempt_at forward); a second one finds it not due
        WebhookDelivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now() + timedelta(minutes=2))
        assert delivery_attempt(delivery_id=delivery.pk) is None
    assert len(receiver.requests) == 1


def test_a_rolled_back_change_posts_nothing(cast, receiver_factory):
    receiver = receiver_factory()
    endpoint_for(cast, receiver, events=["response.submitted"])
    po = make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:1], send=True)
    with pytest.raises(RuntimeError), transaction.atomic():
        response_submit(actor=cast.vendor_a_user, purchase_order=po, version=1, kind=ResponseKind.ACCEPTED)
        raise RuntimeError("rolled back")
    assert receiver.requests == [] and not WebhookDelivery.objects.exists()
    response_submit(actor=cast.vendor_a_user, purchase_order=po, version=1, kind=ResponseKind.ACCEPTED)
    assert len(receiver.requests) == 1


def test_the_payload_is_plain_json(cast, receiver_factory):
    receiver = receiver_factory()
    endpoint_for(cast, receiver, events=["po.confirmed"])
    confirmed_po(cast)
    delivery = WebhookDelivery.objects.get()
    assert json.loads(body_of(delivery))["data"] == delivery.payload
