"""Dates as a Dutch or Belgian company reads them: English day first (en-GB, 24-hour clock) unless
ENGLISH_DATE_STYLE=us, Dutch in Django's nl conventions; on pages, in the PDF, in mail; date pickers always ISO."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import os
import subprocess
import sys
from pathlib import Path

import pypdf
import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import formats, timezone

from vendorcollab.accounts.models import User
from vendorcollab.common.testing.factories import line
from vendorcollab.purchasing.documents import render_version_pdf
from vendorcollab.purchasing.services import po_confirm, po_create, po_send

ROOT = Path(__file__).resolve().parents[3]


def sixth_of_december() -> dt.date:
    """A 6 December still ahead, where day first and month first differ: 06/12 against 12/06."""
    today = timezone.localdate()
    return dt.date(today.year + 1, 12, 6)


def send_po(cast, delivery: dt.date):
    po = po_create(
        actor=cast.agent,
        company=cast.company,
        vendor=cast.vendor_a,
        lines=[dataclasses.replace(line(cast.items[0]), delivery_date=delivery)],
    )
    return po_send(actor=cast.agent, purchase_order=po)


def pdf_text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages)


def test_english_pages_and_pdfs_are_day_first_and_dutch_keeps_its_own(client, cast):
    day = sixth_of_december()
    po = send_po(cast, day)
    client.force_login(cast.vendor_a_user)
    url = reverse("vendor:po_detail", args=[po.pk])
    english = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert day.strftime("%d/%m/%Y") in english and day.strftime("%m/%d/%Y") not in english
    dutch = client.get(url, HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert f"{day.day}-{day.month}-{day.year}" in dutch  # Django's nl: 6-12-2027
    version = po.versions.get(number=1)
    pdf = pdf_text(render_version_pdf(version=version, language="en", show_prices=True, show_dimensions=False))
    assert day.strftime("%d/%m/%Y") in pdf and day.strftime("%m/%d/%Y") not in pdf


def test_the_american_style_is_a_setting(client, cast):
    day = sixth_of_december()
    po = send_po(cast, day)
    client.force_login(cast.vendor_a_user)
    # What ENGLISH_DATE_STYLE=us sets. Django caches formats and forgets them for the FORMAT_* settings only.
    try:
        with override_settings(FORMAT_MODULE_PATH=[]):
            formats.reset_format_cache()
            english = client.get(reverse("vendor:po_detail", args=[po.pk]), HTTP_ACCEPT_LANGUAGE="en")
    finally:
        formats.reset_format_cache()
    english = english.content.decode()
    assert day.strftime("%m/%d/%Y") in english and day.strftime("%d/%m/%Y") not in english


def load_settings(**env: str) -> subprocess.CompletedProcess[str]:
    clean = {"PATH": os.environ["PATH"], "VENDORCOLLAB_VAR_DIR": os.environ.get("VENDORCOLLAB_VAR_DIR", "/tmp/vc-var")}
    return subprocess.run(
        [sys.executable, "-c", "import vendorcollab.settings as s; print(s.FORMAT_MODULE_PATH)"],
        cwd=ROOT,
        env={**clean, "DEBUG": "1", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_english_date_style_selects_the_formats_and_refuses_nonsense():
    assert load_settings().stdout.strip() == "['vendorcollab.formats']"
    assert load_settings(ENGLISH_DATE_STYLE="us").stdout.strip() == "[]"
    refused = load_settings(ENGLISH_DATE_STYLE="iso")
    assert refused.returncode != 0 and "ENGLISH_DATE_STYLE must be gb or us" in refused.stderr


@pytest.mark.django_db(transaction=True)
def test_english_mail_is_day_first(cast, smtp_server):
    day = sixth_of_december()
    User.objects.filter(pk=cast.vendor_a_user.pk).update(email="dave@alpha.example", language="en")
    User.objects.filter(pk=cast.vendor_a_admin.pk).update(email="erin@alpha.example", language="nl")
    send_po(cast, day)
    mails = {message.to[0]: message for message in smtp_server.wait_for(2)}
    english, dutch = mails["dave@alpha.example"], mails["erin@alpha.example"]
    assert f"{day.day} Dec {day.year}" in english.text and f"Dec. {day.day}, {day.year}" not in english.text
    assert f"{day.day} december {day.year}" in dutch.text


def test_date_pickers_carry_iso_dates_in_every_language(client, cast):
    """A browser leaves an <input type="date"> empty unless its value is ISO 8601; Dutch once got 06-12-2026."""
    po = po_confirm(actor=cast.agent, purchase_order=send_po(cast, sixth_of_december()), without_response=True)
    client.force_login(cast.clerk)
    for page_url in (reverse("buyer:po_receive", args=[po.pk]), reverse("vendor:po_respond", args=[po.pk])):
        if page_url.startswith("/vendor/"):
            client.force_login(cast.vendor_a_user)
        for language in ("en", "nl"):
            page = client.get(page_url, HTTP_ACCEPT_LANGUAGE=language).content.decode()
            tags = [chunk.split(">", 1)[0] for chunk in page.split("<input")[1:]]
            pickers = [tag for tag in tags if 'type="date"' in tag and 'value="' in tag]
            values = [tag.split('value="', 1)[1].split('"', 1)[0] for tag in pickers]
            for value in values:
                assert dt.date.fromisoformat(value), (page_url, language, value)
            if "receipts" in page_url:
                assert values == [timezone.localdate().isoformat()], language  # received today, by default
