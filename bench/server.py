"""The server under measurement: gunicorn on loopback, configured as production is, against the bench database."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings

from .client import Client


def server_environment(port: int) -> dict[str, str]:
    """Production settings (DEBUG off, the database cache, tasks queued in the database for a worker), with the
    differences a loopback measurement needs: the TLS proxy is simulated by ``X-Forwarded-Proto`` (so no redirect
    to HTTPS and secure cookies still work), the bench instrumentation is on, and static files are not collected."""
    env = dict(os.environ)
    env.update(
        DEBUG="0",
        SECRET_KEY=os.environ.get("SECRET_KEY") or "bench-only-secret-key-not-for-production-use-0123456789",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_PROXY_SSL_HEADER="1",
        CACHE_BACKEND="database",
        TASKS_BACKEND="database",
        VENDORCOLLAB_BENCH="1",
        DATABASE_CONN_MAX_AGE="600",
        LOGIN_FAILED_RATE_LIMIT="1000/m/ip",
        # Static files from the apps' directories: no collectstatic (a minute) before each run. Pages name them
        # without a content hash; nothing measured here fetches them.
        STATIC_COLLECTED="0",
    )
    return env


def prepare_database(port: int) -> None:
    """The tables that production settings need beyond the bench settings: the cache and the task queue."""
    env = server_environment(port)
    for command in (["migrate", "--noinput", "-v", "0"], ["createcachetable"]):
        subprocess.run([sys.executable, "manage.py", *command], check=True, env=env, cwd=settings.BASE_DIR)


class Gunicorn:
    def __init__(self, *, port: int, workers: int, log: Path) -> None:
        self.port = port
        self.workers = workers
        self.log = log
        self.process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> Gunicorn:
        self.log.parent.mkdir(parents=True, exist_ok=True)
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "vendorcollab.wsgi",
            "--config",
            str(settings.BASE_DIR / "gunicorn.conf.py"),
            "--bind",
            f"127.0.0.1:{self.port}",
            "--workers",
            str(self.workers),
            "--worker-class",
            "sync",
            "--timeout",
            "120",
            "--forwarded-allow-ips",
            "127.0.0.1",
        ]
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(
                command, env=server_environment(self.port), cwd=settings.BASE_DIR, stdout=log, stderr=log
            )
        self._wait_until_serving()
        return self

    def _wait_until_serving(self) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            assert self.process is not None
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn stopped at start; see {self.log}")
            try:
                if Client("127.0.0.1", self.port).get("/bench/floor/").status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not answer within a minute; see {self.log}")

    def worker_pids(self) -> list[int]:
        assert self.process is not None
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in children.read_text().split()]

    def __exit__(self, *exc: object) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0
