"""Production mode serves its own static files (issue 12, point 7): `collectstatic`, then gunicorn with DEBUG=0 and
no web server in front. And the favicon, which is never redirected to the two-factor set-up (point 1).

gunicorn runs in a process of its own against the test database, so the data must be committed
(``transaction=True``)."""

from __future__ import annotations

import gzip
import http.client
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import brotli
import pytest
from django.conf import settings as django_settings
from django.test import Client

from vendorcollab.common.testing.servers import free_port, server_database_url

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.mfa_required]

ROOT = Path(django_settings.BASE_DIR)
SECRET_KEY = "production-mode-test-secret-key-not-used-anywhere-else-0123456789"
# The portal's own files and what its pages link to. The back office's and the API page's bundles (20 MB with their
# source maps) take a minute to compress on a busy machine and would prove nothing more.
NOT_COLLECTED = ["admin", "ninja", "ext", "htmax*", "*.map"]
A_YEAR = 365 * 24 * 3600


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes


@dataclass
class Server:
    port: int

    def get(self, path: str, **headers: str) -> Answer:
        """One GET over plain HTTP, redirects not followed; the TLS proxy is simulated by ``X-Forwarded-Proto``."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            connection.request("GET", path, headers={"X-Forwarded-Proto": "https", **headers})
            response = connection.getresponse()
            return Answer(response.status, {k.lower(): v for k, v in response.getheaders()}, response.read())
        finally:
            connection.close()


@pytest.fixture(scope="module")
def production(django_db_setup, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """One server for the tests of this file: collecting, compressing and starting take a few seconds."""
    tmp_path = tmp_path_factory.mktemp("production")
    env = {key: value for key, value in os.environ.items() if key != "MFA_REQUIRED_ROLES"}
    env.update(
        DEBUG="0",
        SECRET_KEY=SECRET_KEY,
        ALLOWED_HOSTS="127.0.0.1",
        STATIC_ROOT=str(tmp_path / "static"),
        DATABASE_URL=server_database_url(),
        SECURE_PROXY_SSL_HEADER="1",
        CACHE_BACKEND="locmem",  # no cache table in the test database
    )
    for name in ("TEST_DATABASE_NAME", "STATIC_COLLECTED"):  # production's defaults
        env.pop(name, None)
    ignore = [arg for pattern in NOT_COLLECTED for arg in ("--ignore", pattern)]
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0", *ignore],
        check=True,
        env=env,
        cwd=ROOT,
        timeout=120,
    )
    port = free_port()
    log = tmp_path / "gunicorn.log"
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "vendorcollab.wsgi",
        "--config",
        str(ROOT / "gunicorn.conf.py"),
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        "1",
    ]
    with log.open("wb") as output:
        process = subprocess.Popen(command, env=env, cwd=ROOT, stdout=output, stderr=output)
    server = Server(port)
    try:
        deadline = time.monotonic() + 30
        while True:
            assert process.poll() is None, log.read_text()
            try:
                server.get("/favicon.ico")
                break
            except OSError:
                assert time.monotonic() < deadline, log.read_text()
                time.sleep(0.1)
        yield server
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


def test_the_app_server_serves_its_static_files_compressed_and_cached(production):
    # The plain name a README or an old page may use.
    plain = production.get("/static/common/app.css")
    assert plain.status == 200
    assert plain.headers["content-type"].startswith("text/css")

    # What the pages link to: the name with the content's hash, cached for a year.
    page = production.get("/accounts/login/")
    assert page.status == 200
    assert page.headers["content-security-policy"] == django_settings.CONTENT_SECURITY_POLICY
    html = page.body.decode()
    links = re.findall(r'(?:href|src)="(/static/[^"]+)"', html)
    stylesheet = next(link for link in links if re.fullmatch(r"/static/common/app\.[0-9a-f]{12}\.css", link))
    assert any(re.fullmatch(r"/static/common/app\.[0-9a-f]{12}\.js", link) for link in links), links
    assert any(re.fullmatch(r"/static/common/favicon\.[0-9a-f]{12}\.svg", link) for link in links), links
    for link in links:
        assert production.get(link).status == 200, link

    css = production.get(stylesheet)
    assert css.status == 200 and css.body == plain.body
    cache_control = css.headers["cache-control"]
    max_age = int(re.search(r"max-age=(\d+)", cache_control).group(1))  # type: ignore[union-attr]
    assert max_age >= A_YEAR and "immutable" in cache_control

    zipped = production.get(stylesheet, **{"Accept-Encoding": "gzip"})
    assert zipped.headers.get("content-encoding") == "gzip"
    assert gzip.decompress(zipped.body) == plain.body and len(zipped.body) < len(plain.body)
    squeezed = production.get(stylesheet, **{"Accept-Encoding": "br, gzip"})
    assert squeezed.headers.get("content-encoding") == "br"
    assert brotli.decompress(squeezed.body) == plain.body
    assert "accept-encoding" in css.headers["vary"].lower()


def test_the_favicon_is_served_even_to_an_admin_who_must_still_set_up_two_factor(production, cast, settings):
    # Sessions are signed with the key: the server must share it with this process, which signs the user in.
    settings.SECRET_KEY = SECRET_KEY
    client = Client()
    client.force_login(cast.admin)
    cookie = f"{django_settings.SESSION_COOKIE_NAME}={client.cookies[django_settings.SESSION_COOKIE_NAME].value}"

    # Signed in on the server, and sent to the set-up before anything else.
    home = production.get("/", Cookie=cookie)
    assert (home.status, home.headers.get("location")) == (302, "/accounts/2fa/totp/activate/")

    icon = production.get("/favicon.ico", Cookie=cookie, **{"Sec-Fetch-Dest": "image"})
    assert icon.status == 200 and "location" not in icon.headers
    assert icon.headers["content-type"].startswith("image/")
    assert icon.body == (ROOT / "vendorcollab" / "common" / "root" / "favicon.ico").read_bytes()
    # The style sheet, likewise.
    assert production.get("/static/common/app.css", Cookie=cookie, **{"Sec-Fetch-Dest": "style"}).status == 200
