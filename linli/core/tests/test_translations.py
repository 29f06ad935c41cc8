"""Chinese is the default language and English is complete: every source string has a Chinese
translation, and the compiled catalogue matches the .po file."""

from __future__ import annotations

import gettext
from pathlib import Path

import pytest
from django.conf import settings

PO = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")


def _entries(po_text: str) -> list[tuple[str, str, bool]]:
    """(msgid, msgstr, fuzzy) for each entry, plural forms joined; a small reader for our own file."""
    entries, msgid, msgstr, fuzzy, target = [], None, [], False, None
    for line in po_text.splitlines() + [""]:
        if line.startswith("#,") and "fuzzy" in line:
            fuzzy = True
        elif line.startswith("msgid "):
            msgid, target = [line[6:]], "id"
        elif line.startswith("msgid_plural"):
            target = "skip"
        elif line.startswith("msgstr"):
            msgstr.append(line.split(" ", 1)[1])
            target = "str"
        elif line.startswith('"') and target == "id":
            msgid.append(line)
        elif line.startswith('"') and target == "str":
            msgstr[-1] += line
        elif not line.strip() and msgid is not None:
            text = lambda parts: "".join(p.strip()[1:-1] for p in parts)  # noqa: E731
            entries.append((text(msgid), "".join(text([m]) for m in msgstr), fuzzy))
            msgid, msgstr, fuzzy, target = None, [], False, None
    return [e for e in entries if e[0]]


def test_every_string_has_a_chinese_translation():
    entries = _entries(PO.read_text(encoding="utf-8"))
    assert len(entries) > 200
    missing = [msgid for msgid, msgstr, fuzzy in entries if not msgstr or fuzzy]
    assert missing == [], f"untranslated or fuzzy: {missing[:20]} — run `make messages` and translate"


def test_compiled_catalogue_matches_the_po_file():
    with MO.open("rb") as handle:
        catalogue = gettext.GNUTranslations(handle)
    for msgid, _msgstr, _fuzzy in _entries(PO.read_text(encoding="utf-8")):
        if "\\" in msgid:
            continue
        assert catalogue.gettext(msgid) != msgid or msgid == _msgstr, f"{msgid!r} missing from django.mo: run `make messages`"


@pytest.mark.django_db
def test_chinese_is_the_default_and_english_is_switchable(client):
    page = client.get("/accounts/login/")
    assert "登录" in page.content.decode()
    page = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en")
    assert "Log in" in page.content.decode()
