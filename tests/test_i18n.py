"""Strings: every key in Thai and English, lookups and fallbacks."""

from __future__ import annotations

from cmgis.i18n import normalise_lang, pick, strings, t


def test_every_key_has_both_languages() -> None:
    for key, value in strings().items():
        assert value.get("en"), key
        assert value.get("th"), key


def test_lookup_and_fallbacks() -> None:
    assert t("lang.label", "th") == "ภาษา"
    assert t("lang.label", "en") == "Language"
    assert t("no.such.key", "th") == "no.such.key"
    assert normalise_lang("th-TH") == "th" and normalise_lang(None) == "en"
    assert pick("Old Town", "เมืองเก่า", "th") == "เมืองเก่า"
    assert pick("Old Town", "", "th") == "Old Town"
