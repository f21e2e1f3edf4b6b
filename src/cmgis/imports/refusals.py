"""Refusals of imported files: one `ImportRefusedError` per reason, in Thai and English.

Every reason has a code and a string ``imports.refuse.<code>`` in ``locales/imports.json``;
`refuse` formats it in both languages. Names and values from the file are quoted with
`quote` (shortened, one line) so a hostile file name cannot fill the message.
"""

from __future__ import annotations

from cmgis._errors import ImportRefusedError
from cmgis.i18n import t

#: Longest piece of a file's own text (a name, a member, a value) quoted in a message.
MAX_QUOTED_CHARS = 60


def quote(value: object) -> str:
    """``value`` as one short quoted line for a message (file names, members, values)."""
    text = " ".join(str(value).split())
    if len(text) > MAX_QUOTED_CHARS:
        text = text[: MAX_QUOTED_CHARS - 1] + "…"
    return f"'{text}'"


def refuse(code: str, *, candidates: tuple[str, ...] = (), **params: object) -> ImportRefusedError:
    """The refusal ``code`` with its message in English and Thai (``params`` fill it)."""
    key = f"imports.refuse.{code}"
    return ImportRefusedError(
        code, t(key, "en", **params), t(key, "th", **params), candidates=candidates
    )
