"""The README's Deploy steps, run as written on a fresh database, then the portal used in production mode.

Every `.venv/bin/` command of the README's Deploy section runs as a subprocess with only the environment the README
lists (DEBUG=0, so the database cache, tasks queued in the database, secure cookies, static files from the app).
gunicorn serves HTTPS with a self-signed certificate made here, `db_worker` sends the mail to a real SMTP server,
and Chromium does what the first admin and the first vendor user do: sign in, set up two-factor authentication,
create a company, a vendor account and an item in the back office, invite the vendor's user, send a PO; the vendor's
user follows the invitation, signs in and accepts.

On SQLite the database is a new file; when DATABASE_URL points at PostgreSQL, a new database of its own, dropped
afterwards. Nothing here reads or writes the test database of the rest of the suite.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import os
import re
import shlex
import ssl
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.cookiejar import CookieJar
from pathlib import Path

import pytest
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from playwright.sync_api import Browser, Page

from vendorcollab.common.testing.browser import DESKTOP_VIEWPORT, login
from vendorcollab.common.testing.mail import SMTPTestServer
from vendorcollab.common.testing.servers import free_port

ROOT = Path(__file__).resolve().parents[3]
README = ROOT / "README.md"
ADMIN = {"username": "olivia", "email": "olivia@buyer.example", "password": "Harbour-Lantern-4821"}
VENDOR_EMAIL = "victor@supplier.example"
VENDOR_PASSWORD = "Quarry-Willow-7395"
PERIOD = 30
COMPANY = "BUY Buyer B.V."  # as the back office lists it: code and name


# --- the README ---------------------------------------------------------------------------------------------------


def deploy_section() -> str:
    text = README.read_text()
    start = text.index("\n## Deploy\n")
    end = text.index("\n## ", start + 1)
    return text[start:end]


def deploy_commands() -> list[str]:
    """Every command line of the Deploy section's shell blocks that runs the project (`.venv/bin/...`), in order."""
    commands = []
    for block in re.findall(r"```sh\n(.*?)```", deploy_section(), re.S):
        commands += [line.strip() for line in block.splitlines() if line.strip().startswith(".venv/bin/")]
    return commands


def exported_variables() -> set[str]:
    names: set[str] = set()
    for line in deploy_section().splitlines():
        if line.strip().startswith("export "):
            names |= set(re.findall(r"\b([A-Z][A-Z0-9_]+)=", line.split("#")[0]))
    return names


# --- a fresh database, a certificate, a free port ------------------------------------------------------------------


@contextmanager
def fresh_database(directory: Path) -> Iterator[str]:
    """The URL of an empty database on the suite's database server (PostgreSQL or SQLite), removed afterwards."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        yield f"sqlite:///{directory / 'portal.sqlite3'}"
        return
    import psycopg

    parts = urllib.parse.urlsplit(url)
    name = f"vc_smoke_{uuid.uuid4().hex[:12]}"
    server = parts._replace(path="/postgres").geturl()
    with psycopg.connect(server, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield parts._replace(path="/" + name).geturl()
    finally:
        with psycopg.connect(server, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def self_signed_certificate(directory: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = directory / "cert.pem", directory / "key.pem"
    cert_file.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return cert_file, key_file


# --- the deployment -------------------------------------------------------------------------------------------------


@dataclass
class Deployment:
    url: str
    env: dict[str, str]
    certificate: Path
    directory: Path
    smtp: SMTPTestServer
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)

    def run(self, command: str, timeout: float = 180) -> str:
        result = subprocess.run(
            ["bash", "-euo", "pipefail", "-c", command],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        assert result.returncode == 0, f"{command}\n{result.stdout}\n{result.stderr}"
        return result.stdout

    def start(self, name: str, argv: list[str]) -> None:
        log = open(self.directory / f"{name}.log", "wb")  # noqa: SIM115 (closed with the process)
        self.processes.append(subprocess.Popen(argv, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT))

    def logs(self) -> str:
        return "\n".join(f"--- {log.name}\n{log.read_text()[-3000:]}" for log in self.directory.glob("*.log"))

    def tls(self) -> ssl.SSLContext:
        """Clients here trust exactly the certificate made for this server (the browser ignores it instead)."""
        return ssl.create_default_context(cafile=str(self.certificate))

    def python(self, code: str) -> str:
        """Ask the deployed instance's database something, through its own settings."""
        return self.run(f".venv/bin/python manage.py shell --no-imports -c {shlex.quote(code)}").strip()


def _gunicorn_argv(line: str, port: int, cert: Path, key: str) -> list[str]:
    """The README's gunicorn line, bound to a free loopback port with TLS (in production a proxy ends TLS)."""
    argv = shlex.split(line.split("#")[0])
    for option, value in (("--bind", f"127.0.0.1:{port}"), ("--workers", "2")):
        if option in argv:
            argv[argv.index(option) + 1] = value
        else:
            argv += [option, value]
    return [*argv, "--certfile", str(cert), "--keyfile", key, "--log-level", "warning"]


