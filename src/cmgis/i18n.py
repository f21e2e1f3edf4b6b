"""Thai and English strings: every UI string, layer title and legend text, in one place.

Strings live in ``cmgis/locales/*.json`` (one file per area of the app, so features can
add strings without touching each other's files); each file maps a key to
``{"en": ..., "th": ...}``. `t` looks a key up; a key missing in one language falls back
to English, and a key missing altogether is returned as is, so a gap shows instead of
crashing (a test checks that every key has both languages).
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Literal

Lang = Literal["en", "th"]
LANGS: tuple[Lang, ...] = ("en", "th")
LOCALES_DIR = Path(__file__).resolve().parent / "locales"


@cache
def strings() -> dict[str, dict[str, str]]:
    """All strings, merged from every locale file; duplicate keys raise ``ValueError``."""
    merged: dict[str, dict[str, str]] = {}
    for path in sorted(LOCALES_DIR.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        for key, value in data.items():
            if key in merged:
                raise ValueError(f"string key {key!r} is defined twice (again in {path.name})")
            merged[key] = value
    return merged


def normalise_lang(lang: str | None) -> Lang:
    """Return ``"th"`` for Thai, ``"en"`` for anything else."""
    return "th" if (lang or "").lower().startswith("th") else "en"


def t(key: str, lang: str | None = "en", **fmt: object) -> str:
    """The string ``key`` in ``lang``, formatted with ``fmt`` if given."""
    entry = strings().get(key)
    if entry is None:
        text = key
    else:
        text = entry.get(normalise_lang(lang)) or entry.get("en") or key
    return text.format(**fmt) if fmt else text


def pick(en: str | None, th: str | None, lang: str | None) -> str:
    """Choose between an English and a Thai value of a data field (falls back to the other)."""
    if normalise_lang(lang) == "th":
        return th or en or ""
    return en or th or ""
