"""Every user's "API tokens" page: a new key is shown once; a revoked one is refused from the next call; a token
carries its user's roles and scope, nothing more."""

from django.test import Client
from django.urls import reverse

from vendorcollab.api.models import ApiToken
from vendorcollab.audit.models import AuditEvent, AuditKind
from vendorcollab.common.testing.factories import make_po

VENDOR_LIST = "/api/v1/vendor/purchase-orders"


def bearer(key):
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def test_create_use_and_revoke_a_token(client, cast):
    make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:1], send=True, number="A-1")
    make_po(actor=cast.agent, vendor=cast.vendor_b, items=cast.items[:1], send=True, number="B-1")
    client.force_login(cast.vendor_a_user)
    target = reverse("myaccount:tokens")
    page = client.get(target).content.decode()
    assert '<label for="id_name">' in page and "You have no API tokens." in page

    refused = client.post(target, {"name": ""})
    assert refused.status_code == 422 and 'id="id_name-error"' in refused.content.decode()
    assert not ApiToken.objects.exists()

    created = client.post(target, {"name": "Our ERP"})
    assert created.status_code == 200 and created["Cache-Control"] == "no-store"
    key = created.context["new_key"]
    token = ApiToken.objects.get()
    assert (token.user, token.name, token.key_prefix) == (cast.vendor_a_user, "Our ERP", key[:8])
    assert f'value="{key}"' in created.content.decode()
    # Shown once: the page afterwards lists the token by its first characters only.
    later = client.get(target).content.decode()
    assert key not in later and token.key_prefix in later and "Our ERP" in later

    # The token is dave, with dave's scope: vendor A's PO, not vendor B's; no buyer endpoint.
    erp = Client()
    rows = erp.get(VENDOR_LIST, {"list": "for_review"}, **bearer(key)).json()["items"]
    assert [row["number"] for row in rows] == ["A-1"]
    assert erp.get("/api/v1/purchase-orders", **bearer(key)).status_code == 404

    revoked = client.post(reverse("myaccount:token_revoke", args=[token.pk]))
    assert revoked.status_code == 302 and revoked["Location"] == target
    assert erp.get(VENDOR_LIST, {"list": "for_review"}, **bearer(key)).status_code == 401
    page = client.get(target).content.decode()
    assert "Revoked" in page and reverse("myaccount:token_revoke", args=[token.pk]) not in page
    token_events = AuditEvent.objects.filter(subject=cast.vendor_a_user, kind__startswith="token_").order_by("pk")
    assert [event.kind for event in token_events] == [
        AuditKind.TOKEN_CREATED,
        AuditKind.TOKEN_USED,
        AuditKind.TOKEN_REVOKED,
    ]


def test_a_buyers_token_carries_the_buyers_roles(client, cast):
    client.force_login(cast.clerk)
    key = client.post(reverse("myaccount:tokens"), {"name": "scanner"}).context["new_key"]
    erp = Client()
    assert erp.get("/api/v1/purchase-orders", **bearer(key)).status_code == 200
    assert erp.get(VENDOR_LIST, {"list": "for_review"}, **bearer(key)).status_code == 404
    # A clerk may not create purchase orders, with a token no more than on the pages.
    assert erp.post("/api/v1/purchase-orders", {}, content_type="application/json", **bearer(key)).status_code == 403
