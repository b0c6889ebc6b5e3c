"""The Dutch catalogue is complete and up to date: every translatable string of the code has a Dutch text."""

import ast
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.utils import translation

ROOT = Path(__file__).resolve().parents[3]
CATALOGUE = ROOT / "locale" / "nl" / "LC_MESSAGES" / "django.po"


def parse_po(path: Path) -> dict[tuple[str, str], tuple[list[str], bool]]:
    """(msgctxt, msgid) -> (translations, fuzzy) for every entry but the header."""
    entries: dict[tuple[str, str], tuple[list[str], bool]] = {}
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        fields: dict[str, str] = {}
        current = None
        fuzzy = False
        for line in block.splitlines():
            if line.startswith("#,") and "fuzzy" in line:
                fuzzy = True
            if line.startswith("#"):
                continue
            match = re.match(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?) (".*")$', line)
            if match:
                current = match.group(1)
                fields[current] = ast.literal_eval(match.group(2))
            elif line.startswith('"') and current:
                fields[current] += ast.literal_eval(line)
        if fields.get("msgid"):
            texts = [value for key, value in sorted(fields.items()) if key.startswith("msgstr")]
            entries[(fields.get("msgctxt", ""), fields["msgid"])] = (texts, fuzzy)
    return entries


@pytest.fixture(scope="module")
def fresh_catalogue(tmp_path_factory) -> Path:
    """The catalogue as makemessages would write it now, made in a copy so the working tree is untouched."""
    copy = tmp_path_factory.mktemp("i18n") / "project"
    shutil.copytree(
        ROOT, copy, ignore=shutil.ignore_patterns(".venv", "var", ".git", "__pycache__", "node_modules", "*.mo")
    )
    subprocess.run(
        [
            sys.executable,
            "manage.py",
            "makemessages",
            "-l",
            "nl",
            "--no-obsolete",
            "--no-location",
            "-v",
            "0",
            "--ignore=.venv",
            "--ignore=var",
            "--ignore=bench",
        ],
        cwd=copy,
        check=True,
        timeout=300,
    )
    return copy / "locale" / "nl" / "LC_MESSAGES" / "django.po"


def test_every_string_is_in_the_catalogue(fresh_catalogue):
    missing = set(parse_po(fresh_catalogue)) - set(parse_po(CATALOGUE))
    assert not missing, f"run `make catalogue` and translate: {sorted(missing)[:20]}"


def test_no_stale_strings_in_the_catalogue(fresh_catalogue):
    stale = set(parse_po(CATALOGUE)) - set(parse_po(fresh_catalogue))
    assert not stale, f"strings no longer in the code: {sorted(stale)[:20]}"


def test_every_entry_is_translated_and_not_fuzzy():
    entries = parse_po(CATALOGUE)
    assert entries, "the Dutch catalogue is empty"
    untranslated = [msgid for (_, msgid), (texts, _fuzzy) in entries.items() if not all(texts)]
    fuzzy = [msgid for (_, msgid), (_texts, is_fuzzy) in entries.items() if is_fuzzy]
    assert untranslated == []
    assert fuzzy == []


def test_placeholders_survive_translation():
    for (_, msgid), (texts, _fuzzy) in parse_po(CATALOGUE).items():
        wanted = sorted(re.findall(r"%\(\w+\)s", msgid))
        for text in texts:
            assert sorted(re.findall(r"%\(\w+\)s", text)) == wanted, msgid


def test_dutch_is_served_from_the_compiled_catalogue():
    from vendorcollab.purchasing.selectors import VendorList

    with translation.override("nl"):
        assert str(VendorList.FOR_REVIEW.label) == "Inkooporders ter beoordeling"
        assert str(VendorList.AWAITING_CUSTOMER.label) == "In afwachting van actie van klant"


def test_every_error_message_has_dutch_text():
    from vendorcollab.purchasing.errors import MESSAGES

    with translation.override("nl"):
        dutch = {code: str(message) for code, message in MESSAGES.items()}
    with translation.override("en"):
        english = {code: str(message) for code, message in MESSAGES.items()}
    assert [code for code in MESSAGES if dutch[code] == english[code]] == []
