"""What the tests that start a real server process (gunicorn in production mode, SMTP) need: a free loopback port,
and the test database as a ``DATABASE_URL`` the server can open."""

from __future__ import annotations

import socket
import urllib.parse

from django.db import connection


def free_port(host: str = "127.0.0.1") -> int:
    """A port nobody listens on now, for a server the test starts next."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        return int(probe.getsockname()[1])


def server_database_url() -> str:
    """The test database as a ``DATABASE_URL`` for the server process (SQLite: a file, see settings)."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    auth = urllib.parse.quote(db["USER"] or "")
    if db["PASSWORD"]:
        auth += ":" + urllib.parse.quote(db["PASSWORD"])
    port = f":{db['PORT']}" if db["PORT"] else ""
    return f"postgres://{auth}@{db['HOST'] or 'localhost'}{port}/{db['NAME']}"
