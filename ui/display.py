"""Small display helpers shared by pages: tables shown whole, units in the chosen language,
and `escape_markdown`, the one rule for user text shown through a markdown renderer.

Every string a user typed or imported (layer names, workshop titles, group names,
comments, project titles, author names, attribute values) that reaches a Streamlit
element rendering markdown (``st.markdown``, ``st.subheader``, ``st.write``,
``st.caption``, ``st.success``/``st.error``/``st.info``, widget labels and help texts,
metric, expander and tab labels) goes through `escape_markdown`, or is shown with an
element that does not render markdown (``st.text``, ``st.code``, a dataframe cell).
Folium maps escape their own text (`cmgis.map_text.escape_map_text`).
"""

from __future__ import annotations

from typing import Final

import pandas as pd
import streamlit as st

from cmgis import CmgisError
from cmgis.i18n import normalise_lang, strings, t
from ui.state import current_lang

_ROW_PX = 35
#: Units shown without a suffix: plain counts and 0-1 indices read best as bare numbers.
_NO_SUFFIX = frozenset({"count", "0-1"})
_MARKDOWN_SPECIAL: Final = frozenset("\\`*_{}[]()#+-.!|<>~$:&=\"'")


def escape_markdown(text: object) -> str:
    """Text shown literally by a markdown renderer (Streamlit's ``st.markdown`` and kin).

    Every markdown, HTML and LaTeX special character gets a backslash, so ``<script>``,
    ``[link](...)``, ``![img](...)``, ``**bold**`` and ``$x$`` show as typed; bare URLs are
    not made links (a word joiner follows ``:``, ``www`` and ``@``); line breaks are kept.
    A cmgis error is shown as its message in the page's language (`CmgisError.message`:
    Thai pages never get the English detail, which the server log keeps).
    """
    if isinstance(text, CmgisError):
        text = text.message(current_lang())
    value = "" if text is None else str(text)
    escaped = "".join("\\" + ch if ch in _MARKDOWN_SPECIAL else ch for ch in value)
    # GitHub-flavoured markdown turns bare URLs, www. and e-mail addresses into links even
    # when escaped; an invisible word joiner (U+2060) keeps them plain text
    for pattern in ("\\:", "www", "@"):
        escaped = escaped.replace(pattern, pattern + "\u2060")
    return escaped.replace("\n", "  \n")


def show_table(df: pd.DataFrame) -> None:
    """A dataframe without index, tall enough to show every row (no inner scrolling)."""
    st.dataframe(df, hide_index=True, width="stretch", height=_ROW_PX * (len(df) + 1) + 3)


def unit_text(unit: str, lang: str) -> str:
    """An indicator unit in ``lang`` ("" for plain counts and 0-1 indices)."""
    if unit in _NO_SUFFIX:
        return ""
    entry = strings().get(f"map.unit.{unit}")
    return unit if entry is None else entry.get(normalise_lang(lang), unit)


#: Phrases of the catalog's credit lines (English, from the data build) with their keys;
#: names of sources, datasets and licences stay as they are.
_CREDIT_PHRASES: Final = (
    "credits.osm_contributors",
    "credits.admin_boundaries",
    "credits.rtsd",
    "credits.elevation",
    "credits.via",
)


def credit_lines(lines: list[str], lang: str) -> list[str]:
    """The catalog's credit lines with their connecting words in ``lang``."""
    if normalise_lang(lang) == "en":
        return list(lines)
    out = []
    for line in lines:
        for key in _CREDIT_PHRASES:
            line = line.replace(t(key, "en"), t(key, lang))
        out.append(line)
    return out


def isc_level(level: str, lang: str) -> str:
    """An ISC level as the report names it (English), with a Thai gloss on Thai pages."""
    if normalise_lang(lang) == "en":
        return level
    keys = [k for k, v in strings().items() if k.startswith("map.isc_level.")]
    key = next((k for k in keys if strings()[k]["en"] == level), None)
    return f"{level} ({t(key, lang)})" if key else level
