"""Request bodies: too large is a 413 (the API's error shape, or a page), a media type an endpoint does not take is a
415; over real HTTP in production mode, a client sending too much still reads the answer."""

from __future__ import annotations

import http.client
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings as django_settings

from vendorcollab.common.testing.servers import free_port

from .helpers import API, error_of

TWELVE_MB = 12 * 1024 * 1024


def test_a_json_body_over_the_api_limit_is_413_in_the_error_shape(api, cast, settings):
    settings.API_MAX_BODY_BYTES = 1024
    response = api(cast.agent).post("/purchase-orders", {"note": "x" * 2048})
    assert response.status_code == 413
    error = error_of(response)
    assert error["code"] == "request_too_large"
    assert "1.0 KB" in error["message"]


def test_the_413_speaks_the_language_the_request_asks_for(api, settings):
    settings.API_MAX_BODY_BYTES = 1024
    response = api().post("/auth/token", {"username": "x" * 2048}, **{"Accept-Language": "nl"})
    assert response.status_code == 413
    assert "groter dan" in error_of(response)["message"]


def test_a_body_over_djangos_memory_limit_is_413_not_500(api, cast, settings):
    """What ninja's catch-all made a 500: ``request.body`` refusing a body larger than Django holds in memory (here
    under the API's own limit, which is what lets it through to Django's)."""
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    response = api(cast.agent).post("/purchase-orders", {"note": "x" * 4096})
    assert response.status_code == 413, response.content
    assert error_of(response)["code"] == "request_too_large"


def test_a_page_body_over_the_limit_is_a_413_page_in_the_portal_layout(client, settings):
    settings.PAGE_MAX_BODY_BYTES = 1024
    response = client.post("/accounts/login/", {"login": "x" * 4096, "password": "y"})
    assert response.status_code == 413
    page = response.content.decode()
    assert '<main id="main"' in page
    assert "larger than the 1.0 KB allowed" in page


def test_a_form_over_djangos_memory_limit_is_a_413_page_not_a_bare_400(client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    response = client.post("/accounts/login/", {"login": "x" * 4096, "password": "y"})
    assert response.status_code == 413
    assert '<main id="main"' in response.content.decode()


@pytest.mark.parametrize(
    "content_type", ["application/x-www-form-urlencoded", "text/plain", "application/xml", "multipart/form-data; b=x"]
)
def test_a_json_endpoint_refuses_another_media_type_with_415(api, cast, content_type):
    client = api(cast.agent)
    response = client.client.post(
        API + "/auth/token", "username=a&password=b", content_type=content_type, headers=client.headers
    )
    assert response.status_code == 415
    error = error_of(response)
    assert error["code"] == "unsupported_media_type"
    assert "Content-Type" in error["fields"]


def test_json_with_a_charset_or_a_json_suffix_is_taken(api):
    for content_type in ("application/json; charset=utf-8", "application/merge-patch+json"):
        response = api().client.post(
            API + "/auth/token", json.dumps({"username": "nobody", "password": "wrong"}), content_type=content_type
        )
        assert response.status_code == 401, (content_type, response.content)


def test_the_ubl_import_refuses_a_json_body_with_415(api, cast):
    client = api(cast.agent)
    response = client.post("/purchase-orders/import-ubl", {"order": 1})
    assert response.status_code == 415
    assert error_of(response)["code"] == "unsupported_media_type"


def test_openapi_lists_413_and_415_for_every_operation_with_a_body(client):
    document = client.get(API + "/openapi.json").json()
    with_body = [op for methods in document["paths"].values() for op in methods.values() if "requestBody" in op]
    assert with_body
    for operation in with_body:
        assert {"413", "415"} <= set(operation["responses"]), operation["operationId"]


# --- over real HTTP, in production mode -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def production_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    """gunicorn as production runs it (DEBUG off, sync workers), on a free loopback port, with its own empty var
    directory: nothing these requests touch needs a table."""
    port = free_port()
    var = tmp_path_factory.mktemp("production")
    env = {
        key: value for key, value in os.environ.items() if key not in {"DATABASE_URL", "TEST_DATABASE_NAME", "DEBUG"}
    }
    env.update(
        DEBUG="0",
        SECRET_KEY="request-limits-test-secret-key-0123456789abcdef",
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="0",
        CACHE_BACKEND="locmem",
        VENDORCOLLAB_VAR_DIR=str(var),
        PAGE_MAX_BODY_BYTES=str(1024 * 1024),
        # No collectstatic here: pages link the apps' own static files (the 413 page is a whole portal page).
        STATIC_COLLECTED="0",
    )
    command = [sys.executable, "-m", "gunicorn", "vendorcollab.wsgi", "--config", "gunicorn.conf.py"]
    command += ["--bind", f"127.0.0.1:{port}", "--workers", "1", "--worker-class", "sync", "--timeout", "60"]
    log = Path(var) / "gunicorn.log"
    with log.open("wb") as out:
        process = subprocess.Popen(command, env=env, cwd=django_settings.BASE_DIR, stdout=out, stderr=out)
    try:
        deadline = time.monotonic() + 30
        while True:
            assert process.poll() is None, log.read_text()
            try:
                if _request(port, "GET", "/api/v1/")[0] == 404:
                    break
            except OSError:
                assert time.monotonic() < deadline, log.read_text()
                time.sleep(0.2)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=20)


def _request(port: int, method: str, path: str, body: bytes | None = None, content_type: str = "") -> tuple:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        headers = {"Content-Type": content_type} if content_type else {}
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        return response.status, response.getheader("Content-Type", ""), response.read()
    finally:
        connection.close()


@pytest.mark.parametrize(
    "path, content_type",
    [("/api/v1/auth/token", "application/json"), ("/api/v1/purchase-orders/import-ubl", "application/xml")],
    ids=["json", "ubl"],
)
def test_a_12_mb_body_is_a_413_the_client_reads_then_the_next_request_works(production_server, path, content_type):
    status, media_type, body = _request(production_server, "POST", path, b"x" * TWELVE_MB, content_type)
    assert (status, media_type) == (413, "application/json")
    assert json.loads(body)["error"]["code"] == "request_too_large"
    assert _request(production_server, "GET", "/api/v1/")[0] == 404


def test_a_12_mb_form_is_a_413_page_over_real_http(production_server):
    status, media_type, body = _request(
        production_server, "POST", "/accounts/login/", b"login=" + b"x" * TWELVE_MB, "application/x-www-form-urlencoded"
    )
    assert status == 413
    assert media_type.startswith("text/html")
    assert b'<main id="main"' in body
    assert _request(production_server, "GET", "/api/v1/")[0] == 404