def _wait_until_up(deployment: Deployment, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    context = deployment.tls()
    while True:
        try:
            with urllib.request.urlopen(deployment.url + "/accounts/login/", context=context, timeout=5) as response:
                if response.status == 200:
                    return
        except (OSError, urllib.error.URLError):
            pass
        if time.monotonic() > deadline or any(process.poll() is not None for process in deployment.processes):
            raise AssertionError("the production server did not come up\n" + deployment.logs())
        time.sleep(0.2)


@pytest.fixture(scope="module")
def deployment(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Deployment]:
    directory = tmp_path_factory.mktemp("deploy")
    port = free_port()
    smtp = SMTPTestServer()
    smtp.start()
    cert, key = self_signed_certificate(directory)
    with fresh_database(directory) as database_url:
        env = {
            # Nothing of the test run's own environment (DEBUG=1 above all): only what the README says to set.
            "PATH": os.environ["PATH"],
            "HOME": os.environ.get("HOME", str(directory)),
            "LANG": "C.UTF-8",
            "DEBUG": "0",
            "SECRET_KEY": "smoke-" + uuid.uuid4().hex + uuid.uuid4().hex,
            "DATABASE_URL": database_url,
            "ALLOWED_HOSTS": "127.0.0.1",
            "SITE_URL": f"https://127.0.0.1:{port}",
            "TASKS_BACKEND": "database",
            "EMAIL_HOST": smtp.host,
            "EMAIL_PORT": str(smtp.port),
            "DEFAULT_FROM_EMAIL": "portal@buyer.example",
            "VENDORCOLLAB_VAR_DIR": str(directory / "var"),
            "ADMIN_USERNAME": ADMIN["username"],
            "ADMIN_EMAIL": ADMIN["email"],
            "VENDORCOLLAB_ADMIN_PASSWORD": ADMIN["password"],
        }
        missing = exported_variables() - set(env)
        assert not missing, f"the README sets variables this test does not: {missing}"
        deployment = Deployment(
            url=f"https://127.0.0.1:{port}", env=env, certificate=cert, directory=directory, smtp=smtp
        )
        try:
            for line in deploy_commands():
                if "manage.py create_admin" in line and "--noinput" not in line:
                    continue  # the interactive form; its --noinput twin below is what a script runs
                if "bin/gunicorn" in line:
                    deployment.start("gunicorn", _gunicorn_argv(line, port, cert, str(key)))
                    _wait_until_up(deployment)
                elif "manage.py db_worker" in line:
                    deployment.start("db_worker", shlex.split(line.split("#")[0]))
                else:
                    deployment.run(line)
            assert len(deployment.processes) == 2, "the README starts gunicorn and db_worker"
            yield deployment
        finally:
            for process in deployment.processes:
                process.terminate()
            for process in deployment.processes:
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    process.kill()
            smtp.stop()


# --- the tests ------------------------------------------------------------------------------------------------------


def test_the_readme_runs_the_steps_this_test_relies_on():
    commands = " ".join(deploy_commands())
    for step in ("migrate", "collectstatic", "create_admin --noinput", "bin/gunicorn", "db_worker"):
        assert step in commands
    assert "createcachetable" not in commands  # migrate makes the cache tables


def test_sign_in_over_https_works_right_after_migrate(deployment):
    """Issue 12, point 3: with only `migrate` (no createcachetable) sign-in was a server error in production."""
    jar = CookieJar()
    opener = urllib.request.build_opener(
        urllib.request.HTTPSHandler(context=deployment.tls()), urllib.request.HTTPCookieProcessor(jar)
    )
    with opener.open(deployment.url + "/accounts/login/") as response:
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.read().decode())
    assert token
    form = {"login": ADMIN["username"], "password": ADMIN["password"], "csrfmiddlewaretoken": token.group(1)}
    request = urllib.request.Request(
        deployment.url + "/accounts/login/",
        data=urllib.parse.urlencode(form).encode(),
        headers={"Origin": deployment.url, "Referer": deployment.url + "/accounts/login/"},
    )
    with opener.open(request) as response:
        # Signed in; a procurement admin must set up two-factor authentication first.
        assert response.status == 200
        assert urllib.parse.urlsplit(response.url).path == "/accounts/2fa/totp/activate/"
    cookies = {cookie.name: cookie for cookie in jar}
    assert cookies["sessionid"].secure and cookies["csrftoken"].secure
    # The failed-sign-in counter lives in the database cache that migrate made.
    assert (
        deployment.python(
            "from django.db import connection; print('vendorcollab_cache' in connection.introspection.table_names())"
        )
        == "True"
    )


