"""Where a webhook may go: loopback, private, link-local, metadata and other special addresses are refused when the
endpoint is saved and again before each attempt (no connection made); the attempt connects to the address checked;
the delivery log keeps a bounded, clean excerpt of the answer."""

from __future__ import annotations

import ipaddress
import socket

import pytest
from django.urls import reverse

from vendorcollab.common.errors import ValidationFailed
from vendorcollab.common.testing.factories import make_po
from vendorcollab.notifications.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint
from vendorcollab.notifications.services import webhook_endpoint_create
from vendorcollab.notifications.webhooks import EXCERPT_MAX_CHARACTERS, address_problem
from vendorcollab.purchasing.models import ResponseKind
from vendorcollab.purchasing.services import po_confirm, response_submit

from .conftest import SECRET


@pytest.mark.parametrize(
    "address, problem, with_private_allowed",
    [
        ("127.0.0.1", "private", None),
        ("127.8.9.10", "private", None),
        ("::1", "private", None),
        ("10.0.0.5", "private", None),
        ("172.16.3.4", "private", None),
        ("192.168.1.10", "private", None),
        ("100.64.0.1", "private", None),  # shared address space (carrier-grade NAT)
        ("fd12:3456::1", "private", None),  # unique local
        ("::ffff:127.0.0.1", "private", None),  # IPv4-mapped loopback
        ("::ffff:10.1.2.3", "private", None),
        ("64:ff9b::7f00:1", "private", None),  # NAT64 of 127.0.0.1
        ("169.254.169.254", "forbidden", "forbidden"),  # cloud metadata
        ("fd00:ec2::254", "forbidden", "forbidden"),  # AWS metadata over IPv6
        ("::ffff:169.254.169.254", "forbidden", "forbidden"),
        ("169.254.10.20", "forbidden", "forbidden"),  # link-local
        ("fe80::1", "forbidden", "forbidden"),
        ("224.0.0.1", "forbidden", "forbidden"),  # multicast
        ("ff02::1", "forbidden", "forbidden"),
        ("0.0.0.0", "forbidden", "forbidden"),  # unspecified
        ("::", "forbidden", "forbidden"),
        ("240.0.0.1", "forbidden", "forbidden"),  # reserved
        ("93.184.215.14", None, None),
        ("2606:2800:21f:cb07:6820:80da:af6b:8b2c", None, None),
        ("::ffff:93.184.215.14", None, None),
    ],
)
def test_which_addresses_are_refused(address, problem, with_private_allowed):
    ip = ipaddress.ip_address(address)
    assert address_problem(ip, allow_private=False) == problem
    assert address_problem(ip, allow_private=True) == with_private_allowed


@pytest.mark.parametrize(
    "url, message",
    [
        ("http://127.0.0.1:8080/in", "loopback or private network address"),
        ("http://localhost:8080/in", "loopback or private network address"),  # resolved through DNS
        ("http://[::ffff:127.0.0.1]/in", "loopback or private network address"),
        ("http://192.168.10.4/erp", "loopback or private network address"),
        ("http://169.254.169.254/latest/meta-data/", "cloud metadata"),
        ("http://[fd00:ec2::254]/latest/meta-data/", "cloud metadata"),
        ("http://0.0.0.0:8000/", "reserved address"),
    ],
)
def test_a_refused_address_is_an_error_next_to_the_url_field(client, cast, url, message):
    client.force_login(cast.admin)
    response = client.post(
        reverse("notifications:endpoint_create"), {"name": "ERP", "url": url, "events": ["po.confirmed"]}
    )
    assert response.status_code == 422
    [error] = response.context["form"].errors["url"]
    assert message in error
    assert f'value="{url}"' in response.content.decode()  # what was typed stays
    assert not WebhookEndpoint.objects.exists()


def test_the_refusal_speaks_dutch(client, cast):
    cast.admin.language = "nl"
    cast.admin.save(update_fields=["language"])
    client.force_login(cast.admin)
    response = client.post(
        reverse("notifications:endpoint_create"),
        {"name": "ERP", "url": "http://127.0.0.1/in", "events": ["po.confirmed"]},
        headers={"Accept-Language": "nl"},
    )
    [error] = response.context["form"].errors["url"]
    assert "privé" in error


def test_the_setting_allows_a_private_network_but_never_metadata(cast, settings):
    settings.WEBHOOK_ALLOW_PRIVATE_NETWORKS = True
    endpoint = webhook_endpoint_create(
        actor=cast.admin, name="ERP on the LAN", url="http://10.0.0.5:8080/in", events=["po.confirmed"]
    )
    assert endpoint.url == "http://10.0.0.5:8080/in"
    with pytest.raises(ValidationFailed) as refused:
        webhook_endpoint_create(
            actor=cast.admin, name="Metadata", url="http://169.254.169.254/latest", events=["po.confirmed"]
        )
    assert refused.value.code == "url_forbidden_address"
    assert set(refused.value.fields) == {"url"}


