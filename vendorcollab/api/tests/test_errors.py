"""One error shape for every refusal: the service's typed errors, request validation, bodies, URLs, methods."""

import pytest

from vendorcollab.api.errors import field_path
from vendorcollab.purchasing.models import VendorResponse

from .helpers import error_of


def responses_url(po):
    return f"/vendor/purchase-orders/{po.pk}/responses"


def test_malformed_json_is_400(api, cast, sent):
    for body in ['{"version": 1, "action": ', "version=1&action=accept", b"\xff\xfe"]:
        response = api(cast.vendor_a_user).post(responses_url(sent), body)
        assert response.status_code == 400, body
        assert error_of(response) == {
            "code": "malformed_json",
            "message": "The request body is not valid JSON.",
            "fields": {},
        }
    assert not VendorResponse.objects.exists()


def test_request_validation_is_422_with_fields_keyed_by_the_input_path(api, cast, sent):
    response = api(cast.vendor_a_user).post(
        responses_url(sent),
        {
            "version": "one",
            "action": "maybe",
            "lines": [
                {"line_number": 1, "action": "change", "quantity": "10"},
                {"line_number": 2, "action": "split", "schedule": [{"quantity": "x", "delivery_date": "soon"}]},
            ],
            "colour": "red",
        },
    )
    assert response.status_code == 422
    error = error_of(response)
    assert error["code"] == "invalid_input"
    assert error["fields"] == {
        "version": "Enter a whole number.",
        "action": "Choose one of: accept, reject, accept_with_changes.",
        "lines.1.schedule.0.quantity": "Enter a number.",
        "lines.1.schedule.0.delivery_date": "Enter a date as YYYY-MM-DD.",
        "colour": "This field is not allowed.",
    }


def test_the_services_field_errors_keep_their_paths_and_codes(api, cast, sent):
    response = api(cast.vendor_a_user).post(
        responses_url(sent),
        {"version": 1, "action": "accept_with_changes", "lines": [{"line_number": 2, "action": "split"}]},
    )
    assert response.status_code == 422
    error = error_of(response)
    assert error["code"] == "split_too_few_lines"
    assert set(error["fields"]) == {"lines.0.schedule"}


def test_a_missing_body_is_422_on_body(api, cast, sent):
    client = api(cast.vendor_a_user)
    response = client.client.post(
        "/api/v1" + responses_url(sent), "", content_type="application/json", headers=client.headers
    )
    assert response.status_code == 422
    assert error_of(response)["fields"] == {"body": "This field is required."}


def test_conflicts_are_409_with_the_services_code(api, cast, sent):
    client = api(cast.vendor_a_user)
    assert client.post(responses_url(sent), {"version": 1, "action": "accept"}).status_code == 201
    response = client.post(responses_url(sent), {"version": 1, "action": "reject"})
    assert response.status_code == 409
    error = error_of(response)
    assert error["code"] == "already_answered"
    assert error["message"] == "Version 1 of this purchase order already has a response."


def test_unknown_urls_and_objects_are_404_and_wrong_methods_405(api, cast, sent):
    client = api(cast.vendor_a_user)
    for path in ["/", "/nothing-here", "/vendor/purchase-orders/999999", "/vendor/purchase-orders/1/nothing"]:
        response = client.get(path)
        assert response.status_code == 404, path
        assert error_of(response)["code"] == "not_found"
    response = client.post("/vendor/purchase-orders", {})
    assert response.status_code == 405
    assert error_of(response)["code"] == "method_not_allowed"
    assert response["Allow"] == "GET"


def test_an_unauthenticated_request_is_401(api, sent):
    response = api().get(f"/vendor/purchase-orders/{sent.pk}")
    assert response.status_code == 401
    assert error_of(response)["code"] == "not_authenticated"


def test_a_path_id_out_of_range_is_422_not_a_database_error(api, cast):
    for value in ["abc", str(2**70), "0"]:
        response = api(cast.vendor_a_user).get(f"/vendor/purchase-orders/{value}")
        assert response.status_code == 422, value
        assert set(error_of(response)["fields"]) == {"id"}


@pytest.mark.parametrize(
    ("loc", "path"),
    [
        (("body", "payload", "lines", 0, "quantity"), "lines.0.quantity"),
        (("body", "payload"), "body"),
        (("query", "list"), "list"),
        (("path", "id"), "id"),
    ],
)
def test_field_paths(loc, path):
    assert field_path(loc) == path


def test_a_bug_is_a_500_in_the_error_shape(api, cast, sent, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr("vendorcollab.purchasing.selectors.po_get_for_vendor", broken)
    client = api(cast.vendor_a_user)
    client.client.raise_request_exception = False
    response = client.get(f"/vendor/purchase-orders/{sent.pk}")
    assert response.status_code == 500
    assert error_of(response)["code"] == "server_error"
    assert "a bug" not in response.content.decode()