def code_for(key: str) -> str:
    """What an authenticator app shows for ``key``, early enough in its 30 seconds to be valid when it arrives."""
    if PERIOD - time.time() % PERIOD < 3:
        time.sleep(PERIOD - time.time() % PERIOD + 0.1)
    return format_hotp_value(hotp_value(key, int(time.time()) // PERIOD))


def new_page(browser: Browser) -> Page:
    context = browser.new_context(viewport=DESKTOP_VIEWPORT, locale="en-US", ignore_https_errors=True)
    context.set_default_timeout(15_000)
    return context.new_page()


def back_office_add(page: Page, url: str, model: str, fields: dict[str, str], company: str | None = None) -> None:
    page.goto(f"{url}/admin/partners/{model}/add/")
    if company:
        page.select_option("#id_company", label=company)
    for name, value in fields.items():
        page.fill(f"#id_{name}", value)
    page.locator("input[name=_save]").click()
    page.wait_for_load_state()
    assert page.locator(".messagelist .success").count() == 1, page.locator("main, #content").first.inner_text()


def test_the_first_admin_and_the_first_vendor_work_with_a_purchase_order(deployment, browser):
    url = deployment.url
    admin = new_page(browser)

    # The first admin signs in and must set up two-factor authentication: the key on the screen gives the code.
    login(admin, url, ADMIN["username"], ADMIN["password"])
    admin.wait_for_url("**/accounts/2fa/totp/activate/")
    key = admin.locator("#authenticator_secret").input_value()
    admin.get_by_label("Code").fill(code_for(key))
    admin.get_by_role("button", name="Activate").click()
    admin.wait_for_url("**/accounts/2fa/recovery-codes/")
    admin.get_by_role("link", name="Continue to the portal").click()
    admin.wait_for_url(url + "/buyer/")
    # Static files come from the app server itself in production.
    stylesheet = admin.locator("link[rel=stylesheet]").first.get_attribute("href")
    assert stylesheet and admin.request.get(url + stylesheet).status == 200

    # Master data in the back office: a company, a vendor account, an item.
    back_office_add(admin, url, "company", {"code": "BUY", "name": "Buyer B.V."})
    back_office_add(
        admin,
        url,
        "vendor",
        {"number": "V-001", "name": "Supplier Ltd", "email": VENDOR_EMAIL},
        company="BUY Buyer B.V.",
    )
    back_office_add(admin, url, "item", {"number": "BOLT-8", "name": "Bolt M8"}, company=COMPANY)

    # The vendor's first user: requested and approved by the admin, invited by mail through db_worker.
    admin.goto(url + "/settings/users/requests/new/")
    admin.fill("#id_first_name", "Victor")
    admin.fill("#id_last_name", "Vendor")
    admin.fill("#id_email", VENDOR_EMAIL)
    admin.get_by_role("button", name="Send request").click()
    admin.wait_for_load_state()
    admin.get_by_role("button", name="Approve").click()
    assert "is created and invited by e-mail" in admin.locator(".messages").inner_text()

    # A purchase order, entered and sent at once.
    admin.goto(url + "/buyer/")
    admin.get_by_role("link", name="New purchase order").first.click()
    vendor_option = admin.locator("#id_po-vendor option", has_text="V-001").get_attribute("value")
    admin.select_option("#id_po-vendor", vendor_option)
    admin.fill("#id_lines-0-item", "BOLT-8")
    admin.fill("#id_lines-0-quantity", "250")
    admin.fill("#id_lines-0-unit_price", "0.12")
    admin.fill("#id_lines-0-delivery_date", (dt.date.today() + dt.timedelta(days=21)).isoformat())
    admin.locator("button[value=save_and_send]").click()
    admin.wait_for_load_state()
    number = deployment.python(
        "from vendorcollab.purchasing.models import PurchaseOrder as P; print(P.objects.get().number)"
    )

    # The vendor's user follows the invitation, chooses a password, signs in again later and accepts.
    # Two mails, sent by db_worker: the invitation, and the news of the PO to the vendor's (new) user.
    messages = deployment.smtp.wait_for(2, timeout=30)
    assert all(message.to == [VENDOR_EMAIL] for message in messages)
    links = [re.search(r"https://\S+/account/invitation/[A-Za-z0-9_-]+/", message.text or "") for message in messages]
    [link] = [found for found in links if found]
    assert link.group(0).startswith(url)
    assert any(number in (message.text or "") for message in messages)
    vendor = new_page(browser)
    vendor.goto(link.group(0))
    vendor.fill("#id_new_password1", VENDOR_PASSWORD)
    vendor.fill("#id_new_password2", VENDOR_PASSWORD)
    vendor.get_by_role("button", name="Set password and sign in").click()
    vendor.wait_for_url(url + "/vendor/")
    vendor.context.clear_cookies()
    login(vendor, url, VENDOR_EMAIL, VENDOR_PASSWORD)
    vendor.wait_for_url(url + "/vendor/")
    vendor.get_by_role("link", name=re.compile("Purchase orders for review")).first.click()
    vendor.get_by_role("link", name=re.compile(re.escape(number))).first.click()
    vendor.locator("[data-action=accept]").click()
    vendor.locator("#accept-dialog [data-action=accept-confirm]").click()  # Accept asks once
    vendor.wait_for_load_state()
    assert vendor.locator(".messages").count() == 1

    # The answer is stored: the PO waits for the buyer's confirmation (the vendor confirms manually).
    state = deployment.python(
        "from vendorcollab.purchasing.models import PurchaseOrder as P; p = P.objects.get(); "
        "print(p.status, p.latest_version.response.kind)"
    )
    assert state == "in_external_review accepted"
