"""The procurement admin's vendor settings: the vendor list and edit page, the messages for responding vendors,
and those messages as the vendor portal shows them."""

import pytest
from django.urls import get_resolver, resolve, reverse

from vendorcollab.common.errors import PermissionRefused, ValidationFailed
from vendorcollab.common.testing.browser import assert_accessible, login, screenshot
from vendorcollab.common.testing.factories import CompanyFactory, VendorFactory, make_po
from vendorcollab.partners.models import Collaboration, ResponseMessage, Vendor
from vendorcollab.partners.selectors import response_messages_for
from vendorcollab.partners.services import response_messages_save, vendor_update

MESSAGES = {
    ("accepted", "en"): "Accepting confirms delivery on the dates shown.",
    ("rejected", "en"): "Call us before rejecting: +31 20 555 0100.",
    ("accepted_with_changes", "en"): "Changes to prices go in a note.",
    ("accepted", "nl"): "Accepteren bevestigt levering op de getoonde datums.",
    ("rejected", "nl"): "Bel ons voordat u afwijst: +31 20 555 0100.",
    ("accepted_with_changes", "nl"): "Prijswijzigingen in een notitie.",
}


def settings_urls(vendor):
    return [
        reverse("partners:vendor_list"),
        reverse("partners:vendor_edit", args=[vendor.pk]),
        reverse("partners:response_messages"),
    ]


def test_every_settings_url_is_in_the_role_matrix():
    """A new settings page must be added to ``settings_urls``, or this fails."""
    _, resolver = get_resolver().namespace_dict["partners"]
    names = {pattern.name for pattern in resolver.url_patterns}
    assert names == {resolve(url).url_name for url in settings_urls(Vendor(pk=1))}


def test_role_matrix(client, cast):
    expected = {
        cast.admin: 200,
        cast.agent: 403,
        cast.clerk: 403,
        cast.vendor_a_user: 404,
        cast.vendor_a_admin: 404,
        cast.vendor_b_user: 404,
    }
    before = list(Vendor.objects.values_list("pk", "collaboration", "show_prices", "language").order_by("pk"))
    for target in settings_urls(cast.vendor_a):
        for user, status in expected.items():
            client.force_login(user)
            assert client.get(target).status_code == status, (target, user.username)
            if status != 200:
                posted = client.post(target, {"collaboration": "disabled", "language": "nl", "accepted__en": "Hello"})
                assert posted.status_code == status, (target, user.username)
        client.logout()
        response = client.get(target)
        assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))
    assert list(Vendor.objects.values_list("pk", "collaboration", "show_prices", "language").order_by("pk")) == before
    assert not ResponseMessage.objects.exists()


def test_the_nav_links_vendors_for_admins_only(client, cast):
    client.force_login(cast.admin)
    assert reverse("partners:vendor_list") in client.get(reverse("partners:response_messages")).content.decode()
    client.force_login(cast.clerk)
    assert reverse("partners:vendor_list") not in client.get(reverse("buyer:workspace")).content.decode()


def test_vendor_list_search_filter_and_paging(client, cast):
    other = CompanyFactory(code="BE01", name="Contoso België")
    for number in range(30):
        VendorFactory(company=other, number=f"BE-{number:03d}", name=f"Belgian {number}")
    VendorFactory(company=other, number="BE-999", name="Gamma Tools", show_prices=False, language="nl")
    client.force_login(cast.admin)
    target = reverse("partners:vendor_list")
    response = client.get(target)
    assert response.status_code == 200
    assert response.context["page"].paginator.count == 33
    assert len(response.context["page"]) == 25
    assert "33 vendor accounts" in response.content.decode()
    assert len(client.get(target, {"page": 2}).context["page"]) == 8
    page = client.get(target, {"q": "gamma"}).content.decode()
    assert "BE-999" in page and "V-A" not in page
    row = page[page.index('data-vendor="BE-999"') :]
    assert "Manual confirmation" in row and ">No<" in row and ">Dutch<" in row
    assert "V-A" in client.get(target, {"q": "alpha"}).content.decode()
    assert "V-B" in client.get(target, {"q": "v-b"}).content.decode()
    assert client.get(target, {"company": cast.company.pk}).context["page"].paginator.count == 2
    assert client.get(target, {"company": other.pk, "q": "Belgian 1"}).context["page"].paginator.count == 11


