"""The OpenAPI document and the docs page: every endpoint with every error it can return, no asset from elsewhere."""

import json
import re

import pytest
from django.contrib.staticfiles import finders
from django.test import Client
from django.urls import get_resolver

from vendorcollab.api.api import api as ninja_api
from vendorcollab.api.error_codes import ENUMS
from vendorcollab.common.testing.error_codes import check_answer

from .helpers import API

# Not endpoints: the document, the docs page, and the JSON 404s of the root and of unknown paths.
NOT_ENDPOINTS = {"openapi-json", "openapi-view", "api-root", "not-found"}
UNSAFE = {"post", "put", "patch", "delete"}


@pytest.fixture(scope="module")
def document():
    response = Client().get(API + "/openapi.json")
    assert response.status_code == 200
    return response.json()


def operations(document):
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            yield path, method, operation


def resolve_ref(document, ref):
    assert ref.startswith("#/components/schemas/"), ref
    return document["components"]["schemas"][ref.rsplit("/", 1)[1]]


def test_it_is_an_openapi_3_document(document):
    assert re.fullmatch(r"3\.\d+\.\d+", document["openapi"])
    assert document["info"]["title"] and document["info"]["version"]
    assert document["paths"]
    for scheme in document["components"]["securitySchemes"].values():
        assert scheme["type"] in {"http", "apiKey"}
    ids = [operation["operationId"] for _, _, operation in operations(document)]
    assert len(ids) == len(set(ids)), "operationIds are unique"
    # Every reference resolves.
    refs = re.findall(r'"\$ref": "([^"]+)"', json.dumps(document))
    assert len(refs) > 10
    for ref in refs:
        resolve_ref(document, ref)


def test_every_endpoint_is_in_it(document):
    _, resolver = get_resolver().namespace_dict[ninja_api.urls_namespace]
    routes = {
        # Django's <id> and <int:id> are OpenAPI's {id}.
        "/api/v1/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", str(pattern.pattern))
        for pattern in resolver.url_patterns
        if pattern.name not in NOT_ENDPOINTS
    }
    assert routes == set(document["paths"])


def test_every_operation_lists_its_error_responses_in_the_error_shape(document):
    error_shape = document["components"]["schemas"]["ErrorOut"]
    assert error_shape["required"] == ["error"]
    assert set(resolve_ref(document, error_shape["properties"]["error"]["$ref"])["required"]) == {
        "code",
        "message",
        "fields",
    }
    for path, method, operation in operations(document):
        responses = {int(status): response for status, response in operation["responses"].items()}
        assert any(200 <= status < 300 for status in responses), (method, path)
        errors = {status for status in responses if status >= 400}
        # What the framework itself can answer, whatever the endpoint does:
        expected = set()
        if operation.get("security"):
            expected.add(401)
            if method in UNSAFE:
                expected.add(403)  # the session's CSRF check
        if operation["parameters"] or "requestBody" in operation:
            expected.add(422)
        if "requestBody" in operation:
            expected.add(400)
        if "{id}" in path:
            expected.add(404)
        assert expected <= errors, (method, path, expected - errors)
        for status in errors:
            content = responses[status]["content"]["application/json"]["schema"]
            assert content == {"$ref": f"#/components/schemas/{operation['operationId']}_error"}, (method, path, status)
            error = resolve_ref(document, content["$ref"])["properties"]["error"]
            assert set(error["required"]) == {"code", "message", "fields"}


def codes_of(document, path, method):
    operation = document["paths"][path][method]
    schema = resolve_ref(document, f"#/components/schemas/{operation['operationId']}_error")
    return set(schema["properties"]["error"]["properties"]["code"]["enum"])


def test_every_operation_lists_the_codes_it_may_answer_as_an_enum(document):
    known = {code.value for enum in ENUMS for code in enum}
    for path, method, operation in operations(document):
        codes = codes_of(document, path, method)
        assert codes <= known, (method, path, codes - known)
        if operation.get("security"):
            assert {"not_authenticated", "mfa_required", "no_role"} <= codes, (method, path)
        if "requestBody" in operation:
            assert {"invalid_input", "malformed_json", "request_too_large", "unsupported_media_type"} <= codes
    # What the services behind an endpoint refuse with, declared next to the route.
    assert {"po_closed", "invalid_transition", "over_receipt"} <= codes_of(
        document, "/api/v1/purchase-orders/{id}/receipts", "post"
    )
    assert {"version_outdated", "split_too_few_lines"} <= codes_of(
        document, "/api/v1/vendor/purchase-orders/{id}/responses", "post"
    )
    assert "over_receipt" not in codes_of(document, "/api/v1/vendor/purchase-orders/{id}/responses", "post")
    assert {"invalid_credentials", "too_many_attempts"} <= codes_of(document, "/api/v1/auth/token", "post")
    assert {"ubl_doctype", "number_taken"} <= codes_of(document, "/api/v1/purchase-orders/import-ubl", "post")


def test_an_answer_with_a_code_the_operation_does_not_list_fails_the_test_that_provoked_it(sent):
    # The check every test runs on the API's error answers (common.testing.error_codes).
    body = b'{"error": {"code": "over_receipt", "message": "x", "fields": {}}}'
    check_answer("POST", f"{API}/purchase-orders/{sent.pk}/receipts", 422, body)
    with pytest.raises(AssertionError, match="over_receipt"):
        check_answer("POST", f"{API}/vendor/purchase-orders/{sent.pk}/responses", 422, body)


def test_the_vendor_operations_name_their_conflicts_and_bodies(document):
    respond = document["paths"]["/api/v1/vendor/purchase-orders/{id}/responses"]["post"]
    assert {"201", "409"} <= set(respond["responses"])
    body = resolve_ref(document, respond["requestBody"]["content"]["application/json"]["schema"]["$ref"])
    assert {"version", "action", "vendor_reference", "note", "lines", "charges"} <= set(body["properties"])
    pdf = document["paths"]["/api/v1/vendor/purchase-orders/{id}/pdf"]["get"]
    assert "application/pdf" in pdf["responses"]["200"]["content"]
    token = document["paths"]["/api/v1/auth/token"]["post"]
    assert "security" not in token


def test_the_docs_page_loads_nothing_from_elsewhere():
    response = Client().get(API + "/docs")
    assert response.status_code == 200
    page = response.content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert any(asset.endswith("swagger-ui-bundle.js") for asset in assets)
    for asset in assets:
        assert asset.startswith("/static/"), asset
        assert finders.find(asset.removeprefix("/static/")), asset
    assert "//" not in "".join(re.findall(r"url\(([^)]*)\)", page))
    assert '"validatorUrl": null' in page
