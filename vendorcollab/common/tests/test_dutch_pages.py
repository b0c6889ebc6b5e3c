"""No English on a Dutch page: every page of the URL resolver, as every role that may see it, read by a Dutch user.

The pages and who may see them come from the permission matrix (``test_permission_matrix.PAGES``), so a new page is
walked as soon as it has its row there. The English looked for is every msgid whose Dutch differs from it: ours
(``locale/nl``) and django-allauth's for the apps the portal installs. A msgid found in a page's visible text
(text, and the attributes a person sees or hears: title, placeholder, alt, aria-label, a button's value, the
``data-label`` of a stacked row on a phone) means a string that skipped gettext, a label translated too early, or
a catalogue entry missing. Short or common msgids (one word, "PDF") are left out: they meet data and Dutch alike.

A failure reads ``<page name> as <role> (<url>): "<English text>"``, one line each.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any

import pytest
from django.test import Client
from django.urls import get_resolver
from django.utils import translation

from vendorcollab.common.tests.test_dutch_form_of_address import allauth_entries
from vendorcollab.common.tests.test_permission_matrix import (
    ADMIN,
    AGENT,
    ANONYMOUS,
    CLERK,
    PAGES,
    VA_ADMIN,
    VA_USER,
    _fill,
    page_patterns,
    world,  # noqa: F401 (the permission matrix's objects, a fixture)
)
from vendorcollab.common.tests.test_translations import CATALOGUE, parse_po

ROLES = (ANONYMOUS, ADMIN, AGENT, CLERK, VA_USER, VA_ADMIN)
# Pages that are not the portal's own words: the API's documents (JSON, and Swagger's own interface).
NOT_WALKED = frozenset({"api-v1:openapi-json", "api-v1:openapi-view", "api-v1:api-root", "api-v1:not-found"})
# The attributes a person sees or hears.
SHOWN_ATTRIBUTES = frozenset({"title", "placeholder", "alt", "aria-label", "data-label"})
# English that is also Dutch, or that the pages show on purpose whatever the language.
ALLOWED = frozenset(
    {
        "English",  # the language switch names each language in its own words
    }
)
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]|\{\w*\}")


def distinctive(text: str) -> bool:
    """Long enough not to meet a Dutch word or a piece of data by chance: two words and ten letters at least."""
    return len(text.split()) >= 2 and sum(char.isalpha() for char in text) >= 10


def english_fragments(msgid: str) -> list[str]:
    """The literal parts of a msgid between its placeholders and markup, whitespace collapsed."""
    text = re.sub(r"<[^>]+>", "\n", msgid)
    return [" ".join(part.split()) for part in PLACEHOLDER.split(text) if part.strip()]


def english_msgids() -> dict[str, str]:
    """English fragment -> the msgid it comes from, for every msgid a Dutch page would show in other words."""
    wanted: dict[str, str] = {}
    ours = [
        (context, msgid, texts)
        for (context, msgid), (texts, _fuzzy) in parse_po(CATALOGUE).items()
    ]  # fmt: skip
    for _context, msgid, texts in ours:
        if all(text == msgid for text in texts):
            continue
        for fragment in english_fragments(msgid):
            if distinctive(fragment) and not any(fragment in text for text in texts):
                wanted.setdefault(fragment, msgid)
    with translation.override("nl"):
        for msgid, plural in allauth_entries():
            dutch = translation.gettext(msgid) if plural is None else translation.ngettext(msgid, plural, 2)
            for fragment in english_fragments(msgid):
                if distinctive(fragment) and fragment not in dutch:
                    wanted.setdefault(fragment, msgid)
    for fragment in ALLOWED:
        wanted.pop(fragment, None)
    return wanted


class VisibleText(HTMLParser):
    """The text of a page a person sees or hears, as one line per text node or shown attribute."""

    SKIPPED = frozenset({"script", "style", "template", "noscript"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.SKIPPED:
            self.skipping += 1
        values = dict(attrs)
        for name, value in attrs:
            if value and name in SHOWN_ATTRIBUTES:
                self.parts.append(value)
        if tag == "input" and values.get("type") in ("submit", "button") and values.get("value"):
            self.parts.append(values["value"] or "")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIPPED and self.skipping:
            self.skipping -= 1

    def handle_data(self, data: str) -> None:
        if not self.skipping and data.strip():
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = VisibleText()
    parser.feed(html)
    return "\n".join(" ".join(part.split()) for part in parser.parts)


def finder(fragments: dict[str, str]) -> re.Pattern[str]:
    """One pattern for all fragments, longest first, matching whole words only."""
    alternatives = "|".join(re.escape(fragment) for fragment in sorted(fragments, key=len, reverse=True))
    return re.compile(rf"(?<![\w-])(?:{alternatives})(?![\w-])")


def english_on(html: str, pattern: re.Pattern[str]) -> list[str]:
    return sorted(set(pattern.findall(visible_text(html))))


def test_the_finder_sees_english_in_text_and_in_shown_attributes():
    fragments = {"Purchase orders for review": "Purchase orders for review", "Accept with changes": "x"}
    pattern = finder(fragments)
    html = (
        '<html><head><script>var a = "Accept with changes";</script></head><body>'
        '<td data-label="Accept with changes">1</td><p>3 Purchase orders for review</p>'
        "<p>Purchase orders for reviewing</p></body></html>"
    )
    assert english_on(html, pattern) == ["Accept with changes", "Purchase orders for review"]
    assert english_on("<p>Inkooporders ter beoordeling</p>", pattern) == []


def test_the_english_looked_for_comes_from_both_catalogues():
    fragments = english_msgids()
    assert "Purchase orders for review" in fragments  # ours
    assert "Are you sure you want to sign out?" in fragments  # allauth's, overridden by ours
    assert "Forgot your password?" in fragments  # allauth's own Dutch
    assert "PDF" not in fragments and "English" not in fragments


def dutch_client(user: Any) -> Client:
    client = Client(headers={"Accept-Language": "nl"})
    if user is not None:
        user.language = "nl"
        user.save(update_fields=["language"])
        client.force_login(user)
    return client


def test_no_english_on_any_dutch_page(world):  # noqa: F811 (the fixture imported above)
    pattern = finder(english_msgids())
    templates = page_patterns(get_resolver())
    failures: list[str] = []
    walked = 0
    for name, row in sorted(PAGES.items()):
        if name in NOT_WALKED or name not in templates or "GET" not in row.methods:
            continue
        objects = any(key not in ("version", "list", "buyer_list") for key in row.ids.values())
        url = _fill(templates[name], row, world["ids"])
        for role in ROLES:
            if 200 not in row.profile.expect(role, objects):
                continue
            response = dutch_client(world["users"][role]).get(url)
            if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
                continue
            walked += 1
            html = response.content.decode()
            assert '<html lang="nl"' in html, f"{name} as {role} ({url}) is not served in Dutch"
            failures += [f'{name} as {role} ({url}): "{english}"' for english in english_on(html, pattern)]
    assert walked > 60, "the walk reached too few pages"
    if failures:
        pytest.fail("English on Dutch pages:\n" + "\n".join(failures), pytrace=False)
