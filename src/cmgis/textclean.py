"""Typed-text cleaning: one rule for every string a person types, and the CSV formula guard.

Every typed string (workshop titles, names and comments, project edits, user-layer
names, print titles) goes through `clean_typed_text`: Unicode NFC; C0/C1 control
characters removed (newline and tab kept only where several lines are allowed); lone
surrogates and bidi embeddings, overrides and isolates removed (an RLO makes "evil.exe"
read "exe.live"); a length limit. Thai and every other script are kept, and so are the
zero-width spaces Thai writers use as word breaks.

`csv_safe` guards a cell written to any CSV against spreadsheet formulas, after NFKC
normalisation so fullwidth ``＝`` and other lookalikes are caught too.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Final

from cmgis._errors import InputError

#: C0 controls but tab and newline, DEL, C1 controls, lone surrogates, bidi embeddings
#: and overrides (U+202A–U+202E), isolates (U+2066–U+2069), the Arabic letter mark.
_UNWANTED: Final = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\u202a-\u202e\u2066-\u2069\u061c]"
)
#: Tab and newline: kept in multi-line text, made spaces in one-line text.
_LINE_BREAKS: Final = re.compile("[\t\n]")
#: Characters that take no space: a text made only of them counts as empty.
_INVISIBLE: Final = re.compile("[\u200b-\u200f\u2060\ufeff]|\\s")
#: First characters that make a spreadsheet read a cell as a formula (after NFKC).
_FORMULA_STARTS: Final = frozenset("=+-@\t\r\n")
#: Lookalikes NFKC leaves alone but spreadsheets may still take as a sign.
_SIGN_LOOKALIKES: Final = frozenset("\u2212\u2796\u2795\u2010\u2011\u2012\u2013\u2014")


def has_unwanted(text: str) -> bool:
    """Whether ``text`` holds a character `clean_typed_text` removes (controls, bidi…)."""
    return bool(_UNWANTED.search(text.replace("\n", "").replace("\t", "")))


def strip_unwanted(text: str, *, multiline: bool = True) -> str:
    """``text`` in NFC without unwanted characters, stripped; one line unless ``multiline``."""
    cleaned = _UNWANTED.sub("", unicodedata.normalize("NFC", text))
    if not multiline:
        cleaned = " ".join(_LINE_BREAKS.sub(" ", cleaned).split(" "))
    return cleaned.strip()


def is_blank(text: str) -> bool:
    """Whether ``text`` is empty or made only of spaces and zero-width characters."""
    return not _INVISIBLE.sub("", text)


def clean_typed_text(
    value: object,
    *,
    what: str,
    max_chars: int,
    required: bool = True,
    multiline: bool = True,
) -> str:
    """A typed string, cleaned (see the module docstring) and checked.

    Parameters
    ----------
    value
        What was typed; ``None`` counts as empty.
    what
        How to name the field in messages, e.g. ``"the map title"``.
    max_chars
        Most characters allowed after cleaning.
    required
        Refuse an empty (or invisible-only) text.
    multiline
        Keep newlines and tabs; otherwise they become spaces.

    Raises
    ------
    InputError
        Not text, empty (when ``required``) or too long.
    """
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise InputError(
            f"{what} must be text, got {type(value).__name__}",
            key="errors.text.not_text",
            what=what,
        )
    text = strip_unwanted(value, multiline=multiline)
    if required and is_blank(text):
        raise InputError(f"{what} is empty; type a few words", key="errors.text.empty", what=what)
    if len(text) > max_chars:
        raise InputError(
            f"{what} has {len(text)} characters; at most {max_chars} are allowed",
            key="errors.text.too_long",
            what=what,
            n=len(text),
            max_chars=max_chars,
        )
    return text


def csv_safe(value: object) -> object:
    """Guard a CSV cell against formula injection: a cell that starts like a formula gets ``'``.

    The check runs on the NFKC form of the start of the text (so fullwidth ``＝＋－＠``
    count) after leading spaces, and also catches minus-sign lookalikes. Other values are
    returned unchanged.
    """
    if not isinstance(value, str) or not value:
        return value
    if value[0] in _FORMULA_STARTS:
        return "'" + value
    head = unicodedata.normalize("NFKC", value[:8]).lstrip(" \u3000\u00a0")
    if head[:1] in _FORMULA_STARTS or head[:1] in _SIGN_LOOKALIKES:
        return "'" + value
    return value