def test_vendor_edit_saves_through_the_service(client, cast):
    client.force_login(cast.admin)
    target = reverse("partners:vendor_edit", args=[cast.vendor_a.pk])
    page = client.get(target).content.decode()
    assert '<label for="id_collaboration">' in page and '<label for="id_show_prices">' in page
    assert '<option value="manual_confirm" selected>' in page
    response = client.post(target, {"collaboration": "auto_confirm", "language": "nl"})  # show_prices unticked
    assert response.status_code == 302 and response["Location"] == reverse("partners:vendor_list")
    cast.vendor_a.refresh_from_db()
    assert (cast.vendor_a.collaboration, cast.vendor_a.show_prices, cast.vendor_a.language) == (
        Collaboration.AUTO_CONFIRM,
        False,
        "nl",
    )
    page = client.get(reverse("partners:vendor_list")).content.decode()
    assert "Settings saved for vendor V-A Alpha Supplies." in page


def test_vendor_edit_errors_are_next_to_the_field_and_change_nothing(client, cast):
    client.force_login(cast.admin)
    target = reverse("partners:vendor_edit", args=[cast.vendor_a.pk])
    response = client.post(target, {"collaboration": "sometimes", "show_prices": "on", "language": "fr"})
    assert response.status_code == 422
    page = response.content.decode()
    assert 'id="id_collaboration-error"' in page and 'id="id_language-error"' in page
    cast.vendor_a.refresh_from_db()
    assert (cast.vendor_a.collaboration, cast.vendor_a.language) == (Collaboration.MANUAL_CONFIRM, "en")
    assert client.get(reverse("partners:vendor_edit", args=[cast.vendor_b.pk + 999])).status_code == 404


def test_vendor_update_rules(cast):
    with pytest.raises(PermissionRefused):
        vendor_update(actor=cast.agent, vendor=cast.vendor_a, collaboration="disabled", show_prices=True, language="en")
    with pytest.raises(ValidationFailed) as refused:
        vendor_update(actor=cast.admin, vendor=cast.vendor_a, collaboration="x", show_prices=True, language="de")
    assert set(refused.value.fields) == {"collaboration", "language"}
    cast.vendor_a.refresh_from_db()
    assert cast.vendor_a.collaboration == Collaboration.MANUAL_CONFIRM
    vendor_update(actor=cast.admin, vendor=cast.vendor_a, collaboration="disabled", show_prices=False, language="nl")
    fresh = Vendor.objects.get(pk=cast.vendor_a.pk)
    assert (fresh.collaboration, fresh.show_prices, fresh.language) == ("disabled", False, "nl")


def test_response_messages_rules(cast):
    with pytest.raises(PermissionRefused):
        response_messages_save(actor=cast.agent, texts={("accepted", "en"): "Hi"})
    with pytest.raises(ValidationFailed) as refused:
        response_messages_save(actor=cast.admin, texts={("accepted", "fr"): "Salut", ("maybe", "en"): "Hm"})
    assert set(refused.value.fields) == {"accepted.fr", "maybe.en"}
    assert not ResponseMessage.objects.exists()
    response_messages_save(actor=cast.admin, texts={("accepted", "en"): "  Hi  ", ("rejected", "en"): ""})
    assert list(ResponseMessage.objects.values_list("kind", "language", "text")) == [("accepted", "en", "Hi")]
    response_messages_save(actor=cast.admin, texts={("accepted", "en"): ""})  # blank removes
    assert not ResponseMessage.objects.exists()


def test_response_messages_page(client, cast):
    client.force_login(cast.admin)
    target = reverse("partners:response_messages")
    response = client.get(target)
    page = response.content.decode()
    assert "<h1>Information for vendors responding to purchase orders</h1>" in page
    for language in ("en", "nl"):
        for kind in ("accepted", "rejected", "accepted_with_changes"):
            assert f'<label for="id_{kind}__{language}">' in page
            assert f'name="{kind}__{language}"' in page
    data = {f"{kind}__{language}": text for (kind, language), text in MESSAGES.items()}
    response = client.post(target, data)
    assert response.status_code == 302
    assert {(m.kind, m.language): m.text for m in ResponseMessage.objects.all()} == MESSAGES
    page = client.get(target).content.decode()
    assert "Bel ons voordat u afwijst" in page  # saved texts are shown again for editing
    assert "is saved" in page
    too_long = client.post(target, {**data, "rejected__nl": "x" * 2001})
    assert too_long.status_code == 422
    assert 'id="id_rejected__nl-error"' in too_long.content.decode()


