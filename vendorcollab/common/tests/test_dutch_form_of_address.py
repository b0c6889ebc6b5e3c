"""One form of address in Dutch: the portal says "u", so no page may say "je", "jij", "jouw" or "jou".

django-allauth's Dutch catalogue says "je" on the sign-in, sign-out, password and two-factor pages and in its mails;
our catalogue (LOCALE_PATHS, looked up first) overrides those strings (``vendorcollab/accounts/allauth_strings.py``).
The checks read the catalogues a Dutch page is served from: ours, and allauth's for the apps the portal installs.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import allauth
from django.utils import translation

from vendorcollab.common.tests.test_translations import CATALOGUE, parse_po

INFORMAL = re.compile(r"\b(je|jij|jou|jouw|jezelf|jullie)\b", re.IGNORECASE)
ALLAUTH_CATALOGUE = Path(allauth.__file__).parent / "locale" / "nl" / "LC_MESSAGES" / "django.po"
# allauth's apps the portal does not install (settings.INSTALLED_APPS has allauth, allauth.account, allauth.mfa):
# their strings never reach a page.
NOT_INSTALLED = ("socialaccount", "usersessions", "headless", "idp")


def allauth_entries() -> list[tuple[str, str | None]]:
    """(msgid, msgid_plural) of every allauth string whose source is in an app the portal uses."""
    entries = []
    for block in ALLAUTH_CATALOGUE.read_text(encoding="utf-8").split("\n\n"):
        sources = [
            source.split(":")[0].removeprefix("templates/")
            for line in block.splitlines()
            if line.startswith("#: ")
            for source in line[3:].split()
        ]
        fields: dict[str, str] = {}
        current = None
        for line in block.splitlines():
            match = re.match(r"^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?) (\".*\")$", line)
            if match:
                current = match.group(1)
                fields[current] = ast.literal_eval(match.group(2))
            elif line.startswith('"') and current:
                fields[current] += ast.literal_eval(line)
        if not fields.get("msgid") or "msgctxt" in fields:
            continue
        if sources and all(source.split("/")[0] in NOT_INSTALLED for source in sources):
            continue
        entries.append((fields["msgid"], fields.get("msgid_plural")))
    return entries


def dutch(msgid: str, plural: str | None) -> list[str]:
    """What a Dutch page shows for the msgid: the first catalogue that has it wins, as at run time."""
    with translation.override("nl"):
        if plural is None:
            return [translation.gettext(msgid)]
        return [translation.ngettext(msgid, plural, count) for count in (1, 2)]


def test_our_catalogue_says_u():
    informal = [
        (msgid, text) for (_, msgid), (texts, _fuzzy) in parse_po(CATALOGUE).items() for text in texts
        if INFORMAL.search(text)
    ]  # fmt: skip
    assert informal == []


def test_allauth_strings_a_page_may_show_say_u():
    entries = allauth_entries()
    assert len(entries) > 200, "allauth's catalogue was not read"
    informal = [(msgid, text) for msgid, plural in entries for text in dutch(msgid, plural) if INFORMAL.search(text)]
    assert informal == [], "add these to vendorcollab/accounts/allauth_strings.py and translate them with u"


def test_the_check_sees_allauths_je():
    """Without our catalogue's entry allauth's own Dutch shows: the check above is not blind."""
    msgid = "Are you sure you want to sign out?"
    assert (msgid, None) in allauth_entries()
    allauth_text = re.search(
        r'msgid "Are you sure you want to sign out\?"\nmsgstr "(.*)"', ALLAUTH_CATALOGUE.read_text(encoding="utf-8")
    )
    assert allauth_text and INFORMAL.search(allauth_text.group(1))
    assert dutch(msgid, None) == ["Weet u zeker dat u zich wilt afmelden?"]
