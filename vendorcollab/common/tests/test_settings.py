"""Settings: read from the environment, loud about bad values, and unwilling to run production insecurely."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]


def load_settings(**env: str) -> subprocess.CompletedProcess[str]:
    """Import the settings in a fresh interpreter with exactly this environment (plus PATH)."""
    clean = {"PATH": os.environ["PATH"], "VENDORCOLLAB_VAR_DIR": os.environ.get("VENDORCOLLAB_VAR_DIR", "/tmp/vc-var")}
    return subprocess.run(
        [sys.executable, "-c", "import vendorcollab.settings as s; print(s.DATABASES['default']['ENGINE'], s.DEBUG)"],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_refuses_the_default_secret():
    result = load_settings(DEBUG="0")
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_production_starts_with_a_secret_and_defaults_to_sqlite():
    result = load_settings(DEBUG="0", SECRET_KEY="a-real-secret")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["django.db.backends.sqlite3", "False"]


def test_database_url_selects_postgresql():
    result = load_settings(DEBUG="1", DATABASE_URL="postgres://u@db.example:5432/vc")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[0] == "django.db.backends.postgresql"


@pytest.mark.parametrize("value", ["maybe", "2", "enabled"])
def test_a_bad_boolean_fails_loudly(value):
    result = load_settings(DEBUG=value)
    assert result.returncode != 0
    assert "DEBUG must be one of" in result.stderr


@pytest.mark.parametrize(("bench", "installed"), [("", False), ("0", False), ("1", True)])
def test_the_bench_app_and_its_commands_exist_only_when_benchmarking(bench, installed):
    """A product installation has no bench_data, bench_run or bench_soak; ``make bench`` turns them on."""
    clean = {"PATH": os.environ["PATH"], "VENDORCOLLAB_VAR_DIR": os.environ.get("VENDORCOLLAB_VAR_DIR", "/tmp/vc-var")}
    program = (
        "import django; django.setup(); from django.core.management import get_commands; "
        "from django.apps import apps; print(apps.is_installed('bench'), 'bench_run' in get_commands())"
    )
    result = subprocess.run(
        [sys.executable, "-c", program],
        cwd=ROOT,
        env={**clean, "DEBUG": "1", "DJANGO_SETTINGS_MODULE": "vendorcollab.settings", "VENDORCOLLAB_BENCH": bench},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [str(installed), str(installed)]