def test_response_messages_for_falls_back_to_english_per_kind(cast):
    assert response_messages_for("nl") == {"accepted": "", "rejected": "", "accepted_with_changes": ""}
    response_messages_save(
        actor=cast.admin,
        texts={("accepted", "en"): "EN accept", ("rejected", "en"): "EN reject", ("rejected", "nl"): "NL"},
    )
    assert response_messages_for("nl") == {"accepted": "EN accept", "rejected": "NL", "accepted_with_changes": ""}
    assert response_messages_for("en") == {
        "accepted": "EN accept",
        "rejected": "EN reject",
        "accepted_with_changes": "",
    }


# --- the vendor portal --------------------------------------------------------------------------------------------


def vendor_pages(po):
    return {
        "accepted": reverse("vendor:po_detail", args=[po.pk]),
        "rejected": reverse("vendor:po_reject", args=[po.pk]),
        "accepted_with_changes": reverse("vendor:po_respond", args=[po.pk]),
    }


@pytest.mark.parametrize("language", ["en", "nl"])
def test_vendors_see_the_message_in_their_language(client, cast, language):
    response_messages_save(actor=cast.admin, texts=MESSAGES)
    po = make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:1], send=True)
    cast.vendor_a_user.language = language
    cast.vendor_a_user.save()
    client.force_login(cast.vendor_a_user)
    other = "nl" if language == "en" else "en"
    for kind, target in vendor_pages(po).items():
        page = client.get(target).content.decode()
        assert f'<p class="hint" data-response-message="{kind}">{MESSAGES[kind, language]}</p>' in page, target
        assert MESSAGES[kind, other] not in page
        for other_kind in {"accepted", "rejected", "accepted_with_changes"} - {kind}:
            assert MESSAGES[other_kind, language] not in page, (target, other_kind)


def test_empty_messages_show_nothing(client, cast):
    po = make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:1], send=True)
    client.force_login(cast.vendor_a_user)
    for target in vendor_pages(po).values():
        response = client.get(target)
        assert response.status_code == 200
        assert "data-response-message" not in response.content.decode()


def test_the_accept_message_shows_only_while_the_vendor_can_respond(client, cast):
    from vendorcollab.purchasing.models import ResponseKind
    from vendorcollab.purchasing.services import response_submit

    response_messages_save(actor=cast.admin, texts=MESSAGES)
    po = make_po(actor=cast.agent, vendor=cast.vendor_a, items=cast.items[:1], send=True)
    response_submit(actor=cast.vendor_a_user, purchase_order=po, version=1, kind=ResponseKind.ACCEPTED)
    client.force_login(cast.vendor_a_user)
    page = client.get(reverse("vendor:po_detail", args=[po.pk])).content.decode()
    assert MESSAGES["accepted", "en"] not in page


@pytest.mark.django_db(transaction=True)
def test_settings_pages_in_the_browser(page, live_server, cast):
    login(page, live_server.url, "alice", "pw-alice")
    page.goto(live_server.url + reverse("partners:vendor_list"))
    assert_accessible(page, "vendor settings list")
    page.locator("a", has_text="V-A").click()
    page.select_option("#id_collaboration", "auto_confirm")
    page.locator("main form button[type=submit]").click()
    assert "Settings saved for vendor V-A Alpha Supplies." in page.locator(".messages").inner_text()
    assert Vendor.objects.get(pk=cast.vendor_a.pk).collaboration == Collaboration.AUTO_CONFIRM
    page.goto(live_server.url + reverse("partners:vendor_edit", args=[cast.vendor_a.pk]))
    assert_accessible(page, "vendor settings edit")
    page.goto(live_server.url + reverse("partners:response_messages"))
    assert_accessible(page, "response messages")
    page.fill("#id_rejected__nl", "Bel ons eerst.")
    page.locator("main form button[type=submit]").click()
    screenshot(page, "settings-response-messages")
    assert response_messages_for("nl")["rejected"] == "Bel ons eerst."
