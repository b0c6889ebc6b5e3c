"""The back office lists API tokens without their keys, and revokes them."""

from django.urls import reverse

from vendorcollab.api.models import ApiToken
from vendorcollab.api.services import token_issue


def test_an_admin_revokes_tokens_in_the_back_office(client, cast):
    cast.admin.is_staff = cast.admin.is_superuser = True
    cast.admin.save()
    token, key = token_issue(actor=cast.vendor_a_user, name="ERP link")
    kept, _key = token_issue(actor=cast.vendor_a_user)
    client.force_login(cast.admin)
    changelist = reverse("admin:api_apitoken_changelist")
    page = client.get(changelist).content.decode()
    assert "ERP link" in page and key not in page
    assert client.get(reverse("admin:api_apitoken_add")).status_code == 403

    response = client.post(changelist, {"action": "revoke", "_selected_action": [token.pk]})
    assert response.status_code == 302
    token.refresh_from_db()
    kept.refresh_from_db()
    assert token.revoked_at is not None and kept.revoked_at is None
    assert ApiToken.objects.count() == 2