def test_an_edit_to_a_private_address_is_refused_too(client, cast):
    endpoint = webhook_endpoint_create(
        actor=cast.admin, name="ERP", url="https://erp.example.com/hooks", events=["po.confirmed"], secret=SECRET
    )
    client.force_login(cast.admin)
    response = client.post(
        reverse("notifications:endpoint_edit", args=[endpoint.pk]),
        {"name": "ERP", "url": "http://127.0.0.1:9/in", "events": ["po.confirmed"], "is_active": "on"},
    )
    assert response.status_code == 422
    assert response.context["form"].errors["url"]
    endpoint.refresh_from_db()
    assert endpoint.url == "https://erp.example.com/hooks"


# --- at delivery time -------------------------------------------------------------------------------------------


def _confirm_a_po(cast):
    po = make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:1], send=True)
    response_submit(actor=cast.vendor_a_user, purchase_order=po, version=1, kind=ResponseKind.ACCEPTED)
    po_confirm(actor=cast.agent, purchase_order=po)


@pytest.mark.django_db(transaction=True)
def test_a_target_refused_at_delivery_time_fails_without_a_connection(cast, receiver_factory, settings):
    """Saved while private networks were allowed, delivered after they no longer are."""
    receiver = receiver_factory()
    webhook_endpoint_create(actor=cast.admin, name="ERP", url=receiver.url, events=["po.confirmed"], secret=SECRET)
    settings.WEBHOOK_ALLOW_PRIVATE_NETWORKS = False
    _confirm_a_po(cast)
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == (DeliveryStatus.FAILED, 1, None)
    assert delivery.last_error.startswith("Refused: 127.0.0.1 resolves to 127.0.0.1, a loopback or private address")
    assert receiver.requests == []


@pytest.mark.django_db(transaction=True)
def test_the_attempt_connects_to_the_address_it_checked(cast, receiver_factory, monkeypatch):
    """The host name is resolved once, for the check; the connection goes to that address (no second lookup that a
    rebinding DNS server could answer differently), and the request still names the host."""
    receiver = receiver_factory()
    port = int(receiver.url.split(":")[2].split("/")[0])
    real_getaddrinfo = socket.getaddrinfo
    lookups: list[str] = []

    def getaddrinfo(host, *args, **kwargs):
        lookups.append(host)
        if host == "erp.rebinding.invalid":  # a name only this resolver knows
            return real_getaddrinfo("127.0.0.1", *args, **kwargs)
        return real_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    url = f"http://erp.rebinding.invalid:{port}/erp/hooks"
    webhook_endpoint_create(actor=cast.admin, name="ERP", url=url, events=["po.confirmed"], secret=SECRET)
    lookups.clear()
    _confirm_a_po(cast)
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == DeliveryStatus.DELIVERED, delivery.last_error
    assert lookups.count("erp.rebinding.invalid") == 1
    [request] = receiver.requests
    assert request.headers["host"] == f"erp.rebinding.invalid:{port}"


@pytest.mark.django_db(transaction=True)
def test_the_log_keeps_a_bounded_excerpt_without_control_characters(cast, receiver_factory):
    receiver = receiver_factory(statuses=[500])
    receiver.answer_body = b"\x1b[31mERP down\x00\x07\r\n" + "é".encode() * 5000
    webhook_endpoint_create(actor=cast.admin, name="ERP", url=receiver.url, events=["po.confirmed"], secret=SECRET)
    _confirm_a_po(cast)
    delivery = WebhookDelivery.objects.get()
    assert delivery.last_status_code == 500
    assert delivery.response_excerpt.startswith("[31mERP down\né")
    assert len(delivery.response_excerpt) == EXCERPT_MAX_CHARACTERS
    assert not any(ch in delivery.response_excerpt for ch in "\x1b\x00\x07\r")
    assert "\x1b" not in delivery.last_error and len(delivery.last_error) <= 500


@pytest.mark.django_db(transaction=True)
def test_the_delivery_log_shows_the_answer(client, cast, receiver_factory):
    receiver = receiver_factory()
    receiver.answer_body = b'{"accepted": true, "erp_id": "ERP-778"}'
    webhook_endpoint_create(actor=cast.admin, name="ERP", url=receiver.url, events=["po.confirmed"], secret=SECRET)
    _confirm_a_po(cast)
    assert WebhookDelivery.objects.get().response_excerpt == '{"accepted": true, "erp_id": "ERP-778"}'
    client.force_login(cast.admin)
    page = client.get(reverse("notifications:deliveries")).content.decode()
    assert "ERP-778" in page
