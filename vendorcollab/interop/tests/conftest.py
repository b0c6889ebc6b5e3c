"""Fixtures of the UBL tests: the shared PEPPOL examples and UBL 2.1 schemas, a fixed "today", a PO with endpoints.

The examples and schemas live in the repository's sibling folder ``../shared`` and are never copied into the
project. A test that needs them skips, saying why, only when that folder is absent; with ``CI`` set it fails instead.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
from pathlib import Path
from unittest import mock

import pytest
from django.apps import apps
from django.core import serializers
from django.utils import timezone
from lxml import etree

from vendorcollab.common.testing.factories import make_po

REPO_ROOT = Path(__file__).resolve().parents[3]
SHARED = REPO_ROOT.parent / "shared"
EXAMPLES = ("peppol-ordering", "examples")
XSD = ("ubl-2.1", "xsd", "maindoc")

# Before every delivery date of the examples (2010-2023), so that they are all still ahead.
FIXED_TODAY = dt.date(2010, 1, 1)


def shared(*parts: str) -> Path:
    """A file of ``../shared``; skips the test when the folder is absent (fails under CI)."""
    if not SHARED.is_dir():
        reason = f"the shared folder {SHARED} (PEPPOL examples, UBL 2.1 schemas) is absent"
        if os.environ.get("CI"):
            pytest.fail(f"{reason}; CI must provide it")
        pytest.skip(reason)
    return SHARED.joinpath(*parts)


def example(name: str) -> bytes:
    return shared(*EXAMPLES, name).read_bytes()


@functools.cache
def _schema(path: Path) -> etree.XMLSchema:
    # Loading a UBL schema and its imports takes a moment: once per test session.
    return etree.XMLSchema(etree.parse(str(path)))


def assert_valid(document: bytes, kind: str) -> etree._Element:
    """``document`` validates against ``UBL-<kind>-2.1.xsd``; returns its root."""
    schema = _schema(shared(*XSD, f"UBL-{kind}-2.1.xsd"))
    root = etree.fromstring(document, etree.XMLParser(resolve_entities=False, no_network=True))
    assert schema.validate(root), "\n".join(str(error) for error in schema.error_log)
    return root


RULES = ("peppol-rules", "2026.5")
SVRL = "{http://purl.oclc.org/dsdl/svrl}"


@functools.cache
def _rules(name: str):  # type: ignore[no-untyped-def]
    # Saxon-HE compiles an official stylesheet in a few seconds: once per stylesheet and test process.
    from saxonche import PySaxonProcessor

    processor = PySaxonProcessor(license=False)
    compiled = processor.new_xslt30_processor().compile_stylesheet(stylesheet_file=str(shared(*RULES, name)))
    return processor, compiled


def peppol_fatal(document: bytes, transaction: str) -> set[str]:
    """The ids of the official PEPPOL rules (``PEPPOLBIS-<transaction>.xslt``, run as an access point runs them)
    whose fatal assertions ``document`` fails; empty when it conforms."""
    processor, compiled = _rules(f"PEPPOLBIS-{transaction}.xslt")
    report = compiled.transform_to_string(xdm_node=processor.parse_xml(xml_text=document.decode("utf-8")))
    root = etree.fromstring(report.encode("utf-8"))
    return {failed.get("id", "?") for failed in root.iter(f"{SVRL}failed-assert") if failed.get("flag") == "fatal"}


def orders_fingerprint() -> str:
    """Every row of purchasing and master data, serialised: equal before and after means an import changed nothing
    (the API's own records of a request, such as the audit of a token's use, left aside)."""
    models = [model for app in ("purchasing", "partners") for model in apps.get_app_config(app).get_models()]
    return "\n".join(serializers.serialize("json", model._default_manager.order_by("pk")) for model in models)


@pytest.fixture
def fixed_today():
    """``timezone.localdate()`` (what every service calls "today") is ``FIXED_TODAY``."""
    real = timezone.localdate

    def localdate(value=None, timezone=None):
        return FIXED_TODAY if value is None else real(value, timezone)

    with mock.patch("django.utils.timezone.localdate", side_effect=localdate):
        yield FIXED_TODAY


@pytest.fixture
def endpoints(cast):
    """The cast's company and vendor A with PEPPOL endpoints, as UBL documents name them, and the postal addresses
    an Order needs before it is sent (``purchasing.services.readiness``)."""
    cast.company.endpoint_scheme, cast.company.endpoint_id = "0088", "7300010000001"
    cast.company.city_name, cast.company.country_code = "Amsterdam", "NL"
    cast.company.save()
    cast.vendor_a.endpoint_scheme, cast.vendor_a.endpoint_id = "0192", "987654325"
    cast.vendor_a.city_name, cast.vendor_a.country_code = "Oslo", "NO"
    cast.vendor_a.save()
    return cast


@pytest.fixture
def sent(endpoints):
    """A PO with three lines, sent to vendor A as version 1."""
    return make_po(actor=endpoints.agent, vendor=endpoints.vendor_a, items=endpoints.items, send=True)
