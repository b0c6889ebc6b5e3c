"""Hostile XML is refused quickly, with a clear error, and changes nothing: entity expansion (billion laughs),
external entities and DTDs, a 50 MB body, nesting deeper than the parser's limit."""

from __future__ import annotations

import time

import pytest

from vendorcollab.common.formatting import size_text
from vendorcollab.interop.errors import UnreadableDocument
from vendorcollab.interop.services import ubl_order_import
from vendorcollab.purchasing.tests.helpers import database_fingerprint

from .documents import NAMESPACES, OrderLine, order_xml

# Seconds of this process's CPU time, not of the clock: on a busy machine (the suite runs on every core, next to
# whatever else runs there) the clock also counts the time other processes had the CPU. Expanding the entities or
# reading the body would cost CPU here, which is what the limit is about.
QUICKLY = 2.0

BILLION_LAUGHS = (
    b'<?xml version="1.0"?>\n<!DOCTYPE Order [\n <!ENTITY lol "lol">\n'
    + b"".join(
        f' <!ENTITY lol{n} "{("&lol" + (str(n - 1) if n > 1 else "") + ";") * 10}">\n'.encode() for n in range(1, 10)
    )
    + f"]>\n<Order {NAMESPACES}><cbc:ID>&lol9;</cbc:ID></Order>".encode()
)
EXTERNAL_ENTITY = (
    b'<?xml version="1.0"?>\n<!DOCTYPE Order [<!ENTITY secret SYSTEM "file:///etc/passwd">]>\n'
    + f"<Order {NAMESPACES}><cbc:ID>&secret;</cbc:ID></Order>".encode()
)
EXTERNAL_DTD = b'<?xml version="1.0"?>\n<!DOCTYPE Order SYSTEM "http://127.0.0.1:9/order.dtd">\n<Order/>'
PARAMETER_ENTITY = (
    b'<?xml version="1.0"?>\n<!DOCTYPE Order [<!ENTITY % remote SYSTEM "file:///etc/passwd"> %remote;]>\n<Order/>'
)


def refuse_quickly(cast, document):
    before = database_fingerprint()
    started = time.process_time()
    with pytest.raises(UnreadableDocument) as raised:
        ubl_order_import(actor=cast.agent, document=document)
    assert time.process_time() - started < QUICKLY
    assert database_fingerprint() == before
    error = raised.value
    assert error.status == 400
    assert "root:" not in error.rendered_message()  # no line of /etc/passwd in the answer
    return error


@pytest.mark.parametrize(
    "document",
    [BILLION_LAUGHS, EXTERNAL_ENTITY, EXTERNAL_DTD, PARAMETER_ENTITY],
    ids=["billion-laughs", "external-entity", "external-dtd", "parameter-entity"],
)
def test_a_doctype_is_refused_before_parsing(cast, document):
    error = refuse_quickly(cast, document)
    assert error.code == "ubl_doctype"
    assert "DOCTYPE" in error.rendered_message()


def test_a_doctype_in_utf16_is_refused_too(cast):
    assert refuse_quickly(
        cast, EXTERNAL_ENTITY.replace(b'"1.0"?>', b'"1.0" encoding="UTF-16"?>', 1).decode().encode("utf-16")
    ).code == ("ubl_doctype")


def test_a_50_mb_body_is_refused_unread(endpoints):
    valid = order_xml([OrderLine(endpoints.items[0].number)])
    padding = b"<!-- " + b"x" * (50 * 1024 * 1024) + b" -->"
    error = refuse_quickly(endpoints, valid.replace(b"<cbc:ID>", padding + b"<cbc:ID>", 1))
    assert error.code == "ubl_too_large"
    assert size_text(10 * 1024 * 1024) in error.rendered_message()


def test_the_size_limit_is_a_setting(endpoints, settings):
    settings.UBL_MAX_BYTES = 1000
    assert refuse_quickly(endpoints, order_xml([OrderLine(endpoints.items[0].number)] * 3)).code == "ubl_too_large"


def test_nesting_deeper_than_the_parsers_limit_is_refused(cast):
    depth = 100_000
    document = f"<Order {NAMESPACES}>".encode() + b"<a>" * depth + b"</a>" * depth + b"</Order>"
    assert refuse_quickly(cast, document).code == "ubl_malformed"
